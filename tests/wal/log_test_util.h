// Helpers for the log tests: writing and reading whole logs in a file system, and building
// logs fragment by fragment for cases a Writer never produces.
//
//   auto fs = std::make_shared<MemFileSystem>();
//   Layout layout;  // where each record went
//   ASSERT_TRUE(WriteLog(fs.get(), kPath, {"a", "b"}, &layout).ok());
//   ReadResult r = ReadLog(fs.get(), kPath, WALRecoveryMode::kPointInTimeRecovery);
//
//   RawLog raw;  // log kLogNumber
//   raw.FileHeader().Fragment(kFirstType, "ab").Fragment(kLastType, "cd", raw.record_offset());
#ifndef LSM_TESTS_WAL_LOG_TEST_UTIL_H_
#define LSM_TESTS_WAL_LOG_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "lsm/file_system.h"
#include "lsm/options.h"
#include "src/util/random.h"
#include "src/wal/log_format.h"
#include "src/wal/log_reader.h"
#include "src/wal/log_writer.h"
#include "tests/support/test_util.h"

namespace lsm::log {

inline constexpr uint64_t kLogNumber = 7;
inline const std::string kPath = "/db/000007.log";
inline const std::string kName = "wal 000007.log";

inline constexpr WALRecoveryMode kAllModes[] = {
    WALRecoveryMode::kTolerateCorruptedTailRecords,
    WALRecoveryMode::kAbsoluteConsistency,
    WALRecoveryMode::kPointInTimeRecovery,
    WALRecoveryMode::kSkipAnyCorruptedRecords,
};

// Where a Writer at `file_size` puts the first fragment of its next record.
inline uint64_t NextRecordOffset(uint64_t file_size) {
  const uint64_t tail = kBlockSize - file_size % kBlockSize;
  return tail < kHeaderSize ? file_size + tail : file_size;
}

// Where a Writer put each record: [offsets[i], ends[i]).
struct Layout {
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> ends;
};

inline Status AddRecords(Writer* w, const std::vector<std::string>& records, Layout* layout) {
  for (const std::string& r : records) {
    const uint64_t offset = NextRecordOffset(w->file_size());
    Status s = w->AddRecord(r);
    if (!s.ok()) return s;
    if (layout != nullptr) {
      layout->offsets.push_back(offset);
      layout->ends.push_back(w->file_size());
    }
  }
  return w->Close();
}

// Writes a new log holding `records`.
inline Status WriteLog(FileSystem* fs, const std::string& path,
                       const std::vector<std::string>& records, Layout* layout = nullptr) {
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(path, &file);
  std::unique_ptr<Writer> w;
  if (s.ok()) s = Writer::Create(std::move(file), kLogNumber, &w);
  return s.ok() ? AddRecords(w.get(), records, layout) : s;
}

// Continues the log at `path` whose intact records end at `valid_end`.
inline Status AppendLog(FileSystem* fs, const std::string& path, uint64_t valid_end,
                        const std::vector<std::string>& records, Layout* layout = nullptr) {
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewAppendableFile(path, &file);
  std::unique_ptr<Writer> w;
  if (s.ok()) s = Writer::Reopen(std::move(file), kLogNumber, valid_end, &w);
  return s.ok() ? AddRecords(w.get(), records, layout) : s;
}

struct ReadResult {
  std::vector<std::string> records;
  std::vector<uint64_t> offsets;
  Status status;
  ReadReport report;
};

inline ReadResult ReadLog(FileSystem* fs, const std::string& path, WALRecoveryMode mode,
                          uint64_t log_number = kLogNumber) {
  ReadResult result;
  std::unique_ptr<SequentialFile> file;
  result.status = fs->NewSequentialFile(path, &file);
  if (!result.status.ok()) return result;
  Reader reader(std::move(file), kName, log_number, mode);
  std::string_view record;
  std::string scratch;
  while (reader.ReadRecord(&record, &scratch)) {
    result.records.emplace_back(record);
    result.offsets.push_back(reader.last_record_offset());
  }
  result.status = reader.status();
  result.report = reader.report();
  return result;
}

// `n` records, each under 2^max_log_size + 16 bytes and mostly small; non-empty ones are
// distinct.
inline std::vector<std::string> MakeRecords(Random* rnd, int n, int max_log_size) {
  std::vector<std::string> records;
  for (int i = 0; i < n; i++) {
    std::string r = "#" + std::to_string(i) + ":";
    r += rnd->Bytes(rnd->Skewed(max_log_size));
    // Never ends in a zero, so cutting a record short always loses it (lost bytes read as
    // zeros: see Reader).
    r += '.';
    if (rnd->OneIn(20)) r.clear();
    records.push_back(std::move(r));
  }
  return records;
}

// A log built fragment by fragment, for structures a Writer never writes. The caller keeps
// fragments within blocks.
class RawLog {
 public:
  explicit RawLog(uint64_t log_number = kLogNumber) : log_number_(log_number) {}

  RawLog& FileHeader(uint64_t resume_offset = 0, uint64_t log_number = kLogNumber,
                     uint32_t version = kFormatVersion) {
    std::string payload;
    EncodeFileHeader(
        log::FileHeader{
            .version = version, .log_number = log_number, .resume_offset = resume_offset},
        &payload);
    return Fragment(kFileHeaderType, payload);
  }

  // A fragment bound to the record starting at `record_offset` (default: this fragment, as
  // for FULL and FIRST).
  RawLog& Fragment(uint8_t type, std::string_view payload, int64_t record_offset = -1) {
    if (type == kFirstType || type == kFullType) record_offset_ = bytes_.size();
    const RecordContext context{
        .log_number = log_number_,
        .record_offset = record_offset < 0 ? bytes_.size() : static_cast<uint64_t>(record_offset)};
    char header[kHeaderSize];
    EncodeFixed32(header,
                  FragmentChecksum(payload, type, type == kFileHeaderType ? nullptr : &context));
    EncodeFixed16(header + 4, static_cast<uint16_t>(payload.size()));
    header[6] = static_cast<char>(type);
    bytes_.append(header, kHeaderSize);
    bytes_.append(payload);
    return *this;
  }

  RawLog& Raw(std::string_view bytes) {
    bytes_.append(bytes);
    return *this;
  }

  // Zero-pads to the next block boundary.
  RawLog& PadBlock() {
    bytes_.append((kBlockSize - bytes_.size() % kBlockSize) % kBlockSize, '\0');
    return *this;
  }

  // Offset of the last FIRST or FULL fragment.
  int64_t record_offset() const { return static_cast<int64_t>(record_offset_); }
  uint64_t size() const { return bytes_.size(); }
  const std::string& bytes() const { return bytes_; }

 private:
  const uint64_t log_number_;
  uint64_t record_offset_ = 0;
  std::string bytes_;
};

}  // namespace lsm::log

#endif  // LSM_TESTS_WAL_LOG_TEST_UTIL_H_
