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

ConcurrentArena::ConcurrentArena(size_t max_block_size)
    : max_block_size_(std::clamp(std::bit_floor(max_block_size), kBlockSize, kHugePageSize)),
      shard_mask_(ShardCount() - 1),
      shards_(std::make_unique<Shard[]>(shard_mask_ + 1)) {}

ConcurrentArena::~ConcurrentArena() = default;

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
  }
  // Allocating and prefaulting take a while: not under the mutex.
  char* block = NewBlock(block_size);
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
      std::free(block);
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
  blocks_.emplace_back(block);
  memory_usage_.fetch_add(size + sizeof(blocks_[0]), std::memory_order_relaxed);
}

char* ConcurrentArena::NewBlock(size_t bytes) {
  const bool huge = bytes % kHugePageSize == 0;
  char* block = static_cast<char*>(std::aligned_alloc(huge ? kHugePageSize : kPageSize, bytes));
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

void ConcurrentArena::FreeDeleter::operator()(char* p) const { std::free(p); }

}  // namespace lsm
