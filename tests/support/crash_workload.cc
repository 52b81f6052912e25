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

void MakeCrashBatch(uint64_t seed, uint64_t i, ColumnFamilyHandle* side, WriteBatch* batch,
                    CrashModel* model) {
  Random rnd(seed * 1000003 + i);
  batch->Clear();
  auto put = [&](ColumnFamilyHandle* cf, const std::string& k, const std::string& v) {
    batch->Put(cf, k, v);
    if (model != nullptr) (cf == side ? model->side : model->main)[k] = v;
  };
  auto del = [&](ColumnFamilyHandle* cf, const std::string& k) {
    batch->Delete(cf, k);
    if (model != nullptr) (cf == side ? model->side : model->main).erase(k);
  };
  auto delete_range = [&](ColumnFamilyHandle* cf, const std::string& begin,
                          const std::string& end) {
    batch->DeleteRange(cf, begin, end);
    if (model != nullptr) {
      auto& m = cf == side ? model->side : model->main;
      m.erase(m.lower_bound(begin), m.lower_bound(end));
    }
  };
  put(nullptr, kSeqKey, std::to_string(i));
  for (int j = 0; j < 3; j++) {
    // One batch in 16 carries a value that spans WAL blocks, so that torn writes cut records
    // of several fragments too.
    const size_t len = j == 0 && i % 16 == 7 ? 40000 + rnd.Uniform(20000) : rnd.Uniform(300);
    put(nullptr, "key" + std::to_string(rnd.Uniform(2000)),
        std::to_string(i) + std::string(len, 'v'));
  }
  del(nullptr, "key" + std::to_string(rnd.Uniform(2000)));
  if (i % 32 == 31) {
    // ["keyN", "keyN5"): keyN and the keys keyN0 .. keyN4 that follow it in byte order.
    const std::string begin = "key" + std::to_string(rnd.Uniform(200));
    delete_range(nullptr, begin, begin + "5");
  }
  // A merge operand is not idempotent: one applied twice, or lost, after recovery shows.
  const std::string counter = "count" + std::to_string(i % 8);
  std::string one(8, '\0');
  EncodeFixed64(one.data(), i + 1);
  batch->Merge(counter, one);
  if (model != nullptr) {
    auto it = model->main.find(counter);
    const uint64_t before = it == model->main.end() ? 0 : DecodeFixed64(it->second.data());
    std::string sum(8, '\0');
    EncodeFixed64(sum.data(), before + i + 1);
    model->main[counter] = sum;
  }
  // The side family: the same batch number, a put and a deletion of its own keys.
  put(side, kSeqKey, std::to_string(i));
  put(side, "side" + std::to_string(rnd.Uniform(1000)),
      std::to_string(i) + std::string(rnd.Uniform(200), 's'));
  del(side, "side" + std::to_string(rnd.Uniform(1000)));
  if (i % 32 == 15) {
    const std::string begin = "side" + std::to_string(rnd.Uniform(100));
    delete_range(side, begin, begin + "5");
  }
}

Options CrashWorkloadOptions(std::shared_ptr<FileSystem> fs) {
  Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.write_buffer_size = 64 << 10;
  options.level0_file_num_compaction_trigger = 2;
  options.max_bytes_for_level_base = 128 << 10;
  options.target_file_size_base = 64 << 10;
  options.block_size = 1024;
  options.file_system = std::move(fs);
  options.merge_operator = MergeOperators::CreateUInt64AddOperator();
  return options;
}

Status OpenCrashDB(const Options& options, const std::string& dbname, std::unique_ptr<DB>* db,
                   ColumnFamilyHandle** side) {
  ColumnFamilyOptions side_options = options;
  side_options.compaction_style = CompactionStyle::kUniversal;
  side_options.merge_operator = nullptr;
  std::vector<ColumnFamilyHandle*> handles;
  Status s =
      DB::Open(options, dbname, {{kDefaultColumnFamilyName, options}, {kSideFamily, side_options}},
               &handles, db);
  *side = s.ok() ? handles[1] : nullptr;
  return s;
}

namespace {

// Checks (with gtest assertions) that the family read through `cf` holds exactly `model`.
void CheckFamily(DB* db, ColumnFamilyHandle* cf, const std::map<std::string, std::string>& model,
                 int64_t k) {
  const std::string family = cf->GetName();
  std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions(), cf);
  auto expected = model.begin();
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    ASSERT_NE(expected, model.end())
        << family << ": extra key " << it->key() << " after batch " << k;
    ASSERT_EQ(it->key(), expected->first) << family << ": after batch " << k;
    ASSERT_EQ(it->value(), expected->second)
        << family << ": key " << expected->first << " after batch " << k;
  }
  ASSERT_TRUE(it->status().ok()) << it->status().ToString();
  ASSERT_EQ(expected, model.end())
      << family << ": missing key " << expected->first << " after batch " << k;
}

}  // namespace

void PrefixModel::CheckRecovered(DB* db, ColumnFamilyHandle* side, int64_t min_batch,
                                 int64_t max_batch, int64_t* recovered) {
  std::string seq_value;
  Status s = db->Get(ReadOptions(), kSeqKey, &seq_value);
  ASSERT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
  const int64_t k = s.IsNotFound() ? -1 : std::stoll(seq_value);
  *recovered = k;
  ASSERT_GE(k, min_batch) << "an acknowledged durable write was lost";
  ASSERT_GE(k, applied_) << "a state an earlier recovery held was lost";
  ASSERT_LE(k, max_batch) << "holds a batch that was never written";
  // Every batch is whole in both families: the side family names the same batch.
  s = db->Get(ReadOptions(), side, kSeqKey, &seq_value);
  ASSERT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
  ASSERT_EQ(s.IsNotFound() ? -1 : std::stoll(seq_value), k)
      << "the side family holds another batch than the default one";
  WriteBatch batch;
  while (applied_ < k) {
    MakeCrashBatch(seed_, static_cast<uint64_t>(++applied_), side, &batch, &model_);
  }
  // The whole state must be exactly the model after batch k: a prefix, without holes.
  ASSERT_NO_FATAL_FAILURE(CheckFamily(db, db->DefaultColumnFamily(), model_.main, k));
  ASSERT_NO_FATAL_FAILURE(CheckFamily(db, side, model_.side, k));
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
      std::to_string(args.commit_every),
      std::to_string(args.atomic_unlogged ? 1 : 0),
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

void CheckAfterWriter(PrefixModel* model, const std::string& dbname, int64_t last_ack,
                      bool acked_survive) {
  std::unique_ptr<DB> db;
  ColumnFamilyHandle* side;
  Status s = OpenCrashDB(CrashWorkloadOptions(), dbname, &db, &side);
  ASSERT_TRUE(s.ok()) << s.ToString();
  int64_t recovered;
  ASSERT_NO_FATAL_FAILURE(model->CheckRecovered(
      db.get(), side, acked_survive ? last_ack : model->applied(), last_ack + 1, &recovered));
  s = db->Close();
  ASSERT_TRUE(s.ok()) << s.ToString();
}

void CheckAfterCommitWriter(PrefixModel* model, const std::string& dbname, int64_t last_ack,
                            uint64_t commit_every) {
  std::unique_ptr<DB> db;
  ColumnFamilyHandle* side;
  Status s = OpenCrashDB(CrashWorkloadOptions(), dbname, &db, &side);
  ASSERT_TRUE(s.ok()) << s.ToString();
  int64_t recovered;
  ASSERT_NO_FATAL_FAILURE(model->CheckRecovered(
      db.get(), side, last_ack, last_ack + static_cast<int64_t>(commit_every), &recovered));
  std::string metadata;
  s = db->GetCommittedMetadata(&metadata);
  if (recovered < 0) {
    EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  } else {
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(metadata, std::to_string(recovered)) << "the data is not that of the last commit";
    // The state the writer started from, or one a commit of this writer ended.
    EXPECT_TRUE(recovered == last_ack || (recovered + 1) % static_cast<int64_t>(commit_every) == 0)
        << "holds batch " << recovered << ", which no commit ended";
  }
  s = db->Close();
  ASSERT_TRUE(s.ok()) << s.ToString();
}

int RunWriter(const WriterArgs& args, int ack_fd) {
  Options options = CrashWorkloadOptions();
  options.recover_to_last_commit = args.commit_every > 0;
  options.atomic_flush = args.atomic_unlogged;
  std::unique_ptr<DB> db;
  ColumnFamilyHandle* side;
  if (!OpenCrashDB(options, args.dbname, &db, &side).ok()) return kWriterOpenFailed;
  Random sync_rnd(args.seed ^ (args.first * 0x9e3779b97f4a7c15ull));
  WriteBatch batch;
  for (uint64_t i = args.first; i < args.first + args.count; i++) {
    MakeCrashBatch(args.seed, i, side, &batch, nullptr);
    WriteOptions wo;
    wo.sync = args.sync_one_in > 0 && sync_rnd.OneIn(args.sync_one_in);
    wo.disable_wal = args.commit_every > 0 || args.atomic_unlogged;
    if (!db->Write(wo, &batch).ok()) return kWriterWriteFailed;
    if (args.commit_every > 0) {
      if ((i + 1) % args.commit_every != 0) continue;
      FlushOptions fo;
      fo.commit_metadata = std::to_string(i);
      if (!db->Flush(fo, {db->DefaultColumnFamily(), side}).ok()) return kWriterWriteFailed;
    }
    if (write(ack_fd, &i, sizeof(i)) != sizeof(i)) return kWriterWriteFailed;
  }
  return db->Close().ok() ? kWriterDone : kWriterWriteFailed;
}

}  // namespace lsm
