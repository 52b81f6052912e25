// RateLimiter: holds the writes a benchmark issues to --benchmark_write_rate_limit bytes per
// second, shared by all of its threads. Each request reserves the next slot of time its bytes
// take at that rate and sleeps until the slot starts; time nobody used is not saved up, so
// there are no bursts after a pause.
//
//   lsm::bench::RateLimiter limiter(10 << 20);  // 10 MiB/s
//   limiter.Request(key.size() + value.size());  // before each write
//
// Thread-safe.
#ifndef LSM_BENCH_LSM_BENCH_RATE_LIMITER_H_
#define LSM_BENCH_LSM_BENCH_RATE_LIMITER_H_

#include <chrono>
#include <cstdint>
#include <mutex>

namespace lsm::bench {

class RateLimiter {
 public:
  // REQUIRES: bytes_per_second > 0.
  explicit RateLimiter(uint64_t bytes_per_second);

  // Returns when `bytes` more may be written.
  void Request(uint64_t bytes);

 private:
  using Clock = std::chrono::steady_clock;

  const double nanos_per_byte_;
  std::mutex mu_;
  Clock::time_point next_free_;  // guarded by mu_
};

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_RATE_LIMITER_H_
