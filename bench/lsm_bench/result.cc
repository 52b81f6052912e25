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
