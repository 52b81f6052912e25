// kill9_prefix (docs/testing.md): a child process (crash_writer) writes numbered batches, each
// recording its own number under a reserved key, and reports every acknowledged batch through
// a pipe; the parent kills it with SIGKILL at a random moment, reopens the database and checks
// that it holds exactly the state after some batch k, with k at or past the last acknowledged
// batch. Runs with sync on and off: a process kill loses nothing acknowledged either way. The
// child writes through POSIX in even runs and io_uring (where it can be set up) in odd ones.
//
// Scale: LSM_KILL9_ITERATIONS kills per sync mode (default 75).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "src/util/random.h"
#include "tests/support/crash_workload.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// How the child writes: unsynced, every write synced, without the WAL under
// recover_to_last_commit, committing every few batches, or without the WAL under
// atomic_flush.
enum class Mode { kSyncOff, kSyncOn, kCommits, kAtomicUnlogged };

void RunKills(Mode mode) {
  const uint64_t seed = TestSeed();
  const int64_t iterations = EnvInt("LSM_KILL9_ITERATIONS", 75);
  Random rnd(seed);
  TempDir dir;
  const std::string dbname = dir.path() + "/db";
  PrefixModel model(seed);
  for (int64_t iter = 0; iter < iterations; iter++) {
    SCOPED_TRACE("iteration " + std::to_string(iter) + " seed " + std::to_string(seed));
    // Commits every 1 to 64 batches: some between flushes, some many flushes apart.
    const uint64_t commit_every = mode == Mode::kCommits ? 1 + rnd.Uniform(64) : 0;
    WriterArgs args{.dbname = dbname,
                    .seed = seed,
                    .first = static_cast<uint64_t>(model.applied() + 1),
                    .sync_one_in = mode == Mode::kSyncOn ? 1u : 0u,
                    .commit_every = commit_every,
                    .atomic_unlogged = mode == Mode::kAtomicUnlogged};
    WriterProcess writer;
    ASSERT_TRUE(StartWriter(LSM_CRASH_WRITER, args, {WriterIoBackend(iter)}, &writer));
    // Some kills land while the child starts and opens the database, most among its writes.
    if (!rnd.OneIn(4)) ReadAck(&writer);
    std::this_thread::sleep_for(std::chrono::milliseconds(rnd.Uniform(200)));
    kill(writer.pid, SIGKILL);
    int wstatus;
    const int64_t last_ack = FinishWriter(&writer, &wstatus);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with " << WEXITSTATUS(wstatus);

    // The child may have died before it created the database: an empty one is a prefix too.
    if (mode == Mode::kCommits) {
      ASSERT_NO_FATAL_FAILURE(CheckAfterCommitWriter(&model, dbname, last_ack, commit_every));
    } else {
      ASSERT_NO_FATAL_FAILURE(
          CheckAfterWriter(&model, dbname, last_ack, mode != Mode::kAtomicUnlogged));
    }
  }
  static constexpr const char* kNames[] = {"sync off", "sync on", "commits", "atomic unlogged"};
  std::fprintf(stderr, "[ stats    ] %s: %lld kills, %lld batches\n",
               kNames[static_cast<int>(mode)], static_cast<long long>(iterations),
               static_cast<long long>(model.applied() + 1));
  EXPECT_GT(model.applied(), 0);
}

TEST(Kill9Test, SyncOff) { RunKills(Mode::kSyncOff); }
TEST(Kill9Test, SyncOn) { RunKills(Mode::kSyncOn); }

// Offsets committed with the state: the child writes without the WAL under
// recover_to_last_commit and commits every few batches, naming the last batch in the commit's
// metadata; whatever it flushed or compacted since, the reopened database holds exactly the
// state after the committed batch the metadata names.
TEST(Kill9Test, CommitsUnderRecoverToLastCommit) { RunKills(Mode::kCommits); }

// Writes without the WAL under atomic_flush: what survives a kill is what the database's own
// flushes kept, and as each takes both families in one edit, every batch is whole in both
// (the side family fills its write buffer at other moments than the default one).
TEST(Kill9Test, UnloggedWritesUnderAtomicFlush) { RunKills(Mode::kAtomicUnlogged); }

}  // namespace
}  // namespace lsm
