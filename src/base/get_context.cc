#include "src/base/get_context.h"

#include <absl/strings/str_format.h>

#include "src/util/escape.h"

namespace lsm {

Status FullMerge(const MergeOperator* op, std::string_view user_key, const std::string_view* base,
                 const std::vector<std::string_view>& operands, std::string* result) {
  if (op == nullptr) {
    return Status::InvalidArgument(absl::StrFormat(
        "key '%s' has merge operands but Options::merge_operator is not set", Escape(user_key)));
  }
  if (!op->FullMerge(user_key, base, operands, result)) {
    return Status::Corruption(
        absl::StrFormat("merge operator %s failed on key '%s'", op->Name(), Escape(user_key)));
  }
  return Status::OK();
}

bool GetContext::Take(ValueType type, SequenceNumber seq, std::string_view value) {
  if (seq < covering_) type = ValueType::kDeletion;
  switch (type) {
    case ValueType::kValue:
      if (state_ == State::kMerging) {
        Merge(&value);
      } else {
        value_->assign(value);
        state_ = State::kFound;
      }
      return true;
    case ValueType::kDeletion:
      if (state_ == State::kMerging) {
        Merge(nullptr);
      } else {
        state_ = State::kDeleted;
      }
      return true;
    case ValueType::kMerge:
      operands_.emplace_back(value);
      state_ = State::kMerging;
      return false;
    case ValueType::kRangeDeletion:
      break;  // never among point entries
  }
  return false;
}

void GetContext::Merge(const std::string_view* base) {
  std::vector<std::string_view> operands(operands_.rbegin(), operands_.rend());
  status_ = FullMerge(op_, user_key_, base, operands, value_);
  state_ = status_.ok() ? State::kFound : State::kFailed;
}

Status GetContext::Finish() {
  if (state_ == State::kMerging) Merge(nullptr);
  switch (state_) {
    case State::kFound:
      return Status::OK();
    case State::kFailed:
      return status_;
    default:
      return Status::NotFound();
  }
}

}  // namespace lsm
