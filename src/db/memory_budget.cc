#include "src/db/memory_budget.h"

#include <absl/strings/str_format.h>

#include <algorithm>
#include <utility>

namespace lsm {

std::shared_ptr<MemoryBudget> MemoryBudget::Create(size_t bytes) {
  return Create(bytes, bytes / 2);
}

std::shared_ptr<MemoryBudget> MemoryBudget::Create(size_t bytes, size_t memtable_bytes) {
  return std::make_shared<MemoryBudgetImpl>(bytes, memtable_bytes);
}

MemoryBudgetImpl::MemoryBudgetImpl(size_t limit, size_t memtable_limit)
    : MemoryBudget(limit, memtable_limit), cache_(limit) {}

MemoryBudgetImpl::~MemoryBudgetImpl() = default;

size_t MemoryBudgetImpl::usage() const {
  return memtables_.load(std::memory_order_relaxed) + cache_.usage();
}

MemoryBudget::Usage MemoryBudgetImpl::breakdown() const {
  Usage u;
  u.memtables = memtables_.load(std::memory_order_relaxed);
  u.block_cache = cache_.usage();
  u.pinned = cache_.pinned_usage();
  u.block_cache_capacity = cache_.capacity();
  MutexLock l(&mu_);
  u.databases = static_cast<int>(members_.size());
  for (const auto& m : members_) u.column_families += m->families();
  return u;
}

Status MemoryBudgetImpl::CheckRoomLocked(int families) const {
  if (memtable_limit() > limit()) {
    return Status::InvalidArgument(absl::StrFormat(
        "DBOptions::memory_budget: its memtable share (%u bytes) is larger than the budget (%u "
        "bytes)",
        memtable_limit(), limit()));
  }
  int attached = 0;
  for (const auto& m : members_) attached += m->families();
  const int total = attached + families;
  const size_t needed = static_cast<size_t>(total) * kMinFamilyBytes;
  if (memtable_limit() < needed) {
    return Status::InvalidArgument(absl::StrFormat(
        "DBOptions::memory_budget of %u bytes is too small: its memtable share of %u bytes must "
        "hold a memtable of %u bytes (the smallest write buffer) for each of %d column families "
        "(%d attached in %d databases, %d more), %u bytes",
        limit(), memtable_limit(), kMinFamilyBytes, total, attached, members_.size(), families,
        needed));
  }
  return Status::OK();
}

Status MemoryBudgetImpl::Attach(const std::string& name, int families, std::function<void()> freeze,
                                std::shared_ptr<Member>* member) {
  // Checked and attached in one step, so that two databases opening at once cannot both fit
  // where only one does.
  MutexLock l(&mu_);
  Status s = CheckRoomLocked(families);
  if (!s.ok()) return s;
  member->reset(new Member(name, families, std::move(freeze)));
  members_.push_back(*member);
  return Status::OK();
}

void MemoryBudgetImpl::Detach(Member* member) {
  {
    MutexLock c(&member->call_mu_);
    member->attached_ = false;
  }
  {
    MutexLock l(&mu_);
    std::erase_if(members_,
                  [member](const std::shared_ptr<Member>& m) { return m.get() == member; });
  }
  Report(member, Figures());
  member->families_.store(0);
  ResizeCache(/*force=*/true);
  Notify();
}

Status MemoryBudgetImpl::AddFamilies(Member* member, int n) {
  MutexLock l(&mu_);
  if (n > 0) {
    Status s = CheckRoomLocked(n);
    if (!s.ok()) return s;
  }
  member->families_.fetch_add(n);
  return Status::OK();
}

void MemoryBudgetImpl::Report(Member* member, const Figures& figures) {
  const size_t old_active = member->active_.exchange(figures.active, std::memory_order_relaxed);
  const size_t old_frozen = member->frozen_.exchange(figures.frozen, std::memory_order_relaxed);
  // Unsigned arithmetic wraps: adding the difference works whichever way it goes.
  active_.fetch_add(figures.active - old_active, std::memory_order_relaxed);
  memtables_.fetch_add((figures.active + figures.frozen) - (old_active + old_frozen),
                       std::memory_order_relaxed);
  member->largest_freezable_.store(figures.largest_freezable, std::memory_order_relaxed);
  member->flush_pending_.store(figures.flush_pending, std::memory_order_relaxed);
  ResizeCache(/*force=*/false);
}

void MemoryBudgetImpl::ResizeCache(bool force) {
  const size_t step = std::min(kCapacityStep, std::max<size_t>(limit() / 256, 4096));
  auto target = [this] {
    const size_t m = memtables_.load(std::memory_order_relaxed);
    return limit() > m ? limit() - m : 0;
  };
  const size_t now = cache_.capacity();
  const size_t want = target();
  if (!force && (want > now ? want - now : now - want) < step) return;
  MutexLock l(&mu_);
  cache_.SetCapacity(target());
}

MemoryBudgetImpl::Decision MemoryBudgetImpl::Decide() {
  const size_t share = memtable_limit();
  auto over = [share](size_t memtables, size_t active, bool* freeze) {
    // RocksDB's WriteBufferManager rule: the active memtables alone near the share, or all of
    // them at it while the active ones hold at least half (otherwise the frozen ones, on their
    // way to tables, are most of it and freezing more would only make small tables).
    *freeze = active >= share - share / 8 || (memtables >= share && active >= share / 2);
    return *freeze || memtables >= share;
  };
  bool freeze = false;
  if (!over(memtables_.load(std::memory_order_relaxed), active_.load(std::memory_order_relaxed),
            &freeze)) {
    return Decision();
  }
  Decision d;
  MutexLock l(&mu_);
  // Read after the generation: a flush that frees memory after this sees its Notify wake the
  // writer that decides to wait.
  d.generation = generation_;
  const size_t memtables = memtables_.load(std::memory_order_relaxed);
  if (!over(memtables, active_.load(std::memory_order_relaxed), &freeze)) return Decision();
  if (freeze) {
    size_t largest = 0;
    for (const auto& m : members_) {
      const size_t size = m->largest_freezable_.load(std::memory_order_relaxed);
      if (size > largest) {
        largest = size;
        d.freeze = m;
      }
    }
  }
  if (memtables >= share) {
    // The memtables may take the whole budget but what pinned index and filter blocks hold,
    // and always their share.
    const size_t pinned = cache_.pinned_usage();
    const size_t hard = std::max(share, limit() > pinned ? limit() - pinned : 0);
    bool pending = false;
    for (const auto& m : members_) pending = pending || m->flush_pending_.load();
    d.throttle =
        memtables >= hard && pending ? Decision::Throttle::kWait : Decision::Throttle::kDelay;
  }
  return d;
}

void MemoryBudgetImpl::RequestFreeze(const std::shared_ptr<Member>& target) {
  MutexLock c(&target->call_mu_);
  if (target->attached_) target->freeze_();
}

void MemoryBudgetImpl::Notify() {
  MutexLock l(&mu_);
  generation_++;
  changed_cv_.SignalAll();
}

void MemoryBudgetImpl::WaitForChange(uint64_t generation, std::chrono::milliseconds timeout) {
  MutexLock l(&mu_);
  if (generation_ == generation) (void)changed_cv_.WaitFor(timeout);
}

std::vector<std::shared_ptr<const MemoryBudgetImpl::Member>> MemoryBudgetImpl::Members() const {
  MutexLock l(&mu_);
  return {members_.begin(), members_.end()};
}

}  // namespace lsm
