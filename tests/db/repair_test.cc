// RepairDB: databases whose MANIFEST or CURRENT is lost or garbage, damaged tables and logs,
// tables whose ranges overlap, a held LOCK, foreign comparators.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "lsm/db.h"
#include "src/base/dbformat.h"
#include "src/base/filename.h"
#include "src/sstable/table_builder.h"
#include "src/util/random.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

namespace fs = std::filesystem;

class RepairTest : public testing::Test {
 protected:
  RepairTest() : dbname_(tmp_.path() + "/db") {
    options_.create_if_missing = true;
    options_.write_buffer_size = 64 << 10;
    options_.block_size = 512;
    // Only Fill's CompactRange compacts, so the tables it leaves do not depend on timing.
    options_.disable_auto_compactions = true;
  }

  // Writes `n` keys in rounds, overwriting and deleting some, with flushes and a full
  // compaction in between so that tables sit in several levels; the last round stays in the
  // log. Every write is also made to model_.
  void Fill(int n) {
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(options_, dbname_, &db).ok());
    for (int round = 0; round < 4; round++) {
      for (int i = round; i < n; i += 1 + round) {
        const std::string value = std::string(40, static_cast<char>('a' + round)) + Key(i);
        if (round == 2 && i % 5 == 0) {
          ASSERT_TRUE(db->Delete(WriteOptions(), Key(i)).ok());
          model_.erase(Key(i));
        } else {
          ASSERT_TRUE(db->Put(WriteOptions(), Key(i), value).ok());
          model_[Key(i)] = value;
        }
      }
      if (round < 3) {
        ASSERT_TRUE(db->Flush().ok());
      }
      if (round == 0) {
        ASSERT_TRUE(db->CompactRange(nullptr, nullptr).ok());
      }
    }
    ASSERT_TRUE(db->Close().ok());
  }

  // Every key of the model reads back, and nothing else is there.
  void CheckContents(const std::map<std::string, std::string>& model) {
    std::unique_ptr<DB> db;
    Status s = DB::Open(options_, dbname_, &db);
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (const auto& [key, value] : model) {
      std::string got;
      s = db->Get(ReadOptions(), key, &got);
      ASSERT_TRUE(s.ok()) << key << ": " << s.ToString();
      EXPECT_EQ(got, value) << key;
    }
    std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
    auto want = model.begin();
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++want) {
      ASSERT_NE(want, model.end()) << "extra key " << it->key();
      EXPECT_EQ(it->key(), want->first);
      EXPECT_EQ(it->value(), want->second);
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    EXPECT_EQ(want, model.end());
    it.reset();
    ASSERT_TRUE(db->Close().ok());
  }

  std::vector<std::string> Files(const std::string& suffix_or_prefix) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dbname_)) {
      const std::string name = e.path().filename().string();
      if (name.ends_with(suffix_or_prefix) || name.starts_with(suffix_or_prefix)) {
        out.push_back(e.path().string());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  Status Repair(RepairReport* report) { return RepairDB(dbname_, options_, report); }

  TempDir tmp_;
  std::string dbname_;
  Options options_;
  std::map<std::string, std::string> model_;
};

TEST_F(RepairTest, ManifestDeleted) {
  Fill(2000);
  ASSERT_GT(Files(".sst").size(), 1u);
  for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
  std::unique_ptr<DB> db;
  EXPECT_FALSE(DB::Open(options_, dbname_, &db).ok());
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(report.LostData()) << report.ToString();
  EXPECT_EQ(report.tables_dropped + report.tables_salvaged, 0u);
  EXPECT_GT(report.tables_kept, 0u);
  EXPECT_EQ(report.logs_replayed, 1u);
  EXPECT_GT(report.log_records, 0u);
  EXPECT_GT(report.last_sequence, 2000u);
  CheckContents(model_);
  // The log was replayed into a table and moved aside; nothing was deleted.
  EXPECT_TRUE(fs::is_directory(dbname_ + "/lost"));
  EXPECT_FALSE(report.archived.empty());
}

TEST_F(RepairTest, CurrentDeleted) {
  Fill(1000);
  fs::remove(dbname_ + "/CURRENT");
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(report.LostData()) << report.ToString();
  CheckContents(model_);
  // The old MANIFEST went into lost/.
  bool old_manifest = false;
  for (const std::string& name : report.archived) old_manifest |= name.starts_with("MANIFEST-");
  EXPECT_TRUE(old_manifest) << report.ToString();
}

TEST_F(RepairTest, ManifestGarbage) {
  Fill(1000);
  for (const std::string& m : Files("MANIFEST-")) WriteFile(m, std::string(300, '\x5a'));
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  CheckContents(model_);
  // A second repair of a sound database (compacted meanwhile, so tables of levels 0 and 1
  // may be merged) changes nothing it reads back.
  s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(report.LostData()) << report.ToString();
  EXPECT_EQ(report.log_records, 0u);  // the empty log of the last open
  CheckContents(model_);
}

TEST_F(RepairTest, DamagedTableKeepsIntactBlocks) {
  Fill(2000);
  // Damage the first data block of the largest table.
  std::string victim;
  for (const std::string& t : Files(".sst")) {
    if (victim.empty() || fs::file_size(t) > fs::file_size(victim)) victim = t;
  }
  std::string data = ReadFile(victim);
  data[20] ^= 0x10;
  WriteFile(victim, data);
  for (const std::string& m : Files("MANIFEST-")) fs::remove(m);

  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(report.LostData());
  EXPECT_EQ(report.tables_salvaged, 1u) << report.ToString();
  EXPECT_EQ(report.bad_blocks, 1u) << report.ToString();
  EXPECT_GT(report.entries_lost, 0u);
  EXPECT_NE(report.ToString().find("checksum"), std::string::npos) << report.ToString();
  EXPECT_TRUE(fs::exists(dbname_ + "/lost/" + fs::path(victim).filename().string()));

  // Reads never fail; every answer is the model's or, for keys whose entries were in the
  // damaged block, an older version or nothing.
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options_, dbname_, &db).ok());
  int differ = 0;
  for (int i = 0; i < 2000; i++) {
    std::string got;
    s = db->Get(ReadOptions(), Key(i), &got);
    ASSERT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    auto want = model_.find(Key(i));
    const bool same = s.ok() ? (want != model_.end() && want->second == got) : want == model_.end();
    if (!same) differ++;
  }
  EXPECT_GT(differ, 0);
  EXPECT_LE(static_cast<uint64_t>(differ), report.entries_lost);
  ASSERT_TRUE(db->Close().ok());
}

TEST_F(RepairTest, UnreadableTableIsDroppedAndMoved) {
  Fill(500);
  const std::vector<std::string> tables = Files(".sst");
  ASSERT_FALSE(tables.empty());
  WriteFile(tables[0], "not a table");
  fs::remove(dbname_ + "/CURRENT");
  // A file of the same name in lost/ from an earlier repair is not overwritten.
  const std::string lost = dbname_ + "/lost/" + fs::path(tables[0]).filename().string();
  fs::create_directories(dbname_ + "/lost");
  WriteFile(lost, "earlier");
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.tables_dropped, 1u) << report.ToString();
  EXPECT_NE(report.ToString().find("dropped"), std::string::npos);
  EXPECT_EQ(ReadFile(lost), "earlier");
  EXPECT_EQ(ReadFile(lost + ".1"), "not a table");
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options_, dbname_, &db).ok());
  ASSERT_TRUE(db->Close().ok());
}

TEST_F(RepairTest, DamagedLogRecordsAreSkipped) {
  options_.write_buffer_size = 1 << 20;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options_, dbname_, &db).ok());
  for (int i = 0; i < 300; i++) {
    ASSERT_TRUE(db->Put(WriteOptions(), Key(i), std::string(100, 'v')).ok());
  }
  ASSERT_TRUE(db->Close().ok());
  const std::vector<std::string> logs = Files(".log");
  std::string log;
  for (const std::string& l : logs) {
    if (log.empty() || fs::file_size(l) > fs::file_size(log)) log = l;
  }
  std::string data = ReadFile(log);
  ASSERT_GT(data.size(), 20000u);
  data[data.size() / 2] ^= 0x01;  // one record in the middle
  WriteFile(log, data);
  fs::remove(dbname_ + "/CURRENT");

  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.logs_damaged, 1u) << report.ToString();
  EXPECT_TRUE(report.LostData());
  EXPECT_GT(report.log_records, 150u) << report.ToString();
  EXPECT_LT(report.log_records, 300u) << report.ToString();
  ASSERT_TRUE(DB::Open(options_, dbname_, &db).ok());
  int found = 0;
  for (int i = 0; i < 300; i++) {
    std::string value;
    found += db->Get(ReadOptions(), Key(i), &value).ok() ? 1 : 0;
  }
  EXPECT_EQ(static_cast<uint64_t>(found), report.log_records);
  EXPECT_TRUE(db->Get(ReadOptions(), Key(299), &data).ok());  // records after the damage
  ASSERT_TRUE(db->Close().ok());
}

// Writes a table of `entries` (user key, sequence, value; a null value is a deletion).
void WriteTable(const std::string& path,
                const std::vector<std::tuple<std::string, SequenceNumber, const char*>>& entries) {
  std::unique_ptr<WritableFile> file;
  ASSERT_TRUE(FileSystem::Default()->NewWritableFile(path, &file).ok());
  TableBuilder builder(TableOptions(), file.get());
  for (const auto& [user, seq, value] : entries) {
    std::string ikey;
    AppendInternalKey(
        &ikey, ParsedInternalKey(user, seq, value ? ValueType::kValue : ValueType::kDeletion));
    builder.Add(ikey, value ? value : "");
  }
  ASSERT_TRUE(builder.Finish().ok());
  ASSERT_TRUE(file->Close().ok());
}

// A deeper table whose sequence range spans an upper table's (as compaction outputs of
// different levels do) must not shadow the upper table's newer entries once both are in
// level 0.
TEST_F(RepairTest, OverlappingTablesAreMerged) {
  fs::create_directories(dbname_);
  // 000005: b@1 is old, but m@9 makes its largest sequence larger than 000007's.
  WriteTable(dbname_ + "/000005.sst", {{"a", 2, "a2"}, {"b", 1, "b1"}, {"m", 9, "m9"}});
  WriteTable(dbname_ + "/000007.sst", {{"b", 5, "b5"}, {"c", 6, nullptr}});
  // Disjoint sequences, overlapping keys: stays as it is.
  WriteTable(dbname_ + "/000008.sst", {{"c", 10, "c10"}, {"d", 11, "d11"}});
  // Same sequences as 000007, other keys: stays as it is.
  WriteTable(dbname_ + "/000009.sst", {{"x", 5, "x5"}});
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.tables_kept, 4u);
  EXPECT_EQ(report.tables_merged, 2u) << report.ToString();
  EXPECT_EQ(report.tables, 3u);
  EXPECT_EQ(report.last_sequence, 11u);
  EXPECT_TRUE(fs::exists(dbname_ + "/lost/000005.sst"));
  EXPECT_TRUE(fs::exists(dbname_ + "/000009.sst"));
  CheckContents({{"a", "a2"}, {"b", "b5"}, {"c", "c10"}, {"d", "d11"}, {"m", "m9"}, {"x", "x5"}});
  // New writes get sequences past every table's.
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options_, dbname_, &db).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), "b", "new").ok());
  ASSERT_TRUE(db->Flush().ok());
  std::string value;
  ASSERT_TRUE(db->Get(ReadOptions(), "b", &value).ok());
  EXPECT_EQ(value, "new");
  ASSERT_TRUE(db->Close().ok());
}

// A log whose flush was recorded but which was not yet deleted holds the same entries as a
// table: they are kept once.
TEST_F(RepairTest, LogAlreadyInTable) {
  Fill(300);
  const std::vector<std::string> logs = Files(".log");
  ASSERT_FALSE(logs.empty());
  const std::string saved = tmp_.path() + "/saved.log";
  fs::copy_file(logs.back(), saved);
  {
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(options_, dbname_, &db).ok());  // replays the log into a table
    ASSERT_TRUE(db->Close().ok());
  }
  ASSERT_FALSE(fs::exists(logs.back()));
  fs::copy_file(saved, logs.back());
  fs::remove(dbname_ + "/CURRENT");
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_GT(report.tables_merged, 0u) << report.ToString();
  CheckContents(model_);
}

TEST_F(RepairTest, RefusesWhileOpen) {
  Fill(100);
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options_, dbname_, &db).ok());
  RepairReport report;
  Status s = Repair(&report);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.ToString().find("lock held"), std::string::npos) << s.ToString();
  EXPECT_FALSE(fs::exists(dbname_ + "/lost"));
  ASSERT_TRUE(db->Close().ok());
  EXPECT_TRUE(RepairDB(dbname_, options_).ok());  // the public entry point
  CheckContents(model_);
}

TEST_F(RepairTest, RefusesWhatIsNotADatabase) {
  fs::create_directories(dbname_);
  WriteFile(dbname_ + "/notes.txt", "hello");
  Status s = RepairDB(dbname_, options_);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("not an lsm database"), std::string::npos) << s.ToString();
  EXPECT_FALSE(fs::exists(dbname_ + "/LOCK"));
  s = RepairDB(tmp_.path() + "/missing", options_);
  EXPECT_FALSE(s.ok());
  options_.write_buffer_size = 1;
  EXPECT_TRUE(RepairDB(dbname_, options_).IsInvalidArgument());
}

TEST_F(RepairTest, OtherComparator) {
  options_.comparator = ReverseBytewiseComparator();
  Fill(300);
  for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
  const size_t files = Files("").size();
  Options bytewise = options_;
  bytewise.comparator = nullptr;
  Status s = RepairDB(dbname_, bytewise);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("test.Reverse"), std::string::npos) << s.ToString();
  EXPECT_EQ(Files("").size(), files);  // nothing changed
  EXPECT_FALSE(fs::exists(dbname_ + "/lost"));
  RepairReport report;
  s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options_, dbname_, &db).ok());
  std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
  auto want = model_.rbegin();  // reverse order
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++want) {
    ASSERT_NE(want, model_.rend());
    EXPECT_EQ(it->key(), want->first);
    EXPECT_EQ(it->value(), want->second);
  }
  EXPECT_EQ(want, model_.rend());
  it.reset();
  ASSERT_TRUE(db->Close().ok());
}

// An open of a repaired database cut short after it created its log, before its MANIFEST
// edit took effect, leaves a log the repaired MANIFEST does not name: the next open uses it.
TEST_F(RepairTest, OpenCutShortAfterRepair) {
  Fill(500);
  for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
  RepairReport report;
  ASSERT_TRUE(Repair(&report).ok());
  auto faults = std::make_shared<FaultFileSystem>(FileSystem::Default(), 1);
  options_.file_system = faults;
  // The rename of the new CURRENT (from a temporary file) fails: CURRENT keeps naming the
  // repaired MANIFEST.
  faults->FailNext(FaultOp::kRename, 1, FaultError::kIO, ".dbtmp");
  std::unique_ptr<DB> db;
  ASSERT_FALSE(DB::Open(options_, dbname_, &db).ok());
  ASSERT_EQ(Files(".log").size(), 1u);
  CheckContents(model_);
}

// Damage anywhere in any table or log (a flipped byte, a cut) never fails a repair, and the
// repaired database opens and reads without errors; every value it returns was written for
// that key.
TEST_F(RepairTest, AnyDamageGivesAReadableDatabase) {
  Fill(600);
  std::map<std::string, std::set<std::string>> written;
  for (int round = 0; round < 4; round++) {
    for (int i = round; i < 600; i += 1 + round) {
      written[Key(i)].insert(std::string(40, static_cast<char>('a' + round)) + Key(i));
    }
  }
  const std::string pristine = tmp_.path() + "/pristine";
  fs::copy(dbname_, pristine);
  std::vector<std::string> targets = Files(".sst");
  for (const std::string& l : Files(".log")) targets.push_back(l);
  Random rnd(TestSeed());
  for (int round = 0; round < 24; round++) {
    fs::remove_all(dbname_);
    fs::copy(pristine, dbname_);
    for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
    const std::string& victim = targets[rnd.Uniform(targets.size())];
    std::string data = ReadFile(victim);
    if (data.empty()) continue;
    const size_t at = rnd.Uniform(data.size());
    if (rnd.OneIn(3)) {
      data.resize(at);
    } else {
      data[at] ^= static_cast<char>(1 + rnd.Uniform(255));
    }
    WriteFile(victim, data);
    SCOPED_TRACE(victim + " @ " + std::to_string(at));
    RepairReport report;
    Status s = Repair(&report);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::unique_ptr<DB> db;
    s = DB::Open(options_, dbname_, &db);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ASSERT_TRUE(written[std::string(it->key())].contains(std::string(it->value())))
          << it->key() << " => " << it->value();
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    it.reset();
    ASSERT_TRUE(db->Close().ok());
  }
}

}  // namespace
}  // namespace lsm
