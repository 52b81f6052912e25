#include "src/memtable/skiplist.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <ostream>
#include <set>

#include "src/memtable/concurrent_arena.h"
#include "src/util/coding.h"
#include "src/util/random.h"
#include "tests/memtable/u64_skiplist.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

using List = U64SkipList;

void Insert(List* list, uint64_t key, bool concurrent) {
  char* buf = list->AllocateKey(sizeof(key));
  EncodeFixed64(buf, key);
  if (concurrent) {
    list->InsertConcurrently(buf);
  } else {
    list->Insert(buf);
  }
}

uint64_t KeyAt(const List::Iterator& it) { return DecodeFixed64(it.key()); }

TEST(SkipListTest, Empty) {
  ConcurrentArena arena;
  List list(U64Cmp(), &arena);
  EXPECT_FALSE(list.Contains(10));
  List::Iterator it(&list);
  EXPECT_FALSE(it.Valid());
  it.SeekToFirst();
  EXPECT_FALSE(it.Valid());
  it.SeekToLast();
  EXPECT_FALSE(it.Valid());
  it.Seek(100);
  EXPECT_FALSE(it.Valid());
  it.SeekForPrev(100);
  EXPECT_FALSE(it.Valid());
}

TEST(SkipListTest, IteratorSeesLaterInserts) {
  ConcurrentArena arena;
  List list(U64Cmp(), &arena);
  List::Iterator it(&list);
  Insert(&list, 5, false);
  it.SeekToFirst();
  ASSERT_TRUE(it.Valid());
  Insert(&list, 7, false);
  it.Next();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(KeyAt(it), 7u);
  it.Prev();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(KeyAt(it), 5u);
  it.Prev();
  EXPECT_FALSE(it.Valid());
}

enum class Path { kSingle, kConcurrent, kMixed };

const char* PathName(Path p) {
  switch (p) {
    case Path::kSingle:
      return "Single";
    case Path::kConcurrent:
      return "Concurrent";
    case Path::kMixed:
      return "Mixed";
  }
  return "?";
}
void PrintTo(Path p, std::ostream* os) { *os << PathName(p); }

// Inserts random keys, single ones and ascending or descending runs, through one insert path
// or both at random; then compares every query with a std::set.
class SkipListModelTest : public ::testing::TestWithParam<Path> {};

TEST_P(SkipListModelTest, MatchesStdSet) {
  constexpr uint64_t kRange = 5000;
  Random rnd(TestSeed());
  ConcurrentArena arena;
  List list(U64Cmp(), &arena);
  std::set<uint64_t> model;
  auto insert = [&](uint64_t k) {
    if (k >= kRange || !model.insert(k).second) return;
    const bool concurrent =
        GetParam() == Path::kConcurrent || (GetParam() == Path::kMixed && rnd.OneIn(3));
    Insert(&list, k, concurrent);
  };
  for (int i = 0; i < 1000; i++) {
    const uint64_t k = rnd.Uniform(kRange);
    const uint64_t run = rnd.OneIn(3) ? rnd.Uniform(20) : 0;
    const bool ascending = rnd.OneIn(2);
    for (uint64_t j = 0; j <= run; j++) insert(ascending ? k + j : k - std::min(k, j));
  }

  for (uint64_t k = 0; k <= kRange; k++) {
    ASSERT_EQ(list.Contains(k), model.count(k) == 1) << k;
  }

  List::Iterator it(&list);
  for (uint64_t target = 0; target <= kRange; target++) {
    auto lower = model.lower_bound(target);
    it.Seek(target);
    if (lower == model.end()) {
      ASSERT_FALSE(it.Valid()) << target;
    } else {
      ASSERT_TRUE(it.Valid()) << target;
      ASSERT_EQ(KeyAt(it), *lower);
    }
    auto upper = model.upper_bound(target);
    it.SeekForPrev(target);
    if (upper == model.begin()) {
      ASSERT_FALSE(it.Valid()) << target;
    } else {
      ASSERT_TRUE(it.Valid()) << target;
      ASSERT_EQ(KeyAt(it), *std::prev(upper));
    }
  }

  it.SeekToFirst();
  for (uint64_t k : model) {
    ASSERT_TRUE(it.Valid());
    ASSERT_EQ(KeyAt(it), k);
    it.Next();
  }
  EXPECT_FALSE(it.Valid());

  it.SeekToLast();
  for (auto r = model.rbegin(); r != model.rend(); ++r) {
    ASSERT_TRUE(it.Valid());
    ASSERT_EQ(KeyAt(it), *r);
    it.Prev();
  }
  EXPECT_FALSE(it.Valid());

  // Random walks mixing both directions.
  for (int walk = 0; walk < 200; walk++) {
    const uint64_t start = rnd.Uniform(kRange);
    auto expected = model.lower_bound(start);
    it.Seek(start);
    for (int step = 0; step < 20 && expected != model.end(); step++) {
      ASSERT_TRUE(it.Valid());
      ASSERT_EQ(KeyAt(it), *expected);
      if (rnd.OneIn(2)) {
        it.Next();
        ++expected;
      } else if (expected != model.begin()) {
        it.Prev();
        --expected;
      }
    }
    if (expected == model.end()) {
      ASSERT_FALSE(it.Valid());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(InsertPath, SkipListModelTest,
                         ::testing::Values(Path::kSingle, Path::kConcurrent, Path::kMixed),
                         [](const auto& info) { return PathName(info.param); });

// Ascending keys, the case the single-writer path's remembered splice speeds up, and then
// keys between them.
TEST(SkipListTest, AscendingThenInterleaved) {
  ConcurrentArena arena;
  List list(U64Cmp(), &arena);
  for (uint64_t k = 0; k < 20000; k += 2) Insert(&list, k, false);
  for (uint64_t k = 19999; k < 20000; k -= 2) Insert(&list, k, false);
  List::Iterator it(&list);
  uint64_t expected = 0;
  for (it.SeekToFirst(); it.Valid(); it.Next()) ASSERT_EQ(KeyAt(it), expected++);
  EXPECT_EQ(expected, 20000u);
}

TEST(SkipListTest, ExtremeKeys) {
  ConcurrentArena arena;
  List list(U64Cmp(), &arena);
  Insert(&list, 0, true);
  Insert(&list, UINT64_MAX, true);
  List::Iterator it(&list);
  it.SeekToFirst();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(KeyAt(it), 0u);
  it.SeekToLast();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(KeyAt(it), UINT64_MAX);
  it.SeekForPrev(UINT64_MAX - 1);
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(KeyAt(it), 0u);
}

}  // namespace
}  // namespace lsm
