// Microbenchmarks of the memtable layer: skiplist and memtable inserts (sequential and random
// 16-byte keys, 100-byte values, one or two writer threads), point lookups that hit in a
// memtable of 1M entries, and an iterator scan; then, for each index (MemTableRep), the cost
// per insert, per lookup and per Next at the entry counts of a 4 MiB and a 64 MiB memtable.
//
//   lsm_micro_bench --benchmark_filter='Mem|Skip' --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "lsm/comparator.h"
#include "src/base/dbformat.h"
#include "src/memtable/concurrent_arena.h"
#include "src/memtable/memtable.h"
#include "src/memtable/skiplist.h"
#include "src/util/coding.h"

namespace lsm {
namespace {

constexpr size_t kKeySize = 16;
constexpr size_t kValueSize = 100;
constexpr uint64_t kLookupEntries = 1'000'000;

uint64_t Mix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The n-th key: 16 bytes, big-endian so that bytewise order is numeric order; random keys are
// a bijective mix of n, so they never repeat.
void MakeKey(uint64_t n, bool random, char* key) {
  const uint64_t v = random ? Mix(n) : n;
  std::memset(key, 0, 8);
  for (int i = 0; i < 8; i++) key[8 + i] = static_cast<char>(v >> (56 - 8 * i));
}

const std::string& Value() {
  static const std::string kValue(kValueSize, 'v');
  return kValue;
}

// Skiplist entries: a 16-byte key followed by the value bytes.
struct FixedKeyCmp {
  using Decoded = const char*;
  Decoded Decode(const char* key) const { return key; }
  int Compare(const char* key, const Decoded& target) const {
    return std::memcmp(key, target, kKeySize);
  }
};
using FixedList = SkipList<FixedKeyCmp>;

// Arg 0: 0 sequential keys, 1 random keys. Arg 1: 0 Insert (single writer), 1 InsertConcurrently.
void BM_SkipListInsert(benchmark::State& state) {
  const bool random = state.range(0) != 0;
  const bool concurrent = state.range(1) != 0;
  ConcurrentArena arena;
  FixedList list(FixedKeyCmp(), &arena);
  uint64_t n = 0;
  for (auto _ : state) {
    char* buf = list.AllocateKey(kKeySize + kValueSize);
    MakeKey(n++, random, buf);
    std::memcpy(buf + kKeySize, Value().data(), kValueSize);
    if (concurrent) {
      list.InsertConcurrently(buf);
    } else {
      list.Insert(buf);
    }
  }
  state.SetItemsProcessed(state.iterations());
}
// Insert benchmarks run a fixed count, so that every variant fills a list of the same size.
constexpr int64_t kInserts = 1'000'000;

BENCHMARK(BM_SkipListInsert)
    ->ArgNames({"random", "concurrent"})
    ->Args({0, 0})
    ->Args({0, 1})
    ->Args({1, 0})
    ->Args({1, 1})
    ->Iterations(kInserts);

ConcurrentArena* shared_arena = nullptr;

// Allocations of one memtable entry's size (16-byte key, 100-byte value, links), from one or
// two threads sharing the arena.
void BM_MemArenaAllocate(benchmark::State& state) {
  if (state.thread_index() == 0) shared_arena = new ConcurrentArena;
  for (auto _ : state) benchmark::DoNotOptimize(shared_arena->Allocate(144));
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    delete shared_arena;
    shared_arena = nullptr;
  }
}
BENCHMARK(BM_MemArenaAllocate)->Threads(1)->Threads(2)->UseRealTime();

const InternalKeyComparator& Icmp() {
  static const InternalKeyComparator kIcmp(BytewiseComparator());
  return kIcmp;
}

// Shared by the threads of one run; thread 0 creates and releases it outside the timed loop.
MemTable* shared_mem = nullptr;

// Arg 0: 0 sequential keys, 1 random keys. Arg 1: 0 AddSingleWriter, 1 Add. Threads insert
// disjoint keys.
void BM_MemTableAdd(benchmark::State& state) {
  const bool random = state.range(0) != 0;
  const bool concurrent = state.range(1) != 0;
  if (state.thread_index() == 0) {
    shared_mem = new MemTable(Icmp());
    shared_mem->Ref();
  }
  const uint64_t threads = state.threads();
  uint64_t n = state.thread_index();
  char key[kKeySize];
  for (auto _ : state) {
    MakeKey(n, random, key);
    if (concurrent) {
      shared_mem->Add(n + 1, ValueType::kValue, std::string_view(key, kKeySize), Value());
    } else {
      shared_mem->AddSingleWriter(n + 1, ValueType::kValue, std::string_view(key, kKeySize),
                                  Value());
    }
    n += threads;
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    state.counters["bytes_per_entry"] = static_cast<double>(shared_mem->ApproximateMemoryUsage()) /
                                        static_cast<double>(state.iterations() * threads);
    shared_mem->Unref();
    shared_mem = nullptr;
  }
}
BENCHMARK(BM_MemTableAdd)
    ->ArgNames({"random", "concurrent"})
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Iterations(kInserts)
    ->UseRealTime();
// Iterations count per thread: two threads fill the same size of memtable as one above.
BENCHMARK(BM_MemTableAdd)
    ->ArgNames({"random", "concurrent"})
    ->Args({0, 1})
    ->Args({1, 1})
    ->Threads(2)
    ->Iterations(kInserts / 2)
    ->UseRealTime();

// A memtable of kLookupEntries random keys, built on first use and kept for the process.
MemTable* LookupTable() {
  static MemTable* const kMem = [] {
    auto* mem = new MemTable(Icmp());
    mem->Ref();
    char key[kKeySize];
    for (uint64_t n = 0; n < kLookupEntries; n++) {
      MakeKey(n, true, key);
      mem->Add(n + 1, ValueType::kValue, std::string_view(key, kKeySize), Value());
    }
    return mem;
  }();
  return kMem;
}

// Gets of random present keys of `mem`, whose keys are the random keys 0 .. entries - 1.
void GetHits(benchmark::State& state, MemTable* mem, uint64_t entries) {
  std::string value;
  char key[kKeySize];
  uint64_t i = 0;
  for (auto _ : state) {
    MakeKey(Mix(i++) % entries, true, key);
    Status s;
    const bool found =
        mem->Get(LookupKey(std::string_view(key, kKeySize), kMaxSequenceNumber), &value, &s);
    benchmark::DoNotOptimize(found);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_MemTableGetHit(benchmark::State& state) { GetHits(state, LookupTable(), kLookupEntries); }
BENCHMARK(BM_MemTableGetHit);

void BM_MemTableSeek(benchmark::State& state) {
  MemTable* mem = LookupTable();
  std::unique_ptr<InternalIterator> it = mem->NewIterator();
  std::string target;
  char key[kKeySize];
  uint64_t i = 0;
  for (auto _ : state) {
    MakeKey(Mix(i++) % kLookupEntries, true, key);
    target.assign(key, kKeySize);
    PutFixed64(&target, PackSequenceAndType(kMaxSequenceNumber, kValueTypeForSeek));
    it->Seek(target);
    benchmark::DoNotOptimize(it->Valid());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemTableSeek);

// One item is one Next with its key and value; the scan restarts at the end.
void BM_MemTableScan(benchmark::State& state) {
  MemTable* mem = LookupTable();
  std::unique_ptr<InternalIterator> it = mem->NewIterator();
  it->SeekToFirst();
  for (auto _ : state) {
    benchmark::DoNotOptimize(it->key().size() + it->value().size());
    it->Next();
    if (!it->Valid()) it->SeekToFirst();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemTableScan);

// Entries of this benchmark's size in a 4 MiB and in a 64 MiB memtable.
constexpr int64_t kSmallTable = 28'000;
constexpr int64_t kLargeTable = 450'000;

// The arena block a database gives a memtable of that many entries.
size_t ArenaBlockFor(uint64_t entries) {
  return MemTable::ArenaBlockSizeFor(entries == kLargeTable ? 64 << 20 : 4 << 20);
}

MemTableRep RepArg(const benchmark::State& state) {
  return state.range(0) == 0 ? MemTableRep::kSkipList : MemTableRep::kBTree;
}

void RepSizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"btree", "entries"});
  for (int64_t rep : {0, 1}) {
    for (int64_t entries : {kSmallTable, kLargeTable}) b->Args({rep, entries});
  }
}

// One iteration fills a new memtable with args[1] random keys through Add; an item is one Add.
void BM_MemTableFill(benchmark::State& state) {
  const uint64_t entries = static_cast<uint64_t>(state.range(1));
  char key[kKeySize];
  uint64_t n = 0;
  for (auto _ : state) {
    auto* mem = new MemTable(Icmp(), RepArg(state), ArenaBlockFor(entries));
    mem->Ref();
    for (uint64_t i = 0; i < entries; i++, n++) {
      MakeKey(n, true, key);
      mem->Add(n + 1, ValueType::kValue, std::string_view(key, kKeySize), Value());
    }
    state.PauseTiming();
    mem->Unref();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(entries));
}
BENCHMARK(BM_MemTableFill)->Apply(RepSizes)->Unit(benchmark::kMillisecond);

// A memtable of `entries` random keys per index, built on first use and kept for the process.
MemTable* SizedTable(MemTableRep rep, uint64_t entries) {
  static MemTable* tables[2][2] = {};
  MemTable*& mem = tables[rep == MemTableRep::kBTree][entries == kLargeTable];
  if (mem == nullptr) {
    mem = new MemTable(Icmp(), rep, ArenaBlockFor(entries));
    mem->Ref();
    char key[kKeySize];
    for (uint64_t n = 0; n < entries; n++) {
      MakeKey(n, true, key);
      mem->Add(n + 1, ValueType::kValue, std::string_view(key, kKeySize), Value());
    }
  }
  return mem;
}

void BM_MemTableGetSized(benchmark::State& state) {
  const uint64_t entries = static_cast<uint64_t>(state.range(1));
  GetHits(state, SizedTable(RepArg(state), entries), entries);
}
BENCHMARK(BM_MemTableGetSized)->Apply(RepSizes);

// One item is one Next (forward) or Prev (backward) with its key and value.
void BM_MemTableScanSized(benchmark::State& state) {
  MemTable* mem = SizedTable(RepArg(state), static_cast<uint64_t>(state.range(1)));
  const bool backward = state.range(2) != 0;
  std::unique_ptr<InternalIterator> it = mem->NewIterator();
  auto restart = [&] { backward ? it->SeekToLast() : it->SeekToFirst(); };
  restart();
  for (auto _ : state) {
    benchmark::DoNotOptimize(it->key().size() + it->value().size());
    backward ? it->Prev() : it->Next();
    if (!it->Valid()) restart();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemTableScanSized)
    ->ArgNames({"btree", "entries", "backward"})
    ->ArgsProduct({{0, 1}, {kSmallTable, kLargeTable}, {0, 1}});

}  // namespace
}  // namespace lsm
