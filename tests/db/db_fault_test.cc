// The database under injected faults and power losses (FaultFileSystem): focused cases, each
// the smallest reproduction of a durability rule of docs/design.md. The randomized suites are
// tests/integration/{powerloss,io_errors,torn_tail_reappend}_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <latch>
#include <thread>

#include "lsm/db.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_file_system.h"

namespace lsm {
namespace {

class DBFaultTest : public testing::Test {
 protected:
  DBFaultTest() : fs_(std::make_shared<FaultFileSystem>(std::make_shared<MemFileSystem>(), 1)) {
    options_.create_if_missing = true;
    options_.file_system = fs_;
  }

  void Open() {
    Status s = DB::Open(options_, "/db", &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void PowerLoss() {
    fs_->CutPower();
    db_.reset();
    Status s = fs_->SimulatePowerLoss({});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string Get(std::string_view key) {
    std::string value;
    Status s = db_->Get(ReadOptions(), key, &value);
    return s.ok() ? value : s.ToString();
  }

  std::shared_ptr<FaultFileSystem> fs_;
  Options options_;
  std::unique_ptr<DB> db_;
};

// A table is named by a synced MANIFEST record only once its directory entry is durable too.
TEST_F(DBFaultTest, FlushedTableSurvivesPowerLoss) {
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "v").ok());
  ASSERT_TRUE(db_->Flush().ok());
  PowerLoss();
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(Get("k"), "v");
}

// The log switch fails after the old log was closed: the database reports the I/O error, and
// Close does not trip over the closed log.
TEST_F(DBFaultTest, FailedLogSwitchThenClose) {
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "v").ok());
  fs_->FailNext(FaultOp::kOpen, 1);  // the new log's creation
  Status s = db_->Flush();
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  s = db_->Put(WriteOptions(), "k2", "v2");
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  s = db_->Close();
  EXPECT_TRUE(s.ok()) << s.ToString();
  db_.reset();
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(Get("k"), "v");
}

// A failed WAL write may leave part of a record in the log. Resume continues in a new log;
// the writes acknowledged after it must not be dropped at recovery behind the damaged one.
TEST_F(DBFaultTest, WritesAfterResumeSurviveTheDamagedLog) {
  ASSERT_NO_FATAL_FAILURE(Open());
  for (int i = 0; i < 10; i++) {
    const std::string n = std::to_string(i);
    ASSERT_TRUE(db_->Put(WriteOptions(), "before" + n, "v").ok());
    // The log's write alone: a background write elsewhere must not take the failure.
    fs_->FailNext(FaultOp::kWrite, 1, FaultError::kIO, ".log");  // may write part of the record
    Status s = db_->Put(WriteOptions(), "failed" + n, std::string(100, 'x'));
    ASSERT_TRUE(s.IsIOError()) << s.ToString();
    std::string error;
    ASSERT_TRUE(db_->GetProperty("lsm.background-error", &error));
    EXPECT_NE(error, "OK");
    EXPECT_TRUE(db_->Put(WriteOptions(), "refused", "v").IsIOError());
    s = db_->Resume();
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_TRUE(db_->Put(WriteOptions(), "after" + n, "v").ok());
  }
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  ASSERT_NO_FATAL_FAILURE(Open());
  for (int i = 0; i < 10; i++) {
    const std::string n = std::to_string(i);
    EXPECT_EQ(Get("before" + n), "v");
    EXPECT_EQ(Get("after" + n), "v");
  }
  EXPECT_TRUE(Get("refused").starts_with("NotFound")) << Get("refused");
}

// A compaction whose MANIFEST sync fails may still have its record in the MANIFEST that
// CURRENT names: its output tables must stay until a new MANIFEST replaces that one.
TEST_F(DBFaultTest, FailedCompactionRecordKeepsItsOutputs) {
  options_.level0_file_num_compaction_trigger = 8;
  ASSERT_NO_FATAL_FAILURE(Open());
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < 100; i++) {
      ASSERT_TRUE(db_->Put(WriteOptions(), "k" + std::to_string(i), std::to_string(round)).ok());
    }
    ASSERT_TRUE(db_->Flush().ok());
  }
  std::vector<std::string> names;
  ASSERT_TRUE(fs_->GetChildren("/db", &names).ok());
  std::sort(names.begin(), names.end());
  auto manifest = std::find_if(names.rbegin(), names.rend(),
                               [](const std::string& n) { return n.starts_with("MANIFEST-"); });
  ASSERT_NE(manifest, names.rend());
  fs_->FailNext(FaultOp::kSync, 1, FaultError::kIO, *manifest);
  Status s = db_->CompactRange(nullptr, nullptr);
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  ASSERT_EQ(fs_->InjectedErrors(FaultOp::kSync), 1u);
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  ASSERT_NO_FATAL_FAILURE(Open());
  for (int i = 0; i < 100; i++) EXPECT_EQ(Get("k" + std::to_string(i)), "1");
}

// CURRENT was renamed to name a new MANIFEST but the directory sync failed: the MANIFEST it
// names must not be removed.
TEST_F(DBFaultTest, FailedDirSyncAfterCurrentRenameKeepsTheManifest) {
  fs_->FailNext(FaultOp::kSync, 1, FaultError::kIO, "/db");  // the first directory sync
  Status s = DB::Open(options_, "/db", &db_);
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  ASSERT_EQ(fs_->InjectedErrors(FaultOp::kSync), 1u);
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "v").ok());
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(Get("k"), "v");
}

// A flush that failed on the disk as it was before Resume reaches the database only after
// Resume has cleared the error state: Resume retries it instead of reporting its failure.
TEST_F(DBFaultTest, ResumeRetriesAFlushThatFailedBeforeIt) {
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_TRUE(db_->Put(WriteOptions(), "flushed", "v").ok());
  std::latch failed(1);
  std::latch release(1);
  fs_->SetInjectionHook([&](FaultOp, const std::string& path) {
    if (!path.ends_with(".sst")) return;
    failed.count_down();
    release.wait();  // the flush is held at its failed table write
  });
  fs_->FailNext(FaultOp::kWrite, 1, FaultError::kIO, ".sst");
  std::thread flush([&] { (void)db_->Flush(); });
  failed.wait();
  // Meanwhile a failed log write puts the database in the error state; then the disk heals.
  fs_->FailNext(FaultOp::kWrite, 1, FaultError::kIO, ".log");
  EXPECT_TRUE(db_->Put(WriteOptions(), "failed", "v").IsIOError());
  fs_->SetErrorsEnabled(false);
  Status resumed;
  std::thread resume([&] { resumed = db_->Resume(); });
  // Resume clears the error, then waits for the memtables to be flushed: let the held flush
  // return its failure then.
  std::string error;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (db_->GetProperty("lsm.background-error", &error) && error != "OK" &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(error, "OK");
  release.count_down();
  resume.join();
  flush.join();
  fs_->SetInjectionHook(nullptr);
  EXPECT_TRUE(resumed.ok()) << resumed.ToString();
  ASSERT_TRUE(db_->Put(WriteOptions(), "after", "v").ok());
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(Get("flushed"), "v");
  EXPECT_EQ(Get("after"), "v");
}

}  // namespace
}  // namespace lsm
