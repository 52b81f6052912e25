// Histogram: latencies of single operations, in nanoseconds, kept in log-linear buckets (exact
// below 128 ns, then 64 buckets per power of two: under 1.6% relative error) so that memory is
// fixed however many operations a benchmark runs. Count, sum, min and max are exact.
//
//   lsm::bench::Histogram hist;
//   hist.Add(1234);                     // one operation took 1234 ns
//   double p99 = hist.Percentile(99);   // microseconds
//   std::string text = hist.ToString();  // db_bench's "Count: ... Percentiles: ..." lines
//
// Not thread-safe; give each thread its own and Merge them.
#ifndef LSM_BENCH_LSM_BENCH_HISTOGRAM_H_
#define LSM_BENCH_LSM_BENCH_HISTOGRAM_H_

#include <cstdint>
#include <string>
#include <vector>

namespace lsm::bench {

class Histogram {
 public:
  Histogram();

  void Clear();
  // Records one operation of `nanos` nanoseconds.
  void Add(uint64_t nanos);
  void Merge(const Histogram& other);

  uint64_t count() const { return count_; }
  // The figures below are in microseconds; 0 when empty.
  double Min() const;
  double Max() const;
  double Average() const;
  double StdDev() const;
  // The p-th percentile (0 <= p <= 100), interpolated within its bucket.
  double Percentile(double p) const;

  // Three lines, each ending in '\n':
  //   Count: 1000 Average: 1.2345  StdDev: 0.67
  //   Min: 0.512  Median: 1.104  Max: 12.288
  //   Percentiles: P50: 1.10 P95: 2.31 P99: 4.52 P99.9: 9.80 P99.99: 12.29
  std::string ToString() const;

 private:
  static int BucketFor(uint64_t nanos);
  static uint64_t BucketLow(int bucket);
  static uint64_t BucketWidth(int bucket);

  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t min_ = 0;
  uint64_t max_ = 0;
  double sum_ = 0;
  double sum_squares_ = 0;
};

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_HISTOGRAM_H_
