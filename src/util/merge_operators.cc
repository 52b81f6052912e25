// The built-in merge operators (include/lsm/merge_operator.h).
#include <cstdint>
#include <string>

#include "lsm/merge_operator.h"
#include "src/util/coding.h"

namespace lsm {

bool MergeOperator::PartialMerge(std::string_view /*key*/, std::string_view /*left*/,
                                 std::string_view /*right*/, std::string* /*new_value*/) const {
  return false;
}

namespace {

class UInt64AddOperator final : public MergeOperator {
 public:
  bool FullMerge(std::string_view /*key*/, const std::string_view* existing_value,
                 const std::vector<std::string_view>& operands,
                 std::string* new_value) const override {
    uint64_t sum = 0;
    if (existing_value != nullptr && !Add(*existing_value, &sum)) return false;
    for (std::string_view operand : operands) {
      if (!Add(operand, &sum)) return false;
    }
    new_value->resize(8);
    EncodeFixed64(new_value->data(), sum);
    return true;
  }

  bool PartialMerge(std::string_view /*key*/, std::string_view left, std::string_view right,
                    std::string* new_value) const override {
    uint64_t sum = 0;
    if (!Add(left, &sum) || !Add(right, &sum)) return false;
    new_value->resize(8);
    EncodeFixed64(new_value->data(), sum);
    return true;
  }

  const char* Name() const override { return "uint64add"; }

 private:
  static bool Add(std::string_view bytes, uint64_t* sum) {
    if (bytes.size() != 8) return false;
    *sum += DecodeFixed64(bytes.data());
    return true;
  }
};

class StringAppendOperator final : public MergeOperator {
 public:
  explicit StringAppendOperator(char delimiter)
      : delimiter_(delimiter),
        name_(delimiter == ',' ? "stringappend" : std::string("stringappend:") + delimiter) {}

  bool FullMerge(std::string_view /*key*/, const std::string_view* existing_value,
                 const std::vector<std::string_view>& operands,
                 std::string* new_value) const override {
    new_value->clear();
    if (existing_value != nullptr) new_value->assign(*existing_value);
    for (size_t i = 0; i < operands.size(); i++) {
      if (existing_value != nullptr || i > 0) new_value->push_back(delimiter_);
      new_value->append(operands[i]);
    }
    return true;
  }

  bool PartialMerge(std::string_view /*key*/, std::string_view left, std::string_view right,
                    std::string* new_value) const override {
    new_value->assign(left);
    new_value->push_back(delimiter_);
    new_value->append(right);
    return true;
  }

  const char* Name() const override { return name_.c_str(); }

 private:
  const char delimiter_;
  const std::string name_;
};

}  // namespace

std::shared_ptr<MergeOperator> MergeOperators::CreateUInt64AddOperator() {
  return std::make_shared<UInt64AddOperator>();
}

std::shared_ptr<MergeOperator> MergeOperators::CreateStringAppendOperator(char delimiter) {
  return std::make_shared<StringAppendOperator>(delimiter);
}

}  // namespace lsm
