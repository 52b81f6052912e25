#include "src/db/memtable_insert.h"

#include <string_view>

#include "src/base/write_batch_internal.h"

namespace lsm {
namespace {

class MemTableInserter final : public WriteBatch::Handler {
 public:
  MemTableInserter(SequenceNumber seq, const MemTableSet& mems, bool concurrent)
      : seq_(seq), mems_(mems), concurrent_(concurrent) {}
  Status Put(std::string_view, std::string_view) override { return Status::OK(); }
  Status Delete(std::string_view) override { return Status::OK(); }
  Status PutCF(uint32_t cf, std::string_view key, std::string_view value) override {
    Add(cf, ValueType::kValue, key, value);
    return Status::OK();
  }
  Status DeleteCF(uint32_t cf, std::string_view key) override {
    if (Add(cf, ValueType::kDeletion, key, {})) counts_.deletions++;
    return Status::OK();
  }
  Status MergeCF(uint32_t cf, std::string_view key, std::string_view operand) override {
    const MemTableSet::Entry* e = mems_.Find(cf);
    if (e != nullptr && !e->merges_allowed) {
      return Status::InvalidArgument(
          cf == 0 ? std::string("the log holds Merge records, and Options::merge_operator is not "
                                "set")
                  : "the log holds Merge records of column family " + std::to_string(cf) +
                        ", which has no merge_operator");
    }
    Add(cf, ValueType::kMerge, key, operand);
    return Status::OK();
  }
  Status DeleteRangeCF(uint32_t cf, std::string_view begin, std::string_view end) override {
    const SequenceNumber seq = seq_++;
    if (MemTable* mem = Target(cf); mem != nullptr) {
      mem->AddRangeDeletion(seq, begin, end, concurrent_);
      counts_.range_deletions++;
    }
    return Status::OK();
  }

  // Reports the entries added so far to the memtables' counts.
  void Finish() { Report(); }

 private:
  struct Counts {
    uint64_t entries = 0;
    uint64_t deletions = 0;
    uint64_t range_deletions = 0;
  };

  // The memtable of family `cf`, or null; counts_ then belong to it (those of the family
  // before are reported first: a batch rarely switches families).
  MemTable* Target(uint32_t cf) {
    if (target_ == nullptr || target_->cf != cf) {
      Report();
      target_ = mems_.Find(cf);
    }
    return target_ != nullptr ? target_->mem : nullptr;
  }

  void Report() {
    if (target_ != nullptr && counts_.entries + counts_.range_deletions > 0) {
      target_->mem->CountAdded(counts_.entries, counts_.deletions, counts_.range_deletions);
    }
    counts_ = Counts();
  }

  // Adds the record to its family's memtable, if the set holds it; every record takes a
  // sequence number either way. Returns whether it was added.
  bool Add(uint32_t cf, ValueType type, std::string_view key, std::string_view value) {
    const SequenceNumber seq = seq_++;
    MemTable* mem = Target(cf);
    if (mem == nullptr) return false;
    if (concurrent_) {
      mem->Add(seq, type, key, value);
    } else {
      mem->AddSingleWriter(seq, type, key, value);
    }
    counts_.entries++;
    return true;
  }

  SequenceNumber seq_;
  const MemTableSet& mems_;
  const bool concurrent_;
  const MemTableSet::Entry* target_ = nullptr;
  Counts counts_;
};

}  // namespace

Status InsertInto(const WriteBatch& batch, const MemTableSet& mems, bool concurrent) {
  MemTableInserter inserter(WriteBatchInternal::Sequence(batch), mems, concurrent);
  Status s = batch.Iterate(&inserter);
  inserter.Finish();
  return s;
}

Status InsertInto(const WriteBatch& batch, MemTable* mem, bool concurrent, bool merges_allowed) {
  MemTableSet mems;
  mems.Add(0, mem, merges_allowed);
  return InsertInto(batch, mems, concurrent);
}

}  // namespace lsm
