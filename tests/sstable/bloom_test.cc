#include "src/sstable/bloom.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "src/util/coding.h"
#include "src/util/random.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

std::string Key(uint64_t i, char tag) {
  std::string k(1, tag);
  PutFixed64(&k, i);
  return k;
}

std::unique_ptr<BloomFilter> Build(int bits_per_key, uint64_t n, char tag = 'k') {
  BloomFilterBuilder builder(bits_per_key);
  for (uint64_t i = 0; i < n; i++) builder.AddKey(Key(i, tag));
  std::unique_ptr<BloomFilter> filter;
  EXPECT_TRUE(BloomFilter::Create(builder.Finish(), &filter).ok());
  return filter;
}

// The false-positive rate of a blocked bloom filter: a probe of an absent key lands in a line
// holding Binomial(n, 1/L) keys; with j keys whose k probes each pick one of 512 bits at random
// the line answers yes with probability (1 - (1 - 1/512)^(jk))^k.
double BlockedTheory(uint64_t n, uint32_t lines, int k) {
  const double p = 1.0 / lines;
  double total = 0;
  double log_binom = 0;  // log C(n, j)
  for (uint64_t j = 0; j <= n && j < 4096; j++) {
    if (j > 0) log_binom += std::log(double(n - j + 1)) - std::log(double(j));
    const double weight = std::exp(log_binom + j * std::log(p) + (n - j) * std::log1p(-p));
    total += weight * std::pow(1 - std::pow(1 - 1.0 / 512, double(j) * k), k);
  }
  return total;
}

// A standard (unblocked) bloom filter of the same bits and probes.
double StandardTheory(uint64_t n, uint32_t lines, int k) {
  return std::pow(1 - std::exp(-double(k) * n / (lines * 512.0)), k);
}

double MeasuredRate(const BloomFilter& filter, uint64_t probes) {
  uint64_t hits = 0;
  for (uint64_t i = 0; i < probes; i++) hits += filter.KeyMayMatch(Key(i, 'x'));
  return double(hits) / probes;
}

TEST(BloomTest, NoFalseNegatives) {
  for (uint64_t n : {1, 2, 10, 100, 1000, 10000, 100000}) {
    for (int bits : {1, 5, 10, 20}) {
      auto filter = Build(bits, n);
      for (uint64_t i = 0; i < n; i++) ASSERT_TRUE(filter->KeyMayMatch(Key(i, 'k'))) << n;
    }
  }
}

TEST(BloomTest, EmptyFilterMatchesNothingMuch) {
  auto filter = Build(10, 0);
  EXPECT_EQ(filter->num_lines(), 1u);
  EXPECT_FALSE(filter->KeyMayMatch("anything"));
  EXPECT_FALSE(filter->KeyMayMatch(""));
}

// The measured rate must be within 1.5x of the blocked filter's theory (which is about 17%
// above a standard bloom filter's at 10 bits per key; both are printed).
TEST(BloomTest, FalsePositiveRateMatchesBlockedTheory) {
  const uint64_t n = 100000;
  for (int bits : {6, 10, 16}) {
    auto filter = Build(bits, n);
    const double measured = MeasuredRate(*filter, 200000);
    const double blocked = BlockedTheory(n, filter->num_lines(), filter->num_probes());
    const double standard = StandardTheory(n, filter->num_lines(), filter->num_probes());
    std::printf("bits/key %2d probes %d: measured %.4f%%, blocked theory %.4f%%, standard %.4f%%\n",
                bits, filter->num_probes(), 100 * measured, 100 * blocked, 100 * standard);
    EXPECT_LE(measured, 1.5 * blocked) << bits;
    EXPECT_GE(measured, blocked / 1.5) << bits;
    if (bits == 10) {
      EXPECT_LT(measured, 0.0125);
    }
  }
}

TEST(BloomTest, ProbeCountsAreSane) {
  EXPECT_EQ(BloomNumProbes(10), 7);
  for (int b = -1; b <= 100; b++) {
    EXPECT_GE(BloomNumProbes(b), 1);
    EXPECT_LE(BloomNumProbes(b), 30);
  }
}

TEST(BloomTest, LinesAreCacheAligned) {
  auto filter = Build(10, 5000);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(filter->data()) % kBloomLineBytes, 0u);
}

TEST(BloomTest, DuplicateKeysCountOnce) {
  BloomFilterBuilder builder(10);
  for (int i = 0; i < 100; i++) builder.AddKey("same");
  EXPECT_EQ(builder.num_keys(), 1u);
}

TEST(BloomTest, InvalidParametersAreCorruption) {
  BloomFilterBuilder builder(10);
  for (int i = 0; i < 100; i++) builder.AddKey(Key(i, 'k'));
  const std::string good = builder.Finish();
  std::unique_ptr<BloomFilter> filter;
  ASSERT_TRUE(BloomFilter::Create(good, &filter).ok());

  auto expect_corrupt = [&](std::string block) {
    EXPECT_TRUE(BloomFilter::Create(block, &filter).IsCorruption());
  };
  expect_corrupt("");
  expect_corrupt(good.substr(1));
  expect_corrupt(good + "x");
  std::string zero_probes = good;
  zero_probes[good.size() - 2] = 0;
  expect_corrupt(zero_probes);
  std::string many_probes = good;
  many_probes[good.size() - 2] = 31;
  expect_corrupt(many_probes);
  std::string version = good;
  version[good.size() - 1] = 2;
  expect_corrupt(version);
  std::string lines = good;
  EncodeFixed32(lines.data() + good.size() - kBloomTrailerSize, 0);
  expect_corrupt(lines);
  EncodeFixed32(lines.data() + good.size() - kBloomTrailerSize, 0xffffffff);
  expect_corrupt(lines);
}

TEST(BloomTest, RandomKeys) {
  Random rnd(TestSeed());
  BloomFilterBuilder builder(10);
  std::vector<std::string> keys;
  for (int i = 0; i < 2000; i++) {
    keys.push_back(rnd.Bytes(rnd.Skewed(6)));
    builder.AddKey(keys.back());
  }
  std::unique_ptr<BloomFilter> filter;
  ASSERT_TRUE(BloomFilter::Create(builder.Finish(), &filter).ok());
  for (const std::string& k : keys) EXPECT_TRUE(filter->KeyMayMatch(k));
}

}  // namespace
}  // namespace lsm
