#include "src/sstable/block_cache.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <list>

#include "src/util/mutex.h"

namespace lsm {

// One shard: a hash map into two LRU lists (most recently used at the front), one per
// priority. Evicts from the low-priority list first.
class BlockCache::Shard {
 public:
  explicit Shard(size_t capacity) : capacity_(capacity) {}

  void Insert(const CacheKey& key, std::shared_ptr<const void> value, size_t charge,
              Priority priority) {
    MutexLock l(&mu_);
    stats_.inserts++;
    EraseLocked(key);
    if (charge > capacity_) return;
    std::list<Entry>& lru = ListFor(priority);
    lru.push_front(Entry{key, std::move(value), charge, priority});
    index_[key] = lru.begin();
    usage_ += charge;
    while (usage_ > capacity_) {
      std::list<Entry>& victims = low_.empty() ? high_ : low_;
      const Entry& victim = victims.back();
      usage_ -= victim.charge;
      index_.erase(victim.key);
      victims.pop_back();
      stats_.evictions++;
    }
  }

  std::shared_ptr<const void> Lookup(const CacheKey& key) {
    MutexLock l(&mu_);
    auto it = index_.find(key);
    if (it == index_.end()) {
      stats_.misses++;
      return nullptr;
    }
    stats_.hits++;
    std::list<Entry>& lru = ListFor(it->second->priority);
    lru.splice(lru.begin(), lru, it->second);
    return it->second->value;
  }

  void Erase(const CacheKey& key) {
    MutexLock l(&mu_);
    EraseLocked(key);
  }

  size_t usage() {
    MutexLock l(&mu_);
    return usage_;
  }

  void AddStats(Stats* total) {
    MutexLock l(&mu_);
    total->hits += stats_.hits;
    total->misses += stats_.misses;
    total->inserts += stats_.inserts;
    total->evictions += stats_.evictions;
  }

 private:
  struct Entry {
    CacheKey key;
    std::shared_ptr<const void> value;
    size_t charge;
    Priority priority;
  };

  std::list<Entry>& ListFor(Priority p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return p == Priority::kHigh ? high_ : low_;
  }

  void EraseLocked(const CacheKey& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    usage_ -= it->second->charge;
    ListFor(it->second->priority).erase(it->second);
    index_.erase(it);
  }

  const size_t capacity_;
  Mutex mu_;
  size_t usage_ ABSL_GUARDED_BY(mu_) = 0;
  std::list<Entry> low_ ABSL_GUARDED_BY(mu_);
  std::list<Entry> high_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<CacheKey, std::list<Entry>::iterator> index_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

BlockCache::BlockCache(size_t capacity_bytes, int num_shard_bits)
    : capacity_(capacity_bytes), shard_bits_(std::clamp(num_shard_bits, 0, 10)) {
  const size_t n = size_t{1} << shard_bits_;
  const size_t per_shard = (capacity_bytes + n - 1) / n;
  shards_.reserve(n);
  for (size_t i = 0; i < n; i++) shards_.push_back(std::make_unique<Shard>(per_shard));
}

BlockCache::~BlockCache() = default;

BlockCache::Shard& BlockCache::ShardFor(const CacheKey& key) {
  const uint64_t h = absl::HashOf(key);
  return *shards_[shard_bits_ == 0 ? 0 : h >> (64 - shard_bits_)];
}

void BlockCache::Insert(const CacheKey& key, std::shared_ptr<const void> value, size_t charge,
                        Priority priority) {
  ShardFor(key).Insert(key, std::move(value), charge, priority);
}

std::shared_ptr<const void> BlockCache::Lookup(const CacheKey& key) {
  return ShardFor(key).Lookup(key);
}

void BlockCache::Erase(const CacheKey& key) { ShardFor(key).Erase(key); }

size_t BlockCache::usage() const {
  size_t total = 0;
  for (const auto& shard : shards_) total += shard->usage();
  return total;
}

BlockCache::Stats BlockCache::stats() const {
  Stats total;
  for (const auto& shard : shards_) shard->AddStats(&total);
  return total;
}

}  // namespace lsm
