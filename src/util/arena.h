// Arena: bump allocation of many small objects that are all freed together.
//
//   Arena arena;
//   char* p = arena.AllocateAligned(48);
//
// Memory comes from blocks of kBlockSize; an allocation larger than a quarter block gets a
// block of its own so that little is wasted.
// Thread-safety: Allocate* need external exclusion; MemoryUsage() may be read concurrently.
#ifndef LSM_UTIL_ARENA_H_
#define LSM_UTIL_ARENA_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace lsm {

class Arena {
 public:
  static constexpr size_t kBlockSize = 4096;

  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // REQUIRES: bytes > 0.
  char* Allocate(size_t bytes) {
    if (bytes <= remaining_) {
      char* result = ptr_;
      ptr_ += bytes;
      remaining_ -= bytes;
      return result;
    }
    return AllocateFallback(bytes);
  }

  // Memory aligned to alignof(std::max_align_t). REQUIRES: bytes > 0.
  char* AllocateAligned(size_t bytes);

  // Bytes of all blocks held (an estimate of the memory used by data in the arena).
  size_t MemoryUsage() const { return memory_usage_.load(std::memory_order_relaxed); }

 private:
  char* AllocateFallback(size_t bytes);
  char* AllocateNewBlock(size_t block_bytes);

  char* ptr_ = nullptr;
  size_t remaining_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::atomic<size_t> memory_usage_{0};
};

}  // namespace lsm

#endif  // LSM_UTIL_ARENA_H_
