#include "tests/support/crash_workload.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lsm/merge_operator.h"
#include "src/util/coding.h"
#include "src/util/random.h"

extern char** environ;

namespace lsm {

void MakeCrashBatch(uint64_t seed, uint64_t i, WriteBatch* batch,
                    std::map<std::string, std::string>* model) {
  Random rnd(seed * 1000003 + i);
  batch->Clear();
  auto put = [&](const std::string& k, const std::string& v) {
    batch->Put(k, v);
    if (model != nullptr) (*model)[k] = v;
  };
  put(kSeqKey, std::to_string(i));
  for (int j = 0; j < 3; j++) {
    // One batch in 16 carries a value that spans WAL blocks, so that torn writes cut records
    // of several fragments too.
    const size_t len = j == 0 && i % 16 == 7 ? 40000 + rnd.Uniform(20000) : rnd.Uniform(300);
    put("key" + std::to_string(rnd.Uniform(2000)), std::to_string(i) + std::string(len, 'v'));
  }
  const std::string del = "key" + std::to_string(rnd.Uniform(2000));
  batch->Delete(del);
  if (model != nullptr) model->erase(del);
  if (i % 32 == 31) {
    // ["keyN", "keyN5"): keyN and the keys keyN0 .. keyN4 that follow it in byte order.
    const std::string begin = "key" + std::to_string(rnd.Uniform(200));
    const std::string end = begin + "5";
    batch->DeleteRange(begin, end);
    if (model != nullptr) model->erase(model->lower_bound(begin), model->lower_bound(end));
  }
  // A merge operand is not idempotent: one applied twice, or lost, after recovery shows.
  const std::string counter = "count" + std::to_string(i % 8);
  std::string one(8, '\0');
  EncodeFixed64(one.data(), i + 1);
  batch->Merge(counter, one);
  if (model != nullptr) {
    auto it = model->find(counter);
    const uint64_t before = it == model->end() ? 0 : DecodeFixed64(it->second.data());
    std::string sum(8, '\0');
    EncodeFixed64(sum.data(), before + i + 1);
    (*model)[counter] = sum;
  }
}

Options CrashWorkloadOptions(std::shared_ptr<FileSystem> fs) {
  Options options;
  options.create_if_missing = true;
  options.write_buffer_size = 64 << 10;
  options.level0_file_num_compaction_trigger = 2;
  options.max_bytes_for_level_base = 128 << 10;
  options.target_file_size_base = 64 << 10;
  options.block_size = 1024;
  options.file_system = std::move(fs);
  options.merge_operator = MergeOperators::CreateUInt64AddOperator();
  return options;
}

void PrefixModel::CheckRecovered(DB* db, int64_t min_batch, int64_t max_batch, int64_t* recovered) {
  std::string seq_value;
  Status s = db->Get(ReadOptions(), kSeqKey, &seq_value);
  ASSERT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
  const int64_t k = s.IsNotFound() ? -1 : std::stoll(seq_value);
  *recovered = k;
  ASSERT_GE(k, min_batch) << "an acknowledged durable write was lost";
  ASSERT_GE(k, applied_) << "a state an earlier recovery held was lost";
  ASSERT_LE(k, max_batch) << "holds a batch that was never written";
  WriteBatch batch;
  while (applied_ < k) MakeCrashBatch(seed_, static_cast<uint64_t>(++applied_), &batch, &model_);
  // The whole state must be exactly the model after batch k: a prefix, without holes.
  std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
  auto expected = model_.begin();
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    ASSERT_NE(expected, model_.end()) << "extra key " << it->key() << " after batch " << k;
    ASSERT_EQ(it->key(), expected->first) << "after batch " << k;
    ASSERT_EQ(it->value(), expected->second) << "key " << expected->first << " after batch " << k;
  }
  ASSERT_TRUE(it->status().ok()) << it->status().ToString();
  ASSERT_EQ(expected, model_.end()) << "missing key " << expected->first << " after batch " << k;
}

bool StartWriter(const std::string& binary, const WriterArgs& args,
                 const std::vector<std::string>& env, WriterProcess* writer) {
  int fds[2];
  if (pipe(fds) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return false;
  }
  std::vector<std::string> argv_storage = {
      binary,
      args.dbname,
      std::to_string(args.seed),
      std::to_string(args.first),
      std::to_string(args.count),
      std::to_string(args.sync_one_in),
      std::to_string(fds[1]),
  };
  std::vector<std::string> env_storage = env;  // first, so that getenv finds them first
  for (char** e = environ; *e != nullptr; e++) env_storage.emplace_back(*e);
  std::vector<char*> argv, envp;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);

  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork: " << std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return false;
  }
  if (pid == 0) {
    close(fds[0]);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  writer->pid = pid;
  writer->ack_fd = fds[0];
  writer->last_ack = static_cast<int64_t>(args.first) - 1;
  return true;
}

bool ReadAck(WriterProcess* writer) {
  uint64_t ack;
  if (read(writer->ack_fd, &ack, sizeof(ack)) != sizeof(ack)) return false;
  writer->last_ack = static_cast<int64_t>(ack);
  return true;
}

int64_t FinishWriter(WriterProcess* writer, int* wait_status) {
  while (ReadAck(writer)) {
  }
  close(writer->ack_fd);
  writer->ack_fd = -1;
  while (waitpid(writer->pid, wait_status, 0) < 0 && errno == EINTR) {
  }
  writer->pid = -1;
  return writer->last_ack;
}

void CheckAfterWriter(PrefixModel* model, const std::string& dbname, int64_t last_ack) {
  std::unique_ptr<DB> db;
  Status s = DB::Open(CrashWorkloadOptions(), dbname, &db);
  ASSERT_TRUE(s.ok()) << s.ToString();
  int64_t recovered;
  ASSERT_NO_FATAL_FAILURE(model->CheckRecovered(db.get(), last_ack, last_ack + 1, &recovered));
  s = db->Close();
  ASSERT_TRUE(s.ok()) << s.ToString();
}

int RunWriter(const WriterArgs& args, int ack_fd) {
  std::unique_ptr<DB> db;
  if (!DB::Open(CrashWorkloadOptions(), args.dbname, &db).ok()) return kWriterOpenFailed;
  Random sync_rnd(args.seed ^ (args.first * 0x9e3779b97f4a7c15ull));
  WriteBatch batch;
  for (uint64_t i = args.first; i < args.first + args.count; i++) {
    MakeCrashBatch(args.seed, i, &batch, nullptr);
    const bool sync = args.sync_one_in > 0 && sync_rnd.OneIn(args.sync_one_in);
    if (!db->Write(WriteOptions{.sync = sync}, &batch).ok()) return kWriterWriteFailed;
    if (write(ack_fd, &i, sizeof(i)) != sizeof(i)) return kWriterWriteFailed;
  }
  return db->Close().ok() ? kWriterDone : kWriterWriteFailed;
}

}  // namespace lsm
