// The RocksDB adapter. Option mapping: --compression_type none|snappy|lz4|zstd, --bloom_bits
// -> NewBloomFilterPolicy (full filters), --cache_size -> NewLRUCache (0: no_block_cache),
// --memory_budget_mb -> an LRU cache of that size (in place of --cache_size) shared by the
// tables (cache_index_and_filter_blocks, at high priority, level 0's pinned) and by a
// WriteBufferManager of half of it that charges its memtables to the cache and stalls writes
// at its limit,
// --write_buffer_size, --db_write_buffer_size, --atomic_flush, --block_size, --open_files ->
// max_open_files (-1: every table open, which RocksDB's FIFO compaction requires),
// --max_background_jobs,
// --compaction_style -> kCompactionStyleLevel/Universal/FIFO,
// --level_compaction_dynamic_level_bytes, --max_bytes_for_level_base,
// --max_bytes_for_level_multiplier, --level0_file_num_compaction_trigger,
// --disable_auto_compactions, --sync, --disable_wal, --verify_checksum, --prefix_size ->
// NewFixedPrefixTransform and ReadOptions::prefix_same_as_start, --memtable_bloom_size_ratio.
// Where db_bench's
// defaults depart from RocksDB's for an option lsm_bench has no flag for, lsm_bench takes
// db_bench's, so that both drive RocksDB alike (bench/fairness checks it; their OPTIONS files
// then differ only in options this setup never reads: FIFO's, partitioned-index pinning, malloc
// stats dumps, db_bench's listener): pipelined writes, delayed_write_rate 8 MiB/s,
// hard_pending_compaction_bytes_limit 128 GiB, index keys shortened on both sides, 16 table
// cache shards, and RocksDB's per-thread perf counters off on every benchmark thread.
// Everything else keeps RocksDB's defaults.
//
// Flush() is DB::Flush with wait; CompactRange() compacts everything; WaitForCompaction() polls
// the properties for pending and running flushes and compactions (7.8 has no WaitForCompact;
// a compaction reported pending that does not start within a second is not waited for).
// fillseqingest writes its files with rocksdb::SstFileWriter (the options above) and adds them
// with DB::IngestExternalFile, move_files and verify_checksums_before_ingest set (as lsm reads
// and verifies each file by default), the other options RocksDB's defaults.
// MultiGet is RocksDB's batched MultiGet. BackgroundBytesWritten() is the "Sum" row's write
// figure of the rocksdb.cfstats map: flushes count as level-0 writes there.
//
// --num_column_families=N > 1 opens the database with N column families, "default" and "cf1"
// .. "cf<N-1>" (db_bench's names), each with the options above (one table factory, so one
// block cache for all), creating the missing ones; N == 1 opens it as before, with its
// default family only, and every call below is then the one without a family handle. Key
// number k goes to family k % N (FamilyOfKey, which reads the number from the key's digits):
// Put, Delete, Merge and Get to the key's family, batches through a FamilyBatchAdapter,
// MultiGet as one call of RocksDB's MultiGet over several families. DeleteRange writes one
// batch with the range deletion in every family. NewIterator() chains the families' iterators
// (FamilyChainIterator: readseq reads every key; a Seek looks in the target's family). Flush()
// flushes every family at once, CompactRange() compacts each; WaitForCompaction() and
// BackgroundBytesWritten() add up the figures of every family; GetProperty sums a numeric
// property over the families (taking the database's own once: block cache, snapshots,
// running flushes and compactions, write stops) and lists a text one per family. The handles
// are destroyed before the database is closed.
#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/version.h>
#include <rocksdb/write_batch.h>
#include <rocksdb/write_buffer_manager.h>

#include <chrono>
#include <cstdlib>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench/lsm_bench/engine.h"

namespace lsm::bench {
namespace {

lsm::Status FromRocksDB(const rocksdb::Status& s) {
  if (s.ok()) return lsm::Status::OK();
  // A missing key is common on the read paths: no message to build.
  if (s.IsNotFound()) return lsm::Status::NotFound();
  const std::string msg = s.ToString();
  if (s.IsCorruption()) return lsm::Status::Corruption(msg);
  if (s.IsNotSupported()) return lsm::Status::NotSupported(msg);
  if (s.IsInvalidArgument()) return lsm::Status::InvalidArgument(msg);
  if (s.IsBusy()) return lsm::Status::Busy(msg);
  return lsm::Status::IOError(msg);
}

rocksdb::CompressionType ToRocksDB(Compression c) {
  switch (c) {
    case Compression::kNone:
      return rocksdb::kNoCompression;
    case Compression::kSnappy:
      return rocksdb::kSnappyCompression;
    case Compression::kLZ4:
      return rocksdb::kLZ4Compression;
    case Compression::kZstd:
      return rocksdb::kZSTD;
  }
  return rocksdb::kNoCompression;
}

struct RocksDBConvert {
  static rocksdb::Slice In(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
  static std::string_view Out(const rocksdb::Slice& s) { return s.ToStringView(); }
  static lsm::Status ToStatus(const rocksdb::Status& s) { return FromRocksDB(s); }
};
using RocksDBBatch = BatchAdapter<rocksdb::WriteBatch, RocksDBConvert>;
using RocksDBFamilyBatch =
    FamilyBatchAdapter<rocksdb::WriteBatch, rocksdb::ColumnFamilyHandle, RocksDBConvert>;
using RocksDBIterator = IteratorAdapter<rocksdb::Iterator, RocksDBConvert>;

class RocksDBTableFileWriter final : public EngineTableFileWriter {
 public:
  explicit RocksDBTableFileWriter(const rocksdb::Options& options)
      : writer_(rocksdb::EnvOptions(), options) {}
  lsm::Status Open(const std::string& path) override { return FromRocksDB(writer_.Open(path)); }
  lsm::Status Put(std::string_view key, std::string_view value) override {
    return FromRocksDB(writer_.Put(RocksDBConvert::In(key), RocksDBConvert::In(value)));
  }
  lsm::Status Finish() override { return FromRocksDB(writer_.Finish()); }
  uint64_t FileSize() const override { return writer_.FileSize(); }

 private:
  mutable rocksdb::SstFileWriter writer_;  // FileSize is not const
};

// RocksDB's numeric properties of the whole database: every family reports the same figure.
bool DatabaseWide(std::string_view property) {
  for (std::string_view name :
       {"rocksdb.block-cache-", "rocksdb.num-snapshots", "rocksdb.oldest-snapshot-",
        "rocksdb.num-running-flushes", "rocksdb.num-running-compactions",
        "rocksdb.background-errors", "rocksdb.is-write-stopped",
        "rocksdb.actual-delayed-write-rate", "rocksdb.is-file-deletions-enabled",
        "rocksdb.min-log-number-to-keep", "rocksdb.min-obsolete-sst-number-to-keep"}) {
    if (property.starts_with(name)) return true;
  }
  return false;
}

class RocksDBEngine final : public Engine {
 public:
  ~RocksDBEngine() override { (void)Close(); }

  std::string_view name() const override { return "rocksdb"; }
  std::string_view display_name() const override { return "RocksDB"; }
  std::string Version() const override {
    return absl::StrFormat("%d.%d.%d", ROCKSDB_MAJOR, ROCKSDB_MINOR, ROCKSDB_PATCH);
  }
  std::string_view stats_property() const override { return "rocksdb.stats"; }
  std::string_view memory_budget_setup() const override {
    return "an LRU cache of it shared by a WriteBufferManager of half of it, charging its "
           "memtables to the cache and stalling writes at its limit, and by the tables' data, "
           "index and filter blocks";
  }

  lsm::Status CheckOptions(const EngineOptions& options) const override {
    if (options.memtablerep == "btree") {
      return lsm::Status::InvalidArgument(
          "--memtablerep=btree: not supported by --engine=rocksdb (its memtable is a skiplist)");
    }
    if (options.compaction_style == lsm::CompactionStyle::kFIFO && options.open_files != -1) {
      return lsm::Status::InvalidArgument(absl::StrFormat(
          "--compaction_style=fifo: RocksDB's FIFO compaction needs every table open; add "
          "--open_files=-1 (now %d)",
          options.open_files));
    }
    return lsm::Status::OK();
  }

  lsm::Status Open(const EngineOptions& options) override {
    rocksdb::Options ro;
    ro.create_if_missing = options.create_if_missing;
    if (options.write_buffer_size != 0) ro.write_buffer_size = options.write_buffer_size;
    ro.db_write_buffer_size = options.db_write_buffer_size;
    ro.atomic_flush = options.atomic_flush;
    ro.max_open_files = options.open_files;
    ro.use_direct_reads = options.use_direct_reads;
    ro.use_direct_io_for_flush_and_compaction = options.use_direct_io_for_flush_and_compaction;
    ro.compression = ToRocksDB(options.compression);
    ro.enable_pipelined_write = !options.atomic_flush;  // RocksDB refuses the two together
    ro.delayed_write_rate = 8 << 20;
    ro.hard_pending_compaction_bytes_limit = uint64_t{128} << 30;
    ro.table_cache_numshardbits = 4;
    ro.max_background_jobs = options.max_background_jobs;
    ro.disable_auto_compactions = options.disable_auto_compactions;
    if (options.prefix_size > 0) {
      ro.prefix_extractor.reset(
          rocksdb::NewFixedPrefixTransform(static_cast<size_t>(options.prefix_size)));
      ro.memtable_prefix_bloom_size_ratio = options.memtable_bloom_size_ratio;
      read_options_.prefix_same_as_start = true;
    }
    if (!options.merge_operator.empty()) {
      // RocksDB's own built-in operators of these names.
      rocksdb::Status s = rocksdb::MergeOperator::CreateFromString(
          rocksdb::ConfigOptions(), options.merge_operator, &ro.merge_operator);
      if (!s.ok()) return FromRocksDB(s);
    }
    if (options.dynamic_level_bytes.has_value()) {
      ro.level_compaction_dynamic_level_bytes = *options.dynamic_level_bytes;
    }
    if (options.max_bytes_for_level_base.has_value()) {
      ro.max_bytes_for_level_base = *options.max_bytes_for_level_base;
    }
    if (options.max_bytes_for_level_multiplier.has_value()) {
      ro.max_bytes_for_level_multiplier = *options.max_bytes_for_level_multiplier;
    }
    if (options.level0_file_num_compaction_trigger.has_value()) {
      ro.level0_file_num_compaction_trigger = *options.level0_file_num_compaction_trigger;
    }
    switch (options.compaction_style) {
      case lsm::CompactionStyle::kLevel:
        ro.compaction_style = rocksdb::kCompactionStyleLevel;
        break;
      case lsm::CompactionStyle::kUniversal:
        ro.compaction_style = rocksdb::kCompactionStyleUniversal;
        break;
      case lsm::CompactionStyle::kFIFO:
        ro.compaction_style = rocksdb::kCompactionStyleFIFO;
        break;
    }
    rocksdb::BlockBasedTableOptions table;
    table.block_size = options.block_size;
    table.index_shortening =
        rocksdb::BlockBasedTableOptions::IndexShorteningMode::kShortenSeparatorsAndSuccessor;
    if (options.memory_budget > 0) {
      // RocksDB's way to one memory limit: the memtables' memory is charged to the block cache
      // (cost_to_cache), and so are the index and filter blocks, kept there while their table
      // is open.
      std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.memory_budget);
      ro.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(
          options.memory_budget / 2, cache, /*allow_stall=*/true);
      table.block_cache = cache;
      table.cache_index_and_filter_blocks = true;
      table.cache_index_and_filter_blocks_with_high_priority = true;
      table.pin_l0_filter_and_index_blocks_in_cache = true;
    } else if (options.cache_size > 0) {
      table.block_cache = rocksdb::NewLRUCache(options.cache_size);
    } else {
      table.no_block_cache = true;
    }
    if (options.bloom_bits > 0) {
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(options.bloom_bits, false));
    }
    ro.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    options_ = ro;
    write_options_.sync = options.sync;
    write_options_.disableWAL = options.disable_wal;
    read_options_.verify_checksums = options.verify_checksum;
    rocksdb::DB* db = nullptr;
    if (options.num_column_families <= 1) {
      lsm::Status s = FromRocksDB(rocksdb::DB::Open(ro, options.path, &db));
      db_.reset(db);
      if (s.ok()) families_ = {db_->DefaultColumnFamily()};
      return s;
    }
    rocksdb::DBOptions db_options(ro);
    db_options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (int i = 0; i < options.num_column_families; i++) {
      descriptors.emplace_back(ColumnFamilyName(static_cast<size_t>(i)),
                               rocksdb::ColumnFamilyOptions(ro));
    }
    lsm::Status s =
        FromRocksDB(rocksdb::DB::Open(db_options, options.path, descriptors, &families_, &db));
    db_.reset(db);
    if (s.ok()) {
      own_handles_ = true;
    } else {
      families_.clear();
    }
    return s;
  }

  lsm::Status Close() override {
    if (db_ == nullptr) return lsm::Status::OK();
    lsm::Status s;
    if (own_handles_) {
      for (rocksdb::ColumnFamilyHandle* family : families_) {
        lsm::Status destroyed = FromRocksDB(db_->DestroyColumnFamilyHandle(family));
        if (s.ok()) s = destroyed;
      }
    }
    families_.clear();
    own_handles_ = false;
    lsm::Status closed = FromRocksDB(db_->Close());
    if (s.ok()) s = closed;
    db_.reset();
    return s;
  }

  lsm::Status Destroy(const std::string& path) override {
    return FromRocksDB(rocksdb::DestroyDB(path, rocksdb::Options()));
  }

  // The data calls test Several() first, so that one family costs no more than before.
  lsm::Status Put(std::string_view key, std::string_view value) override {
    if (Several()) return FromRocksDB(db_->Put(write_options_, FamilyOf(key), key, value));
    return FromRocksDB(db_->Put(write_options_, key, value));
  }
  lsm::Status Merge(std::string_view key, std::string_view operand) override {
    if (Several()) return FromRocksDB(db_->Merge(write_options_, FamilyOf(key), key, operand));
    return FromRocksDB(db_->Merge(write_options_, key, operand));
  }
  lsm::Status DeleteRange(std::string_view begin, std::string_view end) override {
    if (!Several()) {
      return FromRocksDB(db_->DeleteRange(write_options_, db_->DefaultColumnFamily(), begin, end));
    }
    // The range's keys lie in every family: one write deletes it from all of them.
    rocksdb::WriteBatch batch;
    for (rocksdb::ColumnFamilyHandle* family : families_) {
      rocksdb::Status s = batch.DeleteRange(family, begin, end);
      if (!s.ok()) return FromRocksDB(s);
    }
    return FromRocksDB(db_->Write(write_options_, &batch));
  }
  lsm::Status Delete(std::string_view key) override {
    if (Several()) return FromRocksDB(db_->Delete(write_options_, FamilyOf(key), key));
    return FromRocksDB(db_->Delete(write_options_, key));
  }
  std::unique_ptr<EngineBatch> NewBatch() override {
    if (Several()) return std::make_unique<RocksDBFamilyBatch>(families_);
    return std::make_unique<RocksDBBatch>();
  }
  lsm::Status Write(EngineBatch* batch, bool sync) override {
    rocksdb::WriteOptions options = write_options_;
    options.sync |= sync;
    return FromRocksDB(db_->Write(options, Several()
                                               ? static_cast<RocksDBFamilyBatch*>(batch)->rep()
                                               : static_cast<RocksDBBatch*>(batch)->rep()));
  }
  lsm::Status Get(std::string_view key, std::string* value) override {
    if (Several()) return FromRocksDB(db_->Get(read_options_, FamilyOf(key), key, value));
    return FromRocksDB(db_->Get(read_options_, key, value));
  }
  void MultiGet(const std::vector<std::string_view>& keys, std::vector<std::string>* values,
                std::vector<lsm::Status>* statuses) override {
    const size_t n = keys.size();
    std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
    std::vector<rocksdb::PinnableSlice> found(n);
    std::vector<rocksdb::Status> status(n);
    if (Several()) {
      // RocksDB's MultiGet over several families: each key with its family's handle.
      std::vector<rocksdb::ColumnFamilyHandle*> families(n);
      for (size_t i = 0; i < n; i++) families[i] = FamilyOf(keys[i]);
      db_->MultiGet(read_options_, n, families.data(), slices.data(), found.data(), status.data());
    } else {
      db_->MultiGet(read_options_, db_->DefaultColumnFamily(), n, slices.data(), found.data(),
                    status.data());
    }
    values->resize(n);
    statuses->resize(n);
    for (size_t i = 0; i < n; i++) {
      (*statuses)[i] = FromRocksDB(status[i]);
      if (status[i].ok()) (*values)[i].assign(found[i].data(), found[i].size());
    }
  }
  std::unique_ptr<EngineIterator> NewIterator() override {
    if (!Several()) {
      return std::make_unique<RocksDBIterator>(
          std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(read_options_)));
    }
    // The chain is destroyed before the engine is closed (EngineIterator's contract).
    return std::make_unique<FamilyChainIterator>(
        families_.size(), [this](size_t family) -> std::unique_ptr<EngineIterator> {
          return std::make_unique<RocksDBIterator>(std::unique_ptr<rocksdb::Iterator>(
              db_->NewIterator(read_options_, families_[family])));
        });
  }

  lsm::Status NewTableFileWriter(std::unique_ptr<EngineTableFileWriter>* writer) override {
    *writer = std::make_unique<RocksDBTableFileWriter>(options_);
    return lsm::Status::OK();
  }
  lsm::Status IngestFiles(const std::vector<std::string>& paths) override {
    rocksdb::IngestExternalFileOptions options;
    options.move_files = true;
    // As lsm's default: every file read whole and its checksums verified before it is added.
    options.verify_checksums_before_ingest = true;
    return FromRocksDB(db_->IngestExternalFile(paths, options));
  }

  lsm::Status Flush() override {
    if (Several()) return FromRocksDB(db_->Flush(rocksdb::FlushOptions(), families_));
    return FromRocksDB(db_->Flush(rocksdb::FlushOptions()));
  }
  lsm::Status CompactRange() override {
    for (rocksdb::ColumnFamilyHandle* family : families_) {
      lsm::Status s =
          FromRocksDB(db_->CompactRange(rocksdb::CompactRangeOptions(), family, nullptr, nullptr));
      if (!s.ok()) return s;
    }
    return lsm::Status::OK();
  }

  lsm::Status WaitForCompaction() override {
    const std::string* const kPending[] = {
        &rocksdb::DB::Properties::kMemTableFlushPending,
        &rocksdb::DB::Properties::kNumRunningFlushes,
        &rocksdb::DB::Properties::kCompactionPending,
        &rocksdb::DB::Properties::kNumRunningCompactions,
    };
    // RocksDB's universal compaction may report a compaction pending that its picker never
    // starts: a pending flag with nothing running for a second counts as quiet.
    int idle_polls = 0;
    for (;;) {
      // Each figure summed over the families.
      uint64_t n[std::size(kPending)] = {};
      for (rocksdb::ColumnFamilyHandle* family : families_) {
        for (size_t i = 0; i < std::size(kPending); i++) {
          uint64_t value = 0;
          if (!db_->GetIntProperty(family, *kPending[i], &value)) {
            return lsm::Status::NotSupported(
                absl::StrFormat("rocksdb: no property %s", *kPending[i]));
          }
          n[i] += value;
        }
      }
      const bool running = n[0] > 0 || n[1] > 0 || n[3] > 0;
      if (!running && (n[2] == 0 || ++idle_polls >= 100)) return lsm::Status::OK();
      if (running) idle_polls = 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void PrepareThread() override { rocksdb::SetPerfLevel(rocksdb::kDisable); }

  bool GetProperty(std::string_view property, std::string* value) override {
    if (!Several()) return db_->GetProperty(property, value);
    return FamiliesProperty(
        families_.size(), DatabaseWide(property),
        [&](size_t family, std::string* s) {
          return db_->GetProperty(families_[family], property, s);
        },
        value);
  }

  bool BackgroundBytesWritten(uint64_t* bytes) override {
    // Each family's flushes and compactions are its own: the sum over the families.
    double gb = 0;
    for (rocksdb::ColumnFamilyHandle* family : families_) {
      std::map<std::string, std::string> stats;
      if (!db_->GetMapProperty(family, rocksdb::DB::Properties::kCFStats, &stats)) return false;
      const auto it = stats.find("compaction.Sum.WriteGB");
      if (it == stats.end()) return false;
      gb += std::strtod(it->second.c_str(), nullptr);
    }
    *bytes = static_cast<uint64_t>(gb * 1073741824.0);
    return true;
  }

 private:
  // Whether the database has several column families (--num_column_families > 1).
  bool Several() const { return families_.size() > 1; }
  rocksdb::ColumnFamilyHandle* FamilyOf(std::string_view key) const {
    return families_[FamilyOfKey(key, families_.size())];
  }

  std::unique_ptr<rocksdb::DB> db_;
  // The handles of the open database's families, family i at [i]: the default family's own
  // handle with one family, else those DB::Open made, which Close() destroys (own_handles_).
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
  bool own_handles_ = false;
  rocksdb::Options options_;  // as opened, for table file writers
  rocksdb::WriteOptions write_options_;
  rocksdb::ReadOptions read_options_;
};

}  // namespace

std::unique_ptr<Engine> NewRocksDBEngine() { return std::make_unique<RocksDBEngine>(); }

}  // namespace lsm::bench
