#include "bench/lsm_bench/report.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <thread>

#include "absl/strings/str_format.h"

namespace lsm::bench {
namespace {

// "model name" and "cache size" of /proc/cpuinfo, and the number of processors.
void CpuInfo(int* count, std::string* model, std::string* cache) {
  *count = 0;
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  auto value_of = [](const std::string& l) {
    size_t colon = l.find(':');
    if (colon == std::string::npos) return std::string();
    colon++;
    while (colon < l.size() && l[colon] == ' ') colon++;
    return l.substr(colon);
  };
  while (std::getline(in, line)) {
    if (line.starts_with("model name")) {
      ++*count;
      *model = value_of(line);
    } else if (line.starts_with("cache size")) {
      *cache = value_of(line);
    }
  }
  if (*count == 0) *count = static_cast<int>(std::thread::hardware_concurrency());
}

std::string Now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm);
  return std::string(buf, n);
}

}  // namespace

std::string FormatHeader(const BenchConfig& config, const Engine& engine) {
  const double mib = 1048576.0;
  const double num = static_cast<double>(config.num);
  const int compressed_value = static_cast<int>(config.value_size * config.compression_ratio + 0.5);
  int cpus = 0;
  std::string model, cache;
  CpuInfo(&cpus, &model, &cache);

  std::string out;
  absl::StrAppendFormat(&out, "%-12sversion %s\n", absl::StrFormat("%s:", engine.display_name()),
                        engine.Version());
  absl::StrAppendFormat(&out, "Date:       %s\n", Now());
  absl::StrAppendFormat(&out, "CPU:        %d * %s\n", cpus, model);
  absl::StrAppendFormat(&out, "CPUCache:   %s\n", cache);
  absl::StrAppendFormat(&out, "Keys:       %d bytes each\n", config.key_size);
  absl::StrAppendFormat(&out, "Values:     %d bytes each (%d bytes after compression)\n",
                        config.value_size, compressed_value);
  absl::StrAppendFormat(&out, "Entries:    %d\n", config.num);
  absl::StrAppendFormat(&out, "RawSize:    %.1f MB (estimated)\n",
                        (config.key_size + config.value_size) * num / mib);
  absl::StrAppendFormat(
      &out, "FileSize:   %.1f MB (estimated)\n",
      (config.key_size + config.value_size * config.compression_ratio) * num / mib);
  absl::StrAppendFormat(&out, "Compression: %s\n",
                        CompressionName(config.engine_options.compression));
#if !defined(__OPTIMIZE__)
  out += "WARNING: Optimization is disabled: benchmarks unnecessarily slow\n";
#endif
#if !defined(NDEBUG)
  out += "WARNING: Assertions are enabled; benchmarks unnecessarily slow\n";
#endif
  out += "------------------------------------------------\n";
  absl::StrAppendFormat(&out, "DB path: [%s]\n", config.db);
  return out;
}

std::string FormatResult(const WorkloadResult& result, bool histogram) {
  switch (result.kind) {
    case WorkloadResult::Kind::kSkipped:
      return absl::StrFormat("%-12s : skipped (--use_existing_db is true)\n", result.name);
    case WorkloadResult::Kind::kText:
      return absl::StrFormat("\n%s\n", result.message);
    case WorkloadResult::Kind::kTimed:
      break;
  }
  // db_bench counts a workload that did no operation (flush, ...) as one.
  const uint64_t ops = std::max<uint64_t>(result.ops, 1);
  const double seconds = std::max(result.seconds, 1e-9);
  std::string extra;
  if (result.bytes > 0) {
    extra = absl::StrFormat("%6.1f MB/s", static_cast<double>(result.bytes) / 1048576.0 / seconds);
  }
  if (!result.message.empty()) {
    absl::StrAppendFormat(&extra, "%s%s", extra.empty() ? "" : " ", result.message);
  }
  std::string out =
      absl::StrFormat("%-12s : %11.3f micros/op %d ops/sec %.3f seconds %d operations;%s%s\n",
                      result.name, seconds * 1e6 / static_cast<double>(ops),
                      static_cast<int64_t>(static_cast<double>(ops) / seconds), result.seconds, ops,
                      extra.empty() ? "" : " ", extra);
  if (histogram && result.ops > 0 && result.hist.count() > 0) {
    absl::StrAppendFormat(&out, "Microseconds per %s:\n%s\n", result.op_name,
                          result.hist.ToString());
  }
  return out;
}

}  // namespace lsm::bench
