// Bulk load: SstFileWriter's checks, and DB::IngestExternalFile: the ingested entries (puts,
// merges, deletes, range deletions) read through every path, override older data and stay out
// of earlier snapshots; each file's level; memtables flushed first; move or copy; the global
// sequence survives reopen and compaction; and every bad input (overlapping, unsorted, foreign,
// damaged, missing files, an I/O error) is refused with the database unchanged.
#include "lsm/sst_file_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "lsm/transaction_log.h"
#include "src/sstable/format.h"
#include "src/sstable/table_builder.h"
#include "src/sstable/table_layout.h"
#include "src/util/coding.h"
#include "tests/support/db_read.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// One call on an SstFileWriter: 'p' Put, 'm' Merge, 'd' Delete (value unused), 'r' DeleteRange
// of [key, value).
struct Op {
  char kind;
  std::string key;
  std::string value;
};

class IngestTest : public testing::Test {
 protected:
  IngestTest() : dbname_(tmp_.path() + "/db") {
    options_.create_if_missing = true;
    options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
    options_.compression = CompressionType::kNone;
  }
  ~IngestTest() override {
    if (db_ != nullptr) {
      EXPECT_TRUE(db_->Close().ok());
    }
  }

  void Open() {
    if (db_ != nullptr) {
      ASSERT_TRUE(db_->Close().ok());
    }
    db_.reset();
    Status s = DB::Open(options_, dbname_, &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Reopen() { Open(); }

  std::string Path(const std::string& name) const { return tmp_.path() + "/" + name; }
  FileSystem* Fs() const {
    return options_.file_system != nullptr ? options_.file_system.get()
                                           : FileSystem::Default().get();
  }
  bool Exists(const std::string& path) const { return Fs()->FileExists(path).ok(); }

  // Writes `ops` to the file `name` (under the test directory) with `options`; returns its
  // path.
  std::string Sst(const std::string& name, const std::vector<Op>& ops, const Options& options) {
    const std::string path = Path(name);
    SstFileWriter writer(options);
    Status s = writer.Open(path);
    for (const Op& op : ops) {
      if (!s.ok()) break;
      switch (op.kind) {
        case 'p':
          s = writer.Put(op.key, op.value);
          break;
        case 'm':
          s = writer.Merge(op.key, op.value);
          break;
        case 'd':
          s = writer.Delete(op.key);
          break;
        default:
          s = writer.DeleteRange(op.key, op.value);
          break;
      }
    }
    if (s.ok()) s = writer.Finish();
    EXPECT_TRUE(s.ok()) << name << ": " << s.ToString();
    return path;
  }
  std::string Sst(const std::string& name, const std::vector<Op>& ops) {
    return Sst(name, ops, options_);
  }

  Status Ingest(const std::vector<std::string>& paths,
                const IngestExternalFileOptions& options = IngestExternalFileOptions()) {
    return db_->IngestExternalFile(paths, options);
  }

  void Put(std::string_view key, std::string_view value) {
    ASSERT_TRUE(db_->Put(WriteOptions(), key, value).ok());
  }
  std::string Get(std::string_view key, const Snapshot* snapshot = nullptr) {
    return ReadForTest(db_.get(), key, snapshot);
  }
  std::string Scan(bool reverse = false) { return ScanForTest(db_.get(), reverse); }

  // "L0 1, L6 2": table files per level, the levels with files only.
  std::string Levels() {
    std::string out;
    for (int level = 0; level < 7; level++) {
      std::string n;
      EXPECT_TRUE(db_->GetProperty("lsm.num-files-at-level" + std::to_string(level), &n));
      if (n != "0") out += (out.empty() ? "L" : ", L") + std::to_string(level) + " " + n;
    }
    return out.empty() ? "none" : out;
  }

  // The names of the database directory's files.
  std::vector<std::string> DbFiles() {
    std::vector<std::string> names;
    EXPECT_TRUE(Fs()->GetChildren(dbname_, &names).ok());
    std::sort(names.begin(), names.end());
    std::erase_if(names, [](const std::string& n) { return n.starts_with("LOG"); });
    return names;
  }

  // What "unchanged" compares: the contents, both ways, the files and the last sequence.
  std::string State() {
    std::string files;
    for (const std::string& name : DbFiles()) files += name + " ";
    return Scan() + " | " + Scan(/*reverse=*/true) + " | " + files + " | " + Levels() + " | seq " +
           std::to_string(db_->GetLatestSequenceNumber());
  }

  TempDir tmp_;
  std::string dbname_;
  Options options_;
  std::unique_ptr<DB> db_;
};

// ----- SstFileWriter -----

TEST_F(IngestTest, WriterRefusesKeysOutOfOrderAndGoesOn) {
  const std::string path = Path("w.sst");
  SstFileWriter writer(options_);
  EXPECT_TRUE(writer.Put("a", "1").IsInvalidArgument());  // no file open
  ASSERT_TRUE(writer.Open(path).ok());
  EXPECT_TRUE(writer.Open(Path("other.sst")).IsInvalidArgument());
  ASSERT_TRUE(writer.Put("b", "1").ok());
  Status s = writer.Put("a", "2");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.ToString().find("'a' after 'b'"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find(path), std::string::npos) << s.ToString();
  EXPECT_TRUE(writer.Put("b", "2").IsInvalidArgument());  // one entry per key
  EXPECT_TRUE(writer.Delete("b").IsInvalidArgument());
  EXPECT_TRUE(writer.Merge("b", "x").IsInvalidArgument());
  // Ranges: any order, but not empty or inverted.
  EXPECT_TRUE(writer.DeleteRange("m", "m").IsInvalidArgument());
  s = writer.DeleteRange("n", "m");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.ToString().find("'n' does not sort before end 'm'"), std::string::npos)
      << s.ToString();
  ASSERT_TRUE(writer.DeleteRange("x", "y").ok());
  ASSERT_TRUE(writer.DeleteRange("0", "1").ok());
  ASSERT_TRUE(writer.Put("c", std::string(1000, 'v')).ok());
  ASSERT_TRUE(writer.Delete("d").ok());
  ASSERT_TRUE(writer.Merge("e", "x").ok());
  ExternalSstFileInfo info;
  ASSERT_TRUE(writer.Finish(&info).ok());
  EXPECT_EQ(info.file_path, path);
  EXPECT_EQ(info.smallest_key, "0");
  EXPECT_EQ(info.largest_key, "y");
  EXPECT_EQ(info.num_entries, 4u);
  EXPECT_EQ(info.num_range_deletions, 2u);
  uint64_t size = 0;
  ASSERT_TRUE(Fs()->GetFileSize(path, &size).ok());
  EXPECT_EQ(info.file_size, size);
  EXPECT_EQ(writer.FileSize(), size);
  EXPECT_TRUE(writer.Finish().IsInvalidArgument());  // nothing open any more
  // The writer starts another file.
  ASSERT_TRUE(writer.Open(Path("w2.sst")).ok());
  ASSERT_TRUE(writer.Put("a", "1").ok());
  ASSERT_TRUE(writer.Finish(&info).ok());
  EXPECT_EQ(info.smallest_key, "a");
  EXPECT_EQ(info.largest_key, "a");
}

TEST_F(IngestTest, WriterRefusesAnEmptyFileAndRemovesUnfinishedOnes) {
  const std::string path = Path("empty.sst");
  {
    SstFileWriter writer(options_);
    ASSERT_TRUE(writer.Open(path).ok());
    EXPECT_TRUE(Exists(path));
    Status s = writer.Finish();
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_FALSE(Exists(path));
  }
  {
    SstFileWriter writer(options_);
    ASSERT_TRUE(writer.Open(path).ok());
    ASSERT_TRUE(writer.Put("a", "1").ok());
  }
  EXPECT_FALSE(Exists(path));  // destroyed without Finish
  // Merge needs a merge operator in the options.
  Options plain = options_;
  plain.merge_operator = nullptr;
  SstFileWriter writer(plain);
  ASSERT_TRUE(writer.Open(path).ok());
  EXPECT_TRUE(writer.Merge("a", "1").IsInvalidArgument());
  // Blocks are written as they fill.
  for (int i = 0; i < 20; i++) ASSERT_TRUE(writer.Put(Key(i), std::string(1000, 'v')).ok());
  EXPECT_GT(writer.FileSize(), 10000u);
  ASSERT_TRUE(writer.Finish().ok());
}

// ----- IngestExternalFile -----

// Every kind of entry, read through Get, MultiGet and iterators both ways, over older data: a
// put or merge of the file overrides or extends the older value, a delete hides it, and a range
// deletion hides the older keys of its range but not the file's own.
TEST_F(IngestTest, EntriesOfTheFileReadLikeWrites) {
  Open();
  Put("b", "base");
  Put("c", "old");
  Put("d1", "old");
  Put("e", "old");
  Put("z", "old");
  ASSERT_TRUE(db_->Flush().ok());
  Put("y", "mem");  // outside the file's ranges: stays in the memtable
  const std::string path = Sst("f.sst", {{'p', "a", "1"},
                                         {'m', "b", "x"},
                                         {'d', "c", ""},
                                         {'r', "d", "f"},
                                         {'p', "e5", "new"},
                                         {'p', "g", "2"}});
  const uint64_t seq = db_->GetLatestSequenceNumber();
  ASSERT_TRUE(Ingest({path}).ok());
  EXPECT_EQ(db_->GetLatestSequenceNumber(), seq + 1);
  const std::string expected = "a=1;b=base,x;e5=new;g=2;y=mem;z=old;";
  EXPECT_EQ(Scan(), expected);
  EXPECT_EQ(Scan(/*reverse=*/true), expected);
  EXPECT_EQ(Get("a"), "1");
  EXPECT_EQ(Get("b"), "base,x");
  EXPECT_EQ(Get("c"), "NOT_FOUND");
  EXPECT_EQ(Get("d1"), "NOT_FOUND");
  EXPECT_EQ(Get("e"), "NOT_FOUND");
  EXPECT_EQ(Get("e5"), "new");
  EXPECT_EQ(Get("y"), "mem");
  std::vector<std::string> values;
  const std::vector<Status> statuses =
      db_->MultiGet(ReadOptions(), {"a", "b", "c", "d1", "e5", "g", "z"}, &values);
  ASSERT_EQ(statuses.size(), 7u);
  EXPECT_EQ(values[0], "1");
  EXPECT_EQ(values[1], "base,x");
  EXPECT_TRUE(statuses[2].IsNotFound());
  EXPECT_TRUE(statuses[3].IsNotFound());
  EXPECT_EQ(values[4], "new");
  EXPECT_EQ(values[5], "2");
  EXPECT_EQ(values[6], "old");
  // Seeks land on the file's keys in both directions.
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  it->Seek("c");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "e5");
  it->SeekForPrev("f");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "e5");
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  EXPECT_EQ(it->value(), "base,x");
  it->SeekForPrev("b");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "b");
  ASSERT_TRUE(it->status().ok());
  // Writes after the ingestion are newer.
  Put("a", "after");
  EXPECT_EQ(Get("a"), "after");
  ASSERT_TRUE(db_->Merge(WriteOptions(), "g", "3").ok());
  EXPECT_EQ(Get("g"), "2,3");
}

TEST_F(IngestTest, SnapshotFromBeforeDoesNotSeeTheFile) {
  Open();
  Put("a", "old");
  const Snapshot* before = db_->GetSnapshot();
  ASSERT_TRUE(Ingest({Sst("f.sst", {{'p', "a", "new"}, {'p', "b", "new"}})}).ok());
  EXPECT_EQ(Get("a", before), "old");
  EXPECT_EQ(Get("b", before), "NOT_FOUND");
  EXPECT_EQ(ScanForTest(db_.get(), false, before), "a=old;");
  EXPECT_EQ(ScanForTest(db_.get(), true, before), "a=old;");
  EXPECT_EQ(Get("a"), "new");
  const Snapshot* after = db_->GetSnapshot();
  EXPECT_EQ(Get("b", after), "new");
  // Compaction keeps what the old snapshot sees.
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  EXPECT_EQ(Get("a", before), "old");
  EXPECT_EQ(Get("a", after), "new");
  db_->ReleaseSnapshot(before);
  db_->ReleaseSnapshot(after);
}

// An ingestion writes no log record: the changelog goes from the write before it to the one
// after, skipping its sequence, and reopening replays the log around it.
TEST_F(IngestTest, ChangelogSkipsTheIngestion) {
  Open();
  Put("a", "1");
  ASSERT_TRUE(Ingest({Sst("f.sst", {{'p', "b", "2"}})}).ok());
  Put("c", "3");
  std::unique_ptr<TransactionLogIterator> it;
  ASSERT_TRUE(db_->GetUpdatesSince(1, &it).ok());
  std::vector<uint64_t> sequences;
  for (; it->Valid(); it->Next()) sequences.push_back(it->GetBatch().sequence);
  ASSERT_TRUE(it->status().ok()) << it->status().ToString();
  EXPECT_EQ(sequences, (std::vector<uint64_t>{1, 3}));
  it.reset();
  Reopen();
  EXPECT_EQ(db_->GetLatestSequenceNumber(), 3u);
  EXPECT_EQ(Scan(), "a=1;b=2;c=3;");
}

// Leveled: the deepest level with nothing of the file's range in it or above it; universal and
// FIFO: level 0.
TEST_F(IngestTest, EachFileGoesToTheDeepestLevelItFits) {
  options_.disable_auto_compactions = true;
  Open();
  ASSERT_TRUE(Ingest({Sst("1.sst", {{'p', "a", "1"}, {'p', "c", "1"}})}).ok());
  EXPECT_EQ(Levels(), "L6 1");
  // Disjoint: the last level again; overlapping: just above.
  ASSERT_TRUE(Ingest({Sst("2.sst", {{'p', "d", "2"}})}).ok());
  EXPECT_EQ(Levels(), "L6 2");
  ASSERT_TRUE(Ingest({Sst("3.sst", {{'p', "b", "3"}})}).ok());
  EXPECT_EQ(Levels(), "L5 1, L6 2");
  ASSERT_TRUE(Ingest({Sst("4.sst", {{'p', "b", "4"}})}).ok());
  EXPECT_EQ(Levels(), "L4 1, L5 1, L6 2");
  // A range deletion's range counts (and deletes the older keys in it).
  ASSERT_TRUE(Ingest({Sst("5.sst", {{'r', "c", "e"}})}).ok());
  EXPECT_EQ(Levels(), "L4 1, L5 2, L6 2");
  EXPECT_EQ(Scan(), "a=1;b=4;");
  // Data in level 0 above the range: level 0.
  Put("x", "mem");
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(Ingest({Sst("6.sst", {{'p', "x", "6"}})}).ok());
  EXPECT_EQ(Levels(), "L0 2, L4 1, L5 2, L6 2");
  EXPECT_EQ(Get("x"), "6");
  // Several files of one call go each to its own level: "a" above the last level's a-c, beside
  // level 5's b and c-e.
  ASSERT_TRUE(
      Ingest({Sst("7.sst", {{'p', "a", "7"}}), Sst("8.sst", {{'p', "m", "8"}, {'p', "n", "8"}})})
          .ok());
  EXPECT_EQ(Levels(), "L0 2, L4 1, L5 3, L6 3");
  EXPECT_EQ(Scan(), "a=7;b=4;m=8;n=8;x=6;");
  for (CompactionStyle style : {CompactionStyle::kUniversal, CompactionStyle::kFIFO}) {
    ASSERT_TRUE(db_->Close().ok());
    db_.reset();
    ASSERT_TRUE(DestroyDB(dbname_, options_).ok());
    options_.compaction_style = style;
    Open();
    ASSERT_TRUE(Ingest({Sst("9.sst", {{'p', "a", "9"}})}).ok());
    EXPECT_EQ(Levels(), "L0 1");
    EXPECT_EQ(Get("a"), "9");
  }
}

// A memtable with keys in the file's range is flushed first (or the call refused without
// allow_blocking_flush); one without is left alone.
TEST_F(IngestTest, OverlappingMemtableIsFlushedFirst) {
  options_.disable_auto_compactions = true;
  Open();
  Put("k", "mem");
  Put("z", "mem");
  IngestExternalFileOptions no_flush;
  no_flush.allow_blocking_flush = false;
  const std::string path = Sst("f.sst", {{'p', "a", "file"}, {'p', "k", "file"}});
  const std::string before = State();
  Status s = Ingest({path}, no_flush);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(State(), before);
  uint64_t entries = 0;
  ASSERT_TRUE(db_->GetIntProperty("lsm.num-entries-active-mem-table", &entries));
  EXPECT_EQ(entries, 2u);
  // A memtable range deletion counts too.
  Put("c", "mem");
  Put("p", "mem");
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->DeleteRange(WriteOptions(), "b", "d").ok());
  EXPECT_TRUE(Ingest({path}, no_flush).IsInvalidArgument());

  ASSERT_TRUE(Ingest({path}).ok());
  ASSERT_TRUE(db_->GetIntProperty("lsm.num-entries-active-mem-table", &entries));
  EXPECT_EQ(entries, 0u);
  EXPECT_EQ(Get("k"), "file");
  EXPECT_EQ(Get("a"), "file");
  EXPECT_EQ(Levels(), "L0 3");  // above the flushed tables

  // Without overlap, the memtable keeps its keys.
  Put("q", "mem");
  ASSERT_TRUE(Ingest({Sst("g.sst", {{'p', "r", "file"}})}, no_flush).ok());
  ASSERT_TRUE(db_->GetIntProperty("lsm.num-entries-active-mem-table", &entries));
  EXPECT_EQ(entries, 1u);
  EXPECT_EQ(Scan(), "a=file;k=file;p=mem;q=mem;r=file;z=mem;");
}

TEST_F(IngestTest, MoveRemovesTheOriginalCopyKeepsIt) {
  Open();
  const std::string copied = Sst("copied.sst", {{'p', "a", "1"}});
  ASSERT_TRUE(Ingest({copied}).ok());
  EXPECT_TRUE(Exists(copied));
  const std::string moved = Sst("moved.sst", {{'p', "b", "2"}});
  IngestExternalFileOptions move;
  move.move_files = true;
  ASSERT_TRUE(Ingest({moved}, move).ok());
  EXPECT_FALSE(Exists(moved));
  // The copy can be ingested again (it is newer then).
  ASSERT_TRUE(Ingest({copied}).ok());
  EXPECT_EQ(Scan(), "a=1;b=2;");
  Reopen();
  EXPECT_EQ(Scan(), "a=1;b=2;");
}

// The global sequence is in the MANIFEST: after reopening, an ingested value still overrides
// the older one below it through a compaction, and a write after the ingestion (even one made
// after reopening) overrides it.
TEST_F(IngestTest, SurvivesReopenAndCompaction) {
  Open();
  for (int i = 0; i < 100; i++) Put(Key(i), "old");
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  std::vector<Op> ops;
  for (int i = 0; i < 100; i += 2) ops.push_back({'p', Key(i), "ingested"});
  ops.push_back({'r', Key(50), Key(60)});
  ASSERT_TRUE(Ingest({Sst("f.sst", ops)}).ok());
  const uint64_t seq = db_->GetLatestSequenceNumber();
  std::string expected = Scan();
  EXPECT_NE(expected.find(Key(2) + "=ingested;" + Key(3) + "=old;"), std::string::npos);
  EXPECT_EQ(expected.find(Key(51) + "="), std::string::npos);
  EXPECT_NE(expected.find(Key(52) + "=ingested"), std::string::npos);
  Reopen();
  EXPECT_EQ(db_->GetLatestSequenceNumber(), seq);
  EXPECT_EQ(Scan(), expected);
  Put(Key(4), "after");  // newer than the file, though written after the reopen
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  expected = Scan();
  EXPECT_NE(expected.find(Key(4) + "=after;"), std::string::npos);
  EXPECT_NE(expected.find(Key(6) + "=ingested;" + Key(7) + "=old;"), std::string::npos);
  EXPECT_EQ(expected.find(Key(53) + "="), std::string::npos);
  EXPECT_EQ(Scan(true), expected);
  Reopen();
  EXPECT_EQ(Scan(), expected);
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  EXPECT_EQ(Scan(), expected);
}

// Ingestions beside a writer (also of keys inside the files' ranges, so memtables are flushed
// first), a thread compacting again and again and a reader: a snapshot sees all files of one
// call or none, and the last round's values stand, before and after reopening (label tsan).
TEST_F(IngestTest, BesideWritesReadsAndCompactions) {
  options_.write_buffer_size = 64 << 10;
  options_.level0_file_num_compaction_trigger = 2;
  options_.max_bytes_for_level_base = 256 << 10;
  options_.target_file_size_base = 64 << 10;
  Open();
  constexpr int kRounds = 20;
  constexpr int kKeys = 100;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); i++) {
      // Beside the files' keys, and between two of them.
      Status s = db_->Put(WriteOptions(), "w" + Key(i % 2000), std::string(100, 'w'));
      if (s.ok() && i % 50 == 0) s = db_->Put(WriteOptions(), "a" + Key(i % kKeys) + "x", "w");
      if (!s.ok()) failures++;
    }
  });
  std::thread compactor([&] {
    while (!stop.load()) {
      if (!db_->CompactRange(nullptr, nullptr).ok()) failures++;
    }
  });
  std::thread reader([&] {
    while (!stop.load()) {
      const Snapshot* snapshot = db_->GetSnapshot();
      const std::string a = Get("a" + Key(7), snapshot), b = Get("b" + Key(93), snapshot);
      if (a != b) {
        ADD_FAILURE() << "one snapshot, one ingestion: a " << a << ", b " << b;
        failures++;
      }
      db_->ReleaseSnapshot(snapshot);
    }
  });
  for (int round = 0; round < kRounds; round++) {
    std::vector<Op> a, b;
    for (int i = 0; i < kKeys; i++) {
      a.push_back({'p', "a" + Key(i), "r" + std::to_string(round)});
      b.push_back({'p', "b" + Key(i), "r" + std::to_string(round)});
    }
    const std::string suffix = std::to_string(round) + ".sst";
    Status s = Ingest({Sst("a" + suffix, a), Sst("b" + suffix, b)});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  stop.store(true);
  writer.join();
  compactor.join();
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  const std::string last = "r" + std::to_string(kRounds - 1);
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < kKeys; i++) {
      ASSERT_EQ(Get("a" + Key(i)), last) << i;
      ASSERT_EQ(Get("b" + Key(i)), last) << i;
    }
    Reopen();
  }
}

// ----- bad input: refused, naming the file, with the database unchanged -----

TEST_F(IngestTest, OverlappingFilesOfOneCall) {
  Open();
  Put("a", "old");
  const std::string one = Sst("one.sst", {{'p', "b", "1"}, {'p', "f", "1"}});
  const std::string two = Sst("two.sst", {{'p', "e", "2"}, {'p', "g", "2"}});
  const std::string three = Sst("three.sst", {{'r', "f0", "z"}});
  const std::string before = State();
  Status s = Ingest({one, two});
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find(one), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find(two), std::string::npos) << s.ToString();
  s = Ingest({three, one, two});  // in any order
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(State(), before);
  // Touching is fine: a range deletion's end is not in it.
  const std::string four = Sst("four.sst", {{'r', "c", "e"}});
  const std::string five = Sst("five.sst", {{'p', "e", "5"}});
  ASSERT_TRUE(Ingest({five, four}).ok());
  EXPECT_EQ(Scan(), "a=old;e=5;");
  EXPECT_TRUE(Ingest({}).IsInvalidArgument());
}

TEST_F(IngestTest, FileOfAnotherComparator) {
  Open();
  Options reverse = options_;
  reverse.comparator = ReverseBytewiseComparator();
  const std::string path = Sst("reverse.sst", {{'p', "b", "1"}, {'p', "a", "1"}}, reverse);
  const std::string before = State();
  Status s = Ingest({path});
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find(path), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("test.Reverse"), std::string::npos) << s.ToString();
  EXPECT_EQ(State(), before);
}

TEST_F(IngestTest, MergeOperandsOfAnotherMergeOperator) {
  Open();
  Options other = options_;
  other.merge_operator = MergeOperators::CreateUInt64AddOperator();
  const std::string path = Sst("merge.sst", {{'m', "a", std::string(8, '\1')}}, other);
  const std::string before = State();
  Status s = Ingest({path});
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find(path), std::string::npos) << s.ToString();
  EXPECT_EQ(State(), before);
  // Without merge operands the operator does not matter.
  ASSERT_TRUE(Ingest({Sst("put.sst", {{'p', "a", "1"}}, other)}).ok());
  EXPECT_EQ(Get("a"), "1");
}

TEST_F(IngestTest, DamagedFile) {
  Open();
  Put("a", "old");
  const std::string path = Sst("damaged.sst", {{'p', "b", "1"}, {'p', "c", "1"}});
  std::string bytes = ReadFile(path);
  bytes[3] ^= 0x40;  // in the data block at offset 0
  WriteFile(path, bytes);
  const std::string before = State();
  Status s = Ingest({path});
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find(path), std::string::npos) << s.ToString();
  EXPECT_EQ(State(), before);
  // A file cut short.
  const std::string cut = Sst("cut.sst", {{'p', "b", "1"}});
  WriteFile(cut, ReadFile(cut).substr(0, 40));
  s = Ingest({cut});
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find(cut), std::string::npos) << s.ToString();
  EXPECT_EQ(State(), before);
}

// Damage after the first and last data blocks: found by the full read of verify_checksums, and
// without it only when the data is read.
TEST_F(IngestTest, VerifyChecksumsReadsTheWholeFile) {
  options_.block_size = 256;
  Open();
  std::vector<Op> ops;
  for (int i = 0; i < 200; i++) ops.push_back({'p', Key(i), "value" + std::to_string(i)});
  const std::string path = Sst("f.sst", ops);
  std::string bytes = ReadFile(path);
  const size_t middle = bytes.find("value100");
  ASSERT_NE(middle, std::string::npos);
  bytes[middle] ^= 0x01;
  WriteFile(path, bytes);
  const std::string before = State();
  Status s = Ingest({path});
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(State(), before);
  IngestExternalFileOptions quick;
  quick.verify_checksums = false;
  ASSERT_TRUE(Ingest({path}, quick).ok());
  EXPECT_EQ(Get(Key(0)), "value0");
  EXPECT_NE(Get(Key(100)).find("Corruption"), std::string::npos);
}

// A table whose keys are out of order (made by changing a key and fixing its block's checksum,
// as no writer makes one).
TEST_F(IngestTest, UnsortedFile) {
  Open();
  Options plain = options_;
  plain.block_restart_interval = 1;  // every key stored whole
  plain.bloom_bits_per_key = 0;
  const std::string path = Sst(
      "unsorted.sst",
      {{'p', "key-a", "1"}, {'p', "key-b", "1"}, {'p', "key-c", "1"}, {'p', "key-d", "1"}}, plain);
  std::unique_ptr<RandomAccessFile> file;
  uint64_t size = 0;
  ASSERT_TRUE(Fs()->GetFileSize(path, &size).ok());
  ASSERT_TRUE(Fs()->NewRandomAccessFile(path, &file).ok());
  std::vector<BlockInfo> blocks;
  ASSERT_TRUE(ReadBlockMap(file.get(), "unsorted.sst", size, &blocks).ok());
  file.reset();
  const BlockInfo* data = nullptr;
  for (const BlockInfo& b : blocks) {
    if (b.kind == "data 0") data = &b;
  }
  ASSERT_NE(data, nullptr);
  std::string bytes = ReadFile(path);
  const size_t at = bytes.find("key-c");
  ASSERT_LT(at, data->handle.size);
  bytes.replace(at, 5, "key-0");
  const std::string contents = bytes.substr(data->handle.offset, data->handle.size);
  EncodeFixed32(&bytes[data->handle.offset + data->handle.size + 1],
                BlockChecksum(contents, bytes[data->handle.offset + data->handle.size]));
  WriteFile(path, bytes);
  const std::string before = State();
  Status s = Ingest({path});
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find(path), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("out of order"), std::string::npos) << s.ToString();
  EXPECT_EQ(State(), before);
}

// A table that SstFileWriter did not write (a database's own, with sequence numbers) is not an
// external file.
TEST_F(IngestTest, TableNotWrittenBySstFileWriter) {
  Open();
  Put("a", "1");
  ASSERT_TRUE(db_->Flush().ok());
  std::string table;
  for (const std::string& name : DbFiles()) {
    if (name.ends_with(".sst")) table = name;
  }
  ASSERT_FALSE(table.empty());
  const std::string path = Path("foreign.sst");
  WriteFile(path, ReadFile(dbname_ + "/" + table));
  const std::string before = State();
  Status s = Ingest({path});
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find(path), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("SstFileWriter"), std::string::npos) << s.ToString();
  EXPECT_EQ(State(), before);
}

TEST_F(IngestTest, MissingFile) {
  Open();
  const std::string good = Sst("good.sst", {{'p', "a", "1"}});
  const std::string missing = Path("missing.sst");
  const std::string before = State();
  Status s = Ingest({good, missing});
  ASSERT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.ToString().find(missing), std::string::npos) << s.ToString();
  EXPECT_EQ(State(), before);
  EXPECT_TRUE(Exists(good));
}

TEST_F(IngestTest, IntoAnotherColumnFamily) {
  DBOptions db_options = options_;
  db_options.create_missing_column_families = true;
  ColumnFamilyOptions cf_options = options_;
  std::vector<ColumnFamilyHandle*> handles;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(
      DB::Open(db_options, dbname_, {{"default", cf_options}, {"other", cf_options}}, &handles, &db)
          .ok());
  ASSERT_TRUE(db->Put(WriteOptions(), handles[1], "a", "old").ok());
  ASSERT_TRUE(db->Put(WriteOptions(), handles[0], "a", "default").ok());
  ASSERT_TRUE(db->IngestExternalFile(handles[1], {Sst("f.sst", {{'p', "a", "new"}})},
                                     IngestExternalFileOptions())
                  .ok());
  std::string value;
  ASSERT_TRUE(db->Get(ReadOptions(), handles[1], "a", &value).ok());
  EXPECT_EQ(value, "new");
  ASSERT_TRUE(db->Get(ReadOptions(), handles[0], "a", &value).ok());
  EXPECT_EQ(value, "default");
  ASSERT_TRUE(db->Close().ok());
  db.reset();
  ASSERT_TRUE(
      DB::Open(db_options, dbname_, {{"default", cf_options}, {"other", cf_options}}, &handles, &db)
          .ok());
  ASSERT_TRUE(db->Get(ReadOptions(), handles[1], "a", &value).ok());
  EXPECT_EQ(value, "new");
  ASSERT_TRUE(db->DropColumnFamily(handles[1]).ok());
  EXPECT_TRUE(db->IngestExternalFile(handles[1], {Sst("g.sst", {{'p', "b", "1"}})},
                                     IngestExternalFileOptions())
                  .IsInvalidArgument());
  ASSERT_TRUE(db->Close().ok());
}

TEST_F(IngestTest, IntoATtlFamilyIsRefused) {
  DBOptions db_options = options_;
  db_options.create_missing_column_families = true;
  ColumnFamilyOptions cf_options = options_;
  cf_options.merge_operator = nullptr;
  ColumnFamilyOptions ttl_options = cf_options;
  ttl_options.ttl_seconds = 3600;
  std::vector<ColumnFamilyHandle*> handles;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(
      DB::Open(db_options, dbname_, {{"default", cf_options}, {"ttl", ttl_options}}, &handles, &db)
          .ok());
  ASSERT_TRUE(db->Put(WriteOptions(), handles[1], "a", "old").ok());
  const std::string path = Sst("f.sst", {{'p', "a", "new"}});
  Status s = db->IngestExternalFile(handles[1], {path}, IngestExternalFileOptions());
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("column family ttl has a TTL"), std::string::npos) << s.ToString();
  std::string value;
  ASSERT_TRUE(db->Get(ReadOptions(), handles[1], "a", &value).ok());
  EXPECT_EQ(value, "old");
  ASSERT_TRUE(db->Close().ok());
}

TEST_F(IngestTest, ReadOnlyOrClosedDatabase) {
  Open();
  const std::string path = Sst("f.sst", {{'p', "a", "1"}});
  ASSERT_TRUE(db_->Close().ok());
  EXPECT_TRUE(Ingest({path}).IsInvalidArgument());  // closed
  db_.reset();
  ASSERT_TRUE(DB::OpenForReadOnly(options_, dbname_, &db_).ok());
  EXPECT_TRUE(Ingest({path}).IsNotSupported());
}

// An I/O error while the files are copied or linked in, or the directory synced: the database
// is unchanged, none of the files made for it is left, and the originals stay. A link that
// fails falls back to a copy.
TEST_F(IngestTest, IoErrorLeavesNothingBehind) {
  auto fs = std::make_shared<FaultFileSystem>(FileSystem::Default(), TestSeed());
  options_.file_system = fs;
  Open();
  Put("a", "old");
  // Named apart from the database's tables, so that a fault on ".sst" hits the copies only.
  const std::vector<std::string> paths = {Sst("1.ext", {{'p', "a", "1"}}),
                                          Sst("2.ext", {{'p', "b", "2"}})};
  const std::string before = State();
  // The first copy's creation, append and sync; the directory's sync, after both copies.
  struct Fault {
    FaultOp op;
    std::string suffix;
  };
  for (const Fault& fault : {Fault{FaultOp::kOpen, ".sst"}, Fault{FaultOp::kWrite, ".sst"},
                             Fault{FaultOp::kSync, ".sst"}, Fault{FaultOp::kSync, dbname_}}) {
    SCOPED_TRACE(testing::Message() << FaultOpName(fault.op) << " " << fault.suffix);
    const uint64_t injected = fs->InjectedErrors(fault.op);
    fs->FailNext(fault.op, 1, FaultError::kIO, fault.suffix);
    Status s = Ingest(paths);
    ASSERT_TRUE(s.IsIOError()) << s.ToString();
    EXPECT_EQ(fs->InjectedErrors(fault.op), injected + 1);
    EXPECT_EQ(State(), before);
  }
  // Moved: the link is made, its sync fails (opening it): the originals stay.
  IngestExternalFileOptions move;
  move.move_files = true;
  fs->FailNext(FaultOp::kOpen, 1, FaultError::kIO, ".sst");
  ASSERT_TRUE(Ingest(paths, move).IsIOError());
  EXPECT_EQ(State(), before);
  EXPECT_TRUE(Exists(paths[0]));
  EXPECT_TRUE(Exists(paths[1]));
  // Links that fail: the files are copied, and the originals removed all the same.
  fs->FailNext(FaultOp::kLink, 2);
  ASSERT_TRUE(Ingest(paths, move).ok());
  EXPECT_EQ(fs->InjectedErrors(FaultOp::kLink), 2u);
  EXPECT_FALSE(Exists(paths[0]));
  EXPECT_FALSE(Exists(paths[1]));
  EXPECT_EQ(Scan(), "a=1;b=2;");
}

}  // namespace
}  // namespace lsm
