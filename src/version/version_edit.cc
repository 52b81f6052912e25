#include "src/version/version_edit.h"

#include <absl/strings/str_format.h>

#include "src/util/coding.h"
#include "src/util/escape.h"

namespace lsm {
namespace {

// Field tags. Persisted: never renumber.
enum Tag : uint32_t {
  kComparator = 1,
  kLogNumber = 2,
  kNextFileNumber = 3,
  kLastSequence = 4,
  kDeletedFile = 5,
  kNewFile = 6,
  kNewFileWithTime = 7,  // kNewFile's fields, then the newest write time
  kColumnFamily = 8,     // the family of the edit's files and log number
  kColumnFamilyAdd = 9,  // the edit creates its family: the name
  kColumnFamilyDrop = 10,
  kMaxColumnFamily = 11,
  kGroupMember = 12,  // one edit of a group: the edit's encoding, length-prefixed
  // kNewFileWithTime's fields, then the global sequence number of an ingested table. A release
  // that does not know the tag refuses the MANIFEST (an unknown tag) rather than reading the
  // table's entries at sequence 0.
  kNewIngestedFile = 13,
  kCommitMetadata = 14,   // the group is a commit: its metadata, length-prefixed
  kRecoverToCommit = 15,  // recovery of the MANIFEST goes back to its last commit
  kTtl = 16,              // the family's values carry their write time (no value)
};

bool GetLevel(std::string_view* input, int* level) {
  uint32_t v;
  if (!GetVarint32(input, &v) || v >= static_cast<uint32_t>(kNumLevels)) return false;
  *level = static_cast<int>(v);
  return true;
}

bool GetInternalKey(std::string_view* input, std::string* dst) {
  std::string_view key;
  ParsedInternalKey parsed;
  if (!GetLengthPrefixed(input, &key) || !ParseInternalKey(key, &parsed)) return false;
  dst->assign(key);
  return true;
}

}  // namespace

void VersionEdit::EncodeTo(std::string* dst) const {
  if (column_family_ != 0) {
    PutVarint32(dst, kColumnFamily);
    PutVarint32(dst, column_family_);
  }
  if (column_family_name_) {
    PutVarint32(dst, kColumnFamilyAdd);
    PutLengthPrefixed(dst, *column_family_name_);
  }
  if (is_column_family_drop_) PutVarint32(dst, kColumnFamilyDrop);
  if (max_column_family_) {
    PutVarint32(dst, kMaxColumnFamily);
    PutVarint32(dst, *max_column_family_);
  }
  if (recover_to_commit_) PutVarint32(dst, kRecoverToCommit);
  if (commit_metadata_) {
    PutVarint32(dst, kCommitMetadata);
    PutLengthPrefixed(dst, *commit_metadata_);
  }
  if (comparator_) {
    PutVarint32(dst, kComparator);
    PutLengthPrefixed(dst, *comparator_);
  }
  if (ttl_) PutVarint32(dst, kTtl);
  if (log_number_) {
    PutVarint32(dst, kLogNumber);
    PutVarint64(dst, *log_number_);
  }
  if (next_file_number_) {
    PutVarint32(dst, kNextFileNumber);
    PutVarint64(dst, *next_file_number_);
  }
  if (last_sequence_) {
    PutVarint32(dst, kLastSequence);
    PutVarint64(dst, *last_sequence_);
  }
  for (const auto& [level, number] : deleted_files_) {
    PutVarint32(dst, kDeletedFile);
    PutVarint32(dst, static_cast<uint32_t>(level));
    PutVarint64(dst, number);
  }
  for (const auto& [level, f] : new_files_) {
    PutVarint32(dst, f.global_seqno != 0        ? kNewIngestedFile
                     : f.newest_write_time == 0 ? kNewFile
                                                : kNewFileWithTime);
    PutVarint32(dst, static_cast<uint32_t>(level));
    PutVarint64(dst, f.number);
    PutVarint64(dst, f.file_size);
    PutLengthPrefixed(dst, f.smallest);
    PutLengthPrefixed(dst, f.largest);
    PutVarint64(dst, f.smallest_seqno);
    PutVarint64(dst, f.largest_seqno);
    if (f.newest_write_time != 0 || f.global_seqno != 0) PutVarint64(dst, f.newest_write_time);
    if (f.global_seqno != 0) PutVarint64(dst, f.global_seqno);
  }
}

Status VersionEdit::DecodeFrom(std::string_view src) {
  Clear();
  std::string_view input = src;
  while (!input.empty()) {
    const size_t offset = src.size() - input.size();
    const char* bad = nullptr;
    uint32_t tag;
    if (!GetVarint32(&input, &tag)) {
      return Status::Corruption(absl::StrFormat("version edit @ %u: bad tag", offset));
    }
    uint64_t v;
    uint32_t v32;
    switch (tag) {
      case kColumnFamily:
        if (GetVarint32(&input, &v32)) {
          column_family_ = v32;
        } else {
          bad = "column family";
        }
        break;
      case kColumnFamilyAdd: {
        std::string_view name;
        if (GetLengthPrefixed(&input, &name) && !name.empty()) {
          column_family_name_ = std::string(name);
        } else {
          bad = "column family name";
        }
        break;
      }
      case kColumnFamilyDrop:
        is_column_family_drop_ = true;
        break;
      case kTtl:
        ttl_ = true;
        break;
      case kMaxColumnFamily:
        if (GetVarint32(&input, &v32)) {
          max_column_family_ = v32;
        } else {
          bad = "max column family";
        }
        break;
      case kRecoverToCommit:
        recover_to_commit_ = true;
        break;
      case kCommitMetadata: {
        std::string_view metadata;
        if (GetLengthPrefixed(&input, &metadata)) {
          commit_metadata_ = std::string(metadata);
        } else {
          bad = "commit metadata";
        }
        break;
      }
      case kComparator: {
        std::string_view name;
        if (GetLengthPrefixed(&input, &name)) {
          comparator_ = std::string(name);
        } else {
          bad = "comparator name";
        }
        break;
      }
      case kLogNumber:
        if (GetVarint64(&input, &v)) {
          log_number_ = v;
        } else {
          bad = "log number";
        }
        break;
      case kNextFileNumber:
        if (GetVarint64(&input, &v)) {
          next_file_number_ = v;
        } else {
          bad = "next file number";
        }
        break;
      case kLastSequence:
        if (GetVarint64(&input, &v) && v <= kMaxSequenceNumber) {
          last_sequence_ = v;
        } else {
          bad = "last sequence";
        }
        break;
      case kDeletedFile: {
        int level;
        if (GetLevel(&input, &level) && GetVarint64(&input, &v)) {
          deleted_files_.emplace_back(level, v);
        } else {
          bad = "deleted file";
        }
        break;
      }
      case kNewFile:
      case kNewFileWithTime:
      case kNewIngestedFile: {
        int level;
        FileMetaData f;
        if (GetLevel(&input, &level) && GetVarint64(&input, &f.number) &&
            GetVarint64(&input, &f.file_size) && GetInternalKey(&input, &f.smallest) &&
            GetInternalKey(&input, &f.largest) && GetVarint64(&input, &f.smallest_seqno) &&
            GetVarint64(&input, &f.largest_seqno) && f.smallest_seqno <= f.largest_seqno &&
            (tag == kNewFile || GetVarint64(&input, &f.newest_write_time)) &&
            (tag != kNewIngestedFile ||
             (GetVarint64(&input, &f.global_seqno) && f.global_seqno != 0 &&
              f.global_seqno <= kMaxSequenceNumber))) {
          new_files_.emplace_back(level, std::move(f));
        } else {
          bad = "new file";
        }
        break;
      }
      default:
        return Status::NotSupported(
            absl::StrFormat("version edit @ %u: unknown field tag %u", offset, tag));
    }
    if (bad != nullptr) {
      return Status::Corruption(absl::StrFormat("version edit @ %u: bad %s", offset, bad));
    }
  }
  return Status::OK();
}

void VersionEdit::EncodeGroup(const std::vector<VersionEdit*>& edits, std::string* dst) {
  if (edits.size() == 1) {
    edits[0]->EncodeTo(dst);
    return;
  }
  std::string one;
  for (const VersionEdit* edit : edits) {
    one.clear();
    edit->EncodeTo(&one);
    PutVarint32(dst, kGroupMember);
    PutLengthPrefixed(dst, one);
  }
}

Status VersionEdit::DecodeGroup(std::string_view src, std::vector<VersionEdit>* edits) {
  edits->clear();
  std::string_view input = src;
  uint32_t tag;
  if (!GetVarint32(&input, &tag) || tag != kGroupMember) {
    return edits->emplace_back().DecodeFrom(src);
  }
  input = src;
  while (!input.empty()) {
    const size_t offset = src.size() - input.size();
    std::string_view one;
    if (!GetVarint32(&input, &tag) || tag != kGroupMember || !GetLengthPrefixed(&input, &one)) {
      return Status::Corruption(absl::StrFormat("version edit group @ %u: bad member", offset));
    }
    Status s = edits->emplace_back().DecodeFrom(one);
    if (!s.ok()) return s.WithContext(absl::StrFormat("version edit group @ %u", offset));
  }
  return Status::OK();
}

std::string VersionEdit::DebugString() const {
  std::string r = "VersionEdit {";
  if (column_family_ != 0) absl::StrAppendFormat(&r, "\n  column family: %u", column_family_);
  if (column_family_name_) {
    absl::StrAppendFormat(&r, "\n  create column family: %s", Escape(*column_family_name_));
  }
  if (is_column_family_drop_) r += "\n  drop column family";
  if (max_column_family_)
    absl::StrAppendFormat(&r, "\n  max column family: %u", *max_column_family_);
  if (recover_to_commit_) r += "\n  recover to the last commit";
  if (commit_metadata_) {
    absl::StrAppendFormat(&r, "\n  commit: %u bytes of metadata '%s'", commit_metadata_->size(),
                          Escape(commit_metadata_->substr(0, 64)));
  }
  if (comparator_) absl::StrAppendFormat(&r, "\n  comparator: %s", *comparator_);
  if (ttl_) r += "\n  ttl family";
  if (log_number_) absl::StrAppendFormat(&r, "\n  log number: %u", *log_number_);
  if (next_file_number_) absl::StrAppendFormat(&r, "\n  next file number: %u", *next_file_number_);
  if (last_sequence_) absl::StrAppendFormat(&r, "\n  last sequence: %u", *last_sequence_);
  for (const auto& [level, number] : deleted_files_) {
    absl::StrAppendFormat(&r, "\n  remove L%d %06u.sst", level, number);
  }
  for (const auto& [level, f] : new_files_) {
    ParsedInternalKey s, l;
    const bool ok = ParseInternalKey(f.smallest, &s) && ParseInternalKey(f.largest, &l);
    absl::StrAppendFormat(&r, "\n  add L%d %06u.sst %u bytes seq [%u, %u]", level, f.number,
                          f.file_size, f.smallest_seqno, f.largest_seqno);
    if (f.newest_write_time != 0) absl::StrAppendFormat(&r, " written %u", f.newest_write_time);
    if (f.global_seqno != 0) absl::StrAppendFormat(&r, " ingested global seq %u", f.global_seqno);
    if (ok) {
      absl::StrAppendFormat(&r, " keys ['%s' @ %u .. '%s' @ %u]", Escape(s.user_key), s.sequence,
                            Escape(l.user_key), l.sequence);
    }
  }
  r += "\n}";
  return r;
}

}  // namespace lsm
