// lsm_bench: db_bench-compatible benchmark driving lsm, LevelDB or RocksDB.
//
//   lsm_bench --engine=leveldb --num=1000000 --benchmarks=fillseq,readrandom --histogram
//
// Exit status: 0 when every workload ran; 1 for a bad flag (the message names it) or a failed
// operation (the message names the workload).
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "bench/lsm_bench/flags.h"
#include "bench/lsm_bench/report.h"
#include "bench/lsm_bench/workloads.h"

namespace lsm::bench {
namespace {

int Main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "db_bench-compatible benchmark of lsm, LevelDB and RocksDB.\n"
      "  lsm_bench --engine=lsm|leveldb|rocksdb --benchmarks=fillseq,readrandom --num=N");
  const std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::fprintf(stderr, "lsm_bench: unexpected argument '%s' (flags are --name=value)\n", rest[1]);
    return 1;
  }
  BenchConfig config;
  bool seed_from_clock = false;
  lsm::Status s = ConfigFromFlags(&config, &seed_from_clock);
  if (!s.ok()) {
    std::fprintf(stderr, "lsm_bench: %s\n", s.ToString().c_str());
    return 1;
  }
  if (seed_from_clock) {
    std::fprintf(stdout, "Set seed to %llu because --seed was 0\n",
                 static_cast<unsigned long long>(config.seed));
  }

  Runner runner(config);
  s = runner.Open();
  if (!s.ok()) {
    std::fprintf(stderr, "lsm_bench: cannot open %s with --engine=%s: %s\n", config.db.c_str(),
                 config.engine.c_str(), s.ToString().c_str());
    return 1;
  }
  std::fputs(FormatHeader(config, runner.engine()).c_str(), stdout);
  std::fflush(stdout);
  for (const std::string& name : config.benchmarks) {
    WorkloadResult result;
    s = runner.Run(name, &result);
    if (!s.ok()) {
      std::fprintf(stderr, "lsm_bench: %s: %s\n", name.c_str(), s.ToString().c_str());
      return 1;
    }
    std::fputs(FormatResult(result, config.histogram).c_str(),
               result.kind == WorkloadResult::Kind::kSkipped ? stderr : stdout);
    std::fflush(stdout);
  }
  s = runner.Close();
  if (!s.ok()) {
    std::fprintf(stderr, "lsm_bench: close: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace lsm::bench

int main(int argc, char** argv) { return lsm::bench::Main(argc, argv); }
