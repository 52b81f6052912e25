#include "bench/lsm_bench/flags.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_format.h"
#include "bench/lsm_bench/generators.h"
#include "bench/lsm_bench/workloads.h"
#include "lsm/options.h"

ABSL_FLAG(std::string, engine, "lsm", "Engine to drive: lsm, leveldb or rocksdb.");
ABSL_FLAG(std::string, db, "",
          "Database directory. Default: /tmp/lsm_bench-<engine>. Destroyed first unless "
          "--use_existing_db.");
ABSL_FLAG(std::string, benchmarks, "fillseq,fillrandom,overwrite,readrandom,readseq,seekrandom",
          "Comma-separated workloads, run in order: fillseq, fillrandom, filluniquerandom, "
          "overwrite, fillsync, fillbatch, fillseqingest, readrandom, readmissing, readseq, "
          "readreverse, "
          "seekrandom, multireadrandom, readwhilewriting, deleterandom, updaterandom, "
          "mergerandom, deleterange, compact, "
          "flush, waitforcompaction, stats, ycsba, ycsbb, ycsbc, ycsbd, ycsbe, ycsbf.");
ABSL_FLAG(int64_t, num, 1000000, "Entries written by the fill workloads; the key space.");
ABSL_FLAG(int64_t, reads, -1, "Operations of the read workloads; -1 means --num.");
ABSL_FLAG(int32_t, key_size, 16, "Bytes per key (zero-padded decimal).");
ABSL_FLAG(int32_t, value_size, 100, "Bytes per value.");
ABSL_FLAG(double, compression_ratio, 0.5, "Fraction to which generated values compress.");
ABSL_FLAG(int32_t, batch_size, 1,
          "Entries per write batch of the write workloads; keys per multireadrandom lookup.");
ABSL_FLAG(int32_t, threads, 1,
          "Client threads, each running the whole workload (readwhilewriting adds a writer).");
ABSL_FLAG(int32_t, duration, 0,
          "Seconds after which each workload stops; 0 runs --num or --reads operations.");
ABSL_FLAG(uint64_t, benchmark_write_rate_limit, 0,
          "Bytes per second the workloads' writes may issue, all threads together; 0: unlimited.");
ABSL_FLAG(std::string, compression_type, "none",
          "Table block compression: none, snappy (leveldb, rocksdb), lz4, zstd (lsm, rocksdb).");
ABSL_FLAG(int32_t, bloom_bits, 10, "Bloom filter bits per key; <= 0 builds no filter.");
ABSL_FLAG(int64_t, cache_size, 8388608, "Bytes of block cache; 0 disables it.");
ABSL_FLAG(int64_t, write_buffer_size, 0,
          "Bytes a memtable holds before it is flushed; 0 keeps the engine's default (lsm, "
          "RocksDB: 64 MiB; LevelDB: 4 MiB).");
ABSL_FLAG(int64_t, db_write_buffer_size, 0,
          "Bytes of memtables of all column families together at which the largest is "
          "flushed (lsm, RocksDB); 0: no such limit.");
ABSL_FLAG(int64_t, memory_budget_mb, 0,
          "lsm, rocksdb: MiB of one limit on the memtables and the block cache together (lsm: "
          "a MemoryBudget; RocksDB: a shared LRU cache and a WriteBufferManager of half of it "
          "charging the cache); replaces --cache_size. 0: none.");
ABSL_FLAG(std::string, memtablerep, "",
          "The memtable index: skip_list, or btree (lsm only); empty keeps the engine's default "
          "(lsm: btree; RocksDB, LevelDB: skip_list).");
ABSL_FLAG(bool, wal_mmap, true,
          "lsm only: write the WAL through a shared memory map (Options::wal_mmap); false "
          "makes a write system call per write group.");
ABSL_FLAG(bool, allow_mmap_reads, true,
          "lsm only: map table files into memory and read blocks in place "
          "(Options::allow_mmap_reads); false reads them with pread into the block cache.");
ABSL_FLAG(std::string, io_backend, "",
          "lsm only: the file system, auto, uring or posix (Options::io_backend); empty keeps "
          "the default (auto, which LSM_IO_BACKEND in the environment overrides).");
ABSL_FLAG(bool, use_direct_reads, false,
          "lsm, RocksDB: read tables with direct I/O, around the page cache "
          "(Options::use_direct_reads).");
ABSL_FLAG(bool, use_direct_io_for_flush_and_compaction, false,
          "lsm, RocksDB: write the tables of flushes and compactions with direct I/O "
          "(Options::use_direct_io_for_flush_and_compaction).");
ABSL_FLAG(int64_t, block_size, 4096, "Bytes of uncompressed entries per table block.");
ABSL_FLAG(int32_t, open_files, 1000,
          "Table files kept open at most; -1 keeps every table open (rocksdb only).");
ABSL_FLAG(int32_t, max_background_jobs, 2, "Background threads for flushes and compactions.");
ABSL_FLAG(std::string, level_compaction_dynamic_level_bytes, "",
          "Size leveled compaction's levels from the last one: true or false; empty keeps the "
          "engine's default (lsm: true, RocksDB 7.8: false; LevelDB has fixed levels).");
ABSL_FLAG(int64_t, max_bytes_for_level_base, 0,
          "Bytes of the first level below level 0 (leveled compaction); 0 keeps the engine's "
          "default (lsm, RocksDB: 256 MiB; not for leveldb).");
ABSL_FLAG(int32_t, max_bytes_for_level_multiplier, 0,
          "Growth factor between consecutive levels; 0 keeps the engine's default (lsm, "
          "RocksDB: 10; not for leveldb).");
ABSL_FLAG(int32_t, level0_file_num_compaction_trigger, 0,
          "Level-0 tables (universal: sorted runs) that start a compaction; 0 keeps the "
          "engine's default (lsm, RocksDB: 4; not for leveldb).");
ABSL_FLAG(std::string, compaction_style, "level",
          "level, universal or fifo (or db_bench's 0, 1, 2); leveldb: level only.");
ABSL_FLAG(bool, disable_auto_compactions, false,
          "Start no compaction on its own: only the compact workload compacts (not for leveldb).");
ABSL_FLAG(bool, histogram, false, "Time every operation and print latency percentiles.");
ABSL_FLAG(uint64_t, seed, 0, "Random seed; 0 derives one from the clock (printed).");
ABSL_FLAG(bool, sync, false, "Sync the write-ahead log on every write.");
ABSL_FLAG(bool, disable_wal, false, "Do not write the write-ahead log (not for leveldb).");
ABSL_FLAG(bool, verify_checksum, true, "Verify block checksums on reads.");
ABSL_FLAG(bool, use_existing_db, false, "Keep the database in --db; fill workloads are skipped.");
ABSL_FLAG(bool, stats_per_workload, false,
          "Print the engine's statistics (lsm.stats, rocksdb.stats, leveldb.stats) after each "
          "timed workload rather than once after the last.");
ABSL_FLAG(std::string, merge_operator, "",
          "lsm, rocksdb: the merge operator, uint64add or stringappend; empty: none. "
          "mergerandom needs one; with uint64add its operands are 8-byte integers.");
ABSL_FLAG(int64_t, merge_keys, -1, "Keys mergerandom merges into; -1 means --num.");
ABSL_FLAG(int64_t, num_range_tombstones, 10000,
          "Range deletions deleterange writes (lsm, rocksdb), evenly spaced over the keys.");
ABSL_FLAG(int64_t, range_tombstone_width, 1, "Keys each range deletion of deleterange spans.");
ABSL_FLAG(int32_t, num_column_families, 1,
          "lsm, rocksdb: column families the keys are spread over, \"default\" and cf1.."
          "cf<N-1> (created when missing): key number k lives in family k % N.");
ABSL_FLAG(bool, atomic_flush, false,
          "lsm, rocksdb: DBOptions::atomic_flush: every flush the engine starts takes all column "
          "families, recorded in one MANIFEST edit (RocksDB cannot pipeline writes then, so "
          "lsm_bench turns its pipelined writes off).");
ABSL_FLAG(int32_t, prefix_size, 0,
          "lsm, rocksdb: bytes of a fixed-length prefix extractor (0: none); iterators then keep "
          "to the prefix of their seek target (prefix_same_as_start).");
ABSL_FLAG(int64_t, keys_per_prefix, 0,
          "With --prefix_size: keys start with one of num / keys_per_prefix prefixes of "
          "--prefix_size digits (key k has prefix k % that), as db_bench's; 0: plain keys.");
ABSL_FLAG(bool, use_prefix_extractor, true,
          "false: --prefix_size shapes the keys (with --keys_per_prefix) but sets no prefix "
          "extractor, for the same seeks without one.");
ABSL_FLAG(double, memtable_bloom_size_ratio, 0,
          "lsm, rocksdb: memtable_prefix_bloom_size_ratio, with --prefix_size (0 to 0.25).");
ABSL_FLAG(std::string, json, "", "Also write every figure of every workload to this file as JSON.");

namespace lsm::bench {
namespace {

template <typename T>
std::string Text(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    return absl::StrFormat("%g", v);
  } else {
    return absl::StrFormat("%d", v);
  }
}

// A flag whose 0 keeps the engine's default: unset when 0, else checked against [lo, hi].
template <typename T, typename U>
lsm::Status OptionalFlag(std::string_view flag, T value, T lo, T hi, std::optional<U>* out) {
  if (value == 0) return lsm::Status::OK();
  if (value < lo || value > hi) {
    return lsm::Status::InvalidArgument(
        absl::StrFormat("--%s=%s: must be 0 (the engine's default) or between %s and %s", flag,
                        Text(value), Text(lo), Text(hi)));
  }
  *out = static_cast<U>(value);
  return lsm::Status::OK();
}

template <typename T>
lsm::Status CheckRange(std::string_view flag, T value, T lo, T hi) {
  if (value >= lo && value <= hi) return lsm::Status::OK();
  return lsm::Status::InvalidArgument(
      absl::StrFormat("--%s=%s: must be between %s and %s", flag, Text(value), Text(lo), Text(hi)));
}

// Splits --benchmarks at commas and checks every name.
lsm::Status ParseBenchmarks(std::string_view list, std::vector<std::string>* out) {
  out->clear();
  while (!list.empty()) {
    const size_t comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (name.empty()) continue;
    if (!IsKnownWorkload(name)) {
      std::string known;
      for (std::string_view w : KnownWorkloads()) absl::StrAppendFormat(&known, " %s", w);
      return lsm::Status::InvalidArgument(
          absl::StrFormat("--benchmarks: unknown benchmark '%s' (known:%s)", name, known));
    }
    out->emplace_back(name);
  }
  return lsm::Status::OK();
}

}  // namespace

std::string DefaultDbPath(std::string_view engine) {
  return absl::StrFormat("/tmp/lsm_bench-%s", engine);
}

lsm::Status ConfigFromFlags(BenchConfig* config, bool* seed_from_clock) {
  BenchConfig c;
  c.engine = absl::GetFlag(FLAGS_engine);
  c.db = absl::GetFlag(FLAGS_db);
  if (c.db.empty()) c.db = DefaultDbPath(c.engine);
  lsm::Status s = ParseBenchmarks(absl::GetFlag(FLAGS_benchmarks), &c.benchmarks);
  if (!s.ok()) return s;

  constexpr int64_t kInt64Max = INT64_MAX;
  c.num = absl::GetFlag(FLAGS_num);
  c.reads = absl::GetFlag(FLAGS_reads);
  c.key_size = absl::GetFlag(FLAGS_key_size);
  c.value_size = absl::GetFlag(FLAGS_value_size);
  c.compression_ratio = absl::GetFlag(FLAGS_compression_ratio);
  c.batch_size = absl::GetFlag(FLAGS_batch_size);
  c.threads = absl::GetFlag(FLAGS_threads);
  c.duration = absl::GetFlag(FLAGS_duration);
  c.write_rate_limit = absl::GetFlag(FLAGS_benchmark_write_rate_limit);
  const int32_t max_background_jobs = absl::GetFlag(FLAGS_max_background_jobs);
  const int32_t bloom_bits = absl::GetFlag(FLAGS_bloom_bits);
  const int64_t cache_size = absl::GetFlag(FLAGS_cache_size);
  const int64_t write_buffer_size = absl::GetFlag(FLAGS_write_buffer_size);
  const int64_t db_write_buffer_size = absl::GetFlag(FLAGS_db_write_buffer_size);
  const int64_t block_size = absl::GetFlag(FLAGS_block_size);
  const int32_t open_files = absl::GetFlag(FLAGS_open_files);
  const int32_t num_column_families = absl::GetFlag(FLAGS_num_column_families);
  const int64_t memory_budget_mb = absl::GetFlag(FLAGS_memory_budget_mb);
  for (const lsm::Status& check : {
           CheckRange<int64_t>("num", c.num, 1, kInt64Max),
           CheckRange<int64_t>("reads", c.reads, -1, kInt64Max),
           CheckRange<int32_t>("key_size", c.key_size, 1, 1 << 20),
           CheckRange<int32_t>("value_size", c.value_size, 0, 64 << 20),
           CheckRange<double>("compression_ratio", c.compression_ratio, 0.01, 1.0),
           CheckRange<int32_t>("batch_size", c.batch_size, 1, 1 << 20),
           CheckRange<int32_t>("bloom_bits", bloom_bits, -1, 64),
           CheckRange<int64_t>("cache_size", cache_size, 0, kInt64Max),
           write_buffer_size == 0
               ? lsm::Status::OK()
               : CheckRange<int64_t>("write_buffer_size", write_buffer_size, 64 << 10, kInt64Max),
           db_write_buffer_size == 0
               ? lsm::Status::OK()
               : CheckRange<int64_t>("db_write_buffer_size", db_write_buffer_size, 64 << 10,
                                     kInt64Max),
           CheckRange<int64_t>("block_size", block_size, 256, 256 << 20),
           CheckRange<int32_t>("open_files", open_files, -1, 1 << 24),
           CheckRange<int32_t>("threads", c.threads, 1, 1024),
           CheckRange<int32_t>("duration", c.duration, 0, 100000000),
           CheckRange<int32_t>("max_background_jobs", max_background_jobs, 1, 1024),
           CheckRange<int32_t>("num_column_families", num_column_families, 1, 1024),
           CheckRange<int64_t>("memory_budget_mb", memory_budget_mb, 0, int64_t{1} << 30),
       }) {
    if (!check.ok()) return check;
  }
  if (memory_budget_mb > 0 && db_write_buffer_size > 0) {
    return lsm::Status::InvalidArgument(
        "--memory_budget_mb and --db_write_buffer_size: give one (the budget bounds the "
        "memtables itself)");
  }
  if (open_files >= 0 && open_files < 16) {
    return lsm::Status::InvalidArgument(
        absl::StrFormat("--open_files=%d: must be -1 (every table open) or between 16 and %d",
                        open_files, 1 << 24));
  }
  const int32_t prefix_size = absl::GetFlag(FLAGS_prefix_size);
  c.prefix_size = prefix_size;
  c.keys_per_prefix = absl::GetFlag(FLAGS_keys_per_prefix);
  const double memtable_bloom_size_ratio = absl::GetFlag(FLAGS_memtable_bloom_size_ratio);
  for (const lsm::Status& check : {
           CheckRange<int32_t>("prefix_size", prefix_size, 0, c.key_size),
           CheckRange<int64_t>("keys_per_prefix", c.keys_per_prefix, 0, c.num),
           CheckRange<double>("memtable_bloom_size_ratio", memtable_bloom_size_ratio, 0, 0.25),
       }) {
    if (!check.ok()) return check;
  }
  if (c.keys_per_prefix > 0) {
    if (prefix_size == 0 || prefix_size >= c.key_size) {
      return lsm::Status::InvalidArgument(absl::StrFormat(
          "--keys_per_prefix=%d: needs --prefix_size between 1 and --key_size - 1 (%d)",
          c.keys_per_prefix, c.key_size - 1));
    }
    if (DecimalDigits(c.num_prefixes() - 1) > prefix_size ||
        DecimalDigits(static_cast<uint64_t>(c.num - 1)) > c.key_size - prefix_size) {
      return lsm::Status::InvalidArgument(absl::StrFormat(
          "--keys_per_prefix=%d, --prefix_size=%d: --key_size=%d cannot hold %d prefixes and "
          "--num=%d keys",
          c.keys_per_prefix, prefix_size, c.key_size, c.num_prefixes(), c.num));
    }
  }
  if (DecimalDigits(static_cast<uint64_t>(c.num - 1)) > c.key_size) {
    return lsm::Status::InvalidArgument(
        absl::StrFormat("--key_size=%d: too small for --num=%d (keys need %d digits)", c.key_size,
                        c.num, DecimalDigits(static_cast<uint64_t>(c.num - 1))));
  }

  EngineOptions& eo = c.engine_options;
  const std::string compression = absl::GetFlag(FLAGS_compression_type);
  if (!ParseCompression(compression, &eo.compression)) {
    return lsm::Status::InvalidArgument(absl::StrFormat(
        "--compression_type=%s: unknown (expected none, snappy, lz4 or zstd)", compression));
  }
  const std::string compaction_style = absl::GetFlag(FLAGS_compaction_style);
  if (!ParseCompactionStyle(compaction_style, &eo.compaction_style)) {
    return lsm::Status::InvalidArgument(absl::StrFormat(
        "--compaction_style=%s: unknown (expected level, universal or fifo, or 0, 1 or 2)",
        compaction_style));
  }
  eo.wal_mmap = absl::GetFlag(FLAGS_wal_mmap);
  eo.allow_mmap_reads = absl::GetFlag(FLAGS_allow_mmap_reads);
  eo.io_backend = absl::GetFlag(FLAGS_io_backend);
  eo.use_direct_reads = absl::GetFlag(FLAGS_use_direct_reads);
  eo.use_direct_io_for_flush_and_compaction =
      absl::GetFlag(FLAGS_use_direct_io_for_flush_and_compaction);
  if (!eo.io_backend.empty() && eo.io_backend != "auto" && eo.io_backend != "uring" &&
      eo.io_backend != "posix") {
    return lsm::Status::InvalidArgument(
        absl::StrFormat("--io_backend=%s: unknown (expected auto, uring or posix)", eo.io_backend));
  }
  eo.merge_operator = absl::GetFlag(FLAGS_merge_operator);
  if (!eo.merge_operator.empty() && eo.merge_operator != "uint64add" &&
      eo.merge_operator != "stringappend") {
    return lsm::Status::InvalidArgument(absl::StrFormat(
        "--merge_operator=%s: unknown (expected uint64add or stringappend)", eo.merge_operator));
  }
  c.num_range_tombstones = absl::GetFlag(FLAGS_num_range_tombstones);
  c.range_tombstone_width = absl::GetFlag(FLAGS_range_tombstone_width);
  for (const lsm::Status& check :
       {CheckRange<int64_t>("num_range_tombstones", c.num_range_tombstones, 0, kInt64Max),
        CheckRange<int64_t>("range_tombstone_width", c.range_tombstone_width, 1,
                            std::max<int64_t>(1, c.num - 1))}) {
    if (!check.ok()) return check;
  }
  c.merge_keys = absl::GetFlag(FLAGS_merge_keys);
  if (c.merge_keys == 0 || c.merge_keys < -1 || c.merge_keys > c.num) {
    return lsm::Status::InvalidArgument(absl::StrFormat(
        "--merge_keys=%d: must be -1 (--num) or between 1 and --num (%d)", c.merge_keys, c.num));
  }
  eo.memtablerep = absl::GetFlag(FLAGS_memtablerep);
  if (!eo.memtablerep.empty() && eo.memtablerep != "skip_list" && eo.memtablerep != "btree") {
    return lsm::Status::InvalidArgument(
        absl::StrFormat("--memtablerep=%s: unknown (expected skip_list or btree)", eo.memtablerep));
  }
  const std::string dynamic = absl::GetFlag(FLAGS_level_compaction_dynamic_level_bytes);
  if (dynamic == "true" || dynamic == "1") {
    eo.dynamic_level_bytes = true;
  } else if (dynamic == "false" || dynamic == "0") {
    eo.dynamic_level_bytes = false;
  } else if (!dynamic.empty()) {
    return lsm::Status::InvalidArgument(absl::StrFormat(
        "--level_compaction_dynamic_level_bytes=%s: expected true or false", dynamic));
  }
  for (const lsm::Status& check : {
           OptionalFlag<int64_t>("max_bytes_for_level_base",
                                 absl::GetFlag(FLAGS_max_bytes_for_level_base), 64 << 10, kInt64Max,
                                 &eo.max_bytes_for_level_base),
           OptionalFlag<int32_t>("max_bytes_for_level_multiplier",
                                 absl::GetFlag(FLAGS_max_bytes_for_level_multiplier), 2, 1000,
                                 &eo.max_bytes_for_level_multiplier),
           OptionalFlag<int32_t>("level0_file_num_compaction_trigger",
                                 absl::GetFlag(FLAGS_level0_file_num_compaction_trigger), 1, 1000,
                                 &eo.level0_file_num_compaction_trigger),
       }) {
    if (!check.ok()) return check;
  }
  eo.max_background_jobs = max_background_jobs;
  eo.disable_auto_compactions = absl::GetFlag(FLAGS_disable_auto_compactions);
  eo.path = c.db;
  eo.bloom_bits = bloom_bits;
  eo.cache_size = static_cast<size_t>(cache_size);
  eo.write_buffer_size = static_cast<size_t>(write_buffer_size);
  eo.db_write_buffer_size = static_cast<size_t>(db_write_buffer_size);
  eo.memory_budget = static_cast<size_t>(memory_budget_mb) << 20;
  eo.block_size = static_cast<size_t>(block_size);
  eo.open_files = open_files;
  eo.num_column_families = num_column_families;
  eo.atomic_flush = absl::GetFlag(FLAGS_atomic_flush);
  eo.prefix_size = absl::GetFlag(FLAGS_use_prefix_extractor) ? prefix_size : 0;
  eo.memtable_bloom_size_ratio = memtable_bloom_size_ratio;
  eo.sync = absl::GetFlag(FLAGS_sync);
  eo.disable_wal = absl::GetFlag(FLAGS_disable_wal);
  eo.verify_checksum = absl::GetFlag(FLAGS_verify_checksum);

  std::unique_ptr<Engine> engine;
  s = NewEngine(c.engine, &engine);
  if (s.ok()) s = engine->CheckOptions(eo);
  if (!s.ok()) return s;

  c.histogram = absl::GetFlag(FLAGS_histogram);
  c.use_existing_db = absl::GetFlag(FLAGS_use_existing_db);
  c.stats_per_workload = absl::GetFlag(FLAGS_stats_per_workload);
  c.json = absl::GetFlag(FLAGS_json);
  c.seed = absl::GetFlag(FLAGS_seed);
  if (seed_from_clock != nullptr) *seed_from_clock = c.seed == 0;
  if (c.seed == 0) {
    c.seed = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) | 1;
  }
  *config = std::move(c);
  return lsm::Status::OK();
}

}  // namespace lsm::bench
