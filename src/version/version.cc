#include "src/version/version.h"

#include <absl/strings/str_format.h>

#include <algorithm>

#include "src/base/merging_iterator.h"

namespace lsm {
namespace {

// Level 0: newest first. Files there come from flushes, whose sequence ranges do not overlap.
bool NewerFirst(const std::shared_ptr<const FileMetaData>& a,
                const std::shared_ptr<const FileMetaData>& b) {
  if (a->largest_seqno != b->largest_seqno) return a->largest_seqno > b->largest_seqno;
  return a->number > b->number;
}

}  // namespace

uint64_t Version::NumBytes(int level) const {
  uint64_t total = 0;
  for (const auto& f : files_[level]) total += f->file_size;
  return total;
}

Status Version::Get(const ReadOptions& options, const LookupKey& key, GetContext* ctx,
                    TableCache* table_cache) const {
  const Comparator* ucmp = icmp_->user_comparator();
  const std::string_view user_key = key.user_key();
  const std::string_view ikey = key.internal_key();
  const RangeTombstoneList* tombstones;
  if (Status s = RangeTombstones(table_cache, &tombstones); !s.ok()) return s;
  ctx->CoverWith(tombstones->Covering(user_key, ExtractTag(ikey) >> 8));
  auto search = [&](const FileMetaData& f, bool* done) -> Status {
    Status s = table_cache->Get(options, f.number, f.file_size, f.global_seqno, key, ctx);
    *done = !s.ok() || ctx->decided();
    return s;
  };
  for (const auto& f : files_[0]) {
    if (ucmp->Compare(user_key, ExtractUserKey(f->smallest)) < 0 ||
        ucmp->Compare(user_key, ExtractUserKey(f->largest)) > 0) {
      continue;
    }
    bool done;
    Status s = search(*f, &done);
    if (done) return s;
  }
  for (int level = 1; level < kNumLevels; level++) {
    const FileList& files = files_[level];
    // The first file whose largest key is >= ikey is the only one that may hold it.
    auto it = std::partition_point(files.begin(), files.end(), [&](const auto& f) {
      return icmp_->Compare(f->largest, ikey) < 0;
    });
    if (it == files.end() || ucmp->Compare(user_key, ExtractUserKey((*it)->smallest)) < 0) {
      continue;
    }
    bool done;
    Status s = search(**it, &done);
    if (done) return s;
  }
  return Status::OK();
}

void Version::Prefetch(const ReadOptions& options, const std::vector<const LookupKey*>& keys,
                       TableCache* table_cache) const {
  const Comparator* ucmp = icmp_->user_comparator();
  std::vector<bool> open(keys.size(), true);  // no table so far may hold the key
  std::vector<size_t> batch;
  std::vector<std::string_view> ikeys;
  std::vector<bool> may_match;
  // The blocks to read, table after table: tables[t] owns handles [first, first + count).
  struct Planned {
    std::shared_ptr<const TableReader> reader;
    size_t first;
    size_t count;
  };
  std::vector<Planned> tables;
  std::vector<BlockHandle> handles;
  std::vector<BlockHandle> table_handles;
  auto ask = [&](const FileMetaData& f) {
    if (batch.empty()) return;
    std::shared_ptr<const TableReader> reader;
    if (table_cache->FindTable(f.number, f.file_size, f.global_seqno, &reader).ok()) {
      ikeys.clear();
      for (size_t i : batch) ikeys.push_back(keys[i]->internal_key());
      reader->PlanPrefetch(ikeys, &may_match, &table_handles);
      for (size_t j = 0; j < batch.size(); j++) {
        if (may_match[j]) open[batch[j]] = false;
      }
      if (!table_handles.empty()) {
        tables.push_back({std::move(reader), handles.size(), table_handles.size()});
        handles.insert(handles.end(), table_handles.begin(), table_handles.end());
      }
    }
    batch.clear();
  };
  auto in_range = [&](const FileMetaData& f, std::string_view user_key) {
    return ucmp->Compare(user_key, ExtractUserKey(f.smallest)) >= 0 &&
           ucmp->Compare(user_key, ExtractUserKey(f.largest)) <= 0;
  };
  for (const auto& f : files_[0]) {
    for (size_t i = 0; i < keys.size(); i++) {
      if (open[i] && in_range(*f, keys[i]->user_key())) batch.push_back(i);
    }
    ask(*f);
  }
  for (int level = 1; level < kNumLevels; level++) {
    // Each open key goes to the one file of the level that may hold it, as in Get.
    std::vector<std::pair<size_t, size_t>> by_file;  // (file index, key index)
    const FileList& files = files_[level];
    for (size_t i = 0; i < keys.size(); i++) {
      if (!open[i]) continue;
      const std::string_view ikey = keys[i]->internal_key();
      auto it = std::partition_point(files.begin(), files.end(), [&](const auto& f) {
        return icmp_->Compare(f->largest, ikey) < 0;
      });
      if (it == files.end() || !in_range(**it, keys[i]->user_key())) continue;
      by_file.emplace_back(static_cast<size_t>(it - files.begin()), i);
    }
    std::sort(by_file.begin(), by_file.end());
    for (size_t j = 0; j < by_file.size(); j++) {
      batch.push_back(by_file[j].second);
      if (j + 1 == by_file.size() || by_file[j + 1].first != by_file[j].first) {
        ask(*files[by_file[j].first]);
      }
    }
  }
  if (handles.empty()) return;
  size_t bytes = 0;
  for (const BlockHandle& h : handles) bytes += h.size + kBlockTrailerSize;
  const std::unique_ptr<char[]> scratch(new char[bytes]);
  std::vector<FileReadRequest> reads(handles.size());
  char* p = scratch.get();
  for (const Planned& t : tables) {
    for (size_t k = t.first; k < t.first + t.count; k++) {
      reads[k].file = t.reader->file();
      reads[k].read.offset = handles[k].offset;
      reads[k].read.n = handles[k].size + kBlockTrailerSize;
      reads[k].read.scratch = p;
      p += reads[k].read.n;
    }
  }
  (void)table_cache->file_system()->MultiRead(reads.data(), reads.size());
  for (const Planned& t : tables) {
    t.reader->FinishPrefetch(options, &handles[t.first], &reads[t.first], t.count);
  }
}

void Version::AddIterators(const ReadOptions& options, TableCache* table_cache,
                           std::vector<std::unique_ptr<InternalIterator>>* iters,
                           std::vector<uint64_t>* newest) const {
  for (const FileList& files : files_) {
    for (const auto& f : files) {
      if (newest != nullptr) newest->push_back(f->largest_seqno);
      iters->push_back(table_cache->NewIterator(options, f->number, f->file_size, f->global_seqno));
    }
  }
}

Status Version::RangeTombstones(TableCache* table_cache, const RangeTombstoneList** list) const {
  if (!tombstones_built_.load(std::memory_order_acquire)) {
    MutexLock l(&tombstones_mu_);
    if (!tombstones_built_.load(std::memory_order_relaxed)) {
      std::vector<RangeTombstone> all;
      for (const FileList& files : files_) {
        for (const auto& f : files) {
          Status s =
              table_cache->AppendRangeTombstones(f->number, f->file_size, f->global_seqno, &all);
          if (!s.ok()) return s;
        }
      }
      tombstones_ =
          std::make_unique<const RangeTombstoneList>(icmp_->user_comparator(), std::move(all));
      tombstones_built_.store(true, std::memory_order_release);
    }
  }
  *list = tombstones_.get();
  return Status::OK();
}

std::string Version::DebugString() const {
  std::string r;
  for (int level = 0; level < kNumLevels; level++) {
    absl::StrAppendFormat(&r, "L%d: %d files, %u bytes\n", level, NumFiles(level), NumBytes(level));
  }
  return r;
}

VersionBuilder::VersionBuilder(const InternalKeyComparator* icmp, const Version* base)
    : icmp_(icmp) {
  if (base != nullptr) {
    for (int level = 0; level < kNumLevels; level++) files_[level] = base->files_[level];
    log_number_ = base->log_number_;
  }
}

Status VersionBuilder::Apply(const VersionEdit& edit) {
  if (edit.log_number()) log_number_ = *edit.log_number();
  for (const auto& [level, number] : edit.deleted_files()) {
    FileList& files = files_[level];
    auto it = std::find_if(files.begin(), files.end(),
                           [n = number](const auto& f) { return f->number == n; });
    if (it == files.end()) {
      return Status::Corruption(absl::StrFormat(
          "version edit removes %06u.sst from L%d, which does not hold it", number, level));
    }
    files.erase(it);
  }
  for (const auto& [level, file] : edit.new_files()) {
    for (const FileList& files : files_) {
      for (const auto& f : files) {
        if (f->number == file.number) {
          return Status::Corruption(
              absl::StrFormat("version edit adds %06u.sst, which is live already", file.number));
        }
      }
    }
    files_[level].push_back(std::make_shared<const FileMetaData>(file));
  }
  return Status::OK();
}

Status VersionBuilder::Build(std::shared_ptr<const Version>* version) const {
  auto v = std::make_shared<Version>(icmp_);
  for (int level = 0; level < kNumLevels; level++) {
    FileList files = files_[level];
    if (level == 0) {
      std::sort(files.begin(), files.end(), NewerFirst);
    } else {
      std::sort(files.begin(), files.end(), [this](const auto& a, const auto& b) {
        return icmp_->Compare(a->smallest, b->smallest) < 0;
      });
      for (size_t i = 1; i < files.size(); i++) {
        if (icmp_->Compare(files[i - 1]->largest, files[i]->smallest) >= 0) {
          return Status::Corruption(absl::StrFormat("L%d files %06u.sst and %06u.sst overlap",
                                                    level, files[i - 1]->number, files[i]->number));
        }
      }
    }
    v->files_[level] = std::move(files);
  }
  v->log_number_ = log_number_;
  *version = std::move(v);
  return Status::OK();
}

}  // namespace lsm
