#include "src/sstable/table_iterator.h"

namespace lsm {

TableIterator::TableIterator(const TableReader* table, const ReadOptions& options,
                             std::shared_ptr<const TableReader> keep_alive)
    : table_(table),
      keep_alive_(std::move(keep_alive)),
      options_(options),
      index_iter_(table->index_block_.get(), table->order_),
      readahead_(options.readahead_size) {}

void TableIterator::SetError(const Status& s) {
  if (status_.ok()) status_ = s;
  has_data_ = false;
  data_block_.reset();
}

void TableIterator::InitDataBlock() {
  if (!index_iter_.Valid()) {
    has_data_ = false;
    if (!index_iter_.status().ok()) {
      SetError(WithTableContext(index_iter_.status(), table_->file_name()));
    }
    return;
  }
  BlockHandle handle;
  Status s = table_->DecodeDataHandle(index_iter_.value(), &handle);
  if (!s.ok()) return SetError(s);
  if (has_data_ && data_block_->file_offset() == handle.offset) return;
  s = table_->GetDataBlock(options_, handle, &data_block_, &readahead_);
  if (!s.ok()) return SetError(s);
  data_iter_.Init(data_block_.get(), table_->order_);
  has_data_ = true;
}

void TableIterator::SkipEmptyForward() {
  while (has_data_ && !data_iter_.Valid()) {
    if (!data_iter_.status().ok()) {
      return SetError(WithTableContext(data_iter_.status(), table_->file_name()));
    }
    index_iter_.Next();
    InitDataBlock();
    if (has_data_) data_iter_.SeekToFirst();
  }
}

void TableIterator::SkipEmptyBackward() {
  while (has_data_ && !data_iter_.Valid()) {
    if (!data_iter_.status().ok()) {
      return SetError(WithTableContext(data_iter_.status(), table_->file_name()));
    }
    index_iter_.Prev();
    InitDataBlock();
    if (has_data_) data_iter_.SeekToLast();
  }
}

void TableIterator::SeekToFirst() {
  if (!status_.ok()) return;
  index_iter_.SeekToFirst();
  InitDataBlock();
  if (has_data_) data_iter_.SeekToFirst();
  SkipEmptyForward();
}

void TableIterator::SeekToLast() {
  if (!status_.ok()) return;
  index_iter_.SeekToLast();
  InitDataBlock();
  if (has_data_) data_iter_.SeekToLast();
  SkipEmptyBackward();
}

void TableIterator::Seek(std::string_view target) {
  if (!status_.ok()) return;
  index_iter_.Seek(target);
  InitDataBlock();
  if (has_data_) data_iter_.Seek(target);
  SkipEmptyForward();
}

void TableIterator::SeekPrefixed(std::string_view target, uint64_t prefix_hash) {
  if (!table_->PrefixMayMatch(prefix_hash)) {
    has_data_ = false;  // no entry of the prefix: no index or block read
    return;
  }
  Seek(target);
}

void TableIterator::SeekForPrev(std::string_view target) {
  if (!status_.ok()) return;
  // Entries of later blocks are all > target; if no separator is >= target, the answer is in
  // the last block.
  index_iter_.Seek(target);
  if (!index_iter_.Valid() && index_iter_.status().ok()) index_iter_.SeekToLast();
  InitDataBlock();
  if (has_data_) data_iter_.SeekForPrev(target);
  SkipEmptyBackward();
}

void TableIterator::Next() {
  if (!Valid()) return;
  data_iter_.Next();
  SkipEmptyForward();
}

void TableIterator::Prev() {
  if (!Valid()) return;
  data_iter_.Prev();
  SkipEmptyBackward();
}

GlobalSeqnoIterator::GlobalSeqnoIterator(const TableReader* table, const ReadOptions& options,
                                         std::shared_ptr<const TableReader> keep_alive)
    : it_(table, options, std::move(keep_alive)),
      icmp_(&table->icmp_),
      seqno_(table->global_seqno()) {}

void GlobalSeqnoIterator::Update() {
  if (!it_.Valid()) return;
  const std::string_view stored = it_.key();
  key_.assign(stored);
  if (key_.size() < kInternalKeyTagSize) return;  // the block's checks refuse such a key
  const auto type = static_cast<ValueType>(ExtractTag(stored) & 0xff);
  EncodeFixed64(key_.data() + key_.size() - kInternalKeyTagSize, PackSequenceAndType(seqno_, type));
}

std::string_view GlobalSeqnoIterator::SeekKey(std::string_view target, uint64_t tag) {
  seek_key_.assign(ExtractUserKey(target));
  PutFixed64(&seek_key_, tag);
  return seek_key_;
}

void GlobalSeqnoIterator::SeekToFirst() {
  it_.SeekToFirst();
  Update();
}

void GlobalSeqnoIterator::SeekToLast() {
  it_.SeekToLast();
  Update();
}

void GlobalSeqnoIterator::Seek(std::string_view target) {
  if (target.size() < kInternalKeyTagSize) {
    it_.Seek(target);
    return Update();
  }
  // The first entry of target's user key or after; the key's own entry is passed over when
  // its global sequence puts it before the target.
  it_.Seek(SeekKey(target, PackSequenceAndType(kMaxSequenceNumber, kValueTypeForSeek)));
  Update();
  if (it_.Valid() && icmp_->Compare(key_, target) < 0) Next();
}

void GlobalSeqnoIterator::SeekPrefixed(std::string_view target, uint64_t prefix_hash) {
  if (target.size() < kInternalKeyTagSize) return Seek(target);
  // As Seek, through the table's prefix filter.
  it_.SeekPrefixed(SeekKey(target, PackSequenceAndType(kMaxSequenceNumber, kValueTypeForSeek)),
                   prefix_hash);
  Update();
  if (it_.Valid() && icmp_->Compare(key_, target) < 0) Next();
}

void GlobalSeqnoIterator::SeekForPrev(std::string_view target) {
  if (target.size() < kInternalKeyTagSize) {
    it_.SeekForPrev(target);
    return Update();
  }
  // The last entry of target's user key or before (tag 0 sorts after every entry of the key).
  it_.SeekForPrev(SeekKey(target, 0));
  Update();
  if (it_.Valid() && icmp_->Compare(key_, target) > 0) Prev();
}

void GlobalSeqnoIterator::Next() {
  it_.Next();
  Update();
}

void GlobalSeqnoIterator::Prev() {
  it_.Prev();
  Update();
}

}  // namespace lsm
