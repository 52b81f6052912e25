// Offsets committed with the state (FlushOptions::commit_metadata, DB::GetCommittedMetadata and
// DBOptions::recover_to_last_commit): a commit records its metadata in the MANIFEST edit of
// its tables; under recover_to_last_commit a crash at any moment leaves exactly the data of
// the last commit in every family, whatever was flushed or compacted since.
//
// A crash is a copy of the database directory taken while the database is open, as a process
// kill leaves it (every write handed to the file system is there).
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
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

constexpr char kDb[] = "/db";
constexpr char kCrash[] = "/crash";
const std::vector<std::string> kFamilies = {kDefaultColumnFamilyName, "offsets"};

class CommitTest : public testing::Test {
 protected:
  CommitTest() {
    db_options_.create_if_missing = true;
    db_options_.create_missing_column_families = true;
    db_options_.recover_to_last_commit = true;
    db_options_.file_system = fs_;
    cf_options_.write_buffer_size = 64 << 10;
    cf_options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
  }

  Status OpenAt(const std::string& dir, const std::vector<std::string>& names,
                std::unique_ptr<DB>* db, Handles* handles, bool read_only = false) {
    std::vector<ColumnFamilyDescriptor> descs;
    for (const std::string& name : names) descs.push_back({name, cf_options_});
    std::vector<ColumnFamilyHandle*> opened;
    db->reset();
    Status s = read_only ? DB::OpenForReadOnly(db_options_, dir, descs, &opened, db)
                         : DB::Open(db_options_, dir, descs, &opened, db);
    handles->clear();
    for (size_t i = 0; s.ok() && i < names.size(); i++) (*handles)[names[i]] = opened[i];
    return s;
  }
  void Open(const std::vector<std::string>& names = kFamilies) {
    Status s = OpenAt(kDb, names, &db_, &handles_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  WriteOptions Unlogged() const {
    WriteOptions wo;
    wo.disable_wal = db_options_.recover_to_last_commit;
    return wo;
  }
  void Put(const std::string& cf, const std::string& key, const std::string& value) {
    Status s = db_->Put(Unlogged(), handles_.at(cf), key, value);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  // Puts keys [first, first + n) of `cf` with values "<tag><i>".
  void PutMany(const std::string& cf, int first, int n, const std::string& tag) {
    for (int i = first; i < first + n; i++) ASSERT_NO_FATAL_FAILURE(Put(cf, Key(i), tag + Key(i)));
  }

  Status Commit(const std::string& metadata, const std::vector<std::string>& names = kFamilies) {
    FlushOptions fo;
    fo.commit_metadata = metadata;
    std::vector<ColumnFamilyHandle*> handles;
    for (const std::string& name : names) handles.push_back(handles_.at(name));
    return db_->Flush(fo, handles);
  }

  static std::string Dump(DB* db, const Handles& handles) {
    return DumpFamiliesForTest(db, handles);
  }
  std::string Dump() const { return Dump(db_.get(), handles_); }

  // The database directory as a process kill would leave it, copied to kCrash.
  void Crash() {
    std::vector<std::string> children;
    ASSERT_TRUE(fs_->GetChildren(kDb, &children).ok());
    std::vector<std::string> old;
    if (fs_->GetChildren(kCrash, &old).ok()) {
      for (const std::string& child : old) (void)fs_->RemoveFile(std::string(kCrash) + "/" + child);
    }
    ASSERT_TRUE(fs_->CreateDirIfMissing(kCrash).ok());
    for (const std::string& child : children) {
      std::string contents;
      if (!fs_->Contents(std::string(kDb) + "/" + child, &contents).ok()) continue;  // a dir
      fs_->SetContents(std::string(kCrash) + "/" + child, contents);
    }
  }

  // Opens the crash copy with `names` and returns its dump and committed metadata.
  std::string Recovered(std::string* metadata = nullptr,
                        const std::vector<std::string>& names = kFamilies, bool read_only = false) {
    std::unique_ptr<DB> db;
    Handles handles;
    Status s = OpenAt(kCrash, names, &db, &handles, read_only);
    if (!s.ok()) return "open failed: " + s.ToString();
    std::string dump = Dump(db.get(), handles);
    if (metadata != nullptr) {
      s = db->GetCommittedMetadata(metadata);
      if (!s.ok()) *metadata = s.ToString();
    }
    s = db->Close();
    return s.ok() ? dump : "close failed: " + s.ToString();
  }

  std::set<std::string> Tables(const std::string& dir = kDb) const {
    std::vector<std::string> children;
    EXPECT_TRUE(fs_->GetChildren(dir, &children).ok());
    std::set<std::string> tables;
    for (const std::string& child : children) {
      if (child.ends_with(".sst")) tables.insert(child);
    }
    return tables;
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  DBOptions db_options_;
  ColumnFamilyOptions cf_options_;
  std::unique_ptr<DB> db_;
  Handles handles_;
};

TEST_F(CommitTest, MetadataIsKeptAcrossReopens) {
  Open();
  std::string metadata;
  EXPECT_TRUE(db_->GetCommittedMetadata(&metadata).IsNotFound());
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 10, "a"));
  ASSERT_NO_FATAL_FAILURE(Put("offsets", "p0", "10"));
  ASSERT_TRUE(Commit("p0=10").ok());
  ASSERT_TRUE(db_->GetCommittedMetadata(&metadata).ok());
  EXPECT_EQ(metadata, "p0=10");
  const std::string committed = Dump();
  ASSERT_TRUE(db_->Close().ok());
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(Dump(), committed);
  metadata.clear();
  ASSERT_TRUE(db_->GetCommittedMetadata(&metadata).ok());
  EXPECT_EQ(metadata, "p0=10");
  // And across a second reopen, whose MANIFEST is the first reopen's snapshot.
  ASSERT_TRUE(db_->Close().ok());
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_TRUE(db_->GetCommittedMetadata(&metadata).ok());
  EXPECT_EQ(metadata, "p0=10");
  EXPECT_EQ(Dump(), committed);
}

TEST_F(CommitTest, ACrashReturnsToTheLastCommit) {
  Open();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 300, "a"));
  ASSERT_NO_FATAL_FAILURE(PutMany("offsets", 0, 50, "a"));
  ASSERT_TRUE(db_->Merge(Unlogged(), handles_.at("default"), Key(1), "m1").ok());
  ASSERT_TRUE(Commit("c1").ok());
  const std::string c1 = Dump();

  // After the commit: overwrites, new keys, deletions and operands, flushed on their own and
  // compacted, in one family more than the other.
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 100, 400, "b"));
  ASSERT_TRUE(db_->Delete(Unlogged(), handles_.at("default"), Key(2)).ok());
  ASSERT_TRUE(db_->DeleteRange(Unlogged(), handles_.at("offsets"), Key(10), Key(20)).ok());
  ASSERT_TRUE(db_->Merge(Unlogged(), handles_.at("default"), Key(1), "m2").ok());
  ASSERT_TRUE(db_->Flush(FlushOptions(), handles_.at("default")).ok());
  ASSERT_TRUE(db_->CompactRange(handles_.at("default"), nullptr, nullptr).ok());
  ASSERT_NO_FATAL_FAILURE(PutMany("offsets", 0, 10, "b"));
  ASSERT_TRUE(db_->Flush(FlushOptions(), handles_.at("offsets")).ok());
  ASSERT_NE(Dump(), c1);

  ASSERT_NO_FATAL_FAILURE(Crash());
  std::string metadata;
  EXPECT_EQ(Recovered(&metadata), c1);
  EXPECT_EQ(metadata, "c1");
  // A read-only open goes back to the commit too.
  EXPECT_EQ(Recovered(&metadata, kFamilies, /*read_only=*/true), c1);

  // The next commit takes in everything written since.
  ASSERT_TRUE(Commit("c2").ok());
  const std::string c2 = Dump();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 20, "c"));
  ASSERT_TRUE(db_->Flush(FlushOptions(), handles_.at("default")).ok());
  ASSERT_NO_FATAL_FAILURE(Crash());
  EXPECT_EQ(Recovered(&metadata), c2);
  EXPECT_EQ(metadata, "c2");
}

TEST_F(CommitTest, TablesOfTheLastCommitStayUntilTheNext) {
  Open();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 200, "a"));
  ASSERT_TRUE(Commit("c1").ok());
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 200, "b"));
  ASSERT_TRUE(Commit("c2").ok());
  const std::set<std::string> committed = Tables();
  ASSERT_GE(committed.size(), 2u);
  // A compaction replaces them in the current version; the files stay for recovery.
  ASSERT_TRUE(db_->CompactRange(handles_.at("default"), nullptr, nullptr).ok());
  const std::set<std::string> after_compaction = Tables();
  for (const std::string& table : committed) EXPECT_TRUE(after_compaction.contains(table)) << table;
  EXPECT_GT(after_compaction.size(), committed.size());
  // Once the compacted state is committed, they go.
  ASSERT_TRUE(Commit("c3").ok());
  const std::set<std::string> after_commit = Tables();
  for (const std::string& table : committed) EXPECT_FALSE(after_commit.contains(table)) << table;
  ASSERT_NO_FATAL_FAILURE(Crash());
  std::string metadata;
  EXPECT_EQ(Recovered(&metadata), Dump());
  EXPECT_EQ(metadata, "c3");
}

TEST_F(CommitTest, BeforeAnyCommitACrashLeavesTheStateAtOpen) {
  Open();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 300, "a"));
  ASSERT_TRUE(db_->Flush(FlushOptions(), handles_.at("default")).ok());
  ASSERT_NO_FATAL_FAILURE(Crash());
  std::string metadata;
  EXPECT_EQ(Recovered(&metadata), "default:\noffsets:\n");
  EXPECT_TRUE(metadata.starts_with("NotFound")) << metadata;
}

TEST_F(CommitTest, CloseKeepsOnlyWhatWasCommitted) {
  Open();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 10, "a"));
  ASSERT_TRUE(Commit("c1").ok());
  const std::string c1 = Dump();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 5, 10, "b"));
  ASSERT_TRUE(db_->Close().ok());
  ASSERT_NO_FATAL_FAILURE(Open());
  EXPECT_EQ(Dump(), c1);
}

TEST_F(CommitTest, ACommitWithNothingToWriteIsRecorded) {
  Open();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 10, "a"));
  ASSERT_TRUE(Commit("c1").ok());
  ASSERT_TRUE(Commit("c2").ok());
  std::string metadata;
  ASSERT_TRUE(db_->GetCommittedMetadata(&metadata).ok());
  EXPECT_EQ(metadata, "c2");
  ASSERT_NO_FATAL_FAILURE(Crash());
  EXPECT_EQ(Recovered(&metadata), Dump());
  EXPECT_EQ(metadata, "c2");
}

TEST_F(CommitTest, FamiliesCreatedOrDroppedSinceTheCommitStaySo) {
  Open({kDefaultColumnFamilyName, "offsets", "old"});
  ASSERT_NO_FATAL_FAILURE(PutMany("old", 0, 10, "a"));
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 10, "a"));
  ASSERT_TRUE(Commit("c1", {kDefaultColumnFamilyName, "offsets", "old"}).ok());
  ColumnFamilyHandle* fresh;
  ASSERT_TRUE(db_->CreateColumnFamily(cf_options_, "new", &fresh).ok());
  handles_["new"] = fresh;
  ASSERT_NO_FATAL_FAILURE(PutMany("new", 0, 300, "b"));
  ASSERT_TRUE(db_->Flush(FlushOptions(), fresh).ok());
  ASSERT_TRUE(db_->DropColumnFamily(handles_.at("old")).ok());
  handles_.erase("old");
  ASSERT_NO_FATAL_FAILURE(Crash());
  std::string metadata;
  EXPECT_EQ(
      Recovered(&metadata, {kDefaultColumnFamilyName, "new", "offsets"}), "default: " + [] {
        std::string s;
        for (int i = 0; i < 10; i++) s += Key(i) + "=a" + Key(i) + "; ";
        s.pop_back();
        return s;
      }() + "\nnew:\noffsets:\n");
  EXPECT_EQ(metadata, "c1");
}

TEST_F(CommitTest, BadCommitsAndWritesAreRejected) {
  Open();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 10, "a"));
  ASSERT_TRUE(Commit("c1").ok());
  const std::string c1 = Dump();

  // Under recover_to_last_commit a logged write would be lost at the next crash.
  Status s = db_->Put(WriteOptions(), Key(1), "logged");
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("disable_wal"), std::string::npos) << s.ToString();
  WriteBatch batch;
  batch.Put(Key(2), "logged");
  EXPECT_TRUE(db_->Write(WriteOptions(), &batch).IsInvalidArgument());

  // A commit of some families only.
  s = Commit("c2", {kDefaultColumnFamilyName});
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("offsets"), std::string::npos) << s.ToString();

  // Metadata over 1 MiB.
  s = Commit(std::string(kMaxCommitMetadataSize + 1, 'x'));
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("commit_metadata"), std::string::npos) << s.ToString();
  EXPECT_TRUE(Commit(std::string(kMaxCommitMetadataSize, 'x')).ok());

  std::string metadata;
  ASSERT_TRUE(db_->GetCommittedMetadata(&metadata).ok());
  EXPECT_EQ(metadata.size(), kMaxCommitMetadataSize);
  EXPECT_EQ(Dump(), c1);
  ASSERT_TRUE(db_->Close().ok());
  EXPECT_FALSE(db_->GetCommittedMetadata(&metadata).ok());
}

TEST_F(CommitTest, TheManifestDecidesHowADatabaseRecovers) {
  Open();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 10, "a"));
  ASSERT_TRUE(Commit("c1").ok());
  const std::string c1 = Dump();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 300, "b"));
  ASSERT_TRUE(db_->Flush(FlushOptions(), handles_.at("default")).ok());
  ASSERT_NO_FATAL_FAILURE(Crash());
  // Opened without recover_to_last_commit, a database written with it still goes back to its
  // last commit; from then on it is an ordinary database whose logged writes last.
  db_options_.recover_to_last_commit = false;
  std::unique_ptr<DB> db;
  Handles handles;
  ASSERT_TRUE(OpenAt(kCrash, kFamilies, &db, &handles).ok());
  EXPECT_EQ(Dump(db.get(), handles), c1);
  ASSERT_TRUE(db->Put(WriteOptions(), Key(0), "logged").ok());
  const std::string logged = Dump(db.get(), handles);
  ASSERT_TRUE(db->Flush(FlushOptions(), handles.at("default")).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), Key(1), "logged").ok());
  const std::string logged2 = Dump(db.get(), handles);
  ASSERT_NE(logged, c1);
  // A crash now keeps everything (the copy of a copy).
  std::vector<std::string> children;
  ASSERT_TRUE(fs_->GetChildren(kCrash, &children).ok());
  for (const std::string& child : children) {
    std::string contents;
    ASSERT_TRUE(fs_->Contents(std::string(kCrash) + "/" + child, &contents).ok());
    fs_->SetContents(std::string("/crash2/") + child, contents);
  }
  std::unique_ptr<DB> db2;
  Handles handles2;
  ASSERT_TRUE(OpenAt("/crash2", kFamilies, &db2, &handles2).ok());
  EXPECT_EQ(Dump(db2.get(), handles2), logged2);
  std::string metadata;
  ASSERT_TRUE(db2->GetCommittedMetadata(&metadata).ok());
  EXPECT_EQ(metadata, "c1");
}

TEST_F(CommitTest, WithoutRecoverToLastCommitACommitOnlyRecordsMetadata) {
  db_options_.recover_to_last_commit = false;
  Open();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 10, "a"));
  ASSERT_TRUE(Commit("c1").ok());
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 300, "b"));
  ASSERT_TRUE(db_->Flush(FlushOptions(), handles_.at("default")).ok());
  ASSERT_NO_FATAL_FAILURE(PutMany("offsets", 0, 5, "b"));  // in the log only
  ASSERT_NO_FATAL_FAILURE(Crash());
  std::string metadata;
  EXPECT_EQ(Recovered(&metadata), Dump());
  EXPECT_EQ(metadata, "c1");
}

TEST_F(CommitTest, AManifestRewrittenAfterAnErrorKeepsTheCommit) {
  auto fault = std::make_shared<FaultFileSystem>(fs_, TestSeed());
  db_options_.file_system = fault;
  Open();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 0, 200, "a"));
  ASSERT_TRUE(Commit("c1").ok());
  const std::string c1 = Dump();
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 100, 200, "b"));
  ASSERT_TRUE(db_->Flush(FlushOptions(), handles_.at("default")).ok());
  // The next MANIFEST write fails: the database stops; Resume starts a new MANIFEST, whose
  // snapshot is the commit's state followed by the edits since.
  std::vector<std::string> children;
  ASSERT_TRUE(fs_->GetChildren(kDb, &children).ok());
  std::string manifest;
  for (const std::string& child : children) {
    if (child.starts_with("MANIFEST-")) manifest = child;
  }
  ASSERT_FALSE(manifest.empty());
  fault->FailNext(FaultOp::kSync, 1, FaultError::kIO, manifest);
  ASSERT_NO_FATAL_FAILURE(PutMany("default", 300, 100, "c"));
  EXPECT_FALSE(db_->Flush(FlushOptions(), handles_.at("default")).ok());
  fault->ClearErrorRules();
  ASSERT_TRUE(db_->Resume().ok());
  ASSERT_TRUE(db_->CompactRange(handles_.at("default"), nullptr, nullptr).ok());
  const std::string current = Dump();
  ASSERT_NO_FATAL_FAILURE(Crash());
  std::string metadata;
  EXPECT_EQ(Recovered(&metadata), c1);
  EXPECT_EQ(metadata, "c1");
  // The edits after the new snapshot built on the current state: a commit now holds it all.
  ASSERT_TRUE(Commit("c2").ok());
  EXPECT_EQ(Dump(), current);
  ASSERT_NO_FATAL_FAILURE(Crash());
  EXPECT_EQ(Recovered(&metadata), current);
  EXPECT_EQ(metadata, "c2");
}

}  // namespace
}  // namespace lsm
