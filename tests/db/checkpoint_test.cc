// Checkpoints (include/lsm/checkpoint.h): an openable copy holding exactly what was written
// before Create, made beside writers and compactions, with the tables added and removed since
// an earlier checkpoint; the database keeps nothing for it once Create returns.
#include "lsm/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "tests/support/db_read.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

using Handles = std::map<std::string, ColumnFamilyHandle*>;

class CheckpointTest : public testing::Test {
 protected:
  CheckpointTest() : dbname_(tmp_.path() + "/db") {
    db_options_.create_if_missing = true;
    db_options_.create_missing_column_families = true;
    cf_options_.write_buffer_size = 64 << 10;
    cf_options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
  }

  std::string Path(const std::string& name) const { return tmp_.path() + "/" + name; }
  FileSystem* Fs() const {
    return db_options_.file_system != nullptr ? db_options_.file_system.get()
                                              : FileSystem::Default().get();
  }

  // Opens the database in `dir` with the families `names`, all with cf_options_.
  Status OpenAt(const std::string& dir, const std::vector<std::string>& names,
                std::unique_ptr<DB>* db, Handles* handles, bool read_only = false) {
    std::vector<ColumnFamilyDescriptor> descs;
    for (const std::string& name : names) descs.push_back({name, cf_options_});
    std::vector<ColumnFamilyHandle*> opened;
    Status s = read_only ? DB::OpenForReadOnly(db_options_, dir, descs, &opened, db)
                         : DB::Open(db_options_, dir, descs, &opened, db);
    handles->clear();
    for (size_t i = 0; s.ok() && i < names.size(); i++) (*handles)[names[i]] = opened[i];
    return s;
  }
  void Open(const std::vector<std::string>& names = {kDefaultColumnFamilyName}) {
    Status s = OpenAt(dbname_, names, &db_, &handles_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void Put(const std::string& cf, std::string_view key, std::string_view value) {
    Status s = db_->Put(WriteOptions(), handles_.at(cf), key, value);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Flush(const std::string& cf) {
    Status s = db_->Flush(FlushOptions(), handles_.at(cf));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  static std::string Dump(DB* db, const Handles& handles) {
    return DumpFamiliesForTest(db, handles);
  }

  // Dump of the checkpoint in `dir`, opened with the families `names`.
  std::string DumpCheckpoint(const std::string& dir,
                             const std::vector<std::string>& names = {kDefaultColumnFamilyName}) {
    std::unique_ptr<DB> db;
    Handles handles;
    Status s = OpenAt(dir, names, &db, &handles);
    if (!s.ok()) return "open failed: " + s.ToString();
    std::string dump = Dump(db.get(), handles);
    s = db->Close();
    return s.ok() ? dump : "close failed: " + s.ToString();
  }

  // The names in `dir` that end with `suffix`.
  std::set<std::string> Files(const std::string& dir, const std::string& suffix = "") const {
    std::vector<std::string> children;
    EXPECT_TRUE(Fs()->GetChildren(dir, &children).ok()) << dir;
    std::set<std::string> names;
    for (const std::string& child : children) {
      if (child.ends_with(suffix)) names.insert(child);
    }
    return names;
  }

  bool Exists(const std::string& path) const { return Fs()->FileExists(path).ok(); }

  // Checkpoint::Create, which must succeed.
  CheckpointInfo Create(const std::string& dir, const std::string& base = "") {
    CheckpointOptions options;
    options.base = base;
    CheckpointInfo info;
    Status s = Checkpoint::Create(db_.get(), dir, options, &info);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return info;
  }

  // What a failed Create must leave: neither `dir` nor its staging directory.
  void ExpectNothingLeft(const std::string& dir) const {
    EXPECT_FALSE(Exists(dir)) << dir;
    EXPECT_FALSE(Exists(dir + ".tmp")) << dir;
  }

  TempDir tmp_;
  std::string dbname_;
  DBOptions db_options_;
  ColumnFamilyOptions cf_options_;
  std::unique_ptr<DB> db_;
  Handles handles_;
};

std::set<std::string> AsSet(const std::vector<std::string>& names) {
  return std::set<std::string>(names.begin(), names.end());
}

std::vector<std::string> Minus(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

const std::vector<std::string> kFamilies = {"default", "one", "two"};

// The checkpoint holds what every family held at Create, from tables and memtables alike
// (range deletions and merges included), and nothing written after.
TEST_F(CheckpointTest, HoldsExactlyWhatWasWrittenBefore) {
  Open(kFamilies);
  for (int i = 0; i < 20; i++) Put("default", Key(i), "table" + std::to_string(i));
  Flush("default");
  for (int i = 10; i < 15; i++) Put("default", Key(i), "mem" + std::to_string(i));
  ASSERT_TRUE(db_->Delete(WriteOptions(), handles_["default"], Key(3)).ok());
  for (int i = 0; i < 20; i++) Put("one", Key(i), "one" + std::to_string(i));
  Flush("one");
  ASSERT_TRUE(db_->DeleteRange(WriteOptions(), handles_["one"], Key(5), Key(15)).ok());
  ASSERT_TRUE(db_->Merge(WriteOptions(), handles_["two"], "m", "a").ok());
  Flush("two");
  ASSERT_TRUE(db_->Merge(WriteOptions(), handles_["two"], "m", "b").ok());
  Put("two", "p", "1");
  const std::string expected = Dump(db_.get(), handles_);
  ASSERT_NE(expected.find("m=a,b;"), std::string::npos) << expected;
  ASSERT_EQ(expected.find(Key(7) + "=one7"), std::string::npos) << expected;

  const std::string dir = Path("ckpt");
  const CheckpointInfo info = Create(dir);

  // Later writes, flushes and compactions reach the database, not the checkpoint.
  Put("default", "later", "x");
  ASSERT_TRUE(db_->Delete(WriteOptions(), handles_["default"], Key(0)).ok());
  ASSERT_TRUE(db_->Merge(WriteOptions(), handles_["two"], "m", "c").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->CompactRange(handles_["one"], nullptr, nullptr).ok());
  ASSERT_NE(Dump(db_.get(), handles_), expected);

  // Every file is listed: the tables (all added, as there is no base) and the others.
  EXPECT_FALSE(info.tables.empty());
  EXPECT_EQ(info.added, info.tables);
  EXPECT_TRUE(info.removed.empty());
  EXPECT_EQ(info.tables_copied, 0u);  // linked
  std::set<std::string> listed = AsSet(info.tables);
  for (const std::string& name : info.other_files) listed.insert(name);
  EXPECT_EQ(Files(dir), listed);
  EXPECT_TRUE(AsSet(info.other_files).contains("CURRENT"));
  EXPECT_TRUE(AsSet(info.other_files).contains("CHECKPOINT"));
  EXPECT_FALSE(Files(dir, ".log").empty());  // the memtables' writes are in copied logs
  EXPECT_EQ(Files(dir, ".sst"), AsSet(info.tables));
  EXPECT_FALSE(Exists(dir + ".tmp"));

  // A table still in the database is the same file, hard-linked.
  for (const std::string& name : info.tables) {
    struct stat st;
    if (::stat((dbname_ + "/" + name).c_str(), &st) == 0) {
      EXPECT_EQ(st.st_nlink, 2u) << name;
    }
  }

  EXPECT_EQ(DumpCheckpoint(dir, kFamilies), expected);
  // Read-only, too, and again (the first open changed the checkpoint's own files only).
  std::unique_ptr<DB> ro;
  Handles ro_handles;
  Status s = OpenAt(dir, kFamilies, &ro, &ro_handles, /*read_only=*/true);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Dump(ro.get(), ro_handles), expected);
  ASSERT_TRUE(ro->Close().ok());
  // All the families must be named, as with the database itself.
  std::unique_ptr<DB> partial;
  Handles partial_handles;
  EXPECT_TRUE(OpenAt(dir, {"default"}, &partial, &partial_handles).IsInvalidArgument());
}

// Taken while a writer writes key i with value i in order, flushes and compactions run and a
// thread compacts everything again and again: each checkpoint holds keys 0..n-1, no gap, with
// every write acknowledged before Create and none that was not yet started when it returned.
TEST_F(CheckpointTest, ConsistentPrefixBesideWritesAndCompactions) {
  cf_options_.level0_file_num_compaction_trigger = 2;
  Open();
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  const std::string padding(100, 'v');
  std::thread writer([&] {
    for (int i = 0; !stop.load() && i < 400000; i++) {
      Status s = db_->Put(WriteOptions(), Key(i), std::to_string(i) + padding);
      ASSERT_TRUE(s.ok()) << s.ToString();
      acked.store(i + 1);
    }
  });
  std::thread compactor([&] {
    while (!stop.load()) {
      Status s = db_->CompactRange(nullptr, nullptr);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
  });
  struct Taken {
    std::string dir;
    int before, after;
  };
  std::vector<Taken> taken;
  for (int c = 0; c < 8; c++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::string dir = Path("ckpt" + std::to_string(c));
    const int before = acked.load();
    Status s = Checkpoint::Create(db_.get(), dir);
    // The writer has at most one write under way: the one after the last acknowledged.
    const int after = acked.load() + 1;
    ASSERT_TRUE(s.ok()) << s.ToString();
    taken.push_back({dir, before, after});
  }
  stop.store(true);
  writer.join();
  compactor.join();
  ASSERT_TRUE(db_->Close().ok());

  int previous = 0;
  for (const Taken& t : taken) {
    SCOPED_TRACE(t.dir);
    std::unique_ptr<DB> db;
    Handles handles;
    Status s = OpenAt(t.dir, {kDefaultColumnFamilyName}, &db, &handles);
    ASSERT_TRUE(s.ok()) << s.ToString();
    int n = 0;
    std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next(), n++) {
      ASSERT_EQ(it->key(), Key(n)) << "a gap before key " << n;
      ASSERT_EQ(it->value(), std::to_string(n) + padding);
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    it.reset();
    EXPECT_GE(n, t.before);
    EXPECT_LE(n, t.after);
    EXPECT_GE(n, previous);
    previous = n;
    ASSERT_TRUE(db->Close().ok());
  }
  EXPECT_GT(previous, 0);
}

// Writes made without the WAL are only in memtables: Create flushes them first.
TEST_F(CheckpointTest, IncludesWritesWithoutTheWal) {
  Open(kFamilies);
  WriteOptions no_wal;
  no_wal.disable_wal = true;
  Put("default", "logged", "1");
  ASSERT_TRUE(db_->Put(no_wal, handles_["default"], "unlogged", "2").ok());
  ASSERT_TRUE(db_->Put(no_wal, handles_["one"], "unlogged-one", "3").ok());
  Put("two", "logged-two", "4");
  const std::string expected = Dump(db_.get(), handles_);
  const std::string dir = Path("ckpt");
  Create(dir);
  EXPECT_EQ(DumpCheckpoint(dir, kFamilies), expected);
  EXPECT_NE(expected.find("unlogged=2"), std::string::npos);
  EXPECT_NE(expected.find("unlogged-one=3"), std::string::npos);
}

// With a base, the tables added and removed since it, as the directories show them.
TEST_F(CheckpointTest, IncrementalListsTheDifference) {
  cf_options_.disable_auto_compactions = true;
  Open();
  for (int i = 0; i < 100; i++) Put("default", Key(i), "a");
  Flush("default");
  for (int i = 100; i < 150; i++) Put("default", Key(i), "b");  // in the log
  const std::string c1 = Path("c1"), c2 = Path("c2"), c3 = Path("c3");
  const CheckpointInfo i1 = Create(c1);
  EXPECT_EQ(i1.added, i1.tables);
  EXPECT_TRUE(i1.removed.empty());
  const std::string d1 = Dump(db_.get(), handles_);

  for (int i = 0; i < 100; i += 2) Put("default", Key(i), "c");
  Flush("default");
  const CheckpointInfo i2 = Create(c2, c1);
  const std::string d2 = Dump(db_.get(), handles_);
  EXPECT_EQ(AsSet(i2.tables), Files(c2, ".sst"));
  EXPECT_EQ(i2.added, Minus(Files(c2, ".sst"), Files(c1, ".sst")));
  EXPECT_FALSE(i2.added.empty());
  EXPECT_TRUE(i2.removed.empty());  // flushes only add

  // A compaction rewrites every table: all of c2's go, new ones come.
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  Put("default", "z", "after compaction");
  const CheckpointInfo i3 = Create(c3, c2);
  const std::string d3 = Dump(db_.get(), handles_);
  EXPECT_EQ(i3.added, Minus(Files(c3, ".sst"), Files(c2, ".sst")));
  EXPECT_EQ(i3.removed, Minus(Files(c2, ".sst"), Files(c3, ".sst")));
  EXPECT_EQ(AsSet(i3.removed), AsSet(i2.tables));
  EXPECT_FALSE(i3.added.empty());
  EXPECT_GT(i3.last_sequence, i2.last_sequence);
  EXPECT_GT(i2.last_sequence, i1.last_sequence);

  // Each is complete on its own, base or not.
  EXPECT_EQ(DumpCheckpoint(c1), d1);
  EXPECT_EQ(DumpCheckpoint(c2), d2);
  EXPECT_EQ(DumpCheckpoint(c3), d3);
  // The list is of the checkpoint as made: c1 was opened (and so changed) since.
  const CheckpointInfo i4 = Create(Path("c4"), c1);
  EXPECT_EQ(AsSet(i4.removed), AsSet(i1.tables));
}

// The database goes on as before: once Create has returned, a compaction deletes the tables
// and a flush the logs that the checkpoint copied, and the checkpoint still opens.
TEST_F(CheckpointTest, PinsNothingOnceCreated) {
  cf_options_.disable_auto_compactions = true;
  Open();
  // Two overlapping tables, so that the compaction merges (not moves) them.
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < 50; i++) Put("default", Key(i), "r" + std::to_string(round));
    Flush("default");
  }
  Put("default", "mem", "1");
  const std::string expected = Dump(db_.get(), handles_);
  const std::string dir = Path("ckpt");
  const CheckpointInfo info = Create(dir);
  ASSERT_EQ(info.tables.size(), 2u);
  const std::set<std::string> logs = Files(dir, ".log");
  ASSERT_FALSE(logs.empty());

  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
  for (const std::string& name : info.tables) {
    EXPECT_FALSE(Exists(dbname_ + "/" + name)) << name << " kept for the checkpoint";
  }
  for (const std::string& name : logs) {
    EXPECT_FALSE(Exists(dbname_ + "/" + name)) << name << " kept for the checkpoint";
  }
  uint64_t versions = 0;
  ASSERT_TRUE(db_->GetIntProperty("lsm.num-live-versions", &versions));
  EXPECT_EQ(versions, 1u);
  Put("default", "after", "2");
  std::string value;
  ASSERT_TRUE(db_->Get(ReadOptions(), "after", &value).ok());
  EXPECT_EQ(DumpCheckpoint(dir), expected);
}

// While Create links and copies, a flush and a compaction in the database leave the files it
// is taking (its versions and logs are held); once it returns they are deleted. The first link
// fails here, and the table is copied instead.
TEST_F(CheckpointTest, HoldsItsFilesOnlyWhileCreating) {
  auto fault = std::make_shared<FaultFileSystem>(std::make_shared<MemFileSystem>(), TestSeed());
  db_options_.file_system = fault;
  cf_options_.disable_auto_compactions = true;
  Open();
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < 50; i++) Put("default", Key(i), "r" + std::to_string(round));
    Flush("default");
  }
  Put("default", "mem", "1");
  const std::string expected = Dump(db_.get(), handles_);
  std::set<std::string> before = Files(dbname_, ".sst");
  for (const std::string& log : Files(dbname_, ".log")) before.insert(log);
  ASSERT_GE(before.size(), 3u);

  bool hooked = false;
  fault->SetInjectionHook([&](FaultOp op, const std::string&) {
    if (op != FaultOp::kLink || hooked) return;
    hooked = true;
    // The hook runs under the file system's lock, which the database's work takes after its
    // own: that work runs on a thread of its own, as it would in an application.
    std::thread work([&] {
      ASSERT_TRUE(db_->Put(WriteOptions(), "during", "x").ok());
      ASSERT_TRUE(db_->Flush().ok());
      ASSERT_TRUE(db_->CompactRange(nullptr, nullptr).ok());
    });
    work.join();
    for (const std::string& name : before) {
      EXPECT_TRUE(Exists(dbname_ + "/" + name)) << name << " deleted under the checkpoint";
    }
  });
  fault->FailNext(FaultOp::kLink, 1);
  const std::string dir = Path("ckpt");
  const CheckpointInfo info = Create(dir);
  ASSERT_TRUE(hooked);
  EXPECT_EQ(info.tables_copied, 1u);
  for (const std::string& name : before) {
    EXPECT_FALSE(Exists(dbname_ + "/" + name)) << name << " kept after the checkpoint";
  }
  EXPECT_EQ(DumpCheckpoint(dir), expected);  // without "during"
  EXPECT_EQ(ReadForTest(db_.get(), "during"), "x");
}

// Where no table can be linked (another file system, say), every one is copied.
TEST_F(CheckpointTest, CopiesWhatCannotBeLinked) {
  auto fault = std::make_shared<FaultFileSystem>(std::make_shared<MemFileSystem>(), TestSeed());
  fault->SetErrorRate(FaultOp::kLink, 1);
  db_options_.file_system = fault;
  Open(kFamilies);
  for (const std::string& cf : kFamilies) {
    for (int i = 0; i < 30; i++) Put(cf, Key(i), cf);
    Flush(cf);
    Put(cf, "mem", cf);
  }
  const std::string expected = Dump(db_.get(), handles_);
  const std::string dir = Path("ckpt");
  const CheckpointInfo info = Create(dir);
  EXPECT_EQ(info.tables.size(), 3u);
  EXPECT_EQ(info.tables_copied, info.tables.size());
  EXPECT_EQ(fault->InjectedErrors(FaultOp::kLink), 3u);
  EXPECT_EQ(DumpCheckpoint(dir, kFamilies), expected);

  // Over a file system that links, nothing is copied.
  fault->SetErrorRate(FaultOp::kLink, 0);
  const CheckpointInfo linked = Create(Path("ckpt2"));
  EXPECT_EQ(linked.tables_copied, 0u);
  EXPECT_EQ(DumpCheckpoint(Path("ckpt2"), kFamilies), expected);
}

// Each bad argument is a Status naming the problem, and leaves nothing behind.
TEST_F(CheckpointTest, BadInputsLeaveNothing) {
  Open();
  Put("default", "k", "v");
  const std::string dir = Path("ckpt");

  Status s = Checkpoint::Create(nullptr, dir);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("null"), std::string::npos) << s.ToString();
  s = Checkpoint::Create(db_.get(), "");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  ExpectNothingLeft(dir);

  s = Checkpoint::Create(db_.get(), tmp_.path());
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("exists"), std::string::npos) << s.ToString();
  s = Checkpoint::Create(db_.get(), dbname_);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();

  CheckpointOptions options;
  options.base = Path("missing");
  s = Checkpoint::Create(db_.get(), dir, options, nullptr);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find(options.base), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("does not exist"), std::string::npos) << s.ToString();
  ExpectNothingLeft(dir);

  options.base = dbname_;  // a database, not a checkpoint
  s = Checkpoint::Create(db_.get(), dir, options, nullptr);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("not a checkpoint"), std::string::npos) << s.ToString();
  ExpectNothingLeft(dir);

  const std::string base = Path("base");
  Create(base);
  WriteFile(base + "/CHECKPOINT", "lsm checkpoint 1\ntable 000009.sst many\n");
  options.base = base;
  s = Checkpoint::Create(db_.get(), dir, options, nullptr);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find("CHECKPOINT"), std::string::npos) << s.ToString();
  ExpectNothingLeft(dir);

  // What an interrupted Create left in the staging directory is cleared away.
  ASSERT_TRUE(Fs()->CreateDirIfMissing(dir + ".tmp").ok());
  WriteFile(dir + ".tmp/000042.sst", "half a table");
  Create(dir);
  EXPECT_FALSE(Exists(dir + ".tmp"));
  EXPECT_FALSE(Exists(dir + "/000042.sst"));
  EXPECT_NE(DumpCheckpoint(dir).find("k=v"), std::string::npos);

  std::unique_ptr<DB> ro;
  Handles ro_handles;
  ASSERT_TRUE(OpenAt(dbname_, {"default"}, &ro, &ro_handles, /*read_only=*/true).ok());
  s = Checkpoint::Create(ro.get(), Path("ro"));
  EXPECT_TRUE(s.IsNotSupported()) << s.ToString();
  ExpectNothingLeft(Path("ro"));
  ASSERT_TRUE(ro->Close().ok());

  ASSERT_TRUE(db_->Close().ok());
  s = Checkpoint::Create(db_.get(), Path("closed"));
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("database closed"), std::string::npos) << s.ToString();
  ExpectNothingLeft(Path("closed"));
}

// A Create that fails on an I/O error leaves nothing, and the next one works.
TEST_F(CheckpointTest, FailedCreateLeavesNothing) {
  auto fault = std::make_shared<FaultFileSystem>(std::make_shared<MemFileSystem>(), TestSeed());
  db_options_.file_system = fault;
  Open();
  for (int i = 0; i < 30; i++) Put("default", Key(i), "v");
  Flush("default");
  Put("default", "mem", "1");
  const std::string expected = Dump(db_.get(), handles_);
  const std::string dir = Path("ckpt");
  struct Case {
    FaultOp op;
    std::string suffix;
  };
  const std::vector<Case> cases = {
      {FaultOp::kOpen, "ckpt.tmp/" + *Files(dbname_, ".sst").begin()},  // a table's copy
      {FaultOp::kSync, ".log"},                                         // a log's copy
      {FaultOp::kRename, ".dbtmp"},                                     // CURRENT
      {FaultOp::kSync, "CHECKPOINT"},                                   // the table list
      {FaultOp::kRename, "ckpt.tmp"},  // the staging directory to its name
      {FaultOp::kSync, tmp_.path()},   // the parent directory, after that rename
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.suffix);
    fault->SetErrorRate(FaultOp::kLink, c.op == FaultOp::kOpen ? 1 : 0);
    fault->FailNext(c.op, 1, FaultError::kNoSpace, c.suffix);
    const uint64_t injected = fault->TotalInjectedErrors();
    Status s = Checkpoint::Create(db_.get(), dir);
    EXPECT_TRUE(s.IsIOError()) << s.ToString();
    EXPECT_GT(fault->TotalInjectedErrors(), injected);
    ExpectNothingLeft(dir);
    fault->ClearErrorRules();
  }
  Create(dir);
  EXPECT_EQ(DumpCheckpoint(dir), expected);
}

}  // namespace
}  // namespace lsm
