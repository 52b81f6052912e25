#include "src/wal/log_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "src/util/invariant.h"

namespace lsm::log {
namespace {

bool AllZero(const char* p, size_t n) {
  return std::all_of(p, p + n, [](char c) { return c == 0; });
}

}  // namespace

Reader::Reader(std::unique_ptr<SequentialFile> file, std::string name, uint64_t log_number,
               WALRecoveryMode mode)
    : file_(std::move(file)),
      name_(std::move(name)),
      log_number_(log_number),
      mode_(mode),
      buffer_(new char[kBlockSize]) {}

Reader::~Reader() = default;

bool Reader::ReadRecord(std::string_view* record, std::string* scratch) {
  scratch->clear();
  while (!done_) {
    Fragment f;
    Damage d;
    switch (ReadFragment(&f, &d)) {
      case Event::kIoError:
        return false;
      case Event::kEof:
        if (in_record_) {
          OnDamage(Damage{record_offset_, "incomplete record at end of file", true});
        } else {
          Finish(Status::OK());
        }
        break;
      case Event::kDamage:
        OnDamage(d);
        break;
      case Event::kFragment:
        if (Accept(f, record, scratch)) return true;
        break;
    }
  }
  return false;
}

Reader::Event Reader::ReadFragment(Fragment* fragment, Damage* damage) {
  while (true) {
    const size_t left = buffer_len_ - pos_;
    const uint64_t offset = block_start_ + pos_;
    const char* header = buffer_.get() + pos_;
    if (left < kHeaderSize) {
      if (left > 0 && eof_ && !in_record_ && AllZero(header, left)) {
        pos_ = buffer_len_;
        return Event::kEof;  // unused space (see below)
      }
      if (left > 0 && eof_) {
        pos_ = buffer_len_;
        *damage = {offset,
                   AllZero(header, left) ? "zero-filled tail" : "fragment cut short by end of file",
                   true};
        return Event::kDamage;
      }
      if (left > 0 && !AllZero(header, left)) {
        pos_ = buffer_len_;
        *damage = {offset, "non-zero block trailer", false};
        return Event::kDamage;
      }
      if (eof_) return Event::kEof;
      if (!ReadBlock()) return Event::kIoError;
      continue;
    }

    if (AllZero(header, kHeaderSize)) {
      // Preallocated or zero-filled space, or a zeroed header before other bytes.
      const bool zeros = AllZero(header, left);
      pos_ = buffer_len_;
      // Zeros from the end of a record to the end of the file are space reserved ahead of the
      // records (a log written through a memory map) that nothing was written to: the log
      // ends there, cleanly.
      if (zeros && !in_record_) {
        if (!SkipZeroBlocks()) return Event::kIoError;
        if (pos_ == buffer_len_) return Event::kEof;
      }
      *damage = {offset, zeros ? "zero-filled region" : "zeroed fragment header", zeros};
      return Event::kDamage;
    }
    const uint8_t type = static_cast<uint8_t>(header[6]);
    const size_t length = DecodeFixed16(header + 4);
    if (type == kZeroType || type > kMaxFragmentType) {
      pos_ = buffer_len_;
      *damage = {offset, "unknown fragment type",
                 type == kZeroType && AllZero(header + 6, left - 6)};
      return Event::kDamage;
    }
    const bool cut = kHeaderSize + length > left;
    if (cut) {
      if (!eof_ || pos_ + kHeaderSize + length > kBlockSize) {
        pos_ = buffer_len_;
        *damage = {offset, "fragment length past end of block", false};
        return Event::kDamage;
      }
      // Cut short by the end of the file. The bytes a torn write lost read as zeros: if that
      // completes the fragment, it is intact (and Writer::Reopen writes those zeros).
      std::memset(buffer_.get() + buffer_len_, 0, pos_ + kHeaderSize + length - buffer_len_);
      buffer_len_ = pos_ + kHeaderSize + length;
    }
    const Damage cut_short{offset, "fragment cut short by end of file", true};

    const std::string_view payload(header + kHeaderSize, length);
    const uint64_t end = offset + kHeaderSize + length;
    RecordContext context{.log_number = log_number_, .record_offset = offset};
    const RecordContext* bound_to = &context;
    if (type == kFileHeaderType) {
      bound_to = nullptr;
    } else if (type == kMiddleType || type == kLastType) {
      if (!in_record_) {
        // Its checksum cannot be verified without its record; its length bounds the skip.
        pos_ += kHeaderSize + length;
        *damage = cut ? cut_short : Damage{offset, "fragment without the start of its record"};
        return Event::kDamage;
      }
      context.record_offset = record_offset_;
    }
    if (FragmentChecksum(payload, type, bound_to) != DecodeFixed32(header)) {
      const size_t last = kHeaderSize + length - 1;
      const bool zero_filled = length > 0 && AllZero(header + last, buffer_len_ - pos_ - last);
      pos_ = buffer_len_;
      *damage = cut ? cut_short : Damage{offset, "checksum mismatch", zero_filled};
      return Event::kDamage;
    }
    pos_ += kHeaderSize + length;
    *fragment = {type, payload, offset, end};
    return Event::kFragment;
  }
}

bool Reader::ReadBlock() {
  block_start_ += buffer_len_;
  buffer_len_ = 0;
  pos_ = 0;
  std::string_view data;
  Status s = file_->Read(kBlockSize, &data, buffer_.get());
  if (!s.ok()) {
    Finish(s.WithContext(name_ + " @ " + std::to_string(block_start_)));
    return false;
  }
  buffer_len_ = std::min(data.size(), kBlockSize);
  if (data.data() != buffer_.get()) std::memmove(buffer_.get(), data.data(), buffer_len_);
  eof_ = buffer_len_ < kBlockSize;
  report_.bytes_read = block_start_ + buffer_len_;
  return true;
}

bool Reader::SkipZeroBlocks() {
  while (!eof_) {
    if (!ReadBlock()) return false;
    if (!AllZero(buffer_.get(), buffer_len_)) return true;  // read on from its start
    pos_ = buffer_len_;
  }
  return true;
}

bool Reader::Accept(const Fragment& f, std::string_view* record, std::string* scratch) {
  if (f.offset == 0 && f.type != kFileHeaderType) {
    Finish(Corruption(0, "missing file header"));
    return false;
  }
  switch (f.type) {
    case kFileHeaderType:
      AcceptFileHeader(f);
      return false;
    case kFullType:
    case kFirstType:
      if (in_record_ &&
          !OnDamage(Damage{record_offset_, "record without its last fragment", false, true})) {
        return false;
      }
      if (f.type == kFullType) {
        Deliver(f.offset, f.end);
        *record = f.payload;
        return true;
      }
      in_record_ = true;
      record_offset_ = f.offset;
      scratch->assign(f.payload.data(), f.payload.size());
      return false;
    case kMiddleType:
    case kLastType:
      LSM_INVARIANT(in_record_);
      scratch->append(f.payload.data(), f.payload.size());
      if (f.type == kMiddleType) return false;
      in_record_ = false;
      Deliver(record_offset_, f.end);
      *record = *scratch;
      return true;
    default:
      return false;
  }
}

void Reader::AcceptFileHeader(const Fragment& f) {
  FileHeader header;
  Status s = DecodeFileHeader(f.payload, &header);
  if (f.offset == 0) {
    if (s.ok() && header.log_number != log_number_) {
      s = Status::Corruption("file header of log " + std::to_string(header.log_number) +
                             ", expected log " + std::to_string(log_number_));
    }
    if (s.ok() && header.resume_offset != 0) {
      s = Status::Corruption("file header with resume offset " +
                             std::to_string(header.resume_offset));
    }
    if (!s.ok()) {
      Finish(s.WithContext(name_ + " @ 0"));
      return;
    }
    report_.last_record_end = f.end;
    return;
  }
  if (s.ok() && Resumes(header)) {
    Resume(f);
    return;
  }
  OnDamage(Damage{f.offset, "resume header that does not match", false});
}

bool Reader::Resumes(const FileHeader& header) const {
  return header.log_number == log_number_ && header.resume_offset == report_.last_record_end;
}

void Reader::Resume(const Fragment& f) {
  report_.abandoned_bytes += f.offset - report_.last_record_end;
  report_.last_record_end = f.end;
  in_record_ = false;
  pending_damage_ = Status::OK();
  pending_tail_ = true;
}

bool Reader::OnDamage(const Damage& damage) {
  if (mode_ != WALRecoveryMode::kSkipAnyCorruptedRecords) {
    Resolve(damage);
    return false;
  }
  in_record_ = false;
  if (pending_damage_.ok()) pending_damage_ = Corruption(damage.offset, damage.reason);
  pending_tail_ = pending_tail_ && damage.tail;
  return true;
}

void Reader::Resolve(const Damage& damage) {
  in_record_ = false;
  bool tail = damage.tail;
  bool intact = damage.at_intact_record;
  while (true) {
    Fragment f;
    Damage d;
    const Event e = ReadFragment(&f, &d);
    if (e == Event::kIoError) return;
    if (e == Event::kEof) break;
    if (e == Event::kDamage) {
      tail = tail && d.tail;
      continue;
    }
    // A resume header abandons the damage only if no intact record starts between them: a
    // writer never resumes such a log (its report was not reopenable), and the salvage, which
    // returns those records, could not honour it.
    FileHeader header;
    if (!intact && f.type == kFileHeaderType && f.offset != 0 &&
        DecodeFileHeader(f.payload, &header).ok() && Resumes(header)) {
      Resume(f);
      return;
    }
    tail = false;
    intact = intact || f.type == kFullType || f.type == kFirstType;
  }
  AddDropped(report_.bytes_read);
  report_.torn_tail = tail;
  report_.reopenable = !intact;
  report_.damage = Corruption(damage.offset, damage.reason);
  const bool fail = mode_ == WALRecoveryMode::kAbsoluteConsistency ||
                    (mode_ == WALRecoveryMode::kTolerateCorruptedTailRecords && !tail);
  Finish(fail ? report_.damage : Status::OK());
}

void Reader::Deliver(uint64_t record_offset, uint64_t record_end) {
  CommitPending(record_offset);
  report_.records++;
  report_.last_record_end = record_end;
  last_record_offset_ = record_offset;
}

void Reader::CommitPending(uint64_t resume_at) {
  if (pending_damage_.ok()) return;
  AddDropped(resume_at);
  if (report_.damage.ok()) report_.damage = pending_damage_;
  pending_damage_ = Status::OK();
  pending_tail_ = true;
}

void Reader::AddDropped(uint64_t resume_at) {
  // last_record_end passes the end of the file only when nothing follows it.
  if (resume_at > report_.last_record_end) {
    report_.dropped_bytes += resume_at - report_.last_record_end;
  }
}

void Reader::Finish(Status status) {
  if (!pending_damage_.ok()) report_.torn_tail = pending_tail_;
  CommitPending(report_.bytes_read);
  status_ = std::move(status);
  done_ = true;
}

Status Reader::Corruption(uint64_t offset, std::string_view reason) const {
  return Status::Corruption(name_ + " @ " + std::to_string(offset), reason);
}

}  // namespace lsm::log
