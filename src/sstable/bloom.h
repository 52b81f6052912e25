// A cache-line-blocked bloom filter over a table's user keys: each key hashes (XXH3-64) to one
// 64-byte line and sets k bits inside it, so a probe touches one cache line.
//
//   BloomFilterBuilder b(/*bits_per_key=*/10);
//   b.AddKey("apple"); b.AddKey("pear");
//   std::string block = b.Finish();
//   std::unique_ptr<BloomFilter> f;
//   Status s = BloomFilter::Create(block, &f);
//   f->KeyMayMatch("apple");  // true; false means certainly absent
//
// Filter block layout (docs/sst_format.md): num_lines x 64 bytes of bits, num_lines
// (fixed32), num_probes (1 byte), filter version (1 byte, = 1). A key's line and bits are
// those of src/util/bloom_probes.h (BloomHash, BloomLineOf, ForEachBloomProbe).
// With 10 bits per key the false-positive rate is about 0.96% (a standard bloom filter of the
// same size: 0.82%); bloom_test checks it against the blocked filter's theory.
//
// Thread-safety: a BloomFilter is immutable and safe to probe from many threads; a builder is
// used by one thread at a time.
#ifndef LSM_SSTABLE_BLOOM_H_
#define LSM_SSTABLE_BLOOM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/status.h"
#include "src/util/bloom_probes.h"

namespace lsm {

inline constexpr size_t kBloomLineBytes = 64;
inline constexpr uint8_t kBloomFilterVersion = 1;
// Bytes after the lines: num_lines, num_probes, version.
inline constexpr size_t kBloomTrailerSize = 6;

// Probes per key that minimise the false-positive rate of a blocked filter with this many
// bits per key (1 to 64; larger values are clamped).
int BloomNumProbes(int bits_per_key);

class BloomFilterBuilder {
 public:
  // REQUIRES: bits_per_key >= 1.
  explicit BloomFilterBuilder(int bits_per_key);

  // Adds a key; adding the same key twice in a row counts it once.
  void AddKey(std::string_view key) { AddHash(BloomHash(key)); }
  void AddHash(uint64_t hash);
  size_t num_keys() const { return hashes_.size(); }

  // The filter block over every key added; the builder is empty afterwards.
  std::string Finish();

 private:
  const int bits_per_key_;
  const int num_probes_;
  std::vector<uint64_t> hashes_;
};

class BloomFilter {
 public:
  // Copies the block into 64-byte aligned memory. Corruption if its parameters are invalid.
  static Status Create(std::string_view contents, std::unique_ptr<BloomFilter>* filter);

  BloomFilter(const BloomFilter&) = delete;
  BloomFilter& operator=(const BloomFilter&) = delete;
  ~BloomFilter();

  bool KeyMayMatch(std::string_view key) const { return HashMayMatch(BloomHash(key)); }
  bool HashMayMatch(uint64_t hash) const;

  uint32_t num_lines() const { return num_lines_; }
  int num_probes() const { return num_probes_; }
  const char* data() const { return lines_; }
  size_t ApproximateMemoryUsage() const {
    return sizeof(BloomFilter) + size_t{num_lines_} * kBloomLineBytes;
  }

 private:
  BloomFilter(char* lines, uint32_t num_lines, int num_probes)
      : lines_(lines), num_lines_(num_lines), num_probes_(num_probes) {}

  char* const lines_;  // 64-byte aligned, owned
  const uint32_t num_lines_;
  const int num_probes_;
};

}  // namespace lsm

#endif  // LSM_SSTABLE_BLOOM_H_
