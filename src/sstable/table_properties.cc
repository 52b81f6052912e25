#include "src/sstable/table_properties.h"

#include <absl/strings/str_format.h>

#include <array>
#include <string_view>

#include "src/sstable/block_builder.h"
#include "src/util/coding.h"

namespace lsm {
namespace {

// One entry per property, sorted by name as the block requires.
struct Field {
  std::string_view name;
  uint64_t TableProperties::*number;
  std::string TableProperties::*text;
  bool optional = false;  // written only when non-zero or non-empty
};

constexpr std::array<Field, 22> kFields = {{
    {"lsm.bloom-bits-per-key", &TableProperties::bloom_bits_per_key, nullptr},
    {"lsm.column-family-id", &TableProperties::column_family_id, nullptr},
    {"lsm.column-family-name", nullptr, &TableProperties::column_family_name},
    {"lsm.comparator", nullptr, &TableProperties::comparator_name},
    {"lsm.compression", nullptr, &TableProperties::compression},
    {"lsm.creator", nullptr, &TableProperties::creator},
    {"lsm.data-size", &TableProperties::data_size, nullptr},
    {"lsm.external-file-version", &TableProperties::external_file_version, nullptr, true},
    {"lsm.filter-size", &TableProperties::filter_size, nullptr},
    {"lsm.format-version", &TableProperties::format_version, nullptr},
    {"lsm.index-size", &TableProperties::index_size, nullptr},
    {"lsm.largest-seqno", &TableProperties::largest_seqno, nullptr},
    {"lsm.merge-operator", nullptr, &TableProperties::merge_operator_name, true},
    {"lsm.num-data-blocks", &TableProperties::num_data_blocks, nullptr},
    {"lsm.num-deletions", &TableProperties::num_deletions, nullptr},
    {"lsm.num-entries", &TableProperties::num_entries, nullptr},
    {"lsm.num-merge-operands", &TableProperties::num_merge_operands, nullptr, true},
    {"lsm.num-range-deletions", &TableProperties::num_range_deletions, nullptr, true},
    {"lsm.prefix-extractor", nullptr, &TableProperties::prefix_extractor_name, true},
    {"lsm.raw-key-size", &TableProperties::raw_key_size, nullptr},
    {"lsm.raw-value-size", &TableProperties::raw_value_size, nullptr},
    {"lsm.smallest-seqno", &TableProperties::smallest_seqno, nullptr},
}};

}  // namespace

void TableProperties::EncodeTo(std::string* dst) const {
  BlockBuilder block(/*restart_interval=*/1);
  std::string value;
  for (const Field& f : kFields) {
    value.clear();
    if (f.number != nullptr) {
      if (f.optional && this->*f.number == 0) continue;
      PutVarint64(&value, this->*f.number);
    } else {
      if (f.optional && (this->*f.text).empty()) continue;
      value = this->*f.text;
    }
    block.Add(f.name, value);
  }
  dst->append(block.Finish());
}

Status TableProperties::DecodeFrom(const Block& block) {
  BlockIter it(&block, KeyOrder(BytewiseComparator()));
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    for (const Field& f : kFields) {
      if (f.name != it.key()) continue;
      if (f.number != nullptr) {
        std::string_view in = it.value();
        if (!GetVarint64(&in, &(this->*f.number)) || !in.empty()) {
          return Status::Corruption(absl::StrFormat("properties block @ %u", block.file_offset()),
                                    absl::StrFormat("malformed value of %s", f.name));
        }
      } else {
        this->*f.text = std::string(it.value());
      }
    }
  }
  return it.status();
}

std::string TableProperties::ToString() const {
  std::string out;
  for (const Field& f : kFields) {
    if (!out.empty()) out.push_back(' ');
    if (f.number != nullptr) {
      absl::StrAppendFormat(&out, "%s=%u", f.name.substr(4), this->*f.number);
    } else {
      absl::StrAppendFormat(&out, "%s=%s", f.name.substr(4), this->*f.text);
    }
  }
  return out;
}

}  // namespace lsm
