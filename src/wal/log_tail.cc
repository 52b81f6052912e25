#include "src/wal/log_tail.h"

#include <absl/strings/str_format.h>

#include <algorithm>
#include <utility>

#include "src/base/filename.h"
#include "src/base/write_batch_internal.h"

namespace lsm {

namespace {

// Walks a batch without keeping anything: Iterate's own checks decide whether it decodes.
class BatchChecker final : public WriteBatch::Handler {
 public:
  Status Put(std::string_view, std::string_view) override { return Status::OK(); }
  Status Delete(std::string_view) override { return Status::OK(); }
  Status PutCF(uint32_t, std::string_view, std::string_view) override { return Status::OK(); }
  Status DeleteCF(uint32_t, std::string_view) override { return Status::OK(); }
  Status MergeCF(uint32_t, std::string_view, std::string_view) override { return Status::OK(); }
  Status DeleteRangeCF(uint32_t, std::string_view, std::string_view) override {
    return Status::OK();
  }
};

}  // namespace

Status DecodeLogRecord(std::string_view record, SequenceNumber last, WriteBatch* batch) {
  Status s = WriteBatchInternal::SetContents(batch, record);
  BatchChecker checker;
  if (s.ok()) s = batch->Iterate(&checker);
  if (!s.ok() || batch->Count() == 0) return s;
  const SequenceNumber seq = WriteBatchInternal::Sequence(*batch);
  const uint64_t count = batch->Count();
  if (seq <= last || seq == 0 || seq > kMaxSequenceNumber - count + 1) {
    return Status::Corruption(absl::StrFormat("sequence %u out of order (after %u)", seq, last));
  }
  return Status::OK();
}

Status ListLogs(FileSystem* fs, const std::string& dbname, std::vector<uint64_t>* logs) {
  logs->clear();
  for (const std::string& dir : {ArchiveDirName(dbname), dbname}) {
    std::vector<std::string> children;
    Status s = fs->GetChildren(dir, &children);
    if (s.IsNotFound() && dir != dbname) continue;
    if (!s.ok()) return s;
    for (const std::string& child : children) {
      uint64_t number;
      FileType type;
      if (ParseFileName(child, &number, &type) && type == FileType::kLog) logs->push_back(number);
    }
  }
  // A log moved to the archive between the two listings is in both.
  std::sort(logs->begin(), logs->end());
  logs->erase(std::unique(logs->begin(), logs->end()), logs->end());
  return Status::OK();
}

LogTailIterator::LogTailIterator(FileSystem* fs, std::string dbname, std::vector<uint64_t> logs,
                                 SequenceNumber last)
    : fs_(fs), dbname_(std::move(dbname)), logs_(std::move(logs)), last_(last) {}

Status LogTailIterator::Open(FileSystem* fs, std::string dbname, std::vector<uint64_t> logs,
                             SequenceNumber from, SequenceNumber last,
                             std::unique_ptr<LogTailIterator>* iterator) {
  std::unique_ptr<LogTailIterator> it(
      new LogTailIterator(fs, std::move(dbname), std::move(logs), last));
  from = std::max<SequenceNumber>(from, 1);  // no write has sequence 0
  // Start in the newest log whose first batch is at or before `from`: probe the first batch
  // of each log, newest first. A log with no batch, or gone meanwhile, holds nothing to return.
  size_t start = it->logs_.size();
  SequenceNumber oldest_first = 0;
  for (size_t i = it->logs_.size(); i-- > 0;) {
    it->index_ = i;
    it->reader_.reset();
    it->log_last_ = 0;
    if (!it->ReadNext(/*this_log_only=*/true)) {
      if (it->status_.IsNotFound()) it->status_ = Status::OK();
      if (!it->status_.ok()) return it->status_;
      continue;
    }
    oldest_first = WriteBatchInternal::Sequence(*it->batch_);
    if (oldest_first <= from) {
      start = i;
      break;
    }
  }
  if (start == it->logs_.size() && from <= last) {
    return Status::NotFound(
        oldest_first == 0
            ? absl::StrFormat("sequence %u is no longer in the logs: they hold no batch", from)
            : absl::StrFormat("sequence %u is no longer in the logs: the oldest batch kept is %u",
                              from, oldest_first));
  }
  if (start < it->logs_.size()) {
    // The probe read the start log's first batch: go on from it to the one holding `from`.
    it->valid_ = true;
    while (it->valid_ && WriteBatchInternal::Sequence(*it->batch_) + it->batch_->Count() <= from) {
      it->Next();
    }
    if (!it->status_.ok()) return it->status_;
  }
  *iterator = std::move(it);
  return Status::OK();
}

bool LogTailIterator::OpenLog(size_t index) {
  const uint64_t number = logs_[index];
  std::unique_ptr<SequentialFile> file;
  std::string path = LogFileName(dbname_, number);
  Status s = fs_->NewSequentialFile(path, &file);
  if (s.IsNotFound()) {
    // Archived since it was listed.
    path = LogFileName(ArchiveDirName(dbname_), number);
    s = fs_->NewSequentialFile(path, &file);
    if (s.IsNotFound()) {
      s = Status::NotFound(absl::StrFormat(
          "log %06u was deleted from %s and its archive while it was due", number, dbname_));
    }
  }
  if (!s.ok()) {
    status_ = s;
    return false;
  }
  reader_ = std::make_unique<log::Reader>(std::move(file), "wal " + std::string(BaseName(path)),
                                          number, WALRecoveryMode::kTolerateCorruptedTailRecords);
  log_last_ = 0;
  return true;
}

bool LogTailIterator::ReadNext(bool this_log_only) {
  std::string_view record;
  std::string scratch;
  while (index_ < logs_.size()) {
    if (reader_ == nullptr && !OpenLog(index_)) return false;
    if (!reader_->ReadRecord(&record, &scratch)) {
      if (!reader_->status().ok()) {
        status_ = reader_->status();
        return false;
      }
      reader_.reset();
      if (this_log_only) return false;
      index_++;
      continue;
    }
    auto batch = std::make_unique<WriteBatch>();
    Status s = DecodeLogRecord(record, log_last_, batch.get());
    if (!s.ok()) {
      status_ = s.WithContext(
          absl::StrFormat("wal %06u record @ %u", logs_[index_], reader_->last_record_offset()));
      return false;
    }
    if (batch->Count() == 0) continue;
    const SequenceNumber seq = WriteBatchInternal::Sequence(*batch);
    if (seq > last_) return false;  // written after the iterator was made
    log_last_ = seq + batch->Count() - 1;
    batch_ = std::move(batch);
    return true;
  }
  return false;
}

void LogTailIterator::Next() {
  if (!valid_) return;
  valid_ = ReadNext();
}

BatchResult LogTailIterator::GetBatch() {
  BatchResult r;
  r.sequence = WriteBatchInternal::Sequence(*batch_);
  r.write_batch = std::move(batch_);
  return r;
}

}  // namespace lsm
