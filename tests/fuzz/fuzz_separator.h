// How manifest_fuzzer cuts one input into MANIFEST records, shared with fuzz_seeds, which
// writes seeds in that form.
//
//   std::string input = JoinRecords({edit1, edit2});
//   for (std::string_view record : SplitRecords(input)) ...
#ifndef LSM_TESTS_FUZZ_FUZZ_SEPARATOR_H_
#define LSM_TESTS_FUZZ_FUZZ_SEPARATOR_H_

#include <string>
#include <string_view>
#include <vector>

namespace lsm {

inline constexpr std::string_view kSeparator = "\n--edit--\n";

inline std::vector<std::string_view> SplitRecords(std::string_view input) {
  std::vector<std::string_view> records;
  for (size_t at; (at = input.find(kSeparator)) != std::string_view::npos;) {
    records.push_back(input.substr(0, at));
    input.remove_prefix(at + kSeparator.size());
  }
  records.push_back(input);
  return records;
}

inline std::string JoinRecords(const std::vector<std::string>& records) {
  std::string joined;
  for (size_t i = 0; i < records.size(); i++) {
    if (i > 0) joined += kSeparator;
    joined += records[i];
  }
  return joined;
}

}  // namespace lsm

#endif  // LSM_TESTS_FUZZ_FUZZ_SEPARATOR_H_
