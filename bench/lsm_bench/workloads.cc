#include "bench/lsm_bench/workloads.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_format.h"

namespace lsm::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Measures a workload: its elapsed time, and with --histogram the time of each operation
// (from the end of the previous one, as db_bench does).
class OpTimer {
 public:
  OpTimer(WorkloadResult* result, bool histogram)
      : result_(result), histogram_(histogram), start_(Clock::now()), last_(start_) {}

  void OpDone() {
    if (!histogram_) return;
    const Clock::time_point now = Clock::now();
    result_->hist.Add(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_).count()));
    last_ = now;
  }

  void Finish() { result_->seconds = std::chrono::duration<double>(Clock::now() - start_).count(); }

 private:
  WorkloadResult* const result_;
  const bool histogram_;
  const Clock::time_point start_;
  Clock::time_point last_;
};

std::string FoundMessage(uint64_t found, uint64_t total) {
  return absl::StrFormat("(%d of %d found)", found, total);
}

}  // namespace

const std::vector<std::string_view>& KnownWorkloads() {
  static const auto* const kWorkloads = new std::vector<std::string_view>{
      "fillseq",    "fillrandom", "overwrite",         "readrandom", "readseq",
      "seekrandom", "flush",      "waitforcompaction", "stats",
  };
  return *kWorkloads;
}

bool IsKnownWorkload(std::string_view name) {
  const auto& known = KnownWorkloads();
  return std::find(known.begin(), known.end(), name) != known.end();
}

Runner::Runner(const BenchConfig& config)
    : config_(config),
      keys_(config.key_size),
      values_(config.compression_ratio, config.seed, static_cast<size_t>(config.value_size)) {}

Runner::~Runner() { (void)Close(); }

lsm::Status Runner::Open() {
  lsm::Status s = NewEngine(config_.engine, &engine_);
  if (!s.ok()) return s;
  if (!config_.use_existing_db) {
    s = DestroyDb();
    if (!s.ok()) return s;
  }
  EngineOptions options = config_.engine_options;
  options.create_if_missing = !config_.use_existing_db;
  return engine_->Open(options);
}

lsm::Status Runner::Close() { return engine_ == nullptr ? lsm::Status::OK() : engine_->Close(); }

lsm::Status Runner::DestroyDb() {
  std::error_code ec;
  if (!std::filesystem::exists(config_.db, ec)) return lsm::Status::OK();
  return engine_->Destroy(config_.db);
}

lsm::Status Runner::Fresh() {
  lsm::Status s = engine_->Close();
  if (s.ok()) s = DestroyDb();
  if (s.ok()) s = engine_->Open(config_.engine_options);
  return s;
}

lsm::Status Runner::Run(std::string_view name, WorkloadResult* result) {
  *result = WorkloadResult();
  result->name = std::string(name);
  runs_++;
  if (name == "fillseq" || name == "fillrandom") {
    if (config_.use_existing_db) {
      result->kind = WorkloadResult::Kind::kSkipped;
      return lsm::Status::OK();
    }
    lsm::Status s = Fresh();
    if (!s.ok()) return s;
    return DoWrite(name == "fillseq", result);
  }
  if (name == "overwrite") return DoWrite(false, result);
  if (name == "readrandom") return DoReadRandom(result);
  if (name == "readseq") return DoReadSeq(result);
  if (name == "seekrandom") return DoSeekRandom(result);
  if (name == "flush") {
    OpTimer timer(result, config_.histogram);
    lsm::Status s = engine_->Flush();
    timer.OpDone();
    timer.Finish();
    return s;
  }
  if (name == "waitforcompaction") return DoWaitForCompaction(result);
  if (name == "stats") return DoStats(result);
  return lsm::Status::InvalidArgument(absl::StrFormat("unknown benchmark '%s'", name));
}

lsm::Status Runner::DoWrite(bool sequential, WorkloadResult* r) {
  r->op_name = "write";
  Random64 rnd(config_.seed + runs_);
  std::unique_ptr<EngineBatch> batch = engine_->NewBatch();
  const uint64_t n = static_cast<uint64_t>(config_.num);
  const uint64_t per_batch = static_cast<uint64_t>(config_.batch_size);
  const size_t value_size = static_cast<size_t>(config_.value_size);
  OpTimer timer(r, config_.histogram);
  for (uint64_t i = 0; i < n; i += per_batch) {
    batch->Clear();
    const uint64_t entries = std::min(per_batch, n - i);
    for (uint64_t j = 0; j < entries; j++) {
      const std::string_view key = keys_.Format(sequential ? i + j : rnd.Uniform(n));
      batch->Put(key, values_.Next(value_size));
      r->bytes += key.size() + value_size;
    }
    lsm::Status s = engine_->Write(batch.get());
    if (!s.ok()) return s.WithContext("put error");
    r->ops += entries;
    timer.OpDone();
  }
  timer.Finish();
  return lsm::Status::OK();
}

lsm::Status Runner::DoReadRandom(WorkloadResult* r) {
  r->op_name = "read";
  Random64 rnd(config_.seed + runs_);
  const uint64_t n = static_cast<uint64_t>(config_.num);
  const uint64_t reads = static_cast<uint64_t>(config_.reads_to_do());
  std::string value;
  OpTimer timer(r, config_.histogram);
  for (uint64_t i = 0; i < reads; i++) {
    const std::string_view key = keys_.Format(rnd.Uniform(n));
    lsm::Status s = engine_->Get(key, &value);
    if (s.ok()) {
      r->found++;
      r->bytes += key.size() + value.size();
    } else if (!s.IsNotFound()) {
      return s.WithContext("get error");
    }
    r->ops++;
    timer.OpDone();
  }
  timer.Finish();
  r->message = FoundMessage(r->found, reads);
  return lsm::Status::OK();
}

lsm::Status Runner::DoReadSeq(WorkloadResult* r) {
  r->op_name = "read";
  const uint64_t reads = static_cast<uint64_t>(config_.reads_to_do());
  OpTimer timer(r, config_.histogram);
  std::unique_ptr<EngineIterator> it = engine_->NewIterator();
  for (it->SeekToFirst(); r->ops < reads && it->Valid(); it->Next()) {
    r->bytes += it->key().size() + it->value().size();
    r->ops++;
    timer.OpDone();
  }
  timer.Finish();
  lsm::Status s = it->status();
  return s.ok() ? s : s.WithContext("iterator error");
}

lsm::Status Runner::DoSeekRandom(WorkloadResult* r) {
  r->op_name = "seek";
  Random64 rnd(config_.seed + runs_);
  const uint64_t n = static_cast<uint64_t>(config_.num);
  const uint64_t reads = static_cast<uint64_t>(config_.reads_to_do());
  OpTimer timer(r, config_.histogram);
  std::unique_ptr<EngineIterator> it = engine_->NewIterator();
  for (uint64_t i = 0; i < reads; i++) {
    const std::string_view key = keys_.Format(rnd.Uniform(n));
    it->Seek(key);
    if (it->Valid()) {
      r->bytes += it->key().size() + it->value().size();
      if (it->key() == key) r->found++;
    }
    r->ops++;
    timer.OpDone();
  }
  timer.Finish();
  lsm::Status s = it->status();
  if (!s.ok()) return s.WithContext("iterator error");
  r->message = FoundMessage(r->found, reads);
  return lsm::Status::OK();
}

lsm::Status Runner::DoWaitForCompaction(WorkloadResult* r) {
  OpTimer timer(r, config_.histogram);
  lsm::Status s = engine_->WaitForCompaction();
  timer.OpDone();
  timer.Finish();
  if (s.IsNotSupported()) {
    r->message = absl::StrFormat("(%s)", s.message());
    return lsm::Status::OK();
  }
  return s;
}

lsm::Status Runner::DoStats(WorkloadResult* r) {
  r->kind = WorkloadResult::Kind::kText;
  const std::string_view property = engine_->stats_property();
  if (!engine_->GetProperty(property, &r->message)) {
    r->message = absl::StrFormat("%s reports no property %s\n", engine_->name(), property);
  }
  return lsm::Status::OK();
}

}  // namespace lsm::bench
