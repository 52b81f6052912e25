// DB::DeleteRange: range tombstones hide what they cover in Get, MultiGet and iterators both
// ways, through flushes, compactions and reopens; snapshots keep their view; newer writes in a
// deleted range show; bad ranges are refused.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "tests/support/db_fixture.h"

namespace lsm {
namespace {

class DeleteRangeTest : public DBFixture {};

TEST_F(DeleteRangeTest, HidesTheRangeThroughFlushCompactionAndReopen) {
  Open();
  for (const char* k : {"a", "b", "c", "d", "e"}) Put(k, std::string("v") + k);
  DeleteRange("b", "d");
  Put("c2", "new");  // written after the tombstone: shows
  const std::string want = "a=va;c2=new;d=vd;e=ve;";
  for (int round = 0; round < 4; round++) {
    SCOPED_TRACE(round);
    EXPECT_EQ(Get("a"), "va");
    EXPECT_EQ(Get("b"), "NOT_FOUND");
    EXPECT_EQ(Get("c"), "NOT_FOUND");
    EXPECT_EQ(Get("c2"), "new");
    EXPECT_EQ(Get("d"), "vd");  // the end is exclusive
    EXPECT_EQ(Scan(false), want);
    EXPECT_EQ(Scan(true), want);
    std::vector<std::string> values;
    std::vector<Status> st = db_->MultiGet(ReadOptions(), {"b", "c2", "d"}, &values);
    EXPECT_TRUE(st[0].IsNotFound());
    EXPECT_EQ(values[1], "new");
    EXPECT_EQ(values[2], "vd");
    if (round == 0) {
      ASSERT_TRUE(db_->Flush().ok());
    } else if (round == 1) {
      CompactAll();
    } else if (round == 2) {
      Reopen();
    }
  }
}

TEST_F(DeleteRangeTest, TombstoneInMemtableOverTablesAndOnlyTombstonesFlush) {
  Open();
  for (int i = 0; i < 100; i++) Put("k" + std::to_string(100 + i), "v");
  CompactAll();
  DeleteRange("k120", "k180");
  EXPECT_EQ(Get("k150"), "NOT_FOUND");
  EXPECT_EQ(Get("k119"), "v");
  ASSERT_TRUE(db_->Flush().ok());  // a table holding only the tombstone
  EXPECT_EQ(Get("k150"), "NOT_FOUND");
  Reopen();
  EXPECT_EQ(Get("k179"), "NOT_FOUND");
  EXPECT_EQ(Get("k180"), "v");
  CompactAll();
  int n = 0;
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
  EXPECT_EQ(n, 40);
}

TEST_F(DeleteRangeTest, SnapshotsKeepTheirView) {
  Open();
  Put("a", "1");
  Put("b", "1");
  const Snapshot* before = db_->GetSnapshot();
  DeleteRange("a", "z");
  const Snapshot* after = db_->GetSnapshot();
  Put("b", "2");
  CompactAll();
  EXPECT_EQ(Scan(false, before), "a=1;b=1;");
  EXPECT_EQ(Scan(true, before), "a=1;b=1;");
  EXPECT_EQ(Scan(false, after), "");
  EXPECT_EQ(Get("a", before), "1");
  EXPECT_EQ(Get("a", after), "NOT_FOUND");
  EXPECT_EQ(Scan(false), "b=2;");
  db_->ReleaseSnapshot(before);
  db_->ReleaseSnapshot(after);
  CompactAll();
  EXPECT_EQ(Scan(false), "b=2;");
  EXPECT_EQ(Get("a"), "NOT_FOUND");
}

TEST_F(DeleteRangeTest, MergesAboveATombstoneStartAfresh) {
  Open();
  Put("k", "old");
  DeleteRange("a", "z");
  ASSERT_TRUE(db_->Merge(WriteOptions(), "k", "x").ok());
  EXPECT_EQ(Get("k"), "x");
  EXPECT_EQ(Scan(false), "k=x;");
  EXPECT_EQ(Scan(true), "k=x;");
  CompactAll();
  EXPECT_EQ(Get("k"), "x");
}

TEST_F(DeleteRangeTest, BadRangesAreRefused) {
  Open();
  Put("m", "v");
  Status s = db_->DeleteRange(WriteOptions(), "z", "a");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(db_->DeleteRange(WriteOptions(), "m", "m").ok());  // empty: removes nothing
  EXPECT_EQ(Get("m"), "v");
  WriteBatch batch;
  batch.Put("n", "v");
  batch.DeleteRange("q", "p");
  EXPECT_TRUE(db_->Write(WriteOptions(), &batch).IsInvalidArgument());
  EXPECT_EQ(Get("n"), "NOT_FOUND");  // nothing of the batch was written
}

// Many tombstones, many sources: random Puts, Deletes, Merges and DeleteRanges with flushes,
// compactions, snapshots and reopens against a model.
TEST_F(DeleteRangeTest, RandomOperationsMatchAModel) {
  options_.level0_file_num_compaction_trigger = 2;
  options_.target_file_size_base = 64 << 10;
  options_.max_bytes_for_level_base = 256 << 10;
  Open();
  std::mt19937 rng(testing::UnitTest::GetInstance()->random_seed());
  using Model = std::map<std::string, std::string>;
  Model model;
  std::vector<std::pair<const Snapshot*, Model>> snapshots;
  auto key = [&] {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "k%03u", static_cast<unsigned>(rng() % 300));
    return std::string(buf);
  };
  auto check = [&](const Model& m, const Snapshot* snapshot) {
    std::string want;
    for (const auto& [k, v] : m) want += k + "=" + v + ";";
    ASSERT_EQ(Scan(false, snapshot), want);
    ASSERT_EQ(Scan(true, snapshot), want);
    for (int i = 0; i < 30; i++) {
      const std::string k = key();
      auto it = m.find(k);
      ASSERT_EQ(Get(k, snapshot), it == m.end() ? "NOT_FOUND" : it->second) << k;
    }
  };
  for (int step = 0; step < 8000; step++) {
    const int op = rng() % 100;
    const std::string k = key();
    if (op < 45) {
      const std::string v = std::to_string(step) + std::string(rng() % 200, 'v');
      Put(k, v);
      model[k] = v;
    } else if (op < 55) {
      const std::string operand = std::to_string(step);
      ASSERT_TRUE(db_->Merge(WriteOptions(), k, operand).ok());
      auto it = model.find(k);
      if (it == model.end()) {
        model[k] = operand;
      } else {
        it->second += "," + operand;
      }
    } else if (op < 62) {
      ASSERT_TRUE(db_->Delete(WriteOptions(), k).ok());
      model.erase(k);
    } else if (op < 68) {
      std::string e = key();
      std::string b = k;
      if (e < b) std::swap(b, e);
      if (rng() % 2 == 0 && e.size() == 4) e = e.substr(0, 3) + char('0' + (e[3] - '0' + 1) % 10);
      if (b > e) std::swap(b, e);
      DeleteRange(b, e);
      model.erase(model.lower_bound(b), model.lower_bound(e));
    } else if (op < 71) {
      if (snapshots.size() < 3) {
        snapshots.emplace_back(db_->GetSnapshot(), model);
      } else {
        const size_t i = rng() % snapshots.size();
        db_->ReleaseSnapshot(snapshots[i].first);
        snapshots.erase(snapshots.begin() + i);
      }
    } else if (op < 72) {
      ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
    } else if (op < 74) {
      ASSERT_TRUE(db_->Flush().ok());
    } else if (op < 75 && snapshots.empty()) {
      Reopen();
    }
    if (step % 400 == 399) {
      check(model, nullptr);
      for (const auto& [snapshot, m] : snapshots) check(m, snapshot);
    }
  }
  for (const auto& [snapshot, m] : snapshots) db_->ReleaseSnapshot(snapshot);
  CompactAll();
  check(model, nullptr);
}

// DeleteFilesInRange deletes the range's keys and drops the tables wholly inside it at once.
class DeleteFilesInRangeTest : public DBFixture {
 protected:
  // Keys k0000..k1999 with 1 KiB values, compacted into many small tables.
  void Load() {
    options_.target_file_size_base = 64 << 10;
    Open();
    for (int i = 0; i < 2000; i++) Put(Name(i), std::string(1024, 'a' + i % 26));
    CompactAll();
  }
  static std::string Name(int i) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "k%04d", i);
    return buf;
  }
  uint64_t TableBytes() {
    uint64_t n = 0;
    EXPECT_TRUE(db_->GetIntProperty("lsm.live-sst-files-size", &n));
    return n;
  }
  int Count() {
    int n = 0;
    std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
    return n;
  }
};

TEST_F(DeleteFilesInRangeTest, DropsTheTablesInsideAndDeletesTheRest) {
  Load();
  const uint64_t before = TableBytes();
  ASSERT_TRUE(db_->DeleteFilesInRange(Name(500), Name(1500)).ok());
  // About half the data went with whole tables, without a compaction.
  EXPECT_LT(TableBytes(), before * 6 / 10);
  EXPECT_EQ(Get(Name(499)), std::string(1024, 'a' + 499 % 26));
  EXPECT_EQ(Get(Name(500)), "NOT_FOUND");
  EXPECT_EQ(Get(Name(1000)), "NOT_FOUND");
  EXPECT_EQ(Get(Name(1499)), "NOT_FOUND");  // in a table that straddles the end, deleted
  EXPECT_EQ(Get(Name(1500)), std::string(1024, 'a' + 1500 % 26));
  EXPECT_EQ(Count(), 1000);
  Reopen();
  EXPECT_EQ(Count(), 1000);
  EXPECT_EQ(Get(Name(700)), "NOT_FOUND");
}

// A newer version of a key in a dropped table must not let an older one below show again.
TEST_F(DeleteFilesInRangeTest, OlderVersionsBelowStayDeleted) {
  Load();
  for (int i = 900; i < 1100; i++) Put(Name(i), "new");
  ASSERT_TRUE(db_->Flush().ok());  // a level-0 table inside the range, over older tables
  ASSERT_TRUE(db_->DeleteFilesInRange(Name(850), Name(1150)).ok());
  for (int i : {850, 900, 1000, 1099, 1149}) EXPECT_EQ(Get(Name(i)), "NOT_FOUND") << i;
  EXPECT_EQ(Count(), 2000 - 300);
}

TEST_F(DeleteFilesInRangeTest, SnapshotsAndIteratorsKeepWhatTheyRead) {
  Load();
  const uint64_t before = TableBytes();
  const Snapshot* snapshot = db_->GetSnapshot();
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  ASSERT_TRUE(db_->DeleteFilesInRange(Name(0), Name(1000)).ok());
  EXPECT_EQ(TableBytes(), before);  // the snapshot reads every table: none is dropped
  EXPECT_EQ(Get(Name(10), snapshot), std::string(1024, 'a' + 10));
  EXPECT_EQ(Get(Name(10)), "NOT_FOUND");
  db_->ReleaseSnapshot(snapshot);
  ASSERT_TRUE(db_->DeleteFilesInRange(Name(0), Name(1000)).ok());
  EXPECT_LT(TableBytes(), before * 6 / 10);
  int n = 0;  // made before both calls: sees everything
  for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
  EXPECT_TRUE(it->status().ok());
  EXPECT_EQ(n, 2000);
  EXPECT_EQ(Count(), 1000);
}

TEST_F(DeleteFilesInRangeTest, EmptyAndBackwardRanges) {
  Load();
  const uint64_t before = TableBytes();
  ASSERT_TRUE(db_->DeleteFilesInRange(Name(5), Name(5)).ok());
  EXPECT_EQ(TableBytes(), before);
  EXPECT_EQ(Count(), 2000);
  Status s = db_->DeleteFilesInRange(Name(9), Name(5));
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(Count(), 2000);
}

}  // namespace
}  // namespace lsm
