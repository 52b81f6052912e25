// DBImpl: background work that flushes and compactions share, and the flush thread (see
// db_impl.h).
//
// One thread flushes frozen memtables to level-0 tables, oldest first; each flush installs its
// table and retires the memtable's log in one version edit. Flushes come before compactions:
// the compaction threads run at a lower priority and are woken by every new version.
#include <absl/strings/str_format.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "src/base/filename.h"
#include "src/db/db_impl.h"
#include "src/util/killpoint.h"

namespace lsm {

void DBImpl::FlushThread() {
  MutexLock l(&mu_);
  while (true) {
    while (!shutting_down_ && (imms_.empty() || !bg_error_.ok())) flush_work_cv_.Wait();
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
      compaction_work_cv_.SignalAll();
    } else if (resumes_at_start == resumes_) {
      // Only a failure since the last Resume: one from before it is retried at once.
      SetBackgroundError(s);
    }
    work_done_cv_.SignalAll();
  }
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
  const auto start = std::chrono::steady_clock::now();
  Status s = RunFlush(iter.get(), imm.mem->RangeTombstones(), ctx, &result);
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
    stats_.flushes++;
    stats_.flush_bytes += result.bytes_written;
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    info_log_.Info("flush: memtable of log %06u: tables %s, %u entries, %u bytes, %.3f s",
                   imm.log_number, TableNumbers(result.outputs), result.entries_in,
                   result.bytes_written, seconds.count());
  } else {
    info_log_.Warn("flush failed: memtable of log %06u: %s", imm.log_number, s.ToString());
  }
  return s;
}

std::string TableNumbers(const std::vector<FileMetaData>& tables) {
  if (tables.empty()) return "(none)";
  std::string text;
  for (const FileMetaData& f : tables) {
    absl::StrAppendFormat(&text, "%s%06u", text.empty() ? "" : ",", f.number);
  }
  return text;
}

Status DBImpl::Flush() {
  Status s = Write(WriteOptions(), nullptr);
  if (!s.ok()) return s;
  MutexLock l(&mu_);
  while (!imms_.empty() && bg_error_.ok() && !shutting_down_) work_done_cv_.Wait();
  return bg_error_;
}

void DBImpl::SetBackgroundError(const Status& s) {
  if (!bg_error_.ok()) return;
  info_log_.Error("background error, writes stop until Resume: %s", s.ToString());
  bg_error_ = s;
  work_done_cv_.SignalAll();
}

Status DBImpl::LogAndApply(VersionEdit* edit) {
  MutexLock l(&apply_mu_);
  Status s = versions_->LogAndApply(edit);
  std::shared_ptr<const Version> current = versions_->current();
  level0_files_.store(current->NumFiles(0));
  pending_compaction_bytes_.store(EstimatePendingCompactionBytes(*current, options_));
  version_generation_.fetch_add(1);  // after the version is current (see ReleaseVersion)
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
  ctx.direct_writes = options_.use_direct_io_for_flush_and_compaction;
  ctx.table_options = TableOptions::FromOptions(options_);
  ctx.table_cache = table_cache_.get();
  ctx.icmp = &icmp_;
  ctx.version = version;
  ctx.oldest_snapshot = OldestSnapshot();
  for (const SnapshotImpl* snapshot : snapshots_) ctx.snapshots.push_back(snapshot->sequence);
  ctx.filter = options_.compaction_filter;
  ctx.merge_operator = options_.merge_operator.get();
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
      case FileType::kTemp:
        keep = live.contains(number);
        break;
      case FileType::kManifest:
        keep = number >= manifest;
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

}  // namespace lsm
