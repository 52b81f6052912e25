#include "src/compaction/compaction_job.h"

#include "src/base/filename.h"
#include "src/base/merging_iterator.h"
#include "src/sstable/table_builder.h"
#include "src/util/killpoint.h"

namespace lsm {
namespace {

// True when no level below `output_level` may hold user_key.
bool IsBottommostForKey(const Version& v, const Comparator* ucmp, int output_level,
                        std::string_view user_key) {
  for (int level = output_level + 1; level < kNumLevels; level++) {
    for (const auto& f : v.files(level)) {
      if (ucmp->Compare(user_key, ExtractUserKey(f->smallest)) >= 0 &&
          ucmp->Compare(user_key, ExtractUserKey(f->largest)) <= 0) {
        return false;
      }
    }
  }
  return true;
}

// Writes output tables one after another.
class OutputWriter {
 public:
  OutputWriter(const CompactionContext& ctx, CompactionJobResult* result)
      : ctx_(ctx), result_(result) {}

  ~OutputWriter() {
    if (builder_ != nullptr) builder_->Abandon();
  }

  Status Add(std::string_view key, std::string_view value) {
    if (builder_ == nullptr) {
      meta_ = FileMetaData();
      meta_.number = ctx_.new_file_number();
      meta_.smallest.assign(key);
      Status s = ctx_.fs->NewWritableFile(TableFileName(ctx_.dbname, meta_.number), &file_);
      if (!s.ok()) return s;
      builder_ = std::make_unique<TableBuilder>(ctx_.table_options, file_.get());
    }
    meta_.largest.assign(key);
    builder_->Add(key, value);
    return builder_->status();
  }

  uint64_t CurrentSize() const { return builder_ == nullptr ? 0 : builder_->EstimatedFileSize(); }

  Status Finish() {
    if (builder_ == nullptr) return Status::OK();
    Status s = builder_->Finish();
    meta_.file_size = builder_->FileSize();
    meta_.smallest_seqno = builder_->properties().smallest_seqno;
    meta_.largest_seqno = builder_->properties().largest_seqno;
    builder_.reset();
    if (s.ok()) s = file_->Sync();
    if (s.ok()) LSM_KILLPOINT("sst.synced");
    if (s.ok()) s = file_->Close();
    file_.reset();
    if (!s.ok()) {
      (void)ctx_.fs->RemoveFile(TableFileName(ctx_.dbname, meta_.number));
      return s;
    }
    result_->bytes_written += meta_.file_size;
    result_->outputs.push_back(meta_);
    return Status::OK();
  }

  // Removes the table being written, if any.
  void Abandon() {
    if (builder_ == nullptr) return;
    builder_->Abandon();
    builder_.reset();
    (void)file_->Close();
    file_.reset();
    (void)ctx_.fs->RemoveFile(TableFileName(ctx_.dbname, meta_.number));
  }

 private:
  const CompactionContext& ctx_;
  CompactionJobResult* const result_;
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<TableBuilder> builder_;
  FileMetaData meta_;
};

}  // namespace

Status RunCompaction(const Compaction& c, const CompactionContext& ctx,
                     CompactionJobResult* result) {
  const Comparator* ucmp = ctx.icmp->user_comparator();
  ReadOptions ro;
  ro.fill_cache = false;  // a compaction reads each block once
  std::vector<std::unique_ptr<InternalIterator>> children;
  for (const FileList& files : c.inputs) {
    for (const auto& f : files) {
      result->bytes_read += f->file_size;
      children.push_back(ctx.table_cache->NewIterator(ro, f->number, f->file_size));
    }
  }
  std::unique_ptr<InternalIterator> input = NewMergingIterator(ctx.icmp, std::move(children));

  OutputWriter out(ctx, result);
  Status s;
  std::string current_user_key;
  bool has_current = false;
  SequenceNumber last_sequence_for_key = kMaxSequenceNumber;
  for (input->SeekToFirst(); input->Valid(); input->Next()) {
    const std::string_view key = input->key();
    ParsedInternalKey ikey;
    if (!ParseInternalKey(key, &ikey)) {
      s = Status::Corruption("compaction input holds an internal key that does not parse");
      break;
    }
    if (ctx.cancel != nullptr && (result->entries_in & 1023) == 0 && ctx.cancel->load()) {
      s = Status::Busy("compaction cancelled: the database is closing");
      break;
    }
    result->entries_in++;
    const bool new_user_key = !has_current || ucmp->Compare(ikey.user_key, current_user_key) != 0;
    if (new_user_key) {
      // Only between user keys may an output end: one key's versions stay in one table.
      if (out.CurrentSize() >= c.max_output_file_size) {
        s = out.Finish();
        if (!s.ok()) break;
      }
      current_user_key.assign(ikey.user_key);
      has_current = true;
      last_sequence_for_key = kMaxSequenceNumber;
    }
    bool drop = false;
    if (last_sequence_for_key <= ctx.oldest_snapshot) {
      drop = true;  // a newer version is visible to every reader
    } else if (ikey.type == ValueType::kDeletion && ikey.sequence <= ctx.oldest_snapshot &&
               IsBottommostForKey(*ctx.version, ucmp, c.output_level, ikey.user_key)) {
      drop = true;  // nothing older remains for the deletion to hide
    }
    last_sequence_for_key = ikey.sequence;
    if (drop) {
      result->entries_dropped++;
      continue;
    }
    s = out.Add(key, input->value());
    if (!s.ok()) break;
  }
  if (s.ok()) s = input->status();
  if (s.ok()) s = out.Finish();
  if (!s.ok()) {
    out.Abandon();
    for (const FileMetaData& f : result->outputs) {
      (void)ctx.fs->RemoveFile(TableFileName(ctx.dbname, f.number));
    }
    result->outputs.clear();
  }
  return s;
}

}  // namespace lsm
