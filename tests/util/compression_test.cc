#include "src/util/compression.h"

#include <gtest/gtest.h>

#include "src/util/random.h"

namespace lsm {
namespace {

class CompressionTest : public testing::TestWithParam<CompressionType> {};

TEST_P(CompressionTest, RoundTrip) {
  Random rnd(17);
  for (size_t len : {0, 1, 100, 4096, 100000}) {
    std::string input;
    while (input.size() < len) input += rnd.OneIn(2) ? "abcdefgh" : rnd.Bytes(8);
    input.resize(len);
    std::string compressed, output;
    ASSERT_TRUE(Compress(GetParam(), DefaultCompressionLevel(GetParam()), input, &compressed));
    ASSERT_TRUE(Uncompress(GetParam(), compressed, len, &output).ok());
    EXPECT_EQ(output, input);
  }
}

TEST_P(CompressionTest, RejectsDamage) {
  const std::string input(10000, 'x');
  std::string compressed, output;
  ASSERT_TRUE(Compress(GetParam(), DefaultCompressionLevel(GetParam()), input, &compressed));
  EXPECT_LT(compressed.size(), input.size() / 10);
  // Over the caller's limit.
  EXPECT_TRUE(Uncompress(GetParam(), compressed, 9999, &output).IsCorruption());
  // Truncated at every length: an error or (never) a different output.
  for (size_t len = 0; len < compressed.size(); len++) {
    Status s = Uncompress(GetParam(), compressed.substr(0, len), 1 << 20, &output);
    EXPECT_TRUE(s.IsCorruption()) << len;
  }
  // Every byte flipped: either an error or exactly the original.
  for (size_t i = 0; i < compressed.size(); i++) {
    std::string bad = compressed;
    bad[i] ^= 0x41;
    Status s = Uncompress(GetParam(), bad, 1 << 20, &output);
    if (s.ok()) {
      EXPECT_EQ(output.size(), input.size()) << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompressionTest,
                         testing::Values(CompressionType::kLZ4, CompressionType::kZstd),
                         [](const auto& info) { return CompressionTypeName(info.param); });

TEST(CompressionNamesTest, Names) {
  EXPECT_STREQ(CompressionTypeName(CompressionType::kNone), "none");
  EXPECT_TRUE(IsValidCompressionType(2));
  EXPECT_FALSE(IsValidCompressionType(3));
  std::string out;
  EXPECT_FALSE(Compress(CompressionType::kNone, 0, "abc", &out));
}

}  // namespace
}  // namespace lsm
