// DBImpl: the lsm::DB behind DB::Open. It assembles the write-ahead log, memtables, tables and
// versions into a database.
//
// Write path: writers queue; the writer at the front (the leader) takes the queued batches
// that fit into one group, appends them to the WAL as one record, syncs once if any of them
// asked for it, inserts the group into the memtable and publishes its sequence numbers.
// A full memtable is frozen (with its WAL synced and closed) and a background thread flushes
// frozen memtables to level-0 tables, oldest first. Writers wait while all write buffers are
// full.
// Read path: memtable, frozen memtables newest first, then the tables of the current version.
// Recovery: CURRENT and the MANIFEST give the tables; WAL files not yet flushed are replayed
// under Options::wal_recovery_mode into level-0 tables, and a new WAL and MANIFEST start.
//
// Thread-safety: every public method may be called from many threads at once.
// Lock order: mu_, then VersionSet's and TableCache's own locks.
#ifndef LSM_DB_DB_IMPL_H_
#define LSM_DB_DB_IMPL_H_

#include <absl/container/inlined_vector.h>

#include <atomic>
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
#include "src/memtable/memtable.h"
#include "src/sstable/block_cache.h"
#include "src/sstable/table_cache.h"
#include "src/util/mutex.h"
#include "src/version/version_set.h"
#include "src/wal/log_writer.h"

namespace lsm {

class DBImpl final : public DB {
 public:
  // REQUIRES: options were validated and their defaults resolved.
  DBImpl(const Options& options, std::string dbname);
  ~DBImpl() override;

  // Locks the directory, recovers (or creates) the database and starts background work.
  Status Open();

  Status Put(const WriteOptions& options, std::string_view key, std::string_view value) override;
  Status Delete(const WriteOptions& options, std::string_view key) override;
  Status Write(const WriteOptions& options, WriteBatch* updates) override;
  Status Get(const ReadOptions& options, std::string_view key, std::string* value) override;
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

  // Why writes wait or are delayed.
  enum StallCause { kMemtables, kLevel0, kPendingBytes, kNumStallCauses };

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

  // Compaction figures per output level, for "lsm.levelstats".
  struct LevelStats {
    uint64_t compactions = 0;
    uint64_t bytes_read = 0;     // from the level above (or the same level)
    uint64_t bytes_written = 0;  // into this level
    uint64_t micros = 0;
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
  };

  Status CheckOpen() const;
  ReadView AcquireReadView(const ReadOptions& options);
  void ReleaseReadView(ReadView* view);

  Status Recover(VersionEdit* edit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Options::paranoid_checks: every live table exists with its recorded size.
  Status CheckTables();
  Status ReplayLog(uint64_t number, VersionEdit* edit, MemTable** mem, bool* stop)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Writes `mem` to a new level-0 table and adds it to `edit` (nothing for an empty memtable).
  Status WriteLevel0Table(MemTable* mem, VersionEdit* edit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status NewLog(std::unique_ptr<log::Writer>* log, uint64_t* number);

  // Makes sure the active memtable has room; with `force`, freezes it if it holds anything.
  Status MakeRoomForWrite(bool force) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  WriteBatch* BuildBatchGroup(Writer** last_writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Waits for background work to signal, counting a write stop for `cause`.
  void Stall(StallCause cause) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The numeric properties of GetIntProperty but lsm.estimate-num-keys.
  bool IntProperty(std::string_view property, const Version& v, uint64_t* value)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint64_t EstimateNumKeys() ABSL_LOCKS_EXCLUDED(mu_);

  void BackgroundThread();
  void CompactionThread();
  // The next step of the manual compaction, if one is waiting and no thread is on it.
  std::unique_ptr<Compaction> PickManualCompaction(const Version& version,
                                                   ManualCompaction** manual)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs one compaction (a trivial move, a deletion or a merge) and installs its result.
  Status DoCompaction(const Compaction& c, const CompactionContext& ctx);
  // A context for work on `version`; the job fills in file numbers through pending_outputs_.
  CompactionContext MakeContext(const Version* version, std::vector<uint64_t>* allocated)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  SequenceNumber OldestSnapshot() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records a version edit; the flush and compaction threads take turns.
  Status LogAndApply(VersionEdit* edit);
  Status FlushImmutable(const Immutable& imm, uint64_t next_log_number,
                        SequenceNumber last_sequence);
  void DeleteObsoleteFiles() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // "lsm.levelstats": per level, files, bytes, target, score and compactions into it; then
  // write amplification.
  std::string LevelStatsText(const Version& v) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dbname_;
  const Options options_;
  FileSystem* const fs_;
  const InternalKeyComparator icmp_;
  const std::unique_ptr<BlockCache> block_cache_;  // null when block_cache_bytes is 0
  const std::unique_ptr<TableCache> table_cache_;
  const std::unique_ptr<VersionSet> versions_;

  std::unique_ptr<FileLock> lock_;
  std::atomic<bool> closed_{false};
  std::thread background_;                       // flushes
  std::vector<std::thread> compaction_threads_;  // max_background_jobs - 1 of them
  std::atomic<bool> cancel_compactions_{false};
  const std::unique_ptr<RateLimiter> rate_limiter_;  // null when unlimited
  Mutex apply_mu_;                                   // serialises VersionSet::LogAndApply
  CompactionPointers compact_pointers_ ABSL_GUARDED_BY(mu_);
  RunningCompactions running_ ABSL_GUARDED_BY(mu_);
  ManualCompaction* manual_ ABSL_GUARDED_BY(mu_) = nullptr;

  Mutex mu_;
  CondVar background_cv_{&mu_};  // signalled when flush work arrives or completes
  bool opened_ ABSL_GUARDED_BY(mu_) = false;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  Status bg_error_ ABSL_GUARDED_BY(mu_);
  bool resuming_ ABSL_GUARDED_BY(mu_) = false;
  // Resume() calls so far: a flush or compaction started before the last one failed on the
  // disk as it was before Resume, and does not put the database in the error state again.
  uint64_t resumes_ ABSL_GUARDED_BY(mu_) = 0;

  MemTable* mem_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool mem_has_unlogged_ ABSL_GUARDED_BY(mu_) = false;  // holds disable_wal writes
  std::deque<Immutable> imms_ ABSL_GUARDED_BY(mu_);     // oldest first
  std::unique_ptr<log::Writer> log_ ABSL_GUARDED_BY(mu_);
  uint64_t log_number_ ABSL_GUARDED_BY(mu_) = 0;

  // Sequence numbers handed to writes; those up to visible_sequence_ are readable.
  SequenceNumber last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<SequenceNumber> visible_sequence_{0};
  // Level-0 tables in the current version, for write stalls without taking the version.
  std::atomic<int> level0_files_{0};
  // EstimatePendingCompactionBytes of the current version, for write stalls.
  std::atomic<uint64_t> pending_compaction_bytes_{0};

  std::deque<Writer*> writers_ ABSL_GUARDED_BY(mu_);
  WriteBatch group_batch_ ABSL_GUARDED_BY(mu_);
  std::list<SnapshotImpl*> snapshots_ ABSL_GUARDED_BY(mu_);
  std::set<uint64_t> pending_outputs_ ABSL_GUARDED_BY(mu_);  // tables being written

  // Figures for "lsm.stats".
  uint64_t user_bytes_ ABSL_GUARDED_BY(mu_) = 0;  // keys and values written since open
  uint64_t flushes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t flush_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t compactions_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t trivial_moves_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t compaction_bytes_read_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t compaction_bytes_written_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t compaction_failures_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t files_deleted_by_fifo_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t entries_filtered_ ABSL_GUARDED_BY(mu_) = 0;
  int running_compactions_ ABSL_GUARDED_BY(mu_) = 0;
  // Options::disable_auto_compactions, which SetOptions may change.
  bool disable_auto_compactions_ ABSL_GUARDED_BY(mu_);
  bool flushing_ ABSL_GUARDED_BY(mu_) = false;
  LevelStats level_stats_[kNumLevels] ABSL_GUARDED_BY(mu_);
  // Write stalls by cause: waits (stops) and 1 ms delays (slowdowns).
  uint64_t stalls_[kNumStallCauses] ABSL_GUARDED_BY(mu_) = {};
  uint64_t slowdowns_[kNumStallCauses] ABSL_GUARDED_BY(mu_) = {};
  uint64_t stall_micros_ ABSL_GUARDED_BY(mu_) = 0;  // waiting and delayed
  std::string recovery_report_ ABSL_GUARDED_BY(mu_);
};

}  // namespace lsm

#endif  // LSM_DB_DB_IMPL_H_
