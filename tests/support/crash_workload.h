// The write history of the crash suites (kill9, killpoints, powerloss_sim, torn_tail_reappend)
// and the check that a recovered database holds a prefix of it.
//
// Batch i is a pure function of (seed, i): it records i under kSeqKey, puts three keys (one
// batch in 16 with a value of 40 to 60 KB), deletes one (one batch in 32 a range of them too)
// and adds i + 1 to one of eight counters through Merge (CrashWorkloadOptions has the
// uint64add operator). It writes the column family kSideFamily too: i under kSeqKey, a key
// put and one deleted (one batch in 32 a range). The side family has its own options (tiered
// compaction, no merge operator) and takes fewer bytes per batch, so the two flush at
// different moments and recovery replays each from its own log number. A recovered database
// therefore names the last batch it holds in each family, the same one, and each family must
// equal its model after exactly that batch.
//
//   PrefixModel model(seed);
//   std::unique_ptr<DB> db;  ColumnFamilyHandle* side;
//   ASSERT_TRUE(OpenCrashDB(CrashWorkloadOptions(), dbname, &db, &side).ok());
//   ... batches 0..n written, the last acknowledged durable one is `acked` ...
//   int64_t k;
//   ASSERT_NO_FATAL_FAILURE(model.CheckRecovered(db.get(), side, acked, n, &k));
//   ... write on from batch k + 1 ...
//
// The writer child process (tests/support/crash_writer.cc) writes the same batches and reports
// each acknowledged one through a pipe; StartWriter/FinishWriter run it.
#ifndef LSM_TESTS_SUPPORT_CRASH_WORKLOAD_H_
#define LSM_TESTS_SUPPORT_CRASH_WORKLOAD_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lsm/db.h"

namespace lsm {

inline constexpr char kSeqKey[] = "!seq";
inline constexpr char kSideFamily[] = "side";

// The expected contents of the default and the side family.
struct CrashModel {
  std::map<std::string, std::string> main, side;
};

// Fills *batch with batch i of the history of `seed`, writing the side family through `side`;
// applies it to *model if not null.
void MakeCrashBatch(uint64_t seed, uint64_t i, ColumnFamilyHandle* side, WriteBatch* batch,
                    CrashModel* model);

// Options for the crash workloads: write buffers, tables and levels small enough that a few
// thousand batches flush and compact many times. `fs` null means POSIX.
Options CrashWorkloadOptions(std::shared_ptr<FileSystem> fs = nullptr);

// Opens the crash workload's database in `dbname` with its two families (creating the side
// family if missing); *side is its handle.
Status OpenCrashDB(const Options& options, const std::string& dbname, std::unique_ptr<DB>* db,
                   ColumnFamilyHandle** side);

// The state after the batches a database has been seen to hold.
class PrefixModel {
 public:
  explicit PrefixModel(uint64_t seed) : seed_(seed) {}

  // Checks (with gtest assertions) that `db` holds exactly the state after some batch k with
  // min_batch <= k <= max_batch (-1: no batch), and k at or past what an earlier check saw;
  // then advances the model to k and sets *recovered to k.
  void CheckRecovered(DB* db, ColumnFamilyHandle* side, int64_t min_batch, int64_t max_batch,
                      int64_t* recovered);

  // The last batch the model holds (-1 for none).
  int64_t applied() const { return applied_; }

 private:
  const uint64_t seed_;
  int64_t applied_ = -1;
  CrashModel model_;
};

// A running writer child (tests/support/crash_writer.cc).
struct WriterProcess {
  pid_t pid = -1;
  int ack_fd = -1;        // read end of the pipe of acknowledged batch numbers
  int64_t last_ack = -1;  // the last acknowledgement read so far (args.first - 1 for none)
};

struct WriterArgs {
  std::string dbname;
  uint64_t seed = 0;
  uint64_t first = 0;                  // first batch to write
  uint64_t count = uint64_t{1} << 40;  // batches to write before exiting with kWriterDone
  uint64_t sync_one_in = 0;            // 0: no write syncs; n: a seeded 1 in n of them do
  // n > 0: the writer opens the database with DBOptions::recover_to_last_commit, writes
  // without the WAL, commits both families after each batch i with (i + 1) % n == 0 (the
  // metadata is i in decimal) and acknowledges only the committed batches.
  uint64_t commit_every = 0;
  // With commit_every 0: the writer opens the database with DBOptions::atomic_flush and
  // writes without the WAL, so that only the flushes the database starts itself (every family
  // at once) keep any batch.
  bool atomic_unlogged = false;
};

// Exit codes of the writer child.
inline constexpr int kWriterDone = 10;  // wrote every batch
inline constexpr int kWriterOpenFailed = 11;
inline constexpr int kWriterWriteFailed = 12;
inline constexpr int kWriterUsage = 13;

// Starts the writer binary at `binary` with `args`; `env` ("NAME=value") is added to its
// environment, ahead of (so overriding) what it inherits. Adds a gtest failure and returns
// false if it cannot be started.
bool StartWriter(const std::string& binary, const WriterArgs& args,
                 const std::vector<std::string>& env, WriterProcess* writer);

// The writer's I/O backend for run `iteration`, as an environment entry: POSIX in even runs,
// the default (io_uring where a ring can be set up) in odd ones.
inline std::string WriterIoBackend(int64_t iteration) {
  return iteration % 2 == 0 ? "LSM_IO_BACKEND=posix" : "LSM_IO_BACKEND=auto";
}

// Waits for the writer's next acknowledgement; false if it ended first.
bool ReadAck(WriterProcess* writer);

// Reads the writer's acknowledgements until it ends, then reaps it. Returns the last batch
// acknowledged (args.first - 1 if none); *wait_status is waitpid's.
int64_t FinishWriter(WriterProcess* writer, int* wait_status);

// After a writer child that acknowledged batches up to `last_ack` ended: opens the database
// in `dbname` (CrashWorkloadOptions over POSIX), checks that it holds the state after batch
// last_ack or after the one in flight, and closes it. Without `acked_survive` (a writer with
// args.atomic_unlogged) any batch from the last one `model` saw on will do: only flushes keep
// batches then, and a flushed state is never lost.
void CheckAfterWriter(PrefixModel* model, const std::string& dbname, int64_t last_ack,
                      bool acked_survive = true);

// The same after a writer with args.commit_every = `commit_every`: the database holds the
// state after the last acknowledged commit (or, with none, the state the writer started from)
// or after the commit in flight, and its committed metadata names that batch. Opens it without
// recover_to_last_commit: the MANIFEST says how to recover.
void CheckAfterCommitWriter(PrefixModel* model, const std::string& dbname, int64_t last_ack,
                            uint64_t commit_every);

// Runs a writer in this process (the body of crash_writer's main): opens the database, writes
// the batches and reports each acknowledged one on `ack_fd`. Returns an exit code above.
int RunWriter(const WriterArgs& args, int ack_fd);

}  // namespace lsm

#endif  // LSM_TESTS_SUPPORT_CRASH_WORKLOAD_H_
