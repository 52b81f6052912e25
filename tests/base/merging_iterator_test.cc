#include "src/base/merging_iterator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "src/util/random.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// A sorted vector of distinct keys as an InternalIterator; can be told to fail.
class VectorIterator final : public InternalIterator {
 public:
  explicit VectorIterator(std::vector<std::string> keys) : keys_(std::move(keys)) {}
  bool Valid() const override { return pos_ >= 0 && pos_ < Size() && status_.ok(); }
  void SeekToFirst() override { pos_ = 0; }
  void SeekToLast() override { pos_ = Size() - 1; }
  void Seek(std::string_view t) override {
    pos_ = std::lower_bound(keys_.begin(), keys_.end(), t) - keys_.begin();
  }
  void SeekForPrev(std::string_view t) override {
    pos_ = std::upper_bound(keys_.begin(), keys_.end(), t) - keys_.begin() - 1;
  }
  void Next() override { pos_++; }
  void Prev() override { pos_--; }
  std::string_view key() const override { return keys_[pos_]; }
  std::string_view value() const override { return keys_[pos_]; }
  Status status() const override { return status_; }
  void Fail() { status_ = Status::Corruption("child failed"); }

 private:
  int Size() const { return static_cast<int>(keys_.size()); }
  std::vector<std::string> keys_;
  int pos_ = -1;
  Status status_;
};

TEST(MergingIteratorTest, EmptyAndSingle) {
  auto empty = NewMergingIterator(BytewiseComparator(), {});
  empty->SeekToFirst();
  EXPECT_FALSE(empty->Valid());
  EXPECT_TRUE(empty->status().ok());
  EXPECT_TRUE(NewEmptyIterator(Status::IOError("x"))->status().IsIOError());
}

TEST(MergingIteratorTest, RandomWalkMatchesSortedUnion) {
  Random rnd(TestSeed());
  for (int round = 0; round < 50; round++) {
    const int n = 1 + static_cast<int>(rnd.Uniform(5));
    // (key, child) pairs in merged order: key ascending, then child ascending.
    std::vector<std::pair<std::string, int>> model;
    std::vector<std::unique_ptr<InternalIterator>> children;
    for (int c = 0; c < n; c++) {
      std::set<std::string> keys;
      const int count = static_cast<int>(rnd.Uniform(30));
      for (int i = 0; i < count; i++) keys.insert(std::to_string(rnd.Uniform(60) + 100));
      for (const auto& k : keys) model.emplace_back(k, c);
      children.push_back(
          std::make_unique<VectorIterator>(std::vector<std::string>(keys.begin(), keys.end())));
    }
    std::sort(model.begin(), model.end());
    auto it = NewMergingIterator(BytewiseComparator(), std::move(children));
    int pos = -1;  // index into model; -1 or model.size() means invalid
    for (int step = 0; step < 200; step++) {
      const std::string target = std::to_string(rnd.Uniform(70) + 95);
      switch (rnd.Uniform(6)) {
        case 0:
          it->SeekToFirst();
          pos = model.empty() ? -1 : 0;
          break;
        case 1:
          it->SeekToLast();
          pos = static_cast<int>(model.size()) - 1;
          break;
        case 2:
          it->Seek(target);
          pos = std::lower_bound(model.begin(), model.end(), std::make_pair(target, -1)) -
                model.begin();
          break;
        case 3:
          it->SeekForPrev(target);
          pos = std::upper_bound(model.begin(), model.end(), std::make_pair(target, n)) -
                model.begin() - 1;
          break;
        case 4:
          if (!it->Valid()) continue;
          it->Next();
          pos++;
          break;
        case 5:
          if (!it->Valid()) continue;
          it->Prev();
          pos--;
          break;
      }
      const bool expect_valid = pos >= 0 && pos < static_cast<int>(model.size());
      ASSERT_EQ(it->Valid(), expect_valid) << "round " << round << " step " << step;
      if (expect_valid) {
        ASSERT_EQ(it->key(), model[pos].first);
      } else {
        pos = -1;
      }
    }
  }
}

TEST(MergingIteratorTest, ChildErrorInvalidates) {
  auto a = std::make_unique<VectorIterator>(std::vector<std::string>{"a", "c"});
  auto b = std::make_unique<VectorIterator>(std::vector<std::string>{"b"});
  VectorIterator* bp = b.get();
  std::vector<std::unique_ptr<InternalIterator>> children;
  children.push_back(std::move(a));
  children.push_back(std::move(b));
  auto it = NewMergingIterator(BytewiseComparator(), std::move(children));
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), "a");
  bp->Fail();
  it->SeekToFirst();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().IsCorruption());
}

// A range tombstone at sequence 7 covers [c, f): the child that holds nothing newer than 7
// (its newest is 5) jumps over the range in one seek, forward or backward, while the newer
// child steps through it. Going the other way, or for an older tombstone, nothing moves.
TEST(MergingIteratorTest, SkipOlderThanMovesOnlyOlderChildren) {
  std::vector<std::unique_ptr<InternalIterator>> children;
  children.push_back(
      std::make_unique<VectorIterator>(std::vector<std::string>{"a", "c", "e", "g"}));
  children.push_back(
      std::make_unique<VectorIterator>(std::vector<std::string>{"b", "d", "f", "h"}));
  auto it = NewMergingIterator(BytewiseComparator(), std::move(children), {10, 5});
  auto walk = [&it](bool forward) {
    std::string out;
    for (; it->Valid(); forward ? it->Next() : it->Prev()) out += it->key();
    return out;
  };

  it->Seek("c");  // on the newer child's c; the older child is on d
  EXPECT_FALSE(it->SkipOlderThanBackward("c", 7));  // going forward: nothing moves
  EXPECT_FALSE(it->SkipOlderThan("f", 7));          // the older child moves, not the current
  EXPECT_EQ(walk(/*forward=*/true), "cefgh");
  it->Seek("d");  // on the older child's d
  EXPECT_TRUE(it->SkipOlderThan("f", 7));
  EXPECT_EQ(walk(/*forward=*/true), "efgh");
  it->Seek("d");
  EXPECT_FALSE(it->SkipOlderThan("f", 3));  // the older child may hold writes after 3
  EXPECT_EQ(walk(/*forward=*/true), "defgh");

  it->SeekToLast();                         // on the older child's h
  EXPECT_FALSE(it->SkipOlderThan("f", 7));  // going backward: nothing moves
  EXPECT_TRUE(it->SkipOlderThanBackward("c", 7));
  EXPECT_EQ(walk(/*forward=*/false), "gecba");
  it->SeekForPrev("e");  // on the newer child's e; the older child is on d
  EXPECT_FALSE(it->SkipOlderThanBackward("c", 7));
  EXPECT_EQ(walk(/*forward=*/false), "ecba");
}

}  // namespace
}  // namespace lsm
