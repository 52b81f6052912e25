#include "bench/lsm_bench/resources.h"

#include <sys/resource.h>

#include <filesystem>
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
