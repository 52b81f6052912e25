// DBFixture: a gtest fixture around one database in a temporary directory, for tests of the
// DB's calls. Options (set before Open): create_if_missing, 64 KiB write buffers, and the
// string-append merge operator.
//
//   class MergeTest : public DBFixture {};
//   TEST_F(MergeTest, X) { Open(); Merge("k", "a"); CompactAll(); EXPECT_EQ(Get("k"), "a"); }
#ifndef LSM_TESTS_SUPPORT_DB_FIXTURE_H_
#define LSM_TESTS_SUPPORT_DB_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "tests/support/db_read.h"
#include "tests/support/test_util.h"

namespace lsm {

class DBFixture : public testing::Test {
 protected:
  DBFixture() : dbname_(tmp_.path() + "/db") {
    options_.create_if_missing = true;
    options_.write_buffer_size = 64 << 10;
    options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
  }

  void Open() {
    db_.reset();
    Status s = DB::Open(options_, dbname_, &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Reopen() {
    ASSERT_TRUE(db_->Close().ok());
    Open();
  }
  void Put(std::string_view key, std::string_view value) {
    ASSERT_TRUE(db_->Put(WriteOptions(), key, value).ok());
  }
  void Merge(std::string_view key, std::string_view operand) {
    ASSERT_TRUE(db_->Merge(WriteOptions(), key, operand).ok());
  }
  void DeleteRange(std::string_view begin, std::string_view end) {
    ASSERT_TRUE(db_->DeleteRange(WriteOptions(), begin, end).ok());
  }
  std::string Get(std::string_view key, const Snapshot* snapshot = nullptr) {
    return ReadForTest(db_.get(), key, snapshot);
  }
  std::string Scan(bool reverse, const Snapshot* snapshot = nullptr) {
    return ScanForTest(db_.get(), reverse, snapshot);
  }
  void CompactAll() {
    ASSERT_TRUE(db_->Flush().ok());
    ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  }

  TempDir tmp_;
  std::string dbname_;
  Options options_;
  std::unique_ptr<DB> db_;
};

}  // namespace lsm

#endif  // LSM_TESTS_SUPPORT_DB_FIXTURE_H_
