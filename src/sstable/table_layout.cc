#include "src/sstable/table_layout.h"

#include <absl/strings/str_format.h>

#include <algorithm>
#include <utility>

#include "src/base/dbformat.h"

namespace lsm {

Status ReadBlockAt(const RandomAccessFile* file, std::string_view file_name,
                   const BlockHandle& handle, std::shared_ptr<const Block>* block,
                   bool packed_tags) {
  std::string contents;
  Status s = ReadBlock(file, file_name, handle, /*verify_checksum=*/true, &contents);
  if (s.ok()) {
    s = WithTableContext(Block::Create(std::move(contents), handle.offset, block, packed_tags),
                         file_name);
  }
  return s;
}

Status TableLayout::Read(const RandomAccessFile* file, std::string_view file_name,
                         uint64_t file_size, TableLayout* layout) {
  *layout = TableLayout();
  layout->file_name = std::string(file_name);
  layout->file_size = file_size;
  Status s = Footer::ReadFrom(file, file_size, file_name, &layout->footer);
  if (!s.ok()) return s;
  const Footer& footer = layout->footer;
  layout->data_end_ = std::min(footer.metaindex_handle.offset, footer.index_handle.offset);

  std::shared_ptr<const Block> metaindex;
  s = ReadBlockAt(file, file_name, footer.metaindex_handle, &metaindex);
  if (!s.ok()) {
    layout->metaindex_status = s;
    return Status::OK();
  }
  // Meta blocks lie before the footer; data blocks before every meta block.
  const uint64_t meta_end = file_size - Footer::kEncodedLength;
  BlockIter it(metaindex.get(), KeyOrder(BytewiseComparator()));
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    MetaEntry entry{std::string(it.key()), {}, Status::OK()};
    std::string_view v = it.value();
    if (!entry.handle.DecodeFrom(&v) || !v.empty()) {
      entry.status = BlockCorruption(file_name, footer.metaindex_handle.offset,
                                     absl::StrFormat("malformed handle of %s", entry.name));
    } else {
      entry.status = CheckHandle(entry.handle, meta_end, file_name);
    }
    if (entry.status.ok()) layout->data_end_ = std::min(layout->data_end_, entry.handle.offset);
    layout->meta.push_back(std::move(entry));
  }
  layout->metaindex_status = WithTableContext(it.status(), file_name);
  return Status::OK();
}

Status TableLayout::FindMetaBlock(std::string_view name, BlockHandle* handle) const {
  for (const MetaEntry& entry : meta) {
    if (entry.name != name) continue;
    *handle = entry.handle;
    return entry.status;
  }
  return Status::NotFound(absl::StrFormat("table %s", file_name),
                          absl::StrFormat("no %s block", name));
}

Status TableLayout::ReadIndex(const RandomAccessFile* file,
                              std::shared_ptr<const Block>* index) const {
  return ReadBlockAt(file, file_name, footer.index_handle, index);
}

Status TableLayout::DecodeDataHandle(std::string_view index_value, BlockHandle* handle) const {
  const size_t encoded = index_value.size();
  if (!handle->DecodeFrom(&index_value) || !index_value.empty()) {
    return BlockCorruption(file_name, footer.index_handle.offset,
                           absl::StrFormat("malformed data block handle (%u bytes)", encoded));
  }
  return CheckHandle(*handle, data_end_, file_name);
}

namespace {

// Reads and checks one block (bounds, checksum, decompression), setting info->trailer_type on
// the way. With an order the block holds entries: it is parsed and walked, which checks their
// encoding and the restart array, and *block, if given, receives it. packed_tags as in
// Block::Create.
Status CheckBlock(const RandomAccessFile* file, std::string_view name, uint64_t file_size,
                  const KeyOrder* order, BlockInfo* info,
                  std::shared_ptr<const Block>* block = nullptr, bool packed_tags = false) {
  Status s = CheckHandle(info->handle, file_size, name);
  if (!s.ok()) return s;
  char type = 0;
  std::string_view got;
  s = file->Read(info->handle.offset + info->handle.size, 1, &got, &type);
  if (s.ok() && got.size() == 1) info->trailer_type = static_cast<unsigned char>(got[0]);
  std::string contents;
  s = ReadBlock(file, name, info->handle, /*verify_checksum=*/true, &contents);
  if (!s.ok() || order == nullptr) return s;
  std::shared_ptr<const Block> parsed;
  s = WithTableContext(
      Block::Create(std::move(contents), info->handle.offset, &parsed, packed_tags), name);
  if (!s.ok()) return s;
  BlockIter it(parsed.get(), *order);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
  }
  if (!it.status().ok()) return WithTableContext(it.status(), name);
  if (block != nullptr) *block = std::move(parsed);
  return Status::OK();
}

std::string MetaKind(std::string_view name) {
  if (name == kFilterBlockName) return "filter";
  if (name == kPropertiesBlockName) return "properties";
  if (name == kRangeDeletionBlockName) return "range_del";
  return "meta:" + std::string(name);
}

}  // namespace

Status ReadBlockMap(const RandomAccessFile* file, std::string_view file_name, uint64_t file_size,
                    std::vector<BlockInfo>* blocks) {
  blocks->clear();
  TableLayout layout;
  Status s = TableLayout::Read(file, file_name, file_size, &layout);
  if (file_size < Footer::kEncodedLength) return s;
  blocks->push_back(
      {{file_size - Footer::kEncodedLength, Footer::kEncodedLength}, "footer", -1, s});
  if (!s.ok()) return s;

  static const InternalKeyComparator icmp(BytewiseComparator());
  static const KeyOrder internal_order(&icmp), name_order(BytewiseComparator());
  BlockInfo metaindex{layout.footer.metaindex_handle, "metaindex", -1, Status::OK()};
  metaindex.status = CheckBlock(file, file_name, file_size, &name_order, &metaindex);
  blocks->push_back(metaindex);
  for (const TableLayout::MetaEntry& entry : layout.meta) {
    BlockInfo info{entry.handle, MetaKind(entry.name), -1, entry.status};
    const KeyOrder* order = entry.name == kPropertiesBlockName      ? &name_order
                            : entry.name == kRangeDeletionBlockName ? &internal_order
                                                                    : nullptr;
    if (info.status.ok()) info.status = CheckBlock(file, file_name, file_size, order, &info);
    blocks->push_back(std::move(info));
  }
  Status first = layout.metaindex_status;

  BlockInfo index_info{layout.footer.index_handle, "index", -1, Status::OK()};
  std::shared_ptr<const Block> index;
  index_info.status = CheckBlock(file, file_name, file_size, &internal_order, &index_info, &index);
  blocks->push_back(index_info);
  if (first.ok()) first = index_info.status;
  if (index != nullptr) {
    BlockIter it(index.get(), internal_order);
    uint64_t n = 0;
    for (it.SeekToFirst(); it.Valid(); it.Next(), ++n) {
      BlockInfo info;
      info.kind = absl::StrFormat("data %u", n);
      info.status = layout.DecodeDataHandle(it.value(), &info.handle);
      if (info.status.ok()) {
        info.status = CheckBlock(file, file_name, file_size, &internal_order, &info,
                                 /*block=*/nullptr, layout.packed_tags());
      }
      blocks->push_back(std::move(info));
    }
    if (!it.status().ok() && first.ok()) first = WithTableContext(it.status(), file_name);
  }
  std::sort(blocks->begin(), blocks->end(), [](const BlockInfo& a, const BlockInfo& b) {
    return a.handle.offset < b.handle.offset;
  });
  return first;
}

}  // namespace lsm
