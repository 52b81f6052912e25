#include "src/util/coding.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace lsm {
namespace {

TEST(CodingTest, FixedRoundTrip) {
  std::string s;
  PutFixed16(&s, 0xbeef);
  PutFixed32(&s, 0xdeadbeef);
  PutFixed64(&s, 0x0123456789abcdefull);
  ASSERT_EQ(s.size(), 14u);
  EXPECT_EQ(static_cast<uint8_t>(s[0]), 0xef);  // little-endian
  std::string_view in = s;
  uint16_t a;
  uint32_t b;
  uint64_t c;
  ASSERT_TRUE(GetFixed16(&in, &a) && GetFixed32(&in, &b) && GetFixed64(&in, &c));
  EXPECT_EQ(a, 0xbeef);
  EXPECT_EQ(b, 0xdeadbeefu);
  EXPECT_EQ(c, 0x0123456789abcdefull);
  EXPECT_TRUE(in.empty());
  EXPECT_FALSE(GetFixed32(&in, &b));
}

TEST(CodingTest, VarintRoundTrip) {
  std::vector<uint64_t> values = {0,
                                  1,
                                  127,
                                  128,
                                  16383,
                                  16384,
                                  (1ull << 32) - 1,
                                  1ull << 32,
                                  std::numeric_limits<uint64_t>::max()};
  for (int shift = 0; shift < 64; shift++) values.push_back((1ull << shift) + 1);
  std::string s;
  for (uint64_t v : values) PutVarint64(&s, v);
  std::string_view in = s;
  for (uint64_t v : values) {
    uint64_t got;
    ASSERT_TRUE(GetVarint64(&in, &got));
    EXPECT_EQ(got, v);
  }
  EXPECT_TRUE(in.empty());
  for (uint64_t v : values)
    EXPECT_EQ(VarintLength(v), [&] {
      std::string t;
      PutVarint64(&t, v);
      return static_cast<int>(t.size());
    }());
}

TEST(CodingTest, Varint32RejectsOverflowAndTruncation) {
  std::string s;
  PutVarint64(&s, 1ull << 32);  // too large for 32 bits
  std::string_view in = s;
  uint32_t v;
  EXPECT_FALSE(GetVarint32(&in, &v));

  std::string t;
  PutVarint32(&t, 300000);
  for (size_t len = 0; len < t.size(); len++) {
    std::string_view part(t.data(), len);
    EXPECT_FALSE(GetVarint32(&part, &v)) << len;
  }
  std::string eleven(11, '\xff');
  std::string_view e = eleven;
  uint64_t v64;
  EXPECT_FALSE(GetVarint64(&e, &v64));
}

TEST(CodingTest, LengthPrefixed) {
  std::string s;
  PutLengthPrefixed(&s, "");
  PutLengthPrefixed(&s, std::string("a\0b", 3));
  std::string_view in = s;
  std::string_view a, b;
  ASSERT_TRUE(GetLengthPrefixed(&in, &a));
  ASSERT_TRUE(GetLengthPrefixed(&in, &b));
  EXPECT_EQ(a, "");
  EXPECT_EQ(b, std::string_view("a\0b", 3));
  std::string bad;
  PutVarint32(&bad, 10);
  bad += "abc";  // length points past the end
  std::string_view bin = bad;
  EXPECT_FALSE(GetLengthPrefixed(&bin, &a));
}

}  // namespace
}  // namespace lsm
