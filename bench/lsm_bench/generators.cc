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

std::string_view KeyFormatter::Format(uint64_t k) {
  // Write the digits from the right; every position left of them is a '0'.
  size_t i = buf_.size();
  do {
    buf_[--i] = static_cast<char>('0' + k % 10);
    k /= 10;
  } while (k != 0 && i > 0);
  while (i > 0) buf_[--i] = '0';
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

}  // namespace lsm::bench
