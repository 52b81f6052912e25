#include "tests/support/test_util.h"

#include <absl/strings/escaping.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace lsm {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base != nullptr && *base ? base : "/tmp") + "/lsm-test-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << templ;
  }
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string RandomTestKey(Random* rnd, uint64_t common) {
  const uint64_t n = rnd->Uniform(rnd->OneIn(10) ? 10 * common : common);
  std::string key = "k" + std::to_string(n);
  if (n % 97 == 0) key.push_back('\0');
  if (n % 89 == 0) key.insert(key.begin(), static_cast<char>(n & 0xff));
  if (n == 0) key.clear();
  return key;
}

const Comparator* ReverseBytewiseComparator() {
  class Reverse final : public Comparator {
   public:
    int Compare(std::string_view a, std::string_view b) const override { return b.compare(a); }
    const char* Name() const override { return "test.Reverse"; }
    void FindShortestSeparator(std::string*, std::string_view) const override {}
    void FindShortSuccessor(std::string*) const override {}
  };
  static const Reverse kReverse;
  return &kReverse;
}

uint64_t TestSeed() {
  uint64_t seed;
  if (const char* env = std::getenv("LSM_TEST_SEED"); env != nullptr && *env) {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count() &
                                 0xffffffff);
  }
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  std::fprintf(stderr, "[ seed     ] LSM_TEST_SEED=%llu replays this test\n",
               static_cast<unsigned long long>(seed));
  return seed;
}

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value ? std::strtoll(value, nullptr, 10) : fallback;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool DenyUringSetup(int err) {
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (static_cast<unsigned>(err) & 0xffff)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {static_cast<unsigned short>(std::size(filter)), filter};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0;
}

void WriteFile(const std::string& path, std::string_view data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "key%06d", i);
  return buf;
}

std::string Printable(std::string_view s, size_t limit) {
  std::string out = absl::CHexEscape(absl::string_view(s.data(), std::min(s.size(), limit)));
  if (s.size() > limit) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

const char* RecoveryModeName(WALRecoveryMode mode) {
  switch (mode) {
    case WALRecoveryMode::kTolerateCorruptedTailRecords:
      return "TolerateCorruptedTailRecords";
    case WALRecoveryMode::kAbsoluteConsistency:
      return "AbsoluteConsistency";
    case WALRecoveryMode::kPointInTimeRecovery:
      return "PointInTimeRecovery";
    case WALRecoveryMode::kSkipAnyCorruptedRecords:
      return "SkipAnyCorruptedRecords";
  }
  return "?";
}

}  // namespace lsm
