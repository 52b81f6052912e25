// TableOptions: the settings a table is written and read with, taken from lsm::Options.
//
//   TableOptions topts = TableOptions::FromOptions(options);
//   topts.compression = CompressionType::kNone;    // tests may adjust any field
//   TableBuilder builder(topts, file.get());
//
// A table's keys are internal keys ordered by InternalKeyComparator(comparator); `comparator`
// here is the user comparator, whose Name() is recorded in the table and checked on open.
// The struct is a plain value; `comparator` is not owned and must outlive every builder and
// reader using it.
#ifndef LSM_SSTABLE_TABLE_OPTIONS_H_
#define LSM_SSTABLE_TABLE_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "lsm/comparator.h"
#include "lsm/merge_operator.h"
#include "lsm/options.h"
#include "lsm/slice_transform.h"
#include "src/util/compression.h"

namespace lsm {

struct TableOptions {
  // The order of user keys.
  const Comparator* comparator = BytewiseComparator();
  // Target bytes of uncompressed entries per data block.
  size_t block_size = 4096;
  // Entries between restart points of a data block.
  int block_restart_interval = 16;
  // Written: data blocks store each entry's tag as a varint (format version 3). False writes
  // fixed 8-byte tags, format version 1 (2 with range tombstones), as tables were written
  // before version 3. Read: the table's own version decides.
  bool packed_tags = true;
  // Codec of data blocks; blocks that do not shrink by 12.5% are stored raw.
  CompressionType compression = CompressionType::kLZ4;
  // Codec level; 0 is the codec's default.
  int compression_level = 0;
  // Bits per key of the table's bloom filter; 0 writes no filter.
  int bloom_bits_per_key = 10;
  // Open tables with FileSystem::NewDirectRandomAccessFile.
  bool use_direct_reads = false;
  // Otherwise open them with NewRandomAccessFile, which may map them into memory; false:
  // NewUnmappedRandomAccessFile.
  bool mmap_reads = true;
  // The merge operator's Name(), or empty for none: recorded in tables that hold merge
  // operands, and checked when such a table is opened.
  std::string merge_operator_name;
  // The column family the table belongs to, recorded in its properties so that RepairDB can
  // give it back to its family when the MANIFEST is lost. The engine sets them from the
  // family it writes for; the defaults are the default family's.
  uint32_t column_family_id = 0;
  std::string column_family_name = "default";
  // Written: the filter holds the prefixes of the keys too, and its Name() is recorded. Read:
  // a table recorded with the same name answers prefix probes (TableReader::PrefixMayMatch).
  std::shared_ptr<const SliceTransform> prefix_extractor;
  // Recorded as the table's external_file_version property (table_properties.h): non-zero
  // only for the tables of SstFileWriter.
  uint64_t external_file_version = 0;

  static TableOptions FromOptions(const Options& options) {
    TableOptions t;
    if (options.comparator != nullptr) t.comparator = options.comparator;
    t.block_size = options.block_size;
    t.block_restart_interval = options.block_restart_interval;
    t.compression = options.compression;
    t.bloom_bits_per_key = options.bloom_bits_per_key;
    t.use_direct_reads = options.use_direct_reads;
    // Mapped pages are resident memory a budget could not bound (Options::allow_mmap_reads).
    t.mmap_reads = options.allow_mmap_reads && options.memory_budget == nullptr;
    if (options.merge_operator != nullptr) t.merge_operator_name = options.merge_operator->Name();
    t.prefix_extractor = options.prefix_extractor;
    return t;
  }
};

}  // namespace lsm

#endif  // LSM_SSTABLE_TABLE_OPTIONS_H_
