// Logs built fragment by fragment: broken record structure (fragments without their start or
// end), fragments that are intact but belong elsewhere, impossible headers, resume headers.
// Every mode must reject each of them, and no mode may return a record that was not written.
#include <gtest/gtest.h>

#include "tests/support/mem_file_system.h"
#include "tests/wal/log_test_util.h"

namespace lsm::log {
namespace {

using Mode = WALRecoveryMode;
using Records = std::vector<std::string>;

class LogStructureTest : public testing::Test {
 protected:
  // Reads `raw` in every mode. Damage "@ offset: reason" must stop all modes but the salvage
  // after `prefix`; the salvage returns `salvaged`. A `tail` damage is a clean end for
  // kTolerateCorruptedTailRecords.
  void Expect(const RawLog& raw, const Records& prefix, const Records& salvaged, uint64_t offset,
              const std::string& reason, bool tail = false) {
    fs_->SetContents(kPath, raw.bytes());
    const std::string damage =
        "Corruption: wal 000007.log @ " + std::to_string(offset) + ": " + reason;
    for (Mode mode : kAllModes) {
      SCOPED_TRACE(RecoveryModeName(mode));
      ReadResult r = ReadLog(fs_.get(), kPath, mode);
      EXPECT_EQ(r.report.damage.ToString(), damage);
      EXPECT_EQ(r.report.torn_tail, tail);
      EXPECT_EQ(r.records, mode == Mode::kSkipAnyCorruptedRecords ? salvaged : prefix);
      const bool fails = mode == Mode::kAbsoluteConsistency ||
                         (mode == Mode::kTolerateCorruptedTailRecords && !tail);
      EXPECT_EQ(r.status.ToString(), fails ? damage : "OK");
    }
  }

  // Reads `raw` in every mode and expects `records` and no damage.
  void ExpectClean(const RawLog& raw, const Records& records, uint64_t abandoned) {
    fs_->SetContents(kPath, raw.bytes());
    for (Mode mode : kAllModes) {
      SCOPED_TRACE(RecoveryModeName(mode));
      ReadResult r = ReadLog(fs_.get(), kPath, mode);
      EXPECT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_TRUE(r.report.damage.ok()) << r.report.damage.ToString();
      EXPECT_EQ(r.records, records);
      EXPECT_EQ(r.report.abandoned_bytes, abandoned);
      EXPECT_EQ(r.report.last_record_end, raw.size());
    }
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
};

constexpr uint64_t kFirstRecord = kFileHeaderRecordSize;

TEST_F(LogStructureTest, WellFormedByHand) {
  RawLog raw;
  raw.FileHeader().Fragment(kFirstType, "a1").Fragment(kMiddleType, "a2", kFirstRecord);
  raw.Fragment(kLastType, "a3", kFirstRecord).Fragment(kFullType, "b");
  ExpectClean(raw, {"a1a2a3", "b"}, 0);
}

TEST_F(LogStructureTest, MiddleAndLastWithoutFirst) {
  RawLog raw;
  raw.FileHeader().Fragment(kMiddleType, "m", 1000).Fragment(kLastType, "l", 1000);
  raw.Fragment(kFullType, "ok");
  Expect(raw, {}, {"ok"}, kFirstRecord, "fragment without the start of its record");
}

TEST_F(LogStructureTest, FirstAfterFirst) {
  RawLog raw;
  raw.FileHeader().Fragment(kFirstType, "a1").Fragment(kFirstType, "b1");
  raw.Fragment(kLastType, "b2", raw.record_offset()).Fragment(kFullType, "c");
  Expect(raw, {}, {"b1b2", "c"}, kFirstRecord, "record without its last fragment");
}

TEST_F(LogStructureTest, FullAfterFirst) {
  RawLog raw;
  raw.FileHeader().Fragment(kFirstType, "a1").Fragment(kFullType, "c");
  Expect(raw, {}, {"c"}, kFirstRecord, "record without its last fragment");
}

TEST_F(LogStructureTest, ResumeHeaderInsideARecord) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").Fragment(kFirstType, "a1").FileHeader(99);
  raw.Fragment(kFullType, "y");
  Expect(raw, {"x"}, {"x", "y"}, 52, "resume header that does not match");
}

TEST_F(LogStructureTest, IncompleteRecordAtEnd) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").Fragment(kFirstType, "a1");
  raw.Fragment(kMiddleType, "a2", raw.record_offset());
  Expect(raw, {"x"}, {"x"}, 43, "incomplete record at end of file", true);
}

// A LAST fragment of another record (here: bound to offset 500) does not complete "a1".
TEST_F(LogStructureTest, LastOfAnotherRecord) {
  RawLog raw;
  raw.FileHeader().Fragment(kFirstType, "a1").Fragment(kLastType, "b2", 500);
  raw.PadBlock().Fragment(kFullType, "c");
  Expect(raw, {}, {"c"}, 44, "checksum mismatch");
}

TEST_F(LogStructureTest, FragmentOfAnotherLog) {
  RawLog other(8);
  other.FileHeader(0, kLogNumber).Fragment(kFullType, "foreign");
  RawLog raw;
  raw.Raw(other.bytes()).PadBlock().Fragment(kFullType, "mine");
  Expect(raw, {}, {"mine"}, kFirstRecord, "checksum mismatch");
}

// An intact fragment copied to another offset fails there: no record is returned twice.
TEST_F(LogStructureTest, CopiedFragment) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "a");
  const std::string copy = raw.bytes().substr(kFirstRecord);
  raw.Raw(copy).PadBlock().Fragment(kFullType, "b");
  Expect(raw, {"a"}, {"a", "b"}, 43, "checksum mismatch");
}

TEST_F(LogStructureTest, UnknownFragmentType) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").Fragment(9, "zz").PadBlock();
  raw.Fragment(kFullType, "y");
  Expect(raw, {"x"}, {"x", "y"}, 43, "unknown fragment type");
}

TEST_F(LogStructureTest, LengthPastEndOfBlock) {
  RawLog raw;
  raw.FileHeader().Raw(std::string("\x01\x02\x03\x04\x40\x9c\x01", 7)).PadBlock();
  raw.Fragment(kFullType, "next");
  Expect(raw, {}, {"next"}, kFirstRecord, "fragment length past end of block");
}

TEST_F(LogStructureTest, LengthPastEndOfFileIsATornWrite) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").Raw(std::string("\x01\x02\x03\x04\x64\x00\x01", 7));
  raw.Raw(std::string(50, 'p'));
  Expect(raw, {"x"}, {"x"}, 43, "fragment cut short by end of file", true);
}

TEST_F(LogStructureTest, ZeroedHeaderBeforeData) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").Raw(std::string(kHeaderSize, '\0'));
  raw.Fragment(kFullType, "lost with the rest of the block").PadBlock().Fragment(kFullType, "z");
  Expect(raw, {"x"}, {"x", "z"}, 43, "zeroed fragment header");
}

TEST_F(LogStructureTest, ResumeHeaderOfAnotherLog) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").FileHeader(43, 8).Fragment(kFullType, "y");
  Expect(raw, {"x"}, {"x", "y"}, 43, "resume header that does not match");
}

TEST_F(LogStructureTest, ResumeHeaderWithWrongOffset) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").FileHeader(40).Fragment(kFullType, "y");
  Expect(raw, {"x"}, {"x", "y"}, 43, "resume header that does not match");
}

// Resume headers written by Writer::Reopen make every mode skip what they abandon.
TEST_F(LogStructureTest, ResumeHeaderAbandonsIncompleteRecord) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").Fragment(kFirstType, "a1").PadBlock();
  raw.FileHeader(43).Fragment(kFullType, "y");
  ExpectClean(raw, {"x", "y"}, kBlockSize - 43);
}

TEST_F(LogStructureTest, ResumeHeaderAbandonsGarbage) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").Raw("garbage that is no fragment").PadBlock();
  raw.FileHeader(43).Fragment(kFullType, "y");
  ExpectClean(raw, {"x", "y"}, kBlockSize - 43);
}

// A torn file header abandoned by a resume header that takes its place.
TEST_F(LogStructureTest, ResumeHeaderReplacesTornFileHeader) {
  RawLog raw;
  raw.Raw(RawLog().FileHeader().bytes().substr(0, 10)).PadBlock();
  raw.FileHeader(0).Fragment(kFullType, "y");
  ExpectClean(raw, {"y"}, kBlockSize);
}

// A resume header matching the end of the records before some damage does not abandon an
// intact record that lies past the damage: no writer resumes there, and the salvage returns
// the record. Before, every other mode (kAbsoluteConsistency too) skipped "y" silently.
TEST_F(LogStructureTest, ResumeHeaderDoesNotAbandonIntactRecords) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").Raw("garbage that is no fragment").PadBlock();
  raw.Fragment(kFullType, "y").PadBlock();
  raw.FileHeader(43).Fragment(kFullType, "z");
  Expect(raw, {"x"}, {"x", "y", "z"}, 43, "unknown fragment type");
}

// The same with the damage in place of the file header and a resume offset of 0.
TEST_F(LogStructureTest, ResumeHeaderAfterDamagedFileHeaderDoesNotAbandonIntactRecords) {
  RawLog raw;
  raw.Raw("garbage that is no fragment").PadBlock();
  raw.Fragment(kFullType, "y").PadBlock();
  raw.FileHeader(0).Fragment(kFullType, "z");
  Expect(raw, {}, {"y", "z"}, 0, "unknown fragment type");
}

// Resume headers chain: each abandons the torn tail of the session before it.
TEST_F(LogStructureTest, ResumeHeadersChain) {
  RawLog raw;
  raw.FileHeader().Fragment(kFullType, "x").Raw("torn").PadBlock();
  raw.FileHeader(43).Fragment(kFullType, "y").Fragment(kFirstType, "t").PadBlock();
  const uint64_t y_end = kBlockSize + kFileHeaderRecordSize + kHeaderSize + 1;
  raw.FileHeader(y_end).Fragment(kFullType, "z");
  ExpectClean(raw, {"x", "y", "z"}, (kBlockSize - 43) + (2 * kBlockSize - y_end));
}

}  // namespace
}  // namespace lsm::log
