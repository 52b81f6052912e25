// RateLimiter: a token bucket that paces the bytes compactions write, so that foreground writes
// and flushes keep the disk.
//
//   RateLimiter limiter(64 << 20);     // 64 MiB/s, shared by every compaction thread
//   limiter.Request(block.size());     // blocks until the bytes may be written
//
// Tokens refill continuously at the rate, up to one refill period's worth (100 ms), so a
// thread that has been idle cannot burst far past the rate. Requests larger than the bucket
// are granted in period-sized pieces.
// Thread-safety: Request may be called from many threads at once; waiting threads are served
// in turn.
#ifndef LSM_COMPACTION_RATE_LIMITER_H_
#define LSM_COMPACTION_RATE_LIMITER_H_

#include <chrono>
#include <cstdint>
#include <memory>

#include "lsm/file_system.h"
#include "src/util/mutex.h"

namespace lsm {

class RateLimiter {
 public:
  // REQUIRES: bytes_per_second > 0.
  explicit RateLimiter(uint64_t bytes_per_second);

  // Waits until `bytes` more may be written.
  void Request(uint64_t bytes);

  uint64_t bytes_per_second() const { return rate_; }
  // Bytes granted since construction.
  uint64_t total_bytes() const;

 private:
  using Clock = std::chrono::steady_clock;

  const uint64_t rate_;
  const double burst_;  // the most tokens the bucket holds

  mutable Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  Clock::time_point last_refill_ ABSL_GUARDED_BY(mu_);
  uint64_t total_bytes_ ABSL_GUARDED_BY(mu_) = 0;
};

// A WritableFile whose appends are paced by `limiter` (not owned; may be null for no limit).
std::unique_ptr<WritableFile> NewRateLimitedFile(std::unique_ptr<WritableFile> file,
                                                 RateLimiter* limiter);

}  // namespace lsm

#endif  // LSM_COMPACTION_RATE_LIMITER_H_
