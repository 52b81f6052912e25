// lsm::DB: an embedded, persistent, ordered key-value store.
//
//   lsm::Options options;
//   options.create_if_missing = true;
//   std::unique_ptr<lsm::DB> db;
//   lsm::Status s = lsm::DB::Open(options, "/tmp/db", &db);
//   s = db->Put(lsm::WriteOptions(), "key", "value");
//   std::string value;
//   s = db->Get(lsm::ReadOptions(), "key", &value);
//   s = db->Close();
//
// Thread-safety: a DB may be used from many threads at once without external locking.
// Only one DB object, in one process, may have a directory open at a time; a second Open of
// the same directory fails with IOError ("lock held"). Any call after Close() returns
// InvalidArgument ("database closed").
#ifndef LSM_DB_H_
#define LSM_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lsm/column_family.h"
#include "lsm/iterator.h"
#include "lsm/options.h"
#include "lsm/status.h"
#include "lsm/transaction_log.h"
#include "lsm/write_batch.h"

namespace lsm {

// The numeric properties that DB::GetIntProperty answers, in the order DB::GetProperty lists
// them, but the per-level lsm.num-files-at-level<N>: for tools that show them all.
inline constexpr std::string_view kIntProperties[] = {
    "lsm.num-immutable-mem-table",
    "lsm.mem-table-flush-pending",
    "lsm.num-running-flushes",
    "lsm.cur-size-active-mem-table",
    "lsm.cur-size-all-mem-tables",
    "lsm.num-entries-active-mem-table",
    "lsm.num-deletes-active-mem-table",
    "lsm.num-entries-imm-mem-tables",
    "lsm.num-deletes-imm-mem-tables",
    "lsm.estimate-num-keys",
    "lsm.compaction-pending",
    "lsm.num-running-compactions",
    "lsm.estimate-pending-compaction-bytes",
    "lsm.live-sst-files-size",
    "lsm.total-sst-files-size",
    "lsm.num-live-versions",
    "lsm.num-snapshots",
    "lsm.block-cache-capacity",
    "lsm.block-cache-usage",
    "lsm.block-cache-pinned-usage",
    "lsm.memory-budget-limit",
    "lsm.memory-budget-usage",
};

// A consistent, read-only view of the database at one moment. Obtained from GetSnapshot and
// given back with ReleaseSnapshot; pass it in ReadOptions::snapshot.
class Snapshot {
 protected:
  virtual ~Snapshot() = default;
};

class DB {
 public:
  // Opens the database in directory `name`. On success *dbptr holds it; otherwise *dbptr is
  // reset and the status says why.
  static Status Open(const Options& options, const std::string& name, std::unique_ptr<DB>* dbptr);

  // Opens the database in `name` for reading only, as it is at this moment. No LOCK is taken
  // and no file is written: the write-ahead logs are replayed into memory, no info log is
  // written (but to Options::info_log), and no background work runs. Writes, Flush,
  // CompactRange and SetOptions return NotSupported. A process that has the database open
  // for writing may go on meanwhile: the read-only database does not see its later writes,
  // and reads fail with IOError once its compactions delete a table they need.
  static Status OpenForReadOnly(const Options& options, const std::string& name,
                                std::unique_ptr<DB>* dbptr);

  // Opens the database in `name` with the column families `column_families` names, each with
  // its options; the default family must be among them. Every family the database holds must
  // be named (InvalidArgument lists those that are not); with
  // options.create_missing_column_families, named families that do not exist are created.
  // On success (*handles)[i] is the handle of column_families[i]; the handles belong to the
  // database.
  static Status Open(const DBOptions& options, const std::string& name,
                     const std::vector<ColumnFamilyDescriptor>& column_families,
                     std::vector<ColumnFamilyHandle*>* handles, std::unique_ptr<DB>* dbptr);

  // OpenForReadOnly with descriptors: any subset of the families that include the default one
  // may be opened.
  static Status OpenForReadOnly(const DBOptions& options, const std::string& name,
                                const std::vector<ColumnFamilyDescriptor>& column_families,
                                std::vector<ColumnFamilyHandle*>* handles,
                                std::unique_ptr<DB>* dbptr);

  // The names of the column families of the database in `name`, the default one first.
  static Status ListColumnFamilies(const DBOptions& options, const std::string& name,
                                   std::vector<std::string>* column_families);

  DB() = default;
  DB(const DB&) = delete;
  DB& operator=(const DB&) = delete;
  // Closes the database if Close() was not called; errors are not reported from here.
  virtual ~DB() = default;

  // Column families (column_family.h). CreateColumnFamily records the new family durably and
  // sets *handle; InvalidArgument for an empty name or one that exists. DropColumnFamily
  // records the drop durably; the family's data is deleted once no iterator or snapshot read
  // needs it. The default family cannot be dropped.
  virtual Status CreateColumnFamily(const ColumnFamilyOptions& options, const std::string& name,
                                    ColumnFamilyHandle** handle) = 0;
  virtual Status DropColumnFamily(ColumnFamilyHandle* column_family) = 0;
  virtual ColumnFamilyHandle* DefaultColumnFamily() const = 0;

  // The calls below without a handle act on the default family.
  virtual Status Put(const WriteOptions& options, ColumnFamilyHandle* column_family,
                     std::string_view key, std::string_view value) = 0;
  Status Put(const WriteOptions& options, std::string_view key, std::string_view value) {
    return Put(options, DefaultColumnFamily(), key, value);
  }
  virtual Status Delete(const WriteOptions& options, ColumnFamilyHandle* column_family,
                        std::string_view key) = 0;
  Status Delete(const WriteOptions& options, std::string_view key) {
    return Delete(options, DefaultColumnFamily(), key);
  }
  // Merges `operand` into key's value through the family's merge_operator (merge_operator.h);
  // InvalidArgument if the family has none, as a TTL family (ttl_seconds) never has.
  virtual Status Merge(const WriteOptions& options, ColumnFamilyHandle* column_family,
                       std::string_view key, std::string_view operand) = 0;
  Status Merge(const WriteOptions& options, std::string_view key, std::string_view operand) {
    return Merge(options, DefaultColumnFamily(), key, operand);
  }
  // Removes every key in [begin, end) (by the family's comparator) written before this call,
  // in one write whatever the range holds. InvalidArgument if begin sorts after end;
  // begin == end removes nothing.
  virtual Status DeleteRange(const WriteOptions& options, ColumnFamilyHandle* column_family,
                             std::string_view begin, std::string_view end) = 0;
  Status DeleteRange(const WriteOptions& options, std::string_view begin, std::string_view end) {
    return DeleteRange(options, DefaultColumnFamily(), begin, end);
  }
  // Applies every update of `updates` atomically, in whichever families they name.
  virtual Status Write(const WriteOptions& options, WriteBatch* updates) = 0;

  // Sets *value to the value of key. NotFound when the key is absent.
  virtual Status Get(const ReadOptions& options, ColumnFamilyHandle* column_family,
                     std::string_view key, std::string* value) = 0;
  Status Get(const ReadOptions& options, std::string_view key, std::string* value) {
    return Get(options, DefaultColumnFamily(), key, value);
  }

  // Looks up a batch of keys at one point in time (options.snapshot, or now): statuses[i] is
  // what Get would return for keys[i], and (*values)[i] its value where that is OK. The
  // filters and indexes are consulted for the whole batch first and the data blocks it needs
  // read with one RandomAccessFile::MultiRead per table, before each key's lookup.
  virtual std::vector<Status> MultiGet(const ReadOptions& options,
                                       ColumnFamilyHandle* column_family,
                                       const std::vector<std::string_view>& keys,
                                       std::vector<std::string>* values) = 0;
  std::vector<Status> MultiGet(const ReadOptions& options,
                               const std::vector<std::string_view>& keys,
                               std::vector<std::string>* values) {
    return MultiGet(options, DefaultColumnFamily(), keys, values);
  }

  // An iterator over the family as of now (or options.snapshot). The iterator keeps the
  // files it reads alive; it must be destroyed before the DB is.
  virtual std::unique_ptr<Iterator> NewIterator(const ReadOptions& options,
                                                ColumnFamilyHandle* column_family) = 0;
  std::unique_ptr<Iterator> NewIterator(const ReadOptions& options) {
    return NewIterator(options, DefaultColumnFamily());
  }

  // A snapshot of the current state; must be released with ReleaseSnapshot before Close.
  virtual const Snapshot* GetSnapshot() = 0;
  virtual void ReleaseSnapshot(const Snapshot* snapshot) = 0;

  // Writes the memtables of every column family to tables and waits for it.
  virtual Status Flush() = 0;
  // Writes the family's memtables to tables (and waits, if options.wait).
  virtual Status Flush(const FlushOptions& options, ColumnFamilyHandle* column_family) = 0;
  // The same for several families; with DBOptions::atomic_flush their tables are recorded in
  // one MANIFEST edit, so a crash leaves all of them flushed or none.
  virtual Status Flush(const FlushOptions& options,
                       const std::vector<ColumnFamilyHandle*>& column_families) = 0;

  // The FlushOptions::commit_metadata of the last commit (kept across reopens). NotFound if
  // the database was never committed.
  virtual Status GetCommittedMetadata(std::string* metadata) = 0;

  // Compacts the key range [*begin, *end] of the family; nullptr means unbounded on that side.
  virtual Status CompactRange(ColumnFamilyHandle* column_family, const std::string_view* begin,
                              const std::string_view* end) = 0;
  Status CompactRange(const std::string_view* begin, const std::string_view* end) {
    return CompactRange(DefaultColumnFamily(), begin, end);
  }

  // Deletes every key of [begin, end) in the family, as DeleteRange does, and drops at once the
  // table files that hold nothing outside the range, so their space comes back without waiting
  // for a compaction (RocksDB's DeleteFilesInRange, which leaves the keys of the range in the
  // tables it keeps visible; here they are deleted). A table stays while a snapshot reads
  // from it or a compaction works on it; iterators made before keep reading it. begin == end
  // does nothing; begin after end is InvalidArgument.
  virtual Status DeleteFilesInRange(ColumnFamilyHandle* column_family, std::string_view begin,
                                    std::string_view end) = 0;
  Status DeleteFilesInRange(std::string_view begin, std::string_view end) {
    return DeleteFilesInRange(DefaultColumnFamily(), begin, end);
  }

  // Bulk load: adds the table files at `paths`, written by SstFileWriter (sst_file_writer.h),
  // to the family, as if their entries had been written at once at one new sequence number
  // after every write before the call (but not through the log, so GetUpdatesSince does not
  // return them). Each file is placed in the deepest level where nothing older of its key
  // range lies above it (level 0 under universal and FIFO compaction); a memtable that holds
  // keys of the files' ranges is flushed first (options.allow_blocking_flush). The files are
  // copied or linked into the database (options.move_files); the call returns once a synced
  // MANIFEST record holds them.
  // Each file is checked before anything changes: InvalidArgument for an empty list, a file
  // that is not a table written by SstFileWriter, was written with another comparator than the
  // family's, or holds merge operands of another merge operator than the family's (or the
  // family has none), and for two files of the call whose key ranges overlap (naming both);
  // Corruption for a damaged file or one whose keys are out of order (with
  // options.verify_checksums); NotFound for a missing one. Each names the file. On any error the
  // database is unchanged and nothing is left in its directory. NotSupported for a database
  // opened read-only.
  virtual Status IngestExternalFile(ColumnFamilyHandle* column_family,
                                    const std::vector<std::string>& paths,
                                    const IngestExternalFileOptions& options) = 0;
  Status IngestExternalFile(const std::vector<std::string>& paths,
                            const IngestExternalFileOptions& options) {
    return IngestExternalFile(DefaultColumnFamily(), paths, options);
  }

  // Sets *value to the named property. Returns false for an unknown name. Text:
  //   lsm.stats                  levelstats, then memtables, flushes, compactions, stalls,
  //                              snapshots and the background error
  //   lsm.levelstats             per level: files, bytes, target, score, compactions, bytes
  //                              read and written; bytes and seconds of all flushes and
  //                              compactions; write amplification
  //   lsm.background-error       the background error ("OK" when none)
  //   lsm.recovery               the logs Open replayed: records applied, bytes dropped and why
  //   lsm.memory                 where memory goes: the memory budget (limit, memtable share,
  //                              bytes charged, the memtables of each database attached), the
  //                              block cache (usage, capacity, pinned index and filter blocks)
  //                              and this database's memtables per column family
  // Numbers (also through GetIntProperty), with RocksDB's names:
  //   lsm.num-files-at-level<N>             tables on level N (0 to 6)
  //   lsm.num-immutable-mem-table           frozen memtables not yet flushed
  //   lsm.mem-table-flush-pending           1 if a frozen memtable waits for the flush thread
  //   lsm.num-running-flushes               flushes under way (0 or 1)
  //   lsm.cur-size-active-mem-table         bytes of the active memtable
  //   lsm.cur-size-all-mem-tables           bytes of the active and frozen memtables
  //   lsm.num-entries-active-mem-table      entries in the active memtable
  //   lsm.num-deletes-active-mem-table      deletions among them
  //   lsm.num-entries-imm-mem-tables        entries in the frozen memtables
  //   lsm.num-deletes-imm-mem-tables        deletions among them
  //   lsm.estimate-num-keys                 keys, estimated: entries less deletions in the
  //                                         memtables, plus entries less twice the deletions
  //                                         in the tables (overwrites count until compacted)
  //   lsm.compaction-pending                1 if a compaction is due (never with
  //                                         disable_auto_compactions)
  //   lsm.num-running-compactions           compactions under way
  //   lsm.estimate-pending-compaction-bytes bytes compaction must still rewrite to bring every
  //                                         level within its limit
  //   lsm.live-sst-files-size               bytes of the current version's tables
  //   lsm.total-sst-files-size              bytes of every table a version still uses (readers
  //                                         hold older versions)
  //   lsm.num-live-versions                 versions in use, the current one included
  //   lsm.num-snapshots                     snapshots not yet released
  //   lsm.block-cache-capacity              block_cache_bytes, or with a memory budget the
  //                                         budget's limit less its memtables now
  //   lsm.block-cache-usage                 bytes the block cache holds now
  //   lsm.block-cache-pinned-usage          of them, the index and filter blocks of open tables
  //   lsm.memory-budget-limit               DBOptions::memory_budget's limit (0: no budget)
  //   lsm.memory-budget-usage               bytes the budget charges now: the memtables of its
  //                                         databases and the shared block cache (0: none)
  // The properties of memtables, levels, compactions and tables are the family's; the block
  // cache, snapshots, sequence, recovery and background error the database's (the block cache
  // and the memory budget are shared with the other databases of the budget).
  virtual bool GetProperty(ColumnFamilyHandle* column_family, std::string_view property,
                           std::string* value) = 0;
  bool GetProperty(std::string_view property, std::string* value) {
    return GetProperty(DefaultColumnFamily(), property, value);
  }

  // Sets *value to a numeric property (the second list above). Returns false for an unknown
  // name or a text property.
  virtual bool GetIntProperty(ColumnFamilyHandle* column_family, std::string_view property,
                              uint64_t* value) = 0;
  bool GetIntProperty(std::string_view property, uint64_t* value) {
    return GetIntProperty(DefaultColumnFamily(), property, value);
  }

  // Changes options of the open database, named as in Options, values as text. Only
  // "disable_auto_compactions" ("true" or "false") can change while open: after a bulk load,
  // SetOptions({{"disable_auto_compactions", "false"}}) lets compaction start on its own again.
  // Any other name, or a bad value, is InvalidArgument naming it, and then nothing changes.
  // The option is the family's.
  virtual Status SetOptions(ColumnFamilyHandle* column_family,
                            const std::unordered_map<std::string, std::string>& options) = 0;
  Status SetOptions(const std::unordered_map<std::string, std::string>& options) {
    return SetOptions(DefaultColumnFamily(), options);
  }

  // The sequence number of the last write; 0 for a database never written.
  virtual uint64_t GetLatestSequenceNumber() const = 0;

  // The write batches of the logs from the one holding sequence `seq` on
  // (include/lsm/transaction_log.h). NotFound when the logs kept no longer reach back to
  // `seq`; InvalidArgument when `seq` is past GetLatestSequenceNumber() + 1.
  virtual Status GetUpdatesSince(uint64_t seq,
                                 std::unique_ptr<TransactionLogIterator>* iterator) = 0;

  // Clears a background error once its cause is gone, so writes are accepted again. It first
  // flushes every memtable (so that no later recovery needs a log the error may have damaged)
  // and returns the error that stops it, if any; the database then stays in the error state.
  virtual Status Resume() = 0;

  // Waits for background work, syncs what needs syncing and releases the directory lock.
  virtual Status Close() = 0;
};

// Deletes the database in `name` and its files. Fails with IOError if it is open.
Status DestroyDB(const std::string& name, const Options& options);

// Rebuilds the database in `name` from the tables and write-ahead logs in its directory, for
// when its MANIFEST or CURRENT is lost or damaged. Every entry that verifies is kept: tables
// that verify whole stay as they are; the intact blocks of damaged tables and the intact
// records of logs are copied into new tables; all tables go to level 0 under a new MANIFEST.
// Every file it replaces is moved into the subdirectory `name`/lost/, never deleted.
// Entries in damaged blocks or log records are lost, so the result need not be a prefix of
// the write history.
// Column families are kept apart: each table and log record goes back to its own family
// (tables name theirs in their properties, log records carry its ID); names come from the
// MANIFESTs left in the directory, read as far as they can be, or from the tables. Log
// records of a family that nothing names go to a family "lost-<id>", the entries of a
// damaged table whose family cannot be read to "lost-unknown" (in a database that has had
// other families than the default one). A family a MANIFEST in the directory records as
// dropped stays dropped: tables of it that were not yet deleted are moved into lost/ and its
// log records left out. Without such a record the leftovers of a dropped family come back as
// a live family. Every family is repaired with options.comparator and
// options.merge_operator. Fails with IOError ("lock held") if the database is open, and with
// InvalidArgument if `name` holds no database files, or a table or family of a comparator
// other than options.comparator (naming it; nothing is changed then).
Status RepairDB(const std::string& name, const Options& options);

// What RepairDB found and did.
struct RepairReport {
  // Tables found in the directory.
  uint64_t tables_kept = 0;      // verified whole, kept as they are
  uint64_t tables_salvaged = 0;  // damaged; their intact entries copied to a new table
  uint64_t tables_dropped = 0;   // damaged; nothing readable
  uint64_t bad_blocks = 0;       // data blocks skipped in damaged tables
  // Entries of damaged tables not recovered, as far as their properties tell (a table whose
  // properties are unreadable adds nothing here but is named in `notes`).
  uint64_t entries_lost = 0;
  // Logs.
  uint64_t logs_replayed = 0;
  uint64_t log_records = 0;          // batches recovered
  uint64_t log_records_skipped = 0;  // intact records whose batch did not decode or fit
  uint64_t log_bytes_dropped = 0;    // damaged bytes skipped (torn tails included)
  uint64_t logs_damaged = 0;         // logs with damage other than a torn tail
  // Tables rewritten because their key and sequence ranges overlapped others'.
  uint64_t tables_merged = 0;
  // The repaired database: its tables (all in level 0), their entries and bytes.
  uint64_t tables = 0;
  uint64_t entries = 0;
  uint64_t bytes = 0;
  uint64_t last_sequence = 0;
  uint64_t manifest_number = 0;
  // Names of the files moved into `name`/lost/ (as named there).
  std::vector<std::string> archived;
  // One line per damaged, dropped or rewritten file: what was found and done.
  std::vector<std::string> notes;

  // True if entries that were in the files may be missing from the repaired database.
  bool LostData() const {
    return tables_salvaged + tables_dropped + logs_damaged + log_records_skipped > 0;
  }
  // A human-readable summary, one fact per line.
  std::string ToString() const;
};

// RepairDB, reporting what it found and did. *report is filled in as far as the repair got.
Status RepairDB(const std::string& name, const Options& options, RepairReport* report);

}  // namespace lsm

#endif  // LSM_DB_H_
