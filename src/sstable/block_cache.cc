#include "src/sstable/block_cache.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <list>

#include "src/util/mutex.h"

namespace lsm {

// One shard: a hash map into three lists (newest at the front), one per priority. A hit only
// marks its entry referenced, so a lookup moves nothing; eviction takes entries from the back
// of the low-priority list first, then the high-priority one, and gives a referenced one a
// second chance at the front (CLOCK, an approximation of least-recently-used). Pinned entries
// are never taken.
class BlockCache::Shard {
  struct Entry {
    CacheKey key;
    std::shared_ptr<const void> value;
    size_t charge;
    Priority priority;
    bool referenced;  // looked up since it was inserted or last given a second chance
  };

 public:
  explicit Shard(size_t capacity) : capacity_(capacity) {}

  void Insert(const CacheKey& key, std::shared_ptr<const void> value, size_t charge,
              Priority priority) {
    MutexLock l(&mu_);
    stats_.inserts++;
    EraseLocked(key);
    const bool pinned = priority == Priority::kPinned;
    if (charge > capacity_ && !pinned) return;
    std::list<Entry>& lru = ListFor(priority);
    lru.push_front(Entry{key, std::move(value), charge, priority, false});
    const Entry* inserted = &lru.front();
    index_[key] = lru.begin();
    usage_ += charge;
    if (pinned) pinned_usage_ += charge;
    EvictLocked(inserted);
  }

  void SetCapacity(size_t capacity) {
    MutexLock l(&mu_);
    capacity_ = capacity;
    EvictLocked(nullptr);
  }

  // Evicts until the entries fit or only pinned ones are left. `inserted`, if not null, is the
  // entry just inserted, kept when others can go.
  void EvictLocked(const Entry* inserted) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    while (usage_ > capacity_ && !(low_.empty() && high_.empty())) {
      std::list<Entry>& victims = low_.empty() ? high_ : low_;
      Entry& victim = victims.back();
      // The new entry is the most recently used: unless it is alone in its list it goes back
      // to the front, behind which every other entry has by then lost its reference, so the
      // loop ends.
      if (victim.referenced || (&victim == inserted && victims.size() > 1)) {
        victim.referenced = false;
        victims.splice(victims.begin(), victims, std::prev(victims.end()));
        continue;
      }
      usage_ -= victim.charge;
      index_.erase(victim.key);
      victims.pop_back();
      stats_.evictions++;
    }
  }

  // `hash` is absl::HashOf(key), which the index would compute again.
  std::shared_ptr<const void> Lookup(const CacheKey& key, size_t hash) {
    MutexLock l(&mu_);
    auto it = index_.find(key, hash);
    if (it == index_.end()) {
      stats_.misses++;
      return nullptr;
    }
    stats_.hits++;
    it->second->referenced = true;
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

  size_t pinned_usage() {
    MutexLock l(&mu_);
    return pinned_usage_;
  }

  void AddStats(Stats* total) {
    MutexLock l(&mu_);
    total->hits += stats_.hits;
    total->misses += stats_.misses;
    total->inserts += stats_.inserts;
    total->evictions += stats_.evictions;
  }

 private:
  std::list<Entry>& ListFor(Priority p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return p == Priority::kHigh ? high_ : p == Priority::kPinned ? pinned_ : low_;
  }

  void EraseLocked(const CacheKey& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    usage_ -= it->second->charge;
    if (it->second->priority == Priority::kPinned) pinned_usage_ -= it->second->charge;
    ListFor(it->second->priority).erase(it->second);
    index_.erase(it);
  }

  Mutex mu_;
  size_t capacity_ ABSL_GUARDED_BY(mu_);
  size_t usage_ ABSL_GUARDED_BY(mu_) = 0;
  size_t pinned_usage_ ABSL_GUARDED_BY(mu_) = 0;
  std::list<Entry> low_ ABSL_GUARDED_BY(mu_);
  std::list<Entry> high_ ABSL_GUARDED_BY(mu_);
  std::list<Entry> pinned_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<CacheKey, std::list<Entry>::iterator> index_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

BlockCache::BlockCache(size_t capacity_bytes, int num_shard_bits)
    : capacity_(capacity_bytes), shard_bits_(std::clamp(num_shard_bits, 0, 10)) {
  const size_t n = size_t{1} << shard_bits_;
  shards_.reserve(n);
  for (size_t i = 0; i < n; i++)
    shards_.push_back(std::make_unique<Shard>(PerShard(capacity_bytes)));
}

size_t BlockCache::PerShard(size_t capacity) const {
  const size_t n = size_t{1} << shard_bits_;
  return capacity / n + (capacity % n != 0 ? 1 : 0);
}

void BlockCache::SetCapacity(size_t capacity_bytes) {
  capacity_.store(capacity_bytes, std::memory_order_relaxed);
  for (const auto& shard : shards_) shard->SetCapacity(PerShard(capacity_bytes));
}

BlockCache::~BlockCache() = default;

BlockCache::Shard& BlockCache::ShardFor(uint64_t hash) {
  return *shards_[shard_bits_ == 0 ? 0 : hash >> (64 - shard_bits_)];
}

void BlockCache::Insert(const CacheKey& key, std::shared_ptr<const void> value, size_t charge,
                        Priority priority) {
  ShardFor(absl::HashOf(key)).Insert(key, std::move(value), charge, priority);
}

std::shared_ptr<const void> BlockCache::Lookup(const CacheKey& key) {
  const uint64_t hash = absl::HashOf(key);
  return ShardFor(hash).Lookup(key, hash);
}

void BlockCache::Erase(const CacheKey& key) { ShardFor(absl::HashOf(key)).Erase(key); }

size_t BlockCache::usage() const {
  size_t total = 0;
  for (const auto& shard : shards_) total += shard->usage();
  return total;
}

size_t BlockCache::pinned_usage() const {
  size_t total = 0;
  for (const auto& shard : shards_) total += shard->pinned_usage();
  return total;
}

BlockCache::Stats BlockCache::stats() const {
  Stats total;
  for (const auto& shard : shards_) shard->AddStats(&total);
  return total;
}

}  // namespace lsm
