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

#include <absl/container/inlined_vector.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "lsm/db.h"
#include "src/base/dbformat.h"
#include "src/compaction/compaction_job.h"
#include "src/compaction/compaction_picker.h"
#include "src/compaction/rate_limiter.h"
#include "src/db/db_stats.h"
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
  // resolution said about the file system (logged at open).
  DBImpl(const Options& options, std::string dbname, bool read_only, std::string io_note = "");
  ~DBImpl() override;

  // Locks the directory, recovers (or creates) the database and starts background work.
  Status Open();
  // DB::OpenForReadOnly: recovers into memory, with no lock, no file written and no
  // background work.
  Status OpenReadOnly();

  Status Put(const WriteOptions& options, std::string_view key, std::string_view value) override;
  Status Delete(const WriteOptions& options, std::string_view key) override;
  Status Merge(const WriteOptions& options, std::string_view key,
               std::string_view operand) override;
  Status DeleteRange(const WriteOptions& options, std::string_view begin,
                     std::string_view end) override;
  Status Write(const WriteOptions& options, WriteBatch* updates) override;
  Status Get(const ReadOptions& options, std::string_view key, std::string* value) override;
  std::vector<Status> MultiGet(const ReadOptions& options,
                               const std::vector<std::string_view>& keys,
                               std::vector<std::string>* values) override;
  std::unique_ptr<Iterator> NewIterator(const ReadOptions& options) override;
  const Snapshot* GetSnapshot() override;
  void ReleaseSnapshot(const Snapshot* snapshot) override;
  Status Flush() override;
  Status CompactRange(const std::string_view* begin, const std::string_view* end) override;
  bool GetProperty(std::string_view property, std::string* value) override;
  bool GetIntProperty(std::string_view property, uint64_t* value) override;
  Status SetOptions(const std::unordered_map<std::string, std::string>& options) override;
  Status Resume() override;
  Status Close() override;

 private:
  struct Writer;
  class SnapshotImpl;
  class VersionPin;

  // A CompactRange request, carried out by a compaction thread level by level (leveled) or as
  // one full compaction (universal).
  struct ManualCompaction {
    std::optional<std::string> begin, end;
    bool full = false;                  // universal: every sorted run into one
    int level = 0;                      // leveled: the next level to compact down
    int last_level = 0;                 // leveled: the level the range's data ends up in
    bool last_level_rewritten = false;  // leveled, with a compaction filter
    bool in_progress = false;           // a thread is compacting one of its steps
    bool done = false;
    Status status;
  };

  // A frozen memtable and the WAL that holds its writes.
  struct Immutable {
    MemTable* mem;
    uint64_t log_number;
    bool unlogged;  // holds disable_wal writes
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
  // With use_direct_reads or use_direct_io_for_flush_and_compaction: InvalidArgument unless
  // `file` (of the database directory) can be opened for direct I/O.
  Status CheckDirectIo(const std::string& file) const;

  // --- Open and recovery (db_open.cc) ---
  Status Recover(VersionEdit* edit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Reads CURRENT and the MANIFEST, or creates a new database.
  Status RecoverVersions() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The logs the MANIFEST does not cover, oldest first; Corruption if the oldest is missing.
  Status FindLogsToReplay(std::vector<uint64_t>* logs) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Options::paranoid_checks: every live table exists with its recorded size.
  Status CheckTables();
  // Replays log `number` into *mem, writing full memtables to level-0 tables in `edit`. Sets
  // *stop when later logs must not be replayed (damage under kPointInTimeRecovery).
  Status RecoverLog(uint64_t number, VersionEdit* edit, MemTable** mem, bool* stop)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes `mem` to a new level-0 table and adds it to `edit` (nothing for an empty memtable).
  Status WriteLevel0Table(MemTable* mem, VersionEdit* edit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status NewLog(std::unique_ptr<log::Writer>* log, uint64_t* number);
  // Opens the info log (Options::info_log, or the file LOG) and logs the options.
  void StartInfoLog();
  // Writes OPTIONS-NNNNNN; a failure is logged, not returned.
  void WriteOptionsFile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StartBackgroundThreads();

  // --- The write path (db_write.cc) ---
  // Queues `w` and waits until it leads a group or a leader completed it; a follower inserts
  // its own batch when its leader asks. Returns true if `w` leads.
  bool AwaitTurn(Writer* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The leader's work: room in the memtable, then the group's log record and inserts.
  Status LeadGroup(Writer* leader, Writer** last_writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Appends `group` to the log, syncing if the leader asked; no lock held.
  static Status LogGroup(log::Writer* log, const WriteBatch& group, bool sync);
  // Numbers each member's batch as in the group and has every member insert its own batch
  // into `mem` at the same time as the leader; waits for all of them.
  Status InsertGroupInParallel(Writer* leader, Writer* last_writer, SequenceNumber first,
                               MemTable* mem) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Removes the group up to `last_writer` from the queue, gives each member `s` and wakes
  // the next leader.
  void CompleteGroup(Writer* leader, Writer* last_writer, const Status& s)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  WriteBatch* BuildBatchGroup(Writer** last_writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Wakes `w`, which is in the write queue or leads a group.
  static void Wake(Writer* w);
  // Returns once `w` was woken (or spuriously): spins briefly without the lock first, then
  // sleeps on w's condition variable.
  void AwaitWake(Writer* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Makes sure the active memtable has room; with `force`, freezes it if it holds anything.
  Status MakeRoomForWrite(bool force) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether level 0 or pending compaction bytes stop or slow down writes, and why.
  StallAction CheckStall(StallCause* cause) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Logs when writes start or stop waiting or being delayed, or change their reason.
  void LogStallChange(StallAction action, StallCause cause) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Waits until background work finishes something, counting a write stop for `cause`.
  void Stall(StallCause cause) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Syncs and closes the log, then freezes the active memtable, continuing in a new memtable
  // and a new log. A failure puts the database in the error state.
  Status SwitchMemTable() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Queues the active memtable for the flush thread; writes continue in a new memtable and
  // `new_log`.
  void FreezeMemTable(std::unique_ptr<log::Writer> new_log, uint64_t new_number)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Enters the error state with `s` unless the database is in it already.
  void SetBackgroundError(const Status& s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- Background work (db_flush.cc, db_compaction.cc) ---
  void FlushThread();
  Status FlushImmutable(const Immutable& imm, uint64_t next_log_number,
                        SequenceNumber last_sequence);
  void CompactionThread();
  // The next compaction to run, manual first; null if there is none.
  std::unique_ptr<Compaction> PickNextCompaction(const Version& version, ManualCompaction** manual)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The next step of the manual compaction, if one is waiting and no thread is on it.
  std::unique_ptr<Compaction> PickManualCompaction(const Version& version,
                                                   ManualCompaction** manual)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Nothing to compact: deletes what released versions held, then waits for work.
  void WaitForCompactionWork() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs `c` with mu_ released and records its outcome; returns its status.
  Status RunPickedCompaction(std::unique_ptr<Compaction> c, std::shared_ptr<const Version> version,
                             ManualCompaction* manual) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // After a failed background compaction: counts it, enters the error state if failures
  // persist, else backs off.
  void OnCompactionFailure(const Status& s, uint64_t resumes_at_start, int* failures_in_a_row)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs one compaction (a trivial move, a deletion or a merge) and installs its result.
  Status DoCompaction(const Compaction& c, const CompactionContext& ctx,
                      CompactionJobResult* result);
  // One line in the info log for a compaction that took `micros`, or failed with `s`.
  void LogCompaction(const Compaction& c, const CompactionJobResult& result, const Status& s,
                     int64_t micros);
  // A context for work on `version`; the job fills in file numbers through pending_outputs_.
  CompactionContext MakeContext(const Version* version, std::vector<uint64_t>* allocated)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  SequenceNumber OldestSnapshot() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records a version edit; the flush and compaction threads take turns.
  Status LogAndApply(VersionEdit* edit) ABSL_LOCKS_EXCLUDED(apply_mu_);
  void DeleteObsoleteFiles() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- The read path (db_read.cc) ---
  ReadView AcquireReadView(const ReadOptions& options);
  // Gives ctx the key's entries in the view's memtables, newest first; true once decided.
  static bool GetFromMemTables(const ReadView& view, const LookupKey& key, GetContext* ctx);
  void ReleaseReadView(ReadView* view) ABSL_LOCKS_EXCLUDED(mu_);
  // Drops a reader's reference to a version taken at `generation`; if a newer version was
  // installed since, the tables only it held may be deletable: the compaction threads look.
  void ReleaseVersion(std::shared_ptr<const Version>* version, uint64_t generation)
      ABSL_LOCKS_EXCLUDED(mu_);

  // --- Properties (db_properties.cc) ---
  // The numeric properties of GetIntProperty but lsm.estimate-num-keys.
  bool IntProperty(std::string_view property, const Version& v, uint64_t* value)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool MemTableProperty(std::string_view property, uint64_t* value)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint64_t EstimateNumKeys() ABSL_LOCKS_EXCLUDED(mu_);
  // "lsm.levelstats": per level, files, bytes, target, score and compactions into it; then
  // write amplification.
  std::string LevelStatsText(const Version& v) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The rest of "lsm.stats": memtables, flushes, compactions, stalls, sequence, error.
  std::string StatsText() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // A new, empty memtable of the index options_ names; the caller takes the first reference.
  MemTable* NewMemTable() const {
    return new MemTable(icmp_, RepOf(options_.memtable_factory.get()),
                        MemTable::ArenaBlockSizeFor(options_.write_buffer_size));
  }

  const std::string dbname_;
  const Options options_;
  const bool read_only_;  // DB::OpenForReadOnly
  const std::string io_note_;
  FileSystem* const fs_;
  const InternalKeyComparator icmp_;
  const std::unique_ptr<BlockCache> block_cache_;  // null when block_cache_bytes is 0
  const std::unique_ptr<TableCache> table_cache_;
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
  MemTable* mem_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool mem_has_unlogged_ ABSL_GUARDED_BY(mu_) = false;  // holds disable_wal writes
  std::deque<Immutable> imms_ ABSL_GUARDED_BY(mu_);     // oldest first
  std::unique_ptr<log::Writer> log_ ABSL_GUARDED_BY(mu_);
  uint64_t log_number_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Writer*> writers_ ABSL_GUARDED_BY(mu_);
  WriteBatch group_batch_ ABSL_GUARDED_BY(mu_);
  // Sequence numbers handed to writes; those up to visible_sequence_ are readable.
  SequenceNumber last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<SequenceNumber> visible_sequence_{0};
  // Level-0 tables in the current version, for write stalls without taking the version.
  std::atomic<int> level0_files_{0};
  // EstimatePendingCompactionBytes of the current version, for write stalls.
  std::atomic<uint64_t> pending_compaction_bytes_{0};

  // Reads.
  std::list<SnapshotImpl*> snapshots_ ABSL_GUARDED_BY(mu_);
  // Counts the versions LogAndApply installed; raised after the version is current.
  std::atomic<uint64_t> version_generation_{0};
  // A reader let go of a version older than the current one (see ReleaseVersion).
  bool versions_released_ ABSL_GUARDED_BY(mu_) = false;

  // Background work.
  std::set<uint64_t> pending_outputs_ ABSL_GUARDED_BY(mu_);  // tables being written
  CompactionPointers compact_pointers_ ABSL_GUARDED_BY(mu_);
  RunningCompactions running_ ABSL_GUARDED_BY(mu_);
  ManualCompaction* manual_ ABSL_GUARDED_BY(mu_) = nullptr;
  int running_compactions_ ABSL_GUARDED_BY(mu_) = 0;
  bool flushing_ ABSL_GUARDED_BY(mu_) = false;
  // Options::disable_auto_compactions, which SetOptions may change.
  bool disable_auto_compactions_ ABSL_GUARDED_BY(mu_);

  DBStats stats_ ABSL_GUARDED_BY(mu_);
  // What writes last met (LogStallChange).
  std::pair<StallAction, StallCause> stall_state_ ABSL_GUARDED_BY(mu_) = {StallAction::kNone,
                                                                          kStallMemtables};
  std::string recovery_report_ ABSL_GUARDED_BY(mu_);
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

// Seconds since the epoch, the clock of FIFO's age limit and of table write times.
inline uint64_t UnixSeconds() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace lsm

#endif  // LSM_DB_DB_IMPL_H_
