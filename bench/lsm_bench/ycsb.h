// YCSB's core workloads A-F (Cooper et al., "Benchmarking Cloud Serving Systems with YCSB",
// SoCC 2010) as lsm_bench workloads ycsba..ycsbf, run against the N keys a prior fill loaded:
//
//   A  50% read, 50% update                      zipfian keys
//   B  95% read,  5% update                      zipfian keys
//   C 100% read                                  zipfian keys
//   D  95% read,  5% insert                      latest keys (recent inserts are the popular ones)
//   E  95% scan,  5% insert                      zipfian start keys, 1-100 entries (uniform)
//   F  50% read, 50% read-modify-write           zipfian keys
//
// Zipfian keys are YCSB's scrambled zipfian (theta 0.99) over [0, N). An update writes a new
// value of --value_size bytes; an insert writes key N, N+1, ... (shared by the threads and by
// the YCSB workloads that follow on the same database); "latest" picks the newest key minus a
// zipfian rank. Each operation is one entry of the result; its counters split the mix
// (reads, updates, inserts, scans, rmws).
//
//   const YcsbWorkload* w = FindYcsbWorkload("ycsba");
//   YcsbKeys keys{&zipf, num, &inserted};
//   lsm::Status s = RunYcsbThread(*w, &keys, reads, thread_state);
#ifndef LSM_BENCH_LSM_BENCH_YCSB_H_
#define LSM_BENCH_LSM_BENCH_YCSB_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "bench/lsm_bench/generators.h"
#include "bench/lsm_bench/result.h"
#include "bench/lsm_bench/thread_state.h"
#include "lsm/status.h"

namespace lsm::bench {

struct YcsbWorkload {
  std::string_view name;
  // Percentages of the operation mix; they add up to 100.
  int read, update, insert, scan, rmw;
  // Reads pick recent keys (D) rather than zipfian ones.
  bool latest;
};

// The workload named name ("ycsba".."ycsbf"), or nullptr.
const YcsbWorkload* FindYcsbWorkload(std::string_view name);

// The key space the threads of a YCSB workload share.
struct YcsbKeys {
  const ZipfianGenerator* zipf;     // over [0, loaded)
  uint64_t loaded;                  // keys [0, loaded) were filled
  std::atomic<uint64_t>* inserted;  // keys inserted above them so far
};

// Runs `ops` operations (or --duration seconds) of `workload` on the calling thread.
lsm::Status RunYcsbThread(const YcsbWorkload& workload, YcsbKeys* keys, uint64_t ops,
                          ThreadState* t);

// The result line's note: "(reads: R found: F updates: U inserts: I scans: S rmws: M)".
std::string YcsbMessage(const Counters& c);

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_YCSB_H_
