// Checksums of every on-disk block and record: XXH3 (xxHash), truncated to 32 bits where the
// formats store 32.
//
//   uint32_t c = Checksum32(block);
//   ChecksumBuilder b; b.Update(header); b.Update(payload); uint32_t c2 = b.Value32();
//
// Stored checksums are masked (MaskChecksum) so that a checksum of data that itself holds
// checksums does not degenerate.
#ifndef LSM_UTIL_CHECKSUM_H_
#define LSM_UTIL_CHECKSUM_H_

#include <cstdint>
#include <string_view>

// XXH3_state_t (used by ChecksumBuilder) is declared only in xxHash's static-linking section.
#ifndef XXH_STATIC_LINKING_ONLY
#define XXH_STATIC_LINKING_ONLY
#endif
#include <xxhash.h>

namespace lsm {

inline uint64_t Checksum64(std::string_view data) { return XXH3_64bits(data.data(), data.size()); }

inline uint32_t Checksum32(std::string_view data) {
  return static_cast<uint32_t>(Checksum64(data));
}

// Checksum of several pieces, equal to the checksum of their concatenation.
class ChecksumBuilder {
 public:
  ChecksumBuilder() { XXH3_64bits_reset(&state_); }
  void Update(std::string_view data) { XXH3_64bits_update(&state_, data.data(), data.size()); }
  uint64_t Value64() const { return XXH3_64bits_digest(&state_); }
  uint32_t Value32() const { return static_cast<uint32_t>(Value64()); }

 private:
  XXH3_state_t state_;
};

inline constexpr uint32_t kChecksumMaskDelta = 0xa282ead8u;

// The form in which a checksum is stored.
inline uint32_t MaskChecksum(uint32_t c) { return ((c >> 15) | (c << 17)) + kChecksumMaskDelta; }
inline uint32_t UnmaskChecksum(uint32_t masked) {
  const uint32_t rot = masked - kChecksumMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace lsm

#endif  // LSM_UTIL_CHECKSUM_H_
