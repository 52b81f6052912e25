#include "src/wal/log_writer.h"

#include <algorithm>
#include <string>
#include <utility>

namespace lsm::log {
namespace {

constexpr char kZeros[kBlockSize] = {};

}  // namespace

Status Writer::Create(std::unique_ptr<WritableFile> file, uint64_t log_number,
                      std::unique_ptr<Writer>* writer) {
  if (file->Size() != 0) {
    return Status::InvalidArgument("log::Writer::Create: file is not empty",
                                   std::to_string(file->Size()) + " bytes");
  }
  std::unique_ptr<Writer> w(new Writer(std::move(file), log_number, 0));
  Status s = w->WriteFileHeader(0);
  if (s.ok()) *writer = std::move(w);
  return s;
}

Status Writer::Reopen(std::unique_ptr<WritableFile> file, uint64_t log_number, uint64_t valid_end,
                      std::unique_ptr<Writer>* writer) {
  const uint64_t size = file->Size();
  if (valid_end >= size + kBlockSize || (size == 0 && valid_end != 0)) {
    return Status::InvalidArgument("log::Writer::Reopen: valid_end past the end of the file",
                                   std::to_string(valid_end) + " > " + std::to_string(size));
  }
  std::unique_ptr<Writer> w(new Writer(std::move(file), log_number, size));
  Status s;
  if (valid_end > size) {
    // The reader completed the last record with zeros that a torn write lost: restore them.
    s = w->Pad(valid_end - size);
  } else if (size == 0) {
    s = w->WriteFileHeader(0);
  } else if (valid_end < size) {
    const size_t in_block = size % kBlockSize;
    if (in_block != 0) s = w->Pad(kBlockSize - in_block);
    if (s.ok()) s = w->WriteFileHeader(valid_end);
  }
  if (s.ok()) *writer = std::move(w);
  return s;
}

Writer::Writer(std::unique_ptr<WritableFile> file, uint64_t log_number, uint64_t offset)
    : file_(std::move(file)), log_number_(log_number), offset_(offset) {}

Writer::~Writer() = default;

Status Writer::AddRecord(std::string_view record) {
  if (!error_.ok()) return error_;
  if (closed_) return Status::InvalidArgument("log::Writer: AddRecord after Close");
  // A block tail too short for a header is zero-filled; the record starts in the next block.
  const size_t tail = kBlockSize - offset_ % kBlockSize;
  if (tail < kHeaderSize) {
    Status s = Pad(tail);
    if (!s.ok()) return s;
  }
  const RecordContext context{.log_number = log_number_, .record_offset = offset_};
  bool first = true;
  do {
    const size_t room = kBlockSize - offset_ % kBlockSize - kHeaderSize;
    const size_t n = std::min(room, record.size());
    const bool last = n == record.size();
    const uint8_t type = first ? (last ? kFullType : kFirstType) : (last ? kLastType : kMiddleType);
    Status s = EmitFragment(type, record.substr(0, n), &context);
    if (!s.ok()) return s;
    record.remove_prefix(n);
    first = false;
    // A fragment other than the last fills its block, so the next one starts a block.
  } while (!record.empty());
  return Status::OK();
}

Status Writer::Flush() {
  if (!error_.ok()) return error_;
  if (closed_) return Status::InvalidArgument("log::Writer: Flush after Close");
  return Check(file_->Flush());
}

Status Writer::Sync() {
  if (!error_.ok()) return error_;
  if (closed_) return Status::InvalidArgument("log::Writer: Sync after Close");
  return Check(file_->Sync());
}

Status Writer::Close() {
  if (closed_) return Status::InvalidArgument("log::Writer: Close after Close");
  closed_ = true;
  Status s = file_->Close();
  return error_.ok() ? Check(std::move(s)) : error_;
}

Status Writer::Pad(size_t n) {
  Status s = Check(file_->Append(std::string_view(kZeros, n)));
  if (s.ok()) offset_ += n;
  return s;
}

Status Writer::WriteFileHeader(uint64_t resume_offset) {
  std::string payload;
  EncodeFileHeader(FileHeader{.log_number = log_number_, .resume_offset = resume_offset}, &payload);
  return EmitFragment(kFileHeaderType, payload, nullptr);
}

Status Writer::EmitFragment(uint8_t type, std::string_view payload, const RecordContext* context) {
  char header[kHeaderSize];
  EncodeFixed32(header, FragmentChecksum(payload, type, context));
  EncodeFixed16(header + 4, static_cast<uint16_t>(payload.size()));
  header[6] = static_cast<char>(type);
  Status s = Check(file_->Append(std::string_view(header, kHeaderSize)));
  if (s.ok() && !payload.empty()) s = Check(file_->Append(payload));
  if (s.ok()) offset_ += kHeaderSize + payload.size();
  return s;
}

Status Writer::Check(Status s) {
  if (!s.ok() && error_.ok()) error_ = s;
  return s;
}

}  // namespace lsm::log
