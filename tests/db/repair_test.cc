// RepairDB: databases whose MANIFEST or CURRENT is lost or garbage, damaged tables and logs,
// tables whose ranges overlap, a held LOCK, foreign comparators; column families kept apart,
// dropped families left out, families known only from their log records or from nothing.
#include <absl/strings/str_format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "lsm/db.h"
#include "lsm/sst_file_writer.h"
#include "src/base/dbformat.h"
#include "src/base/filename.h"
#include "src/sstable/table_builder.h"
#include "src/sstable/table_reader.h"
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

  // Opens the database with the column families `names` (the default one first), each with
  // options_; (*handles)[i] is names[i]'s.
  Status OpenFamilies(const std::vector<std::string>& names,
                      std::vector<ColumnFamilyHandle*>* handles, std::unique_ptr<DB>* db,
                      bool create_missing = false) {
    DBOptions dbo = options_;
    dbo.create_missing_column_families = create_missing;
    std::vector<ColumnFamilyDescriptor> descs;
    for (const std::string& name : names) descs.push_back({name, options_});
    return DB::Open(dbo, dbname_, descs, handles, db);
  }

  // Writes keys 0 to n - 1 in rounds to each of the families `names` (the default one
  // first), every family its own values for the same keys, with deletions, batches across
  // families and flushes of some families in between, so that each family has tables (in
  // two levels for names[1]) and entries in the log. Every write is also made to models_.
  void FillFamilies(const std::vector<std::string>& names, int n) {
    std::unique_ptr<DB> db;
    std::vector<ColumnFamilyHandle*> h;
    Status s = OpenFamilies(names, &h, &db, /*create_missing=*/true);
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (int round = 0; round < 4; round++) {
      WriteBatch batch;
      for (int i = round; i < n; i += 1 + round) {
        for (size_t f = 0; f < names.size(); f++) {
          const std::string value = absl::StrFormat("%s.%d.%s", names[f], round, Key(i));
          if (round == 2 && (i + f) % 5 == 0) {
            batch.Delete(h[f], Key(i));
            models_[names[f]].erase(Key(i));
          } else {
            batch.Put(h[f], Key(i), value);
            models_[names[f]][Key(i)] = value;
          }
        }
        if (batch.Count() >= 60) {
          ASSERT_TRUE(db->Write(WriteOptions(), &batch).ok());
          batch.Clear();
        }
      }
      ASSERT_TRUE(db->Write(WriteOptions(), &batch).ok());
      for (size_t f = 0; f < names.size(); f++) {
        const std::string key = absl::StrFormat("only-%s-%d", names[f], round);
        ASSERT_TRUE(db->Put(WriteOptions(), h[f], key, names[f]).ok());
        models_[names[f]][key] = names[f];
      }
      if (round == 0) {
        ASSERT_TRUE(db->Flush().ok());
        ASSERT_TRUE(db->CompactRange(h[1], nullptr, nullptr).ok());
      } else if (round < 3) {
        ASSERT_TRUE(db->Flush(FlushOptions(), h[round % names.size()]).ok());
      }
    }
    ASSERT_TRUE(db->Close().ok());
  }

  // The database's column families are those of `models`, and each holds exactly its model:
  // no key of another family shows in it.
  void CheckFamilies(const std::map<std::string, std::map<std::string, std::string>>& models) {
    std::vector<std::string> names = {kDefaultColumnFamilyName};
    for (const auto& [name, model] : models) {
      if (name != kDefaultColumnFamilyName) names.push_back(name);
    }
    std::vector<std::string> listed;
    Status s = DB::ListColumnFamilies(options_, dbname_, &listed);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()),
              std::set<std::string>(names.begin(), names.end()));
    std::unique_ptr<DB> db;
    std::vector<ColumnFamilyHandle*> h;
    s = OpenFamilies(names, &h, &db);
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (size_t f = 0; f < names.size(); f++) {
      SCOPED_TRACE("column family " + names[f]);
      const std::map<std::string, std::string>& model = models.at(names[f]);
      for (const auto& [key, value] : model) {
        std::string got;
        s = db->Get(ReadOptions(), h[f], key, &got);
        ASSERT_TRUE(s.ok()) << key << ": " << s.ToString();
        EXPECT_EQ(got, value) << key;
      }
      std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions(), h[f]);
      auto want = model.begin();
      for (it->SeekToFirst(); it->Valid(); it->Next(), ++want) {
        ASSERT_NE(want, model.end()) << "extra key " << it->key() << " => " << it->value();
        ASSERT_EQ(it->key(), want->first);
        EXPECT_EQ(it->value(), want->second);
      }
      EXPECT_TRUE(it->status().ok()) << it->status().ToString();
      EXPECT_EQ(want, model.end());
    }
    ASSERT_TRUE(db->Close().ok());
  }

  // Whether a line of report.notes holds `text`.
  static bool Noted(const RepairReport& report, const std::string& text) {
    for (const std::string& note : report.notes) {
      if (note.find(text) != std::string::npos) return true;
    }
    return false;
  }

  // Copies every table and log of `from` that the database's directory lacks into it (the
  // files a crash would have left behind had their deletion not happened yet); returns how
  // many.
  int RestoreFiles(const std::string& from) {
    int restored = 0;
    for (const auto& e : fs::directory_iterator(from)) {
      const std::string name = e.path().filename().string();
      if (!name.ends_with(".sst") && !name.ends_with(".log")) continue;
      if (fs::exists(dbname_ + "/" + name)) continue;
      fs::copy_file(e.path(), dbname_ + "/" + name);
      restored++;
    }
    return restored;
  }

  // Family "state" with keys 0-99 written ("old") and flushed, 0-49 then ingested
  // ("ingested"), 0-9 then written again ("newest") and flushed; *model is what it holds.
  void WriteIngestScenario(std::map<std::string, std::string>* model);
  // What "state" holds, key by key, and how many keys the default family holds.
  void ReadIngestScenario(std::map<std::string, std::string>* state, size_t* in_default);

  TempDir tmp_;
  std::string dbname_;
  Options options_;
  std::map<std::string, std::string> model_;
  std::map<std::string, std::map<std::string, std::string>> models_;  // by column family
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

// Tables and log records go back to their own column family: the same keys, with other
// values in each, read back from each family as written there.
TEST_F(RepairTest, ColumnFamiliesKeepTheirKeys) {
  for (const bool manifest_deleted : {true, false}) {
    SCOPED_TRACE(manifest_deleted ? "MANIFEST deleted" : "CURRENT garbage");
    fs::remove_all(dbname_);
    models_.clear();
    FillFamilies({"default", "alpha", "beta"}, 600);
    if (manifest_deleted) {
      for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
    } else {
      WriteFile(dbname_ + "/CURRENT", "MANIFEST-99999x\n");
    }
    std::vector<std::string> names;
    EXPECT_FALSE(DB::ListColumnFamilies(options_, dbname_, &names).ok());
    RepairReport report;
    Status s = Repair(&report);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_FALSE(report.LostData()) << report.ToString();
    EXPECT_GT(report.tables_kept, 3u) << report.ToString();
    // Logs stay while a family that was not flushed since needs them.
    EXPECT_GE(report.logs_replayed, 1u) << report.ToString();
    EXPECT_GT(report.log_records, 0u) << report.ToString();
    EXPECT_TRUE(Noted(report, "column families: 'default' (ID 0)")) << report.ToString();
    EXPECT_TRUE(Noted(report, "'beta' (ID 2)")) << report.ToString();
    // Every table written since names its family.
    for (const std::string& t : Files(".sst")) {
      std::unique_ptr<RandomAccessFile> file;
      ASSERT_TRUE(FileSystem::Default()->NewRandomAccessFile(t, &file).ok());
      TableProperties props;
      ASSERT_TRUE(TableReader::ReadProperties(file.get(), t, fs::file_size(t), &props).ok());
      EXPECT_LE(props.column_family_id, 2u) << t;
      EXPECT_EQ(props.column_family_name,
                std::vector<std::string>({"default", "alpha", "beta"})[props.column_family_id]);
    }
    CheckFamilies(models_);
    // The repaired database goes on: writes to each family, flushed and reopened.
    std::unique_ptr<DB> db;
    std::vector<ColumnFamilyHandle*> h;
    ASSERT_TRUE(OpenFamilies({"default", "alpha", "beta"}, &h, &db).ok());
    for (size_t f = 0; f < h.size(); f++) {
      const std::string value = "after-repair-" + h[f]->GetName();
      ASSERT_TRUE(db->Put(WriteOptions(), h[f], Key(7), value).ok());
      models_[h[f]->GetName()][Key(7)] = value;
    }
    ASSERT_TRUE(db->Flush().ok());
    ASSERT_TRUE(db->Close().ok());
    CheckFamilies(models_);
    // A second repair of the sound database keeps the families too.
    s = Repair(&report);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_FALSE(report.LostData()) << report.ToString();
    CheckFamilies(models_);
  }
}

// A family whose drop the MANIFEST records stays dropped: tables of it that were not yet
// deleted when the database stopped go to lost/, and its log records are left out.
// Without a MANIFEST nothing records the drop, and such leftovers come back as a live family
// (as RocksDB's repair brings back every family it finds).
TEST_F(RepairTest, DroppedFamilyStaysDropped) {
  for (const int variant : {0, 1, 2}) {
    // 0: the MANIFEST holds the drop; 1: a later open wrote a new MANIFEST, which knows only
    // that the family's ID was handed out; 2: no MANIFEST is left.
    SCOPED_TRACE(variant);
    fs::remove_all(dbname_);
    models_.clear();
    FillFamilies({"default", "alpha", "beta"}, 300);
    const std::string before = tmp_.path() + "/before";
    fs::remove_all(before);
    fs::copy(dbname_, before);
    {
      std::unique_ptr<DB> db;
      std::vector<ColumnFamilyHandle*> h;
      ASSERT_TRUE(OpenFamilies({"default", "alpha", "beta"}, &h, &db).ok());
      ASSERT_TRUE(db->DropColumnFamily(h[2]).ok());
      ASSERT_TRUE(db->Close().ok());
      if (variant == 1) {
        ASSERT_TRUE(OpenFamilies({"default", "alpha"}, &h, &db).ok());
        ASSERT_TRUE(db->Close().ok());
      }
    }
    ASSERT_GT(RestoreFiles(before), 0);
    if (variant == 2) {
      for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
    } else {
      fs::remove(dbname_ + "/CURRENT");
    }
    RepairReport report;
    Status s = Repair(&report);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_FALSE(report.LostData()) << report.ToString();
    if (variant == 2) {
      CheckFamilies(models_);
      continue;
    }
    EXPECT_TRUE(Noted(report, "which was dropped; moved to lost/")) << report.ToString();
    models_.erase("beta");
    CheckFamilies(models_);
  }
}

// Of two families of one name (one dropped, then one created again with that name) the one
// of the lower ID is the dropped one, even without a MANIFEST to say so.
TEST_F(RepairTest, RecreatedFamilyKeepsOnlyItsOwnKeys) {
  FillFamilies({"default", "alpha", "beta"}, 300);
  const std::string before = tmp_.path() + "/before";
  fs::copy(dbname_, before);
  {
    std::unique_ptr<DB> db;
    std::vector<ColumnFamilyHandle*> h;
    ASSERT_TRUE(OpenFamilies({"default", "alpha", "beta"}, &h, &db).ok());
    ASSERT_TRUE(db->DropColumnFamily(h[2]).ok());
    ColumnFamilyHandle* beta;
    ASSERT_TRUE(db->CreateColumnFamily(options_, "beta", &beta).ok());
    ASSERT_EQ(beta->GetID(), 3u);
    models_["beta"].clear();
    for (int i = 0; i < 20; i++) {
      ASSERT_TRUE(db->Put(WriteOptions(), beta, Key(i), "new-beta").ok());
      models_["beta"][Key(i)] = "new-beta";
    }
    // Its name reaches a table: a family named by nothing but log records could not be told
    // from the dropped one.
    ASSERT_TRUE(db->Flush(FlushOptions(), beta).ok());
    ASSERT_TRUE(db->Close().ok());
  }
  ASSERT_GT(RestoreFiles(before), 0);
  for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Noted(report, "column family ID 2: named 'beta' like column family ID 3"))
      << report.ToString();
  CheckFamilies(models_);
}

// Log records of a family that no table and no MANIFEST names go to a family "lost-<id>".
TEST_F(RepairTest, UnnamedFamilyOfLogRecords) {
  FillFamilies({"default", "alpha"}, 200);
  {
    std::unique_ptr<DB> db;
    std::vector<ColumnFamilyHandle*> h;
    ASSERT_TRUE(OpenFamilies({"default", "alpha"}, &h, &db).ok());
    ColumnFamilyHandle* gamma;
    ASSERT_TRUE(db->CreateColumnFamily(options_, "gamma", &gamma).ok());
    ASSERT_EQ(gamma->GetID(), 2u);
    for (int i = 0; i < 50; i++) {
      ASSERT_TRUE(db->Put(WriteOptions(), gamma, Key(i), "gamma").ok());
      models_["lost-2"][Key(i)] = "gamma";
    }
    ASSERT_TRUE(db->Close().ok());
  }
  for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(Noted(report,
                    "column family ID 2: named by no table or MANIFEST; its log records "
                    "go to column family 'lost-2'"))
      << report.ToString();
  CheckFamilies(models_);
}

// A damaged table whose properties do not read has no known family: in a database of several
// families its intact entries go to a family of their own rather than into another's keys.
TEST_F(RepairTest, DamagedTableOfUnknownFamily) {
  FillFamilies({"default", "alpha", "beta"}, 600);
  std::string victim;
  for (const std::string& t : Files(".sst")) {
    std::unique_ptr<RandomAccessFile> file;
    ASSERT_TRUE(FileSystem::Default()->NewRandomAccessFile(t, &file).ok());
    TableProperties props;
    ASSERT_TRUE(TableReader::ReadProperties(file.get(), t, fs::file_size(t), &props).ok());
    if (props.column_family_name == "alpha" && props.num_entries > 100) victim = t;
  }
  ASSERT_FALSE(victim.empty());
  std::string data = ReadFile(victim);
  const size_t at = data.rfind("lsm.num-entries");
  ASSERT_NE(at, std::string::npos);
  data[at + 4] ^= 0x01;  // the properties block's checksum fails
  WriteFile(victim, data);
  for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.tables_salvaged, 1u) << report.ToString();
  EXPECT_TRUE(Noted(report, "column family 'lost-unknown' (ID 3)")) << report.ToString();
  std::vector<std::string> names;
  ASSERT_TRUE(DB::ListColumnFamilies(options_, dbname_, &names).ok());
  EXPECT_EQ(names, std::vector<std::string>({"default", "alpha", "beta", "lost-unknown"}));
  std::unique_ptr<DB> db;
  std::vector<ColumnFamilyHandle*> h;
  ASSERT_TRUE(OpenFamilies(names, &h, &db).ok());
  // The other families are whole; alpha and lost-unknown hold only values written to alpha.
  for (size_t f = 0; f < names.size(); f++) {
    std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions(), h[f]);
    size_t count = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), count++) {
      if (f >= 1 && f != 2) {
        EXPECT_TRUE(it->value().starts_with("alpha")) << names[f] << ": " << it->value();
      } else {
        EXPECT_EQ(models_[names[f]][std::string(it->key())], it->value()) << names[f];
      }
    }
    EXPECT_TRUE(it->status().ok());
    if (f == 0 || f == 2) {
      EXPECT_EQ(count, models_[names[f]].size());
    }
    if (f == 3) {
      EXPECT_GT(count, 0u);
    }
  }
  ASSERT_TRUE(db->Close().ok());
}

// Every family is repaired with options.comparator: one of another comparator, known from its
// tables or from the MANIFEST, fails the repair, naming it, and nothing is changed.
TEST_F(RepairTest, FamilyOfOtherComparator) {
  for (const bool flushed : {true, false}) {
    SCOPED_TRACE(flushed ? "tables, no MANIFEST" : "log records, no CURRENT");
    fs::remove_all(dbname_);
    {
      DBOptions dbo = options_;
      dbo.create_missing_column_families = true;
      ColumnFamilyOptions reverse = options_;
      reverse.comparator = ReverseBytewiseComparator();
      std::unique_ptr<DB> db;
      std::vector<ColumnFamilyHandle*> h;
      ASSERT_TRUE(DB::Open(dbo, dbname_, {{"default", options_}, {"rev", reverse}}, &h, &db).ok());
      for (int i = 0; i < 50; i++) {
        ASSERT_TRUE(db->Put(WriteOptions(), h[0], Key(i), "d").ok());
        ASSERT_TRUE(db->Put(WriteOptions(), h[1], Key(i), "r").ok());
      }
      if (flushed) {
        ASSERT_TRUE(db->Flush().ok());
      }
      ASSERT_TRUE(db->Close().ok());
    }
    if (flushed) {
      for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
    } else {
      fs::remove(dbname_ + "/CURRENT");
    }
    const size_t files = Files("").size();
    RepairReport report;
    Status s = Repair(&report);
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_NE(s.ToString().find("column family 'rev'"), std::string::npos) << s.ToString();
    EXPECT_NE(s.ToString().find("test.Reverse"), std::string::npos) << s.ToString();
    EXPECT_EQ(Files("").size(), files);  // nothing changed
    EXPECT_FALSE(fs::exists(dbname_ + "/lost"));
  }
}

// An open of a repaired database cut short after it created its log, before its MANIFEST
// edit took effect, leaves a log the repaired MANIFEST does not name: the next open uses it.
void RepairTest::WriteIngestScenario(std::map<std::string, std::string>* model) {
  std::vector<ColumnFamilyHandle*> handles;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(OpenFamilies({kDefaultColumnFamilyName, "state"}, &handles, &db, true).ok());
  for (int i = 0; i < 100; i++) {
    ASSERT_TRUE(db->Put(WriteOptions(), handles[1], Key(i), "old").ok());
    (*model)[Key(i)] = "old";
  }
  ASSERT_TRUE(db->Flush(FlushOptions(), handles[1]).ok());
  const std::string path = tmp_.path() + "/ingest.sst";
  SstFileWriter writer(options_);
  ASSERT_TRUE(writer.Open(path).ok());
  for (int i = 0; i < 50; i++) {
    ASSERT_TRUE(writer.Put(Key(i), "ingested").ok());
    (*model)[Key(i)] = "ingested";
  }
  ASSERT_TRUE(writer.Finish().ok());
  Status s = db->IngestExternalFile(handles[1], {path}, IngestExternalFileOptions());
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (int i = 0; i < 10; i++) {
    ASSERT_TRUE(db->Put(WriteOptions(), handles[1], Key(i), "newest").ok());
    (*model)[Key(i)] = "newest";
  }
  ASSERT_TRUE(db->Flush(FlushOptions(), handles[1]).ok());
  ASSERT_TRUE(db->Close().ok());
}

void RepairTest::ReadIngestScenario(std::map<std::string, std::string>* state, size_t* in_default) {
  std::vector<ColumnFamilyHandle*> handles;
  std::unique_ptr<DB> db;
  Status s = OpenFamilies({kDefaultColumnFamilyName, "state"}, &handles, &db);
  ASSERT_TRUE(s.ok()) << s.ToString();
  for (int i = 0; i < 100; i++) {
    s = db->Get(ReadOptions(), handles[1], Key(i), &(*state)[Key(i)]);
    ASSERT_TRUE(s.ok()) << Key(i) << ": " << s.ToString();
  }
  *in_default = 0;
  std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions(), handles[0]);
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++*in_default;
  it.reset();
  ASSERT_TRUE(db->Close().ok());
}

// An ingested table stores its entries at sequence 0 and cannot name its family; the MANIFEST
// records both. Repaired, it keeps them: the values it overwrote stay overwritten, in the
// family it went to, and values written after it still win. With no MANIFEST left, it reads
// at sequence 0, in the default family, and the report names it.
TEST_F(RepairTest, IngestedTableKeepsItsSequenceAndFamily) {
  std::map<std::string, std::string> model, state;
  size_t in_default = 0;
  ASSERT_NO_FATAL_FAILURE(WriteIngestScenario(&model));
  fs::remove(dbname_ + "/CURRENT");
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(report.LostData()) << report.ToString();
  EXPECT_EQ(report.ToString().find("ingested table"), std::string::npos) << report.ToString();
  ASSERT_NO_FATAL_FAILURE(ReadIngestScenario(&state, &in_default));
  EXPECT_EQ(state, model);
  EXPECT_EQ(in_default, 0u);

  // The repaired MANIFEST records the ingest again: a second repair keeps it too.
  fs::remove(dbname_ + "/CURRENT");
  s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_NO_FATAL_FAILURE(ReadIngestScenario(&state, &in_default));
  EXPECT_EQ(state, model);
  EXPECT_EQ(in_default, 0u);

  // Nothing records it: the table's 50 entries read in the default family, and "state" has
  // its older values back.
  for (const std::string& m : Files("MANIFEST-")) fs::remove(m);
  fs::remove(dbname_ + "/CURRENT");
  s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(report.ToString().find("an ingested table that no MANIFEST left records"),
            std::string::npos)
      << report.ToString();
  std::map<std::string, std::string> without_ingest = model;
  for (int i = 10; i < 50; i++) without_ingest[Key(i)] = "old";
  ASSERT_NO_FATAL_FAILURE(ReadIngestScenario(&state, &in_default));
  EXPECT_EQ(state, without_ingest);
  EXPECT_EQ(in_default, 50u);
}

// A damaged ingested table's intact entries are salvaged at the sequence of its ingest: they
// still overwrite the older values.
TEST_F(RepairTest, DamagedIngestedTableIsSalvagedAtItsSequence) {
  std::map<std::string, std::string> model, state;
  size_t in_default = 0;
  ASSERT_NO_FATAL_FAILURE(WriteIngestScenario(&model));
  std::string ingested;
  for (const std::string& path : Files(".sst")) {
    std::unique_ptr<RandomAccessFile> file;
    ASSERT_TRUE(FileSystem::Default()->NewRandomAccessFile(path, &file).ok());
    TableProperties props;
    const uint64_t size = fs::file_size(path);
    if (TableReader::ReadProperties(file.get(), path, size, &props).ok() &&
        props.external_file_version != 0) {
      ingested = path;
    }
  }
  ASSERT_FALSE(ingested.empty());
  {
    std::fstream f(ingested, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);  // in the first data block
    f.put('\xff');
  }
  RepairReport report;
  Status s = Repair(&report);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(report.tables_salvaged, 1u) << report.ToString();
  ASSERT_NO_FATAL_FAILURE(ReadIngestScenario(&state, &in_default));
  EXPECT_EQ(in_default, 0u);
  int ingested_values = 0;
  for (int i = 0; i < 100; i++) {
    const std::string& got = state[Key(i)];
    if (i < 10 || i >= 50) {
      EXPECT_EQ(got, model[Key(i)]) << Key(i);
    } else {
      // The damaged block's keys have their older value back; the others keep the ingested.
      EXPECT_TRUE(got == "ingested" || got == "old") << Key(i) << ": " << got;
      ingested_values += got == "ingested";
    }
  }
  EXPECT_GT(ingested_values, 0);
  EXPECT_LT(ingested_values, 40);
}

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
