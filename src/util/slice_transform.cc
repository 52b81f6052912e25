#include "lsm/slice_transform.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_format.h>

#include <algorithm>
#include <string>

namespace lsm {
namespace {

constexpr std::string_view kFixedName = "lsm.FixedPrefix.";
constexpr std::string_view kCappedName = "lsm.CappedPrefix.";

class PrefixTransform final : public SliceTransform {
 public:
  PrefixTransform(size_t len, bool capped)
      : len_(len),
        capped_(capped),
        name_(absl::StrFormat("%s%u", capped ? kCappedName : kFixedName, len)) {}

  const char* Name() const override { return name_.c_str(); }
  bool InDomain(std::string_view key) const override { return capped_ || key.size() >= len_; }
  std::string_view Transform(std::string_view key) const override {
    return key.substr(0, std::min(len_, key.size()));
  }

 private:
  const size_t len_;
  const bool capped_;
  const std::string name_;
};

}  // namespace

std::shared_ptr<const SliceTransform> NewFixedPrefixTransform(size_t prefix_len) {
  return std::make_shared<PrefixTransform>(std::max<size_t>(prefix_len, 1), false);
}

std::shared_ptr<const SliceTransform> NewCappedPrefixTransform(size_t cap_len) {
  return std::make_shared<PrefixTransform>(std::max<size_t>(cap_len, 1), true);
}

std::shared_ptr<const SliceTransform> BuiltinSliceTransform(std::string_view name) {
  const bool capped = name.starts_with(kCappedName);
  if (!capped && !name.starts_with(kFixedName)) return nullptr;
  const std::string_view digits = name.substr((capped ? kCappedName : kFixedName).size());
  uint64_t len;
  if (digits.empty() || digits[0] == '0' ||
      !absl::SimpleAtoi(absl::string_view(digits.data(), digits.size()), &len) ||
      len > (uint64_t{1} << 20)) {
    return nullptr;
  }
  return capped ? NewCappedPrefixTransform(len) : NewFixedPrefixTransform(len);
}

}  // namespace lsm
