// Tests of lsm_bench: every workload against every engine built in (counters must add up), with
// threads, --duration and the write rate limit, and over four column families (keys where their
// number puts them, read back through each engine's own API); the report's db_bench shapes and
// its JSON; the histogram, the generators, and the flag checks (in process and through the
// binary, which must exit non-zero naming the bad flag).

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/str_format.h"
#include "bench/lsm_bench/config.h"
#include "bench/lsm_bench/flags.h"
#include "bench/lsm_bench/generators.h"
#include "bench/lsm_bench/histogram.h"
#include "bench/lsm_bench/json_writer.h"
#include "bench/lsm_bench/report.h"
#include "bench/lsm_bench/workloads.h"
#include "bench/lsm_bench/ycsb.h"
#include "lsm/column_family.h"
#include "lsm/db.h"
#include "lsm/iterator.h"
#include "tests/support/test_util.h"

#if LSM_BENCH_HAVE_ROCKSDB
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#endif

namespace lsm::bench {
namespace {

namespace fs = std::filesystem;

class WorkloadTest : public ::testing::TestWithParam<std::string> {
 protected:
  BenchConfig Config() const {
    BenchConfig c;
    c.engine = GetParam();
    c.db = dir_.path() + "/db";
    c.num = 1000;
    c.seed = 301;
    c.engine_options.path = c.db;
    c.engine_options.write_buffer_size = 64 << 10;  // several flushes during a fill
    return c;
  }

  void EveryWorkload(int families);

  WorkloadResult Run(Runner* runner, const std::string& name) {
    WorkloadResult r;
    lsm::Status s = runner->Run(name, &r);
    EXPECT_TRUE(s.ok()) << name << ": " << s.ToString();
    return r;
  }

  TempDir dir_;
};

// Checks what every workload must satisfy: counters that add up, and the cost figures.
void ExpectConsistent(const WorkloadResult& r) {
  SCOPED_TRACE(r.name);
  const Counters& c = r.counters;
  EXPECT_EQ(c.found + c.missing, c.reads + c.seeks - c.scans);
  EXPECT_EQ(r.kind, WorkloadResult::Kind::kTimed);
  EXPECT_GT(r.db_size_bytes, 0u);
  EXPECT_GT(r.peak_rss_bytes, 0u);
  EXPECT_GE(r.cpu_seconds, 0.0);
  EXPECT_GE(r.seconds, 0.0);
}

// Runs every workload on a database of `families` column families and checks its counters.
void WorkloadTest::EveryWorkload(int families) {
  BenchConfig config = Config();
  config.engine_options.num_column_families = families;
  config.batch_size = 7;
  if (GetParam() != "leveldb") config.engine_options.merge_operator = "stringappend";
  config.num_range_tombstones = 20;
  config.range_tombstone_width = 5;
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  std::set<std::string> ran;
  auto run = [&](const std::string& name) {
    ran.insert(name);
    WorkloadResult r = Run(&runner, name);
    if (name != "stats") ExpectConsistent(r);
    return r;
  };
  // Distinct keys in the database.
  auto distinct = [&] { return run("readseq").counters.scanned; };

  WorkloadResult r = run("fillseq");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.counters.writes, 1000u);
  EXPECT_EQ(r.bytes, 1000u * (16 + 100));
  EXPECT_EQ(r.user_bytes_written, 1000u * (16 + 100));
  EXPECT_EQ(distinct(), 1000u);

  r = run("fillrandom");  // random keys leave holes (about 1/e of the key space)
  EXPECT_EQ(r.counters.writes, 1000u);
  EXPECT_GT(distinct(), 500u);
  EXPECT_LT(distinct(), 1000u);

  r = run("filluniquerandom");  // every key once
  EXPECT_EQ(r.counters.writes, 1000u);
  EXPECT_EQ(distinct(), 1000u);

  r = run("overwrite");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.counters.writes, 1000u);
  EXPECT_EQ(distinct(), 1000u);

  r = run("fillsync");  // num / 1000 writes on a fresh database
  EXPECT_EQ(r.ops, 1u);
  EXPECT_EQ(distinct(), 1u);

  // A bulk load: LevelDB has none, and it loads one column family only.
  if (GetParam() == "leveldb" || families > 1) {
    ran.insert("fillseqingest");
    WorkloadResult refused;
    const lsm::Status s = runner.Run("fillseqingest", &refused);
    EXPECT_TRUE(GetParam() == "leveldb" ? s.IsNotSupported() : s.IsInvalidArgument())
        << s.ToString();
  } else {
    r = run("fillseqingest");
    EXPECT_EQ(r.ops, 1000u);
    EXPECT_EQ(r.counters.writes, 1000u);
    EXPECT_EQ(r.bytes, 1000u * (16 + 100));
    EXPECT_EQ(r.user_bytes_written, 1000u * (16 + 100));
    EXPECT_EQ(distinct(), 1000u);
    EXPECT_FALSE(fs::exists(config.db + ".ingest"));  // the staging directory is removed
  }
  EXPECT_FALSE(fs::exists(config.db + ".ingest"));

  r = run("fillbatch");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(distinct(), 1000u);

  r = run("readrandom");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.counters.reads, 1000u);
  EXPECT_EQ(r.counters.found, 1000u);
  EXPECT_EQ(r.message, "(1000 of 1000 found)");

  r = run("readmissing");
  EXPECT_EQ(r.counters.reads, 1000u);
  EXPECT_EQ(r.counters.missing, 1000u);
  EXPECT_EQ(r.message, "(0 of 1000 found)");

  r = run("readreverse");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.counters.scanned, 1000u);
  EXPECT_EQ(r.bytes, 1000u * (16 + 100));

  r = run("seekrandom");
  EXPECT_EQ(r.counters.seeks, 1000u);
  EXPECT_EQ(r.counters.found, 1000u);

  r = run("multireadrandom");  // 143 lookups of up to 7 keys
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.counters.reads, 1000u);
  EXPECT_EQ(r.counters.found, 1000u);

  r = run("readwhilewriting");  // the writer only overwrites: every read finds its key
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.threads, 1);
  EXPECT_EQ(r.counters.found, 1000u);
  EXPECT_EQ(r.user_bytes_written, r.counters.writes * (16 + 100));

  r = run("updaterandom");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.counters.reads, 1000u);
  EXPECT_EQ(r.counters.found, 1000u);
  EXPECT_EQ(r.counters.writes, 1000u);
  EXPECT_EQ(r.counters.updates, 1000u);
  EXPECT_EQ(r.message, "( updates:1000 found:1000)");

  if (GetParam() == "leveldb") {
    ran.insert("mergerandom");
    WorkloadResult refused;
    EXPECT_TRUE(runner.Run("mergerandom", &refused).IsInvalidArgument());
  } else {
    r = run("mergerandom");
    EXPECT_EQ(r.ops, 1000u);
    EXPECT_EQ(r.counters.writes, 1000u);
    EXPECT_EQ(r.user_bytes_written, 1000u * (16 + 100));
    EXPECT_EQ(run("readrandom").counters.found, 1000u);
  }

  r = run("flush");
  EXPECT_EQ(r.ops, 0u);
  if (GetParam() != "leveldb") {  // leveldb reports whole MiB only
    ASSERT_TRUE(r.write_amplification.has_value());
    EXPECT_GT(*r.write_amplification, 0.0);
  }
  // lsm reports flushes apart from compactions; the peers do not.
  ASSERT_EQ(r.background.has_value(), GetParam() == "lsm");
  if (r.background.has_value()) {
    EXPECT_GT(r.background->flush_bytes, 0u);
    EXPECT_GT(r.background->flush_seconds, 0.0);
    EXPECT_LE(r.background->flush_bytes, *r.engine_bytes_written);
  }
  run("waitforcompaction");

  if (GetParam() == "leveldb") {
    ran.insert("deleterange");
    WorkloadResult refused;
    EXPECT_TRUE(runner.Run("deleterange", &refused).IsNotSupported());
  } else {
    r = run("deleterange");
    EXPECT_EQ(r.ops, 20u);
    EXPECT_EQ(r.counters.deletes, 20u);
  }

  r = run("deleterandom");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.counters.deletes, 1000u);
  EXPECT_EQ(r.user_bytes_written, 1000u * 16);
  r = run("readrandom");
  EXPECT_GT(r.counters.missing, 0u);
  EXPECT_GT(r.counters.found, 0u);
  const uint64_t live = distinct();
  run("compact");
  EXPECT_EQ(distinct(), live);
  r = run("stats");
  EXPECT_EQ(r.kind, WorkloadResult::Kind::kText);
  EXPECT_FALSE(r.message.empty());

  // YCSB on a full key space.
  run("fillseq");
  for (const char* name : {"ycsba", "ycsbb", "ycsbc", "ycsbd", "ycsbe", "ycsbf"}) {
    r = run(name);
    SCOPED_TRACE(name);
    const Counters& c = r.counters;
    EXPECT_EQ(r.ops, 1000u);
    EXPECT_EQ(c.reads + c.updates + c.inserts + c.scans, r.ops);
    EXPECT_EQ(c.writes, c.updates + c.inserts + c.rmws);
    EXPECT_EQ(c.seeks, c.scans);
    EXPECT_EQ(r.message, YcsbMessage(c));
  }
  // The mixes: A and F are half writes, C reads only, D and E insert, E scans.
  EXPECT_EQ(ran.size(), KnownWorkloads().size());
  EXPECT_TRUE(runner.Close().ok());
}

TEST_P(WorkloadTest, EveryWorkloadCountersAddUp) { EveryWorkload(1); }

// The same counts when the keys are spread over four column families: the scans chain the
// families, so readseq still sees every key once.
TEST_P(WorkloadTest, EveryWorkloadInFourColumnFamilies) {
  if (GetParam() == "leveldb") GTEST_SKIP() << "LevelDB has no column families";
  EveryWorkload(4);
}

TEST_P(WorkloadTest, YcsbMixes) {
  BenchConfig config = Config();
  config.reads = 2000;  // operations per YCSB workload, and room for readseq to see inserts
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  Run(&runner, "fillseq");
  Counters a = Run(&runner, "ycsba").counters;
  EXPECT_GT(a.updates, 800u);
  EXPECT_LT(a.updates, 1200u);
  EXPECT_EQ(a.missing, 0u);  // zipfian keys all lie in the loaded range
  Counters c = Run(&runner, "ycsbc").counters;
  EXPECT_EQ(c.reads, 2000u);
  EXPECT_EQ(c.found, 2000u);
  Counters d = Run(&runner, "ycsbd").counters;
  EXPECT_GT(d.inserts, 50u);
  EXPECT_LT(d.inserts, 150u);
  EXPECT_EQ(d.scans, 0u);
  Counters e = Run(&runner, "ycsbe").counters;
  EXPECT_GT(e.scans, 1800u);
  EXPECT_EQ(e.reads, 0u);
  EXPECT_GE(e.scanned, e.scans);  // every scan starts at a loaded key
  Counters f = Run(&runner, "ycsbf").counters;
  EXPECT_GT(f.rmws, 800u);
  EXPECT_LT(f.rmws, 1200u);
  EXPECT_EQ(f.reads, 2000u);
  // D's and E's inserts went above the loaded keys.
  EXPECT_EQ(Run(&runner, "readseq").counters.scanned, 1000u + d.inserts + e.inserts);
}

TEST_P(WorkloadTest, ThreadsEachRunTheWholeWorkload) {
  BenchConfig config = Config();
  config.threads = 3;
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  WorkloadResult r = Run(&runner, "fillseq");
  EXPECT_EQ(r.threads, 3);
  EXPECT_EQ(r.ops, 3000u);
  EXPECT_EQ(r.counters.writes, 3000u);
  EXPECT_GE(r.thread_seconds, r.seconds);  // busy time of 3 threads over the wall time
  r = Run(&runner, "readrandom");
  EXPECT_EQ(r.counters.reads, 3000u);
  EXPECT_EQ(r.counters.found, 3000u);
  EXPECT_EQ(r.message, "(3000 of 3000 found)");
  EXPECT_EQ(Run(&runner, "readseq").ops, 3000u);
  r = Run(&runner, "readwhilewriting");  // 3 readers and a writer; the readers are reported
  EXPECT_EQ(r.threads, 3);
  EXPECT_EQ(r.ops, 3000u);
  EXPECT_EQ(r.counters.found, 3000u);
  r = Run(&runner, "ycsbd");
  EXPECT_EQ(r.ops, 3000u);
  EXPECT_EQ(r.counters.reads + r.counters.inserts, 3000u);
}

TEST_P(WorkloadTest, DurationAndWriteRateLimit) {
  BenchConfig config = Config();
  config.duration = 1;
  config.write_rate_limit = 100 * (16 + 100);  // 100 entries per second
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  // --duration overrides --num: the writes go on for a second, held to the rate.
  WorkloadResult r = Run(&runner, "fillrandom");
  EXPECT_GE(r.seconds, 1.0);
  EXPECT_GT(r.ops, 0u);
  // Write k starts at least (k - 1) / 100 s after the first, and before the end.
  EXPECT_LE(static_cast<double>(r.ops), 1 + r.seconds * 100 + 1e-9);
}

TEST_P(WorkloadTest, CompactionStyles) {
  if (GetParam() == "leveldb") GTEST_SKIP() << "leveldb compacts by level only";
  for (lsm::CompactionStyle style :
       {lsm::CompactionStyle::kUniversal, lsm::CompactionStyle::kFIFO}) {
    SCOPED_TRACE(CompactionStyleName(style));
    BenchConfig config = Config();
    config.engine_options.compaction_style = style;
    config.engine_options.max_background_jobs = 3;
    if (GetParam() == "rocksdb") config.engine_options.open_files = -1;  // FIFO needs it
    Runner runner(config);
    ASSERT_TRUE(runner.Open().ok());
    EXPECT_EQ(Run(&runner, "fillseq").ops, 1000u);
    Run(&runner, "waitforcompaction");
    EXPECT_EQ(Run(&runner, "readrandom").counters.found, 1000u);
  }
}

TEST_P(WorkloadTest, DisableAutoCompactions) {
  if (GetParam() == "leveldb") GTEST_SKIP() << "leveldb always compacts on its own";
  BenchConfig config = Config();
  config.num = 5000;  // about ten flushes, past every engine's level-0 trigger
  config.engine_options.disable_auto_compactions = true;
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  EXPECT_EQ(Run(&runner, "fillrandom").ops, 5000u);
  Run(&runner, "flush");
  Run(&runner, "waitforcompaction");  // returns: nothing will start
  const std::string property = GetParam() + ".num-files-at-level0";
  std::string files;
  ASSERT_TRUE(runner.engine().GetProperty(property, &files));
  EXPECT_GT(std::stoi(files), 4);
  Run(&runner, "compact");
  ASSERT_TRUE(runner.engine().GetProperty(property, &files));
  EXPECT_EQ(files, "0");
  EXPECT_GT(Run(&runner, "readrandom").counters.found, 0u);
}

// Each engine is opened with the level shape the flags give: lsm reports it in its level
// statistics, RocksDB in its OPTIONS file.
TEST_P(WorkloadTest, LevelShapeFlags) {
  if (GetParam() == "leveldb") GTEST_SKIP() << "leveldb's level sizes are fixed";
  BenchConfig config = Config();
  config.engine_options.dynamic_level_bytes = false;
  config.engine_options.disable_auto_compactions = true;
  config.engine_options.max_bytes_for_level_base = 1 << 20;
  config.engine_options.max_bytes_for_level_multiplier = 4;
  config.engine_options.level0_file_num_compaction_trigger = 2;
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  EXPECT_EQ(Run(&runner, "fillseq").ops, 1000u);
  Run(&runner, "flush");
  if (GetParam() == "lsm") {
    std::string stats;
    ASSERT_TRUE(runner.engine().GetProperty("lsm.levelstats", &stats));
    std::map<std::string, std::vector<std::string>> rows;  // level -> its columns
    std::istringstream lines(stats);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream words(line);
      std::vector<std::string> columns{std::istream_iterator<std::string>(words), {}};
      if (columns.size() >= 5 && columns[0].starts_with("L")) rows[columns[0]] = columns;
    }
    ASSERT_TRUE(rows.contains("L0") && rows.contains("L2")) << stats;
    // Columns: level, files, bytes, target, score. Level 0 scores files / trigger.
    const int files = std::stoi(rows["L0"][1]);
    EXPECT_GT(files, 2) << stats;
    EXPECT_EQ(rows["L0"][4], absl::StrFormat("%.2f", files / 2.0)) << stats;
    EXPECT_EQ(rows["L1"][3], "1048576") << stats;
    EXPECT_EQ(rows["L2"][3], "4194304") << stats;
  } else {
    std::string options;
    for (const auto& entry : std::filesystem::directory_iterator(config.db)) {
      if (entry.path().filename().string().starts_with("OPTIONS-")) {
        std::ifstream in(entry.path());
        options.assign(std::istreambuf_iterator<char>(in), {});
      }
    }
    EXPECT_NE(options.find("max_bytes_for_level_base=1048576\n"), std::string::npos) << options;
    EXPECT_NE(options.find("max_bytes_for_level_multiplier=4.0"), std::string::npos) << options;
    EXPECT_NE(options.find("level0_file_num_compaction_trigger=2\n"), std::string::npos) << options;
  }
}

// --memtablerep reaches lsm's options, as its OPTIONS file records them.
TEST_P(WorkloadTest, MemtablerepFlag) {
  if (GetParam() != "lsm") GTEST_SKIP() << "only lsm has a choice of memtable";
  for (const auto& [flag, name] :
       {std::pair{"skip_list", "SkipListFactory"}, std::pair{"btree", "BTreeFactory"}}) {
    BenchConfig config = Config();
    config.engine_options.memtablerep = flag;
    std::filesystem::remove_all(config.db);
    Runner runner(config);
    ASSERT_TRUE(runner.Open().ok());
    EXPECT_EQ(Run(&runner, "fillrandom").ops, 1000u);
    EXPECT_GT(Run(&runner, "readrandom").counters.found, 0u);
    std::string options;
    for (const auto& entry : std::filesystem::directory_iterator(config.db)) {
      if (entry.path().filename().string().starts_with("OPTIONS-")) {
        std::ifstream in(entry.path());
        options.assign(std::istreambuf_iterator<char>(in), {});
      }
    }
    EXPECT_NE(options.find(std::string("memtable_factory=") + name + "\n"), std::string::npos)
        << options;
  }
}

TEST_P(WorkloadTest, MergeRandomAddsUp) {
  if (GetParam() == "leveldb") GTEST_SKIP() << "LevelDB has no Merge";
  BenchConfig config = Config();
  config.merge_keys = 10;
  config.engine_options.merge_operator = "uint64add";
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  EXPECT_EQ(Run(&runner, "mergerandom").ops, 1000u);
  uint64_t sum = 0;
  for (int k = 0; k < 10; k++) {
    std::string value;
    const lsm::Status s = runner.engine().Get(absl::StrFormat("%016d", k), &value);
    if (s.IsNotFound()) continue;
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(value.size(), 8u);
    uint64_t v = 0;
    std::memcpy(&v, value.data(), 8);
    sum += v;
  }
  EXPECT_EQ(sum, 1000u);
  EXPECT_TRUE(runner.Close().ok());
}

TEST_P(WorkloadTest, ReadsAndBatchSize) {
  BenchConfig config = Config();
  config.reads = 100;
  config.batch_size = 7;
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  EXPECT_EQ(Run(&runner, "fillseq").ops, 1000u);
  EXPECT_EQ(Run(&runner, "readrandom").counters.found, 100u);
  EXPECT_EQ(Run(&runner, "readseq").ops, 100u);
  EXPECT_EQ(Run(&runner, "seekrandom").ops, 100u);
  EXPECT_EQ(Run(&runner, "multireadrandom").ops, 100u);
}

TEST_P(WorkloadTest, UseExistingDbSkipsFills) {
  {
    Runner runner(Config());
    ASSERT_TRUE(runner.Open().ok());
    EXPECT_EQ(Run(&runner, "fillseq").ops, 1000u);
    ASSERT_TRUE(runner.Close().ok());
  }
  BenchConfig config = Config();
  config.use_existing_db = true;
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  for (const char* fill : {"fillseq", "fillrandom", "filluniquerandom", "fillsync", "fillbatch"}) {
    EXPECT_EQ(Run(&runner, fill).kind, WorkloadResult::Kind::kSkipped) << fill;
  }
  EXPECT_EQ(FormatResult(Run(&runner, "fillrandom"), false),
            "fillrandom   : skipped (--use_existing_db is true)\n");
  EXPECT_EQ(Run(&runner, "readrandom").counters.found, 1000u);
}

TEST_P(WorkloadTest, HistogramCountsEveryOperation) {
  BenchConfig config = Config();
  config.histogram = true;
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  WorkloadResult r = Run(&runner, "fillseq");
  EXPECT_EQ(r.hist.count(), 1000u);
  const std::string text = FormatResult(r, true);
  EXPECT_NE(text.find("Microseconds per write:\n"), std::string::npos) << text;
  EXPECT_NE(text.find("P99.99: "), std::string::npos) << text;
  EXPECT_EQ(Run(&runner, "readrandom").hist.count(), 1000u);
}

// The keys of every column family of the closed database at `db`, read with the engine's own
// API: (*families)[name] lists that family's keys in order.
void ReadFamilies(const std::string& engine, const std::string& db,
                  std::map<std::string, std::vector<std::string>>* families) {
  families->clear();
  if (engine == "lsm") {
    std::vector<std::string> names;
    lsm::Status s = lsm::DB::ListColumnFamilies(lsm::DBOptions(), db, &names);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::vector<lsm::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) descriptors.push_back({name, lsm::ColumnFamilyOptions()});
    std::vector<lsm::ColumnFamilyHandle*> handles;
    std::unique_ptr<lsm::DB> opened;
    s = lsm::DB::OpenForReadOnly(lsm::DBOptions(), db, descriptors, &handles, &opened);
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (size_t i = 0; i < names.size(); i++) {
      std::vector<std::string>& keys = (*families)[names[i]];
      std::unique_ptr<lsm::Iterator> it = opened->NewIterator(lsm::ReadOptions(), handles[i]);
      for (it->SeekToFirst(); it->Valid(); it->Next()) keys.emplace_back(it->key());
      ASSERT_TRUE(it->status().ok()) << it->status().ToString();
    }
    return;
  }
#if LSM_BENCH_HAVE_ROCKSDB
  if (engine == "rocksdb") {
    std::vector<std::string> names;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), db, &names);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& name : names) {
      descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* opened = nullptr;
    s = rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions(), db, descriptors, &handles, &opened);
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (size_t i = 0; i < names.size(); i++) {
      std::vector<std::string>& keys = (*families)[names[i]];
      std::unique_ptr<rocksdb::Iterator> it(
          opened->NewIterator(rocksdb::ReadOptions(), handles[i]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
      EXPECT_TRUE(it->status().ok()) << it->status().ToString();
    }
    for (rocksdb::ColumnFamilyHandle* handle : handles) {
      EXPECT_TRUE(opened->DestroyColumnFamilyHandle(handle).ok());
    }
    delete opened;
    return;
  }
#endif
  FAIL() << "no reader for engine " << engine;
}

// --memory_budget_mb: lsm and RocksDB run their families under one limit on memtables and
// block cache (LevelDB refuses), and the resident memory of each workload is reported.
TEST_P(WorkloadTest, MemoryBudget) {
  BenchConfig config = Config();
  config.engine_options.num_column_families = 4;
  config.engine_options.memory_budget = 8 << 20;
  Runner runner(config);
  const lsm::Status s = runner.Open();
  if (GetParam() == "leveldb") {
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_TRUE(s.message().starts_with("--memory_budget_mb")) << s.ToString();
    return;
  }
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(FormatHeader(config, runner.engine()).find("\nMemory:     budget 8 MiB ("),
            std::string::npos);
  const WorkloadResult fill = Run(&runner, "fillrandom");
  EXPECT_EQ(fill.ops, 1000u);
  EXPECT_GT(fill.peak_rss_anon_bytes, 0u);
  EXPECT_GT(Run(&runner, "readrandom").counters.found, 0u);
  if (GetParam() == "lsm") {
    std::string value;
    ASSERT_TRUE(runner.engine().GetProperty("lsm.memory", &value));
    EXPECT_NE(value.find("memory budget: 8388608 bytes"), std::string::npos) << value;
  }
  EXPECT_GT(runner.peak_resident().anon_bytes, 0u);
  ASSERT_TRUE(runner.Close().ok());
}

// --num_column_families=4: the keys are spread over four families by their number, every
// workload finds them all, and the families are really in the database (LevelDB refuses).
TEST_P(WorkloadTest, ColumnFamiliesHoldTheirKeys) {
  BenchConfig config = Config();
  config.engine_options.num_column_families = 4;
  config.batch_size = 7;
  config.num_range_tombstones = 10;
  config.range_tombstone_width = 5;
  {
    Runner runner(config);
    const lsm::Status s = runner.Open();
    if (GetParam() == "leveldb") {
      EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
      EXPECT_TRUE(s.message().starts_with("--num_column_families=4")) << s.ToString();
      return;
    }
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_NE(FormatHeader(config, runner.engine())
                  .find("\nFamilies:   4 column families (key k in family k % 4)\n"),
              std::string::npos);
    EXPECT_EQ(Run(&runner, "fillseq").ops, 1000u);
    EXPECT_EQ(Run(&runner, "readrandom").counters.found, 1000u);
    EXPECT_EQ(Run(&runner, "multireadrandom").counters.found, 1000u);
    EXPECT_EQ(Run(&runner, "seekrandom").counters.found, 1000u);
    EXPECT_EQ(Run(&runner, "readseq").counters.scanned, 1000u);
    EXPECT_EQ(Run(&runner, "readreverse").counters.scanned, 1000u);
    Run(&runner, "flush");
    Run(&runner, "waitforcompaction");
    // Numeric properties add up over the families (each flushed at least one table); text ones
    // list every family.
    std::string value;
    ASSERT_TRUE(runner.engine().GetProperty(GetParam() + ".num-files-at-level0", &value));
    EXPECT_GE(std::stoi(value), 4);
    ASSERT_TRUE(runner.engine().GetProperty(runner.engine().stats_property(), &value));
    for (const char* name : {"default", "cf1", "cf2", "cf3"}) {
      EXPECT_NE(value.find(absl::StrFormat("[column family %s]\n", name)), std::string::npos)
          << name;
    }
    ASSERT_TRUE(runner.Close().ok());
  }
  std::map<std::string, std::vector<std::string>> families;
  ReadFamilies(GetParam(), config.db, &families);
  ASSERT_EQ(families.size(), 4u);
  const char* const names[] = {"default", "cf1", "cf2", "cf3"};
  for (uint64_t i = 0; i < 4; i++) {
    SCOPED_TRACE(names[i]);
    const std::vector<std::string>& keys = families[names[i]];
    EXPECT_EQ(keys.size(), 250u);
    for (const std::string& key : keys) EXPECT_EQ(std::stoull(key) % 4, i) << key;
  }

  // Reopened as it is: the keys are found where they were put; a range deletion takes its
  // keys out of every family.
  config.use_existing_db = true;
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  EXPECT_EQ(Run(&runner, "readrandom").counters.found, 1000u);
  EXPECT_EQ(Run(&runner, "deleterange").ops, 10u);  // 10 ranges of 5 keys, apart
  EXPECT_EQ(Run(&runner, "readseq").counters.scanned, 950u);
  Run(&runner, "compact");
  EXPECT_EQ(Run(&runner, "readseq").counters.scanned, 950u);
  ASSERT_TRUE(runner.Close().ok());
}

// --atomic_flush reaches lsm and RocksDB (whose pipelined writes it turns off: RocksDB refuses
// the two together), and the header says so; LevelDB refuses it.
TEST_P(WorkloadTest, AtomicFlush) {
  BenchConfig config = Config();
  config.engine_options.num_column_families = 4;
  config.engine_options.atomic_flush = true;
  Runner runner(config);
  const lsm::Status s = runner.Open();
  if (GetParam() == "leveldb") {
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_TRUE(s.message().starts_with("--atomic_flush")) << s.ToString();
    return;
  }
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_NE(FormatHeader(config, runner.engine()).find("(key k in family k % 4), atomic flushes\n"),
            std::string::npos);
  EXPECT_EQ(Run(&runner, "fillseq").ops, 1000u);
  Run(&runner, "flush");
  EXPECT_EQ(Run(&runner, "readrandom").counters.found, 1000u);
  ASSERT_TRUE(runner.Close().ok());
}

std::vector<std::string> Engines() {
  std::vector<std::string> engines;
  for (std::string_view e : AvailableEngines()) engines.emplace_back(e);
  return engines;
}

INSTANTIATE_TEST_SUITE_P(LsmBench, WorkloadTest, ::testing::ValuesIn(Engines()),
                         [](const auto& info) { return info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(WorkloadTest);

TEST(LsmBenchReportTest, ResultLineHasDbBenchShape) {
  WorkloadResult r;
  r.name = "fillseq";
  r.ops = 1000000;
  r.seconds = 1.234;
  r.thread_seconds = 1.234;
  r.bytes = 1000000 * 116;
  EXPECT_EQ(FormatResult(r, false),
            "fillseq      :       1.234 micros/op 810372 ops/sec 1.234 seconds 1000000 "
            "operations;   89.6 MB/s\n");
  r.name = "readrandom";
  r.bytes = 0;
  r.message = "(5 of 10 found)";
  EXPECT_EQ(FormatResult(r, false),
            "readrandom   :       1.234 micros/op 810372 ops/sec 1.234 seconds 1000000 "
            "operations; (5 of 10 found)\n");
}

TEST(LsmBenchHistogramTest, PercentilesWithinBucketError) {
  Histogram h;
  for (uint64_t v = 1; v <= 100000; v++) h.Add(v * 10);  // 10 ns .. 1 ms
  EXPECT_EQ(h.count(), 100000u);
  EXPECT_DOUBLE_EQ(h.Min(), 0.01);
  EXPECT_DOUBLE_EQ(h.Max(), 1000.0);
  EXPECT_NEAR(h.Average(), 500.005, 1e-6);
  for (double p : {50.0, 95.0, 99.0, 99.9, 99.99}) {
    EXPECT_NEAR(h.Percentile(p), p * 10.0, p * 10.0 * 0.02) << p;
  }
  Histogram other;
  other.Add(5);
  h.Merge(other);
  EXPECT_EQ(h.count(), 100001u);
  EXPECT_DOUBLE_EQ(h.Min(), 0.005);
}

TEST(LsmBenchReportTest, ThreadsShareWallTimeAndSumLatency) {
  WorkloadResult r;
  r.name = "readrandom";
  r.ops = 4000;
  r.seconds = 1.0;         // wall time
  r.thread_seconds = 4.0;  // 4 threads, each busy for the whole second
  EXPECT_DOUBLE_EQ(r.OpsPerSecond(), 4000.0);
  EXPECT_DOUBLE_EQ(r.MicrosPerOp(), 1000.0);
}

TEST(LsmBenchJsonWriterTest, NestsAndEscapes) {
  JsonWriter json;
  json.BeginObject();
  json.Key("s");
  json.String("a\"b\\c\n\x01");
  json.Key("list");
  json.BeginArray();
  json.Integer(18446744073709551615u);
  json.Number(0.5);
  json.Number(std::numeric_limits<double>::infinity());
  json.Bool(false);
  json.Null();
  json.BeginObject();
  json.EndObject();
  json.EndArray();
  json.EndObject();
  EXPECT_EQ(json.Take(),
            "{\n  \"s\": \"a\\\"b\\\\c\\n\\u0001\",\n  \"list\": [\n    18446744073709551615,\n"
            "    0.5,\n    null,\n    false,\n    null,\n    {}\n  ]\n}\n");
}

TEST(LsmBenchGeneratorsTest, ZipfianFavoursLowRanks) {
  const uint64_t n = 1000;
  ZipfianGenerator zipf(n);
  Random64 rnd(1);
  std::vector<uint64_t> hits(n), scrambled_hits(n);
  for (int i = 0; i < 100000; i++) {
    const uint64_t rank = zipf.Next(&rnd);
    ASSERT_LT(rank, n);
    hits[rank]++;
    const uint64_t key = zipf.NextScrambled(&rnd);
    ASSERT_LT(key, n);
    scrambled_hits[key]++;
  }
  // P(rank 0) = 1 / zeta(1000, 0.99), about 13%; rank r about 1 / (r + 1) of that.
  EXPECT_GT(hits[0], 11000u);
  EXPECT_LT(hits[0], 15000u);
  EXPECT_GT(hits[0], hits[1]);
  EXPECT_GT(hits[1], hits[9]);
  EXPECT_GT(hits[9], hits[999]);
  // Scrambling moves the hottest item away from key 0, keeping its share.
  const auto hottest = std::max_element(scrambled_hits.begin(), scrambled_hits.end());
  EXPECT_NE(hottest - scrambled_hits.begin(), 0);
  EXPECT_GT(*hottest, 11000u);
  EXPECT_EQ(ZipfianGenerator(1).Next(&rnd), 0u);
}

TEST(LsmBenchColumnFamiliesTest, KeysGoToTheFamilyOfTheirNumber) {
  KeyFormatter keys(16);
  EXPECT_EQ(FamilyOfKey(keys.Format(42), 4), 2u);
  EXPECT_EQ(FamilyOfKey(keys.Format(42), 1), 0u);
  EXPECT_EQ(FamilyOfKey(keys.Format(999999), 7), 999999u % 7);
  EXPECT_EQ(FamilyOfKey(std::string(keys.Format(42)) + ".", 4), 2u);  // readmissing's keys
  // Long keys are mostly leading zeros: no overflow.
  EXPECT_EQ(FamilyOfKey(KeyFormatter(100).Format(1234567), 10), 7u);
  // Every digit counts, whether read eight at a time or one by one, and a non-digit ends the
  // number wherever it falls.
  for (const int size : {5, 8, 11, 16, 19}) {
    for (const uint64_t k : {0ull, 7ull, 98765432ull, 1234567890123ull}) {
      if (std::to_string(k).size() > static_cast<size_t>(size)) continue;
      EXPECT_EQ(FamilyOfKey(KeyFormatter(size).Format(k), 97), k % 97) << size << " " << k;
    }
  }
  EXPECT_EQ(FamilyOfKey("1234567/89", 97), 1234567u % 97);
  EXPECT_EQ(FamilyOfKey("12345678:9", 97), 12345678u % 97);
  EXPECT_EQ(FamilyOfKey("", 3), 0u);
  EXPECT_EQ(ColumnFamilyName(0), "default");
  EXPECT_EQ(ColumnFamilyName(3), "cf3");
}

// An EngineIterator over sorted keys (each its own value).
class VectorIterator final : public EngineIterator {
 public:
  explicit VectorIterator(std::vector<std::string> keys) : keys_(std::move(keys)) {}
  bool Valid() const override { return at_ < keys_.size(); }
  void SeekToFirst() override { at_ = 0; }
  void SeekToLast() override { at_ = keys_.empty() ? keys_.size() : keys_.size() - 1; }
  void Seek(std::string_view target) override {
    at_ = static_cast<size_t>(std::lower_bound(keys_.begin(), keys_.end(), target) - keys_.begin());
  }
  void Next() override { at_++; }
  void Prev() override { at_ = at_ == 0 ? keys_.size() : at_ - 1; }
  std::string_view key() const override { return keys_[at_]; }
  std::string_view value() const override { return keys_[at_]; }
  lsm::Status status() const override { return lsm::Status::OK(); }

 private:
  std::vector<std::string> keys_;
  size_t at_ = 0;
};

TEST(LsmBenchColumnFamiliesTest, ChainVisitsTheFamiliesInTurn) {
  // Keys 0, 3, 6 in family 0; none in family 1; 2, 5 in family 2.
  KeyFormatter keys(4);
  std::vector<std::vector<std::string>> families(3);
  for (uint64_t k : {0, 2, 3, 5, 6})
    families[FamilyOfKey(keys.Format(k), 3)].emplace_back(keys.Format(k));
  int made = 0;
  auto make = [&](size_t family) -> std::unique_ptr<EngineIterator> {
    made++;
    return std::make_unique<VectorIterator>(families[family]);
  };
  auto walk = [](EngineIterator* it, bool forward) {
    std::string seen;
    for (; it->Valid(); forward ? it->Next() : it->Prev()) seen.append(it->key()).append(" ");
    return seen;
  };
  FamilyChainIterator it(3, make);
  EXPECT_FALSE(it.Valid());
  it.SeekToFirst();
  EXPECT_EQ(walk(&it, true), "0000 0003 0006 0002 0005 ");
  EXPECT_EQ(made, 3);
  it.SeekToLast();
  EXPECT_EQ(walk(&it, false), "0005 0002 0006 0003 0000 ");
  EXPECT_TRUE(it.status().ok());

  // A seek looks in its key's family and goes on from there; only the families it enters
  // get an iterator.
  made = 0;
  FamilyChainIterator seeker(3, make);
  seeker.Seek(keys.Format(5));
  EXPECT_EQ(walk(&seeker, true), "0005 ");
  EXPECT_EQ(made, 1);
  seeker.Seek(keys.Format(1));  // family 1 is empty: on to family 2
  EXPECT_EQ(walk(&seeker, true), "0002 0005 ");
  seeker.Seek(keys.Format(3));
  EXPECT_EQ(walk(&seeker, true), "0003 0006 0002 0005 ");
}

TEST(LsmBenchGeneratorsTest, KeysAreZeroPaddedDecimal) {
  KeyFormatter keys(16);
  EXPECT_EQ(keys.Format(42), "0000000000000042");
  EXPECT_EQ(keys.Format(0), "0000000000000000");
  EXPECT_EQ(KeyFormatter(3).Format(999), "999");
  EXPECT_EQ(DecimalDigits(999), 3);
  EXPECT_EQ(DecimalDigits(1000), 4);
  ValuePool values(0.5, 1);
  const std::string_view v = values.Next(100);
  ASSERT_EQ(v.size(), 100u);
  EXPECT_EQ(v.substr(0, 50), v.substr(50));  // half of each piece repeats: ratio 0.5
}

// Sets flags for one test and checks ConfigFromFlags's verdict.
class LsmBenchFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Engines().empty()) GTEST_SKIP() << "no engine built in";
    absl::SetFlag(&FLAGS_engine, Engines().back());
  }
  // The InvalidArgument message, or "" when the flags are accepted.
  std::string Error() {
    BenchConfig config;
    lsm::Status s = ConfigFromFlags(&config);
    EXPECT_TRUE(s.ok() || s.IsInvalidArgument()) << s.ToString();
    return s.ok() ? "" : s.message();
  }
  // Sets *flag to `bad` and expects an error starting with `prefix`; then sets it to `good`.
  template <typename T>
  void ExpectRejected(absl::Flag<T>* flag, const std::type_identity_t<T>& bad,
                      const std::type_identity_t<T>& good, std::string_view prefix) {
    absl::SetFlag(flag, bad);
    const std::string error = Error();
    EXPECT_TRUE(error.starts_with(prefix)) << error;
    absl::SetFlag(flag, good);
  }
  absl::FlagSaver saver_;
};

TEST_F(LsmBenchFlagsTest, DefaultsAreAccepted) {
  BenchConfig config;
  ASSERT_TRUE(ConfigFromFlags(&config).ok());
  EXPECT_EQ(config.num, 1000000);
  EXPECT_EQ(config.reads_to_do(), 1000000);
  EXPECT_EQ(config.db, "/tmp/lsm_bench-" + config.engine);
  EXPECT_EQ(config.engine_options.cache_size, 8388608u);
  EXPECT_EQ(config.engine_options.write_buffer_size, 0u);  // each engine's default
  EXPECT_EQ(config.engine_options.num_column_families, 1);
  EXPECT_EQ(config.benchmarks.size(), 6u);
  EXPECT_NE(config.seed, 0u);
}

TEST_F(LsmBenchFlagsTest, BadValuesNameTheFlag) {
  ExpectRejected(&FLAGS_num, -5, 1000, "--num=-5");
  ExpectRejected(&FLAGS_compression_type, "bogus", "none", "--compression_type=bogus");
  ExpectRejected(&FLAGS_benchmarks, "fillseq,,bogus", "fillseq", "--benchmarks");
  ExpectRejected(&FLAGS_key_size, 2, 16, "--key_size=2");
  ExpectRejected(&FLAGS_write_buffer_size, 1000, 1 << 20, "--write_buffer_size=1000");
  ExpectRejected(&FLAGS_engine, "nope", Engines().back(), "--engine=nope");
  ExpectRejected(&FLAGS_threads, 0, 4, "--threads=0");
  ExpectRejected(&FLAGS_duration, -1, 10, "--duration=-1");
  ExpectRejected(&FLAGS_max_background_jobs, 0, 2, "--max_background_jobs=0");
  ExpectRejected(&FLAGS_compaction_style, "tiered", "level", "--compaction_style=tiered");
  ExpectRejected(&FLAGS_open_files, 8, 1000, "--open_files=8");
  ExpectRejected(&FLAGS_level_compaction_dynamic_level_bytes, "maybe", "",
                 "--level_compaction_dynamic_level_bytes=maybe");
  ExpectRejected(&FLAGS_max_bytes_for_level_base, 1000, 0, "--max_bytes_for_level_base=1000");
  ExpectRejected(&FLAGS_max_bytes_for_level_multiplier, 1, 0, "--max_bytes_for_level_multiplier=1");
  ExpectRejected(&FLAGS_level0_file_num_compaction_trigger, -1, 0,
                 "--level0_file_num_compaction_trigger=-1");
  ExpectRejected(&FLAGS_memtablerep, "vector", "", "--memtablerep=vector");
  ExpectRejected(&FLAGS_num_column_families, 0, 1, "--num_column_families=0");
  ExpectRejected(&FLAGS_memory_budget_mb, -1, 0, "--memory_budget_mb=-1");
  absl::SetFlag(&FLAGS_db_write_buffer_size, 1 << 20);
  ExpectRejected(&FLAGS_memory_budget_mb, 64, 0, "--memory_budget_mb and --db_write_buffer_size");
  absl::SetFlag(&FLAGS_db_write_buffer_size, 0);
  EXPECT_EQ(Error(), "");
}

TEST_F(LsmBenchFlagsTest, NewFlagsReachTheConfig) {
  absl::SetFlag(&FLAGS_engine, "lsm");
  absl::SetFlag(&FLAGS_threads, 4);
  absl::SetFlag(&FLAGS_duration, 30);
  absl::SetFlag(&FLAGS_benchmark_write_rate_limit, 1 << 20);
  absl::SetFlag(&FLAGS_max_background_jobs, 3);
  absl::SetFlag(&FLAGS_compaction_style, "1");  // db_bench's number for universal
  absl::SetFlag(&FLAGS_level_compaction_dynamic_level_bytes, "false");
  absl::SetFlag(&FLAGS_disable_auto_compactions, true);
  absl::SetFlag(&FLAGS_max_bytes_for_level_base, 1 << 20);
  absl::SetFlag(&FLAGS_max_bytes_for_level_multiplier, 8);
  absl::SetFlag(&FLAGS_level0_file_num_compaction_trigger, 6);
  absl::SetFlag(&FLAGS_json, "/tmp/out.json");
  absl::SetFlag(&FLAGS_stats_per_workload, true);
  absl::SetFlag(&FLAGS_benchmarks, "ycsba,readwhilewriting,waitforcompaction");
  absl::SetFlag(&FLAGS_num_column_families, 4);
  BenchConfig config;
  ASSERT_TRUE(ConfigFromFlags(&config).ok());
  EXPECT_EQ(config.engine_options.num_column_families, 4);
  EXPECT_EQ(config.threads, 4);
  EXPECT_EQ(config.duration, 30);
  EXPECT_EQ(config.write_rate_limit, 1u << 20);
  EXPECT_EQ(config.engine_options.max_background_jobs, 3);
  EXPECT_EQ(config.engine_options.compaction_style, lsm::CompactionStyle::kUniversal);
  EXPECT_EQ(config.engine_options.dynamic_level_bytes, false);
  EXPECT_TRUE(config.engine_options.disable_auto_compactions);
  EXPECT_EQ(config.engine_options.max_bytes_for_level_base, 1u << 20);
  EXPECT_EQ(config.engine_options.max_bytes_for_level_multiplier, 8);
  EXPECT_EQ(config.engine_options.level0_file_num_compaction_trigger, 6);
  EXPECT_EQ(config.json, "/tmp/out.json");
  EXPECT_TRUE(config.stats_per_workload);
  EXPECT_EQ(config.benchmarks.size(), 3u);
  // lsm runs one flush and one compaction thread at least.
  ExpectRejected(&FLAGS_max_background_jobs, 1, 2, "--max_background_jobs=1: --engine=lsm");
  absl::SetFlag(&FLAGS_open_files, -1);
  EXPECT_TRUE(Error().starts_with("--open_files=-1: not supported by --engine=lsm")) << Error();
}

TEST_F(LsmBenchFlagsTest, EveryWorkloadNameIsAccepted) {
  std::string all;
  for (std::string_view name : KnownWorkloads()) all.append(name).append(",");
  absl::SetFlag(&FLAGS_benchmarks, all);
  BenchConfig config;
  ASSERT_TRUE(ConfigFromFlags(&config).ok());
  EXPECT_EQ(config.benchmarks.size(), KnownWorkloads().size());
}

#if LSM_BENCH_HAVE_LEVELDB
TEST_F(LsmBenchFlagsTest, LevelDBRefusesWhatItCannotDo) {
  absl::SetFlag(&FLAGS_engine, "leveldb");
  ExpectRejected(&FLAGS_disable_wal, true, false, "--disable_wal");
  ExpectRejected(&FLAGS_compression_type, "lz4", "snappy", "--compression_type=lz4");
  EXPECT_EQ(Error(), "");
  ExpectRejected(&FLAGS_compaction_style, "universal", "level", "--compaction_style=universal");
  ExpectRejected(&FLAGS_max_background_jobs, 4, 2, "--max_background_jobs=4");
  ExpectRejected(&FLAGS_level_compaction_dynamic_level_bytes, "true", "false",
                 "--level_compaction_dynamic_level_bytes=true");
  ExpectRejected(&FLAGS_disable_auto_compactions, true, false, "--disable_auto_compactions");
  ExpectRejected(&FLAGS_max_bytes_for_level_base, 1 << 20, 0, "--max_bytes_for_level_base");
  ExpectRejected(&FLAGS_max_bytes_for_level_multiplier, 4, 0, "--max_bytes_for_level_multiplier");
  ExpectRejected(&FLAGS_level0_file_num_compaction_trigger, 2, 0,
                 "--level0_file_num_compaction_trigger");
  ExpectRejected(&FLAGS_memtablerep, "btree", "skip_list", "--memtablerep=btree");
  ExpectRejected(&FLAGS_num_column_families, 4, 1, "--num_column_families=4");
  EXPECT_EQ(Error(), "");
}
#endif

#if LSM_BENCH_HAVE_ROCKSDB
TEST_F(LsmBenchFlagsTest, RocksDBTakesEveryCompactionStyle) {
  absl::SetFlag(&FLAGS_engine, "rocksdb");
  absl::SetFlag(&FLAGS_max_background_jobs, 1);
  absl::SetFlag(&FLAGS_compaction_style, "fifo");
  EXPECT_TRUE(Error().starts_with("--compaction_style=fifo")) << Error();
  absl::SetFlag(&FLAGS_open_files, -1);
  for (const char* style : {"level", "universal", "fifo", "0", "1", "2"}) {
    absl::SetFlag(&FLAGS_compaction_style, style);
    EXPECT_EQ(Error(), "") << style;
  }
}
#endif

// Runs the lsm_bench binary; returns its exit status and sets *output to stdout + stderr.
int RunBinary(const std::string& args, std::string* output) {
  const std::string command = std::string(LSM_BENCH_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  output->clear();
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(LsmBenchBinaryTest, RejectsUnknownFlagsAndBadValuesNamingThem) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--no_such_flag=1", "no_such_flag"},
      {"--num=abc", "num"},
      {"--num=-5", "--num=-5"},
      {"--compression_type=bogus", "--compression_type=bogus"},
      {"--benchmarks=fillseq,bogus", "--benchmarks"},
      {"--engine=nope", "--engine=nope"},
      {"--threads=0", "--threads=0"},
      {"--threads=many", "threads"},
      {"--duration=-1", "--duration=-1"},
      {"--benchmark_write_rate_limit=-5", "benchmark_write_rate_limit"},
      {"--max_background_jobs=0", "--max_background_jobs=0"},
      {"--compaction_style=bogus", "--compaction_style=bogus"},
      {"--histogram=maybe", "histogram"},
      {"--json=/nonexistent-dir/out.json", "--json=/nonexistent-dir/out.json"},
      {"--benchmarks=ycsbz", "--benchmarks"},
      {"--num_column_families=0", "--num_column_families=0"},
  };
  for (const auto& [args, expected] : cases) {
    std::string output;
    EXPECT_NE(RunBinary(args, &output), 0) << args;
    EXPECT_NE(output.find(expected), std::string::npos) << args << " printed:\n" << output;
  }
}

TEST(LsmBenchBinaryTest, RunsAndPrintsDbBenchLines) {
  if (Engines().empty()) GTEST_SKIP() << "no engine built in";
  TempDir dir;
  const std::string engine = Engines().back();
  std::string output;
  ASSERT_EQ(RunBinary("--engine=" + engine + " --num=1000 --seed=7 --db=" + dir.path() +
                          "/db --benchmarks=fillseq,readrandom,waitforcompaction --histogram",
                      &output),
            0)
      << output;
  EXPECT_NE(output.find("Keys:       16 bytes each\n"), std::string::npos) << output;
  EXPECT_NE(output.find("Entries:    1000\n"), std::string::npos) << output;
  EXPECT_NE(output.find("Compression: none\n"), std::string::npos) << output;
  EXPECT_NE(output.find("fillseq      : "), std::string::npos) << output;
  EXPECT_NE(output.find(" operations; "), std::string::npos) << output;
  EXPECT_NE(output.find("(1000 of 1000 found)"), std::string::npos) << output;
  EXPECT_NE(output.find("Percentiles: P50: "), std::string::npos) << output;
}

TEST(LsmBenchBinaryTest, ColumnFamiliesFlag) {
  TempDir dir;
  std::string output;
  ASSERT_EQ(RunBinary("--engine=lsm --num=1000 --seed=7 --num_column_families=3 --db=" +
                          dir.path() + "/db --benchmarks=fillrandom,readseq,readrandom",
                      &output),
            0)
      << output;
  EXPECT_NE(output.find("\nFamilies:   3 column families (key k in family k % 3)\n"),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("readseq      : "), std::string::npos) << output;
  EXPECT_NE(output.find("[column family cf2]"), std::string::npos) << output;  // lsm.stats
#if LSM_BENCH_HAVE_LEVELDB
  EXPECT_NE(RunBinary("--engine=leveldb --num=1000 --num_column_families=2 --db=" + dir.path() +
                          "/leveldb --benchmarks=fillseq",
                      &output),
            0);
  EXPECT_NE(output.find("--num_column_families=2: not supported by --engine=leveldb"),
            std::string::npos)
      << output;
#endif
}

TEST(LsmBenchBinaryTest, JsonHoldsEveryFigure) {
  if (Engines().empty()) GTEST_SKIP() << "no engine built in";
  if (std::system("python3 -c pass") != 0) GTEST_SKIP() << "no python3 to parse the JSON";
  TempDir dir;
  const std::string json = dir.path() + "/out.json";
  std::string output;
  ASSERT_EQ(
      RunBinary("--engine=lsm --num=1000 --seed=7 --threads=2 --histogram --db=" + dir.path() +
                    "/db --json=" + json + " --benchmarks=fillrandom,flush,readrandom,stats",
                &output),
      0)
      << output;
  // Parse with an independent JSON parser and print the figures the test checks.
  const std::string script = dir.path() + "/check.py";
  {
    std::ofstream out(script);
    out << "import json, sys\n"
           "d = json.load(open(sys.argv[1]))\n"
           "print(d['engine'], d['flags']['num'], d['flags']['threads'])\n"
           "for w in d['workloads']:\n"
           "    if w['kind'] != 'timed':\n"
           "        print(w['name'], w['kind'], len(w['text']) > 0)\n"
           "        continue\n"
           "    c = w['counters']\n"
           "    lat = w['latency_micros']\n"
           "    print(w['name'], w['ops'], c['reads'], c['found'] + c['missing'], c['writes'],\n"
           "          w['user_bytes_written'], w['ops_per_sec'] > 0, w['micros_per_op'] > 0,\n"
           "          lat is not None and lat['p50'] <= lat['p99'] <= lat['max'],\n"
           "          w['db_size_bytes'] > 0, w['peak_rss_bytes'] > 0, w['cpu_seconds'] >= 0,\n"
           "          w['engine_bytes_written'] is not None,\n"
           "          w['write_amplification'] is not None,\n"
           "          w['background'] is not None)\n";
  }
  FILE* pipe = popen(("python3 " + script + " " + json + " 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string parsed;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) parsed.append(buf, n);
  ASSERT_EQ(pclose(pipe), 0) << parsed;
  EXPECT_EQ(parsed,
            "lsm 1000 2\n"
            "fillrandom 2000 0 0 2000 232000 True True True True True True True True True\n"
            "flush 0 0 0 0 0 True True True True True True True True True\n"
            "readrandom 2000 2000 2000 0 0 True True True True True True True True True\n"
            "stats text True\n");
}

}  // namespace
}  // namespace lsm::bench
