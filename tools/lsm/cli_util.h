// Shared plumbing of the `lsm` command-line tool: argument parsing, exit codes, byte escaping
// and JSON output helpers. No format code lives here.
//
//   Args args;
//   int rc = ParseArgs(argv, {.value_flags = {"from", "limit"}, .bool_flags = {"hex"}},
//                      kScanUsage, &args);
//   if (rc >= 0) return rc;                       // --help (0) or a usage error (2)
//   std::string from = Unescape(args.Get("from"));
//   std::printf("%s\n", FormatBytes(key, args.Has("hex")).c_str());
//
// Thread-safety: plain functions and values; the tool is single-threaded.
#ifndef LSM_TOOLS_LSM_CLI_UTIL_H_
#define LSM_TOOLS_LSM_CLI_UTIL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/file_system.h"
#include "lsm/status.h"

namespace lsm::cli {

// Process exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // corruption found, or the operation failed
inline constexpr int kExitUsage = 2;   // bad command line

// The flags a subcommand accepts, without the leading "--", and how many positional
// arguments it takes. "help" and "json" are always accepted as boolean flags.
struct FlagSpec {
  std::vector<std::string> value_flags;  // take a value: --name=V or --name V
  std::vector<std::string> bool_flags;   // take none
  size_t positionals = 1;
  // At least `positionals` positional arguments, and any number more.
  bool more_positionals = false;
};

// A parsed command line: positional arguments in order and flags by name.
class Args {
 public:
  const std::vector<std::string>& positional() const { return positional_; }
  bool Has(const std::string& name) const { return flags_.count(name) != 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // Reads a non-negative integer flag into *value (left as is when absent). False, with a
  // message on stderr, if it is not a number.
  bool GetUint(const std::string& name, uint64_t* value) const;

 private:
  friend int ParseArgs(const std::vector<std::string>&, const FlagSpec&, const char*, Args*);
  std::vector<std::string> positional_;
  std::map<std::string, std::string> flags_;
};

// Parses argv (the words after the subcommand name). Returns -1 when the command should run;
// otherwise the exit code to return at once: kExitOk after printing `usage` for --help,
// kExitUsage after printing an error and `usage` for an unknown or malformed flag or another
// number of positional arguments than spec.positionals (fewer, with spec.more_positionals).
int ParseArgs(const std::vector<std::string>& argv, const FlagSpec& spec, const char* usage,
              Args* args);

// Prints "lsm: <message>" and the usage text to stderr; returns kExitUsage.
int UsageError(const std::string& message, const char* usage);

// Prints "lsm: error: <what>: <status>" to stderr; returns kExitFailed.
int Fail(const std::string& what, const Status& s);

// Printable ASCII bytes as they are, every other byte (and the backslash) as \xNN.
std::string Escape(std::string_view s);
// Lower-case hex, two digits per byte.
std::string Hex(std::string_view s);
// Escape(s), or Hex(s) when `hex`.
std::string FormatBytes(std::string_view s, bool hex);
// The inverse of Escape for command-line keys: "\xNN" becomes that byte, "\\" a backslash.
std::string Unescape(std::string_view s);
// Decodes hex digits; false if malformed.
bool ParseHex(std::string_view s, std::string* out);

// Reads the key flag `name` into *key: hex digits when --hex is set, else Unescape'd text.
// False if --hex is set and the value is not hex.
bool KeyFlag(const Args& args, const std::string& name, std::string* key);

// A JSON string literal (with quotes) of a UTF-8-safe text such as Escape's output.
std::string JsonString(std::string_view s);

// The default file system, for opening files named on the command line.
FileSystem* Fs();

// Reads a whole file into *contents.
Status ReadWholeFile(const std::string& path, std::string* contents);

// True if `path` names a directory.
bool IsDirectory(const std::string& path);

}  // namespace lsm::cli

#endif  // LSM_TOOLS_LSM_CLI_UTIL_H_
