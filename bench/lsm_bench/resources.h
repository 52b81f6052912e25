// What the benchmark process costs: CPU time and peak resident memory (getrusage), the parts
// of the resident memory (/proc/self/status), and the bytes a database directory holds.
//
//   lsm::bench::ProcessUsage before = lsm::bench::CurrentUsage();
//   ...
//   double cpu = lsm::bench::CurrentUsage().cpu_seconds - before.cpu_seconds;
//   uint64_t on_disk = lsm::bench::DirectorySize("/tmp/db");
//
//   lsm::bench::ResidentSampler sampler;       // samples every 10 ms until destroyed
//   sampler.ResetPeaks();
//   ... a workload ...
//   uint64_t heap = sampler.peaks().anon_bytes;
#ifndef LSM_BENCH_LSM_BENCH_RESOURCES_H_
#define LSM_BENCH_LSM_BENCH_RESOURCES_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace lsm::bench {

struct ProcessUsage {
  // User plus system time of every thread of the process so far.
  double cpu_seconds = 0;
  // The largest resident set the process has had (ru_maxrss).
  uint64_t peak_rss_bytes = 0;
};

ProcessUsage CurrentUsage();

// The process's resident memory by kind.
struct ResidentMemory {
  // Anonymous memory (RssAnon): the heap and stacks, where an engine's memtables and block
  // cache live.
  uint64_t anon_bytes = 0;
  // Pages of mapped files (RssFile + RssShmem): tables read through a memory map and logs
  // written through one; the kernel's page cache, which it reclaims under pressure.
  uint64_t file_bytes = 0;
};

// Now, from /proc/self/status (zeros where it cannot be read).
ResidentMemory CurrentResidentMemory();

// Samples CurrentResidentMemory every 10 ms on a thread of its own and keeps the largest of
// each kind, since it started and since the last ResetPeaks.
class ResidentSampler {
 public:
  ResidentSampler();
  ~ResidentSampler();
  ResidentSampler(const ResidentSampler&) = delete;
  ResidentSampler& operator=(const ResidentSampler&) = delete;

  // Samples now and starts the peaks since reset over.
  void ResetPeaks();
  // The peaks since the last ResetPeaks, and since the start, sampling once more first.
  ResidentMemory peaks();
  ResidentMemory peaks_since_start();

 private:
  void Sample();

  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> anon_{0}, file_{0};          // since reset
  std::atomic<uint64_t> all_anon_{0}, all_file_{0};  // since start
  std::thread thread_;
};

// The sizes of the regular files under `path`, summed (0 when it does not exist).
uint64_t DirectorySize(const std::string& path);

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_RESOURCES_H_
