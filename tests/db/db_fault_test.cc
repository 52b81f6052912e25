// The database under injected faults and power losses (FaultFileSystem): focused cases, each
// the smallest reproduction of a durability rule of DESIGN.md. The randomized suites are
// tests/integration/{powerloss,io_errors,torn_tail_reappend}_test.cc.
#include <gtest/gtest.h>

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
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "v").ok());
  ASSERT_TRUE(db_->Flush().ok());
  PowerLoss();
  Open();
  EXPECT_EQ(Get("k"), "v");
}

// The log switch fails after the old log was closed: the database reports the I/O error, and
// Close does not trip over the closed log.
TEST_F(DBFaultTest, FailedLogSwitchThenClose) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "v").ok());
  fs_->FailNext(FaultOp::kOpen, 1);  // the new log's creation
  Status s = db_->Flush();
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  s = db_->Put(WriteOptions(), "k2", "v2");
  ASSERT_TRUE(s.IsIOError()) << s.ToString();
  s = db_->Close();
  EXPECT_TRUE(s.ok()) << s.ToString();
  db_.reset();
  Open();
  EXPECT_EQ(Get("k"), "v");
}

}  // namespace
}  // namespace lsm
