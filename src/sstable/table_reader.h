// TableReader: reads a table file written by TableBuilder: point lookups, iterators, the
// properties and a full verification scan.
//
//   std::unique_ptr<TableReader> table;
//   Status s = TableReader::Open(topts, "000007.sst", std::move(file), file_size, cache,
//                                &table);
//   LookupKey lk("user-key", snapshot_seq);
//   GetState state;
//   std::string value;
//   s = table->Get(ReadOptions(), lk, &state, &value);    // kFound, kDeleted or kNotFound
//   std::unique_ptr<InternalIterator> it = table->NewIterator(ReadOptions());
//
// Open reads and checks the footer, the metaindex, the properties, the bloom filter and the
// index. The filter and index stay pinned in the reader for its lifetime (no lookup or lock to
// reach them); when a block cache is given they are also inserted into it as pinned entries
// (never evicted) so that their bytes count against its capacity for as long as the reader
// holds them, and erased from it when the reader closes.
// Data blocks go through the block cache when one is given, keyed by (a cache id from
// BlockCache::NewId(), block offset) and charged their decoded size. The exception is an
// uncompressed block of a file that returns its own memory (a memory-mapped table): it is
// read in place, its checksum checked on every read as for any block, and never cached,
// since the cache would only hold a second copy of bytes the page cache already has.
//
// Every problem found in the file is Corruption naming the file and offset ("table
// 000007.sst block @ 4096: checksum mismatch"); an unknown format version is NotSupported; a
// table of another comparator is InvalidArgument.
//
// Thread-safety: after Open, every method may be called from many threads at once.
// Ownership: the reader owns its file; options.comparator and the cache must outlive it, and
// it must outlive its iterators unless they hold it through `keep_alive`.
#ifndef LSM_SSTABLE_TABLE_READER_H_
#define LSM_SSTABLE_TABLE_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/file_system.h"
#include "lsm/options.h"
#include "lsm/status.h"
#include "src/base/dbformat.h"
#include "src/base/get_context.h"
#include "src/base/internal_iterator.h"
#include "src/base/range_tombstones.h"
#include "src/sstable/block.h"
#include "src/sstable/block_cache.h"
#include "src/sstable/bloom.h"
#include "src/sstable/format.h"
#include "src/sstable/table_layout.h"
#include "src/sstable/table_options.h"
#include "src/sstable/table_properties.h"

namespace lsm {

// What a point lookup found for a user key at a sequence number.
enum class GetState : uint8_t {
  kNotFound,  // no entry of the user key at or below the sequence
  kFound,     // the newest such entry is a value
  kDeleted,   // the newest such entry is a deletion
};

class TableReader {
 public:
  // file_name names the table in messages (normally "NNNNNN.sst"). cache may be null.
  static Status Open(const TableOptions& options, std::string file_name,
                     std::unique_ptr<RandomAccessFile> file, uint64_t file_size, BlockCache* cache,
                     std::unique_ptr<TableReader>* reader) {
    return Open(options, std::move(file_name), std::move(file), file_size, cache,
                /*global_seqno=*/0, reader);
  }
  // The same for a table whose entries are all stored at sequence 0 (an ingested table,
  // DB::IngestExternalFile) with a global sequence number: every entry and range tombstone
  // is then shown at `global_seqno` instead, by Get and by iterators. A table holds one entry
  // per user key then, so seeks still find their place (the iterator adjusts the target). 0:
  // the sequences as stored, at no extra cost.
  static Status Open(const TableOptions& options, std::string file_name,
                     std::unique_ptr<RandomAccessFile> file, uint64_t file_size, BlockCache* cache,
                     SequenceNumber global_seqno, std::unique_ptr<TableReader>* reader);

  // Reads only the footer, the metaindex and the properties of a table, whatever comparator
  // it was written with: for tools and repair, to learn the comparator before opening.
  static Status ReadProperties(const RandomAccessFile* file, std::string_view file_name,
                               uint64_t file_size, TableProperties* properties);

  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;
  ~TableReader();

  // Gives ctx the entries whose user key equals that of `internal_key` and whose sequence is
  // at or below its sequence, newest first, until it is decided. The bloom filter is
  // consulted before the index. The table's range tombstones are the caller's to apply
  // (Version::Get applies those of every table at once).
  // REQUIRES: internal_key is an internal key (else InvalidArgument).
  Status Get(const ReadOptions& options, std::string_view internal_key, GetContext* ctx) const;
  // The same for a table without merge operands: finds the newest such entry, setting *value
  // only when kFound.
  Status Get(const ReadOptions& options, std::string_view internal_key, GetState* state,
             std::string* value) const;
  Status Get(const ReadOptions& options, const LookupKey& key, GetState* state,
             std::string* value) const {
    return Get(options, key.internal_key(), state, value);
  }

  // Gets ahead of Get for a batch of lookups, in two steps around a batch of reads
  // (Version::Prefetch reads the blocks of every table together, FileSystem::MultiRead).
  // PlanPrefetch: for each internal key whose user key the filter does not rule out, sets
  // may_match[i] and finds the data block Get would read first; *handles are those blocks the
  // cache does not hold, in file order, each once. The caller reads each (the stored block and
  // its trailer, handle.offset and handle.size + kBlockTrailerSize bytes) from file().
  void PlanPrefetch(const std::vector<std::string_view>& internal_keys,
                    std::vector<bool>* may_match, std::vector<BlockHandle>* handles) const;
  // FinishPrefetch: blocks read into scratch (rather than found in a memory map) go into the
  // block cache, as options.fill_cache allows, for Get to find there; a memory map's stay in
  // the page cache. A failed read or a block that fails its checks is left for Get to meet.
  void FinishPrefetch(const ReadOptions& options, const BlockHandle* handles,
                      const FileReadRequest* reads, size_t count) const;
  const RandomAccessFile* file() const { return file_.get(); }

  // An iterator over every entry, in both directions. `keep_alive`, if given, is held by the
  // iterator so that the reader outlives it.
  std::unique_ptr<InternalIterator> NewIterator(
      const ReadOptions& options, std::shared_ptr<const TableReader> keep_alive = nullptr) const;

  // True unless the filter proves that no entry has this user key.
  bool KeyMayMatch(std::string_view user_key) const {
    return filter_ == nullptr || filter_->KeyMayMatch(user_key);
  }
  // True unless the filter proves that no entry's user key has the prefix whose BloomHash is
  // `prefix_hash` (under options.prefix_extractor; a table written with another extractor, or
  // none, proves nothing).
  bool PrefixMayMatch(uint64_t prefix_hash) const {
    return !prefix_filtered_ || filter_->HashMayMatch(prefix_hash);
  }

  // The file offset at which the data of internal_key is or would be: 0 before the first
  // key, the size of the data blocks after the last.
  uint64_t ApproximateOffsetOf(std::string_view internal_key) const;

  // Reads every data block bypassing the cache, verifying checksums, the entry encoding, the
  // key order and the entry count against the properties. Without `check_key_order` the
  // order of keys (within blocks and against the index) is not compared: for a reader opened
  // with a stand-in for a comparator whose order is unknown.
  Status VerifyChecksums(bool check_key_order = true) const;

  const TableProperties& properties() const { return properties_; }
  // The table's range tombstones, fragmented; null when it has none.
  const RangeTombstoneList* range_tombstones() const { return range_tombstones_.get(); }
  const std::string& file_name() const { return file_name_; }
  uint64_t file_size() const { return file_size_; }
  // The sequence every entry is shown at; 0: each entry's own.
  SequenceNumber global_seqno() const { return global_seqno_; }
  // Bytes pinned by the reader (index and filter).
  size_t ApproximateMemoryUsage() const;

 private:
  friend class TableIterator;
  friend class GlobalSeqnoIterator;

  TableReader(const TableOptions& options, std::string file_name,
              std::unique_ptr<RandomAccessFile> file, uint64_t file_size, BlockCache* cache,
              SequenceNumber global_seqno);
  // Reads and fragments the range-deletion block.
  Status ReadRangeTombstones(const BlockHandle& handle);
  Status ReadMeta(const TableLayout& layout);
  // packed_tags as in Block::Create: true for this table's data blocks (layout_.packed_tags()).
  Status ReadBlockAt(const BlockHandle& handle, std::shared_ptr<const Block>* block,
                     bool packed_tags = false) const;
  // Decodes a data block handle from an index entry's value and checks its bounds.
  Status DecodeDataHandle(std::string_view value, BlockHandle* handle) const;
  // The data block at handle, from the cache or read (through `readahead` if given).
  Status GetDataBlock(const ReadOptions& options, const BlockHandle& handle,
                      std::shared_ptr<const Block>* block,
                      BlockReadahead* readahead = nullptr) const;
  // The block of `handle` from its checked stored bytes, put in the block cache if
  // options.fill_cache.
  Status DecodeBlock(const ReadOptions& options, const BlockHandle& handle, std::string_view stored,
                     uint8_t codec, std::shared_ptr<const Block>* block) const;
  bool SameUserKey(std::string_view a, std::string_view b) const;

  const TableOptions options_;
  const InternalKeyComparator icmp_;
  const KeyOrder order_;
  const std::string file_name_;
  const std::shared_ptr<const RandomAccessFile> file_;  // pinned by in-place blocks
  const uint64_t file_size_;
  const SequenceNumber global_seqno_;
  BlockCache* const cache_;
  uint64_t cache_id_ = 0;       // keys of data blocks
  uint64_t meta_cache_id_ = 0;  // keys of the charges for the index and filter
  TableProperties properties_;
  std::shared_ptr<const RangeTombstoneList> range_tombstones_;
  TableLayout layout_;
  std::shared_ptr<const Block> index_block_;
  std::shared_ptr<const BloomFilter> filter_;
  bool prefix_filtered_ = false;  // filter_ holds the prefixes of options_.prefix_extractor
  BlockHandle filter_handle_;
};

}  // namespace lsm

#endif  // LSM_SSTABLE_TABLE_READER_H_
