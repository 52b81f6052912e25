// SalvageTable: reads what is still intact in a damaged table, for repair. It needs only the
// footer and the index block; the properties, the filter and every damaged data block may be
// lost.
//
//   SalvageReport report;
//   Status s = SalvageTable(BytewiseComparator(), "000007.sst", file.get(), size,
//                           [&](std::string_view ikey, std::string_view value) {
//                             mem->AddSingleWriter(...);  // keys arrive strictly ascending
//                           },
//                           &report);
//   // s: Corruption if the footer or the index cannot be read (nothing salvageable);
//   // report.bad_blocks, report.damage: what was skipped.
//
// Every data block the index names is read with its checksum verified and decoded whole
// before any of its entries is handed out; a block that fails (read error, checksum,
// decompression, entry encoding, a key that is not an internal key, keys out of order or past
// the block's index entry) is skipped whole. Entries reach `each` in strictly ascending
// internal key order (a block that would break that is skipped too), so they can be written
// straight to a new table or memtable.
// Thread-safety: a plain function; the file's Read must be callable from the calling thread.
#ifndef LSM_SSTABLE_TABLE_SALVAGE_H_
#define LSM_SSTABLE_TABLE_SALVAGE_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "lsm/comparator.h"
#include "lsm/file_system.h"
#include "lsm/status.h"

namespace lsm {

struct SalvageReport {
  uint64_t data_blocks = 0;  // named by the index (as far as the index could be read)
  uint64_t bad_blocks = 0;   // skipped
  uint64_t entries = 0;      // handed to `each`
  // The first damage met (a bad block, or an index that breaks off); OK if none.
  Status damage;
};

// `user_comparator` orders the table's user keys. Returns Corruption (NotSupported for an
// unknown format version) when the footer or the index block cannot be read, and the file's
// IOError if reading fails before any block; *report is filled in either way.
Status SalvageTable(const Comparator* user_comparator, std::string_view file_name,
                    const RandomAccessFile* file, uint64_t file_size,
                    const std::function<void(std::string_view key, std::string_view value)>& each,
                    SalvageReport* report);

}  // namespace lsm

#endif  // LSM_SSTABLE_TABLE_SALVAGE_H_
