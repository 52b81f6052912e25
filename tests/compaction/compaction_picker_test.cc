#include "src/compaction/compaction_picker.h"

#include <gtest/gtest.h>

namespace lsm {
namespace {

std::string IKey(std::string_view user, SequenceNumber seq) {
  std::string s;
  AppendInternalKey(&s, ParsedInternalKey(user, seq, ValueType::kValue));
  return s;
}

class PickerTest : public testing::Test {
 protected:
  PickerTest() : icmp_(BytewiseComparator()) {
    options_.level0_file_num_compaction_trigger = 4;
    options_.max_bytes_for_level_base = 1000;
    options_.max_bytes_for_level_multiplier = 10;
    options_.target_file_size_base = 64 << 10;
  }

  void Add(int level, uint64_t number, std::string_view smallest, std::string_view largest,
           uint64_t size, SequenceNumber seq = 1) {
    edit_.AddFile(level, FileMetaData{.number = number,
                                      .file_size = size,
                                      .smallest = IKey(smallest, seq),
                                      .largest = IKey(largest, seq),
                                      .smallest_seqno = seq,
                                      .largest_seqno = seq});
  }

  std::shared_ptr<const Version> Build() {
    VersionBuilder builder(&icmp_, nullptr);
    EXPECT_TRUE(builder.Apply(edit_).ok());
    std::shared_ptr<const Version> v;
    EXPECT_TRUE(builder.Build(&v).ok());
    return v;
  }

  static std::string Numbers(const FileList& files) {
    std::string s;
    for (const auto& f : files) s += (s.empty() ? "" : ",") + std::to_string(f->number);
    return s;
  }

  InternalKeyComparator icmp_;
  Options options_;
  VersionEdit edit_;
  CompactionPointers pointers_;
};

TEST_F(PickerTest, NothingBelowTheTriggers) {
  for (int i = 0; i < 3; i++) Add(0, 10 + i, "a", "z", 100, i + 1);
  Add(1, 20, "a", "m", 999);
  EXPECT_EQ(PickLeveledCompaction(*Build(), icmp_, options_, &pointers_), nullptr);
}

TEST_F(PickerTest, Level0TakesAllItsFilesAndTheOverlapBelow) {
  for (int i = 0; i < 4; i++) Add(0, 10 + i, "c", "k", 100, i + 1);
  Add(1, 20, "a", "b", 100);
  Add(1, 21, "d", "f", 100);
  Add(1, 22, "j", "p", 100);
  Add(1, 23, "q", "z", 100);
  auto c = PickLeveledCompaction(*Build(), icmp_, options_, &pointers_);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->level, 0);
  EXPECT_EQ(c->output_level, 1);
  EXPECT_EQ(Numbers(c->inputs[0]), "13,12,11,10");  // newest first
  EXPECT_EQ(Numbers(c->inputs[1]), "21,22");
  EXPECT_FALSE(c->IsTrivialMove());
  EXPECT_DOUBLE_EQ(c->score, 1.0);
}

TEST_F(PickerTest, DeeperLevelRoundRobinAndTrivialMove) {
  Add(1, 30, "a", "c", 600);
  Add(1, 31, "d", "f", 600);
  Add(2, 40, "e", "g", 100);
  auto v = Build();
  auto c = PickLeveledCompaction(*v, icmp_, options_, &pointers_);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->level, 1);
  EXPECT_NEAR(c->score, 1.2, 1e-9);
  EXPECT_EQ(Numbers(c->inputs[0]), "30");
  EXPECT_TRUE(c->IsTrivialMove());  // nothing in L2 overlaps [a, c]
  c = PickLeveledCompaction(*v, icmp_, options_, &pointers_);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Numbers(c->inputs[0]), "31");  // the next file after the pointer
  EXPECT_EQ(Numbers(c->inputs[1]), "40");
  c = PickLeveledCompaction(*v, icmp_, options_, &pointers_);
  EXPECT_EQ(Numbers(c->inputs[0]), "30");  // wrapped around
}

TEST_F(PickerTest, MostUrgentLevelWins) {
  for (int i = 0; i < 5; i++) Add(0, 10 + i, "a", "b", 10, i + 1);  // score 1.25
  Add(2, 50, "a", "z", 25000);                                      // score 2.5
  auto c = PickLeveledCompaction(*Build(), icmp_, options_, &pointers_);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->level, 2);
  EXPECT_EQ(MaxBytesForLevel(options_, 3), 100000u);
}

}  // namespace
}  // namespace lsm
