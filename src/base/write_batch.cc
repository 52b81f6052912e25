#include "lsm/write_batch.h"

#include <absl/strings/str_format.h>

#include "lsm/options.h"
#include "src/base/write_batch_internal.h"
#include "src/util/coding.h"

namespace lsm {
namespace {

constexpr uint8_t kTagDeletion = static_cast<uint8_t>(ValueType::kDeletion);
constexpr uint8_t kTagValue = static_cast<uint8_t>(ValueType::kValue);
constexpr uint8_t kTagMerge = static_cast<uint8_t>(ValueType::kMerge);
constexpr uint8_t kTagRangeDeletion = static_cast<uint8_t>(ValueType::kRangeDeletion);

}  // namespace

WriteBatch::WriteBatch() { Clear(); }

void WriteBatch::Clear() {
  rep_.clear();
  rep_.resize(WriteBatchInternal::kHeaderSize);
}

uint32_t WriteBatch::Count() const { return DecodeFixed32(rep_.data() + 8); }

void WriteBatch::Put(std::string_view key, std::string_view value) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  rep_.push_back(static_cast<char>(kTagValue));
  PutLengthPrefixed(&rep_, key);
  PutLengthPrefixed(&rep_, value);
}

void WriteBatch::Delete(std::string_view key) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  rep_.push_back(static_cast<char>(kTagDeletion));
  PutLengthPrefixed(&rep_, key);
}

void WriteBatch::Merge(std::string_view key, std::string_view operand) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  rep_.push_back(static_cast<char>(kTagMerge));
  PutLengthPrefixed(&rep_, key);
  PutLengthPrefixed(&rep_, operand);
}

void WriteBatch::DeleteRange(std::string_view begin, std::string_view end) {
  WriteBatchInternal::SetCount(this, Count() + 1);
  rep_.push_back(static_cast<char>(kTagRangeDeletion));
  PutLengthPrefixed(&rep_, begin);
  PutLengthPrefixed(&rep_, end);
}

Status WriteBatch::Handler::Merge(std::string_view /*key*/, std::string_view /*operand*/) {
  return Status::NotSupported("this WriteBatch::Handler does not take Merge records");
}

Status WriteBatch::Handler::DeleteRange(std::string_view /*begin*/, std::string_view /*end*/) {
  return Status::NotSupported("this WriteBatch::Handler does not take DeleteRange records");
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
    const uint8_t tag = static_cast<uint8_t>(input[0]);
    input.remove_prefix(1);
    std::string_view key, value;
    Status s;
    switch (tag) {
      case kTagValue:
        if (!GetLengthPrefixed(&input, &key) || !GetLengthPrefixed(&input, &value)) {
          return Status::Corruption(absl::StrFormat("write batch @ %u: bad Put record", offset));
        }
        s = handler->Put(key, value);
        break;
      case kTagDeletion:
        if (!GetLengthPrefixed(&input, &key)) {
          return Status::Corruption(absl::StrFormat("write batch @ %u: bad Delete record", offset));
        }
        s = handler->Delete(key);
        break;
      case kTagMerge:
        if (!GetLengthPrefixed(&input, &key) || !GetLengthPrefixed(&input, &value)) {
          return Status::Corruption(absl::StrFormat("write batch @ %u: bad Merge record", offset));
        }
        s = handler->Merge(key, value);
        break;
      case kTagRangeDeletion:
        if (!GetLengthPrefixed(&input, &key) || !GetLengthPrefixed(&input, &value)) {
          return Status::Corruption(
              absl::StrFormat("write batch @ %u: bad DeleteRange record", offset));
        }
        s = handler->DeleteRange(key, value);
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

Status WriteBatchInternal::CheckSizes(const WriteBatch& batch, bool merges_allowed,
                                      const Comparator* ucmp, uint64_t* user_bytes) {
  struct Checker : WriteBatch::Handler {
    bool merges_allowed = false;
    const Comparator* ucmp = nullptr;
    uint64_t bytes = 0;
    Status CheckKey(std::string_view key) {
      bytes += key.size();
      if (key.size() > kMaxKeySize) {
        return Status::InvalidArgument(
            absl::StrFormat("key of %u bytes exceeds the limit of %u", key.size(), kMaxKeySize));
      }
      return Status::OK();
    }
    Status Put(std::string_view key, std::string_view value) override {
      if (value.size() > kMaxValueSize) {
        return Status::InvalidArgument(absl::StrFormat("value of %u bytes exceeds the limit of %u",
                                                       value.size(), kMaxValueSize));
      }
      bytes += value.size();
      return CheckKey(key);
    }
    Status Delete(std::string_view key) override { return CheckKey(key); }
    Status Merge(std::string_view key, std::string_view operand) override {
      if (!merges_allowed) {
        return Status::InvalidArgument("Merge needs Options::merge_operator, which is not set");
      }
      return Put(key, operand);
    }
    Status DeleteRange(std::string_view begin, std::string_view end) override {
      if (ucmp != nullptr && ucmp->Compare(begin, end) > 0) {
        return Status::InvalidArgument("DeleteRange: begin sorts after end");
      }
      Status s = CheckKey(begin);
      return s.ok() ? CheckKey(end) : s;
    }
  } checker;
  checker.merges_allowed = merges_allowed;
  checker.ucmp = ucmp;
  Status s = batch.Iterate(&checker);
  if (user_bytes != nullptr) *user_bytes = checker.bytes;
  return s;
}

}  // namespace lsm
