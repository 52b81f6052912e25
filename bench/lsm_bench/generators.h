// The data of a benchmark: a seeded random generator, db_bench-style keys (a number written as
// key_size zero-padded decimal digits, so byte order is numeric order) and values cut from a
// pool of random data that compresses to about --compression_ratio of its size.
//
//   lsm::bench::Random64 rnd(301);
//   lsm::bench::KeyFormatter keys(16);
//   lsm::bench::ValuePool values(0.5, 301);
//   std::string_view key = keys.Format(rnd.Uniform(1000000));  // "0000000000042137"
//   std::string_view value = values.Next(100);
//
//   lsm::bench::ZipfianGenerator zipf(1000000);   // YCSB's request distribution
//   uint64_t hot = zipf.NextScrambled(&rnd);      // a popular key, anywhere in [0, 1000000)
//
// The views returned stay valid until the next Format() (keys) or for the pool's lifetime
// (values). Random64, KeyFormatter and ValuePool are not thread-safe; a ZipfianGenerator is
// immutable and may be shared by threads, each drawing with its own Random64.
#ifndef LSM_BENCH_LSM_BENCH_GENERATORS_H_
#define LSM_BENCH_LSM_BENCH_GENERATORS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lsm::bench {

// splitmix64: fast, well mixed, and the same sequence for the same seed everywhere.
class Random64 {
 public:
  explicit Random64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Uniform(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  // Uniform in [0, 1).
  double UniformDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

// Decimal digits needed to write n (1 for 0).
int DecimalDigits(uint64_t n);

class KeyFormatter {
 public:
  // REQUIRES: key_size >= 1.
  explicit KeyFormatter(int key_size);
  // Keys that start with a prefix of `prefix_size` digits, k % num_prefixes (db_bench's
  // --keys_per_prefix: num / keys_per_prefix prefixes, key k in prefix k % num_prefixes), then
  // k in the other key_size - prefix_size digits. REQUIRES: 1 <= prefix_size < key_size,
  // num_prefixes >= 1.
  KeyFormatter(int key_size, int prefix_size, uint64_t num_prefixes);

  // k as key_size decimal digits, zero-padded on the left (after the prefix, if any).
  // REQUIRES: DecimalDigits(k) <= key_size (- prefix_size).
  std::string_view Format(uint64_t k);

 private:
  // Writes v as the zero-padded decimal digits of buf_[begin, end).
  void Digits(uint64_t v, size_t begin, size_t end);

  std::string buf_;
  size_t prefix_size_ = 0;
  uint64_t num_prefixes_ = 0;
};

class ValuePool {
 public:
  // A pool of at least 1 MiB (and at least min_value_size bytes) made of 100-byte pieces, each
  // holding compression_ratio * 100 random printable bytes repeated to fill it.
  // REQUIRES: 0 < compression_ratio <= 1.
  ValuePool(double compression_ratio, uint64_t seed, size_t min_value_size = 0);

  // The next len bytes of the pool, wrapping to its start. REQUIRES: len <= pool size.
  std::string_view Next(size_t len);

 private:
  std::string data_;
  size_t pos_ = 0;
};

// Zipfian ranks in [0, n): rank 0 is the most popular and rank r is drawn with probability
// proportional to 1 / (r + 1)^theta. This is the generator YCSB's core workloads use (Gray et
// al., "Quickly generating billion-record synthetic databases", SIGMOD 1994), with YCSB's
// theta of 0.99. Construction sums n terms (about 20 ms per million items).
class ZipfianGenerator {
 public:
  // REQUIRES: n >= 1, 0 < theta < 1.
  explicit ZipfianGenerator(uint64_t n, double theta = 0.99);

  uint64_t items() const { return n_; }
  // A rank: small ranks are the popular ones.
  uint64_t Next(Random64* rnd) const;
  // A rank hashed over [0, n) (YCSB's "scrambled" zipfian), so that the popular items are
  // spread over the key space instead of clustered at its start.
  uint64_t NextScrambled(Random64* rnd) const;

 private:
  uint64_t n_;
  double theta_;
  double alpha_;
  double zeta_n_;
  double eta_;
};

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_GENERATORS_H_
