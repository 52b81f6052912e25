// lsm::SstFileWriter (include/lsm/sst_file_writer.h): a TableBuilder whose entries all have
// sequence number 0, with the checks that make the file ingestible: point keys strictly
// increasing (so one entry per user key), non-empty range deletions, and the
// lsm.external-file-version property.
#include "lsm/sst_file_writer.h"

#include <absl/strings/str_format.h>

#include "lsm/comparator.h"
#include "lsm/file_system.h"
#include "lsm/merge_operator.h"
#include "src/base/dbformat.h"
#include "src/base/range_tombstones.h"
#include "src/sstable/table_builder.h"
#include "src/sstable/table_options.h"
#include "src/sstable/table_properties.h"
#include "src/util/escape.h"

namespace lsm {
struct SstFileWriter::Rep {
  explicit Rep(const Options& options)
      : table_options(TableOptions::FromOptions(options)),
        ucmp(table_options.comparator),
        fs(options.file_system != nullptr ? options.file_system : FileSystem::Default()),
        has_merge_operator(options.merge_operator != nullptr) {
    table_options.external_file_version = kExternalFileVersion;
  }

  // Removes the open file, if any.
  void Abandon() {
    if (builder == nullptr) return;
    builder->Abandon();
    builder.reset();
    (void)file->Close();
    file.reset();
    (void)fs->RemoveFile(path);
  }

  Status CheckOpen() const {
    if (builder == nullptr) return Status::InvalidArgument("SstFileWriter: no file is open");
    return Status::OK();
  }

  // Widens the covered user-key range over [a, b].
  void Cover(std::string_view a, std::string_view b) {
    if (!covered || ucmp->Compare(a, smallest) < 0) smallest.assign(a);
    if (!covered || ucmp->Compare(b, largest) > 0) largest.assign(b);
    covered = true;
  }

  Status Add(std::string_view key, std::string_view value, ValueType type) {
    Status s = CheckOpen();
    if (!s.ok()) return s;
    if (key.size() > kMaxKeySize) {
      return Status::InvalidArgument(
          path,
          absl::StrFormat("key of %u bytes is over kMaxKeySize (%u)", key.size(), kMaxKeySize));
    }
    if (value.size() > kMaxValueSize) {
      return Status::InvalidArgument(
          path, absl::StrFormat("value of %u bytes is over kMaxValueSize (%u)", value.size(),
                                kMaxValueSize));
    }
    if (num_entries > 0 && ucmp->Compare(last_key, key) >= 0) {
      return Status::InvalidArgument(
          path, absl::StrFormat("keys must be added in strictly increasing order (by %s): '%s' "
                                "after '%s'",
                                ucmp->Name(), Escape(key), Escape(last_key)));
    }
    if (!builder->status().ok()) return builder->status();
    internal_key.assign(key);
    PutFixed64(&internal_key, PackSequenceAndType(0, type));
    builder->Add(internal_key, value);
    if (!builder->status().ok()) return builder->status();
    last_key.assign(key);
    if (num_entries == 0) first_key.assign(key);
    num_entries++;
    return Status::OK();
  }

  TableOptions table_options;
  const Comparator* const ucmp;
  const std::shared_ptr<FileSystem> fs;
  const bool has_merge_operator;

  // The file being written (builder non-null) or the last one finished.
  std::string path;
  std::unique_ptr<WritableFile> file;
  std::unique_ptr<TableBuilder> builder;
  uint64_t finished_size = 0;
  uint64_t num_entries = 0;
  uint64_t num_range_deletions = 0;
  std::string first_key, last_key;  // of the point entries
  bool covered = false;             // smallest and largest hold the range deletions'
  std::string smallest, largest;
  std::string internal_key;  // scratch
};

SstFileWriter::SstFileWriter(const Options& options) : rep_(std::make_unique<Rep>(options)) {}

SstFileWriter::~SstFileWriter() { rep_->Abandon(); }

Status SstFileWriter::Open(const std::string& path) {
  Rep* r = rep_.get();
  if (r->builder != nullptr) {
    return Status::InvalidArgument(path, "SstFileWriter: " + r->path + " is open; Finish it first");
  }
  std::unique_ptr<WritableFile> file;
  Status s = r->fs->NewWritableFile(path, &file);
  if (!s.ok()) return s;
  r->path = path;
  r->file = std::move(file);
  r->builder = std::make_unique<TableBuilder>(r->table_options, r->file.get());
  r->finished_size = 0;
  r->num_entries = 0;
  r->num_range_deletions = 0;
  r->first_key.clear();
  r->last_key.clear();
  r->covered = false;
  r->smallest.clear();
  r->largest.clear();
  return Status::OK();
}

Status SstFileWriter::Put(std::string_view key, std::string_view value) {
  return rep_->Add(key, value, ValueType::kValue);
}

Status SstFileWriter::Merge(std::string_view key, std::string_view operand) {
  if (!rep_->has_merge_operator && rep_->builder != nullptr) {
    return Status::InvalidArgument(rep_->path,
                                   "SstFileWriter::Merge: the options have no merge operator");
  }
  return rep_->Add(key, operand, ValueType::kMerge);
}

Status SstFileWriter::Delete(std::string_view key) {
  return rep_->Add(key, "", ValueType::kDeletion);
}

Status SstFileWriter::DeleteRange(std::string_view begin, std::string_view end) {
  Rep* r = rep_.get();
  Status s = r->CheckOpen();
  if (!s.ok()) return s;
  if (begin.size() > kMaxKeySize || end.size() > kMaxKeySize) {
    return Status::InvalidArgument(r->path, "DeleteRange: a bound is over kMaxKeySize");
  }
  if (r->ucmp->Compare(begin, end) >= 0) {
    return Status::InvalidArgument(
        r->path, absl::StrFormat("DeleteRange: begin '%s' does not sort before end '%s'",
                                 Escape(begin), Escape(end)));
  }
  if (!r->builder->status().ok()) return r->builder->status();
  r->builder->AddRangeTombstone(RangeTombstone{std::string(begin), std::string(end), 0});
  r->Cover(begin, end);
  r->num_range_deletions++;
  return Status::OK();
}

Status SstFileWriter::Finish(ExternalSstFileInfo* info) {
  Rep* r = rep_.get();
  Status s = r->CheckOpen();
  if (!s.ok()) return s;
  if (r->num_entries == 0 && r->num_range_deletions == 0) {
    r->Abandon();
    return Status::InvalidArgument(r->path, "SstFileWriter::Finish: no entries were added");
  }
  s = r->builder->Finish();
  const uint64_t size = r->builder->FileSize();
  r->builder.reset();
  if (s.ok()) s = r->file->Sync();
  const Status closed = r->file->Close();
  if (s.ok()) s = closed;
  r->file.reset();
  if (!s.ok()) {
    (void)r->fs->RemoveFile(r->path);
    return s;
  }
  r->finished_size = size;
  if (r->num_entries > 0) r->Cover(r->first_key, r->last_key);
  if (info != nullptr) {
    info->file_path = r->path;
    info->smallest_key = r->smallest;
    info->largest_key = r->largest;
    info->num_entries = r->num_entries;
    info->num_range_deletions = r->num_range_deletions;
    info->file_size = size;
  }
  return Status::OK();
}

uint64_t SstFileWriter::FileSize() const {
  return rep_->builder != nullptr ? rep_->builder->FileSize() : rep_->finished_size;
}

}  // namespace lsm
