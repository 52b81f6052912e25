// powerloss_sim (docs/testing.md): the crash workload's batches go through the database on a
// FaultFileSystem over memory, some synced and some not, with flushes and compactions in the
// background; the power is cut at a random point (between writes, or at the nth disk change,
// which may fall inside a write, a flush, a compaction, a MANIFEST update or an open); the disk
// is left as a power loss would leave it (unsynced tails truncated, zero-filled or
// garbage-filled, unsynced directory changes undone) and the database is reopened.
// It must open cleanly and hold exactly the state after some batch k, with every batch up to
// the last one acknowledged with sync=true included, and nothing an earlier recovery held lost.
//
// It runs over memory, and over a directory written through the io_uring file system.
//
// Scale: LSM_POWERLOSS_ITERATIONS crash points per tail mode (default 170, three modes) over
// memory, half of that on the disk, where every sync is a real one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <tuple>

#include "src/util/random.h"
#include "tests/support/crash_workload.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/test_file_systems.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

class PowerLossTest : public testing::TestWithParam<std::tuple<PowerLossTail, TestFs>> {};

TEST_P(PowerLossTest, RecoversAPrefixWithEverySyncedWrite) {
  const auto [tail, base] = GetParam();
  const uint64_t seed = TestSeed() + static_cast<uint64_t>(tail);
  const int64_t iterations = std::max<int64_t>(
      1, EnvInt("LSM_POWERLOSS_ITERATIONS", 170) / (base == TestFs::kMemory ? 1 : 2));
  Random rnd(seed);
  TempDir tmp;
  auto fs = std::make_shared<FaultFileSystem>(NewTestFileSystem(base), seed);
  const std::string dbname = (base == TestFs::kMemory ? "" : tmp.path()) + "/powerloss";
  Options options = CrashWorkloadOptions(fs);
  // On the disk, one run in two writes and reads its tables with direct I/O.
  options.use_direct_reads = options.use_direct_io_for_flush_and_compaction =
      base != TestFs::kMemory && seed % 2 == 0;
  PrefixModel model(seed);
  int64_t durable = -1;         // the last batch acknowledged with sync=true
  int64_t last_attempted = -1;  // the last batch handed to Write
  uint64_t batches = 0, cuts_in_open = 0, cuts_in_background = 0;

  for (int64_t iter = 0; iter < iterations; iter++) {
    SCOPED_TRACE("crash point " + std::to_string(iter) + " seed " + std::to_string(seed));
    // Sometimes the power goes during the open itself (recovery's flush, MANIFEST, CURRENT).
    if (rnd.OneIn(10)) fs->CutPowerAfter(1 + rnd.Uniform(30));
    std::unique_ptr<DB> db;
    ColumnFamilyHandle* side;
    Status s = OpenCrashDB(options, dbname, &db, &side);
    if (!s.ok()) {
      ASSERT_TRUE(fs->power_cut()) << "open failed with the power on: " << s.ToString();
      cuts_in_open++;
    } else {
      int64_t recovered;
      ASSERT_NO_FATAL_FAILURE(
          model.CheckRecovered(db.get(), side, durable, last_attempted, &recovered));
      durable = last_attempted = recovered;
      if (!fs->power_cut() && rnd.OneIn(2)) fs->CutPowerAfter(1 + rnd.Uniform(600));
      const uint64_t sync_one_in = std::vector<uint64_t>{0, 1, 8, 64}[rnd.Uniform(4)];
      const uint64_t writes = rnd.Uniform(500);
      WriteBatch batch;
      for (uint64_t n = 0; n < writes && !fs->power_cut(); n++) {
        const uint64_t i = static_cast<uint64_t>(++last_attempted);
        MakeCrashBatch(seed, i, side, &batch, nullptr);
        const bool sync = sync_one_in > 0 && rnd.OneIn(sync_one_in);
        s = db->Write(WriteOptions{.sync = sync}, &batch);
        if (!s.ok()) {
          ASSERT_TRUE(fs->power_cut()) << "write failed with the power on: " << s.ToString();
          break;
        }
        batches++;
        if (sync) durable = static_cast<int64_t>(i);
        if (rnd.OneIn(300)) {
          // A flush of one family, of both, or a compaction.
          const uint32_t what = rnd.Uniform(3);
          s = what == 0   ? db->Flush(FlushOptions(), side)
              : what == 1 ? db->Flush()
                          : db->CompactRange(nullptr, nullptr);
          ASSERT_TRUE(s.ok() || fs->power_cut()) << s.ToString();
        }
      }
      if (fs->power_cut()) cuts_in_background += s.ok() ? 1 : 0;
      fs->CutPower();
      db.reset();
    }
    const PowerLossOptions loss{.tail = tail, .keep_random_prefix = rnd.OneIn(2)};
    s = fs->SimulatePowerLoss(loss);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::unique_ptr<DB> db;
  ColumnFamilyHandle* side;
  Status s = OpenCrashDB(options, dbname, &db, &side);
  ASSERT_TRUE(s.ok()) << s.ToString();
  int64_t recovered;
  ASSERT_NO_FATAL_FAILURE(
      model.CheckRecovered(db.get(), side, durable, last_attempted, &recovered));
  std::fprintf(stderr,
               "[ stats    ] %llu power losses (%llu during open, %llu while the last write "
               "had succeeded), %llu acknowledged batches, %lld recovered\n",
               static_cast<unsigned long long>(fs->power_losses()),
               static_cast<unsigned long long>(cuts_in_open),
               static_cast<unsigned long long>(cuts_in_background),
               static_cast<unsigned long long>(batches), static_cast<long long>(recovered));
  EXPECT_GT(recovered, 0);
}

INSTANTIATE_TEST_SUITE_P(Tails, PowerLossTest,
                         testing::Combine(testing::Values(PowerLossTail::kTruncate,
                                                          PowerLossTail::kZeroFill,
                                                          PowerLossTail::kGarbageFill),
                                          testing::Values(TestFs::kMemory, TestFs::kUring)),
                         [](const auto& info) {
                           const char* tail = "?";
                           switch (std::get<0>(info.param)) {
                             case PowerLossTail::kTruncate:
                               tail = "Truncate";
                               break;
                             case PowerLossTail::kZeroFill:
                               tail = "ZeroFill";
                               break;
                             case PowerLossTail::kGarbageFill:
                               tail = "GarbageFill";
                               break;
                           }
                           return std::string(tail) + TestFsName(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace lsm
