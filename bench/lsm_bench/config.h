// BenchConfig: one lsm_bench run, as given by its flags (see flags.h for their meanings and
// defaults) after validation: every field here is within range and the engine can honour
// engine_options.
//
//   lsm::bench::BenchConfig config;
//   config.engine = "leveldb";
//   config.db = "/tmp/db";
//   config.benchmarks = {"fillseq", "readrandom"};
//   config.num = 1000;
//   lsm::bench::Runner runner(config);  // workloads.h
#ifndef LSM_BENCH_LSM_BENCH_CONFIG_H_
#define LSM_BENCH_LSM_BENCH_CONFIG_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bench/lsm_bench/engine.h"

namespace lsm::bench {

struct BenchConfig {
  // --engine: "lsm", "leveldb" or "rocksdb".
  std::string engine = "lsm";
  // --db: the database directory (DefaultDbPath(engine) when the flag is empty).
  std::string db;
  // --benchmarks, split at commas, empty names dropped.
  std::vector<std::string> benchmarks;
  // --num: entries written by the fill workloads and the key space of the random ones.
  int64_t num = 1000000;
  // --reads: operations of the read workloads; -1 means num.
  int64_t reads = -1;
  // --merge_keys: the keys mergerandom merges into, [0, merge_keys); -1 means num.
  int64_t merge_keys = -1;
  // --num_range_tombstones, --range_tombstone_width: deleterange's range deletions and the
  // keys each spans.
  int64_t num_range_tombstones = 10000;
  int64_t range_tombstone_width = 1;
  // --key_size, --value_size: bytes of each key and value.
  int key_size = 16;
  // --keys_per_prefix: > 0 makes keys start with one of num / keys_per_prefix prefixes of
  // --prefix_size digits (KeyFormatter), as db_bench does; 0: plain decimal keys.
  int64_t keys_per_prefix = 0;
  int prefix_size = 0;
  int value_size = 100;
  // --compression_ratio: how far the generated values compress.
  double compression_ratio = 0.5;
  // --batch_size: entries per write batch of the write workloads; keys per multireadrandom
  // lookup.
  int batch_size = 1;
  // --threads: client threads, each running the whole workload (N writes, R reads) as db_bench
  // does; readwhilewriting adds one writer thread.
  int threads = 1;
  // --duration: seconds after which a workload stops; 0 runs N or R operations per thread.
  int duration = 0;
  // --benchmark_write_rate_limit: bytes per second that the workload's writes may issue,
  // shared by its threads; 0 is unlimited.
  uint64_t write_rate_limit = 0;
  // --stats_per_workload: print the engine's statistics after every timed workload.
  bool stats_per_workload = false;
  // --json: where to write every figure as JSON ("" writes none).
  std::string json;
  // Draw a progress line on stderr (main sets it when stderr is a terminal).
  bool progress = false;
  // --histogram: time every operation and print percentiles.
  bool histogram = false;
  // --seed: the random seed; never 0 here (0 in the flag is replaced by a time-derived seed).
  uint64_t seed = 301;
  // --use_existing_db: keep the database; fill workloads are skipped.
  bool use_existing_db = false;
  // --compression_type, --bloom_bits, --cache_size, --write_buffer_size, --block_size,
  // --open_files, --sync, --disable_wal, --verify_checksum, --max_background_jobs,
  // --compaction_style, --level_compaction_dynamic_level_bytes, --max_bytes_for_level_base,
  // --max_bytes_for_level_multiplier, --level0_file_num_compaction_trigger,
  // --disable_auto_compactions, --num_column_families (path = db).
  EngineOptions engine_options;

  // Operations of the read workloads.
  int64_t reads_to_do() const { return reads < 0 ? num : reads; }
  // The key prefixes with --keys_per_prefix.
  uint64_t num_prefixes() const {
    return static_cast<uint64_t>(std::max<int64_t>(1, num / std::max<int64_t>(1, keys_per_prefix)));
  }
};

// The --db default: "/tmp/lsm_bench-<engine>", like db_bench's directory under /tmp.
std::string DefaultDbPath(std::string_view engine);

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_CONFIG_H_
