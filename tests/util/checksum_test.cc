#include "src/util/checksum.h"

#include <gtest/gtest.h>

namespace lsm {
namespace {

TEST(ChecksumTest, BuilderEqualsOneShot) {
  const std::string data = "the quick brown fox jumps over the lazy dog";
  for (size_t split = 0; split <= data.size(); split++) {
    ChecksumBuilder b;
    b.Update(std::string_view(data).substr(0, split));
    b.Update(std::string_view(data).substr(split));
    EXPECT_EQ(b.Value32(), Checksum32(data));
    EXPECT_EQ(b.Value64(), Checksum64(data));
  }
  EXPECT_NE(Checksum32("a"), Checksum32("b"));
}

TEST(ChecksumTest, MaskRoundTrips) {
  for (uint32_t c : {0u, 1u, 0xffffffffu, Checksum32("foo")}) {
    EXPECT_EQ(UnmaskChecksum(MaskChecksum(c)), c);
    EXPECT_NE(MaskChecksum(c), c);
  }
}

}  // namespace
}  // namespace lsm
