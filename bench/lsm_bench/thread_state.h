// The threads of one workload: RunThreads starts them together, each with a ThreadState of its
// own (random generator, key formatter, counters, histogram), and merges what they did into a
// WorkloadResult as db_bench does (operations and bytes summed, wall time from the first start
// to the last end, per-operation time summed over threads).
//
//   RunContext ctx(config, engine, /*write_limiter=*/nullptr, /*progress=*/nullptr);
//   lsm::Status s = RunThreads(&ctx, config.threads, config.threads, pools,
//                              [&](ThreadState* t) {
//                                while (t->More(n)) { ...one operation...; t->Done(1, bytes); }
//                                return lsm::Status::OK();
//                              },
//                              &result);
//
// A thread that fails sets RunContext::stop, so that the others leave their loops; RunThreads
// returns the first failure.
#ifndef LSM_BENCH_LSM_BENCH_THREAD_STATE_H_
#define LSM_BENCH_LSM_BENCH_THREAD_STATE_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "bench/lsm_bench/config.h"
#include "bench/lsm_bench/engine.h"
#include "bench/lsm_bench/generators.h"
#include "bench/lsm_bench/histogram.h"
#include "bench/lsm_bench/progress.h"
#include "bench/lsm_bench/rate_limiter.h"
#include "bench/lsm_bench/result.h"
#include "lsm/status.h"

namespace lsm::bench {

// What the threads of one workload share.
struct RunContext {
  RunContext(const BenchConfig& config, Engine* engine, RateLimiter* write_limiter,
             Progress* progress)
      : config(config), engine(engine), write_limiter(write_limiter), progress(progress) {}

  const BenchConfig& config;
  Engine* const engine;
  // nullptr: writes are not limited.
  RateLimiter* const write_limiter;
  // nullptr: no progress line.
  Progress* const progress;
  // Set when a thread fails: every loop ends.
  std::atomic<bool> stop{false};
  // Counted threads still running (readwhilewriting's writer stops when none is).
  std::atomic<int> counted_running{0};
};

class ThreadState {
 public:
  using Clock = std::chrono::steady_clock;

  // `values` must outlive the state. `counted`: whether the thread's operations, time and
  // latencies are reported (its counters always are).
  ThreadState(RunContext* ctx, int tid, uint64_t seed, ValuePool* values, bool counted);

  RunContext& ctx() { return *ctx_; }
  Engine& engine() { return *ctx_->engine; }
  const BenchConfig& config() const { return ctx_->config; }
  int tid() const { return tid_; }
  bool counted() const { return counted_; }

  Random64 rnd;
  KeyFormatter keys;
  ValuePool& values;
  Counters counters;

  // Starts the clock (and --duration's deadline).
  void Start();
  void Finish();

  // Whether to do another operation: false once `limit` operations are done (with --duration:
  // once it has passed) or another thread failed.
  bool More(uint64_t limit);
  // Operations the next batch may do: up to `batch`, no more than `limit` allows.
  uint64_t NextBatch(uint64_t limit, uint64_t batch) const;
  // Records `ops` operations of `bytes` bytes just done, timed together for the histogram.
  void Done(uint64_t ops, uint64_t bytes);
  // Waits for the write rate limit, then counts `bytes` as written by the user.
  void Throttle(uint64_t bytes);

  // Adds this thread's counters, user bytes and, if counted, operations, bytes, time and
  // latencies to *result; wall time is left to the caller.
  void MergeInto(WorkloadResult* result) const;
  Clock::time_point start() const { return start_; }
  Clock::time_point finish() const { return finish_; }

 private:
  RunContext* const ctx_;
  const int tid_;
  const bool counted_;
  uint64_t ops_ = 0;
  uint64_t bytes_ = 0;
  uint64_t user_bytes_written_ = 0;
  uint64_t unreported_ = 0;  // operations not yet given to the progress line
  uint32_t calls_ = 0;
  bool expired_ = false;
  Histogram hist_;
  Clock::time_point start_, finish_, last_op_, deadline_;
};

// Runs body on `threads` threads (thread ids 0..threads-1) started together; the first
// `counted` are counted (see ThreadState). Thread i uses (*pools)[i], created if missing.
// Merges every thread into *result.
lsm::Status RunThreads(RunContext* ctx, int threads, int counted,
                       std::vector<std::unique_ptr<ValuePool>>* pools, uint64_t seed,
                       const std::function<lsm::Status(ThreadState*)>& body,
                       WorkloadResult* result);

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_THREAD_STATE_H_
