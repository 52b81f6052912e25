// Runner: opens the engine of a BenchConfig and runs db_bench's workloads against it, one at a
// time, returning what each did (operations, bytes, keys found, elapsed time, latencies).
//
//   lsm::bench::Runner runner(config);
//   lsm::Status s = runner.Open();  // destroys --db first unless use_existing_db
//   lsm::bench::WorkloadResult r;
//   if (s.ok()) s = runner.Run("fillseq", &r);
//   printf("%s", lsm::bench::FormatResult(r, config.histogram).c_str());  // report.h
//   s = runner.Close();
//
// The workloads, with db_bench's meanings (N = --num, R = --reads, or N when -1):
//   fillseq      N writes, keys 0..N-1 in order, on a fresh database
//   fillrandom   N writes of uniformly random keys in [0, N), on a fresh database
//   overwrite    N writes of uniformly random keys in [0, N) into the existing database
//   readrandom   R point reads of random keys in [0, N); reports "(F of R found)"
//   readseq      a forward scan from the first key, at most R entries
//   seekrandom   R seeks to random keys in [0, N); found when the key is there exactly
//   flush        flushes the memtable;  waitforcompaction  waits for background work
//   stats        the engine's statistics property, printed as is
// A fresh database means: closed, destroyed and reopened; with use_existing_db the fill
// workloads are skipped instead, as in db_bench. Writes go through a batch of --batch_size.
// Not thread-safe: one thread drives a Runner.
#ifndef LSM_BENCH_LSM_BENCH_WORKLOADS_H_
#define LSM_BENCH_LSM_BENCH_WORKLOADS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/lsm_bench/config.h"
#include "bench/lsm_bench/engine.h"
#include "bench/lsm_bench/generators.h"
#include "bench/lsm_bench/histogram.h"
#include "lsm/status.h"

namespace lsm::bench {

// Every workload name Run accepts, in the order documented above.
const std::vector<std::string_view>& KnownWorkloads();
bool IsKnownWorkload(std::string_view name);

struct WorkloadResult {
  enum class Kind {
    kTimed,    // a db_bench result line
    kSkipped,  // "skipped (--use_existing_db is true)"
    kText,     // `message` printed as is (stats)
  };
  std::string name;
  Kind kind = Kind::kTimed;
  // Operations done (writes, reads, entries scanned, seeks); 0 for flush and the like.
  uint64_t ops = 0;
  // Bytes of keys and values written or read, for the MB/s figure.
  uint64_t bytes = 0;
  // Point reads or seeks that found their key.
  uint64_t found = 0;
  double seconds = 0;
  // "(F of R found)", a note, or the text of a kText result.
  std::string message;
  // What one operation is, for the histogram title: "write", "read", "seek" or "op".
  std::string_view op_name = "op";
  // One entry per operation (per batch for writes); filled only with --histogram.
  Histogram hist;
};

class Runner {
 public:
  explicit Runner(const BenchConfig& config);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Creates the engine, destroys the database unless use_existing_db, and opens it.
  lsm::Status Open();
  // Runs one workload. REQUIRES: Open() succeeded and IsKnownWorkload(name).
  lsm::Status Run(std::string_view name, WorkloadResult* result);
  lsm::Status Close();

  // REQUIRES: Open() was called.
  Engine& engine() { return *engine_; }
  const BenchConfig& config() const { return config_; }

 private:
  lsm::Status DestroyDb();
  lsm::Status Fresh();
  lsm::Status DoWrite(bool sequential, WorkloadResult* r);
  lsm::Status DoReadRandom(WorkloadResult* r);
  lsm::Status DoReadSeq(WorkloadResult* r);
  lsm::Status DoSeekRandom(WorkloadResult* r);
  lsm::Status DoWaitForCompaction(WorkloadResult* r);
  lsm::Status DoStats(WorkloadResult* r);

  const BenchConfig config_;
  std::unique_ptr<Engine> engine_;
  KeyFormatter keys_;
  ValuePool values_;
  // Each workload draws from its own generator, seeded from config_.seed and its position.
  uint64_t runs_ = 0;
};

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_WORKLOADS_H_
