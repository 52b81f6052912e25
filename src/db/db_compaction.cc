// DBImpl: the compaction threads and manual compactions (see db_impl.h).
//
// max_background_jobs - 1 threads compact, at a lower CPU priority than the rest of the
// process. Each picks the most urgent compaction of the current version that does not
// conflict with a running one (a CompactRange step first), runs it without the lock and
// installs its result; with nothing to do it sleeps until a new version, a manual
// compaction, a released version, an option change, Resume or Close wakes it (under FIFO with
// an age limit, also when the oldest table expires). A failed compaction leaves the previous
// version as it was and is retried after a backoff; five failures in a row put the database
// in the error state.
#include <sys/resource.h>
#include <unistd.h>

#include <absl/strings/str_format.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "src/db/db_impl.h"

namespace lsm {
namespace {

// Background compactions that fail this many times in a row put the database in the error
// state.
constexpr int kMaxCompactionFailures = 5;

}  // namespace

void DBImpl::CompactionThread() {
  // Compactions yield the CPU to foreground work and to flushes (best effort: Linux applies
  // a nice value to this thread alone).
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
  MutexLock l(&mu_);
  int failures_in_a_row = 0;
  while (!shutting_down_) {
    Family* family = nullptr;
    std::shared_ptr<const Version> version;
    ManualCompaction* manual = nullptr;
    std::unique_ptr<Compaction> c = PickNextCompaction(&family, &version, &manual);
    if (c == nullptr) {
      version.reset();  // waiting with it would keep its tables from being deleted
      WaitForCompactionWork();
      continue;
    }
    const uint64_t resumes_at_start = resumes_;
    const Status s = RunPickedCompaction(family, std::move(c), std::move(version), manual);
    if (s.ok() || s.IsBusy()) {
      failures_in_a_row = 0;
    } else if (manual != nullptr) {
      stats_.compaction_failures++;  // reported to the caller of CompactRange
    } else {
      OnCompactionFailure(s, resumes_at_start, &failures_in_a_row);
    }
    work_done_cv_.SignalAll();
    compaction_work_cv_.SignalAll();  // a new version, or a conflict gone
  }
}

std::unique_ptr<Compaction> DBImpl::PickNextCompaction(Family** family,
                                                       std::shared_ptr<const Version>* version,
                                                       ManualCompaction** manual) {
  *manual = nullptr;
  if (manual_ != nullptr && !manual_->family->dropped.load()) {
    std::shared_ptr<const Version> v = versions_->current(manual_->family->id);
    std::unique_ptr<Compaction> c = v != nullptr ? PickManualCompaction(*v, manual) : nullptr;
    if (c != nullptr) {
      *family = manual_->family;
      *version = std::move(v);
      return c;
    }
  }
  if (!bg_error_.ok()) return nullptr;
  // The most urgent compaction of any family.
  std::vector<Family*> candidates;
  std::vector<std::shared_ptr<const Version>> versions;
  std::vector<FamilyPickInput> inputs;
  for (Family* f : live_families_) {
    if (f->disable_auto_compactions) continue;
    std::shared_ptr<const Version> v = versions_->current(f->id);
    if (v == nullptr) continue;
    inputs.push_back(
        FamilyPickInput{v.get(), f->icmp, &f->options, &f->running, &f->compact_pointers});
    candidates.push_back(f);
    versions.push_back(std::move(v));
  }
  size_t chosen = 0;
  std::unique_ptr<Compaction> c = PickAcrossFamilies(inputs, NowSeconds(), &chosen);
  if (c != nullptr) {
    *family = candidates[chosen];
    *version = std::move(versions[chosen]);
  }
  return c;
}

void DBImpl::WaitForCompactionWork() {
  // Flushes and compactions delete what the versions they replace held; what a reader held
  // past that is deleted here, once it lets go.
  if (versions_released_ && bg_error_.ok()) {
    versions_released_ = false;
    DeleteObsoleteFiles();
    return;
  }
  uint64_t expiry = 0;
  for (Family* f : live_families_) {
    if (f->disable_auto_compactions) continue;
    std::shared_ptr<const Version> v = versions_->current(f->id);
    const uint64_t e = v != nullptr ? NextFifoExpiry(*v, f->options) : 0;
    if (e != 0 && (expiry == 0 || e < expiry)) expiry = e;
  }
  const uint64_t now = NowSeconds();
  if (expiry > now) {
    compaction_work_cv_.WaitFor(std::chrono::seconds(expiry - now));
  } else {
    // An expired table waits for the running compaction, whose end wakes this thread.
    compaction_work_cv_.Wait();
  }
}

Status DBImpl::RunPickedCompaction(Family* family, std::unique_ptr<Compaction> c,
                                   std::shared_ptr<const Version> version,
                                   ManualCompaction* manual) {
  const Comparator* ucmp = family->icmp->user_comparator();
  family->running.Add(*c, ucmp);
  running_compactions_++;
  std::vector<uint64_t> allocated;
  CompactionContext ctx = MakeContext(*family, version.get(), &allocated);
  ctx.rate_limiter = rate_limiter_.get();  // compactions only: flushes are never held back
  mu_.Unlock();
  const auto start = std::chrono::steady_clock::now();
  CompactionJobResult result;
  Status s = DoCompaction(family, *c, ctx, &result);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count();
  mu_.Lock();
  for (uint64_t n : allocated) pending_outputs_.erase(n);
  family->running.Remove(*c, ucmp);
  // A family dropped meanwhile: the work is moot, not failed.
  if (!s.ok() && family->dropped.load()) s = Status::Busy("column family dropped");
  family->level_stats[c->output_level].micros += static_cast<uint64_t>(micros);
  stats_.compaction_micros += static_cast<uint64_t>(micros);
  LogCompaction(*family, *c, result, s, micros);
  if (manual != nullptr) {
    manual->in_progress = false;
    if (!s.ok()) {
      manual->status = s;  // the caller of CompactRange sees the failure
      manual->done = true;
    } else if (manual->full) {
      manual->done = true;
    }
  }
  // The input version would keep the compacted tables alive.
  c.reset();
  version.reset();
  if (s.ok() || s.IsBusy()) DeleteObsoleteFiles();
  // After the last use of `manual` (CompactRange may return now) and after the inputs are
  // deleted (a caller waiting for no running compaction sees the disk settled).
  running_compactions_--;
  return s;
}

void DBImpl::LogCompaction(const Family& family, const Compaction& c,
                           const CompactionJobResult& result, const Status& s, int64_t micros) {
  const std::string what = family.id == 0
                               ? c.Describe()
                               : absl::StrFormat("column family %s: %s", family.name, c.Describe());
  if (!s.ok()) {
    if (!s.IsBusy()) info_log_.Warn("compaction failed: %s: %s", what, s.ToString());
    return;
  }
  if (c.deletion_only) {
    info_log_.Info("compaction: %s: deleted", what);
  } else if (c.IsTrivialMove(*family.icmp)) {
    info_log_.Info("compaction: %s: moved", what);
  } else {
    info_log_.Info(
        "compaction: %s: tables %s, %u entries in, %u dropped, %u filtered, %u bytes read, %u "
        "written, %.3f s",
        what, TableNumbers(result.outputs), result.entries_in, result.entries_dropped,
        result.entries_filtered, result.bytes_read, result.bytes_written, micros / 1e6);
  }
}

void DBImpl::OnCompactionFailure(const Status& s, uint64_t resumes_at_start,
                                 int* failures_in_a_row) {
  // The previous version stands and the outputs are gone: retry after a pause, and stop
  // accepting writes only if the failure persists.
  stats_.compaction_failures++;
  if (resumes_at_start != resumes_) {
    *failures_in_a_row = 0;  // a failure from before Resume: retry on the healed disk
  } else if (++*failures_in_a_row >= kMaxCompactionFailures) {
    SetBackgroundError(s);
  } else if (!shutting_down_) {
    // The backoff: 200 ms, doubling; new work (a new version, Resume, Close) cuts it short.
    compaction_work_cv_.WaitFor(std::chrono::milliseconds(100 << *failures_in_a_row));
  }
}

std::unique_ptr<Compaction> DBImpl::PickManualCompaction(const Version& version,
                                                         ManualCompaction** manual) {
  *manual = nullptr;
  ManualCompaction* m = manual_;
  if (m == nullptr || m->done || m->in_progress) return nullptr;
  Family* family = m->family;
  const Options& options = family->options;
  const InternalKeyComparator& icmp = *family->icmp;
  const Comparator* ucmp = icmp.user_comparator();
  if (!bg_error_.ok()) {
    m->status = bg_error_;
    m->done = true;
    work_done_cv_.SignalAll();
    return nullptr;
  }
  std::unique_ptr<Compaction> c;
  if (m->full) {
    c = PickFullCompaction(version, options);
    if (c == nullptr) {
      m->done = true;
    } else if (family->running.Conflicts(*c, ucmp)) {
      return nullptr;  // try again once the running compaction is done
    }
  } else {
    const std::string* begin = m->begin ? &*m->begin : nullptr;
    const std::string* end = m->end ? &*m->end : nullptr;
    while (c == nullptr && m->level < m->last_level) {
      // Down to the next level that holds data, skipping empty ones.
      int output = m->level + 1;
      while (output < m->last_level && version.NumFiles(output) == 0) output++;
      c = PickRangeCompaction(version, icmp, options, m->level, output, begin, end);
      if (c != nullptr && family->running.Conflicts(*c, ucmp)) {
        return nullptr;  // try again once the conflicting compaction is done
      }
      m->level = output;
    }
    if (c == nullptr && family->compaction_filter() != nullptr && !m->last_level_rewritten) {
      // As RocksDB does with a compaction filter (a TTL family's included): the range's data
      // in the last level is rewritten too, so that the filter sees all of it.
      c = PickRangeCompaction(version, icmp, options, m->last_level, m->last_level, begin, end);
      if (c != nullptr && family->running.Conflicts(*c, ucmp)) return nullptr;
      m->last_level_rewritten = true;
    }
    if (c == nullptr) m->done = true;
  }
  if (m->done) {
    work_done_cv_.SignalAll();
    return nullptr;
  }
  m->in_progress = true;
  *manual = m;
  return c;
}

Status DBImpl::DoCompaction(Family* family, const Compaction& c, const CompactionContext& ctx,
                            CompactionJobResult* result) {
  VersionEdit edit;
  edit.SetColumnFamily(family->id);
  Status s;
  const bool trivial = c.IsTrivialMove(*family->icmp);
  for (const CompactionInputs& in : c.inputs) {
    for (const auto& f : in.files) edit.RemoveFile(in.level, f->number);
  }
  if (trivial) {
    for (const auto& f : c.inputs[0].files) edit.AddFile(c.output_level, *f);
  } else if (!c.deletion_only) {
    s = RunCompaction(c, ctx, result);
    if (s.ok()) {
      for (const FileMetaData& f : result->outputs) edit.AddFile(c.output_level, f);
    }
  }
  // A failed job has removed its outputs. After a failed MANIFEST write they stay: the
  // version set keeps them until a new MANIFEST is known not to name them.
  if (s.ok()) s = LogAndApply(&edit);
  MutexLock l(&mu_);
  if (!s.ok()) return s;
  if (trivial) {
    stats_.trivial_moves++;
  } else if (c.deletion_only) {
    stats_.files_deleted_by_fifo += static_cast<uint64_t>(c.NumInputFiles());
  } else {
    stats_.compactions++;
    stats_.compaction_bytes_read += result->bytes_read;
    stats_.compaction_bytes_written += result->bytes_written;
    stats_.entries_filtered += result->entries_filtered;
    DBStats::Level& level = family->level_stats[c.output_level];
    level.compactions++;
    level.bytes_read += result->bytes_read;
    level.bytes_written += result->bytes_written;
  }
  return s;
}

Status DBImpl::CompactRange(ColumnFamilyHandle* column_family, const std::string_view* begin,
                            const std::string_view* end) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return s;
  if (read_only_) return ReadOnly();
  s = Flush(FlushOptions(), column_family);
  if (!s.ok()) return s;
  const Options& options = family->options;
  // FIFO keeps data as it was written: there is nothing to merge.
  if (options.compaction_style == CompactionStyle::kFIFO) return Status::OK();
  ManualCompaction manual;
  manual.family = family;
  if (begin != nullptr) manual.begin = std::string(*begin);
  if (end != nullptr) manual.end = std::string(*end);
  MutexLock l(&mu_);
  while (manual_ != nullptr && !shutting_down_) work_done_cv_.Wait();  // one at a time
  if (shutting_down_) return DatabaseClosed();
  std::shared_ptr<const Version> current = versions_->current(family->id);
  if (current == nullptr) return Status::InvalidArgument("column family dropped");
  const int deepest =
      DeepestOverlappingLevel(*current, *family->icmp, manual.begin ? &*manual.begin : nullptr,
                              manual.end ? &*manual.end : nullptr);
  current.reset();
  if (deepest < 0) return Status::OK();  // nothing in the range
  if (options.compaction_style == CompactionStyle::kUniversal) {
    manual.full = true;  // sorted runs span the whole key space: all of them become one
  } else if (options.level_compaction_dynamic_level_bytes) {
    manual.last_level = kNumLevels - 1;  // the range's data ends in the last level
  } else {
    // Data moves down to the deepest level that holds any of the range (at least level 1).
    manual.last_level = std::max(deepest, 1);
  }
  manual_ = &manual;
  compaction_work_cv_.SignalAll();
  // On close, wait until no compaction may still report to `manual`.
  while (!manual.done && !(shutting_down_ && running_compactions_ == 0)) {
    if (family->dropped.load() && !manual.in_progress) {
      manual.status = Status::InvalidArgument("column family dropped");
      manual.done = true;
      break;
    }
    work_done_cv_.Wait();
  }
  manual_ = nullptr;
  work_done_cv_.SignalAll();  // the next CompactRange may go
  if (!manual.done) return DatabaseClosed();
  return manual.status;
}

Status DBImpl::DeleteFilesInRange(ColumnFamilyHandle* column_family, std::string_view begin,
                                  std::string_view end) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return s;
  if (read_only_) return ReadOnly();
  // The range's keys are deleted first (this also checks begin and end): dropping a table
  // then cannot bring back an older version of a key from a table kept below it.
  s = DeleteRange(WriteOptions(), column_family, begin, end);
  if (!s.ok()) return s;
  const Comparator* ucmp = family->icmp->user_comparator();
  if (ucmp->Compare(begin, end) == 0) return Status::OK();
  MutexLock l(&mu_);
  std::shared_ptr<const Version> current = versions_->current(family->id);
  if (current == nullptr) return Status::InvalidArgument("column family dropped");
  // A snapshot sees the entries of a table at or below its sequence.
  const bool snapshots = !snapshots_.empty();
  const SequenceNumber newest_snapshot = snapshots ? snapshots_.back()->sequence : 0;
  VersionEdit edit;
  edit.SetColumnFamily(family->id);
  uint64_t dropped = 0, bytes = 0;
  for (int level = 0; level < kNumLevels; level++) {
    for (const auto& f : current->files(level)) {
      // Its keys all within [begin, end): a table whose range ends at `end` (one holding a
      // tombstone that ends there) stays.
      if (ucmp->Compare(ExtractUserKey(f->smallest), begin) < 0 ||
          ucmp->Compare(ExtractUserKey(f->largest), end) >= 0 ||
          family->running.IsBusy(f->number) ||
          (snapshots && f->smallest_seqno <= newest_snapshot)) {
        continue;
      }
      edit.RemoveFile(level, f->number);
      dropped++;
      bytes += f->file_size;
    }
  }
  current.reset();
  if (dropped == 0) return Status::OK();
  s = LogAndApply(&edit);
  if (!s.ok()) return s;
  info_log_.Info("delete files in range: %s%u tables, %u bytes dropped",
                 family->id == 0 ? "" : absl::StrFormat("column family %s: ", family->name),
                 dropped, bytes);
  DeleteObsoleteFiles();
  return Status::OK();
}

}  // namespace lsm
