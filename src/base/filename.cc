#include "src/base/filename.h"

#include <absl/strings/str_format.h>

#include <charconv>

namespace lsm {
namespace {

std::string NumberedName(std::string_view dir, uint64_t number, std::string_view suffix) {
  return absl::StrFormat("%s/%06u.%s", dir, number, suffix);
}

bool ParseNumber(std::string_view s, uint64_t* number) {
  if (s.empty() || s.size() > 20) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *number);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::string LogFileName(std::string_view dir, uint64_t number) {
  return NumberedName(dir, number, "log");
}
std::string TableFileName(std::string_view dir, uint64_t number) {
  return NumberedName(dir, number, "sst");
}
std::string TempFileName(std::string_view dir, uint64_t number) {
  return NumberedName(dir, number, "dbtmp");
}
std::string ManifestFileName(std::string_view dir, uint64_t number) {
  return absl::StrFormat("%s/MANIFEST-%06u", dir, number);
}
std::string CurrentFileName(std::string_view dir) { return absl::StrFormat("%s/CURRENT", dir); }
std::string LockFileName(std::string_view dir) { return absl::StrFormat("%s/LOCK", dir); }
std::string OptionsFileName(std::string_view dir, uint64_t number) {
  return absl::StrFormat("%s/OPTIONS-%06u", dir, number);
}
std::string InfoLogFileName(std::string_view dir) { return absl::StrFormat("%s/LOG", dir); }

std::string ArchiveDirName(std::string_view dir) {
  return absl::StrFormat("%s/%s", dir, kArchiveDirName);
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool ParseFileName(std::string_view name, uint64_t* number, FileType* type) {
  *number = 0;
  if (name == "CURRENT") {
    *type = FileType::kCurrent;
    return true;
  }
  if (name == "LOCK") {
    *type = FileType::kLock;
    return true;
  }
  if (name.starts_with("OPTIONS-")) {
    if (!ParseNumber(name.substr(8), number)) return false;
    *type = FileType::kOptions;
    return true;
  }
  if (name == "LOG" || name.starts_with("LOG.")) {
    *type = FileType::kInfoLog;
    return true;
  }
  if (name.starts_with("MANIFEST-")) {
    if (!ParseNumber(name.substr(9), number)) return false;
    *type = FileType::kManifest;
    return true;
  }
  const size_t dot = name.find('.');
  if (dot == std::string_view::npos || !ParseNumber(name.substr(0, dot), number)) return false;
  const std::string_view suffix = name.substr(dot + 1);
  if (suffix == "log") {
    *type = FileType::kLog;
  } else if (suffix == "sst") {
    *type = FileType::kTable;
  } else if (suffix == "dbtmp") {
    *type = FileType::kTemp;
  } else {
    return false;
  }
  return true;
}

}  // namespace lsm
