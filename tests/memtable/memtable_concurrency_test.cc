// Writers insert disjoint keys while readers search and iterate: every key a writer has
// finished inserting must be visible, and every scan must be sorted. Labelled `tsan`.
//
// Writers draw their keys from one shared counter, so they all insert near the end of the list
// at the same moment and contend for the same links.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lsm/comparator.h"
#include "src/memtable/concurrent_arena.h"
#include "src/memtable/memtable.h"
#include "src/memtable/skiplist.h"
#include "src/util/coding.h"
#include "src/util/random.h"
#include "tests/memtable/u64_skiplist.h"

namespace lsm {
namespace {

constexpr int kWriters = 3;
constexpr int kReaders = 2;
constexpr uint64_t kKeysPerWriter = 20000;
constexpr uint64_t kTotalKeys = kWriters * kKeysPerWriter;

// Which keys each writer took, and how many of them it has finished inserting.
struct Progress {
  std::atomic<uint64_t> next_key{0};
  std::unique_ptr<uint64_t[]> keys[kWriters];
  std::atomic<uint64_t> done[kWriters] = {};
  std::atomic<bool> finished{false};
  // Keys are taken in order, or scattered over [0, kTotalKeys) (a bijection), so that the
  // writers insert all over the index instead of at its end.
  bool scatter = false;

  Progress() {
    for (auto& k : keys) k = std::make_unique<uint64_t[]>(kKeysPerWriter);
  }
  // Returns writer w's i-th key, recording it; then the caller inserts it and calls Done.
  uint64_t Take(int w, uint64_t i) {
    const uint64_t n = next_key.fetch_add(1, std::memory_order_relaxed);
    keys[w][i] = scatter ? n * 7919 % kTotalKeys : n;
    return keys[w][i];
  }
  void Done(int w, uint64_t i) { done[w].store(i + 1, std::memory_order_release); }
  void Snapshot(uint64_t* out) const {
    for (int w = 0; w < kWriters; w++) out[w] = done[w].load(std::memory_order_acquire);
  }
  // Counts the finished keys (per `before`) missing from `seen`.
  int Missing(const uint64_t* before, const std::vector<char>& seen) const {
    int missing = 0;
    for (int w = 0; w < kWriters; w++) {
      for (uint64_t i = 0; i < before[w]; i++) missing += !seen[keys[w][i]];
    }
    return missing;
  }
};

// Runs kWriters writer threads and kReaders reader threads; each reader calls `read` until the
// writers have finished, and once more after.
template <typename WriteFn, typename ReadFn>
void RunThreads(Progress* progress, WriteFn write, ReadFn read) {
  std::vector<std::thread> writers;
  std::vector<std::thread> readers;
  for (int w = 0; w < kWriters; w++) writers.emplace_back([=] { write(w); });
  for (int r = 0; r < kReaders; r++) {
    readers.emplace_back([=] {
      Random rnd(r + 1);
      bool last_pass = false;
      while (!last_pass) {
        last_pass = progress->finished.load(std::memory_order_acquire);
        read(&rnd);
      }
    });
  }
  for (auto& t : writers) t.join();
  progress->finished.store(true, std::memory_order_release);
  for (auto& t : readers) t.join();
}

using List = U64SkipList;

TEST(SkipListConcurrencyTest, ConcurrentWritersWithReaders) {
  ConcurrentArena arena;
  List list(U64Cmp(), &arena);
  Progress progress;
  std::atomic<int> failures{0};
  RunThreads(
      &progress,
      [&](int w) {
        for (uint64_t i = 0; i < kKeysPerWriter; i++) {
          char* buf = list.AllocateKey(8);
          EncodeFixed64(buf, progress.Take(w, i));
          list.InsertConcurrently(buf);
          progress.Done(w, i);
        }
      },
      [&](Random* rnd) {
        uint64_t before[kWriters];
        progress.Snapshot(before);
        std::vector<char> seen(kTotalKeys);
        List::Iterator it(&list);
        bool first = true;
        uint64_t prev = 0;
        for (it.SeekToFirst(); it.Valid(); it.Next()) {
          const uint64_t k = DecodeFixed64(it.key());
          if (!first && k <= prev) failures++;
          first = false;
          prev = k;
          seen[k] = 1;
        }
        failures += progress.Missing(before, seen);
        const int w = static_cast<int>(rnd->Uniform(kWriters));
        if (before[w] > 0 && !list.Contains(progress.keys[w][rnd->Uniform(before[w])])) {
          failures++;
        }
      });
  EXPECT_EQ(failures.load(), 0);
  uint64_t count = 0;
  List::Iterator it(&list);
  for (it.SeekToLast(); it.Valid(); it.Prev()) count++;
  EXPECT_EQ(count, kTotalKeys);
}

// One writer on the cheaper Insert path, readers alongside.
TEST(SkipListConcurrencyTest, SingleWriterWithReaders) {
  ConcurrentArena arena;
  List list(U64Cmp(), &arena);
  std::atomic<uint64_t> done{0};
  std::atomic<int> failures{0};
  std::thread reader([&] {
    Random rnd(5);
    for (uint64_t before = 0; before < kTotalKeys;) {
      before = done.load(std::memory_order_acquire);
      // Keys are scattered: i * 7919 mod kTotalKeys is a permutation.
      uint64_t seen = 0;
      List::Iterator it(&list);
      for (it.SeekToFirst(); it.Valid(); it.Next()) seen++;
      if (seen < before) failures++;
      if (before > 0 && !list.Contains(rnd.Uniform(before) * 7919 % kTotalKeys)) failures++;
    }
  });
  for (uint64_t i = 0; i < kTotalKeys; i++) {
    char* buf = list.AllocateKey(8);
    EncodeFixed64(buf, i * 7919 % kTotalKeys);
    list.Insert(buf);
    done.store(i + 1, std::memory_order_release);
  }
  reader.join();
  EXPECT_EQ(failures.load(), 0);
}

std::string UserKey(uint64_t k) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "key%08llu", static_cast<unsigned long long>(k));
  return buf;
}

// Every fifth key is a deletion.
bool IsDeletion(uint64_t k) { return k % 5 == 4; }

// The parameter is the memtable's index.
class MemTableConcurrencyTest : public ::testing::TestWithParam<MemTableRep> {};

void WritersReadersAndIterators(MemTableRep rep, bool scatter) {
  const InternalKeyComparator icmp(BytewiseComparator());
  MemTable* mem = new MemTable(icmp, rep);
  mem->Ref();
  Progress progress;
  progress.scatter = scatter;
  std::atomic<int> failures{0};
  RunThreads(
      &progress,
      [&](int w) {
        for (uint64_t i = 0; i < kKeysPerWriter; i++) {
          const uint64_t k = progress.Take(w, i);
          const std::string key = UserKey(k);
          mem->Add(k + 1, IsDeletion(k) ? ValueType::kDeletion : ValueType::kValue, key,
                   IsDeletion(k) ? "" : "v" + key);
          progress.Done(w, i);
        }
      },
      [&](Random* rnd) {
        uint64_t before[kWriters];
        progress.Snapshot(before);
        for (int w = 0; w < kWriters; w++) {
          if (before[w] == 0) continue;
          const uint64_t k = progress.keys[w][rnd->Uniform(before[w])];
          std::string value;
          Status s;
          if (!mem->Get(LookupKey(UserKey(k), kMaxSequenceNumber), &value, &s)) {
            failures++;
          } else if (IsDeletion(k) ? !s.IsNotFound() : value != "v" + UserKey(k)) {
            failures++;
          }
        }
        // A full scan, forwards or backwards.
        std::vector<char> seen(kTotalKeys);
        std::string prev;
        std::unique_ptr<InternalIterator> it = mem->NewIterator();
        const bool forward = rnd->OneIn(2);
        for (forward ? it->SeekToFirst() : it->SeekToLast(); it->Valid();
             forward ? it->Next() : it->Prev()) {
          const std::string_view k = it->key();
          if (!prev.empty() && (icmp.Compare(prev, k) < 0) != forward) failures++;
          prev.assign(k);
          seen[std::stoull(std::string(ExtractUserKey(k).substr(3)))] = 1;
        }
        failures += progress.Missing(before, seen);
      });
  EXPECT_EQ(failures.load(), 0);
  mem->Unref();
}

TEST_P(MemTableConcurrencyTest, WritersAtTheEndWithReadersAndIterators) {
  WritersReadersAndIterators(GetParam(), /*scatter=*/false);
}

TEST_P(MemTableConcurrencyTest, ScatteredWritersWithReadersAndIterators) {
  WritersReadersAndIterators(GetParam(), /*scatter=*/true);
}

// Phases of AddSingleWriter on this thread alternate with phases of concurrent Adds on
// others, while a reader runs throughout.
TEST_P(MemTableConcurrencyTest, SingleWriterPhasesBetweenConcurrentOnes) {
  constexpr int kPhases = 8;
  constexpr uint64_t kKeysPerPhase = 4000;
  const InternalKeyComparator icmp(BytewiseComparator());
  MemTable* mem = new MemTable(icmp, GetParam());
  mem->Ref();
  std::atomic<uint64_t> next_key{0};
  std::atomic<uint64_t> done{0};  // keys [0, done) are all in
  std::atomic<bool> finished{false};
  std::atomic<int> failures{0};
  auto add = [&](bool single_writer) {
    const uint64_t k = next_key.fetch_add(1, std::memory_order_relaxed);
    if (single_writer) {
      mem->AddSingleWriter(k + 1, ValueType::kValue, UserKey(k), "v" + UserKey(k));
    } else {
      mem->Add(k + 1, ValueType::kValue, UserKey(k), "v" + UserKey(k));
    }
  };
  std::thread reader([&] {
    Random rnd(9);
    std::string value;
    bool last_pass = false;
    while (!last_pass) {
      last_pass = finished.load(std::memory_order_acquire);
      const uint64_t before = done.load(std::memory_order_acquire);
      if (before > 0) {
        const uint64_t k = rnd.Uniform(before);
        Status s;
        if (!mem->Get(LookupKey(UserKey(k), kMaxSequenceNumber), &value, &s) ||
            value != "v" + UserKey(k)) {
          failures++;
        }
      }
      uint64_t seen = 0;
      std::unique_ptr<InternalIterator> it = mem->NewIterator();
      for (it->SeekToFirst(); it->Valid(); it->Next()) seen++;
      if (seen < before) failures++;
    }
  });
  for (int phase = 0; phase < kPhases; phase++) {
    if (phase % 2 == 0) {
      for (uint64_t i = 0; i < kKeysPerPhase; i++) add(true);
    } else {
      std::vector<std::thread> writers;
      for (int w = 0; w < 2; w++) {
        writers.emplace_back([&] {
          for (uint64_t i = 0; i < kKeysPerPhase / 2; i++) add(false);
        });
      }
      for (auto& t : writers) t.join();
    }
    done.store(next_key.load(std::memory_order_relaxed), std::memory_order_release);
  }
  finished.store(true, std::memory_order_release);
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  mem->Unref();
}

INSTANTIATE_TEST_SUITE_P(Reps, MemTableConcurrencyTest,
                         ::testing::Values(MemTableRep::kSkipList, MemTableRep::kBTree),
                         [](const auto& info) {
                           return info.param == MemTableRep::kBTree ? "BTree" : "SkipList";
                         });

TEST(ArenaConcurrencyTest, ConcurrentAllocate) {
  ConcurrentArena arena;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; t++) {
    threads.emplace_back([&, t] {
      Random rnd(t + 7);
      std::vector<std::pair<char*, size_t>> mine;
      for (int i = 0; i < 5000; i++) {
        // Mostly chunk-sized, some served centrally, a few with blocks of their own.
        size_t n = 1 + rnd.Uniform(200);
        if (rnd.OneIn(20)) n = 1 + rnd.Uniform(ConcurrentArena::kBlockSize / 4);
        if (rnd.OneIn(200)) n = ConcurrentArena::kBlockSize;
        char* p = arena.Allocate(n);
        std::memset(p, t, n);
        mine.emplace_back(p, n);
      }
      for (const auto& [p, n] : mine) {
        for (size_t j = 0; j < n; j++) failures += p[j] != t;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace lsm
