// Damaged files under a whole database: a flipped byte in a table gives an error status, never
// a wrong value, a silently short scan or a crash; a damaged WAL recovers as each
// WALRecoveryMode promises.
#include <gtest/gtest.h>

#include <map>

#include "lsm/db.h"
#include "src/base/filename.h"
#include "src/util/random.h"
#include "tests/support/db_read.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

class DBCorruptionTest : public testing::Test {
 protected:
  DBCorruptionTest() : fs_(std::make_shared<MemFileSystem>()) {
    options_.create_if_missing = true;
    options_.file_system = fs_;
    options_.block_size = 256;
  }

  Status Open() {
    db_.reset();
    return DB::Open(options_, "/db", &db_);
  }

  std::vector<std::string> FilesOfType(FileType want) {
    std::vector<std::string> names, result;
    EXPECT_TRUE(fs_->GetChildren("/db", &names).ok());
    for (const auto& n : names) {
      uint64_t number;
      FileType type;
      if (ParseFileName(n, &number, &type) && type == want) result.push_back("/db/" + n);
    }
    return result;
  }

  // Every answer is right or an error; a scan that stops early says why.
  void CheckAnswers(const std::map<std::string, std::string>& model, int* errors) {
    for (const auto& [k, v] : model) {
      std::string got;
      Status s = db_->Get(ReadOptions(), k, &got);
      if (s.ok()) {
        ASSERT_EQ(got, v) << "wrong value for " << k;
      } else {
        ASSERT_FALSE(s.IsNotFound()) << "key " << k << " silently missing";
        ++*errors;
      }
    }
    std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
    auto expected = model.begin();
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
      ASSERT_NE(expected, model.end());
      ASSERT_EQ(it->key(), expected->first);
      ASSERT_EQ(it->value(), expected->second);
    }
    if (expected != model.end()) {
      ASSERT_FALSE(it->status().ok()) << "scan stopped early at " << expected->first;
      ++*errors;
    }
  }

  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
  std::unique_ptr<DB> db_;
};

TEST_F(DBCorruptionTest, FlippedTableByteIsAnErrorNeverAWrongAnswer) {
  std::map<std::string, std::string> model;
  ASSERT_TRUE(Open().ok());
  Random rnd(TestSeed());
  for (int i = 0; i < 200; i++) {
    const std::string k = "key" + std::to_string(1000 + i);
    model[k] = rnd.Bytes(20);
    ASSERT_TRUE(db_->Put(WriteOptions(), k, model[k]).ok());
  }
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Close().ok());
  const std::vector<std::string> tables = FilesOfType(FileType::kTable);
  ASSERT_EQ(tables.size(), 1u);
  std::string original;
  ASSERT_TRUE(fs_->Contents(tables[0], &original).ok());
  int errors = 0;
  for (size_t offset = 0; offset < original.size(); offset += 1 + original.size() / 600) {
    std::string damaged = original;
    damaged[offset] ^= static_cast<char>(1 << (offset % 8));
    fs_->SetContents(tables[0], damaged);
    Status s = Open();
    if (!s.ok()) {
      errors++;
      continue;
    }
    CheckAnswers(model, &errors);
    if (HasFatalFailure()) {
      ADD_FAILURE() << "flipped byte at offset " << offset;
      return;
    }
    ASSERT_TRUE(db_->Close().ok());
  }
  EXPECT_GT(errors, 0);
  fs_->SetContents(tables[0], original);
  ASSERT_TRUE(Open().ok());
  int none = 0;
  CheckAnswers(model, &none);
  EXPECT_EQ(none, 0);
}

TEST_F(DBCorruptionTest, TruncatedOrMissingTableFailsOpen) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "1").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Close().ok());
  const std::string table = FilesOfType(FileType::kTable).at(0);
  std::string contents;
  ASSERT_TRUE(fs_->Contents(table, &contents).ok());
  fs_->SetContents(table, contents.substr(0, contents.size() - 1));
  Status s = Open();
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  ASSERT_TRUE(fs_->RemoveFile(table).ok());
  s = Open();
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find("missing"), std::string::npos);
}

// Going backward, the versions of a key come oldest first. When the block before the older
// table's version is damaged, the walk must not show that version as the key's value: the
// error may have hidden the newer one.
TEST_F(DBCorruptionTest, BackwardScanDoesNotShowAnOlderVersionAfterAnError) {
  options_.compression = CompressionType::kNone;
  ASSERT_TRUE(Open().ok());
  // Each value is larger than a block, so each entry has a block of its own.
  for (char c = 'a'; c <= 'j'; c++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), std::string("key") + c, std::string(300, c)).ok());
  }
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "keyf", "new").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Close().ok());
  const std::vector<std::string> tables = FilesOfType(FileType::kTable);
  ASSERT_EQ(tables.size(), 2u);
  std::string contents;
  ASSERT_TRUE(fs_->Contents(tables[0], &contents).ok());  // the older table
  const size_t pos = contents.find(std::string(300, 'e'));
  ASSERT_NE(pos, std::string::npos);
  contents[pos + 100] ^= 0x01;  // the block just before the old "keyf"
  fs_->SetContents(tables[0], contents);

  ASSERT_TRUE(Open().ok());
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  int shown = 0;
  for (it->SeekToLast(); it->Valid(); it->Prev(), shown++) {
    if (it->key() == "keyf") {
      ASSERT_EQ(it->value(), std::string_view("new"));
    }
    ASSERT_TRUE(it->status().ok()) << "entry shown after " << it->status().ToString();
  }
  EXPECT_TRUE(it->status().IsCorruption()) << it->status().ToString();
  EXPECT_EQ(shown, 4);  // keyj..keyg
}

// A MANIFEST cut anywhere loses edits that had completed: here the flush that retired the
// first log, which was then deleted, and the first open's edit. The open must fail rather than
// replay the second log alone, which would keep "b" without "a".
TEST_F(DBCorruptionTest, ManifestCutAnywhereFailsOrKeepsEverything) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "1").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "b", "2").ok());
  ASSERT_TRUE(db_->Close().ok());
  std::map<std::string, std::string> pristine;
  std::vector<std::string> names;
  ASSERT_TRUE(fs_->GetChildren("/db", &names).ok());
  for (const std::string& n : names) {
    ASSERT_TRUE(fs_->Contents("/db/" + n, &pristine["/db/" + n]).ok());
  }
  const std::string manifest = FilesOfType(FileType::kManifest).at(0);
  const std::string original = pristine[manifest];
  for (size_t size = 0; size < original.size(); size++) {
    db_.reset();
    ASSERT_TRUE(fs_->GetChildren("/db", &names).ok());
    for (const std::string& n : names) ASSERT_TRUE(fs_->RemoveFile("/db/" + n).ok());
    for (const auto& [path, contents] : pristine) fs_->SetContents(path, contents);
    fs_->SetContents(manifest, original.substr(0, size));
    Status s = Open();
    if (!s.ok()) {
      EXPECT_TRUE(s.IsCorruption()) << size << ": " << s.ToString();
      continue;
    }
    EXPECT_EQ(ReadForTest(db_.get(), "a"), "1") << "MANIFEST cut to " << size << " bytes";
    EXPECT_EQ(ReadForTest(db_.get(), "b"), "2") << "MANIFEST cut to " << size << " bytes";
  }
}

// Writes three batches into one WAL (no flush) and damages the middle one. Each is larger than
// a WAL block, so the damage leaves whole blocks of the third intact for salvage to find.
class WalRecoveryModeTest : public DBCorruptionTest,
                            public testing::WithParamInterface<WALRecoveryMode> {
 protected:
  void WriteAndDamage() {
    ASSERT_TRUE(Open().ok());
    for (const char* k : {"first", "second", "third"}) {
      ASSERT_TRUE(db_->Put(WriteOptions(), k, std::string(40000, k[0])).ok());
    }
    ASSERT_TRUE(db_->Close().ok());
    const std::vector<std::string> logs = FilesOfType(FileType::kLog);
    ASSERT_EQ(logs.size(), 1u);
    std::string contents;
    ASSERT_TRUE(fs_->Contents(logs[0], &contents).ok());
    const size_t second = contents.find(std::string(1000, 's'));  // inside its first fragment
    ASSERT_NE(second, std::string::npos);
    contents[second + 500] ^= 0x01;
    fs_->SetContents(logs[0], contents);
  }

  std::string Present() {
    std::string out;
    for (const char* k : {"first", "second", "third"}) {
      std::string v;
      if (db_->Get(ReadOptions(), k, &v).ok()) out += std::string(out.empty() ? "" : ",") + k;
    }
    return out;
  }
};

TEST_P(WalRecoveryModeTest, DamagedMiddleRecord) {
  WriteAndDamage();
  options_.wal_recovery_mode = GetParam();
  Status s = Open();
  switch (GetParam()) {
    case WALRecoveryMode::kAbsoluteConsistency:
    case WALRecoveryMode::kTolerateCorruptedTailRecords:
      EXPECT_TRUE(s.IsCorruption()) << s.ToString();
      EXPECT_NE(s.ToString().find(".log"), std::string::npos) << s.ToString();
      break;
    case WALRecoveryMode::kPointInTimeRecovery: {
      ASSERT_TRUE(s.ok()) << s.ToString();
      EXPECT_EQ(Present(), "first");  // a prefix: nothing after the damage
      std::string report;
      ASSERT_TRUE(db_->GetProperty("lsm.recovery", &report));
      EXPECT_NE(report.find("checksum"), std::string::npos) << report;
      break;
    }
    case WALRecoveryMode::kSkipAnyCorruptedRecords:
      ASSERT_TRUE(s.ok()) << s.ToString();
      EXPECT_EQ(Present(), "first,third");
      break;
  }
}

TEST_P(WalRecoveryModeTest, TornTail) {
  ASSERT_TRUE(Open().ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "first", std::string(1000, 'f')).ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "second", std::string(1000, 's')).ok());
  ASSERT_TRUE(db_->Close().ok());
  const std::string log = FilesOfType(FileType::kLog).at(0);
  std::string contents;
  ASSERT_TRUE(fs_->Contents(log, &contents).ok());
  fs_->SetContents(log, contents.substr(0, contents.size() - 300));
  options_.wal_recovery_mode = GetParam();
  Status s = Open();
  if (GetParam() == WALRecoveryMode::kAbsoluteConsistency) {
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    return;
  }
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::string v;
  s = db_->Get(ReadOptions(), "first", &v);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(db_->Get(ReadOptions(), "second", &v).IsNotFound());
  // Writes after recovery survive the next one.
  ASSERT_TRUE(db_->Put(WriteOptions(), "after", "x").ok());
  ASSERT_TRUE(db_->Close().ok());
  ASSERT_TRUE(Open().ok());
  EXPECT_TRUE(db_->Get(ReadOptions(), "after", &v).ok());
  EXPECT_TRUE(db_->Get(ReadOptions(), "first", &v).ok());
}

INSTANTIATE_TEST_SUITE_P(Modes, WalRecoveryModeTest,
                         testing::Values(WALRecoveryMode::kTolerateCorruptedTailRecords,
                                         WALRecoveryMode::kAbsoluteConsistency,
                                         WALRecoveryMode::kPointInTimeRecovery,
                                         WALRecoveryMode::kSkipAnyCorruptedRecords),
                         [](const auto& info) { return RecoveryModeName(info.param); });

}  // namespace
}  // namespace lsm
