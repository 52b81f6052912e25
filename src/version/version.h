// Version: the immutable set of table files, per level, that make up the database at one
// moment. VersionSet creates versions; readers hold them by shared_ptr, which keeps their files
// from being deleted while in use.
//
//   std::shared_ptr<const Version> v = versions->current();
//   Status s = v->Get(ReadOptions(), LookupKey("k", seq), &value, table_cache);
//   v->AddIterators(ReadOptions(), table_cache, &children);
//
// Level 0 files may overlap and are kept newest first; the files of every other level are
// sorted by smallest key and do not overlap.
// Thread-safety: a Version is immutable once built; every method may be called concurrently.
#ifndef LSM_VERSION_VERSION_H_
#define LSM_VERSION_VERSION_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "lsm/options.h"
#include "lsm/status.h"
#include "src/base/dbformat.h"
#include "src/base/internal_iterator.h"
#include "src/base/range_tombstones.h"
#include "src/sstable/table_cache.h"
#include "src/util/mutex.h"
#include "src/version/version_edit.h"

namespace lsm {

using FileList = std::vector<std::shared_ptr<const FileMetaData>>;

class Version {
 public:
  explicit Version(const InternalKeyComparator* icmp) : icmp_(icmp) {}
  Version(const Version&) = delete;
  Version& operator=(const Version&) = delete;

  // REQUIRES: 0 <= level < kNumLevels.
  const FileList& files(int level) const { return files_[level]; }
  int NumFiles(int level) const { return static_cast<int>(files_[level].size()); }
  uint64_t NumBytes(int level) const;
  // The writes of every write-ahead log numbered below this are in the version's tables (the
  // log number of the edit that made it, or of the last edit before that set one).
  uint64_t log_number() const { return log_number_; }

  // Sets *list to the range tombstones of every table, fragmented together once per version
  // (on first use, opening each table through table_cache), valid while the version lives.
  // A table that cannot be opened fails the call, and a later call tries again.
  Status RangeTombstones(TableCache* table_cache, const RangeTombstoneList** list) const;

  // Gives ctx the entries of `key` in the tables, newest data first, after the tombstones
  // covering it, until it is decided. Returns the error met, if any; the answer is
  // ctx->Finish().
  Status Get(const ReadOptions& options, const LookupKey& key, GetContext* ctx,
             TableCache* table_cache) const;

  // Reads ahead for a batch of Gets (TableReader::PlanPrefetch): level by level, newest first,
  // each table is asked about the keys that fall in its range and that no table before it may
  // hold; then the blocks Get will read, of every table, are read in one
  // FileSystem::MultiRead.
  void Prefetch(const ReadOptions& options, const std::vector<const LookupKey*>& keys,
                TableCache* table_cache) const;

  // Appends one iterator per table file to *iters, and, if given, each table's largest
  // sequence to *newest.
  void AddIterators(const ReadOptions& options, TableCache* table_cache,
                    std::vector<std::unique_ptr<InternalIterator>>* iters,
                    std::vector<uint64_t>* newest = nullptr) const;

  // "L0: 3 files, 12345 bytes\n..." for properties and tests.
  std::string DebugString() const;

 private:
  friend class VersionBuilder;

  const InternalKeyComparator* const icmp_;
  FileList files_[kNumLevels];
  uint64_t log_number_ = 0;
  mutable Mutex tombstones_mu_;  // taken only until tombstones_ is built
  mutable std::atomic<bool> tombstones_built_{false};
  mutable std::unique_ptr<const RangeTombstoneList> tombstones_;
};

// Applies edits to a base version to make a new one.
//   VersionBuilder b(&icmp, current.get());
//   Status s = b.Apply(edit);
//   std::shared_ptr<const Version> next = b.Build();
class VersionBuilder {
 public:
  VersionBuilder(const InternalKeyComparator* icmp, const Version* base);

  // Corruption if the edit removes a file that is not there or adds one twice.
  Status Apply(const VersionEdit& edit);

  // The resulting version; Corruption if files of a level above 0 overlap.
  Status Build(std::shared_ptr<const Version>* version) const;

 private:
  const InternalKeyComparator* const icmp_;
  FileList files_[kNumLevels];
  uint64_t log_number_ = 0;
};

}  // namespace lsm

#endif  // LSM_VERSION_VERSION_H_
