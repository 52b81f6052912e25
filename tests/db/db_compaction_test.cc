// Compaction seen through the DB: each style keeps what snapshots see, FIFO deletes the oldest
// data first, the compaction filter, write stalls on pending compaction bytes, compaction left
// to CompactRange alone, and the figures in "lsm.levelstats".
#include <absl/strings/str_format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>
#include <vector>

#include "lsm/compaction_filter.h"
#include "lsm/db.h"
#include "src/base/dbformat.h"
#include "src/sstable/table_reader.h"
#include "tests/support/db_read.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

class DBCompactionTest : public testing::Test {
 protected:
  DBCompactionTest() {
    options_.create_if_missing = true;
    options_.file_system = std::make_shared<MemFileSystem>();
    options_.write_buffer_size = 64 << 10;
    options_.target_file_size_base = 64 << 10;
    options_.max_bytes_for_level_base = 256 << 10;
    options_.compression = CompressionType::kNone;
  }

  void Open() {
    db_.reset();
    Status s = DB::Open(options_, "/db", &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string Get(std::string_view key, const Snapshot* snapshot = nullptr) {
    return ReadForTest(db_.get(), key, snapshot);
  }

  int FilesAt(int level) {
    std::string n;
    EXPECT_TRUE(db_->GetProperty("lsm.num-files-at-level" + std::to_string(level), &n));
    return std::stoi(n);
  }

  int TablesOnDisk() {
    std::vector<std::string> children;
    EXPECT_TRUE(options_.file_system->GetChildren("/db", &children).ok());
    return static_cast<int>(
        std::count_if(children.begin(), children.end(),
                      [](const std::string& n) { return n.ends_with(".sst"); }));
  }

  // The sequences of every entry of every table, by user key, newest first.
  std::map<std::string, std::vector<SequenceNumber>> StoredSequences() {
    std::map<std::string, std::vector<SequenceNumber>> found;
    std::vector<std::string> children;
    EXPECT_TRUE(options_.file_system->GetChildren("/db", &children).ok());
    for (const std::string& name : children) {
      if (!name.ends_with(".sst")) continue;
      const std::string path = "/db/" + name;
      std::unique_ptr<RandomAccessFile> file;
      uint64_t size = 0;
      std::unique_ptr<TableReader> table;
      EXPECT_TRUE(options_.file_system->GetFileSize(path, &size).ok());
      EXPECT_TRUE(options_.file_system->NewRandomAccessFile(path, &file).ok());
      Status s = TableReader::Open(TableOptions::FromOptions(options_), name, std::move(file), size,
                                   nullptr, &table);
      EXPECT_TRUE(s.ok()) << s.ToString();
      if (!s.ok()) continue;
      auto it = table->NewIterator(ReadOptions());
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        ParsedInternalKey k;
        EXPECT_TRUE(ParseInternalKey(it->key(), &k));
        found[std::string(k.user_key)].push_back(k.sequence);
      }
      EXPECT_TRUE(it->status().ok());
    }
    for (auto& [key, seqs] : found) std::sort(seqs.rbegin(), seqs.rend());
    return found;
  }

  // Waits (up to a minute) until no flush or compaction is due or running.
  void WaitForCompactions() {
    for (int i = 0; i < 6000; i++) {
      std::string pending, running, imm;
      ASSERT_TRUE(db_->GetProperty("lsm.compaction-pending", &pending));
      ASSERT_TRUE(db_->GetProperty("lsm.num-running-compactions", &running));
      ASSERT_TRUE(db_->GetProperty("lsm.num-immutable-mem-table", &imm));
      if (pending == "0" && running == "0" && imm == "0") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "compactions did not settle";
  }

  Options options_;
  std::unique_ptr<DB> db_;
};

class DBCompactionStyleTest : public DBCompactionTest,
                              public testing::WithParamInterface<CompactionStyle> {};

// Versions a snapshot can see survive every compaction, and are gone once it is released.
TEST_P(DBCompactionStyleTest, CompactionKeepsWhatSnapshotsSee) {
  options_.compaction_style = GetParam();
  options_.level0_file_num_compaction_trigger = 2;
  Open();
  const std::string big(1000, 'x');
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "v1").ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "gone", "g1").ok());
  const Snapshot* snap = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "v2").ok());
  ASSERT_TRUE(db_->Delete(WriteOptions(), "gone").ok());
  for (int round = 0; round < 4; round++) {
    for (int i = 0; i < 200; i++) {
      ASSERT_TRUE(db_->Put(WriteOptions(), Key(round * 1000 + i), big).ok());
    }
    ASSERT_TRUE(db_->Flush().ok());
    ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
    EXPECT_EQ(Get("k", snap), "v1");
    EXPECT_EQ(Get("gone", snap), "g1");
    EXPECT_EQ(Get("k"), "v2");
    EXPECT_EQ(Get("gone"), "NOT_FOUND");
  }
  db_->ReleaseSnapshot(snap);
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  EXPECT_EQ(Get("k"), "v2");
  EXPECT_EQ(Get("gone"), "NOT_FOUND");
  ASSERT_TRUE(db_->Close().ok());
  Open();
  EXPECT_EQ(Get("k"), "v2");
  EXPECT_EQ(Get("gone"), "NOT_FOUND");
  EXPECT_EQ(Get(Key(3199)), big);
}

INSTANTIATE_TEST_SUITE_P(Styles, DBCompactionStyleTest,
                         testing::Values(CompactionStyle::kLevel, CompactionStyle::kUniversal),
                         [](const testing::TestParamInfo<CompactionStyle>& info) {
                           return info.param == CompactionStyle::kLevel ? "Level" : "Universal";
                         });

TEST_F(DBCompactionTest, LeveledLoadReachesTheLastLevelWithLittleSpaceOverhead) {
  options_.level0_file_num_compaction_trigger = 2;
  options_.max_background_jobs = 3;
  Open();
  const std::string value(100, 'v');
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < 20000; i++) {
      ASSERT_TRUE(db_->Put(WriteOptions(), Key((i * 7919) % 20000), value).ok());
    }
  }
  ASSERT_TRUE(db_->Flush().ok());
  WaitForCompactions();
  // Dynamic targets: most data in the last level, nothing above the base level.
  EXPECT_GT(FilesAt(6), 0);
  std::string stats;
  ASSERT_TRUE(db_->GetProperty("lsm.levelstats", &stats));
  EXPECT_NE(stats.find("write amplification"), std::string::npos) << stats;
  for (int i = 0; i < 20000; i += 97) ASSERT_EQ(Get(Key(i)), value);
}

TEST_F(DBCompactionTest, FifoDeletesTheOldestDataFirst) {
  options_.compaction_style = CompactionStyle::kFIFO;
  options_.compaction_options_fifo.max_table_files_size = 400 << 10;
  Open();
  const std::string value(1000, 'v');
  for (int i = 0; i < 3000; i++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), Key(i), value).ok());
    if (i % 100 == 99) {
      ASSERT_TRUE(db_->Flush().ok());
    }
  }
  WaitForCompactions();
  // 3 MB written against a 400 KiB limit: the oldest keys are gone, the newest are all there,
  // and what remains is one contiguous run of the newest keys.
  EXPECT_EQ(Get(Key(0)), "NOT_FOUND");
  EXPECT_EQ(Get(Key(2999)), value);
  int first_present = -1;
  for (int i = 0; i < 3000; i++) {
    const bool present = Get(Key(i)) == value;
    if (present && first_present < 0) first_present = i;
    if (first_present >= 0) {
      ASSERT_TRUE(present) << "hole at " << Key(i);
    }
  }
  EXPECT_GT(first_present, 2000);
  std::string stats;
  ASSERT_TRUE(db_->GetProperty("lsm.stats", &stats));
  EXPECT_NE(stats.find("FIFO: "), std::string::npos);
  EXPECT_EQ(stats.find("FIFO: 0 files deleted"), std::string::npos) << stats;
}

TEST_F(DBCompactionTest, FifoDeletesFilesPastTheirAge) {
  options_.compaction_style = CompactionStyle::kFIFO;
  options_.compaction_options_fifo.max_table_files_size = 0;
  options_.compaction_options_fifo.ttl_seconds = 1;
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "old", "x").ok());
  ASSERT_TRUE(db_->Flush().ok());
  // The age limit is checked about once a second; give it well over that.
  for (int i = 0; i < 1000 && FilesAt(0) > 0; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(FilesAt(0), 0);
  EXPECT_EQ(Get("old"), "NOT_FOUND");
}

// A compaction into the bottom of its keys' data writes each value every reader sees at
// sequence 0 (its tag packs into one byte); what a snapshot tells apart keeps its sequence.
TEST_F(DBCompactionTest, BottomLevelValuesEveryReaderSeesAreAtSequenceZero) {
  Open();
  for (char c = 'a'; c <= 'z'; c++)
    ASSERT_TRUE(db_->Put(WriteOptions(), std::string(1, c), "v1").ok());
  ASSERT_TRUE(db_->Flush().ok());
  for (char c = 'a'; c <= 'm'; c++)
    ASSERT_TRUE(db_->Put(WriteOptions(), std::string(1, c), "v2").ok());
  const Snapshot* snap = db_->GetSnapshot();
  const SequenceNumber snap_seq = db_->GetLatestSequenceNumber();
  for (char c = 'a'; c <= 'e'; c++)
    ASSERT_TRUE(db_->Put(WriteOptions(), std::string(1, c), "v3").ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  auto seqs = StoredSequences();
  ASSERT_EQ(seqs.size(), 26u);
  for (const auto& [key, s] : seqs) {
    // a-e: v3, newer than the snapshot, keeps its sequence above v2 at 0; the rest: one value.
    const size_t versions = key <= "e" ? 2 : 1;
    ASSERT_EQ(s.size(), versions) << key;
    EXPECT_EQ(s.back(), 0u) << key;
    if (versions == 2) {
      EXPECT_GT(s.front(), snap_seq) << key;
    }
  }
  EXPECT_EQ(Get("a"), "v3");
  EXPECT_EQ(Get("a", snap), "v2");
  EXPECT_EQ(Get("f", snap), "v2");
  EXPECT_EQ(Get("z", snap), "v1");

  db_->ReleaseSnapshot(snap);
  // A write into the table's range has it compacted again.
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "v4").ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  for (const auto& [key, s] : StoredSequences()) {
    EXPECT_EQ(s, std::vector<SequenceNumber>{0}) << key;
  }
  ASSERT_TRUE(db_->Close().ok());
  Open();
  EXPECT_EQ(Get("a"), "v4");
  EXPECT_EQ(Get("e"), "v3");
  EXPECT_EQ(Get("f"), "v2");
  EXPECT_EQ(Get("z"), "v1");
}

// Values at the bottom go to sequence 0 around range tombstones: what a tombstone covers stays
// covered, for readers and snapshots, and what it does not cover stays visible.
TEST_F(DBCompactionTest, SequenceZeroAroundRangeTombstones) {
  Open();
  for (char c = 'a'; c <= 'h'; c++)
    ASSERT_TRUE(db_->Put(WriteOptions(), std::string(1, c), "old").ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  const Snapshot* snap = db_->GetSnapshot();
  const SequenceNumber snap_seq = db_->GetLatestSequenceNumber();
  ASSERT_TRUE(db_->DeleteRange(WriteOptions(), "c", "f").ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "d", "new").ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  EXPECT_GT(StoredSequences()["d"].front(), snap_seq);
  EXPECT_EQ(Get("c"), "NOT_FOUND");
  EXPECT_EQ(Get("d"), "new");
  EXPECT_EQ(Get("c", snap), "old");
  EXPECT_EQ(Get("d", snap), "old");
  db_->ReleaseSnapshot(snap);
  ASSERT_TRUE(db_->Put(WriteOptions(), "e", "x").ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  auto seqs = StoredSequences();
  EXPECT_EQ(seqs.count("c"), 0u);
  EXPECT_EQ(seqs["e"], std::vector<SequenceNumber>{0});
  EXPECT_EQ(seqs["d"], std::vector<SequenceNumber>{0});
  EXPECT_EQ(Get("d"), "new");
  EXPECT_EQ(Get("e"), "x");
  EXPECT_EQ(Get("f"), "old");
}

// Removes keys starting with "drop", marks values of keys starting with "mark" (once: a filter
// may see the same entry in several compactions).
class TestFilter : public CompactionFilter {
 public:
  Decision Filter(int /*level*/, std::string_view key, std::string_view value,
                  std::string* new_value) const override {
    if (key.starts_with("drop")) return Decision::kRemove;
    if (key.starts_with("mark") && !value.starts_with("marked:")) {
      *new_value = "marked:" + std::string(value);
      return Decision::kChangeValue;
    }
    return Decision::kKeep;
  }
  const char* Name() const override { return "TestFilter"; }
};

TEST_F(DBCompactionTest, CompactionFilterRemovesAndChangesButSparesSnapshots) {
  TestFilter filter;
  options_.compaction_filter = &filter;
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "drop1", "old").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "drop1", "a").ok());  // an older version lies below
  ASSERT_TRUE(db_->Put(WriteOptions(), "mark1", "b").ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "keep1", "c").ok());
  const Snapshot* snap = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put(WriteOptions(), "drop2", "d").ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "mark2", "e").ok());
  // Flushes do not filter.
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(Get("drop2"), "d");
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  // Entries newer than the snapshot are filtered; those it can see are not.
  EXPECT_EQ(Get("drop2"), "NOT_FOUND");
  EXPECT_EQ(Get("mark2"), "marked:e");
  EXPECT_EQ(Get("drop1"), "a");
  EXPECT_EQ(Get("mark1"), "b");
  EXPECT_EQ(Get("drop1", snap), "a");
  EXPECT_EQ(Get("mark1", snap), "b");
  db_->ReleaseSnapshot(snap);
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  // Removed, and the older version below does not come back.
  EXPECT_EQ(Get("drop1"), "NOT_FOUND");
  EXPECT_EQ(Get("mark1"), "marked:b");
  EXPECT_EQ(Get("keep1"), "c");
  std::string stats;
  ASSERT_TRUE(db_->GetProperty("lsm.stats", &stats));
  EXPECT_NE(stats.find("compaction filter: "), std::string::npos) << stats;
}

// Where no snapshot and no table outside the compaction holds an older version, a value the
// filter removes leaves no deletion behind: the older versions in the compaction go with it.
TEST_F(DBCompactionTest, CompactionFilterRemovalAtTheBottomLeavesNothing) {
  TestFilter filter;
  options_.compaction_filter = &filter;
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "drop1", "old").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "drop1", "new").ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "drop2", "x").ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  EXPECT_EQ(Get("drop1"), "NOT_FOUND");
  EXPECT_EQ(Get("drop2"), "NOT_FOUND");
  int tables = 0;
  for (int level = 0; level < 7; level++) tables += FilesAt(level);
  EXPECT_EQ(tables, 0);
}

TEST_F(DBCompactionTest, WritesSlowDownOnPendingCompactionBytes) {
  options_.soft_pending_compaction_bytes_limit = 1;
  options_.hard_pending_compaction_bytes_limit = 0;
  options_.level0_file_num_compaction_trigger = 2;
  Open();
  const std::string value(1000, 'v');
  for (int i = 0; i < 3000; i++) ASSERT_TRUE(db_->Put(WriteOptions(), Key(i), value).ok());
  std::string stats;
  ASSERT_TRUE(db_->GetProperty("lsm.stats", &stats));
  EXPECT_EQ(stats.find("slowdowns: 0 level 0, 0 pending bytes"), std::string::npos) << stats;
  WaitForCompactions();
  for (int i = 0; i < 3000; i += 101) ASSERT_EQ(Get(Key(i)), value);
}

TEST_F(DBCompactionTest, DisableAutoCompactionsLeavesCompactingToCompactRange) {
  options_.disable_auto_compactions = true;
  options_.level0_file_num_compaction_trigger = 2;
  options_.level0_slowdown_writes_trigger = 2;
  Open();
  const std::string value(100, 'v');  // one table per flush
  for (int file = 0; file < 8; file++) {
    for (int i = file; i < 2000; i += 8) ASSERT_TRUE(db_->Put(WriteOptions(), Key(i), value).ok());
    ASSERT_TRUE(db_->Flush().ok());
  }
  // A compaction would have had ample time to start.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(FilesAt(0), 8);
  std::string pending, stats;
  ASSERT_TRUE(db_->GetProperty("lsm.compaction-pending", &pending));
  EXPECT_EQ(pending, "0");
  uint64_t pending_bytes = 0;
  ASSERT_TRUE(db_->GetIntProperty("lsm.estimate-pending-compaction-bytes", &pending_bytes));
  EXPECT_GT(pending_bytes, 0u);  // still estimated, though nothing will start
  // Level 0 past its slowdown trigger held no write back.
  ASSERT_TRUE(db_->GetProperty("lsm.stats", &stats));
  EXPECT_NE(stats.find("slowdowns: 0 level 0, 0 pending bytes"), std::string::npos) << stats;
  for (int i = 0; i < 2000; i += 37) ASSERT_EQ(Get(Key(i)), value);

  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  EXPECT_EQ(FilesAt(0), 0);
  for (int i = 0; i < 2000; i += 37) ASSERT_EQ(Get(Key(i)), value);

  // Turned off while open, or reopened without the option, the database compacts on its own.
  for (bool reopen : {false, true}) {
    SCOPED_TRACE(reopen ? "reopen" : "SetOptions");
    for (int file = 0; file < 4; file++) {
      for (int i = file; i < 2000; i += 4) {
        ASSERT_TRUE(db_->Put(WriteOptions(), Key(i), "new").ok());
      }
      ASSERT_TRUE(db_->Flush().ok());
    }
    EXPECT_EQ(FilesAt(0), 4);
    if (reopen) {
      options_.disable_auto_compactions = false;
      Open();
    } else {
      ASSERT_TRUE(db_->SetOptions({{"disable_auto_compactions", "false"}}).ok());
    }
    WaitForCompactions();
    EXPECT_LT(FilesAt(0), 2);
    for (int i = 0; i < 2000; i += 37) ASSERT_EQ(Get(Key(i)), "new");
    if (!reopen) {
      ASSERT_TRUE(db_->SetOptions({{"disable_auto_compactions", "true"}}).ok());
      ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
    }
  }
}

TEST_F(DBCompactionTest, SetOptionsRefusesWhatCannotChange) {
  Open();
  Status s = db_->SetOptions({{"write_buffer_size", "1048576"}});
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.ToString().find("write_buffer_size"), std::string::npos) << s.ToString();
  s = db_->SetOptions({{"disable_auto_compactions", "maybe"}});
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.ToString().find("disable_auto_compactions"), std::string::npos) << s.ToString();
  // All or nothing: the valid entry is not applied beside a bad one.
  s = db_->SetOptions({{"disable_auto_compactions", "true"}, {"bogus", "1"}});
  EXPECT_TRUE(s.IsInvalidArgument());
  for (int file = 0; file < 4; file++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), "k", std::to_string(file)).ok());
    ASSERT_TRUE(db_->Flush().ok());
  }
  WaitForCompactions();
  EXPECT_LT(FilesAt(0), 4);  // compaction still runs on its own
  EXPECT_TRUE(db_->SetOptions({}).ok());
  ASSERT_TRUE(db_->Close().ok());
  EXPECT_TRUE(db_->SetOptions({{"disable_auto_compactions", "true"}}).IsInvalidArgument());
}

// Idle compaction threads hold no version, so nothing keeps a compaction's inputs on disk.
TEST_F(DBCompactionTest, CompactionDeletesItsInputsWithIdleThreadsAround) {
  options_.max_background_jobs = 4;
  options_.level0_file_num_compaction_trigger = 10;
  Open();
  for (int file = 0; file < 4; file++) {
    for (int i = 0; i < 100; i++) ASSERT_TRUE(db_->Put(WriteOptions(), Key(i), "v").ok());
    ASSERT_TRUE(db_->Flush().ok());
  }
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  WaitForCompactions();  // CompactRange may return while the compaction deletes its inputs
  int in_version = 0;
  for (int level = 0; level < 7; level++) in_version += FilesAt(level);
  EXPECT_EQ(TablesOnDisk(), in_version);
}

// Tables that only an iterator's version held are deleted soon after it is destroyed, with no
// flush or compaction to follow.
TEST_F(DBCompactionTest, TablesAnIteratorHeldAreDeletedOnceItGoes) {
  Open();
  for (int file = 0; file < 3; file++) {
    for (int i = 0; i < 100; i++) ASSERT_TRUE(db_->Put(WriteOptions(), Key(i), "v").ok());
    ASSERT_TRUE(db_->Flush().ok());
  }
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  WaitForCompactions();
  EXPECT_EQ(TablesOnDisk(), 4);  // three inputs kept for the iterator, one output
  it.reset();
  for (int i = 0; i < 300 && TablesOnDisk() > 1; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(TablesOnDisk(), 1);
}

TEST_F(DBCompactionTest, RateLimitedCompactionsStillFinish) {
  options_.compaction_rate_limit_bytes_per_sec = 4 << 20;
  options_.level0_file_num_compaction_trigger = 2;
  Open();
  const std::string value(1000, 'v');
  for (int i = 0; i < 2000; i++) ASSERT_TRUE(db_->Put(WriteOptions(), Key(i), value).ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  EXPECT_EQ(FilesAt(0), 0);
  for (int i = 0; i < 2000; i += 37) ASSERT_EQ(Get(Key(i)), value);
}

}  // namespace
}  // namespace lsm
