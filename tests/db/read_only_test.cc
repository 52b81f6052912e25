// DB::OpenForReadOnly: the database as it is, with no lock taken, no file written and every
// write refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "lsm/db.h"
#include "lsm/iterator.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

namespace fs = std::filesystem;

// Every file of `dir` with its size.
std::map<std::string, uintmax_t> Listing(const std::string& dir) {
  std::map<std::string, uintmax_t> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    files[e.path().filename().string()] = fs::file_size(e.path());
  }
  return files;
}

class ReadOnlyTest : public testing::Test {
 protected:
  ReadOnlyTest() : name_(dir_.path() + "/db") {
    options_.create_if_missing = true;
    options_.write_buffer_size = 1 << 20;  // the WAL's writes stay in one memtable
  }

  // Keys 0..1999 with half flushed to tables and the rest in the WAL; key 7 deleted.
  void Fill() {
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(options_, name_, &db).ok());
    for (int i = 0; i < 2000; i++) {
      ASSERT_TRUE(db->Put(WriteOptions(), Key(i), "v" + std::to_string(i)).ok());
      if (i == 999) {
        ASSERT_TRUE(db->Flush().ok());
      }
    }
    ASSERT_TRUE(db->Delete(WriteOptions(), Key(7)).ok());
    ASSERT_TRUE(db->Close().ok());
  }

  void ExpectContents(DB* db) {
    std::string v;
    EXPECT_TRUE(db->Get(ReadOptions(), Key(7), &v).IsNotFound());
    ASSERT_TRUE(db->Get(ReadOptions(), Key(1500), &v).ok());  // in the WAL only
    EXPECT_EQ(v, "v1500");
    ASSERT_TRUE(db->Get(ReadOptions(), Key(10), &v).ok());
    EXPECT_EQ(v, "v10");
    std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
    int n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
    EXPECT_TRUE(it->status().ok());
    EXPECT_EQ(n, 1999);
  }

  TempDir dir_;
  const std::string name_;
  Options options_;
};

TEST_F(ReadOnlyTest, ReadsEverythingAndWritesNothing) {
  Fill();
  const auto before = Listing(name_);
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::OpenForReadOnly(options_, name_, &db).ok());
  ExpectContents(db.get());
  const Snapshot* snapshot = db->GetSnapshot();
  std::string v;
  ReadOptions at;
  at.snapshot = snapshot;
  EXPECT_TRUE(db->Get(at, Key(3), &v).ok());
  db->ReleaseSnapshot(snapshot);

  WriteBatch batch;
  batch.Put("a", "b");
  for (const Status& s :
       {db->Put(WriteOptions(), "a", "b"), db->Delete(WriteOptions(), Key(1)),
        db->Write(WriteOptions(), &batch), db->Flush(), db->CompactRange(nullptr, nullptr),
        db->SetOptions({{"disable_auto_compactions", "true"}})}) {
    EXPECT_TRUE(s.IsNotSupported()) << s.ToString();
    EXPECT_NE(s.ToString().find("read-only"), std::string::npos) << s.ToString();
  }
  uint64_t n = 0;
  EXPECT_TRUE(db->GetIntProperty("lsm.num-entries-active-mem-table", &n));
  EXPECT_EQ(n, 1001u);  // the WAL's writes, in memory
  ASSERT_TRUE(db->Close().ok());
  EXPECT_EQ(Listing(name_), before);

  // The database opens for writing afterwards as it was.
  ASSERT_TRUE(DB::Open(options_, name_, &db).ok());
  ExpectContents(db.get());
  ASSERT_TRUE(db->Close().ok());
}

TEST_F(ReadOnlyTest, OpensBesideAWriterAndSeesTheStateAtOpen) {
  Fill();
  std::unique_ptr<DB> writer, reader, second;
  ASSERT_TRUE(DB::Open(options_, name_, &writer).ok());
  EXPECT_TRUE(DB::Open(options_, name_, &second).IsIOError());  // the writer holds the LOCK
  ASSERT_TRUE(DB::OpenForReadOnly(options_, name_, &reader).ok());
  ASSERT_TRUE(writer->Put(WriteOptions(), "later", "x").ok());
  std::string v;
  EXPECT_TRUE(reader->Get(ReadOptions(), "later", &v).IsNotFound());
  ExpectContents(reader.get());
  ASSERT_TRUE(reader->Close().ok());
  ASSERT_TRUE(writer->Close().ok());
}

TEST_F(ReadOnlyTest, NoDatabaseIsAnErrorAndCreatesNothing) {
  std::unique_ptr<DB> db;
  Status s = DB::OpenForReadOnly(options_, name_, &db);  // create_if_missing is ignored
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_FALSE(fs::exists(name_));
  fs::create_directories(name_);
  s = DB::OpenForReadOnly(options_, name_, &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("is not a database (no CURRENT file)"), std::string::npos);
  EXPECT_EQ(s.ToString().find("create_if_missing"), std::string::npos) << s.ToString();
  EXPECT_TRUE(fs::is_empty(name_));
  EXPECT_EQ(db, nullptr);
}

TEST_F(ReadOnlyTest, CloseTwiceAndUseAfterClose) {
  Fill();
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::OpenForReadOnly(options_, name_, &db).ok());
  ASSERT_TRUE(db->Close().ok());
  std::string v;
  EXPECT_TRUE(db->Get(ReadOptions(), Key(1), &v).IsInvalidArgument());
  EXPECT_TRUE(db->Close().IsInvalidArgument());
}

}  // namespace
}  // namespace lsm
