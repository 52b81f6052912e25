// Checks "no heap allocation per Get or per iterator step" on the cached path (docs/design.md
// "Read path") by counting calls of the global operator new (replaced in this binary only).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "src/sstable/block_cache.h"
#include "src/sstable/table_reader.h"
#include "tests/sstable/table_test_util.h"
#include "tests/support/mem_file_system.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) std::abort();
  return p;
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace lsm {
namespace {

TEST(TableAllocTest, CachedGetsAndStepsDoNotAllocate) {
  MemFileSystem fs;
  std::vector<Entry> entries;
  char user[32];
  for (int i = 0; i < 20000; i++) {
    std::snprintf(user, sizeof(user), "key%013d", i * 2);  // 16 bytes
    entries.push_back({IKey(user, 100, ValueType::kValue), std::string(100, 'v')});
  }
  TableOptions options;
  ASSERT_TRUE(BuildTable(&fs, kPath, options, entries).ok());
  BlockCache cache(64 << 20);
  std::unique_ptr<TableReader> table;
  ASSERT_TRUE(OpenTable(&fs, kPath, options, &cache, &table).ok());

  std::string value;
  value.reserve(256);
  GetState state;
  auto lookup = [&](int i) {
    std::snprintf(user, sizeof(user), "key%013d", i);
    LookupKey lk(std::string_view(user, 16), kMaxSequenceNumber);
    ASSERT_TRUE(table->Get(ReadOptions(), lk, &state, &value).ok());
    ASSERT_EQ(state, i % 2 == 0 ? GetState::kFound : GetState::kNotFound);
  };
  for (int i = 0; i < 40000; i += 2) lookup(i);  // warms the cache

  const uint64_t before = g_allocations.load();
  ASSERT_GT(before, entries.size() / 100);    // the counter sees the block reads above
  for (int i = 0; i < 40000; i++) lookup(i);  // hits and (mostly bloom-filtered) misses
  EXPECT_EQ(g_allocations.load() - before, 0u);

  auto it = table->NewIterator(ReadOptions());
  it->SeekToFirst();
  const uint64_t before_steps = g_allocations.load();
  size_t n = 0;
  for (; it->Valid(); it->Next()) n++;
  for (it->SeekToLast(); it->Valid(); it->Prev()) n++;
  it->Seek(entries[777].key);
  EXPECT_EQ(g_allocations.load() - before_steps, 0u);
  EXPECT_EQ(n, 2 * entries.size());
}

}  // namespace
}  // namespace lsm
