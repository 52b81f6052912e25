// DBImpl: the read path (see db_impl.h).
//
// A read takes a view under the lock: its sequence number (the snapshot's, or the newest
// visible one), the active and frozen memtables (referenced) and the current version. It then
// looks in the memtables newest first and in the version's tables without the lock. An
// iterator merges the same sources and holds its version until it is destroyed.
#include <deque>
#include <iterator>
#include <utility>

#include "src/base/merging_iterator.h"
#include "src/db/db_impl.h"
#include "src/db/db_iter.h"

namespace lsm {

// An iterator's hold on its version; letting go of it may make tables deletable.
class DBImpl::VersionPin {
 public:
  VersionPin(DBImpl* db, std::shared_ptr<const Version> version, uint64_t generation)
      : db_(db), version_(std::move(version)), generation_(generation) {}
  ~VersionPin() { db_->ReleaseVersion(&version_, generation_); }
  VersionPin(const VersionPin&) = delete;
  VersionPin& operator=(const VersionPin&) = delete;

 private:
  DBImpl* const db_;
  std::shared_ptr<const Version> version_;
  const uint64_t generation_;
};

DBImpl::ReadView DBImpl::AcquireReadView(const ReadOptions& options) {
  ReadView view;
  // Read before the version: a version installed after this is seen as newer on release.
  view.version_generation = version_generation_.load();
  MutexLock l(&mu_);
  view.sequence = options.snapshot != nullptr
                      ? static_cast<const SnapshotImpl*>(options.snapshot)->sequence
                      : visible_sequence_.load(std::memory_order_acquire);
  view.version = versions_->current();
  view.mems.push_back(mem_);
  // A flush installs its version before its memtable leaves imms_: a memtable whose writes
  // the version holds already is left out, or a reader would see them twice (and count a
  // merge operand twice).
  for (auto it = imms_.rbegin(); it != imms_.rend(); ++it) {
    if (it->log_number >= view.version->log_number()) view.mems.push_back(it->mem);
  }
  for (MemTable* m : view.mems) m->Ref();
  return view;
}

void DBImpl::ReleaseReadView(ReadView* view) {
  for (MemTable* m : view->mems) m->Unref();
  view->mems.clear();
  if (view->version != nullptr) ReleaseVersion(&view->version, view->version_generation);
}

void DBImpl::ReleaseVersion(std::shared_ptr<const Version>* version, uint64_t generation) {
  version->reset();
  // Compared after letting go: a flush or compaction that missed this version's tables as
  // deletable because it was still held has raised the generation by now.
  if (generation == version_generation_.load()) return;
  MutexLock l(&mu_);
  versions_released_ = true;
  compaction_work_cv_.Signal();
}

Status DBImpl::Get(const ReadOptions& options, std::string_view key, std::string* value) {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  ReadView view = AcquireReadView(options);
  LookupKey lkey(key, view.sequence);
  GetContext ctx(options_.merge_operator.get(), key, value);
  if (!GetFromMemTables(view, lkey, &ctx)) {
    s = view.version->Get(options, lkey, &ctx, table_cache_.get());
  }
  if (s.ok()) s = ctx.Finish();
  ReleaseReadView(&view);
  return s;
}

bool DBImpl::GetFromMemTables(const ReadView& view, const LookupKey& key, GetContext* ctx) {
  for (MemTable* m : view.mems) {
    if (m->Get(key, ctx)) return true;
  }
  return false;
}

std::vector<Status> DBImpl::MultiGet(const ReadOptions& options,
                                     const std::vector<std::string_view>& keys,
                                     std::vector<std::string>* values) {
  values->assign(keys.size(), std::string());
  Status s = CheckOpen();
  if (!s.ok()) return std::vector<Status>(keys.size(), s);
  std::vector<Status> statuses(keys.size());
  ReadView view = AcquireReadView(options);
  std::deque<LookupKey> lkeys;
  std::deque<GetContext> contexts;
  std::vector<const LookupKey*> in_tables;  // keys the memtables do not answer
  std::vector<size_t> positions;
  for (size_t i = 0; i < keys.size(); i++) {
    const LookupKey& lkey = lkeys.emplace_back(keys[i], view.sequence);
    GetContext& ctx = contexts.emplace_back(options_.merge_operator.get(), keys[i], &(*values)[i]);
    if (!GetFromMemTables(view, lkey, &ctx)) {
      in_tables.push_back(&lkey);
      positions.push_back(i);
    }
  }
  if (!in_tables.empty()) {
    view.version->Prefetch(options, in_tables, table_cache_.get());
    for (size_t j = 0; j < in_tables.size(); j++) {
      const size_t i = positions[j];
      statuses[i] = view.version->Get(options, *in_tables[j], &contexts[i], table_cache_.get());
    }
  }
  for (size_t i = 0; i < keys.size(); i++) {
    if (statuses[i].ok()) statuses[i] = contexts[i].Finish();
  }
  ReleaseReadView(&view);
  return statuses;
}

std::unique_ptr<Iterator> DBImpl::NewIterator(const ReadOptions& options) {
  Status s = CheckOpen();
  if (!s.ok()) {
    return NewDBIterator(options_.comparator, nullptr, NewEmptyIterator(s), 0, options, nullptr,
                         {});
  }
  ReadView view = AcquireReadView(options);
  const RangeTombstoneList* in_tables;
  s = view.version->RangeTombstones(table_cache_.get(), &in_tables);
  if (!s.ok()) {
    ReleaseReadView(&view);
    return NewDBIterator(options_.comparator, nullptr, NewEmptyIterator(s), 0, options, nullptr,
                         {});
  }
  std::vector<std::unique_ptr<InternalIterator>> children;
  std::vector<uint64_t> newest;  // of each child: memtables may hold anything
  std::vector<std::shared_ptr<const RangeTombstoneList>> tombstones;
  for (MemTable* m : view.mems) {
    children.push_back(m->NewIterator());
    newest.push_back(kMaxSequenceNumber);
    if (auto fragments = m->Fragments(); fragments != nullptr) tombstones.push_back(fragments);
  }
  view.version->AddIterators(options, table_cache_.get(), &children, &newest);
  auto pin = std::make_shared<VersionPin>(this, std::move(view.version), view.version_generation);
  ReleaseReadView(&view);  // each memtable iterator holds its own reference
  // The tables' list lives as long as the version, which the pin holds.
  if (!in_tables->empty()) tombstones.emplace_back(pin, in_tables);
  return NewDBIterator(options_.comparator, options_.merge_operator.get(),
                       NewMergingIterator(&icmp_, std::move(children), std::move(newest)),
                       view.sequence, options, std::move(pin), std::move(tombstones));
}

const Snapshot* DBImpl::GetSnapshot() {
  if (closed_.load()) return nullptr;
  MutexLock l(&mu_);
  auto* snapshot = new SnapshotImpl(visible_sequence_.load(std::memory_order_acquire));
  snapshots_.push_back(snapshot);
  snapshot->position = std::prev(snapshots_.end());
  return snapshot;
}

void DBImpl::ReleaseSnapshot(const Snapshot* snapshot) {
  if (snapshot == nullptr) return;
  auto* impl = const_cast<SnapshotImpl*>(static_cast<const SnapshotImpl*>(snapshot));
  {
    MutexLock l(&mu_);
    snapshots_.erase(impl->position);
  }
  delete impl;
}

}  // namespace lsm
