#include "src/db/db_iter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "src/util/random.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// Sorted internal keys (with values) as an InternalIterator that counts its steps and seeks.
class CountingIterator final : public InternalIterator {
 public:
  struct Counts {
    int steps = 0;
    int seeks = 0;
  };

  CountingIterator(std::vector<std::pair<std::string, std::string>> entries, Counts* counts)
      : entries_(std::move(entries)), counts_(counts) {
    std::sort(entries_.begin(), entries_.end(),
              [this](const auto& a, const auto& b) { return icmp_.Compare(a.first, b.first) < 0; });
  }
  bool Valid() const override { return pos_ >= 0 && pos_ < Size(); }
  void SeekToFirst() override { pos_ = 0; }
  void SeekToLast() override { pos_ = Size() - 1; }
  void Seek(std::string_view target) override {
    counts_->seeks++;
    pos_ = static_cast<int>(
        std::partition_point(entries_.begin(), entries_.end(),
                             [&](const auto& e) { return icmp_.Compare(e.first, target) < 0; }) -
        entries_.begin());
  }
  void SeekForPrev(std::string_view target) override {
    counts_->seeks++;
    pos_ = static_cast<int>(std::partition_point(entries_.begin(), entries_.end(),
                                                 [&](const auto& e) {
                                                   return icmp_.Compare(e.first, target) <= 0;
                                                 }) -
                            entries_.begin()) -
           1;
  }
  void Next() override {
    counts_->steps++;
    pos_++;
  }
  void Prev() override {
    counts_->steps++;
    pos_--;
  }
  std::string_view key() const override { return entries_[pos_].first; }
  std::string_view value() const override { return entries_[pos_].second; }
  Status status() const override { return Status::OK(); }

 private:
  int Size() const { return static_cast<int>(entries_.size()); }
  const InternalKeyComparator icmp_{BytewiseComparator()};
  std::vector<std::pair<std::string, std::string>> entries_;
  Counts* counts_;
  int pos_ = -1;
};

std::unique_ptr<Iterator> NewIter(std::vector<std::pair<std::string, std::string>> entries,
                                  SequenceNumber seq, CountingIterator::Counts* counts) {
  return NewDBIterator(BytewiseComparator(), nullptr,
                       std::make_unique<CountingIterator>(std::move(entries), counts), seq,
                       ReadOptions(), nullptr, {});
}

// A forward scan over a key with a thousand versions seeks past them instead of stepping over
// each one.
TEST(DBIterTest, ScanSeeksPastManyVersionsOfOneKey) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (SequenceNumber s = 1; s <= 1000; s++) {
    entries.emplace_back(IKey("hot", s, ValueType::kValue), "v" + std::to_string(s));
  }
  entries.emplace_back(IKey("hot2", 2000, ValueType::kValue), "next");
  CountingIterator::Counts counts;
  std::unique_ptr<Iterator> it = NewIter(entries, kMaxSequenceNumber, &counts);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "hot");
  EXPECT_EQ(it->value(), "v1000");
  it->Next();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "hot2");
  EXPECT_EQ(it->value(), "next");
  it->Next();
  EXPECT_FALSE(it->Valid());
  EXPECT_LT(counts.steps, 20);
  EXPECT_EQ(counts.seeks, 1);

  // Backward, the versions come oldest first: the newest is read with a seek.
  counts = {};
  it->SeekToLast();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "hot2");
  it->Prev();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "hot");
  EXPECT_EQ(it->value(), "v1000");
  it->Prev();
  EXPECT_FALSE(it->Valid());
  EXPECT_LT(counts.steps, 20);
  EXPECT_LE(counts.seeks, 3);

  // Read at sequence 10, the 990 newer versions are passed by a seek too, both ways.
  for (const bool forward : {true, false}) {
    SCOPED_TRACE(forward ? "forward" : "backward");
    counts = {};
    it = NewIter(entries, 10, &counts);
    forward ? it->SeekToFirst() : it->SeekToLast();
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(it->key(), "hot");
    EXPECT_EQ(it->value(), "v10");
    forward ? it->Next() : it->Prev();
    EXPECT_FALSE(it->Valid());
    EXPECT_LT(counts.steps, 30);
    EXPECT_LE(counts.seeks, 3);
  }

  // The same behind a deletion: the deleted key's older versions are skipped by a seek too.
  entries.emplace_back(IKey("hot", 1001, ValueType::kDeletion), "");
  counts = {};
  it = NewIter(entries, kMaxSequenceNumber, &counts);
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "hot2");
  EXPECT_LT(counts.steps, 20);
  EXPECT_EQ(counts.seeks, 1);
}

// Random histories (puts and deletions, many versions per key, read at a random sequence
// number): forward scans, seeks and direction changes against a model.
TEST(DBIterTest, RandomHistoriesAgainstModel) {
  Random rnd(TestSeed());
  for (int round = 0; round < 200; round++) {
    const int keys = 1 + static_cast<int>(rnd.Uniform(8));
    std::vector<std::pair<std::string, std::string>> entries;
    SequenceNumber seq = 0;
    for (int k = 0; k < keys; k++) {
      const std::string user_key = "k" + std::to_string(k);
      // Some keys get more versions than kMaxSequentialSkip, so the scans seek past them.
      const int versions = rnd.OneIn(3) ? 1 + static_cast<int>(rnd.Uniform(30)) : 1;
      for (int v = 0; v < versions; v++) {
        const bool del = rnd.OneIn(4);
        const SequenceNumber s = ++seq;
        entries.emplace_back(IKey(user_key, s, del ? ValueType::kDeletion : ValueType::kValue),
                             del ? "" : user_key + "@" + std::to_string(s));
      }
    }
    // Shuffle the sequence numbers' order across keys: reassign from a permutation.
    std::vector<SequenceNumber> perm(entries.size());
    for (size_t i = 0; i < perm.size(); i++) perm[i] = i + 1;
    for (size_t i = perm.size(); i > 1; i--) std::swap(perm[i - 1], perm[rnd.Uniform(i)]);
    for (size_t i = 0; i < entries.size(); i++) {
      ParsedInternalKey p;
      ASSERT_TRUE(ParseInternalKey(entries[i].first, &p));
      const std::string user_key(p.user_key);
      entries[i].first = IKey(user_key, perm[i], p.type);
      if (p.type == ValueType::kValue) entries[i].second = user_key + "@" + std::to_string(perm[i]);
    }
    const SequenceNumber read_at = rnd.Uniform(seq + 2);
    // The model: each key's newest entry at or below read_at, shown if it is a value.
    std::map<std::string, std::pair<SequenceNumber, std::string>> newest;
    std::map<std::string, bool> deleted;
    for (const auto& [ikey, value] : entries) {
      ParsedInternalKey p;
      ASSERT_TRUE(ParseInternalKey(ikey, &p));
      if (p.sequence > read_at) continue;
      const std::string user_key(p.user_key);
      auto it = newest.find(user_key);
      if (it == newest.end() || it->second.first < p.sequence) {
        newest[user_key] = {p.sequence, value};
        deleted[user_key] = p.type == ValueType::kDeletion;
      }
    }
    std::vector<std::pair<std::string, std::string>> model;
    for (const auto& [user_key, entry] : newest) {
      if (!deleted[user_key]) model.emplace_back(user_key, entry.second);
    }

    CountingIterator::Counts counts;
    std::unique_ptr<Iterator> it = NewIter(entries, read_at, &counts);
    std::vector<std::pair<std::string, std::string>> scanned;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      scanned.emplace_back(std::string(it->key()), std::string(it->value()));
    }
    ASSERT_EQ(scanned, model) << "round " << round;
    scanned.clear();
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      scanned.emplace_back(std::string(it->key()), std::string(it->value()));
    }
    std::reverse(scanned.begin(), scanned.end());
    ASSERT_EQ(scanned, model) << "round " << round << ", backward";

    // A seek to each key, then a step back and forward again.
    for (int k = 0; k < keys; k++) {
      const std::string target = "k" + std::to_string(k);
      const auto at =
          std::lower_bound(model.begin(), model.end(), std::make_pair(target, std::string()));
      it->Seek(target);
      if (at == model.end()) {
        ASSERT_FALSE(it->Valid());
        continue;
      }
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), at->first);
      it->Prev();
      if (at == model.begin()) {
        ASSERT_FALSE(it->Valid());
        continue;
      }
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), (at - 1)->first);
      it->Next();
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), at->first);
      ASSERT_EQ(it->value(), at->second);
    }
  }
}

}  // namespace
}  // namespace lsm
