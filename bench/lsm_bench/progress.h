// Progress: a one-line progress report of the running workload on stderr, redrawn in place
// ("readrandom: 420000 of 1000000 ops (42%)\r") at most twice a second and erased at the end.
// main creates one only when stderr is a terminal, so logs and pipes never see it.
//
//   lsm::bench::Progress progress("fillseq", 1000000);  // total 0: unknown (--duration)
//   progress.Add(1000);  // from any thread
//   progress.Finish();
//
// Thread-safe.
#ifndef LSM_BENCH_LSM_BENCH_PROGRESS_H_
#define LSM_BENCH_LSM_BENCH_PROGRESS_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace lsm::bench {

class Progress {
 public:
  Progress(std::string name, uint64_t total);
  ~Progress();

  // Counts `ops` more operations done; redraws the line when it is due.
  void Add(uint64_t ops);
  // Erases the line. Called by the destructor if not before.
  void Finish();

 private:
  using Clock = std::chrono::steady_clock;

  const std::string name_;
  const uint64_t total_;
  std::atomic<uint64_t> done_{0};
  std::atomic<int64_t> next_draw_nanos_;
  std::mutex draw_mu_;
  bool drawn_ = false;     // guarded by draw_mu_
  bool finished_ = false;  // guarded by draw_mu_
  const Clock::time_point start_;
};

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_PROGRESS_H_
