#include "bench/lsm_bench/generators.h"

#include <algorithm>
#include <cmath>

namespace lsm::bench {

int DecimalDigits(uint64_t n) {
  int digits = 1;
  while (n >= 10) {
    n /= 10;
    digits++;
  }
  return digits;
}

KeyFormatter::KeyFormatter(int key_size) : buf_(static_cast<size_t>(key_size), '0') {}

KeyFormatter::KeyFormatter(int key_size, int prefix_size, uint64_t num_prefixes)
    : buf_(static_cast<size_t>(key_size), '0'),
      prefix_size_(static_cast<size_t>(prefix_size)),
      num_prefixes_(num_prefixes) {}

void KeyFormatter::Digits(uint64_t v, size_t begin, size_t end) {
  // Write the digits from the right; every position left of them is a '0'.
  size_t i = end;
  do {
    buf_[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && i > begin);
  while (i > begin) buf_[--i] = '0';
}

std::string_view KeyFormatter::Format(uint64_t k) {
  if (num_prefixes_ > 0) Digits(k % num_prefixes_, 0, prefix_size_);
  Digits(k, prefix_size_, buf_.size());
  return buf_;
}

ValuePool::ValuePool(double compression_ratio, uint64_t seed, size_t min_value_size) {
  constexpr size_t kPiece = 100;
  const size_t target = std::max<size_t>(size_t{1} << 20, min_value_size);
  const size_t raw =
      std::clamp<size_t>(static_cast<size_t>(std::lround(compression_ratio * kPiece)), 1, kPiece);
  Random64 rnd(seed);
  std::string piece(kPiece, ' ');
  data_.reserve(target + kPiece);
  while (data_.size() < target) {
    for (size_t i = 0; i < raw; i++) piece[i] = static_cast<char>(' ' + rnd.Uniform(95));
    for (size_t i = raw; i < kPiece; i++) piece[i] = piece[i % raw];
    data_.append(piece);
  }
}

std::string_view ValuePool::Next(size_t len) {
  if (pos_ + len > data_.size()) pos_ = 0;
  std::string_view v(data_.data() + pos_, len);
  pos_ += len;
  return v;
}

namespace {

// The first n terms of the generalized harmonic series: sum of 1 / i^theta for i in [1, n].
double Zeta(uint64_t n, double theta) {
  double sum = 0;
  for (uint64_t i = 1; i <= n; i++) sum += std::pow(static_cast<double>(i), -theta);
  return sum;
}

// 64-bit FNV-1a over the eight bytes of v, low byte first.
uint64_t Fnv1a64(uint64_t v) {
  uint64_t hash = 0xCBF29CE484222325ULL;
  for (int i = 0; i < 8; i++) {
    hash ^= v & 0xFF;
    hash *= 0x100000001B3ULL;
    v >>= 8;
  }
  return hash;
}

}  // namespace

ZipfianGenerator::ZipfianGenerator(uint64_t n, double theta)
    : n_(n), theta_(theta), alpha_(1.0 / (1.0 - theta)), zeta_n_(Zeta(n, theta)) {
  const double zeta_2 = Zeta(2, theta);
  eta_ = (1.0 - std::pow(2.0 / static_cast<double>(n), 1.0 - theta)) / (1.0 - zeta_2 / zeta_n_);
}

uint64_t ZipfianGenerator::Next(Random64* rnd) const {
  // Inverts an approximation of the distribution's CDF; the two most popular ranks are
  // handled exactly.
  const double u = rnd->UniformDouble();
  const double uz = u * zeta_n_;
  if (uz < 1.0) return 0;
  if (uz < 1.0 + std::pow(0.5, theta_)) return n_ > 1 ? 1 : 0;
  const double rank = static_cast<double>(n_) * std::pow(eta_ * u - eta_ + 1.0, alpha_);
  return std::min(static_cast<uint64_t>(rank), n_ - 1);
}

uint64_t ZipfianGenerator::NextScrambled(Random64* rnd) const { return Fnv1a64(Next(rnd)) % n_; }

}  // namespace lsm::bench
