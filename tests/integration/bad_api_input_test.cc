// bad_api_input (docs/testing.md): every misuse gets the status docs/design.md "Errors"
// names, never a crash.
#include <gtest/gtest.h>

#include <fstream>

#include "lsm/comparator.h"
#include "lsm/db.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

class BadApiInputTest : public testing::Test {
 protected:
  BadApiInputTest() : dbname_(tmp_.path() + "/db") { options_.create_if_missing = true; }

  std::unique_ptr<DB> OpenOk() {
    std::unique_ptr<DB> db;
    Status s = DB::Open(options_, dbname_, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return db;
  }

  TempDir tmp_;
  std::string dbname_;
  Options options_;
};

TEST_F(BadApiInputTest, KeysAndValues) {
  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  const std::string binary("\0\xff\x01key\0", 7);
  EXPECT_TRUE(db->Put(WriteOptions(), "", "empty key is valid").ok());
  EXPECT_TRUE(db->Put(WriteOptions(), binary, "").ok());
  std::string v;
  EXPECT_TRUE(db->Get(ReadOptions(), binary, &v).ok());
  EXPECT_EQ(v, "");
  EXPECT_TRUE(db->Get(ReadOptions(), "", &v).ok());
  EXPECT_EQ(v, "empty key is valid");

  const std::string max_key(kMaxKeySize, 'k');
  EXPECT_TRUE(db->Put(WriteOptions(), max_key, "v").ok());
  EXPECT_TRUE(db->Get(ReadOptions(), max_key, &v).ok());
  Status s = db->Put(WriteOptions(), std::string(kMaxKeySize + 1, 'k'), "v");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("key of"), std::string::npos);
  s = db->Delete(WriteOptions(), std::string(kMaxKeySize + 1, 'k'));
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  s = db->Put(WriteOptions(), "k", std::string(kMaxValueSize + 1, 'v'));
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("value of"), std::string::npos);
  // A rejected write leaves nothing behind.
  EXPECT_TRUE(db->Get(ReadOptions(), "k", &v).IsNotFound());
  EXPECT_TRUE(db->Close().ok());
}

TEST_F(BadApiInputTest, Batches) {
  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  WriteBatch empty;
  EXPECT_TRUE(db->Write(WriteOptions(), &empty).ok());
  WriteBatch huge;
  for (int i = 0; i < 100000; i++) huge.Put("key" + std::to_string(i), "value");
  EXPECT_TRUE(db->Write(WriteOptions(), &huge).ok());
  std::string v;
  EXPECT_TRUE(db->Get(ReadOptions(), "key99999", &v).ok());
  WriteBatch partly_bad;
  partly_bad.Put("good", "1");
  partly_bad.Put(std::string(kMaxKeySize + 1, 'x'), "2");
  EXPECT_TRUE(db->Write(WriteOptions(), &partly_bad).IsInvalidArgument());
  EXPECT_TRUE(db->Get(ReadOptions(), "good", &v).IsNotFound());  // all or nothing
  EXPECT_TRUE(
      db->Write(WriteOptions{.sync = true, .disable_wal = true}, &empty).IsInvalidArgument());
}

TEST_F(BadApiInputTest, OpenErrors) {
  std::unique_ptr<DB> db;
  Options no_create;
  Status s = DB::Open(no_create, dbname_, &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(db, nullptr);

  // An existing directory that holds no database.
  std::ofstream(tmp_.path() + "/notes.txt") << "not a database";
  s = DB::Open(no_create, tmp_.path(), &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("not a database"), std::string::npos);

  EXPECT_TRUE(DB::Open(options_, "", &db).IsInvalidArgument());
  Options bad = options_;
  bad.write_buffer_size = 1000;
  s = DB::Open(bad, dbname_, &db);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.ToString().find("write_buffer_size"), std::string::npos);

  // A path under a regular file cannot be created.
  s = DB::Open(options_, tmp_.path() + "/notes.txt/db", &db);
  EXPECT_FALSE(s.ok());

  db = OpenOk();
  ASSERT_NE(db, nullptr);
  std::unique_ptr<DB> second;
  s = DB::Open(options_, dbname_, &second);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.ToString().find("lock held"), std::string::npos);
  EXPECT_EQ(second, nullptr);
  EXPECT_TRUE(DestroyDB(dbname_, options_).IsIOError());  // while open
  EXPECT_TRUE(db->Close().ok());

  Options exists = options_;
  exists.error_if_exists = true;
  s = DB::Open(exists, dbname_, &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();

  Options other = options_;
  other.comparator = ReverseBytewiseComparator();
  s = DB::Open(other, dbname_, &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();

  EXPECT_TRUE(DestroyDB(dbname_, options_).ok());
  s = DB::Open(no_create, dbname_, &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
}

TEST_F(BadApiInputTest, UseAfterClose) {
  auto db = OpenOk();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Close().ok());
  std::string v;
  WriteBatch batch;
  const std::string_view k = "k";
  EXPECT_TRUE(db->Put(WriteOptions(), "k", "v").IsInvalidArgument());
  EXPECT_TRUE(db->Delete(WriteOptions(), "k").IsInvalidArgument());
  EXPECT_TRUE(db->Write(WriteOptions(), &batch).IsInvalidArgument());
  EXPECT_TRUE(db->Get(ReadOptions(), "k", &v).IsInvalidArgument());
  EXPECT_TRUE(db->Flush().IsInvalidArgument());
  EXPECT_TRUE(db->CompactRange(&k, &k).IsInvalidArgument());
  EXPECT_TRUE(db->Resume().IsInvalidArgument());
  EXPECT_TRUE(db->Close().IsInvalidArgument());
  EXPECT_EQ(db->GetSnapshot(), nullptr);
  EXPECT_FALSE(db->GetProperty("lsm.stats", &v));
  auto it = db->NewIterator(ReadOptions());
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsInvalidArgument());
  const Status s = db->Get(ReadOptions(), "k", &v);
  EXPECT_NE(s.ToString().find("database closed"), std::string::npos);
}

}  // namespace
}  // namespace lsm
