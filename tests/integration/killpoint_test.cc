// killpoints (docs/testing.md): the crash_writer child runs with LSM_KILLPOINT=<point>:<count>
// and exits abruptly at that reach of the point (mid-write, mid-flush, mid-compaction, in the
// middle of a MANIFEST or CURRENT update); the parent reopens the database and checks, as
// kill9 does, that it holds exactly the state after some batch at or past the last
// acknowledged one. Runs for every killpoint of src/util/killpoint.h, the child writing through
// POSIX and io_uring in turn.
//
// Scale: LSM_KILLPOINT_ITERATIONS runs per killpoint (default 23; nine killpoints).
#include "src/util/killpoint.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>

#include "src/util/random.h"
#include "tests/support/crash_workload.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// The largest count worth drawing for a point: its reaches per batch vary from every batch
// (the WAL) to once per open (CURRENT).
uint64_t MaxCount(std::string_view point) {
  if (point.starts_with("wal.")) return 200;
  if (point == "current.rename") return 1;
  return 4;
}

class KillpointTest : public testing::TestWithParam<std::string_view> {};

TEST_P(KillpointTest, RecoversAPrefixWithEveryAcknowledgedWrite) {
  const std::string point(GetParam());
  const uint64_t seed = TestSeed();
  const int64_t iterations = EnvInt("LSM_KILLPOINT_ITERATIONS", 23);
  Random rnd(seed);
  TempDir dir;
  const std::string dbname = dir.path() + "/db";
  PrefixModel model(seed);
  int reached = 0;
  for (int64_t iter = 0; iter < iterations; iter++) {
    const uint64_t count = 1 + rnd.Uniform(MaxCount(point));
    SCOPED_TRACE("iteration " + std::to_string(iter) + " LSM_KILLPOINT=" + point + ":" +
                 std::to_string(count) + " seed " + std::to_string(seed));
    // wal.sync is reached by sync writes only.
    const uint64_t sync_one_in = point == "wal.sync" ? 1 + rnd.Uniform(4) : rnd.Uniform(8);
    WriterArgs args{.dbname = dbname,
                    .seed = seed,
                    .first = static_cast<uint64_t>(model.applied() + 1),
                    .count = 1500,
                    .sync_one_in = sync_one_in};
    WriterProcess writer;
    ASSERT_TRUE(StartWriter(
        LSM_CRASH_WRITER, args,
        {"LSM_KILLPOINT=" + point + ":" + std::to_string(count), WriterIoBackend(iter)}, &writer));
    int wstatus;
    const int64_t last_ack = FinishWriter(&writer, &wstatus);
    ASSERT_TRUE(WIFEXITED(wstatus)) << "writer killed by signal " << WTERMSIG(wstatus);
    const int code = WEXITSTATUS(wstatus);
    ASSERT_TRUE(code == 0 || code == kWriterDone) << "writer failed with exit code " << code;
    if (code == 0) reached++;

    ASSERT_NO_FATAL_FAILURE(CheckAfterWriter(&model, dbname, last_ack));
  }
  std::fprintf(stderr, "[ stats    ] %s: killed at the point in %d of %lld runs, %lld batches\n",
               point.c_str(), reached, static_cast<long long>(iterations),
               static_cast<long long>(model.applied() + 1));
  // Most runs must actually reach their point.
  EXPECT_GE(reached, iterations / 2);
}

INSTANTIATE_TEST_SUITE_P(Points, KillpointTest, testing::ValuesIn(kKillpoints),
                         [](const auto& info) {
                           std::string name(info.param);
                           for (char& c : name) {
                             if (c == '.') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace lsm
