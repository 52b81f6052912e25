// What lsm_bench prints, in db_bench's shapes, so that scripts written for db_bench's output
// read ours unchanged.
//
//   printf("%s", lsm::bench::FormatHeader(config, runner.engine()).c_str());
//   printf("%s", lsm::bench::FormatResult(result, config.histogram).c_str());
//
// A result line (RocksDB db_bench's Stats::Report):
//   fillseq      :       1.234 micros/op 810372 ops/sec 1.234 seconds 1000000 operations;   89.6
//   MB/s
// The read workloads append "(F of R found)". With --histogram the line is followed by
// "Microseconds per <op>:" and the lines of Histogram::ToString().
//
// FormatJson gives every figure of a run (see its comment) for scripts such as bench/compare.
#ifndef LSM_BENCH_LSM_BENCH_REPORT_H_
#define LSM_BENCH_LSM_BENCH_REPORT_H_

#include <string>
#include <vector>

#include "bench/lsm_bench/config.h"
#include "bench/lsm_bench/engine.h"
#include "bench/lsm_bench/result.h"

namespace lsm::bench {

// db_bench's header: engine and version, date, CPU, Keys, Values, Entries, "Families: N column
// families ..." when --num_column_families > 1, RawSize, FileSize, Compression, "Memory:
// budget N MiB (...)" with --memory_budget_mb, build warnings, then a rule and "DB path:
// [...]". Ends with '\n'.
std::string FormatHeader(const BenchConfig& config, const Engine& engine);

// The result's line(s), each ending with '\n': a db_bench result line, "skipped" for a fill
// workload on an existing database, or the message of a kText result.
std::string FormatResult(const WorkloadResult& result, bool histogram);

// A JSON object: "engine", "version", "db", "flags" (the run's settings), and "workloads", one
// object per result in order: "name", "kind" ("timed", "skipped" or "text"), and for a timed
// one "threads", "ops", "seconds", "micros_per_op", "ops_per_sec", "mb_per_sec", "message",
// "counters" (every Counters field), "latency_micros" (null without --histogram; else "count",
// "average", "p50", "p95", "p99", "p99.9", "p99.99", "max"), "user_bytes_written",
// "engine_bytes_written", "background" (what flushes and compactions did: "flush_bytes",
// "flush_seconds", "compaction_bytes_read", "compaction_bytes_written", "compaction_seconds")
// and "write_amplification" (null when the engine does not report them),
// "db_size_bytes", "peak_rss_bytes", "peak_rss_anon_bytes", "peak_rss_file_bytes" and
// "cpu_seconds"; a text one holds its "text".
std::string FormatJson(const BenchConfig& config, const Engine& engine,
                       const std::vector<WorkloadResult>& results);

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_REPORT_H_
