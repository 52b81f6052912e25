#include "src/db/db_impl.h"

#include <absl/strings/str_format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "lsm/comparator.h"
#include "src/base/filename.h"
#include "src/base/merging_iterator.h"
#include "src/base/write_batch_internal.h"
#include "src/db/db_iter.h"
#include "src/db/options_validation.h"
#include "src/util/killpoint.h"
#include "src/wal/log_reader.h"

namespace lsm {
namespace {

// A group grows to at most this many bytes (less when its first batch is small, so a small
// write is not held up behind large ones).
constexpr size_t kMaxGroupBytes = 1 << 20;

// Inserts a batch's records into a memtable, numbering them from the batch's sequence.
// `concurrent` when other threads insert into the same memtable at the same time.
class MemTableInserter final : public WriteBatch::Handler {
 public:
  MemTableInserter(SequenceNumber seq, MemTable* mem, bool concurrent)
      : seq_(seq), mem_(mem), concurrent_(concurrent) {}
  Status Put(std::string_view key, std::string_view value) override {
    Add(ValueType::kValue, key, value);
    return Status::OK();
  }
  Status Delete(std::string_view key) override {
    Add(ValueType::kDeletion, key, {});
    deletions_++;
    return Status::OK();
  }

  // Reports the entries added so far to the memtable's counts.
  void Finish() { mem_->CountAdded(entries_, deletions_); }

 private:
  void Add(ValueType type, std::string_view key, std::string_view value) {
    if (concurrent_) {
      mem_->Add(seq_++, type, key, value);
    } else {
      mem_->AddSingleWriter(seq_++, type, key, value);
    }
    entries_++;
  }

  SequenceNumber seq_;
  uint64_t entries_ = 0;
  uint64_t deletions_ = 0;
  MemTable* const mem_;
  const bool concurrent_;
};

uint64_t UnixSeconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

Status InsertInto(const WriteBatch& batch, MemTable* mem, bool concurrent) {
  MemTableInserter inserter(WriteBatchInternal::Sequence(batch), mem, concurrent);
  Status s = batch.Iterate(&inserter);
  inserter.Finish();
  return s;
}

Status Closed() { return Status::InvalidArgument("database closed"); }

}  // namespace

// A queued write. `batch` is null for a request to freeze the memtable (Flush).
// Guarded by mu_ except where a comment says otherwise.
struct DBImpl::Writer {
  explicit Writer(Mutex* mu) : cv(mu) {}
  WriteBatch* batch = nullptr;
  bool sync = false;
  bool disable_wal = false;
  uint64_t user_bytes = 0;  // keys and values of batch
  bool done = false;
  Status status;
  CondVar cv;
  // Set by the leader of a group once it is logged: this member inserts its own batch into
  // `insert_into` and reports to `leader`, which waits until its pending_inserts reach 0.
  MemTable* insert_into = nullptr;
  Writer* leader = nullptr;
  int pending_inserts = 0;
};

class DBImpl::SnapshotImpl final : public Snapshot {
 public:
  explicit SnapshotImpl(SequenceNumber seq) : sequence(seq) {}
  ~SnapshotImpl() override = default;
  const SequenceNumber sequence;
  std::list<SnapshotImpl*>::iterator position;
};

Status DB::Open(const Options& options, const std::string& name, std::unique_ptr<DB>* dbptr) {
  dbptr->reset();
  Status s = ValidateOptions(options);
  if (!s.ok()) return s;
  if (name.empty()) return Status::InvalidArgument("DB::Open: the database path is empty");
  Options resolved = options;
  ResolveDefaultOptions(&resolved);
  auto impl = std::make_unique<DBImpl>(resolved, name);
  s = impl->Open();
  if (s.ok()) *dbptr = std::move(impl);
  return s;
}

DBImpl::DBImpl(const Options& options, std::string dbname)
    : dbname_(std::move(dbname)),
      options_(options),
      fs_(options_.file_system.get()),
      icmp_(options_.comparator),
      block_cache_(options_.block_cache_bytes > 0
                       ? std::make_unique<BlockCache>(options_.block_cache_bytes)
                       : nullptr),
      table_cache_(std::make_unique<TableCache>(dbname_, TableOptions::FromOptions(options_),
                                                options_.file_system, block_cache_.get(),
                                                options_.max_open_files)),
      versions_(std::make_unique<VersionSet>(dbname_, options_)),
      rate_limiter_(
          options_.compaction_rate_limit_bytes_per_sec > 0
              ? std::make_unique<RateLimiter>(options_.compaction_rate_limit_bytes_per_sec)
              : nullptr),
      disable_auto_compactions_(options_.disable_auto_compactions) {}

DBImpl::~DBImpl() {
  if (!closed_.load()) (void)Close();
}

Status DBImpl::CheckOpen() const { return closed_.load() ? Closed() : Status::OK(); }

Status DBImpl::Open() {
  if (options_.create_if_missing) {
    Status s = fs_->CreateDirIfMissing(dbname_);
    if (!s.ok()) return s;
  } else if (fs_->FileExists(dbname_).IsNotFound()) {
    return Status::InvalidArgument(dbname_, "does not exist (create_if_missing is false)");
  }
  Status s = fs_->LockFile(LockFileName(dbname_), &lock_);
  if (!s.ok()) return s;

  MutexLock l(&mu_);
  VersionEdit edit;
  s = Recover(&edit);
  uint64_t new_log = 0;
  if (s.ok()) s = NewLog(&log_, &new_log);
  if (s.ok() && options_.paranoid_checks) s = CheckTables();
  if (s.ok()) {
    log_number_ = new_log;
    edit.SetLogNumber(new_log);
    edit.SetLastSequence(last_sequence_);
    s = LogAndApply(&edit);
  }
  if (!s.ok()) {
    closed_.store(true);
    return s;
  }
  mem_ = new MemTable(icmp_);
  mem_->Ref();
  visible_sequence_.store(last_sequence_);
  opened_ = true;
  DeleteObsoleteFiles();
  background_ = std::thread([this] { BackgroundThread(); });
  for (int i = 1; i < options_.max_background_jobs; i++) {
    compaction_threads_.emplace_back([this] { CompactionThread(); });
  }
  return Status::OK();
}

Status DBImpl::Recover(VersionEdit* edit) {
  Status s = fs_->FileExists(CurrentFileName(dbname_));
  if (s.ok()) {
    if (options_.error_if_exists) {
      return Status::InvalidArgument(dbname_, "database exists (error_if_exists is true)");
    }
    s = versions_->Recover();
  } else if (s.IsNotFound()) {
    std::vector<std::string> children;
    s = fs_->GetChildren(dbname_, &children);
    if (!s.ok()) return s;
    for (const std::string& child : children) {
      uint64_t number;
      FileType type;
      // A MANIFEST alone is left by a creation that was cut short before CURRENT existed,
      // when nothing could have been written yet: such a database is created anew.
      if (ParseFileName(child, &number, &type) &&
          (type == FileType::kTable || type == FileType::kLog)) {
        return Status::Corruption(dbname_, "holds database files but no CURRENT file");
      }
    }
    if (!options_.create_if_missing) {
      return Status::InvalidArgument(
          dbname_, "is not a database (no CURRENT file) and create_if_missing is false");
    }
    s = versions_->CreateNew();
  }
  if (!s.ok()) return s;
  last_sequence_ = versions_->last_sequence();

  // Replay the logs the MANIFEST does not cover, oldest first.
  std::vector<std::string> children;
  s = fs_->GetChildren(dbname_, &children);
  if (!s.ok()) return s;
  std::vector<uint64_t> logs;
  for (const std::string& child : children) {
    uint64_t number;
    FileType type;
    if (ParseFileName(child, &number, &type)) {
      versions_->MarkFileNumberUsed(number);
      if (type == FileType::kLog && number >= versions_->log_number()) logs.push_back(number);
    }
  }
  std::sort(logs.begin(), logs.end());
  // The MANIFEST names the oldest log still needed, and a log is deleted only after a later
  // edit has retired it. If that log is gone while newer ones remain, the MANIFEST lost edits
  // that had completed (damage taken for a torn last edit, or a cut at a record boundary), and
  // replaying the newer logs would leave a hole. Log number 0 names no log: the database's
  // first open never completed, so no log can hold writes yet.
  const uint64_t log_number = versions_->log_number();
  if (log_number != 0 && !logs.empty() && logs.front() != log_number) {
    return Status::Corruption(
        dbname_, absl::StrFormat("the MANIFEST names %06u.log as the oldest live log, but it is "
                                 "missing while %06u.log remains: the MANIFEST lost edits",
                                 log_number, logs.front()));
  }
  MemTable* mem = nullptr;
  bool stop = false;
  for (uint64_t number : logs) {
    if (stop) {
      absl::StrAppendFormat(&recovery_report_,
                            "%06u.log: skipped, after damage in an earlier log\n", number);
      continue;
    }
    s = ReplayLog(number, edit, &mem, &stop);
    if (!s.ok()) break;
  }
  if (s.ok() && log_number == 0 && last_sequence_ > versions_->last_sequence()) {
    s = Status::Corruption(dbname_,
                           "the MANIFEST names no log, but the logs hold writes: the MANIFEST "
                           "lost edits");
  }
  if (s.ok() && mem != nullptr) s = WriteLevel0Table(mem, edit);
  if (mem != nullptr) mem->Unref();
  return s;
}

Status DBImpl::CheckTables() {
  std::shared_ptr<const Version> v = versions_->current();
  for (int level = 0; level < kNumLevels; level++) {
    for (const auto& f : v->files(level)) {
      const std::string path = TableFileName(dbname_, f->number);
      uint64_t size;
      Status s = fs_->GetFileSize(path, &size);
      if (s.IsNotFound()) return Status::Corruption(path, "named by the MANIFEST but missing");
      if (!s.ok()) return s;
      if (size != f->file_size) {
        return Status::Corruption(
            path, absl::StrFormat("has %u bytes, the MANIFEST says %u", size, f->file_size));
      }
    }
  }
  return Status::OK();
}

Status DBImpl::ReplayLog(uint64_t number, VersionEdit* edit, MemTable** mem, bool* stop) {
  const std::string path = LogFileName(dbname_, number);
  const std::string name(BaseName(path));
  std::unique_ptr<SequentialFile> file;
  Status s = fs_->NewSequentialFile(path, &file);
  if (!s.ok()) return s;
  const WALRecoveryMode mode = options_.wal_recovery_mode;
  log::Reader reader(std::move(file), "wal " + name, number, mode);
  std::string_view record;
  std::string scratch;
  WriteBatch batch;
  uint64_t applied = 0;
  while (reader.ReadRecord(&record, &scratch)) {
    s = WriteBatchInternal::SetContents(&batch, record);
    if (s.ok()) {
      if (*mem == nullptr) {
        *mem = new MemTable(icmp_);
        (*mem)->Ref();
      }
      s = InsertInto(batch, *mem, /*concurrent=*/false);
    }
    if (!s.ok()) {
      // A record whose checksum holds but whose batch does not decode.
      s = s.WithContext(absl::StrFormat("wal %s record @ %u", name, reader.last_record_offset()));
      if (mode == WALRecoveryMode::kSkipAnyCorruptedRecords) continue;
      if (mode != WALRecoveryMode::kPointInTimeRecovery) return s;
      absl::StrAppendFormat(&recovery_report_, "%s: stopped: %s\n", name, s.ToString());
      *stop = true;
      return Status::OK();
    }
    applied++;
    if (batch.Count() > 0) {
      last_sequence_ =
          std::max(last_sequence_, WriteBatchInternal::Sequence(batch) + batch.Count() - 1);
    }
    if ((*mem)->ApproximateMemoryUsage() > options_.write_buffer_size) {
      s = WriteLevel0Table(*mem, edit);
      (*mem)->Unref();
      *mem = nullptr;
      if (!s.ok()) return s;
    }
  }
  if (!reader.status().ok()) return reader.status();
  const log::ReadReport& report = reader.report();
  absl::StrAppendFormat(&recovery_report_, "%s: %u records", name, applied);
  if (!report.damage.ok()) {
    absl::StrAppendFormat(&recovery_report_, ", %u bytes dropped%s: %s", report.dropped_bytes,
                          report.torn_tail ? " (torn tail)" : "", report.damage.ToString());
    // Later logs hold later writes: replaying them past a hole would not be a prefix.
    if (mode != WALRecoveryMode::kSkipAnyCorruptedRecords) *stop = true;
  }
  recovery_report_ += "\n";
  return Status::OK();
}

Status DBImpl::WriteLevel0Table(MemTable* mem, VersionEdit* edit) {
  std::vector<uint64_t> allocated;
  // No version: tables written earlier in this recovery are not in one yet, so no deletion
  // may be dropped.
  CompactionContext ctx = MakeContext(nullptr, &allocated);
  ctx.oldest_snapshot = kMaxSequenceNumber;  // nothing reads during recovery
  CompactionJobResult result;
  std::unique_ptr<InternalIterator> iter = mem->NewIterator();
  mu_.Unlock();
  Status s = RunFlush(iter.get(), ctx, &result);
  mu_.Lock();
  // Nothing deletes files before the recovery edit, which names these tables, is applied.
  for (uint64_t n : allocated) pending_outputs_.erase(n);
  if (s.ok()) {
    for (const FileMetaData& f : result.outputs) edit->AddFile(0, f);
  }
  return s;
}

Status DBImpl::NewLog(std::unique_ptr<log::Writer>* log, uint64_t* number) {
  *number = versions_->NewFileNumber();
  std::unique_ptr<WritableFile> file;
  Status s = fs_->NewWritableFile(LogFileName(dbname_, *number), &file);
  if (s.ok()) s = log::Writer::Create(std::move(file), *number, log);
  // The new log's directory entry must be durable before writes that rely on it are synced.
  if (s.ok()) s = log->get()->Sync();
  if (s.ok()) s = fs_->SyncDir(dbname_);
  if (s.ok()) LSM_KILLPOINT("dir.sync");
  return s;
}

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

Status DBImpl::Write(const WriteOptions& options, WriteBatch* updates) {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  uint64_t w_user_bytes = 0;
  if (updates != nullptr) {
    s = WriteBatchInternal::CheckSizes(*updates, &w_user_bytes);
    if (!s.ok()) return s;
    if (options.sync && options.disable_wal) {
      return Status::InvalidArgument("WriteOptions::sync and disable_wal cannot both be set");
    }
  }
  Writer w(&mu_);
  w.user_bytes = w_user_bytes;
  w.batch = updates;
  w.sync = options.sync;
  w.disable_wal = options.disable_wal;

  MutexLock l(&mu_);
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) {
    if (w.insert_into != nullptr) {
      // The leader logged this writer's group: insert this batch alongside the others.
      MemTable* mem = std::exchange(w.insert_into, nullptr);
      mu_.Unlock();
      Status inserted = InsertInto(*w.batch, mem, /*concurrent=*/true);
      mu_.Lock();
      if (!inserted.ok() && w.leader->status.ok()) w.leader->status = inserted;
      if (--w.leader->pending_inserts == 0) w.leader->cv.Signal();
      continue;
    }
    w.cv.Wait();
  }
  if (w.done) return w.status;

  // This writer leads: it writes its group and wakes the members.
  s = shutting_down_ ? Closed() : MakeRoomForWrite(updates == nullptr);
  Writer* last_writer = &w;
  if (s.ok() && updates != nullptr) {
    WriteBatch* group = BuildBatchGroup(&last_writer);
    const SequenceNumber first = last_sequence_ + 1;
    WriteBatchInternal::SetSequence(group, first);
    last_sequence_ += group->Count();
    const SequenceNumber last = last_sequence_;
    MemTable* mem = mem_;
    log::Writer* log = log_.get();
    // Only the leader touches the log, so it may be used without the lock; the group's
    // members wait in the queue meanwhile.
    const bool alone = group == w.batch;
    mu_.Unlock();
    if (!w.disable_wal) {
      s = log->AddRecord(group->Data());
      if (s.ok()) LSM_KILLPOINT("wal.append");
      if (s.ok()) s = w.sync ? log->Sync() : log->Flush();
      if (s.ok() && w.sync) LSM_KILLPOINT("wal.sync");
    }
    if (s.ok() && alone) s = InsertInto(*group, mem, /*concurrent=*/false);
    mu_.Lock();
    if (s.ok() && !alone) {
      // Every member inserts its own batch, numbered as in the group, at the same time.
      SequenceNumber seq = first;
      for (auto it = writers_.begin();; ++it) {
        WriteBatchInternal::SetSequence((*it)->batch, seq);
        seq += (*it)->batch->Count();
        if (*it != &w) {
          (*it)->leader = &w;
          (*it)->insert_into = mem;
          w.pending_inserts++;
          (*it)->cv.Signal();
        }
        if (*it == last_writer) break;
      }
      mu_.Unlock();
      s = InsertInto(*w.batch, mem, /*concurrent=*/true);
      mu_.Lock();
      while (w.pending_inserts > 0) w.cv.Wait();
      if (s.ok()) s = w.status;
    }
    if (s.ok()) {
      for (auto it = writers_.begin();; ++it) {
        user_bytes_ += (*it)->user_bytes;
        if (*it == last_writer) break;
      }
      if (w.disable_wal) mem_has_unlogged_ = true;
      visible_sequence_.store(last, std::memory_order_release);
    } else if (bg_error_.ok()) {
      // The log may hold part of the group: accept nothing more until Resume.
      bg_error_ = s;
    }
    if (group == &group_batch_) group_batch_.Clear();
  }

  while (true) {
    Writer* ready = writers_.front();
    writers_.pop_front();
    if (ready != &w) {
      ready->status = s;
      ready->done = true;
      ready->cv.Signal();
    }
    if (ready == last_writer) break;
  }
  if (!writers_.empty()) writers_.front()->cv.Signal();
  return s;
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

void DBImpl::Stall(StallCause cause) {
  stalls_[cause]++;
  const auto start = std::chrono::steady_clock::now();
  background_cv_.Wait();
  stall_micros_ += std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
}

Status DBImpl::MakeRoomForWrite(bool force) {
  bool may_delay = true;
  while (true) {
    if (!bg_error_.ok()) return bg_error_;
    if (resuming_) {
      background_cv_.Wait();
      continue;
    }
    // Waiting is for compaction to catch up: there is none to wait for when it is off, and
    // under FIFO level 0 is the whole database, its file count no reason to wait.
    const bool auto_compactions = !disable_auto_compactions_;
    const int level0 = auto_compactions && options_.compaction_style != CompactionStyle::kFIFO
                           ? level0_files_.load()
                           : 0;
    const uint64_t pending = auto_compactions ? pending_compaction_bytes_.load() : 0;
    const uint64_t soft = options_.soft_pending_compaction_bytes_limit;
    const uint64_t hard = options_.hard_pending_compaction_bytes_limit;
    StallCause cause = kNumStallCauses;
    if (level0 >= options_.level0_stop_writes_trigger) {
      cause = kLevel0;
    } else if (hard > 0 && pending >= hard) {
      cause = kPendingBytes;
    }
    if (cause != kNumStallCauses) {
      // Compaction is too far behind: wait until it catches up.
      Stall(cause);
      continue;
    }
    if (level0 >= options_.level0_slowdown_writes_trigger) {
      cause = kLevel0;
    } else if (soft > 0 && pending >= soft) {
      cause = kPendingBytes;
    }
    if (may_delay && cause != kNumStallCauses) {
      // Compaction is falling behind: give it a millisecond, once per write.
      may_delay = false;
      slowdowns_[cause]++;
      stall_micros_ += 1000;
      mu_.Unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      mu_.Lock();
      continue;
    }
    if (!force && mem_->ApproximateMemoryUsage() < options_.write_buffer_size) {
      return Status::OK();
    }
    if (force && mem_->num_entries() == 0) return Status::OK();
    if (static_cast<int>(imms_.size()) + 1 >= options_.max_write_buffer_number) {
      // Every write buffer is full: wait for a flush.
      Stall(kMemtables);
      continue;
    }
    // Freeze the memtable. Its log is synced first, so that no later (synced) write in the new
    // log can survive a power cut that loses an earlier one.
    std::unique_ptr<log::Writer> new_log;
    uint64_t new_number;
    Status s = log_->Sync();
    if (s.ok()) s = log_->Close();
    if (!s.ok()) {
      bg_error_ = s;
      return s;
    }
    s = NewLog(&new_log, &new_number);
    if (!s.ok()) {
      // The old log is closed: writes cannot go on until a new one exists.
      log_.reset();
      bg_error_ = s;
      return s;
    }
    imms_.push_back(Immutable{mem_, log_number_, mem_has_unlogged_});
    log_ = std::move(new_log);
    log_number_ = new_number;
    mem_ = new MemTable(icmp_);
    mem_->Ref();
    mem_has_unlogged_ = false;
    force = false;
    background_cv_.SignalAll();
  }
}

void DBImpl::BackgroundThread() {
  MutexLock l(&mu_);
  while (true) {
    while (!shutting_down_ && (imms_.empty() || !bg_error_.ok())) background_cv_.Wait();
    if (shutting_down_) break;
    const Immutable imm = imms_.front();
    const uint64_t next_log = imms_.size() > 1 ? imms_[1].log_number : log_number_;
    const SequenceNumber last_sequence = last_sequence_;
    const uint64_t resumes_at_start = resumes_;
    flushing_ = true;
    mu_.Unlock();
    Status s = FlushImmutable(imm, next_log, last_sequence);
    mu_.Lock();
    flushing_ = false;
    if (s.ok()) {
      // The log is obsolete once the table is installed; it is gone before the memtable
      // leaves the queue, so a caller that waits for the queue to drain sees the disk settled.
      DeleteObsoleteFiles();
      imms_.pop_front();
      imm.mem->Unref();
    } else if (bg_error_.ok() && resumes_at_start == resumes_) {
      // Only a failure since the last Resume: one from before it is retried at once.
      bg_error_ = s;
    }
    background_cv_.SignalAll();
  }
}

Status DBImpl::LogAndApply(VersionEdit* edit) {
  MutexLock l(&apply_mu_);
  Status s = versions_->LogAndApply(edit);
  std::shared_ptr<const Version> current = versions_->current();
  level0_files_.store(current->NumFiles(0));
  pending_compaction_bytes_.store(EstimatePendingCompactionBytes(*current, options_));
  return s;
}

SequenceNumber DBImpl::OldestSnapshot() {
  return snapshots_.empty() ? visible_sequence_.load(std::memory_order_acquire)
                            : snapshots_.front()->sequence;
}

CompactionContext DBImpl::MakeContext(const Version* version, std::vector<uint64_t>* allocated) {
  CompactionContext ctx;
  ctx.dbname = dbname_;
  ctx.fs = fs_;
  ctx.table_options = TableOptions::FromOptions(options_);
  ctx.table_cache = table_cache_.get();
  ctx.icmp = &icmp_;
  ctx.version = version;
  ctx.oldest_snapshot = OldestSnapshot();
  ctx.newest_snapshot = snapshots_.empty() ? 0 : snapshots_.back()->sequence;
  ctx.filter = options_.compaction_filter;
  ctx.rate_limiter = rate_limiter_.get();
  ctx.now_seconds = UnixSeconds();
  ctx.new_file_number = [this, allocated] {
    const uint64_t n = versions_->NewFileNumber();
    allocated->push_back(n);
    MutexLock l(&mu_);
    pending_outputs_.insert(n);
    return n;
  };
  ctx.cancel = &cancel_compactions_;
  return ctx;
}

std::unique_ptr<Compaction> DBImpl::PickManualCompaction(const Version& version,
                                                         ManualCompaction** manual) {
  *manual = nullptr;
  ManualCompaction* m = manual_;
  if (m == nullptr || m->done || m->in_progress) return nullptr;
  if (!bg_error_.ok()) {
    m->status = bg_error_;
    m->done = true;
    background_cv_.SignalAll();
    return nullptr;
  }
  std::unique_ptr<Compaction> c;
  if (m->full) {
    c = PickFullCompaction(version, options_);
    if (c == nullptr) {
      m->done = true;
    } else if (running_.Conflicts(*c, icmp_.user_comparator())) {
      return nullptr;  // try again once the running compaction is done
    }
  } else {
    const std::string* begin = m->begin ? &*m->begin : nullptr;
    const std::string* end = m->end ? &*m->end : nullptr;
    while (c == nullptr && m->level < m->last_level) {
      // Down to the next level that holds data, skipping empty ones.
      int output = m->level + 1;
      while (output < m->last_level && version.NumFiles(output) == 0) output++;
      c = PickRangeCompaction(version, icmp_, options_, m->level, output, begin, end);
      if (c != nullptr && running_.Conflicts(*c, icmp_.user_comparator())) {
        return nullptr;  // try again once the conflicting compaction is done
      }
      m->level = output;
    }
    if (c == nullptr && options_.compaction_filter != nullptr && !m->last_level_rewritten) {
      // As RocksDB does with a compaction filter: the range's data in the last level is
      // rewritten too, so that the filter sees all of it.
      c = PickRangeCompaction(version, icmp_, options_, m->last_level, m->last_level, begin, end);
      if (c != nullptr && running_.Conflicts(*c, icmp_.user_comparator())) return nullptr;
      m->last_level_rewritten = true;
    }
    if (c == nullptr) m->done = true;
  }
  if (m->done) {
    background_cv_.SignalAll();
    return nullptr;
  }
  m->in_progress = true;
  *manual = m;
  return c;
}

void DBImpl::CompactionThread() {
  // Compactions yield the CPU to foreground work and to flushes (best effort: Linux applies
  // a nice value to this thread alone).
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
  MutexLock l(&mu_);
  int failures_in_a_row = 0;
  uint64_t live_versions_seen = 0;
  while (!shutting_down_) {
    std::shared_ptr<const Version> version = versions_->current();
    ManualCompaction* manual = nullptr;
    std::unique_ptr<Compaction> c = PickManualCompaction(*version, &manual);
    if (c == nullptr && bg_error_.ok() && !disable_auto_compactions_) {
      const uint64_t now = UnixSeconds();
      c = PickCompaction(*version, icmp_, options_, running_, &compact_pointers_, now);
    }
    if (c == nullptr) {
      // Waiting with the version would keep its tables from being deleted once compacted.
      version.reset();
      // Flushes and compactions delete what the versions they replace held; a version that an
      // iterator let go of since is found here, at most a second later.
      const uint64_t live_versions = versions_->NumLiveVersions();
      if (live_versions < live_versions_seen && bg_error_.ok()) DeleteObsoleteFiles();
      live_versions_seen = live_versions;
      // FIFO's age limit needs a look now and then even when nothing changes.
      background_cv_.WaitFor(std::chrono::seconds(1));
      continue;
    }
    running_.Add(*c, icmp_.user_comparator());
    running_compactions_++;
    const uint64_t resumes_at_start = resumes_;
    std::vector<uint64_t> allocated;
    const CompactionContext ctx = MakeContext(version.get(), &allocated);
    mu_.Unlock();
    const auto start = std::chrono::steady_clock::now();
    Status s = DoCompaction(*c, ctx);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - start)
                            .count();
    mu_.Lock();
    for (uint64_t n : allocated) pending_outputs_.erase(n);
    running_.Remove(*c, icmp_.user_comparator());
    level_stats_[c->output_level].micros += static_cast<uint64_t>(micros);
    if (manual != nullptr) {
      manual->in_progress = false;
      if (!s.ok()) {
        manual->status = s;  // the caller of CompactRange sees the failure
        manual->done = true;
      } else if (manual->full) {
        manual->done = true;
      }
    }
    const bool was_manual = manual != nullptr;
    // The input version would keep the compacted tables alive.
    c.reset();
    version.reset();
    if (s.ok() || s.IsBusy()) {
      failures_in_a_row = 0;
      DeleteObsoleteFiles();
    }
    // After the last use of `manual` (CompactRange may return now) and after the inputs are
    // deleted (a caller waiting for no running compaction sees the disk settled).
    running_compactions_--;
    if (!s.ok() && !s.IsBusy()) {
      // The previous version stands and the outputs are gone: retry after a pause, and stop
      // accepting writes only if the failure persists.
      compaction_failures_++;
      if (was_manual) {
        // Reported to the caller of CompactRange; background compactions retry on their own.
      } else if (resumes_at_start != resumes_) {
        failures_in_a_row = 0;  // a failure from before Resume: retry on the healed disk
      } else if (++failures_in_a_row >= 5) {
        if (bg_error_.ok()) bg_error_ = s;
      } else if (!shutting_down_) {
        background_cv_.WaitFor(std::chrono::milliseconds(100 << failures_in_a_row));
      }
    }
    background_cv_.SignalAll();
  }
}

Status DBImpl::DoCompaction(const Compaction& c, const CompactionContext& ctx) {
  VersionEdit edit;
  CompactionJobResult result;
  Status s;
  const bool trivial = c.IsTrivialMove(icmp_);
  for (const CompactionInputs& in : c.inputs) {
    for (const auto& f : in.files) edit.RemoveFile(in.level, f->number);
  }
  if (trivial) {
    for (const auto& f : c.inputs[0].files) edit.AddFile(c.output_level, *f);
  } else if (!c.deletion_only) {
    s = RunCompaction(c, ctx, &result);
    if (s.ok()) {
      for (const FileMetaData& f : result.outputs) edit.AddFile(c.output_level, f);
    }
  }
  // A failed job has removed its outputs. After a failed MANIFEST write they stay: the
  // version set keeps them until a new MANIFEST is known not to name them.
  if (s.ok()) s = LogAndApply(&edit);
  MutexLock l(&mu_);
  if (s.ok()) {
    if (trivial) {
      trivial_moves_++;
    } else if (c.deletion_only) {
      files_deleted_by_fifo_ += static_cast<uint64_t>(c.NumInputFiles());
    } else {
      compactions_++;
      compaction_bytes_read_ += result.bytes_read;
      compaction_bytes_written_ += result.bytes_written;
      entries_filtered_ += result.entries_filtered;
      LevelStats& stats = level_stats_[c.output_level];
      stats.compactions++;
      stats.bytes_read += result.bytes_read;
      stats.bytes_written += result.bytes_written;
    }
  }
  return s;
}

Status DBImpl::FlushImmutable(const Immutable& imm, uint64_t next_log_number,
                              SequenceNumber last_sequence) {
  std::vector<uint64_t> allocated;
  CompactionContext ctx;
  std::shared_ptr<const Version> version;
  {
    MutexLock l(&mu_);
    version = versions_->current();
    ctx = MakeContext(version.get(), &allocated);
  }
  CompactionJobResult result;
  std::unique_ptr<InternalIterator> iter = imm.mem->NewIterator();
  Status s = RunFlush(iter.get(), ctx, &result);
  VersionEdit edit;
  if (s.ok()) {
    for (const FileMetaData& f : result.outputs) edit.AddFile(0, f);
    // The memtable's writes are in the table now; only logs from the next memtable on matter.
    edit.SetLogNumber(next_log_number);
    edit.SetLastSequence(last_sequence);
    s = LogAndApply(&edit);
  }
  MutexLock l(&mu_);
  for (uint64_t n : allocated) pending_outputs_.erase(n);
  // On a failed MANIFEST write the table stays (see DoCompaction).
  if (s.ok()) {
    flushes_++;
    flush_bytes_ += result.bytes_written;
  }
  return s;
}

void DBImpl::DeleteObsoleteFiles() {
  std::vector<uint64_t> live_numbers(pending_outputs_.begin(), pending_outputs_.end());
  versions_->AddLiveFiles(&live_numbers);
  const std::set<uint64_t> live(live_numbers.begin(), live_numbers.end());
  const uint64_t manifest = versions_->manifest_number();
  std::vector<std::string> children;
  if (!fs_->GetChildren(dbname_, &children).ok()) return;
  std::vector<std::pair<FileType, uint64_t>> obsolete;
  for (const std::string& child : children) {
    uint64_t number;
    FileType type;
    if (!ParseFileName(child, &number, &type)) continue;
    bool keep = true;
    switch (type) {
      case FileType::kLog:
        keep = number >= versions_->log_number();
        break;
      case FileType::kTable:
        keep = live.contains(number);
        break;
      case FileType::kManifest:
        keep = number >= manifest;
        break;
      case FileType::kTemp:
        keep = live.contains(number);
        break;
      default:
        break;
    }
    if (!keep) obsolete.emplace_back(type, number);
  }
  // Deleting needs no lock: nothing refers to these files any more.
  mu_.Unlock();
  for (const auto& [type, number] : obsolete) {
    if (type == FileType::kTable) table_cache_->Evict(number);
    const std::string path = type == FileType::kLog     ? LogFileName(dbname_, number)
                             : type == FileType::kTable ? TableFileName(dbname_, number)
                             : type == FileType::kTemp  ? TempFileName(dbname_, number)
                                                        : ManifestFileName(dbname_, number);
    if (fs_->RemoveFile(path).ok()) LSM_KILLPOINT("file.delete");
  }
  mu_.Lock();
}

DBImpl::ReadView DBImpl::AcquireReadView(const ReadOptions& options) {
  ReadView view;
  MutexLock l(&mu_);
  view.sequence = options.snapshot != nullptr
                      ? static_cast<const SnapshotImpl*>(options.snapshot)->sequence
                      : visible_sequence_.load(std::memory_order_acquire);
  view.mems.push_back(mem_);
  for (auto it = imms_.rbegin(); it != imms_.rend(); ++it) view.mems.push_back(it->mem);
  for (MemTable* m : view.mems) m->Ref();
  view.version = versions_->current();
  return view;
}

void DBImpl::ReleaseReadView(ReadView* view) {
  for (MemTable* m : view->mems) m->Unref();
  view->mems.clear();
}

Status DBImpl::Get(const ReadOptions& options, std::string_view key, std::string* value) {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  ReadView view = AcquireReadView(options);
  LookupKey lkey(key, view.sequence);
  bool done = false;
  for (MemTable* m : view.mems) {
    if (m->Get(lkey, value, &s)) {
      done = true;
      break;
    }
  }
  if (!done) s = view.version->Get(options, lkey, value, table_cache_.get());
  ReleaseReadView(&view);
  return s;
}

std::unique_ptr<Iterator> DBImpl::NewIterator(const ReadOptions& options) {
  Status s = CheckOpen();
  if (!s.ok()) {
    return NewDBIterator(options_.comparator, NewEmptyIterator(s), 0, options, nullptr);
  }
  ReadView view = AcquireReadView(options);
  std::vector<std::unique_ptr<InternalIterator>> children;
  for (MemTable* m : view.mems) children.push_back(m->NewIterator());
  view.version->AddIterators(options, table_cache_.get(), &children);
  ReleaseReadView(&view);  // each memtable iterator holds its own reference
  return NewDBIterator(options_.comparator, NewMergingIterator(&icmp_, std::move(children)),
                       view.sequence, options, std::move(view.version));
}

const Snapshot* DBImpl::GetSnapshot() {
  if (closed_.load()) return nullptr;
  MutexLock l(&mu_);
  auto* snapshot = new SnapshotImpl(visible_sequence_.load(std::memory_order_acquire));
  snapshots_.push_back(snapshot);
  snapshot->position = std::prev(snapshots_.end());
  return snapshot;
}

void DBImpl::ReleaseSnapshot(const Snapshot* snapshot) {
  if (snapshot == nullptr) return;
  auto* impl = const_cast<SnapshotImpl*>(static_cast<const SnapshotImpl*>(snapshot));
  {
    MutexLock l(&mu_);
    snapshots_.erase(impl->position);
  }
  delete impl;
}

Status DBImpl::Flush() {
  Status s = Write(WriteOptions(), nullptr);
  if (!s.ok()) return s;
  MutexLock l(&mu_);
  while (!imms_.empty() && bg_error_.ok() && !shutting_down_) background_cv_.Wait();
  return bg_error_;
}

Status DBImpl::CompactRange(const std::string_view* begin, const std::string_view* end) {
  Status s = Flush();
  if (!s.ok()) return s;
  ManualCompaction manual;
  if (begin != nullptr) manual.begin = std::string(*begin);
  if (end != nullptr) manual.end = std::string(*end);
  // FIFO keeps data as it was written: there is nothing to merge.
  if (options_.compaction_style == CompactionStyle::kFIFO) return Status::OK();
  MutexLock l(&mu_);
  while (manual_ != nullptr && !shutting_down_) background_cv_.Wait();  // one at a time
  if (shutting_down_) return Closed();
  const int deepest =
      DeepestOverlappingLevel(*versions_->current(), icmp_, manual.begin ? &*manual.begin : nullptr,
                              manual.end ? &*manual.end : nullptr);
  if (deepest < 0) return Status::OK();  // nothing in the range
  if (options_.compaction_style == CompactionStyle::kUniversal) {
    manual.full = true;  // sorted runs span the whole key space: all of them become one
  } else if (options_.level_compaction_dynamic_level_bytes) {
    manual.last_level = kNumLevels - 1;  // the range's data ends in the last level
  } else {
    // Data moves down to the deepest level that holds any of the range (at least level 1).
    manual.last_level = std::max(deepest, 1);
  }
  manual_ = &manual;
  background_cv_.SignalAll();
  // On close, wait until no compaction may still report to `manual`.
  while (!manual.done && !(shutting_down_ && running_compactions_ == 0)) background_cv_.Wait();
  manual_ = nullptr;
  background_cv_.SignalAll();
  if (!manual.done) return Closed();
  return manual.status;
}

std::string DBImpl::LevelStatsText(const Version& v) {
  // Targets and scores apply to leveled compaction; compaction figures are per output level.
  const bool leveled = options_.compaction_style == CompactionStyle::kLevel;
  const LevelTargets targets = ComputeLevelTargets(v, options_);
  std::string value =
      "level  files       bytes      target  score  compactions    read MB  written MB  "
      "seconds\n";
  for (int level = 0; level < kNumLevels; level++) {
    const LevelStats& st = level_stats_[level];
    const bool has_target = leveled && level >= targets.base_level;
    absl::StrAppendFormat(
        &value, "L%-5d %5d %11u %11s %6s %12u %10.1f %11.1f %8.1f\n", level, v.NumFiles(level),
        v.NumBytes(level), has_target ? absl::StrFormat("%u", targets.max_bytes[level]) : "-",
        leveled
            ? absl::StrFormat("%.2f", LevelScore(v, options_, targets, RunningCompactions(), level))
            : "-",
        st.compactions, st.bytes_read / 1048576.0, st.bytes_written / 1048576.0, st.micros / 1e6);
  }
  const uint64_t written = flush_bytes_ + compaction_bytes_written_;
  absl::StrAppendFormat(&value,
                        "user bytes written: %u; flushed: %u; compacted: %u read, %u written; "
                        "write amplification: %.2f\n",
                        user_bytes_, flush_bytes_, compaction_bytes_read_,
                        compaction_bytes_written_,
                        user_bytes_ == 0 ? 0.0 : static_cast<double>(written) / user_bytes_);
  return value;
}

bool DBImpl::IntProperty(std::string_view property, const Version& v, uint64_t* value) {
  constexpr std::string_view kFilesAtLevel = "lsm.num-files-at-level";
  if (property.starts_with(kFilesAtLevel)) {
    const std::string_view digits = property.substr(kFilesAtLevel.size());
    if (digits.size() != 1 || digits[0] < '0' || digits[0] >= '0' + kNumLevels) return false;
    *value = v.NumFiles(digits[0] - '0');
    return true;
  }
  if (property == "lsm.num-immutable-mem-table") {
    *value = imms_.size();
  } else if (property == "lsm.mem-table-flush-pending") {
    *value = imms_.size() > (flushing_ ? 1u : 0u) ? 1 : 0;
  } else if (property == "lsm.num-running-flushes") {
    *value = flushing_ ? 1 : 0;
  } else if (property == "lsm.cur-size-active-mem-table") {
    *value = mem_->ApproximateMemoryUsage();
  } else if (property == "lsm.cur-size-all-mem-tables") {
    *value = mem_->ApproximateMemoryUsage();
    for (const Immutable& imm : imms_) *value += imm.mem->ApproximateMemoryUsage();
  } else if (property == "lsm.num-entries-active-mem-table") {
    *value = mem_->num_entries();
  } else if (property == "lsm.num-deletes-active-mem-table") {
    *value = mem_->num_deletions();
  } else if (property == "lsm.num-entries-imm-mem-tables") {
    *value = 0;
    for (const Immutable& imm : imms_) *value += imm.mem->num_entries();
  } else if (property == "lsm.num-deletes-imm-mem-tables") {
    *value = 0;
    for (const Immutable& imm : imms_) *value += imm.mem->num_deletions();
  } else if (property == "lsm.compaction-pending") {
    // Whether work is due, whether or not a running compaction holds it up; none is when
    // compactions do not start on their own.
    CompactionPointers pointers = compact_pointers_;
    const uint64_t now = UnixSeconds();
    *value = !disable_auto_compactions_ &&
             PickCompaction(v, icmp_, options_, RunningCompactions(), &pointers, now) != nullptr;
  } else if (property == "lsm.num-running-compactions") {
    *value = static_cast<uint64_t>(running_compactions_);
  } else if (property == "lsm.estimate-pending-compaction-bytes") {
    *value = pending_compaction_bytes_.load();
  } else if (property == "lsm.live-sst-files-size") {
    *value = 0;
    for (int level = 0; level < kNumLevels; level++) *value += v.NumBytes(level);
  } else if (property == "lsm.total-sst-files-size") {
    *value = versions_->LiveTableBytes();
  } else if (property == "lsm.num-live-versions") {
    *value = versions_->NumLiveVersions();
  } else if (property == "lsm.num-snapshots") {
    *value = snapshots_.size();
  } else if (property == "lsm.block-cache-capacity") {
    *value = block_cache_ != nullptr ? block_cache_->capacity() : 0;
  } else if (property == "lsm.block-cache-usage") {
    *value = block_cache_ != nullptr ? block_cache_->usage() : 0;
  } else {
    return false;
  }
  return true;
}

uint64_t DBImpl::EstimateNumKeys() {
  // As RocksDB estimates: a deletion cancels itself and one older entry.
  int64_t keys = 0;
  std::shared_ptr<const Version> v;
  {
    MutexLock l(&mu_);
    v = versions_->current();
    keys += static_cast<int64_t>(mem_->num_entries() - mem_->num_deletions());
    for (const Immutable& imm : imms_) {
      keys += static_cast<int64_t>(imm.mem->num_entries() - imm.mem->num_deletions());
    }
  }
  // Table properties may need the tables opened: outside the lock.
  for (int level = 0; level < kNumLevels; level++) {
    for (const auto& f : v->files(level)) {
      std::shared_ptr<const TableReader> reader;
      if (!table_cache_->FindTable(f->number, f->file_size, &reader).ok()) continue;
      const TableProperties& props = reader->properties();
      keys +=
          static_cast<int64_t>(props.num_entries) - 2 * static_cast<int64_t>(props.num_deletions);
    }
  }
  return keys > 0 ? static_cast<uint64_t>(keys) : 0;
}

bool DBImpl::GetIntProperty(std::string_view property, uint64_t* value) {
  *value = 0;
  if (closed_.load()) return false;
  if (property == "lsm.estimate-num-keys") {
    *value = EstimateNumKeys();
    return true;
  }
  MutexLock l(&mu_);
  return IntProperty(property, *versions_->current(), value);
}

bool DBImpl::GetProperty(std::string_view property, std::string* value) {
  value->clear();
  if (uint64_t n; GetIntProperty(property, &n)) {
    *value = std::to_string(n);
    return true;
  }
  if (closed_.load()) return false;
  MutexLock l(&mu_);
  std::shared_ptr<const Version> v = versions_->current();
  if (property == "lsm.levelstats") {
    *value = LevelStatsText(*v);
    return true;
  }
  if (property == "lsm.background-error") {
    *value = bg_error_.ToString();
    return true;
  }
  if (property == "lsm.recovery") {
    *value = recovery_report_;
    return true;
  }
  if (property == "lsm.stats") {
    *value = LevelStatsText(*v);
    absl::StrAppendFormat(
        value,
        "memtable: %u bytes, %u entries; immutable memtables: %u\n"
        "flushes: %u, %u bytes written\n"
        "compactions: %u (+%u trivial moves), %u bytes read, %u bytes written, "
        "%u failed\n"
        "compaction filter: %u entries removed or changed; FIFO: %u files "
        "deleted\n"
        "pending compaction bytes: %u\n"
        "write stops: %u memtables full, %u level 0, %u pending bytes; "
        "slowdowns: %u level 0, %u pending bytes; stalled %.3f s\n"
        "last sequence: %u; snapshots: %u\n"
        "background error: %s\n",
        mem_->ApproximateMemoryUsage(), mem_->num_entries(), imms_.size(), flushes_, flush_bytes_,
        compactions_, trivial_moves_, compaction_bytes_read_, compaction_bytes_written_,
        compaction_failures_, entries_filtered_, files_deleted_by_fifo_,
        pending_compaction_bytes_.load(), stalls_[kMemtables], stalls_[kLevel0],
        stalls_[kPendingBytes], slowdowns_[kLevel0], slowdowns_[kPendingBytes], stall_micros_ / 1e6,
        visible_sequence_.load(), snapshots_.size(), bg_error_.ToString());
    return true;
  }
  return false;
}

Status DBImpl::SetOptions(const std::unordered_map<std::string, std::string>& options) {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  std::optional<bool> disable_auto_compactions;
  for (const auto& [name, value] : options) {
    if (name != "disable_auto_compactions") {
      return Status::InvalidArgument(
          absl::StrFormat("%s: unknown, or cannot change while the database is open", name));
    }
    if (value == "true" || value == "1") {
      disable_auto_compactions = true;
    } else if (value == "false" || value == "0") {
      disable_auto_compactions = false;
    } else {
      return Status::InvalidArgument(
          absl::StrFormat("%s: is \"%s\"; it must be true or false", name, value));
    }
  }
  MutexLock l(&mu_);
  if (disable_auto_compactions.has_value()) {
    disable_auto_compactions_ = *disable_auto_compactions;
    background_cv_.SignalAll();  // compaction threads look again; stalled writers re-check
  }
  return Status::OK();
}

Status DBImpl::Resume() {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  MutexLock l(&mu_);
  if (bg_error_.ok()) return Status::OK();
  // A group's leader may still be appending to the current log outside the lock: let the
  // queue drain before the log is replaced (writes arriving meanwhile fail on the error).
  while (!writers_.empty()) background_cv_.WaitFor(std::chrono::milliseconds(1));
  // The current log may hold a partial write: continue in a new one, and flush every
  // memtable before accepting writes, so that recovery never needs the damaged log.
  std::unique_ptr<log::Writer> new_log;
  uint64_t new_number;
  s = NewLog(&new_log, &new_number);
  if (!s.ok()) return s;
  if (log_ != nullptr) (void)log_->Close();
  imms_.push_back(Immutable{mem_, log_number_, mem_has_unlogged_});
  mem_ = new MemTable(icmp_);
  mem_->Ref();
  mem_has_unlogged_ = false;
  log_ = std::move(new_log);
  log_number_ = new_number;
  bg_error_ = Status::OK();
  resumes_++;
  resuming_ = true;
  background_cv_.SignalAll();
  while (!imms_.empty() && bg_error_.ok() && !shutting_down_) background_cv_.Wait();
  resuming_ = false;
  background_cv_.SignalAll();
  return bg_error_;
}

Status DBImpl::Close() {
  if (closed_.exchange(true)) return Closed();
  Status s;
  {
    MutexLock l(&mu_);
    if (!opened_) return Status::OK();
    // Writes made without the WAL exist only in memory: they are the one thing Close flushes.
    bool must_flush = mem_has_unlogged_;
    for (const Immutable& imm : imms_) must_flush = must_flush || imm.unlogged;
    if (must_flush && bg_error_.ok()) {
      s = MakeRoomForWrite(true);
      while (s.ok() && !imms_.empty() && bg_error_.ok()) background_cv_.Wait();
      if (s.ok()) s = bg_error_;
    }
    // Let queued writers finish (they fail: the database is closed).
    while (!writers_.empty()) background_cv_.WaitFor(std::chrono::milliseconds(1));
    shutting_down_ = true;
    cancel_compactions_.store(true);
    background_cv_.SignalAll();
  }
  background_.join();
  for (std::thread& t : compaction_threads_) t.join();
  compaction_threads_.clear();
  MutexLock l(&mu_);
  if (log_ != nullptr) {
    Status close = log_->Close();
    if (s.ok()) s = close;
    log_.reset();
  }
  mem_->Unref();
  mem_ = nullptr;
  for (const Immutable& imm : imms_) imm.mem->Unref();
  imms_.clear();
  for (SnapshotImpl* snapshot : snapshots_) delete snapshot;
  snapshots_.clear();
  lock_.reset();
  return s;
}

Status DestroyDB(const std::string& name, const Options& options) {
  Options resolved = options;
  ResolveDefaultOptions(&resolved);
  FileSystem* fs = resolved.file_system.get();
  std::vector<std::string> children;
  Status s = fs->GetChildren(name, &children);
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return s;
  std::unique_ptr<FileLock> lock;
  s = fs->LockFile(LockFileName(name), &lock);
  if (!s.ok()) return s;
  for (const std::string& child : children) {
    uint64_t number;
    FileType type;
    if (ParseFileName(child, &number, &type) && type != FileType::kLock) {
      Status del = fs->RemoveFile(name + "/" + child);
      if (s.ok() && !del.ok() && !del.IsNotFound()) s = del;
    }
  }
  lock.reset();
  (void)fs->RemoveFile(LockFileName(name));
  (void)fs->RemoveDir(name);  // fails harmlessly when other files remain
  return s;
}

}  // namespace lsm
