#include "src/sstable/format.h"

#include <absl/strings/str_format.h>

#include "src/util/checksum.h"
#include "src/util/coding.h"
#include "src/util/compression.h"

namespace lsm {

void BlockHandle::EncodeTo(std::string* dst) const {
  PutVarint64(dst, offset);
  PutVarint64(dst, size);
}

bool BlockHandle::DecodeFrom(std::string_view* input) {
  return GetVarint64(input, &offset) && GetVarint64(input, &size);
}

namespace {

// The footer's checksum: of its handles, and from version 3 on of the version too, so that a
// damaged version cannot pass for another known one (which would misread the data blocks).
uint32_t FooterChecksum(std::string_view handles, uint32_t version) {
  if (!DataBlocksPackTags(version)) return MaskChecksum(Checksum32(handles));
  std::string covered(handles);
  PutFixed32(&covered, version);
  return MaskChecksum(Checksum32(covered));
}

}  // namespace

void Footer::EncodeTo(std::string* dst) const {
  const size_t start = dst->size();
  metaindex_handle.EncodeTo(dst);
  dst->resize(start + BlockHandle::kMaxEncodedLength, '\0');
  index_handle.EncodeTo(dst);
  dst->resize(start + 2 * BlockHandle::kMaxEncodedLength, '\0');
  PutFixed32(dst, FooterChecksum(std::string_view(*dst).substr(start), format_version));
  PutFixed32(dst, format_version);
  PutFixed64(dst, kTableMagicNumber);
}

Status Footer::DecodeFrom(std::string_view input, uint64_t file_size, std::string_view file_name,
                          Footer* footer) {
  if (file_size < kEncodedLength) {
    return Status::Corruption(
        absl::StrFormat("table %s", file_name),
        absl::StrFormat("file too short (%u bytes) to be a table", file_size));
  }
  const uint64_t footer_offset = file_size - kEncodedLength;
  auto corruption = [&](std::string_view what) {
    return Status::Corruption(absl::StrFormat("table %s footer @ %u", file_name, footer_offset),
                              what);
  };
  if (input.size() != kEncodedLength) return corruption("short footer");
  const char* p = input.data();
  if (DecodeFixed64(p + 48) != kTableMagicNumber) return corruption("bad magic number");
  const uint32_t version = DecodeFixed32(p + 44);
  if (version < kTableFormatVersion || version > kTableFormatVersionPackedTags) {
    return Status::NotSupported(
        absl::StrFormat("table %s footer @ %u", file_name, footer_offset),
        absl::StrFormat("format version %u (this build reads %u to %u)", version,
                        kTableFormatVersion, kTableFormatVersionPackedTags));
  }
  footer->format_version = version;
  const std::string_view handles = input.substr(0, 2 * BlockHandle::kMaxEncodedLength);
  if (DecodeFixed32(p + 40) != FooterChecksum(handles, version)) {
    return corruption("footer checksum mismatch");
  }
  std::string_view meta = handles.substr(0, BlockHandle::kMaxEncodedLength);
  std::string_view index = handles.substr(BlockHandle::kMaxEncodedLength);
  if (!footer->metaindex_handle.DecodeFrom(&meta) || !footer->index_handle.DecodeFrom(&index)) {
    return corruption("malformed block handle");
  }
  Status s = CheckHandle(footer->metaindex_handle, footer_offset, file_name);
  if (s.ok()) s = CheckHandle(footer->index_handle, footer_offset, file_name);
  return s;
}

Status Footer::ReadFrom(const RandomAccessFile* file, uint64_t file_size,
                        std::string_view file_name, Footer* footer) {
  char buf[kEncodedLength];
  std::string_view bytes;
  if (file_size >= kEncodedLength) {
    Status s = file->Read(file_size - kEncodedLength, kEncodedLength, &bytes, buf);
    if (!s.ok()) return WithTableContext(s, file_name);
  }
  return DecodeFrom(bytes, file_size, file_name, footer);
}

Status BlockCorruption(std::string_view file_name, uint64_t offset, std::string_view what) {
  return Status::Corruption(absl::StrFormat("table %s block @ %u", file_name, offset), what);
}

Status WithTableContext(const Status& s, std::string_view file_name) {
  if (s.ok()) return s;
  const std::string msg = absl::StrFormat("table %s %s", file_name, s.message());
  switch (s.code()) {
    case Status::Code::kCorruption:
      return Status::Corruption(msg);
    case Status::Code::kNotSupported:
      return Status::NotSupported(msg);
    case Status::Code::kIOError:
      return Status::IOError(msg);
    case Status::Code::kInvalidArgument:
      return Status::InvalidArgument(msg);
    case Status::Code::kNotFound:
      return Status::NotFound(msg);
    case Status::Code::kBusy:
      return Status::Busy(msg);
    case Status::Code::kOk:
      break;
  }
  return s;
}

uint32_t BlockChecksum(std::string_view contents, char type) {
  ChecksumBuilder b;
  b.Update(contents);
  b.Update(std::string_view(&type, 1));
  return MaskChecksum(b.Value32());
}

Status CheckHandle(const BlockHandle& handle, uint64_t limit, std::string_view file_name) {
  if (handle.offset > limit || handle.size > limit - handle.offset ||
      limit - handle.offset - handle.size < kBlockTrailerSize) {
    return BlockCorruption(
        file_name, handle.offset,
        absl::StrFormat("size %u extends past the end of its area (%u)", handle.size, limit));
  }
  return Status::OK();
}

Status ReadStoredBlock(const RandomAccessFile* file, std::string_view file_name,
                       const BlockHandle& handle, bool verify_checksum, BlockReadBuffer* buf,
                       std::string_view* stored, uint8_t* type) {
  const size_t n = static_cast<size_t>(handle.size);
  std::string_view data;
  Status s =
      file->Read(handle.offset, n + kBlockTrailerSize, &data, buf->Get(n + kBlockTrailerSize));
  if (!s.ok()) return WithTableContext(s, file_name);
  return CheckStoredBlock(file_name, handle, data, verify_checksum, stored, type);
}

Status BlockReadahead::Read(const RandomAccessFile* file, uint64_t offset, size_t n,
                            std::string_view* data, char* scratch) {
  if (!mapped_ && offset >= window_offset_ && offset + n <= window_offset_ + window_size_) {
    *data = std::string_view(window_.get() + (offset - window_offset_), n);
    in_place_ = false;
    next_ = offset + n;
    return Status::OK();
  }
  run_ = offset == next_ ? run_ + 1 : 0;
  next_ = offset + n;
  const size_t want = size_ > 0 ? size_ : (run_ >= kAutoAfter ? kAutoSize : 0);
  if (mapped_ || want <= n) {
    Status s = file->Read(offset, n, data, scratch);
    in_place_ = s.ok() && data->data() != scratch;
    mapped_ = mapped_ || in_place_;
    return s;
  }
  if (capacity_ < want) {
    window_.reset(new char[want]);
    capacity_ = want;
  }
  window_size_ = 0;
  std::string_view got;
  Status s = file->Read(offset, want, &got, window_.get());
  if (!s.ok()) return s;
  if (got.data() != window_.get()) {  // the file's own memory
    mapped_ = in_place_ = true;
    *data = got.substr(0, n);
    return Status::OK();
  }
  window_offset_ = offset;
  window_size_ = got.size();
  in_place_ = false;
  *data = got.substr(0, n);
  return Status::OK();
}

Status CheckStoredBlock(std::string_view file_name, const BlockHandle& handle,
                        std::string_view data, bool verify_checksum, std::string_view* stored,
                        uint8_t* type) {
  const size_t n = static_cast<size_t>(handle.size);
  if (data.size() != n + kBlockTrailerSize) {
    return BlockCorruption(file_name, handle.offset, "truncated block read");
  }
  // The contents and the type byte lie together here: one pass computes BlockChecksum.
  if (verify_checksum &&
      DecodeFixed32(data.data() + n + 1) != MaskChecksum(Checksum32(data.substr(0, n + 1)))) {
    return BlockCorruption(file_name, handle.offset, "checksum mismatch");
  }
  *stored = data.substr(0, n);
  *type = static_cast<uint8_t>(data[n]);
  return Status::OK();
}

Status DecodeStoredBlock(std::string_view file_name, const BlockHandle& handle,
                         std::string_view stored, uint8_t type, std::string* contents) {
  if (type == static_cast<uint8_t>(CompressionType::kNone)) {
    contents->assign(stored);
    return Status::OK();
  }
  if (!IsValidCompressionType(type)) {
    return BlockCorruption(file_name, handle.offset,
                           absl::StrFormat("unknown compression type %u", type));
  }
  Status s =
      Uncompress(static_cast<CompressionType>(type), stored, kMaxUncompressedBlockSize, contents);
  if (!s.ok()) return BlockCorruption(file_name, handle.offset, s.message());
  return Status::OK();
}

Status ReadBlock(const RandomAccessFile* file, std::string_view file_name,
                 const BlockHandle& handle, bool verify_checksum, std::string* contents) {
  BlockReadBuffer buf;
  std::string_view stored;
  uint8_t type = 0;
  Status s = ReadStoredBlock(file, file_name, handle, verify_checksum, &buf, &stored, &type);
  if (!s.ok()) return s;
  return DecodeStoredBlock(file_name, handle, stored, type, contents);
}

}  // namespace lsm
