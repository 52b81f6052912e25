// TableCache: a bounded set of open TableReaders, keyed by file number, opened on demand from
// the "NNNNNN.sst" files of one directory and closed least-recently-used first.
//
//   TableCache tables(dbname, TableOptions::FromOptions(options), fs, block_cache,
//                     options.max_open_files);
//   std::string value;
//   GetContext ctx(merge_operator, lookup_key.user_key(), &value);
//   Status s = tables.Get(ReadOptions(), file_number, file_size, /*global_seqno=*/0,
//                         lookup_key, &ctx);
//   std::unique_ptr<InternalIterator> it = tables.NewIterator(ReadOptions(), number, size, 0);
//   tables.Evict(number);   // when the file is deleted
//
// A reader handed out (by FindTable or inside an iterator) is shared: it stays open while
// used even if it is evicted meanwhile. Every call names the table's global sequence number
// (TableReader::Open; 0 for a table read as stored), which the reader opened for that file
// number keeps: a file number always has the same one. A failed open is not cached, so a later call
// retries. Thread-safety: every method may be called from many threads at once; tables are opened
// outside the lock. Ownership: fs is shared; options.comparator and block_cache (may be null)
// must outlive the cache.
#ifndef LSM_SSTABLE_TABLE_CACHE_H_
#define LSM_SSTABLE_TABLE_CACHE_H_

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "lsm/file_system.h"
#include "lsm/options.h"
#include "src/base/dbformat.h"
#include "src/base/internal_iterator.h"
#include "src/sstable/block_cache.h"
#include "src/sstable/table_options.h"
#include "src/sstable/table_reader.h"
#include "src/util/mutex.h"

namespace lsm {

class TableCache {
 public:
  // fs null means FileSystem::Default(). REQUIRES: max_open_files >= 1.
  TableCache(std::string dir, const TableOptions& options, std::shared_ptr<FileSystem> fs,
             BlockCache* block_cache, int max_open_files);
  TableCache(const TableCache&) = delete;
  TableCache& operator=(const TableCache&) = delete;
  ~TableCache();

  // The reader of table `file_number`, opening it if needed. file_size is the size the caller
  // recorded for it (the file is not stat'ed).
  Status FindTable(uint64_t file_number, uint64_t file_size, SequenceNumber global_seqno,
                   std::shared_ptr<const TableReader>* reader);

  // TableReader::Get on the table: gives ctx the key's entries.
  Status Get(const ReadOptions& options, uint64_t file_number, uint64_t file_size,
             SequenceNumber global_seqno, const LookupKey& key, GetContext* ctx);

  // Appends the table's range tombstones to *tombstones.
  Status AppendRangeTombstones(uint64_t file_number, uint64_t file_size,
                               SequenceNumber global_seqno,
                               std::vector<RangeTombstone>* tombstones);

  // An iterator over the table that holds its reader; if the table cannot be opened, an
  // empty iterator whose status() says why.
  std::unique_ptr<InternalIterator> NewIterator(const ReadOptions& options, uint64_t file_number,
                                                uint64_t file_size, SequenceNumber global_seqno);

  // Forgets the reader of file_number (it closes once no iterator holds it).
  void Evict(uint64_t file_number);

  // Readers held now.
  size_t size() const;

  // The file system the tables are read from.
  FileSystem* file_system() const { return fs_.get(); }

 private:
  struct Entry {
    uint64_t file_number;
    std::shared_ptr<const TableReader> reader;
  };

  Status OpenTable(uint64_t file_number, uint64_t file_size, SequenceNumber global_seqno,
                   std::shared_ptr<const TableReader>* reader);

  const std::string dir_;
  const TableOptions options_;
  const std::shared_ptr<FileSystem> fs_;
  BlockCache* const block_cache_;
  const size_t capacity_;

  mutable Mutex mu_;
  std::list<Entry> lru_ ABSL_GUARDED_BY(mu_);  // most recently used first
  absl::flat_hash_map<uint64_t, std::list<Entry>::iterator> index_ ABSL_GUARDED_BY(mu_);
};

}  // namespace lsm

#endif  // LSM_SSTABLE_TABLE_CACHE_H_
