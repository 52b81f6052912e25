#include "bench/lsm_bench/workloads.h"

#include <algorithm>
#include <filesystem>
#include <numeric>
#include <optional>
#include <system_error>
#include <utility>

#include "absl/strings/str_format.h"
#include "bench/lsm_bench/progress.h"
#include "bench/lsm_bench/resources.h"
#include "bench/lsm_bench/ycsb.h"

namespace lsm::bench {
namespace {

// The workloads that start from a fresh database (skipped with --use_existing_db).
constexpr std::string_view kFreshDbWorkloads[] = {"fillseq",  "fillrandom", "filluniquerandom",
                                                  "fillsync", "fillbatch",  "fillseqingest"};

// fillbatch's entries per batch, and fillsync's share of --num (db_bench's).
constexpr uint64_t kFillBatchSize = 1000;
constexpr uint64_t kFillSyncDivisor = 1000;
// fillseqingest cuts its files here: the default target_file_size_base of lsm and RocksDB.
constexpr uint64_t kIngestFileBytes = uint64_t{64} << 20;

std::string FoundMessage(uint64_t found, uint64_t total) {
  return absl::StrFormat("(%d of %d found)", found, total);
}

// Counts the outcome of one point read of `key`; anything but found or not found is an error.
lsm::Status CountRead(const lsm::Status& s, std::string_view key, const std::string& value,
                      ThreadState* t, uint64_t* bytes) {
  t->counters.reads++;
  if (s.ok()) {
    t->counters.found++;
    *bytes += key.size() + value.size();
    return s;
  }
  if (s.IsNotFound()) {
    t->counters.missing++;
    return lsm::Status::OK();
  }
  return s.WithContext("get error");
}

// The note db_bench appends to the result line of a workload that reads.
std::string Note(std::string_view name, const Counters& c) {
  if (name == "seekrandom") return FoundMessage(c.found, c.seeks);
  if (name == "updaterandom") return absl::StrFormat("( updates:%d found:%d)", c.updates, c.found);
  if (name == "readseq" || name == "readreverse") return "";
  if (FindYcsbWorkload(name) != nullptr) return YcsbMessage(c);
  return FoundMessage(c.found, c.reads);
}

}  // namespace

const std::vector<std::string_view>& KnownWorkloads() {
  static const auto* const kWorkloads = new std::vector<std::string_view>{
      "fillseq",
      "fillrandom",
      "filluniquerandom",
      "overwrite",
      "fillsync",
      "fillbatch",
      "fillseqingest",
      "readrandom",
      "readmissing",
      "readseq",
      "readreverse",
      "seekrandom",
      "multireadrandom",
      "readwhilewriting",
      "deleterandom",
      "updaterandom",
      "mergerandom",
      "deleterange",
      "compact",
      "flush",
      "waitforcompaction",
      "stats",
      "ycsba",
      "ycsbb",
      "ycsbc",
      "ycsbd",
      "ycsbe",
      "ycsbf",
  };
  return *kWorkloads;
}

bool IsKnownWorkload(std::string_view name) {
  const auto& known = KnownWorkloads();
  return std::find(known.begin(), known.end(), name) != known.end();
}

Runner::Runner(const BenchConfig& config) : config_(config) {
  if (config_.write_rate_limit > 0) {
    write_limiter_ = std::make_unique<RateLimiter>(config_.write_rate_limit);
  }
}

Runner::~Runner() { (void)Close(); }

lsm::Status Runner::Open() {
  lsm::Status s = NewEngine(config_.engine, &engine_);
  if (!s.ok()) return s;
  if (!config_.use_existing_db) {
    s = DestroyDb();
    if (!s.ok()) return s;
  }
  return OpenEngine(!config_.use_existing_db);
}

lsm::Status Runner::OpenEngine(bool create_if_missing) {
  EngineOptions options = config_.engine_options;
  options.create_if_missing = create_if_missing;
  inserted_.store(0);
  user_bytes_since_open_ = 0;
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
  if (s.ok()) s = OpenEngine(true);
  return s;
}

lsm::Status Runner::Run(std::string_view name, WorkloadResult* result) {
  *result = WorkloadResult();
  result->name = std::string(name);
  runs_++;
  const bool fresh = std::find(std::begin(kFreshDbWorkloads), std::end(kFreshDbWorkloads), name) !=
                     std::end(kFreshDbWorkloads);
  if (fresh) {
    if (config_.use_existing_db) {
      result->kind = WorkloadResult::Kind::kSkipped;
      return lsm::Status::OK();
    }
    lsm::Status s = Fresh();
    if (!s.ok()) return s;
  }
  const ProcessUsage before = CurrentUsage();
  resident_.ResetPeaks();
  uint64_t engine_before = 0;
  const bool engine_known = engine_->BackgroundBytesWritten(&engine_before);
  BackgroundWork work_before;
  const bool work_known = engine_->GetBackgroundWork(&work_before);

  lsm::Status s = Dispatch(name, result);
  if (!s.ok() || result->kind != WorkloadResult::Kind::kTimed) return s;

  const ProcessUsage after = CurrentUsage();
  result->cpu_seconds = after.cpu_seconds - before.cpu_seconds;
  result->peak_rss_bytes = after.peak_rss_bytes;
  const ResidentMemory resident = resident_.peaks();
  result->peak_rss_anon_bytes = resident.anon_bytes;
  result->peak_rss_file_bytes = resident.file_bytes;
  result->db_size_bytes = DirectorySize(config_.db);
  user_bytes_since_open_ += result->user_bytes_written;
  BackgroundWork work_after;
  if (work_known && engine_->GetBackgroundWork(&work_after)) {
    result->background = work_after.Since(work_before);
  }
  uint64_t engine_after = 0;
  if (engine_known && engine_->BackgroundBytesWritten(&engine_after)) {
    result->engine_bytes_written = engine_after - std::min(engine_after, engine_before);
    if (user_bytes_since_open_ > 0) {
      result->write_amplification =
          static_cast<double>(engine_after) / static_cast<double>(user_bytes_since_open_);
    }
  }
  return s;
}

lsm::Status Runner::Dispatch(std::string_view name, WorkloadResult* r) {
  const uint64_t n = num();
  const uint64_t batch = static_cast<uint64_t>(config_.batch_size);
  if (name == "fillseq") return DoWrite(KeyOrder::kSequential, n, batch, false, false, r);
  if (name == "fillrandom") return DoWrite(KeyOrder::kRandom, n, batch, false, false, r);
  if (name == "filluniquerandom") {
    return DoWrite(KeyOrder::kUniqueRandom, n, batch, false, false, r);
  }
  if (name == "overwrite") return DoWrite(KeyOrder::kRandom, n, batch, false, false, r);
  if (name == "fillsync") {
    return DoWrite(KeyOrder::kRandom, std::max<uint64_t>(n / kFillSyncDivisor, 1), 1, true, false,
                   r);
  }
  if (name == "fillbatch") {
    return DoWrite(KeyOrder::kSequential, n, kFillBatchSize, false, false, r);
  }
  if (name == "fillseqingest") return DoFillSeqIngest(r);
  if (name == "deleterandom") return DoWrite(KeyOrder::kRandom, n, batch, false, true, r);
  if (name == "mergerandom") return DoMergeRandom(r);
  if (name == "deleterange") return DoDeleteRange(r);
  if (name == "compact") return RunOnce([this] { return engine_->CompactRange(); }, r);
  if (name == "flush") return RunOnce([this] { return engine_->Flush(); }, r);
  if (name == "waitforcompaction") return DoWaitForCompaction(r);
  if (name == "stats") return DoStats(r);
  lsm::Status s;
  if (name == "readrandom" || name == "readmissing") {
    s = DoReadRandom(name == "readmissing", r);
  } else if (name == "readseq" || name == "readreverse") {
    s = DoScan(name == "readseq", r);
  } else if (name == "seekrandom") {
    s = DoSeekRandom(r);
  } else if (name == "multireadrandom") {
    s = DoMultiReadRandom(r);
  } else if (name == "readwhilewriting") {
    s = DoReadWhileWriting(r);
  } else if (name == "updaterandom") {
    s = DoUpdateRandom(r);
  } else if (FindYcsbWorkload(name) != nullptr) {
    s = DoYcsb(name, r);
  } else {
    return lsm::Status::InvalidArgument(absl::StrFormat("unknown benchmark '%s'", name));
  }
  r->message = Note(name, r->counters);
  return s;
}

lsm::Status Runner::RunBody(int threads, int counted, uint64_t ops_per_thread, const Body& body,
                            WorkloadResult* r) {
  std::optional<Progress> progress;
  if (config_.progress) {
    progress.emplace(r->name,
                     config_.duration > 0 ? 0 : ops_per_thread * static_cast<uint64_t>(counted));
  }
  RunContext ctx(config_, engine_.get(), write_limiter_.get(),
                 progress.has_value() ? &*progress : nullptr);
  return RunThreads(&ctx, threads, counted, &pools_, config_.seed + runs_, body, r);
}

lsm::Status Runner::RunEach(uint64_t ops_per_thread, const Body& body, WorkloadResult* r) {
  return RunBody(config_.threads, config_.threads, ops_per_thread, body, r);
}

lsm::Status Runner::RunOnce(const std::function<lsm::Status()>& call, WorkloadResult* r) {
  return RunBody(
      1, 1, 0,
      [&call](ThreadState* t) {
        lsm::Status s = call();
        t->Done(0, 0);
        return s;
      },
      r);
}

lsm::Status Runner::DoWrite(KeyOrder order, uint64_t count, uint64_t per_batch, bool sync, bool del,
                            WorkloadResult* r) {
  r->op_name = del ? "delete" : "write";
  const uint64_t n = num();
  auto body = [&](ThreadState* t) {
    // filluniquerandom: every thread writes its own random permutation of the keys.
    std::vector<uint64_t> permutation;
    if (order == KeyOrder::kUniqueRandom) {
      permutation.resize(n);
      std::iota(permutation.begin(), permutation.end(), uint64_t{0});
      for (uint64_t i = n - 1; i > 0; i--) {
        std::swap(permutation[i], permutation[t->rnd.Uniform(i + 1)]);
      }
    }
    std::unique_ptr<EngineBatch> batch = t->engine().NewBatch();
    for (uint64_t i = 0; t->More(count);) {
      const uint64_t entries = t->NextBatch(count, per_batch);
      batch->Clear();
      uint64_t bytes = 0;
      for (uint64_t j = 0; j < entries; j++, i++) {
        const uint64_t k = order == KeyOrder::kSequential ? i % n
                           : order == KeyOrder::kRandom   ? t->rnd.Uniform(n)
                                                          : permutation[i % n];
        const std::string_view key = t->keys.Format(k);
        if (del) {
          batch->Delete(key);
          bytes += key.size();
        } else {
          const std::string_view value = NextValue(t);
          batch->Put(key, value);
          bytes += key.size() + value.size();
        }
      }
      t->Throttle(bytes);
      lsm::Status s = t->engine().Write(batch.get(), sync);
      if (!s.ok()) return s.WithContext(del ? "delete error" : "put error");
      (del ? t->counters.deletes : t->counters.writes) += entries;
      t->Done(entries, bytes);
    }
    return lsm::Status::OK();
  };
  return RunEach(count, body, r);
}

lsm::Status Runner::DoFillSeqIngest(WorkloadResult* r) {
  r->op_name = "write";
  if (config_.engine_options.num_column_families > 1) {
    return lsm::Status::InvalidArgument(
        "fillseqingest loads the default column family only: --num_column_families must be 1");
  }
  const std::filesystem::path dir = config_.db + ".ingest";
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);  // what an interrupted run left
  if (!std::filesystem::create_directories(dir, ec) && ec) {
    return lsm::Status::IOError(dir.string(), ec.message());
  }
  const uint64_t n = num();
  auto body = [&](ThreadState* t) {
    std::unique_ptr<EngineTableFileWriter> writer;
    lsm::Status s = t->engine().NewTableFileWriter(&writer);
    std::vector<std::string> files;
    bool open = false;
    for (uint64_t i = 0; s.ok() && t->More(n); i++) {
      if (!open) {
        files.push_back((dir / absl::StrFormat("%06u.sst", files.size())).string());
        s = writer->Open(files.back());
        open = s.ok();
        if (!s.ok()) break;
      }
      const std::string_view key = t->keys.Format(i);
      const std::string_view value = NextValue(t);
      const uint64_t bytes = key.size() + value.size();
      t->Throttle(bytes);
      s = writer->Put(key, value);
      if (!s.ok()) break;
      t->counters.writes++;
      t->Done(1, bytes);
      if (writer->FileSize() >= kIngestFileBytes) {
        s = writer->Finish();
        open = false;
      }
    }
    if (s.ok() && open) s = writer->Finish();
    if (s.ok() && !files.empty()) s = t->engine().IngestFiles(files);
    return s.ok() ? s : s.WithContext("ingest error");
  };
  lsm::Status s = RunBody(1, 1, n, body, r);
  std::filesystem::remove_all(dir, ec);
  return s;
}

lsm::Status Runner::DoMergeRandom(WorkloadResult* r) {
  r->op_name = "merge";
  const std::string& op = config_.engine_options.merge_operator;
  if (op.empty()) {
    return lsm::Status::InvalidArgument("mergerandom needs --merge_operator");
  }
  const uint64_t keys = config_.merge_keys < 0 ? num() : config_.merge_keys;
  auto body = [&](ThreadState* t) {
    std::string one(8, '\0');
    one[0] = 1;  // uint64add's operand: 1, little-endian
    while (t->More(num())) {
      const std::string_view key = t->keys.Format(t->rnd.Uniform(keys));
      const std::string_view operand = op == "uint64add" ? std::string_view(one) : NextValue(t);
      t->Throttle(key.size() + operand.size());
      lsm::Status s = t->engine().Merge(key, operand);
      if (!s.ok()) return s.WithContext("merge error");
      t->counters.writes++;
      t->Done(1, key.size() + operand.size());
    }
    return lsm::Status::OK();
  };
  return RunEach(num(), body, r);
}

lsm::Status Runner::DoDeleteRange(WorkloadResult* r) {
  r->op_name = "delete";
  const uint64_t width = static_cast<uint64_t>(config_.range_tombstone_width);
  const uint64_t count = static_cast<uint64_t>(config_.num_range_tombstones);
  // Evenly spaced over the key space, so that count ranges of width keys delete exactly
  // count * width keys when they do not overlap. The end, k + width, stays a key of the key
  // space (below --num), so it formats.
  const uint64_t stride = std::max<uint64_t>((num() - width) / std::max<uint64_t>(count, 1), 1);
  auto body = [&](ThreadState* t) {
    std::string begin;
    for (uint64_t i = 0; t->More(count); i++) {
      const uint64_t k = (i * stride) % std::max<uint64_t>(num() - width, 1);
      begin.assign(t->keys.Format(k));
      const std::string_view end = t->keys.Format(k + width);
      lsm::Status s = t->engine().DeleteRange(begin, end);
      if (!s.ok()) return s.WithContext("delete range error");
      t->counters.deletes++;
      t->Done(1, begin.size() + end.size());
    }
    return lsm::Status::OK();
  };
  return RunEach(count, body, r);
}

lsm::Status Runner::DoReadRandom(bool missing, WorkloadResult* r) {
  r->op_name = "read";
  return RunEach(
      reads(), [this, missing](ThreadState* t) { return ReadRandomLoop(t, missing); }, r);
}

lsm::Status Runner::DoScan(bool forward, WorkloadResult* r) {
  r->op_name = "read";
  return RunEach(
      reads(),
      [this, forward](ThreadState* t) {
        std::unique_ptr<EngineIterator> it = t->engine().NewIterator();
        for (forward ? it->SeekToFirst() : it->SeekToLast(); it->Valid() && t->More(reads());
             forward ? it->Next() : it->Prev()) {
          t->counters.scanned++;
          t->Done(1, it->key().size() + it->value().size());
        }
        lsm::Status s = it->status();
        return s.ok() ? s : s.WithContext("iterator error");
      },
      r);
}

lsm::Status Runner::DoSeekRandom(WorkloadResult* r) {
  r->op_name = "seek";
  return RunEach(
      reads(),
      [this](ThreadState* t) {
        // A new iterator per seek, as db_bench's seekrandom (LevelDB's, and RocksDB's without
        // --use_tailing_iterator): each seek sees the database as it is then.
        while (t->More(reads())) {
          const std::string_view key = RandomKey(t);
          std::unique_ptr<EngineIterator> it = t->engine().NewIterator();
          it->Seek(key);
          t->counters.seeks++;
          uint64_t bytes = 0;
          if (it->Valid()) bytes = it->key().size() + it->value().size();
          (it->Valid() && it->key() == key ? t->counters.found : t->counters.missing)++;
          t->Done(1, bytes);
          if (lsm::Status s = it->status(); !s.ok()) return s.WithContext("iterator error");
        }
        return lsm::Status::OK();
      },
      r);
}

lsm::Status Runner::DoMultiReadRandom(WorkloadResult* r) {
  r->op_name = "multiget";
  const uint64_t per_lookup = static_cast<uint64_t>(config_.batch_size);
  return RunEach(
      reads(),
      [this, per_lookup](ThreadState* t) {
        std::vector<std::string> key_storage;
        std::vector<std::string_view> keys;
        std::vector<std::string> values;
        std::vector<lsm::Status> statuses;
        while (t->More(reads())) {
          const uint64_t count = t->NextBatch(reads(), per_lookup);
          key_storage.resize(count);
          keys.resize(count);
          for (uint64_t i = 0; i < count; i++) {
            key_storage[i].assign(RandomKey(t));
            keys[i] = key_storage[i];
          }
          t->engine().MultiGet(keys, &values, &statuses);
          uint64_t bytes = 0;
          for (uint64_t i = 0; i < count; i++) {
            lsm::Status s = CountRead(statuses[i], keys[i], values[i], t, &bytes);
            if (!s.ok()) return s;
          }
          t->Done(count, bytes);
        }
        return lsm::Status::OK();
      },
      r);
}

lsm::Status Runner::DoReadWhileWriting(WorkloadResult* r) {
  r->op_name = "read";
  auto body = [this](ThreadState* t) {
    if (t->counted()) return ReadRandomLoop(t, false);
    // The writer: random keys until every reader is done.
    RunContext& ctx = t->ctx();
    while (!ctx.stop.load(std::memory_order_relaxed) && ctx.counted_running.load() > 0) {
      const std::string_view key = RandomKey(t);
      const std::string_view value = NextValue(t);
      t->Throttle(key.size() + value.size());
      lsm::Status s = t->engine().Put(key, value);
      if (!s.ok()) return s.WithContext("put error");
      t->counters.writes++;
    }
    return lsm::Status::OK();
  };
  return RunBody(config_.threads + 1, config_.threads, reads(), body, r);
}

lsm::Status Runner::DoUpdateRandom(WorkloadResult* r) {
  r->op_name = "update";
  return RunEach(
      reads(),
      [this](ThreadState* t) {
        std::string value;
        while (t->More(reads())) {
          const std::string_view key = RandomKey(t);
          uint64_t bytes = 0;
          lsm::Status s = CountRead(t->engine().Get(key, &value), key, value, t, &bytes);
          if (!s.ok()) return s;
          const std::string_view new_value = NextValue(t);
          t->Throttle(key.size() + new_value.size());
          s = t->engine().Put(key, new_value);
          if (!s.ok()) return s.WithContext("put error");
          t->counters.writes++;
          t->counters.updates++;
          t->Done(1, bytes + key.size() + new_value.size());
        }
        return lsm::Status::OK();
      },
      r);
}

lsm::Status Runner::DoYcsb(std::string_view name, WorkloadResult* r) {
  const YcsbWorkload& workload = *FindYcsbWorkload(name);
  if (zipf_ == nullptr) zipf_ = std::make_unique<ZipfianGenerator>(num());
  YcsbKeys keys{zipf_.get(), num(), &inserted_};
  return RunEach(
      reads(), [&](ThreadState* t) { return RunYcsbThread(workload, &keys, reads(), t); }, r);
}

lsm::Status Runner::ReadRandomLoop(ThreadState* t, bool missing) const {
  std::string value, missing_key;
  while (t->More(reads())) {
    std::string_view key = RandomKey(t);
    if (missing) {
      missing_key.assign(key);
      missing_key.push_back('.');
      key = missing_key;
    }
    uint64_t bytes = 0;
    lsm::Status s = CountRead(t->engine().Get(key, &value), key, value, t, &bytes);
    if (!s.ok()) return s;
    t->Done(1, bytes);
  }
  return lsm::Status::OK();
}

std::string_view Runner::RandomKey(ThreadState* t) const {
  return t->keys.Format(t->rnd.Uniform(num()));
}

std::string_view Runner::NextValue(ThreadState* t) const {
  return t->values.Next(static_cast<size_t>(config_.value_size));
}

lsm::Status Runner::DoWaitForCompaction(WorkloadResult* r) {
  lsm::Status s = RunOnce([this] { return engine_->WaitForCompaction(); }, r);
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
