// The engine's key vocabulary: sequence numbers, value types and internal keys.
//
// An internal key is the user key followed by an 8-byte little-endian tag,
// (sequence << 8) | type. Internal keys sort by user key ascending (user comparator), then by
// sequence descending, then by type descending, so the newest version of a key comes first.
//
//   std::string ikey;
//   AppendInternalKey(&ikey, ParsedInternalKey("k", 42, ValueType::kValue));
//   ParsedInternalKey p;
//   if (ParseInternalKey(ikey, &p)) { p.user_key == "k"; p.sequence == 42; }
#ifndef LSM_BASE_DBFORMAT_H_
#define LSM_BASE_DBFORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lsm/comparator.h"
#include "src/util/coding.h"

namespace lsm {

using SequenceNumber = uint64_t;

// Sequence numbers use 56 bits; the low 8 bits of a tag hold the type.
inline constexpr SequenceNumber kMaxSequenceNumber = (uint64_t{1} << 56) - 1;

// Persisted in logs and tables: values never change meaning.
enum class ValueType : uint8_t {
  kDeletion = 0x0,
  kValue = 0x1,
  kMerge = 0x2,  // a merge operand (lsm/merge_operator.h)
  // A range tombstone (src/base/range_tombstones.h): never among point entries, so not a
  // known type for ParseInternalKey.
  kRangeDeletion = 0xF,
};

// The type used when seeking: the largest, so that a seek for (key, seq) lands on the newest
// entry of key with sequence <= seq.
inline constexpr ValueType kValueTypeForSeek = ValueType::kMerge;

inline bool IsKnownValueType(uint8_t t) { return t <= static_cast<uint8_t>(ValueType::kMerge); }

inline constexpr size_t kInternalKeyTagSize = 8;

inline uint64_t PackSequenceAndType(SequenceNumber seq, ValueType t) {
  return (seq << 8) | static_cast<uint8_t>(t);
}

struct ParsedInternalKey {
  std::string_view user_key;
  SequenceNumber sequence = 0;
  ValueType type = ValueType::kDeletion;

  ParsedInternalKey() = default;
  ParsedInternalKey(std::string_view u, SequenceNumber seq, ValueType t)
      : user_key(u), sequence(seq), type(t) {}
};

void AppendInternalKey(std::string* result, const ParsedInternalKey& key);

// Returns false (leaving *result unspecified) if internal_key is too short or its type unknown.
bool ParseInternalKey(std::string_view internal_key, ParsedInternalKey* result);

// REQUIRES: internal_key.size() >= kInternalKeyTagSize.
inline std::string_view ExtractUserKey(std::string_view internal_key) {
  return internal_key.substr(0, internal_key.size() - kInternalKeyTagSize);
}
// REQUIRES: internal_key.size() >= kInternalKeyTagSize.
inline uint64_t ExtractTag(std::string_view internal_key) {
  return DecodeFixed64(internal_key.data() + internal_key.size() - kInternalKeyTagSize);
}

// Orders internal keys as described above, using a user comparator for the user keys.
// Name() is the user comparator's name: tables record the user comparator.
class InternalKeyComparator final : public Comparator {
 public:
  explicit InternalKeyComparator(const Comparator* user) : user_(user) {}

  int Compare(std::string_view a, std::string_view b) const override;
  const char* Name() const override { return user_->Name(); }
  void FindShortestSeparator(std::string* start, std::string_view limit) const override;
  void FindShortSuccessor(std::string* key) const override;

  const Comparator* user_comparator() const { return user_; }

 private:
  const Comparator* user_;
};

// A key for point lookups in a memtable or table: the user key with the read's sequence.
//   LookupKey lk("k", snapshot_seq);
//   lk.memtable_key() : varint32(internal key length) + internal key
//   lk.internal_key() : user key + tag(seq, kValueTypeForSeek)
//   lk.user_key()
class LookupKey {
 public:
  LookupKey(std::string_view user_key, SequenceNumber sequence);
  LookupKey(const LookupKey&) = delete;
  LookupKey& operator=(const LookupKey&) = delete;
  ~LookupKey();

  std::string_view memtable_key() const { return {start_, static_cast<size_t>(end_ - start_)}; }
  std::string_view internal_key() const { return {kstart_, static_cast<size_t>(end_ - kstart_)}; }
  std::string_view user_key() const {
    return {kstart_, static_cast<size_t>(end_ - kstart_) - kInternalKeyTagSize};
  }

 private:
  const char* start_;
  const char* kstart_;
  const char* end_;
  char space_[200];  // avoids allocation for short keys
};

}  // namespace lsm

#endif  // LSM_BASE_DBFORMAT_H_
