// LSM_KILLPOINT: each case runs in a child process (a death test), since the environment
// variable is read once per process.
#include "src/util/killpoint.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>

namespace lsm {
namespace {

class KillpointTest : public testing::Test {
 protected:
  KillpointTest() { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

[[noreturn]] void ExitWith(int code) {
  std::fflush(stderr);
  _exit(code);
}

TEST_F(KillpointTest, ExitsAtTheCountedReach) {
  EXPECT_EXIT(
      {
        setenv("LSM_KILLPOINT", "wal.sync:3", 1);
        for (int i = 0; i < 10; i++) LSM_KILLPOINT("wal.append");
        LSM_KILLPOINT("wal.sync");
        LSM_KILLPOINT("wal.sync");
        std::fprintf(stderr, "two passed\n");
        std::fflush(stderr);
        LSM_KILLPOINT("wal.sync");
        ExitWith(3);
      },
      testing::ExitedWithCode(0), "two passed.*killpoint wal.sync reached");
}

TEST_F(KillpointTest, NameAloneMeansTheFirstReach) {
  EXPECT_EXIT(
      {
        setenv("LSM_KILLPOINT", "file.delete", 1);
        LSM_KILLPOINT("dir.sync");
        LSM_KILLPOINT("file.delete");
        ExitWith(3);
      },
      testing::ExitedWithCode(0), "killpoint file.delete reached");
}

TEST_F(KillpointTest, UnsetArmsNothing) {
  EXPECT_EXIT(
      {
        unsetenv("LSM_KILLPOINT");
        for (std::string_view name : kKillpoints) LSM_KILLPOINT(name);
        ExitWith(3);
      },
      testing::ExitedWithCode(3), "");
}

TEST_F(KillpointTest, BadValuesAreReportedAndArmNothing) {
  for (const char* value : {"wal.sync:0", "wal.sync:x", "wal.sync:2x", "wal.synk:1", ":1"}) {
    SCOPED_TRACE(value);
    EXPECT_EXIT(
        {
          setenv("LSM_KILLPOINT", value, 1);
          for (int i = 0; i < 5; i++) {
            for (std::string_view name : kKillpoints) LSM_KILLPOINT(name);
          }
          ExitWith(3);
        },
        testing::ExitedWithCode(3), std::string("LSM_KILLPOINT=") + value + " ignored");
  }
}

}  // namespace
}  // namespace lsm
