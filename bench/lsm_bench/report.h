// What lsm_bench prints, in db_bench's shapes, so that scripts written for db_bench's output
// read ours unchanged.
//
//   printf("%s", lsm::bench::FormatHeader(config, runner.engine()).c_str());
//   printf("%s", lsm::bench::FormatResult(result, config.histogram).c_str());
//
// A result line (RocksDB db_bench's Stats::Report):
//   fillseq      :       1.234 micros/op 810372 ops/sec 1.234 seconds 1000000 operations;   89.6
//   MB/s
// readrandom and seekrandom append "(F of R found)". With --histogram the line is followed by
// "Microseconds per <op>:" and the lines of Histogram::ToString().
#ifndef LSM_BENCH_LSM_BENCH_REPORT_H_
#define LSM_BENCH_LSM_BENCH_REPORT_H_

#include <string>

#include "bench/lsm_bench/config.h"
#include "bench/lsm_bench/engine.h"
#include "bench/lsm_bench/workloads.h"

namespace lsm::bench {

// db_bench's header: engine and version, date, CPU, Keys, Values, Entries, RawSize, FileSize,
// Compression, build warnings, then a rule and "DB path: [...]". Ends with '\n'.
std::string FormatHeader(const BenchConfig& config, const Engine& engine);

// The result's line(s), each ending with '\n': a db_bench result line, "skipped" for a fill
// workload on an existing database, or the message of a kText result.
std::string FormatResult(const WorkloadResult& result, bool histogram);

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_REPORT_H_
