// DBImpl: leaving the error state (Resume), closing, and DestroyDB (see db_impl.h).
#include "src/base/filename.h"
#include "src/db/db_impl.h"
#include "src/db/options_validation.h"

namespace lsm {

Status DBImpl::Resume() {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  MutexLock l(&mu_);
  if (bg_error_.ok()) return Status::OK();
  info_log_.Info("resume: after %s", bg_error_.ToString());
  // A group's leader may still be appending to the current log outside the lock: let the
  // queue drain before the log is replaced (writes arriving meanwhile fail on the error).
  while (!writers_.empty()) writers_drained_cv_.Wait();
  // The current log may hold a partial write: continue in a new one, and flush every
  // memtable before accepting writes, so that recovery never needs the damaged log.
  std::unique_ptr<log::Writer> new_log;
  uint64_t new_number;
  s = NewLog(&new_log, &new_number);
  if (!s.ok()) return s;
  if (log_ != nullptr) {
    (void)log_->Close();
    LogClosed();
  }
  // Every family, empty ones too: each flush moves its family's log number past the damaged
  // log.
  FreezeMemTables(live_families_, /*atomic=*/false, std::move(new_log), new_number,
                  /*commit=*/nullptr);
  bg_error_ = Status::OK();
  resumes_++;
  resuming_ = true;
  flush_work_cv_.Signal();
  compaction_work_cv_.SignalAll();
  while (!flush_queue_.empty() && bg_error_.ok() && !shutting_down_) work_done_cv_.Wait();
  resuming_ = false;
  work_done_cv_.SignalAll();  // writers held back while resuming
  ReportMemory(/*notify=*/true);
  if (bg_error_.ok()) info_log_.Info("resume: done");
  return bg_error_;
}

Status DBImpl::Close() {
  if (closed_.exchange(true)) return DatabaseClosed();
  Status s;
  {
    MutexLock l(&mu_);
    if (!opened_) return Status::OK();
    // Writes made without the WAL exist only in memory: they are the one thing Close flushes
    // (but under recover_to_last_commit, where only a commit keeps writes).
    std::vector<Family*> must_flush;
    for (Family* f : options_.recover_to_last_commit ? std::vector<Family*>{} : live_families_) {
      bool unlogged = f->mem_has_unlogged;
      for (const Immutable& imm : f->imms) unlogged = unlogged || imm.unlogged;
      if (unlogged) must_flush.push_back(f);
    }
    if (!must_flush.empty() && bg_error_.ok()) {
      // As an exclusive writer would, once the queue is empty.
      while (!writers_.empty()) writers_drained_cv_.Wait();
      s = MakeRoomForWrite(must_flush, options_.atomic_flush);
      while (s.ok() && !flush_queue_.empty() && bg_error_.ok()) work_done_cv_.Wait();
      if (s.ok()) s = bg_error_;
    }
    // Let queued writers finish (they fail: the database is closed).
    while (!writers_.empty()) writers_drained_cv_.Wait();
    shutting_down_ = true;
    cancel_compactions_.store(true);
    flush_work_cv_.SignalAll();
    compaction_work_cv_.SignalAll();
    work_done_cv_.SignalAll();
    // Its frozen memtables will not be flushed now: writers of the budget must not wait for them.
    ReportMemory(/*notify=*/true);
  }
  if (flush_thread_.joinable()) flush_thread_.join();  // none when read-only
  for (std::thread& t : compaction_threads_) t.join();
  compaction_threads_.clear();
  s = ReleaseAtClose(s);
  // The memtables are gone: the other databases of the budget have the memory.
  DetachFromBudget();
  lock_.reset();
  return s;
}

Status DBImpl::ReleaseAtClose(Status s) {
  MutexLock l(&mu_);
  if (log_ != nullptr) {
    Status close = log_->Close();
    if (s.ok()) s = close;
    log_.reset();
  }
  for (Family* f : LiveFamilies()) {
    if (f->mem != nullptr) f->mem->Unref();
    f->mem = nullptr;
  }
  {
    MutexLock fl(&families_mu_);
    for (const auto& [id, f] : families_) {
      for (const Immutable& imm : f->imms) imm.mem->Unref();
      f->imms.clear();
    }
  }
  flush_queue_.clear();
  mems_.reset();
  for (SnapshotImpl* snapshot : snapshots_) delete snapshot;
  snapshots_.clear();
  if (s.ok()) {
    info_log_.Info("closed: last sequence %u", last_sequence_);
  } else {
    info_log_.Error("close: %s", s.ToString());
  }
  return s;
}

Status DestroyDB(const std::string& name, const Options& options) {
  Options resolved = options;
  Status s = ResolveDefaultOptions(&resolved);
  if (!s.ok()) return s;
  FileSystem* fs = resolved.file_system.get();
  std::vector<std::string> children;
  s = fs->GetChildren(name, &children);
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
  // The logs kept for GetUpdatesSince.
  const std::string archive = ArchiveDirName(name);
  std::vector<std::string> archived;
  if (fs->GetChildren(archive, &archived).ok()) {
    for (const std::string& child : archived) {
      uint64_t number;
      FileType type;
      if (ParseFileName(child, &number, &type) && type == FileType::kLog) {
        Status del = fs->RemoveFile(archive + "/" + child);
        if (s.ok() && !del.ok() && !del.IsNotFound()) s = del;
      }
    }
    (void)fs->RemoveDir(archive);
  }
  lock.reset();
  (void)fs->RemoveFile(LockFileName(name));
  (void)fs->RemoveDir(name);  // fails harmlessly when other files remain
  return s;
}

}  // namespace lsm
