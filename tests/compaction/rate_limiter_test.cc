#include "src/compaction/rate_limiter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace lsm {
namespace {

// The bucket starts full (a tenth of a second's worth) and refills at the rate, so granting
// more than a bucketful takes at least the excess over the rate, however fast or slow the
// machine (a lower bound only; the time spent sleeping may be less, as time passes between
// requests too).
TEST(RateLimiterTest, WaitsForTheBytesBeyondTheBucket) {
  RateLimiter limiter(1 << 20);  // 1 MiB/s, bucket 104857 bytes
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; i++) limiter.Request(50 << 10);  // 300 KiB
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double excess = (300.0 * 1024 - 104857.0) / (1 << 20);
  EXPECT_GE(elapsed, excess * 0.99);
  EXPECT_EQ(limiter.total_bytes(), 300u << 10);
}

TEST(RateLimiterTest, LargeRequestsAndManyThreadsAreAllGranted) {
  RateLimiter limiter(8 << 20);
  limiter.Request(2 << 20);  // larger than the bucket: granted piece by piece
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&] {
      for (int i = 0; i < 16; i++) limiter.Request(16 << 10);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(limiter.total_bytes(), (2u << 20) + 4 * 16 * (16u << 10));
}

}  // namespace
}  // namespace lsm
