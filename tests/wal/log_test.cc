// Round trips, the exact layout of blocks and fragments, the file header, and the writer's and
// reader's handling of file errors.
#include <gtest/gtest.h>

#include "src/io/posix_file_system.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"
#include "tests/wal/log_test_util.h"

namespace lsm::log {
namespace {

class LogTest : public testing::Test {
 protected:
  std::string Contents() {
    std::string c;
    EXPECT_TRUE(fs_->Contents(kPath, &c).ok());
    return c;
  }

  // Writes `records`, reads them back in every mode and expects them all, at their offsets.
  void RoundTrip(const std::vector<std::string>& records) {
    Layout layout;
    ASSERT_TRUE(WriteLog(fs_.get(), kPath, records, &layout).ok());
    const uint64_t size = Contents().size();
    for (WALRecoveryMode mode : kAllModes) {
      SCOPED_TRACE(RecoveryModeName(mode));
      ReadResult r = ReadLog(fs_.get(), kPath, mode);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      ASSERT_EQ(r.records.size(), records.size());
      for (size_t i = 0; i < records.size(); i++) ASSERT_EQ(r.records[i], records[i]) << i;
      EXPECT_EQ(r.offsets, layout.offsets);
      EXPECT_EQ(r.report.records, records.size());
      EXPECT_EQ(r.report.last_record_end, size);
      EXPECT_EQ(r.report.bytes_read, size);
      EXPECT_EQ(r.report.dropped_bytes, 0u);
      EXPECT_EQ(r.report.abandoned_bytes, 0u);
      EXPECT_FALSE(r.report.torn_tail);
      EXPECT_TRUE(r.report.damage.ok()) << r.report.damage.ToString();
    }
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
};

TEST_F(LogTest, EmptyFileIsAnEmptyLog) {
  fs_->SetContents(kPath, "");
  for (WALRecoveryMode mode : kAllModes) {
    ReadResult r = ReadLog(fs_.get(), kPath, mode);
    EXPECT_TRUE(r.status.ok()) << RecoveryModeName(mode) << " " << r.status.ToString();
    EXPECT_TRUE(r.records.empty());
    EXPECT_EQ(r.report.last_record_end, 0u);
  }
}

TEST_F(LogTest, HeaderOnly) {
  RoundTrip({});
  EXPECT_EQ(Contents().size(), kFileHeaderRecordSize);
}

TEST_F(LogTest, RoundTripRandomRecords) {
  Random rnd(TestSeed());
  RoundTrip(MakeRecords(&rnd, 400, 17));
}

TEST_F(LogTest, RoundTripLargeRecords) {
  Random rnd(TestSeed());
  RoundTrip({rnd.Bytes(5 << 20), "", "after", rnd.Bytes(3 * kBlockSize + 1)});
}

// The first record leaves `tail` bytes in block 0; the next records have sizes around one
// block's payload.
TEST_F(LogTest, BlockBoundaries) {
  const size_t payload_per_block = kBlockSize - kHeaderSize;
  for (size_t tail = 0; tail <= kHeaderSize + 2; tail++) {
    SCOPED_TRACE("tail " + std::to_string(tail));
    const std::string first(kBlockSize - tail - kFileHeaderRecordSize - kHeaderSize, 'a');
    for (size_t next : {size_t{0}, size_t{1}, payload_per_block - 1, payload_per_block,
                        payload_per_block + 1, 2 * payload_per_block, 2 * payload_per_block + 1}) {
      SCOPED_TRACE("next " + std::to_string(next));
      Layout layout;
      ASSERT_TRUE(WriteLog(fs_.get(), kPath, {first, std::string(next, 'b'), "c"}, &layout).ok());
      const std::string c = Contents();
      if (tail < kHeaderSize) {
        EXPECT_EQ(c.substr(kBlockSize - tail, tail), std::string(tail, '\0'));
        EXPECT_EQ(layout.offsets[1], kBlockSize);
      } else {
        EXPECT_EQ(layout.offsets[1], kBlockSize - tail);
      }
      RoundTrip({first, std::string(next, 'b'), "c"});
    }
  }
}

// A record of three blocks and a bit: FIRST fills the rest of block 0, two MIDDLEs fill blocks
// 1 and 2, LAST holds the remainder.
TEST_F(LogTest, FragmentLayout) {
  const std::string record(3 * kBlockSize, 'x');
  ASSERT_TRUE(WriteLog(fs_.get(), kPath, {record}).ok());
  const std::string c = Contents();
  auto type_at = [&](size_t offset) { return static_cast<uint8_t>(c[offset + 6]); };
  auto length_at = [&](size_t offset) { return DecodeFixed16(c.data() + offset + 4); };
  EXPECT_EQ(type_at(0), kFileHeaderType);
  EXPECT_EQ(length_at(0), kFileHeaderPayloadSize);
  EXPECT_EQ(type_at(kFileHeaderRecordSize), kFirstType);
  EXPECT_EQ(length_at(kFileHeaderRecordSize), kBlockSize - kFileHeaderRecordSize - kHeaderSize);
  EXPECT_EQ(type_at(kBlockSize), kMiddleType);
  EXPECT_EQ(length_at(kBlockSize), kBlockSize - kHeaderSize);
  EXPECT_EQ(type_at(2 * kBlockSize), kMiddleType);
  EXPECT_EQ(type_at(3 * kBlockSize), kLastType);
  const size_t rest = record.size() - (kBlockSize - kFileHeaderRecordSize - kHeaderSize) -
                      2 * (kBlockSize - kHeaderSize);
  EXPECT_EQ(length_at(3 * kBlockSize), rest);
  EXPECT_EQ(c.size(), 3 * kBlockSize + kHeaderSize + rest);
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// The worked example of docs/wal_format.md: log 7 holding "hello" and an empty record.
TEST_F(LogTest, GoldenBytes) {
  ASSERT_TRUE(WriteLog(fs_.get(), kPath, {"hello", ""}).ok());
  // clang-format off
  EXPECT_EQ(Hex(Contents()),
            "1e00eba9" "1c00" "05"                                  // file header @ 0
            "894c534d4c4f470a" "01000000" "0700000000000000" "0000000000000000"
            "ad44396e" "0500" "01" "68656c6c6f"                     // FULL "hello" @ 35
            "13a3f1a5" "0000" "01");                                // FULL "" @ 47
  // clang-format on
}

TEST_F(LogTest, PosixFileSystem) {
  TempDir dir;
  std::shared_ptr<FileSystem> fs = NewPosixFileSystem();
  const std::string path = dir.path() + "/000007.log";
  Random rnd(TestSeed());
  std::vector<std::string> records = MakeRecords(&rnd, 100, 16);
  ASSERT_TRUE(WriteLog(fs.get(), path, records).ok());
  ReadResult r = ReadLog(fs.get(), path, WALRecoveryMode::kAbsoluteConsistency);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.records, records);

  std::vector<std::string> more = MakeRecords(&rnd, 50, 16);
  ASSERT_TRUE(AppendLog(fs.get(), path, r.report.last_record_end, more).ok());
  records.insert(records.end(), more.begin(), more.end());
  r = ReadLog(fs.get(), path, WALRecoveryMode::kAbsoluteConsistency);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.records, records);
}

// --- The file header ---------------------------------------------------------------------

void ExpectFailsInEveryMode(FileSystem* fs, Status::Code code, const std::string& text) {
  for (WALRecoveryMode mode : kAllModes) {
    ReadResult r = ReadLog(fs, kPath, mode);
    EXPECT_EQ(r.status.code(), code) << RecoveryModeName(mode) << " " << r.status.ToString();
    EXPECT_NE(r.status.ToString().find(text), std::string::npos) << r.status.ToString();
    EXPECT_TRUE(r.records.empty());
  }
}

TEST_F(LogTest, MissingFileHeader) {
  fs_->SetContents(kPath, RawLog().Fragment(kFullType, "record").bytes());
  ExpectFailsInEveryMode(fs_.get(), Status::Code::kCorruption,
                         "wal 000007.log @ 0: missing file header");
}

TEST_F(LogTest, BadMagic) {
  std::string payload;
  EncodeFileHeader(FileHeader{.log_number = kLogNumber}, &payload);
  payload[3] = 'X';
  fs_->SetContents(kPath,
                   RawLog().Fragment(kFileHeaderType, payload).Fragment(kFullType, "r").bytes());
  ExpectFailsInEveryMode(fs_.get(), Status::Code::kCorruption, "@ 0: bad magic");
}

TEST_F(LogTest, UnknownVersion) {
  fs_->SetContents(kPath, RawLog().FileHeader(0, kLogNumber, 2).Fragment(kFullType, "r").bytes());
  ExpectFailsInEveryMode(fs_.get(), Status::Code::kNotSupported, "log format version 2");
}

TEST_F(LogTest, FileHeaderOfAnotherLog) {
  ASSERT_TRUE(WriteLog(fs_.get(), kPath, {"r"}).ok());
  for (WALRecoveryMode mode : kAllModes) {
    ReadResult r = ReadLog(fs_.get(), kPath, mode, 8);
    EXPECT_TRUE(r.status.IsCorruption()) << r.status.ToString();
    EXPECT_NE(r.status.ToString().find("file header of log 7, expected log 8"), std::string::npos);
  }
  fs_->SetContents(kPath, RawLog().FileHeader(35).Fragment(kFullType, "r").bytes());
  ExpectFailsInEveryMode(fs_.get(), Status::Code::kCorruption, "resume offset 35");
}

// A damaged header is damage like any other: only a salvage finds records behind it.
TEST_F(LogTest, DamagedFileHeader) {
  Layout layout;
  ASSERT_TRUE(WriteLog(fs_.get(), kPath, {"a", std::string(kBlockSize, 'x'), "b"}, &layout).ok());
  std::string c = Contents();
  c[10] ^= 1;
  fs_->SetContents(kPath, c);
  for (WALRecoveryMode mode : kAllModes) {
    SCOPED_TRACE(RecoveryModeName(mode));
    ReadResult r = ReadLog(fs_.get(), kPath, mode);
    EXPECT_EQ(r.report.damage.ToString(), "Corruption: wal 000007.log @ 0: checksum mismatch");
    EXPECT_FALSE(r.report.torn_tail);
    if (mode == WALRecoveryMode::kSkipAnyCorruptedRecords) {
      // Block 0 is lost, with the start of the second record; "b" follows its LAST fragment.
      EXPECT_TRUE(r.status.ok());
      EXPECT_EQ(r.records, std::vector<std::string>{"b"});
      EXPECT_EQ(r.report.dropped_bytes, layout.offsets[2]);
    } else if (mode == WALRecoveryMode::kPointInTimeRecovery) {
      EXPECT_TRUE(r.status.ok());
      EXPECT_TRUE(r.records.empty());
      EXPECT_EQ(r.report.dropped_bytes, c.size());
    } else {
      EXPECT_EQ(r.status, r.report.damage);
    }
  }
}

// A file header cut short is a torn write, unless the missing bytes are zeros: the log number
// 7 is in byte 19, and from there on the header is zeros.
TEST_F(LogTest, TruncatedFileHeader) {
  ASSERT_TRUE(WriteLog(fs_.get(), kPath, {}).ok());
  const std::string c = Contents();
  for (size_t len = 1; len < c.size(); len++) {
    fs_->SetContents(kPath, c.substr(0, len));
    const bool completes = len >= 20;
    for (WALRecoveryMode mode : kAllModes) {
      ReadResult r = ReadLog(fs_.get(), kPath, mode);
      EXPECT_EQ(r.status.ok(), completes || mode != WALRecoveryMode::kAbsoluteConsistency)
          << len << " " << RecoveryModeName(mode) << " " << r.status.ToString();
      EXPECT_TRUE(r.records.empty());
      EXPECT_EQ(r.report.torn_tail, !completes) << len << " " << RecoveryModeName(mode);
      EXPECT_EQ(r.report.last_record_end, completes ? c.size() : 0u);
      EXPECT_EQ(r.report.dropped_bytes, completes ? 0 : len);
    }
  }
}

// The bytes a torn write lost read as zeros: a record whose lost end was zeros is intact, and
// Writer::Reopen writes the zeros back before appending.
TEST_F(LogTest, RecordCompletedByZeros) {
  const std::string record("abc\0\0\0", 6);
  ASSERT_TRUE(WriteLog(fs_.get(), kPath, {"x", record}).ok());
  const std::string c = Contents();
  for (size_t cut = 1; cut <= 3; cut++) {
    fs_->SetContents(kPath, c.substr(0, c.size() - cut));
    for (WALRecoveryMode mode : kAllModes) {
      ReadResult r = ReadLog(fs_.get(), kPath, mode);
      EXPECT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_EQ(r.records, (std::vector<std::string>{"x", record}));
      EXPECT_EQ(r.report.last_record_end, c.size());
      EXPECT_EQ(r.report.bytes_read, c.size() - cut);
      EXPECT_TRUE(r.report.damage.ok());
    }
  }
  fs_->SetContents(kPath, c.substr(0, c.size() - 4));
  ReadResult r = ReadLog(fs_.get(), kPath, WALRecoveryMode::kPointInTimeRecovery);
  EXPECT_EQ(r.records, std::vector<std::string>{"x"});

  fs_->SetContents(kPath, c.substr(0, c.size() - 2));
  r = ReadLog(fs_.get(), kPath, WALRecoveryMode::kPointInTimeRecovery);
  ASSERT_TRUE(AppendLog(fs_.get(), kPath, r.report.last_record_end, {"y"}).ok());
  EXPECT_EQ(Contents().substr(0, c.size()), c);
  r = ReadLog(fs_.get(), kPath, WALRecoveryMode::kAbsoluteConsistency);
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.records, (std::vector<std::string>{"x", record, "y"}));
}

// --- File errors ------------------------------------------------------------------------

class FailingWritableFile final : public WritableFile {
 public:
  explicit FailingWritableFile(int appends_before_failure, bool fail_sync = false)
      : appends_left_(appends_before_failure), fail_sync_(fail_sync) {}
  Status Append(std::string_view data) override {
    if (appends_left_-- <= 0) return Status::IOError("test.log", "injected append error");
    size_ += data.size();
    return Status::OK();
  }
  Status Flush() override { return Status::OK(); }
  Status Sync() override {
    return fail_sync_ ? Status::IOError("test.log", "injected sync error") : Status::OK();
  }
  Status Close() override { return Status::OK(); }
  uint64_t Size() const override { return size_; }

 private:
  int appends_left_;
  const bool fail_sync_;
  uint64_t size_ = 0;
};

TEST(LogWriterTest, AppendErrorIsSticky) {
  std::unique_ptr<Writer> w;
  ASSERT_TRUE(Writer::Create(std::make_unique<FailingWritableFile>(4), 1, &w).ok());
  EXPECT_TRUE(w->AddRecord("fine").ok());
  const Status s = w->AddRecord("fails");
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_EQ(w->AddRecord("later"), s);
  EXPECT_EQ(w->Sync(), s);
  EXPECT_EQ(w->Flush(), s);
  EXPECT_EQ(w->Close(), s);

  EXPECT_TRUE(Writer::Create(std::make_unique<FailingWritableFile>(0), 1, &w).IsIOError());
}

TEST(LogWriterTest, SyncErrorIsSticky) {
  std::unique_ptr<Writer> w;
  ASSERT_TRUE(Writer::Create(std::make_unique<FailingWritableFile>(100, true), 1, &w).ok());
  EXPECT_TRUE(w->AddRecord("a").ok());
  const Status s = w->Sync();
  EXPECT_TRUE(s.IsIOError());
  EXPECT_EQ(w->AddRecord("b"), s);
  EXPECT_EQ(w->Sync(), s);
}

TEST(LogWriterTest, PreconditionsAreChecked) {
  MemFileSystem fs;
  fs.SetContents(kPath, "x");
  std::unique_ptr<WritableFile> file;
  ASSERT_TRUE(fs.NewAppendableFile(kPath, &file).ok());
  std::unique_ptr<Writer> w;
  EXPECT_TRUE(Writer::Create(std::move(file), 1, &w).IsInvalidArgument());
  ASSERT_TRUE(fs.NewAppendableFile(kPath, &file).ok());
  EXPECT_TRUE(Writer::Reopen(std::move(file), 1, kBlockSize + 1, &w).IsInvalidArgument());
  ASSERT_TRUE(Writer::Create(std::make_unique<FailingWritableFile>(100), 1, &w).ok());
  EXPECT_TRUE(w->Close().ok());
  EXPECT_TRUE(w->AddRecord("after close").IsInvalidArgument());
}

class FailingSequentialFile final : public SequentialFile {
 public:
  Status Read(size_t, std::string_view*, char*) override {
    return Status::IOError("000007.log", "injected read error");
  }
  Status Skip(uint64_t) override { return Status::OK(); }
};

TEST(LogReaderTest, ReadErrorIsReported) {
  Reader reader(std::make_unique<FailingSequentialFile>(), kName, kLogNumber,
                WALRecoveryMode::kSkipAnyCorruptedRecords);
  std::string_view record;
  std::string scratch;
  EXPECT_FALSE(reader.ReadRecord(&record, &scratch));
  EXPECT_TRUE(reader.status().IsIOError());
  EXPECT_EQ(reader.status().ToString(),
            "IOError: wal 000007.log @ 0: 000007.log: injected read error");
  EXPECT_FALSE(reader.ReadRecord(&record, &scratch));
}

}  // namespace
}  // namespace lsm::log
