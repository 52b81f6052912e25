// SalvageTable on intact and damaged tables; TableReader::ReadProperties and
// VerifyChecksums without the key order, for tables of a comparator the reader does not know.
#include "src/sstable/table_salvage.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "src/sstable/table_reader.h"
#include "src/util/random.h"
#include "tests/sstable/table_test_util.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

TableOptions SmallBlocks() {
  TableOptions options;
  options.block_size = 256;
  options.block_restart_interval = 4;
  return options;
}

class SalvageTest : public testing::Test {
 protected:
  void SetUp() override {
    Random rnd(TestSeed());
    entries_ = RandomEntries(&rnd, 300);
    ASSERT_TRUE(BuildTable(&fs_, kPath, SmallBlocks(), entries_, &props_).ok());
    ASSERT_TRUE(fs_.Contents(kPath, &original_).ok());
    ASSERT_GT(props_.num_data_blocks, 5u);
  }

  // Salvages the table as it is in fs_ now.
  Status Salvage(std::vector<Entry>* out, SalvageReport* report) {
    std::unique_ptr<RandomAccessFile> file;
    uint64_t size = 0;
    Status s = fs_.GetFileSize(kPath, &size);
    if (s.ok()) s = fs_.NewRandomAccessFile(kPath, &file);
    if (!s.ok()) return s;
    out->clear();
    return SalvageTable(
        BytewiseComparator(), kName, file.get(), size,
        [out](std::string_view k, std::string_view v) {
          out->push_back({std::string(k), std::string(v)});
        },
        report);
  }

  // `got` is a subsequence of entries_: nothing invented, altered or reordered.
  void ExpectSubsequence(const std::vector<Entry>& got) {
    size_t j = 0;
    for (const Entry& e : got) {
      while (j < entries_.size() && entries_[j].key != e.key) j++;
      ASSERT_LT(j, entries_.size()) << "entry not written or out of order";
      EXPECT_EQ(e.value, entries_[j].value);
      j++;
    }
  }

  MemFileSystem fs_;
  std::vector<Entry> entries_;
  TableProperties props_;
  std::string original_;
};

TEST_F(SalvageTest, IntactTableGivesEverything) {
  std::vector<Entry> got;
  SalvageReport report;
  ASSERT_TRUE(Salvage(&got, &report).ok());
  EXPECT_TRUE(report.damage.ok()) << report.damage.ToString();
  EXPECT_EQ(report.bad_blocks, 0u);
  EXPECT_EQ(report.data_blocks, props_.num_data_blocks);
  EXPECT_EQ(report.entries, entries_.size());
  ASSERT_EQ(got.size(), entries_.size());
  for (size_t i = 0; i < got.size(); i++) {
    EXPECT_EQ(got[i].key, entries_[i].key);
    EXPECT_EQ(got[i].value, entries_[i].value);
  }
}

// A byte flipped anywhere in the data blocks costs exactly the block it is in.
TEST_F(SalvageTest, DamagedDataBlockIsSkipped) {
  const size_t step = std::max<size_t>(1, props_.data_size / 60);
  for (size_t offset = 0; offset < props_.data_size; offset += step) {
    std::string data = original_;
    data[offset] ^= 0x20;
    fs_.SetContents(kPath, data);
    std::vector<Entry> got;
    SalvageReport report;
    ASSERT_TRUE(Salvage(&got, &report).ok()) << offset;
    EXPECT_EQ(report.bad_blocks, 1u) << offset;
    EXPECT_FALSE(report.damage.ok());
    EXPECT_NE(report.damage.ToString().find("block @"), std::string::npos)
        << report.damage.ToString();
    EXPECT_LT(got.size(), entries_.size()) << offset;
    EXPECT_GT(got.size(), entries_.size() / 2) << offset;
    EXPECT_EQ(report.entries, got.size());
    ExpectSubsequence(got);
  }
}

// The properties and the filter are not needed; the footer and the index are.
TEST_F(SalvageTest, MetaBlocksNotNeeded) {
  std::string data = original_;
  const size_t meta = props_.data_size + 3;  // the first byte after the data blocks
  data[meta] ^= 0x01;
  fs_.SetContents(kPath, data);
  std::unique_ptr<TableReader> table;
  EXPECT_TRUE(OpenTable(&fs_, kPath, SmallBlocks(), nullptr, &table).IsCorruption());
  std::vector<Entry> got;
  SalvageReport report;
  ASSERT_TRUE(Salvage(&got, &report).ok());
  EXPECT_EQ(got.size(), entries_.size());

  // A damaged footer or a truncated file leaves nothing to salvage.
  for (size_t keep : {original_.size() - 1, size_t{10}, size_t{0}}) {
    fs_.SetContents(kPath, original_.substr(0, keep));
    Status s = Salvage(&got, &report);
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_TRUE(got.empty());
    EXPECT_EQ(report.damage, s);
  }
}

// A comparator with another table's comparator name but bytewise order: a stand-in that
// lets a tool open a table whose order it does not know.
class StandIn final : public Comparator {
 public:
  explicit StandIn(std::string name) : name_(std::move(name)) {}
  int Compare(std::string_view a, std::string_view b) const override { return a.compare(b); }
  const char* Name() const override { return name_.c_str(); }
  void FindShortestSeparator(std::string*, std::string_view) const override {}
  void FindShortSuccessor(std::string*) const override {}

 private:
  std::string name_;
};

TEST(TableReaderTest, ReadPropertiesAndUnorderedVerify) {
  MemFileSystem fs;
  TableOptions reverse = SmallBlocks();
  reverse.comparator = ReverseBytewiseComparator();
  const InternalKeyComparator icmp(reverse.comparator);
  std::vector<Entry> entries;
  for (int i = 0; i < 200; i++) {
    entries.push_back({IKey("key" + std::to_string(1000 + i), 5, ValueType::kValue), "v"});
  }
  std::sort(entries.begin(), entries.end(),
            [&](const Entry& a, const Entry& b) { return icmp.Compare(a.key, b.key) < 0; });
  ASSERT_TRUE(BuildTable(&fs, kPath, reverse, entries).ok());

  std::unique_ptr<RandomAccessFile> file;
  uint64_t size = 0;
  ASSERT_TRUE(fs.GetFileSize(kPath, &size).ok());
  ASSERT_TRUE(fs.NewRandomAccessFile(kPath, &file).ok());
  TableProperties props;
  ASSERT_TRUE(TableReader::ReadProperties(file.get(), kName, size, &props).ok());
  EXPECT_EQ(props.comparator_name, "test.Reverse");
  EXPECT_EQ(props.num_entries, 200u);
  EXPECT_TRUE(TableReader::ReadProperties(file.get(), kName, size - 1, &props).IsCorruption());

  std::unique_ptr<TableReader> table;
  EXPECT_TRUE(OpenTable(&fs, kPath, TableOptions(), nullptr, &table).IsInvalidArgument());
  StandIn stand_in(props.comparator_name);
  TableOptions opened;
  opened.comparator = &stand_in;
  ASSERT_TRUE(OpenTable(&fs, kPath, opened, nullptr, &table).ok());
  // Under the stand-in's order the keys look out of order; without the order check the
  // checksums and structure verify.
  EXPECT_TRUE(table->VerifyChecksums().IsCorruption());
  EXPECT_TRUE(table->VerifyChecksums(/*check_key_order=*/false).ok());
  // Damage is still found.
  std::string data;
  ASSERT_TRUE(fs.Contents(kPath, &data).ok());
  data[30] ^= 0x01;
  fs.SetContents(kPath, data);
  ASSERT_TRUE(OpenTable(&fs, kPath, opened, nullptr, &table).ok());
  EXPECT_TRUE(table->VerifyChecksums(false).IsCorruption());
}

}  // namespace
}  // namespace lsm
