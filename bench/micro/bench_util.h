// Helpers for the microbenchmarks.
#ifndef LSM_BENCH_MICRO_BENCH_UTIL_H_
#define LSM_BENCH_MICRO_BENCH_UTIL_H_

#include <string>

namespace lsm {

// A fresh directory under $TMPDIR (or /tmp) for files a benchmark writes; removed with its
// contents on destruction.
class BenchDir {
 public:
  BenchDir();
  ~BenchDir();
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace lsm

#endif  // LSM_BENCH_MICRO_BENCH_UTIL_H_
