#include "bench/lsm_bench/engine.h"

#include <string>

#include "absl/strings/str_format.h"

namespace lsm::bench {

std::string_view CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kNone:
      return "none";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kLZ4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

bool ParseCompression(std::string_view name, Compression* compression) {
  for (Compression c :
       {Compression::kNone, Compression::kSnappy, Compression::kLZ4, Compression::kZstd}) {
    if (name == CompressionName(c)) {
      *compression = c;
      return true;
    }
  }
  return false;
}

std::vector<std::string_view> AvailableEngines() {
  std::vector<std::string_view> engines = {"lsm"};
#if LSM_BENCH_HAVE_LEVELDB
  engines.push_back("leveldb");
#endif
#if LSM_BENCH_HAVE_ROCKSDB
  engines.push_back("rocksdb");
#endif
  return engines;
}

lsm::Status NewEngine(std::string_view name, std::unique_ptr<Engine>* engine) {
  engine->reset();
  if (name == "lsm") *engine = NewLsmEngine();
#if LSM_BENCH_HAVE_LEVELDB
  if (name == "leveldb") *engine = NewLevelDBEngine();
#endif
#if LSM_BENCH_HAVE_ROCKSDB
  if (name == "rocksdb") *engine = NewRocksDBEngine();
#endif
  if (*engine != nullptr) return lsm::Status::OK();
  std::string available;
  for (std::string_view e : AvailableEngines()) {
    absl::StrAppendFormat(&available, "%s%s", available.empty() ? "" : "|", e);
  }
  if (name == "lsm" || name == "leveldb" || name == "rocksdb") {
    return lsm::Status::InvalidArgument(absl::StrFormat(
        "--engine=%s: this lsm_bench was built without it (built in: %s)", name, available));
  }
  return lsm::Status::InvalidArgument(
      absl::StrFormat("--engine=%s: unknown engine (expected one of: %s)", name, available));
}

}  // namespace lsm::bench
