#include "bench/lsm_bench/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "absl/strings/str_format.h"

namespace lsm::bench {
namespace {

constexpr int kExact = 128;  // values below are their own bucket
constexpr int kSubBits = 6;  // 64 buckets per power of two above
constexpr int kSub = 1 << kSubBits;
constexpr int kFirstExponent = 7;  // log2(kExact)
constexpr int kNumBuckets = kExact + (64 - kFirstExponent) * kSub;

}  // namespace

Histogram::Histogram() : buckets_(kNumBuckets, 0) {}

void Histogram::Clear() {
  std::fill(buckets_.begin(), buckets_.end(), 0);
  count_ = 0;
  min_ = max_ = 0;
  sum_ = sum_squares_ = 0;
}

int Histogram::BucketFor(uint64_t nanos) {
  if (nanos < kExact) return static_cast<int>(nanos);
  const int exponent = 63 - std::countl_zero(nanos);
  const int sub = static_cast<int>((nanos >> (exponent - kSubBits)) & (kSub - 1));
  return kExact + (exponent - kFirstExponent) * kSub + sub;
}

uint64_t Histogram::BucketLow(int bucket) {
  if (bucket < kExact) return static_cast<uint64_t>(bucket);
  const int exponent = (bucket - kExact) / kSub + kFirstExponent;
  const uint64_t sub = static_cast<uint64_t>((bucket - kExact) % kSub);
  return (uint64_t{kSub} + sub) << (exponent - kSubBits);
}

uint64_t Histogram::BucketWidth(int bucket) {
  if (bucket < kExact) return 1;
  const int exponent = (bucket - kExact) / kSub + kFirstExponent;
  return uint64_t{1} << (exponent - kSubBits);
}

void Histogram::Add(uint64_t nanos) {
  buckets_[BucketFor(nanos)]++;
  if (count_ == 0 || nanos < min_) min_ = nanos;
  if (count_ == 0 || nanos > max_) max_ = nanos;
  count_++;
  const double v = static_cast<double>(nanos);
  sum_ += v;
  sum_squares_ += v * v;
}

void Histogram::Merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kNumBuckets; i++) buckets_[i] += other.buckets_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
  sum_squares_ += other.sum_squares_;
}

double Histogram::Min() const { return static_cast<double>(min_) / 1000.0; }
double Histogram::Max() const { return static_cast<double>(max_) / 1000.0; }

double Histogram::Average() const {
  return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_) / 1000.0;
}

double Histogram::StdDev() const {
  if (count_ == 0) return 0.0;
  const double n = static_cast<double>(count_);
  const double variance = (sum_squares_ * n - sum_ * sum_) / (n * n);
  return std::sqrt(std::max(variance, 0.0)) / 1000.0;
}

double Histogram::Percentile(double p) const {
  if (count_ == 0) return 0.0;
  const double rank = std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(count_);
  double cumulative = 0;
  for (int b = 0; b < kNumBuckets; b++) {
    if (buckets_[b] == 0) continue;
    const double in_bucket = static_cast<double>(buckets_[b]);
    if (cumulative + in_bucket >= rank) {
      const double fraction = (rank - cumulative) / in_bucket;
      double nanos =
          static_cast<double>(BucketLow(b)) + fraction * static_cast<double>(BucketWidth(b));
      nanos = std::clamp(nanos, static_cast<double>(min_), static_cast<double>(max_));
      return nanos / 1000.0;
    }
    cumulative += in_bucket;
  }
  return Max();
}

std::string Histogram::ToString() const {
  std::string out =
      absl::StrFormat("Count: %d Average: %.4f  StdDev: %.2f\n", count_, Average(), StdDev());
  absl::StrAppendFormat(&out, "Min: %.3f  Median: %.3f  Max: %.3f\n", Min(), Percentile(50), Max());
  absl::StrAppendFormat(
      &out, "Percentiles: P50: %.2f P95: %.2f P99: %.2f P99.9: %.2f P99.99: %.2f\n", Percentile(50),
      Percentile(95), Percentile(99), Percentile(99.9), Percentile(99.99));
  return out;
}

}  // namespace lsm::bench
