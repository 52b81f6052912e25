// Escape: bytes (a key, a value) as they appear in an error message or a log line, in C escape
// form (absl::CHexEscape: printable ASCII as it is, "\n" and the like, other bytes as \xNN).
#ifndef LSM_UTIL_ESCAPE_H_
#define LSM_UTIL_ESCAPE_H_

#include <absl/strings/escaping.h>

#include <string>
#include <string_view>

namespace lsm {

inline std::string Escape(std::string_view bytes) {
  return absl::CHexEscape(absl::string_view(bytes.data(), bytes.size()));
}

}  // namespace lsm

#endif  // LSM_UTIL_ESCAPE_H_
