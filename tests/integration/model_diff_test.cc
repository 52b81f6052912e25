// model_diff (docs/testing.md): random Put/Delete/Merge/DeleteRange/WriteBatch/Get/iterator/
// snapshot/Flush/CompactRange operations against a std::map model (Merge appends, as the
// string-append operator does), with tiny write buffers and levels so that
// flushes and compactions happen, and close/reopen every
// ~2k operations. Every read and iterator step must equal the model; snapshot reads must equal
// the model copy of their moment.
//
// Each compaction style runs: leveled (static or dynamic targets, 1 to 3 compaction threads),
// universal, and FIFO with a size limit the data never reaches (FIFO deletes data by design;
// here it merges small files).
// Column families: one seed in three runs the default family alone, the others one or two
// more ("cf1" leveled, "cf2" tiered), each with a model of its own. Operations pick a family
// at random, batches mix them, snapshots copy every model, flushes and compactions take one
// family or all, and now and then a family is dropped and created again, empty.
// Scale: LSM_MODEL_DIFF_SEEDS (default 4 for leveled, half that for the other styles) seeds x
// LSM_MODEL_DIFF_OPS (default 20000) ops; a failure prints the seed (LSM_TEST_SEED replays it).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>

#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "src/util/random.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

using Model = std::map<std::string, std::string>;

class ModelDiff {
 public:
  ModelDiff(uint64_t seed, std::shared_ptr<FileSystem> fs, std::string dbname,
            CompactionStyle style = CompactionStyle::kLevel)
      : rnd_(seed), dbname_(std::move(dbname)) {
    options_.create_if_missing = true;
    options_.write_buffer_size = 64 << 10;
    options_.block_size = 1024;
    // Small levels and tables, so that compactions run through several levels.
    options_.level0_file_num_compaction_trigger = 2 + static_cast<int>(seed % 3);
    options_.max_bytes_for_level_base = 256 << 10;
    options_.target_file_size_base = 64 << 10;
    options_.file_system = std::move(fs);
    options_.compression = seed % 3 == 0   ? CompressionType::kNone
                           : seed % 3 == 1 ? CompressionType::kLZ4
                                           : CompressionType::kZstd;
    options_.compaction_style = style;
    options_.level_compaction_dynamic_level_bytes = seed % 2 == 0;
    options_.max_background_jobs = 2 + static_cast<int>(seed % 3);
    options_.compaction_pri =
        seed % 4 < 2 ? CompactionPri::kMinOverlappingRatio : CompactionPri::kRoundRobin;
    options_.compaction_options_fifo.allow_compaction = true;
    options_.memtable_factory = seed % 2 == 0 ? NewBTreeFactory() : NewSkipListFactory();
    options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
    options_.create_missing_column_families = true;
    const int families = 1 + static_cast<int>(seed % 3);
    for (int f = 0; f < families; f++) {
      ColumnFamilyOptions cf = options_;
      if (f > 0) {
        cf.compaction_style = f == 1 ? CompactionStyle::kLevel : CompactionStyle::kUniversal;
        cf.memtable_factory = f == 1 ? NewSkipListFactory() : NewBTreeFactory();
      }
      descriptors_.push_back({f == 0 ? kDefaultColumnFamilyName : "cf" + std::to_string(f), cf});
    }
    models_.resize(descriptors_.size());
  }

  ~ModelDiff() { ReleaseSnapshots(); }

  void Run(int ops) {
    Reopen();
    for (int op = 0; op < ops && !testing::Test::HasFatalFailure(); op++) {
      Step(op);
    }
  }

  // Tables below level 0 of the default family: compactions have run.
  int FilesBelowLevel0() {
    int total = 0;
    for (int level = 1; level < 7; level++) {
      std::string n;
      EXPECT_TRUE(db_->GetProperty("lsm.num-files-at-level" + std::to_string(level), &n));
      total += std::stoi(n);
    }
    return total;
  }
  size_t families() const { return descriptors_.size(); }

 private:
  std::string RandomKey() { return RandomTestKey(&rnd_, 500); }

  std::string RandomValue() {
    const size_t len = rnd_.OneIn(200) ? 20000 + rnd_.Uniform(80000)  // up to ~100 KB
                                       : rnd_.Skewed(10);
    std::string v = rnd_.Bytes(std::min<size_t>(len, 64));
    while (v.size() < len) v += v;
    v.resize(len);
    return v;
  }

  // A short operand, so that keys merged into often stay small.
  std::string RandomOperand() { return rnd_.Bytes(rnd_.Skewed(4)); }

  void ModelMerge(Model* model, const std::string& k, const std::string& operand) {
    auto it = model->find(k);
    if (it == model->end()) {
      (*model)[k] = operand;
    } else {
      it->second.append(",").append(operand);
    }
  }

  void Reopen() {
    ReleaseSnapshots();
    if (db_ != nullptr) {
      ASSERT_TRUE(db_->Close().ok());
    }
    db_.reset();
    Status s = DB::Open(options_, dbname_, descriptors_, &handles_, &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Drops family f (not the default one) and creates it again: empty, at every snapshot too.
  void Recreate(size_t f) {
    ASSERT_TRUE(db_->DropColumnFamily(handles_[f]).ok());
    std::string value;
    ASSERT_TRUE(db_->Get(ReadOptions(), handles_[f], "k", &value).IsInvalidArgument());
    Status s = db_->CreateColumnFamily(descriptors_[f].options, descriptors_[f].name, &handles_[f]);
    ASSERT_TRUE(s.ok()) << s.ToString();
    models_[f].clear();
    for (auto& [snap, models] : snapshots_) models[f].clear();
  }

  void ReleaseSnapshots() {
    for (auto& [snap, model] : snapshots_) db_->ReleaseSnapshot(snap);
    snapshots_.clear();
  }

  void Step(int op) {
    if (op > 0 && op % 2000 == 0) return Reopen();
    const uint64_t kind = rnd_.Uniform(100);
    const size_t f = rnd_.Uniform(static_cast<uint32_t>(families()));
    ColumnFamilyHandle* cf = handles_[f];
    Model& model = models_[f];
    if (kind < 28) {
      const std::string k = RandomKey(), v = RandomValue();
      ASSERT_TRUE(db_->Put(WriteOptions(), cf, k, v).ok());
      model[k] = v;
    } else if (kind < 33) {
      const std::string k = RandomKey(), operand = RandomOperand();
      ASSERT_TRUE(db_->Merge(WriteOptions(), cf, k, operand).ok());
      ModelMerge(&model, k, operand);
    } else if (kind < 35) {
      std::string begin = RandomKey(), end = RandomKey();
      if (end < begin) std::swap(begin, end);
      ASSERT_TRUE(db_->DeleteRange(WriteOptions(), cf, begin, end).ok());
      model.erase(model.lower_bound(begin), model.lower_bound(end));
    } else if (kind < 45) {
      const std::string k = RandomKey();
      ASSERT_TRUE(db_->Delete(WriteOptions(), cf, k).ok());
      model.erase(k);
    } else if (kind < 52) {
      WriteBatch batch;
      const int n = static_cast<int>(rnd_.Uniform(10));
      for (int i = 0; i < n; i++) {
        // Each record in a family of its own choosing.
        const size_t g = rnd_.Uniform(static_cast<uint32_t>(families()));
        const std::string k = RandomKey();
        if (rnd_.OneIn(3)) {
          batch.Delete(handles_[g], k);
          models_[g].erase(k);
        } else if (rnd_.OneIn(3)) {
          const std::string operand = RandomOperand();
          batch.Merge(handles_[g], k, operand);
          ModelMerge(&models_[g], k, operand);
        } else {
          const std::string v = RandomValue();
          batch.Put(handles_[g], k, v);
          models_[g][k] = v;
        }
      }
      ASSERT_TRUE(db_->Write(WriteOptions{.sync = rnd_.OneIn(20)}, &batch).ok());
    } else if (kind < 75) {
      CheckGet(cf, RandomKey(), nullptr, model);
    } else if (kind < 85) {
      CheckIterator(cf, nullptr, model);
    } else if (kind < 90) {
      if (snapshots_.size() < 4) {
        snapshots_.emplace_back(db_->GetSnapshot(), models_);
      } else {
        const size_t i = rnd_.Uniform(snapshots_.size());
        db_->ReleaseSnapshot(snapshots_[i].first);
        snapshots_.erase(snapshots_.begin() + static_cast<long>(i));
      }
    } else if (kind < 97) {
      if (snapshots_.empty()) return;
      const auto& [snap, models] = snapshots_[rnd_.Uniform(snapshots_.size())];
      if (rnd_.OneIn(2)) {
        CheckGet(cf, RandomKey(), snap, models[f]);
      } else {
        CheckIterator(cf, snap, models[f]);
      }
    } else if (kind < 98) {
      if (f > 0 && rnd_.OneIn(8)) {
        Recreate(f);
      } else if (rnd_.OneIn(2)) {
        ASSERT_TRUE((rnd_.OneIn(2) ? db_->Flush() : db_->Flush(FlushOptions(), cf)).ok());
      } else {
        std::string a = RandomKey(), b = RandomKey();
        if (a > b) std::swap(a, b);
        const std::string_view begin = a, end = b;
        ASSERT_TRUE(
            db_->CompactRange(cf, rnd_.OneIn(4) ? nullptr : &begin, rnd_.OneIn(4) ? nullptr : &end)
                .ok());
      }
    } else {
      Reopen();
    }
  }

  void CheckGet(ColumnFamilyHandle* cf, const std::string& key, const Snapshot* snap,
                const Model& model) {
    ReadOptions ro;
    ro.snapshot = snap;
    std::string value;
    Status s = db_->Get(ro, cf, key, &value);
    auto it = model.find(key);
    if (it == model.end()) {
      ASSERT_TRUE(s.IsNotFound()) << "key '" << key << "': " << s.ToString();
    } else {
      ASSERT_TRUE(s.ok()) << "key '" << key << "': " << s.ToString();
      ASSERT_EQ(value, it->second) << "key '" << key << "'";
    }
  }

  // A random walk: a seek of a random kind, then steps in both directions.
  void CheckIterator(ColumnFamilyHandle* cf, const Snapshot* snap, const Model& model) {
    ReadOptions ro;
    ro.snapshot = snap;
    std::unique_ptr<Iterator> it = db_->NewIterator(ro, cf);
    const std::string target = RandomKey();
    Model::const_iterator pos;
    switch (rnd_.Uniform(4)) {
      case 0:
        it->SeekToFirst();
        pos = model.begin();
        break;
      case 1:
        it->SeekToLast();
        pos = model.empty() ? model.end() : std::prev(model.end());
        break;
      case 2:
        it->Seek(target);
        pos = model.lower_bound(target);
        break;
      default:
        it->SeekForPrev(target);
        pos = model.upper_bound(target);
        pos = pos == model.begin() ? model.end() : std::prev(pos);
        break;
    }
    const int steps = static_cast<int>(rnd_.Uniform(40));
    for (int i = 0; i <= steps; i++) {
      ASSERT_TRUE(it->status().ok()) << it->status().ToString();
      ASSERT_EQ(it->Valid(), pos != model.end()) << "step " << i;
      if (pos == model.end()) return;
      ASSERT_EQ(it->key(), pos->first);
      ASSERT_EQ(it->value(), pos->second) << "key '" << pos->first << "'";
      if (rnd_.OneIn(3)) {
        it->Prev();
        pos = pos == model.begin() ? model.end() : std::prev(pos);
      } else {
        it->Next();
        ++pos;
      }
    }
  }

  Random rnd_;
  const std::string dbname_;
  Options options_;
  std::vector<ColumnFamilyDescriptor> descriptors_;
  std::unique_ptr<DB> db_;
  std::vector<ColumnFamilyHandle*> handles_;
  std::vector<Model> models_;  // one per family
  std::vector<std::pair<const Snapshot*, std::vector<Model>>> snapshots_;
};

class ModelDiffStyleTest : public testing::TestWithParam<CompactionStyle> {};

TEST_P(ModelDiffStyleTest, InMemoryFileSystem) {
  const uint64_t base = TestSeed();
  const CompactionStyle style = GetParam();
  const int default_seeds = style == CompactionStyle::kLevel ? 4 : 2;
  const int seeds = EnvInt("LSM_MODEL_DIFF_SEEDS", default_seeds);
  const int ops = EnvInt("LSM_MODEL_DIFF_OPS", 20000);
  for (int i = 0; i < seeds; i++) {
    SCOPED_TRACE("seed " + std::to_string(base + i));
    ModelDiff run(base + i, std::make_shared<MemFileSystem>(), "/db", style);
    run.Run(ops);
    if (HasFatalFailure()) return;
    if (ops >= 10000 && style != CompactionStyle::kFIFO) {
      EXPECT_GT(run.FilesBelowLevel0(), 0);  // compactions were exercised
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Styles, ModelDiffStyleTest,
                         testing::Values(CompactionStyle::kLevel, CompactionStyle::kUniversal,
                                         CompactionStyle::kFIFO),
                         [](const testing::TestParamInfo<CompactionStyle>& info) {
                           switch (info.param) {
                             case CompactionStyle::kUniversal:
                               return "Universal";
                             case CompactionStyle::kFIFO:
                               return "FIFO";
                             default:
                               return "Level";
                           }
                         });

TEST(ModelDiffTest, PosixFileSystem) {
  const uint64_t seed = TestSeed();
  TempDir dir;
  ModelDiff run(seed, FileSystem::Default(), dir.path() + "/db");
  run.Run(EnvInt("LSM_MODEL_DIFF_OPS", 20000) / 2);
}

}  // namespace
}  // namespace lsm
