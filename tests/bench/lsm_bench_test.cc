// Tests of lsm_bench: every workload against every engine built in (counters must add up), the
// report's db_bench shapes, the histogram, the generators, and the flag checks (in process and
// through the binary, which must exit non-zero naming the bad flag).

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "bench/lsm_bench/config.h"
#include "bench/lsm_bench/flags.h"
#include "bench/lsm_bench/generators.h"
#include "bench/lsm_bench/histogram.h"
#include "bench/lsm_bench/report.h"
#include "bench/lsm_bench/workloads.h"

namespace lsm::bench {
namespace {

namespace fs = std::filesystem;

// A fresh directory for one test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ =
        (fs::temp_directory_path() / ("lsm_bench_test_" + std::to_string(getpid()) + "_" + name))
            .string();
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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

  WorkloadResult Run(Runner* runner, const std::string& name) {
    WorkloadResult r;
    lsm::Status s = runner->Run(name, &r);
    EXPECT_TRUE(s.ok()) << name << ": " << s.ToString();
    return r;
  }

  TempDir dir_;
};

TEST_P(WorkloadTest, CountersAddUp) {
  const BenchConfig config = Config();
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());

  WorkloadResult r = Run(&runner, "fillseq");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.bytes, 1000u * (16 + 100));
  r = Run(&runner, "readrandom");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.found, 1000u);
  EXPECT_EQ(r.message, "(1000 of 1000 found)");
  r = Run(&runner, "readseq");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(r.bytes, 1000u * (16 + 100));
  r = Run(&runner, "seekrandom");
  EXPECT_EQ(r.found, 1000u);
  EXPECT_EQ(Run(&runner, "flush").kind, WorkloadResult::Kind::kTimed);
  Run(&runner, "waitforcompaction");
  r = Run(&runner, "overwrite");
  EXPECT_EQ(r.ops, 1000u);
  EXPECT_EQ(Run(&runner, "readseq").ops, 1000u);

  // A fresh database: random keys leave holes (about 1/e of the key space).
  r = Run(&runner, "fillrandom");
  EXPECT_EQ(r.ops, 1000u);
  const uint64_t distinct = Run(&runner, "readseq").ops;
  EXPECT_GT(distinct, 500u);
  EXPECT_LT(distinct, 1000u);
  r = Run(&runner, "readrandom");
  EXPECT_GT(r.found, 0u);
  EXPECT_LT(r.found, 1000u);
  r = Run(&runner, "seekrandom");
  EXPECT_GT(r.found, 0u);
  EXPECT_LT(r.found, 1000u);
  r = Run(&runner, "stats");
  EXPECT_EQ(r.kind, WorkloadResult::Kind::kText);
  EXPECT_FALSE(r.message.empty());
  EXPECT_TRUE(runner.Close().ok());
}

TEST_P(WorkloadTest, ReadsAndBatchSize) {
  BenchConfig config = Config();
  config.reads = 100;
  config.batch_size = 7;
  Runner runner(config);
  ASSERT_TRUE(runner.Open().ok());
  EXPECT_EQ(Run(&runner, "fillseq").ops, 1000u);
  EXPECT_EQ(Run(&runner, "readrandom").found, 100u);
  EXPECT_EQ(Run(&runner, "readseq").ops, 100u);
  EXPECT_EQ(Run(&runner, "seekrandom").ops, 100u);
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
  WorkloadResult r = Run(&runner, "fillrandom");
  EXPECT_EQ(r.kind, WorkloadResult::Kind::kSkipped);
  EXPECT_EQ(FormatResult(r, false), "fillrandom   : skipped (--use_existing_db is true)\n");
  EXPECT_EQ(Run(&runner, "readrandom").found, 1000u);
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
  absl::FlagSaver saver_;
};

TEST_F(LsmBenchFlagsTest, DefaultsAreAccepted) {
  BenchConfig config;
  ASSERT_TRUE(ConfigFromFlags(&config).ok());
  EXPECT_EQ(config.num, 1000000);
  EXPECT_EQ(config.reads_to_do(), 1000000);
  EXPECT_EQ(config.db, "/tmp/lsm_bench-" + config.engine);
  EXPECT_EQ(config.engine_options.cache_size, 8388608u);
  EXPECT_EQ(config.engine_options.write_buffer_size, 64u << 20);
  EXPECT_EQ(config.benchmarks.size(), 6u);
  EXPECT_NE(config.seed, 0u);
}

TEST_F(LsmBenchFlagsTest, BadValuesNameTheFlag) {
  absl::SetFlag(&FLAGS_num, -5);
  EXPECT_TRUE(Error().starts_with("--num=-5")) << Error();
  absl::SetFlag(&FLAGS_num, 1000);
  absl::SetFlag(&FLAGS_compression_type, "bogus");
  EXPECT_TRUE(Error().starts_with("--compression_type=bogus")) << Error();
  absl::SetFlag(&FLAGS_compression_type, "none");
  absl::SetFlag(&FLAGS_benchmarks, "fillseq,,bogus");
  EXPECT_TRUE(Error().starts_with("--benchmarks")) << Error();
  absl::SetFlag(&FLAGS_benchmarks, "fillseq");
  absl::SetFlag(&FLAGS_key_size, 2);
  EXPECT_TRUE(Error().starts_with("--key_size=2")) << Error();
  absl::SetFlag(&FLAGS_key_size, 16);
  absl::SetFlag(&FLAGS_write_buffer_size, 1000);
  EXPECT_TRUE(Error().starts_with("--write_buffer_size=1000")) << Error();
  absl::SetFlag(&FLAGS_write_buffer_size, 1 << 20);
  absl::SetFlag(&FLAGS_engine, "nope");
  EXPECT_TRUE(Error().starts_with("--engine=nope")) << Error();
  absl::SetFlag(&FLAGS_engine, Engines().back());
  EXPECT_EQ(Error(), "");
}

#if LSM_BENCH_HAVE_LEVELDB
TEST_F(LsmBenchFlagsTest, LevelDBRefusesWhatItCannotDo) {
  absl::SetFlag(&FLAGS_engine, "leveldb");
  absl::SetFlag(&FLAGS_disable_wal, true);
  EXPECT_TRUE(Error().starts_with("--disable_wal")) << Error();
  absl::SetFlag(&FLAGS_disable_wal, false);
  absl::SetFlag(&FLAGS_compression_type, "lz4");
  EXPECT_TRUE(Error().starts_with("--compression_type=lz4")) << Error();
  absl::SetFlag(&FLAGS_compression_type, "snappy");
  EXPECT_EQ(Error(), "");
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

}  // namespace
}  // namespace lsm::bench
