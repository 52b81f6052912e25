// Continuing a log after recovery (Writer::Reopen): a clean end is continued in place; a torn
// tail is abandoned behind a resume header, so that records written after recovery survive
// the next recovery in every mode, and damage before the resume point still counts.
#include <gtest/gtest.h>

#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"
#include "tests/wal/log_test_util.h"

namespace lsm::log {
namespace {

using Mode = WALRecoveryMode;
using Records = std::vector<std::string>;

uint64_t RoundUpToBlock(uint64_t n) { return (n + kBlockSize - 1) / kBlockSize * kBlockSize; }

Records Concat(Records a, const Records& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class LogReopenTest : public testing::Test {
 protected:
  std::string Contents(const std::string& path = kPath) {
    std::string c;
    EXPECT_TRUE(fs_->Contents(path, &c).ok());
    return c;
  }
  void Set(std::string c) { fs_->SetContents(kPath, std::move(c)); }
  ReadResult Read(Mode mode) { return ReadLog(fs_.get(), kPath, mode); }

  // Recovers in kPointInTimeRecovery, expecting `records`, and continues the log with `more`.
  void RecoverAndAppend(const Records& records, const Records& more, Layout* layout = nullptr) {
    ReadResult r = Read(Mode::kPointInTimeRecovery);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    ASSERT_EQ(r.records, records);
    ASSERT_TRUE(r.report.reopenable);
    ASSERT_TRUE(AppendLog(fs_.get(), kPath, r.report.last_record_end, more, layout).ok());
  }

  // Every mode reads exactly `records`, without damage, with `abandoned` bytes skipped.
  void ExpectEveryMode(const Records& records, uint64_t abandoned) {
    for (Mode mode : kAllModes) {
      SCOPED_TRACE(RecoveryModeName(mode));
      ReadResult r = Read(mode);
      ASSERT_TRUE(r.status.ok()) << r.status.ToString();
      ASSERT_EQ(r.records, records);
      EXPECT_TRUE(r.report.damage.ok()) << r.report.damage.ToString();
      EXPECT_EQ(r.report.abandoned_bytes, abandoned);
      EXPECT_EQ(r.report.dropped_bytes, 0u);
      EXPECT_EQ(r.report.last_record_end, Contents().size());
    }
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
};

// A log that ended cleanly is continued in place: the bytes equal one written in one session.
TEST_F(LogReopenTest, CleanEndContinuesInPlace) {
  Random rnd(TestSeed());
  Records records = MakeRecords(&rnd, 60, 15);
  // One record leaves a 3-byte block trailer, so a split after it ends before the trailer.
  records[30] = std::string(kBlockSize - kFileHeaderRecordSize - kHeaderSize - 3, 't');
  ASSERT_TRUE(WriteLog(fs_.get(), "/db/one.log", records).ok());
  const std::string one_session = Contents("/db/one.log");
  for (size_t split :
       {size_t{0}, size_t{1}, size_t{17}, size_t{30}, size_t{31}, size_t{59}, size_t{60}}) {
    SCOPED_TRACE("split " + std::to_string(split));
    const Records first(records.begin(), records.begin() + split);
    const Records second(records.begin() + split, records.end());
    ASSERT_TRUE(WriteLog(fs_.get(), kPath, first).ok());
    RecoverAndAppend(first, second);
    EXPECT_EQ(Contents(), one_session);
  }
}

TEST_F(LogReopenTest, EmptyFileGetsAFileHeader) {
  Set("");
  RecoverAndAppend({}, {"a", "b"});
  ExpectEveryMode({"a", "b"}, 0);
  EXPECT_EQ(Contents().substr(0, 7 + 8), RawLog().FileHeader().bytes().substr(0, 7 + 8));
}

TEST_F(LogReopenTest, TornFileHeader) {
  const std::string header = RawLog().FileHeader().bytes();
  Set(header.substr(0, 10));
  RecoverAndAppend({}, {"a", "b"});
  ExpectEveryMode({"a", "b"}, kBlockSize);
  // Cut within the trailing zeros of the header: the reader completes it, the writer too.
  Set(header.substr(0, 25));
  RecoverAndAppend({}, {"a", "b"});
  ExpectEveryMode({"a", "b"}, 0);
}

// Cut the last record at every byte, recover, append, and read in every mode.
TEST_F(LogReopenTest, TornTailAtEveryByte) {
  for (size_t room : {size_t{500}, size_t{3}}) {
    SCOPED_TRACE("room " + std::to_string(room));
    const Records records = {"first",
                             std::string(kBlockSize - kFileHeaderRecordSize - 19 - room, 'f'),
                             std::string(1000, 'z')};
    const Records more = {"new", std::string(3000, 'n')};
    Layout layout;
    ASSERT_TRUE(WriteLog(fs_.get(), "/db/one.log", records, &layout).ok());
    const std::string full = Contents("/db/one.log");
    const uint64_t clean_end = layout.ends[1];
    for (uint64_t len = clean_end; len < full.size(); len++) {
      SCOPED_TRACE("length " + std::to_string(len));
      Set(full.substr(0, len));
      RecoverAndAppend({records[0], records[1]}, more);
      ExpectEveryMode({records[0], records[1], more[0], more[1]},
                      len == clean_end ? 0 : RoundUpToBlock(len) - clean_end);
      if (HasFatalFailure()) return;
    }
  }
}

// Crash, recover, append, crash again, recover, append: all post-recovery writes survive.
TEST_F(LogReopenTest, RepeatedCrashes) {
  Random rnd(TestSeed());
  Records kept;
  Layout layout;
  Records batch = MakeRecords(&rnd, 40, 14);
  ASSERT_TRUE(WriteLog(fs_.get(), kPath, batch, &layout).ok());
  for (int round = 0; round < 20; round++) {
    SCOPED_TRACE("round " + std::to_string(round));
    // Cut the file inside the last record written, or at its end.
    const uint64_t begin = layout.offsets.back(), end = layout.ends.back();
    const uint64_t cut = begin + rnd.Uniform(end - begin + 1);
    Set(Contents().substr(0, cut));
    if (cut < end) batch.pop_back();
    kept = Concat(kept, batch);
    batch = MakeRecords(&rnd, 1 + rnd.Uniform(30), 15);
    layout = {};
    RecoverAndAppend(kept, batch, &layout);
    if (HasFatalFailure()) return;
    for (Mode mode : kAllModes) {
      ReadResult r = Read(mode);
      ASSERT_TRUE(r.status.ok()) << RecoveryModeName(mode) << " " << r.status.ToString();
      ASSERT_EQ(r.records, Concat(kept, batch)) << RecoveryModeName(mode);
    }
  }
}

TEST_F(LogReopenTest, GarbageAndZeroTails) {
  ASSERT_TRUE(WriteLog(fs_.get(), "/db/one.log", {"a", "b"}).ok());
  const std::string clean = Contents("/db/one.log");
  Random rnd(TestSeed());
  for (const std::string& tail :
       {std::string("\x12\x34\x56\x78\x0a\x00\x01", 7) + rnd.Bytes(10), rnd.Bytes(40000),
        std::string(100, '\0'), std::string(kBlockSize - clean.size() + 1, '\0')}) {
    Set(clean + tail);
    RecoverAndAppend({"a", "b"}, {"c"});
    ExpectEveryMode({"a", "b", "c"}, RoundUpToBlock(clean.size() + tail.size()) - clean.size());
  }
}

// Damage found after the log was continued is not covered by the resume header.
TEST_F(LogReopenTest, DamageBeforeTheResumePointStillCounts) {
  Layout layout;
  ASSERT_TRUE(WriteLog(fs_.get(), kPath, {"a", "b", "c"}, &layout).ok());
  Set(Contents() + "torn");
  RecoverAndAppend({"a", "b", "c"}, {"d"});
  std::string c = Contents();
  c[layout.offsets[1] + kHeaderSize] ^= 1;  // "b"
  Set(c);
  const std::string damage =
      "Corruption: wal 000007.log @ " + std::to_string(layout.offsets[1]) + ": checksum mismatch";
  for (Mode mode : kAllModes) {
    SCOPED_TRACE(RecoveryModeName(mode));
    ReadResult r = Read(mode);
    EXPECT_EQ(r.report.damage.ToString(), damage);
    if (mode == Mode::kSkipAnyCorruptedRecords) {
      // The rest of block 0 went with "b"; the resume header no longer matches.
      EXPECT_EQ(r.records, (Records{"a", "d"}));
    } else {
      EXPECT_EQ(r.records, (Records{"a"}));
      EXPECT_EQ(r.status.ok(), mode == Mode::kPointInTimeRecovery);
    }
  }
}

// After kPointInTimeRecovery dropped intact records behind damage, the log must not be
// continued: a salvage would return those records among the ones appended later.
TEST_F(LogReopenTest, NotReopenableWhenIntactRecordsWereDropped) {
  Layout layout;
  ASSERT_TRUE(
      WriteLog(fs_.get(), kPath, {"a", "b", std::string(kBlockSize, 'x'), "late"}, &layout).ok());
  std::string c = Contents();
  c[layout.offsets[1] + kHeaderSize] ^= 1;
  Set(c);
  ReadResult r = Read(Mode::kPointInTimeRecovery);
  EXPECT_EQ(r.records, (Records{"a"}));
  EXPECT_FALSE(r.report.reopenable);
  ReadResult salvage = Read(Mode::kSkipAnyCorruptedRecords);
  EXPECT_EQ(salvage.records, (Records{"a", "late"}));
  EXPECT_TRUE(salvage.report.reopenable);
}

}  // namespace
}  // namespace lsm::log
