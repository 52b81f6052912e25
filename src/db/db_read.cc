// DBImpl: the read path (see db_impl.h).
//
// A read takes a view under the lock: its sequence number (the snapshot's, or the newest
// visible one), the active and frozen memtables (referenced) and the current version. It then
// looks in the memtables newest first and in the version's tables without the lock. An
// iterator merges the same sources and holds its version until it is destroyed. In a TTL
// family the values found lose their write time (src/db/ttl.h) on the way out.
#include <deque>
#include <iterator>
#include <utility>

#include "src/base/merging_iterator.h"
#include "src/db/db_impl.h"
#include "src/db/db_iter.h"
#include "src/db/ttl.h"

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

DBImpl::ReadView DBImpl::AcquireReadView(const ReadOptions& options, Family* family) {
  ReadView view;
  // Read before the version: a version installed after this is seen as newer on release.
  view.version_generation = version_generation_.load();
  MutexLock l(&mu_);
  view.sequence = options.snapshot != nullptr
                      ? static_cast<const SnapshotImpl*>(options.snapshot)->sequence
                      : visible_sequence_.load(std::memory_order_acquire);
  view.version = versions_->current(family->id);
  if (family->mem == nullptr || view.version == nullptr) {
    view.version = nullptr;  // dropped since the caller looked
    return view;
  }
  view.mems.push_back(family->mem);
  // A flush installs its version before its memtable leaves imms: a memtable whose writes
  // the version holds already is left out, or a reader would see them twice (and count a
  // merge operand twice).
  for (auto it = family->imms.rbegin(); it != family->imms.rend(); ++it) {
    if (it->next_log_number > view.version->log_number()) view.mems.push_back(it->mem);
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

Status DBImpl::Get(const ReadOptions& options, ColumnFamilyHandle* column_family,
                   std::string_view key, std::string* value) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return s;
  ReadView view = AcquireReadView(options, family);
  if (view.version == nullptr) return Dropped(*family);
  LookupKey lkey(key, view.sequence);
  GetContext ctx(family->options.merge_operator.get(), key, value);
  if (!GetFromMemTables(view, lkey, &ctx)) {
    s = view.version->Get(options, lkey, &ctx, family->table_cache.get());
  }
  if (s.ok()) s = ctx.Finish();
  ReleaseReadView(&view);
  if (const uint64_t ttl = family->options.ttl_seconds; s.ok() && ttl > 0) {
    s = StripWriteTime(key, ttl, options.skip_expired, options.skip_expired ? NowSeconds() : 0,
                       value);
  }
  return s;
}

bool DBImpl::GetFromMemTables(const ReadView& view, const LookupKey& key, GetContext* ctx) {
  for (MemTable* m : view.mems) {
    if (m->Get(key, ctx)) return true;
  }
  return false;
}

std::vector<Status> DBImpl::MultiGet(const ReadOptions& options, ColumnFamilyHandle* column_family,
                                     const std::vector<std::string_view>& keys,
                                     std::vector<std::string>* values) {
  values->assign(keys.size(), std::string());
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return std::vector<Status>(keys.size(), s);
  std::vector<Status> statuses(keys.size());
  TableCache* table_cache = family->table_cache.get();
  ReadView view = AcquireReadView(options, family);
  if (view.version == nullptr) return std::vector<Status>(keys.size(), Dropped(*family));
  std::deque<LookupKey> lkeys;
  std::deque<GetContext> contexts;
  std::vector<const LookupKey*> in_tables;  // keys the memtables do not answer
  std::vector<size_t> positions;
  for (size_t i = 0; i < keys.size(); i++) {
    const LookupKey& lkey = lkeys.emplace_back(keys[i], view.sequence);
    GetContext& ctx =
        contexts.emplace_back(family->options.merge_operator.get(), keys[i], &(*values)[i]);
    if (!GetFromMemTables(view, lkey, &ctx)) {
      in_tables.push_back(&lkey);
      positions.push_back(i);
    }
  }
  if (!in_tables.empty()) {
    view.version->Prefetch(options, in_tables, table_cache);
    for (size_t j = 0; j < in_tables.size(); j++) {
      const size_t i = positions[j];
      statuses[i] = view.version->Get(options, *in_tables[j], &contexts[i], table_cache);
    }
  }
  for (size_t i = 0; i < keys.size(); i++) {
    if (statuses[i].ok()) statuses[i] = contexts[i].Finish();
  }
  ReleaseReadView(&view);
  if (const uint64_t ttl = family->options.ttl_seconds; ttl > 0) {
    const uint64_t now = options.skip_expired ? NowSeconds() : 0;
    for (size_t i = 0; i < keys.size(); i++) {
      if (statuses[i].ok()) {
        statuses[i] = StripWriteTime(keys[i], ttl, options.skip_expired, now, &(*values)[i]);
      }
      if (!statuses[i].ok()) (*values)[i].clear();
    }
  }
  return statuses;
}

std::unique_ptr<Iterator> DBImpl::NewIterator(const ReadOptions& options,
                                              ColumnFamilyHandle* column_family) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) {
    return NewDBIterator(options_.comparator, nullptr, NewEmptyIterator(s), 0, options, nullptr,
                         {});
  }
  TableCache* table_cache = family->table_cache.get();
  const Options& family_options = family->options;
  ReadView view = AcquireReadView(options, family);
  const RangeTombstoneList* in_tables = nullptr;
  s = view.version == nullptr ? Dropped(*family)
                              : view.version->RangeTombstones(table_cache, &in_tables);
  if (!s.ok()) {
    ReleaseReadView(&view);
    return NewDBIterator(family_options.comparator, nullptr, NewEmptyIterator(s), 0, options,
                         nullptr, {});
  }
  std::vector<std::unique_ptr<InternalIterator>> children;
  std::vector<uint64_t> newest;  // of each child: memtables may hold anything
  std::vector<std::shared_ptr<const RangeTombstoneList>> tombstones;
  for (MemTable* m : view.mems) {
    children.push_back(m->NewIterator());
    newest.push_back(kMaxSequenceNumber);
    if (auto fragments = m->Fragments(); fragments != nullptr) tombstones.push_back(fragments);
  }
  view.version->AddIterators(options, table_cache, &children, &newest);
  auto pin = std::make_shared<VersionPin>(this, std::move(view.version), view.version_generation);
  ReleaseReadView(&view);  // each memtable iterator holds its own reference
  // The tables' list lives as long as the version, which the pin holds.
  if (!in_tables->empty()) tombstones.emplace_back(pin, in_tables);
  std::unique_ptr<Iterator> iter = NewDBIterator(
      family_options.comparator, family_options.merge_operator.get(),
      NewMergingIterator(family->icmp, std::move(children), std::move(newest)), view.sequence,
      options, std::move(pin), std::move(tombstones), family_options.prefix_extractor.get());
  if (const uint64_t ttl = family_options.ttl_seconds; ttl > 0) {
    iter = NewTtlIterator(std::move(iter), ttl, options.skip_expired,
                          options.skip_expired ? NowSeconds() : 0);
  }
  return iter;
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
