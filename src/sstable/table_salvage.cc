#include "src/sstable/table_salvage.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "src/base/dbformat.h"
#include "src/sstable/block.h"
#include "src/sstable/table_layout.h"

namespace lsm {
namespace {

// Decodes a whole data block into *entries, checking each key against the previous one (the
// last entry handed out, if any) and against the block's index key.
Status DecodeBlock(const RandomAccessFile* file, const TableLayout& layout,
                   std::string_view index_value, std::string_view index_key, const KeyOrder& order,
                   const std::string* last_key,
                   std::vector<std::pair<std::string, std::string>>* entries) {
  entries->clear();
  const std::string_view file_name = layout.file_name;
  BlockHandle handle;
  Status s = layout.DecodeDataHandle(index_value, &handle);
  std::shared_ptr<const Block> block;
  if (s.ok()) s = ReadBlockAt(file, file_name, handle, &block, layout.packed_tags());
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
  // A damaged metaindex does not matter: the meta blocks are not needed.
  TableLayout layout;
  Status s = TableLayout::Read(file, file_name, file_size, &layout);
  std::shared_ptr<const Block> index;
  if (s.ok()) s = layout.ReadIndex(file, &index);
  if (!s.ok()) {
    report->damage = s;
    return s;
  }
  const InternalKeyComparator icmp(user_comparator);
  const KeyOrder order(&icmp);
  std::string last_key;
  std::vector<std::pair<std::string, std::string>> entries;
  BlockIter it(index.get(), order);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    report->data_blocks++;
    s = DecodeBlock(file, layout, it.value(), it.key(), order,
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
