// The hash and the probe pattern of lsm's cache-line-blocked bloom filters, shared by the
// tables' filter blocks (src/sstable/bloom.h, whose on-disk layout docs/sst_format.md fixes)
// and the memtable's prefix bloom (src/memtable/memtable.h), so that a hash computed once
// probes both:
//   - a key's hash is XXH3-64 (BloomHash);
//   - its line of 512 bits is ((hash >> 32) * num_lines) >> 32 (BloomLineOf);
//   - probe i is bit (h_i >> 23) of the line, where h_0 is the low 32 bits of the hash and
//     h_{i+1} = h_i * 0x9e3779b9 (mod 2^32) (ForEachBloomProbe).
#ifndef LSM_UTIL_BLOOM_PROBES_H_
#define LSM_UTIL_BLOOM_PROBES_H_

#include <cstdint>
#include <string_view>

#include "src/util/checksum.h"

namespace lsm {

inline constexpr uint32_t kBloomLineBits = 512;

// The hash a key is filtered by.
inline uint64_t BloomHash(std::string_view key) { return Checksum64(key); }

// The line of a filter of num_lines lines that `hash` probes.
inline uint32_t BloomLineOf(uint64_t hash, uint32_t num_lines) {
  return static_cast<uint32_t>(((hash >> 32) * num_lines) >> 32);
}

// Calls bit(b) for the bit b in [0, kBloomLineBits) of each of `num_probes` probes, in order,
// until a call returns false; returns whether every call returned true.
template <typename BitFn>
inline bool ForEachBloomProbe(uint64_t hash, int num_probes, BitFn&& bit) {
  uint32_t h = static_cast<uint32_t>(hash);
  for (int i = 0; i < num_probes; i++, h *= 0x9e3779b9u) {
    if (!bit(h >> 23)) return false;
  }
  return true;
}

}  // namespace lsm

#endif  // LSM_UTIL_BLOOM_PROBES_H_
