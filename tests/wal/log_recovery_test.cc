// What each WALRecoveryMode returns and reports for damage a crash or a disk can cause: torn
// tails, garbage and zero tails, checksum mismatches, damaged and zeroed blocks.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"
#include "tests/wal/log_test_util.h"

namespace lsm::log {
namespace {

using Mode = WALRecoveryMode;

uint64_t BlockEnd(uint64_t offset) { return (offset / kBlockSize + 1) * kBlockSize; }

class LogRecoveryTest : public testing::Test {
 protected:
  void Write(std::vector<std::string> records) {
    records_ = std::move(records);
    layout_ = {};
    ASSERT_TRUE(WriteLog(fs_.get(), kPath, records_, &layout_).ok());
    ASSERT_TRUE(fs_->Contents(kPath, &contents_).ok());
  }

  void Set(std::string contents) { fs_->SetContents(kPath, std::move(contents)); }
  ReadResult Read(Mode mode) { return ReadLog(fs_.get(), kPath, mode); }

  std::vector<std::string> Prefix(size_t n) const {
    return {records_.begin(), records_.begin() + n};
  }

  // The records that end at or before `offset`: what kPointInTimeRecovery returns when the
  // first damage is at `offset`.
  size_t RecordsEndingBy(uint64_t offset) const {
    size_t n = 0;
    while (n < records_.size() && layout_.ends[n] <= offset) n++;
    return n;
  }

  // What kSkipAnyCorruptedRecords returns when damage makes the reader skip file bytes
  // [begin, end) (a fragment up to its block's end): the records that do not overlap them.
  // *dropped receives the bytes it then reports as dropped: the gap between the survivors
  // around the damage.
  std::vector<std::string> Survivors(uint64_t begin, uint64_t end, uint64_t* dropped) const {
    std::vector<std::string> out;
    uint64_t before = 0, after = contents_.size();
    for (size_t i = 0; i < records_.size(); i++) {
      if (layout_.ends[i] <= begin) {
        before = layout_.ends[i];
      } else if (layout_.offsets[i] >= end) {
        after = std::min(after, layout_.offsets[i]);
      } else {
        continue;
      }
      out.push_back(records_[i]);
    }
    *dropped = after - std::max<uint64_t>(before, kFileHeaderRecordSize);
    return out;
  }

  // Random records of 100 to 2,000 bytes, about a block per 30.
  void WriteRandom(Random* rnd, int n) {
    std::vector<std::string> records;
    for (int i = 0; i < n; i++) {
      records.push_back("#" + std::to_string(i) + rnd->Bytes(100 + rnd->Uniform(1900)));
    }
    Write(std::move(records));
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  std::vector<std::string> records_;
  Layout layout_;
  std::string contents_;
};

// Cut the file at every byte of the last record, which crosses a block boundary (or, with
// room 3, starts the next block after a 3-byte block trailer). Zero-filled: the file keeps its
// length and the bytes after the cut read as zeros, as a power loss leaves a file whose file
// system extended it but never wrote its data.
TEST_F(LogRecoveryTest, TornTailAtEveryByte) {
  const std::pair<bool, size_t> cases[] = {{false, 500}, {false, 3}, {true, 500}, {true, 3}};
  for (const auto& [zero_filled, room] : cases) {
    SCOPED_TRACE((zero_filled ? "zero-filled, room " : "room ") + std::to_string(room));
    const size_t filler = kBlockSize - kFileHeaderRecordSize - 2 * kHeaderSize - 5 - room;
    Write({"first", std::string(filler, 'f'), std::string(1000, 'z')});
    const uint64_t clean_end = layout_.ends[1];
    ASSERT_EQ(clean_end, kBlockSize - room);
    for (uint64_t len = clean_end; len < contents_.size(); len++) {
      const uint64_t size = zero_filled ? contents_.size() : len;
      Set(contents_.substr(0, len) + std::string(size - len, '\0'));
      // Nothing but zeros after the last record (the block trailer, or the zero fill) cannot be
      // told from a clean end followed by unused space.
      const bool clean = contents_.find_first_not_of('\0', clean_end) >= len;
      for (Mode mode : kAllModes) {
        ReadResult r = Read(mode);
        ASSERT_EQ(r.records, Prefix(2)) << len << " " << RecoveryModeName(mode);
        EXPECT_EQ(r.report.last_record_end, clean_end);
        if (clean) {
          EXPECT_TRUE(r.status.ok()) << r.status.ToString();
          EXPECT_TRUE(r.report.damage.ok());
          EXPECT_EQ(r.report.dropped_bytes, 0u);
          continue;
        }
        EXPECT_EQ(r.status.ok(), mode != Mode::kAbsoluteConsistency)
            << len << " " << RecoveryModeName(mode) << " " << r.status.ToString();
        EXPECT_TRUE(r.report.damage.IsCorruption());
        EXPECT_TRUE(r.report.torn_tail) << len << " " << r.report.damage.ToString();
        EXPECT_TRUE(r.report.reopenable);
        EXPECT_EQ(r.report.dropped_bytes, size - clean_end) << len << " " << RecoveryModeName(mode);
      }
    }
  }
}

TEST_F(LogRecoveryTest, TornTailMessages) {
  Write({"first", std::string(kBlockSize, 'x')});
  const uint64_t start = layout_.offsets[1];
  Set(contents_.substr(0, kBlockSize));
  EXPECT_EQ(Read(Mode::kAbsoluteConsistency).status.ToString(),
            "Corruption: wal 000007.log @ " + std::to_string(start) +
                ": incomplete record at end of file");
  Set(contents_.substr(0, kBlockSize + 3));
  EXPECT_EQ(Read(Mode::kAbsoluteConsistency).status.ToString(),
            "Corruption: wal 000007.log @ 32768: fragment cut short by end of file");
  Set(contents_.substr(0, kBlockSize + 30));
  EXPECT_EQ(Read(Mode::kPointInTimeRecovery).report.damage.ToString(),
            "Corruption: wal 000007.log @ 32768: fragment cut short by end of file");
}

TEST_F(LogRecoveryTest, GarbageTail) {
  Random rnd(TestSeed());
  WriteRandom(&rnd, 20);
  // A plausible header (a FULL fragment of 10 bytes) whose checksum does not match. Its last
  // byte is not zero: zeros there could be the zero-filled end of a torn write.
  const std::string garbage =
      std::string("\x12\x34\x56\x78\x0a\x00\x01", 7) + rnd.Bytes(9) + "\x5a";
  Set(contents_ + garbage);
  const std::string message =
      "Corruption: wal 000007.log @ " + std::to_string(contents_.size()) + ": checksum mismatch";
  for (Mode mode : kAllModes) {
    SCOPED_TRACE(RecoveryModeName(mode));
    ReadResult r = Read(mode);
    EXPECT_EQ(r.records, records_);
    EXPECT_EQ(r.report.damage.ToString(), message);
    EXPECT_FALSE(r.report.torn_tail);
    EXPECT_TRUE(r.report.reopenable);
    EXPECT_EQ(r.report.dropped_bytes, garbage.size());
    EXPECT_EQ(r.report.last_record_end, contents_.size());
    if (mode == Mode::kPointInTimeRecovery || mode == Mode::kSkipAnyCorruptedRecords) {
      EXPECT_TRUE(r.status.ok());
    } else {
      EXPECT_EQ(r.status.ToString(), message);
    }
  }

  for (int i = 0; i < 100; i++) {
    Set(contents_ + rnd.Bytes(1 + rnd.Uniform(3000)));
    for (Mode mode : kAllModes) {
      ReadResult r = Read(mode);
      EXPECT_EQ(r.records, records_) << RecoveryModeName(mode);
      EXPECT_FALSE(r.report.damage.ok());
      // A random header may claim a length past the end of the file: a torn write, then.
      if (mode == Mode::kAbsoluteConsistency) {
        EXPECT_TRUE(r.status.IsCorruption());
      }
      if (mode == Mode::kTolerateCorruptedTailRecords) {
        EXPECT_EQ(r.status.ok(), r.report.torn_tail);
      }
      if (mode == Mode::kPointInTimeRecovery || mode == Mode::kSkipAnyCorruptedRecords) {
        EXPECT_TRUE(r.status.ok());
      }
    }
  }
}

// Zeros after the last record, up to the end of the file, are unused reserved space (a log
// written through a memory map is reserved ahead of its records): a clean end in every mode.
TEST_F(LogRecoveryTest, ZeroTail) {
  Write({"a", "b", "c"});
  const size_t to_block_end = kBlockSize - contents_.size();
  for (size_t zeros : {size_t{1}, size_t{6}, size_t{7}, size_t{100}, to_block_end, to_block_end + 1,
                       to_block_end + 2 * kBlockSize, to_block_end + 40 * kBlockSize}) {
    Set(contents_ + std::string(zeros, '\0'));
    for (Mode mode : kAllModes) {
      SCOPED_TRACE(std::to_string(zeros) + " " + RecoveryModeName(mode));
      ReadResult r = Read(mode);
      EXPECT_EQ(r.records, records_);
      EXPECT_TRUE(r.status.ok()) << r.status.ToString();
      EXPECT_TRUE(r.report.damage.ok()) << r.report.damage.ToString();
      EXPECT_FALSE(r.report.torn_tail);
      EXPECT_TRUE(r.report.reopenable);
      EXPECT_EQ(r.report.dropped_bytes, 0u);
      EXPECT_EQ(r.report.last_record_end, contents_.size());
    }
  }
  // A record cut short and then zeros is still a torn record.
  std::string cut = contents_.substr(0, contents_.size() - 1) + std::string(3 * kBlockSize, '\0');
  Set(cut);
  ReadResult r = Read(Mode::kAbsoluteConsistency);
  EXPECT_FALSE(r.status.ok());
}

TEST_F(LogRecoveryTest, ChecksumMismatchInTheMiddle) {
  Random rnd(TestSeed());
  WriteRandom(&rnd, 100);
  size_t k = 40;  // a record within one block
  while (layout_.offsets[k] / kBlockSize != (layout_.ends[k] - 1) / kBlockSize) k++;
  const uint64_t offset = layout_.offsets[k];
  std::string c = contents_;
  c[offset + kHeaderSize + records_[k].size() / 2] ^= 0x40;
  Set(c);
  const std::string message =
      "Corruption: wal 000007.log @ " + std::to_string(offset) + ": checksum mismatch";
  uint64_t skip_dropped;
  const std::vector<std::string> survivors = Survivors(offset, BlockEnd(offset), &skip_dropped);
  for (Mode mode : kAllModes) {
    SCOPED_TRACE(RecoveryModeName(mode));
    ReadResult r = Read(mode);
    EXPECT_EQ(r.report.damage.ToString(), message);
    EXPECT_FALSE(r.report.torn_tail);
    if (mode == Mode::kSkipAnyCorruptedRecords) {
      EXPECT_TRUE(r.status.ok());
      EXPECT_EQ(r.records, survivors);
      EXPECT_EQ(r.report.dropped_bytes, skip_dropped);
      EXPECT_EQ(r.report.last_record_end, c.size());
      continue;
    }
    EXPECT_EQ(r.records, Prefix(k));
    EXPECT_EQ(r.report.last_record_end, layout_.ends[k - 1]);
    if (mode == Mode::kPointInTimeRecovery) {
      EXPECT_TRUE(r.status.ok());
      EXPECT_EQ(r.report.dropped_bytes, c.size() - layout_.ends[k - 1]);
      EXPECT_FALSE(r.report.reopenable);
    } else {
      EXPECT_EQ(r.status.ToString(), message);
    }
  }
}

// Whole blocks overwritten with garbage or zeros; the reader resynchronises at the next block.
TEST_F(LogRecoveryTest, DamagedBlocksThenGoodBlocks) {
  Random rnd(TestSeed());
  WriteRandom(&rnd, 300);
  ASSERT_GT(contents_.size(), 8 * kBlockSize);
  for (bool zeros : {false, true}) {
    SCOPED_TRACE(zeros ? "zeros" : "garbage");
    std::string c = contents_;
    const uint64_t begin = 3 * kBlockSize;
    c.replace(begin, kBlockSize, zeros ? std::string(kBlockSize, '\0') : rnd.Bytes(kBlockSize));
    Set(c);
    uint64_t dropped;
    const std::vector<std::string> survivors = Survivors(begin, begin + kBlockSize, &dropped);
    const size_t prefix = RecordsEndingBy(begin);
    const std::string where = "wal 000007.log @ " + std::to_string(begin) + ": ";
    for (Mode mode : kAllModes) {
      SCOPED_TRACE(RecoveryModeName(mode));
      ReadResult r = Read(mode);
      EXPECT_NE(r.report.damage.ToString().find(where), std::string::npos)
          << r.report.damage.ToString();
      if (zeros) {
        EXPECT_NE(r.report.damage.ToString().find("zero-filled region"), std::string::npos);
      }
      EXPECT_FALSE(r.report.torn_tail);
      if (mode == Mode::kSkipAnyCorruptedRecords) {
        EXPECT_TRUE(r.status.ok());
        EXPECT_EQ(r.records, survivors);
        EXPECT_EQ(r.report.dropped_bytes, dropped);
      } else {
        EXPECT_EQ(r.records, Prefix(prefix));
        EXPECT_EQ(r.status.ok(), mode == Mode::kPointInTimeRecovery) << r.status.ToString();
      }
    }
  }
}

TEST_F(LogRecoveryTest, NonZeroBlockTrailer) {
  const size_t filler = kBlockSize - kFileHeaderRecordSize - kHeaderSize - 3;
  Write({std::string(filler, 'f'), "next"});
  ASSERT_EQ(layout_.offsets[1], kBlockSize);
  std::string c = contents_;
  c[kBlockSize - 2] = 1;
  Set(c);
  const std::string message =
      "Corruption: wal 000007.log @ " + std::to_string(kBlockSize - 3) + ": non-zero block trailer";
  EXPECT_EQ(Read(Mode::kTolerateCorruptedTailRecords).status.ToString(), message);
  ReadResult pit = Read(Mode::kPointInTimeRecovery);
  EXPECT_EQ(pit.records, Prefix(1));
  EXPECT_EQ(pit.report.damage.ToString(), message);
  ReadResult skip = Read(Mode::kSkipAnyCorruptedRecords);
  EXPECT_EQ(skip.records, records_);
  EXPECT_EQ(skip.report.dropped_bytes, 3u);
}

}  // namespace
}  // namespace lsm::log
