// ConcurrentArena: bump allocation that several threads may use at once, for memtables whose
// entries are all freed together when the arena is destroyed.
//
//   ConcurrentArena arena;
//   char* p = arena.Allocate(48);   // 8-byte aligned; from any thread
//   size_t bytes = arena.MemoryUsage();
//
// Memory comes from page-aligned blocks carved under one mutex; blocks start at kChunkSize and
// double up to the arena's largest block size (kBlockSize unless the constructor is given more,
// up to kHugePageSize), so that a small memtable holds (and reports) little. Blocks of
// kHugePageSize are aligned to it and advised as transparent huge pages: a large memtable's
// random accesses then miss the TLB far less. Each thread
// allocates from a chunk of a block held by its shard (shards are picked by a per-thread
// index, so writers on different threads rarely share one); a shard's lock is almost never
// contended, and the central mutex is taken once per chunk. An allocation larger than a
// quarter chunk bypasses the shards, and one larger than a quarter block gets a block of its
// own. A new block is prefaulted (MADV_POPULATE_WRITE, outside the mutex): one call instead
// of a page fault per 4 KiB, which made up most of an insert's cost in our VMs.
//
// Given a reservation, the arena takes its blocks in order from one range of address space
// reserved up front (and committed a block at a time), so that everything it hands out lies
// within `reservation` bytes of base(): an index may then refer to its allocations by 32-bit
// offsets. Such an arena holds at most its reservation; Room says how much more fits.
//
// src/util/arena.h is single-threaded with a fixed 4 KiB block, hence this class.
//
// Thread-safety: every method may be called concurrently. Memory handed out stays valid
// until the arena is destroyed.
#ifndef LSM_MEMTABLE_CONCURRENT_ARENA_H_
#define LSM_MEMTABLE_CONCURRENT_ARENA_H_

#include <absl/base/thread_annotations.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "src/util/mutex.h"

namespace lsm {

class ConcurrentArena {
 public:
  static constexpr size_t kAlignment = 8;
  static constexpr size_t kBlockSize = 64 * 1024;
  static constexpr size_t kChunkSize = 4 * 1024;
  static constexpr size_t kHugePageSize = 2 << 20;

  // max_block_size: the largest block, a power of two from kBlockSize to kHugePageSize.
  // reservation: 0, or the bytes of address space to take every block from (see above). When
  // the system refuses the reservation the arena works without one: base() is then nullptr.
  explicit ConcurrentArena(size_t max_block_size = kBlockSize, size_t reservation = 0);
  ConcurrentArena(const ConcurrentArena&) = delete;
  ConcurrentArena& operator=(const ConcurrentArena&) = delete;
  ~ConcurrentArena();

  // Returns `bytes` bytes aligned to kAlignment. REQUIRES: bytes > 0.
  char* Allocate(size_t bytes) { return Allocate(bytes, kAlignment); }
  // Returns `bytes` bytes at any address, for data only ever read bytewise: a run of such
  // allocations wastes no padding. REQUIRES: bytes > 0.
  char* AllocateUnaligned(size_t bytes) { return Allocate(bytes, 1); }

  // Bytes of all blocks held, chunks not yet handed out included.
  size_t MemoryUsage() const { return memory_usage_.load(std::memory_order_relaxed); }
  // Bytes handed out of those blocks (a chunk counts whole once a thread takes it): at most
  // MemoryUsage(), which also counts the unused rest of the newest block.
  size_t BytesInUse() const { return bytes_in_use_.load(std::memory_order_relaxed); }

  // The start of the reservation (every allocation lies in [base(), base() + reservation)), or
  // nullptr without one.
  const char* base() const { return reservation_base_; }
  // The bytes of allocations, of any sizes and alignments, sure to fit in what is left of the
  // reservation; SIZE_MAX without one.
  size_t Room() const;

 private:
  struct alignas(64) Shard {
    Mutex mu;
    char* ptr ABSL_GUARDED_BY(mu) = nullptr;
    size_t remaining ABSL_GUARDED_BY(mu) = 0;
  };

  // REQUIRES: alignment is 1 or kAlignment.
  char* Allocate(size_t bytes, size_t alignment) {
    if (bytes > kChunkSize / 4) {
      return AllocateCentral((bytes + kAlignment - 1) & ~(kAlignment - 1));
    }
    Shard* shard = CurrentShard();
    MutexLock l(&shard->mu);
    // Chunks start aligned; only an unaligned allocation before this one leaves padding.
    size_t pad = -reinterpret_cast<uintptr_t>(shard->ptr) & (alignment - 1);
    if (pad + bytes > shard->remaining) {
      Refill(shard);
      pad = 0;
    }
    char* result = shard->ptr + pad;
    shard->ptr += pad + bytes;
    shard->remaining -= pad + bytes;
    return result;
  }
  Shard* CurrentShard();
  // Replaces the shard's chunk with a fresh one.
  void Refill(Shard* shard) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard->mu);
  char* AllocateCentral(size_t bytes) ABSL_LOCKS_EXCLUDED(mu_);
  // REQUIRES: bytes <= remaining_.
  char* BumpLocked(size_t bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Makes `block` the one AllocateCentral carves from.
  void InstallLocked(char* block, size_t size) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Hands `block` to the arena: freed with it, counted in MemoryUsage.
  void RegisterLocked(char* block, size_t size) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Takes the next `bytes` of the reservation (aligned as NewBlock's blocks are).
  // REQUIRES: a reservation with room (callers allocate within Room()).
  char* CarveLocked(size_t bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A prefaulted page-aligned block of `bytes` (a multiple of the page size; huge pages when a
  // multiple of kHugePageSize), not yet registered: `carved` made usable, or from the heap
  // without a reservation.
  char* NewBlock(char* carved, size_t bytes) const;
  // Gives back a block NewBlock returned that was never registered.
  void DiscardBlock(char* block, size_t bytes) const;

  struct FreeDeleter {
    void operator()(char* p) const;
  };

  Mutex mu_;
  char* ptr_ ABSL_GUARDED_BY(mu_) = nullptr;
  size_t remaining_ ABSL_GUARDED_BY(mu_) = 0;
  size_t next_block_size_ ABSL_GUARDED_BY(mu_) = kChunkSize;
  // A block allocated by a thread that lost the race to install one, used next.
  char* spare_ ABSL_GUARDED_BY(mu_) = nullptr;
  size_t spare_size_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::unique_ptr<char, FreeDeleter>> blocks_ ABSL_GUARDED_BY(mu_);
  std::atomic<size_t> memory_usage_{0};
  std::atomic<size_t> bytes_in_use_{0};

  const size_t max_block_size_;
  const size_t shard_mask_;
  std::unique_ptr<Shard[]> shards_;
  // The reservation: the mapping, and within it base and size (all 0 without one), and how
  // much of it blocks took.
  void* reservation_map_ = nullptr;
  size_t reservation_map_size_ = 0;
  char* reservation_base_ = nullptr;
  size_t reservation_size_ = 0;
  std::atomic<size_t> carved_{0};
};

}  // namespace lsm

#endif  // LSM_MEMTABLE_CONCURRENT_ARENA_H_
