#include "src/sstable/bloom.h"

#include <absl/strings/str_format.h>

#include <algorithm>
#include <cstring>
#include <new>

#include "src/util/coding.h"
#include "src/util/invariant.h"

namespace lsm {
namespace {

static_assert(kBloomLineBytes * 8 == kBloomLineBits);
constexpr int kMaxProbes = 30;
constexpr std::align_val_t kLineAlignment{kBloomLineBytes};

// The best probe count for 1..64 bits per key, from the blocked filter's theory (see
// bloom_test.cc): each line holds Poisson(512 / bits_per_key) keys.
constexpr uint8_t kBestProbes[65] = {
    1,  1,  1,  2,  3,  3,  4,  5,  5,  6,  7,  7,  8,  8,  9,  9,  10, 10, 10, 11, 11, 12,
    12, 12, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 16, 16, 17, 17, 17, 17,
    17, 18, 18, 18, 18, 18, 18, 19, 19, 19, 19, 19, 19, 20, 20, 20, 20, 20, 20, 20, 20};

}  // namespace

int BloomNumProbes(int bits_per_key) { return kBestProbes[std::clamp(bits_per_key, 1, 64)]; }

BloomFilterBuilder::BloomFilterBuilder(int bits_per_key)
    : bits_per_key_(bits_per_key), num_probes_(BloomNumProbes(bits_per_key)) {
  LSM_INVARIANT(bits_per_key >= 1);
}

void BloomFilterBuilder::AddHash(uint64_t hash) {
  if (hashes_.empty() || hashes_.back() != hash) hashes_.push_back(hash);
}

std::string BloomFilterBuilder::Finish() {
  const uint64_t bits = std::max<uint64_t>(hashes_.size() * uint64_t(bits_per_key_), 1);
  const auto num_lines = static_cast<uint32_t>(
      std::min<uint64_t>((bits + kBloomLineBits - 1) / kBloomLineBits, UINT32_MAX));
  std::string out(size_t{num_lines} * kBloomLineBytes, '\0');
  auto* lines = reinterpret_cast<uint8_t*>(out.data());
  for (uint64_t hash : hashes_) {
    uint8_t* line = lines + size_t{BloomLineOf(hash, num_lines)} * kBloomLineBytes;
    ForEachBloomProbe(hash, num_probes_, [line](uint32_t bit) {
      line[bit >> 3] |= static_cast<uint8_t>(1u << (bit & 7));
      return true;
    });
  }
  PutFixed32(&out, num_lines);
  out.push_back(static_cast<char>(num_probes_));
  out.push_back(static_cast<char>(kBloomFilterVersion));
  hashes_.clear();
  return out;
}

Status BloomFilter::Create(std::string_view contents, std::unique_ptr<BloomFilter>* filter) {
  if (contents.size() < kBloomTrailerSize) {
    return Status::Corruption("bloom filter", "block too short");
  }
  const char* trailer = contents.data() + contents.size() - kBloomTrailerSize;
  const uint32_t num_lines = DecodeFixed32(trailer);
  const int num_probes = static_cast<uint8_t>(trailer[4]);
  const int version = static_cast<uint8_t>(trailer[5]);
  if (version != kBloomFilterVersion) {
    return Status::Corruption("bloom filter", absl::StrFormat("unknown version %d", version));
  }
  if (num_lines == 0 || num_probes < 1 || num_probes > kMaxProbes ||
      contents.size() - kBloomTrailerSize != uint64_t{num_lines} * kBloomLineBytes) {
    return Status::Corruption(
        "bloom filter", absl::StrFormat("bad parameters: %u lines, %d probes, %u bytes", num_lines,
                                        num_probes, contents.size()));
  }
  const size_t bytes = size_t{num_lines} * kBloomLineBytes;
  char* lines = static_cast<char*>(::operator new[](bytes, kLineAlignment));
  std::memcpy(lines, contents.data(), bytes);
  filter->reset(new BloomFilter(lines, num_lines, num_probes));
  return Status::OK();
}

BloomFilter::~BloomFilter() { ::operator delete[](lines_, kLineAlignment); }

bool BloomFilter::HashMayMatch(uint64_t hash) const {
  const auto* line = reinterpret_cast<const uint8_t*>(lines_) +
                     size_t{BloomLineOf(hash, num_lines_)} * kBloomLineBytes;
  return ForEachBloomProbe(hash, num_probes_, [line](uint32_t bit) {
    return (line[bit >> 3] & (1u << (bit & 7))) != 0;
  });
}

}  // namespace lsm
