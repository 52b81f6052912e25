// TableLayout: the walk from a table's footer to its metaindex and index (docs/sst_format.md),
// made in one place. TableReader, SalvageTable and `lsm sst layout` all start from it, so
// they agree on where every block is and on what makes a handle bad.
//
//   TableLayout layout;
//   Status s = TableLayout::Read(file, "000007.sst", file_size, &layout);  // the footer
//   if (s.ok()) s = layout.metaindex_status;   // the metaindex and its entries
//   BlockHandle props;
//   if (s.ok()) s = layout.FindMetaBlock(kPropertiesBlockName, &props);
//   std::shared_ptr<const Block> index;
//   if (s.ok()) s = layout.ReadIndex(file, &index);
//   // each index entry's value: layout.DecodeDataHandle(value, &handle)
//
//   std::vector<BlockInfo> blocks;
//   s = ReadBlockMap(file, "000007.sst", file_size, &blocks);  // every block, each checked
//
// Everything read is untrusted: every handle is checked against the bounds its block must
// lie in, and problems are Corruption naming the file and offset.
// Thread-safety: plain values and functions; `file` must be readable from the calling thread.
#ifndef LSM_SSTABLE_TABLE_LAYOUT_H_
#define LSM_SSTABLE_TABLE_LAYOUT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/file_system.h"
#include "lsm/status.h"
#include "src/sstable/block.h"
#include "src/sstable/format.h"

namespace lsm {

class TableLayout {
 public:
  // One entry of the metaindex: a meta block's name and where it is.
  struct MetaEntry {
    std::string name;
    BlockHandle handle;
    Status status;  // a malformed handle, or one that does not lie before the footer
  };

  // Reads and checks the footer, then the metaindex block and its entries. Returns the
  // footer's problem (Corruption; NotSupported for an unknown format version), after which
  // nothing else is filled in. A metaindex that cannot be read is not a failure of Read: it
  // is recorded in `metaindex_status`, so that salvage and the block map can go on without it.
  static Status Read(const RandomAccessFile* file, std::string_view file_name, uint64_t file_size,
                     TableLayout* layout);

  // The handle of the meta block `name`: NotFound if the metaindex has no such entry, the
  // entry's Corruption if its handle is bad. REQUIRES: metaindex_status is OK.
  Status FindMetaBlock(std::string_view name, BlockHandle* handle) const;

  // Reads the index block, checksum verified.
  Status ReadIndex(const RandomAccessFile* file, std::shared_ptr<const Block>* index) const;

  // Decodes a data block handle from an index entry's value and checks that the block lies
  // before every meta block, the metaindex and the index.
  Status DecodeDataHandle(std::string_view index_value, BlockHandle* handle) const;

  // Data blocks lie in [0, data_end()).
  uint64_t data_end() const { return data_end_; }
  // Whether the data blocks store their tags packed (format version 3).
  bool packed_tags() const { return DataBlocksPackTags(footer.format_version); }

  std::string file_name;
  uint64_t file_size = 0;
  Footer footer;
  Status metaindex_status;
  std::vector<MetaEntry> meta;  // in metaindex order

 private:
  uint64_t data_end_ = 0;
};

// Reads the block at `handle` (checksum verified) and parses it; packed_tags as in
// Block::Create.
Status ReadBlockAt(const RandomAccessFile* file, std::string_view file_name,
                   const BlockHandle& handle, std::shared_ptr<const Block>* block,
                   bool packed_tags = false);

// One block of a table, or its footer, as ReadBlockMap found it.
struct BlockInfo {
  BlockHandle handle;     // size without the trailer
  std::string kind;       // "footer", "metaindex", "index", "data N", "filter", "range_del",
                          // "properties", or "meta:NAME" for a meta block of another name
  int trailer_type = -1;  // compression byte of the trailer; -1 if unread (footer, truncated)
  Status status;          // the block's checksum and structure check
};

// Fills *blocks with the footer and every block the footer, metaindex and index name, each
// read and checked (bounds, checksum, decompression, entries), sorted by offset: the map of a
// table even when TableReader refuses it. Returns the first problem that stopped the walk (a
// bad footer, an unreadable metaindex or index); the problems of single blocks are in their
// BlockInfo. *blocks is empty only when the file cannot be read at all.
Status ReadBlockMap(const RandomAccessFile* file, std::string_view file_name, uint64_t file_size,
                    std::vector<BlockInfo>* blocks);

}  // namespace lsm

#endif  // LSM_SSTABLE_TABLE_LAYOUT_H_
