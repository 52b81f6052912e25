// DBImpl: the lsm::DB behind DB::Open. It assembles the write-ahead log, memtables, tables and
// versions into a database. docs/design.md describes the whole; the class is split by concern
// over these files:
//   db_open.cc        DB::Open, locking the directory, recovery (log replay, CheckTables)
//   db_write.cc       the write path: group commit (leader and followers), write stalls,
//                     switching to a new memtable and log
//   db_flush.cc       background work shared by flushes and compactions (contexts, LogAndApply,
//                     obsolete files) and the flush thread
//   db_compaction.cc  the compaction threads, manual compactions (CompactRange)
//   db_read.cc        the read path: Get, iterators, snapshots, the versions reads hold
//   db_properties.cc  GetProperty, GetIntProperty and SetOptions
//   db_lifecycle.cc   Resume, Close and DestroyDB
//   db_changelog.cc   GetUpdatesSince and the log archive
//   db_checkpoint.cc  checkpoints (Checkpoint::Create in checkpoint.cc calls CreateCheckpoint)
//   db_ingest.cc      bulk load: IngestExternalFile
//
// Thread-safety: every public method may be called from many threads at once.
//
// Lock order (checked by clang's thread-safety analysis where both locks are DBImpl's):
//   mu_  ->  apply_mu_  ->  the locks inside VersionSet, TableCache, BlockCache, MemTable
// A thread that holds a lock on the right never takes one on its left. Background jobs run
// with no lock held; they take mu_ to pick work and to record its result, and apply_mu_ (with
// or without mu_) to install a version.
//
// Waits: each kind of wait has its own condition variable on mu_ (see the members). A thread
// changes the state a wait looks at while holding mu_, then signals, so no signal is lost.
#ifndef LSM_DB_DB_IMPL_H_
#define LSM_DB_DB_IMPL_H_

#include <absl/container/btree_map.h>
#include <absl/container/inlined_vector.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "lsm/checkpoint.h"
#include "lsm/clock.h"
#include "lsm/db.h"
#include "src/base/dbformat.h"
#include "src/compaction/compaction_job.h"
#include "src/compaction/compaction_picker.h"
#include "src/compaction/rate_limiter.h"
#include "src/db/db_stats.h"
#include "src/db/memory_budget.h"
#include "src/db/memtable_insert.h"
#include "src/db/ttl.h"
#include "src/memtable/memtable.h"
#include "src/memtable/memtable_factory.h"
#include "src/sstable/block_cache.h"
#include "src/sstable/table_cache.h"
#include "src/util/info_log.h"
#include "src/util/mutex.h"
#include "src/version/version_set.h"
#include "src/wal/log_writer.h"

namespace lsm {

class DBImpl final : public DB {
 public:
  // REQUIRES: options were validated and their defaults resolved; io_note is what that
  // resolution said about the file system (logged at open). `options` are the database's and
  // its default family's.
  DBImpl(const Options& options, std::string dbname, bool read_only, std::string io_note = "");
  ~DBImpl() override;

  // Locks the directory, recovers (or creates) the database with the families `descriptors`
  // name (validated; the default one among them) and starts background work. Sets *handles
  // in the order of `descriptors`.
  Status Open(const std::vector<ColumnFamilyDescriptor>& descriptors,
              std::vector<ColumnFamilyHandle*>* handles);
  // DB::OpenForReadOnly: recovers into memory, with no lock, no file written and no
  // background work.
  Status OpenReadOnly(const std::vector<ColumnFamilyDescriptor>& descriptors,
                      std::vector<ColumnFamilyHandle*>* handles);

  Status CreateColumnFamily(const ColumnFamilyOptions& options, const std::string& name,
                            ColumnFamilyHandle** handle) override;
  Status DropColumnFamily(ColumnFamilyHandle* column_family) override;
  ColumnFamilyHandle* DefaultColumnFamily() const override;

  using DB::CompactRange;
  using DB::Delete;
  using DB::DeleteRange;
  using DB::Get;
  using DB::GetIntProperty;
  using DB::GetProperty;
  using DB::IngestExternalFile;
  using DB::Merge;
  using DB::MultiGet;
  using DB::NewIterator;
  using DB::Put;
  using DB::SetOptions;
  Status Put(const WriteOptions& options, ColumnFamilyHandle* column_family, std::string_view key,
             std::string_view value) override;
  Status Delete(const WriteOptions& options, ColumnFamilyHandle* column_family,
                std::string_view key) override;
  Status Merge(const WriteOptions& options, ColumnFamilyHandle* column_family, std::string_view key,
               std::string_view operand) override;
  Status DeleteRange(const WriteOptions& options, ColumnFamilyHandle* column_family,
                     std::string_view begin, std::string_view end) override;
  Status Write(const WriteOptions& options, WriteBatch* updates) override;
  Status Get(const ReadOptions& options, ColumnFamilyHandle* column_family, std::string_view key,
             std::string* value) override;
  std::vector<Status> MultiGet(const ReadOptions& options, ColumnFamilyHandle* column_family,
                               const std::vector<std::string_view>& keys,
                               std::vector<std::string>* values) override;
  std::unique_ptr<Iterator> NewIterator(const ReadOptions& options,
                                        ColumnFamilyHandle* column_family) override;
  const Snapshot* GetSnapshot() override;
  void ReleaseSnapshot(const Snapshot* snapshot) override;
  Status Flush() override;
  Status Flush(const FlushOptions& options, ColumnFamilyHandle* column_family) override;
  Status Flush(const FlushOptions& options,
               const std::vector<ColumnFamilyHandle*>& column_families) override;
  Status CompactRange(ColumnFamilyHandle* column_family, const std::string_view* begin,
                      const std::string_view* end) override;
  bool GetProperty(ColumnFamilyHandle* column_family, std::string_view property,
                   std::string* value) override;
  bool GetIntProperty(ColumnFamilyHandle* column_family, std::string_view property,
                      uint64_t* value) override;
  Status SetOptions(ColumnFamilyHandle* column_family,
                    const std::unordered_map<std::string, std::string>& options) override;
  Status DeleteFilesInRange(ColumnFamilyHandle* column_family, std::string_view begin,
                            std::string_view end) override;
  Status GetCommittedMetadata(std::string* metadata) override;
  Status IngestExternalFile(ColumnFamilyHandle* column_family,
                            const std::vector<std::string>& paths,
                            const IngestExternalFileOptions& options) override;
  uint64_t GetLatestSequenceNumber() const override;
  Status GetUpdatesSince(uint64_t seq, std::unique_ptr<TransactionLogIterator>* iterator) override;
  Status Resume() override;
  Status Close() override;

  // Checkpoint::Create (include/lsm/checkpoint.h): the checkpoint of this database in `dir`.
  // REQUIRES: `dir` is not empty and has no trailing '/'.
  Status CreateCheckpoint(const std::string& dir, const CheckpointOptions& options,
                          CheckpointInfo* info);

 private:
  struct Writer;
  struct Family;
  class Handle;
  class SnapshotImpl;
  class VersionPin;

  // A CompactRange request, carried out by a compaction thread level by level (leveled) or as
  // one full compaction (universal).
  struct ManualCompaction {
    Family* family = nullptr;
    std::optional<std::string> begin, end;
    bool full = false;                  // universal: every sorted run into one
    int level = 0;                      // leveled: the next level to compact down
    int last_level = 0;                 // leveled: the level the range's data ends up in
    bool last_level_rewritten = false;  // leveled, with a compaction filter
    bool in_progress = false;           // a thread is compacting one of its steps
    bool done = false;
    Status status;
  };

  static Status Dropped(const Family& family);

  // A frozen memtable and the logs that hold its writes.
  struct Immutable {
    MemTable* mem;
    uint64_t log_number;       // the log that was current when it was frozen
    uint64_t next_log_number;  // the log begun then: the family's later writes are from it on
    bool unlogged;             // holds disable_wal writes
  };

  // Frozen memtables for the flush thread: one per family, and several for an atomic flush
  // (recorded in one MANIFEST edit). Each is its family's oldest frozen memtable when its
  // turn comes, as requests are queued in the order memtables are frozen. A commit
  // (FlushOptions::commit_metadata) records its metadata in the same edit; it may have no
  // memtable to write.
  struct FlushRequest {
    explicit FlushRequest(std::vector<Family*> f, std::optional<std::string> m = std::nullopt)
        : families(std::move(f)), commit_metadata(std::move(m)) {}
    std::vector<Family*> families;
    std::optional<std::string> commit_metadata;
    uint64_t commit = 0;  // a commit's number, set by QueueFlush
  };

  // What a read sees: a sequence number and referenced memtables and version.
  struct ReadView {
    SequenceNumber sequence;
    // Active first, then frozen newest first; each Ref()'d. Inline: no allocation per read.
    absl::InlinedVector<MemTable*, 4> mems;
    std::shared_ptr<const Version> version;
    uint64_t version_generation;  // version_generation_ when `version` was taken
  };

  // What a stalled writer does next (MakeRoomForWrite).
  enum class StallAction { kNone, kWait, kDelay };

  Status CheckOpen() const;
  // The family of a handle given to a call: InvalidArgument for a null handle, one of another
  // database, or of a dropped family.
  Status FamilyOf(ColumnFamilyHandle* handle, Family** family) const;
  // The live family `id`, or null. Takes families_mu_ only for IDs past kFamiliesByIndex.
  Family* FindFamily(uint32_t id) const ABSL_LOCKS_EXCLUDED(families_mu_);
  // The live families, by ID.
  std::vector<Family*> LiveFamilies() const ABSL_LOCKS_EXCLUDED(families_mu_);
  // The database's options with `cf`'s family options, defaults resolved.
  Options FamilyOptions(const ColumnFamilyOptions& cf) const;
  // Makes the Family of `id` (recorded in the VersionSet already) and registers it.
  Family* AddFamily(uint32_t id, const std::string& name, const Options& options)
      ABSL_LOCKS_EXCLUDED(families_mu_);
  // Seconds since the epoch by DBOptions::clock: the time of TTL families' writes and expiry,
  // of FIFO's age limit and table write times, and of the log archive.
  uint64_t NowSeconds() const { return options_.clock->NowSeconds(); }
  // With use_direct_reads or use_direct_io_for_flush_and_compaction: InvalidArgument unless
  // `file` (of the database directory) can be opened for direct I/O.
  Status CheckDirectIo(const std::string& file) const;

  // --- Open and recovery (db_open.cc) ---
  // Recovers the families `descriptors` name; their Family objects exist after it.
  Status Recover(const std::vector<ColumnFamilyDescriptor>& descriptors,
                 std::vector<VersionEdit>* edits) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reads CURRENT and the MANIFEST, or creates a new database.
  Status RecoverVersions(const std::vector<ColumnFamilyDescriptor>& descriptors)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The logs the MANIFEST does not cover, oldest first; Corruption if the oldest is missing.
  Status FindLogsToReplay(std::vector<uint64_t>* logs) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Options::paranoid_checks: every live table exists with its recorded size.
  Status CheckTables();
  // Replays log `number` into the families' recovery memtables (mem of each Family), writing
  // full ones to level-0 tables in (*edits)[index of the family]. Sets *stop when later logs
  // must not be replayed (damage under kPointInTimeRecovery).
  Status RecoverLog(uint64_t number, const std::vector<Family*>& families,
                    std::vector<VersionEdit>* edits, bool* stop) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes `mem` to a new level-0 table of `family` and adds it to `edit` (nothing for an
  // empty memtable).
  Status WriteLevel0Table(Family* family, MemTable* mem, VersionEdit* edit)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status NewLog(std::unique_ptr<log::Writer>* log, uint64_t* number);
  // Opens the info log (Options::info_log, or the file LOG) and logs the options.
  void StartInfoLog();
  // Writes OPTIONS-NNNNNN; a failure is logged, not returned.
  void WriteOptionsFile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartBackgroundThreads();
  // With a memory budget: attaches this database with `families` column families, or fails
  // (InvalidArgument) when the budget cannot hold them.
  Status AttachToBudget(size_t families);

  // --- The write path (db_write.cc) ---
  // Queues `w` and waits until it leads a group or a leader completed it; a follower inserts
  // its own batch when its leader asks. Returns true if `w` leads.
  bool AwaitTurn(Writer* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The leader's work: room in the memtables, then the group's log record and inserts.
  Status LeadGroup(Writer* leader, Writer** last_writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs `action` as the leader of a group of its own, when no write is under way.
  Status RunExclusive(const std::function<Status()>& action) ABSL_LOCKS_EXCLUDED(mu_);
  // Appends `group` to the log, syncing if the leader asked; no lock held.
  static Status LogGroup(log::Writer* log, const WriteBatch& group, bool sync);
  // Numbers each member's batch as in the group and has every member insert its own batch
  // into `mems` at the same time as the leader; waits for all of them.
  Status InsertGroupInParallel(Writer* leader, Writer* last_writer, SequenceNumber first,
                               const MemTableSet* mems) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Removes the group up to `last_writer` from the queue, gives each member `s` and wakes
  // the next leader.
  void CompleteGroup(Writer* leader, Writer* last_writer, const Status& s)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The leader's batch and those of the writers queued behind it that may join it, within
  // what every family's active memtable has Room() for.
  WriteBatch* BuildBatchGroup(Writer** last_writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Wakes `w`, which is in the write queue or leads a group.
  static void Wake(Writer* w);
  // Returns once `w` was woken (or spuriously): spins briefly without the lock first, then
  // sleeps on w's condition variable.
  void AwaitWake(Writer* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Makes sure every family's active memtable has room, Room() for `room` among it; freezes
  // those of `force` that hold anything (all at once, as one flush request, when `atomic`).
  // With `commit`, that request is a commit with this metadata (one of its own if nothing was
  // frozen).
  Status MakeRoomForWrite(std::vector<Family*> force = {}, bool atomic = false,
                          const std::string* commit = nullptr, size_t room = 0)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether level 0 or pending compaction bytes of any family stop or slow down writes, and
  // why.
  StallAction CheckStall(StallCause* cause) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Logs when writes start or stop waiting or being delayed, or change their reason.
  void LogStallChange(StallAction action, StallCause cause) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Waits until background work finishes something, counting a write stop for `cause`.
  void Stall(StallCause cause) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Delays the write group by a millisecond (mu_ released meanwhile), counting a slowdown for
  // `cause`.
  void Delay(StallCause cause) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- The memory budget (db_write.cc; DBOptions::memory_budget) ---
  // What the memory budget asks of a write group: sets *freeze to the family whose memtable
  // to freeze, or delays or waits (then returns true: the caller looks at everything again).
  // `asked` and `may_delay` last for one MakeRoomForWrite: another database is asked to freeze
  // once, and a write is delayed once.
  bool ApplyMemoryBudget(std::vector<Family*>* freeze, bool* asked, bool* may_delay)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // This database's memtables, as the budget counts them.
  MemoryBudgetImpl::Figures MemoryFigures() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Gives the budget (if any) MemoryFigures(); with `notify`, wakes writers waiting for memory
  // in every database of the budget.
  void ReportMemory(bool notify = false) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The live family with the largest active memtable that holds anything and has room for
  // another frozen one; null if none.
  Family* LargestFreezable() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The budget's request (from a write in any database) to freeze this database's largest
  // memtable: done at once if no write is under way, else left to the next write group.
  void FreezeForBudget() ABSL_LOCKS_EXCLUDED(mu_);
  // Adds to *freeze every other live family whose memtable holds anything: under
  // DBOptions::atomic_flush a flush the database starts itself takes them all, in one edit.
  void WidenToEveryFamily(std::vector<Family*>* freeze) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Leaves the budget (once); the others no longer count or wait for this database.
  void DetachFromBudget() ABSL_LOCKS_EXCLUDED(mu_);
  // Syncs and closes the log, then freezes the active memtables of `families`, continuing in
  // new memtables and a new log. A failure puts the database in the error state.
  Status SwitchMemTables(const std::vector<Family*>& families, bool atomic,
                         const std::string* commit = nullptr) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Queues the active memtables of `families` for the flush thread (as one request when
  // `atomic`, a commit with `commit`); writes continue in new memtables and `new_log`.
  void FreezeMemTables(const std::vector<Family*>& families, bool atomic,
                       std::unique_ptr<log::Writer> new_log, uint64_t new_number,
                       const std::string* commit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Queues `request` for the flush thread, numbering it if it is a commit.
  void QueueFlush(FlushRequest request) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Families to freeze because the logs exceed max_total_wal_size: those whose unflushed
  // writes hold the oldest log.
  std::vector<Family*> FamiliesHoldingOldLogs() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records the closing of the current log (its bytes count until it is deleted).
  void LogClosed() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Rebuilds mems_ from the families' active memtables.
  void RefreshMemTableSet() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Enters the error state with `s` unless the database is in it already.
  void SetBackgroundError(const Status& s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- Background work (db_flush.cc, db_compaction.cc) ---
  void FlushThread();
  // Flushes the oldest frozen memtable of each family of `request` and records the tables,
  // with `advance` (log numbers of families that hold nothing unflushed), in one edit.
  Status FlushImmutables(const FlushRequest& request, std::vector<VersionEdit> advance,
                         SequenceNumber last_sequence);
  // InvalidArgument naming the live families that a commit of `families` leaves out.
  Status CheckCommitCovers(const std::vector<Family*>& families) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Waits until `family` has no frozen memtable, or the database is in the error state.
  Status WaitForFlush(Family* family) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void CompactionThread();
  // The next compaction to run, manual first, then the most urgent family's; null if there
  // is none. Sets *family and *version to those it was picked from.
  std::unique_ptr<Compaction> PickNextCompaction(Family** family,
                                                 std::shared_ptr<const Version>* version,
                                                 ManualCompaction** manual)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The next step of the manual compaction, if one is waiting and no thread is on it.
  std::unique_ptr<Compaction> PickManualCompaction(const Version& version,
                                                   ManualCompaction** manual)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Nothing to compact: deletes what released versions held, then waits for work.
  void WaitForCompactionWork() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs `c` with mu_ released and records its outcome; returns its status.
  Status RunPickedCompaction(Family* family, std::unique_ptr<Compaction> c,
                             std::shared_ptr<const Version> version, ManualCompaction* manual)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // After a failed background compaction: counts it, enters the error state if failures
  // persist, else backs off.
  void OnCompactionFailure(const Status& s, uint64_t resumes_at_start, int* failures_in_a_row)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs one compaction (a trivial move, a deletion or a merge) and installs its result.
  Status DoCompaction(Family* family, const Compaction& c, const CompactionContext& ctx,
                      CompactionJobResult* result);
  // One line in the info log for a compaction that took `micros`, or failed with `s`.
  void LogCompaction(const Family& family, const Compaction& c, const CompactionJobResult& result,
                     const Status& s, int64_t micros);
  // A context for work on `family`'s `version`; the job fills in file numbers through
  // pending_outputs_.
  CompactionContext MakeContext(const Family& family, const Version* version,
                                std::vector<uint64_t>* allocated)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  SequenceNumber OldestSnapshot() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records version edits (of one family, or several in one MANIFEST record); the flush and
  // compaction threads take turns.
  Status LogAndApply(const std::vector<VersionEdit*>& edits) ABSL_LOCKS_EXCLUDED(apply_mu_);
  Status LogAndApply(VersionEdit* edit) { return LogAndApply(std::vector<VersionEdit*>{edit}); }
  // Refreshes the figures of `family`'s current version that writers read without a lock.
  void UpdateFamilyFigures(Family* family);
  void DeleteObsoleteFiles() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- Checkpoints (db_checkpoint.cc) ---
  // What a checkpoint copies, taken at one moment (CaptureCheckpoint).
  struct CheckpointState;
  // Takes the versions, log numbers and logs (with their sizes) of a checkpoint while no
  // write is under way, and keeps the logs from being deleted until ReleaseCheckpoint.
  Status CaptureCheckpoint(CheckpointState* state) ABSL_LOCKS_EXCLUDED(mu_);
  // Lets go of what CaptureCheckpoint held and deletes what only it kept.
  void ReleaseCheckpoint(CheckpointState* state) ABSL_LOCKS_EXCLUDED(mu_);
  // Fills directory `dir` (which exists, empty) with the checkpoint of `state`.
  Status WriteCheckpoint(const CheckpointState& state, const std::string& dir,
                         CheckpointInfo* info);

  // --- Bulk load (db_ingest.cc) ---
  // A file given to IngestExternalFile, as checked and then added to the directory.
  struct ExternalFile;
  // Opens the table at `path` and checks that the family can ingest it (with `verify`, reading
  // all of it); sets *file to what its MANIFEST entry needs. Changes nothing.
  Status ReadExternalFile(const Family& family, const std::string& path, bool verify,
                          ExternalFile* file);
  // Links (`move`, where it can) or copies each file into the directory under a new number,
  // held in pending_outputs_, synced; then syncs the directory.
  Status AddExternalFiles(std::vector<ExternalFile>* files, bool move) ABSL_LOCKS_EXCLUDED(mu_);
  // Lets DeleteObsoleteFiles see the files' numbers again, after removing the files if
  // `remove`.
  void RemoveExternalFiles(const std::vector<ExternalFile>& files, bool remove)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Close, once the background threads are gone: closes the log and lets go of the memtables
  // and snapshots. Returns `s`, or the log's close error if `s` is OK.
  Status ReleaseAtClose(Status s) ABSL_LOCKS_EXCLUDED(mu_);

  // --- Changelog tailing (db_changelog.cc) ---
  // Whether logs recovery no longer needs go to the archive (wal_ttl_seconds or
  // wal_size_limit_mb set) rather than being deleted.
  bool ArchivesLogs() const {
    return options_.wal_ttl_seconds > 0 || options_.wal_size_limit_mb > 0;
  }
  // Counts the logs already in the archive at open, as archived now.
  void LoadArchivedLogs() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records log `number`, about to be moved to the archive.
  void LogArchived(uint64_t number, uint64_t bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The archived logs to delete now (past wal_ttl_seconds, or the oldest while the archive
  // holds more than wal_size_limit_mb; all of them when archiving is off), forgotten here.
  std::vector<uint64_t> TakeExpiredArchivedLogs() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- The read path (db_read.cc) ---
  ReadView AcquireReadView(const ReadOptions& options, Family* family);
  // Gives ctx the key's entries in the view's memtables, newest first; true once decided.
  static bool GetFromMemTables(const ReadView& view, const LookupKey& key, GetContext* ctx);
  void ReleaseReadView(ReadView* view) ABSL_LOCKS_EXCLUDED(mu_);
  // Drops a reader's reference to a version taken at `generation`; if a newer version was
  // installed since, the tables only it held may be deletable: the compaction threads look.
  void ReleaseVersion(std::shared_ptr<const Version>* version, uint64_t generation)
      ABSL_LOCKS_EXCLUDED(mu_);

  // --- Properties (db_properties.cc) ---
  // The numeric properties of GetIntProperty but lsm.estimate-num-keys.
  bool IntProperty(const Family& family, std::string_view property, const Version& v,
                   uint64_t* value) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool MemTableProperty(const Family& family, std::string_view property, uint64_t* value)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint64_t EstimateNumKeys(Family* family) ABSL_LOCKS_EXCLUDED(mu_);
  // "lsm.levelstats": per level, files, bytes, target, score and compactions into it; then
  // write amplification.
  std::string LevelStatsText(const Family& family, const Version& v)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The rest of "lsm.stats": memtables, flushes, compactions, stalls, sequence, error.
  std::string StatsText(const Family& family) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // "lsm.memory": the budget, its databases, the block cache and this database's memtables.
  // Reports this database's figures to the budget first.
  std::string MemoryText() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dbname_;
  const Options options_;  // the database's, and the default family's
  const bool read_only_;   // DB::OpenForReadOnly
  const std::string io_note_;
  FileSystem* const fs_;
  // DBOptions::memory_budget, or null; options_ keeps it alive.
  MemoryBudgetImpl* const budget_;
  // Without a budget, the database's own block cache (null when block_cache_bytes is 0).
  const std::unique_ptr<BlockCache> own_block_cache_;
  BlockCache* const block_cache_;  // the budget's, or own_block_cache_ (may be null)
  const std::unique_ptr<VersionSet> versions_;
  const std::unique_ptr<RateLimiter> rate_limiter_;  // null when unlimited

  std::unique_ptr<FileLock> lock_;
  // Set by Open before any other thread runs; read-only after.
  InfoLog info_log_;
  std::atomic<bool> closed_{false};
  std::thread flush_thread_;
  std::vector<std::thread> compaction_threads_;  // max_background_jobs - 1 of them
  std::atomic<bool> cancel_compactions_{false};

  Mutex mu_;
  // Serialises VersionSet::LogAndApply.
  Mutex apply_mu_ ABSL_ACQUIRED_AFTER(mu_);
  // Guards families_; taken alone or last (after mu_).
  mutable Mutex families_mu_ ABSL_ACQUIRED_AFTER(mu_);

  // Every family opened or created, dropped ones too (their handles stay valid until the
  // DB is destroyed), by ID.
  absl::btree_map<uint32_t, std::unique_ptr<Family>> families_ ABSL_GUARDED_BY(families_mu_);
  // The same for the first IDs, read without the lock by every write (FindFamily): a Family
  // stays in families_ until the DB is destroyed, so a pointer read here stays valid.
  static constexpr uint32_t kFamiliesByIndex = 64;
  std::array<std::atomic<Family*>, kFamiliesByIndex> families_by_index_{};
  Family* default_family_ = nullptr;  // set by Open
  // The families not dropped, by ID: those writes, flushes and compactions look at.
  std::vector<Family*> live_families_ ABSL_GUARDED_BY(mu_);

  // The flush thread waits here for a frozen memtable (or for Resume or Close).
  CondVar flush_work_cv_{&mu_};
  // Compaction threads wait here for a new version, a manual compaction, released versions,
  // an option change, Resume or Close.
  CondVar compaction_work_cv_{&mu_};
  // Waits for background work to finish something (Flush, CompactRange, stalled writers,
  // Resume) wake here: after every flush and compaction, a change of the error state, of
  // disable_auto_compactions, or of the manual compaction, and at Close.
  CondVar work_done_cv_{&mu_};
  // Resume and Close wait here for the writer queue to empty.
  CondVar writers_drained_cv_{&mu_};

  bool opened_ ABSL_GUARDED_BY(mu_) = false;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  Status bg_error_ ABSL_GUARDED_BY(mu_);
  bool resuming_ ABSL_GUARDED_BY(mu_) = false;
  // Resume() calls so far: a flush or compaction started before the last one failed on the
  // disk as it was before Resume, and does not put the database in the error state again.
  uint64_t resumes_ ABSL_GUARDED_BY(mu_) = 0;

  // The write path.
  // The active memtables of the live families, for the inserts of a write group. Replaced
  // only while no group is under way (by a leader before it inserts, or with the queue empty).
  std::unique_ptr<MemTableSet> mems_ ABSL_GUARDED_BY(mu_);
  std::deque<FlushRequest> flush_queue_ ABSL_GUARDED_BY(mu_);  // oldest first
  // Commits queued so far, and the number of the last one recorded.
  uint64_t commits_requested_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t commits_done_ ABSL_GUARDED_BY(mu_) = 0;
  std::unique_ptr<log::Writer> log_ ABSL_GUARDED_BY(mu_);
  uint64_t log_number_ ABSL_GUARDED_BY(mu_) = 0;
  // The logs closed since open that are not deleted yet, by number, with their bytes, and
  // their sum (max_total_wal_size).
  std::map<uint64_t, uint64_t> closed_logs_ ABSL_GUARDED_BY(mu_);
  uint64_t closed_log_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Writer*> writers_ ABSL_GUARDED_BY(mu_);
  WriteBatch group_batch_ ABSL_GUARDED_BY(mu_);
  // Sequence numbers handed to writes; those up to visible_sequence_ are readable.
  SequenceNumber last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<SequenceNumber> visible_sequence_{0};

  // Reads.
  std::list<SnapshotImpl*> snapshots_ ABSL_GUARDED_BY(mu_);
  // Counts the versions LogAndApply installed; raised after the version is current.
  std::atomic<uint64_t> version_generation_{0};
  // A reader let go of a version older than the current one (see ReleaseVersion).
  bool versions_released_ ABSL_GUARDED_BY(mu_) = false;

  // Background work.
  std::set<uint64_t> pending_outputs_ ABSL_GUARDED_BY(mu_);  // tables being written
  // The oldest log of each checkpoint under way: DeleteObsoleteFiles keeps the logs from the
  // smallest on, as the checkpoint copies them.
  std::multiset<uint64_t> checkpoint_logs_ ABSL_GUARDED_BY(mu_);
  // Logs in the archive: number -> bytes and when archived (seconds since the epoch).
  struct ArchivedLog {
    uint64_t bytes = 0;
    int64_t archived_at = 0;
  };
  std::map<uint64_t, ArchivedLog> archived_logs_ ABSL_GUARDED_BY(mu_);
  uint64_t archived_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  ManualCompaction* manual_ ABSL_GUARDED_BY(mu_) = nullptr;
  int running_compactions_ ABSL_GUARDED_BY(mu_) = 0;
  bool flushing_ ABSL_GUARDED_BY(mu_) = false;

  DBStats stats_ ABSL_GUARDED_BY(mu_);
  // What writes last met (LogStallChange).
  std::pair<StallAction, StallCause> stall_state_ ABSL_GUARDED_BY(mu_) = {StallAction::kNone,
                                                                          kStallMemtables};
  std::string recovery_report_ ABSL_GUARDED_BY(mu_);

  // This database in the memory budget: set by Open before any other thread runs.
  std::shared_ptr<MemoryBudgetImpl::Member> budget_member_;
  std::atomic<bool> budget_detached_{false};
  // The budget asked for a freeze while a write was under way: the next group does it.
  bool budget_freeze_wanted_ ABSL_GUARDED_BY(mu_) = false;
};

// A column family of an open database. Fields marked "mu_" are guarded by the DB's mu_ (not
// annotated: the analysis cannot name another object's lock).
struct DBImpl::Family {
  Family(uint32_t id, std::string name, const Options& options, const InternalKeyComparator* icmp,
         const std::string& dbname, BlockCache* block_cache);

  // A new, empty memtable of the index the family's options name, with Room() for at least
  // `room` (the skiplist when a B+-tree's reservation is too small for it); the caller takes
  // the first reference.
  MemTable* NewMemTable(size_t room = 0) const {
    const size_t size = options.write_buffer_size;
    auto* mem = new MemTable(*icmp, RepOf(options.memtable_factory.get()),
                             MemTable::ArenaBlockSizeFor(size), MemTable::TreeReservationFor(size));
    if (mem->Room() < room) {
      mem->Ref();
      mem->Unref();
      mem = new MemTable(*icmp, MemTableRep::kSkipList, MemTable::ArenaBlockSizeFor(size));
    }
    if (options.prefix_extractor != nullptr && options.memtable_prefix_bloom_size_ratio > 0) {
      mem->EnablePrefixBloom(options.prefix_extractor.get(),
                             static_cast<size_t>(static_cast<double>(options.write_buffer_size) *
                                                 8 * options.memtable_prefix_bloom_size_ratio));
    }
    return mem;
  }
  // What compactions of the family filter with: the TTL filter (which calls the user's) in a
  // TTL family, else the user's compaction_filter, or null.
  const CompactionFilter* compaction_filter() const {
    return ttl_filter != nullptr ? ttl_filter.get() : options.compaction_filter;
  }
  // True if the family holds writes that are in no table: in its active or frozen memtables.
  bool HoldsUnflushed() const { return !mem->empty() || !imms.empty(); }

  const uint32_t id;
  const std::string name;
  const Options options;  // the database's, with this family's ColumnFamilyOptions
  const InternalKeyComparator* const icmp;  // the VersionSet's
  const std::unique_ptr<TableCache> table_cache;
  // Drops expired values, then runs options.compaction_filter; null without ttl_seconds.
  const std::unique_ptr<const TtlCompactionFilter> ttl_filter;
  std::unique_ptr<Handle> handle;
  std::atomic<bool> dropped{false};

  MemTable* mem = nullptr;                 // mu_
  bool mem_has_unlogged = false;           // mu_: holds disable_wal writes
  std::deque<Immutable> imms;              // mu_: oldest first
  CompactionPointers compact_pointers;     // mu_
  RunningCompactions running;              // mu_
  bool disable_auto_compactions;           // mu_: SetOptions may change it
  DBStats::Level level_stats[kNumLevels];  // mu_: compactions into each level
  // Level-0 tables and EstimatePendingCompactionBytes of the current version, for write
  // stalls without taking the version.
  std::atomic<int> level0_files{0};
  std::atomic<uint64_t> pending_compaction_bytes{0};
};

class DBImpl::Handle final : public ColumnFamilyHandle {
 public:
  Handle(const DBImpl* db, Family* family) : db_(db), family_(family) {}
  const std::string& GetName() const override { return family_->name; }
  uint32_t GetID() const override { return family_->id; }
  const DBImpl* db() const { return db_; }
  Family* family() const { return family_; }

 private:
  const DBImpl* const db_;
  Family* const family_;
};

class DBImpl::SnapshotImpl final : public Snapshot {
 public:
  explicit SnapshotImpl(SequenceNumber seq) : sequence(seq) {}
  ~SnapshotImpl() override = default;
  const SequenceNumber sequence;
  std::list<SnapshotImpl*>::iterator position;  // in snapshots_
};

// "000012,000013": the numbers of a job's output tables, for the info log.
std::string TableNumbers(const std::vector<FileMetaData>& tables);

// What every call after Close returns.
inline Status DatabaseClosed() { return Status::InvalidArgument("database closed"); }

// What every write (and Flush, CompactRange, SetOptions) of a read-only database returns.
inline Status ReadOnly() { return Status::NotSupported("database opened read-only"); }

}  // namespace lsm

#endif  // LSM_DB_DB_IMPL_H_
