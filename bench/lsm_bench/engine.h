// Engine: the storage engine a benchmark drives (lsm, LevelDB or RocksDB) behind one small
// interface, so that every workload runs the same code against each of them and every option
// is mapped the same way.
//
//   std::unique_ptr<lsm::bench::Engine> engine;
//   lsm::Status s = lsm::bench::NewEngine("leveldb", &engine);
//   lsm::bench::EngineOptions options{.path = "/tmp/db"};
//   if (s.ok()) s = engine->CheckOptions(options);
//   if (s.ok()) s = engine->Destroy(options.path);
//   if (s.ok()) s = engine->Open(options);
//   if (s.ok()) s = engine->Put("key", "value");
//   if (s.ok()) s = engine->Close();
//
// Errors of the underlying engine are translated to lsm::Status with the engine's message;
// a missing key is NotFound for every engine.
//
// Thread-safety: the data calls (Put through GetProperty) may be made by several threads at
// once; Open, Close and Destroy only while no other call runs. Batches and iterators belong to
// the thread that made them.
#ifndef LSM_BENCH_LSM_BENCH_ENGINE_H_
#define LSM_BENCH_LSM_BENCH_ENGINE_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/lsm_bench/result.h"
#include "lsm/options.h"
#include "lsm/status.h"

namespace lsm::bench {

// Compression of table blocks, as named by --compression_type.
enum class Compression { kNone, kSnappy, kLZ4, kZstd };

// "none", "snappy", "lz4" or "zstd".
std::string_view CompressionName(Compression compression);
// lsm's codec for `compression`; kNone for snappy, which lsm does not have.
lsm::CompressionType LsmCompression(Compression compression);
// Parses a --compression_type value; false for an unknown name.
bool ParseCompression(std::string_view name, Compression* compression);

// "level", "universal" or "fifo".
std::string_view CompactionStyleName(lsm::CompactionStyle style);
// Parses a --compaction_style value: a name above or db_bench's number (0, 1, 2); false for
// anything else.
bool ParseCompactionStyle(std::string_view name, lsm::CompactionStyle* style);

// The options every engine is opened with; each field is mapped to the engine's own option of
// the same meaning (see each adapter).
struct EngineOptions {
  std::string path;
  // Create the database when there is none; otherwise opening a missing one fails.
  bool create_if_missing = true;
  Compression compression = Compression::kNone;
  // Bloom filter bits per key; <= 0 builds no filter.
  int bloom_bits = 10;
  // Bytes of the block cache; 0 disables it.
  size_t cache_size = 8 << 20;
  // Bytes a memtable collects before it is flushed; 0 keeps the engine's default.
  size_t write_buffer_size = 0;
  // lsm, RocksDB: bytes of memtables of all families together at which the largest is
  // flushed; 0: no such limit.
  size_t db_write_buffer_size = 0;
  // lsm, RocksDB: bytes of one limit on the memtables and the block cache together
  // (--memory_budget_mb); 0: none, cache_size sizes the cache. lsm: a MemoryBudget of this
  // many bytes (memtable share half of it). RocksDB: an LRU cache of this many bytes shared
  // by a WriteBufferManager of half of it that charges its memtables to the cache (stalling
  // writes at its limit) and by the tables, which put their index and filter blocks in it.
  size_t memory_budget = 0;
  // The memtable index: "skip_list" or "btree" (lsm only); empty keeps the engine's default.
  std::string memtablerep;
  // lsm: write the WAL through a memory map (lsm::Options::wal_mmap).
  bool wal_mmap = true;
  // lsm: map table files into memory (lsm::Options::allow_mmap_reads).
  bool allow_mmap_reads = true;
  // lsm: auto, uring or posix (lsm::Options::io_backend); empty: the default.
  std::string io_backend;
  // lsm, RocksDB: read tables with direct I/O.
  bool use_direct_reads = false;
  // lsm, RocksDB: write flushed and compacted tables with direct I/O.
  bool use_direct_io_for_flush_and_compaction = false;
  // Bytes of uncompressed entries per table block.
  size_t block_size = 4096;
  // Table files kept open at most; -1 keeps every table open (RocksDB only).
  int open_files = 1000;
  // Writes: sync the log before acknowledging; skip the log altogether.
  bool sync = false;
  bool disable_wal = false;
  // Reads: verify block checksums.
  bool verify_checksum = true;
  // Background threads for flushes and compactions.
  int max_background_jobs = 2;
  lsm::CompactionStyle compaction_style = lsm::CompactionStyle::kLevel;
  // No compaction starts on its own; CompactRange() still compacts.
  bool disable_auto_compactions = false;
  // Leveled compaction sizes its levels from the last one (RocksDB's
  // level_compaction_dynamic_level_bytes); unset keeps the engine's default.
  std::optional<bool> dynamic_level_bytes;
  // Leveled compaction's shape: bytes of the first level below level 0, growth factor between
  // consecutive levels, level-0 tables that start a compaction. Unset keeps the engine's
  // default (lsm and RocksDB: 256 MiB, 10, 4; LevelDB's are fixed).
  std::optional<uint64_t> max_bytes_for_level_base;
  std::optional<int> max_bytes_for_level_multiplier;
  std::optional<int> level0_file_num_compaction_trigger;
  // lsm, RocksDB: the merge operator, "uint64add" or "stringappend"; empty: none.
  std::string merge_operator;
  // lsm, RocksDB: the column families the keys are spread over (--num_column_families):
  // "default", then "cf1" .. "cf<N-1>", each with the options above, created when missing. Key
  // number k lives in family k % N (FamilyOfKey); 1 keeps every key in the default family.
  int num_column_families = 1;
  // lsm, RocksDB: DBOptions::atomic_flush (--atomic_flush).
  bool atomic_flush = false;
  // lsm, RocksDB: > 0 sets a fixed-length prefix extractor of this many bytes, and every
  // iterator keeps to the prefix of its seek target (prefix_same_as_start).
  int prefix_size = 0;
  // lsm, RocksDB: memtable_prefix_bloom_size_ratio (with prefix_size).
  double memtable_bloom_size_ratio = 0;
};

// The name of column family `i` of a database of several: "default" for 0, else "cf<i>"
// (db_bench's names).
std::string ColumnFamilyName(size_t i);

// The family of a benchmark key in a database of `families` column families: the key's
// number modulo `families`. The keys are zero-padded decimal numbers of --key_size digits
// (generators.h), so the number is read from the leading digits; a key with a suffix after
// them (readmissing appends '.') goes to the family of its number, where it would sort next to
// it. Leading zeros add nothing, so the number cannot overflow however long the key.
// REQUIRES: families >= 1.
inline size_t FamilyOfKey(std::string_view key, size_t families) {
  // Eight digits at a time while there are eight (a key's routing is on every write's path).
  uint64_t number = 0;
  size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, key.data() + i, 8);
    if constexpr (std::endian::native == std::endian::big) chunk = __builtin_bswap64(chunk);
    // Every byte 0x30-0x39: high nibble 3, and adding 6 does not carry out of the low one.
    const uint64_t high = chunk & 0xF0F0F0F0F0F0F0F0;
    const uint64_t carried = (chunk + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0;
    if ((high | (carried >> 4)) != 0x3333333333333333) break;
    // Pairs, then fours, then all eight combined in place (the first digit is the low byte).
    chunk = ((chunk & 0x0F0F0F0F0F0F0F0F) * (10 * 256 + 1)) >> 8;
    chunk = ((chunk & 0x00FF00FF00FF00FF) * (100 * 65536 + 1)) >> 16;
    chunk = ((chunk & 0x0000FFFF0000FFFF) * ((10000ULL << 32) + 1)) >> 32;
    number = number * 100000000 + chunk;
  }
  for (; i < key.size() && key[i] >= '0' && key[i] <= '9'; i++) {
    number = number * 10 + static_cast<uint64_t>(key[i] - '0');
  }
  return static_cast<size_t>(number % families);
}

// A group of updates applied atomically by Engine::Write. Created by the engine it is used
// with.
class EngineBatch {
 public:
  virtual ~EngineBatch() = default;
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Delete(std::string_view key) = 0;
  virtual void Clear() = 0;
};

// An ordered cursor over the database; must be destroyed before its engine is closed.
class EngineIterator {
 public:
  virtual ~EngineIterator() = default;
  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  virtual void Seek(std::string_view target) = 0;
  // REQUIRES: Valid().
  virtual void Next() = 0;
  virtual void Prev() = 0;
  // REQUIRES: Valid(). Valid until the iterator moves.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  virtual lsm::Status status() const = 0;
};

// The EngineBatch and EngineIterator of each engine: its own WriteBatch and Iterator behind
// the interfaces. `Convert` translates the engine's types:
//   struct Convert {
//     static Slice In(std::string_view s);                 // a key or value handed in
//     static std::string_view Out(const Slice& s);         // a key or value handed out
//     static lsm::Status ToStatus(const EngineStatus& s);
//   };
template <typename Batch, typename Convert>
class BatchAdapter final : public EngineBatch {
 public:
  void Put(std::string_view key, std::string_view value) override {
    batch_.Put(Convert::In(key), Convert::In(value));
  }
  void Delete(std::string_view key) override { batch_.Delete(Convert::In(key)); }
  void Clear() override { batch_.Clear(); }
  Batch* rep() { return &batch_; }

 private:
  Batch batch_;
};

// The batch of a database of several column families: each key goes to its family
// (FamilyOfKey), through Batch::Put(Handle*, key, value) and Batch::Delete(Handle*, key).
template <typename Batch, typename Handle, typename Convert>
class FamilyBatchAdapter final : public EngineBatch {
 public:
  // families[i] is the handle of family i. REQUIRES: !families.empty().
  explicit FamilyBatchAdapter(std::vector<Handle*> families) : families_(std::move(families)) {}
  void Put(std::string_view key, std::string_view value) override {
    (void)batch_.Put(Family(key), Convert::In(key), Convert::In(value));
  }
  void Delete(std::string_view key) override { (void)batch_.Delete(Family(key), Convert::In(key)); }
  void Clear() override { batch_.Clear(); }
  Batch* rep() { return &batch_; }

 private:
  Handle* Family(std::string_view key) const {
    return families_[FamilyOfKey(key, families_.size())];
  }

  Batch batch_;
  const std::vector<Handle*> families_;
};

template <typename Iter, typename Convert>
class IteratorAdapter final : public EngineIterator {
 public:
  explicit IteratorAdapter(std::unique_ptr<Iter> it) : it_(std::move(it)) {}
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(std::string_view target) override { it_->Seek(Convert::In(target)); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return Convert::Out(it_->key()); }
  std::string_view value() const override { return Convert::Out(it_->value()); }
  lsm::Status status() const override { return Convert::ToStatus(it_->status()); }

 private:
  std::unique_ptr<Iter> it_;
};

// The iterator of a database of several column families: the families one after the other,
// family 0 first, each in key order. SeekToFirst starts at family 0's first key and Next goes
// on to the next family's first key when one is exhausted (Prev, from SeekToLast, the other
// way), so that a scan from SeekToFirst sees every key of the database once (in key order
// within each family, not across them). Seek(target) searches only the target key's family
// (FamilyOfKey), where that key lives, and Next goes on from there to the families after it.
// Each family's iterator is made by `make(family)` when the chain first enters it, so an
// iterator that only seeks opens one; the families are therefore read as of different moments.
// status() is the first error of any family's iterator; the chain stops at a family whose
// iterator fails.
class FamilyChainIterator final : public EngineIterator {
 public:
  using Factory = std::function<std::unique_ptr<EngineIterator>(size_t family)>;
  // REQUIRES: families >= 1.
  FamilyChainIterator(size_t families, Factory make);

  bool Valid() const override { return current_ != nullptr && current_->Valid(); }
  void SeekToFirst() override;
  void SeekToLast() override;
  void Seek(std::string_view target) override;
  void Next() override;
  void Prev() override;
  std::string_view key() const override { return current_->key(); }
  std::string_view value() const override { return current_->value(); }
  lsm::Status status() const override;

 private:
  // Makes `family` the current one, creating its iterator if need be.
  void Enter(size_t family);
  // While the current family is exhausted without error, moves to the next one's first key
  // (forward) or the previous one's last key (backward).
  void SkipExhaustedForward();
  void SkipExhaustedBackward();

  const Factory make_;
  std::vector<std::unique_ptr<EngineIterator>> iterators_;
  size_t family_ = 0;
  EngineIterator* current_ = nullptr;
};

// Writes sorted keys into a table file outside the database, for Engine::IngestFiles (the
// engine's SstFileWriter). Made by Engine::NewTableFileWriter; used by one thread.
class EngineTableFileWriter {
 public:
  virtual ~EngineTableFileWriter() = default;
  // Starts a new file at `path`. REQUIRES: no file open.
  virtual lsm::Status Open(const std::string& path) = 0;
  // REQUIRES: keys in increasing order within a file.
  virtual lsm::Status Put(std::string_view key, std::string_view value) = 0;
  // Completes and closes the file.
  virtual lsm::Status Finish() = 0;
  // Bytes of the open file so far.
  virtual uint64_t FileSize() const = 0;
};

// GetProperty over the column families of a database of several: `get(family, &s)` reads one
// family's property. A property that every family reports as a decimal number is the sum over
// the families, unless `database_wide` (a figure of the whole database, such as the block
// cache's usage, which every family reports alike): then the first family's. Any other is each
// family's text after a "[column family NAME]" line. False when no family knows the property.
bool FamiliesProperty(size_t families, bool database_wide,
                      const std::function<bool(size_t family, std::string* s)>& get,
                      std::string* value);

class Engine {
 public:
  Engine() = default;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  // Closes the database if it is open.
  virtual ~Engine() = default;

  // "lsm", "leveldb" or "rocksdb".
  virtual std::string_view name() const = 0;
  // The header's first line names the engine as db_bench does: "LevelDB", "RocksDB", "lsm".
  virtual std::string_view display_name() const = 0;
  // "1.23", "7.8.3", ...
  virtual std::string Version() const = 0;
  // The property holding the engine's statistics ("leveldb.stats", ...).
  virtual std::string_view stats_property() const = 0;
  // How the engine applies EngineOptions::memory_budget, for the header; "" where it has none.
  virtual std::string_view memory_budget_setup() const { return ""; }

  // InvalidArgument naming the flag when this engine cannot honour `options` (e.g. LevelDB
  // and --disable_wal).
  virtual lsm::Status CheckOptions(const EngineOptions& options) const = 0;

  // Opens (creating if missing) the database at options.path. REQUIRES: not open.
  virtual lsm::Status Open(const EngineOptions& options) = 0;
  // REQUIRES: no iterator alive. Closing a closed engine is OK.
  virtual lsm::Status Close() = 0;
  // Deletes the database at `path`; OK if there is none. REQUIRES: not open.
  virtual lsm::Status Destroy(const std::string& path) = 0;

  // Every call below REQUIRES: open.
  virtual lsm::Status Put(std::string_view key, std::string_view value) = 0;
  virtual lsm::Status Delete(std::string_view key) = 0;
  // REQUIRES: opened with a merge operator (CheckOptions refuses one an engine lacks).
  virtual lsm::Status Merge(std::string_view key, std::string_view operand) = 0;
  // Removes [begin, end) (from every column family, in one write); NotSupported where the
  // engine has no range deletion.
  virtual lsm::Status DeleteRange(std::string_view begin, std::string_view end) = 0;
  virtual std::unique_ptr<EngineBatch> NewBatch() = 0;
  // `batch` must come from this engine's NewBatch(). `sync` syncs the log before returning even
  // without EngineOptions::sync (fillsync).
  virtual lsm::Status Write(EngineBatch* batch, bool sync) = 0;
  // NotFound when the key is absent.
  virtual lsm::Status Get(std::string_view key, std::string* value) = 0;
  // Looks up every key at once: (*statuses)[i] and (*values)[i] are what Get(keys[i]) would
  // give. This default calls Get for each key; an engine with a batched lookup overrides it.
  virtual void MultiGet(const std::vector<std::string_view>& keys, std::vector<std::string>* values,
                        std::vector<lsm::Status>* statuses);
  // With several column families, a FamilyChainIterator over them.
  virtual std::unique_ptr<EngineIterator> NewIterator() = 0;

  // Bulk load (fillseqingest): a writer of table files with the database's options, and the
  // call that adds such files, with disjoint key ranges, to the default column family at once
  // (moving them in). NotSupported where the engine has no bulk load (LevelDB).
  virtual lsm::Status NewTableFileWriter(std::unique_ptr<EngineTableFileWriter>* writer) {
    (void)writer;
    return lsm::Status::NotSupported(std::string(display_name()) + " has no bulk load");
  }
  virtual lsm::Status IngestFiles(const std::vector<std::string>& paths) {
    (void)paths;
    return lsm::Status::NotSupported(std::string(display_name()) + " has no bulk load");
  }

  // Writes the memtable (of every column family) to a table and waits for it.
  virtual lsm::Status Flush() = 0;
  // Compacts the whole key range (of every column family) and waits for it.
  virtual lsm::Status CompactRange() = 0;
  // Called on every benchmark thread before its first call, to set up per-thread state.
  virtual void PrepareThread() {}
  // Returns once no flush or compaction is pending or running in any column family.
  // NotSupported when the engine cannot tell (the caller reports it as a no-op).
  virtual lsm::Status WaitForCompaction() = 0;
  // Sets *value to the named property; false if the engine does not know it. With several
  // column families: summed or listed over them (FamiliesProperty).
  virtual bool GetProperty(std::string_view property, std::string* value) = 0;
  // Sets *bytes to what flushes and compactions (of every column family) have written since
  // Open; false when the engine does not report it.
  virtual bool BackgroundBytesWritten(uint64_t* bytes) = 0;
  // Sets *work to the flushes' and compactions' figures, each apart; false when the engine
  // does not report them so.
  virtual bool GetBackgroundWork(BackgroundWork* /*work*/) { return false; }
};

// The engines compiled into this binary, in the order "lsm", "leveldb", "rocksdb".
std::vector<std::string_view> AvailableEngines();

// Sets *engine to a closed engine of that name. InvalidArgument naming --engine for an unknown
// or not compiled-in engine.
lsm::Status NewEngine(std::string_view name, std::unique_ptr<Engine>* engine);

// The adapters; each exists only when its engine is compiled in (see bench/CMakeLists.txt).
std::unique_ptr<Engine> NewLsmEngine();
std::unique_ptr<Engine> NewLevelDBEngine();
std::unique_ptr<Engine> NewRocksDBEngine();

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_ENGINE_H_
