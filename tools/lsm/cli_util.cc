#include "tools/lsm/cli_util.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_format.h"

namespace lsm::cli {

std::string Args::Get(const std::string& name, const std::string& fallback) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? fallback : it->second;
}

bool Args::GetUint(const std::string& name, uint64_t* value) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return true;
  const std::string& v = it->second;
  uint64_t n = 0;
  bool ok = !v.empty() && v.size() <= 19;
  for (char c : v) {
    if (c < '0' || c > '9') ok = false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok) {
    absl::FPrintF(stderr, "lsm: --%s wants a non-negative integer, got '%s'\n", name, v);
    return false;
  }
  *value = n;
  return true;
}

int ParseArgs(const std::vector<std::string>& argv, const FlagSpec& spec, const char* usage,
              Args* args) {
  auto contains = [](const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  };
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (only_positional || word.size() < 3 || word.compare(0, 2, "--") != 0) {
      if (word == "--") {
        only_positional = true;
        continue;
      }
      if (!only_positional && word.size() > 1 && word[0] == '-' && word != "-") {
        if (word == "-h") return (std::fputs(usage, stdout), kExitOk);
        return UsageError("unknown option '" + word + "'", usage);
      }
      args->positional_.push_back(word);
      continue;
    }
    std::string name = word.substr(2);
    std::string value;
    const size_t eq = name.find('=');
    const bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "help") {
      std::fputs(usage, stdout);
      return kExitOk;
    }
    if (contains(spec.value_flags, name)) {
      if (!has_value) {
        if (i + 1 >= argv.size()) return UsageError("--" + name + " needs a value", usage);
        value = argv[++i];
      }
      args->flags_[name] = value;
    } else if (name == "json" || contains(spec.bool_flags, name)) {
      if (has_value) return UsageError("--" + name + " takes no value", usage);
      args->flags_[name] = "1";
    } else {
      return UsageError("unknown option '--" + name + "'", usage);
    }
  }
  if (args->positional_.size() < spec.positionals ||
      (!spec.more_positionals && args->positional_.size() > spec.positionals)) {
    return UsageError(absl::StrFormat("expected %s%u argument%s, got %u",
                                      spec.more_positionals ? "at least " : "", spec.positionals,
                                      spec.positionals == 1 ? "" : "s", args->positional_.size()),
                      usage);
  }
  return -1;
}

int UsageError(const std::string& message, const char* usage) {
  absl::FPrintF(stderr, "lsm: %s\n\n%s", message, usage);
  return kExitUsage;
}

int Fail(const std::string& what, const Status& s) {
  absl::FPrintF(stderr, "lsm: error: %s: %s\n", what, s.ToString());
  return kExitFailed;
}

std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    }
  }
  return out;
}

std::string Hex(std::string_view s) {
  std::string out;
  out.reserve(2 * s.size());
  for (unsigned char c : s) absl::StrAppendFormat(&out, "%02x", c);
  return out;
}

std::string FormatBytes(std::string_view s, bool hex) { return hex ? Hex(s) : Escape(s); }

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
    } else if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && HexDigit(s[i + 2]) >= 0 &&
               HexDigit(s[i + 3]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(s[i + 2]) * 16 + HexDigit(s[i + 3])));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool ParseHex(std::string_view s, std::string* out) {
  if (s.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = HexDigit(s[i]), lo = HexDigit(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

bool KeyFlag(const Args& args, const std::string& name, std::string* key) {
  const std::string raw = args.Get(name);
  if (args.Has("hex")) return ParseHex(raw, key);
  *key = Unescape(raw);
  return true;
}

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

FileSystem* Fs() {
  static const std::shared_ptr<FileSystem> fs = FileSystem::Default();
  return fs.get();
}

Status ReadWholeFile(const std::string& path, std::string* contents) {
  uint64_t size = 0;
  Status s = Fs()->GetFileSize(path, &size);
  std::unique_ptr<RandomAccessFile> file;
  if (s.ok()) s = Fs()->NewRandomAccessFile(path, &file);
  if (!s.ok()) return s;
  contents->resize(size);
  std::string_view got;
  s = file->Read(0, size, &got, contents->data());
  if (!s.ok()) return s;
  if (got.data() != contents->data()) std::copy(got.begin(), got.end(), contents->begin());
  contents->resize(got.size());
  return Status::OK();
}

bool IsDirectory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

}  // namespace lsm::cli
