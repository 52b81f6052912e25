// Block compression with LZ4 and zstd.
//
//   std::string compressed, raw;
//   if (Compress(CompressionType::kZstd, 3, block, &compressed)) { ... }
//   Status s = Uncompress(CompressionType::kZstd, compressed, kMaxBlock, &raw);
//
// A compressed payload is self-describing: varint64 uncompressed length, then the codec's
// bytes. Uncompress treats its input as untrusted and never produces more than the limit.
// Thread-safety: all functions may be called concurrently.
#ifndef LSM_UTIL_COMPRESSION_H_
#define LSM_UTIL_COMPRESSION_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "lsm/options.h"
#include "lsm/status.h"

namespace lsm {

// Name of a codec ("none", "lz4", "zstd"), for properties and messages.
const char* CompressionTypeName(CompressionType type);

// True when `type` is one of the codecs this build knows.
bool IsValidCompressionType(int type);

// The default level of a codec (zstd: 3; lz4 and none: 0).
int DefaultCompressionLevel(CompressionType type);

// Appends the compressed form of input to *output (after clearing it). Returns false if the
// codec failed; kNone is not a codec and returns false.
bool Compress(CompressionType type, int level, std::string_view input, std::string* output);

// Replaces *output with the uncompressed form of input. Corruption when the payload is
// malformed, its length field is over max_output_bytes, or the codec fails.
Status Uncompress(CompressionType type, std::string_view input, size_t max_output_bytes,
                  std::string* output);

}  // namespace lsm

#endif  // LSM_UTIL_COMPRESSION_H_
