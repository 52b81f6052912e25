#include "src/sstable/table_salvage.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "src/base/dbformat.h"
#include "src/sstable/block.h"
#include "src/sstable/format.h"

namespace lsm {
namespace {

// Decodes a whole data block into *entries, checking each key against the previous one (the
// last entry handed out, if any) and against the block's index key.
Status DecodeBlock(const RandomAccessFile* file, std::string_view file_name, uint64_t data_end,
                   std::string_view index_value, std::string_view index_key, const KeyOrder& order,
                   const std::string* last_key,
                   std::vector<std::pair<std::string, std::string>>* entries) {
  entries->clear();
  BlockHandle handle;
  std::string_view v = index_value;
  if (!handle.DecodeFrom(&v) || !v.empty()) {
    return Status::Corruption(std::string("table ") + std::string(file_name),
                              "malformed data block handle in the index");
  }
  Status s = CheckHandle(handle, data_end, file_name);
  std::string contents;
  if (s.ok()) s = ReadBlock(file, file_name, handle, /*verify_checksum=*/true, &contents);
  std::shared_ptr<const Block> block;
  if (s.ok())
    s = WithTableContext(Block::Create(std::move(contents), handle.offset, &block), file_name);
  if (!s.ok()) return s;
  BlockIter it(block.get(), order);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    ParsedInternalKey parsed;
    const std::string* prev = entries->empty() ? last_key : &entries->back().first;
    if (!ParseInternalKey(it.key(), &parsed)) {
      return BlockCorruption(file_name, handle.offset, "entry with a bad internal key");
    }
    if ((prev != nullptr && order.Compare(*prev, it.key()) >= 0) ||
        order.Compare(it.key(), index_key) > 0) {
      return BlockCorruption(file_name, handle.offset, "keys out of order");
    }
    entries->emplace_back(std::string(it.key()), std::string(it.value()));
  }
  return WithTableContext(it.status(), file_name);
}

}  // namespace

Status SalvageTable(const Comparator* user_comparator, std::string_view file_name,
                    const RandomAccessFile* file, uint64_t file_size,
                    const std::function<void(std::string_view key, std::string_view value)>& each,
                    SalvageReport* report) {
  *report = SalvageReport();
  Footer footer;
  Status s = Footer::ReadFrom(file, file_size, file_name, &footer);
  std::string contents;
  if (s.ok()) s = ReadBlock(file, file_name, footer.index_handle, true, &contents);
  std::shared_ptr<const Block> index;
  if (s.ok()) {
    s = WithTableContext(Block::Create(std::move(contents), footer.index_handle.offset, &index),
                         file_name);
  }
  if (!s.ok()) {
    report->damage = s;
    return s;
  }
  // Data blocks lie before the index and the metaindex (the meta blocks are not needed).
  const uint64_t data_end = std::min(footer.index_handle.offset, footer.metaindex_handle.offset);
  const InternalKeyComparator icmp(user_comparator);
  const KeyOrder order(&icmp);
  std::string last_key;
  std::vector<std::pair<std::string, std::string>> entries;
  BlockIter it(index.get(), order);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    report->data_blocks++;
    s = DecodeBlock(file, file_name, data_end, it.value(), it.key(), order,
                    report->entries == 0 ? nullptr : &last_key, &entries);
    if (!s.ok()) {
      report->bad_blocks++;
      if (report->damage.ok()) report->damage = s;
      continue;
    }
    for (const auto& [key, value] : entries) each(key, value);
    report->entries += entries.size();
    if (!entries.empty()) last_key = entries.back().first;
  }
  if (!it.status().ok() && report->damage.ok()) {
    report->damage = WithTableContext(it.status(), file_name);
  }
  return Status::OK();
}

}  // namespace lsm
