// MemoryBudgetImpl: the lsm::MemoryBudget behind MemoryBudget::Create (include/lsm/
// memory_budget.h), and the side of it that databases use.
//
//   auto budget = std::static_pointer_cast<MemoryBudgetImpl>(options.memory_budget);
//   std::shared_ptr<MemoryBudgetImpl::Member> member;
//   Status s = budget->Attach("/db", families, [db] { db->FreezeForBudget(); }, &member);
//   budget->Report(member.get(), figures);           // under the database's mutex
//   MemoryBudgetImpl::Decision d = budget->Decide();
//   ...
//   budget->Detach(member.get());                    // at Close, no database lock held
//
// Each database attached is a Member. A database reports its memtable figures (Report) as they
// change: every write group, every freeze, flush, drop and error. From the sum the budget sizes
// the shared block cache (the limit less the memtables, changed in steps of at least
// kCapacityStep bytes) and answers what a write group should do (Decide): freeze the largest
// active memtable (in this database, or asking its own database through RequestFreeze), be
// delayed, or wait until a flush somewhere ends (WaitForChange, woken by Notify). The rules
// are in docs/design.md ("Memory budget").
//
// Lock order: a Member's call_mu, then a database's mu_, then mu_ here, then the block
// cache's shards. The budget never calls into a database while holding mu_; RequestFreeze
// calls a database's callback with only that member's call_mu held, and Detach takes call_mu,
// so once Detach returns no callback runs or will run.
//
// Thread-safety: every method may be called from many threads at once.
#ifndef LSM_DB_MEMORY_BUDGET_H_
#define LSM_DB_MEMORY_BUDGET_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lsm/memory_budget.h"
#include "lsm/status.h"
#include "src/sstable/block_cache.h"
#include "src/util/mutex.h"

namespace lsm {

class MemoryBudgetImpl final : public MemoryBudget {
 public:
  // The memtable bytes a column family needs at least: the smallest write_buffer_size.
  static constexpr size_t kMinFamilyBytes = 64 << 10;

  // What a database's memtables hold now.
  struct Figures {
    size_t active = 0;  // active memtables of the live families
    size_t frozen = 0;  // frozen memtables not yet flushed
    // The largest active memtable that could be frozen now (its family has room for another
    // frozen memtable); 0 if none, or if the database cannot flush (error state, closing,
    // read-only).
    size_t largest_freezable = 0;
    // Frozen memtables that the flush thread will write: a flush that will end and Notify.
    bool flush_pending = false;
  };

  // One attached database.
  class Member {
   public:
    const std::string& name() const { return name_; }
    int families() const { return families_.load(std::memory_order_relaxed); }
    size_t active() const { return active_.load(std::memory_order_relaxed); }
    size_t frozen() const { return frozen_.load(std::memory_order_relaxed); }

   private:
    friend class MemoryBudgetImpl;
    Member(std::string name, int families, std::function<void()> freeze)
        : name_(std::move(name)), families_(families), freeze_(std::move(freeze)) {}

    const std::string name_;
    std::atomic<int> families_;
    std::atomic<size_t> active_{0};
    std::atomic<size_t> frozen_{0};
    std::atomic<size_t> largest_freezable_{0};
    std::atomic<bool> flush_pending_{false};
    // Held while the database's freeze callback runs, and by Detach.
    Mutex call_mu_;
    bool attached_ ABSL_GUARDED_BY(call_mu_) = true;
    const std::function<void()> freeze_;
  };

  // What a write group does about the budget (Decide).
  struct Decision {
    // Freeze the largest active memtable of `freeze`: the asking database's own, or another's
    // (RequestFreeze). Null: nothing to freeze.
    std::shared_ptr<Member> freeze;
    // Then: be delayed once (the memtables are over their share), or wait for a flush to end
    // (they hold the whole budget; only when a flush is pending, so that the wait ends).
    enum class Throttle { kNone, kDelay, kWait } throttle = Throttle::kNone;
    // Notify count when decided: WaitForChange returns once it moves.
    uint64_t generation = 0;
  };

  // A memtable_limit over the limit is taken; DB::Open refuses such a budget.
  MemoryBudgetImpl(size_t limit, size_t memtable_limit);
  ~MemoryBudgetImpl() override;

  size_t usage() const override;
  Usage breakdown() const override;

  // The block cache every attached database uses.
  BlockCache* block_cache() { return &cache_; }

  // Attaches a database (`name` for lsm.memory) with `families` column families.
  // InvalidArgument, naming the budget and the bytes needed, unless memtable_limit() <= limit()
  // and the memtable share holds kMinFamilyBytes for every family attached and `families`
  // more. `freeze` is called (with no lock of the budget or of any other database held) to ask
  // the database to freeze its largest active memtable.
  Status Attach(const std::string& name, int families, std::function<void()> freeze,
                std::shared_ptr<Member>* member);
  // Detaches a database: its memtables are no longer counted and waiting writers look again.
  // Waits for a freeze callback under way. REQUIRES: no lock of that database held.
  void Detach(Member* member);
  // Counts `n` more families for `member` (fewer when negative); with n > 0, InvalidArgument
  // as Attach when they do not fit.
  Status AddFamilies(Member* member, int n);

  // The database's figures now; resizes the block cache when the memtables moved enough.
  void Report(Member* member, const Figures& figures);
  // What a write group should do now.
  Decision Decide();
  // Asks `target`'s database to freeze its largest memtable. REQUIRES: no database lock held.
  void RequestFreeze(const std::shared_ptr<Member>& target);
  // Memory was freed, a flush ended or failed, or a database left: waiting writers look again.
  void Notify();
  // Returns once Notify was called after `generation` was decided, or after `timeout`.
  void WaitForChange(uint64_t generation, std::chrono::milliseconds timeout);

  // The attached databases, for lsm.memory.
  std::vector<std::shared_ptr<const Member>> Members() const;

  // Steps in which the block cache's capacity follows the memtables: a change smaller than this
  // (or than a 256th of the limit, at least 4 KiB, when that is less) leaves it as it is.
  static constexpr size_t kCapacityStep = 1 << 20;

 private:
  // The check of Attach and AddFamilies.
  Status CheckRoomLocked(int families) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sets the block cache's capacity to the limit less the memtables, if that moved by a step
  // (or `force`).
  void ResizeCache(bool force);

  BlockCache cache_;
  // Active and frozen memtables of every member, and the active ones alone.
  std::atomic<size_t> memtables_{0};
  std::atomic<size_t> active_{0};

  mutable Mutex mu_;
  CondVar changed_cv_{&mu_};
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::shared_ptr<Member>> members_ ABSL_GUARDED_BY(mu_);
};

}  // namespace lsm

#endif  // LSM_DB_MEMORY_BUDGET_H_
