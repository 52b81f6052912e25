// The log file format shared by log::Writer and log::Reader: a sequence of 32 KiB blocks
// holding checksummed fragments of records. The write-ahead log and the MANIFEST use it; it
// never knows what a record means. docs/wal_format.md describes every byte.
//
//   header (7 bytes)                      payload (length bytes)
//   +----------+--------+------+          +---------------------+
//   | checksum | length | type |          | ...                 |
//   | fixed32  | fix16  | u8   |          |                     |
//   +----------+--------+------+          +---------------------+
//
// A record that does not fit in the rest of a block is split into FIRST, MIDDLE..., LAST
// fragments; one that fits is a FULL fragment. A block tail too short for a header is zeros.
// The first record of a file is a FILE_HEADER record (magic, version, log number); a writer
// that continues a file whose tail was damaged starts a new block with another FILE_HEADER
// record (a "resume header") naming where the intact data ended.
//
//   RecordContext context{.log_number = 7, .record_offset = 35};
//   uint32_t stored = FragmentChecksum(payload, kFullType, &context);
//
// Thread-safety: everything here is a constant or a pure function.
#ifndef LSM_WAL_LOG_FORMAT_H_
#define LSM_WAL_LOG_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lsm/status.h"
#include "src/util/checksum.h"
#include "src/util/coding.h"

namespace lsm::log {

// Fragments never cross a block boundary; block k covers file bytes [k * kBlockSize,
// (k + 1) * kBlockSize).
inline constexpr size_t kBlockSize = 32768;

// checksum (4) + length (2) + type (1).
inline constexpr size_t kHeaderSize = 7;

enum FragmentType : uint8_t {
  // Never written: a header of seven zero bytes marks preallocated or zero-filled space.
  kZeroType = 0,
  kFullType = 1,
  kFirstType = 2,
  kMiddleType = 3,
  kLastType = 4,
  kFileHeaderType = 5,
};
inline constexpr uint8_t kMaxFragmentType = kFileHeaderType;

// The FILE_HEADER payload: magic (8) | version (fixed32) | log number (fixed64) |
// resume offset (fixed64).
inline constexpr char kMagic[8] = {'\x89', 'L', 'S', 'M', 'L', 'O', 'G', '\n'};
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr size_t kFileHeaderPayloadSize = 28;
inline constexpr size_t kFileHeaderRecordSize = kHeaderSize + kFileHeaderPayloadSize;

struct FileHeader {
  uint32_t version = kFormatVersion;
  // The number of the file (NNNNNN.log, MANIFEST-NNNNNN) the log was written as.
  uint64_t log_number = 0;
  // 0 in the header at offset 0. In a resume header: the file offset where the intact records
  // ended when the log was recovered; the bytes from there to the resume header are abandoned.
  uint64_t resume_offset = 0;
};

inline void EncodeFileHeader(const FileHeader& header, std::string* dst) {
  dst->append(kMagic, sizeof(kMagic));
  PutFixed32(dst, header.version);
  PutFixed64(dst, header.log_number);
  PutFixed64(dst, header.resume_offset);
}

// Corruption if the payload is not a file header; NotSupported for a version other than
// kFormatVersion. The message names the problem only: callers add file and offset.
inline Status DecodeFileHeader(std::string_view payload, FileHeader* header) {
  if (payload.size() < sizeof(kMagic) + 4) return Status::Corruption("file header too short");
  if (payload.substr(0, sizeof(kMagic)) != std::string_view(kMagic, sizeof(kMagic))) {
    return Status::Corruption("bad magic in file header");
  }
  header->version = DecodeFixed32(payload.data() + sizeof(kMagic));
  if (header->version != kFormatVersion) {
    return Status::NotSupported("log format version " + std::to_string(header->version) +
                                " (this build reads version " + std::to_string(kFormatVersion) +
                                ")");
  }
  if (payload.size() != kFileHeaderPayloadSize) {
    return Status::Corruption("file header of " + std::to_string(payload.size()) + " bytes");
  }
  header->log_number = DecodeFixed64(payload.data() + 12);
  header->resume_offset = DecodeFixed64(payload.data() + 20);
  return Status::OK();
}

// What a data fragment's checksum binds it to besides its own bytes: the log it belongs to and
// the file offset of its record's first fragment. A fragment copied from another log, from
// another place, or from another record fails its checksum.
struct RecordContext {
  uint64_t log_number = 0;
  uint64_t record_offset = 0;
};

// The stored (masked) checksum of a fragment:
//   Mask(low32(XXH3(payload)) ^ low32(XXH3(length | type | context)))
// where length is fixed16, type one byte, and context (data fragments only, absent for
// FILE_HEADER) is log_number | record_offset as fixed64.
inline uint32_t FragmentChecksum(std::string_view payload, uint8_t type,
                                 const RecordContext* context) {
  char buf[3 + 16];
  EncodeFixed16(buf, static_cast<uint16_t>(payload.size()));
  buf[2] = static_cast<char>(type);
  size_t n = 3;
  if (context != nullptr) {
    EncodeFixed64(buf + 3, context->log_number);
    EncodeFixed64(buf + 11, context->record_offset);
    n = sizeof(buf);
  }
  return MaskChecksum(Checksum32(payload) ^ Checksum32(std::string_view(buf, n)));
}

}  // namespace lsm::log

#endif  // LSM_WAL_LOG_FORMAT_H_
