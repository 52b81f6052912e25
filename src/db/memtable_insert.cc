#include "src/db/memtable_insert.h"

#include <string_view>

#include "src/base/write_batch_internal.h"

namespace lsm {
namespace {

class MemTableInserter final : public WriteBatch::Handler {
 public:
  MemTableInserter(SequenceNumber seq, const MemTableSet& mems, bool concurrent)
      : seq_(seq), mems_(mems), concurrent_(concurrent), counts_(mems.entries().size()) {}
  Status Put(std::string_view, std::string_view) override { return Status::OK(); }
  Status Delete(std::string_view) override { return Status::OK(); }
  Status PutCF(uint32_t cf, std::string_view key, std::string_view value) override {
    Add(cf, ValueType::kValue, key, value);
    return Status::OK();
  }
  Status DeleteCF(uint32_t cf, std::string_view key) override {
    if (Counts* c = Add(cf, ValueType::kDeletion, key, {}); c != nullptr) c->deletions++;
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
    const MemTableSet::Entry* e = mems_.Find(cf);
    if (e != nullptr) {
      e->mem->AddRangeDeletion(seq_, begin, end, concurrent_);
      counts_[Index(e)].range_deletions++;
    }
    seq_++;
    return Status::OK();
  }

  // Reports the entries added so far to the memtables' counts.
  void Finish() {
    for (size_t i = 0; i < counts_.size(); i++) {
      const Counts& c = counts_[i];
      if (c.entries + c.range_deletions > 0) {
        mems_.entries()[i].mem->CountAdded(c.entries, c.deletions, c.range_deletions);
      }
    }
  }

 private:
  struct Counts {
    uint64_t entries = 0;
    uint64_t deletions = 0;
    uint64_t range_deletions = 0;
  };

  size_t Index(const MemTableSet::Entry* e) const {
    return static_cast<size_t>(e - mems_.entries().data());
  }

  // Adds the record to its family's memtable, if the set holds it; every record takes a
  // sequence number either way.
  Counts* Add(uint32_t cf, ValueType type, std::string_view key, std::string_view value) {
    const MemTableSet::Entry* e = mems_.Find(cf);
    const SequenceNumber seq = seq_++;
    if (e == nullptr) return nullptr;
    if (concurrent_) {
      e->mem->Add(seq, type, key, value);
    } else {
      e->mem->AddSingleWriter(seq, type, key, value);
    }
    Counts& c = counts_[Index(e)];
    c.entries++;
    return &c;
  }

  SequenceNumber seq_;
  const MemTableSet& mems_;
  const bool concurrent_;
  absl::InlinedVector<Counts, 4> counts_;
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
