// TTL column families (ColumnFamilyOptions::ttl_seconds) with an injected clock: values carry
// their write time in the log and the tables but never out of a read; ReadOptions::skip_expired
// hides expired values from Get, MultiGet and iterators; compaction drops them, also through a
// user's compaction filter chained behind, without letting older versions come back or
// changing what a snapshot sees; and whether a family has a TTL is fixed at its creation.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lsm/checkpoint.h"
#include "lsm/clock.h"
#include "lsm/column_family.h"
#include "lsm/compaction_filter.h"
#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "lsm/transaction_log.h"
#include "lsm/write_batch.h"
#include "src/base/filename.h"
#include "src/base/write_batch_internal.h"
#include "src/util/coding.h"
#include "src/wal/log_writer.h"
#include "tests/support/db_read.h"
#include "tests/support/id_handle.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

constexpr uint64_t kStart = 1'700'000'000;  // the clock's first reading
constexpr uint64_t kTtl = 100;

class ManualClock final : public Clock {
 public:
  uint64_t NowSeconds() const override { return now_.load(); }
  void Advance(uint64_t seconds) { now_ += seconds; }

 private:
  std::atomic<uint64_t> now_{kStart};
};

// `value` followed by its write time, as a TTL family stores it.
std::string Stamped(std::string_view value, uint64_t write_time) {
  std::string stored(value);
  PutFixed64(&stored, write_time);
  return stored;
}

// A database on a MemFileSystem with the default family (no TTL) and family "ttl" (kTtl
// seconds), both read and written through the fixture's helpers.
class TtlTest : public testing::Test {
 protected:
  TtlTest() {
    db_options_.create_if_missing = true;
    db_options_.create_missing_column_families = true;
    db_options_.file_system = fs_;
    db_options_.clock = clock_;
    for (ColumnFamilyOptions* o : {&plain_options_, &ttl_options_}) {
      o->write_buffer_size = 64 << 10;
      o->compression = CompressionType::kNone;
    }
    ttl_options_.ttl_seconds = kTtl;
  }

  Status TryOpen() {
    db_.reset();
    handles_.clear();
    return DB::Open(db_options_, "/db",
                    {{kDefaultColumnFamilyName, plain_options_}, {"ttl", ttl_options_}}, &handles_,
                    &db_);
  }
  void Open() {
    Status s = TryOpen();
    ASSERT_TRUE(s.ok()) << s.ToString();
    plain_ = handles_[0];
    ttl_ = handles_[1];
  }
  void Close() {
    ASSERT_TRUE(db_->Close().ok());
    db_.reset();
  }

  void Put(std::string_view key, std::string_view value, ColumnFamilyHandle* cf = nullptr) {
    Status s = db_->Put(WriteOptions(), cf != nullptr ? cf : ttl_, key, value);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  // The value, "NOT_FOUND", or the error.
  std::string Get(std::string_view key, bool skip_expired = false,
                  const Snapshot* snapshot = nullptr, ColumnFamilyHandle* cf = nullptr) {
    ReadOptions ro;
    ro.skip_expired = skip_expired;
    ro.snapshot = snapshot;
    std::string value = "garbage";
    Status s = db_->Get(ro, cf != nullptr ? cf : ttl_, key, &value);
    if (s.IsNotFound()) return "NOT_FOUND";
    return s.ok() ? value : s.ToString();
  }
  // "v1,NOT_FOUND,..." for `keys`.
  std::string MultiGet(const std::vector<std::string_view>& keys, bool skip_expired = false) {
    ReadOptions ro;
    ro.skip_expired = skip_expired;
    std::vector<std::string> values;
    std::vector<Status> statuses = db_->MultiGet(ro, ttl_, keys, &values);
    std::string out;
    for (size_t i = 0; i < keys.size(); i++) {
      if (i > 0) out += ",";
      out += statuses[i].IsNotFound() ? "NOT_FOUND"
             : statuses[i].ok()       ? values[i]
                                      : statuses[i].ToString();
    }
    return out;
  }
  // "k=v;" in key order, read forward or backward; an error appended.
  std::string Scan(bool reverse, bool skip_expired = false, const Snapshot* snapshot = nullptr,
                   ColumnFamilyHandle* cf = nullptr) {
    ReadOptions ro;
    ro.skip_expired = skip_expired;
    ro.snapshot = snapshot;
    return ScanForTest(db_.get(), reverse, ro, cf != nullptr ? cf : ttl_);
  }
  void Flush(ColumnFamilyHandle* cf = nullptr) {
    ASSERT_TRUE(db_->Flush(FlushOptions(), cf != nullptr ? cf : ttl_).ok());
  }
  void Compact(ColumnFamilyHandle* cf = nullptr) {
    Flush(cf);
    Status s = db_->CompactRange(cf != nullptr ? cf : ttl_, nullptr, nullptr);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  int Tables(ColumnFamilyHandle* cf = nullptr) {
    int total = 0;
    for (int level = 0; level < 7; level++) {
      std::string n;
      EXPECT_TRUE(db_->GetProperty(cf != nullptr ? cf : ttl_,
                                   "lsm.num-files-at-level" + std::to_string(level), &n));
      total += std::stoi(n);
    }
    return total;
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
  DBOptions db_options_;
  ColumnFamilyOptions plain_options_, ttl_options_;
  std::unique_ptr<DB> db_;
  std::vector<ColumnFamilyHandle*> handles_;
  ColumnFamilyHandle* plain_ = nullptr;
  ColumnFamilyHandle* ttl_ = nullptr;
};

// Values come back as written from the memtable, from tables and after a compaction, through
// Get, MultiGet and iterators in both directions; the write time is only in what is stored.
TEST_F(TtlTest, ValuesRoundTripWithoutTheirWriteTime) {
  Open();
  Put("a", "1");
  Put("b", "");  // an empty value is a write time alone
  Put("c", std::string(5000, 'c'));
  for (int stage = 0; stage < 3; stage++) {
    SCOPED_TRACE(stage == 0 ? "memtable" : stage == 1 ? "level 0" : "compacted");
    if (stage == 1) Flush();
    if (stage == 2) Compact();
    EXPECT_EQ(Get("a"), "1");
    EXPECT_EQ(Get("b"), "");
    EXPECT_EQ(Get("c"), std::string(5000, 'c'));
    EXPECT_EQ(MultiGet({"a", "b", "zz"}), "1,,NOT_FOUND");
    const std::string all = "a=1;b=;c=" + std::string(5000, 'c') + ";";
    EXPECT_EQ(Scan(false), all);
    EXPECT_EQ(Scan(true), all);
  }
}

// A batch across a TTL family and a plain one: the TTL family's Puts carry the clock's time in
// the log, the plain family's values and the caller's batch stay as they were, and Delete and
// DeleteRange work in the TTL family as anywhere.
TEST_F(TtlTest, WriteBatchStampsOnlyTheTtlFamilysPuts) {
  Open();
  Put("gone", "x");
  Put("ranged", "y");
  WriteBatch batch;
  batch.Put(ttl_, "k", "ttl-value");
  batch.Put(plain_, "k", "plain-value");
  batch.Delete(ttl_, "gone");
  batch.DeleteRange(ttl_, "r", "s");
  const std::string before(batch.Data());
  const SequenceNumber first = db_->GetLatestSequenceNumber() + 1;
  ASSERT_TRUE(db_->Write(WriteOptions(), &batch).ok());
  EXPECT_EQ(batch.Data(), before);
  EXPECT_EQ(Get("k"), "ttl-value");
  EXPECT_EQ(Get("k", false, nullptr, plain_), "plain-value");
  EXPECT_EQ(Get("gone"), "NOT_FOUND");
  EXPECT_EQ(Get("ranged"), "NOT_FOUND");
  EXPECT_EQ(Scan(false), "k=ttl-value;");
  EXPECT_EQ(Scan(false, false, nullptr, plain_), "k=plain-value;");

  // What the log holds.
  struct Puts : WriteBatch::Handler {
    std::vector<std::pair<uint32_t, std::string>> values;
    Status Put(std::string_view, std::string_view) override { return Status::OK(); }
    Status Delete(std::string_view) override { return Status::OK(); }
    Status PutCF(uint32_t cf, std::string_view, std::string_view v) override {
      values.emplace_back(cf, std::string(v));
      return Status::OK();
    }
    Status DeleteCF(uint32_t, std::string_view) override { return Status::OK(); }
    Status DeleteRangeCF(uint32_t, std::string_view, std::string_view) override {
      return Status::OK();
    }
  } puts;
  std::unique_ptr<TransactionLogIterator> log;
  ASSERT_TRUE(db_->GetUpdatesSince(first, &log).ok());
  ASSERT_TRUE(log->Valid());
  BatchResult result = log->GetBatch();
  ASSERT_TRUE(result.write_batch->Iterate(&puts).ok());
  ASSERT_EQ(puts.values.size(), 2u);
  EXPECT_EQ(puts.values[0], std::make_pair(ttl_->GetID(), Stamped("ttl-value", kStart)));
  EXPECT_EQ(puts.values[1], std::make_pair(plain_->GetID(), std::string("plain-value")));
}

// With skip_expired, a value written ttl_seconds or more ago is not found by Get and MultiGet,
// and iterators step over it in both directions and from every seek; without it, it is read
// as any other until a compaction drops it.
TEST_F(TtlTest, SkipExpiredHidesExpiredValues) {
  Open();
  Put("a", "1");  // expired below
  Put("c", "3");
  Put("e", "5");
  clock_->Advance(1);
  Put("b", "2");  // alive below: written 99 seconds before
  Put("d", "4");
  clock_->Advance(kTtl - 1);  // a, c, e have lived exactly kTtl seconds
  for (int stage = 0; stage < 2; stage++) {
    SCOPED_TRACE(stage == 0 ? "memtable" : "table");
    if (stage == 1) Flush();
    EXPECT_EQ(Get("a", true), "NOT_FOUND");
    EXPECT_EQ(Get("b", true), "2");
    EXPECT_EQ(Get("a"), "1");
    EXPECT_EQ(MultiGet({"a", "b", "c", "d", "e"}, true), "NOT_FOUND,2,NOT_FOUND,4,NOT_FOUND");
    EXPECT_EQ(MultiGet({"a", "b", "c", "d", "e"}), "1,2,3,4,5");
    EXPECT_EQ(Scan(false, true), "b=2;d=4;");
    EXPECT_EQ(Scan(true, true), "b=2;d=4;");
    EXPECT_EQ(Scan(false), "a=1;b=2;c=3;d=4;e=5;");
    EXPECT_EQ(Scan(true), "a=1;b=2;c=3;d=4;e=5;");

    ReadOptions ro;
    ro.skip_expired = true;
    std::unique_ptr<Iterator> it = db_->NewIterator(ro, ttl_);
    it->Seek("a");
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), "b");
    it->Seek("c");
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), "d");
    it->Seek("e");
    EXPECT_FALSE(it->Valid());
    it->SeekForPrev("c");
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), "b");
    it->SeekForPrev("a");
    EXPECT_FALSE(it->Valid());
    it->SeekForPrev("z");
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), "d");
    EXPECT_EQ(it->value(), "4");
    it->Prev();
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), "b");
    it->Next();  // turns around past the expired c
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), "d");
    EXPECT_TRUE(it->status().ok());
  }
  // Later b and d expire too.
  clock_->Advance(kTtl);
  EXPECT_EQ(Get("b", true), "NOT_FOUND");
  EXPECT_EQ(Scan(false, true), "");
  // The plain family knows no expiry.
  Put("p", "plain", plain_);
  clock_->Advance(10 * kTtl);
  EXPECT_EQ(Get("p", true, nullptr, plain_), "plain");
}

TEST_F(TtlTest, CompactionDropsExpiredValues) {
  Open();
  Put("old", "1");
  clock_->Advance(50);
  Put("young", "2");
  Flush();
  clock_->Advance(60);         // old has lived 110 seconds, young 60
  EXPECT_EQ(Get("old"), "1");  // not compacted yet
  Compact();
  EXPECT_EQ(Get("old"), "NOT_FOUND");
  EXPECT_EQ(Get("young"), "2");
  EXPECT_EQ(Scan(false), "young=2;");
  clock_->Advance(40);
  Compact();
  EXPECT_EQ(Scan(false), "");
  std::string stats;
  ASSERT_TRUE(db_->GetProperty(ttl_, "lsm.stats", &stats));
  EXPECT_EQ(stats.find("compaction filter: 0 entries"), std::string::npos) << stats;
}

// An expired value that a compaction removes takes the older versions of its key with it:
// here all of them are in the compaction, which writes the bottom of the tree, so nothing at
// all is left (not even a deletion marker).
TEST_F(TtlTest, ExpiredValueTakesOlderVersionsWithIt) {
  Open();
  Put("k", "v1");
  Put("k2", "w1");
  Compact();  // into the last level
  clock_->Advance(20);
  Put("k", "v2");
  Flush();
  clock_->Advance(kTtl - 10);  // v2 has lived 90 seconds, v1 110: v1 hidden under v2
  Compact();
  EXPECT_EQ(Get("k"), "v2");
  EXPECT_EQ(Get("k2"), "NOT_FOUND");
  clock_->Advance(10);  // v2 expired too
  EXPECT_EQ(Get("k"), "v2");
  Compact();
  EXPECT_EQ(Get("k"), "NOT_FOUND");
  EXPECT_EQ(Scan(false), "");
  EXPECT_EQ(Scan(true), "");
  EXPECT_EQ(Tables(), 0);
}

// A compaction that does not write the bottom of the tree: FIFO merges the newest small
// level-0 tables and leaves the big old one below. The expired newer value it removes must
// leave a deletion marker behind, or the older value in the big table would be read again.
TEST_F(TtlTest, ExpiredValueAboveOlderDataLeavesADeletion) {
  Options options(db_options_, ttl_options_);
  options.compaction_style = CompactionStyle::kFIFO;
  options.compaction_options_fifo.allow_compaction = true;
  options.level0_file_num_compaction_trigger = 2;
  options.target_file_size_base = 64 << 10;
  options.write_buffer_size = 4 << 20;
  ASSERT_TRUE(DB::Open(options, "/fifo", &db_).ok());
  ColumnFamilyHandle* cf = db_->DefaultColumnFamily();
  ASSERT_TRUE(db_->Put(WriteOptions(), cf, "k", "old").ok());
  for (int i = 0; i < 100; i++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), cf, Key(i), std::string(1000, 'f')).ok());
  }
  Flush(cf);  // the big table: above target_file_size_base, never merged
  clock_->Advance(10);
  ASSERT_TRUE(db_->Put(WriteOptions(), cf, "k", "new").ok());
  Flush(cf);
  clock_->Advance(kTtl);  // both versions of k expired
  ASSERT_TRUE(db_->Put(WriteOptions(), cf, "u", "u").ok());
  Flush(cf);  // two small tables: FIFO merges them
  std::string files;
  for (int i = 0; i < 1000; i++) {
    ASSERT_TRUE(db_->GetProperty(cf, "lsm.num-files-at-level0", &files));
    if (files == "2") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(files, "2");
  EXPECT_EQ(Get("k", false, nullptr, cf), "NOT_FOUND");
  EXPECT_EQ(Get("u", false, nullptr, cf), "u");
  EXPECT_EQ(Get(Key(0), false, nullptr, cf), std::string(1000, 'f'));
}

// The compaction filter leaves what a snapshot sees alone, and drops it once released.
TEST_F(TtlTest, SnapshotsKeepWhatTheySaw) {
  Open();
  Put("seen", "1");
  const Snapshot* snapshot = db_->GetSnapshot();
  Put("unseen", "2");
  clock_->Advance(kTtl);
  Compact();
  EXPECT_EQ(Get("seen", false, snapshot), "1");
  EXPECT_EQ(Scan(false, false, snapshot), "seen=1;");
  EXPECT_EQ(Get("seen", true, snapshot), "NOT_FOUND");  // expired all the same
  EXPECT_EQ(Get("unseen"), "NOT_FOUND");                // newer than the snapshot: dropped
  db_->ReleaseSnapshot(snapshot);
  EXPECT_EQ(Get("seen"), "1");
  Compact();
  EXPECT_EQ(Get("seen"), "NOT_FOUND");
}

// Marks values of keys starting with "mark" (once) and removes keys starting with "drop";
// records every value it is shown.
class RecordingFilter final : public CompactionFilter {
 public:
  Decision Filter(int /*level*/, std::string_view key, std::string_view value,
                  std::string* new_value) const override {
    {
      std::lock_guard<std::mutex> l(mu_);
      seen_.emplace_back(value);
    }
    if (key.starts_with("drop")) return Decision::kRemove;
    if (key.starts_with("mark") && !value.starts_with("marked:")) {
      *new_value = "marked:" + std::string(value);
      return Decision::kChangeValue;
    }
    return Decision::kKeep;
  }
  const char* Name() const override { return "RecordingFilter"; }
  std::vector<std::string> seen() const {
    std::lock_guard<std::mutex> l(mu_);
    return seen_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::vector<std::string> seen_;
};

// A user's compaction filter runs after the TTL check, on values without their write time; a
// value it changes keeps the time it was written.
TEST_F(TtlTest, UserCompactionFilterIsChainedBehindTheTtl) {
  RecordingFilter filter;
  ttl_options_.compaction_filter = &filter;
  Open();
  Put("expired", "e");
  clock_->Advance(60);
  Put("drop1", "d");
  Put("keep1", "k");
  Put("mark1", "m");
  clock_->Advance(50);  // "expired" has lived 110 seconds, the others 50
  Compact();
  // Never the expired value, never a write time: each value as written (or as the filter
  // changed it, if a second pass of CompactRange showed it again).
  const std::vector<std::string> seen = filter.seen();
  std::set<std::string> distinct(seen.begin(), seen.end());
  distinct.erase("marked:m");
  EXPECT_EQ(distinct, (std::set<std::string>{"d", "k", "m"}));
  EXPECT_EQ(Scan(false), "keep1=k;mark1=marked:m;");
  EXPECT_EQ(Get("mark1"), "marked:m");
  // The changed value is as old as the value it replaced.
  clock_->Advance(50);
  EXPECT_EQ(Get("mark1", true), "NOT_FOUND");
  EXPECT_EQ(Get("keep1", true), "NOT_FOUND");
  Compact();
  EXPECT_EQ(Scan(false), "");
}

TEST_F(TtlTest, MergeIsRefused) {
  Open();
  Status s = db_->Merge(WriteOptions(), ttl_, "k", "x");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  WriteBatch batch;
  batch.Put(ttl_, "k", "v");
  batch.Merge(ttl_, "k", "x");
  s = db_->Write(WriteOptions(), &batch);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("TTL"), std::string::npos) << s.ToString();
  EXPECT_EQ(Get("k"), "NOT_FOUND");  // nothing of the batch was written
  Close();
  // A TTL family takes no merge operator either.
  ttl_options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
  s = TryOpen();
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("ttl_seconds"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("column family ttl"), std::string::npos) << s.ToString();
}

// The write times survive a reopen, from the logs and from the tables; the TTL may change
// between opens.
TEST_F(TtlTest, ReopenKeepsWriteTimes) {
  Open();
  Put("flushed", "1");
  Flush();
  Put("logged", "2");
  Close();
  clock_->Advance(kTtl - 1);
  Open();
  EXPECT_EQ(Scan(false, true), "flushed=1;logged=2;");
  EXPECT_EQ(MultiGet({"flushed", "logged"}, true), "1,2");
  clock_->Advance(1);
  EXPECT_EQ(Scan(false, true), "");
  EXPECT_EQ(Scan(false), "flushed=1;logged=2;");
  Close();
  ttl_options_.ttl_seconds = 10 * kTtl;
  Open();
  EXPECT_EQ(Scan(false, true), "flushed=1;logged=2;");
  Compact();
  EXPECT_EQ(Scan(false), "flushed=1;logged=2;");
  Put("created", "3");
  // A family created while open keeps its TTL too.
  ColumnFamilyHandle* more;
  ASSERT_TRUE(db_->CreateColumnFamily(ttl_options_, "more", &more).ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), more, "m", "4").ok());
  Close();
  ASSERT_TRUE(DB::Open(db_options_, "/db",
                       {{kDefaultColumnFamilyName, plain_options_},
                        {"ttl", ttl_options_},
                        {"more", ttl_options_}},
                       &handles_, &db_)
                  .ok());
  EXPECT_EQ(Get("m", true, nullptr, handles_[2]), "4");
  Close();
  ColumnFamilyOptions no_ttl = ttl_options_;
  no_ttl.ttl_seconds = 0;
  Status s = DB::Open(
      db_options_, "/db",
      {{kDefaultColumnFamilyName, plain_options_}, {"ttl", ttl_options_}, {"more", no_ttl}},
      &handles_, &db_);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("column family more"), std::string::npos) << s.ToString();
}

// Opening a family with a TTL that was created without one, or the reverse, would read every
// value wrongly: the open fails, naming the family, and changes nothing.
TEST_F(TtlTest, TtlMismatchIsRefused) {
  Open();
  Put("k", "v");
  Put("k", "plain", plain_);
  Close();
  ttl_options_.ttl_seconds = 0;
  Status s = TryOpen();
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("column family ttl"), std::string::npos) << s.ToString();
  std::vector<ColumnFamilyHandle*> handles;
  s = DB::OpenForReadOnly(db_options_, "/db",
                          {{kDefaultColumnFamilyName, plain_options_}, {"ttl", ttl_options_}},
                          &handles, &db_);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  ttl_options_.ttl_seconds = kTtl;
  plain_options_.ttl_seconds = kTtl;
  s = TryOpen();
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("column family default"), std::string::npos) << s.ToString();
  plain_options_.ttl_seconds = 0;
  Open();
  EXPECT_EQ(Get("k"), "v");
  EXPECT_EQ(Get("k", false, nullptr, plain_), "plain");
  Close();

  // The default family of a database opened with Options.
  Options options(db_options_, ttl_options_);
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options, "/default", &db).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), "k", "v").ok());
  ASSERT_TRUE(db->Close().ok());
  options.ttl_seconds = 0;
  s = DB::Open(options, "/default", &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  options.ttl_seconds = 1;
  ASSERT_TRUE(DB::Open(options, "/default", &db).ok());
  std::string value;
  ASSERT_TRUE(db->Get(ReadOptions(), "k", &value).ok());
  EXPECT_EQ(value, "v");
}

// A checkpoint and a repaired database know their TTL families as the database did.
TEST_F(TtlTest, CheckpointAndRepairKeepTheTtlMark) {
  Open();
  Put("k", "v");
  Flush();
  ASSERT_TRUE(Checkpoint::Create(db_.get(), "/ckpt").ok());
  Close();
  ASSERT_TRUE(RepairDB("/db", Options(db_options_, plain_options_)).ok());
  for (const char* dir : {"/ckpt", "/db"}) {
    SCOPED_TRACE(dir);
    std::vector<ColumnFamilyHandle*> handles;
    ColumnFamilyOptions no_ttl = ttl_options_;
    no_ttl.ttl_seconds = 0;
    Status s =
        DB::Open(db_options_, dir, {{kDefaultColumnFamilyName, plain_options_}, {"ttl", no_ttl}},
                 &handles, &db_);
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    s = DB::Open(db_options_, dir,
                 {{kDefaultColumnFamilyName, plain_options_}, {"ttl", ttl_options_}}, &handles,
                 &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::string value;
    ASSERT_TRUE(db_->Get(ReadOptions(), handles[1], "k", &value).ok());
    EXPECT_EQ(value, "v");
    ASSERT_TRUE(db_->Close().ok());
  }
}

// A stored value too short to hold a write time cannot come from this engine's writes; a log
// record is crafted to hold one. Every read of it is Corruption naming the key, and the
// compaction filter keeps it for the reads to report.
TEST_F(TtlTest, ValueShorterThanAWriteTimeIsCorruption) {
  Open();
  Put("a", "1");
  Put("c", "3");
  const SequenceNumber last = db_->GetLatestSequenceNumber();
  IdHandle ttl_family(ttl_->GetID());
  Close();
  std::vector<std::string> children;
  ASSERT_TRUE(fs_->GetChildren("/db", &children).ok());
  uint64_t newest = 0;
  for (const std::string& child : children) {
    uint64_t number;
    FileType type;
    if (ParseFileName(child, &number, &type)) newest = std::max(newest, number);
  }
  WriteBatch batch;
  batch.Put(&ttl_family, "b", "short");  // 5 bytes, no write time
  WriteBatchInternal::SetSequence(&batch, last + 1);
  std::unique_ptr<WritableFile> file;
  ASSERT_TRUE(fs_->NewWritableFile(LogFileName("/db", newest + 1), &file).ok());
  std::unique_ptr<log::Writer> writer;
  ASSERT_TRUE(log::Writer::Create(std::move(file), newest + 1, &writer).ok());
  ASSERT_TRUE(writer->AddRecord(batch.Data()).ok());
  ASSERT_TRUE(writer->Close().ok());

  Open();
  for (int stage = 0; stage < 2; stage++) {
    SCOPED_TRACE(stage == 0 ? "recovered" : "compacted");
    if (stage == 1) Compact();
    const std::string get = Get("b");
    EXPECT_NE(get.find("Corruption"), std::string::npos) << get;
    EXPECT_NE(get.find("'b'"), std::string::npos) << get;
    EXPECT_EQ(Get("a"), "1");
    const std::string multi = MultiGet({"a", "b"});
    EXPECT_TRUE(multi.starts_with("1,Corruption")) << multi;
    const std::string forward = Scan(false);
    EXPECT_TRUE(forward.starts_with("a=1;error: Corruption")) << forward;
    const std::string backward = Scan(true);
    EXPECT_TRUE(backward.starts_with("c=3;error: Corruption")) << backward;
  }
}

}  // namespace
}  // namespace lsm
