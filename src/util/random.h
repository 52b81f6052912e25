// Random: a small, fast, seeded pseudo-random generator (xoshiro256**) for skiplist heights,
// tests and benchmarks. Not for anything that needs unpredictability.
//
//   Random rnd(301);
//   if (rnd.OneIn(4)) ...;  uint64_t k = rnd.Uniform(1000);
//
// Thread-safety: one generator per thread.
#ifndef LSM_UTIL_RANDOM_H_
#define LSM_UTIL_RANDOM_H_

#include <cstdint>
#include <string>

namespace lsm {

class Random {
 public:
  explicit Random(uint64_t seed) {
    // Expand the seed with splitmix64 so that nearby seeds give unrelated streams.
    for (uint64_t& s : state_) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      s = z ^ (z >> 31);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Uniform(uint64_t n) { return Next() % n; }

  // True with probability 1/n. REQUIRES: n > 0.
  bool OneIn(uint64_t n) { return Uniform(n) == 0; }

  // Picks base uniformly from [0, max_log] and returns a uniform value in [0, 2^base): small
  // numbers much more often than large ones.
  uint64_t Skewed(int max_log) { return Uniform(uint64_t{1} << Uniform(max_log + 1)); }

  // `len` random bytes (every value 0..255).
  std::string Bytes(size_t len) {
    std::string s(len, '\0');
    for (char& c : s) c = static_cast<char>(Next() >> 56);
    return s;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

}  // namespace lsm

#endif  // LSM_UTIL_RANDOM_H_
