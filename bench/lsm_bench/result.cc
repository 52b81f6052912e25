#include "bench/lsm_bench/result.h"

#include <algorithm>

namespace lsm::bench {

void Counters::Merge(const Counters& other) {
  reads += other.reads;
  found += other.found;
  missing += other.missing;
  writes += other.writes;
  deletes += other.deletes;
  seeks += other.seeks;
  scanned += other.scanned;
  updates += other.updates;
  inserts += other.inserts;
  scans += other.scans;
  rmws += other.rmws;
}

BackgroundWork BackgroundWork::Since(const BackgroundWork& before) const {
  auto minus = [](uint64_t a, uint64_t b) { return a - std::min(a, b); };
  return {
      .flush_bytes = minus(flush_bytes, before.flush_bytes),
      .flush_seconds = flush_seconds - before.flush_seconds,
      .compaction_bytes_read = minus(compaction_bytes_read, before.compaction_bytes_read),
      .compaction_bytes_written = minus(compaction_bytes_written, before.compaction_bytes_written),
      .compaction_seconds = compaction_seconds - before.compaction_seconds};
}

namespace {

// db_bench counts a workload that did no operation (flush, ...) as one.
double CountedOps(uint64_t ops) { return static_cast<double>(std::max<uint64_t>(ops, 1)); }

double NonZero(double seconds) { return std::max(seconds, 1e-9); }

}  // namespace

double WorkloadResult::MicrosPerOp() const { return thread_seconds * 1e6 / CountedOps(ops); }

double WorkloadResult::OpsPerSecond() const { return CountedOps(ops) / NonZero(seconds); }

double WorkloadResult::MegabytesPerSecond() const {
  return static_cast<double>(bytes) / 1048576.0 / NonZero(seconds);
}

}  // namespace lsm::bench
