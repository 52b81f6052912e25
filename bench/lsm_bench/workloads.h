// Runner: opens the engine of a BenchConfig and runs db_bench's workloads against it, one at a
// time, each on --threads threads, returning what each did (see result.h).
//
//   lsm::bench::Runner runner(config);
//   lsm::Status s = runner.Open();  // destroys --db first unless use_existing_db
//   lsm::bench::WorkloadResult r;
//   if (s.ok()) s = runner.Run("fillseq", &r);
//   printf("%s", lsm::bench::FormatResult(r, config.histogram).c_str());  // report.h
//   s = runner.Close();
//
// The workloads, with db_bench's meanings. N = --num, R = --reads (N when -1); every thread
// does N or R operations (or runs for --duration seconds); keys are drawn from [0, N).
//   fillseq           N writes of keys 0..N-1 in order, on a fresh database
//   fillrandom        N writes of uniformly random keys, on a fresh database
//   filluniquerandom  N writes, every key once in a random order, on a fresh database
//   overwrite         N writes of random keys into the existing database
//   fillsync          N/1000 (at least 1) random writes, each synced, on a fresh database
//   fillbatch         N writes of keys in order, in batches of 1000, on a fresh database
//   fillseqingest     N keys in order written into table files outside the database, each
//                     cut at 64 MiB (lsm's and RocksDB's default target_file_size_base), then
//                     added to it in one ingestion call that moves them in (SstFileWriter and
//                     IngestExternalFile), on a fresh database and one thread whatever
//                     --threads; timed to the end of the ingestion, one operation per key.
//                     The files are staged in the directory "<--db>.ingest", removed after.
//                     Not for LevelDB (no bulk load) or several column families
//   readrandom        R point reads of random keys; "(F of R found)"
//   readmissing       R point reads of keys that are not there (a random key plus '.')
//   readseq           a forward scan from the first key, at most R entries
//   readreverse       a backward scan from the last key, at most R entries
//   seekrandom        R seeks to random keys; found when the key is there exactly
//   multireadrandom   R point reads in lookups of --batch_size keys (the engine's MultiGet)
//   readwhilewriting  readrandom on every thread while one more thread writes random keys
//                     until the readers finish; the readers are reported
//   deleterandom      N deletes of random keys
//   updaterandom      R read-modify-writes of random keys (the write happens found or not)
//   compact           compacts the whole key range;  flush  flushes the memtable
//   waitforcompaction waits until no flush or compaction is pending or running
//   stats             the engine's statistics property, printed as is
//   ycsba..ycsbf      YCSB's core workloads A-F (ycsb.h), R operations on the keys of a fill
// A fresh database means: closed, destroyed and reopened; with use_existing_db the fill
// workloads are skipped instead, as in db_bench. Writes go in batches of --batch_size (except
// fillsync, fillbatch and the single writes of updaterandom, readwhilewriting's writer and
// YCSB) and wait for --benchmark_write_rate_limit.
//
// With --num_column_families=F > 1 the workloads are the same; the engine puts key k in family
// k % F (engine.h, FamilyOfKey). readseq and readreverse then scan the families one after the
// other (every key once, at most R in all), seekrandom and YCSB E's scans seek in the target
// key's family and go on through it, and deleterange deletes each range from every family.
//
// Not thread-safe: one thread drives a Runner (which starts the workload's threads itself).
#ifndef LSM_BENCH_LSM_BENCH_WORKLOADS_H_
#define LSM_BENCH_LSM_BENCH_WORKLOADS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/lsm_bench/config.h"
#include "bench/lsm_bench/engine.h"
#include "bench/lsm_bench/generators.h"
#include "bench/lsm_bench/rate_limiter.h"
#include "bench/lsm_bench/resources.h"
#include "bench/lsm_bench/result.h"
#include "bench/lsm_bench/thread_state.h"
#include "lsm/status.h"

namespace lsm::bench {

// Every workload name Run accepts, in the order documented above.
const std::vector<std::string_view>& KnownWorkloads();
bool IsKnownWorkload(std::string_view name);

class Runner {
 public:
  explicit Runner(const BenchConfig& config);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Creates the engine, destroys the database unless use_existing_db, and opens it.
  lsm::Status Open();
  // Runs one workload and measures what it cost. REQUIRES: Open() succeeded and
  // IsKnownWorkload(name).
  lsm::Status Run(std::string_view name, WorkloadResult* result);
  lsm::Status Close();

  // REQUIRES: Open() was called.
  Engine& engine() { return *engine_; }
  const BenchConfig& config() const { return config_; }
  // The largest anonymous and file-backed resident memory since the Runner was made.
  ResidentMemory peak_resident() { return resident_.peaks_since_start(); }

 private:
  enum class KeyOrder { kSequential, kRandom, kUniqueRandom };
  using Body = std::function<lsm::Status(ThreadState*)>;

  lsm::Status DestroyDb();
  lsm::Status OpenEngine(bool create_if_missing);
  lsm::Status Fresh();
  lsm::Status Dispatch(std::string_view name, WorkloadResult* r);
  // Runs body on `threads` threads of which the first `counted` are reported; `ops_per_thread`
  // sizes the progress line.
  lsm::Status RunBody(int threads, int counted, uint64_t ops_per_thread, const Body& body,
                      WorkloadResult* r);
  // RunBody on --threads threads, all counted.
  lsm::Status RunEach(uint64_t ops_per_thread, const Body& body, WorkloadResult* r);
  // One engine call, timed as a workload of no operation.
  lsm::Status RunOnce(const std::function<lsm::Status()>& call, WorkloadResult* r);

  lsm::Status DoWrite(KeyOrder order, uint64_t count, uint64_t per_batch, bool sync, bool del,
                      WorkloadResult* r);
  // fillseqingest: table files of the keys in order, then one ingestion.
  lsm::Status DoFillSeqIngest(WorkloadResult* r);
  lsm::Status DoReadRandom(bool missing, WorkloadResult* r);
  lsm::Status DoScan(bool forward, WorkloadResult* r);
  lsm::Status DoSeekRandom(WorkloadResult* r);
  lsm::Status DoMultiReadRandom(WorkloadResult* r);
  lsm::Status DoReadWhileWriting(WorkloadResult* r);
  lsm::Status DoUpdateRandom(WorkloadResult* r);
  // mergerandom: --num merges of one operand each into keys drawn from --merge_keys.
  lsm::Status DoMergeRandom(WorkloadResult* r);
  // deleterange: --num_range_tombstones range deletions of --range_tombstone_width keys each,
  // evenly spaced over the key space.
  lsm::Status DoDeleteRange(WorkloadResult* r);
  lsm::Status DoYcsb(std::string_view name, WorkloadResult* r);
  lsm::Status DoWaitForCompaction(WorkloadResult* r);
  lsm::Status DoStats(WorkloadResult* r);

  // readrandom's loop on one thread: R point reads of random keys; with `missing`, of keys that
  // cannot be there (the key followed by '.').
  lsm::Status ReadRandomLoop(ThreadState* t, bool missing) const;
  // A uniformly random key in [0, N), valid until t->keys formats another.
  std::string_view RandomKey(ThreadState* t) const;
  // The next --value_size bytes of t's values.
  std::string_view NextValue(ThreadState* t) const;
  uint64_t num() const { return static_cast<uint64_t>(config_.num); }
  uint64_t reads() const { return static_cast<uint64_t>(config_.reads_to_do()); }

  const BenchConfig config_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<RateLimiter> write_limiter_;
  // Thread i's values; kept from one workload to the next.
  std::vector<std::unique_ptr<ValuePool>> pools_;
  // YCSB's key popularity over [0, num), made on first use.
  std::unique_ptr<ZipfianGenerator> zipf_;
  // Keys YCSB inserted (above num) since the database was opened.
  std::atomic<uint64_t> inserted_{0};
  // Bytes workloads wrote since the database was opened, for write amplification.
  uint64_t user_bytes_since_open_ = 0;
  // Each workload draws from its own generators, seeded from config_.seed and its position.
  uint64_t runs_ = 0;
  // Samples the process's resident memory throughout.
  ResidentSampler resident_;
};

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_WORKLOADS_H_
