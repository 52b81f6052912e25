// kill9_prefix (TESTPLAN.md): a child process writes numbered batches, each recording its own
// number under a reserved key, and reports every acknowledged batch through a pipe; the parent
// kills it with SIGKILL at a random moment, reopens the database and checks that it holds
// exactly the state after some batch k, with k at or past the last acknowledged batch.
// Runs with sync on and off: a process kill loses nothing acknowledged either way.
//
// Scale: LSM_KILL9_ITERATIONS kills per sync mode (default 15).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

#include "lsm/db.h"
#include "src/util/random.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

constexpr char kSeqKey[] = "!seq";

// Batch i: records i under kSeqKey, writes three keys and deletes one, all derived from i.
void MakeBatch(uint64_t seed, uint64_t i, WriteBatch* batch,
               std::map<std::string, std::string>* model) {
  Random rnd(seed * 1000003 + i);
  batch->Clear();
  auto put = [&](const std::string& k, const std::string& v) {
    batch->Put(k, v);
    if (model != nullptr) (*model)[k] = v;
  };
  put(kSeqKey, std::to_string(i));
  for (int j = 0; j < 3; j++) {
    put("key" + std::to_string(rnd.Uniform(2000)),
        std::to_string(i) + std::string(rnd.Uniform(300), 'v'));
  }
  const std::string del = "key" + std::to_string(rnd.Uniform(2000));
  batch->Delete(del);
  if (model != nullptr) model->erase(del);
}

[[noreturn]] void ChildWrites(const std::string& dbname, uint64_t seed, uint64_t first, bool sync,
                              int ack_fd) {
  Options options;
  options.create_if_missing = true;
  options.write_buffer_size = 256 << 10;
  std::unique_ptr<DB> db;
  if (!DB::Open(options, dbname, &db).ok()) _exit(2);
  WriteBatch batch;
  for (uint64_t i = first;; i++) {
    MakeBatch(seed, i, &batch, nullptr);
    if (!db->Write(WriteOptions{.sync = sync}, &batch).ok()) _exit(3);
    if (write(ack_fd, &i, sizeof(i)) != sizeof(i)) _exit(4);
  }
}

void RunKills(bool sync) {
  const uint64_t seed = TestSeed();
  const char* env = std::getenv("LSM_KILL9_ITERATIONS");
  const int iterations = env != nullptr ? std::atoi(env) : 15;
  Random rnd(seed);
  TempDir dir;
  const std::string dbname = dir.path() + "/db";
  std::map<std::string, std::string> model;  // state after batch `applied`
  int64_t applied = -1;
  for (int iter = 0; iter < iterations; iter++) {
    SCOPED_TRACE("iteration " + std::to_string(iter) + " seed " + std::to_string(seed));
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      ChildWrites(dbname, seed, static_cast<uint64_t>(applied + 1), sync, fds[1]);
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rnd.Uniform(200)));
    kill(pid, SIGKILL);
    int64_t last_ack = applied;
    uint64_t ack;
    while (read(fds[0], &ack, sizeof(ack)) == sizeof(ack)) last_ack = static_cast<int64_t>(ack);
    close(fds[0]);
    int wstatus;
    ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with " << WEXITSTATUS(wstatus);

    // The child may have died before it created the database: an empty one is a prefix too.
    Options options;
    options.create_if_missing = true;
    std::unique_ptr<DB> db;
    Status s = DB::Open(options, dbname, &db);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::string seq_value;
    s = db->Get(ReadOptions(), kSeqKey, &seq_value);
    const int64_t recovered = s.IsNotFound() ? -1 : std::stoll(seq_value);
    ASSERT_GE(recovered, last_ack) << "an acknowledged write was lost";
    WriteBatch batch;
    while (applied < recovered) MakeBatch(seed, static_cast<uint64_t>(++applied), &batch, &model);
    // The whole state must be exactly the model after batch `recovered`: a prefix.
    std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
    auto expected = model.begin();
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
      ASSERT_NE(expected, model.end()) << "extra key " << it->key();
      ASSERT_EQ(it->key(), expected->first);
      ASSERT_EQ(it->value(), expected->second) << "key " << expected->first;
    }
    ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    ASSERT_EQ(expected, model.end()) << "missing key " << expected->first;
    it.reset();
    ASSERT_TRUE(db->Close().ok());
  }
  EXPECT_GT(applied, 0);
}

TEST(Kill9Test, SyncOff) { RunKills(false); }
TEST(Kill9Test, SyncOn) { RunKills(true); }

}  // namespace
}  // namespace lsm
