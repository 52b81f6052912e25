// What the benchmark process costs: CPU time and peak resident memory (getrusage), and the
// bytes a database directory holds.
//
//   lsm::bench::ProcessUsage before = lsm::bench::CurrentUsage();
//   ...
//   double cpu = lsm::bench::CurrentUsage().cpu_seconds - before.cpu_seconds;
//   uint64_t on_disk = lsm::bench::DirectorySize("/tmp/db");
#ifndef LSM_BENCH_LSM_BENCH_RESOURCES_H_
#define LSM_BENCH_LSM_BENCH_RESOURCES_H_

#include <cstdint>
#include <string>

namespace lsm::bench {

struct ProcessUsage {
  // User plus system time of every thread of the process so far.
  double cpu_seconds = 0;
  // The largest resident set the process has had (ru_maxrss).
  uint64_t peak_rss_bytes = 0;
};

ProcessUsage CurrentUsage();

// The sizes of the regular files under `path`, summed (0 when it does not exist).
uint64_t DirectorySize(const std::string& path);

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_RESOURCES_H_
