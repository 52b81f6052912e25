#include "src/memtable/concurrent_arena.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace lsm {
namespace {

constexpr size_t kPageSize = 4096;

size_t RoundUpToPage(size_t n) { return (n + kPageSize - 1) & ~(kPageSize - 1); }

size_t ShardCount() {
  const size_t cpus = std::max(1u, std::thread::hardware_concurrency());
  return std::bit_ceil(std::min<size_t>(cpus, 64));
}

// A small index per thread, handed out in order of first use, so that threads created together
// land on different shards.
size_t ThreadIndex() {
  static std::atomic<size_t> next{0};
  thread_local const size_t index = next.fetch_add(1, std::memory_order_relaxed);
  return index;
}

}  // namespace

ConcurrentArena::ConcurrentArena(size_t max_block_size, size_t reservation)
    : max_block_size_(std::clamp(std::bit_floor(max_block_size), kBlockSize, kHugePageSize)),
      shard_mask_(ShardCount() - 1),
      shards_(std::make_unique<Shard[]>(shard_mask_ + 1)) {
  if (reservation == 0) return;
  // Address space only: PROT_NONE pages are not committed until a block makes them writable.
  // The extra huge page lets the range start on a huge-page boundary.
  const size_t map_size = RoundUpToPage(reservation) + kHugePageSize;
  void* map =
      ::mmap(nullptr, map_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (map == MAP_FAILED) return;
  reservation_map_ = map;
  reservation_map_size_ = map_size;
  const uintptr_t start = reinterpret_cast<uintptr_t>(map);
  reservation_base_ = reinterpret_cast<char*>((start + kHugePageSize - 1) & ~(kHugePageSize - 1));
  reservation_size_ = RoundUpToPage(reservation);
}

ConcurrentArena::~ConcurrentArena() {
  if (reservation_map_ != nullptr) ::munmap(reservation_map_, reservation_map_size_);
}

size_t ConcurrentArena::Room() const {
  if (reservation_base_ == nullptr) return SIZE_MAX;
  // Chunks and blocks are used at least three-quarters before the next is taken (a request
  // that does not fit is at most a quarter of either), so the allocations take at most twice
  // their bytes, plus the chunks the shards hold, the block being filled, a spare block, one
  // block being made and the alignment of the first huge-page block.
  const size_t overhead = (shard_mask_ + 1) * kChunkSize + 3 * max_block_size_ + kHugePageSize;
  const size_t left = reservation_size_ - carved_.load(std::memory_order_relaxed);
  return left > overhead ? (left - overhead) / 2 : 0;
}

ConcurrentArena::Shard* ConcurrentArena::CurrentShard() {
  return &shards_[ThreadIndex() & shard_mask_];
}

void ConcurrentArena::Refill(Shard* shard) {
  shard->ptr = AllocateCentral(kChunkSize);
  shard->remaining = kChunkSize;
}

char* ConcurrentArena::AllocateCentral(size_t bytes) {
  const bool own_block = bytes > max_block_size_ / 4;
  size_t block_size = RoundUpToPage(bytes);
  char* carved = nullptr;
  {
    MutexLock l(&mu_);
    if (bytes <= remaining_) return BumpLocked(bytes);
    if (!own_block && spare_ != nullptr && bytes <= spare_size_) {
      InstallLocked(spare_, spare_size_);
      spare_ = nullptr;
      return BumpLocked(bytes);
    }
    if (!own_block) {
      block_size = RoundUpToPage(std::max(next_block_size_, bytes));
      next_block_size_ = std::min(2 * next_block_size_, max_block_size_);
    }
    if (reservation_base_ != nullptr) carved = CarveLocked(block_size);
  }
  // Allocating and prefaulting take a while: not under the mutex.
  char* block = NewBlock(carved, block_size);
  MutexLock l(&mu_);
  if (own_block) {
    RegisterLocked(block, block_size);
    bytes_in_use_.fetch_add(block_size, std::memory_order_relaxed);
    return block;
  }
  if (bytes <= remaining_) {
    // Another thread installed a block meanwhile: keep ours for when that one runs out.
    if (spare_ == nullptr) {
      RegisterLocked(block, block_size);
      spare_ = block;
      spare_size_ = block_size;
    } else {
      DiscardBlock(block, block_size);
    }
    return BumpLocked(bytes);
  }
  RegisterLocked(block, block_size);
  InstallLocked(block, block_size);
  return BumpLocked(bytes);
}

char* ConcurrentArena::BumpLocked(size_t bytes) {
  bytes_in_use_.fetch_add(bytes, std::memory_order_relaxed);
  char* result = ptr_;
  ptr_ += bytes;
  remaining_ -= bytes;
  return result;
}

void ConcurrentArena::InstallLocked(char* block, size_t size) {
  ptr_ = block;
  remaining_ = size;
}

void ConcurrentArena::RegisterLocked(char* block, size_t size) {
  if (reservation_base_ != nullptr) {  // freed with the reservation
    memory_usage_.fetch_add(size, std::memory_order_relaxed);
    return;
  }
  blocks_.emplace_back(block);
  memory_usage_.fetch_add(size + sizeof(blocks_[0]), std::memory_order_relaxed);
}

char* ConcurrentArena::CarveLocked(size_t bytes) {
  const size_t alignment = bytes % kHugePageSize == 0 ? kHugePageSize : kPageSize;
  const size_t carved = carved_.load(std::memory_order_relaxed);
  const size_t start = (carved + alignment - 1) & ~(alignment - 1);
  if (start > reservation_size_ || bytes > reservation_size_ - start) {
    // Callers stay within Room(): running out is a bug, not an input.
    std::fprintf(stderr, "lsm: a memtable block of %zu bytes does not fit its reservation\n",
                 bytes);
    std::abort();
  }
  carved_.store(start + bytes, std::memory_order_relaxed);
  return reservation_base_ + start;
}

char* ConcurrentArena::NewBlock(char* carved, size_t bytes) const {
  const bool huge = bytes % kHugePageSize == 0;
  char* block = carved;
  if (block != nullptr) {
    if (::mprotect(block, bytes, PROT_READ | PROT_WRITE) != 0) block = nullptr;
  } else {
    block = static_cast<char*>(std::aligned_alloc(huge ? kHugePageSize : kPageSize, bytes));
  }
  if (block == nullptr) {
    std::fprintf(stderr, "lsm: out of memory allocating a memtable block of %zu bytes\n", bytes);
    std::abort();
  }
  // Best effort, before the pages are touched: without transparent huge pages (or with them
  // disabled) the block simply keeps small pages.
  if (huge) (void)::madvise(block, bytes, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
  // Best effort: older kernels refuse the advice and the pages fault in on first touch.
  (void)::madvise(block, bytes, MADV_POPULATE_WRITE);
#endif
  return block;
}

void ConcurrentArena::DiscardBlock(char* block, size_t bytes) const {
  if (reservation_base_ == nullptr) {
    std::free(block);
    return;
  }
  // Back to reserved address space: its pages are dropped and no longer committed.
  (void)::mmap(block, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1,
               0);
}

void ConcurrentArena::FreeDeleter::operator()(char* p) const { std::free(p); }

}  // namespace lsm
