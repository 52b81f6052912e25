#include "src/sstable/table_builder.h"

#include <algorithm>

#include "src/util/compression.h"
#include "src/util/invariant.h"
#include "src/util/killpoint.h"

namespace lsm {

TableBuilder::TableBuilder(const TableOptions& options, WritableFile* file)
    : options_(options),
      icmp_(options.comparator),
      file_(file),
      data_block_(options.block_restart_interval, options.packed_tags),
      index_block_(/*restart_interval=*/1) {
  if (options.bloom_bits_per_key > 0) {
    filter_ = std::make_unique<BloomFilterBuilder>(options.bloom_bits_per_key);
    if (options.prefix_extractor != nullptr) {
      props_.prefix_extractor_name = options.prefix_extractor->Name();
    }
  }
}

TableBuilder::~TableBuilder() { LSM_INVARIANT(closed_); }

void TableBuilder::Add(std::string_view key, std::string_view value) {
  LSM_INVARIANT(!closed_);
  LSM_INVARIANT(key.size() >= kInternalKeyTagSize);
  LSM_INVARIANT(props_.num_entries == 0 || icmp_.Compare(last_key_, key) < 0);
  if (!status_.ok()) return;
  if (pending_index_entry_) {
    icmp_.FindShortestSeparator(&last_key_, key);
    std::string handle;
    pending_handle_.EncodeTo(&handle);
    index_block_.Add(last_key_, handle);
    pending_index_entry_ = false;
  }
  if (filter_ != nullptr) {
    const std::string_view user_key = ExtractUserKey(key);
    filter_->AddKey(user_key);
    const SliceTransform* prefixes = options_.prefix_extractor.get();
    if (prefixes != nullptr && prefixes->InDomain(user_key)) {
      // Keys of a prefix are adjacent: each prefix is added once.
      const std::string_view prefix = prefixes->Transform(user_key);
      if (!has_last_prefix_ || prefix != last_prefix_) {
        filter_->AddKey(prefix);
        last_prefix_.assign(prefix);
        has_last_prefix_ = true;
      }
    }
  }

  const uint64_t tag = ExtractTag(key);
  NoteSequence(tag >> 8);
  if ((tag & 0xff) == static_cast<uint8_t>(ValueType::kDeletion)) props_.num_deletions++;
  if ((tag & 0xff) == static_cast<uint8_t>(ValueType::kMerge)) props_.num_merge_operands++;
  props_.num_entries++;
  props_.raw_key_size += key.size();
  props_.raw_value_size += value.size();

  last_key_.assign(key);
  data_block_.Add(key, value);
  if (data_block_.CurrentSizeEstimate() >= options_.block_size) FlushDataBlock();
}

void TableBuilder::NoteSequence(SequenceNumber seq) {
  if (!seq_seen_ || seq < props_.smallest_seqno) props_.smallest_seqno = seq;
  if (!seq_seen_ || seq > props_.largest_seqno) props_.largest_seqno = seq;
  seq_seen_ = true;
}

void TableBuilder::AddRangeTombstone(const RangeTombstone& tombstone) {
  LSM_INVARIANT(!closed_);
  NoteSequence(tombstone.seq);
  props_.num_range_deletions++;
  range_tombstones_.push_back(tombstone);
}

void TableBuilder::FlushDataBlock() {
  if (data_block_.empty() || !status_.ok()) return;
  WriteBlock(data_block_.Finish(), /*compress=*/true, &pending_handle_);
  data_block_.Reset();
  if (status_.ok()) {
    pending_index_entry_ = true;
    props_.num_data_blocks++;
  }
}

void TableBuilder::WriteBlock(std::string_view contents, bool compress, BlockHandle* handle) {
  std::string_view stored = contents;
  auto type = CompressionType::kNone;
  if (compress && options_.compression != CompressionType::kNone &&
      Compress(options_.compression, options_.compression_level, contents, &compressed_) &&
      compressed_.size() * 8 <= contents.size() * 7) {
    stored = compressed_;
    type = options_.compression;
  }
  handle->offset = offset_;
  handle->size = stored.size();
  WriteRaw(stored);
  char trailer[kBlockTrailerSize];
  trailer[0] = static_cast<char>(type);
  EncodeFixed32(trailer + 1, BlockChecksum(stored, trailer[0]));
  WriteRaw(std::string_view(trailer, sizeof(trailer)));
}

void TableBuilder::WriteRaw(std::string_view data) {
  if (!status_.ok()) return;
  status_ = file_->Append(data);
  if (status_.ok()) offset_ += data.size();
}

Status TableBuilder::Finish() {
  LSM_INVARIANT(!closed_);
  FlushDataBlock();
  closed_ = true;
  if (!status_.ok()) return status_;
  props_.data_size = offset_;
  if (pending_index_entry_) {
    icmp_.FindShortSuccessor(&last_key_);
    std::string handle;
    pending_handle_.EncodeTo(&handle);
    index_block_.Add(last_key_, handle);
    pending_index_entry_ = false;
  }

  // Metaindex entries go in name order: lsm.filter.bloom, lsm.properties, lsm.range_del.
  BlockBuilder metaindex(/*restart_interval=*/1);
  std::string handle_encoding;
  if (filter_ != nullptr) {
    const std::string filter = filter_->Finish();
    BlockHandle filter_handle;
    WriteBlock(filter, /*compress=*/false, &filter_handle);
    filter_handle.EncodeTo(&handle_encoding);
    metaindex.Add(kFilterBlockName, handle_encoding);
    props_.filter_size = filter.size();
  }

  const std::string_view index = index_block_.Finish();
  props_.index_size = index.size();
  props_.format_version = options_.packed_tags        ? kTableFormatVersionPackedTags
                          : range_tombstones_.empty() ? kTableFormatVersion
                                                      : kTableFormatVersionRangeDeletions;
  props_.bloom_bits_per_key = static_cast<uint64_t>(std::max(options_.bloom_bits_per_key, 0));
  props_.compression = CompressionTypeName(options_.compression);
  props_.comparator_name = options_.comparator->Name();
  if (props_.num_merge_operands > 0) props_.merge_operator_name = options_.merge_operator_name;
  props_.creator = "lsm";
  props_.column_family_id = options_.column_family_id;
  props_.column_family_name = options_.column_family_name;
  props_.external_file_version = options_.external_file_version;
  std::string properties;
  props_.EncodeTo(&properties);
  BlockHandle properties_handle;
  WriteBlock(properties, /*compress=*/false, &properties_handle);
  handle_encoding.clear();
  properties_handle.EncodeTo(&handle_encoding);
  metaindex.Add(kPropertiesBlockName, handle_encoding);

  Footer footer;
  footer.format_version = static_cast<uint32_t>(props_.format_version);
  if (!range_tombstones_.empty()) {
    std::sort(range_tombstones_.begin(), range_tombstones_.end(),
              [this](const RangeTombstone& a, const RangeTombstone& b) {
                const int c = options_.comparator->Compare(a.begin, b.begin);
                return c != 0 ? c < 0 : a.seq > b.seq;
              });
    BlockBuilder block(/*restart_interval=*/1);
    std::string key;
    for (const RangeTombstone& t : range_tombstones_) {
      key.clear();
      AppendInternalKey(&key, ParsedInternalKey(t.begin, t.seq, ValueType::kRangeDeletion));
      block.Add(key, t.end);
    }
    BlockHandle range_handle;
    WriteBlock(block.Finish(), /*compress=*/false, &range_handle);
    handle_encoding.clear();
    range_handle.EncodeTo(&handle_encoding);
    metaindex.Add(kRangeDeletionBlockName, handle_encoding);
  }
  WriteBlock(metaindex.Finish(), /*compress=*/false, &footer.metaindex_handle);
  WriteBlock(index, /*compress=*/false, &footer.index_handle);
  std::string footer_encoding;
  footer.EncodeTo(&footer_encoding);
  WriteRaw(footer_encoding);
  if (status_.ok()) LSM_KILLPOINT("sst.written");
  return status_;
}

void TableBuilder::Abandon() {
  LSM_INVARIANT(!closed_);
  closed_ = true;
}

}  // namespace lsm
