#include "src/util/arena.h"

#include <cstdint>

namespace lsm {

char* Arena::AllocateFallback(size_t bytes) {
  if (bytes > kBlockSize / 4) {
    // A large object gets its own block; the current block keeps serving small ones.
    return AllocateNewBlock(bytes);
  }
  ptr_ = AllocateNewBlock(kBlockSize);
  remaining_ = kBlockSize;
  char* result = ptr_;
  ptr_ += bytes;
  remaining_ -= bytes;
  return result;
}

char* Arena::AllocateAligned(size_t bytes) {
  constexpr size_t kAlign = alignof(std::max_align_t);
  const size_t mod = reinterpret_cast<uintptr_t>(ptr_) & (kAlign - 1);
  const size_t slop = mod == 0 ? 0 : kAlign - mod;
  const size_t needed = bytes + slop;
  if (needed <= remaining_) {
    char* result = ptr_ + slop;
    ptr_ += needed;
    remaining_ -= needed;
    return result;
  }
  // New blocks come from operator new[] and are suitably aligned.
  return AllocateFallback(bytes);
}

char* Arena::AllocateNewBlock(size_t block_bytes) {
  blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_bytes));
  memory_usage_.fetch_add(block_bytes + sizeof(char*), std::memory_order_relaxed);
  return blocks_.back().get();
}

}  // namespace lsm
