#include "bench/lsm_bench/engine.h"

#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

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

std::string ColumnFamilyName(size_t i) {
  return i == 0 ? std::string("default") : absl::StrFormat("cf%d", i);
}

FamilyChainIterator::FamilyChainIterator(size_t families, Factory make)
    : make_(std::move(make)), iterators_(families) {}

void FamilyChainIterator::Enter(size_t family) {
  family_ = family;
  if (iterators_[family] == nullptr) iterators_[family] = make_(family);
  current_ = iterators_[family].get();
}

void FamilyChainIterator::SkipExhaustedForward() {
  while (!current_->Valid() && current_->status().ok() && family_ + 1 < iterators_.size()) {
    Enter(family_ + 1);
    current_->SeekToFirst();
  }
}

void FamilyChainIterator::SkipExhaustedBackward() {
  while (!current_->Valid() && current_->status().ok() && family_ > 0) {
    Enter(family_ - 1);
    current_->SeekToLast();
  }
}

void FamilyChainIterator::SeekToFirst() {
  Enter(0);
  current_->SeekToFirst();
  SkipExhaustedForward();
}

void FamilyChainIterator::SeekToLast() {
  Enter(iterators_.size() - 1);
  current_->SeekToLast();
  SkipExhaustedBackward();
}

void FamilyChainIterator::Seek(std::string_view target) {
  Enter(FamilyOfKey(target, iterators_.size()));
  current_->Seek(target);
  SkipExhaustedForward();
}

void FamilyChainIterator::Next() {
  current_->Next();
  SkipExhaustedForward();
}

void FamilyChainIterator::Prev() {
  current_->Prev();
  SkipExhaustedBackward();
}

lsm::Status FamilyChainIterator::status() const {
  for (const auto& it : iterators_) {
    if (it == nullptr) continue;
    lsm::Status s = it->status();
    if (!s.ok()) return s;
  }
  return lsm::Status::OK();
}

bool FamiliesProperty(size_t families, bool database_wide,
                      const std::function<bool(size_t family, std::string* s)>& get,
                      std::string* value) {
  std::vector<std::string> values(families);
  std::vector<bool> known(families);
  bool any = false, numbers = true;
  uint64_t sum = 0;
  for (size_t i = 0; i < families; i++) {
    known[i] = get(i, &values[i]);
    any |= known[i];
    const std::string& v = values[i];
    uint64_t n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    numbers &= known[i] && !v.empty() && ec == std::errc() && end == v.data() + v.size();
    if (!database_wide || i == 0) sum += n;
  }
  if (!any) return false;
  if (numbers) {
    *value = absl::StrFormat("%d", sum);
    return true;
  }
  value->clear();
  for (size_t i = 0; i < families; i++) {
    if (!known[i]) continue;
    absl::StrAppendFormat(value, "[column family %s]\n%s", ColumnFamilyName(i), values[i]);
    if (!value->empty() && value->back() != '\n') value->push_back('\n');
  }
  return true;
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
