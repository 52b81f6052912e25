// WriteBatchInternal: what the engine (not the user) does with a WriteBatch: read and set its
// sequence number, take its encoding apart and put it back together. The encoding is
// documented in include/lsm/write_batch.h.
#ifndef LSM_BASE_WRITE_BATCH_INTERNAL_H_
#define LSM_BASE_WRITE_BATCH_INTERNAL_H_

#include <absl/functional/function_ref.h>

#include <cstdint>
#include <string_view>

#include "lsm/status.h"
#include "lsm/write_batch.h"
#include "src/base/dbformat.h"

namespace lsm {

class WriteBatchInternal {
 public:
  // Bytes of the header: sequence (fixed64) and count (fixed32).
  static constexpr size_t kHeaderSize = 12;

  static SequenceNumber Sequence(const WriteBatch& batch);
  static void SetSequence(WriteBatch* batch, SequenceNumber seq);
  static void SetCount(WriteBatch* batch, uint32_t count);

  // Replaces the batch's encoding with `contents` (from a log record). Corruption if it is
  // shorter than the header; the records are checked by Iterate.
  static Status SetContents(WriteBatch* batch, std::string_view contents);

  // Appends src's records to dst (dst keeps its sequence).
  static void Append(WriteBatch* dst, const WriteBatch& src);

  // Appends src's records to dst (dst keeps its sequence), with `suffix` appended to the value
  // of every Put record of a family for which suffixed(cf) is true. Corruption if src's
  // encoding is malformed (dst then holds the records before the damage).
  static Status AppendWithValueSuffix(WriteBatch* dst, const WriteBatch& src,
                                      absl::FunctionRef<bool(uint32_t cf)> suffixed,
                                      std::string_view suffix);

  // What the records of one column family are checked against.
  struct FamilyRules {
    bool merges_allowed = true;        // false: the family has no merge operator
    const Comparator* ucmp = nullptr;  // orders a DeleteRange's ends (unchecked if null)
    bool ttl = false;                  // a TTL family, which takes no Merge either
  };
  // Sets *rules for family `cf`, or returns why records of it cannot be written.
  using RulesOf = absl::FunctionRef<Status(uint32_t cf, FamilyRules* rules)>;

  // InvalidArgument naming the first key over kMaxKeySize or value (or merge operand) over
  // kMaxValueSize, a Merge record of a family without merge operator or of a TTL family, a
  // DeleteRange whose
  // begin sorts after its end, or the status rules_of returns for a record's family;
  // Corruption if the encoding is malformed. Sets *user_bytes (if given) to the bytes of all
  // keys and values.
  static Status CheckSizesByFamily(const WriteBatch& batch, RulesOf rules_of,
                                   uint64_t* user_bytes = nullptr);
  // The same for a batch of the default family alone (records of others are InvalidArgument).
  static Status CheckSizes(const WriteBatch& batch, bool merges_allowed,
                           const Comparator* ucmp = nullptr, uint64_t* user_bytes = nullptr);
};

}  // namespace lsm

#endif  // LSM_BASE_WRITE_BATCH_INTERNAL_H_
