// DB::Merge: reads (Get, MultiGet, iterators both ways), flushes and compactions apply the
// merge operator; snapshots keep their view; failures are errors, never wrong answers.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "src/util/coding.h"
#include "tests/support/db_fixture.h"

namespace lsm {
namespace {

std::string U64(uint64_t v) {
  std::string s(8, '\0');
  EncodeFixed64(s.data(), v);
  return s;
}

class MergeTest : public DBFixture {};

TEST_F(MergeTest, UInt64AddCountsAcrossFlushAndCompaction) {
  options_.merge_operator = MergeOperators::CreateUInt64AddOperator();
  Open();
  for (int i = 0; i < 10; i++) Merge("counter", U64(1));
  EXPECT_EQ(Get("counter"), U64(10));
  ASSERT_TRUE(db_->Flush().ok());
  for (int i = 0; i < 5; i++) Merge("counter", U64(2));
  EXPECT_EQ(Get("counter"), U64(20));
  CompactAll();
  EXPECT_EQ(Get("counter"), U64(20));
  Merge("counter", U64(uint64_t{0} - 20));  // wraps around
  EXPECT_EQ(Get("counter"), U64(0));
  Reopen();
  EXPECT_EQ(Get("counter"), U64(0));
}

TEST_F(MergeTest, OperandsApplyToThePutOrDeleteBelowThem) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "x").ok());
  Merge("a", "y");
  Merge("a", "z");
  ASSERT_TRUE(db_->Put(WriteOptions(), "b", "old").ok());
  ASSERT_TRUE(db_->Delete(WriteOptions(), "b").ok());
  Merge("b", "new");
  Merge("c", "only");
  const std::string want = "a=x,y,z;b=new;c=only;";
  for (int round = 0; round < 3; round++) {
    EXPECT_EQ(Get("a"), "x,y,z");
    EXPECT_EQ(Get("b"), "new");
    EXPECT_EQ(Get("c"), "only");
    EXPECT_EQ(Scan(false), want);
    EXPECT_EQ(Scan(true), want);
    std::vector<std::string> values;
    std::vector<Status> st = db_->MultiGet(ReadOptions(), {"a", "b", "c", "d"}, &values);
    EXPECT_TRUE(st[0].ok() && st[1].ok() && st[2].ok() && st[3].IsNotFound());
    EXPECT_EQ(values[0] + "|" + values[1] + "|" + values[2], "x,y,z|new|only");
    if (round == 0) {
      ASSERT_TRUE(db_->Flush().ok());
    }
    if (round == 1) CompactAll();
  }
}

TEST_F(MergeTest, OperandsSpreadOverTablesAndMemtable) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "0").ok());
  ASSERT_TRUE(db_->Flush().ok());
  Merge("k", "1");
  ASSERT_TRUE(db_->Flush().ok());
  Merge("k", "2");
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  Merge("k", "3");
  EXPECT_EQ(Get("k"), "0,1,2,3");
  EXPECT_EQ(Scan(false), "k=0,1,2,3;");
  EXPECT_EQ(Scan(true), "k=0,1,2,3;");
}

TEST_F(MergeTest, SnapshotsKeepTheirViewThroughCompaction) {
  Open();
  Merge("k", "a");
  const Snapshot* s1 = db_->GetSnapshot();
  Merge("k", "b");
  Merge("k", "c");
  const Snapshot* s2 = db_->GetSnapshot();
  ASSERT_TRUE(db_->Delete(WriteOptions(), "k").ok());
  Merge("k", "d");
  CompactAll();
  EXPECT_EQ(Get("k", s1), "a");
  EXPECT_EQ(Get("k", s2), "a,b,c");
  EXPECT_EQ(Get("k"), "d");
  EXPECT_EQ(Scan(false, s2), "k=a,b,c;");
  EXPECT_EQ(Scan(true, s1), "k=a;");
  db_->ReleaseSnapshot(s1);
  db_->ReleaseSnapshot(s2);
  CompactAll();
  EXPECT_EQ(Get("k"), "d");
}

TEST_F(MergeTest, IteratorChangesDirectionOnMergedKeys) {
  Open();
  for (const char* k : {"a", "b", "c", "d"}) {
    Merge(k, "1");
    Merge(k, "2");
  }
  ASSERT_TRUE(db_->Put(WriteOptions(), "c", "p").ok());
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  it->Seek("b");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  EXPECT_EQ(it->value(), "1,2");
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "a");
  EXPECT_EQ(it->value(), "1,2");
  it->Next();
  EXPECT_EQ(it->key(), "b");
  it->Next();
  EXPECT_EQ(it->value(), "p");
  it->Next();
  EXPECT_EQ(it->key(), "d");
  it->Next();
  EXPECT_FALSE(it->Valid());
  it->SeekForPrev("cc");
  EXPECT_EQ(it->key(), "c");
  it->Next();
  EXPECT_EQ(it->value(), "1,2");
  it->Prev();
  EXPECT_EQ(it->key(), "c");
  EXPECT_TRUE(it->status().ok());
}

TEST_F(MergeTest, ManyOperandsOfOneKeyReadBothWays) {
  Open();
  std::string want;
  for (int i = 0; i < 100; i++) {
    Merge("hot", std::to_string(i));
    want += (i > 0 ? "," : "") + std::to_string(i);
    if (i % 30 == 29) {
      ASSERT_TRUE(db_->Flush().ok());
    }
  }
  Merge("z", "z");
  EXPECT_EQ(Scan(false), "hot=" + want + ";z=z;");
  EXPECT_EQ(Scan(true), "hot=" + want + ";z=z;");
  CompactAll();
  EXPECT_EQ(Get("hot"), want);
}

TEST_F(MergeTest, MergeWithoutOperatorIsRefused) {
  options_.merge_operator = nullptr;
  Open();
  EXPECT_TRUE(db_->Merge(WriteOptions(), "k", "v").IsInvalidArgument());
  WriteBatch batch;
  batch.Put("a", "1");
  batch.Merge("k", "v");
  EXPECT_TRUE(db_->Write(WriteOptions(), &batch).IsInvalidArgument());
  EXPECT_EQ(Get("a"), "NOT_FOUND");  // nothing of the batch was written
}

TEST_F(MergeTest, OptionsFileRecordsTheOperator) {
  options_.merge_operator = MergeOperators::CreateStringAppendOperator(';');
  Open();
  ASSERT_TRUE(db_->Close().ok());
  Options loaded;
  ASSERT_TRUE(LoadLatestOptions(dbname_, &loaded).ok());
  ASSERT_NE(loaded.merge_operator, nullptr);  // a built-in one, made by name
  EXPECT_STREQ(loaded.merge_operator->Name(), "stringappend:;");
  std::string merged;
  const std::string_view base = "a";
  ASSERT_TRUE(loaded.merge_operator->FullMerge("k", &base, {"b", "c"}, &merged));
  EXPECT_EQ(merged, "a;b;c");
}

TEST_F(MergeTest, LogWithMergesNeedsAnOperatorToOpen) {
  Open();
  Merge("k", "v");
  ASSERT_TRUE(db_->Close().ok());  // the operand stays in the log
  options_.merge_operator = nullptr;
  db_.reset();
  Status s = DB::Open(options_, dbname_, &db_);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("merge_operator"), std::string::npos);
  options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
  Open();
  EXPECT_EQ(Get("k"), "v");
}

TEST_F(MergeTest, FailedMergeIsAnErrorNamingTheKey) {
  options_.merge_operator = MergeOperators::CreateUInt64AddOperator();
  Open();
  Merge("good", U64(1));
  Merge("bad", "short");
  Status s;
  std::string value;
  s = db_->Get(ReadOptions(), "bad", &value);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find("uint64add"), std::string::npos);
  EXPECT_NE(s.ToString().find("bad"), std::string::npos);
  EXPECT_EQ(Get("good"), U64(1));
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());
  // Nothing lies below the operands, so the flush merges them, and fails as any flush does.
  const Status flushed = db_->Flush();
  EXPECT_TRUE(flushed.IsCorruption()) << flushed.ToString();
  EXPECT_EQ(Get("good"), U64(1));
}

TEST_F(MergeTest, TablesRecordTheOperatorAndRefuseAnother) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "u").ok());
  ASSERT_TRUE(db_->Flush().ok());
  Merge("k", "v");  // flushed as an operand: a table below holds the key
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Close().ok());
  options_.merge_operator = MergeOperators::CreateUInt64AddOperator();
  Open();
  Status s;
  std::string value;
  s = db_->Get(ReadOptions(), "k", &value);
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("stringappend"), std::string::npos);
  EXPECT_NE(s.ToString().find("uint64add"), std::string::npos);
  ASSERT_TRUE(db_->Close().ok());
  options_.merge_operator = nullptr;
  Open();
  s = db_->Get(ReadOptions(), "k", &value);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  ASSERT_TRUE(db_->Close().ok());
  options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
  Open();
  EXPECT_EQ(Get("k"), "u,v");
}

// Writers add to counters while readers, snapshots, flushes and compactions go on: a reader
// never sees a counter go down, a snapshot reads the same each time, and the final counts are
// the sums of all the merges.
TEST_F(MergeTest, ConcurrentCountersAddUp) {
  options_.merge_operator = MergeOperators::CreateUInt64AddOperator();
  options_.level0_file_num_compaction_trigger = 2;
  Open();
  constexpr int kCounters = 8, kWriters = 3, kMerges = 3000;
  auto count = [&](int c, const Snapshot* snapshot) -> uint64_t {
    const std::string v = Get("c" + std::to_string(c), snapshot);
    if (v == "NOT_FOUND") return 0;
    EXPECT_EQ(v.size(), 8u) << v;
    return v.size() == 8 ? DecodeFixed64(v.data()) : 0;
  };
  std::atomic<bool> writing{true};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; w++) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kMerges; i++) {
        WriteBatch batch;
        batch.Merge("c" + std::to_string((i + w) % kCounters), U64(1));
        batch.Put("filler" + std::to_string(i % 100), std::string(200, 'f'));
        EXPECT_TRUE(db_->Write(WriteOptions(), &batch).ok());
      }
    });
  }
  threads.emplace_back([&] {
    while (writing.load()) {
      const Snapshot* snapshot = db_->GetSnapshot();
      std::vector<uint64_t> seen(kCounters);
      for (int c = 0; c < kCounters; c++) seen[c] = count(c, snapshot);
      std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions{.snapshot = snapshot});
      for (int c = 0; c < kCounters; c++) {
        it->Seek("c" + std::to_string(c));
        const uint64_t v = it->Valid() && it->key() == "c" + std::to_string(c)
                               ? DecodeFixed64(it->value().data())
                               : 0;
        EXPECT_EQ(v, seen[c]);
        EXPECT_EQ(count(c, snapshot), seen[c]);
        EXPECT_LE(seen[c], count(c, nullptr));
      }
      db_->ReleaseSnapshot(snapshot);
    }
  });
  threads.emplace_back([&] {
    while (writing.load()) {
      EXPECT_TRUE(db_->Flush().ok());
      EXPECT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
    }
  });
  for (int w = 0; w < kWriters; w++) threads[w].join();
  writing.store(false);
  for (size_t t = kWriters; t < threads.size(); t++) threads[t].join();
  uint64_t total = 0;
  for (int c = 0; c < kCounters; c++) total += count(c, nullptr);
  EXPECT_EQ(total, uint64_t{kWriters} * kMerges);
  CompactAll();
  total = 0;
  for (int c = 0; c < kCounters; c++) total += count(c, nullptr);
  EXPECT_EQ(total, uint64_t{kWriters} * kMerges);
}

}  // namespace
}  // namespace lsm
