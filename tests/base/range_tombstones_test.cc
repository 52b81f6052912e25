#include "src/base/range_tombstones.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "src/util/random.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

std::string Show(const RangeTombstoneList& list) {
  std::string out;
  for (const auto& f : list.fragments()) {
    out += "[" + f.begin + "," + f.end + ")";
    for (SequenceNumber s : f.seqs) out += " " + std::to_string(s);
    out += ";";
  }
  return out;
}

TEST(RangeTombstonesTest, FragmentsOverlappingRanges) {
  RangeTombstoneList list(BytewiseComparator(),
                          {{"d", "k", 9}, {"b", "f", 7}, {"x", "x", 5}, {"m", "p", 3}});
  EXPECT_EQ(Show(list), "[b,d) 7;[d,f) 9 7;[f,k) 9;[m,p) 3;");
  EXPECT_EQ(list.tombstones().size(), 3u);  // the empty range is dropped
  EXPECT_EQ(list.Covering("a", 100), 0u);
  EXPECT_EQ(list.Covering("b", 100), 7u);
  EXPECT_EQ(list.Covering("e", 100), 9u);
  EXPECT_EQ(list.Covering("e", 8), 7u);  // the newest visible at 8
  EXPECT_EQ(list.Covering("e", 6), 0u);
  EXPECT_EQ(list.Covering("k", 100), 0u);  // end is exclusive
  EXPECT_EQ(list.CoveringAbove("e", 7), 9u);
  EXPECT_EQ(list.CoveringAbove("e", 6), 7u);
  EXPECT_EQ(list.CoveringAbove("e", 9), 0u);
  EXPECT_EQ(list.CoveringAbove("n", 1), 3u);
  RangeTombstoneList older(BytewiseComparator(), list.tombstones(), 8);
  EXPECT_EQ(Show(older), "[b,f) 7;[m,p) 3;");
}

// Find with and without a cursor agrees with a model of the key space, in ascending and
// random order.
TEST(RangeTombstonesTest, FindWithHintsAgreesWithAModel) {
  Random rnd(301);
  for (int round = 0; round < 50; round++) {
    std::vector<RangeTombstone> tombstones;
    std::map<int, SequenceNumber> covering;  // key -> newest tombstone over it
    const int n = static_cast<int>(rnd.Uniform(20));
    auto name = [](int k) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "%03d", k);
      return std::string(buf);
    };
    for (int i = 0; i < n; i++) {
      const int b = static_cast<int>(rnd.Uniform(100));
      const int e = b + static_cast<int>(rnd.Uniform(15));
      const SequenceNumber seq = 1 + rnd.Uniform(50);
      tombstones.push_back({name(b), name(e), seq});
      for (int k = b; k < e; k++) covering[k] = std::max(covering[k], seq);
    }
    RangeTombstoneList list(BytewiseComparator(), tombstones);
    RangeTombstoneList::Cursor cursor;
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < 130; i++) {
        const int k = pass == 0 ? i : static_cast<int>(rnd.Uniform(130));
        const auto* f = list.Find(name(k), &cursor);
        const SequenceNumber want = covering.contains(k) ? covering[k] : 0;
        ASSERT_EQ(f == nullptr ? 0 : f->seqs.front(), want) << "key " << k << " round " << round;
        ASSERT_EQ(list.Find(name(k)), f);
      }
    }
  }
}

// The same with keys that make the boundary slices tie and mislead: a long shared prefix, keys
// shorter than it, zero bytes, keys that differ only in length; under the bytewise comparator
// (which searches slices) and another one (which does not).
TEST(RangeTombstonesTest, FindAgreesWithAModelOverAwkwardKeys) {
  for (const Comparator* ucmp : {BytewiseComparator(), ReverseBytewiseComparator()}) {
    Random rnd(17);
    auto key = [&rnd]() {
      std::string k = rnd.OneIn(8) ? "user" : "user0000";
      const size_t len = rnd.Uniform(12);
      for (size_t i = 0; i < len; i++) k.push_back("\0\1az"[rnd.Uniform(4)]);
      return k;
    };
    for (int round = 0; round < 200; round++) {
      std::vector<RangeTombstone> tombstones;
      const int n = 1 + static_cast<int>(rnd.Uniform(12));
      for (int i = 0; i < n; i++) {
        std::string b = key(), e = key();
        if (ucmp->Compare(e, b) < 0) std::swap(b, e);
        tombstones.push_back({b, e, 1 + rnd.Uniform(50)});
      }
      RangeTombstoneList list(ucmp, tombstones);
      std::vector<std::string> probes;
      for (int i = 0; i < 200; i++) probes.push_back(key());
      for (const RangeTombstone& t : tombstones) {
        probes.push_back(t.begin);
        probes.push_back(t.end);
      }
      probes.push_back("");
      probes.push_back("zzz");
      std::sort(probes.begin(), probes.end(), [ucmp](const std::string& a, const std::string& b) {
        return ucmp->Compare(a, b) < 0;
      });
      RangeTombstoneList::Cursor cursor;
      for (const std::string& k : probes) {
        SequenceNumber want = 0;
        for (const RangeTombstone& t : tombstones) {
          if (ucmp->Compare(t.begin, k) <= 0 && ucmp->Compare(k, t.end) < 0) {
            want = std::max(want, t.seq);
          }
        }
        const auto* f = list.Find(k, &cursor);
        ASSERT_EQ(f == nullptr ? 0 : f->seqs.front(), want)
            << ucmp->Name() << " round " << round << " key " << testing::PrintToString(k);
        ASSERT_EQ(list.Find(k), f);
      }
    }
  }
}

}  // namespace
}  // namespace lsm
