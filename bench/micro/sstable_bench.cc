// Microbenchmarks of the table layer: block build and seek, bloom probes, table build and
// cached point reads from a real file.
//
//   build/release/bench/lsm_micro_bench --benchmark_filter='Block|Bloom|Table'
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/micro/bench_util.h"
#include "lsm/file_system.h"
#include "src/base/dbformat.h"
#include "src/sstable/block.h"
#include "src/sstable/block_builder.h"
#include "src/sstable/block_cache.h"
#include "src/sstable/bloom.h"
#include "src/sstable/table_builder.h"
#include "src/sstable/table_reader.h"
#include "src/util/random.h"

namespace lsm {
namespace {

constexpr int kValueSize = 100;

// The 16-byte user key of entry i.
std::string UserKey(uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%016llu", static_cast<unsigned long long>(i));
  return buf;
}

std::string InternalKeyOf(uint64_t i) {
  std::string k;
  AppendInternalKey(&k, ParsedInternalKey(UserKey(i), 1000 + i, ValueType::kValue));
  return k;
}

// Entries 0, 2, 4, ... so that odd numbers are absent.
std::vector<std::string> SortedKeys(size_t n) {
  std::vector<std::string> keys;
  for (size_t i = 0; i < n; i++) keys.push_back(InternalKeyOf(2 * i));
  return keys;
}

void BM_BlockBuild(benchmark::State& state) {
  const std::vector<std::string> keys = SortedKeys(state.range(0));
  const std::string value(kValueSize, 'v');
  BlockBuilder builder(16);
  for (auto _ : state) {
    builder.Reset();
    for (const std::string& k : keys) builder.Add(k, value);
    benchmark::DoNotOptimize(builder.Finish().data());
  }
  state.SetItemsProcessed(state.iterations() * keys.size());
}
BENCHMARK(BM_BlockBuild)->Arg(32)->Arg(1024);

void BM_BlockSeek(benchmark::State& state) {
  const std::vector<std::string> keys = SortedKeys(state.range(0));
  BlockBuilder builder(16);
  for (const std::string& k : keys) builder.Add(k, std::string(kValueSize, 'v'));
  std::shared_ptr<const Block> block;
  if (!Block::Create(std::string(builder.Finish()), 0, &block).ok()) std::abort();
  const InternalKeyComparator icmp(BytewiseComparator());
  BlockIter it(block.get(), KeyOrder(&icmp));
  Random rnd(301);
  std::vector<std::string> targets;
  for (int i = 0; i < 1024; i++) targets.push_back(keys[rnd.Uniform(keys.size())]);
  size_t i = 0;
  for (auto _ : state) {
    it.Seek(targets[i++ & 1023]);
    benchmark::DoNotOptimize(it.value().data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BlockSeek)->Arg(32)->Arg(1024);

void BloomProbe(benchmark::State& state, bool hit) {
  const size_t n = 1 << 20;
  BloomFilterBuilder builder(10);
  for (size_t i = 0; i < n; i++) builder.AddKey(UserKey(2 * i));
  std::unique_ptr<BloomFilter> filter;
  if (!BloomFilter::Create(builder.Finish(), &filter).ok()) std::abort();
  std::vector<std::string> probes;
  Random rnd(301);
  for (int i = 0; i < 4096; i++) probes.push_back(UserKey(2 * rnd.Uniform(n) + (hit ? 0 : 1)));
  size_t i = 0, matches = 0;
  for (auto _ : state) matches += filter->KeyMayMatch(probes[i++ & 4095]);
  state.counters["may_match"] = double(matches) / state.iterations();
  state.SetItemsProcessed(state.iterations());
}
void BM_BloomProbeHit(benchmark::State& state) { BloomProbe(state, true); }
void BM_BloomProbeMiss(benchmark::State& state) { BloomProbe(state, false); }
BENCHMARK(BM_BloomProbeHit);
BENCHMARK(BM_BloomProbeMiss);

TableOptions BenchTableOptions(CompressionType compression) {
  TableOptions options;
  options.compression = compression;
  options.bloom_bits_per_key = 10;
  return options;
}

Status WriteTable(FileSystem* fs, const std::string& path, const TableOptions& options,
                  const std::vector<std::string>& keys, uint64_t* size) {
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(path, &file);
  if (!s.ok()) return s;
  // Values are half random bytes, half a repeated byte: about 2:1 compressible.
  Random rnd(301);
  const std::string random = rnd.Bytes(1 << 20);
  std::string value;
  TableBuilder builder(options, file.get());
  for (size_t i = 0; i < keys.size(); i++) {
    value.assign(random, (i * 997) % (random.size() - kValueSize), kValueSize / 2);
    value.append(kValueSize / 2, 'x');
    builder.Add(keys[i], value);
  }
  s = builder.Finish();
  if (s.ok()) s = file->Close();
  *size = builder.FileSize();
  return s;
}

// args: entries, compression
void BM_TableBuild(benchmark::State& state) {
  const std::vector<std::string> keys = SortedKeys(state.range(0));
  const auto compression = static_cast<CompressionType>(state.range(1));
  BenchDir dir;
  auto fs = FileSystem::Default();
  uint64_t size = 0;
  for (auto _ : state) {
    if (!WriteTable(fs.get(), dir.path() + "/000001.sst", BenchTableOptions(compression), keys,
                    &size)
             .ok()) {
      state.SkipWithError("write failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * keys.size());
  state.SetBytesProcessed(state.iterations() * keys.size() * (24 + kValueSize));
  state.counters["file_bytes"] = double(size);
}
BENCHMARK(BM_TableBuild)
    ->Args({100000, int(CompressionType::kNone)})
    ->Args({100000, int(CompressionType::kLZ4)})
    ->Args({100000, int(CompressionType::kZstd)})
    ->Unit(benchmark::kMillisecond);

// A table of `keys` in a real file, opened with a 256 MiB block cache. Both live as long as
// the BenchTable.
struct BenchTable {
  BenchDir dir;
  BlockCache cache{256 << 20};
  std::unique_ptr<TableReader> reader;

  Status Open(const std::vector<std::string>& keys, CompressionType compression) {
    auto fs = FileSystem::Default();
    const std::string path = dir.path() + "/000001.sst";
    const TableOptions options = BenchTableOptions(compression);
    uint64_t size = 0;
    std::unique_ptr<RandomAccessFile> file;
    Status s = WriteTable(fs.get(), path, options, keys, &size);
    if (s.ok()) s = fs->NewRandomAccessFile(path, &file);
    if (s.ok())
      s = TableReader::Open(options, "000001.sst", std::move(file), size, &cache, &reader);
    return s;
  }
};

// args: present (1) or absent (0) keys. 100k entries in a real file, all blocks cached.
void BM_TableGetCached(benchmark::State& state) {
  const bool present = state.range(0) != 0;
  const size_t n = 100000;
  const std::vector<std::string> keys = SortedKeys(n);
  BenchTable bench_table;
  if (!bench_table.Open(keys, CompressionType::kLZ4).ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  const TableReader* table = bench_table.reader.get();
  Random rnd(301);
  std::vector<std::string> users;
  for (int i = 0; i < 8192; i++) users.push_back(UserKey(2 * rnd.Uniform(n) + (present ? 0 : 1)));
  std::string value;
  GetState got;
  for (const std::string& u : users) {
    if (!table->Get(ReadOptions(), LookupKey(u, kMaxSequenceNumber), &got, &value).ok()) {
      std::abort();
    }
  }
  for (size_t i = 0; i < n; i += 8) {  // every block into the cache
    if (!table->Get(ReadOptions(), LookupKey(UserKey(2 * i), kMaxSequenceNumber), &got, &value)
             .ok()) {
      std::abort();
    }
  }
  size_t i = 0, found = 0;
  for (auto _ : state) {
    LookupKey lk(users[i++ & 8191], kMaxSequenceNumber);
    if (!table->Get(ReadOptions(), lk, &got, &value).ok()) std::abort();
    found += got == GetState::kFound;
  }
  state.counters["found"] = double(found) / state.iterations();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TableGetCached)->Arg(1)->Arg(0);

void BM_TableScan(benchmark::State& state) {
  const size_t n = 100000;
  const std::vector<std::string> keys = SortedKeys(n);
  BenchTable bench_table;
  if (!bench_table.Open(keys, CompressionType::kNone).ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  const TableReader* table = bench_table.reader.get();
  auto it = table->NewIterator(ReadOptions());
  it->SeekToFirst();
  for (auto _ : state) {
    if (!it->Valid()) it->SeekToFirst();
    benchmark::DoNotOptimize(it->key().data());
    it->Next();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TableScan);

// Hits in a block cache of 65,536 entries (4 KiB blocks, as a 256 MiB cache holds), at random
// keys, from one or two threads sharing the cache.
BlockCache* shared_cache = nullptr;
constexpr uint64_t kCachedBlocks = 65536;

void BM_BlockCacheHit(benchmark::State& state) {
  if (state.thread_index() == 0) {
    shared_cache = new BlockCache(kCachedBlocks * 4096);
    for (uint64_t i = 0; i < kCachedBlocks; i++) {
      shared_cache->Insert({1 + i % 64, i * 4096}, std::make_shared<int>(static_cast<int>(i)), 4096,
                           BlockCache::Priority::kLow);
    }
  }
  Random rnd(301 + state.thread_index());
  for (auto _ : state) {
    const uint64_t i = rnd.Uniform(kCachedBlocks);
    benchmark::DoNotOptimize(shared_cache->Lookup({1 + i % 64, i * 4096}));
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    delete shared_cache;
    shared_cache = nullptr;
  }
}
BENCHMARK(BM_BlockCacheHit)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace lsm
