// Behaviour every FileSystem implementation shares, run against POSIX and the in-memory one.
#include "lsm/file_system.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "src/io/posix_file_system.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

class FileSystemTest : public testing::TestWithParam<bool> {
 protected:
  FileSystemTest()
      : fs_(GetParam() ? NewPosixFileSystem() : std::make_shared<MemFileSystem>()),
        dir_(tmp_.path() + "/fs") {
    EXPECT_TRUE(fs_->CreateDirIfMissing(dir_).ok());
  }

  std::string ReadAll(const std::string& path) {
    std::unique_ptr<SequentialFile> f;
    EXPECT_TRUE(fs_->NewSequentialFile(path, &f).ok());
    std::string out;
    char scratch[7];
    for (;;) {
      std::string_view chunk;
      EXPECT_TRUE(f->Read(sizeof(scratch), &chunk, scratch).ok());
      if (chunk.empty()) break;
      out.append(chunk);
    }
    return out;
  }

  TempDir tmp_;
  std::shared_ptr<FileSystem> fs_;
  std::string dir_;
};

TEST_P(FileSystemTest, WriteReadAppend) {
  const std::string path = dir_ + "/a";
  std::unique_ptr<WritableFile> w;
  ASSERT_TRUE(fs_->NewWritableFile(path, &w).ok());
  const std::string big(3 * kWritableBufferSize + 5, 'b');
  ASSERT_TRUE(w->Append("hello ").ok());
  ASSERT_TRUE(w->Append(big).ok());
  ASSERT_TRUE(w->Sync().ok());
  EXPECT_EQ(w->Size(), 6 + big.size());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_FALSE(w->Append("x").ok());
  EXPECT_EQ(ReadAll(path), "hello " + big);

  ASSERT_TRUE(fs_->NewAppendableFile(path, &w).ok());
  EXPECT_EQ(w->Size(), 6 + big.size());
  ASSERT_TRUE(w->Append("!").ok());
  ASSERT_TRUE(w->Close().ok());
  uint64_t size;
  ASSERT_TRUE(fs_->GetFileSize(path, &size).ok());
  EXPECT_EQ(size, 7 + big.size());

  std::unique_ptr<RandomAccessFile> r;
  ASSERT_TRUE(fs_->NewRandomAccessFile(path, &r).ok());
  char scratch[16];
  std::string_view got;
  ASSERT_TRUE(r->Read(0, 5, &got, scratch).ok());
  EXPECT_EQ(got, "hello");
  ASSERT_TRUE(r->Read(size - 2, 16, &got, scratch).ok());  // short read at the end
  EXPECT_EQ(got, "b!");
  ASSERT_TRUE(r->Read(size + 10, 4, &got, scratch).ok());
  EXPECT_TRUE(got.empty());
  ASSERT_TRUE(r->Size(&size).ok());
  EXPECT_EQ(size, 7 + big.size());
}

TEST_P(FileSystemTest, DirectoryOperations) {
  for (const char* name : {"1.log", "2.sst"}) {
    std::unique_ptr<WritableFile> w;
    ASSERT_TRUE(fs_->NewWritableFile(dir_ + "/" + name, &w).ok());
    ASSERT_TRUE(w->Close().ok());
  }
  std::vector<std::string> names;
  ASSERT_TRUE(fs_->GetChildren(dir_, &names).ok());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"1.log", "2.sst"}));
  ASSERT_TRUE(fs_->RenameFile(dir_ + "/1.log", dir_ + "/2.sst").ok());
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  EXPECT_TRUE(fs_->FileExists(dir_ + "/1.log").IsNotFound());
  EXPECT_TRUE(fs_->FileExists(dir_ + "/2.sst").ok());
  ASSERT_TRUE(fs_->RemoveFile(dir_ + "/2.sst").ok());
  EXPECT_TRUE(fs_->RemoveFile(dir_ + "/2.sst").IsNotFound());
  std::unique_ptr<SequentialFile> s;
  EXPECT_TRUE(fs_->NewSequentialFile(dir_ + "/missing", &s).IsNotFound());
  std::unique_ptr<RandomAccessFile> r;
  EXPECT_TRUE(fs_->NewRandomAccessFile(dir_ + "/missing", &r).IsNotFound());
  ASSERT_TRUE(fs_->RemoveDir(dir_).ok());
}

TEST_P(FileSystemTest, LockIsExclusiveUntilReleased) {
  const std::string path = dir_ + "/LOCK";
  std::unique_ptr<FileLock> a, b;
  ASSERT_TRUE(fs_->LockFile(path, &a).ok());
  Status s = fs_->LockFile(path, &b);
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(s.ToString().find("lock held"), std::string::npos);
  a.reset();
  EXPECT_TRUE(fs_->LockFile(path, &b).ok());
}

INSTANTIATE_TEST_SUITE_P(Impl, FileSystemTest, testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Posix" : "Memory"; });

TEST(PosixFileSystemTest, ErrorsNameThePath) {
  auto fs = FileSystem::Default();
  std::unique_ptr<WritableFile> w;
  Status s = fs->NewWritableFile("/nonexistent-dir/x", &w);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.ToString().find("/nonexistent-dir/x"), std::string::npos);
  TempDir tmp;
  std::unique_ptr<WritableFile> f;
  ASSERT_TRUE(fs->NewWritableFile(tmp.path() + "/file", &f).ok());
  ASSERT_TRUE(f->Close().ok());
  s = fs->CreateDirIfMissing(tmp.path() + "/file");
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
}

}  // namespace
}  // namespace lsm
