// TableLayout (the footer -> metaindex -> index walk) and ReadBlockMap, on intact and damaged
// tables.
#include "src/sstable/table_layout.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "src/util/random.h"
#include "tests/sstable/table_test_util.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

class TableLayoutTest : public testing::Test {
 protected:
  void SetUp() override {
    Random rnd(TestSeed());
    TableOptions options;
    options.block_size = 256;
    ASSERT_TRUE(BuildTable(&fs_, kPath, options, RandomEntries(&rnd, 200), &props_).ok());
    ASSERT_TRUE(fs_.Contents(kPath, &original_).ok());
    ASSERT_GT(props_.num_data_blocks, 3u);
  }

  Status Map(std::vector<BlockInfo>* blocks) {
    std::unique_ptr<RandomAccessFile> file;
    Status s = fs_.NewRandomAccessFile(kPath, &file);
    if (s.ok()) s = ReadBlockMap(file.get(), kName, Size(), blocks);
    return s;
  }

  uint64_t Size() {
    uint64_t size = 0;
    EXPECT_TRUE(fs_.GetFileSize(kPath, &size).ok());
    return size;
  }

  MemFileSystem fs_;
  TableProperties props_;
  std::string original_;
};

TEST_F(TableLayoutTest, WalksFooterMetaindexAndIndex) {
  std::unique_ptr<RandomAccessFile> file;
  ASSERT_TRUE(fs_.NewRandomAccessFile(kPath, &file).ok());
  TableLayout layout;
  ASSERT_TRUE(TableLayout::Read(file.get(), kName, Size(), &layout).ok());
  ASSERT_TRUE(layout.metaindex_status.ok()) << layout.metaindex_status.ToString();
  BlockHandle properties, filter, none;
  EXPECT_TRUE(layout.FindMetaBlock(kPropertiesBlockName, &properties).ok());
  EXPECT_TRUE(layout.FindMetaBlock(kFilterBlockName, &filter).ok());
  EXPECT_TRUE(layout.FindMetaBlock("lsm.nothing", &none).IsNotFound());
  EXPECT_EQ(layout.data_end(), std::min(properties.offset, filter.offset));

  std::shared_ptr<const Block> index;
  ASSERT_TRUE(layout.ReadIndex(file.get(), &index).ok());
  static const InternalKeyComparator icmp(BytewiseComparator());
  BlockIter it(index.get(), KeyOrder(&icmp));
  uint64_t blocks = 0;
  for (it.SeekToFirst(); it.Valid(); it.Next(), blocks++) {
    BlockHandle h;
    ASSERT_TRUE(layout.DecodeDataHandle(it.value(), &h).ok());
    EXPECT_LE(h.offset + h.size + kBlockTrailerSize, layout.data_end());
  }
  EXPECT_EQ(blocks, props_.num_data_blocks);

  // A handle past the data, or one with bytes after it, is damage naming the table.
  std::string past, trailing;
  BlockHandle{layout.data_end(), 10}.EncodeTo(&past);
  BlockHandle{0, 10}.EncodeTo(&trailing);
  trailing.push_back('x');
  BlockHandle h;
  for (const std::string& bad : {past, trailing, std::string("\xff")}) {
    Status s = layout.DecodeDataHandle(bad, &h);
    EXPECT_TRUE(s.IsCorruption()) << s.ToString();
    EXPECT_NE(s.ToString().find(kName), std::string::npos) << s.ToString();
  }
}

TEST_F(TableLayoutTest, BlockMapCoversTheFile) {
  std::vector<BlockInfo> blocks;
  ASSERT_TRUE(Map(&blocks).ok());
  uint64_t end = 0, data = 0;
  std::vector<std::string> kinds;
  for (const BlockInfo& b : blocks) {
    EXPECT_TRUE(b.status.ok()) << b.kind << ": " << b.status.ToString();
    EXPECT_EQ(b.handle.offset, end) << b.kind << ": blocks must follow each other";
    end = b.handle.offset + b.handle.size + (b.kind == "footer" ? 0 : kBlockTrailerSize);
    if (b.kind.starts_with("data ")) {
      data++;
    } else {
      kinds.push_back(b.kind);
    }
  }
  EXPECT_EQ(end, Size());
  EXPECT_EQ(data, props_.num_data_blocks);
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"filter", "properties", "metaindex", "index", "footer"}));
}

TEST_F(TableLayoutTest, DamageIsReportedPerBlock) {
  std::vector<BlockInfo> blocks;
  ASSERT_TRUE(Map(&blocks).ok());
  // One byte of the second data block: only that block is bad, and the walk goes on.
  std::string damaged = original_;
  damaged[blocks[1].handle.offset + 1] ^= 0x40;
  fs_.SetContents(kPath, damaged);
  ASSERT_TRUE(Map(&blocks).ok());
  int bad = 0;
  for (const BlockInfo& b : blocks) bad += b.status.ok() ? 0 : 1;
  EXPECT_EQ(bad, 1);
  EXPECT_TRUE(blocks[1].status.IsCorruption());

  // A damaged metaindex stops the table from opening, but the block map still has the data.
  damaged = original_;
  std::unique_ptr<RandomAccessFile> file;
  ASSERT_TRUE(fs_.NewRandomAccessFile(kPath, &file).ok());
  TableLayout layout;
  fs_.SetContents(kPath, original_);
  ASSERT_TRUE(TableLayout::Read(file.get(), kName, Size(), &layout).ok());
  damaged[layout.footer.metaindex_handle.offset] ^= 0x01;
  fs_.SetContents(kPath, damaged);
  Status s = Map(&blocks);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  int data = 0;
  for (const BlockInfo& b : blocks) data += b.kind.starts_with("data ") && b.status.ok();
  EXPECT_EQ(data, static_cast<int>(props_.num_data_blocks));
  std::unique_ptr<TableReader> table;
  EXPECT_TRUE(OpenTable(&fs_, kPath, TableOptions(), nullptr, &table).IsCorruption());

  // A file too short for a footer has no map at all.
  fs_.SetContents(kPath, original_.substr(0, 20));
  EXPECT_TRUE(Map(&blocks).IsCorruption());
  EXPECT_TRUE(blocks.empty());
}

}  // namespace
}  // namespace lsm
