#include "src/db/log_replay.h"

#include <absl/strings/str_format.h>

#include <memory>
#include <string_view>
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

// Decodes `record` into `batch` and checks it (see the header); `last` is the log's last
// sequence number so far.
Status CheckBatch(std::string_view record, SequenceNumber last, WriteBatch* batch) {
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

}  // namespace

Status ReplayLog(FileSystem* fs, const std::string& dbname, uint64_t number, WALRecoveryMode mode,
                 const std::function<Status(const WriteBatch& batch)>& apply,
                 LogReplayReport* report) {
  *report = LogReplayReport();
  const std::string path = LogFileName(dbname, number);
  const std::string name(BaseName(path));
  std::unique_ptr<SequentialFile> file;
  Status s = fs->NewSequentialFile(path, &file);
  if (!s.ok()) return s;
  log::Reader reader(std::move(file), "wal " + name, number, mode);
  std::string_view record;
  std::string scratch;
  WriteBatch batch;
  while (reader.ReadRecord(&record, &scratch)) {
    Status bad = CheckBatch(record, report->last_sequence, &batch);
    if (!bad.ok()) {
      bad =
          bad.WithContext(absl::StrFormat("wal %s record @ %u", name, reader.last_record_offset()));
      if (mode == WALRecoveryMode::kSkipAnyCorruptedRecords) {
        if (report->skipped++ == 0) report->first_skipped = bad;
        continue;
      }
      if (mode != WALRecoveryMode::kPointInTimeRecovery) return bad;
      report->stopped = bad;
      break;
    }
    s = apply(batch);
    if (!s.ok()) return s;
    report->records++;
    if (batch.Count() > 0) {
      report->last_sequence = WriteBatchInternal::Sequence(batch) + batch.Count() - 1;
    }
  }
  report->read = reader.report();
  return reader.status();
}

}  // namespace lsm
