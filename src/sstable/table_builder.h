// TableBuilder: writes a sorted run of internal keys and values as a table file
// (docs/sst_format.md): data blocks, the bloom filter, the properties, the metaindex, the
// index and the footer.
//
//   std::unique_ptr<WritableFile> file;
//   Status s = fs->NewWritableFile(TableFileName(dir, 7), &file);
//   TableBuilder builder(TableOptions::FromOptions(options), file.get());
//   for (...) builder.Add(internal_key, value);   // in InternalKeyComparator order
//   s = builder.Finish();                          // or builder.Abandon()
//   if (s.ok()) s = file->Sync();                  // the caller syncs and closes
//   if (s.ok()) s = file->Close();
//
// Errors from the file are sticky: after one, Add does nothing and status()/Finish() return
// it. The builder never syncs or closes the file.
// Thread-safety: one thread at a time. Ownership: `file` is not owned and must outlive the
// builder; options.comparator too.
#ifndef LSM_SSTABLE_TABLE_BUILDER_H_
#define LSM_SSTABLE_TABLE_BUILDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/file_system.h"
#include "lsm/status.h"
#include "src/base/dbformat.h"
#include "src/base/range_tombstones.h"
#include "src/sstable/block_builder.h"
#include "src/sstable/bloom.h"
#include "src/sstable/format.h"
#include "src/sstable/table_options.h"
#include "src/sstable/table_properties.h"

namespace lsm {

class TableBuilder {
 public:
  // REQUIRES: options.block_restart_interval >= 1.
  TableBuilder(const TableOptions& options, WritableFile* file);
  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;
  // REQUIRES: Finish() or Abandon() was called.
  ~TableBuilder();

  // Appends an entry. REQUIRES: key is an internal key that sorts after every key added;
  // neither Finish() nor Abandon() was called.
  void Add(std::string_view key, std::string_view value);

  // Adds a range tombstone, in any order relative to Add. A table with any is written as
  // format version 2, with a range-deletion block.
  void AddRangeTombstone(const RangeTombstone& tombstone);

  // The first error met, or OK.
  Status status() const { return status_; }

  // Writes the rest of the table. REQUIRES: neither Finish() nor Abandon() was called.
  Status Finish();

  // Gives up on the table; the caller deletes the file.
  void Abandon();

  uint64_t NumEntries() const { return props_.num_entries; }
  // Bytes written to the file so far (the file's final size after Finish()).
  uint64_t FileSize() const { return offset_; }
  // Bytes the table would have if the current data block were written now (without the
  // meta blocks and footer): what callers cut output files by.
  uint64_t EstimatedFileSize() const { return offset_ + data_block_.CurrentSizeEstimate(); }
  // Complete after Finish().
  const TableProperties& properties() const { return props_; }

 private:
  void NoteSequence(SequenceNumber seq);
  void FlushDataBlock();
  // Writes a block with its trailer, compressing it if allowed and worthwhile.
  void WriteBlock(std::string_view contents, bool compress, BlockHandle* handle);
  void WriteRaw(std::string_view data);

  const TableOptions options_;
  const InternalKeyComparator icmp_;
  WritableFile* const file_;
  uint64_t offset_ = 0;
  Status status_;
  BlockBuilder data_block_;
  BlockBuilder index_block_;
  std::unique_ptr<BloomFilterBuilder> filter_;
  std::string last_prefix_;  // the prefix last added to the filter
  bool has_last_prefix_ = false;
  std::string last_key_;
  // After a data block is written, its index entry waits for the next key so that the
  // separator can be short.
  bool pending_index_entry_ = false;
  BlockHandle pending_handle_;
  std::string compressed_;  // scratch
  TableProperties props_;
  bool seq_seen_ = false;  // props_'s sequence range holds one
  std::vector<RangeTombstone> range_tombstones_;
  bool closed_ = false;
};

}  // namespace lsm

#endif  // LSM_SSTABLE_TABLE_BUILDER_H_
