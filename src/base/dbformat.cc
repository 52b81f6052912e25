#include "src/base/dbformat.h"

#include <cstring>

namespace lsm {

void AppendInternalKey(std::string* result, const ParsedInternalKey& key) {
  result->append(key.user_key);
  PutFixed64(result, PackSequenceAndType(key.sequence, key.type));
}

bool ParseInternalKey(std::string_view internal_key, ParsedInternalKey* result) {
  if (internal_key.size() < kInternalKeyTagSize) return false;
  const uint64_t tag = ExtractTag(internal_key);
  const uint8_t type = static_cast<uint8_t>(tag & 0xff);
  if (!IsKnownValueType(type)) return false;
  result->user_key = ExtractUserKey(internal_key);
  result->sequence = tag >> 8;
  result->type = static_cast<ValueType>(type);
  return true;
}

int InternalKeyComparator::Compare(std::string_view a, std::string_view b) const {
  int r = user_->Compare(ExtractUserKey(a), ExtractUserKey(b));
  if (r == 0) {
    const uint64_t atag = ExtractTag(a);
    const uint64_t btag = ExtractTag(b);
    if (atag > btag) {
      r = -1;
    } else if (atag < btag) {
      r = +1;
    }
  }
  return r;
}

void InternalKeyComparator::FindShortestSeparator(std::string* start,
                                                  std::string_view limit) const {
  const std::string_view user_start = ExtractUserKey(*start);
  const std::string_view user_limit = ExtractUserKey(limit);
  std::string tmp(user_start);
  user_->FindShortestSeparator(&tmp, user_limit);
  if (tmp.size() < user_start.size() && user_->Compare(user_start, tmp) < 0) {
    // The user key became shorter physically but larger logically: give it the largest
    // sequence so it sorts before every entry of that user key. No entry has that sequence,
    // so any type serves; kValue keeps the index keys of tables as they always were.
    PutFixed64(&tmp, PackSequenceAndType(kMaxSequenceNumber, ValueType::kValue));
    start->swap(tmp);
  }
}

void InternalKeyComparator::FindShortSuccessor(std::string* key) const {
  const std::string_view user_key = ExtractUserKey(*key);
  std::string tmp(user_key);
  user_->FindShortSuccessor(&tmp);
  if (tmp.size() < user_key.size() && user_->Compare(user_key, tmp) < 0) {
    PutFixed64(&tmp, PackSequenceAndType(kMaxSequenceNumber, ValueType::kValue));  // as above
    key->swap(tmp);
  }
}

LookupKey::LookupKey(std::string_view user_key, SequenceNumber s) {
  const size_t usize = user_key.size();
  const size_t needed = usize + 13;  // conservative: varint32 (5) + tag (8)
  char* dst = needed <= sizeof(space_) ? space_ : new char[needed];
  start_ = dst;
  dst = EncodeVarint32(dst, static_cast<uint32_t>(usize + kInternalKeyTagSize));
  kstart_ = dst;
  std::memcpy(dst, user_key.data(), usize);
  dst += usize;
  EncodeFixed64(dst, PackSequenceAndType(s, kValueTypeForSeek));
  dst += 8;
  end_ = dst;
}

LookupKey::~LookupKey() {
  if (start_ != space_) delete[] start_;
}

}  // namespace lsm
