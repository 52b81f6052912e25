#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lsm/file_system.h"
#include "src/base/dbformat.h"
#include "src/io/posix_file_system.h"
#include "src/sstable/block_builder.h"
#include "src/sstable/block_cache.h"
#include "src/sstable/table_builder.h"
#include "src/sstable/table_reader.h"
#include "src/util/compression.h"
#include "src/util/random.h"
#include "tests/sstable/table_test_util.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

void CheckTable(const TableReader& table, const std::vector<Entry>& entries, Random* rnd,
                const ReadOptions& ro) {
  const InternalKeyComparator icmp(BytewiseComparator());
  auto it = table.NewIterator(ro);
  size_t i = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), i++) {
    ASSERT_LT(i, entries.size());
    ASSERT_EQ(it->key(), entries[i].key);
    ASSERT_EQ(it->value(), entries[i].value);
  }
  ASSERT_EQ(i, entries.size());
  ASSERT_TRUE(it->status().ok()) << it->status().ToString();
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    ASSERT_GT(i, 0u);
    ASSERT_EQ(it->key(), entries[--i].key);
  }
  ASSERT_EQ(i, 0u);

  auto less = [&](const Entry& e, const std::string& t) { return icmp.Compare(e.key, t) < 0; };
  for (int round = 0; round < 300; round++) {
    std::string target;
    if (!entries.empty() && rnd->OneIn(2)) {
      const Entry& e = entries[rnd->Uniform(entries.size())];
      target = IKey(ExtractUserKey(e.key), rnd->Uniform(entries.size() * 4 + 1), kValueTypeForSeek);
    } else {
      target = IKey(rnd->OneIn(2) ? rnd->Bytes(rnd->Skewed(4)) : "user" + rnd->Bytes(1),
                    rnd->Uniform(1000), kValueTypeForSeek);
    }
    auto lb = std::lower_bound(entries.begin(), entries.end(), target, less);
    it->Seek(target);
    ASSERT_EQ(it->Valid(), lb != entries.end());
    if (it->Valid()) {
      ASSERT_EQ(it->key(), lb->key);
    }
    // SeekForPrev: the last entry <= target.
    auto pos = lb;
    if (pos == entries.end() || icmp.Compare(pos->key, target) > 0) {
      pos = pos == entries.begin() ? entries.end() : pos - 1;
    }
    it->SeekForPrev(target);
    ASSERT_EQ(it->Valid(), pos != entries.end());
    if (!it->Valid()) continue;
    ASSERT_EQ(it->key(), pos->key);
    for (int step = 0; step < 10; step++) {
      if (rnd->OneIn(2)) {
        it->Next();
        if (++pos == entries.end()) {
          ASSERT_FALSE(it->Valid());
          break;
        }
      } else {
        it->Prev();
        if (pos == entries.begin()) {
          ASSERT_FALSE(it->Valid());
          break;
        }
        --pos;
      }
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), pos->key);
      ASSERT_EQ(it->value(), pos->value);
    }
  }
  ASSERT_TRUE(it->status().ok());

  // Point lookups of present user keys at random sequences, and of absent keys.
  for (int round = 0; round < 300; round++) {
    std::string user;
    if (!entries.empty() && !rnd->OneIn(4)) {
      user = std::string(ExtractUserKey(entries[rnd->Uniform(entries.size())].key));
    } else {
      user = rnd->Bytes(rnd->Skewed(4));
    }
    const SequenceNumber seq =
        rnd->OneIn(4) ? kMaxSequenceNumber : rnd->Uniform(entries.size() * 3 + 1);
    std::string expected, actual;
    const GetState want = ModelGet(entries, icmp, user, seq, &expected);
    GetState got;
    LookupKey lk(user, seq);
    ASSERT_TRUE(table.Get(ro, lk, &got, &actual).ok());
    ASSERT_EQ(got, want);
    if (want == GetState::kFound) {
      ASSERT_EQ(actual, expected);
    }
  }
}

class TableRoundTripTest
    : public testing::TestWithParam<std::tuple<CompressionType, bool /*cache*/>> {};

TEST_P(TableRoundTripTest, RandomSeeksBothWays) {
  const auto [compression, with_cache] = GetParam();
  Random rnd(TestSeed());
  MemFileSystem fs;
  for (int round = 0; round < 4; round++) {
    TableOptions options;
    options.compression = compression;
    options.block_size = 64 << rnd.Uniform(6);
    options.block_restart_interval = 1 + rnd.Uniform(20);
    options.bloom_bits_per_key = rnd.OneIn(4) ? 0 : 10;
    // Tables as written before format version 3 are read as well.
    options.packed_tags = round % 2 == 0;
    const std::vector<Entry> entries = RandomEntries(&rnd, rnd.Uniform(2000));
    TableProperties props;
    ASSERT_TRUE(BuildTable(&fs, kPath, options, entries, &props).ok());
    EXPECT_EQ(props.format_version, options.packed_tags ? 3u : 1u);
    BlockCache cache(1 << 20);
    std::unique_ptr<TableReader> table;
    ASSERT_TRUE(OpenTable(&fs, kPath, options, with_cache ? &cache : nullptr, &table).ok());
    EXPECT_EQ(table->properties().num_entries, entries.size());
    EXPECT_EQ(table->properties().ToString(), props.ToString());
    EXPECT_EQ(table->properties().compression, CompressionTypeName(compression));
    ASSERT_TRUE(table->VerifyChecksums().ok());
    for (bool fill_cache : {true, false}) {
      ReadOptions ro;
      ro.fill_cache = fill_cache;
      CheckTable(*table, entries, &rnd, ro);
      CheckTable(*table, entries, &rnd, ro);  // now from the cache, if any
    }
    if (with_cache && !entries.empty()) {
      EXPECT_GT(cache.stats().hits, 0u);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllCompressions, TableRoundTripTest,
                         testing::Combine(testing::Values(CompressionType::kNone,
                                                          CompressionType::kLZ4,
                                                          CompressionType::kZstd),
                                          testing::Bool()),
                         [](const auto& info) {
                           return std::string(CompressionTypeName(std::get<0>(info.param))) +
                                  (std::get<1>(info.param) ? "Cached" : "Uncached");
                         });

TEST(TableTest, PropertiesAndOffsets) {
  MemFileSystem fs;
  TableOptions options;
  options.compression = CompressionType::kNone;
  options.block_size = 1024;
  std::vector<Entry> entries;
  for (int i = 0; i < 1000; i++) {
    char user[16];
    std::snprintf(user, sizeof(user), "key%06d", i);
    entries.push_back({IKey(user, 100 + i, i % 10 == 0 ? ValueType::kDeletion : ValueType::kValue),
                       std::string(100, 'v')});
  }
  ASSERT_TRUE(BuildTable(&fs, kPath, options, entries).ok());
  std::unique_ptr<TableReader> table;
  ASSERT_TRUE(OpenTable(&fs, kPath, options, nullptr, &table).ok());
  const TableProperties& p = table->properties();
  EXPECT_EQ(p.num_entries, 1000u);
  EXPECT_EQ(p.num_deletions, 100u);
  EXPECT_EQ(p.raw_key_size, 1000u * 17);
  EXPECT_EQ(p.raw_value_size, 1000u * 100);
  EXPECT_EQ(p.smallest_seqno, 100u);
  EXPECT_EQ(p.largest_seqno, 1099u);
  EXPECT_GT(p.num_data_blocks, 90u);
  EXPECT_EQ(p.format_version, 3u);
  EXPECT_EQ(p.bloom_bits_per_key, 10u);
  EXPECT_EQ(p.compression, "none");
  EXPECT_EQ(p.comparator_name, "lsm.BytewiseComparator");
  EXPECT_EQ(p.creator, "lsm");
  EXPECT_GT(p.index_size, 0u);
  EXPECT_GT(p.filter_size, 1000u * 10 / 8);
  EXPECT_GT(p.data_size, 1000u * 100);

  EXPECT_EQ(table->ApproximateOffsetOf(IKey("", kMaxSequenceNumber, kValueTypeForSeek)), 0u);
  uint64_t last = 0;
  for (int i = 0; i < 1000; i += 50) {
    const uint64_t off = table->ApproximateOffsetOf(entries[i].key);
    EXPECT_GE(off, last);
    EXPECT_NEAR(double(off), double(p.data_size) * i / 1000, 2000.0);
    last = off;
  }
  EXPECT_EQ(table->ApproximateOffsetOf(IKey("zzz", 0, kValueTypeForSeek)), p.data_size);
}

TEST(TableTest, EmptyTable) {
  MemFileSystem fs;
  TableOptions options;
  ASSERT_TRUE(BuildTable(&fs, kPath, options, {}).ok());
  std::unique_ptr<TableReader> table;
  ASSERT_TRUE(OpenTable(&fs, kPath, options, nullptr, &table).ok());
  Random rnd(1);
  CheckTable(*table, {}, &rnd, ReadOptions());
  EXPECT_TRUE(table->VerifyChecksums().ok());
}

// A table names the column family it was written for; a properties block without those
// names (a table written before they existed) is the default family's.
TEST(TableTest, ColumnFamilyProperties) {
  MemFileSystem fs;
  TableOptions options;
  ASSERT_TRUE(BuildTable(&fs, kPath, options, {{IKey("a", 1, ValueType::kValue), "1"}}).ok());
  std::unique_ptr<TableReader> table;
  ASSERT_TRUE(OpenTable(&fs, kPath, options, nullptr, &table).ok());
  EXPECT_EQ(table->properties().column_family_id, 0u);
  EXPECT_EQ(table->properties().column_family_name, "default");
  options.column_family_id = 7;
  options.column_family_name = "offsets";
  ASSERT_TRUE(BuildTable(&fs, kPath, options, {{IKey("a", 1, ValueType::kValue), "1"}}).ok());
  ASSERT_TRUE(OpenTable(&fs, kPath, options, nullptr, &table).ok());
  EXPECT_EQ(table->properties().column_family_id, 7u);
  EXPECT_EQ(table->properties().column_family_name, "offsets");
  EXPECT_NE(table->properties().ToString().find("column-family-id=7 column-family-name=offsets"),
            std::string::npos)
      << table->properties().ToString();

  BlockBuilder old_block(/*restart_interval=*/1);
  old_block.Add("lsm.comparator", "lsm.BytewiseComparator");
  old_block.Add("lsm.num-entries", std::string(1, '\x03'));
  std::shared_ptr<const Block> block;
  ASSERT_TRUE(Block::Create(std::string(old_block.Finish()), 0, &block).ok());
  TableProperties props;
  ASSERT_TRUE(props.DecodeFrom(*block).ok());
  EXPECT_EQ(props.num_entries, 3u);
  EXPECT_EQ(props.column_family_id, 0u);
  EXPECT_EQ(props.column_family_name, "default");
}

TEST(TableTest, BloomFilterSkipsAbsentKeys) {
  MemFileSystem fs;
  TableOptions options;
  std::vector<Entry> entries;
  for (int i = 0; i < 1000; i++) {
    entries.push_back({IKey("k" + std::to_string(100000 + i), 5, ValueType::kValue), "v"});
  }
  ASSERT_TRUE(BuildTable(&fs, kPath, options, entries).ok());
  std::unique_ptr<TableReader> table;
  ASSERT_TRUE(OpenTable(&fs, kPath, options, nullptr, &table).ok());
  int may_match = 0;
  for (int i = 0; i < 1000; i++) may_match += table->KeyMayMatch("absent" + std::to_string(i));
  EXPECT_LT(may_match, 30);
  for (const Entry& e : entries) EXPECT_TRUE(table->KeyMayMatch(ExtractUserKey(e.key)));
}

TEST(TableTest, ComparatorMismatchIsInvalidArgument) {
  class Other final : public Comparator {
   public:
    int Compare(std::string_view a, std::string_view b) const override { return a.compare(b); }
    const char* Name() const override { return "test.Other"; }
    void FindShortestSeparator(std::string*, std::string_view) const override {}
    void FindShortSuccessor(std::string*) const override {}
  } other;
  MemFileSystem fs;
  TableOptions options;
  ASSERT_TRUE(BuildTable(&fs, kPath, options, {{IKey("a", 1, ValueType::kValue), "1"}}).ok());
  options.comparator = &other;
  std::unique_ptr<TableReader> table;
  Status s = OpenTable(&fs, kPath, options, nullptr, &table);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(table, nullptr);
}

// A user comparator other than bytewise takes the generic (virtual) comparison path.
TEST(TableTest, ReverseUserComparator) {
  MemFileSystem fs;
  TableOptions options;
  options.comparator = ReverseBytewiseComparator();
  options.block_size = 128;
  std::vector<Entry> entries;
  for (int i = 999; i >= 100; i--) {
    entries.push_back({IKey("k" + std::to_string(i), 7, ValueType::kValue), std::to_string(i)});
  }
  ASSERT_TRUE(BuildTable(&fs, kPath, options, entries).ok());
  std::unique_ptr<TableReader> table;
  ASSERT_TRUE(OpenTable(&fs, kPath, options, nullptr, &table).ok());
  ASSERT_TRUE(table->VerifyChecksums().ok());
  auto it = table->NewIterator(ReadOptions());
  size_t i = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ASSERT_EQ(it->key(), entries[i++].key);
  ASSERT_EQ(i, entries.size());
  for (int k = 100; k < 1000; k += 37) {
    GetState state;
    std::string value;
    LookupKey lk("k" + std::to_string(k), 10);
    ASSERT_TRUE(table->Get(ReadOptions(), lk, &state, &value).ok());
    ASSERT_EQ(state, GetState::kFound);
    ASSERT_EQ(value, std::to_string(k));
    it->SeekForPrev(lk.internal_key());
    ASSERT_TRUE(it->Valid());
    ASSERT_EQ(ExtractUserKey(it->key()), "k" + std::to_string(k + 1));  // the next larger
  }
}

TEST(TableTest, RealFiles) {
  TempDir dir;
  auto fs = NewPosixFileSystem();
  const std::string path = dir.path() + "/000123.sst";
  Random rnd(TestSeed());
  TableOptions options;
  options.compression = CompressionType::kZstd;
  const std::vector<Entry> entries = RandomEntries(&rnd, 3000);
  ASSERT_TRUE(BuildTable(fs.get(), path, options, entries).ok());
  BlockCache cache(8 << 20);
  std::unique_ptr<TableReader> table;
  ASSERT_TRUE(OpenTable(fs.get(), path, options, &cache, &table).ok());
  CheckTable(*table, entries, &rnd, ReadOptions());
  EXPECT_TRUE(table->VerifyChecksums().ok());
  const size_t usage = cache.usage();
  EXPECT_GT(usage, table->ApproximateMemoryUsage());
  const size_t pinned = table->ApproximateMemoryUsage() - sizeof(TableReader);
  table.reset();  // the pinned index and filter leave the cache with the reader
  EXPECT_EQ(cache.usage(), usage - pinned);
}

// A table whose file returns its own memory (a memory map) serves its uncompressed data blocks
// in place and leaves them out of the block cache; a copied or decompressed block is cached.
TEST(TableTest, UncompressedBlocksOfMappedFilesAreReadInPlace) {
  Random rnd(TestSeed());
  const std::vector<Entry> entries = RandomEntries(&rnd, 2000);
  for (bool mapped : {false, true}) {
    for (CompressionType compression : {CompressionType::kNone, CompressionType::kLZ4}) {
      SCOPED_TRACE(testing::Message()
                   << "mapped " << mapped << " " << CompressionTypeName(compression));
      MemFileSystem fs(mapped);
      TableOptions options;
      options.compression = compression;
      options.block_size = 1024;
      ASSERT_TRUE(BuildTable(&fs, kPath, options, entries).ok());
      BlockCache cache(8 << 20);
      std::unique_ptr<TableReader> table;
      ASSERT_TRUE(OpenTable(&fs, kPath, options, &cache, &table).ok());
      const size_t meta = cache.usage();
      CheckTable(*table, entries, &rnd, ReadOptions());
      const bool in_place = mapped && compression == CompressionType::kNone;
      EXPECT_EQ(cache.usage() == meta, in_place) << cache.usage() << " vs " << meta;
    }
  }
}

// A table whose entries are stored at sequence 0 (an ingested one), opened with a global
// sequence: every entry and tombstone shows at it, Get sees nothing below it, and seeks in both
// directions land where they would in a table that stored that sequence.
TEST(TableTest, GlobalSeqnoShowsEveryEntryAtIt) {
  constexpr SequenceNumber kGlobal = 100;
  MemFileSystem fs;
  TableOptions options;
  options.block_size = 256;
  options.block_restart_interval = 4;
  std::vector<Entry> stored, shown;
  for (int i = 0; i < 300; i += 2) {
    const ValueType type = i % 10 == 4 ? ValueType::kDeletion : ValueType::kValue;
    const std::string user = Key(i);
    const std::string value = type == ValueType::kValue ? "v" + std::to_string(i) : "";
    stored.push_back({IKey(user, 0, type), value});
    shown.push_back({IKey(user, kGlobal, type), value});
  }
  {
    std::unique_ptr<WritableFile> file;
    ASSERT_TRUE(fs.NewWritableFile(kPath, &file).ok());
    TableBuilder builder(options, file.get());
    for (const Entry& e : stored) builder.Add(e.key, e.value);
    builder.AddRangeTombstone({Key(50), Key(60), 0});
    ASSERT_TRUE(builder.Finish().ok());
    ASSERT_TRUE(file->Close().ok());
  }
  uint64_t size = 0;
  ASSERT_TRUE(fs.GetFileSize(kPath, &size).ok());
  std::unique_ptr<RandomAccessFile> file;
  ASSERT_TRUE(fs.NewRandomAccessFile(kPath, &file).ok());
  std::unique_ptr<TableReader> table;
  ASSERT_TRUE(
      TableReader::Open(options, kName, std::move(file), size, nullptr, kGlobal, &table).ok());
  EXPECT_EQ(table->global_seqno(), kGlobal);
  Random rnd(TestSeed());
  CheckTable(*table, shown, &rnd, ReadOptions());
  ASSERT_NE(table->range_tombstones(), nullptr);
  ASSERT_EQ(table->range_tombstones()->tombstones().size(), 1u);
  EXPECT_EQ(table->range_tombstones()->tombstones()[0].seq, kGlobal);

  // Seeks against the model of the shown keys, with targets on, between and beyond them, at
  // sequences below, at and above the global one.
  const InternalKeyComparator icmp(BytewiseComparator());
  auto it = table->NewIterator(ReadOptions());
  for (int i = -1; i < 302; i++) {
    for (SequenceNumber seq : {SequenceNumber{0}, SequenceNumber{1}, kGlobal - 1, kGlobal,
                               kGlobal + 1, kMaxSequenceNumber}) {
      for (ValueType type : {ValueType::kDeletion, ValueType::kValue, kValueTypeForSeek}) {
        const std::string target = IKey(i < 0 ? "" : Key(i), seq, type);
        SCOPED_TRACE(testing::Message() << i << " @ " << seq << " type " << int(type));
        auto lower = std::lower_bound(
            shown.begin(), shown.end(), target,
            [&](const Entry& e, const std::string& t) { return icmp.Compare(e.key, t) < 0; });
        it->Seek(target);
        ASSERT_EQ(it->Valid(), lower != shown.end());
        if (it->Valid()) {
          ASSERT_EQ(it->key(), lower->key);
        }
        auto upper = std::upper_bound(
            shown.begin(), shown.end(), target,
            [&](const std::string& t, const Entry& e) { return icmp.Compare(t, e.key) < 0; });
        it->SeekForPrev(target);
        ASSERT_EQ(it->Valid(), upper != shown.begin());
        if (it->Valid()) {
          ASSERT_EQ(it->key(), std::prev(upper)->key);
        }
      }
    }
  }
  ASSERT_TRUE(it->status().ok()) << it->status().ToString();

  // Get sees the entries from the global sequence on.
  std::string value;
  GetState state;
  ASSERT_TRUE(table->Get(ReadOptions(), LookupKey(Key(2), kGlobal - 1), &state, &value).ok());
  EXPECT_EQ(state, GetState::kNotFound);
  ASSERT_TRUE(table->Get(ReadOptions(), LookupKey(Key(2), kGlobal), &state, &value).ok());
  EXPECT_EQ(state, GetState::kFound);
  EXPECT_EQ(value, "v2");
  ASSERT_TRUE(
      table->Get(ReadOptions(), LookupKey(Key(4), kMaxSequenceNumber), &state, &value).ok());
  EXPECT_EQ(state, GetState::kDeleted);
  ASSERT_TRUE(
      table->Get(ReadOptions(), LookupKey(Key(3), kMaxSequenceNumber), &state, &value).ok());
  EXPECT_EQ(state, GetState::kNotFound);

  // Without a global sequence the same table reads as stored.
  ASSERT_TRUE(OpenTable(&fs, kPath, options, nullptr, &table).ok());
  CheckTable(*table, stored, &rnd, ReadOptions());
  EXPECT_EQ(table->range_tombstones()->tombstones()[0].seq, 0u);
}

}  // namespace
}  // namespace lsm
