// Helpers of the `lsm sst` subcommands: opening a table file named on the command line, and
// walking its block map without trusting it (for `layout` and `recompress`, which must work on
// tables TableReader refuses).
//
//   std::unique_ptr<TableReader> table;
//   Status s = OpenTable("/db/000007.sst", &table);
//   TableLayout layout;
//   s = ReadLayout("/db/000007.sst", &layout);   // layout.blocks sorted by offset
//
// Thread-safety: plain functions.
#ifndef LSM_TOOLS_LSM_SST_UTIL_H_
#define LSM_TOOLS_LSM_SST_UTIL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lsm/file_system.h"
#include "lsm/status.h"
#include "src/sstable/format.h"
#include "src/sstable/table_reader.h"

namespace lsm::cli {

// Opens a table with the default (bytewise) comparator and no block cache.
Status OpenTable(const std::string& path, std::unique_ptr<TableReader>* table);

// One block of a table, or the footer.
struct BlockInfo {
  BlockHandle handle;     // size without the trailer
  std::string kind;       // "data", "index", "metaindex", "filter", "properties", "footer", ...
  int trailer_type = -1;  // compression byte of the trailer; -1 if unread (footer, truncated)
  Status status;          // the block's checksum and structure check
};

struct TableLayout {
  uint64_t file_size = 0;
  std::vector<BlockInfo> blocks;  // sorted by offset
};

// Fills *layout with every block the footer, metaindex and index name, reading and checking
// each (checksum, decompression, restart array). Returns the first problem that stopped the
// walk (bad footer, unreadable metaindex or index); per-block problems are in BlockInfo.
// *file is left open for callers that want to read the blocks again.
Status ReadLayout(const std::string& path, TableLayout* layout,
                  std::unique_ptr<RandomAccessFile>* file);

}  // namespace lsm::cli

#endif  // LSM_TOOLS_LSM_SST_UTIL_H_
