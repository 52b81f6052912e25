// Prefix seeks (ColumnFamilyOptions::prefix_extractor, ReadOptions::prefix_same_as_start and
// total_order_seek): the built-in transforms, iterators kept to a prefix in both directions and
// checked against a model, seeks that skip tables by their prefix filters, and tables written
// without the extractor or with another one, which are read correctly all the same.
#include <absl/strings/str_format.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lsm/db.h"
#include "lsm/slice_transform.h"
#include "lsm/sst_file_writer.h"
#include "src/util/random.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

TEST(SliceTransformTest, BuiltInTransforms) {
  auto fixed = NewFixedPrefixTransform(4);
  EXPECT_STREQ(fixed->Name(), "lsm.FixedPrefix.4");
  EXPECT_TRUE(fixed->InDomain("abcd"));
  EXPECT_TRUE(fixed->InDomain("abcdef"));
  EXPECT_FALSE(fixed->InDomain("abc"));
  EXPECT_EQ(fixed->Transform("abcdef"), "abcd");

  auto capped = NewCappedPrefixTransform(4);
  EXPECT_STREQ(capped->Name(), "lsm.CappedPrefix.4");
  EXPECT_TRUE(capped->InDomain(""));
  EXPECT_EQ(capped->Transform("ab"), "ab");
  EXPECT_EQ(capped->Transform("abcdef"), "abcd");

  EXPECT_STREQ(BuiltinSliceTransform("lsm.FixedPrefix.12")->Name(), "lsm.FixedPrefix.12");
  EXPECT_STREQ(BuiltinSliceTransform("lsm.CappedPrefix.3")->Name(), "lsm.CappedPrefix.3");
  for (const char* bad : {"", "lsm.FixedPrefix.", "lsm.FixedPrefix.0", "lsm.FixedPrefix.08",
                          "lsm.FixedPrefix.x", "lsm.CappedPrefix.-1", "rocksdb.FixedPrefix.8"}) {
    EXPECT_EQ(BuiltinSliceTransform(bad), nullptr) << bad;
  }
}

class PrefixSeekTest : public testing::Test {
 protected:
  PrefixSeekTest() {
    options_.create_if_missing = true;
    options_.file_system = fs_;
    options_.prefix_extractor = NewFixedPrefixTransform(4);
    options_.memtable_prefix_bloom_size_ratio = 0.1;
    options_.write_buffer_size = 64 << 10;
    options_.block_size = 256;
    options_.disable_auto_compactions = true;
  }

  void Open() {
    db_.reset();
    Status s = DB::Open(options_, "/db", &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void Put(const std::string& key, const std::string& value) {
    ASSERT_TRUE(db_->Put(WriteOptions(), key, value).ok());
    model_[key] = value;
  }
  void Delete(const std::string& key) {
    ASSERT_TRUE(db_->Delete(WriteOptions(), key).ok());
    model_.erase(key);
  }

  // The keys and values `it` shows from a seek to `target`, forward up to `limit` entries.
  static std::string Forward(Iterator* it, const std::string& target, int limit = 1 << 30) {
    std::string out;
    for (it->Seek(target); it->Valid() && limit-- > 0; it->Next()) {
      out += std::string(it->key()) + "=" + std::string(it->value()) + ";";
    }
    if (!it->status().ok()) out += "error: " + it->status().ToString();
    return out;
  }
  static std::string Backward(Iterator* it, const std::string& target, int limit = 1 << 30) {
    std::string out;
    for (it->SeekForPrev(target); it->Valid() && limit-- > 0; it->Prev()) {
      out += std::string(it->key()) + "=" + std::string(it->value()) + ";";
    }
    if (!it->status().ok()) out += "error: " + it->status().ToString();
    return out;
  }
  // The model's answer: the keys with target's prefix, from target on (forward) or down from
  // it (backward); with a target outside the domain, every key.
  std::string ModelForward(const std::string& target, int limit = 1 << 30) const {
    std::string out;
    for (auto it = model_.lower_bound(target); it != model_.end() && limit-- > 0; ++it) {
      if (target.size() >= 4 && it->first.compare(0, 4, target, 0, 4) != 0) break;
      out += it->first + "=" + it->second + ";";
    }
    return out;
  }
  std::string ModelBackward(const std::string& target, int limit = 1 << 30) const {
    std::string out;
    auto it = model_.upper_bound(target);
    while (it != model_.begin() && limit-- > 0) {
      --it;
      if (target.size() >= 4 && it->first.compare(0, 4, target, 0, 4) != 0) break;
      out += it->first + "=" + it->second + ";";
    }
    return out;
  }

  // Keys "pNNN-k" spread over several tables and the memtable: prefixes p000..p059, each
  // written by one of four flushes, some with keys deleted afterwards.
  void Fill() {
    Random rnd(TestSeed());
    for (int round = 0; round < 4; round++) {
      for (int p = round; p < 60; p += 4) {
        for (int k = 0; k < 20; k++) {
          ASSERT_NO_FATAL_FAILURE(
              Put(absl::StrFormat("p%03d-%03d", p, k), absl::StrFormat("v%d.%d", round, k)));
        }
      }
      ASSERT_TRUE(db_->Flush().ok());
    }
    for (int i = 0; i < 40; i++) {
      const std::string key =
          absl::StrFormat("p%03d-%03d", rnd.Uniform(60), static_cast<int>(rnd.Uniform(20)));
      if (rnd.OneIn(2)) {
        ASSERT_NO_FATAL_FAILURE(Delete(key));
      } else {
        ASSERT_NO_FATAL_FAILURE(Put(key, "new"));
      }
    }
  }

  std::shared_ptr<MemFileSystem> fs_ = std::make_shared<MemFileSystem>();
  Options options_;
  std::unique_ptr<DB> db_;
  std::map<std::string, std::string> model_;
};

TEST_F(PrefixSeekTest, IteratorsKeepToThePrefixInBothDirections) {
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_NO_FATAL_FAILURE(Fill());
  Random rnd(TestSeed());
  for (bool total_order : {false, true}) {
    ReadOptions ro;
    ro.prefix_same_as_start = true;
    ro.total_order_seek = total_order;
    std::unique_ptr<Iterator> it = db_->NewIterator(ro);
    for (int i = 0; i < 300; i++) {
      // Targets inside prefixes, between keys, past a prefix's last key, and absent prefixes.
      const int p = static_cast<int>(rnd.Uniform(64));
      const std::string target =
          rnd.OneIn(5) ? absl::StrFormat("p%03d", p)
                       : absl::StrFormat("p%03d-%03d%s", p, static_cast<int>(rnd.Uniform(22)),
                                         rnd.OneIn(3) ? "x" : "");
      SCOPED_TRACE(target);
      ASSERT_EQ(Forward(it.get(), target), ModelForward(target));
      ASSERT_EQ(Backward(it.get(), target), ModelBackward(target));
      // Turning around inside the prefix.
      it->Seek(target);
      if (it->Valid()) {
        it->Next();
        if (it->Valid()) {
          it->Prev();
          ASSERT_TRUE(it->Valid());
          EXPECT_EQ(it->key(), model_.lower_bound(target)->first);
        }
      }
    }
    // A target outside the extractor's domain, and SeekToFirst, see every key.
    EXPECT_EQ(Forward(it.get(), "p0"), ModelForward("p0"));
    std::string all;
    for (it->SeekToFirst(); it->Valid(); it->Next()) all += std::string(it->key()) + ";";
    EXPECT_EQ(all.size(), [&] {
      size_t n = 0;
      for (const auto& [k, v] : model_) n += k.size() + 1;
      return n;
    }());
  }
  // Without prefix_same_as_start a seek sees the whole order.
  std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
  it->Seek("p010-019");
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_TRUE(it->key().starts_with("p011")) << it->key();
}

TEST_F(PrefixSeekTest, ASeekSkipsTheTablesWithoutThePrefix) {
  options_.block_cache_bytes = 8 << 20;
  ASSERT_NO_FATAL_FAILURE(Open());
  // Eight tables, each over the whole key range with one prefix in four left out of each.
  for (int t = 0; t < 8; t++) {
    for (int p = 0; p < 200; p++) {
      if (p % 8 == t) continue;
      ASSERT_NO_FATAL_FAILURE(Put(absl::StrFormat("q%03d-%d", p, t), std::string(50, 'v')));
    }
    ASSERT_TRUE(db_->Flush().ok());
  }
  uint64_t before, after;
  auto usage = [&] {
    uint64_t v = 0;
    EXPECT_TRUE(db_->GetIntProperty("lsm.block-cache-usage", &v));
    return v;
  };
  // Opens every table (its index and filter are charged to the cache).
  {
    std::unique_ptr<Iterator> it = db_->NewIterator(ReadOptions());
    it->SeekToFirst();
  }
  // Prefixes inside every table's key range that no table holds: filtered seeks read no data
  // block.
  ReadOptions ro;
  ro.prefix_same_as_start = true;
  before = usage();
  std::unique_ptr<Iterator> it = db_->NewIterator(ro);
  for (const char* absent : {"q05a-0", "q10a", "q15a-9"}) {
    it->Seek(absent);
    EXPECT_FALSE(it->Valid()) << absent;
  }
  after = usage();
  EXPECT_EQ(after, before) << "a seek to a prefix no table holds read blocks";
  // A prefix seven tables hold reads theirs.
  it->Seek("q100-");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "q100-0");
  EXPECT_GT(usage(), after);
  // total_order_seek reads the blocks of the absent prefixes' positions.
  before = usage();
  ro.total_order_seek = true;
  it = db_->NewIterator(ro);
  it->Seek("q15a-9");
  EXPECT_FALSE(it->Valid());
  EXPECT_GT(usage(), before);
}

TEST_F(PrefixSeekTest, TablesOfAnotherOrNoExtractorAreReadCorrectly) {
  options_.prefix_extractor = nullptr;
  options_.memtable_prefix_bloom_size_ratio = 0;
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_NO_FATAL_FAILURE(Fill());
  ASSERT_TRUE(db_->Flush().ok());
  // Reopened with an extractor of 3 bytes: the tables hold no prefixes of it.
  options_.prefix_extractor = NewFixedPrefixTransform(3);
  ASSERT_NO_FATAL_FAILURE(Open());
  ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<Iterator> it = db_->NewIterator(ro);
  std::string expected;
  for (const auto& [k, v] : model_) {
    if (k.starts_with("p01")) expected += k + "=" + v + ";";
  }
  EXPECT_EQ(Forward(it.get(), "p01"), expected);
  // And with the 4-byte one, over tables of the 3-byte one.
  ASSERT_NO_FATAL_FAILURE(Put("p013-500", "x"));
  ASSERT_TRUE(db_->Flush().ok());
  it.reset();
  options_.prefix_extractor = NewFixedPrefixTransform(4);
  ASSERT_NO_FATAL_FAILURE(Open());
  it = db_->NewIterator(ro);
  EXPECT_EQ(Forward(it.get(), "p013"), ModelForward("p013"));
  EXPECT_EQ(Backward(it.get(), "p013-999"), ModelBackward("p013-999"));
}

TEST_F(PrefixSeekTest, IngestedTablesAnswerPrefixSeeks) {
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_NO_FATAL_FAILURE(Put("p100-000", "old"));
  SstFileWriter writer(options_);
  ASSERT_TRUE(writer.Open("/ingest.sst").ok());
  for (const char* key : {"p100-000", "p100-001", "p300-000", "p300-001"}) {
    ASSERT_TRUE(writer.Put(key, "ingested").ok());
    model_[key] = "ingested";
  }
  ASSERT_TRUE(writer.Finish().ok());
  ASSERT_TRUE(db_->IngestExternalFile({"/ingest.sst"}, IngestExternalFileOptions()).ok());
  ReadOptions ro;
  ro.prefix_same_as_start = true;
  std::unique_ptr<Iterator> it = db_->NewIterator(ro);
  EXPECT_EQ(Forward(it.get(), "p100"), "p100-000=ingested;p100-001=ingested;");
  EXPECT_EQ(Forward(it.get(), "p200"), "");
  EXPECT_EQ(Forward(it.get(), "p300-0005"), "p300-001=ingested;");
  EXPECT_EQ(Backward(it.get(), "p300-999"), ModelBackward("p300-999"));
}

TEST_F(PrefixSeekTest, OptionsAreCheckedAndRecorded) {
  options_.memtable_prefix_bloom_size_ratio = 0.3;
  Status s = DB::Open(options_, "/db", &db_);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("memtable_prefix_bloom_size_ratio"), std::string::npos);
  options_.memtable_prefix_bloom_size_ratio = 0.05;
  options_.prefix_extractor = nullptr;
  s = DB::Open(options_, "/db", &db_);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("prefix_extractor"), std::string::npos);

  options_.prefix_extractor = NewCappedPrefixTransform(6);
  ASSERT_NO_FATAL_FAILURE(Open());
  ASSERT_TRUE(db_->Close().ok());
  Options loaded;
  loaded.file_system = fs_;
  s = LoadLatestOptions("/db", &loaded);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_NE(loaded.prefix_extractor, nullptr);
  EXPECT_STREQ(loaded.prefix_extractor->Name(), "lsm.CappedPrefix.6");
  EXPECT_EQ(loaded.memtable_prefix_bloom_size_ratio, 0.05);
}

}  // namespace
}  // namespace lsm
