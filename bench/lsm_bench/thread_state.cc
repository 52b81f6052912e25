#include "bench/lsm_bench/thread_state.h"

#include <algorithm>
#include <latch>
#include <limits>
#include <mutex>
#include <thread>

namespace lsm::bench {
namespace {

constexpr uint64_t kProgressEvery = 1000;

}  // namespace

ThreadState::ThreadState(RunContext* ctx, int tid, uint64_t seed, ValuePool* values, bool counted)
    : rnd(seed),
      keys(ctx->config.keys_per_prefix > 0
               ? KeyFormatter(ctx->config.key_size, ctx->config.prefix_size,
                              ctx->config.num_prefixes())
               : KeyFormatter(ctx->config.key_size)),
      values(*values),
      ctx_(ctx),
      tid_(tid),
      counted_(counted) {}

void ThreadState::Start() {
  start_ = last_op_ = Clock::now();
  deadline_ = start_ + std::chrono::seconds(config().duration);
}

void ThreadState::Finish() {
  finish_ = Clock::now();
  if (counted_ && ctx_->progress != nullptr && unreported_ > 0) ctx_->progress->Add(unreported_);
}

bool ThreadState::More(uint64_t limit) {
  if (ctx_->stop.load(std::memory_order_relaxed)) return false;
  if (config().duration <= 0) return ops_ < limit;
  // The clock is read every few calls only; the operations are much slower than this check.
  if (!expired_ && (calls_++ & 15) == 0) expired_ = Clock::now() >= deadline_;
  return !expired_;
}

uint64_t ThreadState::NextBatch(uint64_t limit, uint64_t batch) const {
  if (config().duration > 0) return batch;
  return std::min(batch, limit - std::min(limit, ops_));
}

void ThreadState::Done(uint64_t ops, uint64_t bytes) {
  ops_ += ops;
  bytes_ += bytes;
  if (config().histogram) {
    const Clock::time_point now = Clock::now();
    hist_.Add(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_op_).count()));
    last_op_ = now;
  }
  if (counted_ && ctx_->progress != nullptr) {
    unreported_ += ops;
    if (unreported_ >= kProgressEvery) {
      ctx_->progress->Add(unreported_);
      unreported_ = 0;
    }
  }
}

void ThreadState::Throttle(uint64_t bytes) {
  if (ctx_->write_limiter != nullptr) ctx_->write_limiter->Request(bytes);
  user_bytes_written_ += bytes;
}

void ThreadState::MergeInto(WorkloadResult* result) const {
  result->counters.Merge(counters);
  result->user_bytes_written += user_bytes_written_;
  if (!counted_) return;
  result->ops += ops_;
  result->bytes += bytes_;
  result->thread_seconds += std::chrono::duration<double>(finish_ - start_).count();
  result->hist.Merge(hist_);
}

lsm::Status RunThreads(RunContext* ctx, int threads, int counted,
                       std::vector<std::unique_ptr<ValuePool>>* pools, uint64_t seed,
                       const std::function<lsm::Status(ThreadState*)>& body,
                       WorkloadResult* result) {
  const BenchConfig& config = ctx->config;
  std::vector<std::unique_ptr<ThreadState>> states;
  for (int i = 0; i < threads; i++) {
    if (pools->size() <= static_cast<size_t>(i)) pools->resize(i + 1);
    auto& pool = (*pools)[i];
    if (pool == nullptr) {
      pool = std::make_unique<ValuePool>(config.compression_ratio, config.seed + i,
                                         static_cast<size_t>(config.value_size));
    }
    // Seeds far apart: every thread draws its own sequence.
    states.push_back(std::make_unique<ThreadState>(ctx, i, seed + uint64_t{0x51ED27} * i,
                                                   pool.get(), i < counted));
  }
  ctx->counted_running.store(counted);
  std::latch ready(threads);
  std::mutex mu;
  lsm::Status first_error;
  auto run = [&](ThreadState* t) {
    ctx->engine->PrepareThread();
    ready.arrive_and_wait();
    t->Start();
    lsm::Status s = body(t);
    t->Finish();
    if (t->counted()) ctx->counted_running.fetch_sub(1);
    if (!s.ok()) {
      ctx->stop.store(true);
      std::lock_guard<std::mutex> lock(mu);
      if (first_error.ok()) first_error = s;
    }
  };
  std::vector<std::thread> workers;
  for (int i = 1; i < threads; i++) workers.emplace_back(run, states[i].get());
  run(states[0].get());
  for (std::thread& w : workers) w.join();

  result->threads = counted;
  auto start = ThreadState::Clock::time_point::max();
  auto finish = ThreadState::Clock::time_point::min();
  for (const auto& t : states) {
    t->MergeInto(result);
    if (!t->counted()) continue;
    start = std::min(start, t->start());
    finish = std::max(finish, t->finish());
  }
  result->seconds = std::chrono::duration<double>(finish - start).count();
  return first_error;
}

}  // namespace lsm::bench
