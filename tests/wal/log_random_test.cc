// Random damage to logs of random records: flipped bytes, cuts, zeroed and garbage ranges,
// garbage appended. In every mode nothing crashes, and every record returned is the one written
// at the offset it is reported at, in order; all modes but the salvage return a prefix. Then
// the same after continuing the damaged log (Writer::Reopen).
//
// LSM_WAL_RANDOM_ROUNDS=<n> runs more rounds than the default; LSM_TEST_SEED replays a seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"
#include "tests/wal/log_test_util.h"

namespace lsm::log {
namespace {

using Mode = WALRecoveryMode;

int Rounds(int default_rounds) {
  return static_cast<int>(EnvInt("LSM_WAL_RANDOM_ROUNDS", default_rounds));
}

enum class DamageKind { kFlip, kCut, kZeros, kGarbage, kAppend, kFlipAndCut };

// Damages `c` in one of the ways above; returns which.
DamageKind Damage(Random* rnd, std::string* c) {
  const auto kind = static_cast<DamageKind>(rnd->Uniform(6));
  const size_t size = c->size();
  switch (kind) {
    case DamageKind::kFlip:
    case DamageKind::kFlipAndCut: {
      std::set<size_t> at;
      const size_t n = 1 + rnd->Uniform(4);
      while (at.size() < n) at.insert(rnd->Uniform(size));
      for (size_t i : at) (*c)[i] ^= static_cast<char>(1 + rnd->Uniform(255));
      if (kind == DamageKind::kFlipAndCut) c->resize(rnd->Uniform(size + 1));
      break;
    }
    case DamageKind::kCut:
      c->resize(rnd->Uniform(size + 1));
      break;
    case DamageKind::kZeros:
    case DamageKind::kGarbage: {
      const size_t begin = rnd->Uniform(size);
      const size_t n = std::min<size_t>(size - begin, 1 + rnd->Skewed(16));
      c->replace(begin, n, kind == DamageKind::kZeros ? std::string(n, '\0') : rnd->Bytes(n));
      break;
    }
    case DamageKind::kAppend:
      c->append(rnd->Bytes(1 + rnd->Skewed(16)));
      break;
  }
  return kind;
}

// The records that end within the first `size` bytes.
size_t RecordsWithin(const Layout& layout, uint64_t size) {
  return std::count_if(layout.ends.begin(), layout.ends.end(),
                       [&](uint64_t end) { return end <= size; });
}

// Every record of `r` is records[j] written at offsets[j], for increasing j.
void ExpectWrittenInOrder(const ReadResult& r, const std::vector<std::string>& records,
                          const Layout& layout, bool prefix) {
  size_t j = 0;
  for (size_t i = 0; i < r.records.size(); i++, j++) {
    while (j < records.size() && layout.offsets[j] != r.offsets[i]) {
      ASSERT_FALSE(prefix) << "record " << i << " @ " << r.offsets[i] << " out of order";
      j++;
    }
    ASSERT_LT(j, records.size()) << "record " << i << " @ " << r.offsets[i] << " not written";
    ASSERT_EQ(r.records[i], records[j]) << "record " << i << " @ " << r.offsets[i];
  }
}

TEST(LogRandomTest, RandomDamage) {
  Random rnd(TestSeed());
  MemFileSystem fs;
  const int rounds = Rounds(300);
  for (int round = 0; round < rounds; round++) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::vector<std::string> records = MakeRecords(&rnd, 1 + rnd.Uniform(60), 16);
    Layout layout;
    ASSERT_TRUE(WriteLog(&fs, kPath, records, &layout).ok());
    std::string c;
    ASSERT_TRUE(fs.Contents(kPath, &c).ok());
    const DamageKind kind = Damage(&rnd, &c);
    fs.SetContents(kPath, c);

    std::vector<std::string> pit_records;
    for (Mode mode : kAllModes) {
      SCOPED_TRACE(RecoveryModeName(mode));
      const ReadResult r = ReadLog(&fs, kPath, mode);
      const bool salvage = mode == Mode::kSkipAnyCorruptedRecords;
      ExpectWrittenInOrder(r, records, layout, !salvage);
      if (HasFatalFailure()) return;
      EXPECT_TRUE(r.status.ok() || r.status.IsCorruption()) << r.status.ToString();
      EXPECT_EQ(r.status.ok(),
                r.report.damage.ok() || salvage || mode == Mode::kPointInTimeRecovery ||
                    (mode == Mode::kTolerateCorruptedTailRecords && r.report.torn_tail));
      EXPECT_LE(r.report.dropped_bytes, r.report.bytes_read);
      EXPECT_LT(r.report.last_record_end, r.report.bytes_read + kBlockSize);
      if (r.report.damage.ok()) {
        // A clean end: every record up to where reading stopped. Zeros from the last record
        // read to the end of the file are the log's end (a preallocated log's tail), so
        // records zeroed whole by the damage read as not written.
        const bool zero_tail =
            r.report.last_record_end <= r.report.bytes_read && r.report.bytes_read <= c.size() &&
            std::all_of(c.begin() + static_cast<ptrdiff_t>(r.report.last_record_end),
                        c.begin() + static_cast<ptrdiff_t>(r.report.bytes_read),
                        [](char ch) { return ch == '\0'; });
        EXPECT_EQ(r.records.size(), RecordsWithin(layout, zero_tail ? r.report.last_record_end
                                                                    : r.report.bytes_read));
      }
      // Every flipped byte is detected.
      if (kind == DamageKind::kFlip && mode == Mode::kAbsoluteConsistency) {
        EXPECT_TRUE(r.status.IsCorruption());
      }
      if (mode == Mode::kPointInTimeRecovery) pit_records = r.records;
      // Up to the first damage, the salvage reads what the other modes read.
      if (salvage) {
        ASSERT_GE(r.records.size(), pit_records.size());
        EXPECT_TRUE(std::equal(pit_records.begin(), pit_records.end(), r.records.begin()));
      }
    }
  }
}

// Damage, recover (kPointInTimeRecovery), continue the log if the report allows, and read it
// again: every mode returns the recovered records and the new ones.
TEST(LogRandomTest, RandomDamageThenReopen) {
  Random rnd(TestSeed());
  MemFileSystem fs;
  const int rounds = Rounds(300);
  int reopened = 0;
  for (int round = 0; round < rounds; round++) {
    SCOPED_TRACE("round " + std::to_string(round));
    ASSERT_TRUE(WriteLog(&fs, kPath, MakeRecords(&rnd, 1 + rnd.Uniform(60), 16)).ok());
    std::string c;
    ASSERT_TRUE(fs.Contents(kPath, &c).ok());
    Damage(&rnd, &c);
    fs.SetContents(kPath, c);

    const ReadResult first = ReadLog(&fs, kPath, Mode::kPointInTimeRecovery);
    ASSERT_TRUE(first.status.ok()) << first.status.ToString();
    if (!first.report.reopenable) continue;
    reopened++;
    const std::vector<std::string> more = MakeRecords(&rnd, 1 + rnd.Uniform(10), 15);
    ASSERT_TRUE(AppendLog(&fs, kPath, first.report.last_record_end, more).ok());
    std::vector<std::string> expected = first.records;
    expected.insert(expected.end(), more.begin(), more.end());
    for (Mode mode : kAllModes) {
      const ReadResult r = ReadLog(&fs, kPath, mode);
      ASSERT_TRUE(r.status.ok()) << RecoveryModeName(mode) << " " << r.status.ToString();
      ASSERT_EQ(r.records, expected) << RecoveryModeName(mode);
      EXPECT_TRUE(r.report.damage.ok())
          << RecoveryModeName(mode) << " " << r.report.damage.ToString();
    }
  }
  EXPECT_GT(reopened, rounds / 4);
}

// Random sequences of intact fragments (FULL, FIRST, MIDDLE, LAST), each MIDDLE and LAST bound
// to the record it continues, to another record or to no record. Each payload names the record
// offset and the position the fragment was written for, so a returned record must be one
// record's fragments in order, beginning at the offset the reader reports.
TEST(LogRandomTest, RandomFragmentSequences) {
  Random rnd(TestSeed());
  MemFileSystem fs;
  const int rounds = Rounds(300);
  int multi_fragment_records = 0;
  for (int round = 0; round < rounds; round++) {
    SCOPED_TRACE("round " + std::to_string(round));
    RawLog raw;
    raw.FileHeader();
    std::vector<int64_t> starts;
    int64_t open = -1;
    int index = 0;
    while (raw.size() < 3 * kBlockSize) {
      const uint8_t type = static_cast<uint8_t>(kFullType + rnd.Uniform(4));
      const bool starts_record = type == kFullType || type == kFirstType;
      const uint64_t room = kBlockSize - raw.size() % kBlockSize;
      if (room < kHeaderSize + 40) raw.PadBlock();
      int64_t bound = starts_record ? static_cast<int64_t>(raw.size()) : open;
      if (!starts_record && (open < 0 || rnd.OneIn(4))) {
        bound = starts.empty() || rnd.OneIn(3) ? static_cast<int64_t>(rnd.Uniform(raw.size()))
                                               : starts[rnd.Uniform(starts.size())];
      }
      index =
          starts_record ? 0 : (bound == open ? index + 1 : 1 + static_cast<int>(rnd.Uniform(3)));
      const std::string payload = "<" + std::to_string(bound) + ":" + std::to_string(index) + ">" +
                                  rnd.Bytes(rnd.Uniform(20));
      if (starts_record) starts.push_back(bound);
      open = type == kFirstType ? bound : (type == kMiddleType ? open : -1);
      raw.Fragment(type, payload, bound);
    }
    fs.SetContents(kPath, raw.bytes());
    for (Mode mode : kAllModes) {
      std::unique_ptr<SequentialFile> file;
      ASSERT_TRUE(fs.NewSequentialFile(kPath, &file).ok());
      Reader reader(std::move(file), kName, kLogNumber, mode);
      std::string_view record;
      std::string scratch;
      while (reader.ReadRecord(&record, &scratch)) {
        // "<offset:0>...<offset:1>...": the tags of one record, numbered from 0.
        const std::string offset = std::to_string(reader.last_record_offset());
        size_t pos = 0;
        for (int i = 0; pos < record.size(); i++) {
          const std::string tag = "<" + offset + ":" + std::to_string(i) + ">";
          ASSERT_EQ(record.substr(pos, tag.size()), tag) << RecoveryModeName(mode);
          const size_t next = record.find("<" + offset + ":" + std::to_string(i + 1) + ">", pos);
          pos = next == std::string_view::npos ? record.size() : next;
          if (i > 0) multi_fragment_records++;
        }
      }
      EXPECT_TRUE(reader.status().ok() || reader.status().IsCorruption());
    }
  }
  EXPECT_GT(multi_fragment_records, rounds);
}

}  // namespace
}  // namespace lsm::log
