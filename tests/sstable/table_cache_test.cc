#include "src/sstable/table_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "src/base/filename.h"
#include "src/util/random.h"
#include "tests/sstable/table_test_util.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

constexpr char kDir[] = "/db";
constexpr int kTables = 10;

class TableCacheTest : public testing::Test {
 protected:
  TableCacheTest() : fs_(std::make_shared<MemFileSystem>()), block_cache_(1 << 20) {
    for (uint64_t n = 1; n <= kTables; n++) {
      std::vector<Entry> entries;
      for (int i = 0; i < 200; i++) {
        entries.push_back({IKey("t" + std::to_string(n) + "-k" + std::to_string(1000 + i),
                                n * 1000 + i, ValueType::kValue),
                           "v" + std::to_string(n * 1000 + i)});
      }
      EXPECT_TRUE(BuildTable(fs_.get(), TableFileName(kDir, n), TableOptions(), entries).ok());
      uint64_t size = 0;
      EXPECT_TRUE(fs_->GetFileSize(TableFileName(kDir, n), &size).ok());
      sizes_.push_back(size);
      tables_.push_back(std::move(entries));
    }
  }

  uint64_t Size(uint64_t n) const { return sizes_[n - 1]; }

  void ExpectGet(TableCache* cache, uint64_t n, int i) {
    const std::string user = "t" + std::to_string(n) + "-k" + std::to_string(1000 + i);
    LookupKey lk(user, kMaxSequenceNumber);
    std::string value;
    GetContext ctx(nullptr, user, &value);
    ASSERT_TRUE(cache->Get(ReadOptions(), n, Size(n), 0, lk, &ctx).ok());
    ASSERT_EQ(ctx.state(), GetContext::State::kFound);
    ASSERT_EQ(value, "v" + std::to_string(n * 1000 + i));
  }

  void ExpectScan(InternalIterator* it, uint64_t n) {
    size_t i = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), i++) {
      ASSERT_LT(i, tables_[n - 1].size());
      ASSERT_EQ(it->key(), tables_[n - 1][i].key);
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    ASSERT_EQ(i, tables_[n - 1].size());
  }

  std::shared_ptr<MemFileSystem> fs_;
  BlockCache block_cache_;
  std::vector<uint64_t> sizes_;
  std::vector<std::vector<Entry>> tables_;
};

TEST_F(TableCacheTest, KeepsAtMostMaxOpenFiles) {
  TableCache cache(kDir, TableOptions(), fs_, &block_cache_, 3);
  for (int round = 0; round < 3; round++) {
    for (uint64_t n = 1; n <= kTables; n++) {
      ExpectGet(&cache, n, round * 7);
      EXPECT_LE(cache.size(), 3u);
    }
  }
  EXPECT_EQ(cache.size(), 3u);
}

TEST_F(TableCacheTest, LeastRecentlyUsedIsClosedFirst) {
  TableCache cache(kDir, TableOptions(), fs_, nullptr, 2);
  std::shared_ptr<const TableReader> r1, r1_again, r2, r3;
  ASSERT_TRUE(cache.FindTable(1, Size(1), 0, &r1).ok());
  ASSERT_TRUE(cache.FindTable(2, Size(2), 0, &r2).ok());
  ASSERT_TRUE(cache.FindTable(1, Size(1), 0, &r1_again).ok());  // 1 is now the most recent
  EXPECT_EQ(r1, r1_again);
  ASSERT_TRUE(cache.FindTable(3, Size(3), 0, &r3).ok());  // closes 2
  std::shared_ptr<const TableReader> r;
  ASSERT_TRUE(cache.FindTable(1, Size(1), 0, &r).ok());
  EXPECT_EQ(r, r1);
  ASSERT_TRUE(cache.FindTable(2, Size(2), 0, &r).ok());
  EXPECT_NE(r, r2);  // reopened
}

TEST_F(TableCacheTest, IteratorOutlivesEviction) {
  TableCache cache(kDir, TableOptions(), fs_, &block_cache_, 2);
  std::unique_ptr<InternalIterator> it = cache.NewIterator(ReadOptions(), 1, Size(1), 0);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  cache.Evict(1);
  for (uint64_t n = 2; n <= kTables; n++) ExpectGet(&cache, n, 5);
  ExpectScan(it.get(), 1);
  EXPECT_LE(cache.size(), 2u);
}

TEST_F(TableCacheTest, FailedOpensAreReportedAndRetried) {
  TableCache cache(kDir, TableOptions(), fs_, nullptr, 4);
  auto missing = cache.NewIterator(ReadOptions(), 99, 1000, 0);
  missing->SeekToFirst();
  EXPECT_FALSE(missing->Valid());
  EXPECT_FALSE(missing->status().ok());

  std::string good;
  ASSERT_TRUE(fs_->Contents(TableFileName(kDir, 4), &good).ok());
  std::string bad = good;
  bad[bad.size() - 1] ^= 1;
  fs_->SetContents(TableFileName(kDir, 4), bad);
  LookupKey lk("t4-k1000", kMaxSequenceNumber);
  std::string value;
  GetContext ctx(nullptr, lk.user_key(), &value);
  EXPECT_TRUE(cache.Get(ReadOptions(), 4, Size(4), 0, lk, &ctx).IsCorruption());
  EXPECT_EQ(cache.size(), 0u);
  fs_->SetContents(TableFileName(kDir, 4), good);
  ExpectGet(&cache, 4, 0);
}

TEST_F(TableCacheTest, ConcurrentReaders) {
  TableCache cache(kDir, TableOptions(), fs_, &block_cache_, 3);
  const uint64_t seed = TestSeed();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      Random rnd(seed + t);
      for (int op = 0; op < 300; op++) {
        const uint64_t n = 1 + rnd.Uniform(kTables);
        if (rnd.OneIn(10)) {
          auto it = cache.NewIterator(ReadOptions(), n, Size(n), 0);
          ExpectScan(it.get(), n);
        } else if (rnd.OneIn(20)) {
          cache.Evict(n);
        } else {
          ExpectGet(&cache, n, rnd.Uniform(200));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(cache.size(), 3u);
}

}  // namespace
}  // namespace lsm
