// DBImpl: changelog tailing (GetUpdatesSince) and the archive of logs it reads (see
// db_impl.h and docs/design.md, "Changelog tailing").
#include <absl/strings/str_format.h>

#include <algorithm>

#include "src/base/filename.h"
#include "src/db/db_impl.h"
#include "src/wal/log_tail.h"

namespace lsm {

uint64_t DBImpl::GetLatestSequenceNumber() const {
  return visible_sequence_.load(std::memory_order_acquire);
}

Status DBImpl::GetUpdatesSince(uint64_t seq, std::unique_ptr<TransactionLogIterator>* iterator) {
  if (iterator == nullptr) return Status::InvalidArgument("GetUpdatesSince: iterator is null");
  Status s = CheckOpen();
  if (!s.ok()) return s;
  const SequenceNumber last = visible_sequence_.load(std::memory_order_acquire);
  if (seq > last + 1) {
    return Status::InvalidArgument(absl::StrFormat(
        "GetUpdatesSince: sequence %u is in the future (the latest is %u)", seq, last));
  }
  std::vector<uint64_t> logs;
  s = ListLogs(fs_, dbname_, &logs);
  if (!s.ok()) return s;
  std::unique_ptr<LogTailIterator> it;
  s = LogTailIterator::Open(fs_, dbname_, std::move(logs), seq, last, &it);
  if (s.ok()) *iterator = std::move(it);
  return s;
}

void DBImpl::LoadArchivedLogs() {
  std::vector<std::string> children;
  const std::string archive = ArchiveDirName(dbname_);
  if (!fs_->GetChildren(archive, &children).ok()) return;
  const auto now = static_cast<int64_t>(NowSeconds());
  for (const std::string& child : children) {
    uint64_t number, bytes = 0;
    FileType type;
    if (!ParseFileName(child, &number, &type) || type != FileType::kLog) continue;
    (void)fs_->GetFileSize(LogFileName(archive, number), &bytes);
    archived_logs_[number] = {bytes, now};
    archived_bytes_ += bytes;
  }
}

void DBImpl::LogArchived(uint64_t number, uint64_t bytes) {
  auto [it, inserted] =
      archived_logs_.try_emplace(number, ArchivedLog{bytes, static_cast<int64_t>(NowSeconds())});
  if (inserted) archived_bytes_ += bytes;
}

std::vector<uint64_t> DBImpl::TakeExpiredArchivedLogs() {
  std::vector<uint64_t> expired;
  const auto now = static_cast<int64_t>(NowSeconds());
  const uint64_t ttl = options_.wal_ttl_seconds;
  const uint64_t mb = options_.wal_size_limit_mb;
  const uint64_t limit = mb > (UINT64_MAX >> 20) ? UINT64_MAX : mb << 20;
  // Oldest first: by number, which is the order they were written and archived in.
  for (auto it = archived_logs_.begin(); it != archived_logs_.end();) {
    const bool too_old = ttl > 0 && now - it->second.archived_at >= static_cast<int64_t>(ttl);
    const bool too_big = limit > 0 && archived_bytes_ > limit;
    if (ArchivesLogs() && !too_old && !too_big) break;
    expired.push_back(it->first);
    archived_bytes_ -= it->second.bytes;
    it = archived_logs_.erase(it);
  }
  return expired;
}

}  // namespace lsm
