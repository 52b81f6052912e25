#include "bench/lsm_bench/progress.h"

#include <cstdio>
#include <utility>

namespace lsm::bench {
namespace {

constexpr int64_t kRedrawNanos = 500'000'000;

}  // namespace

Progress::Progress(std::string name, uint64_t total)
    : name_(std::move(name)), total_(total), next_draw_nanos_(kRedrawNanos), start_(Clock::now()) {}

Progress::~Progress() { Finish(); }

void Progress::Add(uint64_t ops) {
  const uint64_t done = done_.fetch_add(ops, std::memory_order_relaxed) + ops;
  const int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start_).count();
  int64_t due = next_draw_nanos_.load(std::memory_order_relaxed);
  if (now < due) return;
  // One thread draws; the others go on with their work.
  if (!next_draw_nanos_.compare_exchange_strong(due, now + kRedrawNanos)) return;
  std::lock_guard<std::mutex> lock(draw_mu_);
  if (finished_) return;
  if (total_ > 0) {
    std::fprintf(stderr, "\r%s: %llu of %llu ops (%d%%)   ", name_.c_str(),
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                 static_cast<int>(done * 100 / total_));
  } else {
    std::fprintf(stderr, "\r%s: %llu ops, %.0f s   ", name_.c_str(),
                 static_cast<unsigned long long>(done), static_cast<double>(now) / 1e9);
  }
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Finish() {
  std::lock_guard<std::mutex> lock(draw_mu_);
  if (finished_) return;
  finished_ = true;
  if (drawn_) std::fputs("\r\033[K", stderr);  // erase the line
}

}  // namespace lsm::bench
