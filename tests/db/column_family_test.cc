// Column families: each family a key space of its own with its own options, all sharing one
// WAL (batches across families are atomic) and one sequence (snapshots cover every family).
#include <absl/strings/str_format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lsm/comparator.h"
#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "src/base/filename.h"
#include "src/version/version_edit.h"
#include "src/version/version_set.h"
#include "src/wal/log_reader.h"
#include "tests/support/db_read.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// Orders keys backwards.
class ReverseComparator final : public Comparator {
 public:
  int Compare(std::string_view a, std::string_view b) const override {
    return BytewiseComparator()->Compare(b, a);
  }
  const char* Name() const override { return "test.Reverse"; }
  void FindShortestSeparator(std::string*, std::string_view) const override {}
  void FindShortSuccessor(std::string*) const override {}
};

class ColumnFamilyTest : public testing::Test {
 protected:
  ColumnFamilyTest() : dbname_(tmp_.path() + "/db") {
    db_options_.create_if_missing = true;
    cf_options_.write_buffer_size = 64 << 10;
  }

  // Opens the database with families `names` (the default one first), all with cf_options_.
  Status TryOpen(const std::vector<std::string>& names) {
    handles_.clear();
    db_.reset();
    std::vector<ColumnFamilyDescriptor> descs;
    for (const std::string& name : names) descs.push_back({name, cf_options_});
    for (auto& [name, options] : per_family_) {
      for (auto& d : descs) {
        if (d.name == name) d.options = options;
      }
    }
    std::vector<ColumnFamilyHandle*> handles;
    Status s = DB::Open(db_options_, dbname_, descs, &handles, &db_);
    if (s.ok()) {
      EXPECT_EQ(handles.size(), names.size());
      for (size_t i = 0; i < names.size(); i++) handles_[names[i]] = handles[i];
    }
    return s;
  }
  void Open(const std::vector<std::string>& names) {
    Status s = TryOpen(names);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Reopen(const std::vector<std::string>& names) {
    ASSERT_TRUE(db_->Close().ok());
    Open(names);
  }
  void Create(const std::string& name) {
    ColumnFamilyHandle* h = nullptr;
    Status s = db_->CreateColumnFamily(per_family_.contains(name) ? per_family_[name] : cf_options_,
                                       name, &h);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(h->GetName(), name);
    handles_[name] = h;
  }
  void Put(const std::string& cf, std::string_view key, std::string_view value) {
    Status s = db_->Put(WriteOptions(), handles_.at(cf), key, value);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::string Get(const std::string& cf, std::string_view key, const Snapshot* snapshot = nullptr) {
    ReadOptions ro;
    ro.snapshot = snapshot;
    std::string value;
    Status s = db_->Get(ro, handles_.at(cf), key, &value);
    if (s.IsNotFound()) return "NOT_FOUND";
    if (!s.ok()) return s.ToString();
    return value;
  }
  // "k1=v1 k2=v2" in iteration order.
  std::string Scan(const std::string& cf) {
    std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions(), handles_.at(cf));
    std::string out;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (!out.empty()) out += " ";
      out += std::string(it->key()) + "=" + std::string(it->value());
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return out;
  }
  std::vector<std::string> Files(FileType want) {
    std::vector<std::string> children, found;
    EXPECT_TRUE(Env().GetChildren(dbname_, &children).ok());
    for (const std::string& c : children) {
      uint64_t number;
      FileType type;
      if (ParseFileName(c, &number, &type) && type == want) found.push_back(c);
    }
    return found;
  }
  // Bytes of the table files in the directory.
  uint64_t TableBytes() {
    uint64_t total = 0;
    for (const std::string& name : Files(FileType::kTable)) {
      uint64_t size = 0;
      if (Env().GetFileSize(dbname_ + "/" + name, &size).ok()) total += size;
    }
    return total;
  }
  FileSystem& Env() { return *FileSystem::Default(); }
  std::vector<std::string> List() {
    std::vector<std::string> names;
    Status s = DB::ListColumnFamilies(db_options_, dbname_, &names);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return names;
  }

  TempDir tmp_;
  std::string dbname_;
  DBOptions db_options_;
  ColumnFamilyOptions cf_options_;
  std::map<std::string, ColumnFamilyOptions> per_family_;
  std::unique_ptr<DB> db_;
  std::map<std::string, ColumnFamilyHandle*> handles_;
};

TEST_F(ColumnFamilyTest, FamiliesAreSeparateKeySpaces) {
  Open({"default"});
  EXPECT_EQ(db_->DefaultColumnFamily()->GetID(), 0u);
  EXPECT_EQ(db_->DefaultColumnFamily()->GetName(), kDefaultColumnFamilyName);
  Create("a");
  Create("b");
  EXPECT_NE(handles_["a"]->GetID(), handles_["b"]->GetID());
  Put("default", "k", "d");
  Put("a", "k", "a");
  Put("b", "other", "b");
  EXPECT_EQ(Get("default", "k"), "d");
  EXPECT_EQ(Get("a", "k"), "a");
  EXPECT_EQ(Get("b", "k"), "NOT_FOUND");
  EXPECT_EQ(Scan("b"), "other=b");
  // The calls without a handle are the default family's.
  std::string v;
  ASSERT_TRUE(db_->Get(ReadOptions(), "k", &v).ok());
  EXPECT_EQ(v, "d");
  EXPECT_EQ(List(), (std::vector<std::string>{"default", "a", "b"}));
  // Through flushes, compactions and a reopen.
  ASSERT_TRUE(db_->Flush(FlushOptions(), handles_["a"]).ok());
  ASSERT_TRUE(db_->CompactRange(handles_["a"], nullptr, nullptr).ok());
  Reopen({"default", "a", "b"});
  EXPECT_EQ(Get("default", "k"), "d");
  EXPECT_EQ(Get("a", "k"), "a");
  EXPECT_EQ(Get("b", "other"), "b");
  EXPECT_EQ(Get("b", "k"), "NOT_FOUND");
}

TEST_F(ColumnFamilyTest, OpenMustNameEveryFamily) {
  Open({"default"});
  Create("a");
  Create("b");
  ASSERT_TRUE(db_->Close().ok());
  Status s = TryOpen({"default", "a"});
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("b"), std::string::npos) << s.ToString();
  // The plain Open names only the default family.
  std::unique_ptr<DB> db;
  Options options;
  s = DB::Open(options, dbname_, &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  // A family the database lacks is created only if asked.
  s = TryOpen({"default", "a", "b", "c"});
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  db_options_.create_missing_column_families = true;
  Open({"default", "a", "b", "c"});
  EXPECT_EQ(List(), (std::vector<std::string>{"default", "a", "b", "c"}));
  // Read-only opens may name a subset.
  ASSERT_TRUE(db_->Close().ok());
  std::vector<ColumnFamilyHandle*> handles;
  std::unique_ptr<DB> ro;
  s = DB::OpenForReadOnly(db_options_, dbname_, {{"default", cf_options_}, {"b", cf_options_}},
                          &handles, &ro);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(handles.size(), 2u);
  // The descriptors must include the default family, once each.
  s = DB::Open(db_options_, dbname_, {{"a", cf_options_}}, &handles, &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  s = DB::Open(db_options_, dbname_, {{"default", cf_options_}, {"default", cf_options_}}, &handles,
               &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
}

TEST_F(ColumnFamilyTest, BadNamesAndHandles) {
  Open({"default"});
  Create("a");
  ColumnFamilyHandle* h = nullptr;
  EXPECT_TRUE(db_->CreateColumnFamily(cf_options_, "", &h).IsInvalidArgument());
  EXPECT_TRUE(db_->CreateColumnFamily(cf_options_, "a", &h).IsInvalidArgument());
  EXPECT_TRUE(db_->CreateColumnFamily(cf_options_, "default", &h).IsInvalidArgument());
  ColumnFamilyOptions bad = cf_options_;
  bad.write_buffer_size = 1;
  Status s = db_->CreateColumnFamily(bad, "tiny", &h);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("write_buffer_size"), std::string::npos) << s.ToString();
  s = db_->DropColumnFamily(db_->DefaultColumnFamily());
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(db_->Put(WriteOptions(), nullptr, "k", "v").IsInvalidArgument());

  // A handle of another database.
  TempDir other_dir;
  std::unique_ptr<DB> other;
  Options options;
  options.create_if_missing = true;
  ASSERT_TRUE(DB::Open(options, other_dir.path() + "/db", &other).ok());
  s = db_->Put(WriteOptions(), other->DefaultColumnFamily(), "k", "v");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();

  // After Close, every call with a handle fails the same way.
  ColumnFamilyHandle* a = handles_["a"];
  ASSERT_TRUE(db_->Close().ok());
  EXPECT_TRUE(db_->Put(WriteOptions(), a, "k", "v").IsInvalidArgument());
  std::string v;
  EXPECT_TRUE(db_->Get(ReadOptions(), a, "k", &v).IsInvalidArgument());
}

// Writes find their family by ID whether it is among the first 64 (looked up without a lock)
// or past them, and a batch naming a dropped one is refused either way.
TEST_F(ColumnFamilyTest, ManyFamilies) {
  Open({"default"});
  std::vector<std::string> names = {"default"};
  for (int i = 1; i < 70; i++) {
    names.push_back("cf" + std::to_string(i));
    ASSERT_NO_FATAL_FAILURE(Create(names.back()));
  }
  WriteBatch batch;
  for (const std::string& name : names) batch.Put(handles_[name], "k", name);
  ASSERT_TRUE(db_->Write(WriteOptions(), &batch).ok());
  Reopen(names);
  for (const std::string& name : names) EXPECT_EQ(Get(name, "k"), name);
  for (const std::string name : {"cf3", "cf68"}) {
    SCOPED_TRACE(name);
    WriteBatch one;
    one.Put(handles_[name], "k", "again");
    ASSERT_TRUE(db_->DropColumnFamily(handles_[name]).ok());
    const Status s = db_->Write(WriteOptions(), &one);
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_NE(s.ToString().find("does not exist"), std::string::npos) << s.ToString();
  }
  EXPECT_EQ(Get("cf69", "k"), "cf69");
}

TEST_F(ColumnFamilyTest, DropRemovesTheFamilyAndItsFiles) {
  cf_options_.compression = CompressionType::kNone;  // the dropped family's bytes show
  Open({"default"});
  Create("gone");
  Create("kept");
  for (int i = 0; i < 2000; i++) {
    Put("gone", "k" + std::to_string(i), std::string(100, 'g'));
    Put("kept", "k" + std::to_string(i), "kept");
  }
  ASSERT_TRUE(db_->Flush().ok());
  const uint64_t bytes_before = TableBytes();
  ASSERT_GT(bytes_before, 200000u);
  // An iterator opened before the drop still reads the family.
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions(), handles_["gone"]);
  ColumnFamilyHandle* gone = handles_["gone"];
  ASSERT_TRUE(db_->DropColumnFamily(gone).ok());
  EXPECT_TRUE(db_->DropColumnFamily(gone).IsInvalidArgument());
  std::string v;
  Status s = db_->Get(ReadOptions(), gone, "k1", &v);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(db_->Put(WriteOptions(), gone, "k", "v").IsInvalidArgument());
  WriteBatch batch;
  batch.Put(gone, "k", "v");
  batch.Put(handles_["kept"], "k", "never");
  EXPECT_TRUE(db_->Write(WriteOptions(), &batch).IsInvalidArgument());
  EXPECT_EQ(Get("kept", "k"), "NOT_FOUND");  // nothing of a refused batch is written
  EXPECT_TRUE(db_->Flush(FlushOptions(), gone).IsInvalidArgument());
  int n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) n++;
  EXPECT_EQ(n, 2000);
  it.reset();
  // Its tables (over 200 KB of the 'g' values) go once nothing reads them: a compaction
  // thread looks when a reader lets go of an old version.
  for (int i = 0; i < 1000 && TableBytes() + 150000 > bytes_before; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_LT(TableBytes() + 150000, bytes_before);
  EXPECT_EQ(List(), (std::vector<std::string>{"default", "kept"}));
  Reopen({"default", "kept"});
  EXPECT_EQ(Get("kept", "k5"), "kept");
  // The name may be used again, for a new, empty family with a new ID.
  Create("gone");
  EXPECT_EQ(Get("gone", "k1"), "NOT_FOUND");
}

TEST_F(ColumnFamilyTest, BatchesAcrossFamiliesAreAtomicAndRecovered) {
  Open({"default"});
  Create("a");
  Create("b");
  WriteBatch batch;
  batch.Put(handles_["a"], "k", "a1");
  batch.Put(handles_["b"], "k", "b1");
  batch.Delete(handles_["b"], "missing");
  batch.Put("k", "d1");
  ASSERT_TRUE(db_->Write(WriteOptions(), &batch).ok());
  // A is flushed, B and the default family are not: the log holds their writes still, and
  // replaying it must not add A's twice (a merge operand would show it; a Put cannot).
  ASSERT_TRUE(db_->Flush(FlushOptions(), handles_["a"]).ok());
  Put("a", "k2", "a2");
  Reopen({"default", "a", "b"});
  EXPECT_EQ(Get("a", "k"), "a1");
  EXPECT_EQ(Get("a", "k2"), "a2");
  EXPECT_EQ(Get("b", "k"), "b1");
  EXPECT_EQ(Get("default", "k"), "d1");
}

TEST_F(ColumnFamilyTest, LogsAreKeptUntilEveryFamilyFlushedPastThem) {
  per_family_["counters"] = cf_options_;
  per_family_["counters"].merge_operator = MergeOperators::CreateUInt64AddOperator();
  Open({"default"});
  Create("counters");
  Create("idle");  // never written: must not keep any log
  std::string one(8, '\0');
  one[0] = 1;
  for (int round = 0; round < 5; round++) {
    ASSERT_TRUE(db_->Merge(WriteOptions(), handles_["counters"], "c", one).ok());
    for (int i = 0; i < 300; i++) Put("default", "k" + std::to_string(i), std::string(300, 'x'));
    ASSERT_TRUE(db_->Flush(FlushOptions(), db_->DefaultColumnFamily()).ok());
  }
  // The counters family was never flushed: its five operands are in the logs still.
  Reopen({"default", "counters", "idle"});
  std::string v;
  ASSERT_TRUE(db_->Get(ReadOptions(), handles_["counters"], "c", &v).ok());
  ASSERT_EQ(v.size(), 8u);
  EXPECT_EQ(v[0], 5);
  // Once it flushes, the old logs go: the idle family keeps none.
  ASSERT_TRUE(db_->Flush().ok());
  Put("default", "after", "v");
  ASSERT_TRUE(db_->Flush(FlushOptions(), db_->DefaultColumnFamily()).ok());
  EXPECT_LE(Files(FileType::kLog).size(), 2u);
  Reopen({"default", "counters", "idle"});
  ASSERT_TRUE(db_->Get(ReadOptions(), handles_["counters"], "c", &v).ok());
  EXPECT_EQ(v[0], 5);
}

TEST_F(ColumnFamilyTest, EachFamilyHasItsOwnOptions) {
  static const ReverseComparator reverse;
  per_family_["rev"] = cf_options_;
  per_family_["rev"].comparator = &reverse;
  per_family_["fifo"] = cf_options_;
  per_family_["fifo"].compaction_style = CompactionStyle::kFIFO;
  per_family_["fifo"].compaction_options_fifo.max_table_files_size = 64 << 10;
  per_family_["fifo"].compression = CompressionType::kNone;
  Open({"default"});
  Create("rev");
  Create("fifo");
  Put("rev", "a", "1");
  Put("rev", "c", "3");
  Put("rev", "b", "2");
  EXPECT_EQ(Scan("rev"), "c=3 b=2 a=1");
  // DeleteRange's ends are ordered by the family's comparator.
  Status s = db_->DeleteRange(WriteOptions(), handles_["rev"], "a", "c");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  ASSERT_TRUE(db_->DeleteRange(WriteOptions(), handles_["rev"], "c", "a").ok());
  EXPECT_EQ(Scan("rev"), "a=1");
  // Merge needs the family's own operator.
  s = db_->Merge(WriteOptions(), handles_["fifo"], "k", "x");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  // FIFO drops the family's oldest tables; the default family keeps everything.
  for (int i = 0; i < 50; i++) {
    for (int j = 0; j < 20; j++) {
      Put("fifo", "f" + std::to_string(i * 20 + j), std::string(200, 'f'));
      Put("default", "d" + std::to_string(i * 20 + j), std::string(200, 'd'));
    }
    ASSERT_TRUE(db_->Flush().ok());
  }
  // FIFO's deletions run in the background.
  for (int i = 0; i < 1000 && Get("fifo", "f0") != "NOT_FOUND"; i++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Get("fifo", "f0"), "NOT_FOUND");
  EXPECT_EQ(Get("default", "d0"), std::string(200, 'd'));
  // Per-family properties.
  uint64_t fifo_l0 = 0, default_keys = 0;
  ASSERT_TRUE(db_->GetIntProperty(handles_["fifo"], "lsm.num-files-at-level0", &fifo_l0));
  EXPECT_GT(fifo_l0, 0u);
  ASSERT_TRUE(db_->GetIntProperty("lsm.estimate-num-keys", &default_keys));
  EXPECT_GE(default_keys, 900u);
  // Reopened with another comparator than the family was created with.
  ASSERT_TRUE(db_->Close().ok());
  per_family_["rev"].comparator = nullptr;
  s = TryOpen({"default", "rev", "fifo"});
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("test.Reverse"), std::string::npos) << s.ToString();
}

TEST_F(ColumnFamilyTest, SnapshotsCoverEveryFamily) {
  Open({"default"});
  Create("a");
  Put("default", "k", "d1");
  Put("a", "k", "a1");
  const Snapshot* snap = db_->GetSnapshot();
  Put("default", "k", "d2");
  Put("a", "k", "a2");
  ASSERT_TRUE(db_->Flush().ok());
  EXPECT_EQ(Get("default", "k", snap), "d1");
  EXPECT_EQ(Get("a", "k", snap), "a1");
  EXPECT_EQ(Get("a", "k"), "a2");
  db_->ReleaseSnapshot(snap);
}

// The records of one MANIFEST, each a list of (family, tables added).
std::vector<std::vector<std::pair<uint32_t, size_t>>> ManifestRecords(
    const std::string& dbname, FileSystem* fs = FileSystem::Default().get()) {
  std::vector<std::vector<std::pair<uint32_t, size_t>>> records;
  uint64_t number;
  EXPECT_TRUE(ReadCurrentFile(fs, dbname, &number).ok());
  std::unique_ptr<SequentialFile> file;
  EXPECT_TRUE(fs->NewSequentialFile(ManifestFileName(dbname, number), &file).ok());
  log::Reader reader(std::move(file), "manifest", number, WALRecoveryMode::kPointInTimeRecovery);
  std::string_view record;
  std::string scratch;
  while (reader.ReadRecord(&record, &scratch)) {
    std::vector<VersionEdit> edits;
    EXPECT_TRUE(VersionEdit::DecodeGroup(record, &edits).ok());
    auto& r = records.emplace_back();
    for (const VersionEdit& e : edits) r.emplace_back(e.column_family(), e.new_files().size());
  }
  return records;
}

TEST_F(ColumnFamilyTest, AtomicFlushRecordsEveryFamilyInOneEdit) {
  db_options_.atomic_flush = true;
  Open({"default"});
  Create("a");
  Create("b");
  Put("a", "k", "a");
  Put("b", "k", "b");
  Put("default", "k", "d");
  ASSERT_TRUE(db_->Flush(FlushOptions(), {handles_["a"], handles_["b"]}).ok());
  // The last record adds a table to both families at once.
  auto records = ManifestRecords(dbname_);
  ASSERT_FALSE(records.empty());
  size_t with_tables = 0;
  for (const auto& [cf, added] : records.back()) with_tables += added > 0 ? 1 : 0;
  EXPECT_EQ(with_tables, 2u);
  uint64_t entries = 0;
  ASSERT_TRUE(db_->GetIntProperty(handles_["a"], "lsm.num-entries-active-mem-table", &entries));
  EXPECT_EQ(entries, 0u);
  ASSERT_TRUE(db_->GetIntProperty("lsm.num-entries-active-mem-table", &entries));
  EXPECT_EQ(entries, 1u);  // not named: not flushed
  Reopen({"default", "a", "b"});
  EXPECT_EQ(Get("a", "k"), "a");
  EXPECT_EQ(Get("b", "k"), "b");
  EXPECT_EQ(Get("default", "k"), "d");
}

// Under atomic_flush a flush the database starts itself takes every family that holds
// anything: batches written across families without the log then survive a power loss whole
// in every family or in none.
TEST_F(ColumnFamilyTest, AtomicFlushTakesEveryFamilyWhenOneFills) {
  auto fs = std::make_shared<FaultFileSystem>(std::make_shared<MemFileSystem>(), 1);
  dbname_ = "/db";
  db_options_.file_system = fs;
  db_options_.atomic_flush = true;
  db_options_.create_missing_column_families = true;
  cf_options_.disable_auto_compactions = true;  // every table is a flush's
  per_family_["small"] = cf_options_;
  per_family_["small"].write_buffer_size = 4 << 20;  // never fills on its own
  const std::vector<std::string> names = {"default", "big", "small"};
  Open(names);
  auto key = [](int i) { return absl::StrFormat("k%06d", i); };
  auto write = [&](int i) {
    WriteBatch batch;
    batch.Put(handles_["big"], key(i), std::string(1000, 'b'));
    batch.Put(handles_["small"], key(i), "s");
    ASSERT_TRUE(db_->Write(WriteOptions{.disable_wal = true}, &batch).ok());
  };
  auto tables = [&](const std::string& cf) {
    uint64_t total = 0, files = 0;
    for (int level = 0; level < 7; level++) {
      EXPECT_TRUE(db_->GetIntProperty(handles_[cf],
                                      "lsm.num-files-at-level" + std::to_string(level), &files));
      total += files;
    }
    return total;
  };
  // How many of the first `n` keys each family holds, checking that they are a prefix.
  auto prefix = [&](const std::string& cf, int n) {
    int held = 0;
    while (held < n && Get(cf, key(held)) != "NOT_FOUND") held++;
    for (int i = held; i < n; i++) EXPECT_EQ(Get(cf, key(i)), "NOT_FOUND") << cf << " " << i;
    return held;
  };

  // "big" fills its 64 KiB memtable every 60 batches or so; "small" is flushed with it.
  int written = 0;
  while (tables("big") < 3) ASSERT_NO_FATAL_FAILURE(write(written++));
  ASSERT_NO_FATAL_FAILURE(write(written++));  // one more, in memory only
  EXPECT_GT(tables("small"), 0u);
  for (const auto& record : ManifestRecords(dbname_, fs.get())) {
    size_t with_tables = 0;
    for (const auto& [cf, added] : record) with_tables += added > 0 ? 1 : 0;
    EXPECT_TRUE(with_tables == 0 || with_tables == 2) << with_tables;
  }
  fs->CutPower();
  db_.reset();
  ASSERT_TRUE(fs->SimulatePowerLoss({}).ok());
  Open(names);
  const int held = prefix("big", written);
  EXPECT_EQ(prefix("small", written), held);
  EXPECT_GT(held, 0);
  EXPECT_LT(held, written);  // the last batch was never flushed

  // Close flushes what was written without the log, also in one edit.
  for (int i = held; i < held + 10; i++) ASSERT_NO_FATAL_FAILURE(write(i));
  ASSERT_TRUE(db_->Close().ok());
  const auto records = ManifestRecords(dbname_, fs.get());
  ASSERT_FALSE(records.empty());
  size_t with_tables = 0;
  for (const auto& [cf, added] : records.back()) with_tables += added > 0 ? 1 : 0;
  EXPECT_EQ(with_tables, 2u);
  Open(names);
  EXPECT_EQ(prefix("big", held + 10), held + 10);
  EXPECT_EQ(prefix("small", held + 10), held + 10);
}

TEST_F(ColumnFamilyTest, OptionsFileRecordsEveryFamily) {
  per_family_["offsets"] = cf_options_;
  per_family_["offsets"].write_buffer_size = 1 << 20;
  per_family_["offsets"].compaction_style = CompactionStyle::kUniversal;
  per_family_["offsets"].merge_operator = MergeOperators::CreateUInt64AddOperator();
  Open({"default"});
  Create("offsets");
  Create("tmp");
  ASSERT_TRUE(db_->DropColumnFamily(handles_["tmp"]).ok());
  // The newest OPTIONS file names the live families with their options.
  DBOptions loaded_db;
  std::vector<ColumnFamilyDescriptor> loaded;
  Status s = LoadLatestOptions(dbname_, &loaded_db, &loaded);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(loaded.size(), 2u);
  EXPECT_EQ(loaded[0].name, kDefaultColumnFamilyName);
  EXPECT_EQ(loaded[0].options.write_buffer_size, cf_options_.write_buffer_size);
  EXPECT_EQ(loaded[1].name, "offsets");
  EXPECT_EQ(loaded[1].options.write_buffer_size, size_t{1} << 20);
  EXPECT_EQ(loaded[1].options.compaction_style, CompactionStyle::kUniversal);
  ASSERT_NE(loaded[1].options.merge_operator, nullptr);
  EXPECT_STREQ(loaded[1].options.merge_operator->Name(), "uint64add");
  EXPECT_TRUE(loaded_db.create_if_missing);
  // What it loads opens the database.
  ASSERT_TRUE(db_->Close().ok());
  std::vector<ColumnFamilyHandle*> handles;
  s = DB::Open(loaded_db, dbname_, loaded, &handles, &db_);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // The plain loader reads the database's and the default family's options and passes over the
  // others.
  Options options;
  s = LoadLatestOptions(dbname_, &options);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(options.write_buffer_size, cf_options_.write_buffer_size);
}

TEST_F(ColumnFamilyTest, DatabaseWriteBufferBoundsEveryFamilyTogether) {
  cf_options_.write_buffer_size = 4 << 20;  // no family fills its own
  db_options_.db_write_buffer_size = 512 << 10;
  db_options_.create_missing_column_families = true;
  Open({"default", "a", "b", "c"});
  const std::vector<std::string> names = {"default", "a", "b", "c"};
  for (int i = 0; i < 20000; i++) {
    Put(names[i % 4], "k" + std::to_string(i), std::string(100, 'v'));
  }
  uint64_t total = 0, tables = 0;
  for (const std::string& name : names) {
    uint64_t bytes = 0, files = 0;
    ASSERT_TRUE(db_->GetIntProperty(handles_[name], "lsm.cur-size-active-mem-table", &bytes));
    total += bytes;
    for (int level = 0; level < 7; level++) {
      ASSERT_TRUE(db_->GetIntProperty(handles_[name],
                                      "lsm.num-files-at-level" + std::to_string(level), &files));
      tables += files;
    }
  }
  // 2.3 MB were written: the largest memtables were flushed to keep the sum near the budget.
  EXPECT_LT(total, uint64_t{1} << 20);
  EXPECT_GT(tables, 0u);
  Reopen(names);
  EXPECT_EQ(Get("c", "k19999"), std::string(100, 'v'));
  EXPECT_EQ(Get("default", "k0"), std::string(100, 'v'));
  // Below 64 KiB (but 0) is refused.
  ASSERT_TRUE(db_->Close().ok());
  db_options_.db_write_buffer_size = 1000;
  Status s = TryOpen(names);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("db_write_buffer_size"), std::string::npos) << s.ToString();
}

TEST_F(ColumnFamilyTest, MaxTotalWalSizeFlushesTheFamiliesHoldingOldLogs) {
  // "rare" is written once and never fills its memtable; "busy" switches logs all the time.
  // Without a limit every log since the write to "rare" stays; with one they go.
  for (const uint64_t limit : {uint64_t{1} << 40, uint64_t{256} << 10}) {
    SCOPED_TRACE("max_total_wal_size " + std::to_string(limit));
    ASSERT_TRUE(DestroyDB(dbname_, Options()).ok());
    db_options_.max_total_wal_size = limit;
    db_options_.create_missing_column_families = true;
    Open({"default", "rare", "busy"});
    Put("rare", "k", "v");
    for (int i = 0; i < 20000; i++) Put("busy", "k" + std::to_string(i), std::string(100, 'b'));
    ASSERT_TRUE(db_->Flush(FlushOptions(), handles_["busy"]).ok());
    const size_t logs = Files(FileType::kLog).size();
    uint64_t rare_tables = 0;
    ASSERT_TRUE(db_->GetIntProperty(handles_["rare"], "lsm.num-files-at-level0", &rare_tables));
    if (limit > (uint64_t{1} << 30)) {
      EXPECT_GT(logs, 10u);
      EXPECT_EQ(rare_tables, 0u);
    } else {
      EXPECT_LE(logs, 4u);
      EXPECT_EQ(rare_tables, 1u);
    }
    Reopen({"default", "rare", "busy"});
    EXPECT_EQ(Get("rare", "k"), "v");
    EXPECT_EQ(Get("busy", "k19999"), std::string(100, 'b'));
    ASSERT_TRUE(db_->Close().ok());
    db_.reset();
  }
}

}  // namespace
}  // namespace lsm
