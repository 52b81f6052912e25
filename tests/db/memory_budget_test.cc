// DBOptions::memory_budget: several databases and column families under one memory limit
// (include/lsm/memory_budget.h, docs/design.md "Memory budget"). The largest memtable of all is
// flushed at the memtables' share, writers wait for memory without deadlocking (more writers
// than memtables fit, a failed flush), the usage is accounted and shown by "lsm.memory", and a
// budget too small for the families is refused with nothing changed. The process's resident
// memory under a budget is checked by memory_budget_rss_test.cc.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lsm/db.h"
#include "lsm/memory_budget.h"
#include "src/db/memory_budget.h"
#include "src/io/read_file.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// Runs `work` on a thread and waits for it at most `deadline`. A hang fails the test: the
// process aborts (a hung thread cannot be joined) after printing `diagnose()`.
void RunWithDeadline(const std::function<void()>& work, std::chrono::seconds deadline,
                     const std::function<std::string()>& diagnose) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread t([&] {
    work();
    std::lock_guard<std::mutex> l(mu);
    done = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> l(mu);
  if (!cv.wait_for(l, deadline, [&] { return done; })) {
    std::fprintf(stderr, "hung for %lld s; state:\n%s\n", static_cast<long long>(deadline.count()),
                 diagnose().c_str());
    std::fflush(stderr);
    std::abort();
  }
  l.unlock();
  t.join();
}

// A database of the test: its handles by family name.
struct TestDB {
  std::unique_ptr<DB> db;
  std::vector<ColumnFamilyHandle*> handles;  // in the order of the names opened
};

class MemoryBudgetTest : public testing::Test {
 protected:
  MemoryBudgetTest() : fs_(std::make_shared<MemFileSystem>()) {
    db_options_.create_if_missing = true;
    db_options_.create_missing_column_families = true;
    db_options_.file_system = fs_;
    // Memtables small enough that the arena's blocks (a sixteenth of it, at least 64 KiB)
    // keep their memory close to what they hold; never full before the budget acts.
    cf_options_.write_buffer_size = 1 << 20;
  }

  Status TryOpen(const std::string& name, const std::vector<std::string>& families, TestDB* out,
                 const DBOptions* options = nullptr) {
    std::vector<ColumnFamilyDescriptor> descs;
    for (const std::string& f : families) descs.push_back({f, cf_options_});
    return DB::Open(options != nullptr ? *options : db_options_, name, descs, &out->handles,
                    &out->db);
  }
  void Open(const std::string& name, const std::vector<std::string>& families, TestDB* out) {
    Status s = TryOpen(name, families, out);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  static uint64_t Int(DB* db, ColumnFamilyHandle* cf, const std::string& property) {
    uint64_t n = 0;
    EXPECT_TRUE(db->GetIntProperty(cf, property, &n)) << property;
    return n;
  }
  static std::string Text(DB* db, const std::string& property) {
    std::string v;
    EXPECT_TRUE(db->GetProperty(property, &v)) << property;
    return v;
  }
  static uint64_t Level0(const TestDB& d, size_t family) {
    return Int(d.db.get(), d.handles[family], "lsm.num-files-at-level0");
  }
  // Polls until `done` or 30 s pass; false then.
  static bool Eventually(const std::function<bool()>& done) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done()) {
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  std::shared_ptr<MemFileSystem> fs_;
  DBOptions db_options_;
  ColumnFamilyOptions cf_options_;
};

const std::string kValue(1000, 'v');

// Two databases share a budget. When the memtables reach their share, the largest active
// memtable of all is flushed, even though it is in the database that is not being written.
TEST_F(MemoryBudgetTest, LargestMemtableOfAllIsFlushedAtTheShare) {
  db_options_.memory_budget = MemoryBudget::Create(2 << 20, 512 << 10);
  TestDB a, b;
  ASSERT_NO_FATAL_FAILURE(Open("/a", {"default", "big"}, &a));
  ASSERT_NO_FATAL_FAILURE(Open("/b", {"default", "small"}, &b));
  // 300 KB in a's "big": the largest memtable, below the share.
  for (int i = 0; i < 300; i++) {
    ASSERT_TRUE(a.db->Put(WriteOptions(), a.handles[1], Key(i), kValue).ok());
  }
  EXPECT_EQ(Level0(a, 1), 0u);
  // Then b's default grows until the memtables of both reach the share.
  for (int i = 0; i < 250 && Level0(a, 1) == 0; i++) {
    ASSERT_TRUE(b.db->Put(WriteOptions(), b.handles[0], Key(i), kValue).ok());
  }
  // The table is installed before the flushed memtable leaves the family: wait for both.
  ASSERT_TRUE(Eventually([&] {
    return Level0(a, 1) == 1 && Int(a.db.get(), a.handles[1], "lsm.num-immutable-mem-table") == 0;
  })) << Text(b.db.get(), "lsm.memory");
  EXPECT_EQ(Level0(a, 0), 0u);
  EXPECT_EQ(Level0(b, 0), 0u);
  EXPECT_EQ(Level0(b, 1), 0u);
  // Its memory went back to the budget.
  EXPECT_LT(Int(a.db.get(), a.handles[1], "lsm.cur-size-all-mem-tables"), 64u << 10);
  std::string value;
  ASSERT_TRUE(a.db->Get(ReadOptions(), a.handles[1], Key(7), &value).ok());
  EXPECT_EQ(value, kValue);
}

// The budget's figures and "lsm.memory": the memtables of every database, the shared block
// cache sized to the rest, its pinned index and filter blocks.
TEST_F(MemoryBudgetTest, UsageAndMemoryProperty) {
  auto budget = MemoryBudget::Create(4 << 20);
  db_options_.memory_budget = budget;
  db_options_.block_cache_bytes = 1 << 10;  // ignored: the budget's cache is used
  TestDB a, b;
  ASSERT_NO_FATAL_FAILURE(Open("/a", {"default", "x"}, &a));
  ASSERT_NO_FATAL_FAILURE(Open("/b", {"default"}, &b));
  for (int i = 0; i < 200; i++) {
    ASSERT_TRUE(a.db->Put(WriteOptions(), a.handles[i % 2], Key(i), kValue).ok());
    ASSERT_TRUE(b.db->Put(WriteOptions(), Key(i), kValue).ok());
  }
  ASSERT_TRUE(b.db->Flush().ok());
  std::string value;
  for (int i = 0; i < 200; i += 10) ASSERT_TRUE(b.db->Get(ReadOptions(), Key(i), &value).ok());
  for (int i = 0; i < 200; i++) {
    ASSERT_TRUE(b.db->Put(WriteOptions(), Key(1000 + i), "small").ok());
  }

  // lsm.memory refreshes its database's figures: afterwards the budget's are exact.
  const std::string text_a = Text(a.db.get(), "lsm.memory");
  const std::string text_b = Text(b.db.get(), "lsm.memory");
  const MemoryBudget::Usage u = budget->breakdown();
  const uint64_t mem_a = Int(a.db.get(), a.handles[0], "lsm.cur-size-all-mem-tables") +
                         Int(a.db.get(), a.handles[1], "lsm.cur-size-all-mem-tables");
  const uint64_t mem_b = Int(b.db.get(), b.handles[0], "lsm.cur-size-all-mem-tables");
  EXPECT_EQ(u.memtables, mem_a + mem_b);
  EXPECT_GT(mem_a, 200u * 1000);
  EXPECT_EQ(u.databases, 2);
  EXPECT_EQ(u.column_families, 3);
  EXPECT_GT(u.pinned, 0u);  // b's table: its index and filter
  EXPECT_GE(u.block_cache, u.pinned);
  EXPECT_GT(u.block_cache, u.pinned);  // and data blocks read
  EXPECT_EQ(budget->usage(), u.memtables + u.block_cache);
  // One cache, the budget's, of the limit less the memtables (followed in steps).
  const uint64_t capacity = Int(a.db.get(), a.handles[0], "lsm.block-cache-capacity");
  EXPECT_EQ(capacity, Int(b.db.get(), b.handles[0], "lsm.block-cache-capacity"));
  EXPECT_EQ(capacity, u.block_cache_capacity);
  EXPECT_NEAR(static_cast<double>(capacity), static_cast<double>((4 << 20) - u.memtables),
              static_cast<double>(MemoryBudgetImpl::kCapacityStep));
  EXPECT_EQ(Int(a.db.get(), a.handles[0], "lsm.memory-budget-limit"), 4u << 20);
  EXPECT_EQ(Int(b.db.get(), b.handles[0], "lsm.block-cache-pinned-usage"), u.pinned);
  const uint64_t usage = Int(b.db.get(), b.handles[0], "lsm.memory-budget-usage");
  EXPECT_GE(usage, u.memtables);

  EXPECT_NE(text_a.find("memory budget: 4194304 bytes, memtable share 2097152 bytes"),
            std::string::npos)
      << text_a;
  EXPECT_NE(text_a.find("in 2 databases, 3 column families"), std::string::npos) << text_a;
  EXPECT_NE(text_a.find("/a: "), std::string::npos) << text_a;
  EXPECT_NE(text_a.find("/b: "), std::string::npos) << text_a;
  EXPECT_NE(text_a.find("block cache: "), std::string::npos) << text_a;
  EXPECT_NE(text_a.find("pinned index and filter"), std::string::npos) << text_a;
  EXPECT_NE(text_a.find("this database (/a)"), std::string::npos) << text_a;
  EXPECT_NE(text_a.find("  x: "), std::string::npos) << text_a;
  EXPECT_NE(text_b.find("this database (/b)"), std::string::npos) << text_b;

  // Without a budget: the database's own cache, and the same text less the budget.
  TestDB c;
  DBOptions plain = db_options_;
  plain.memory_budget = nullptr;
  plain.block_cache_bytes = 1 << 20;
  ASSERT_TRUE(TryOpen("/c", {"default"}, &c, &plain).ok());
  const std::string text_c = Text(c.db.get(), "lsm.memory");
  EXPECT_NE(text_c.find("memory budget: none"), std::string::npos) << text_c;
  EXPECT_EQ(Int(c.db.get(), c.handles[0], "lsm.block-cache-capacity"), 1u << 20);
  EXPECT_EQ(Int(c.db.get(), c.handles[0], "lsm.memory-budget-limit"), 0u);
  EXPECT_EQ(budget->breakdown().databases, 2);
}

// More writers than memtables fit: eight threads over two databases of two families each
// write 16 MB under a budget with room for three memtables. All finish; the memtables stay
// within the budget.
TEST_F(MemoryBudgetTest, MoreWritersThanMemtablesFitAllFinish) {
  cf_options_.write_buffer_size = 256 << 10;
  auto budget = MemoryBudget::Create(1 << 20, 768 << 10);
  db_options_.memory_budget = budget;
  TestDB dbs[2];
  ASSERT_NO_FATAL_FAILURE(Open("/a", {"default", "x"}, &dbs[0]));
  ASSERT_NO_FATAL_FAILURE(Open("/b", {"default", "x"}, &dbs[1]));
  constexpr int kWriters = 8;
  constexpr int kPerWriter = 2000;
  std::atomic<bool> stop_sampling{false};
  std::atomic<size_t> peak{0};
  std::thread sampler([&] {
    while (!stop_sampling.load()) {
      const size_t m = budget->breakdown().memtables;
      if (m > peak.load()) peak.store(m);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  std::atomic<int> failures{0};
  RunWithDeadline(
      [&] {
        std::vector<std::thread> writers;
        for (int w = 0; w < kWriters; w++) {
          writers.emplace_back([&, w] {
            TestDB& d = dbs[w % 2];
            ColumnFamilyHandle* cf = d.handles[(w / 2) % 2];
            for (int i = 0; i < kPerWriter; i++) {
              Status s = d.db->Put(WriteOptions(), cf, Key(w * kPerWriter + i), kValue);
              if (!s.ok()) {
                failures++;
                return;
              }
            }
          });
        }
        for (std::thread& t : writers) t.join();
      },
      std::chrono::seconds(240),
      [&] { return Text(dbs[0].db.get(), "lsm.memory") + Text(dbs[1].db.get(), "lsm.stats"); });
  stop_sampling.store(true);
  sampler.join();
  EXPECT_EQ(failures.load(), 0);
  // Writers wait at the whole budget (less pinned blocks); a write group per database and an
  // arena block per family may be under way past it.
  EXPECT_LE(peak.load(), (1u << 20) + (512u << 10)) << Text(dbs[0].db.get(), "lsm.memory");
  for (int w = 0; w < kWriters; w++) {
    TestDB& d = dbs[w % 2];
    std::string value;
    const int k = w * kPerWriter + kPerWriter - 1;
    ASSERT_TRUE(d.db->Get(ReadOptions(), d.handles[(w / 2) % 2], Key(k), &value).ok()) << k;
  }
}

// A flush fails while writers of both databases wait for memory: the failing database's
// writer gets the error, the other's goes on; after Resume the first writes again.
TEST_F(MemoryBudgetTest, FailedFlushWakesWritersWaitingForMemory) {
  auto fault = std::make_shared<FaultFileSystem>(std::make_shared<MemFileSystem>(), 1);
  db_options_.file_system = fault;
  db_options_.memory_budget = MemoryBudget::Create(1 << 20, 512 << 10);
  TestDB a, b;
  ASSERT_NO_FATAL_FAILURE(Open("/a", {"default"}, &a));
  ASSERT_NO_FATAL_FAILURE(Open("/b", {"default"}, &b));
  // a's first table write fails, and its flush thread is held there until released.
  std::mutex mu;
  std::condition_variable cv;
  bool in_hook = false, release = false;
  fault->SetInjectionHook([&](FaultOp, const std::string& path) {
    if (path.find("/a/") != 0) return;
    std::unique_lock<std::mutex> l(mu);
    in_hook = true;
    cv.notify_all();
    cv.wait(l, [&] { return release; });
  });
  fault->FailNext(FaultOp::kWrite, 1, FaultError::kIO, ".sst");

  // a's writer: its first memtable is frozen at the share and its flush held; it goes on into
  // a second one until the memtables hold the budget, then waits for that flush.
  Status a_status;
  std::atomic<bool> a_done{false};
  std::thread a_writer([&] {
    for (int i = 0; i < 5000 && a_status.ok(); i++) {
      a_status = a.db->Put(WriteOptions(), Key(i), kValue);
    }
    a_done.store(true);
  });
  {
    std::unique_lock<std::mutex> l(mu);
    ASSERT_TRUE(cv.wait_for(l, std::chrono::seconds(30), [&] { return in_hook; }));
  }
  // Once the memtables hold the budget (a's writer waits then), b's writer needs memory too,
  // and waits for a's flush.
  ASSERT_TRUE(Eventually([&] {
    return Int(a.db.get(), a.handles[0], "lsm.memory-budget-usage") >= 1u << 20;
  })) << Text(a.db.get(), "lsm.memory");
  std::atomic<bool> b_done{false};
  Status b_status;
  std::thread b_writer([&] {
    b_status = b.db->Put(WriteOptions(), "b-key", kValue);
    b_done.store(true);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(a_done.load());
  EXPECT_FALSE(b_done.load()) << Text(b.db.get(), "lsm.memory");
  RunWithDeadline(
      [&] {
        {
          std::lock_guard<std::mutex> l(mu);
          release = true;
          cv.notify_all();
        }
        a_writer.join();
        b_writer.join();
      },
      std::chrono::seconds(60), [&] { return Text(a.db.get(), "lsm.memory"); });
  EXPECT_TRUE(a_status.IsIOError()) << a_status.ToString();
  EXPECT_TRUE(b_status.ok()) << b_status.ToString();
  EXPECT_NE(Text(b.db.get(), "lsm.stats").find("memory budget;"), std::string::npos);

  // b goes on writing meanwhile, flushing its own memtables.
  for (int i = 0; i < 500; i++) {
    ASSERT_TRUE(b.db->Put(WriteOptions(), Key(i), kValue).ok()) << i;
  }
  fault->SetInjectionHook(nullptr);
  fault->ClearErrorRules();
  ASSERT_TRUE(a.db->Resume().ok());
  for (int i = 0; i < 2000; i++) {
    ASSERT_TRUE(a.db->Put(WriteOptions(), Key(10000 + i), kValue).ok()) << i;
  }
  std::string value;
  ASSERT_TRUE(a.db->Get(ReadOptions(), Key(0), &value).ok());
}

// Random table write failures in one database while eight writers run in two: nothing hangs;
// the failing database's writers stop with the error, the other's finish.
TEST_F(MemoryBudgetTest, RandomFlushFailuresNeverHang) {
  auto fault = std::make_shared<FaultFileSystem>(std::make_shared<MemFileSystem>(), TestSeed());
  cf_options_.write_buffer_size = 256 << 10;
  db_options_.memory_budget = MemoryBudget::Create(1 << 20, 768 << 10);
  DBOptions faulty = db_options_;
  faulty.file_system = fault;
  TestDB a, b;
  ASSERT_TRUE(TryOpen("/a", {"default", "x"}, &a, &faulty).ok());
  ASSERT_NO_FATAL_FAILURE(Open("/b", {"default", "x"}, &b));
  fault->SetErrorRate(FaultOp::kWrite, 50, FaultError::kIO, ".sst");
  std::atomic<int> a_errors{0}, b_errors{0};
  RunWithDeadline(
      [&] {
        std::vector<std::thread> writers;
        for (int w = 0; w < 8; w++) {
          writers.emplace_back([&, w] {
            TestDB& d = w % 2 == 0 ? a : b;
            for (int i = 0; i < 1500; i++) {
              Status s =
                  d.db->Put(WriteOptions(), d.handles[(w / 2) % 2], Key(w * 10000 + i), kValue);
              if (!s.ok()) {
                (w % 2 == 0 ? a_errors : b_errors)++;
                return;
              }
            }
          });
        }
        for (std::thread& t : writers) t.join();
      },
      std::chrono::seconds(240),
      [&] { return Text(a.db.get(), "lsm.memory") + Text(a.db.get(), "lsm.stats"); });
  EXPECT_GT(fault->InjectedErrors(FaultOp::kWrite, ".sst"), 0u);
  EXPECT_EQ(b_errors.load(), 0);
  fault->ClearErrorRules();
  if (a_errors.load() > 0) {
    ASSERT_TRUE(a.db->Resume().ok());
  }
  ASSERT_TRUE(a.db->Put(WriteOptions(), "after", "resume").ok());
}

// A database closed while another still uses the budget takes its memtables with it; the
// budget lives as long as anyone holds it, database or not.
TEST_F(MemoryBudgetTest, CloseWhileOthersUseTheBudget) {
  auto budget = MemoryBudget::Create(4 << 20);
  std::weak_ptr<MemoryBudget> weak = budget;
  db_options_.memory_budget = budget;
  TestDB a, b;
  ASSERT_NO_FATAL_FAILURE(Open("/a", {"default"}, &a));
  ASSERT_NO_FATAL_FAILURE(Open("/b", {"default", "x"}, &b));
  for (int i = 0; i < 300; i++) {
    ASSERT_TRUE(a.db->Put(WriteOptions(), Key(i), kValue).ok());
    ASSERT_TRUE(b.db->Put(WriteOptions(), Key(i), kValue).ok());
  }
  ASSERT_TRUE(a.db->Close().ok());
  (void)Text(b.db.get(), "lsm.memory");
  MemoryBudget::Usage u = budget->breakdown();
  EXPECT_EQ(u.databases, 1);
  EXPECT_EQ(u.column_families, 2);
  EXPECT_EQ(u.memtables, Int(b.db.get(), b.handles[0], "lsm.cur-size-all-mem-tables") +
                             Int(b.db.get(), b.handles[1], "lsm.cur-size-all-mem-tables"));
  // b goes on, with the room a had.
  for (int i = 0; i < 3000; i++) {
    ASSERT_TRUE(b.db->Put(WriteOptions(), b.handles[i % 2], Key(i), kValue).ok());
  }
  // Reopened: a is attached again.
  a.db.reset();
  ASSERT_NO_FATAL_FAILURE(Open("/a", {"default"}, &a));
  EXPECT_EQ(budget->breakdown().databases, 2);
  a.db.reset();  // destroyed without Close: detached all the same
  EXPECT_EQ(budget->breakdown().databases, 1);

  // Only the databases hold the budget now; it goes with the last.
  budget.reset();
  db_options_.memory_budget.reset();
  EXPECT_FALSE(weak.expired());
  std::string value;
  ASSERT_TRUE(b.db->Get(ReadOptions(), b.handles[1], Key(1), &value).ok());
  b.db.reset();
  EXPECT_TRUE(weak.expired());

  // A budget that outlives its databases: nothing charged once they are gone.
  auto kept = MemoryBudget::Create(4 << 20);
  db_options_.memory_budget = kept;
  ASSERT_NO_FATAL_FAILURE(Open("/b", {"default", "x"}, &b));
  ASSERT_TRUE(b.db->Put(WriteOptions(), "k", kValue).ok());
  EXPECT_GT(kept->breakdown().memtables, 0u);
  b.db.reset();
  EXPECT_EQ(kept->breakdown().memtables, 0u);
  EXPECT_EQ(kept->breakdown().databases, 0);
}

// A budget whose memtable share cannot hold a memtable (64 KiB) per family: Open and
// CreateColumnFamily fail with InvalidArgument naming it, and the database is left as it was.
TEST_F(MemoryBudgetTest, BudgetTooSmallForTheFamilies) {
  auto budget = MemoryBudget::Create(1 << 20, 256 << 10);  // four families
  db_options_.memory_budget = budget;
  TestDB a;
  Status s = TryOpen("/a", {"default", "b", "c", "d", "e"}, &a);
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("memory_budget of 1048576 bytes"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("5 column families"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("327680 bytes"), std::string::npos) << s.ToString();
  EXPECT_TRUE(fs_->FileExists("/a").IsNotFound());  // nothing made
  EXPECT_EQ(budget->breakdown().databases, 0);

  ASSERT_NO_FATAL_FAILURE(Open("/a", {"default", "b", "c"}, &a));
  ColumnFamilyHandle* h = nullptr;
  ASSERT_TRUE(a.db->CreateColumnFamily(cf_options_, "d", &h).ok());
  s = a.db->CreateColumnFamily(cf_options_, "e", &h);
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_EQ(h, nullptr);
  EXPECT_NE(s.ToString().find("column family e"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find("memory_budget"), std::string::npos) << s.ToString();
  // Another database does not fit either.
  TestDB other;
  s = TryOpen("/other", {"default"}, &other);
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(fs_->FileExists("/other").IsNotFound());
  a.db.reset();
  std::vector<std::string> names;
  ASSERT_TRUE(DB::ListColumnFamilies(db_options_, "/a", &names).ok());
  EXPECT_EQ(names.size(), 4u);
  // Room again once a is closed.
  ASSERT_NO_FATAL_FAILURE(Open("/other", {"default"}, &other));

  // A memtable share larger than the budget.
  TestDB c;
  db_options_.memory_budget = MemoryBudget::Create(1 << 20, 2 << 20);
  s = TryOpen("/c", {"default"}, &c);
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("memory_budget"), std::string::npos) << s.ToString();
  EXPECT_TRUE(fs_->FileExists("/c").IsNotFound());
}

// The OPTIONS file records the budget's sizes; loading it keeps the options' own budget.
TEST_F(MemoryBudgetTest, OptionsFileRecordsTheBudget) {
  db_options_.memory_budget = MemoryBudget::Create(4 << 20, 1 << 20);
  TestDB a;
  ASSERT_NO_FATAL_FAILURE(Open("/a", {"default", "x"}, &a));
  a.db.reset();
  DBOptions loaded;
  loaded.file_system = fs_;
  std::vector<ColumnFamilyDescriptor> families;
  std::string path;
  Status s = LoadLatestOptions("/a", &loaded, &families, &path);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(loaded.memory_budget, nullptr);
  EXPECT_EQ(families.size(), 2u);
  std::string text;
  ASSERT_TRUE(ReadFileToString(fs_.get(), path, &text).ok());
  EXPECT_NE(text.find("memory_budget=4194304 bytes, memtables 1048576"), std::string::npos) << text;
}

}  // namespace
}  // namespace lsm
