#include "src/db/log_replay.h"

#include <absl/strings/str_format.h>

#include <memory>
#include <string_view>
#include <utility>

#include "src/base/filename.h"
#include "src/base/write_batch_internal.h"
#include "src/wal/log_tail.h"

namespace lsm {
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
    Status bad = DecodeLogRecord(record, report->last_sequence, &batch);
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
