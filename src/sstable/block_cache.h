// BlockCache: a sharded LRU cache of decoded table blocks with a capacity in bytes.
//
//   BlockCache cache(32 << 20);
//   const uint64_t id = cache.NewId();                // one per open table
//   cache.Insert({id, offset}, block, block->size(), BlockCache::Priority::kLow);
//   std::shared_ptr<const void> hit = cache.Lookup({id, offset});
//
// Keys are (id, offset) pairs; values are shared pointers, so a block handed out stays alive
// while its user holds it even if the cache evicts it meanwhile. Each entry is charged its
// `charge` bytes; when the total exceeds the capacity, entries not used lately are evicted
// (CLOCK: the oldest entry goes unless it was looked up since it last reached the end of the
// queue), low-priority ones (data blocks) before high-priority ones. Pinned entries (the index
// and filter blocks a table reader holds while it is open) are charged but never evicted: they
// leave the room that is left to the others, and their owner erases them. A capacity of 0
// caches nothing. The capacity may change at any time (SetCapacity: a MemoryBudget shrinks its
// cache as memtables grow).
// Thread-safety: all methods may be called concurrently; each shard has its own lock, so hits
// in different shards never contend.
#ifndef LSM_SSTABLE_BLOCK_CACHE_H_
#define LSM_SSTABLE_BLOCK_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lsm {

struct CacheKey {
  uint64_t id = 0;      // from BlockCache::NewId(), one per table reader
  uint64_t offset = 0;  // the block's offset in its file

  friend bool operator==(const CacheKey&, const CacheKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const CacheKey& k) {
    return H::combine(std::move(h), k.id, k.offset);
  }
};

class BlockCache {
 public:
  enum class Priority { kLow, kHigh, kPinned };

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t inserts = 0;
    uint64_t evictions = 0;
  };

  // num_shard_bits: the cache has 2^num_shard_bits shards (0 to 10).
  explicit BlockCache(size_t capacity_bytes, int num_shard_bits = 4);
  ~BlockCache();
  BlockCache(const BlockCache&) = delete;
  BlockCache& operator=(const BlockCache&) = delete;

  // Inserts value under key, replacing any earlier value, and evicts as needed. An entry whose
  // charge alone exceeds a shard's capacity is not kept, unless it is pinned: a pinned entry is
  // always kept, and stays until Erase.
  void Insert(const CacheKey& key, std::shared_ptr<const void> value, size_t charge,
              Priority priority);

  // The value under key (and marks it used), or nullptr.
  std::shared_ptr<const void> Lookup(const CacheKey& key);

  // Removes key if present.
  void Erase(const CacheKey& key);

  // A fresh id for keys of a new table reader; ids are never reused.
  uint64_t NewId() { return next_id_.fetch_add(1, std::memory_order_relaxed) + 1; }

  size_t capacity() const { return capacity_.load(std::memory_order_relaxed); }
  // Changes the capacity, evicting at once what no longer fits.
  void SetCapacity(size_t capacity_bytes);
  // Bytes charged by the entries held now, pinned ones included.
  size_t usage() const;
  // Bytes charged by the pinned entries.
  size_t pinned_usage() const;
  Stats stats() const;

 private:
  class Shard;
  Shard& ShardFor(uint64_t hash);

  // Of each shard: capacity_ / shards, rounded up.
  size_t PerShard(size_t capacity) const;

  std::atomic<size_t> capacity_;
  const int shard_bits_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<uint64_t> next_id_{0};
};

}  // namespace lsm

#endif  // LSM_SSTABLE_BLOCK_CACHE_H_
