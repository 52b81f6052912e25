// The lsm adapter, driving the public API of include/lsm. Option mapping: --compression_type
// none|lz4|zstd (snappy is refused), --bloom_bits -> bloom_bits_per_key (<= 0: none),
// --cache_size -> block_cache_bytes, --memory_budget_mb -> memory_budget (a MemoryBudget of that
// size, its memtable share half, whose block cache replaces --cache_size), --write_buffer_size,
// --db_write_buffer_size, --atomic_flush, --block_size,
// --open_files -> max_open_files, --max_background_jobs (at least 2: one flush and one compaction
// thread),
// --compaction_style -> compaction_style (FIFO keeps lsm's default size limit, 1 GiB, as
// RocksDB's does), --level_compaction_dynamic_level_bytes, --max_bytes_for_level_base,
// --max_bytes_for_level_multiplier, --level0_file_num_compaction_trigger and
// --disable_auto_compactions -> the options of those names, --sync and
// --disable_wal -> WriteOptions, --verify_checksum -> ReadOptions, --prefix_size ->
// NewFixedPrefixTransform and ReadOptions::prefix_same_as_start, --memtable_bloom_size_ratio ->
// memtable_prefix_bloom_size_ratio. multireadrandom calls
// DB::MultiGet. CompactRange() is
// DB::CompactRange over everything. BackgroundBytesWritten() reads the flushed and compacted
// byte counts of the "lsm.levelstats" property.
//
// --num_column_families=N > 1 opens the database with N column families, "default" and "cf1" ..
// "cf<N-1>", each with the options above, creating the missing ones
// (create_missing_column_families); N == 1 opens it as before, with its default family only,
// and every call below is then the one without a family handle. Key number k goes to family
// k % N (FamilyOfKey, which reads the number from the key's digits): Put, Delete, Merge and
// Get to the key's family, batches through a FamilyBatchAdapter (WriteBatch::Put(family, ...)),
// MultiGet as one DB::MultiGet per family over that family's keys. DeleteRange writes one
// batch with the range deletion in every family. NewIterator() chains the families'
// iterators (FamilyChainIterator: readseq reads every key; a Seek looks in the target's
// family). CompactRange() and WaitForCompaction() act on every family; GetProperty sums a
// numeric property over the families (the block cache's, the memory budget's and snapshot
// counts are the database's) and lists a text one per family. BackgroundBytesWritten() needs no
// sum: the byte counts of "lsm.levelstats" are the database's.
//
// fillseqingest writes its files with lsm::SstFileWriter (the options above) and adds them with
// DB::IngestExternalFile, move_files set, the other IngestExternalFileOptions as they are (the
// files are read whole and verified first).
//
// Flush() is DB::Flush, which flushes every family. WaitForCompaction() polls numeric
// properties until all are 0:
// lsm.num-immutable-mem-table, lsm.mem-table-flush-pending, lsm.num-running-flushes,
// lsm.compaction-pending and lsm.num-running-compactions (unknown ones count as 0). When the DB
// knows neither compaction property it returns NotSupported once flushes are done, so the
// report says that only flushes were waited for.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "bench/lsm_bench/engine.h"
#include "lsm/column_family.h"
#include "lsm/db.h"
#include "lsm/iterator.h"
#include "lsm/merge_operator.h"
#include "lsm/options.h"
#include "lsm/slice_transform.h"
#include "lsm/sst_file_writer.h"
#include "lsm/write_batch.h"

#ifndef LSM_BENCH_LSM_VERSION
#define LSM_BENCH_LSM_VERSION "unknown"
#endif

namespace lsm::bench {
namespace {

// lsm's own types need no translation.
struct LsmConvert {
  static std::string_view In(std::string_view s) { return s; }
  static std::string_view Out(std::string_view s) { return s; }
  static lsm::Status ToStatus(const lsm::Status& s) { return s; }
};
using LsmBatch = BatchAdapter<lsm::WriteBatch, LsmConvert>;
using LsmFamilyBatch = FamilyBatchAdapter<lsm::WriteBatch, lsm::ColumnFamilyHandle, LsmConvert>;
using LsmIterator = IteratorAdapter<lsm::Iterator, LsmConvert>;

class LsmTableFileWriter final : public EngineTableFileWriter {
 public:
  explicit LsmTableFileWriter(const lsm::Options& options) : writer_(options) {}
  lsm::Status Open(const std::string& path) override { return writer_.Open(path); }
  lsm::Status Put(std::string_view key, std::string_view value) override {
    return writer_.Put(key, value);
  }
  lsm::Status Finish() override { return writer_.Finish(); }
  uint64_t FileSize() const override { return writer_.FileSize(); }

 private:
  lsm::SstFileWriter writer_;
};

class LsmEngine final : public Engine {
 public:
  ~LsmEngine() override { (void)Close(); }

  std::string_view name() const override { return "lsm"; }
  std::string_view display_name() const override { return "lsm"; }
  std::string Version() const override { return LSM_BENCH_LSM_VERSION; }
  std::string_view stats_property() const override { return "lsm.stats"; }
  std::string_view memory_budget_setup() const override {
    return "lsm::MemoryBudget: memtables, their share half of it, and the block cache";
  }

  lsm::Status CheckOptions(const EngineOptions& options) const override {
    if (options.compression == Compression::kSnappy) {
      return lsm::Status::InvalidArgument(
          "--compression_type=snappy: not supported by --engine=lsm (lsm supports none, lz4 "
          "and zstd)");
    }
    if (options.open_files < 0) {
      return lsm::Status::InvalidArgument(
          "--open_files=-1: not supported by --engine=lsm (give a limit of at least 16)");
    }
    if (options.max_background_jobs < 2) {
      return lsm::Status::InvalidArgument(absl::StrFormat(
          "--max_background_jobs=%d: --engine=lsm needs at least 2 (one flush thread and one "
          "compaction thread)",
          options.max_background_jobs));
    }
    return lsm::Status::OK();
  }

  lsm::Status Open(const EngineOptions& options) override {
    lsm::Status s = CheckOptions(options);
    if (!s.ok()) return s;
    lsm::Options lo;
    lo.create_if_missing = options.create_if_missing;
    if (options.write_buffer_size != 0) lo.write_buffer_size = options.write_buffer_size;
    lo.db_write_buffer_size = options.db_write_buffer_size;
    lo.atomic_flush = options.atomic_flush;
    lo.block_size = options.block_size;
    if (!options.memtablerep.empty()) {
      lo.memtable_factory =
          options.memtablerep == "btree" ? lsm::NewBTreeFactory() : lsm::NewSkipListFactory();
    }
    lo.wal_mmap = options.wal_mmap;
    lo.allow_mmap_reads = options.allow_mmap_reads;
    if (options.io_backend == "uring") lo.io_backend = lsm::IoBackend::kUring;
    if (options.io_backend == "posix") lo.io_backend = lsm::IoBackend::kPosix;
    lo.use_direct_reads = options.use_direct_reads;
    lo.use_direct_io_for_flush_and_compaction = options.use_direct_io_for_flush_and_compaction;
    lo.max_open_files = options.open_files;
    lo.compression = LsmCompression(options.compression);
    lo.bloom_bits_per_key = options.bloom_bits > 0 ? options.bloom_bits : 0;
    lo.block_cache_bytes = options.cache_size;
    // The budget's own block cache replaces block_cache_bytes.
    if (options.memory_budget > 0)
      lo.memory_budget = lsm::MemoryBudget::Create(options.memory_budget);
    lo.max_background_jobs = options.max_background_jobs;
    lo.compaction_style = options.compaction_style;
    if (options.merge_operator == "uint64add") {
      lo.merge_operator = lsm::MergeOperators::CreateUInt64AddOperator();
    } else if (options.merge_operator == "stringappend") {
      lo.merge_operator = lsm::MergeOperators::CreateStringAppendOperator();
    }
    lo.disable_auto_compactions = options.disable_auto_compactions;
    if (options.prefix_size > 0) {
      lo.prefix_extractor = lsm::NewFixedPrefixTransform(static_cast<size_t>(options.prefix_size));
      lo.memtable_prefix_bloom_size_ratio = options.memtable_bloom_size_ratio;
      read_options_.prefix_same_as_start = true;
    }
    if (options.dynamic_level_bytes.has_value()) {
      lo.level_compaction_dynamic_level_bytes = *options.dynamic_level_bytes;
    }
    if (options.max_bytes_for_level_base.has_value()) {
      lo.max_bytes_for_level_base = *options.max_bytes_for_level_base;
    }
    if (options.max_bytes_for_level_multiplier.has_value()) {
      lo.max_bytes_for_level_multiplier = *options.max_bytes_for_level_multiplier;
    }
    if (options.level0_file_num_compaction_trigger.has_value()) {
      lo.level0_file_num_compaction_trigger = *options.level0_file_num_compaction_trigger;
    }
    options_ = lo;
    write_options_ = lsm::WriteOptions{.sync = options.sync, .disable_wal = options.disable_wal};
    read_options_.verify_checksums = options.verify_checksum;
    if (options.num_column_families <= 1) {
      s = lsm::DB::Open(lo, options.path, &db_);
      if (s.ok()) families_ = {db_->DefaultColumnFamily()};
      return s;
    }
    lsm::DBOptions db_options = lo;
    db_options.create_missing_column_families = true;
    std::vector<lsm::ColumnFamilyDescriptor> descriptors;
    for (int i = 0; i < options.num_column_families; i++) {
      descriptors.push_back({ColumnFamilyName(static_cast<size_t>(i)), lo});
    }
    s = lsm::DB::Open(db_options, options.path, descriptors, &families_, &db_);
    if (!s.ok()) families_.clear();
    return s;
  }

  lsm::Status Close() override {
    families_.clear();
    if (db_ == nullptr) return lsm::Status::OK();
    lsm::Status s = db_->Close();
    db_.reset();
    return s;
  }

  lsm::Status Destroy(const std::string& path) override { return lsm::DestroyDB(path, options_); }

  // The data calls test Several() first, so that one family costs no more than before.
  lsm::Status Put(std::string_view key, std::string_view value) override {
    if (Several()) return db_->Put(write_options_, FamilyOf(key), key, value);
    return db_->Put(write_options_, key, value);
  }
  lsm::Status Delete(std::string_view key) override {
    if (Several()) return db_->Delete(write_options_, FamilyOf(key), key);
    return db_->Delete(write_options_, key);
  }
  lsm::Status Merge(std::string_view key, std::string_view operand) override {
    if (Several()) return db_->Merge(write_options_, FamilyOf(key), key, operand);
    return db_->Merge(write_options_, key, operand);
  }
  lsm::Status DeleteRange(std::string_view begin, std::string_view end) override {
    if (!Several()) return db_->DeleteRange(write_options_, begin, end);
    // The range's keys lie in every family: one write deletes it from all of them.
    lsm::WriteBatch batch;
    for (lsm::ColumnFamilyHandle* family : families_) batch.DeleteRange(family, begin, end);
    return db_->Write(write_options_, &batch);
  }
  std::unique_ptr<EngineBatch> NewBatch() override {
    if (Several()) return std::make_unique<LsmFamilyBatch>(families_);
    return std::make_unique<LsmBatch>();
  }
  lsm::Status Write(EngineBatch* batch, bool sync) override {
    lsm::WriteOptions options = write_options_;
    options.sync |= sync;
    return db_->Write(options, Several() ? static_cast<LsmFamilyBatch*>(batch)->rep()
                                         : static_cast<LsmBatch*>(batch)->rep());
  }
  lsm::Status Get(std::string_view key, std::string* value) override {
    if (Several()) return db_->Get(read_options_, FamilyOf(key), key, value);
    return db_->Get(read_options_, key, value);
  }
  void MultiGet(const std::vector<std::string_view>& keys, std::vector<std::string>* values,
                std::vector<lsm::Status>* statuses) override {
    if (!Several()) {
      *statuses = db_->MultiGet(read_options_, keys, values);
      return;
    }
    // One MultiGet per family, over that family's keys in the order given.
    const size_t n = keys.size();
    values->resize(n);
    statuses->resize(n);
    std::vector<std::vector<size_t>> positions(families_.size());
    for (size_t i = 0; i < n; i++) positions[FamilyOfKey(keys[i], families_.size())].push_back(i);
    std::vector<std::string_view> family_keys;
    std::vector<std::string> family_values;
    for (size_t f = 0; f < families_.size(); f++) {
      if (positions[f].empty()) continue;
      family_keys.clear();
      for (size_t i : positions[f]) family_keys.push_back(keys[i]);
      std::vector<lsm::Status> family_statuses =
          db_->MultiGet(read_options_, families_[f], family_keys, &family_values);
      for (size_t j = 0; j < positions[f].size(); j++) {
        (*statuses)[positions[f][j]] = std::move(family_statuses[j]);
        (*values)[positions[f][j]] = std::move(family_values[j]);
      }
    }
  }
  std::unique_ptr<EngineIterator> NewIterator() override {
    if (!Several()) return std::make_unique<LsmIterator>(db_->NewIterator(read_options_));
    // The chain is destroyed before the engine is closed (EngineIterator's contract).
    return std::make_unique<FamilyChainIterator>(
        families_.size(), [this](size_t family) -> std::unique_ptr<EngineIterator> {
          return std::make_unique<LsmIterator>(db_->NewIterator(read_options_, families_[family]));
        });
  }

  lsm::Status NewTableFileWriter(std::unique_ptr<EngineTableFileWriter>* writer) override {
    *writer = std::make_unique<LsmTableFileWriter>(options_);
    return lsm::Status::OK();
  }
  lsm::Status IngestFiles(const std::vector<std::string>& paths) override {
    lsm::IngestExternalFileOptions options;
    options.move_files = true;
    return db_->IngestExternalFile(paths, options);
  }

  // DB::Flush flushes every family.
  lsm::Status Flush() override { return db_->Flush(); }
  lsm::Status CompactRange() override {
    for (lsm::ColumnFamilyHandle* family : families_) {
      lsm::Status s = db_->CompactRange(family, nullptr, nullptr);
      if (!s.ok()) return s;
    }
    return lsm::Status::OK();
  }

  lsm::Status WaitForCompaction() override {
    static constexpr std::string_view kFlushPending[] = {
        "lsm.num-immutable-mem-table",
        "lsm.mem-table-flush-pending",
        "lsm.num-running-flushes",
    };
    static constexpr std::string_view kCompactionPending[] = {
        "lsm.compaction-pending",
        "lsm.num-running-compactions",
    };
    for (;;) {
      int known_compaction = 0;
      bool busy = false;
      for (lsm::ColumnFamilyHandle* family : families_) {
        for (std::string_view property : kFlushPending) {
          busy |= Count(family, property, nullptr) > 0;
        }
        for (std::string_view property : kCompactionPending) {
          busy |= Count(family, property, &known_compaction) > 0;
        }
      }
      if (!busy) {
        if (known_compaction > 0) return lsm::Status::OK();
        return lsm::Status::NotSupported(
            "waited for flushes only: lsm reports no lsm.compaction-pending or "
            "lsm.num-running-compactions");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  bool GetProperty(std::string_view property, std::string* value) override {
    if (!Several()) return db_->GetProperty(property, value);
    const bool database_wide = property.starts_with("lsm.block-cache-") ||
                               property.starts_with("lsm.memory-budget-") ||
                               property == "lsm.num-snapshots";
    return FamiliesProperty(
        families_.size(), database_wide,
        [&](size_t family, std::string* s) {
          return db_->GetProperty(families_[family], property, s);
        },
        value);
  }

  bool BackgroundBytesWritten(uint64_t* bytes) override {
    BackgroundWork work;
    if (!GetBackgroundWork(&work)) return false;
    *bytes = work.flush_bytes + work.compaction_bytes_written;
    return true;
  }

  bool GetBackgroundWork(BackgroundWork* work) override {
    // "... flushed: F in S s; compacted: R read, W written in S s; ..." (the database's, in
    // every family's levelstats)
    std::string stats;
    if (!db_->GetProperty("lsm.levelstats", &stats)) return false;
    const size_t at = stats.find("flushed: ");
    unsigned long long flushed = 0, read = 0, written = 0;
    double flush_seconds = 0, compaction_seconds = 0;
    if (at == std::string::npos ||
        std::sscanf(stats.c_str() + at,
                    "flushed: %llu in %lf s; compacted: %llu read, %llu written in %lf s", &flushed,
                    &flush_seconds, &read, &written, &compaction_seconds) != 5) {
      return false;
    }
    *work = {.flush_bytes = flushed,
             .flush_seconds = flush_seconds,
             .compaction_bytes_read = read,
             .compaction_bytes_written = written,
             .compaction_seconds = compaction_seconds};
    return true;
  }

 private:
  // The value of a family's numeric property, 0 if unknown; counts the known ones in *known.
  uint64_t Count(lsm::ColumnFamilyHandle* family, std::string_view property, int* known) {
    std::string value;
    if (!db_->GetProperty(family, property, &value)) return 0;
    if (known != nullptr) ++*known;
    return std::strtoull(value.c_str(), nullptr, 10);
  }

  // Whether the database has several column families (--num_column_families > 1).
  bool Several() const { return families_.size() > 1; }
  lsm::ColumnFamilyHandle* FamilyOf(std::string_view key) const {
    return families_[FamilyOfKey(key, families_.size())];
  }

  lsm::Options options_;
  std::unique_ptr<lsm::DB> db_;
  // The handles of the open database's families, family i at [i] (the database owns them).
  std::vector<lsm::ColumnFamilyHandle*> families_;
  lsm::WriteOptions write_options_;
  lsm::ReadOptions read_options_;
};

}  // namespace

std::unique_ptr<Engine> NewLsmEngine() { return std::make_unique<LsmEngine>(); }

}  // namespace lsm::bench
