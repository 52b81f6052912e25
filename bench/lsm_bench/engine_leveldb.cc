// The LevelDB adapter. Option mapping: --compression_type none|snappy (LevelDB has no other),
// --bloom_bits -> NewBloomFilterPolicy, --cache_size -> NewLRUCache (0 caches nothing),
// --write_buffer_size, --block_size, --open_files -> max_open_files, --sync, --verify_checksum.
// LevelDB cannot skip its log, has one background thread, only leveled compaction and no way
// to turn compaction off, so --disable_wal, --max_background_jobs other than 2 (the flag's
// default), --compaction_style other than level, the level-shape flags
// (--max_bytes_for_level_base, --max_bytes_for_level_multiplier,
// --level0_file_num_compaction_trigger) and --disable_auto_compactions are refused, and so is
// --num_column_families above 1 (LevelDB has no column families). It has no MultiGet:
// multireadrandom runs one Get per key. It has no bulk load (no table file writer, no ingestion):
// fillseqingest fails with NotSupported (Engine's default).
//
// LevelDB has no public flush: Flush() calls CompactRange on a one-key range above every key
// the benchmark writes, which flushes the memtable (CompactRange always does) and compacts
// nothing. It cannot report pending compactions either, so WaitForCompaction() recomputes
// LevelDB's own compaction scores from the "leveldb.sstables" listing (level 0: files / 4;
// level n >= 1: bytes / (10 MiB * 10^(n-1)), the last level unscored) and returns once every
// score is below 1 and the listing has not changed over 100 ms. It cannot see compactions
// triggered by seeks, which LevelDB starts after many reads miss in a table.
// BackgroundBytesWritten() sums the Write(MB) column of "leveldb.stats", which LevelDB prints in
// whole MiB: the figure is exact to a few MiB only.
#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_format.h"
#include "bench/lsm_bench/engine.h"

namespace lsm::bench {
namespace {

lsm::Status FromLevelDB(const leveldb::Status& s) {
  if (s.ok()) return lsm::Status::OK();
  // A missing key is common on the read paths: no message to build.
  if (s.IsNotFound()) return lsm::Status::NotFound();
  const std::string msg = s.ToString();
  if (s.IsCorruption()) return lsm::Status::Corruption(msg);
  if (s.IsNotSupportedError()) return lsm::Status::NotSupported(msg);
  if (s.IsInvalidArgument()) return lsm::Status::InvalidArgument(msg);
  return lsm::Status::IOError(msg);
}

leveldb::Slice ToSlice(std::string_view s) { return leveldb::Slice(s.data(), s.size()); }
std::string_view ToView(const leveldb::Slice& s) { return std::string_view(s.data(), s.size()); }

struct LevelDBConvert {
  static leveldb::Slice In(std::string_view s) { return ToSlice(s); }
  static std::string_view Out(const leveldb::Slice& s) { return ToView(s); }
  static lsm::Status ToStatus(const leveldb::Status& s) { return FromLevelDB(s); }
};
using LevelDBBatch = BatchAdapter<leveldb::WriteBatch, LevelDBConvert>;
using LevelDBIterator = IteratorAdapter<leveldb::Iterator, LevelDBConvert>;

// LevelDB's compaction score of the busiest level, from the "leveldb.sstables" listing:
// "--- level N ---" lines, each followed by one " number:bytes[...]" line per table.
double MaxCompactionScore(const std::string& tables) {
  constexpr int kLevels = 7;  // leveldb's config::kNumLevels
  int files[kLevels] = {};
  double bytes[kLevels] = {};
  int level = -1;
  std::istringstream in(tables);
  std::string line;
  while (std::getline(in, line)) {
    int n;
    unsigned long long number, size;
    if (std::sscanf(line.c_str(), "--- level %d ---", &n) == 1) {
      level = n >= 0 && n < kLevels ? n : -1;
    } else if (level >= 0 && std::sscanf(line.c_str(), " %llu:%llu[", &number, &size) == 2) {
      files[level]++;
      bytes[level] += static_cast<double>(size);
    }
  }
  double score = files[0] / 4.0;  // config::kL0_CompactionTrigger
  double limit = 10.0 * 1048576.0;
  for (int l = 1; l < kLevels - 1; l++, limit *= 10) score = std::max(score, bytes[l] / limit);
  return score;
}

class LevelDBEngine final : public Engine {
 public:
  ~LevelDBEngine() override { (void)Close(); }

  std::string_view name() const override { return "leveldb"; }
  std::string_view display_name() const override { return "LevelDB"; }
  std::string Version() const override {
    return absl::StrFormat("%d.%d", leveldb::kMajorVersion, leveldb::kMinorVersion);
  }
  std::string_view stats_property() const override { return "leveldb.stats"; }

  lsm::Status CheckOptions(const EngineOptions& options) const override {
    if (options.memtablerep == "btree") {
      return lsm::Status::InvalidArgument(
          "--memtablerep=btree: not supported by --engine=leveldb (its memtable is a skiplist)");
    }
    if (options.disable_wal) {
      return lsm::Status::InvalidArgument(
          "--disable_wal: not supported by --engine=leveldb (LevelDB always writes its log)");
    }
    if (options.prefix_size > 0) {
      return lsm::Status::InvalidArgument(
          "--prefix_size: not supported by --engine=leveldb (LevelDB has no prefix extractor)");
    }
    if (options.compression != Compression::kNone && options.compression != Compression::kSnappy) {
      return lsm::Status::InvalidArgument(
          absl::StrFormat("--compression_type=%s: not supported by --engine=leveldb "
                          "(LevelDB supports none and snappy)",
                          CompressionName(options.compression)));
    }
    if (options.use_direct_reads || options.use_direct_io_for_flush_and_compaction) {
      return lsm::Status::InvalidArgument(
          "--use_direct_reads, --use_direct_io_for_flush_and_compaction: not supported by "
          "--engine=leveldb (it reads and writes through the page cache)");
    }
    if (options.open_files < 0) {
      return lsm::Status::InvalidArgument(
          "--open_files=-1: not supported by --engine=leveldb (give a limit of at least 16)");
    }
    if (!options.merge_operator.empty()) {
      return lsm::Status::InvalidArgument(
          "--merge_operator: not supported by --engine=leveldb (LevelDB has no Merge)");
    }
    if (options.max_background_jobs != EngineOptions().max_background_jobs) {
      return lsm::Status::InvalidArgument(absl::StrFormat(
          "--max_background_jobs=%d: not supported by --engine=leveldb (LevelDB has one "
          "background thread; leave the flag at %d)",
          options.max_background_jobs, EngineOptions().max_background_jobs));
    }
    if (options.dynamic_level_bytes.value_or(false)) {
      return lsm::Status::InvalidArgument(
          "--level_compaction_dynamic_level_bytes=true: not supported by --engine=leveldb "
          "(LevelDB's level sizes are fixed)");
    }
    for (const auto& [flag, set] : {
             std::pair{"max_bytes_for_level_base", options.max_bytes_for_level_base.has_value()},
             std::pair{"max_bytes_for_level_multiplier",
                       options.max_bytes_for_level_multiplier.has_value()},
             std::pair{"level0_file_num_compaction_trigger",
                       options.level0_file_num_compaction_trigger.has_value()},
         }) {
      if (set) {
        return lsm::Status::InvalidArgument(absl::StrFormat(
            "--%s: not supported by --engine=leveldb (LevelDB's level sizes and level-0 "
            "trigger are fixed)",
            flag));
      }
    }
    if (options.disable_auto_compactions) {
      return lsm::Status::InvalidArgument(
          "--disable_auto_compactions: not supported by --engine=leveldb (LevelDB always "
          "compacts on its own)");
    }
    if (options.db_write_buffer_size != 0) {
      return lsm::Status::InvalidArgument(
          "--db_write_buffer_size: not supported by --engine=leveldb (LevelDB has one memtable)");
    }
    if (options.atomic_flush) {
      return lsm::Status::InvalidArgument(
          "--atomic_flush: not supported by --engine=leveldb (LevelDB has no column families)");
    }
    if (options.memory_budget != 0) {
      return lsm::Status::InvalidArgument(
          "--memory_budget_mb: not supported by --engine=leveldb (LevelDB cannot charge its "
          "memtable to its cache)");
    }
    if (options.num_column_families > 1) {
      return lsm::Status::InvalidArgument(
          absl::StrFormat("--num_column_families=%d: not supported by --engine=leveldb (LevelDB "
                          "has no column families; leave the flag at 1)",
                          options.num_column_families));
    }
    if (options.compaction_style != lsm::CompactionStyle::kLevel) {
      return lsm::Status::InvalidArgument(
          absl::StrFormat("--compaction_style=%s: not supported by --engine=leveldb (LevelDB "
                          "compacts by level only)",
                          CompactionStyleName(options.compaction_style)));
    }
    return lsm::Status::OK();
  }

  lsm::Status Open(const EngineOptions& options) override {
    lsm::Status s = CheckOptions(options);
    if (!s.ok()) return s;
    leveldb::Options lo;
    lo.create_if_missing = options.create_if_missing;
    if (options.write_buffer_size != 0) lo.write_buffer_size = options.write_buffer_size;
    lo.block_size = options.block_size;
    lo.max_open_files = options.open_files;
    lo.compression = options.compression == Compression::kSnappy ? leveldb::kSnappyCompression
                                                                 : leveldb::kNoCompression;
    cache_.reset(leveldb::NewLRUCache(options.cache_size));
    lo.block_cache = cache_.get();
    if (options.bloom_bits > 0) {
      filter_.reset(leveldb::NewBloomFilterPolicy(options.bloom_bits));
      lo.filter_policy = filter_.get();
    }
    write_options_.sync = options.sync;
    read_options_.verify_checksums = options.verify_checksum;
    leveldb::DB* db = nullptr;
    s = FromLevelDB(leveldb::DB::Open(lo, options.path, &db));
    db_.reset(db);
    return s;
  }

  lsm::Status Close() override {
    db_.reset();
    filter_.reset();
    cache_.reset();
    return lsm::Status::OK();
  }

  lsm::Status Destroy(const std::string& path) override {
    return FromLevelDB(leveldb::DestroyDB(path, leveldb::Options()));
  }

  lsm::Status Put(std::string_view key, std::string_view value) override {
    return FromLevelDB(db_->Put(write_options_, ToSlice(key), ToSlice(value)));
  }
  lsm::Status Merge(std::string_view, std::string_view) override {
    return lsm::Status::NotSupported("LevelDB has no Merge");
  }
  lsm::Status DeleteRange(std::string_view, std::string_view) override {
    return lsm::Status::NotSupported("LevelDB has no DeleteRange");
  }
  lsm::Status Delete(std::string_view key) override {
    return FromLevelDB(db_->Delete(write_options_, ToSlice(key)));
  }
  std::unique_ptr<EngineBatch> NewBatch() override { return std::make_unique<LevelDBBatch>(); }
  lsm::Status Write(EngineBatch* batch, bool sync) override {
    leveldb::WriteOptions options = write_options_;
    options.sync |= sync;
    return FromLevelDB(db_->Write(options, static_cast<LevelDBBatch*>(batch)->rep()));
  }
  lsm::Status Get(std::string_view key, std::string* value) override {
    return FromLevelDB(db_->Get(read_options_, ToSlice(key), value));
  }
  std::unique_ptr<EngineIterator> NewIterator() override {
    return std::make_unique<LevelDBIterator>(
        std::unique_ptr<leveldb::Iterator>(db_->NewIterator(read_options_)));
  }

  lsm::Status Flush() override {
    // Keys of the benchmark are digits, so this range holds none of them.
    const std::string key(16, '\xff');
    const leveldb::Slice begin(key);
    db_->CompactRange(&begin, &begin);
    return lsm::Status::OK();
  }
  lsm::Status CompactRange() override {
    db_->CompactRange(nullptr, nullptr);
    return lsm::Status::OK();
  }

  lsm::Status WaitForCompaction() override {
    std::string last;
    for (;;) {
      std::string tables;
      if (!db_->GetProperty("leveldb.sstables", &tables)) {
        return lsm::Status::NotSupported("leveldb reports no leveldb.sstables");
      }
      if (tables == last && MaxCompactionScore(tables) < 1.0) return lsm::Status::OK();
      last = std::move(tables);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  bool GetProperty(std::string_view property, std::string* value) override {
    return db_->GetProperty(ToSlice(property), value);
  }

  bool BackgroundBytesWritten(uint64_t* bytes) override {
    // Rows "level files size(MB) time(sec) read(MB) write(MB)" below a header.
    std::string stats;
    if (!db_->GetProperty("leveldb.stats", &stats)) return false;
    std::istringstream in(stats);
    std::string line;
    double written_mb = 0;
    while (std::getline(in, line)) {
      int level, files;
      double size, seconds, read, write;
      if (std::sscanf(line.c_str(), "%d %d %lf %lf %lf %lf", &level, &files, &size, &seconds, &read,
                      &write) == 6) {
        written_mb += write;
      }
    }
    *bytes = static_cast<uint64_t>(written_mb * 1048576.0);
    return true;
  }

 private:
  std::unique_ptr<leveldb::Cache> cache_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::DB> db_;
  leveldb::WriteOptions write_options_;
  leveldb::ReadOptions read_options_;
};

}  // namespace

std::unique_ptr<Engine> NewLevelDBEngine() { return std::make_unique<LevelDBEngine>(); }

}  // namespace lsm::bench
