// DBImpl: the write path (see db_impl.h).
//
// Writers queue. The writer at the front (the leader) takes the queued batches that fit into
// one group, appends them to the WAL as one record, syncs once if any of them asked for it,
// and then either inserts the group into the memtable itself (a group of one) or has every
// member insert its own batch at the same time (the followers). It publishes the group's
// sequence numbers once all inserts are done, then wakes the members and the next leader.
// Before writing, the leader makes room: it freezes a full memtable (a background thread
// flushes it), and delays or stops while compaction is behind or every write buffer is full.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>

#include "src/base/write_batch_internal.h"
#include "src/db/db_impl.h"
#include "src/db/memtable_insert.h"
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

// A queued write. `batch` is null for a request to freeze the memtable (Flush).
// Guarded by mu_.
struct DBImpl::Writer {
  explicit Writer(Mutex* mu) : cv(mu) {}
  WriteBatch* batch = nullptr;
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
  MemTable* insert_into = nullptr;
  Writer* leader = nullptr;
  int pending_inserts = 0;
};

Status DBImpl::Put(const WriteOptions& options, std::string_view key, std::string_view value) {
  WriteBatch batch;
  batch.Put(key, value);
  return Write(options, &batch);
}

Status DBImpl::Delete(const WriteOptions& options, std::string_view key) {
  WriteBatch batch;
  batch.Delete(key);
  return Write(options, &batch);
}

Status DBImpl::Merge(const WriteOptions& options, std::string_view key, std::string_view operand) {
  WriteBatch batch;
  batch.Merge(key, operand);
  return Write(options, &batch);
}

Status DBImpl::DeleteRange(const WriteOptions& options, std::string_view begin,
                           std::string_view end) {
  WriteBatch batch;
  batch.DeleteRange(begin, end);
  return Write(options, &batch);
}

Status DBImpl::Write(const WriteOptions& options, WriteBatch* updates) {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  if (read_only_) return ReadOnly();
  Writer w(&mu_);
  if (updates != nullptr) {
    s = WriteBatchInternal::CheckSizes(*updates, options_.merge_operator != nullptr,
                                       options_.comparator, &w.user_bytes);
    if (!s.ok()) return s;
    if (options.sync && options.disable_wal) {
      return Status::InvalidArgument("WriteOptions::sync and disable_wal cannot both be set");
    }
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

bool DBImpl::AwaitTurn(Writer* w) {
  writers_.push_back(w);
  while (!w->done && w != writers_.front()) {
    if (w->insert_into == nullptr) {
      AwaitWake(w);
      continue;
    }
    // The leader logged this writer's group: insert this batch alongside the others.
    MemTable* mem = std::exchange(w->insert_into, nullptr);
    mu_.Unlock();
    Status inserted = InsertInto(*w->batch, mem, /*concurrent=*/true);
    mu_.Lock();
    if (!inserted.ok() && w->leader->status.ok()) w->leader->status = inserted;
    if (--w->leader->pending_inserts == 0) Wake(w->leader);
  }
  return !w->done;
}

Status DBImpl::LeadGroup(Writer* w, Writer** last_writer) {
  Status s = shutting_down_ ? DatabaseClosed() : MakeRoomForWrite(w->batch == nullptr);
  if (!s.ok() || w->batch == nullptr) return s;
  WriteBatch* group = BuildBatchGroup(last_writer);
  const SequenceNumber first = last_sequence_ + 1;
  WriteBatchInternal::SetSequence(group, first);
  last_sequence_ += group->Count();
  const SequenceNumber last = last_sequence_;
  MemTable* mem = mem_;
  log::Writer* log = log_.get();
  // Only the leader touches the log, so it may be used without the lock; the group's members
  // wait in the queue meanwhile.
  const bool alone = group == w->batch;
  mu_.Unlock();
  if (!w->disable_wal) s = LogGroup(log, *group, w->sync);
  if (s.ok() && alone) s = InsertInto(*group, mem, /*concurrent=*/false);
  mu_.Lock();
  if (s.ok() && !alone) s = InsertGroupInParallel(w, *last_writer, first, mem);
  if (s.ok()) {
    for (auto it = writers_.begin();; ++it) {
      stats_.user_bytes += (*it)->user_bytes;
      if (*it == *last_writer) break;
    }
    if (w->disable_wal) mem_has_unlogged_ = true;
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
                                     MemTable* mem) {
  SequenceNumber seq = first;
  for (auto it = writers_.begin();; ++it) {
    WriteBatchInternal::SetSequence((*it)->batch, seq);
    seq += (*it)->batch->Count();
    if (*it != w) {
      (*it)->leader = w;
      (*it)->insert_into = mem;
      w->pending_inserts++;
      Wake(*it);
    }
    if (*it == last_writer) break;
  }
  mu_.Unlock();
  Status s = InsertInto(*w->batch, mem, /*concurrent=*/true);
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
    if (result == first->batch) {
      result = &group_batch_;
      WriteBatchInternal::Append(result, *first->batch);
    }
    WriteBatchInternal::Append(result, *w->batch);
    *last_writer = w;
  }
  return result;
}

Status DBImpl::MakeRoomForWrite(bool force) {
  bool may_delay = true;
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
      LogStallChange(action, cause);
      stats_.slowdowns[cause]++;
      stats_.stall_micros += 1000;
      mu_.Unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      mu_.Lock();
      continue;
    }
    const bool room = force ? mem_->num_entries() == 0 && mem_->num_range_deletions() == 0
                            : mem_->ApproximateMemoryUsage() < options_.write_buffer_size;
    if (room) {
      if (action == StallAction::kNone) LogStallChange(action, cause);
      return Status::OK();
    }
    if (static_cast<int>(imms_.size()) + 1 >= options_.max_write_buffer_number) {
      Stall(kStallMemtables);  // every write buffer is full: wait for a flush
      continue;
    }
    Status s = SwitchMemTable();
    if (!s.ok()) return s;
    force = false;
  }
}

DBImpl::StallAction DBImpl::CheckStall(StallCause* cause) {
  // Waiting is for compaction to catch up: there is none to wait for when it is off, and
  // under FIFO level 0 is the whole database, its file count no reason to wait.
  const bool auto_compactions = !disable_auto_compactions_;
  const int level0 = auto_compactions && options_.compaction_style != CompactionStyle::kFIFO
                         ? level0_files_.load()
                         : 0;
  const uint64_t pending = auto_compactions ? pending_compaction_bytes_.load() : 0;
  const uint64_t soft = options_.soft_pending_compaction_bytes_limit;
  const uint64_t hard = options_.hard_pending_compaction_bytes_limit;
  if (level0 >= options_.level0_stop_writes_trigger) {
    *cause = kStallLevel0;
    return StallAction::kWait;
  }
  if (hard > 0 && pending >= hard) {
    *cause = kStallPendingBytes;
    return StallAction::kWait;
  }
  if (level0 >= options_.level0_slowdown_writes_trigger) {
    *cause = kStallLevel0;
    return StallAction::kDelay;
  }
  if (soft > 0 && pending >= soft) {
    *cause = kStallPendingBytes;
    return StallAction::kDelay;
  }
  return StallAction::kNone;
}

void DBImpl::LogStallChange(StallAction action, StallCause cause) {
  if (action == stall_state_.first &&
      (action == StallAction::kNone || cause == stall_state_.second)) {
    return;
  }
  static constexpr const char* kWhy[kNumStallCauses] = {
      "every write buffer is full", "too many level-0 tables", "too many pending compaction bytes"};
  if (action == StallAction::kWait) {
    info_log_.Warn("write stall: writes wait: %s", kWhy[cause]);
  } else if (action == StallAction::kDelay) {
    info_log_.Warn("write stall: writes are delayed: %s", kWhy[cause]);
  } else {
    info_log_.Info("write stall over");
  }
  stall_state_ = {action, cause};
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

Status DBImpl::SwitchMemTable() {
  // The memtable's log is synced first, so that no later (synced) write in the new log can
  // survive a power cut that loses an earlier one.
  Status s = log_->Sync();
  if (s.ok()) s = log_->Close();
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
  FreezeMemTable(std::move(new_log), new_number);
  return Status::OK();
}

void DBImpl::FreezeMemTable(std::unique_ptr<log::Writer> new_log, uint64_t new_number) {
  imms_.push_back(Immutable{mem_, log_number_, mem_has_unlogged_});
  log_ = std::move(new_log);
  log_number_ = new_number;
  mem_ = NewMemTable();
  mem_->Ref();
  mem_has_unlogged_ = false;
  flush_work_cv_.Signal();
}

}  // namespace lsm
