#include "bench/micro/bench_util.h"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace lsm {

BenchDir::BenchDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base != nullptr && *base ? base : "/tmp") + "/lsm-bench-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = templ;
}

BenchDir::~BenchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace lsm
