// lsm::MergeOperator: read-modify-write without the read. DB::Merge stores an operand for a
// key; reads and compactions combine the key's operands, oldest first, with the value below
// them (or with none) through the operator the database was opened with.
//
//   options.merge_operator = lsm::MergeOperators::CreateUInt64AddOperator();
//   std::string one(8, '\0');  one[0] = 1;                // 1 as 8-byte little-endian
//   s = db->Merge(lsm::WriteOptions(), "counter", one);   // counter += 1, no read
//   s = db->Get(lsm::ReadOptions(), "counter", &value);   // 8 bytes: the sum
//
// A user operator implements FullMerge and, when two operands can be combined into one
// without the value below them (as sums or appends can), PartialMerge: compactions then keep
// one operand instead of many. Operator failure (false) is a read's Corruption naming the
// key, and fails a compaction that meets it; nothing is silently dropped.
// The operator's Name() is recorded in every table that holds operands; a table opened with
// an operator of another name, or with none, is InvalidArgument naming both.
// Thread-safety: FullMerge and PartialMerge are called from many threads at once.
#ifndef LSM_MERGE_OPERATOR_H_
#define LSM_MERGE_OPERATOR_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lsm {

class MergeOperator {
 public:
  virtual ~MergeOperator() = default;

  // Sets *new_value to the result of applying `operands` (oldest first, at least one) to
  // *existing_value, or to nothing when existing_value is null (the key had no value or was
  // deleted). Returns false when the operands or the value cannot be merged.
  virtual bool FullMerge(std::string_view key, const std::string_view* existing_value,
                         const std::vector<std::string_view>& operands,
                         std::string* new_value) const = 0;

  // Combines two operands, `left` older than `right`, into one operand with the same effect
  // on any value, setting *new_value; returns false when they cannot be combined (then both
  // are kept). The default combines nothing.
  virtual bool PartialMerge(std::string_view key, std::string_view left, std::string_view right,
                            std::string* new_value) const;

  // Identifies the operator in tables and the OPTIONS file: an operator whose results differ
  // must have another name.
  virtual const char* Name() const = 0;
};

struct MergeOperators {
  // Operands and results are 8-byte little-endian unsigned integers, added with wrap-around;
  // an operand or value of another size fails the merge. Name: "uint64add".
  static std::shared_ptr<MergeOperator> CreateUInt64AddOperator();
  // Joins the value and the operands, oldest first, with `delimiter` between them. Name:
  // "stringappend" (with ',') or "stringappend:<delimiter>".
  static std::shared_ptr<MergeOperator> CreateStringAppendOperator(char delimiter = ',');
};

}  // namespace lsm

#endif  // LSM_MERGE_OPERATOR_H_
