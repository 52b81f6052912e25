// io_errors (docs/testing.md): random writes, reads, scans, flushes and compactions on a
// FaultFileSystem that fails operations of some kinds (WAL and table writes, syncs, reads,
// opens, renames, removals; MANIFEST and CURRENT updates go through the same kinds) with EIO or
// ENOSPC at 1/128 or 1/1000. Checked against a model that knows, per key, the acknowledged
// value and the values of failed writes since (which may or may not have been applied):
//  - a write during which the WAL's append or sync failed is never acknowledged;
//  - after a failed write the database is in the error state: "lsm.background-error" shows
//    it and writes are refused until Resume;
//  - reads are served or fail, never return a value the model rules out;
//  - once the disk heals, Resume succeeds and new writes are acknowledged;
//  - after healing and reopening, nothing acknowledged is lost (the failed writes each turn
//    out applied or not, and stay so); failed compactions were retried, so a final full
//    compaction succeeds and the data is still all there;
//  - a reopen while the faults go on either fails with the I/O error or recovers correctly.
//
// Each profile runs over memory, and over a directory written through the io_uring file system
// (there every other seed reads and writes tables with direct I/O).
//
// Scale: LSM_IO_ERRORS_SEEDS seeds per fault profile (default 4; six profiles) x
// LSM_IO_ERRORS_OPS operations (default 3000) over memory; half the seeds on the disk.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "lsm/db.h"
#include "src/util/random.h"
#include "tests/support/crash_workload.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/test_file_systems.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

using Value = std::optional<std::string>;  // nullopt: deleted or never written

struct Profile {
  const char* name;
  std::vector<FaultOp> ops;
  uint64_t one_in;
  FaultError error;
  std::string suffix;  // only paths ending so fail
};

const Profile kProfiles[] = {
    {"WriteSync128", {FaultOp::kWrite, FaultOp::kSync}, 128, FaultError::kIO, ""},
    {"WriteSync1000NoSpace", {FaultOp::kWrite, FaultOp::kSync}, 1000, FaultError::kNoSpace, ""},
    {"Read128", {FaultOp::kRead}, 128, FaultError::kIO, ""},
    {"OpenRenameRemove128",
     {FaultOp::kOpen, FaultOp::kRename, FaultOp::kRemove, FaultOp::kSync},
     128,
     FaultError::kNoSpace,
     ""},
    // Tables only: flushes fail (the error state) and compactions fail (retried).
    {"Tables128",
     {FaultOp::kWrite, FaultOp::kSync, FaultOp::kRead, FaultOp::kOpen},
     128,
     FaultError::kNoSpace,
     ".sst"},
    {"All1000",
     {FaultOp::kWrite, FaultOp::kSync, FaultOp::kRead, FaultOp::kOpen, FaultOp::kRename,
      FaultOp::kRemove},
     1000,
     FaultError::kIO,
     ""},
};

struct Counts {
  uint64_t ops = 0, acked = 0, failed_writes = 0, read_errors = 0, resumes = 0, reopens = 0;
  uint64_t failed_resumes = 0, failed_opens = 0;
  uint64_t injected = 0, compaction_failures = 0;
};

// What a key may read as: its acknowledged value, or the value of a failed write since.
struct KeyState {
  Value acked;
  std::vector<Value> maybe;

  bool Allows(const Value& v) const {
    return v == acked || std::find(maybe.begin(), maybe.end(), v) != maybe.end();
  }
  bool MustExist() const {
    return acked.has_value() &&
           std::all_of(maybe.begin(), maybe.end(), [](const Value& m) { return m.has_value(); });
  }
};

std::string Show(const Value& v) {
  return v ? "\"" + v->substr(0, 24) + (v->size() > 24 ? "...\"" : "\"") : "<absent>";
}

class IoErrorsRun {
 public:
  IoErrorsRun(const Profile& profile, TestFs base, uint64_t seed, Counts* counts)
      : profile_(profile),
        rnd_(seed),
        fs_(std::make_shared<FaultFileSystem>(NewTestFileSystem(base), seed)),
        counts_(counts),
        options_(CrashWorkloadOptions(fs_)),
        dbname_((base == TestFs::kMemory ? "" : tmp_.path()) + "/db") {
    // Without a block cache every read of a table goes to the file system.
    if (seed % 2 == 1) options_.block_cache_bytes = 0;
    if (base != TestFs::kMemory && seed % 2 == 0) {
      options_.use_direct_reads = options_.use_direct_io_for_flush_and_compaction = true;
    }
  }

  void Run(int64_t ops) {
    ASSERT_NO_FATAL_FAILURE(Reopen());
    for (uint64_t op = 0; op < static_cast<uint64_t>(ops); op++) {
      SCOPED_TRACE("op " + std::to_string(op));
      counts_->ops++;
      const uint64_t r = rnd_.Uniform(1000);
      if (in_error_ && rnd_.OneIn(4)) {
        ASSERT_NO_FATAL_FAILURE(Resume(/*heal=*/!rnd_.OneIn(3)));
      } else if (r < 550) {
        ASSERT_NO_FATAL_FAILURE(WriteOp(op));
      } else if (r < 950) {
        ASSERT_NO_FATAL_FAILURE(GetOp());
      } else if (r < 970) {
        ASSERT_NO_FATAL_FAILURE(ScanOp());
      } else if (r < 985) {
        Status s = db_->Flush();
        ASSERT_TRUE(s.ok() || s.IsIOError()) << s.ToString();
      } else if (r < 990) {
        Status s = db_->CompactRange(nullptr, nullptr);
        ASSERT_TRUE(s.ok() || s.IsIOError()) << s.ToString();
      } else {
        ASSERT_NO_FATAL_FAILURE(Reopen());
      }
    }
    // The disk heals for good: compactions that failed were retried and one more over
    // everything succeeds; the data is all there before and after reopening.
    fs_->SetErrorsEnabled(false);
    // A job that met an error just before may report it after Resume: let it end first.
    ASSERT_NO_FATAL_FAILURE(WaitForRunningJobs());
    Status s = db_->Resume();
    ASSERT_TRUE(s.ok()) << s.ToString();
    s = db_->CompactRange(nullptr, nullptr);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_NO_FATAL_FAILURE(CheckAll(/*resolve=*/false));
    ASSERT_NO_FATAL_FAILURE(Reopen());
    counts_->injected += fs_->TotalInjectedErrors();
    ASSERT_NO_FATAL_FAILURE(CountCompactionFailures());
    ASSERT_TRUE(db_->Close().ok());
  }

 private:
  // Waits (up to a minute) until no flush or compaction is running.
  void WaitForRunningJobs() {
    for (int i = 0; i < 6000; i++) {
      std::string flushes, compactions;
      ASSERT_TRUE(db_->GetProperty("lsm.num-running-flushes", &flushes));
      ASSERT_TRUE(db_->GetProperty("lsm.num-running-compactions", &compactions));
      if (flushes == "0" && compactions == "0") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "background jobs did not end";
  }

  // Adds the compactions that failed since the database was opened ("lsm.stats": "compactions:
  // ..., N failed").
  void CountCompactionFailures() {
    std::string stats;
    ASSERT_TRUE(db_->GetProperty("lsm.stats", &stats));
    const size_t end = stats.find(" failed");
    ASSERT_NE(end, std::string::npos) << stats;
    size_t begin = end;
    while (begin > 0 && std::isdigit(static_cast<unsigned char>(stats[begin - 1]))) begin--;
    counts_->compaction_failures += std::stoull(stats.substr(begin, end - begin));
  }

  std::string Key(uint64_t i) const { return "k" + std::to_string(1000 + i); }

  void WriteOp(uint64_t op) {
    WriteBatch batch;
    std::vector<std::pair<std::string, Value>> changes;
    const int n = 1 + static_cast<int>(rnd_.Uniform(4));
    for (int j = 0; j < n; j++) {
      const std::string key = Key(rnd_.Uniform(500));
      if (rnd_.OneIn(5)) {
        batch.Delete(key);
        changes.emplace_back(key, std::nullopt);
      } else {
        const size_t len = rnd_.OneIn(50) ? 10000 + rnd_.Uniform(40000) : rnd_.Uniform(200);
        std::string value = "v" + std::to_string(op) + "." + std::to_string(j) + "-" +
                            std::string(len, static_cast<char>('a' + op % 26));
        batch.Put(key, value);
        changes.emplace_back(key, std::move(value));
      }
    }
    const bool sync = rnd_.OneIn(4);
    const uint64_t wal_errors_before = WalErrors();
    Status s = db_->Write(WriteOptions{.sync = sync}, &batch);
    if (WalErrors() != wal_errors_before) {
      ASSERT_FALSE(s.ok()) << "a write whose WAL append or sync failed was acknowledged";
    }
    if (s.ok()) {
      ASSERT_FALSE(in_error_) << "a write was acknowledged in the error state";
      counts_->acked++;
      for (auto& [key, value] : changes) model_[key] = KeyState{value, {}};
      return;
    }
    ASSERT_TRUE(s.IsIOError()) << s.ToString();
    counts_->failed_writes++;
    for (auto& [key, value] : changes) model_[key].maybe.push_back(value);
    std::string bg;
    ASSERT_TRUE(db_->GetProperty("lsm.background-error", &bg));
    ASSERT_NE(bg, "OK") << "a write failed (" << s.ToString()
                        << ") but the database is not in the error state";
    in_error_ = true;
  }

  uint64_t WalErrors() const {
    return fs_->InjectedErrors(FaultOp::kWrite, ".log") +
           fs_->InjectedErrors(FaultOp::kSync, ".log");
  }

  void GetOp() {
    const std::string key = Key(rnd_.Uniform(520));
    std::string value;
    Status s = db_->Get(ReadOptions(), key, &value);
    if (s.IsIOError()) {
      counts_->read_errors++;
      return;
    }
    ASSERT_TRUE(s.ok() || s.IsNotFound()) << s.ToString();
    const Value got = s.ok() ? Value(value) : std::nullopt;
    const KeyState& state = model_[key];
    ASSERT_TRUE(state.Allows(got))
        << key << " read as " << Show(got) << ", acknowledged " << Show(state.acked);
  }

  void ScanOp() {
    std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
    auto expected = model_.begin();
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key(it->key());
      for (; expected != model_.end() && expected->first < key; ++expected) {
        ASSERT_FALSE(expected->second.MustExist()) << "scan skipped " << expected->first;
      }
      ASSERT_TRUE(expected != model_.end() && expected->first == key) << "scan found " << key;
      ASSERT_TRUE(expected->second.Allows(std::string(it->value())))
          << key << " scanned as " << Show(std::string(it->value()));
      ++expected;
    }
    if (!it->status().ok()) {
      ASSERT_TRUE(it->status().IsIOError()) << it->status().ToString();
      counts_->read_errors++;
      return;
    }
    for (; expected != model_.end(); ++expected) {
      ASSERT_FALSE(expected->second.MustExist()) << "scan missed " << expected->first;
    }
  }

  // Resume, after healing the disk or while it may still fail.
  void Resume(bool heal) {
    if (heal) fs_->SetErrorsEnabled(false);
    Status s = db_->Resume();
    std::string bg;
    ASSERT_TRUE(db_->GetProperty("lsm.background-error", &bg));
    if (!heal && !s.ok()) {
      ASSERT_TRUE(s.IsIOError()) << s.ToString();
      ASSERT_NE(bg, "OK") << "Resume failed (" << s.ToString() << ") but left the error state";
      counts_->failed_resumes++;
      return;
    }
    ASSERT_TRUE(s.ok()) << s.ToString();
    counts_->resumes++;
    if (!heal && bg != "OK") {
      // The disk still fails: a background job may have failed again since Resume returned.
      ASSERT_TRUE(bg.starts_with("IOError") && bg.ends_with("(injected)")) << bg;
      return;
    }
    ASSERT_EQ(bg, "OK") << "after healing the disk";
    in_error_ = false;
    if (heal) {
      // New writes are accepted again.
      ASSERT_NO_FATAL_FAILURE(WriteOp(0));
      ASSERT_FALSE(in_error_);
      fs_->SetErrorsEnabled(true);
    }
  }

  // Heals the disk, reopens and checks every key; the failed writes' fates are settled then.
  void Reopen() {
    fs_->SetErrorsEnabled(false);
    if (db_ != nullptr) {
      ASSERT_NO_FATAL_FAILURE(CountCompactionFailures());
      Status s = db_->Close();
      ASSERT_TRUE(s.ok() || s.IsIOError()) << s.ToString();
      db_.reset();
    }
    Status s;
    if (rnd_.OneIn(3)) {
      // Recovery under the faults: it fails with the I/O error or recovers correctly.
      fs_->SetErrorsEnabled(true);
      s = DB::Open(options_, dbname_, &db_);
      fs_->SetErrorsEnabled(false);
      ASSERT_TRUE(s.ok() || s.IsIOError()) << s.ToString();
      if (!s.ok()) counts_->failed_opens++;
    }
    if (db_ == nullptr) {
      s = DB::Open(options_, dbname_, &db_);
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    in_error_ = false;
    counts_->reopens++;
    std::string recovery;
    ASSERT_TRUE(db_->GetProperty("lsm.recovery", &recovery));
    SCOPED_TRACE("after a reopen whose recovery reported:\n" + recovery);
    ASSERT_NO_FATAL_FAILURE(CheckAll(/*resolve=*/true));
    for (const FaultOp op : profile_.ops) {
      fs_->SetErrorRate(op, profile_.one_in, profile_.error, profile_.suffix);
    }
    fs_->SetErrorsEnabled(true);
  }

  // With the disk healed: every key reads as the model allows, and a scan shows the same.
  // `resolve`: the values read become the acknowledged ones.
  void CheckAll(bool resolve) {
    for (auto& [key, state] : model_) {
      std::string value;
      Status s = db_->Get(ReadOptions(), key, &value);
      ASSERT_TRUE(s.ok() || s.IsNotFound()) << key << ": " << s.ToString();
      const Value got = s.ok() ? Value(value) : std::nullopt;
      ASSERT_TRUE(state.Allows(got))
          << key << " reads as " << Show(got) << ", acknowledged " << Show(state.acked);
      if (resolve) state = KeyState{got, {}};
    }
    ASSERT_NO_FATAL_FAILURE(ScanOp());
  }

  const Profile& profile_;
  Random rnd_;
  std::shared_ptr<FaultFileSystem> fs_;
  Counts* const counts_;
  Options options_;
  std::unique_ptr<DB> db_;
  std::map<std::string, KeyState> model_;
  bool in_error_ = false;
  TempDir tmp_;
  const std::string dbname_;
};

class IoErrorsTest : public testing::TestWithParam<std::tuple<Profile, TestFs>> {};

TEST_P(IoErrorsTest, NothingAcknowledgedIsLost) {
  const auto& [profile, base] = GetParam();
  const uint64_t base_seed = TestSeed();
  const int64_t seeds =
      std::max<int64_t>(1, EnvInt("LSM_IO_ERRORS_SEEDS", 4) / (base == TestFs::kMemory ? 1 : 2));
  const int64_t ops = EnvInt("LSM_IO_ERRORS_OPS", 3000);
  Counts counts;
  for (int64_t i = 0; i < seeds && !HasFatalFailure(); i++) {
    const uint64_t seed = base_seed + static_cast<uint64_t>(i);
    SCOPED_TRACE("seed " + std::to_string(seed) + " (LSM_TEST_SEED=" + std::to_string(base_seed) +
                 ", run " + std::to_string(i) + ")");
    IoErrorsRun run(profile, base, seed, &counts);
    run.Run(ops);
  }
  std::fprintf(stderr,
               "[ stats    ] %s: %llu ops, %llu injected errors, %llu writes acknowledged, %llu "
               "failed, %llu read errors, %llu resumes (+%llu failed), %llu reopens (+%llu "
               "failed under faults), %llu compaction failures\n",
               profile.name, static_cast<unsigned long long>(counts.ops),
               static_cast<unsigned long long>(counts.injected),
               static_cast<unsigned long long>(counts.acked),
               static_cast<unsigned long long>(counts.failed_writes),
               static_cast<unsigned long long>(counts.read_errors),
               static_cast<unsigned long long>(counts.resumes),
               static_cast<unsigned long long>(counts.failed_resumes),
               static_cast<unsigned long long>(counts.reopens),
               static_cast<unsigned long long>(counts.failed_opens),
               static_cast<unsigned long long>(counts.compaction_failures));
  EXPECT_GT(counts.injected, 0u);
}

INSTANTIATE_TEST_SUITE_P(Profiles, IoErrorsTest,
                         testing::Combine(testing::ValuesIn(kProfiles),
                                          testing::Values(TestFs::kMemory, TestFs::kUring)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) +
                                  TestFsName(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace lsm
