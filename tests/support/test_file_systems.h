// The file systems that the conformance and crash suites run over, by name.
//
//   INSTANTIATE_TEST_SUITE_P(Fs, MyTest, testing::ValuesIn(kTestFileSystems), TestFsParamName);
//   std::shared_ptr<FileSystem> fs = NewTestFileSystem(GetParam());
#ifndef LSM_TESTS_SUPPORT_TEST_FILE_SYSTEMS_H_
#define LSM_TESTS_SUPPORT_TEST_FILE_SYSTEMS_H_

#include <gtest/gtest.h>

#include <memory>

#include "lsm/file_system.h"

namespace lsm {

enum class TestFs { kMemory, kPosix, kUring };
inline constexpr TestFs kTestFileSystems[] = {TestFs::kMemory, TestFs::kPosix, TestFs::kUring};

// A new file system of that kind (MemFileSystem, POSIX, io_uring). A ring that cannot be set
// up fails the test.
std::shared_ptr<FileSystem> NewTestFileSystem(TestFs kind);

// "Memory", "Posix" or "Uring".
const char* TestFsName(TestFs kind);
inline std::string TestFsParamName(const testing::TestParamInfo<TestFs>& info) {
  return TestFsName(info.param);
}

}  // namespace lsm

#endif  // LSM_TESTS_SUPPORT_TEST_FILE_SYSTEMS_H_
