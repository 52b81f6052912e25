// torn_tail_reappend (docs/testing.md): a power loss tears the WAL inside a record (its unsynced
// tail cut, zero-filled or garbage-filled after a random intact part); the database recovers a
// prefix, writes more and syncs the last of the new writes; a second power loss follows. The
// second recovery must keep every write made after the first one up to the synced one: the
// torn tail of the first crash must not swallow records appended after it.
//
// Scale: LSM_TORN_TAIL_ITERATIONS rounds of two power losses (default 100 on memory, and a
// tenth of that over POSIX files).
#include <gtest/gtest.h>

#include <cstdio>

#include "src/io/posix_file_system.h"
#include "src/util/random.h"
#include "tests/support/crash_workload.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

class TornTailReappendTest : public testing::TestWithParam<bool> {};

TEST_P(TornTailReappendTest, WritesAfterRecoverySurviveTheNextPowerLoss) {
  const bool posix = GetParam();
  const uint64_t seed = TestSeed() + (posix ? 1 : 0);
  const int64_t rounds = EnvInt("LSM_TORN_TAIL_ITERATIONS", 100) / (posix ? 10 : 1);
  Random rnd(seed);
  TempDir dir;
  std::shared_ptr<FileSystem> base;
  if (posix) {
    base = NewPosixFileSystem();
  } else {
    base = std::make_shared<MemFileSystem>();
  }
  auto fs = std::make_shared<FaultFileSystem>(base, seed);
  const std::string dbname = dir.path() + "/db";
  const Options options = CrashWorkloadOptions(fs);
  PrefixModel model(seed);
  int64_t durable = -1, last = -1;
  uint64_t torn = 0;

  // Writes the next n batches (a few synced at random), the last one synced if `sync_last`.
  ColumnFamilyHandle* side = nullptr;
  auto write = [&](DB* db, int n, bool sync_last) {
    WriteBatch batch;
    for (int j = 0; j < n; j++) {
      last++;
      MakeCrashBatch(seed, static_cast<uint64_t>(last), side, &batch, nullptr);
      const bool sync = (sync_last && j == n - 1) || rnd.OneIn(16);
      Status s = db->Write(WriteOptions{.sync = sync}, &batch);
      ASSERT_TRUE(s.ok()) << s.ToString();
      if (sync) durable = last;
    }
  };
  auto power_loss = [&](std::unique_ptr<DB>* db) {
    fs->CutPower();
    db->reset();
    const PowerLossTail tails[] = {PowerLossTail::kTruncate, PowerLossTail::kZeroFill,
                                   PowerLossTail::kGarbageFill};
    Status s = fs->SimulatePowerLoss({.tail = tails[rnd.Uniform(3)], .keep_random_prefix = true});
    ASSERT_TRUE(s.ok()) << s.ToString();
  };
  auto reopen = [&](std::unique_ptr<DB>* db, int64_t* recovered) {
    Status s = OpenCrashDB(options, dbname, db, &side);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_NO_FATAL_FAILURE(model.CheckRecovered(db->get(), side, durable, last, recovered));
    std::string report;
    ASSERT_TRUE((*db)->GetProperty("lsm.recovery", &report));
    if (report.find("torn tail") != std::string::npos) torn++;
    last = durable = *recovered;
  };

  std::unique_ptr<DB> db;
  int64_t recovered;
  ASSERT_NO_FATAL_FAILURE(reopen(&db, &recovered));
  for (int64_t round = 0; round < rounds; round++) {
    SCOPED_TRACE("round " + std::to_string(round) + " seed " + std::to_string(seed));
    // A synced prefix, then unsynced writes that the power loss tears.
    ASSERT_NO_FATAL_FAILURE(write(db.get(), 1 + static_cast<int>(rnd.Uniform(20)), true));
    ASSERT_NO_FATAL_FAILURE(write(db.get(), 1 + static_cast<int>(rnd.Uniform(40)), false));
    ASSERT_NO_FATAL_FAILURE(power_loss(&db));
    ASSERT_NO_FATAL_FAILURE(reopen(&db, &recovered));
    // Writes after the recovery, the last one synced: all of them must survive the next loss.
    ASSERT_NO_FATAL_FAILURE(write(db.get(), 1 + static_cast<int>(rnd.Uniform(40)), true));
    const int64_t must_survive = last;
    ASSERT_NO_FATAL_FAILURE(power_loss(&db));
    ASSERT_NO_FATAL_FAILURE(reopen(&db, &recovered));
    ASSERT_EQ(recovered, must_survive);
  }
  std::fprintf(stderr, "[ stats    ] %lld power losses, %llu recoveries found a torn WAL tail\n",
               static_cast<long long>(fs->power_losses()), static_cast<unsigned long long>(torn));
  EXPECT_GT(torn, 0u);
}

INSTANTIATE_TEST_SUITE_P(Bases, TornTailReappendTest, testing::Bool(),
                         [](const auto& info) { return info.param ? "Posix" : "Mem"; });

}  // namespace
}  // namespace lsm
