#include "bench/lsm_bench/resources.h"

#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace lsm::bench {
namespace {

double Seconds(const timeval& tv) {
  return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
}

}  // namespace

ProcessUsage CurrentUsage() {
  ProcessUsage usage;
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) != 0) return usage;
  usage.cpu_seconds = Seconds(ru.ru_utime) + Seconds(ru.ru_stime);
  usage.peak_rss_bytes = static_cast<uint64_t>(ru.ru_maxrss) * 1024;  // Linux: KiB
  return usage;
}

ResidentMemory CurrentResidentMemory() {
  ResidentMemory m;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string field = line.substr(0, colon);
    if (field != "RssAnon" && field != "RssFile" && field != "RssShmem") continue;
    std::istringstream words(line.substr(colon + 1));
    uint64_t kib = 0;
    words >> kib;
    (field == "RssAnon" ? m.anon_bytes : m.file_bytes) += kib * 1024;
  }
  return m;
}

ResidentSampler::ResidentSampler() {
  Sample();
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      Sample();
    }
  });
}

ResidentSampler::~ResidentSampler() {
  stop_.store(true);
  thread_.join();
}

void ResidentSampler::Sample() {
  const ResidentMemory m = CurrentResidentMemory();
  auto raise = [](std::atomic<uint64_t>* peak, uint64_t v) {
    uint64_t seen = peak->load();
    while (v > seen && !peak->compare_exchange_weak(seen, v)) {
    }
  };
  raise(&anon_, m.anon_bytes);
  raise(&file_, m.file_bytes);
  raise(&all_anon_, m.anon_bytes);
  raise(&all_file_, m.file_bytes);
}

void ResidentSampler::ResetPeaks() {
  anon_.store(0);
  file_.store(0);
  Sample();
}

ResidentMemory ResidentSampler::peaks() {
  Sample();
  return ResidentMemory{anon_.load(), file_.load()};
}

ResidentMemory ResidentSampler::peaks_since_start() {
  Sample();
  return ResidentMemory{all_anon_.load(), all_file_.load()};
}

uint64_t DirectorySize(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  uint64_t total = 0;
  // Files may vanish while we look (compaction deletes them): skip what cannot be read.
  for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (!it->is_regular_file(size_ec)) continue;
    const uintmax_t size = it->file_size(size_ec);
    if (!size_ec) total += size;
  }
  return total;
}

}  // namespace lsm::bench
