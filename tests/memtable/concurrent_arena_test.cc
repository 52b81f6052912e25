#include "src/memtable/concurrent_arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "src/util/random.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

TEST(MemTableArenaTest, EmptyUsesNoBlocks) {
  ConcurrentArena arena;
  EXPECT_EQ(arena.MemoryUsage(), 0u);
}

// Blocks grow from one chunk, so a small memtable (write_buffer_size may be 64 KiB) does not
// report a large block as used.
TEST(MemTableArenaTest, SmallArenaStaysSmall) {
  ConcurrentArena arena;
  arena.Allocate(100);
  EXPECT_LE(arena.MemoryUsage(), 2 * ConcurrentArena::kChunkSize);
  size_t allocated = 100;
  while (allocated < 32 * 1024) {
    arena.Allocate(100);
    allocated += 100;
  }
  EXPECT_LE(arena.MemoryUsage(), 2 * allocated + 2 * ConcurrentArena::kChunkSize);
}

// Aligned and unaligned allocations mixed: the aligned ones stay aligned after an unaligned one
// of any size, and none overlaps another.
TEST(MemTableArenaTest, AllocationsAreAlignedAndDisjoint) {
  ConcurrentArena arena;
  Random rnd(TestSeed());
  std::vector<std::pair<char*, size_t>> allocated;
  size_t total = 0;
  for (int i = 0; i < 20000; i++) {
    // Mostly small, sometimes larger than a chunk or a block.
    size_t n = 1 + rnd.Skewed(10);
    if (rnd.OneIn(500)) n = 1 + rnd.Uniform(3 * ConcurrentArena::kBlockSize);
    const bool aligned = rnd.OneIn(2);
    char* p = aligned ? arena.Allocate(n) : arena.AllocateUnaligned(n);
    if (aligned) {
      ASSERT_EQ(reinterpret_cast<uintptr_t>(p) % ConcurrentArena::kAlignment, 0u);
    }
    std::memset(p, i & 0xff, n);
    allocated.emplace_back(p, n);
    total += n;
    ASSERT_GE(arena.MemoryUsage(), total);
    // What is handed out covers the allocations (and the chunks threads hold) and, but for the
    // newest block's rest, all that is held.
    ASSERT_GE(arena.BytesInUse(), total);
    ASSERT_LE(arena.BytesInUse(), arena.MemoryUsage());
  }
  for (size_t i = 0; i < allocated.size(); i++) {
    const auto [p, n] = allocated[i];
    for (size_t j = 0; j < n; j++) {
      ASSERT_EQ(static_cast<uint8_t>(p[j]), i & 0xff) << "allocation " << i << " byte " << j;
    }
  }
}

// Unaligned allocations are packed: no padding between consecutive ones within a chunk.
TEST(MemTableArenaTest, UnalignedAllocationsArePacked) {
  ConcurrentArena arena;
  char* first = arena.AllocateUnaligned(13);
  EXPECT_EQ(arena.AllocateUnaligned(13), first + 13);
  EXPECT_EQ(arena.AllocateUnaligned(1), first + 26);
  // An aligned allocation after them skips to the next multiple of the alignment.
  EXPECT_EQ(arena.Allocate(8), first + 32);
}

TEST(MemTableArenaTest, WithoutReservationRoomIsUnbounded) {
  ConcurrentArena arena;
  EXPECT_EQ(arena.base(), nullptr);
  EXPECT_EQ(arena.Room(), SIZE_MAX);
}

// With a reservation every allocation lies in it, Room() only shrinks, and allocations of any
// sizes up to Room() fit (CarveLocked aborts the test if one does not).
TEST(MemTableArenaTest, ReservationHoldsWhatRoomPromises) {
  constexpr size_t kReservation = 24 << 20;
  for (const size_t max_block : {ConcurrentArena::kBlockSize, ConcurrentArena::kHugePageSize}) {
    ConcurrentArena arena(max_block, kReservation);
    const char* base = arena.base();
    ASSERT_NE(base, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(base) % ConcurrentArena::kHugePageSize, 0u);
    const size_t initial = arena.Room();
    EXPECT_GT(initial, 0u);
    EXPECT_LT(initial, kReservation);
    Random rnd(TestSeed());
    size_t room = initial;
    size_t allocated = 0;
    for (;;) {
      size_t n = 1 + rnd.Skewed(12);
      if (rnd.OneIn(50)) n = 1 + rnd.Uniform(3 * max_block);
      if (n > room) break;
      char* p = rnd.OneIn(2) ? arena.Allocate(n) : arena.AllocateUnaligned(n);
      ASSERT_GE(p, base);
      ASSERT_LE(p + n, base + kReservation);
      std::memset(p, 0x5a, n);  // committed and writable
      allocated += n;
      const size_t now = arena.Room();
      ASSERT_LE(now, room);
      room = now;
    }
    // Most of what was promised could be used before the room ran out.
    EXPECT_GT(allocated, initial / 2);
    EXPECT_LE(arena.MemoryUsage(), kReservation);
  }
}

// A reservation larger than the address space allows leaves the arena without one.
TEST(MemTableArenaTest, RefusedReservationFallsBackToTheHeap) {
  ConcurrentArena arena(ConcurrentArena::kBlockSize, size_t{1} << 62);
  EXPECT_EQ(arena.base(), nullptr);
  EXPECT_EQ(arena.Room(), SIZE_MAX);
  char* p = arena.Allocate(100);
  std::memset(p, 1, 100);
}

}  // namespace
}  // namespace lsm
