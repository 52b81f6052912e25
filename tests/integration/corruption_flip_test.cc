// corruption_flip (docs/testing.md): damage one file of a closed database, open it and read
// everything. Per file type (the WAL, a table's data blocks, index, filter, range-deletion
// block, metaindex and properties, footer, the MANIFEST, CURRENT): flip one byte at 200 random
// offsets (XOR with a random nonzero mask) and truncate at 50 random lengths. The table regions
// come from the table's own block map (ReadBlockMap, as `lsm sst layout` prints it).
//
// The database holds a known write history: write i is a batch that sets "!seq" to i and puts
// or deletes a few keys; every 25th also deletes a range of ten keys. Its tables (two leveled by a
// full compaction, two flushed after) hold writes 1..first; its WAL holds first+1..last, unflushed.
//
// Pass: no crash or sanitizer report, and either the open fails, or every answer is an error
// or agrees with the state after write j, one j for the whole case: every Get, a forward and a
// backward scan (a scan that ends early must say why in status()), and seeks. j = last unless
// the WAL is damaged, when point-in-time recovery may stop early (first <= j), and then it must
// report the damage when the damage is a flipped byte. The same holds after a full compaction
// (which must fail or keep every answer) and after a reopen (which must keep the same j).
//
// Scale: LSM_CORRUPTION_FLIP_ROUNDS (default 1) multiplies the 200 flips and 50 truncations
// per file type. A failure prints the seed (LSM_TEST_SEED replays it) and the damage.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "lsm/db.h"
#include "src/base/filename.h"
#include "src/sstable/format.h"
#include "src/sstable/table_layout.h"
#include "src/util/random.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

using Model = std::map<std::string, std::string>;

constexpr char kDb[] = "/db";
constexpr char kSeqKey[] = "!seq";

enum class Target {
  kWal,
  kSstData,
  kSstIndex,
  kSstFilter,
  kSstRangeDel,
  kSstMeta,  // metaindex and properties blocks
  kSstFooter,
  kManifest,
  kCurrent,
};

const char* TargetName(Target t) {
  switch (t) {
    case Target::kWal:
      return "wal";
    case Target::kSstData:
      return "sst-data";
    case Target::kSstIndex:
      return "sst-index";
    case Target::kSstFilter:
      return "sst-filter";
    case Target::kSstRangeDel:
      return "sst-range-del";
    case Target::kSstMeta:
      return "sst-meta";
    case Target::kSstFooter:
      return "sst-footer";
    case Target::kManifest:
      return "manifest";
    case Target::kCurrent:
      return "current";
  }
  return "?";
}

// For test names and messages.
void PrintTo(Target t, std::ostream* os) { *os << TargetName(t); }

// Bytes [begin, end) of one file.
struct Region {
  std::string path;
  uint64_t begin = 0;
  uint64_t end = 0;
};

Options DbOptions(std::shared_ptr<FileSystem> fs) {
  Options options;
  options.file_system = std::move(fs);
  options.block_size = 256;  // many data blocks and a many-entry index per table
  options.bloom_bits_per_key = 10;
  options.write_buffer_size = 256 << 10;           // only the explicit flushes write tables
  options.level0_file_num_compaction_trigger = 4;  // no compaction starts by itself
  return options;
}

// The undamaged database: its files, the write history behind them, and the regions of each
// file type.
class Pristine {
 public:
  void Build(uint64_t seed) {
    Random rnd(seed);
    auto fs = std::make_shared<MemFileSystem>();
    Options options = DbOptions(fs);
    options.create_if_missing = true;
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(options, kDb, &db).ok());
    Model model;
    models_.push_back(model);  // after 0 writes
    int written = 0;
    auto write = [&](int count) {
      for (int i = 0; i < count; i++) {
        WriteBatch batch;
        const std::string seq = std::to_string(++written);
        batch.Put(kSeqKey, seq);
        model[kSeqKey] = seq;
        const int ops = 1 + static_cast<int>(rnd.Uniform(3));
        for (int op = 0; op < ops; op++) {
          char key[16];
          std::snprintf(key, sizeof(key), "key%04d", static_cast<int>(rnd.Uniform(400)));
          if (rnd.OneIn(4)) {
            batch.Delete(key);
            model.erase(key);
          } else {
            const std::string value = RandomValue(&rnd, written);
            batch.Put(key, value);
            model[key] = value;
          }
        }
        if (written % 25 == 0) {
          char begin[16], end[16];
          const int first = static_cast<int>(rnd.Uniform(390));
          std::snprintf(begin, sizeof(begin), "key%04d", first);
          std::snprintf(end, sizeof(end), "key%04d", first + 10);
          batch.DeleteRange(begin, end);
          model.erase(model.lower_bound(begin), model.lower_bound(end));
        }
        ASSERT_TRUE(db->Write(WriteOptions(), &batch).ok());
        models_.push_back(model);
      }
    };
    // Two tables compacted into one sorted run, two level-0 tables above it, and a WAL.
    write(150);
    ASSERT_TRUE(db->Flush().ok());
    write(150);
    ASSERT_TRUE(db->Flush().ok());
    ASSERT_TRUE(db->CompactRange(nullptr, nullptr).ok());
    write(120);
    ASSERT_TRUE(db->Flush().ok());
    write(100);
    ASSERT_TRUE(db->Flush().ok());
    first_ = written;
    write(80);
    last_ = written;
    ASSERT_TRUE(db->Close().ok());
    db.reset();

    std::vector<std::string> names;
    ASSERT_TRUE(fs->GetChildren(kDb, &names).ok());
    for (const std::string& name : names) {
      const std::string path = std::string(kDb) + "/" + name;
      ASSERT_TRUE(fs->Contents(path, &files_[path]).ok());
      uint64_t number;
      FileType type;
      if (!ParseFileName(name, &number, &type)) continue;
      const Region whole{path, 0, files_[path].size()};
      switch (type) {
        case FileType::kLog:
          regions_[Target::kWal].push_back(whole);
          break;
        case FileType::kManifest:
          regions_[Target::kManifest].push_back(whole);
          break;
        case FileType::kCurrent:
          regions_[Target::kCurrent].push_back(whole);
          break;
        case FileType::kTable:
          AddTableRegions(fs.get(), path);
          break;
        default:
          break;
      }
    }
    ASSERT_EQ(regions_[Target::kWal].size(), 1u) << "one WAL holds the unflushed writes";
    ASSERT_EQ(regions_[Target::kManifest].size(), 1u);
    ASSERT_EQ(regions_[Target::kCurrent].size(), 1u);
    ASSERT_GE(tables_, 3);
    for (Target t : {Target::kSstData, Target::kSstIndex, Target::kSstFilter, Target::kSstRangeDel,
                     Target::kSstMeta, Target::kSstFooter}) {
      ASSERT_FALSE(regions_[t].empty()) << TargetName(t);
    }

    for (const Model& m : models_) {
      for (const auto& [k, v] : m) keys_.push_back(k);
    }
    for (int i = 0; i < 20; i++)
      keys_.push_back("key" + std::to_string(9000 + i));  // never written
    std::sort(keys_.begin(), keys_.end());
    keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
  }

  const std::map<std::string, std::string>& files() const { return files_; }
  const std::vector<Region>& regions(Target t) const { return regions_.at(t); }
  // The state after j writes.
  const Model& model(int j) const { return models_[j]; }
  // The writes in tables, and all writes.
  int first() const { return first_; }
  int last() const { return last_; }
  // Every key ever written, and a few never written.
  const std::vector<std::string>& keys() const { return keys_; }
  int tables() const { return tables_; }

 private:
  static std::string RandomValue(Random* rnd, int write) {
    const size_t len = rnd->OneIn(30) ? 1500 : 10 + rnd->Uniform(100);
    std::string v = "v" + std::to_string(write) + "-";
    while (v.size() < len) v += static_cast<char>('a' + rnd->Uniform(rnd->OneIn(2) ? 26 : 2));
    return v;
  }

  // Each block with its trailer: data blocks, index, filter, metaindex and properties, footer.
  void AddTableRegions(FileSystem* fs, const std::string& path) {
    uint64_t size = 0;
    std::unique_ptr<RandomAccessFile> file;
    std::vector<BlockInfo> blocks;
    Status s = fs->GetFileSize(path, &size);
    if (s.ok()) s = fs->NewRandomAccessFile(path, &file);
    if (s.ok()) s = ReadBlockMap(file.get(), path, size, &blocks);
    ASSERT_TRUE(s.ok()) << path << ": " << s.ToString();
    tables_++;
    for (const BlockInfo& b : blocks) {
      ASSERT_TRUE(b.status.ok()) << path << " " << b.kind << ": " << b.status.ToString();
      const bool footer = b.kind == "footer";
      const Region r{path, b.handle.offset,
                     b.handle.offset + b.handle.size + (footer ? 0 : kBlockTrailerSize)};
      if (footer) {
        regions_[Target::kSstFooter].push_back(r);
      } else if (b.kind == "index") {
        regions_[Target::kSstIndex].push_back(r);
      } else if (b.kind == "filter") {
        regions_[Target::kSstFilter].push_back(r);
      } else if (b.kind == "range_del") {
        regions_[Target::kSstRangeDel].push_back(r);
      } else if (b.kind.rfind("data", 0) == 0) {
        regions_[Target::kSstData].push_back(r);
      } else {
        regions_[Target::kSstMeta].push_back(r);
      }
    }
  }

  std::map<std::string, std::string> files_;
  std::map<Target, std::vector<Region>> regions_;
  std::vector<Model> models_;
  std::vector<std::string> keys_;
  int first_ = 0;
  int last_ = 0;
  int tables_ = 0;
};

// What a database answered, to be compared with the states it may hold.
struct Observation {
  struct Read {
    std::string key;
    Status status;
    std::string value;
  };
  struct Scan {
    std::string what;  // "forward", "backward", "seek <target>"
    std::vector<std::pair<std::string, std::string>> entries;
    Status status;
    size_t limit = SIZE_MAX;         // steps asked for (entries.size() < limit means it ended)
    bool valid_after_error = false;  // showed an entry while status() was not OK
  };
  std::vector<Read> reads;
  std::vector<Scan> scans;
  int errors = 0;
};

Observation Observe(DB* db, const std::vector<std::string>& keys, Random* rnd) {
  Observation obs;
  for (const std::string& k : keys) {
    Observation::Read r{k, Status::OK(), ""};
    r.status = db->Get(ReadOptions(), k, &r.value);
    if (!r.status.ok() && !r.status.IsNotFound()) obs.errors++;
    obs.reads.push_back(std::move(r));
  }
  auto scan = [&](std::string what, size_t limit, auto position, auto step) {
    Observation::Scan s;
    s.what = std::move(what);
    s.limit = limit;
    std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions());
    position(it.get());
    while (it->Valid() && s.entries.size() < s.limit) {
      if (!it->status().ok()) s.valid_after_error = true;
      s.entries.emplace_back(it->key(), it->value());
      if (s.entries.size() < s.limit) step(it.get());
    }
    s.status = it->status();
    if (!s.status.ok()) obs.errors++;
    obs.scans.push_back(std::move(s));
  };
  auto next = [](Iterator* it) { it->Next(); };
  scan(
      "forward", SIZE_MAX, [](Iterator* it) { it->SeekToFirst(); }, next);
  scan(
      "backward", SIZE_MAX, [](Iterator* it) { it->SeekToLast(); },
      [](Iterator* it) { it->Prev(); });
  for (int i = 0; i < 4; i++) {
    const std::string target = keys[rnd->Uniform(keys.size())];
    scan(
        "seek " + target, 1 + rnd->Uniform(8), [&](Iterator* it) { it->Seek(target); }, next);
  }
  return obs;
}

// Empty if every answer of `obs` is an error or agrees with `m`; otherwise the first that
// does not.
std::string Disagreement(const Observation& obs, const Model& m) {
  for (const Observation::Read& r : obs.reads) {
    auto it = m.find(r.key);
    if (r.status.ok()) {
      if (it == m.end()) return "Get(" + r.key + ") = '" + r.value + "', expected NotFound";
      if (it->second != r.value) {
        return "Get(" + r.key + ") = '" + r.value + "', expected '" + it->second + "'";
      }
    } else if (r.status.IsNotFound() && it != m.end()) {
      return "Get(" + r.key + ") NotFound, expected '" + it->second + "'";
    }
  }
  for (const Observation::Scan& s : obs.scans) {
    if (s.valid_after_error) return s.what + " scan showed an entry after an error";
    std::vector<std::pair<std::string, std::string>> expected;
    if (s.what == "forward") {
      expected.assign(m.begin(), m.end());
    } else if (s.what == "backward") {
      expected.assign(m.rbegin(), m.rend());
    } else {
      for (auto it = m.lower_bound(s.what.substr(5)); it != m.end() && expected.size() < s.limit;
           ++it) {
        expected.push_back(*it);
      }
    }
    for (size_t i = 0; i < s.entries.size(); i++) {
      if (i >= expected.size() || s.entries[i] != expected[i]) {
        return s.what + " scan step " + std::to_string(i) + ": '" + s.entries[i].first + "' -> '" +
               s.entries[i].second + "', expected " +
               (i < expected.size() ? "'" + expected[i].first + "' -> '" + expected[i].second + "'"
                                    : "the end") +
               "; the scan's status: " + s.status.ToString();
      }
    }
    if (s.entries.size() < expected.size() && s.status.ok()) {
      return s.what + " scan ended after " + std::to_string(s.entries.size()) + " of " +
             std::to_string(expected.size()) + " entries with an OK status";
    }
  }
  return "";
}

struct Stats {
  int flips = 0;
  int truncations = 0;
  int open_failed = 0;
  int opened = 0;
  int read_errors = 0;     // opened, and some read reported an error
  int exact = 0;           // opened, every read answered and right
  int shorter = 0;         // recovered fewer writes than were made (WAL damage)
  int compact_failed = 0;  // the full compaction after the checks failed
  int reopen_failed = 0;

  void Add(const Stats& o) {
    flips += o.flips;
    truncations += o.truncations;
    open_failed += o.open_failed;
    opened += o.opened;
    read_errors += o.read_errors;
    exact += o.exact;
    shorter += o.shorter;
    compact_failed += o.compact_failed;
    reopen_failed += o.reopen_failed;
  }

  void Print(const char* name) const {
    std::fprintf(stderr,
                 "[ stats    ] %s: %d cases (%d flips, %d truncations): %d failed to open, %d "
                 "opened (%d reported read errors, %d answered all correctly, %d recovered a "
                 "shorter prefix); %d compactions and %d reopens failed\n",
                 name, flips + truncations, flips, truncations, open_failed, opened, read_errors,
                 exact, shorter, compact_failed, reopen_failed);
  }
};

Stats total_stats;
int targets_run = 0;

// Prints the total over every file type when the binary ran more than one.
class TotalStats : public testing::Environment {
 public:
  void TearDown() override {
    if (targets_run > 1) total_stats.Print("total");
  }
};
testing::Environment* const total_stats_env = testing::AddGlobalTestEnvironment(new TotalStats);

class CorruptionFlipTest : public testing::TestWithParam<Target> {
 protected:
  // Copies the pristine files into a fresh file system and damages one of them.
  std::shared_ptr<MemFileSystem> Damaged(const Region& r, bool flip, Random* rnd,
                                         std::string* what) {
    auto fs = std::make_shared<MemFileSystem>();
    EXPECT_TRUE(fs->CreateDirIfMissing(kDb).ok());
    for (const auto& [path, contents] : pristine_.files()) {
      if (path != r.path) fs->SetContents(path, contents);
    }
    std::string contents = pristine_.files().at(r.path);
    const uint64_t offset = r.begin + rnd->Uniform(r.end - r.begin);
    if (flip) {
      const int mask = 1 + static_cast<int>(rnd->Uniform(255));
      contents[offset] = static_cast<char>(contents[offset] ^ mask);
      *what = "flip " + r.path + " @ " + std::to_string(offset) + " ^ " + std::to_string(mask);
    } else {
      contents.resize(offset);
      *what = "truncate " + r.path + " to " + std::to_string(offset);
    }
    *what += " (" + std::to_string(pristine_.files().at(r.path).size()) + " bytes)";
    fs->SetContents(r.path, std::move(contents));
    return fs;
  }

  // Drops from *candidates every state `obs` disagrees with; fails if none is left.
  void Narrow(const Observation& obs, std::vector<int>* candidates, const std::string& when) {
    std::vector<int> kept;
    std::string why;
    for (int j : *candidates) {
      std::string d = Disagreement(obs, pristine_.model(j));
      if (d.empty()) {
        kept.push_back(j);
      } else if (why.empty() || j == pristine_.last()) {
        why = "state after write " + std::to_string(j) + ": " + d;
      }
    }
    ASSERT_FALSE(kept.empty()) << when << ": answers agree with no state; against the " << why;
    *candidates = std::move(kept);
  }

  // Case i: a flip, or every fifth a truncation. Some WAL cases run under the stricter
  // recovery modes, and half the truncations without the open's check of table sizes, so that
  // reads meet the short tables.
  void RunCase(Target target, int i, Random* rnd, Stats* stats) {
    const bool flip = i % 5 != 4;
    const std::vector<Region>& regions = pristine_.regions(target);
    const Region& region = regions[rnd->Uniform(regions.size())];
    std::string what;
    std::shared_ptr<MemFileSystem> fs = Damaged(region, flip, rnd, &what);
    SCOPED_TRACE(what);
    (flip ? stats->flips : stats->truncations)++;

    Options options = DbOptions(fs);
    if (target == Target::kWal && i % 10 >= 6) {
      options.wal_recovery_mode = i % 10 >= 8 ? WALRecoveryMode::kAbsoluteConsistency
                                              : WALRecoveryMode::kTolerateCorruptedTailRecords;
    }
    options.paranoid_checks = flip || i % 10 != 9;
    std::unique_ptr<DB> db;
    Status s = DB::Open(options, kDb, &db);
    if (!s.ok()) {
      stats->open_failed++;
      return;
    }
    stats->opened++;
    // The states the database may hold: the whole history, or for a damaged WAL any prefix
    // that keeps the tables' writes.
    std::vector<int> candidates;
    for (int j = target == Target::kWal ? pristine_.first() : pristine_.last();
         j <= pristine_.last(); j++) {
      candidates.push_back(j);
    }
    Observation obs = Observe(db.get(), pristine_.keys(), rnd);
    ASSERT_NO_FATAL_FAILURE(Narrow(obs, &candidates, "after open"));
    if (obs.errors > 0) {
      stats->read_errors++;
    } else if (candidates.back() == pristine_.last()) {
      stats->exact++;
    }
    if (candidates.back() < pristine_.last()) {
      stats->shorter++;
      std::string report;
      ASSERT_TRUE(db->GetProperty("lsm.recovery", &report));
      if (flip) {
        EXPECT_TRUE(report.find("dropped") != std::string::npos ||
                    report.find("stopped") != std::string::npos)
            << "writes after " << candidates.back() << " lost without a report: " << report;
      }
    }

    if (db->CompactRange(nullptr, nullptr).ok()) {
      ASSERT_NO_FATAL_FAILURE(
          Narrow(Observe(db.get(), pristine_.keys(), rnd), &candidates, "after compaction"));
    } else {
      stats->compact_failed++;
    }
    (void)db->Close();
    db.reset();
    s = DB::Open(options, kDb, &db);
    if (!s.ok()) {
      stats->reopen_failed++;
      return;
    }
    ASSERT_NO_FATAL_FAILURE(
        Narrow(Observe(db.get(), pristine_.keys(), rnd), &candidates, "after reopen"));
    (void)db->Close();
  }

  Pristine pristine_;
};

TEST_P(CorruptionFlipTest, NeverAWrongAnswer) {
  const uint64_t seed = TestSeed();
  const Target target = GetParam();
  const int rounds = static_cast<int>(EnvInt("LSM_CORRUPTION_FLIP_ROUNDS", 1));
  ASSERT_NO_FATAL_FAILURE(pristine_.Build(seed));
  {
    // The undamaged database answers everything.
    auto fs = std::make_shared<MemFileSystem>();
    ASSERT_TRUE(fs->CreateDirIfMissing(kDb).ok());
    for (const auto& [path, contents] : pristine_.files()) fs->SetContents(path, contents);
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(DbOptions(fs), kDb, &db).ok());
    Random rnd(seed);
    Observation obs = Observe(db.get(), pristine_.keys(), &rnd);
    EXPECT_EQ(obs.errors, 0);
    EXPECT_EQ(Disagreement(obs, pristine_.model(pristine_.last())), "");
  }
  Random rnd(seed + static_cast<uint64_t>(target) + 1);
  Stats stats;
  for (int i = 0; i < 250 * rounds; i++) {
    RunCase(target, i, &rnd, &stats);
    if (HasFailure()) {
      ADD_FAILURE() << TargetName(target) << " case " << i << " (seed " << seed << ")";
      break;
    }
  }
  stats.Print(TargetName(target));
  total_stats.Add(stats);
  targets_run++;
  if (target == Target::kSstData) {
    EXPECT_GT(stats.read_errors, 0);  // damaged data blocks are read and reported
  }
}

INSTANTIATE_TEST_SUITE_P(FileTypes, CorruptionFlipTest,
                         testing::Values(Target::kWal, Target::kSstData, Target::kSstIndex,
                                         Target::kSstFilter, Target::kSstRangeDel, Target::kSstMeta,
                                         Target::kSstFooter, Target::kManifest, Target::kCurrent),
                         [](const testing::TestParamInfo<Target>& info) {
                           std::string name = TargetName(info.param);
                           name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                           return name;
                         });

}  // namespace
}  // namespace lsm
