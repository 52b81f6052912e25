// lsm::Options, ReadOptions and WriteOptions: how a database is opened, read and written.
//
//   lsm::Options options;
//   options.create_if_missing = true;
//   options.compression = lsm::CompressionType::kZstd;
//   lsm::Status s = lsm::DB::Open(options, "/tmp/db", &db);
//
// Every option documents its unit and default where it is declared. Options are validated in
// one place when the database opens; a bad value gives InvalidArgument naming the option, and
// nothing is silently clipped.
#ifndef LSM_OPTIONS_H_
#define LSM_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/logger.h"
#include "lsm/memory_budget.h"
#include "lsm/status.h"

namespace lsm {

class Clock;
class CompactionFilter;
class Comparator;
class FileSystem;
class MergeOperator;
class SliceTransform;
class Snapshot;

// How table blocks are compressed. A block is stored raw whenever compression would save less
// than 12.5% of its size, so compressed and raw blocks may be mixed in one table.
enum class CompressionType : uint8_t {
  kNone = 0,
  kLZ4 = 1,
  kZstd = 2,
};

// What DB::Open does with a damaged write-ahead log.
enum class WALRecoveryMode : uint8_t {
  // An incomplete record at the very end of a log is a clean end (a torn last write); any other
  // damage fails the open with Corruption.
  kTolerateCorruptedTailRecords = 0,
  // Any damage, a torn tail included, fails the open with Corruption.
  kAbsoluteConsistency = 1,
  // Replay stops at the first damaged record; everything after it is discarded and reported.
  // The result is always a prefix of the write history.
  kPointInTimeRecovery = 2,
  // Damaged records are skipped and replay goes on: salvages the most data but may yield a
  // state with holes.
  kSkipAnyCorruptedRecords = 3,
};

// How tables are organised and merged.
// Which table of a level leveled compaction moves down next.
enum class CompactionPri : uint8_t {
  // The table that overlaps the fewest bytes of the next level for its own size: each
  // compaction rewrites as little of the next level as it can, which lowers write
  // amplification.
  kMinOverlappingRatio = 0,
  // The tables in key order, each compaction continuing after the last one's end, wrapping
  // around (LevelDB's choice).
  kRoundRobin = 1,
};

// The file system under a database whose Options::file_system is not set.
enum class IoBackend : uint8_t {
  // io_uring where a ring can be set up, else POSIX (with a LOG line saying why).
  kAuto,
  // io_uring: Open fails with NotSupported where a ring cannot be set up.
  kUring,
  // POSIX system calls only.
  kPosix,
};

enum class CompactionStyle : uint8_t {
  // Levels L1..L6 are each one sorted run about `max_bytes_for_level_multiplier` times larger
  // than the one above; level 0 compacts into the first non-empty level. Least space, most
  // writes.
  kLevel = 0,
  // Tiered: flushed tables and merged sorted runs are merged again when runs of similar size
  // pile up or when the space they waste grows too large. Fewer writes, more space.
  kUniversal = 1,
  // Tables form a queue in level 0 and the oldest are deleted once the total size or their age
  // passes a limit: a retention log, not a key-value store that keeps old keys.
  kFIFO = 2,
};

// CompactionStyle::kUniversal.
struct CompactionOptionsUniversal {
  // Percent: a sorted run joins a merge of younger runs when it is at most this much larger
  // than their total size. Default: 1.
  unsigned size_ratio = 1;
  // Sorted runs merged at least (by the size-ratio rule) and at most (by any rule but space
  // amplification) at a time. min_merge_width >= 2, max_merge_width >= min_merge_width.
  // Defaults: 2 and unbounded.
  unsigned min_merge_width = 2;
  unsigned max_merge_width = ~0u;
  // Percent: when the runs other than the oldest hold more than this share of the oldest
  // run's bytes, every run is merged into one. At least 1. Default: 200.
  unsigned max_size_amplification_percent = 200;
};

// CompactionStyle::kFIFO. At least one limit must be set.
struct CompactionOptionsFIFO {
  // Bytes of tables kept at most; the oldest tables are deleted beyond it. 0: no size limit.
  // Default: 1 GiB.
  uint64_t max_table_files_size = uint64_t{1} << 30;
  // Seconds after which a table whose newest entry is older is deleted. 0: no age limit.
  // Default: 0.
  uint64_t ttl_seconds = 0;
  // Merge runs of small level-0 tables (each below target_file_size_base, together at most
  // that) once level0_file_num_compaction_trigger of them pile up. Default: false.
  bool allow_compaction = false;
};

// The index that orders each memtable's entries (RocksDB's memtable_factory). lsm builds two,
// both safe for concurrent writers and lock-free readers:
//   NewSkipListFactory()  "SkipListFactory": a skiplist whose nodes hold the entries. Cheapest
//                         for keys written in ascending order; its search is a chain of cache
//                         misses, so its cost per operation grows with the memtable.
//   NewBTreeFactory()     "BTreeFactory": a B+-tree over the entries with 4-byte key heads in
//                         its nodes, a few cache misses per search at any size. It reserves
//                         address space for eight write buffers (at most 4 GiB, so a write
//                         buffer over 509 MiB may be frozen before it fills); a batch larger
//                         than that goes to a skiplist memtable.
// docs/performance.md compares them. Options::memtable_factory and the OPTIONS file use the name.
class MemTableRepFactory {
 public:
  // "SkipListFactory" or "BTreeFactory".
  const char* Name() const { return name_; }

 private:
  friend std::shared_ptr<MemTableRepFactory> NewSkipListFactory();
  friend std::shared_ptr<MemTableRepFactory> NewBTreeFactory();
  explicit MemTableRepFactory(const char* name) : name_(name) {}
  const char* name_;
};
std::shared_ptr<MemTableRepFactory> NewSkipListFactory();
std::shared_ptr<MemTableRepFactory> NewBTreeFactory();

// Options of the whole database, shared by its column families.
struct DBOptions {
  // Create the database if the directory holds none. Default: false.
  bool create_if_missing = false;

  // Fail Open with InvalidArgument if a database already exists. Default: false.
  bool error_if_exists = false;

  // DB::Open with descriptors: create the families named there that the database does not
  // hold yet. Default: false (Open fails with InvalidArgument naming them).
  bool create_missing_column_families = false;

  // Bytes of active memtables of all column families together at which the family with the
  // largest one is frozen and flushed, so that many families do not hold many times a
  // write buffer each (RocksDB's db_write_buffer_size). 0: no such limit, each family flushes
  // at its own write_buffer_size. Default: 0.
  size_t db_write_buffer_size = 0;

  // Bytes of write-ahead logs kept at most before the families whose writes hold the oldest
  // log are flushed, so that a family written rarely does not keep every log since (RocksDB's
  // max_total_wal_size). 0: four times the memtable bytes the families may hold (the sum of
  // write_buffer_size * max_write_buffer_number). Default: 0.
  uint64_t max_total_wal_size = 0;

  // Logs no longer needed for recovery are moved to the database's archive/ directory
  // instead of deleted, so DB::GetUpdatesSince can still read them, when either of these is
  // set (RocksDB's WAL_ttl_seconds and WAL_size_limit_MB). Archived logs go once archived
  // longer than wal_ttl_seconds, and oldest first while they hold more than
  // wal_size_limit_mb MiB (0: no limit of that kind). Default: 0 and 0, logs are deleted.
  uint64_t wal_ttl_seconds = 0;
  uint64_t wal_size_limit_mb = 0;

  // For hosts whose own changelog is the log: every write sets WriteOptions::disable_wal (a
  // write that does not is InvalidArgument), and the state is made durable only by commits,
  // Flush calls with FlushOptions::commit_metadata. After a crash or any reopen the database
  // holds exactly the data of the last commit, in every family, and GetCommittedMetadata names
  // it: tables flushed or compacted since are set aside, and the tables of the last commit are
  // kept on disk until the next one. The MANIFEST records the choice, so a database written
  // this way recovers to its last commit even when reopened without it. Default: false.
  bool recover_to_last_commit = false;

  // Flush(FlushOptions, families) writes the memtables of all the families it names and
  // records their tables in one MANIFEST edit, so that after a crash either all of them or none
  // are flushed. A flush the database starts itself (a memtable is full, the write buffers or
  // the logs are over their limits, Close) takes every family whose memtable holds anything,
  // also in one edit: families written with WriteOptions::disable_wal then recover to one
  // point of the write history. Default: false (each family's flush is recorded on its own).
  bool atomic_flush = false;

  // Bytes of the block cache for uncompressed blocks; index and filter blocks are charged to
  // it too. 0 disables caching. Ignored with memory_budget set: the budget's block cache is
  // used. Default: 32 MiB.
  size_t block_cache_bytes = 32 << 20;

  // One memory limit for this database and every other opened with the same budget
  // (memory_budget.h): their memtables and one block cache they share. Its memtable share must
  // hold 64 KiB (the smallest write buffer) for every column family of every database
  // attached, this one's included; otherwise Open and CreateColumnFamily fail with
  // InvalidArgument and nothing changes. The OPTIONS file records its size, but a budget is not
  // made again from the file. Default (nullptr): none; each database has its own block cache
  // of block_cache_bytes, and its memtables are bounded per family (write_buffer_size) and by
  // db_write_buffer_size.
  std::shared_ptr<MemoryBudget> memory_budget;

  // Open tables whose readers are kept open at most. At least 16. Default: 1000.
  int max_open_files = 1000;

  // Background threads: one flushes memtables, the others compact (compactions of disjoint key
  // ranges run in parallel). At least 2. Default: 2.
  int max_background_jobs = 2;

  // Bytes per second that compactions may write, shared by all compaction threads; flushes
  // are not limited. 0: unlimited. Default: 0.
  uint64_t compaction_rate_limit_bytes_per_sec = 0;

  // At open, check that every table the MANIFEST names exists with the size it recorded;
  // open fails with Corruption naming the table otherwise. Default: true.
  bool paranoid_checks = true;

  // How a damaged write-ahead log is recovered. Default: kPointInTimeRecovery.
  WALRecoveryMode wal_recovery_mode = WALRecoveryMode::kPointInTimeRecovery;

  // Write the write-ahead log through FileSystem::NewLogFile, which on the POSIX file system
  // copies each record into a shared memory map of the file instead of making a write system
  // call per write group; the guarantees are the same (a write survives a process kill once
  // acknowledged, and a power cut once synced). false: NewWritableFile. Default: true.
  bool wal_mmap = true;

  // Where files are read and written. Default (nullptr): the file system io_backend names.
  std::shared_ptr<FileSystem> file_system;

  // Which file system to use when file_system is not set: io_uring writes tables and other
  // written files with several buffers in flight; everything else is the same POSIX calls.
  // The environment variable LSM_IO_BACKEND (auto, uring or posix) overrides it. The open
  // database records its choice (kUring or kPosix) in its OPTIONS file and in "lsm.stats".
  // With file_system set, only kAuto is accepted. Default: kAuto.
  IoBackend io_backend = IoBackend::kAuto;

  // Map table files into memory and read their blocks in place, without a system call or a
  // copy; the mapped pages are the kernel's page cache, but they count in the process's
  // resident memory. false: tables are read with pread into the block cache, as RocksDB does by
  // default. Tables are never mapped with memory_budget set, which bounds the resident memory,
  // or with use_direct_reads. Default: true.
  bool allow_mmap_reads = true;

  // Read tables with direct I/O (O_DIRECT), around the page cache: the block cache is then
  // the only cache of table data, and a MultiGet batch's data blocks are read together (at once,
  // on io_uring). Open fails with InvalidArgument where the file system has no direct I/O (as
  // tmpfs). Tables are still written through the page cache. Default: false.
  bool use_direct_reads = false;

  // Write the tables of flushes and compactions with direct I/O (O_DIRECT), around the page
  // cache, so that they do not push the data being read out of it. Open fails with
  // InvalidArgument where the file system has no direct I/O. Default: false.
  bool use_direct_io_for_flush_and_compaction = false;

  // Where the database reports what it does (logger.h). Default (nullptr): the text file LOG
  // in the database directory. A LOG that cannot be written is given up; it never fails a
  // write or an open.
  std::shared_ptr<Logger> info_log;

  // Lines below this level are not logged. Default: kInfo.
  InfoLogLevel info_log_level = InfoLogLevel::kInfo;

  // The default LOG only: bytes after which LOG is renamed LOG.old.<microseconds since the
  // epoch> and a new LOG begun (an existing LOG is renamed so at each open too). 0: only at
  // open. Default: 16 MiB.
  uint64_t max_log_file_size = uint64_t{16} << 20;

  // The default LOG only: old info logs (LOG.old.*) kept; older ones are deleted. Default: 10.
  size_t keep_log_file_num = 10;

  // Where the database reads the time of day (clock.h): the write times and expiry of TTL
  // column families (ColumnFamilyOptions::ttl_seconds), the table write times of FIFO
  // compaction's age limit, and the age of archived logs (wal_ttl_seconds). Default (nullptr):
  // SystemClock().
  std::shared_ptr<Clock> clock;
};

// Options of one column family (each family has its own memtables, tables and compaction).
// The default family's are part of Options.
struct ColumnFamilyOptions {
  // Bytes of writes a memtable collects before it is frozen and flushed to a table.
  // At least 64 KiB. Default: 64 MiB.
  size_t write_buffer_size = 64 << 20;

  // The index of each memtable (see MemTableRepFactory). Default (nullptr): NewBTreeFactory().
  std::shared_ptr<MemTableRepFactory> memtable_factory;

  // Memtables (the active one plus frozen ones waiting to flush) held at most; writers wait
  // when all are full. At least 2. Default: 2.
  int max_write_buffer_number = 2;

  // Compression of table data blocks. Default: kLZ4.
  CompressionType compression = CompressionType::kLZ4;

  // Bits per key of the bloom filter of each table; 0 builds no filter. 0 to 64. Default: 10
  // (about 1% false positives).
  int bloom_bits_per_key = 10;

  // Bytes of (uncompressed) entries per table data block. 256 B to 256 MiB. Default: 4 KiB.
  size_t block_size = 4096;

  // Keys between restart points inside a block (prefix compression restarts there).
  // 1 to 1024. Default: 16.
  int block_restart_interval = 16;

  // Leveled compaction. Level 0 holds flushed tables, which may overlap; every deeper level
  // is one sorted run of non-overlapping tables, each level about `max_bytes_for_level_multiplier`
  // times larger than the one above it.

  // Level-0 tables that start a compaction into level 1. At least 1. Default: 4.
  int level0_file_num_compaction_trigger = 4;

  // Level-0 tables at which each write is delayed by 1 ms, so that compaction catches up.
  // At least level0_file_num_compaction_trigger. Default: 20.
  int level0_slowdown_writes_trigger = 20;

  // Level-0 tables at which writes wait until compaction has reduced them. At least
  // level0_slowdown_writes_trigger. Default: 36.
  int level0_stop_writes_trigger = 36;

  // Bytes of level 1 above which it is compacted into level 2; level n's limit is this times
  // the multiplier to the power n - 1. At least 64 KiB. Default: 256 MiB.
  uint64_t max_bytes_for_level_base = uint64_t{256} << 20;

  // Growth factor between the limits of consecutive levels. At least 2. Default: 10.
  int max_bytes_for_level_multiplier = 10;

  // Bytes at which a compaction starts a new output table. At least 64 KiB. Default: 64 MiB.
  uint64_t target_file_size_base = uint64_t{64} << 20;

  // Size the level limits from the last level up rather than from level 1 down: the last level
  // holds about 1 - 1/multiplier of the data, so space amplification stays near
  // 1 + 1/multiplier, and level 0 compacts into the first level that needs data (levels above
  // it stay empty). max_bytes_for_level_base then caps that first level. Default: true.
  bool level_compaction_dynamic_level_bytes = true;

  // Which table of a level leveled compaction moves down next. Default: kMinOverlappingRatio.
  CompactionPri compaction_pri = CompactionPri::kMinOverlappingRatio;

  // How tables are organised and merged. Default: kLevel.
  CompactionStyle compaction_style = CompactionStyle::kLevel;
  CompactionOptionsUniversal compaction_options_universal;
  CompactionOptionsFIFO compaction_options_fifo;

  // Only CompactRange compacts: no compaction, and no FIFO deletion, starts on its own, and
  // level-0 tables and pending compaction bytes no longer slow down or stop writes (full
  // memtables still do). For bulk loads: write, then CompactRange, or turn it off with
  // DB::SetOptions. Default: false.
  bool disable_auto_compactions = false;

  // Estimated bytes that compaction must still rewrite to bring every level within its limit:
  // at the soft limit each write is delayed by 1 ms, at the hard limit writes wait. 0 disables
  // either. hard >= soft when both are set. Defaults: 64 GiB and 256 GiB.
  uint64_t soft_pending_compaction_bytes_limit = uint64_t{64} << 30;
  uint64_t hard_pending_compaction_bytes_limit = uint64_t{256} << 30;

  // Called by compaction on the newest value of each key that no snapshot can see, to keep,
  // remove or change it (see compaction_filter.h). Must outlive the database. Default: none.
  const CompactionFilter* compaction_filter = nullptr;

  // Combines the operands of DB::Merge with the value below them (see merge_operator.h). A
  // database with merge operands in its tables must be opened with an operator of the same
  // Name(). Default: none (Merge fails with InvalidArgument).
  std::shared_ptr<MergeOperator> merge_operator;

  // The order of user keys. Must outlive the database. Default: BytewiseComparator().
  const Comparator* comparator = nullptr;

  // The prefix of keys for prefix seeks (slice_transform.h): the tables' bloom filters hold
  // the prefixes of their keys as well as the keys, and iterators with
  // ReadOptions::prefix_same_as_start skip the tables that hold no key of the prefix sought.
  // Recorded by name in every table and in the OPTIONS file. Default: none.
  std::shared_ptr<const SliceTransform> prefix_extractor;

  // With a prefix_extractor: bits of a bloom filter of each memtable's key prefixes, as a
  // fraction of write_buffer_size * 8, so that prefix seeks skip memtables too (RocksDB's
  // memtable_prefix_bloom_size_ratio). 0 to 0.25; 0 builds none. Must be 0 without a
  // prefix_extractor. Default: 0.
  double memtable_prefix_bloom_size_ratio = 0;

  // Seconds a value lives: a TTL family (as RocksDB's DBWithTTL). Every Put into the family,
  // by DB::Put or in a WriteBatch, stores its value with the time it was written
  // (DBOptions::clock), as 8 bytes after the value that every read takes off again. A value
  // written ttl_seconds or more ago is expired: compactions drop it (a compaction filter that
  // runs before compaction_filter, which sees values without the write time), and reads with
  // ReadOptions::skip_expired no longer return it; other reads return it until then. Deletes
  // and DeleteRange work as in any family; Merge does not (InvalidArgument), and
  // merge_operator must not be set. Whether a family has a TTL is fixed when it is created and
  // recorded in the MANIFEST: opening it with ttl_seconds 0 when it was created with a TTL, or
  // with a TTL when it was created without, is InvalidArgument naming the family; one non-zero
  // value may replace another at any open. 0: no TTL, values are stored as given. Default: 0.
  uint64_t ttl_seconds = 0;
};

// A database's options and those of its default column family at once: what DB::Open takes.
struct Options : DBOptions, ColumnFamilyOptions {
  Options() = default;
  Options(const DBOptions& db, const ColumnFamilyOptions& cf)
      : DBOptions(db), ColumnFamilyOptions(cf) {}
};

struct ReadOptions {
  // Verify every block's checksum as it is read. Default: true.
  bool verify_checksums = true;

  // Put blocks read for this operation into the block cache. Default: true.
  bool fill_cache = true;

  // Read the database as of this snapshot; nullptr reads the latest state.
  const Snapshot* snapshot = nullptr;

  // Iterators only: bytes of a table read at once when blocks are read in file order, later
  // blocks then coming from memory. 0: automatic, 256 KiB from the third block in a row that an
  // iterator reads in file order. Only tables read into buffers (use_direct_reads, or those
  // beyond the memory-mapped ones) read ahead this way; compactions read 2 MiB at once.
  // Default: 0.
  size_t readahead_size = 0;

  // TTL families (ColumnFamilyOptions::ttl_seconds): Get and MultiGet return NotFound for a key
  // whose value is expired (written ttl_seconds or more ago, by DBOptions::clock), and
  // iterators skip it in both directions (Seek and SeekForPrev land past it), as if it were
  // deleted. The time is read once per call, for an iterator when it is made. false: expired
  // values not yet dropped by a compaction are returned as any other. No effect on families
  // without a TTL. Default: false.
  bool skip_expired = false;

  // Iterators only: entries with key < *iterate_lower_bound are skipped. Not owned; must stay
  // valid while the iterator is used.
  const std::string_view* iterate_lower_bound = nullptr;

  // Iterators only: entries with key >= *iterate_upper_bound are skipped. Not owned; must stay
  // valid while the iterator is used.
  const std::string_view* iterate_upper_bound = nullptr;

  // Iterators of a family with a prefix_extractor only: after Seek or SeekForPrev to a target
  // in the extractor's domain, the iterator shows only keys with the target's prefix (it
  // becomes invalid at the first key of another), and the seek skips the tables and
  // memtables whose prefix filters rule the prefix out. SeekToFirst and SeekToLast are not
  // limited. false: every seek sees the whole key order. Default: false.
  bool prefix_same_as_start = false;

  // With prefix_same_as_start: consult no prefix filter (the iterator is still limited to
  // the prefix). Default: false.
  bool total_order_seek = false;
};

struct WriteOptions {
  // Sync the write-ahead log before acknowledging the write, so that it survives a power cut.
  // Without it a write survives a process crash but a power cut may lose the latest writes.
  // Default: false.
  bool sync = false;

  // Skip the write-ahead log: the write is lost if the process ends before a flush.
  // Default: false.
  bool disable_wal = false;
};

struct FlushOptions {
  // Wait until the memtables are written. false: return once they are frozen and queued for
  // the flush thread. Default: true.
  bool wait = true;

  // Not empty: the flush is a commit. It must name every column family; their memtables are
  // frozen at one moment and written, and the tables are recorded in one MANIFEST edit
  // together with this blob (opaque, at most 1 MiB: the changelog offsets the state reflects,
  // for instance), whatever DBOptions::atomic_flush says. DB::GetCommittedMetadata returns the
  // blob of the last commit, after a reopen too. Default: empty (not a commit).
  std::string commit_metadata;
};

// The largest FlushOptions::commit_metadata, in bytes (1 MiB).
inline constexpr size_t kMaxCommitMetadataSize = size_t{1} << 20;

// DB::IngestExternalFile: how files written by SstFileWriter (sst_file_writer.h) are added.
// Every ingestion gives its files one new sequence number, above every write before it, so a
// snapshot taken before never sees them and they override older values of their keys.
struct IngestExternalFileOptions {
  // Hard-link each file into the database directory (FileSystem::LinkFile) and remove the
  // original once the ingestion succeeded; where a link cannot be made (another file system)
  // the file is copied and the original removed all the same. false: copy each file and leave
  // the original. Default: false.
  bool move_files = false;

  // When a memtable of the family (the active one or one waiting to be flushed) holds keys in
  // the files' key ranges, flush it first and wait (writes wait meanwhile). false: fail with
  // InvalidArgument instead. Default: true.
  bool allow_blocking_flush = true;

  // Read every block of each file before anything changes, verifying its checksum and that
  // the keys are in strictly increasing order, so that a damaged or unsorted file is refused
  // (Corruption naming it). false: only the footer, the meta blocks and the first and last
  // data blocks are read, and damage elsewhere shows when the data is read. Default: true.
  bool verify_checksums = true;
};

// Largest user key, in bytes, that the database accepts (8 MiB).
inline constexpr size_t kMaxKeySize = size_t{8} << 20;
// Largest value, in bytes, that the database accepts (256 MiB).
inline constexpr size_t kMaxValueSize = size_t{256} << 20;

// The OPTIONS file. DB::Open writes every option to OPTIONS-NNNNNN in the database directory
// (keeping the previous one too), so that a run can be reproduced:
//
//   lsm::Options options;                       // objects (comparator, filter) set here
//   lsm::Status s = lsm::LoadLatestOptions("/db", &options);
//   s = lsm::DB::Open(options, "/db", &db);
//
// Options not recorded: info_log, file_system (the loader's file_system reads the file) and
// clock. memory_budget is recorded by its sizes only; loading keeps the budget *options holds.
// A comparator other than the bytewise one, and a compaction filter, are recorded by name:
// *options must already hold one of that name. On any problem *options is left as it was and
// the status names it: InvalidArgument for an unknown section or option, a bad value (with
// the file and line), a missing section, or options that fail validation.

// The text of an OPTIONS file for `options`.
std::string OptionsToString(const Options& options);

// Reads the OPTIONS file at `path` into *options (see above).
Status LoadOptionsFromFile(const std::string& path, Options* options);

// Reads the newest OPTIONS file of the database in `dbname`; NotFound if it holds none.
// *path, if given, receives the file's path.
Status LoadLatestOptions(const std::string& dbname, Options* options, std::string* path = nullptr);

struct ColumnFamilyDescriptor;

// The same with every column family: *db_options receives the database's options and
// *families the descriptors of all the families the file records, the default one first (as
// DB::Open with descriptors takes them). A family's objects (comparator, compaction filter,
// merge operator not built in) are looked up by name in the descriptor of that family that
// *families holds on entry, or else in the default family's.
Status LoadLatestOptions(const std::string& dbname, DBOptions* db_options,
                         std::vector<ColumnFamilyDescriptor>* families,
                         std::string* path = nullptr);

}  // namespace lsm

#endif  // LSM_OPTIONS_H_
