// FaultFileSystem (tests/support): its power-loss model and its error injection, over the
// in-memory, the POSIX and the io_uring file systems.
#include "tests/support/fault_file_system.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "tests/support/test_file_systems.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

class FaultFileSystemTest : public testing::TestWithParam<TestFs> {
 protected:
  FaultFileSystemTest() : base_(NewTestFileSystem(GetParam())), dir_(tmp_.path() + "/d") {
    EXPECT_TRUE(base_->CreateDirIfMissing(dir_).ok());
    fs_ = std::make_unique<FaultFileSystem>(base_, 301);
  }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // Writes `synced` and syncs, then appends `unsynced`, and closes.
  void Write(FileSystem* fs, const std::string& name, const std::string& synced,
             const std::string& unsynced = "") {
    std::unique_ptr<WritableFile> f;
    ASSERT_TRUE(fs->NewWritableFile(Path(name), &f).ok());
    ASSERT_TRUE(f->Append(synced).ok());
    ASSERT_TRUE(f->Sync().ok());
    ASSERT_TRUE(f->Append(unsynced).ok());
    ASSERT_TRUE(f->Close().ok());
  }

  // The file's bytes on the base file system, or "<missing>".
  std::string Read(const std::string& name) {
    std::unique_ptr<SequentialFile> f;
    Status s = base_->NewSequentialFile(Path(name), &f);
    if (s.IsNotFound()) return "<missing>";
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::string out;
    char scratch[4096];
    std::string_view chunk;
    do {
      EXPECT_TRUE(f->Read(sizeof(scratch), &chunk, scratch).ok());
      out.append(chunk);
    } while (!chunk.empty());
    return out;
  }

  void PowerLoss(PowerLossTail tail = PowerLossTail::kTruncate, bool keep_prefix = false) {
    Status s = fs_->SimulatePowerLoss({.tail = tail, .keep_random_prefix = keep_prefix});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  TempDir tmp_;
  std::shared_ptr<FileSystem> base_;
  std::string dir_;
  std::unique_ptr<FaultFileSystem> fs_;
};

TEST_P(FaultFileSystemTest, UnsyncedTailTruncatedZeroedOrGarbled) {
  Write(fs_.get(), "t", "durable", "lost");
  Write(fs_.get(), "z", "durable", "zeros");
  Write(fs_.get(), "g", "durable", std::string(64, 'x'));
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  ASSERT_EQ(Read("t"), "durablelost");  // before the power loss, everything is there

  // Each mode applies to every file; run them one after another on fresh copies.
  PowerLoss(PowerLossTail::kTruncate);
  EXPECT_EQ(Read("t"), "durable");
  EXPECT_EQ(Read("z"), "durable");
  EXPECT_EQ(Read("g"), "durable");

  Write(fs_.get(), "z", "durable", "zeros");
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  PowerLoss(PowerLossTail::kZeroFill);
  EXPECT_EQ(Read("z"), std::string("durable") + std::string(5, '\0'));

  Write(fs_.get(), "g", "durable", std::string(64, 'x'));
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  PowerLoss(PowerLossTail::kGarbageFill);
  const std::string g = Read("g");
  ASSERT_EQ(g.size(), 7u + 64);
  EXPECT_EQ(g.substr(0, 7), "durable");
  EXPECT_NE(g.substr(7), std::string(64, 'x'));
  EXPECT_EQ(fs_->power_losses(), 3u);
}

TEST_P(FaultFileSystemTest, RandomPrefixOfTheUnsyncedBytesSurvives) {
  const std::string tail = "0123456789abcdefghij";
  std::set<size_t> lengths;
  for (int i = 0; i < 40; i++) {
    Write(fs_.get(), "f", "head", tail);
    ASSERT_TRUE(fs_->SyncDir(dir_).ok());
    PowerLoss(PowerLossTail::kTruncate, /*keep_prefix=*/true);
    const std::string got = Read("f");
    ASSERT_GE(got.size(), 4u);
    ASSERT_EQ(got, ("head" + tail).substr(0, got.size()));
    lengths.insert(got.size());
  }
  EXPECT_GT(lengths.size(), 5u) << "the kept prefix should vary";
}

TEST_P(FaultFileSystemTest, FileCreatedSinceDirSyncIsGone) {
  Write(fs_.get(), "old", "a");
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  Write(fs_.get(), "new", "b");  // synced contents, but no directory sync
  PowerLoss();
  EXPECT_EQ(Read("old"), "a");
  EXPECT_EQ(Read("new"), "<missing>");
  std::vector<std::string> names;
  ASSERT_TRUE(fs_->GetChildren(dir_, &names).ok());
  EXPECT_EQ(names, std::vector<std::string>{"old"});
}

TEST_P(FaultFileSystemTest, FilesPresentBeforeTrackingAreDurable) {
  Write(base_.get(), "pre", "existing");
  fs_ = std::make_unique<FaultFileSystem>(base_, 7);
  Write(fs_.get(), "x", "y");
  PowerLoss();
  EXPECT_EQ(Read("pre"), "existing");
  EXPECT_EQ(Read("x"), "<missing>");
}

TEST_P(FaultFileSystemTest, UnsyncedRenameIsUndone) {
  Write(fs_.get(), "CURRENT", "old");
  Write(fs_.get(), "tmp", "new");
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  ASSERT_TRUE(fs_->RenameFile(Path("tmp"), Path("CURRENT")).ok());
  ASSERT_EQ(Read("CURRENT"), "new");
  ASSERT_EQ(Read("tmp"), "<missing>");
  PowerLoss();
  EXPECT_EQ(Read("CURRENT"), "old");
  EXPECT_EQ(Read("tmp"), "new");

  ASSERT_TRUE(fs_->RenameFile(Path("tmp"), Path("CURRENT")).ok());
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  PowerLoss();
  EXPECT_EQ(Read("CURRENT"), "new");
  EXPECT_EQ(Read("tmp"), "<missing>");
}

TEST_P(FaultFileSystemTest, UnsyncedRemoveIsUndone) {
  Write(fs_.get(), "f", "keep", "tail");
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  ASSERT_TRUE(fs_->RemoveFile(Path("f")).ok());
  ASSERT_EQ(Read("f"), "<missing>");
  PowerLoss();
  EXPECT_EQ(Read("f"), "keep");  // back, with its synced bytes

  ASSERT_TRUE(fs_->RemoveFile(Path("f")).ok());
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  PowerLoss();
  EXPECT_EQ(Read("f"), "<missing>");
}

// A link is a new directory entry: lost at a power loss unless its directory was synced since,
// then back with its file's synced bytes.
TEST_P(FaultFileSystemTest, LinkIsDurableAfterDirSync) {
  Write(fs_.get(), "f", "keep", "tail");
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  ASSERT_TRUE(fs_->LinkFile(Path("f"), Path("g")).ok());
  ASSERT_EQ(Read("g"), "keeptail");
  PowerLoss();
  EXPECT_EQ(Read("f"), "keep");
  EXPECT_EQ(Read("g"), "<missing>");

  ASSERT_TRUE(fs_->LinkFile(Path("f"), Path("g")).ok());
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  ASSERT_TRUE(fs_->RemoveFile(Path("f")).ok());
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  PowerLoss();
  EXPECT_EQ(Read("f"), "<missing>");
  EXPECT_EQ(Read("g"), "keep");
}

// A renamed directory's files are known under the new name, their power-loss state kept.
TEST_P(FaultFileSystemTest, RenamedDirectoryKeepsItsFiles) {
  ASSERT_TRUE(fs_->CreateDirIfMissing(Path("sub.tmp")).ok());
  Write(fs_.get(), "sub.tmp/a", "synced", "unsynced");
  ASSERT_TRUE(fs_->SyncDir(Path("sub.tmp")).ok());
  ASSERT_TRUE(fs_->RenameFile(Path("sub.tmp"), Path("sub")).ok());
  EXPECT_EQ(Read("sub/a"), "syncedunsynced");
  EXPECT_EQ(Read("sub.tmp/a"), "<missing>");
  PowerLoss();
  EXPECT_EQ(Read("sub/a"), "synced");
  EXPECT_EQ(Read("sub.tmp/a"), "<missing>");
}

TEST_P(FaultFileSystemTest, AppendableFileKeepsItsSyncedPrefix) {
  Write(fs_.get(), "log", "one");
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  std::unique_ptr<WritableFile> f;
  ASSERT_TRUE(fs_->NewAppendableFile(Path("log"), &f).ok());
  ASSERT_TRUE(f->Append("two").ok());
  ASSERT_TRUE(f->Sync().ok());
  ASSERT_TRUE(f->Append("three").ok());
  f.reset();
  PowerLoss();
  EXPECT_EQ(Read("log"), "onetwo");
}

TEST_P(FaultFileSystemTest, CutPowerStopsMutationsAndKillsOldFiles) {
  std::unique_ptr<WritableFile> f;
  ASSERT_TRUE(fs_->NewWritableFile(Path("f"), &f).ok());
  ASSERT_TRUE(f->Append("abc").ok());
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  fs_->CutPower();
  EXPECT_TRUE(fs_->power_cut());
  Status s = f->Append("def");
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.ToString().find("power cut"), std::string::npos) << s.ToString();
  EXPECT_TRUE(f->Sync().IsIOError());
  std::unique_ptr<WritableFile> g;
  EXPECT_TRUE(fs_->NewWritableFile(Path("g"), &g).IsIOError());
  EXPECT_TRUE(fs_->RemoveFile(Path("f")).IsIOError());
  EXPECT_TRUE(fs_->RenameFile(Path("f"), Path("h")).IsIOError());
  uint64_t size;
  EXPECT_TRUE(fs_->GetFileSize(Path("f"), &size).ok());  // reads go on

  // A power loss needs every writable file closed.
  EXPECT_TRUE(fs_->SimulatePowerLoss({}).IsInvalidArgument());
  std::unique_ptr<RandomAccessFile> r;
  ASSERT_TRUE(fs_->NewRandomAccessFile(Path("f"), &r).ok());
  f.reset();
  PowerLoss(PowerLossTail::kZeroFill);
  EXPECT_FALSE(fs_->power_cut());
  EXPECT_EQ(Read("f"), std::string(3, '\0'));
  char scratch[8];
  std::string_view result;
  EXPECT_TRUE(r->Read(0, 3, &result, scratch).IsIOError()) << "opened before the power loss";
  ASSERT_TRUE(fs_->NewWritableFile(Path("g"), &g).ok());  // the power is back
}

TEST_P(FaultFileSystemTest, CutPowerAfterCountsMutations) {
  std::unique_ptr<WritableFile> f;
  ASSERT_TRUE(fs_->NewWritableFile(Path("f"), &f).ok());
  fs_->CutPowerAfter(3);
  EXPECT_TRUE(f->Append("1").ok());
  EXPECT_TRUE(f->Sync().ok());
  EXPECT_FALSE(fs_->power_cut());
  EXPECT_TRUE(f->Append("2").IsIOError());  // the third
  EXPECT_TRUE(fs_->power_cut());
  f.reset();
  PowerLoss();
  EXPECT_EQ(Read("f"), "<missing>");  // never in a synced directory
}

TEST_P(FaultFileSystemTest, FailNextPerKind) {
  Write(fs_.get(), "f", "data");
  struct Case {
    FaultOp op;
    std::function<Status()> call;
  };
  std::unique_ptr<WritableFile> w;
  ASSERT_TRUE(fs_->NewAppendableFile(Path("w"), &w).ok());
  std::unique_ptr<RandomAccessFile> r;
  ASSERT_TRUE(fs_->NewRandomAccessFile(Path("f"), &r).ok());
  char scratch[16];
  std::string_view result;
  const std::vector<Case> cases = {
      {FaultOp::kWrite, [&] { return w->Append("x"); }},
      {FaultOp::kWrite, [&] { return w->Flush(); }},
      {FaultOp::kSync, [&] { return w->Sync(); }},
      {FaultOp::kSync, [&] { return fs_->SyncDir(dir_); }},
      {FaultOp::kRead, [&] { return r->Read(0, 4, &result, scratch); }},
      {FaultOp::kRead,
       [&] {
         std::vector<std::string> names;
         return fs_->GetChildren(dir_, &names);
       }},
      {FaultOp::kOpen,
       [&] {
         std::unique_ptr<SequentialFile> s;
         return fs_->NewSequentialFile(Path("f"), &s);
       }},
      {FaultOp::kRename, [&] { return fs_->RenameFile(Path("f"), Path("f2")); }},
      {FaultOp::kLink, [&] { return fs_->LinkFile(Path("f"), Path("link")); }},
      {FaultOp::kRemove, [&] { return fs_->RemoveFile(Path("f")); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(FaultOpName(c.op));
    const uint64_t before = fs_->InjectedErrors(c.op);
    fs_->FailNext(c.op, 2, FaultError::kNoSpace);
    for (int i = 0; i < 2; i++) {
      Status s = c.call();
      ASSERT_TRUE(s.IsIOError()) << s.ToString();
      EXPECT_NE(s.ToString().find("No space left on device (injected)"), std::string::npos);
    }
    Status s = c.call();
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(fs_->InjectedErrors(c.op), before + 2);
    if (c.op == FaultOp::kRename) {
      ASSERT_TRUE(fs_->RenameFile(Path("f2"), Path("f")).ok());
    }
  }
  EXPECT_EQ(fs_->InjectedErrors(FaultOp::kRead, "/f"), 2u);
  EXPECT_EQ(fs_->TotalInjectedErrors(), 20u);
  EXPECT_EQ(Read("link"), "data");
}

TEST_P(FaultFileSystemTest, FailNextOnPathsWithASuffix) {
  std::unique_ptr<WritableFile> log, manifest;
  ASSERT_TRUE(fs_->NewWritableFile(Path("000001.log"), &log).ok());
  ASSERT_TRUE(fs_->NewWritableFile(Path("MANIFEST-000002"), &manifest).ok());
  fs_->FailNext(FaultOp::kSync, 1, FaultError::kIO, "MANIFEST-000002");
  EXPECT_TRUE(log->Sync().ok());
  EXPECT_TRUE(fs_->SyncDir(dir_).ok());
  EXPECT_TRUE(manifest->Sync().IsIOError());
  EXPECT_TRUE(manifest->Sync().ok());
  fs_->FailNext(FaultOp::kSync, 1, FaultError::kIO, "/d");  // the directory
  EXPECT_TRUE(log->Sync().ok());
  EXPECT_TRUE(fs_->SyncDir(dir_).IsIOError());
  EXPECT_EQ(fs_->InjectedErrors(FaultOp::kSync), 2u);

  fs_->SetErrorRate(FaultOp::kSync, 1, FaultError::kIO, ".log");  // every sync of a log
  for (int i = 0; i < 10; i++) {
    EXPECT_TRUE(log->Sync().IsIOError());
    EXPECT_TRUE(manifest->Sync().ok());
  }
}

TEST_P(FaultFileSystemTest, RateAndHealing) {
  std::unique_ptr<WritableFile> w;
  ASSERT_TRUE(fs_->NewWritableFile(Path("w"), &w).ok());
  fs_->SetErrorRate(FaultOp::kSync, 8);
  int failed = 0;
  for (int i = 0; i < 4000; i++) {
    Status s = w->Sync();
    if (!s.ok()) {
      failed++;
      EXPECT_NE(s.ToString().find("Input/output error (injected)"), std::string::npos);
    }
  }
  EXPECT_GT(failed, 350);
  EXPECT_LT(failed, 650);
  EXPECT_EQ(fs_->InjectedErrors(FaultOp::kSync), static_cast<uint64_t>(failed));
  EXPECT_EQ(fs_->InjectedErrors(FaultOp::kWrite), 0u);

  fs_->SetErrorsEnabled(false);  // healed
  for (int i = 0; i < 1000; i++) ASSERT_TRUE(w->Sync().ok());
  fs_->SetErrorsEnabled(true);
  int again = 0;
  for (int i = 0; i < 1000; i++) again += w->Sync().ok() ? 0 : 1;
  EXPECT_GT(again, 0);
  fs_->ClearErrorRules();
  for (int i = 0; i < 1000; i++) ASSERT_TRUE(w->Sync().ok());
}

TEST_P(FaultFileSystemTest, FailedAppendMayWritePartOfItsData) {
  std::unique_ptr<WritableFile> w;
  ASSERT_TRUE(fs_->NewWritableFile(Path("w"), &w).ok());
  const std::string data(1000, 'd');
  bool partial = false;
  uint64_t expected = 0;
  for (int i = 0; i < 20; i++) {
    fs_->FailNext(FaultOp::kWrite, 1);
    ASSERT_TRUE(w->Append(data).IsIOError());
    ASSERT_TRUE(w->Flush().ok());
    uint64_t size;
    ASSERT_TRUE(fs_->GetFileSize(Path("w"), &size).ok());
    ASSERT_GE(size, expected);
    ASSERT_LT(size, expected + data.size());
    partial = partial || size > expected;
    expected = size;
  }
  EXPECT_TRUE(partial);
  // What a failed append wrote is unsynced like any other write.
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  w.reset();
  PowerLoss();
  EXPECT_EQ(Read("w"), "");
}

INSTANTIATE_TEST_SUITE_P(Bases, FaultFileSystemTest, testing::ValuesIn(kTestFileSystems),
                         TestFsParamName);

}  // namespace
}  // namespace lsm
