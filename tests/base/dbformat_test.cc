#include "src/base/dbformat.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "tests/support/test_util.h"

namespace lsm {
namespace {

TEST(DbFormatTest, EncodeDecode) {
  for (std::string_view key :
       {std::string_view(""), std::string_view("k"), std::string_view("\0\xff", 2)}) {
    for (SequenceNumber seq : {SequenceNumber{0}, SequenceNumber{1}, kMaxSequenceNumber}) {
      for (ValueType t : {ValueType::kValue, ValueType::kDeletion}) {
        const std::string ikey = IKey(key, seq, t);
        ParsedInternalKey p;
        ASSERT_TRUE(ParseInternalKey(ikey, &p));
        EXPECT_EQ(p.user_key, key);
        EXPECT_EQ(p.sequence, seq);
        EXPECT_EQ(p.type, t);
      }
    }
  }
  ParsedInternalKey p;
  EXPECT_FALSE(ParseInternalKey("short", &p));
  std::string bad = IKey("k", 5, ValueType::kValue);
  bad[bad.size() - 8] = 0x7f;  // unknown type
  EXPECT_FALSE(ParseInternalKey(bad, &p));
}

TEST(DbFormatTest, OrderIsUserKeyThenNewestFirst) {
  InternalKeyComparator cmp(BytewiseComparator());
  std::vector<std::string> sorted = {
      IKey("a", 9, ValueType::kValue),      IKey("a", 5, ValueType::kValue),
      IKey("a", 5, ValueType::kDeletion),   IKey("a", 1, ValueType::kValue),
      IKey("b", 100, ValueType::kDeletion), IKey("bb", 0, ValueType::kValue)};
  std::vector<std::string> shuffled = sorted;
  std::reverse(shuffled.begin(), shuffled.end());
  std::sort(shuffled.begin(), shuffled.end(),
            [&](const std::string& x, const std::string& y) { return cmp.Compare(x, y) < 0; });
  EXPECT_EQ(shuffled, sorted);
}

TEST(DbFormatTest, SeparatorsStayBetween) {
  InternalKeyComparator cmp(BytewiseComparator());
  const std::string a = IKey("foo", 100, ValueType::kValue);
  std::string s = a;
  cmp.FindShortestSeparator(&s, IKey("hello", 200, ValueType::kValue));
  EXPECT_EQ(s, IKey("g", kMaxSequenceNumber, ValueType::kValue));
  EXPECT_LT(cmp.Compare(a, s), 0);
  s = a;  // same user key: unchanged
  cmp.FindShortestSeparator(&s, IKey("foo", 99, ValueType::kValue));
  EXPECT_EQ(s, a);
  s = a;
  cmp.FindShortSuccessor(&s);
  EXPECT_EQ(s, IKey("g", kMaxSequenceNumber, ValueType::kValue));
}

TEST(DbFormatTest, LookupKey) {
  for (size_t len : {size_t{0}, size_t{3}, size_t{500}}) {
    const std::string user(len, 'u');
    LookupKey lk(user, 77);
    EXPECT_EQ(lk.user_key(), user);
    EXPECT_EQ(lk.internal_key(), IKey(user, 77, kValueTypeForSeek));
    std::string_view mk = lk.memtable_key();
    uint32_t n;
    ASSERT_TRUE(GetVarint32(&mk, &n));
    EXPECT_EQ(n, len + 8);
    EXPECT_EQ(mk, lk.internal_key());
  }
}

}  // namespace
}  // namespace lsm
