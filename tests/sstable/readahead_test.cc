// BlockReadahead: reads in file order are served from one larger read; other reads, and files
// that return their own memory, are read as they are; every read gives the file's bytes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "src/sstable/format.h"
#include "src/util/random.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// A file that counts the reads it serves and the bytes they ask for.
class CountingFile final : public RandomAccessFile {
 public:
  explicit CountingFile(std::unique_ptr<RandomAccessFile> base) : base_(std::move(base)) {}
  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    reads++;
    bytes += n;
    return base_->Read(offset, n, result, scratch);
  }
  Status Size(uint64_t* size) const override { return base_->Size(size); }

  mutable int reads = 0;
  mutable uint64_t bytes = 0;

 private:
  std::unique_ptr<RandomAccessFile> base_;
};

class ReadaheadTest : public testing::TestWithParam<bool> {
 protected:
  // A file of `size` random bytes on a MemFileSystem that copies reads (or, with the test's
  // parameter, returns its own memory).
  void MakeFile(size_t size) {
    Random rnd(TestSeed());
    contents_ = rnd.Bytes(size);
    fs_ = std::make_shared<MemFileSystem>(/*mapped_reads=*/GetParam());
    std::unique_ptr<WritableFile> w;
    ASSERT_TRUE(fs_->NewWritableFile("/f", &w).ok());
    ASSERT_TRUE(w->Append(contents_).ok());
    ASSERT_TRUE(w->Close().ok());
    std::unique_ptr<RandomAccessFile> r;
    ASSERT_TRUE(fs_->NewRandomAccessFile("/f", &r).ok());
    file_ = std::make_unique<CountingFile>(std::move(r));
  }
  // Reads [offset, offset + n) through ra and checks the bytes.
  void ReadAndCheck(BlockReadahead* ra, uint64_t offset, size_t n) {
    std::string scratch(n, '\0');
    std::string_view data;
    ASSERT_TRUE(ra->Read(file_.get(), offset, n, &data, scratch.data()).ok());
    ASSERT_EQ(data, std::string_view(contents_).substr(offset, n)) << offset << " " << n;
    EXPECT_EQ(ra->in_place(), GetParam() || false) << offset;
  }

  std::string contents_;
  std::shared_ptr<MemFileSystem> fs_;
  std::unique_ptr<CountingFile> file_;
};

// Automatic: the first kAutoAfter reads in order are read alone, then one read covers the
// next 256 KiB of blocks; a file's own memory is never read ahead.
TEST_P(ReadaheadTest, AutomaticAfterReadsInOrder) {
  ASSERT_NO_FATAL_FAILURE(MakeFile(4 << 20));
  BlockReadahead ra(0);
  const size_t block = 4101;  // a block and its trailer, off any alignment
  uint64_t offset = 0;
  for (int i = 0; i < 200; i++, offset += block)
    ASSERT_NO_FATAL_FAILURE(ReadAndCheck(&ra, offset, block));
  if (GetParam()) {
    EXPECT_EQ(file_->reads, 200);
  } else {
    // 200 blocks are 820 KiB: three reads alone, then windows of 256 KiB.
    EXPECT_LE(file_->reads, 3 + 4);
    EXPECT_GE(file_->reads, 3 + 3);
  }
}

// Reads that do not follow each other are read as asked; a given size reads ahead from the
// first read, and a window ends at the end of the file.
TEST_P(ReadaheadTest, RandomReadsAndAGivenSize) {
  ASSERT_NO_FATAL_FAILURE(MakeFile(1 << 20));
  Random rnd(TestSeed() + 1);
  BlockReadahead automatic(0);
  for (int i = 0; i < 100; i++) {
    ASSERT_NO_FATAL_FAILURE(
        ReadAndCheck(&automatic, rnd.Uniform((1 << 20) - 5000), 1 + rnd.Uniform(4999)));
  }
  EXPECT_EQ(file_->reads, 100);
  EXPECT_LT(file_->bytes, 100u * 5000);

  file_->reads = 0;
  BlockReadahead sized(64 << 10);
  const uint64_t start = (1 << 20) - 100000;
  for (uint64_t offset = start; offset + 1000 <= (1 << 20); offset += 1000) {
    ASSERT_NO_FATAL_FAILURE(ReadAndCheck(&sized, offset, 1000));
  }
  // 100,000 bytes in windows of 64 KiB: two reads (one file read per read of a mapped file).
  EXPECT_EQ(file_->reads, GetParam() ? 100 : 2);
  // Back before the window: read again, and right.
  ASSERT_NO_FATAL_FAILURE(ReadAndCheck(&sized, 10, 1000));
}

INSTANTIATE_TEST_SUITE_P(Files, ReadaheadTest, testing::Bool(),
                         [](const auto& info) { return info.param ? "Mapped" : "Copied"; });

}  // namespace
}  // namespace lsm
