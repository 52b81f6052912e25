// DBImpl: opening a database and recovering it (see db_impl.h).
//
// Recovery: CURRENT and the MANIFEST give the tables; the logs the MANIFEST does not cover are
// replayed under Options::wal_recovery_mode into level-0 tables, and a new log and MANIFEST
// edit start the database's new life.
#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>

#include <algorithm>
#include <utility>

#include "src/base/filename.h"
#include "src/base/write_batch_internal.h"
#include "src/db/db_impl.h"
#include "src/db/log_replay.h"
#include "src/db/memtable_insert.h"
#include "src/db/options_file.h"
#include "src/db/options_validation.h"
#include "src/io/file_logger.h"
#include "src/util/killpoint.h"

namespace lsm {

namespace {

// InvalidArgument unless `descriptors` name the default family and no family twice, each with
// valid options.
Status CheckDescriptors(const DBOptions& db_options,
                        const std::vector<ColumnFamilyDescriptor>& descriptors) {
  bool has_default = false;
  absl::flat_hash_set<std::string> names;
  for (const ColumnFamilyDescriptor& d : descriptors) {
    if (d.name.empty()) return Status::InvalidArgument("a column family name is empty");
    if (!names.insert(d.name).second) {
      return Status::InvalidArgument("column family " + d.name + " is named twice");
    }
    has_default = has_default || d.name == kDefaultColumnFamilyName;
    Status s = ValidateOptions(Options(db_options, d.options));
    if (!s.ok()) {
      return d.name == kDefaultColumnFamilyName ? s : s.WithContext("column family " + d.name);
    }
  }
  if (!has_default) {
    return Status::InvalidArgument("the column families to open must include \"default\"");
  }
  return Status::OK();
}

Status OpenImpl(const DBOptions& db_options, const std::string& name,
                const std::vector<ColumnFamilyDescriptor>& descriptors,
                std::vector<ColumnFamilyHandle*>* handles, bool read_only,
                std::unique_ptr<DB>* dbptr) {
  dbptr->reset();
  handles->clear();
  Status s = CheckDescriptors(db_options, descriptors);
  if (!s.ok()) return s;
  if (name.empty()) return Status::InvalidArgument("DB::Open: the database path is empty");
  const ColumnFamilyDescriptor& default_family = *std::find_if(
      descriptors.begin(), descriptors.end(),
      [](const ColumnFamilyDescriptor& d) { return d.name == kDefaultColumnFamilyName; });
  Options resolved(db_options, default_family.options);
  std::string io_note;
  s = ResolveDefaultOptions(&resolved, &io_note);
  if (!s.ok()) return s;
  if (read_only) {
    resolved.create_if_missing = false;
    resolved.error_if_exists = false;
  }
  auto impl = std::make_unique<DBImpl>(resolved, name, read_only, std::move(io_note));
  s = read_only ? impl->OpenReadOnly(descriptors, handles) : impl->Open(descriptors, handles);
  if (s.ok()) {
    *dbptr = std::move(impl);
  } else {
    handles->clear();
  }
  return s;
}

Status OpenDefault(const Options& options, const std::string& name, bool read_only,
                   std::unique_ptr<DB>* dbptr) {
  std::vector<ColumnFamilyHandle*> handles;
  return OpenImpl(options, name, {{kDefaultColumnFamilyName, options}}, &handles, read_only, dbptr);
}

}  // namespace

Status DB::Open(const Options& options, const std::string& name, std::unique_ptr<DB>* dbptr) {
  return OpenDefault(options, name, /*read_only=*/false, dbptr);
}

Status DB::OpenForReadOnly(const Options& options, const std::string& name,
                           std::unique_ptr<DB>* dbptr) {
  return OpenDefault(options, name, /*read_only=*/true, dbptr);
}

Status DB::Open(const DBOptions& options, const std::string& name,
                const std::vector<ColumnFamilyDescriptor>& column_families,
                std::vector<ColumnFamilyHandle*>* handles, std::unique_ptr<DB>* dbptr) {
  return OpenImpl(options, name, column_families, handles, /*read_only=*/false, dbptr);
}

Status DB::OpenForReadOnly(const DBOptions& options, const std::string& name,
                           const std::vector<ColumnFamilyDescriptor>& column_families,
                           std::vector<ColumnFamilyHandle*>* handles, std::unique_ptr<DB>* dbptr) {
  return OpenImpl(options, name, column_families, handles, /*read_only=*/true, dbptr);
}

Status DB::ListColumnFamilies(const DBOptions& options, const std::string& name,
                              std::vector<std::string>* column_families) {
  Options resolved(options, ColumnFamilyOptions());
  Status s = ResolveDefaultOptions(&resolved);
  if (!s.ok()) return s;
  return lsm::ListColumnFamilies(resolved.file_system.get(), name, column_families);
}

DBImpl::DBImpl(const Options& options, std::string dbname, bool read_only, std::string io_note)
    : dbname_(std::move(dbname)),
      options_(options),
      read_only_(read_only),
      io_note_(std::move(io_note)),
      fs_(options_.file_system.get()),
      budget_(static_cast<MemoryBudgetImpl*>(options_.memory_budget.get())),
      own_block_cache_(budget_ == nullptr && options_.block_cache_bytes > 0
                           ? std::make_unique<BlockCache>(options_.block_cache_bytes)
                           : nullptr),
      block_cache_(budget_ != nullptr ? budget_->block_cache() : own_block_cache_.get()),
      versions_(std::make_unique<VersionSet>(dbname_, options_)),
      rate_limiter_(
          options_.compaction_rate_limit_bytes_per_sec > 0
              ? std::make_unique<RateLimiter>(options_.compaction_rate_limit_bytes_per_sec)
              : nullptr) {}

DBImpl::~DBImpl() {
  if (!closed_.load()) (void)Close();
  DetachFromBudget();  // an open that failed
}

Status DBImpl::CheckOpen() const { return closed_.load() ? DatabaseClosed() : Status::OK(); }

Status DBImpl::AttachToBudget(size_t families) {
  if (budget_ == nullptr) return Status::OK();
  // Before anything is made or changed: a budget too small leaves the database as it was.
  return budget_->Attach(
      dbname_, static_cast<int>(families), [this] { FreezeForBudget(); }, &budget_member_);
}

Status DBImpl::Open(const std::vector<ColumnFamilyDescriptor>& descriptors,
                    std::vector<ColumnFamilyHandle*>* handles) {
  if (Status s = AttachToBudget(descriptors.size()); !s.ok()) return s;
  if (options_.create_if_missing) {
    Status s = fs_->CreateDirIfMissing(dbname_);
    if (!s.ok()) return s;
  } else if (fs_->FileExists(dbname_).IsNotFound()) {
    return Status::InvalidArgument(dbname_, "does not exist (create_if_missing is false)");
  }
  Status s = fs_->LockFile(LockFileName(dbname_), &lock_);
  if (s.ok()) s = CheckDirectIo(LockFileName(dbname_));
  if (!s.ok()) return s;
  StartInfoLog();

  MutexLock l(&mu_);
  std::vector<VersionEdit> edits;
  s = Recover(descriptors, &edits);
  uint64_t new_log = 0;
  if (s.ok()) s = NewLog(&log_, &new_log);
  if (s.ok() && options_.paranoid_checks) s = CheckTables();
  if (s.ok()) {
    log_number_ = new_log;
    std::vector<VersionEdit*> record;
    for (VersionEdit& edit : edits) {
      edit.SetLogNumber(new_log);
      edit.SetLastSequence(last_sequence_);
      record.push_back(&edit);
    }
    // Under recover_to_last_commit the recovered state is committed (with the tables the logs
    // gave, if the database was written otherwise before).
    if (options_.recover_to_last_commit) {
      record.front()->SetCommitMetadata(versions_->committed_metadata());
    }
    s = LogAndApply(record);
  }
  // Families the database lacks: created now.
  auto has_family = [this](const std::string& name) {
    mu_.AssertHeld();
    return std::any_of(live_families_.begin(), live_families_.end(),
                       [&](const Family* f) { return f->name == name; });
  };
  for (const ColumnFamilyDescriptor& d : descriptors) {
    if (!s.ok()) break;
    if (has_family(d.name)) continue;
    if (!options_.create_missing_column_families) {
      s = Status::InvalidArgument("column family " + d.name +
                                  " does not exist (create_missing_column_families is false)");
      break;
    }
    const Options options = FamilyOptions(d.options);
    uint32_t id;
    s = versions_->CreateColumnFamily(d.name, options.comparator, options.ttl_seconds > 0,
                                      log_number_, &id);
    if (s.ok()) {
      AddFamily(id, d.name, options);
      info_log_.Info("column family %s created (ID %u)", d.name, id);
    }
  }
  if (!s.ok()) {
    info_log_.Error("open failed: %s", s.ToString());
    closed_.store(true);
    return s;
  }
  for (Family* f : live_families_) {
    if (f->mem == nullptr) {
      f->mem = f->NewMemTable();
      f->mem->Ref();
    }
    UpdateFamilyFigures(f);
  }
  RefreshMemTableSet();
  for (const ColumnFamilyDescriptor& d : descriptors) {
    for (Family* f : live_families_) {
      if (f->name == d.name) handles->push_back(f->handle.get());
    }
  }
  WriteOptionsFile();
  visible_sequence_.store(last_sequence_);
  opened_ = true;
  LoadArchivedLogs();
  DeleteObsoleteFiles();
  ReportMemory();
  StartBackgroundThreads();
  info_log_.Info("opened: last sequence %u, log %06u, %u column families", last_sequence_,
                 log_number_, live_families_.size());
  return Status::OK();
}

void DBImpl::StartInfoLog() {
  std::shared_ptr<Logger> logger = options_.info_log;
  if (logger == nullptr) {
    std::unique_ptr<FileLogger> file;
    // Without a LOG the database works as well: nothing is logged.
    if (FileLogger::Open(options_.file_system, InfoLogFileName(dbname_), options_.max_log_file_size,
                         options_.keep_log_file_num, &file)
            .ok()) {
      logger = std::move(file);
    }
  }
  info_log_ = InfoLog(std::move(logger), options_.info_log_level);
  info_log_.Info("opening %s", dbname_);
  if (!io_note_.empty()) info_log_.Info("%s", io_note_);
  if (info_log_.Enabled(InfoLogLevel::kInfo)) {
    info_log_.Lines(InfoLogLevel::kInfo, "options: ", OptionsToString(options_));
  }
}

void DBImpl::WriteOptionsFile() {
  const uint64_t number = versions_->NewFileNumber();
  std::vector<std::pair<std::string, Options>> families;
  for (const Family* f : live_families_) {
    if (f->id != 0) families.emplace_back(f->name, f->options);
  }
  Status s = lsm::WriteOptionsFile(fs_, dbname_, number, options_, families);
  if (s.ok()) {
    info_log_.Info("options written to OPTIONS-%06u", number);
  } else {
    // The file only helps to reproduce a run: the database opens without it.
    info_log_.Warn("could not write OPTIONS-%06u: %s", number, s.ToString());
  }
}

Status DBImpl::CheckDirectIo(const std::string& file) const {
  const char* option = options_.use_direct_reads ? "use_direct_reads"
                       : options_.use_direct_io_for_flush_and_compaction
                           ? "use_direct_io_for_flush_and_compaction"
                           : nullptr;
  if (option == nullptr) return Status::OK();
  std::unique_ptr<RandomAccessFile> probe;
  Status s = fs_->NewDirectRandomAccessFile(file, &probe);
  if (s.IsNotSupported()) return Status::InvalidArgument(option, s.ToString());
  return s;
}

Status DBImpl::OpenReadOnly(const std::vector<ColumnFamilyDescriptor>& descriptors,
                            std::vector<ColumnFamilyHandle*>* handles) {
  if (fs_->FileExists(dbname_).IsNotFound()) {
    return Status::InvalidArgument(dbname_, "does not exist");
  }
  // Its memtables (what the logs held) count against the budget; it never flushes them.
  if (Status s = AttachToBudget(descriptors.size()); !s.ok()) return s;
  // A user's logger only: a read-only open writes no LOG.
  info_log_ = InfoLog(options_.info_log, options_.info_log_level);
  Status s = CheckDirectIo(CurrentFileName(dbname_));
  if (!s.ok()) return s;
  MutexLock l(&mu_);
  std::vector<VersionEdit> unused;  // recovery of a read-only open records nothing
  s = Recover(descriptors, &unused);
  if (s.ok() && options_.paranoid_checks) s = CheckTables();
  for (const ColumnFamilyDescriptor& d : descriptors) {
    if (!s.ok()) break;
    bool found = false;
    for (Family* f : live_families_) {
      if (f->name == d.name) {
        handles->push_back(f->handle.get());
        found = true;
      }
    }
    if (!found) s = Status::InvalidArgument("column family " + d.name + " does not exist");
  }
  if (!s.ok()) {
    closed_.store(true);
    return s;
  }
  for (Family* f : live_families_) {
    if (f->mem == nullptr) {
      f->mem = f->NewMemTable();
      f->mem->Ref();
    }
  }
  RefreshMemTableSet();
  visible_sequence_.store(last_sequence_);
  opened_ = true;
  ReportMemory();
  info_log_.Info("opened %s read-only: last sequence %u", dbname_, last_sequence_);
  return Status::OK();
}

void DBImpl::StartBackgroundThreads() {
  flush_thread_ = std::thread([this] { FlushThread(); });
  for (int i = 1; i < options_.max_background_jobs; i++) {
    compaction_threads_.emplace_back([this] { CompactionThread(); });
  }
}

Status DBImpl::Recover(const std::vector<ColumnFamilyDescriptor>& descriptors,
                       std::vector<VersionEdit>* edits) {
  Status s = RecoverVersions(descriptors);
  if (!s.ok()) return s;
  // The families the MANIFEST holds, with the options their descriptors give. A TTL family's
  // values end in their write time and another family's do not: read the other way, every
  // value would be wrong, so the options must agree with what the family was created as.
  for (const auto& [id, name] : versions_->ColumnFamilies()) {
    for (const ColumnFamilyDescriptor& d : descriptors) {
      if (d.name != name) continue;
      const bool ttl = d.options.ttl_seconds > 0;
      if (ttl != versions_->ttl(id)) {
        return Status::InvalidArgument(
            "column family " + name,
            ttl ? "was created without a TTL; it cannot be opened with ttl_seconds set"
                : "was created with a TTL (ttl_seconds); it must be opened with ttl_seconds "
                  "set");
      }
      AddFamily(id, name, FamilyOptions(d.options));
    }
  }
  default_family_ = FindFamily(0);
  std::vector<Family*> families = live_families_;
  edits->assign(families.size(), VersionEdit());
  for (size_t i = 0; i < families.size(); i++) (*edits)[i].SetColumnFamily(families[i]->id);
  last_sequence_ = versions_->last_sequence();
  std::vector<uint64_t> logs;
  s = FindLogsToReplay(&logs);
  if (!s.ok()) return s;
  bool stop = false;
  for (uint64_t number : logs) {
    if (stop) {
      absl::StrAppendFormat(&recovery_report_,
                            "%06u.log: skipped, after damage in an earlier log\n", number);
      continue;
    }
    s = RecoverLog(number, families, edits, &stop);
    if (!s.ok()) break;
  }
  if (s.ok() && versions_->log_number() == 0 && last_sequence_ > versions_->last_sequence()) {
    s = Status::Corruption(dbname_,
                           "the MANIFEST names no log, but the logs hold writes: the MANIFEST "
                           "lost edits");
  }
  for (size_t i = 0; i < families.size(); i++) {
    Family* f = families[i];
    if (f->mem == nullptr) continue;
    if (s.ok() && read_only_) continue;  // the logs' writes stay in memory
    if (s.ok()) s = WriteLevel0Table(f, f->mem, &(*edits)[i]);
    f->mem->Unref();
    f->mem = nullptr;
  }
  if (!logs.empty()) {
    info_log_.Info("recovery: replayed %u logs, last sequence %u", logs.size(), last_sequence_);
    info_log_.Lines(InfoLogLevel::kInfo, "recovery: ", recovery_report_);
  }
  return s;
}

Status DBImpl::RecoverVersions(const std::vector<ColumnFamilyDescriptor>& descriptors) {
  Status s = fs_->FileExists(CurrentFileName(dbname_));
  if (s.ok()) {
    if (options_.error_if_exists) {
      return Status::InvalidArgument(dbname_, "database exists (error_if_exists is true)");
    }
    // Comparators by family name, resolved as the families' options will be.
    absl::flat_hash_map<std::string, const Comparator*> comparators;
    for (const ColumnFamilyDescriptor& d : descriptors) {
      comparators[d.name] = FamilyOptions(d.options).comparator;
    }
    std::vector<std::string> unopened;
    s = versions_->Recover(
        [&](const std::string& name) {
          auto it = comparators.find(name);
          return it == comparators.end() ? nullptr : it->second;
        },
        &unopened);
    if (s.ok() && !unopened.empty() && !read_only_) {
      s = Status::InvalidArgument("the database's column families must all be opened; not named: " +
                                  absl::StrJoin(unopened, ", "));
    }
    return s;
  }
  if (!s.IsNotFound()) return s;
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
  if (read_only_) return Status::InvalidArgument(dbname_, "is not a database (no CURRENT file)");
  if (!options_.create_if_missing) {
    return Status::InvalidArgument(
        dbname_, "is not a database (no CURRENT file) and create_if_missing is false");
  }
  return versions_->CreateNew();
}

Status DBImpl::FindLogsToReplay(std::vector<uint64_t>* logs) {
  std::vector<std::string> children;
  Status s = fs_->GetChildren(dbname_, &children);
  if (!s.ok()) return s;
  for (const std::string& child : children) {
    uint64_t number;
    FileType type;
    if (ParseFileName(child, &number, &type)) {
      versions_->MarkFileNumberUsed(number);
      if (type == FileType::kLog && number >= versions_->MinLogNumber()) logs->push_back(number);
    }
  }
  // Recovery went back to the last commit: the logs hold no write (every write skipped them), and
  // those the commit names may be gone.
  if (versions_->recovered_to_commit()) logs->clear();
  std::sort(logs->begin(), logs->end());
  // The MANIFEST names the oldest log still needed, and a log is deleted only after a later
  // edit has retired it. If that log is gone while newer ones remain, the MANIFEST lost edits
  // that had completed (damage taken for a torn last edit, or a cut at a record boundary), and
  // replaying the newer logs would leave a hole. Log number 0 names no log: the database's
  // first open never completed, so no log can hold writes yet.
  const uint64_t log_number = versions_->MinLogNumber();
  if (log_number != 0 && !logs->empty() && logs->front() != log_number) {
    return Status::Corruption(
        dbname_, absl::StrFormat("the MANIFEST names %06u.log as the oldest live log, but it is "
                                 "missing while %06u.log remains: the MANIFEST lost edits",
                                 log_number, logs->front()));
  }
  return Status::OK();
}

Status DBImpl::CheckTables() {
  for (const auto& [id, name] : versions_->ColumnFamilies()) {
    std::shared_ptr<const Version> v = versions_->current(id);
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
  }
  return Status::OK();
}

Status DBImpl::RecoverLog(uint64_t number, const std::vector<Family*>& families,
                          std::vector<VersionEdit>* edits, bool* stop) {
  const WALRecoveryMode mode = options_.wal_recovery_mode;
  // The families this log may hold writes of that are in no table yet.
  std::vector<size_t> replaying;
  for (size_t i = 0; i < families.size(); i++) {
    if (number >= versions_->log_number(families[i]->id)) replaying.push_back(i);
  }
  auto apply = [&](const WriteBatch& batch) {
    mu_.AssertHeld();  // held by the caller throughout
    // Read-only, the memtables take the whole log: skiplists, which hold any amount.
    const size_t room = read_only_ ? SIZE_MAX : RoomFor(batch);
    MemTableSet mems;
    for (size_t i : replaying) {
      Family* f = families[i];
      if (f->mem != nullptr && f->mem->Room() < room) {
        // A batch it has no room for: it goes to a table first. (Read-only, every memtable
        // made here is a skiplist: only an empty one made before can get here.)
        Status s = f->mem->empty() ? Status::OK() : WriteLevel0Table(f, f->mem, &(*edits)[i]);
        f->mem->Unref();
        f->mem = nullptr;
        if (!s.ok()) return s;
      }
      if (f->mem == nullptr) {
        f->mem = f->NewMemTable(room);
        f->mem->Ref();
      }
      mems.Add(f->id, f->mem, /*merges_allowed=*/f->options.merge_operator != nullptr);
    }
    Status s = InsertInto(batch, mems, /*concurrent=*/false);
    for (size_t i : replaying) {
      Family* f = families[i];
      if (!s.ok() || read_only_ || f->mem->BytesInUse() <= f->options.write_buffer_size) {
        continue;
      }
      s = WriteLevel0Table(f, f->mem, &(*edits)[i]);
      f->mem->Unref();
      f->mem = nullptr;
    }
    return s;
  };
  LogReplayReport report;
  Status s = ReplayLog(fs_, dbname_, number, mode, apply, &report);
  if (!s.ok()) return s;
  last_sequence_ = std::max(last_sequence_, report.last_sequence);
  const std::string name = absl::StrFormat("%06u.log", number);
  absl::StrAppendFormat(&recovery_report_, "%s: %u records", name, report.records);
  if (report.skipped > 0) {
    absl::StrAppendFormat(&recovery_report_, ", %u skipped: %s", report.skipped,
                          report.first_skipped.ToString());
  }
  if (!report.stopped.ok()) {
    absl::StrAppendFormat(&recovery_report_, ", stopped: %s", report.stopped.ToString());
    *stop = true;
  }
  if (!report.read.damage.ok()) {
    absl::StrAppendFormat(&recovery_report_, ", %u bytes dropped%s: %s", report.read.dropped_bytes,
                          report.read.torn_tail ? " (torn tail)" : "",
                          report.read.damage.ToString());
    // Later logs hold later writes: replaying them past a hole would not be a prefix.
    if (mode != WALRecoveryMode::kSkipAnyCorruptedRecords) *stop = true;
  }
  recovery_report_ += "\n";
  return Status::OK();
}

Status DBImpl::WriteLevel0Table(Family* family, MemTable* mem, VersionEdit* edit) {
  std::vector<uint64_t> allocated;
  // No version: tables written earlier in this recovery are not in one yet, so no deletion
  // may be dropped.
  CompactionContext ctx = MakeContext(*family, nullptr, &allocated);
  ctx.oldest_snapshot = kMaxSequenceNumber;  // nothing reads during recovery
  CompactionJobResult result;
  std::unique_ptr<InternalIterator> iter = mem->NewIterator();
  mu_.Unlock();
  Status s = RunFlush(iter.get(), mem->RangeTombstones(), ctx, &result);
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
  const std::string name = LogFileName(dbname_, *number);
  Status s = options_.wal_mmap ? fs_->NewLogFile(name, &file) : fs_->NewWritableFile(name, &file);
  if (s.ok()) s = log::Writer::Create(std::move(file), *number, log);
  // The new log's directory entry must be durable before writes that rely on it are synced.
  if (s.ok()) s = log->get()->Sync();
  if (s.ok()) s = fs_->SyncDir(dbname_);
  if (s.ok()) LSM_KILLPOINT("dir.sync");
  return s;
}

}  // namespace lsm
