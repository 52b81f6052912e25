#include "src/compaction/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace lsm {
namespace {

constexpr double kRefillPeriodSeconds = 0.1;

class RateLimitedFile final : public WritableFile {
 public:
  RateLimitedFile(std::unique_ptr<WritableFile> file, RateLimiter* limiter)
      : file_(std::move(file)), limiter_(limiter) {}

  Status Append(std::string_view data) override {
    limiter_->Request(data.size());
    return file_->Append(data);
  }
  Status Flush() override { return file_->Flush(); }
  Status Sync() override { return file_->Sync(); }
  Status Close() override { return file_->Close(); }
  uint64_t Size() const override { return file_->Size(); }

 private:
  const std::unique_ptr<WritableFile> file_;
  RateLimiter* const limiter_;
};

}  // namespace

RateLimiter::RateLimiter(uint64_t bytes_per_second)
    : rate_(bytes_per_second),
      burst_(std::max(1.0, static_cast<double>(bytes_per_second) * kRefillPeriodSeconds)),
      tokens_(burst_),
      last_refill_(Clock::now()) {}

void RateLimiter::Request(uint64_t bytes) {
  // The mutex is held while waiting, so that waiters are served one after another and a large
  // request is not starved by small ones.
  MutexLock l(&mu_);
  total_bytes_ += bytes;
  double needed = static_cast<double>(bytes);
  while (true) {
    const Clock::time_point now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - last_refill_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * static_cast<double>(rate_));
    last_refill_ = now;
    const double take = std::min(needed, tokens_);
    tokens_ -= take;
    needed -= take;
    if (needed <= 0) return;
    // Sleep until the rest (at most a bucketful) has refilled.
    const double wait = std::min(needed, burst_) / static_cast<double>(rate_);
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(wait * 1e6) + 1));
  }
}

uint64_t RateLimiter::total_bytes() const {
  MutexLock l(&mu_);
  return total_bytes_;
}

std::unique_ptr<WritableFile> NewRateLimitedFile(std::unique_ptr<WritableFile> file,
                                                 RateLimiter* limiter) {
  if (limiter == nullptr) return file;
  return std::make_unique<RateLimitedFile>(std::move(file), limiter);
}

}  // namespace lsm
