// metamorphic_configs (docs/testing.md): one seeded operation log runs under eleven option
// sets and every run must give the same output history. The options change how data is laid
// out and when work happens (block size and restart interval, memtable size, leveled,
// universal and FIFO compaction, compaction left to CompactRange, compression, bloom filters,
// block cache, background threads), where the files live and how they are read (the in-memory
// file system, files on disk through the POSIX and the io_uring backends, mapped, read with
// pread or with direct reads, the fault-injecting file system with no faults) and how writes
// reach the log (synced, unsynced, without the WAL); none of it may change an answer.
//
// The log holds Put, Delete, Merge (string append), DeleteRange, WriteBatch, Get, iterator walks
// (Seek, SeekForPrev, SeekToFirst, SeekToLast, then Next and Prev, some with bounds), snapshots
// taken, read and released, Flush, CompactRange, and close and reopen. The history records one line
// per operation: statuses, values, and every iterator position. Each run opens two column
// families, the default one and "meta"; an operation acts on one of them (batch records each
// choose their own), and a Flush on one or both.
//
// Scale: LSM_METAMORPHIC_SEEDS (default 5) seeds, spread over five test cases, x
// LSM_METAMORPHIC_OPS (default 5000) operations x 9 option sets. A failure prints the seed
// (LSM_TEST_SEED replays it), the two option sets, and the first operation whose outputs differ.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "src/util/random.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

struct Op {
  enum class Kind {
    kPut,
    kDelete,
    kBatch,
    kGet,
    kIterate,
    kSnapshot,
    kRelease,
    kFlush,
    kCompact,
    kReopen,
    kMerge,
    kDeleteRange
  };
  Kind kind;
  std::string key;    // Put, Delete, Merge, Get; Iterate: the seek target; Compact: begin
  std::string value;  // Put; Merge: the operand; Compact, DeleteRange: end
  bool sync = false;  // writes, for option sets that sync as the log says
  // The column family: 0 the default one, 1 "meta"; Flush: -1 for every family.
  int cf = 0;
  // Batch: (put?, key, value, column family) in order.
  std::vector<std::tuple<bool, std::string, std::string, int>> batch;
  // Get, Iterate: a snapshot (index among those held) or -1; Release: the index.
  int snapshot = -1;
  // Iterate: 0 SeekToFirst, 1 SeekToLast, 2 Seek, 3 SeekForPrev; then steps, 'n' Next and
  // 'p' Prev; bounds when has_lower / has_upper. Compact: a bound is absent when empty and
  // its has_ flag is false.
  int seek = 0;
  std::string steps;
  bool has_lower = false, has_upper = false;
  std::string lower, upper;

  std::string Describe() const {
    static const char* const kNames[] = {"Put",          "Delete",   "Batch",   "Get",
                                         "Iterate",      "Snapshot", "Release", "Flush",
                                         "CompactRange", "Reopen",   "Merge",   "DeleteRange"};
    std::string s = kNames[static_cast<int>(kind)];
    if (cf != 0) s += cf > 0 ? "@meta" : "@all";
    switch (kind) {
      case Kind::kPut:
      case Kind::kMerge:
        return s + "('" + Printable(key) + "', " + std::to_string(value.size()) + " bytes)";
      case Kind::kDelete:
      case Kind::kGet:
        return s + "('" + Printable(key) + "'" +
               (snapshot >= 0 ? ", snapshot " + std::to_string(snapshot) : "") + ")";
      case Kind::kBatch:
        return s + " of " + std::to_string(batch.size());
      case Kind::kIterate:
        return s + " seek " + std::to_string(seek) + " '" + Printable(key) + "' steps " + steps +
               (has_lower ? " lower '" + Printable(lower) + "'" : "") +
               (has_upper ? " upper '" + Printable(upper) + "'" : "") +
               (snapshot >= 0 ? " snapshot " + std::to_string(snapshot) : "");
      case Kind::kRelease:
        return s + " " + std::to_string(snapshot);
      case Kind::kDeleteRange:
        return s + "('" + Printable(key) + "', '" + Printable(value) + "')";
      case Kind::kCompact:
        return s + "(" + (has_lower ? "'" + Printable(key) + "'" : "null") + ", " +
               (has_upper ? "'" + Printable(value) + "'" : "null") + ")";
      default:
        return s;
    }
  }
};

// The operation log of one seed.
std::vector<Op> GenerateLog(uint64_t seed, int count) {
  Random rnd(seed);
  auto key = [&rnd] { return RandomTestKey(&rnd, 400); };
  auto value = [&rnd] {
    const size_t len = rnd.OneIn(100) ? 5000 + rnd.Uniform(40000) : rnd.Skewed(9);
    std::string v = rnd.Bytes(std::min<size_t>(len, 48));
    while (v.size() < len) v += v;
    v.resize(len);
    return v;
  };
  std::vector<Op> log;
  int snapshots = 0;
  for (int i = 0; i < count; i++) {
    Op op{};
    op.sync = rnd.OneIn(10);
    op.cf = rnd.OneIn(3) ? 1 : 0;
    const uint64_t r = rnd.Uniform(1000);
    if (r < 210) {
      op.kind = Op::Kind::kPut;
      op.key = key();
      op.value = value();
    } else if (r < 240) {
      op.kind = Op::Kind::kMerge;
      op.key = key();
      op.value = rnd.Bytes(rnd.Skewed(4));
    } else if (r < 250) {
      op.kind = Op::Kind::kDeleteRange;
      op.key = key();
      op.value = key();
      if (op.value < op.key) std::swap(op.key, op.value);
    } else if (r < 330) {
      op.kind = Op::Kind::kDelete;
      op.key = key();
    } else if (r < 400) {
      op.kind = Op::Kind::kBatch;
      const int n = static_cast<int>(rnd.Uniform(9));
      for (int j = 0; j < n; j++) {
        const bool put = !rnd.OneIn(3);
        op.batch.emplace_back(put, key(), put ? value() : "", rnd.OneIn(3) ? 1 : 0);
      }
    } else if (r < 650) {
      op.kind = Op::Kind::kGet;
      op.key = key();
      if (snapshots > 0 && rnd.OneIn(4)) op.snapshot = static_cast<int>(rnd.Uniform(snapshots));
    } else if (r < 800) {
      op.kind = Op::Kind::kIterate;
      op.seek = static_cast<int>(rnd.Uniform(4));
      op.key = key();
      const int steps = static_cast<int>(rnd.Uniform(30));
      for (int j = 0; j < steps; j++) op.steps.push_back(rnd.OneIn(3) ? 'p' : 'n');
      if (rnd.OneIn(5)) {
        op.has_lower = true;
        op.lower = key();
      }
      if (rnd.OneIn(5)) {
        op.has_upper = true;
        op.upper = key();
      }
      if (snapshots > 0 && rnd.OneIn(4)) op.snapshot = static_cast<int>(rnd.Uniform(snapshots));
    } else if (r < 840) {
      if (snapshots < 4 && !rnd.OneIn(3)) {
        op.kind = Op::Kind::kSnapshot;
        snapshots++;
      } else if (snapshots > 0) {
        op.kind = Op::Kind::kRelease;
        op.snapshot = static_cast<int>(rnd.Uniform(snapshots));
        snapshots--;
      } else {
        op.kind = Op::Kind::kFlush;
      }
    } else if (r < 850) {
      op.kind = Op::Kind::kFlush;
      if (rnd.OneIn(2)) op.cf = -1;
    } else if (r < 860) {
      op.kind = Op::Kind::kCompact;
      op.key = key();
      op.value = key();
      if (op.value < op.key) std::swap(op.key, op.value);
      op.has_lower = !rnd.OneIn(4);
      op.has_upper = !rnd.OneIn(4);
    } else if (r < 863) {
      op.kind = Op::Kind::kReopen;
      snapshots = 0;
    } else {
      op.kind = Op::Kind::kGet;
      op.key = key();
    }
    log.push_back(std::move(op));
  }
  return log;
}

enum class SyncMode { kOff, kOn, kAsLogged, kNoWal };

// One option set: the options, where the files live, and how writes are made.
struct Config {
  std::string name;
  // kPosix and kUring: a directory on disk, through that I/O backend.
  enum class Files { kMemory, kPosix, kUring, kFaultMemory } files = Files::kMemory;
  SyncMode sync = SyncMode::kAsLogged;
  std::function<void(Options*)> tune;
};

std::vector<Config> Configs() {
  return {
      {"level-lz4-4k", Config::Files::kMemory, SyncMode::kAsLogged, [](Options*) {}},
      {"level-256b-blocks-no-compression-no-bloom-4-jobs", Config::Files::kMemory, SyncMode::kOff,
       [](Options* o) {
         o->block_size = 256;
         o->block_restart_interval = 1;
         o->compression = CompressionType::kNone;
         o->bloom_bits_per_key = 0;
         o->max_background_jobs = 4;
         o->level0_file_num_compaction_trigger = 2;
         o->max_bytes_for_level_base = 64 << 10;
         o->level_compaction_dynamic_level_bytes = false;
       }},
      {"universal-zstd-16k", Config::Files::kMemory, SyncMode::kAsLogged,
       [](Options* o) {
         o->memtable_factory = NewSkipListFactory();
         o->compaction_style = CompactionStyle::kUniversal;
         o->compression = CompressionType::kZstd;
         o->block_size = 16 << 10;
         o->bloom_bits_per_key = 5;
         o->write_buffer_size = 128 << 10;
       }},
      {"posix-level-zstd-sync", Config::Files::kPosix, SyncMode::kOn,
       [](Options* o) {
         o->compression = CompressionType::kZstd;
         o->block_size = 1024;
         o->max_background_jobs = 3;
       }},
      {"posix-level-pread-small-cache", Config::Files::kPosix, SyncMode::kOff,
       [](Options* o) {
         // Tables read with pread into a cache that keeps evicting, not mapped.
         o->allow_mmap_reads = false;
         o->compression = CompressionType::kNone;
         o->block_cache_bytes = 64 << 10;
       }},
      {"uring-universal-lz4", Config::Files::kUring, SyncMode::kOff,
       [](Options* o) {
         o->memtable_factory = NewSkipListFactory();
         o->compaction_style = CompactionStyle::kUniversal;
         o->block_restart_interval = 4;
         o->compaction_options_universal.max_size_amplification_percent = 50;
       }},
      {"uring-level-direct-io-sync", Config::Files::kUring, SyncMode::kAsLogged,
       [](Options* o) {
         o->use_direct_reads = true;
         o->use_direct_io_for_flush_and_compaction = true;
         o->block_cache_bytes = 256 << 10;
         o->level0_file_num_compaction_trigger = 2;
       }},
      {"fifo-512b-blocks", Config::Files::kMemory, SyncMode::kAsLogged,
       [](Options* o) {
         // FIFO deletes the oldest tables past its size limit, which the data never reaches.
         o->compaction_style = CompactionStyle::kFIFO;
         o->compaction_options_fifo.allow_compaction = true;
         o->block_size = 512;
         o->compression = CompressionType::kNone;
       }},
      {"big-memtable-no-wal-no-cache", Config::Files::kMemory, SyncMode::kNoWal,
       [](Options* o) {
         o->memtable_factory = NewSkipListFactory();
         o->write_buffer_size = 8 << 20;
         o->block_cache_bytes = 0;
         o->block_size = 2048;
         o->bloom_bits_per_key = 20;
         o->max_open_files = 16;
       }},
      {"fault-fs-level-l0-trigger-2", Config::Files::kFaultMemory, SyncMode::kAsLogged,
       [](Options* o) {
         o->level0_file_num_compaction_trigger = 2;
         o->max_background_jobs = 3;
         o->paranoid_checks = false;
         o->block_cache_bytes = 64 << 10;
       }},
      {"level-no-auto-compactions", Config::Files::kMemory, SyncMode::kOff,
       [](Options* o) {
         // Level 0 piles up between the log's CompactRange calls.
         o->disable_auto_compactions = true;
         o->max_open_files = 20;
       }},
  };
}

// Shows a key or value in the history: itself if short, else its size and a hash.
std::string Show(std::string_view v) {
  if (v.size() <= 32) return Printable(v);
  return "<" + std::to_string(v.size()) + " bytes, hash " +
         std::to_string(std::hash<std::string_view>()(v)) + ">";
}

// Runs a log under one option set and records its history.
class Runner {
 public:
  Runner(const Config& config, uint64_t seed) : config_(config) {
    options_.create_if_missing = true;
    options_.write_buffer_size = 64 << 10;
    options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
    options_.max_bytes_for_level_base = 256 << 10;
    options_.target_file_size_base = 64 << 10;
    config.tune(&options_);
    switch (config.files) {
      case Config::Files::kMemory:
        options_.file_system = std::make_shared<MemFileSystem>();
        dbname_ = "/db";
        break;
      case Config::Files::kPosix:
      case Config::Files::kUring:
        dir_ = std::make_unique<TempDir>();
        options_.io_backend =
            config.files == Config::Files::kPosix ? IoBackend::kPosix : IoBackend::kUring;
        dbname_ = dir_->path() + "/db";
        break;
      case Config::Files::kFaultMemory:
        options_.file_system =
            std::make_shared<FaultFileSystem>(std::make_shared<MemFileSystem>(), seed);
        dbname_ = "/db";
        break;
    }
  }

  ~Runner() {
    ReleaseSnapshots();
    if (db_ != nullptr) (void)db_->Close();
  }

  // Fails the test (and returns early) if a write, flush, compaction or reopen fails.
  std::vector<std::string> Run(const std::vector<Op>& log) {
    std::vector<std::string> history;
    history.reserve(log.size());
    Reopen();
    for (size_t i = 0; i < log.size() && !testing::Test::HasFatalFailure(); i++) {
      history.push_back(Apply(log[i]));
      if (testing::Test::HasFatalFailure()) {
        ADD_FAILURE() << config_.name << ": op " << i << " " << log[i].Describe() << ": "
                      << history.back();
      }
    }
    return history;
  }

 private:
  WriteOptions Write(const Op& op) const {
    WriteOptions wo;
    wo.sync = config_.sync == SyncMode::kOn || (config_.sync == SyncMode::kAsLogged && op.sync);
    wo.disable_wal = config_.sync == SyncMode::kNoWal;
    return wo;
  }

  void Reopen() {
    ReleaseSnapshots();
    if (db_ != nullptr) {
      Status s = db_->Close();
      ASSERT_TRUE(s.ok()) << s.ToString();
    }
    db_.reset();
    options_.create_missing_column_families = true;
    Status s =
        DB::Open(options_, dbname_, {{kDefaultColumnFamilyName, options_}, {"meta", options_}},
                 &handles_, &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  ColumnFamilyHandle* Family(int cf) const { return handles_.at(cf == 1 ? 1 : 0); }

  void ReleaseSnapshots() {
    for (const Snapshot* snap : snapshots_) db_->ReleaseSnapshot(snap);
    snapshots_.clear();
  }

  std::string Apply(const Op& op) {
    Status s;
    switch (op.kind) {
      case Op::Kind::kPut:
        s = db_->Put(Write(op), Family(op.cf), op.key, op.value);
        break;
      case Op::Kind::kDelete:
        s = db_->Delete(Write(op), Family(op.cf), op.key);
        break;
      case Op::Kind::kMerge:
        s = db_->Merge(Write(op), Family(op.cf), op.key, op.value);
        break;
      case Op::Kind::kDeleteRange:
        s = db_->DeleteRange(Write(op), Family(op.cf), op.key, op.value);
        break;
      case Op::Kind::kBatch: {
        WriteBatch batch;
        for (const auto& [put, k, v, cf] : op.batch) {
          if (put) {
            batch.Put(Family(cf), k, v);
          } else {
            batch.Delete(Family(cf), k);
          }
        }
        s = db_->Write(Write(op), &batch);
        break;
      }
      case Op::Kind::kGet: {
        ReadOptions ro;
        ro.snapshot = op.snapshot >= 0 ? snapshots_.at(op.snapshot) : nullptr;
        std::string value;
        s = db_->Get(ro, Family(op.cf), op.key, &value);
        if (s.ok()) return Show(value);
        if (s.IsNotFound()) return "NotFound";
        ADD_FAILURE() << "Get: " << s.ToString();
        return s.ToString();
      }
      case Op::Kind::kIterate:
        return Iterate(op);
      case Op::Kind::kSnapshot:
        snapshots_.push_back(db_->GetSnapshot());
        return "OK";
      case Op::Kind::kRelease:
        db_->ReleaseSnapshot(snapshots_.at(op.snapshot));
        snapshots_.erase(snapshots_.begin() + op.snapshot);
        return "OK";
      case Op::Kind::kFlush:
        s = op.cf < 0 ? db_->Flush() : db_->Flush(FlushOptions(), Family(op.cf));
        break;
      case Op::Kind::kCompact: {
        const std::string_view begin = op.key, end = op.value;
        s = db_->CompactRange(Family(op.cf), op.has_lower ? &begin : nullptr,
                              op.has_upper ? &end : nullptr);
        break;
      }
      case Op::Kind::kReopen:
        Reopen();
        return "OK";
    }
    EXPECT_TRUE(s.ok()) << s.ToString();
    return s.ToString();
  }

  std::string Iterate(const Op& op) {
    ReadOptions ro;
    ro.snapshot = op.snapshot >= 0 ? snapshots_.at(op.snapshot) : nullptr;
    const std::string_view lower = op.lower, upper = op.upper;
    if (op.has_lower) ro.iterate_lower_bound = &lower;
    if (op.has_upper) ro.iterate_upper_bound = &upper;
    std::unique_ptr<Iterator> it = db_->NewIterator(ro, Family(op.cf));
    switch (op.seek) {
      case 0:
        it->SeekToFirst();
        break;
      case 1:
        it->SeekToLast();
        break;
      case 2:
        it->Seek(op.key);
        break;
      default:
        it->SeekForPrev(op.key);
        break;
    }
    std::string out;
    auto position = [&] {
      out += it->Valid() ? "[" + Show(it->key()) + "=" + Show(it->value()) + "]" : "[end]";
    };
    position();
    for (char step : op.steps) {
      if (!it->Valid()) break;
      if (step == 'n') {
        it->Next();
      } else {
        it->Prev();
      }
      position();
    }
    EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    return out + " " + it->status().ToString();
  }

  const Config& config_;
  std::unique_ptr<TempDir> dir_;
  Options options_;
  std::string dbname_;
  std::unique_ptr<DB> db_;
  std::vector<ColumnFamilyHandle*> handles_;  // the default family, then "meta"
  std::vector<const Snapshot*> snapshots_;
};

std::string Clip(const std::string& s) { return s.size() <= 300 ? s : s.substr(0, 300) + "..."; }

void RunSeed(uint64_t seed, int ops) {
  SCOPED_TRACE("seed " + std::to_string(seed) + " (LSM_TEST_SEED=" + std::to_string(seed) +
               " LSM_METAMORPHIC_SEEDS=1 --gtest_filter='*OptionSet/0' replays it)");
  const std::vector<Op> log = GenerateLog(seed, ops);
  const std::vector<Config> configs = Configs();
  std::vector<std::string> reference;
  for (size_t c = 0; c < configs.size(); c++) {
    std::vector<std::string> history = Runner(configs[c], seed).Run(log);
    if (testing::Test::HasFailure()) {
      ADD_FAILURE() << "seed " << seed << ", options " << configs[c].name;
      return;
    }
    if (c == 0) {
      reference = std::move(history);
      continue;
    }
    ASSERT_EQ(history.size(), reference.size());
    for (size_t i = 0; i < history.size(); i++) {
      if (history[i] != reference[i]) {
        FAIL() << "seed " << seed << ": op " << i << " " << log[i].Describe() << " differs:\n  "
               << configs[0].name << ": " << Clip(reference[i]) << "\n  " << configs[c].name << ": "
               << Clip(history[i]);
      }
    }
  }
}

// The seeds are spread over kShards test cases, so that CTest can run them in parallel.
constexpr int kShards = 5;

class MetamorphicTest : public testing::TestWithParam<int> {};

TEST_P(MetamorphicTest, SameHistoryUnderEveryOptionSet) {
  const uint64_t base = TestSeed();
  const int seeds = static_cast<int>(EnvInt("LSM_METAMORPHIC_SEEDS", kShards));
  const int ops = static_cast<int>(EnvInt("LSM_METAMORPHIC_OPS", 5000));
  for (int i = GetParam(); i < seeds; i += kShards) {
    RunSeed(base + static_cast<uint64_t>(i), ops);
    if (HasFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Shards, MetamorphicTest, testing::Range(0, kShards),
                         [](const auto& info) { return "Shard" + std::to_string(info.param); });

}  // namespace
}  // namespace lsm
