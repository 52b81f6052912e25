#include "src/db/memtable_insert.h"

#include <string_view>

#include "src/base/write_batch_internal.h"

namespace lsm {
namespace {

class MemTableInserter final : public WriteBatch::Handler {
 public:
  MemTableInserter(SequenceNumber seq, MemTable* mem, bool concurrent, bool merges_allowed)
      : seq_(seq), mem_(mem), concurrent_(concurrent), merges_allowed_(merges_allowed) {}
  Status Put(std::string_view key, std::string_view value) override {
    Add(ValueType::kValue, key, value);
    return Status::OK();
  }
  Status Delete(std::string_view key) override {
    Add(ValueType::kDeletion, key, {});
    deletions_++;
    return Status::OK();
  }
  Status Merge(std::string_view key, std::string_view operand) override {
    if (!merges_allowed_) {
      return Status::InvalidArgument(
          "the log holds Merge records, and Options::merge_operator is not set");
    }
    Add(ValueType::kMerge, key, operand);
    return Status::OK();
  }
  Status DeleteRange(std::string_view begin, std::string_view end) override {
    mem_->AddRangeDeletion(seq_++, begin, end, concurrent_);
    range_deletions_++;
    return Status::OK();
  }

  // Reports the entries added so far to the memtable's counts.
  void Finish() { mem_->CountAdded(entries_, deletions_, range_deletions_); }

 private:
  void Add(ValueType type, std::string_view key, std::string_view value) {
    if (concurrent_) {
      mem_->Add(seq_++, type, key, value);
    } else {
      mem_->AddSingleWriter(seq_++, type, key, value);
    }
    entries_++;
  }

  SequenceNumber seq_;
  uint64_t entries_ = 0;
  uint64_t deletions_ = 0;
  uint64_t range_deletions_ = 0;
  MemTable* const mem_;
  const bool concurrent_;
  const bool merges_allowed_;
};

}  // namespace

Status InsertInto(const WriteBatch& batch, MemTable* mem, bool concurrent, bool merges_allowed) {
  MemTableInserter inserter(WriteBatchInternal::Sequence(batch), mem, concurrent, merges_allowed);
  Status s = batch.Iterate(&inserter);
  inserter.Finish();
  return s;
}

}  // namespace lsm
