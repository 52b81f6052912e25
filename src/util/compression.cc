#include "src/util/compression.h"

#include <lz4.h>
#include <zstd.h>

#include <limits>

#include "src/util/coding.h"

namespace lsm {

const char* CompressionTypeName(CompressionType type) {
  switch (type) {
    case CompressionType::kNone:
      return "none";
    case CompressionType::kLZ4:
      return "lz4";
    case CompressionType::kZstd:
      return "zstd";
  }
  return "unknown";
}

bool IsValidCompressionType(int type) {
  return type == static_cast<int>(CompressionType::kNone) ||
         type == static_cast<int>(CompressionType::kLZ4) ||
         type == static_cast<int>(CompressionType::kZstd);
}

int DefaultCompressionLevel(CompressionType type) { return type == CompressionType::kZstd ? 3 : 0; }

bool Compress(CompressionType type, int level, std::string_view input, std::string* output) {
  output->clear();
  PutVarint64(output, input.size());
  const size_t header = output->size();
  switch (type) {
    case CompressionType::kNone:
      return false;
    case CompressionType::kLZ4: {
      if (input.size() > static_cast<size_t>(LZ4_MAX_INPUT_SIZE)) return false;
      const int bound = LZ4_compressBound(static_cast<int>(input.size()));
      output->resize(header + bound);
      const int n = LZ4_compress_fast(input.data(), output->data() + header,
                                      static_cast<int>(input.size()), bound, level > 0 ? level : 1);
      if (n <= 0) return false;
      output->resize(header + n);
      return true;
    }
    case CompressionType::kZstd: {
      const size_t bound = ZSTD_compressBound(input.size());
      output->resize(header + bound);
      const size_t n =
          ZSTD_compress(output->data() + header, bound, input.data(), input.size(), level);
      if (ZSTD_isError(n)) return false;
      output->resize(header + n);
      return true;
    }
  }
  return false;
}

Status Uncompress(CompressionType type, std::string_view input, size_t max_output_bytes,
                  std::string* output) {
  uint64_t raw_size;
  if (!GetVarint64(&input, &raw_size)) {
    return Status::Corruption("compressed payload: bad length header");
  }
  if (raw_size > max_output_bytes) {
    return Status::Corruption("compressed payload: uncompressed length too large");
  }
  output->resize(raw_size);
  switch (type) {
    case CompressionType::kNone:
      break;
    case CompressionType::kLZ4: {
      if (raw_size > static_cast<uint64_t>(std::numeric_limits<int>::max()) ||
          input.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
        break;
      }
      const int n = LZ4_decompress_safe(input.data(), output->data(),
                                        static_cast<int>(input.size()), static_cast<int>(raw_size));
      if (n < 0 || static_cast<uint64_t>(n) != raw_size) {
        return Status::Corruption("lz4 payload does not decompress to its stated length");
      }
      return Status::OK();
    }
    case CompressionType::kZstd: {
      const size_t n = ZSTD_decompress(output->data(), raw_size, input.data(), input.size());
      if (ZSTD_isError(n) || n != raw_size) {
        return Status::Corruption("zstd payload does not decompress to its stated length");
      }
      return Status::OK();
    }
  }
  return Status::Corruption("unknown compression type");
}

}  // namespace lsm
