// tsan_concurrency (docs/testing.md): writer, reader, iterator and snapshot threads, a thread that
// flushes and compacts, and the background flush and compaction threads, all on one database,
// checked against an expected-value array. Each key's writes carry increasing versions; a
// writer publishes a version as pending before its write and as done after it, so a read that
// starts after `done` = lo and ends before `pending` = hi must see one of the versions lo..hi
// (version 0 and every fifth version are "absent": never written, or deleted). A snapshot or
// iterator sees such a version for every key, and the same one each time it is asked.
//
// Column families, merges and range deletions: every batch writes its keys to the default
// family and the same to a second one, "mirror", whose deletions are range deletions one time
// in two, and adds one to its writer's counter there through Merge. A snapshot scan of both
// families sees the same version of every key (batches are atomic across families), and a
// counter read between a writer's batches done and pending counts. Another thread creates a
// scratch family, writes, reads and flushes it, and drops it again, meanwhile.
//
// Runs under ThreadSanitizer in CI (label `tsan`); a failure prints the seed.
// Scale: LSM_TSAN_CONCURRENCY_SECONDS per seed (default 30), three seeds.
#include <absl/strings/str_format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "lsm/write_batch.h"
#include "src/util/coding.h"
#include "src/util/random.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

constexpr int kKeys = 2000;
constexpr int kWriters = 3;

bool Absent(uint64_t version) { return version % 5 == 0; }

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// The mirror family's counter of writer w's batches.
std::string CounterKey(int w) { return "count" + std::to_string(w); }

std::string Value(int k, uint64_t version) {
  std::string v = absl::StrFormat("%d.%u:", k, version);
  v.resize(v.size() + (version * 7 + static_cast<uint64_t>(k)) % 200, 'x');
  return v;
}

class ConcurrencyTest : public testing::TestWithParam<int> {
 protected:
  ConcurrencyTest()
      : done_(kKeys), pending_(kKeys), batches_done_(kWriters), batches_pending_(kWriters) {}

  void SetUp() override {
    seed_ = TestSeed() + static_cast<uint64_t>(GetParam());
    options_.create_if_missing = true;
    options_.write_buffer_size = 64 << 10;
    options_.max_bytes_for_level_base = 256 << 10;
    options_.target_file_size_base = 64 << 10;
    options_.level0_file_num_compaction_trigger = 2;
    options_.max_background_jobs = 3;
    // Both memtable indexes: the parameter 1 runs the skiplist, the others the default.
    if (GetParam() == 1) options_.memtable_factory = NewSkipListFactory();
    options_.compaction_style =
        seed_ % 2 == 0 ? CompactionStyle::kLevel : CompactionStyle::kUniversal;
    if (seed_ % 3 == 0) options_.block_cache_bytes = 0;
    options_.create_missing_column_families = true;
    options_.atomic_flush = seed_ % 2 == 1;
    ASSERT_NO_FATAL_FAILURE(Open());
  }

  void Open() {
    ColumnFamilyOptions mirror = options_;
    mirror.merge_operator = MergeOperators::CreateUInt64AddOperator();
    mirror.compaction_style = CompactionStyle::kLevel;
    std::vector<ColumnFamilyHandle*> handles;
    Status s = DB::Open(options_, dir_.path() + "/db",
                        {{kDefaultColumnFamilyName, options_}, {"mirror", mirror}}, &handles, &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    mirror_ = handles[1];
  }

  // The default family or the mirror, at random.
  ColumnFamilyHandle* AnyFamily(Random* rnd) {
    return rnd->OneIn(2) ? db_->DefaultColumnFamily() : mirror_;
  }

  // Whether a read of key k that found `value` (or nothing) is allowed between versions lo and
  // hi; records a failure otherwise.
  bool Check(int k, bool found, std::string_view value, uint64_t lo, uint64_t hi,
             const char* what) {
    if (found) {
      const std::string prefix = absl::StrFormat("%d.", k);
      uint64_t version = 0;
      const size_t colon = value.find(':');
      const bool parsed = value.starts_with(prefix) && colon != std::string_view::npos &&
                          ParseNumber(value.substr(prefix.size(), colon - prefix.size()), &version);
      if (parsed && version >= lo && version <= hi && !Absent(version)) return true;
      return Fail(absl::StrFormat("%s: %s read as '%s', versions %u..%u allowed", what, Key(k),
                                  value.substr(0, 24), lo, hi));
    }
    for (uint64_t v = lo; v <= hi; v++) {
      if (Absent(v)) return true;
    }
    return Fail(absl::StrFormat("%s: %s not found, versions %u..%u allowed", what, Key(k), lo, hi));
  }

  bool Fail(const std::string& message) {
    if (!failed_.exchange(true)) ADD_FAILURE() << message << " (seed " << seed_ << ")";
    return false;
  }

  std::vector<uint64_t> Load(std::vector<std::atomic<uint64_t>>& a) {
    std::vector<uint64_t> out(a.size());
    for (size_t i = 0; i < a.size(); i++) out[i] = a[i].load(std::memory_order_acquire);
    return out;
  }

  void Writer(int w, std::chrono::steady_clock::time_point deadline) {
    Random rnd(seed_ * 31 + static_cast<uint64_t>(w));
    while (std::chrono::steady_clock::now() < deadline && !failed_) {
      WriteBatch batch;
      std::vector<std::pair<int, uint64_t>> versions;
      const int n = rnd.OneIn(4) ? 1 + static_cast<int>(rnd.Uniform(8)) : 1;
      for (int i = 0; i < n; i++) {
        // Writer w owns the keys k with k % kWriters == w.
        const int k = static_cast<int>(rnd.Uniform(kKeys / kWriters)) * kWriters + w;
        uint64_t version = pending_[k].load(std::memory_order_relaxed) + 1;
        for (const auto& [key, v] : versions) version = key == k ? v + 1 : version;
        versions.emplace_back(k, version);
        if (Absent(version)) {
          batch.Delete(Key(k));
          if (rnd.OneIn(2)) {
            batch.DeleteRange(mirror_, Key(k), Key(k) + '\0');  // the key alone
          } else {
            batch.Delete(mirror_, Key(k));
          }
        } else {
          batch.Put(Key(k), Value(k, version));
          batch.Put(mirror_, Key(k), Value(k, version));
        }
      }
      std::string one(8, '\0');
      EncodeFixed64(one.data(), 1);
      batch.Merge(mirror_, CounterKey(w), one);
      for (const auto& [k, v] : versions) pending_[k].store(v, std::memory_order_release);
      batches_pending_[w].fetch_add(1, std::memory_order_release);
      const Status s = db_->Write(WriteOptions{.sync = rnd.OneIn(100)}, &batch);
      if (!s.ok()) Fail("write: " + s.ToString());
      for (const auto& [k, v] : versions) done_[k].store(v, std::memory_order_release);
      batches_done_[w].fetch_add(1, std::memory_order_release);
    }
  }

  void Reader(std::chrono::steady_clock::time_point deadline) {
    Random rnd(seed_ * 37);
    std::string value;
    while (std::chrono::steady_clock::now() < deadline && !failed_) {
      if (rnd.OneIn(10)) {
        // A counter counts the batches of its writer that completed, and maybe those under way.
        const int w = static_cast<int>(rnd.Uniform(kWriters));
        const uint64_t lo = batches_done_[w].load(std::memory_order_acquire);
        const Status s = db_->Get(ReadOptions(), mirror_, CounterKey(w), &value);
        const uint64_t hi = batches_pending_[w].load(std::memory_order_acquire);
        const uint64_t count = s.ok() && value.size() == 8 ? DecodeFixed64(value.data()) : 0;
        if (!(s.ok() || (s.IsNotFound() && lo == 0)) || count < lo || count > hi) {
          Fail(absl::StrFormat("counter %d: %s, %u; %u..%u allowed", w, s.ToString(), count, lo,
                               hi));
        }
        continue;
      }
      const int k = static_cast<int>(rnd.Uniform(kKeys));
      const uint64_t lo = done_[k].load(std::memory_order_acquire);
      const Status s = db_->Get(ReadOptions(), AnyFamily(&rnd), Key(k), &value);
      const uint64_t hi = pending_[k].load(std::memory_order_acquire);
      if (!s.ok() && !s.IsNotFound()) Fail("get: " + s.ToString());
      Check(k, s.ok(), value, lo, hi, "get");
    }
  }

  // Walks the whole key space with `it` and checks every key against versions lo..hi; `seen`
  // receives what each key read as ("" for absent) when it is not null.
  void Scan(Iterator* it, const std::vector<uint64_t>& lo, const std::vector<uint64_t>& hi,
            std::vector<std::string>* seen, const char* what) {
    int next = 0;
    for (it->SeekToFirst(); it->Valid() && !failed_; it->Next()) {
      const std::string key(it->key());
      if (key.starts_with("count")) continue;  // the mirror's counters
      int k = 0;
      if (!key.starts_with("key") || !ParseNumber(std::string_view(key).substr(3), &k) ||
          k < next) {
        Fail(absl::StrFormat("%s: unexpected key %s after %d", what, key, next));
        return;
      }
      for (; next < k; next++) Check(next, false, "", lo[next], hi[next], what);
      Check(k, true, it->value(), lo[k], hi[k], what);
      if (seen != nullptr) (*seen)[k] = std::string(it->value());
      next = k + 1;
    }
    if (!it->status().ok()) Fail(std::string(what) + ": " + it->status().ToString());
    for (; next < kKeys && !failed_; next++) Check(next, false, "", lo[next], hi[next], what);
  }

  void Iterators(std::chrono::steady_clock::time_point deadline) {
    Random rnd(seed_ * 39);
    while (std::chrono::steady_clock::now() < deadline && !failed_) {
      // The iterator reads as of its creation, between these two loads.
      const std::vector<uint64_t> lo = Load(done_);
      std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions(), AnyFamily(&rnd));
      const std::vector<uint64_t> hi = Load(pending_);
      Scan(it.get(), lo, hi, nullptr, "iterator");
    }
  }

  void Snapshots(std::chrono::steady_clock::time_point deadline) {
    Random rnd(seed_ * 41);
    std::string value;
    while (std::chrono::steady_clock::now() < deadline && !failed_) {
      const std::vector<uint64_t> lo = Load(done_);
      const Snapshot* snap = db_->GetSnapshot();
      const std::vector<uint64_t> hi = Load(pending_);
      std::vector<std::string> seen(kKeys), mirrored(kKeys);
      ReadOptions scan_options;
      scan_options.snapshot = snap;
      Scan(db_->NewIterator(scan_options).get(), lo, hi, &seen, "snapshot scan");
      // The mirror, at the same snapshot, holds the same version of every key.
      Scan(db_->NewIterator(scan_options, mirror_).get(), lo, hi, &mirrored, "mirror scan");
      for (int k = 0; k < kKeys && !failed_; k++) {
        if (seen[k] != mirrored[k]) {
          Fail(absl::StrFormat("snapshot: %s is '%s' in the default family, '%s' in the mirror",
                               Key(k), seen[k].substr(0, 24), mirrored[k].substr(0, 24)));
        }
      }
      // Later reads of the snapshot, while writes, flushes and compactions go on, see the
      // same thing.
      for (int i = 0; i < 500 && !failed_; i++) {
        std::this_thread::sleep_for(std::chrono::microseconds(rnd.Uniform(200)));
        const int k = static_cast<int>(rnd.Uniform(kKeys));
        ReadOptions ro;
        ro.snapshot = snap;
        const Status s = db_->Get(ro, Key(k), &value);
        if (!s.ok() && !s.IsNotFound()) Fail("snapshot get: " + s.ToString());
        const std::string now = s.ok() ? value : "";
        if (now != seen[k]) {
          Fail(absl::StrFormat("snapshot get: %s read as '%s', the scan saw '%s'", Key(k),
                               now.substr(0, 24), seen[k].substr(0, 24)));
        }
      }
      db_->ReleaseSnapshot(snap);
    }
  }

  void Maintenance(std::chrono::steady_clock::time_point deadline) {
    Random rnd(seed_ * 43);
    while (std::chrono::steady_clock::now() < deadline && !failed_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50 + rnd.Uniform(200)));
      Status s;
      if (rnd.OneIn(3)) {
        const std::string a = Key(static_cast<int>(rnd.Uniform(kKeys)));
        const std::string b = Key(static_cast<int>(rnd.Uniform(kKeys)));
        const std::string_view begin = std::min(a, b), end = std::max(a, b);
        s = db_->CompactRange(AnyFamily(&rnd), &begin, &end);
      } else if (rnd.OneIn(2)) {
        s = db_->Flush(FlushOptions(), AnyFamily(&rnd));
      } else {
        s = db_->Flush(FlushOptions(), {db_->DefaultColumnFamily(), mirror_});
      }
      if (!s.ok()) Fail("maintenance: " + s.ToString());
    }
  }

  // Creates a scratch family, writes and reads it, and drops it, over and over.
  void Churn(std::chrono::steady_clock::time_point deadline) {
    Random rnd(seed_ * 47);
    std::string value;
    for (int round = 0; std::chrono::steady_clock::now() < deadline && !failed_; round++) {
      ColumnFamilyHandle* scratch = nullptr;
      Status s = db_->CreateColumnFamily(options_, "scratch", &scratch);
      if (!s.ok()) {
        Fail("create: " + s.ToString());
        return;
      }
      const int n = static_cast<int>(rnd.Uniform(300));
      for (int i = 0; i < n && s.ok(); i++) {
        s = db_->Put(WriteOptions(), scratch, Key(i), absl::StrFormat("%d.%d", round, i));
      }
      if (s.ok() && rnd.OneIn(3)) s = db_->Flush(FlushOptions(), scratch);
      for (int i = 0; i < n && s.ok(); i++) {
        s = db_->Get(ReadOptions(), scratch, Key(i), &value);
        if (s.ok() && value != absl::StrFormat("%d.%d", round, i)) {
          Fail(absl::StrFormat("scratch: %s read as '%s' in round %d", Key(i), value, round));
        }
      }
      if (s.ok()) s = db_->DropColumnFamily(scratch);
      if (!s.ok()) Fail("scratch: " + s.ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(rnd.Uniform(20)));
    }
  }

  uint64_t seed_ = 0;
  TempDir dir_;
  Options options_;
  std::unique_ptr<DB> db_;
  ColumnFamilyHandle* mirror_ = nullptr;
  std::vector<std::atomic<uint64_t>> done_, pending_;
  std::vector<std::atomic<uint64_t>> batches_done_, batches_pending_;  // per writer
  std::atomic<bool> failed_{false};
};

TEST_P(ConcurrencyTest, ReadsSeeOnlyAllowedVersions) {
  const int64_t seconds = EnvInt("LSM_TSAN_CONCURRENCY_SECONDS", 30);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; w++) threads.emplace_back([&, w] { Writer(w, deadline); });
  threads.emplace_back([&] { Reader(deadline); });
  threads.emplace_back([&] { Reader(deadline); });
  threads.emplace_back([&] { Iterators(deadline); });
  threads.emplace_back([&] { Snapshots(deadline); });
  threads.emplace_back([&] { Maintenance(deadline); });
  threads.emplace_back([&] { Churn(deadline); });
  for (auto& t : threads) t.join();
  ASSERT_FALSE(failed_);
  // Quiet now: everything written reads back exactly, before and after a reopen.
  for (int round = 0; round < 2; round++) {
    const std::vector<uint64_t> done = Load(done_);
    Scan(db_->NewIterator(ReadOptions()).get(), done, done, nullptr,
         round == 0 ? "final scan" : "scan after reopen");
    Scan(db_->NewIterator(ReadOptions(), mirror_).get(), done, done, nullptr,
         round == 0 ? "final mirror scan" : "mirror scan after reopen");
    for (int w = 0; w < kWriters; w++) {
      std::string value;
      const uint64_t batches = batches_done_[w].load();
      Status s = db_->Get(ReadOptions(), mirror_, CounterKey(w), &value);
      ASSERT_TRUE(s.ok() || batches == 0) << s.ToString();
      if (s.ok()) {
        EXPECT_EQ(DecodeFixed64(value.data()), batches) << "writer " << w;
      }
    }
    ASSERT_FALSE(failed_);
    ASSERT_TRUE(db_->Close().ok());
    ASSERT_NO_FATAL_FAILURE(Open());
  }
  uint64_t writes = 0;
  for (const auto& d : done_) writes += d.load();
  std::fprintf(stderr, "[ stats    ] %lld s: %llu key versions written\n",
               static_cast<long long>(seconds), static_cast<unsigned long long>(writes));
}

INSTANTIATE_TEST_SUITE_P(Seeds, ConcurrencyTest, testing::Values(0, 1, 2),
                         [](const auto& info) { return "Seed" + std::to_string(info.param); });

}  // namespace
}  // namespace lsm
