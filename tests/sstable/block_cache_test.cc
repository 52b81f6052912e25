#include "src/sstable/block_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace lsm {
namespace {

std::shared_ptr<const void> Value(int v) { return std::make_shared<const int>(v); }

int Get(BlockCache& cache, CacheKey key) {
  auto v = cache.Lookup(key);
  return v == nullptr ? -1 : *static_cast<const int*>(v.get());
}

TEST(BlockCacheTest, InsertLookupErase) {
  BlockCache cache(1000, 0);
  cache.Insert({1, 0}, Value(10), 100, BlockCache::Priority::kLow);
  cache.Insert({1, 4096}, Value(11), 100, BlockCache::Priority::kLow);
  cache.Insert({2, 0}, Value(20), 100, BlockCache::Priority::kLow);
  EXPECT_EQ(Get(cache, {1, 0}), 10);
  EXPECT_EQ(Get(cache, {1, 4096}), 11);
  EXPECT_EQ(Get(cache, {2, 0}), 20);
  EXPECT_EQ(Get(cache, {2, 4096}), -1);
  EXPECT_EQ(cache.usage(), 300u);
  cache.Insert({1, 0}, Value(12), 50, BlockCache::Priority::kLow);  // replaces
  EXPECT_EQ(Get(cache, {1, 0}), 12);
  EXPECT_EQ(cache.usage(), 250u);
  cache.Erase({1, 0});
  EXPECT_EQ(Get(cache, {1, 0}), -1);
  EXPECT_EQ(cache.usage(), 200u);
  const BlockCache::Stats stats = cache.stats();
  EXPECT_EQ(stats.inserts, 4u);
  EXPECT_EQ(stats.hits, 4u);
  EXPECT_EQ(stats.misses, 2u);
}

TEST(BlockCacheTest, EvictsLeastRecentlyUsedWithinCapacity) {
  BlockCache cache(300, 0);
  for (int i = 0; i < 3; i++) cache.Insert({1, uint64_t(i)}, Value(i), 100, {});
  EXPECT_EQ(Get(cache, {1, 0}), 0);  // 0 is now the most recently used
  cache.Insert({1, 3}, Value(3), 100, BlockCache::Priority::kLow);
  EXPECT_EQ(Get(cache, {1, 1}), -1);  // the least recently used went
  EXPECT_EQ(Get(cache, {1, 0}), 0);
  EXPECT_EQ(Get(cache, {1, 2}), 2);
  EXPECT_EQ(Get(cache, {1, 3}), 3);
  EXPECT_LE(cache.usage(), cache.capacity());
  EXPECT_EQ(cache.stats().evictions, 1u);
}

// A hit moves nothing; at eviction a referenced entry goes back to the front once, and without
// another lookup it leaves in its turn.
TEST(BlockCacheTest, ALookupBuysOneSecondChance) {
  BlockCache cache(300, 0);
  for (int i = 0; i < 3; i++) cache.Insert({1, uint64_t(i)}, Value(i), 100, {});
  EXPECT_EQ(Get(cache, {1, 0}), 0);
  for (int i = 3; i < 6; i++) cache.Insert({1, uint64_t(i)}, Value(i), 100, {});
  // Evicted in order: 1 (0 had its second chance), 2, 3; 0 is now the oldest.
  cache.Insert({1, 6}, Value(6), 100, BlockCache::Priority::kLow);
  EXPECT_EQ(Get(cache, {1, 0}), -1);
  for (int i = 4; i < 7; i++) EXPECT_EQ(Get(cache, {1, uint64_t(i)}), i);
  EXPECT_EQ(cache.stats().evictions, 4u);
}

// A low-priority entry inserted while high-priority ones fill the cache is the only victim
// its list has: it goes at once, the high-priority ones stay.
TEST(BlockCacheTest, NewLowPriorityEntryAloneInItsListIsEvicted) {
  BlockCache cache(300, 0);
  for (int i = 0; i < 3; i++)
    cache.Insert({1, uint64_t(i)}, Value(i), 100, BlockCache::Priority::kHigh);
  cache.Insert({1, 3}, Value(3), 100, BlockCache::Priority::kLow);
  EXPECT_EQ(Get(cache, {1, 3}), -1);
  for (int i = 0; i < 3; i++) EXPECT_EQ(Get(cache, {1, uint64_t(i)}), i);
}

TEST(BlockCacheTest, HighPriorityOutlivesLow) {
  BlockCache cache(300, 0);
  cache.Insert({1, 0}, Value(0), 100, BlockCache::Priority::kHigh);
  cache.Insert({1, 1}, Value(1), 100, BlockCache::Priority::kLow);
  cache.Insert({1, 2}, Value(2), 100, BlockCache::Priority::kLow);
  cache.Insert({1, 3}, Value(3), 100, BlockCache::Priority::kLow);
  cache.Insert({1, 4}, Value(4), 100, BlockCache::Priority::kLow);
  EXPECT_EQ(Get(cache, {1, 0}), 0);  // oldest, but high priority
  EXPECT_EQ(Get(cache, {1, 1}), -1);
  EXPECT_EQ(Get(cache, {1, 2}), -1);
  EXPECT_EQ(Get(cache, {1, 4}), 4);
}

// Pinned entries are charged but never evicted, however full the cache; the others make room,
// and a pinned entry leaves only through Erase.
TEST(BlockCacheTest, PinnedEntriesStayUntilErased) {
  BlockCache cache(300, 0);
  cache.Insert({1, 0}, Value(0), 200, BlockCache::Priority::kPinned);
  cache.Insert({1, 1}, Value(1), 100, BlockCache::Priority::kLow);
  cache.Insert({1, 2}, Value(2), 100, BlockCache::Priority::kHigh);
  EXPECT_EQ(Get(cache, {1, 0}), 0);
  EXPECT_EQ(Get(cache, {1, 1}), -1);
  EXPECT_EQ(Get(cache, {1, 2}), 2);
  EXPECT_EQ(cache.usage(), 300u);
  EXPECT_EQ(cache.pinned_usage(), 200u);
  // Larger than the capacity: kept all the same, and everything else goes.
  cache.Insert({1, 3}, Value(3), 400, BlockCache::Priority::kPinned);
  EXPECT_EQ(Get(cache, {1, 3}), 3);
  EXPECT_EQ(Get(cache, {1, 2}), -1);
  EXPECT_EQ(cache.usage(), 600u);
  EXPECT_EQ(cache.pinned_usage(), 600u);
  cache.Erase({1, 0});
  cache.Erase({1, 3});
  EXPECT_EQ(cache.usage(), 0u);
  EXPECT_EQ(cache.pinned_usage(), 0u);
}

// A smaller capacity evicts at once (pinned entries stay); a larger one takes entries again.
TEST(BlockCacheTest, SetCapacity) {
  BlockCache cache(1000, 2);
  for (int i = 0; i < 8; i++) {
    cache.Insert({1, uint64_t(i)}, Value(i), 100, BlockCache::Priority::kLow);
  }
  cache.Insert({2, 0}, Value(20), 100, BlockCache::Priority::kPinned);
  const size_t before = cache.usage();
  EXPECT_LE(before, 1000u);
  cache.SetCapacity(0);
  EXPECT_EQ(cache.capacity(), 0u);
  EXPECT_EQ(cache.usage(), 100u);
  EXPECT_EQ(Get(cache, {2, 0}), 20);
  cache.SetCapacity(1000);
  cache.Insert({1, 0}, Value(0), 100, BlockCache::Priority::kLow);
  EXPECT_EQ(Get(cache, {1, 0}), 0);
  EXPECT_EQ(cache.usage(), 200u);
}

TEST(BlockCacheTest, OversizedAndZeroCapacity) {
  BlockCache cache(100, 0);
  cache.Insert({1, 0}, Value(0), 101, BlockCache::Priority::kLow);
  EXPECT_EQ(Get(cache, {1, 0}), -1);
  EXPECT_EQ(cache.usage(), 0u);
  BlockCache none(0);
  none.Insert({1, 0}, Value(0), 1, BlockCache::Priority::kHigh);
  EXPECT_EQ(Get(none, {1, 0}), -1);
}

TEST(BlockCacheTest, EvictedValueStaysAliveWhileHeld) {
  BlockCache cache(100, 0);
  cache.Insert({1, 0}, Value(7), 100, BlockCache::Priority::kLow);
  std::shared_ptr<const void> held = cache.Lookup({1, 0});
  cache.Insert({1, 1}, Value(8), 100, BlockCache::Priority::kLow);
  EXPECT_EQ(Get(cache, {1, 0}), -1);
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(*static_cast<const int*>(held.get()), 7);
}

TEST(BlockCacheTest, IdsAreUnique) {
  BlockCache cache(100);
  const uint64_t a = cache.NewId();
  const uint64_t b = cache.NewId();
  EXPECT_NE(a, b);
  EXPECT_NE(a, 0u);
}

TEST(BlockCacheTest, ConcurrentUseStaysWithinCapacity) {
  BlockCache cache(64 * 100, 4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 20000; i++) {
        const CacheKey key{uint64_t(t), uint64_t(i % 500)};
        if (auto v = cache.Lookup(key)) {
          ASSERT_EQ(*static_cast<const int*>(v.get()), i % 500);
        } else {
          cache.Insert(key, Value(i % 500), 100, BlockCache::Priority::kLow);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(cache.usage(), cache.capacity());
}

}  // namespace
}  // namespace lsm
