// lsm_bench: db_bench-compatible benchmark driving lsm, LevelDB or RocksDB.
//
//   lsm_bench --engine=leveldb --num=1000000 --benchmarks=fillseq,readrandom --histogram
//
// Exit status: 0 when every workload ran; 1 for a bad flag (the message names it) or a failed
// operation (the message names the workload). Results go to stdout in db_bench's shapes; with
// --json=FILE every figure of the workloads that ran also goes to FILE, written at the end (a
// failed run writes the workloads before the failure). A progress line is drawn on stderr
// when it is a terminal.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "bench/lsm_bench/flags.h"
#include "bench/lsm_bench/report.h"
#include "bench/lsm_bench/resources.h"
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
  config.progress = isatty(STDERR_FILENO) != 0;
  // Open the JSON file now, so that a bad path fails before the benchmark runs.
  FILE* json = nullptr;
  if (!config.json.empty()) {
    json = std::fopen(config.json.c_str(), "w");
    if (json == nullptr) {
      std::fprintf(stderr, "lsm_bench: --json=%s: cannot write: %s\n", config.json.c_str(),
                   std::strerror(errno));
      return 1;
    }
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
    if (json != nullptr) std::fclose(json);
    return 1;
  }
  std::fputs(FormatHeader(config, runner.engine()).c_str(), stdout);
  std::fflush(stdout);
  std::vector<WorkloadResult> results;
  int status = 0;
  for (const std::string& name : config.benchmarks) {
    WorkloadResult result;
    s = runner.Run(name, &result);
    if (!s.ok()) {
      std::fprintf(stderr, "lsm_bench: %s: %s\n", name.c_str(), s.ToString().c_str());
      status = 1;
      break;
    }
    std::fputs(FormatResult(result, config.histogram).c_str(),
               result.kind == WorkloadResult::Kind::kSkipped ? stderr : stdout);
    if (config.stats_per_workload && result.kind == WorkloadResult::Kind::kTimed) {
      std::string stats;
      if (runner.engine().GetProperty(runner.engine().stats_property(), &stats)) {
        std::fprintf(stdout, "\n%s\n", stats.c_str());
      }
    }
    std::fflush(stdout);
    results.push_back(std::move(result));
  }
  if (!config.stats_per_workload && !results.empty()) {
    // The engine's figures (levels, compactions, write amplification, stalls) after the run.
    std::string stats;
    if (runner.engine().GetProperty(runner.engine().stats_property(), &stats)) {
      std::fprintf(stdout, "\n%s\n", stats.c_str());
    }
  }
  if (!results.empty()) {
    // Where the memory went over the whole run: anonymous memory is the heap (memtables, block
    // cache); file-backed is mapped table and log pages, the kernel's page cache.
    const ResidentMemory peak = runner.peak_resident();
    std::fprintf(stdout,
                 "Peak resident memory: %.1f MiB anonymous, %.1f MiB file-backed (sampled every "
                 "10 ms); %.1f MiB in all (ru_maxrss)",
                 peak.anon_bytes / 1048576.0, peak.file_bytes / 1048576.0,
                 CurrentUsage().peak_rss_bytes / 1048576.0);
    if (config.engine_options.memory_budget > 0) {
      std::fprintf(stdout, "; memory budget %.1f MiB",
                   config.engine_options.memory_budget / 1048576.0);
    }
    std::fprintf(stdout, "\n");
  }
  if (json != nullptr) {
    const std::string text = FormatJson(config, runner.engine(), results);
    const bool written = std::fwrite(text.data(), 1, text.size(), json) == text.size();
    if (std::fclose(json) != 0 || !written) {
      std::fprintf(stderr, "lsm_bench: --json=%s: write failed\n", config.json.c_str());
      status = 1;
    }
  }
  s = runner.Close();
  if (!s.ok()) {
    std::fprintf(stderr, "lsm_bench: close: %s\n", s.ToString().c_str());
    return 1;
  }
  return status;
}

}  // namespace
}  // namespace lsm::bench

int main(int argc, char** argv) { return lsm::bench::Main(argc, argv); }
