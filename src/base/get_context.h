// GetContext: the answer of a point lookup, gathered from the entries of one user key that
// the read can see, newest first, across memtables and tables. A value or a deletion decides
// it; merge operands (ValueType::kMerge) are kept until the value or deletion below them, or
// the end of the entries, lets the merge operator combine them. An entry older than a range
// tombstone over the key counts as a deletion.
//
//   GetContext ctx(options.merge_operator.get(), "k", &value);
//   for (each source, newest first) {
//     ctx.CoverWith(newest tombstone of the source over "k" visible to the read);
//     for (each entry of "k" visible to the read, newest first) {
//       if (ctx.Take(type, sequence, entry_value)) goto decided;   // no older entry matters
//     }
//   }
//   decided:
//   Status s = ctx.Finish();   // OK with *value, NotFound, or the merge's error
//
// FullMerge is the one place that calls MergeOperator::FullMerge and words its failure; the
// DB iterator and compaction use it too.
// Thread-safety: a GetContext belongs to one lookup.
#ifndef LSM_BASE_GET_CONTEXT_H_
#define LSM_BASE_GET_CONTEXT_H_

#include <string>
#include <string_view>
#include <vector>

#include "lsm/merge_operator.h"
#include "lsm/status.h"
#include "src/base/dbformat.h"

namespace lsm {

// Applies `operands` (oldest first, at least one) to *base (null: no value) through `op`,
// setting *result. InvalidArgument when op is null, Corruption naming the key and the
// operator when it fails.
Status FullMerge(const MergeOperator* op, std::string_view user_key, const std::string_view* base,
                 const std::vector<std::string_view>& operands, std::string* result);

class GetContext {
 public:
  enum class State {
    kNotFound,  // no entry taken yet
    kFound,     // decided: *value holds the value
    kDeleted,   // decided: the key is deleted
    kMerging,   // merge operands taken, waiting for what lies below them
    kFailed,    // decided: the merge failed
  };

  // `op` may be null when the key has no merge operands; *value receives the answer.
  GetContext(const MergeOperator* op, std::string_view user_key, std::string* value)
      : op_(op), user_key_(user_key), value_(value) {}
  GetContext(const GetContext&) = delete;
  GetContext& operator=(const GetContext&) = delete;

  // A range tombstone at `seq` covers the key (0: none): entries below it are deleted. Given
  // for each source before its entries (tombstones in a source cover only what is as old).
  void CoverWith(SequenceNumber seq) {
    if (seq > covering_) covering_ = seq;
  }

  // Takes the next entry of the key, older than every entry taken before. Returns true when
  // the answer is decided and no older entry matters.
  bool Take(ValueType type, SequenceNumber seq, std::string_view value);

  // The answer once no older entry remains (or once Take returned true): OK with *value,
  // NotFound, or the merge's error.
  Status Finish();

  State state() const { return state_; }
  // A value, a deletion or a failed merge has decided the answer.
  bool decided() const { return state_ != State::kNotFound && state_ != State::kMerging; }

 private:
  // Merges the operands taken onto *base (null: none); the lookup is then decided.
  void Merge(const std::string_view* base);

  const MergeOperator* const op_;
  const std::string_view user_key_;
  std::string* const value_;
  State state_ = State::kNotFound;
  SequenceNumber covering_ = 0;
  Status status_;
  std::vector<std::string> operands_;  // newest first
};

}  // namespace lsm

#endif  // LSM_BASE_GET_CONTEXT_H_
