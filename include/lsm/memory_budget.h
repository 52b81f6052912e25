// lsm::MemoryBudget: one limit on the memory that several column families and databases use
// together, shared through DBOptions::memory_budget.
//
//   lsm::DBOptions dbo;
//   dbo.create_if_missing = true;
//   dbo.memory_budget = lsm::MemoryBudget::Create(256 << 20);   // 256 MiB for all of them
//   lsm::Status s = lsm::DB::Open(dbo, "/db/a", descriptors_a, &handles_a, &a);
//   s = lsm::DB::Open(dbo, "/db/b", descriptors_b, &handles_b, &b);
//   lsm::MemoryBudget::Usage u = dbo.memory_budget->breakdown();
//
// What it charges: the memtables (active and frozen) of every column family of every database
// opened with it, and one block cache that those databases share, which holds their data
// blocks and the index and filter blocks their open tables pin. The block cache's capacity is
// the limit less what the memtables hold at the moment, so growing memtables evict cached
// blocks. When the memtables reach their share (memtable_limit()), the largest active memtable
// of all the databases is frozen and flushed; writers are delayed while the memtables are over
// their share and wait while they hold the whole limit (less the pinned index and filter
// blocks) until a flush frees memory. docs/design.md ("Memory budget") has the rules and the
// memory the process uses beyond the budget.
//
// A database keeps its budget alive (a shared_ptr in its options); a budget outlives the
// databases that used it, and one closed leaves the others its share.
//
// Thread-safety: every method may be called from many threads at once.
#ifndef LSM_MEMORY_BUDGET_H_
#define LSM_MEMORY_BUDGET_H_

#include <cstddef>
#include <memory>

namespace lsm {

class MemoryBudgetImpl;

class MemoryBudget {
 public:
  // Where the memory of the budget is now, in bytes.
  struct Usage {
    // Active and frozen memtables of every database attached.
    size_t memtables = 0;
    // Entries of the shared block cache: data blocks, and the index and filter blocks that
    // open tables pin (never evicted while their table is open).
    size_t block_cache = 0;
    // Of block_cache: the pinned index and filter blocks.
    size_t pinned = 0;
    // The block cache's capacity now: the limit less the memtables.
    size_t block_cache_capacity = 0;
    // Databases and column families attached (open with this budget).
    int databases = 0;
    int column_families = 0;

    size_t total() const { return memtables + block_cache; }
  };

  // A budget of `bytes` in all, half of it the memtables' share (as a RocksDB
  // WriteBufferManager charging its memtables to a shared cache is commonly set up).
  static std::shared_ptr<MemoryBudget> Create(size_t bytes);
  // A budget of `bytes` in all, `memtable_bytes` of it the memtables' share. DB::Open refuses
  // (InvalidArgument) a share larger than the budget.
  static std::shared_ptr<MemoryBudget> Create(size_t bytes, size_t memtable_bytes);

  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;
  virtual ~MemoryBudget() = default;

  // Bytes of the whole budget.
  size_t limit() const { return limit_; }
  // Bytes of memtables at which the largest is flushed.
  size_t memtable_limit() const { return memtable_limit_; }
  // Bytes charged now: breakdown().total().
  virtual size_t usage() const = 0;
  virtual Usage breakdown() const = 0;

 private:
  friend class MemoryBudgetImpl;  // the one implementation, made by Create
  MemoryBudget(size_t limit, size_t memtable_limit)
      : limit_(limit), memtable_limit_(memtable_limit) {}

  const size_t limit_;
  const size_t memtable_limit_;
};

}  // namespace lsm

#endif  // LSM_MEMORY_BUDGET_H_
