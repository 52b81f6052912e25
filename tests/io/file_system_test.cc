// Behaviour every FileSystem implementation shares, run against POSIX, io_uring and the
// in-memory one; then what only the POSIX-based ones can show (kills, limits, ring set-up).
#include "lsm/file_system.h"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "src/io/posix_file_system.h"
#include "src/io/uring_file_system.h"
#include "src/util/random.h"
#include "tests/support/test_file_systems.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

class FileSystemTest : public testing::TestWithParam<TestFs> {
 protected:
  FileSystemTest() : fs_(NewTestFileSystem(GetParam())), dir_(tmp_.path() + "/fs") {
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

  // Writes `contents` to a new file at `path` through fs_.
  void WriteNewFile(const std::string& path, std::string_view contents) {
    std::unique_ptr<WritableFile> w;
    ASSERT_TRUE(fs_->NewWritableFile(path, &w).ok());
    ASSERT_TRUE(w->Append(contents).ok());
    ASSERT_TRUE(w->Close().ok());
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

// A link is a second name of the same bytes: it outlives the removal of the first name, and
// it is refused over an existing name or from a missing file.
TEST_P(FileSystemTest, LinkFileNamesTheSameBytes) {
  const std::string a = dir_ + "/000007.sst", b = dir_ + "/000007.link";
  std::unique_ptr<WritableFile> w;
  ASSERT_TRUE(fs_->NewWritableFile(a, &w).ok());
  ASSERT_TRUE(w->Append("table bytes").ok());
  ASSERT_TRUE(w->Sync().ok());
  ASSERT_TRUE(w->Close().ok());
  Status s = fs_->LinkFile(a, b);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  EXPECT_EQ(ReadAll(b), "table bytes");
  s = fs_->LinkFile(a, b);
  EXPECT_FALSE(s.ok()) << "a link over an existing name";
  s = fs_->LinkFile(dir_ + "/missing", dir_ + "/other");
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_TRUE(fs_->FileExists(dir_ + "/other").IsNotFound());
  ASSERT_TRUE(fs_->RemoveFile(a).ok());
  EXPECT_EQ(ReadAll(b), "table bytes");
  uint64_t size = 0;
  ASSERT_TRUE(fs_->GetFileSize(b, &size).ok());
  EXPECT_EQ(size, 11u);
}

// RenameFile moves a directory with its files to a new name.
TEST_P(FileSystemTest, RenameDirectory) {
  const std::string from = dir_ + "/ckpt.tmp", to = dir_ + "/ckpt";
  ASSERT_TRUE(fs_->CreateDirIfMissing(from).ok());
  for (const char* name : {"CURRENT", "000001.sst"}) {
    std::unique_ptr<WritableFile> w;
    ASSERT_TRUE(fs_->NewWritableFile(from + "/" + name, &w).ok());
    ASSERT_TRUE(w->Append(name).ok());
    ASSERT_TRUE(w->Close().ok());
  }
  Status s = fs_->RenameFile(from, to);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(fs_->SyncDir(dir_).ok());
  EXPECT_TRUE(fs_->FileExists(from).IsNotFound());
  EXPECT_TRUE(fs_->FileExists(to).ok());
  std::vector<std::string> names;
  ASSERT_TRUE(fs_->GetChildren(to, &names).ok());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"000001.sst", "CURRENT"}));
  EXPECT_EQ(ReadAll(to + "/CURRENT"), "CURRENT");
  EXPECT_TRUE(fs_->FileExists(from + "/CURRENT").IsNotFound());
  EXPECT_TRUE(fs_->RenameFile(dir_ + "/missing", dir_ + "/x").IsNotFound());
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

// A log file takes appends of any size, across the POSIX file's 1 MiB mapping windows, and
// holds exactly what was appended once closed.
TEST_P(FileSystemTest, LogFileHoldsWhatWasAppended) {
  const std::string path = dir_ + "/000001.log";
  std::unique_ptr<WritableFile> w;
  ASSERT_TRUE(fs_->NewLogFile(path, &w).ok());
  Random rnd(TestSeed());
  std::string expected;
  while (expected.size() < (3 << 20)) {
    const std::string chunk = rnd.Bytes(rnd.OneIn(20) ? rnd.Uniform(700000) : rnd.Uniform(300));
    ASSERT_TRUE(w->Append(chunk).ok());
    ASSERT_TRUE(w->Flush().ok());
    expected += chunk;
    if (rnd.OneIn(100)) {
      ASSERT_TRUE(w->Sync().ok());
    }
  }
  EXPECT_EQ(w->Size(), expected.size());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_FALSE(w->Append("x").ok());
  uint64_t size;
  ASSERT_TRUE(fs_->GetFileSize(path, &size).ok());
  EXPECT_EQ(size, expected.size());
  EXPECT_TRUE(ReadAll(path) == expected);
}

// A writable file takes appends of any size, across the io_uring file's buffers, with flushes
// and syncs anywhere, and holds exactly what was appended once closed; reopened to append, it
// continues after it.
TEST_P(FileSystemTest, WritableFileHoldsWhatWasAppended) {
  const std::string path = dir_ + "/000007.sst";
  Random rnd(TestSeed());
  std::string expected;
  for (bool append : {false, true}) {
    std::unique_ptr<WritableFile> w;
    ASSERT_TRUE((append ? fs_->NewAppendableFile(path, &w) : fs_->NewWritableFile(path, &w)).ok());
    EXPECT_EQ(w->Size(), expected.size());
    const size_t end = expected.size() + (3 << 20);
    while (expected.size() < end) {
      const size_t n = rnd.OneIn(20) ? rnd.Uniform(kUringBufferSize * 3) : rnd.Uniform(5000);
      const std::string chunk = rnd.Bytes(n);
      ASSERT_TRUE(w->Append(chunk).ok());
      expected += chunk;
      if (rnd.OneIn(30)) {
        ASSERT_TRUE(w->Flush().ok());
      }
      if (rnd.OneIn(100)) {
        ASSERT_TRUE(w->Sync().ok());
      }
    }
    EXPECT_EQ(w->Size(), expected.size());
    ASSERT_TRUE(w->Close().ok());
    EXPECT_FALSE(w->Append("x").ok());
    EXPECT_FALSE(w->Sync().ok());
    ASSERT_TRUE(ReadAll(path) == expected);
  }
}

// A direct writable file holds what was appended: across buffer boundaries, with flushes and
// syncs anywhere (after each the file is as long as what was appended, the padding of its tail
// cut), and read back by ordinary and direct reads. A file system without direct I/O says so.
TEST_P(FileSystemTest, DirectWritableFileHoldsWhatWasAppended) {
  const std::string path = dir_ + "/000008.sst";
  std::unique_ptr<WritableFile> w;
  const Status s = fs_->NewDirectWritableFile(path, &w);
  if (GetParam() == TestFs::kMemory) {
    ASSERT_TRUE(s.IsNotSupported()) << s.ToString();
    return;
  }
  if (s.IsNotSupported())
    GTEST_SKIP() << "no direct I/O where the test's files go: " << s.ToString();
  ASSERT_TRUE(s.ok()) << s.ToString();
  Random rnd(TestSeed());
  std::string expected;
  while (expected.size() < (5 << 20)) {
    const size_t n = rnd.OneIn(20) ? rnd.Uniform(kUringBufferSize * 3) : rnd.Uniform(5000);
    const std::string chunk = rnd.Bytes(n);
    ASSERT_TRUE(w->Append(chunk).ok());
    expected += chunk;
    if (rnd.OneIn(20)) {
      ASSERT_TRUE((rnd.OneIn(2) ? w->Flush() : w->Sync()).ok());
      uint64_t size = 0;
      ASSERT_TRUE(fs_->GetFileSize(path, &size).ok());
      ASSERT_EQ(size, expected.size());
    }
  }
  EXPECT_EQ(w->Size(), expected.size());
  ASSERT_TRUE(w->Sync().ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_FALSE(w->Append("x").ok());
  ASSERT_TRUE(ReadAll(path) == expected);
  std::unique_ptr<RandomAccessFile> r;
  ASSERT_TRUE(fs_->NewDirectRandomAccessFile(path, &r).ok());
  std::string scratch(expected.size(), '\0');
  std::string_view got;
  ASSERT_TRUE(r->Read(0, expected.size() + 10, &got, scratch.data()).ok());
  ASSERT_TRUE(got == expected);
}

// Requests for MultiRead over a file of `size` bytes: more than the io_uring file's ring holds
// at once, some past the end of the file, some long, each with its own scratch.
std::vector<ReadRequest> RandomRequests(Random* rnd, size_t size,
                                        std::vector<std::string>* scratch) {
  std::vector<ReadRequest> requests(300);
  scratch->resize(requests.size());
  for (size_t i = 0; i < requests.size(); i++) {
    ReadRequest& req = requests[i];
    req.offset = rnd->OneIn(10) ? size - rnd->Uniform(100) : rnd->Uniform(size);
    req.n = 1 + rnd->Uniform(rnd->OneIn(10) ? 200000 : 8000);
    (*scratch)[i].resize(req.n);
    req.scratch = (*scratch)[i].data();
  }
  return requests;
}

// A batch of reads (more than the io_uring file's ring holds at once), some past the end of
// the file, gives what the reads one by one give.
TEST_P(FileSystemTest, MultiReadGivesWhatReadGives) {
  const std::string path = dir_ + "/000009.sst";
  Random rnd(TestSeed());
  const std::string contents = rnd.Bytes(1 << 20);
  ASSERT_NO_FATAL_FAILURE(WriteNewFile(path, contents));
  std::unique_ptr<RandomAccessFile> r;
  ASSERT_TRUE(fs_->NewRandomAccessFile(path, &r).ok());
  std::vector<std::string> scratch;
  std::vector<ReadRequest> requests = RandomRequests(&rnd, contents.size(), &scratch);
  ASSERT_TRUE(r->MultiRead(requests.data(), requests.size()).ok());
  for (const ReadRequest& req : requests) {
    ASSERT_TRUE(req.status.ok()) << req.status.ToString();
    ASSERT_TRUE(req.result == std::string_view(contents).substr(req.offset, req.n))
        << req.offset << " " << req.n << " " << req.result.size();
  }
}

// An unmapped file reads what a possibly mapped one does, always into the caller's scratch.
TEST_P(FileSystemTest, UnmappedReadsCopyIntoTheScratch) {
  const std::string path = dir_ + "/000010.sst";
  const std::string contents = Random(TestSeed()).Bytes(100000);
  ASSERT_NO_FATAL_FAILURE(WriteNewFile(path, contents));
  std::unique_ptr<RandomAccessFile> r;
  ASSERT_TRUE(fs_->NewUnmappedRandomAccessFile(path, &r).ok());
  std::string scratch(4096, '\0');
  for (const uint64_t offset : {uint64_t{0}, uint64_t{12345}, uint64_t{100000 - 100}}) {
    std::string_view got;
    ASSERT_TRUE(r->Read(offset, scratch.size(), &got, scratch.data()).ok());
    EXPECT_EQ(got.data(), scratch.data());
    EXPECT_TRUE(got == std::string_view(contents).substr(offset, scratch.size())) << offset;
  }
  uint64_t size = 0;
  ASSERT_TRUE(r->Size(&size).ok());
  EXPECT_EQ(size, contents.size());
  EXPECT_TRUE(fs_->NewUnmappedRandomAccessFile(dir_ + "/missing", &r).IsNotFound());
}

// Direct files read what ordinary ones do, one by one, as a batch, and in a batch over several
// files; a file system without direct I/O says so.
TEST_P(FileSystemTest, DirectReadsGiveWhatReadGives) {
  Random rnd(TestSeed());
  // Sizes off the 4 KiB alignment, and one on it.
  const std::vector<std::string> contents = {rnd.Bytes((1 << 20) + 123), rnd.Bytes(3 << 12),
                                             rnd.Bytes(10)};
  std::vector<std::unique_ptr<RandomAccessFile>> files;
  for (size_t f = 0; f < contents.size(); f++) {
    const std::string path = dir_ + "/00001" + std::to_string(f) + ".sst";
    ASSERT_NO_FATAL_FAILURE(WriteNewFile(path, contents[f]));
    std::unique_ptr<RandomAccessFile> r;
    const Status s = fs_->NewDirectRandomAccessFile(path, &r);
    if (GetParam() == TestFs::kMemory) {
      ASSERT_TRUE(s.IsNotSupported()) << s.ToString();
      return;
    }
    if (s.IsNotSupported())
      GTEST_SKIP() << "no direct I/O where the test's files go: " << s.ToString();
    ASSERT_TRUE(s.ok()) << s.ToString();
    files.push_back(std::move(r));
  }
  const RandomAccessFile& big = *files[0];
  uint64_t size = 0;
  ASSERT_TRUE(big.Size(&size).ok());
  ASSERT_EQ(size, contents[0].size());
  std::vector<std::string> scratch;
  std::vector<ReadRequest> requests = RandomRequests(&rnd, contents[0].size(), &scratch);
  for (const ReadRequest& req : requests) {
    std::string_view got;
    ASSERT_TRUE(big.Read(req.offset, req.n, &got, req.scratch).ok());
    ASSERT_TRUE(got == std::string_view(contents[0]).substr(req.offset, req.n))
        << req.offset << " " << req.n << " " << got.size();
  }
  ASSERT_TRUE(big.MultiRead(requests.data(), requests.size()).ok());
  for (const ReadRequest& req : requests) {
    ASSERT_TRUE(req.status.ok()) << req.status.ToString();
    ASSERT_TRUE(req.result == std::string_view(contents[0]).substr(req.offset, req.n))
        << req.offset << " " << req.n << " " << req.result.size();
  }
  // A batch over the three files, in runs and interleaved.
  std::vector<FileReadRequest> batch(200);
  std::vector<std::string> batch_scratch(batch.size());
  for (size_t i = 0; i < batch.size(); i++) {
    const size_t f = i < 50 ? 0 : rnd.Uniform(files.size());
    batch[i].file = files[f].get();
    batch[i].read.offset = rnd.Uniform(contents[f].size() + 10);
    batch[i].read.n = 1 + rnd.Uniform(9000);
    batch_scratch[i].resize(batch[i].read.n);
    batch[i].read.scratch = batch_scratch[i].data();
  }
  ASSERT_TRUE(fs_->MultiRead(batch.data(), batch.size()).ok());
  for (const FileReadRequest& r : batch) {
    const size_t f = static_cast<size_t>(
        std::find_if(files.begin(), files.end(), [&](const auto& p) { return p.get() == r.file; }) -
        files.begin());
    ASSERT_TRUE(r.read.status.ok()) << r.read.status.ToString();
    const std::string_view want =
        r.read.offset >= contents[f].size()
            ? std::string_view()
            : std::string_view(contents[f]).substr(r.read.offset, r.read.n);
    ASSERT_TRUE(r.read.result == want) << f << " " << r.read.offset << " " << r.read.n;
  }
}

// FileSystem::MultiRead over ordinary files gives what their reads give.
TEST_P(FileSystemTest, BatchOverFilesGivesWhatReadGives) {
  Random rnd(TestSeed());
  std::vector<std::string> contents;
  std::vector<std::unique_ptr<RandomAccessFile>> files;
  for (int f = 0; f < 3; f++) {
    contents.push_back(rnd.Bytes(1 + rnd.Uniform(100000)));
    const std::string path = dir_ + "/00002" + std::to_string(f) + ".sst";
    ASSERT_NO_FATAL_FAILURE(WriteNewFile(path, contents.back()));
    files.emplace_back();
    ASSERT_TRUE(fs_->NewRandomAccessFile(path, &files.back()).ok());
  }
  std::vector<FileReadRequest> batch(100);
  std::vector<std::string> scratch(batch.size());
  std::vector<size_t> of(batch.size());
  for (size_t i = 0; i < batch.size(); i++) {
    of[i] = rnd.Uniform(files.size());
    batch[i].file = files[of[i]].get();
    batch[i].read.offset = rnd.Uniform(contents[of[i]].size());
    batch[i].read.n = 1 + rnd.Uniform(5000);
    scratch[i].resize(batch[i].read.n);
    batch[i].read.scratch = scratch[i].data();
  }
  ASSERT_TRUE(fs_->MultiRead(batch.data(), batch.size()).ok());
  for (size_t i = 0; i < batch.size(); i++) {
    const ReadRequest& r = batch[i].read;
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    ASSERT_TRUE(r.result == std::string_view(contents[of[i]]).substr(r.offset, r.n)) << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Fs, FileSystemTest, testing::ValuesIn(kTestFileSystems), TestFsParamName);

// Runs `body` in a child process and returns its exit code (-signal if it was killed).
template <typename F>
int InChild(F body) {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(body());
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child) return -1000;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

class DiskFileSystemTest : public testing::TestWithParam<TestFs> {};

// Bytes appended and flushed are the kernel's: a process killed right after (no Sync, no
// Close) leaves them in the file.
TEST_P(DiskFileSystemTest, FlushedBytesSurviveAKill) {
  TempDir tmp;
  const std::string path = tmp.path() + "/000007.sst";
  const std::string data = Random(TestSeed()).Bytes(kUringBufferSize * 5 + 12345);
  const int code = InChild([&] {
    std::unique_ptr<WritableFile> w;
    if (!NewTestFileSystem(GetParam())->NewWritableFile(path, &w).ok() || !w->Append(data).ok() ||
        !w->Flush().ok()) {
      return 1;
    }
    ::kill(::getpid(), SIGKILL);
    return 2;
  });
  ASSERT_EQ(code, -SIGKILL);
  EXPECT_TRUE(ReadFile(path) == data);
}

// A write the file system refuses (here a file size limit; a full disk the same) is an
// IOError naming the file, from that call or the next that waits for it, and every call after.
TEST_P(DiskFileSystemTest, RefusedWriteFailsWithTheFileName) {
  TempDir tmp;
  const std::string path = tmp.path() + "/000007.sst";
  const int code = InChild([&] {
    ::signal(SIGXFSZ, SIG_IGN);
    const struct rlimit limit = {1 << 20, 1 << 20};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 2;
    std::unique_ptr<WritableFile> w;
    if (!NewTestFileSystem(GetParam())->NewWritableFile(path, &w).ok()) return 3;
    Status s = w->Append(std::string(3 << 20, 'a'));
    if (s.ok()) s = w->Flush();
    const bool named = s.ToString().find(path) != std::string::npos;
    if (!s.IsIOError() || !named) return 4;
    if (w->Sync().ok() || w->Close().ok()) return 5;
    return 0;
  });
  EXPECT_EQ(code, 0);
}

INSTANTIATE_TEST_SUITE_P(Fs, DiskFileSystemTest, testing::Values(TestFs::kPosix, TestFs::kUring),
                         TestFsParamName);

TEST(UringFileSystemTest, NoRingIsNotSupportedWithTheReason) {
  for (int err : {ENOSYS, EPERM}) {
    const int code = InChild([&] {
      if (!DenyUringSetup(err)) return 2;
      std::shared_ptr<FileSystem> fs;
      const Status s = NewUringFileSystem(&fs);
      if (!s.IsNotSupported()) return 3;
      if (s.ToString().find(std::strerror(err)) == std::string::npos) return 4;
      return fs == nullptr ? 0 : 5;
    });
    EXPECT_EQ(code, 0) << std::strerror(err);
  }
}

// A thread that cannot set up a read ring reads a batch of direct reads one by one, with the
// same result.
TEST(UringFileSystemTest, DirectBatchWithoutARingIsReadOneByOne) {
  TempDir tmp;
  std::shared_ptr<FileSystem> fs;
  if (!NewUringFileSystem(&fs).ok()) GTEST_SKIP() << "no io_uring here";
  Random rnd(TestSeed());
  const std::string contents = rnd.Bytes(100000);
  const std::string path = tmp.path() + "/000001.sst";
  std::unique_ptr<WritableFile> w;
  ASSERT_TRUE(fs->NewWritableFile(path, &w).ok());
  ASSERT_TRUE(w->Append(contents).ok());
  ASSERT_TRUE(w->Close().ok());
  std::unique_ptr<RandomAccessFile> r;
  const Status s = fs->NewDirectRandomAccessFile(path, &r);
  if (s.IsNotSupported())
    GTEST_SKIP() << "no direct I/O where the test's files go: " << s.ToString();
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::vector<std::string> scratch;
  std::vector<ReadRequest> requests = RandomRequests(&rnd, contents.size(), &scratch);
  const int code = InChild([&] {
    if (!DenyUringSetup(EPERM)) return 2;
    int result = 0;
    // A new thread: its ring is set up (and refused) on its first batch.
    std::thread reader([&] {
      if (!r->MultiRead(requests.data(), requests.size()).ok()) {
        result = 3;
        return;
      }
      for (const ReadRequest& req : requests) {
        if (!req.status.ok() ||
            req.result != std::string_view(contents).substr(req.offset, req.n)) {
          result = 4;
          return;
        }
      }
    });
    reader.join();
    return result;
  });
  EXPECT_EQ(code, 0);
}

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

// A process killed after Append (no Close, no Sync) leaves its bytes in the file, followed by
// zeros to the end of the space reserved ahead of them.
TEST(PosixFileSystemTest, LogFileBytesSurviveAKill) {
  TempDir tmp;
  const std::string path = tmp.path() + "/000001.log";
  const std::string data = Random(TestSeed()).Bytes((1 << 20) + 12345);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::unique_ptr<WritableFile> w;
    if (!FileSystem::Default()->NewLogFile(path, &w).ok() || !w->Append(data).ok() ||
        !w->Flush().ok()) {
      ::_exit(1);
    }
    ::kill(::getpid(), SIGKILL);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  const std::string contents = ReadFile(path);
  ASSERT_GE(contents.size(), data.size());
  EXPECT_TRUE(contents.substr(0, data.size()) == data);
  EXPECT_EQ(contents.find_first_not_of('\0', data.size()), std::string::npos);
}

// Space that cannot be reserved (here a file size limit; a full disk the same) fails the
// Append that needs it with an error naming the file, instead of a fault on a mapped page.
TEST(PosixFileSystemTest, LogFileThatCannotGrowFailsAppend) {
  TempDir tmp;
  const std::string path = tmp.path() + "/000001.log";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const struct rlimit limit = {(1 << 20) + 4096, (1 << 20) + 4096};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(2);
    std::unique_ptr<WritableFile> w;
    if (!FileSystem::Default()->NewLogFile(path, &w).ok()) ::_exit(3);
    if (!w->Append(std::string(1 << 20, 'a')).ok()) ::_exit(4);
    const Status s = w->Append("b");
    const bool named = s.ToString().find(path) != std::string::npos;
    ::_exit(s.IsIOError() && named ? 0 : 5);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace lsm
