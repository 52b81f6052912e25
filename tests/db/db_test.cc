// Basic behaviour of the DB: writes, reads, iteration, snapshots, flush, reopen.
#include "lsm/db.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <thread>

#include "tests/support/db_read.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

class DBTest : public testing::Test {
 protected:
  DBTest() : dbname_(tmp_.path() + "/db") {
    options_.create_if_missing = true;
    options_.write_buffer_size = 64 << 10;
  }

  void Open() { ASSERT_TRUE(TryOpen().ok()); }
  Status TryOpen() {
    db_.reset();
    return DB::Open(options_, dbname_, &db_);
  }
  void Reopen() {
    ASSERT_TRUE(db_->Close().ok());
    Open();
  }

  std::string Get(std::string_view key, const Snapshot* snapshot = nullptr) {
    return ReadForTest(db_.get(), key, snapshot);
  }

  // Tables on all levels.
  int NumTableFiles() {
    int files = 0;
    std::string n;
    for (int level = 0; db_->GetProperty("lsm.num-files-at-level" + std::to_string(level), &n);
         level++) {
      files += std::stoi(n);
    }
    return files;
  }

  std::string Contents(bool reverse = false) {
    std::string out;
    std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
    if (reverse) {
      for (it->SeekToLast(); it->Valid(); it->Prev()) {
        out += std::string(it->key()) + "=" + std::string(it->value()) + ";";
      }
    } else {
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        out += std::string(it->key()) + "=" + std::string(it->value()) + ";";
      }
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return out;
  }

  TempDir tmp_;
  std::string dbname_;
  Options options_;
  std::unique_ptr<DB> db_;
};

TEST_F(DBTest, PutGetDelete) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "foo", "v1").ok());
  EXPECT_EQ(Get("foo"), "v1");
  ASSERT_TRUE(db_->Put(WriteOptions(), "foo", "v2").ok());
  EXPECT_EQ(Get("foo"), "v2");
  ASSERT_TRUE(db_->Put(WriteOptions(), "", "empty").ok());
  EXPECT_EQ(Get(""), "empty");
  ASSERT_TRUE(db_->Delete(WriteOptions(), "foo").ok());
  EXPECT_EQ(Get("foo"), "NOT_FOUND");
  EXPECT_EQ(Get("missing"), "NOT_FOUND");
}

TEST_F(DBTest, SurvivesReopenFromLogAndTables) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "1").ok());
  ASSERT_TRUE(db_->Put(WriteOptions{.sync = true}, "b", "2").ok());
  Reopen();
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(Get("b"), "2");
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Delete(WriteOptions(), "a").ok());
  Reopen();
  EXPECT_EQ(Get("a"), "NOT_FOUND");
  EXPECT_EQ(Get("b"), "2");
  ASSERT_TRUE(db_->Put(WriteOptions(), "c", "3").ok());
  Reopen();
  EXPECT_EQ(Contents(), "b=2;c=3;");
}

TEST_F(DBTest, ManyWritesFlushAndStayReadable) {
  Open();
  std::map<std::string, std::string> model;
  for (int i = 0; i < 5000; i++) {
    const std::string key = "key" + std::to_string(i * 7919 % 5000);
    const std::string value(100 + i % 50, static_cast<char>('a' + i % 26));
    ASSERT_TRUE(db_->Put(WriteOptions(), key, value).ok());
    model[key] = value;
  }
  // Some memtables were flushed (and may have been compacted out of level 0 since).
  EXPECT_GT(NumTableFiles(), 0);
  for (const auto& [k, v] : model) ASSERT_EQ(Get(k), v) << k;
  Reopen();
  for (const auto& [k, v] : model) ASSERT_EQ(Get(k), v) << k;
  std::string expected;
  for (const auto& [k, v] : model) expected += k + "=" + v + ";";
  EXPECT_EQ(Contents(), expected);
}

TEST_F(DBTest, IteratorBothDirectionsAndBounds) {
  Open();
  for (const char* k : {"a", "b", "c", "d", "e"}) {
    ASSERT_TRUE(db_->Put(WriteOptions(), k, std::string(k) + "v").ok());
  }
  ASSERT_TRUE(db_->Delete(WriteOptions(), "c").ok());
  EXPECT_EQ(Contents(), "a=av;b=bv;d=dv;e=ev;");
  EXPECT_EQ(Contents(true), "e=ev;d=dv;b=bv;a=av;");
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  it->Seek("c");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "d");
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  it->Next();
  EXPECT_EQ(it->key(), "d");
  it->SeekForPrev("c");
  EXPECT_EQ(it->key(), "b");

  const std::string_view lower = "b", upper = "e";
  ReadOptions ro;
  ro.iterate_lower_bound = &lower;
  ro.iterate_upper_bound = &upper;
  it = db_->NewIterator(ro);
  std::string seen;
  for (it->SeekToFirst(); it->Valid(); it->Next()) seen += it->key();
  EXPECT_EQ(seen, "bd");
  seen.clear();
  for (it->SeekToLast(); it->Valid(); it->Prev()) seen += it->key();
  EXPECT_EQ(seen, "db");
}

TEST_F(DBTest, SnapshotsSeeTheirMoment) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "v1").ok());
  const Snapshot* s1 = db_->GetSnapshot();
  ASSERT_TRUE(db_->Put(WriteOptions(), "k", "v2").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Delete(WriteOptions(), "k").ok());
  EXPECT_EQ(Get("k", s1), "v1");
  EXPECT_EQ(Get("k"), "NOT_FOUND");
  ReadOptions ro;
  ro.snapshot = s1;
  std::unique_ptr<Iterator> it = db_->NewIterator(ro);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), "v1");
  db_->ReleaseSnapshot(s1);
}

TEST_F(DBTest, ConcurrentWritersGroupCommit) {
  Open();
  constexpr int kThreads = 4, kPerThread = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; i++) {
        const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
        ASSERT_TRUE(db_->Put(WriteOptions{.sync = i % 100 == 0}, key, key).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; t++) {
    for (int i = 0; i < kPerThread; i += 97) {
      const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
      ASSERT_EQ(Get(key), key);
    }
  }
  Reopen();
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  int count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) count++;
  EXPECT_EQ(count, kThreads * kPerThread);
}

TEST_F(DBTest, ConcurrentBatchesAreAtomicAndComplete) {
  Open();
  constexpr int kThreads = 4, kBatches = 400, kPerBatch = 5;
  std::atomic<bool> stop{false};
  // A reader checks that batches appear whole: all keys of a batch share its value.
  std::thread reader([&] {
    while (!stop.load()) {
      std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
      std::map<std::string, int> seen;  // batch id -> records seen
      for (it->SeekToFirst(); it->Valid(); it->Next()) seen[std::string(it->value())]++;
      ASSERT_TRUE(it->status().ok());
      for (const auto& [batch, n] : seen) ASSERT_EQ(n, kPerBatch) << batch;
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([this, t] {
      for (int b = 0; b < kBatches; b++) {
        WriteBatch batch;
        const std::string id = std::to_string(t) + "/" + std::to_string(b);
        for (int r = 0; r < kPerBatch; r++) batch.Put(id + "#" + std::to_string(r), id);
        ASSERT_TRUE(db_->Write(WriteOptions{.sync = b % 50 == 0}, &batch).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  stop.store(true);
  reader.join();
  Reopen();
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  int count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) count++;
  EXPECT_EQ(count, kThreads * kBatches * kPerBatch);
}

TEST_F(DBTest, CompactRangeKeepsAnswersAndSnapshots) {
  options_.level0_file_num_compaction_trigger = 100;  // only the manual compaction runs
  options_.level0_slowdown_writes_trigger = 100;
  options_.level0_stop_writes_trigger = 100;
  Open();
  ASSERT_NE(db_, nullptr);
  std::map<std::string, std::string> model;
  for (int round = 0; round < 4; round++) {
    for (int i = 0; i < 500; i++) {
      const std::string key = "k" + std::to_string(i);
      if (i % 7 == round) {
        ASSERT_TRUE(db_->Delete(WriteOptions(), key).ok());
        model.erase(key);
      } else {
        const std::string value = std::to_string(round) + std::string(200, 'v');
        ASSERT_TRUE(db_->Put(WriteOptions(), key, value).ok());
        model[key] = value;
      }
    }
    ASSERT_TRUE(db_->Flush().ok());
  }
  const Snapshot* snap = db_->GetSnapshot();
  const std::map<std::string, std::string> at_snapshot = model;
  ASSERT_TRUE(db_->Put(WriteOptions(), "k1", "after-snapshot").ok());
  model["k1"] = "after-snapshot";
  std::string files;
  ASSERT_TRUE(db_->GetProperty("lsm.num-files-at-level0", &files));
  EXPECT_GE(std::stoi(files), 4);

  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  ASSERT_TRUE(db_->GetProperty("lsm.num-files-at-level0", &files));
  EXPECT_EQ(files, "0");
  // The compacted tables are gone from the directory, not just from the version.
  std::vector<std::string> children;
  ASSERT_TRUE(FileSystem::Default()->GetChildren(dbname_, &children).ok());
  int tables = 0;
  for (const std::string& name : children) tables += name.ends_with(".sst");
  std::string below;
  int live = 0;
  for (int level = 0; level < 7; level++) {
    ASSERT_TRUE(db_->GetProperty("lsm.num-files-at-level" + std::to_string(level), &below));
    live += std::stoi(below);
  }
  EXPECT_EQ(tables, live);
  EXPECT_GT(live, 0);
  for (const auto& [k, v] : model) ASSERT_EQ(Get(k), v) << k;
  for (const auto& [k, v] : at_snapshot) ASSERT_EQ(Get(k, snap), v) << k;
  db_->ReleaseSnapshot(snap);
  Reopen();
  std::string expected;
  for (const auto& [k, v] : model) expected += k + "=" + v + ";";
  EXPECT_EQ(Contents(), expected);
  const std::string_view begin = "k2", end = "k3";
  EXPECT_TRUE(db_->CompactRange(&begin, &end).ok());
  EXPECT_EQ(Contents(), expected);
}

TEST_F(DBTest, LevelZeroSlowsThenStopsWritesUntilCompactionCatchesUp) {
  options_.level0_file_num_compaction_trigger = 2;
  options_.level0_slowdown_writes_trigger = 2;
  options_.level0_stop_writes_trigger = 3;
  Open();
  for (int i = 0; i < 6000; i++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), "key" + std::to_string(i), std::string(100, 'x')).ok());
  }
  std::string stats;
  ASSERT_TRUE(db_->GetProperty("lsm.stats", &stats));
  const size_t at = stats.find("slowdowns: ");
  ASSERT_NE(at, std::string::npos) << stats;
  EXPECT_GT(std::stoull(stats.substr(at + 11)), 0u) << stats;
  std::string files;
  ASSERT_TRUE(db_->GetProperty("lsm.num-files-at-level0", &files));
  // At most the stop trigger plus the frozen memtables flushed after the last check.
  EXPECT_LE(std::stoi(files),
            options_.level0_stop_writes_trigger + options_.max_write_buffer_number - 1);
  for (int i = 0; i < 6000; i += 37) {
    ASSERT_EQ(Get("key" + std::to_string(i)), std::string(100, 'x'));
  }
}

// A memtable is full when its entries fill write_buffer_size, not when its arena reserves the
// block that takes the memory it holds there: the writes go on into that block.
TEST_F(DBTest, MemtableFillsItsLastArenaBlockBeforeItSwitches) {
  // Arena blocks grow from 4 KiB to 64 KiB (a sixteenth of the buffer): the sixteenth 64 KiB
  // block takes the memory held to 1084 KiB while about 1020 KiB are used, 48 KiB short of
  // this buffer.
  options_.write_buffer_size = 1068 << 10;
  Open();
  auto number = [&](std::string_view property) {
    uint64_t n = 0;
    EXPECT_TRUE(db_->GetIntProperty(property, &n)) << property;
    return n;
  };
  const std::string value(1000, 'v');
  int written = 0;
  while (number("lsm.cur-size-active-mem-table") < options_.write_buffer_size) {
    ASSERT_TRUE(db_->Put(WriteOptions(), Key(written++), value).ok());
  }
  ASSERT_EQ(number("lsm.num-entries-active-mem-table"), static_cast<uint64_t>(written));
  // Held memory has reached the buffer's size; the next writes still go to this memtable.
  int more = 0;
  while (number("lsm.num-entries-active-mem-table") == static_cast<uint64_t>(written)) {
    ASSERT_TRUE(db_->Put(WriteOptions(), Key(written++), value).ok());
    more++;
  }
  EXPECT_GE(more, 16) << written;
  EXPECT_GT((written - 1) * 1000, options_.write_buffer_size * 9 / 10) << written;
}

// A B+-tree memtable reserves eight write buffers and 16 MiB of address space: a batch larger
// than that goes to a skiplist memtable, when written and when its log is replayed (read-only
// too).
TEST_F(DBTest, BatchLargerThanAMemTableReservation) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "before", "1").ok());
  WriteBatch big;
  const int n = 20000;
  for (int i = 0; i < n; i++) big.Put(Key(i), std::string(1000, static_cast<char>('a' + i % 26)));
  ASSERT_TRUE(db_->Write(WriteOptions(), &big).ok());
  auto check = [&](DB* db) {
    EXPECT_EQ(ReadForTest(db, "before"), "1");
    for (int i = 0; i < n; i += 97) {
      ASSERT_EQ(ReadForTest(db, Key(i)), std::string(1000, static_cast<char>('a' + i % 26)));
    }
  };
  check(db_.get());
  ASSERT_TRUE(db_->Close().ok());
  db_.reset();

  std::unique_ptr<DB> read_only;
  ASSERT_TRUE(DB::OpenForReadOnly(options_, dbname_, &read_only).ok());
  check(read_only.get());
  read_only.reset();

  Open();
  check(db_.get());
  ASSERT_TRUE(db_->Put(WriteOptions(), "after", "2").ok());
  EXPECT_EQ(Get("after"), "2");
  check(db_.get());
}

TEST_F(DBTest, DisableWalWritesSurviveClose) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions{.disable_wal = true}, "x", "1").ok());
  Reopen();
  EXPECT_EQ(Get("x"), "1");
}

TEST_F(DBTest, InMemoryFileSystem) {
  options_.file_system = std::make_shared<MemFileSystem>();
  Open();
  for (int i = 0; i < 3000; i++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), std::to_string(i), std::string(100, 'x')).ok());
  }
  Reopen();
  EXPECT_EQ(Get("2999"), std::string(100, 'x'));
}

// MultiGet gives, key by key, what Get gives, and both what was written: over tables on
// several levels and the memtable, deletions, missing keys, repeated keys and a snapshot, on
// both I/O backends, through the page cache and with tables read and written with direct I/O.
TEST_F(DBTest, MultiGetAnswersAsGetDoes) {
  for (const bool direct : {false, true}) {
    for (IoBackend backend : {IoBackend::kPosix, IoBackend::kUring}) {
      SCOPED_TRACE(backend == IoBackend::kPosix ? "posix" : "uring");
      SCOPED_TRACE(direct ? "direct reads" : "buffered reads");
      ASSERT_TRUE(DestroyDB(dbname_, options_).ok());
      options_.io_backend = backend;
      options_.use_direct_reads = direct;
      options_.use_direct_io_for_flush_and_compaction = direct;
      if (const Status s = TryOpen(); !s.ok()) {
        // No io_uring, or no direct I/O (tmpfs), here.
        ASSERT_TRUE(s.IsNotSupported() || (direct && s.IsInvalidArgument())) << s.ToString();
        continue;
      }
      Random rnd(TestSeed());
      const Snapshot* snapshot = nullptr;
      std::map<std::string, std::string> model;  // the latest value of each live key
      for (int i = 0; i < 20000; i++) {
        const std::string key = Key(static_cast<int>(rnd.Uniform(3000)));
        if (rnd.OneIn(5)) {
          ASSERT_TRUE(db_->Delete(WriteOptions(), key).ok());
          model.erase(key);
        } else {
          const std::string value = rnd.Bytes(rnd.Uniform(200));
          ASSERT_TRUE(db_->Put(WriteOptions(), key, value).ok());
          model[key] = value;
        }
        if (i == 10000) {
          ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
          snapshot = db_->GetSnapshot();
        }
      }
      ASSERT_GT(NumTableFiles(), 1);
      for (const Snapshot* snap : {static_cast<const Snapshot*>(nullptr), snapshot}) {
        ReadOptions ro;
        ro.snapshot = snap;
        for (int round = 0; round < 50; round++) {
          std::vector<std::string> owned(1 + rnd.Uniform(64));
          for (std::string& k : owned) k = Key(static_cast<int>(rnd.Uniform(3300)));
          const std::vector<std::string_view> keys(owned.begin(), owned.end());
          std::vector<std::string> values;
          const std::vector<Status> statuses = db_->MultiGet(ro, keys, &values);
          ASSERT_EQ(statuses.size(), keys.size());
          ASSERT_EQ(values.size(), keys.size());
          for (size_t i = 0; i < keys.size(); i++) {
            std::string want;
            const Status s = db_->Get(ro, keys[i], &want);
            ASSERT_EQ(statuses[i].ToString(), s.ToString()) << keys[i];
            if (s.ok()) {
              ASSERT_TRUE(values[i] == want) << keys[i];
            }
            if (snap == nullptr) {
              const auto it = model.find(owned[i]);
              ASSERT_EQ(statuses[i].ok(), it != model.end()) << keys[i];
              if (it != model.end()) {
                ASSERT_TRUE(values[i] == it->second) << keys[i];
              }
            }
          }
        }
      }
      db_->ReleaseSnapshot(snapshot);
      ASSERT_TRUE(db_->Close().ok());
      std::vector<std::string> values;
      const std::vector<Status> closed = db_->MultiGet(ReadOptions(), {"a", "b"}, &values);
      ASSERT_EQ(closed.size(), 2u);
      EXPECT_FALSE(closed[0].ok());
    }
  }
}

// A MultiGet with direct reads leaves the data blocks it read in the block cache: a second
// MultiGet of the same keys reads nothing (the cache's usage stays put) and answers the same.
TEST_F(DBTest, DirectReadsFillTheBlockCache) {
  options_.use_direct_reads = true;
  if (const Status s = TryOpen(); !s.ok()) {
    ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
    GTEST_SKIP() << "no direct I/O where the test's files go: " << s.ToString();
  }
  for (int i = 0; i < 3000; i++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), Key(i), std::string(100, 'a' + i % 26)).ok());
  }
  Reopen();  // everything in tables, nothing cached yet
  std::vector<std::string> owned;
  for (int i = 0; i < 3000; i += 97) owned.push_back(Key(i));
  const std::vector<std::string_view> keys(owned.begin(), owned.end());
  auto usage = [&] {
    std::string v;
    EXPECT_TRUE(db_->GetProperty("lsm.block-cache-usage", &v));
    return std::stoull(v);
  };
  const uint64_t before = usage();
  std::vector<std::string> values;
  for (int pass = 0; pass < 2; pass++) {
    const std::vector<Status> statuses = db_->MultiGet(ReadOptions(), keys, &values);
    for (size_t i = 0; i < keys.size(); i++) {
      ASSERT_TRUE(statuses[i].ok()) << keys[i] << ": " << statuses[i].ToString();
      const int k = std::stoi(std::string(keys[i].substr(3)));
      ASSERT_EQ(values[i], std::string(100, 'a' + k % 26)) << keys[i];
    }
    if (pass == 0) {
      ASSERT_GT(usage(), before);
    }
  }
  const uint64_t after_two = usage();
  ASSERT_TRUE(db_->MultiGet(ReadOptions(), keys, &values)[0].ok());
  EXPECT_EQ(usage(), after_two);
}

// Tables are read in place from a memory map by default: uncompressed point reads leave no data
// blocks in the block cache. With allow_mmap_reads off, or under a memory budget (which bounds
// the resident memory, where mapped pages would count), tables are read with pread into it.
// The answers are the same.
TEST_F(DBTest, UnmappedTablesAreReadIntoTheBlockCache) {
  struct Case {
    const char* name;
    bool allow_mmap_reads;
    bool memory_budget;
    bool cached;
  };
  options_.compression = CompressionType::kNone;
  for (const Case& c :
       {Case{"mapped", true, false, false}, Case{"allow_mmap_reads off", false, false, true},
        Case{"memory budget", true, true, true}}) {
    SCOPED_TRACE(c.name);
    db_.reset();
    ASSERT_TRUE(DestroyDB(dbname_, options_).ok());
    options_.allow_mmap_reads = c.allow_mmap_reads;
    options_.memory_budget = c.memory_budget ? MemoryBudget::Create(64 << 20) : nullptr;
    Open();
    for (int i = 0; i < 3000; i++) {
      ASSERT_TRUE(db_->Put(WriteOptions(), Key(i), std::string(100, 'a' + i % 26)).ok());
    }
    Reopen();  // everything in tables, nothing cached yet
    // The data blocks cached: the cache's usage less the tables' pinned index and filter blocks.
    auto usage = [&] {
      std::string total, pinned;
      EXPECT_TRUE(db_->GetProperty("lsm.block-cache-usage", &total));
      EXPECT_TRUE(db_->GetProperty("lsm.block-cache-pinned-usage", &pinned));
      return std::stoull(total) - std::stoull(pinned);
    };
    const uint64_t before = usage();
    for (int i = 0; i < 3000; i += 97) ASSERT_EQ(Get(Key(i)), std::string(100, 'a' + i % 26));
    if (c.cached) {
      EXPECT_GT(usage(), before);
    } else {
      EXPECT_EQ(usage(), before);
    }
  }
}

// Direct reads on a file system without direct I/O: Open fails naming the option.
TEST_F(DBTest, DirectReadsWithoutDirectIoFailOpen) {
  options_.file_system = std::make_shared<MemFileSystem>();
  options_.use_direct_reads = true;
  const Status s = TryOpen();
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("use_direct_reads"), std::string::npos) << s.ToString();
  options_.use_direct_reads = false;
  EXPECT_TRUE(TryOpen().ok());
}

TEST_F(DBTest, PropertiesAndClose) {
  Open();
  std::string v;
  EXPECT_TRUE(db_->GetProperty("lsm.stats", &v));
  EXPECT_NE(v.find("L0"), std::string::npos);
  EXPECT_TRUE(db_->GetProperty("lsm.background-error", &v));
  EXPECT_EQ(v, "OK");
  ASSERT_TRUE(db_->Put(WriteOptions(), "key", std::string(90, 'v')).ok());
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_TRUE(db_->GetProperty("lsm.levelstats", &v));
  EXPECT_NE(v.find("user bytes written: 93;"), std::string::npos) << v;
  unsigned long long flushed = 0;
  double flush_seconds = 0;
  ASSERT_EQ(std::sscanf(v.c_str() + v.find("flushed: "), "flushed: %llu in %lf s", &flushed,
                        &flush_seconds),
            2)
      << v;
  EXPECT_GT(flushed, 0u);
  // Printed to the millisecond: a flush of one entry may show 0.000.
  EXPECT_GE(flush_seconds, 0.0);
  EXPECT_NE(v.find("write amplification: "), std::string::npos) << v;
  EXPECT_FALSE(db_->GetProperty("lsm.no-such-property", &v));
  EXPECT_FALSE(db_->GetProperty("lsm.num-files-at-level9", &v));
  ASSERT_TRUE(db_->Close().ok());
  EXPECT_TRUE(db_->Put(WriteOptions(), "a", "b").IsInvalidArgument());
  EXPECT_TRUE(db_->Get(ReadOptions(), "a", &v).IsInvalidArgument());
  EXPECT_TRUE(db_->Close().IsInvalidArgument());
  EXPECT_TRUE(db_->NewIterator(ReadOptions())->status().IsInvalidArgument());
}

TEST_F(DBTest, NumericProperties) {
  options_.compression = CompressionType::kNone;
  Open();
  auto number = [&](std::string_view property) {
    uint64_t n = ~uint64_t{0};
    EXPECT_TRUE(db_->GetIntProperty(property, &n)) << property;
    std::string text;
    EXPECT_TRUE(db_->GetProperty(property, &text)) << property;
    EXPECT_EQ(text, std::to_string(n)) << property;
    return n;
  };
  EXPECT_EQ(number("lsm.num-entries-active-mem-table"), 0u);
  for (const char* key : {"a", "b", "c"}) {
    ASSERT_TRUE(db_->Put(WriteOptions(), key, std::string(1000, 'v')).ok());
  }
  EXPECT_EQ(number("lsm.num-entries-active-mem-table"), 3u);
  EXPECT_EQ(number("lsm.estimate-num-keys"), 3u);
  ASSERT_TRUE(db_->Delete(WriteOptions(), "c").ok());
  EXPECT_EQ(number("lsm.num-entries-active-mem-table"), 4u);
  EXPECT_EQ(number("lsm.num-deletes-active-mem-table"), 1u);
  EXPECT_EQ(number("lsm.estimate-num-keys"), 3u);  // an estimate: c counts until compacted
  EXPECT_GT(number("lsm.cur-size-active-mem-table"), 3000u);
  EXPECT_GE(number("lsm.cur-size-all-mem-tables"), number("lsm.cur-size-active-mem-table"));
  const Snapshot* snap = db_->GetSnapshot();
  EXPECT_EQ(number("lsm.num-snapshots"), 1u);
  db_->ReleaseSnapshot(snap);
  EXPECT_EQ(number("lsm.num-snapshots"), 0u);
  EXPECT_EQ(number("lsm.live-sst-files-size"), 0u);

  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(number("lsm.num-entries-active-mem-table"), 0u);
  EXPECT_EQ(number("lsm.num-deletes-active-mem-table"), 0u);
  EXPECT_EQ(number("lsm.num-entries-imm-mem-tables"), 0u);
  EXPECT_EQ(number("lsm.num-deletes-imm-mem-tables"), 0u);
  EXPECT_EQ(number("lsm.num-immutable-mem-table"), 0u);
  EXPECT_EQ(number("lsm.mem-table-flush-pending"), 0u);
  EXPECT_EQ(number("lsm.num-running-flushes"), 0u);
  EXPECT_EQ(number("lsm.num-files-at-level0"), 1u);
  const uint64_t one_table = number("lsm.live-sst-files-size");
  EXPECT_GT(one_table, 2000u);
  EXPECT_EQ(number("lsm.total-sst-files-size"), one_table);
  EXPECT_EQ(number("lsm.num-live-versions"), 1u);

  // An iterator keeps its version, and with it the table that compaction replaced.
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", std::string(1000, 'w')).ok());  // overlaps
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  EXPECT_GE(number("lsm.num-live-versions"), 2u);
  EXPECT_EQ(number("lsm.estimate-num-keys"), 2u);  // a and b, in one table at the bottom
  const uint64_t live = number("lsm.live-sst-files-size");
  EXPECT_EQ(number("lsm.total-sst-files-size"), live + one_table);
  it.reset();
  EXPECT_EQ(number("lsm.num-live-versions"), 1u);
  EXPECT_EQ(number("lsm.total-sst-files-size"), live);

  EXPECT_EQ(number("lsm.block-cache-capacity"), options_.block_cache_bytes);
  EXPECT_EQ(Get("a"), std::string(1000, 'w'));
  // Not number(): the table the iterator held may leave the cache (its index and filter with
  // it) between two reads of the usage, once the compaction thread deletes it.
  uint64_t usage = 0;
  EXPECT_TRUE(db_->GetIntProperty("lsm.block-cache-usage", &usage));
  EXPECT_GT(usage, 0u);
  std::string usage_text;
  EXPECT_TRUE(db_->GetProperty("lsm.block-cache-usage", &usage_text));
  EXPECT_GT(std::stoull(usage_text), 0u);

  uint64_t n;
  for (std::string_view name : kIntProperties) EXPECT_TRUE(db_->GetIntProperty(name, &n)) << name;
  EXPECT_FALSE(db_->GetIntProperty("lsm.stats", &n));  // text
  EXPECT_FALSE(db_->GetIntProperty("lsm.no-such-property", &n));
  EXPECT_FALSE(db_->GetIntProperty("lsm.num-files-at-level7", &n));
  ASSERT_TRUE(db_->Close().ok());
  EXPECT_FALSE(db_->GetIntProperty("lsm.num-snapshots", &n));
}

}  // namespace
}  // namespace lsm
