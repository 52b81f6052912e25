// DBImpl: the write path (see db_impl.h).
//
// Writers queue. The writer at the front (the leader) takes the queued batches that fit into
// one group, appends them to the WAL as one record, syncs once if any of them asked for it,
// and then either inserts the group into the memtable itself (a group of one) or has every
// member insert its own batch at the same time (the followers). It publishes the group's
// sequence numbers once all inserts are done, then wakes the members and the next leader.
// Before writing, the leader makes room: it freezes a full memtable (a background thread
// flushes it), and delays or stops while compaction is behind or every write buffer is full.
#include <absl/strings/str_format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>

#include "src/base/write_batch_internal.h"
#include "src/db/db_impl.h"
#include "src/db/memtable_insert.h"
#include "src/util/coding.h"
#include "src/util/killpoint.h"

namespace lsm {
namespace {

// A group grows to at most this many bytes (less when its first batch is small, so a small
// write is not held up behind large ones).
constexpr size_t kMaxGroupBytes = 1 << 20;

// How long a waiting writer spins before it sleeps: first busy (a leader usually hands over
// within a few microseconds, well before a futex sleep and wake-up would), then yielding the
// CPU, which lets the leader run when there are more writers than cores.
constexpr auto kBusySpin = std::chrono::microseconds(10);
constexpr auto kYieldSpin = std::chrono::microseconds(50);

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

// A queued write. `batch` is null for an exclusive action (freezing memtables for a flush,
// creating or dropping a family), run by the writer when it leads.
// Guarded by mu_.
struct DBImpl::Writer {
  explicit Writer(Mutex* mu) : cv(mu) {}
  WriteBatch* batch = nullptr;
  const std::function<Status()>* exclusive = nullptr;
  bool sync = false;
  bool disable_wal = false;
  uint64_t user_bytes = 0;  // keys and values of batch
  bool done = false;
  Status status;
  CondVar cv;
  // Bumped (under mu_) by every Wake, so that a writer can wait for one without the lock.
  std::atomic<uint32_t> wakes{0};
  // Set by the leader of a group once it is logged: this member inserts its own batch into
  // `insert_into` and reports to `leader`, which waits until its pending_inserts reach 0.
  const MemTableSet* insert_into = nullptr;
  Writer* leader = nullptr;
  int pending_inserts = 0;
};

Status DBImpl::Put(const WriteOptions& options, ColumnFamilyHandle* column_family,
                   std::string_view key, std::string_view value) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return s;
  WriteBatch batch;
  batch.Put(column_family, key, value);
  return Write(options, &batch);
}

Status DBImpl::Delete(const WriteOptions& options, ColumnFamilyHandle* column_family,
                      std::string_view key) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return s;
  WriteBatch batch;
  batch.Delete(column_family, key);
  return Write(options, &batch);
}

Status DBImpl::Merge(const WriteOptions& options, ColumnFamilyHandle* column_family,
                     std::string_view key, std::string_view operand) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return s;
  WriteBatch batch;
  batch.Merge(column_family, key, operand);
  return Write(options, &batch);
}

Status DBImpl::DeleteRange(const WriteOptions& options, ColumnFamilyHandle* column_family,
                           std::string_view begin, std::string_view end) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return s;
  WriteBatch batch;
  batch.DeleteRange(column_family, begin, end);
  return Write(options, &batch);
}

Status DBImpl::Write(const WriteOptions& options, WriteBatch* updates) {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  if (read_only_) return ReadOnly();
  if (updates == nullptr) return Status::InvalidArgument("DB::Write: the batch is null");
  Writer w(&mu_);
  absl::InlinedVector<uint32_t, 4> ttl_families;  // the TTL families the batch writes to
  auto rules_of = [&](uint32_t cf, WriteBatchInternal::FamilyRules* rules) {
    const Family* family = cf == 0 ? default_family_ : FindFamily(cf);
    if (family == nullptr) {
      return Status::InvalidArgument(
          absl::StrFormat("column family %u does not exist (dropped?)", cf));
    }
    rules->merges_allowed = family->options.merge_operator != nullptr;
    rules->ttl = family->options.ttl_seconds > 0;
    rules->ucmp = family->options.comparator;
    if (rules->ttl) ttl_families.push_back(cf);
    return Status::OK();
  };
  s = WriteBatchInternal::CheckSizesByFamily(*updates, rules_of, &w.user_bytes);
  if (!s.ok()) return s;
  if (options.sync && options.disable_wal) {
    return Status::InvalidArgument("WriteOptions::sync and disable_wal cannot both be set");
  }
  if (options_.recover_to_last_commit && !options.disable_wal) {
    // Recovery goes back to the last commit, so a logged write would be lost all the same.
    return Status::InvalidArgument(
        "DBOptions::recover_to_last_commit is set: writes must set WriteOptions::disable_wal");
  }
  // The values of a TTL family's Puts carry their write time, in the log too: a copy of the
  // batch holds them so, and the caller's batch stays as it was.
  WriteBatch stamped;
  if (!ttl_families.empty()) {
    char write_time[kWriteTimeSize];
    EncodeFixed64(write_time, NowSeconds());
    s = WriteBatchInternal::AppendWithValueSuffix(
        &stamped, *updates,
        [&](uint32_t cf) {
          return std::find(ttl_families.begin(), ttl_families.end(), cf) != ttl_families.end();
        },
        std::string_view(write_time, sizeof(write_time)));
    if (!s.ok()) return s;
    updates = &stamped;
  }
  w.batch = updates;
  w.sync = options.sync;
  w.disable_wal = options.disable_wal;

  MutexLock l(&mu_);
  if (!AwaitTurn(&w)) return w.status;
  Writer* last_writer = &w;
  s = LeadGroup(&w, &last_writer);
  CompleteGroup(&w, last_writer, s);
  return s;
}

Status DBImpl::RunExclusive(const std::function<Status()>& action) {
  Writer w(&mu_);
  w.exclusive = &action;
  MutexLock l(&mu_);
  if (!AwaitTurn(&w)) return w.status;
  Writer* last_writer = &w;
  Status s = LeadGroup(&w, &last_writer);
  CompleteGroup(&w, last_writer, s);
  return s;
}

bool DBImpl::AwaitTurn(Writer* w) {
  writers_.push_back(w);
  while (!w->done && w != writers_.front()) {
    if (w->insert_into == nullptr) {
      AwaitWake(w);
      continue;
    }
    // The leader logged this writer's group: insert this batch alongside the others.
    const MemTableSet* mems = std::exchange(w->insert_into, nullptr);
    mu_.Unlock();
    Status inserted = InsertInto(*w->batch, *mems, /*concurrent=*/true);
    mu_.Lock();
    if (!inserted.ok() && w->leader->status.ok()) w->leader->status = inserted;
    if (--w->leader->pending_inserts == 0) Wake(w->leader);
  }
  return !w->done;
}

Status DBImpl::LeadGroup(Writer* w, Writer** last_writer) {
  if (shutting_down_) return DatabaseClosed();
  if (w->exclusive != nullptr) return (*w->exclusive)();
  Status s = MakeRoomForWrite({}, false, nullptr, RoomFor(*w->batch));
  if (!s.ok()) return s;
  WriteBatch* group = BuildBatchGroup(last_writer);
  const SequenceNumber first = last_sequence_ + 1;
  WriteBatchInternal::SetSequence(group, first);
  last_sequence_ += group->Count();
  const SequenceNumber last = last_sequence_;
  const MemTableSet* mems = mems_.get();
  log::Writer* log = log_.get();
  // Only the leader touches the log, so it may be used without the lock; the group's members
  // wait in the queue meanwhile.
  const bool alone = group == w->batch;
  mu_.Unlock();
  if (!w->disable_wal) s = LogGroup(log, *group, w->sync);
  if (s.ok() && alone) s = InsertInto(*group, *mems, /*concurrent=*/false);
  mu_.Lock();
  if (s.ok() && !alone) s = InsertGroupInParallel(w, *last_writer, first, mems);
  if (s.ok()) {
    for (auto it = writers_.begin();; ++it) {
      stats_.user_bytes += (*it)->user_bytes;
      if (*it == *last_writer) break;
    }
    if (w->disable_wal) {
      for (Family* f : live_families_) f->mem_has_unlogged = true;
    }
    visible_sequence_.store(last, std::memory_order_release);
  } else {
    // The log may hold part of the group: accept nothing more until Resume.
    SetBackgroundError(s);
  }
  if (group == &group_batch_) group_batch_.Clear();
  return s;
}

Status DBImpl::LogGroup(log::Writer* log, const WriteBatch& group, bool sync) {
  Status s = log->AddRecord(group.Data());
  if (s.ok()) LSM_KILLPOINT("wal.append");
  if (s.ok()) s = sync ? log->Sync() : log->Flush();
  if (s.ok() && sync) LSM_KILLPOINT("wal.sync");
  return s;
}

Status DBImpl::InsertGroupInParallel(Writer* w, Writer* last_writer, SequenceNumber first,
                                     const MemTableSet* mems) {
  SequenceNumber seq = first;
  for (auto it = writers_.begin();; ++it) {
    WriteBatchInternal::SetSequence((*it)->batch, seq);
    seq += (*it)->batch->Count();
    if (*it != w) {
      (*it)->leader = w;
      (*it)->insert_into = mems;
      w->pending_inserts++;
      Wake(*it);
    }
    if (*it == last_writer) break;
  }
  mu_.Unlock();
  Status s = InsertInto(*w->batch, *mems, /*concurrent=*/true);
  mu_.Lock();
  while (w->pending_inserts > 0) AwaitWake(w);
  return s.ok() ? w->status : s;
}

void DBImpl::CompleteGroup(Writer* w, Writer* last_writer, const Status& s) {
  while (true) {
    Writer* ready = writers_.front();
    writers_.pop_front();
    if (ready != w) {
      ready->status = s;
      ready->done = true;
      Wake(ready);
    }
    if (ready == last_writer) break;
  }
  if (writers_.empty()) {
    writers_drained_cv_.SignalAll();
  } else {
    Wake(writers_.front());
  }
}

void DBImpl::Wake(Writer* w) {
  w->wakes.fetch_add(1, std::memory_order_release);
  w->cv.Signal();
}

void DBImpl::AwaitWake(Writer* w) {
  const uint32_t seen = w->wakes.load(std::memory_order_relaxed);
  auto woken = [&] { return w->wakes.load(std::memory_order_acquire) != seen; };
  mu_.Unlock();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 1; !woken(); i++) {
    if (i % 32 == 0) {
      const auto spun = std::chrono::steady_clock::now() - start;
      if (spun > kYieldSpin) break;
      if (spun > kBusySpin) std::this_thread::yield();
    }
    CpuRelax();
  }
  mu_.Lock();
  // Wake runs under mu_: if it has not run by now, the wait below cannot miss it.
  if (!woken()) w->cv.Wait();
}

WriteBatch* DBImpl::BuildBatchGroup(Writer** last_writer) {
  Writer* first = writers_.front();
  WriteBatch* result = first->batch;
  size_t size = first->batch->ApproximateSize();
  const size_t max_size = size <= (128 << 10) ? size + (128 << 10) : kMaxGroupBytes;
  // MakeRoomForWrite made room for the leader's batch; the others join within the room left.
  size_t room = SIZE_MAX;
  if (writers_.size() > 1) {
    for (const Family* f : live_families_) room = std::min(room, f->mem->Room());
  }
  size_t need = RoomFor(*first->batch);
  *last_writer = first;
  for (auto it = writers_.begin() + 1; it != writers_.end(); ++it) {
    Writer* w = *it;
    // A group shares one WAL decision and one sync: stop at a writer that wants a sync the
    // leader will not do, a different WAL choice, or a flush request.
    if (w->batch == nullptr || (w->sync && !first->sync) || w->disable_wal != first->disable_wal) {
      break;
    }
    size += w->batch->ApproximateSize();
    if (size > max_size) break;
    need += RoomFor(*w->batch);
    if (need > room) break;
    if (result == first->batch) {
      result = &group_batch_;
      WriteBatchInternal::Append(result, *first->batch);
    }
    WriteBatchInternal::Append(result, *w->batch);
    *last_writer = w;
  }
  return result;
}

Status DBImpl::MakeRoomForWrite(std::vector<Family*> force, bool atomic, const std::string* commit,
                                size_t room) {
  bool may_delay = true;
  bool asked_budget = false;
  while (true) {
    if (!bg_error_.ok()) return bg_error_;
    if (resuming_) {
      work_done_cv_.Wait();
      continue;
    }
    StallCause cause = kStallLevel0;
    const StallAction action = CheckStall(&cause);
    if (action == StallAction::kWait) {
      Stall(cause);  // compaction is too far behind: wait until it catches up
      continue;
    }
    if (action == StallAction::kDelay && may_delay) {
      // Compaction is falling behind: give it a millisecond, once per write.
      may_delay = false;
      Delay(cause);
      continue;
    }
    // The families to freeze: those asked for that hold anything, and any whose memtable is
    // full.
    std::erase_if(force, [](Family* f) { return f->dropped.load() || f->mem->empty(); });
    std::vector<Family*> freeze = force;
    if (!atomic || force.empty()) {
      size_t total = 0;
      size_t largest_usage = 0;
      Family* largest = nullptr;
      for (Family* f : live_families_) {
        // A memtable below a write buffer size of at most kMaxTreeBuffer has room for a write
        // buffer's worth (MemTable::TreeReservationFor): only a larger batch needs Room()
        // asked. A larger buffer's memtable may run out of room before it is full.
        const size_t buffer = f->options.write_buffer_size;
        const bool short_of_room =
            (room > buffer || buffer > MemTable::kMaxTreeBuffer) && f->mem->Room() < room;
        if (short_of_room && f->mem->empty()) {
          // A batch larger than an empty memtable can take (a B+-tree's reservation): a
          // memtable with room takes its place, nothing to flush.
          f->mem->Unref();
          f->mem = f->NewMemTable(room);
          f->mem->Ref();
          RefreshMemTableSet();
        } else if ((short_of_room || f->mem->BytesInUse() >= buffer) &&
                   std::find(freeze.begin(), freeze.end(), f) == freeze.end()) {
          freeze.push_back(f);
        }
        const size_t usage = f->mem->ApproximateMemoryUsage();
        total += usage;
        if (largest == nullptr || usage > largest_usage) {
          largest = f;
          largest_usage = usage;
        }
      }
      // Over the database's budget: the largest memtable goes, which frees the most.
      if (options_.db_write_buffer_size > 0 && total >= options_.db_write_buffer_size &&
          freeze.empty() && !largest->mem->empty()) {
        freeze.push_back(largest);
      }
      if (freeze.empty()) freeze = FamiliesHoldingOldLogs();
    }
    if (freeze.empty() && ApplyMemoryBudget(&freeze, &asked_budget, &may_delay)) continue;
    // Frozen for a reason of its own (a full memtable, a budget, old logs), not asked for:
    // under atomic_flush every family goes, in one flush request.
    const bool all_at_once = options_.atomic_flush && freeze.size() > force.size();
    if (all_at_once) WidenToEveryFamily(&freeze);
    if (freeze.empty()) {
      if (action == StallAction::kNone) LogStallChange(action, cause);
      // A commit with nothing to write records its metadata all the same.
      if (commit != nullptr) QueueFlush(FlushRequest({}, *commit));
      return Status::OK();
    }
    bool full = false;
    for (Family* f : freeze) {
      full = full || static_cast<int>(f->imms.size()) + 1 >= f->options.max_write_buffer_number;
    }
    if (full) {
      Stall(kStallMemtables);  // every write buffer of a family is full: wait for a flush
      continue;
    }
    const bool forced = atomic && freeze == force;
    Status s = SwitchMemTables(freeze, forced || all_at_once, forced ? commit : nullptr);
    if (!s.ok()) return s;
    if (forced) commit = nullptr;
    force.clear();
  }
}

DBImpl::StallAction DBImpl::CheckStall(StallCause* cause) {
  StallAction worst = StallAction::kNone;
  for (const Family* f : live_families_) {
    // Waiting is for compaction to catch up: there is none to wait for when it is off, and
    // under FIFO level 0 is the whole family, its file count no reason to wait.
    const Options& o = f->options;
    const bool auto_compactions = !f->disable_auto_compactions;
    const int level0 = auto_compactions && o.compaction_style != CompactionStyle::kFIFO
                           ? f->level0_files.load()
                           : 0;
    const uint64_t pending = auto_compactions ? f->pending_compaction_bytes.load() : 0;
    const uint64_t soft = o.soft_pending_compaction_bytes_limit;
    const uint64_t hard = o.hard_pending_compaction_bytes_limit;
    if (level0 >= o.level0_stop_writes_trigger) {
      *cause = kStallLevel0;
      return StallAction::kWait;
    }
    if (hard > 0 && pending >= hard) {
      *cause = kStallPendingBytes;
      return StallAction::kWait;
    }
    if (worst == StallAction::kDelay) continue;
    if (level0 >= o.level0_slowdown_writes_trigger) {
      *cause = kStallLevel0;
      worst = StallAction::kDelay;
    } else if (soft > 0 && pending >= soft) {
      *cause = kStallPendingBytes;
      worst = StallAction::kDelay;
    }
  }
  return worst;
}

bool DBImpl::ApplyMemoryBudget(std::vector<Family*>* freeze, bool* asked, bool* may_delay) {
  // Close flushes what it must whatever the budget says.
  if (budget_ == nullptr || closed_.load()) return false;
  ReportMemory();
  if (budget_freeze_wanted_) {
    budget_freeze_wanted_ = false;
    if (Family* f = LargestFreezable(); f != nullptr) {
      freeze->push_back(f);
      return false;
    }
  }
  const MemoryBudgetImpl::Decision d = budget_->Decide();
  if (d.freeze == budget_member_) {
    if (Family* f = LargestFreezable(); f != nullptr) {
      freeze->push_back(f);
      return false;
    }
  } else if (d.freeze != nullptr && !*asked) {
    // Another database holds the largest memtable: it freezes it itself, taking its own locks,
    // so none of ours may be held meanwhile (this leader still heads the queue: no group of
    // this database runs).
    *asked = true;
    mu_.Unlock();
    budget_->RequestFreeze(d.freeze);
    mu_.Lock();
    return true;
  }
  using Throttle = MemoryBudgetImpl::Decision::Throttle;
  if (d.throttle == Throttle::kWait) {
    // The memtables hold the whole budget: wait until a flush (in any database) ends. One is
    // pending, so the wait ends; a failed flush wakes it too.
    LogStallChange(StallAction::kWait, kStallMemoryBudget);
    stats_.stalls[kStallMemoryBudget]++;
    const auto start = std::chrono::steady_clock::now();
    mu_.Unlock();
    budget_->WaitForChange(d.generation, std::chrono::milliseconds(100));
    mu_.Lock();
    stats_.stall_micros += std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
    return true;
  }
  if (d.throttle == Throttle::kDelay && *may_delay) {
    // Over the memtables' share: give the flushes a millisecond, once per write.
    *may_delay = false;
    Delay(kStallMemoryBudget);
    return true;
  }
  return false;
}

MemoryBudgetImpl::Figures DBImpl::MemoryFigures() {
  MemoryBudgetImpl::Figures figures;
  const bool can_flush = opened_ && !read_only_ && !shutting_down_ && bg_error_.ok();
  for (const Family* f : live_families_) {
    if (f->mem == nullptr) continue;
    figures.active += f->mem->ApproximateMemoryUsage();
    for (const Immutable& imm : f->imms) figures.frozen += imm.mem->ApproximateMemoryUsage();
  }
  if (can_flush) {
    if (const Family* f = LargestFreezable(); f != nullptr) {
      figures.largest_freezable = f->mem->ApproximateMemoryUsage();
    }
    figures.flush_pending = !flush_queue_.empty();
  }
  return figures;
}

void DBImpl::ReportMemory(bool notify) {
  if (budget_ == nullptr || budget_member_ == nullptr || budget_detached_.load()) return;
  budget_->Report(budget_member_.get(), MemoryFigures());
  if (notify) budget_->Notify();
}

DBImpl::Family* DBImpl::LargestFreezable() {
  Family* largest = nullptr;
  size_t largest_usage = 0;
  for (Family* f : live_families_) {
    if (f->mem == nullptr || f->mem->empty() ||
        static_cast<int>(f->imms.size()) + 1 >= f->options.max_write_buffer_number) {
      continue;
    }
    const size_t usage = f->mem->ApproximateMemoryUsage();
    if (largest == nullptr || usage > largest_usage) {
      largest = f;
      largest_usage = usage;
    }
  }
  return largest;
}

void DBImpl::FreezeForBudget() {
  MutexLock l(&mu_);
  if (!opened_ || read_only_ || closed_.load() || shutting_down_ || resuming_ || !bg_error_.ok()) {
    return;
  }
  if (!writers_.empty()) {
    // A group is under way, and may be inserting: its leader, or the next one, freezes.
    budget_freeze_wanted_ = true;
    return;
  }
  // No write is under way, and none starts while mu_ is held: the memtables may be switched.
  Family* f = LargestFreezable();
  if (f == nullptr) return;
  std::vector<Family*> freeze = {f};
  if (options_.atomic_flush) WidenToEveryFamily(&freeze);
  (void)SwitchMemTables(freeze, options_.atomic_flush, /*commit=*/nullptr);
}

void DBImpl::WidenToEveryFamily(std::vector<Family*>* freeze) {
  for (Family* f : live_families_) {
    if (!f->mem->empty() && std::find(freeze->begin(), freeze->end(), f) == freeze->end()) {
      freeze->push_back(f);
    }
  }
}

void DBImpl::DetachFromBudget() {
  if (budget_ == nullptr || budget_member_ == nullptr || budget_detached_.exchange(true)) return;
  budget_->Detach(budget_member_.get());
}

void DBImpl::LogStallChange(StallAction action, StallCause cause) {
  if (action == stall_state_.first &&
      (action == StallAction::kNone || cause == stall_state_.second)) {
    return;
  }
  static constexpr const char* kWhy[kNumStallCauses] = {
      "every write buffer is full", "too many level-0 tables", "too many pending compaction bytes",
      "the memtables are over the memory budget's share"};
  if (action == StallAction::kWait) {
    info_log_.Warn("write stall: writes wait: %s", kWhy[cause]);
  } else if (action == StallAction::kDelay) {
    info_log_.Warn("write stall: writes are delayed: %s", kWhy[cause]);
  } else {
    info_log_.Info("write stall over");
  }
  stall_state_ = {action, cause};
}

void DBImpl::Delay(StallCause cause) {
  LogStallChange(StallAction::kDelay, cause);
  stats_.slowdowns[cause]++;
  stats_.stall_micros += 1000;
  mu_.Unlock();
  std::this_thread::sleep_for(std::chrono::milliseconds(1));
  mu_.Lock();
}

void DBImpl::Stall(StallCause cause) {
  LogStallChange(StallAction::kWait, cause);
  stats_.stalls[cause]++;
  const auto start = std::chrono::steady_clock::now();
  work_done_cv_.Wait();
  stats_.stall_micros += std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
}

Status DBImpl::SwitchMemTables(const std::vector<Family*>& families, bool atomic,
                               const std::string* commit) {
  // The memtables' log is synced first, so that no later (synced) write in the new log can
  // survive a power cut that loses an earlier one.
  Status s = log_->Sync();
  if (s.ok()) s = log_->Close();
  if (s.ok()) LogClosed();
  if (!s.ok()) {
    SetBackgroundError(s);
    return s;
  }
  std::unique_ptr<log::Writer> new_log;
  uint64_t new_number;
  s = NewLog(&new_log, &new_number);
  if (!s.ok()) {
    // The old log is closed: writes cannot go on until a new one exists.
    log_.reset();
    SetBackgroundError(s);
    return s;
  }
  FreezeMemTables(families, atomic, std::move(new_log), new_number, commit);
  return Status::OK();
}

void DBImpl::FreezeMemTables(const std::vector<Family*>& families, bool atomic,
                             std::unique_ptr<log::Writer> new_log, uint64_t new_number,
                             const std::string* commit) {
  for (Family* f : families) {
    f->imms.push_back(Immutable{f->mem, log_number_, new_number, f->mem_has_unlogged});
    f->mem = f->NewMemTable();
    f->mem->Ref();
    f->mem_has_unlogged = false;
    if (!atomic) QueueFlush(FlushRequest({f}));
  }
  if (atomic && !families.empty()) {
    QueueFlush(FlushRequest(families, commit != nullptr ? std::optional(*commit) : std::nullopt));
  }
  log_ = std::move(new_log);
  log_number_ = new_number;
  RefreshMemTableSet();
  ReportMemory();
}

void DBImpl::QueueFlush(FlushRequest request) {
  if (request.commit_metadata) request.commit = ++commits_requested_;
  flush_queue_.push_back(std::move(request));
  flush_work_cv_.Signal();
}

void DBImpl::LogClosed() {
  const uint64_t bytes = log_->file_size();
  closed_logs_[log_number_] = bytes;
  closed_log_bytes_ += bytes;
}

std::vector<DBImpl::Family*> DBImpl::FamiliesHoldingOldLogs() {
  if (closed_logs_.empty()) return {};  // a flush would not free the current log
  uint64_t limit = options_.max_total_wal_size;
  if (limit == 0) {
    for (const Family* f : live_families_) {
      limit += 4 * f->options.write_buffer_size *
               static_cast<uint64_t>(f->options.max_write_buffer_number);
    }
  }
  if (closed_log_bytes_ + log_->file_size() <= limit) return {};
  // The families whose log number is the oldest still needed and that have no frozen
  // memtable on its way to a table already. One whose memtable is empty is frozen too: its
  // flush writes no table but moves its log number.
  const uint64_t oldest = versions_->MinLogNumber();
  std::vector<Family*> holding;
  for (Family* f : live_families_) {
    if (f->imms.empty() && versions_->log_number(f->id) <= oldest) holding.push_back(f);
  }
  return holding;
}

void DBImpl::RefreshMemTableSet() {
  auto mems = std::make_unique<MemTableSet>();
  for (Family* f : live_families_) mems->Add(f->id, f->mem);
  mems_ = std::move(mems);
}

}  // namespace lsm
