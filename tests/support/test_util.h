// Helpers shared by the test suites.
//
//   TempDir dir;                       // a fresh directory, removed with its contents
//   std::string path = dir.path() + "/000001.sst";
//   uint64_t seed = TestSeed();        // LSM_TEST_SEED, or a fresh one, printed for replay
//   int rounds = EnvInt("LSM_X_ROUNDS", 100);  // a suite's scale, raised for its long mode
//   options.comparator = ReverseBytewiseComparator();
//   std::string ikey = IKey("a", 5);   // the internal key of a value of "a" at sequence 5
#ifndef LSM_TESTS_SUPPORT_TEST_UTIL_H_
#define LSM_TESTS_SUPPORT_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lsm/comparator.h"
#include "lsm/options.h"
#include "src/base/dbformat.h"
#include "src/util/random.h"

namespace lsm {

// Orders keys bytewise in reverse (Name() "test.Reverse"): a comparator other than the
// default, for the generic comparison paths and for comparator-mismatch checks.
const Comparator* ReverseBytewiseComparator();

// The internal key of `user` at `seq` with `type`.
inline std::string IKey(std::string_view user, SequenceNumber seq,
                        ValueType type = ValueType::kValue) {
  std::string key;
  AppendInternalKey(&key, ParsedInternalKey(user, seq, type));
  return key;
}

// A new directory under $TMPDIR (or /tmp), removed recursively on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The seed of a randomized test: $LSM_TEST_SEED when set, otherwise derived from the clock.
// It is recorded as a test property and printed, so a failure can be replayed with
// LSM_TEST_SEED=<seed>.
uint64_t TestSeed();

// A key for randomized model tests: mostly one of `common` keys, one draw in ten one of ten
// times as many, so that overwrites, deletions and hits are common; a few hold a NUL byte or
// start with a binary byte, and one is empty.
std::string RandomTestKey(Random* rnd, uint64_t common);

// The integer in environment variable `name`, or `fallback` when it is unset or empty.
int64_t EnvInt(const char* name, int64_t fallback);

// The whole contents of a file on the real file system ("" if it cannot be read).
std::string ReadFile(const std::string& path);
// Replaces the contents of a file on the real file system.
void WriteFile(const std::string& path, std::string_view data);

// "PointInTimeRecovery": a recovery mode's name, for test names and messages.
const char* RecoveryModeName(WALRecoveryMode mode);

// Installs a seccomp filter that fails io_uring_setup with `err`, as a kernel without io_uring
// (ENOSYS), a sandbox that forbids it (EPERM) or a low locked-memory limit (ENOMEM) does;
// false if it cannot. It cannot be removed: call it in a child process.
bool DenyUringSetup(int err);

// "key000042": a fixed-width key, so that keys sort as their numbers do.
std::string Key(int i);

// Bytes for failure messages and histories: C escapes (\n, \xNN, ...) for what is not printable
// ASCII; past `limit` bytes cut, with the size noted.
std::string Printable(std::string_view s, size_t limit = std::string_view::npos);

}  // namespace lsm

#endif  // LSM_TESTS_SUPPORT_TEST_UTIL_H_
