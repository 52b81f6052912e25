// TableProperties: facts about a table recorded in its properties block, for tools,
// statistics and compaction decisions.
//
//   const TableProperties& p = reader->properties();
//   std::printf("%s\n", p.ToString().c_str());   // "entries=1000 raw_key_bytes=..."
//
// Encoding: a block (block_builder.h, restart interval 1) of name -> value pairs sorted by
// name; numbers are varint64, strings their bytes. Readers skip names they do not know, so
// later versions may add properties freely. The names are listed in docs/sst_format.md.
// Thread-safety: a plain value.
#ifndef LSM_SSTABLE_TABLE_PROPERTIES_H_
#define LSM_SSTABLE_TABLE_PROPERTIES_H_

#include <cstdint>
#include <string>

#include "lsm/status.h"
#include "src/sstable/block.h"

namespace lsm {

// TableProperties::external_file_version of the tables SstFileWriter writes.
inline constexpr uint64_t kExternalFileVersion = 1;

struct TableProperties {
  uint64_t num_entries = 0;
  uint64_t num_deletions = 0;
  uint64_t num_merge_operands = 0;
  uint64_t num_range_deletions = 0;
  uint64_t raw_key_size = 0;    // bytes of internal keys as added
  uint64_t raw_value_size = 0;  // bytes of values as added
  uint64_t num_data_blocks = 0;
  uint64_t data_size = 0;       // bytes of data blocks on disk, trailers included
  uint64_t index_size = 0;      // bytes of the index block
  uint64_t filter_size = 0;     // bytes of the filter block; 0 without a filter
  uint64_t smallest_seqno = 0;  // over all entries; 0 for an empty table
  uint64_t largest_seqno = 0;
  uint64_t format_version = 0;
  uint64_t bloom_bits_per_key = 0;
  std::string compression;      // codec name of the data blocks: "none", "lz4", "zstd"
  std::string comparator_name;  // the user comparator's Name()
  // The merge operator's Name(), for a table with merge operands; else empty.
  std::string merge_operator_name;
  // The prefix extractor's Name() when the filter holds the keys' prefixes too; else empty.
  std::string prefix_extractor_name;
  std::string creator;  // "lsm"
  // The column family the table was written for. A table written before these properties
  // existed has neither and belongs to the default family: the defaults say so.
  uint64_t column_family_id = 0;
  std::string column_family_name = "default";
  // Non-zero in a table written by lsm::SstFileWriter for DB::IngestExternalFile: the version
  // of that convention (kExternalFileVersion). Such a table stores every entry at sequence 0;
  // the database gives it its sequence when it ingests it.
  uint64_t external_file_version = 0;

  // Appends the properties block's contents to *dst.
  void EncodeTo(std::string* dst) const;

  // Reads the properties from a decoded block; Corruption if a known property is malformed.
  Status DecodeFrom(const Block& block);

  // One line, "name=value" pairs separated by spaces.
  std::string ToString() const;
};

}  // namespace lsm

#endif  // LSM_SSTABLE_TABLE_PROPERTIES_H_
