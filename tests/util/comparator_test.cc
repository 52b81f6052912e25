#include "lsm/comparator.h"

#include <gtest/gtest.h>

namespace lsm {
namespace {

TEST(BytewiseComparatorTest, OrdersUnsignedBytes) {
  const Comparator* c = BytewiseComparator();
  EXPECT_LT(c->Compare("a", "b"), 0);
  EXPECT_LT(c->Compare("a", "ab"), 0);
  EXPECT_LT(c->Compare("", "a"), 0);
  EXPECT_EQ(c->Compare("abc", "abc"), 0);
  EXPECT_GT(c->Compare("\xff", "\x01"), 0);  // unsigned
  EXPECT_EQ(c, BytewiseComparator());
}

TEST(BytewiseComparatorTest, SeparatorIsBetween) {
  const Comparator* c = BytewiseComparator();
  struct Case {
    std::string start, limit, expected;
  };
  for (const Case& t : std::vector<Case>{{"abcdefg", "abzz", "abd"},
                                         {"abc", "abd", "abc"},     // no room
                                         {"abc", "abcdef", "abc"},  // prefix
                                         {"a\xff", "b", "a\xff"},   // cannot bump 0xff
                                         {"helloworld", "hellz", "hellp"}}) {
    std::string s = t.start;
    c->FindShortestSeparator(&s, t.limit);
    EXPECT_EQ(s, t.expected) << t.start << " " << t.limit;
    EXPECT_LE(c->Compare(t.start, s), 0);
    EXPECT_LT(c->Compare(s, t.limit), 0);
  }
}

TEST(BytewiseComparatorTest, ShortSuccessor) {
  const Comparator* c = BytewiseComparator();
  std::string s = "abc";
  c->FindShortSuccessor(&s);
  EXPECT_EQ(s, "b");
  s = "\xff\xff\x01";
  c->FindShortSuccessor(&s);
  EXPECT_EQ(s, "\xff\xff\x02");
  s = "\xff\xff";
  c->FindShortSuccessor(&s);
  EXPECT_EQ(s, "\xff\xff");
}

}  // namespace
}  // namespace lsm
