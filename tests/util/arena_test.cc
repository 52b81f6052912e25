#include "src/util/arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "src/util/random.h"

namespace lsm {
namespace {

TEST(ArenaTest, AllocationsAreDistinctAndKeepTheirBytes) {
  Arena arena;
  Random rnd(301);
  std::vector<std::pair<char*, size_t>> allocated;
  size_t bytes = 0;
  for (int i = 0; i < 20000; i++) {
    size_t n = i % 1000 == 0 ? 6000 : rnd.Skewed(10) + 1;  // some larger than a block
    char* p = (i % 3 == 0) ? arena.AllocateAligned(n) : arena.Allocate(n);
    if (i % 3 == 0) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % alignof(std::max_align_t), 0u);
    }
    std::memset(p, i % 256, n);
    allocated.emplace_back(p, n);
    bytes += n;
    EXPECT_GE(arena.MemoryUsage(), bytes);
  }
  for (size_t i = 0; i < allocated.size(); i++) {
    const auto [p, n] = allocated[i];
    for (size_t j = 0; j < n; j++) ASSERT_EQ(static_cast<uint8_t>(p[j]), i % 256);
  }
  EXPECT_LE(arena.MemoryUsage(), bytes * 11 / 10 + 200 * Arena::kBlockSize);
}

}  // namespace
}  // namespace lsm
