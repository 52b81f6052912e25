// The command-line flags of lsm_bench: db_bench's names, meanings and (where db_bench has one)
// defaults, parsed by Abseil. ConfigFromFlags validates them all at once and returns
// InvalidArgument naming the first bad flag ("--num=-5: must be >= 1").
//
//   absl::ParseCommandLine(argc, argv);  // exits non-zero naming an unknown or malformed flag
//   lsm::bench::BenchConfig config;
//   lsm::Status s = lsm::bench::ConfigFromFlags(&config);
//   if (!s.ok()) { fprintf(stderr, "%s\n", s.ToString().c_str()); return 1; }
//
// Defaults are db_bench's, except where noted: --db=/tmp/lsm_bench-<engine>;
// --cache_size=8388608 (8 MiB); --write_buffer_size=0 (the engine's own default); --threads=1;
// --duration=0; --benchmark_write_rate_limit=0 (unlimited); --max_background_jobs=2;
// --compaction_style=level; --compression_type=none (db_bench: snappy); --bloom_bits=10
// (db_bench: no filter); --seed=0 derives the seed from the clock, as db_bench does;
// --num_column_families=1 (db_bench's; N > 1 spreads the keys over N families, lsm and RocksDB
// only, see EngineOptions::num_column_families). lsm_bench adds --stats_per_workload (the
// engine's statistics after each workload) and --json=FILE.
#ifndef LSM_BENCH_LSM_BENCH_FLAGS_H_
#define LSM_BENCH_LSM_BENCH_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/flags/declare.h"
#include "bench/lsm_bench/config.h"
#include "lsm/status.h"

ABSL_DECLARE_FLAG(std::string, engine);
ABSL_DECLARE_FLAG(std::string, db);
ABSL_DECLARE_FLAG(std::string, benchmarks);
ABSL_DECLARE_FLAG(int64_t, num);
ABSL_DECLARE_FLAG(int64_t, reads);
ABSL_DECLARE_FLAG(int32_t, key_size);
ABSL_DECLARE_FLAG(int32_t, value_size);
ABSL_DECLARE_FLAG(double, compression_ratio);
ABSL_DECLARE_FLAG(int32_t, batch_size);
ABSL_DECLARE_FLAG(int32_t, threads);
ABSL_DECLARE_FLAG(int32_t, duration);
ABSL_DECLARE_FLAG(uint64_t, benchmark_write_rate_limit);
ABSL_DECLARE_FLAG(std::string, compression_type);
ABSL_DECLARE_FLAG(int32_t, bloom_bits);
ABSL_DECLARE_FLAG(int64_t, cache_size);
ABSL_DECLARE_FLAG(int64_t, write_buffer_size);
ABSL_DECLARE_FLAG(int64_t, db_write_buffer_size);
ABSL_DECLARE_FLAG(int64_t, memory_budget_mb);
ABSL_DECLARE_FLAG(std::string, memtablerep);
ABSL_DECLARE_FLAG(int64_t, block_size);
ABSL_DECLARE_FLAG(int32_t, open_files);
ABSL_DECLARE_FLAG(int32_t, max_background_jobs);
ABSL_DECLARE_FLAG(std::string, compaction_style);
ABSL_DECLARE_FLAG(std::string, level_compaction_dynamic_level_bytes);
ABSL_DECLARE_FLAG(int64_t, max_bytes_for_level_base);
ABSL_DECLARE_FLAG(int32_t, max_bytes_for_level_multiplier);
ABSL_DECLARE_FLAG(int32_t, level0_file_num_compaction_trigger);
ABSL_DECLARE_FLAG(bool, disable_auto_compactions);
ABSL_DECLARE_FLAG(bool, histogram);
ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(bool, sync);
ABSL_DECLARE_FLAG(bool, disable_wal);
ABSL_DECLARE_FLAG(bool, verify_checksum);
ABSL_DECLARE_FLAG(bool, use_existing_db);
ABSL_DECLARE_FLAG(bool, stats_per_workload);
ABSL_DECLARE_FLAG(int32_t, num_column_families);
ABSL_DECLARE_FLAG(bool, atomic_flush);
ABSL_DECLARE_FLAG(std::string, json);

namespace lsm::bench {

// Fills *config from the flags' current values. InvalidArgument naming the flag when a value
// is out of range, a benchmark name is unknown, or the engine cannot honour an option.
// *seed_from_clock (optional) is set when --seed was 0.
lsm::Status ConfigFromFlags(BenchConfig* config, bool* seed_from_clock = nullptr);

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_FLAGS_H_
