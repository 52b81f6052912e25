#include "bench/lsm_bench/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace lsm::bench {

RateLimiter::RateLimiter(uint64_t bytes_per_second)
    : nanos_per_byte_(1e9 / static_cast<double>(bytes_per_second)), next_free_(Clock::now()) {}

void RateLimiter::Request(uint64_t bytes) {
  const auto cost =
      std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(bytes) * nanos_per_byte_));
  Clock::time_point start;
  {
    std::lock_guard<std::mutex> lock(mu_);
    start = std::max(next_free_, Clock::now());
    next_free_ = start + cost;
  }
  std::this_thread::sleep_until(start);
}

}  // namespace lsm::bench
