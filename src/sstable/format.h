// The fixed parts of the table file format (docs/sst_format.md): block handles, the block
// trailer, the footer with its magic number and format version, and reading one block.
//
//   Footer footer;
//   Status s = Footer::DecodeFrom(last_bytes, file_size, "000007.sst", &footer);
//   std::string contents;
//   s = ReadBlock(file, "000007.sst", footer.index_handle, /*verify_checksum=*/true,
//                 &contents);
//
// Everything read from a file is untrusted: decoders check every length against its bounds
// and report Corruption naming the file and offset ("table 000007.sst block @ 4096: ...").
// Thread-safety: the functions are safe to call concurrently; the structs are plain values.
#ifndef LSM_SSTABLE_FORMAT_H_
#define LSM_SSTABLE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsm/file_system.h"
#include "lsm/status.h"

namespace lsm {

// Format versions: 2 adds the range-deletion block, which a version-1 reader would not know
// to apply; 3 stores the tags of data block entries as varints (block_builder.h), with or
// without a range-deletion block. Every table is written as version 3. Readers take all three
// and refuse others with NotSupported.
inline constexpr uint32_t kTableFormatVersion = 1;
inline constexpr uint32_t kTableFormatVersionRangeDeletions = 2;
inline constexpr uint32_t kTableFormatVersionPackedTags = 3;

// Whether the data blocks of a table of this format version have packed tags.
inline bool DataBlocksPackTags(uint32_t format_version) {
  return format_version >= kTableFormatVersionPackedTags;
}

// The last 8 bytes of every table: "\x89lsmsst\n" on disk (little-endian fixed64).
inline constexpr uint64_t kTableMagicNumber = 0x0a7473736d736c89ull;

// After every block: 1 byte compression type, 4 bytes masked XXH3-32 of contents + type.
inline constexpr size_t kBlockTrailerSize = 5;

// No block may decompress to more than this (the largest entry plus the largest block).
inline constexpr size_t kMaxUncompressedBlockSize = size_t{1} << 30;

// Names of the metaindex entries.
inline constexpr std::string_view kFilterBlockName = "lsm.filter.bloom";
inline constexpr std::string_view kPropertiesBlockName = "lsm.properties";
// Range tombstones: (begin, seq, kRangeDeletion) -> end, in internal key order, restart
// interval 1, uncompressed.
inline constexpr std::string_view kRangeDeletionBlockName = "lsm.range_del";

// Where a block lives: its offset and its size without the trailer.
struct BlockHandle {
  // Two varint64s.
  static constexpr size_t kMaxEncodedLength = 20;

  uint64_t offset = 0;
  uint64_t size = 0;

  void EncodeTo(std::string* dst) const;
  // Consumes a handle from the front of *input; false if it is malformed.
  bool DecodeFrom(std::string_view* input);

  friend bool operator==(const BlockHandle&, const BlockHandle&) = default;
};

// The fixed-size end of a table.
//   [0, 20)  metaindex handle, zero padded    [20, 40) index handle, zero padded
//   [40, 44) masked XXH3-32 of bytes [0, 40) (from version 3 on: of bytes [0, 40) and the
//            version)                          [44, 48) format version, fixed32
//   [48, 56) magic number, fixed64
// Every version keeps the version and magic number in the last 12 bytes.
struct Footer {
  static constexpr size_t kEncodedLength = 56;

  BlockHandle metaindex_handle;
  BlockHandle index_handle;
  uint32_t format_version = kTableFormatVersion;

  // Appends exactly kEncodedLength bytes.
  void EncodeTo(std::string* dst) const;

  // Decodes the last kEncodedLength bytes of a file of file_size bytes and checks that both
  // handles lie before the footer. Corruption for a bad magic number, checksum or handle;
  // NotSupported for an unknown format version.
  static Status DecodeFrom(std::string_view input, uint64_t file_size, std::string_view file_name,
                           Footer* footer);

  // Reads the last kEncodedLength bytes of a file of file_size bytes and decodes them.
  static Status ReadFrom(const RandomAccessFile* file, uint64_t file_size,
                         std::string_view file_name, Footer* footer);
};

// "table <file_name> block @ <offset>: <what>" as Corruption.
Status BlockCorruption(std::string_view file_name, uint64_t offset, std::string_view what);

// Prefixes a non-OK status with "table <file_name> ", keeping its code.
Status WithTableContext(const Status& s, std::string_view file_name);

// The stored (masked) checksum of a block: XXH3-32 over its contents and compression type byte.
uint32_t BlockChecksum(std::string_view contents, char type);

// Checks that a block with its trailer lies within [0, limit) of the file.
Status CheckHandle(const BlockHandle& handle, uint64_t limit, std::string_view file_name);

// Room for one block read: inline (uninitialized, so free to set up on the stack) for blocks
// up to kInlineBytes, on the heap above.
class BlockReadBuffer {
 public:
  static constexpr size_t kInlineBytes = 8192;
  char* Get(size_t n) {
    if (n <= kInlineBytes) return data_ = inline_;
    heap_.reset(new char[n]);
    return data_ = heap_.get();
  }
  // What the last Get returned.
  const char* data() const { return data_; }

 private:
  char* data_ = nullptr;
  char inline_[kInlineBytes];
  std::unique_ptr<char[]> heap_;
};

// Reads the block at `handle` with its trailer and verifies the checksum if asked. *stored is
// the block as stored (compressed or not) and *type its compression type byte; *stored points
// into *buf, or into the file itself where the file returns its own memory (a memory map),
// which stays valid while the file is open. REQUIRES: CheckHandle(handle, file size) is OK.
Status ReadStoredBlock(const RandomAccessFile* file, std::string_view file_name,
                       const BlockHandle& handle, bool verify_checksum, BlockReadBuffer* buf,
                       std::string_view* stored, uint8_t* type);

// Read-ahead for one iterator's block reads: once they follow each other in the file (or from
// the first read, given a size), a read fetches `size` bytes at once into a window of its own,
// and the blocks inside it come from memory. A file that returns its own memory (a memory map,
// read ahead by the kernel) is read as it is.
//
//   BlockReadahead ra(0);                       // automatic
//   Status s = ra.Read(file, offset, n, &data, scratch);
//   if (ra.in_place()) ...                      // data is the file's memory
class BlockReadahead {
 public:
  // Automatic read-ahead: kAutoSize from the read that follows kAutoAfter reads in a row, each
  // beginning where the one before ended.
  static constexpr size_t kAutoSize = 256 << 10;
  static constexpr int kAutoAfter = 2;

  // size 0: automatic.
  explicit BlockReadahead(size_t size) : size_(size) {}
  BlockReadahead(const BlockReadahead&) = delete;
  BlockReadahead& operator=(const BlockReadahead&) = delete;

  // As file->Read(offset, n, data, scratch); *data may point into the window, valid until the
  // next Read.
  Status Read(const RandomAccessFile* file, uint64_t offset, size_t n, std::string_view* data,
              char* scratch);
  // Whether the last Read's bytes are the file's own memory (valid while it is open).
  bool in_place() const { return in_place_; }

 private:
  const size_t size_;
  std::unique_ptr<char[]> window_;
  size_t capacity_ = 0;
  uint64_t window_offset_ = 0;
  size_t window_size_ = 0;      // bytes of the window that hold the file's
  uint64_t next_ = UINT64_MAX;  // where the last read ended
  int run_ = 0;                 // reads in a row that began where the one before ended
  bool in_place_ = false;
  bool mapped_ = false;  // the file returns its own memory: never read ahead
};

// ReadStoredBlock's checks of `data`, the bytes read for `handle` (the block and its trailer).
Status CheckStoredBlock(std::string_view file_name, const BlockHandle& handle,
                        std::string_view data, bool verify_checksum, std::string_view* stored,
                        uint8_t* type);

// The uncompressed contents of a block read by ReadStoredBlock. Corruption for an unknown type
// or bad compressed data.
Status DecodeStoredBlock(std::string_view file_name, const BlockHandle& handle,
                         std::string_view stored, uint8_t type, std::string* contents);

// Reads the block at `handle`, verifies its trailer checksum if asked, and leaves its
// uncompressed contents in *contents. REQUIRES: CheckHandle(handle, file size) is OK.
Status ReadBlock(const RandomAccessFile* file, std::string_view file_name,
                 const BlockHandle& handle, bool verify_checksum, std::string* contents);

}  // namespace lsm

#endif  // LSM_SSTABLE_FORMAT_H_
