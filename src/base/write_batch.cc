#include "lsm/write_batch.h"

#include <absl/strings/str_format.h>

#include "lsm/column_family.h"
#include "lsm/options.h"
#include "src/base/write_batch_internal.h"
#include "src/util/coding.h"

namespace lsm {
namespace {

constexpr uint8_t kTagDeletion = static_cast<uint8_t>(ValueType::kDeletion);
constexpr uint8_t kTagValue = static_cast<uint8_t>(ValueType::kValue);
constexpr uint8_t kTagMerge = static_cast<uint8_t>(ValueType::kMerge);
constexpr uint8_t kTagRangeDeletion = static_cast<uint8_t>(ValueType::kRangeDeletion);
// The tags of records of a family other than the default, which name the family (as RocksDB
// numbers them).
constexpr uint8_t kTagColumnFamilyDeletion = 0x04;
constexpr uint8_t kTagColumnFamilyValue = 0x05;
constexpr uint8_t kTagColumnFamilyMerge = 0x06;
constexpr uint8_t kTagColumnFamilyRangeDeletion = 0x0E;

uint8_t ColumnFamilyTag(uint8_t tag) {
  switch (tag) {
    case kTagDeletion:
      return kTagColumnFamilyDeletion;
    case kTagValue:
      return kTagColumnFamilyValue;
    case kTagMerge:
      return kTagColumnFamilyMerge;
    default:
      return kTagColumnFamilyRangeDeletion;
  }
}

uint32_t IdOf(ColumnFamilyHandle* cf) { return cf == nullptr ? 0 : cf->GetID(); }

Status OtherFamily(uint32_t cf) {
  return Status::InvalidArgument(
      absl::StrFormat("this WriteBatch::Handler does not take records of column family %u", cf));
}

}  // namespace

WriteBatch::WriteBatch() { Clear(); }

void WriteBatch::Clear() {
  rep_.clear();
  rep_.resize(WriteBatchInternal::kHeaderSize);
}

uint32_t WriteBatch::Count() const { return DecodeFixed32(rep_.data() + 8); }

void WriteBatch::Add(uint8_t type, uint32_t cf, std::string_view key, std::string_view value,
                     bool has_value) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  if (cf == 0) {
    rep_.push_back(static_cast<char>(type));
  } else {
    rep_.push_back(static_cast<char>(ColumnFamilyTag(type)));
    PutVarint32(&rep_, cf);
  }
  PutLengthPrefixed(&rep_, key);
  if (has_value) PutLengthPrefixed(&rep_, value);
}

void WriteBatch::Put(std::string_view key, std::string_view value) {
  Add(kTagValue, 0, key, value, true);
}
void WriteBatch::Delete(std::string_view key) { Add(kTagDeletion, 0, key, {}, false); }
void WriteBatch::Merge(std::string_view key, std::string_view operand) {
  Add(kTagMerge, 0, key, operand, true);
}
void WriteBatch::DeleteRange(std::string_view begin, std::string_view end) {
  Add(kTagRangeDeletion, 0, begin, end, true);
}

void WriteBatch::Put(ColumnFamilyHandle* cf, std::string_view key, std::string_view value) {
  Add(kTagValue, IdOf(cf), key, value, true);
}
void WriteBatch::Delete(ColumnFamilyHandle* cf, std::string_view key) {
  Add(kTagDeletion, IdOf(cf), key, {}, false);
}
void WriteBatch::Merge(ColumnFamilyHandle* cf, std::string_view key, std::string_view operand) {
  Add(kTagMerge, IdOf(cf), key, operand, true);
}
void WriteBatch::DeleteRange(ColumnFamilyHandle* cf, std::string_view begin, std::string_view end) {
  Add(kTagRangeDeletion, IdOf(cf), begin, end, true);
}

Status WriteBatch::Handler::Merge(std::string_view /*key*/, std::string_view /*operand*/) {
  return Status::NotSupported("this WriteBatch::Handler does not take Merge records");
}

Status WriteBatch::Handler::DeleteRange(std::string_view /*begin*/, std::string_view /*end*/) {
  return Status::NotSupported("this WriteBatch::Handler does not take DeleteRange records");
}

Status WriteBatch::Handler::PutCF(uint32_t cf, std::string_view key, std::string_view value) {
  return cf == 0 ? Put(key, value) : OtherFamily(cf);
}
Status WriteBatch::Handler::DeleteCF(uint32_t cf, std::string_view key) {
  return cf == 0 ? Delete(key) : OtherFamily(cf);
}
Status WriteBatch::Handler::MergeCF(uint32_t cf, std::string_view key, std::string_view operand) {
  return cf == 0 ? Merge(key, operand) : OtherFamily(cf);
}
Status WriteBatch::Handler::DeleteRangeCF(uint32_t cf, std::string_view begin,
                                          std::string_view end) {
  return cf == 0 ? DeleteRange(begin, end) : OtherFamily(cf);
}

Status WriteBatch::Iterate(Handler* handler) const {
  std::string_view input(rep_);
  if (input.size() < WriteBatchInternal::kHeaderSize) {
    return Status::Corruption("write batch: shorter than its header");
  }
  input.remove_prefix(WriteBatchInternal::kHeaderSize);
  uint32_t found = 0;
  while (!input.empty()) {
    const size_t offset = rep_.size() - input.size();
    uint8_t tag = static_cast<uint8_t>(input[0]);
    input.remove_prefix(1);
    uint32_t cf = 0;
    switch (tag) {
      case kTagColumnFamilyDeletion:
      case kTagColumnFamilyValue:
      case kTagColumnFamilyMerge:
      case kTagColumnFamilyRangeDeletion:
        if (!GetVarint32(&input, &cf)) {
          return Status::Corruption(
              absl::StrFormat("write batch @ %u: bad column family of a record", offset));
        }
        tag = tag == kTagColumnFamilyRangeDeletion
                  ? kTagRangeDeletion
                  : static_cast<uint8_t>(tag - kTagColumnFamilyDeletion);
        break;
      default:
        break;
    }
    std::string_view key, value;
    Status s;
    switch (tag) {
      case kTagValue:
        if (!GetLengthPrefixed(&input, &key) || !GetLengthPrefixed(&input, &value)) {
          return Status::Corruption(absl::StrFormat("write batch @ %u: bad Put record", offset));
        }
        s = handler->PutCF(cf, key, value);
        break;
      case kTagDeletion:
        if (!GetLengthPrefixed(&input, &key)) {
          return Status::Corruption(absl::StrFormat("write batch @ %u: bad Delete record", offset));
        }
        s = handler->DeleteCF(cf, key);
        break;
      case kTagMerge:
        if (!GetLengthPrefixed(&input, &key) || !GetLengthPrefixed(&input, &value)) {
          return Status::Corruption(absl::StrFormat("write batch @ %u: bad Merge record", offset));
        }
        s = handler->MergeCF(cf, key, value);
        break;
      case kTagRangeDeletion:
        if (!GetLengthPrefixed(&input, &key) || !GetLengthPrefixed(&input, &value)) {
          return Status::Corruption(
              absl::StrFormat("write batch @ %u: bad DeleteRange record", offset));
        }
        s = handler->DeleteRangeCF(cf, key, value);
        break;
      default:
        return Status::Corruption(
            absl::StrFormat("write batch @ %u: unknown record tag %u", offset, tag));
    }
    if (!s.ok()) return s;
    found++;
  }
  if (found != Count()) {
    return Status::Corruption(
        absl::StrFormat("write batch: header counts %u records, found %u", Count(), found));
  }
  return Status::OK();
}

SequenceNumber WriteBatchInternal::Sequence(const WriteBatch& batch) {
  return DecodeFixed64(batch.rep_.data());
}

void WriteBatchInternal::SetSequence(WriteBatch* batch, SequenceNumber seq) {
  EncodeFixed64(batch->rep_.data(), seq);
}

void WriteBatchInternal::SetCount(WriteBatch* batch, uint32_t count) {
  EncodeFixed32(batch->rep_.data() + 8, count);
}

Status WriteBatchInternal::SetContents(WriteBatch* batch, std::string_view contents) {
  if (contents.size() < kHeaderSize) {
    return Status::Corruption("write batch: shorter than its header");
  }
  batch->rep_.assign(contents);
  return Status::OK();
}

void WriteBatchInternal::Append(WriteBatch* dst, const WriteBatch& src) {
  SetCount(dst, dst->Count() + src.Count());
  dst->rep_.append(src.rep_, kHeaderSize, std::string::npos);
}

Status WriteBatchInternal::AppendWithValueSuffix(WriteBatch* dst, const WriteBatch& src,
                                                 absl::FunctionRef<bool(uint32_t cf)> suffixed,
                                                 std::string_view suffix) {
  struct Copier : WriteBatch::Handler {
    Copier(WriteBatch* d, absl::FunctionRef<bool(uint32_t)> f, std::string_view s)
        : dst(d), suffixed(f), suffix(s) {}
    WriteBatch* dst;
    absl::FunctionRef<bool(uint32_t)> suffixed;
    std::string_view suffix;
    std::string value;  // a suffixed value, kept to reuse its buffer
    Status Put(std::string_view, std::string_view) override { return Status::OK(); }
    Status Delete(std::string_view) override { return Status::OK(); }
    Status PutCF(uint32_t cf, std::string_view key, std::string_view v) override {
      if (suffixed(cf)) {
        value.assign(v);
        value.append(suffix);
        v = value;
      }
      dst->Add(kTagValue, cf, key, v, true);
      return Status::OK();
    }
    Status DeleteCF(uint32_t cf, std::string_view key) override {
      dst->Add(kTagDeletion, cf, key, {}, false);
      return Status::OK();
    }
    Status MergeCF(uint32_t cf, std::string_view key, std::string_view operand) override {
      dst->Add(kTagMerge, cf, key, operand, true);
      return Status::OK();
    }
    Status DeleteRangeCF(uint32_t cf, std::string_view begin, std::string_view end) override {
      dst->Add(kTagRangeDeletion, cf, begin, end, true);
      return Status::OK();
    }
  } copier(dst, suffixed, suffix);
  return src.Iterate(&copier);
}

Status WriteBatchInternal::CheckSizesByFamily(const WriteBatch& batch, RulesOf rules_of,
                                              uint64_t* user_bytes) {
  struct Checker : WriteBatch::Handler {
    explicit Checker(RulesOf r) : rules_of(r) {}
    RulesOf rules_of;
    // The last family looked up: batches rarely switch.
    uint32_t cf = 0;
    bool have_rules = false;
    FamilyRules rules;
    uint64_t bytes = 0;
    Status Rules(uint32_t family) {
      if (have_rules && family == cf) return Status::OK();
      Status s = rules_of(family, &rules);
      cf = family;
      have_rules = s.ok();
      return s;
    }
    Status CheckKey(std::string_view key) {
      bytes += key.size();
      if (key.size() > kMaxKeySize) {
        return Status::InvalidArgument(
            absl::StrFormat("key of %u bytes exceeds the limit of %u", key.size(), kMaxKeySize));
      }
      return Status::OK();
    }
    Status CheckValue(std::string_view key, std::string_view value) {
      if (value.size() > kMaxValueSize) {
        return Status::InvalidArgument(absl::StrFormat("value of %u bytes exceeds the limit of %u",
                                                       value.size(), kMaxValueSize));
      }
      bytes += value.size();
      return CheckKey(key);
    }
    Status Put(std::string_view, std::string_view) override { return Status::OK(); }
    Status Delete(std::string_view) override { return Status::OK(); }
    Status PutCF(uint32_t family, std::string_view key, std::string_view value) override {
      Status s = Rules(family);
      return s.ok() ? CheckValue(key, value) : s;
    }
    Status DeleteCF(uint32_t family, std::string_view key) override {
      Status s = Rules(family);
      return s.ok() ? CheckKey(key) : s;
    }
    Status MergeCF(uint32_t family, std::string_view key, std::string_view operand) override {
      Status s = Rules(family);
      if (s.ok() && rules.ttl) {
        s = Status::InvalidArgument(absl::StrFormat(
            "Merge in column family %u, which has a TTL (ttl_seconds): TTL families take no Merge",
            family));
      } else if (s.ok() && !rules.merges_allowed) {
        s = Status::InvalidArgument(
            family == 0 ? std::string("Merge needs Options::merge_operator, which is not set")
                        : absl::StrFormat("Merge in column family %u, which has no merge_operator",
                                          family));
      }
      return s.ok() ? CheckValue(key, operand) : s;
    }
    Status DeleteRangeCF(uint32_t family, std::string_view begin, std::string_view end) override {
      Status s = Rules(family);
      if (!s.ok()) return s;
      if (rules.ucmp != nullptr && rules.ucmp->Compare(begin, end) > 0) {
        return Status::InvalidArgument("DeleteRange: begin sorts after end");
      }
      s = CheckKey(begin);
      return s.ok() ? CheckKey(end) : s;
    }
  } checker(rules_of);
  Status s = batch.Iterate(&checker);
  if (user_bytes != nullptr) *user_bytes = checker.bytes;
  return s;
}

Status WriteBatchInternal::CheckSizes(const WriteBatch& batch, bool merges_allowed,
                                      const Comparator* ucmp, uint64_t* user_bytes) {
  return CheckSizesByFamily(
      batch,
      [&](uint32_t cf, FamilyRules* rules) {
        if (cf != 0) {
          return Status::InvalidArgument(absl::StrFormat("no column family %u", cf));
        }
        *rules = FamilyRules{merges_allowed, ucmp};
        return Status::OK();
      },
      user_bytes);
}

}  // namespace lsm
