// Helpers of the `lsm sst` subcommands: opening a table file named on the command line under
// the comparator it records, checking tables, and reading a table's block map without
// trusting it (for `layout` and `recompress`, which must work on tables TableReader refuses).
//
//   std::unique_ptr<TableReader> table;
//   TableOrder order;
//   Status s = OpenTable("/db/000007.sst", &table, &order);
//   if (!order.known) { /* iterate in file order only; compare no keys */ }
//   std::vector<TableCheck> checks;
//   s = CheckTables("/db", &checks);              // every NNNNNN.sst, as `sst verify DIR`
//   uint64_t size;
//   std::vector<BlockInfo> blocks;
//   std::unique_ptr<RandomAccessFile> file;
//   s = ReadTableBlocks("/db/000007.sst", &size, &blocks, &file);  // sorted by offset
//
// Thread-safety: plain functions.
#ifndef LSM_TOOLS_LSM_SST_UTIL_H_
#define LSM_TOOLS_LSM_SST_UTIL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lsm/comparator.h"
#include "lsm/file_system.h"
#include "lsm/status.h"
#include "src/sstable/table_layout.h"
#include "src/sstable/table_reader.h"

namespace lsm::cli {

// The order of a table's keys, as far as the tool knows it.
struct TableOrder {
  // The comparator name the table records (empty if its properties cannot be read).
  std::string comparator;
  // The comparator, if the tool knows it (bytewise); null otherwise.
  const Comparator* user = nullptr;
  bool known() const { return user != nullptr; }
};

// Opens a table without a block cache, under the comparator its properties name. A comparator
// the tool does not know is replaced by a stand-in of the same name whose order is
// meaningless: the table can then be iterated in file order (SeekToFirst, SeekToLast, Next,
// Prev) and its checksums verified, but no seek, lookup or order check may be trusted.
Status OpenTable(const std::string& path, std::unique_ptr<TableReader>* table, TableOrder* order);

// One table checked as `sst verify` does: every block read and verified, the key order too
// when the comparator is known.
struct TableCheck {
  std::string path;
  Status status;
  uint64_t entries = 0;
  uint64_t data_blocks = 0;
  TableOrder order;
};

// Checks the table `target`, or every NNNNNN.sst in the directory `target` (in name order).
// Fails only if the directory cannot be listed; each table's result is in *checks.
Status CheckTables(const std::string& target, std::vector<TableCheck>* checks);

// The results of CheckTables: one line per table and a total (JSON: the members
// "tables": [...], "checked": N, "corrupt": N, without braces). Returns the corrupt count.
int PrintTableChecks(const std::vector<TableCheck>& checks, bool json);

// The block map of the table at `path` (ReadBlockMap), with its size. *file is left open for
// callers that want to read the blocks again.
Status ReadTableBlocks(const std::string& path, uint64_t* file_size, std::vector<BlockInfo>* blocks,
                       std::unique_ptr<RandomAccessFile>* file);

}  // namespace lsm::cli

#endif  // LSM_TOOLS_LSM_SST_UTIL_H_
