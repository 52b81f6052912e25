#include "bench/lsm_bench/engine.h"

#include <string>

#include "absl/strings/str_format.h"
#include "src/util/compression.h"

namespace lsm::bench {

lsm::CompressionType LsmCompression(Compression compression) {
  return compression == Compression::kLZ4    ? lsm::CompressionType::kLZ4
         : compression == Compression::kZstd ? lsm::CompressionType::kZstd
                                             : lsm::CompressionType::kNone;
}

std::string_view CompressionName(Compression compression) {
  // Snappy is LevelDB's and RocksDB's; the others are named as lsm names them.
  return compression == Compression::kSnappy ? "snappy"
                                             : CompressionTypeName(LsmCompression(compression));
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

std::string_view CompactionStyleName(lsm::CompactionStyle style) {
  switch (style) {
    case lsm::CompactionStyle::kLevel:
      return "level";
    case lsm::CompactionStyle::kUniversal:
      return "universal";
    case lsm::CompactionStyle::kFIFO:
      return "fifo";
  }
  return "unknown";
}

bool ParseCompactionStyle(std::string_view name, lsm::CompactionStyle* style) {
  constexpr lsm::CompactionStyle kStyles[] = {
      lsm::CompactionStyle::kLevel, lsm::CompactionStyle::kUniversal, lsm::CompactionStyle::kFIFO};
  for (int i = 0; i < 3; i++) {
    if (name == CompactionStyleName(kStyles[i]) ||
        name == std::string(1, static_cast<char>('0' + i))) {
      *style = kStyles[i];
      return true;
    }
  }
  return false;
}

void Engine::MultiGet(const std::vector<std::string_view>& keys, std::vector<std::string>* values,
                      std::vector<lsm::Status>* statuses) {
  values->resize(keys.size());
  statuses->resize(keys.size());
  for (size_t i = 0; i < keys.size(); i++) (*statuses)[i] = Get(keys[i], &(*values)[i]);
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
