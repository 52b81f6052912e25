// DBImpl: background work that flushes and compactions share, and the flush thread (see
// db_impl.h).
//
// One thread flushes frozen memtables to level-0 tables, oldest first; each flush installs its
// table and retires the memtable's log in one version edit. Flushes come before compactions:
// the compaction threads run at a lower priority and are woken by every new version.
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>

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
    while (!shutting_down_ && (flush_queue_.empty() || !bg_error_.ok())) flush_work_cv_.Wait();
    if (shutting_down_) break;
    const FlushRequest request = flush_queue_.front();
    // Families that hold nothing unflushed need none of the logs before the current one: the
    // edit says so, or a family that is rarely written would keep every log.
    std::vector<VersionEdit> advance;
    for (Family* f : live_families_) {
      if (!f->HoldsUnflushed()) {
        VersionEdit& edit = advance.emplace_back();
        edit.SetColumnFamily(f->id);
        edit.SetLogNumber(log_number_);
      }
    }
    const SequenceNumber last_sequence = last_sequence_;
    const uint64_t resumes_at_start = resumes_;
    flushing_ = true;
    mu_.Unlock();
    Status s = FlushImmutables(request, std::move(advance), last_sequence);
    mu_.Lock();
    flushing_ = false;
    if (s.ok()) {
      // The logs are obsolete once the tables are installed; they are gone before the
      // memtables leave the queue, so a caller that waits for the queue to drain sees the disk
      // settled.
      DeleteObsoleteFiles();
      for (Family* f : request.families) {
        f->imms.front().mem->Unref();
        f->imms.pop_front();
      }
      if (request.commit_metadata) commits_done_ = request.commit;
      flush_queue_.pop_front();
      ReportMemory(/*notify=*/true);  // writers of every database of the budget look again
      compaction_work_cv_.SignalAll();
    } else if (resumes_at_start == resumes_) {
      // Only a failure since the last Resume: one from before it is retried at once.
      SetBackgroundError(s);
    }
    work_done_cv_.SignalAll();
  }
}

Status DBImpl::FlushImmutables(const FlushRequest& request, std::vector<VersionEdit> advance,
                               SequenceNumber last_sequence) {
  std::vector<uint64_t> allocated;
  const std::vector<Family*>& families = request.families;
  std::vector<VersionEdit> edits(families.size());
  std::vector<Immutable> imms;
  std::vector<CompactionJobResult> results(families.size());
  Status s;
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; s.ok() && i < families.size(); i++) {
    Family* f = families[i];
    CompactionContext ctx;
    std::shared_ptr<const Version> version;
    {
      MutexLock l(&mu_);
      imms.push_back(f->imms.front());
      if (f->dropped.load()) continue;  // its memtable is let go unflushed
      version = versions_->current(f->id);
      ctx = MakeContext(*f, version.get(), &allocated);
    }
    std::unique_ptr<InternalIterator> iter = imms[i].mem->NewIterator();
    s = RunFlush(iter.get(), imms[i].mem->RangeTombstones(), ctx, &results[i]);
    VersionEdit& edit = edits[i];
    edit.SetColumnFamily(f->id);
    for (const FileMetaData& out : results[i].outputs) edit.AddFile(0, out);
    // The memtable's writes are in the table now; only logs from the next memtable on matter.
    edit.SetLogNumber(imms[i].next_log_number);
    edit.SetLastSequence(last_sequence);
  }
  std::vector<VersionEdit*> record;
  for (size_t i = 0; i < families.size(); i++) {
    if (!families[i]->dropped.load()) record.push_back(&edits[i]);
  }
  for (VersionEdit& edit : advance) record.push_back(&edit);
  // A commit's metadata goes with the default family's edit: that family is never dropped.
  VersionEdit commit;
  if (request.commit_metadata) {
    auto it = std::find_if(record.begin(), record.end(),
                           [](const VersionEdit* e) { return e->column_family() == 0; });
    if (it == record.end()) it = record.insert(record.end(), &commit);
    (*it)->SetCommitMetadata(*request.commit_metadata);
  }
  if (s.ok() && !record.empty()) s = LogAndApply(record);
  MutexLock l(&mu_);
  for (uint64_t n : allocated) pending_outputs_.erase(n);
  // On a failed MANIFEST write the tables stay (see DoCompaction).
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  if (s.ok()) stats_.flush_micros += static_cast<uint64_t>(seconds.count() * 1e6);
  for (size_t i = 0; i < imms.size(); i++) {
    const Family& f = *families[i];
    if (f.dropped.load()) continue;
    if (s.ok()) {
      stats_.flushes++;
      stats_.flush_bytes += results[i].bytes_written;
      info_log_.Info("flush: %smemtable of log %06u: tables %s, %u entries, %u bytes, %.3f s",
                     f.id == 0 ? "" : absl::StrFormat("column family %s: ", f.name),
                     imms[i].log_number, TableNumbers(results[i].outputs), results[i].entries_in,
                     results[i].bytes_written, seconds.count());
    } else {
      info_log_.Warn("flush failed: %smemtable of log %06u: %s",
                     f.id == 0 ? "" : absl::StrFormat("column family %s: ", f.name),
                     imms[i].log_number, s.ToString());
    }
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
  Status s = CheckOpen();
  if (!s.ok()) return s;
  std::vector<ColumnFamilyHandle*> all;
  for (Family* f : LiveFamilies()) all.push_back(f->handle.get());
  // Each family's own edit: an atomic flush of every family is for those who ask for it.
  FlushOptions options;
  s = Flush(options, all);
  return s;
}

Status DBImpl::Flush(const FlushOptions& options, ColumnFamilyHandle* column_family) {
  return Flush(options, std::vector<ColumnFamilyHandle*>{column_family});
}

Status DBImpl::Flush(const FlushOptions& options,
                     const std::vector<ColumnFamilyHandle*>& column_families) {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  if (read_only_) return ReadOnly();
  std::vector<Family*> families;
  for (ColumnFamilyHandle* handle : column_families) {
    Family* f;
    s = FamilyOf(handle, &f);
    if (!s.ok()) return s;
    if (std::find(families.begin(), families.end(), f) == families.end()) families.push_back(f);
  }
  const std::string* commit = options.commit_metadata.empty() ? nullptr : &options.commit_metadata;
  if (commit != nullptr && commit->size() > kMaxCommitMetadataSize) {
    return Status::InvalidArgument(
        absl::StrFormat("FlushOptions::commit_metadata has %u bytes, more than the %u allowed",
                        commit->size(), kMaxCommitMetadataSize));
  }
  // A commit is always one edit.
  const bool atomic = (options_.atomic_flush && families.size() > 1) || commit != nullptr;
  uint64_t commit_number = 0;
  s = RunExclusive([&] {
    mu_.AssertHeld();
    // No write runs meanwhile, so a family created later holds nothing the commit misses.
    Status r = commit != nullptr ? CheckCommitCovers(families) : Status::OK();
    if (r.ok()) r = MakeRoomForWrite(families, atomic, commit);
    commit_number = commits_requested_;
    return r;
  });
  if (!s.ok() || !options.wait) return s;
  MutexLock l(&mu_);
  if (commit != nullptr) {
    while (commits_done_ < commit_number && bg_error_.ok() && !shutting_down_) {
      work_done_cv_.Wait();
    }
    if (!bg_error_.ok()) return bg_error_;
    return commits_done_ < commit_number ? DatabaseClosed() : Status::OK();
  }
  for (Family* f : families) {
    s = WaitForFlush(f);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status DBImpl::CheckCommitCovers(const std::vector<Family*>& families) {
  std::vector<std::string> missing;
  for (Family* f : live_families_) {
    if (std::find(families.begin(), families.end(), f) == families.end()) {
      missing.push_back(f->name);
    }
  }
  if (!missing.empty()) {
    return Status::InvalidArgument(
        "a commit (FlushOptions::commit_metadata) must flush every column family; not named: " +
        absl::StrJoin(missing, ", "));
  }
  return Status::OK();
}

Status DBImpl::GetCommittedMetadata(std::string* metadata) {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  *metadata = versions_->committed_metadata();
  if (metadata->empty()) return Status::NotFound("the database has no commit");
  return Status::OK();
}

Status DBImpl::WaitForFlush(Family* family) {
  while (!family->imms.empty() && !family->dropped.load() && bg_error_.ok() && !shutting_down_) {
    work_done_cv_.Wait();
  }
  if (!bg_error_.ok()) return bg_error_;
  return shutting_down_ && !family->imms.empty() ? DatabaseClosed() : Status::OK();
}

void DBImpl::SetBackgroundError(const Status& s) {
  if (!bg_error_.ok()) return;
  info_log_.Error("background error, writes stop until Resume: %s", s.ToString());
  bg_error_ = s;
  work_done_cv_.SignalAll();
  // No flush of this database will end now: writers of the budget waiting for one look again.
  ReportMemory(/*notify=*/true);
}

Status DBImpl::LogAndApply(const std::vector<VersionEdit*>& edits) {
  MutexLock l(&apply_mu_);
  Status s = versions_->LogAndApply(edits);
  for (const VersionEdit* edit : edits) {
    if (Family* f = FindFamily(edit->column_family()); f != nullptr) UpdateFamilyFigures(f);
  }
  version_generation_.fetch_add(1);  // after the version is current (see ReleaseVersion)
  return s;
}

void DBImpl::UpdateFamilyFigures(Family* family) {
  std::shared_ptr<const Version> current = versions_->current(family->id);
  if (current == nullptr) return;
  family->level0_files.store(current->NumFiles(0));
  family->pending_compaction_bytes.store(EstimatePendingCompactionBytes(*current, family->options));
}

SequenceNumber DBImpl::OldestSnapshot() {
  return snapshots_.empty() ? visible_sequence_.load(std::memory_order_acquire)
                            : snapshots_.front()->sequence;
}

CompactionContext DBImpl::MakeContext(const Family& family, const Version* version,
                                      std::vector<uint64_t>* allocated) {
  CompactionContext ctx;
  ctx.dbname = dbname_;
  ctx.fs = fs_;
  ctx.direct_writes = options_.use_direct_io_for_flush_and_compaction;
  ctx.table_options = TableOptions::FromOptions(family.options);
  // Tables name their family, so that RepairDB can give them back to it.
  ctx.table_options.column_family_id = family.id;
  ctx.table_options.column_family_name = family.name;
  ctx.table_cache = family.table_cache.get();
  ctx.icmp = family.icmp;
  ctx.version = version;
  ctx.oldest_snapshot = OldestSnapshot();
  for (const SnapshotImpl* snapshot : snapshots_) ctx.snapshots.push_back(snapshot->sequence);
  ctx.filter = family.compaction_filter();
  ctx.merge_operator = family.options.merge_operator.get();
  ctx.now_seconds = NowSeconds();
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
  const uint64_t min_log = versions_->MinLogNumber();
  // Logs below it no longer count against max_total_wal_size, deleted below or not.
  while (!closed_logs_.empty() && closed_logs_.begin()->first < min_log) {
    closed_log_bytes_ -= closed_logs_.begin()->second;
    closed_logs_.erase(closed_logs_.begin());
  }
  // A checkpoint under way copies logs from its own oldest on.
  const uint64_t keep_logs_from =
      checkpoint_logs_.empty() ? min_log : std::min(min_log, *checkpoint_logs_.begin());
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
        keep = number >= keep_logs_from;
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
  std::vector<TableCache*> caches;
  {
    MutexLock l(&families_mu_);
    for (const auto& [id, f] : families_) caches.push_back(f->table_cache.get());
  }
  // Deleting needs no lock: nothing refers to these files any more.
  const bool archive = ArchivesLogs();
  const std::string archive_dir = ArchiveDirName(dbname_);
  std::vector<std::pair<uint64_t, uint64_t>> archived;  // (log, bytes)
  mu_.Unlock();
  for (const auto& [type, number] : obsolete) {
    if (type == FileType::kTable) {
      for (TableCache* cache : caches) cache->Evict(number);
    }
    const std::string path = type == FileType::kLog     ? LogFileName(dbname_, number)
                             : type == FileType::kTable ? TableFileName(dbname_, number)
                             : type == FileType::kTemp  ? TempFileName(dbname_, number)
                                                        : ManifestFileName(dbname_, number);
    if (type == FileType::kLog && archive) {
      // Kept for GetUpdatesSince. Recovery needs it no more, so a crash meanwhile is harmless.
      uint64_t bytes = 0;
      (void)fs_->GetFileSize(path, &bytes);
      if (fs_->CreateDirIfMissing(archive_dir).ok() &&
          fs_->RenameFile(path, LogFileName(archive_dir, number)).ok()) {
        archived.emplace_back(number, bytes);
      }
      continue;
    }
    if (fs_->RemoveFile(path).ok()) LSM_KILLPOINT("file.delete");
  }
  mu_.Lock();
  for (const auto& [number, bytes] : archived) LogArchived(number, bytes);
  if (std::vector<uint64_t> expired = TakeExpiredArchivedLogs(); !expired.empty()) {
    mu_.Unlock();
    for (uint64_t number : expired) (void)fs_->RemoveFile(LogFileName(archive_dir, number));
    mu_.Lock();
  }
}

}  // namespace lsm
