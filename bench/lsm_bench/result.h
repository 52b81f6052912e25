// WorkloadResult: what one lsm_bench workload did, summed over its threads: operations and
// bytes for db_bench's result line, counters that must add up (a point read either finds its
// key or misses it), latencies, and what the run cost (CPU, memory, disk, background writes).
//
//   lsm::bench::WorkloadResult r;
//   runner.Run("readrandom", &r);
//   assert(r.counters.found + r.counters.missing == r.counters.reads);
//   double micros_per_op = r.MicrosPerOp();
#ifndef LSM_BENCH_LSM_BENCH_RESULT_H_
#define LSM_BENCH_LSM_BENCH_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "bench/lsm_bench/histogram.h"

namespace lsm::bench {

// Each field counts single keys, over every thread of the workload (the background writer of
// readwhilewriting included).
struct Counters {
  uint64_t reads = 0;    // point lookups: Get, and each key of a MultiGet
  uint64_t found = 0;    // lookups (seekrandom: seeks) that found their key
  uint64_t missing = 0;  // lookups (seekrandom: seeks) that did not
  uint64_t writes = 0;   // entries put
  uint64_t deletes = 0;  // entries deleted
  uint64_t seeks = 0;    // iterator seeks
  uint64_t scanned = 0;  // entries an iterator stepped onto (readseq, readreverse, scans)
  // The YCSB operation mix (a YCSB read is a lookup: reads - rmws of them).
  uint64_t updates = 0;  // updates (updaterandom: read-modify-writes too)
  uint64_t inserts = 0;  // inserts of new keys
  uint64_t scans = 0;    // short range scans
  uint64_t rmws = 0;     // read-modify-writes

  void Merge(const Counters& other);

  // Calls f(name, value) for every field, in declaration order.
  template <typename F>
  void ForEach(F&& f) const {
    f("reads", reads);
    f("found", found);
    f("missing", missing);
    f("writes", writes);
    f("deletes", deletes);
    f("seeks", seeks);
    f("scanned", scanned);
    f("updates", updates);
    f("inserts", inserts);
    f("scans", scans);
    f("rmws", rmws);
  }
};

// What flushes and compactions did since the database was opened: bytes and the seconds the
// jobs took (each job's elapsed time, summed).
struct BackgroundWork {
  uint64_t flush_bytes = 0;  // tables written by flushes
  double flush_seconds = 0;
  uint64_t compaction_bytes_read = 0;
  uint64_t compaction_bytes_written = 0;
  double compaction_seconds = 0;

  // this - `before`: the work done in between.
  BackgroundWork Since(const BackgroundWork& before) const;
};

struct WorkloadResult {
  enum class Kind {
    kTimed,    // a db_bench result line
    kSkipped,  // "skipped (--use_existing_db is true)"
    kText,     // `message` printed as is (stats)
  };
  std::string name;
  Kind kind = Kind::kTimed;
  // Threads that ran it and were counted (readwhilewriting: the readers).
  int threads = 1;
  // Operations of the counted threads (writes, reads, entries scanned, seeks); 0 for flush and
  // the like.
  uint64_t ops = 0;
  // Bytes of keys and values written or read by the counted threads, for the MB/s figure.
  uint64_t bytes = 0;
  // Wall time from the first counted thread's start to the last one's end.
  double seconds = 0;
  // The sum of every counted thread's time: micros/op divides it by ops, as db_bench does, so
  // that it is the latency of one operation whatever the number of threads.
  double thread_seconds = 0;
  Counters counters;
  // "(F of R found)", a note, or the text of a kText result.
  std::string message;
  // What one operation is, for the histogram title: "write", "read", "seek" or "op".
  std::string_view op_name = "op";
  // One entry per operation (per batch for batched writes and MultiGet); filled only with
  // --histogram.
  Histogram hist;

  // What it cost, measured by Runner::Run around the workload.
  // Key and value bytes the workload wrote (deletes: key bytes), every thread included.
  uint64_t user_bytes_written = 0;
  // Bytes flushes and compactions wrote during the workload; unset when the engine does not say.
  std::optional<uint64_t> engine_bytes_written;
  // What flushes and compactions did during the workload, flushes apart from compactions;
  // unset when the engine does not say.
  std::optional<BackgroundWork> background;
  // Bytes flushes and compactions wrote since the database was opened / user bytes written
  // since then; unset when the engine does not say or nothing was written.
  std::optional<double> write_amplification;
  // Bytes of every file under the database directory afterwards.
  uint64_t db_size_bytes = 0;
  // The process's peak resident set afterwards (getrusage ru_maxrss).
  uint64_t peak_rss_bytes = 0;
  // The largest anonymous (heap) and file-backed resident memory during the workload, sampled
  // every 10 ms (ResidentSampler).
  uint64_t peak_rss_anon_bytes = 0;
  uint64_t peak_rss_file_bytes = 0;
  // User plus system CPU time of the whole process (engine threads included) during it.
  double cpu_seconds = 0;

  // db_bench's figures: thread_seconds / ops (ops taken as at least 1), ops / seconds.
  double MicrosPerOp() const;
  double OpsPerSecond() const;
  // MB (2^20 bytes) of `bytes` per second of `seconds`.
  double MegabytesPerSecond() const;
};

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_RESULT_H_
