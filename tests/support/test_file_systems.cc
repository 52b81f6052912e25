#include "tests/support/test_file_systems.h"

#include "src/io/posix_file_system.h"
#include "src/io/uring_file_system.h"
#include "tests/support/mem_file_system.h"

namespace lsm {

std::shared_ptr<FileSystem> NewTestFileSystem(TestFs kind) {
  switch (kind) {
    case TestFs::kPosix:
      return NewPosixFileSystem();
    case TestFs::kUring: {
      std::shared_ptr<FileSystem> fs;
      const Status s = NewUringFileSystem(&fs);
      EXPECT_TRUE(s.ok()) << s.ToString();
      return fs;
    }
    case TestFs::kMemory:
      break;
  }
  return std::make_shared<MemFileSystem>();
}

const char* TestFsName(TestFs kind) {
  switch (kind) {
    case TestFs::kPosix:
      return "Posix";
    case TestFs::kUring:
      return "Uring";
    case TestFs::kMemory:
      break;
  }
  return "Memory";
}

}  // namespace lsm
