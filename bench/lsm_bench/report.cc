#include "bench/lsm_bench/report.h"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <thread>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bench/lsm_bench/json_writer.h"

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
  const int families = config.engine_options.num_column_families;
  if (families > 1) {
    absl::StrAppendFormat(&out, "Families:   %d column families (key k in family k %% %d)%s\n",
                          families, families,
                          config.engine_options.atomic_flush ? ", atomic flushes" : "");
  }
  absl::StrAppendFormat(&out, "RawSize:    %.1f MB (estimated)\n",
                        (config.key_size + config.value_size) * num / mib);
  absl::StrAppendFormat(
      &out, "FileSize:   %.1f MB (estimated)\n",
      (config.key_size + config.value_size * config.compression_ratio) * num / mib);
  absl::StrAppendFormat(&out, "Compression: %s\n",
                        CompressionName(config.engine_options.compression));
  if (config.engine_options.memory_budget > 0) {
    absl::StrAppendFormat(&out, "Memory:     budget %d MiB (%s)\n",
                          config.engine_options.memory_budget >> 20, engine.memory_budget_setup());
  }
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
  std::string extra;
  if (result.bytes > 0) extra = absl::StrFormat("%6.1f MB/s", result.MegabytesPerSecond());
  if (!result.message.empty()) {
    absl::StrAppendFormat(&extra, "%s%s", extra.empty() ? "" : " ", result.message);
  }
  std::string out = absl::StrFormat(
      "%-12s : %11.3f micros/op %d ops/sec %.3f seconds %d operations;%s%s\n", result.name,
      result.MicrosPerOp(), static_cast<int64_t>(result.OpsPerSecond()), result.seconds, ops,
      extra.empty() ? "" : " ", extra);
  if (histogram && result.ops > 0 && result.hist.count() > 0) {
    absl::StrAppendFormat(&out, "Microseconds per %s:\n%s\n", result.op_name,
                          result.hist.ToString());
  }
  return out;
}

namespace {

void WriteFlags(const BenchConfig& c, JsonWriter* json) {
  const EngineOptions& eo = c.engine_options;
  json->BeginObject();
  auto integer = [json](std::string_view key, uint64_t value) {
    json->Key(key);
    json->Integer(value);
  };
  auto text = [json](std::string_view key, std::string_view value) {
    json->Key(key);
    json->String(value);
  };
  auto boolean = [json](std::string_view key, bool value) {
    json->Key(key);
    json->Bool(value);
  };
  text("benchmarks", absl::StrJoin(c.benchmarks, ","));
  integer("num", static_cast<uint64_t>(c.num));
  integer("reads", static_cast<uint64_t>(c.reads_to_do()));
  integer("key_size", static_cast<uint64_t>(c.key_size));
  integer("value_size", static_cast<uint64_t>(c.value_size));
  json->Key("compression_ratio");
  json->Number(c.compression_ratio);
  integer("batch_size", static_cast<uint64_t>(c.batch_size));
  integer("threads", static_cast<uint64_t>(c.threads));
  integer("duration", static_cast<uint64_t>(c.duration));
  integer("benchmark_write_rate_limit", c.write_rate_limit);
  text("compression_type", CompressionName(eo.compression));
  json->Key("bloom_bits");
  json->Number(eo.bloom_bits);
  integer("cache_size", eo.cache_size);
  integer("write_buffer_size", eo.write_buffer_size);
  integer("db_write_buffer_size", eo.db_write_buffer_size);
  integer("memory_budget", eo.memory_budget);
  integer("block_size", eo.block_size);
  json->Key("open_files");
  json->Number(eo.open_files);
  integer("max_background_jobs", static_cast<uint64_t>(eo.max_background_jobs));
  integer("num_column_families", static_cast<uint64_t>(eo.num_column_families));
  boolean("atomic_flush", eo.atomic_flush);
  text("compaction_style", CompactionStyleName(eo.compaction_style));
  if (!eo.memtablerep.empty()) text("memtablerep", eo.memtablerep);
  if (eo.dynamic_level_bytes.has_value()) {
    boolean("level_compaction_dynamic_level_bytes", *eo.dynamic_level_bytes);
  }
  if (eo.max_bytes_for_level_base.has_value()) {
    integer("max_bytes_for_level_base", *eo.max_bytes_for_level_base);
  }
  if (eo.max_bytes_for_level_multiplier.has_value()) {
    integer("max_bytes_for_level_multiplier",
            static_cast<uint64_t>(*eo.max_bytes_for_level_multiplier));
  }
  if (eo.level0_file_num_compaction_trigger.has_value()) {
    integer("level0_file_num_compaction_trigger",
            static_cast<uint64_t>(*eo.level0_file_num_compaction_trigger));
  }
  boolean("disable_auto_compactions", eo.disable_auto_compactions);
  boolean("sync", eo.sync);
  boolean("disable_wal", eo.disable_wal);
  boolean("verify_checksum", eo.verify_checksum);
  boolean("use_existing_db", c.use_existing_db);
  boolean("histogram", c.histogram);
  integer("seed", c.seed);
  json->EndObject();
}

void WriteLatency(const Histogram& hist, JsonWriter* json) {
  if (hist.count() == 0) {
    json->Null();
    return;
  }
  json->BeginObject();
  json->Key("count");
  json->Integer(hist.count());
  json->Key("average");
  json->Number(hist.Average());
  for (const auto& [key, p] :
       {std::pair{"p50", 50.0}, {"p95", 95.0}, {"p99", 99.0}, {"p99.9", 99.9}, {"p99.99", 99.99}}) {
    json->Key(key);
    json->Number(hist.Percentile(p));
  }
  json->Key("max");
  json->Number(hist.Max());
  json->EndObject();
}

void WriteResult(const WorkloadResult& r, JsonWriter* json) {
  json->BeginObject();
  json->Key("name");
  json->String(r.name);
  json->Key("kind");
  switch (r.kind) {
    case WorkloadResult::Kind::kSkipped:
      json->String("skipped");
      json->EndObject();
      return;
    case WorkloadResult::Kind::kText:
      json->String("text");
      json->Key("text");
      json->String(r.message);
      json->EndObject();
      return;
    case WorkloadResult::Kind::kTimed:
      json->String("timed");
      break;
  }
  auto integer = [json](std::string_view key, uint64_t value) {
    json->Key(key);
    json->Integer(value);
  };
  auto number = [json](std::string_view key, double value) {
    json->Key(key);
    json->Number(value);
  };
  integer("threads", static_cast<uint64_t>(r.threads));
  integer("ops", r.ops);
  number("seconds", r.seconds);
  number("micros_per_op", r.MicrosPerOp());
  number("ops_per_sec", r.OpsPerSecond());
  number("mb_per_sec", r.MegabytesPerSecond());
  json->Key("message");
  json->String(r.message);
  json->Key("counters");
  json->BeginObject();
  r.counters.ForEach([&](std::string_view key, uint64_t value) { integer(key, value); });
  json->EndObject();
  json->Key("latency_micros");
  WriteLatency(r.hist, json);
  integer("user_bytes_written", r.user_bytes_written);
  // `key`: write(*value), or null when the engine does not report it.
  auto optional = [json](std::string_view key, const auto& value, auto&& write) {
    json->Key(key);
    if (value.has_value()) {
      write(*value);
    } else {
      json->Null();
    }
  };
  optional("engine_bytes_written", r.engine_bytes_written, [&](uint64_t v) { json->Integer(v); });
  optional("background", r.background, [&](const BackgroundWork& w) {
    json->BeginObject();
    integer("flush_bytes", w.flush_bytes);
    number("flush_seconds", w.flush_seconds);
    integer("compaction_bytes_read", w.compaction_bytes_read);
    integer("compaction_bytes_written", w.compaction_bytes_written);
    number("compaction_seconds", w.compaction_seconds);
    json->EndObject();
  });
  optional("write_amplification", r.write_amplification, [&](double v) { json->Number(v); });
  integer("db_size_bytes", r.db_size_bytes);
  integer("peak_rss_bytes", r.peak_rss_bytes);
  integer("peak_rss_anon_bytes", r.peak_rss_anon_bytes);
  integer("peak_rss_file_bytes", r.peak_rss_file_bytes);
  number("cpu_seconds", r.cpu_seconds);
  json->EndObject();
}

}  // namespace

std::string FormatJson(const BenchConfig& config, const Engine& engine,
                       const std::vector<WorkloadResult>& results) {
  JsonWriter json;
  json.BeginObject();
  json.Key("engine");
  json.String(engine.name());
  json.Key("version");
  json.String(engine.Version());
  json.Key("db");
  json.String(config.db);
  json.Key("flags");
  WriteFlags(config, &json);
  json.Key("workloads");
  json.BeginArray();
  for (const WorkloadResult& r : results) WriteResult(r, &json);
  json.EndArray();
  json.EndObject();
  return json.Take();
}

}  // namespace lsm::bench
