#include "src/io/file_logger.h"

#include <absl/strings/str_format.h>
#include <absl/time/clock.h>
#include <absl/time/time.h>

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <vector>

namespace lsm {

FileLogger::FileLogger(std::shared_ptr<FileSystem> fs, std::string path, uint64_t max_file_size,
                       size_t keep_old)
    : fs_(std::move(fs)),
      path_(std::move(path)),
      max_file_size_(max_file_size),
      keep_old_(keep_old) {}

FileLogger::~FileLogger() {
  MutexLock l(&mu_);
  if (file_ != nullptr) (void)file_->Close();
}

Status FileLogger::Open(std::shared_ptr<FileSystem> fs, std::string path, uint64_t max_file_size,
                        size_t keep_old, std::unique_ptr<FileLogger>* logger) {
  std::unique_ptr<FileLogger> l(
      new FileLogger(std::move(fs), std::move(path), max_file_size, keep_old));
  Status s;
  {
    MutexLock lock(&l->mu_);
    s = l->StartFile();
  }
  if (s.ok()) *logger = std::move(l);
  return s;
}

Status FileLogger::StartFile() {
  if (file_ != nullptr) {
    (void)file_->Close();
    file_.reset();
  }
  const std::string old = absl::StrFormat("%s.old.%u", path_, absl::ToUnixMicros(absl::Now()));
  if (fs_->FileExists(path_).ok()) {
    Status s = fs_->RenameFile(path_, old);
    if (!s.ok()) return s;
  }
  DeleteOldFiles();
  return fs_->NewWritableFile(path_, &file_);
}

void FileLogger::DeleteOldFiles() {
  const size_t slash = path_.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash);
  const std::string prefix =
      (slash == std::string::npos ? path_ : path_.substr(slash + 1)) + ".old.";
  std::vector<std::string> children;
  if (!fs_->GetChildren(dir, &children).ok()) return;
  std::vector<std::pair<uint64_t, std::string>> old;
  for (const std::string& name : children) {
    if (!name.starts_with(prefix)) continue;
    const std::string digits = name.substr(prefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    old.emplace_back(std::strtoull(digits.c_str(), nullptr, 10), name);
  }
  if (old.size() <= keep_old_) return;
  std::sort(old.begin(), old.end());
  for (size_t i = 0; i + keep_old_ < old.size(); i++) {
    (void)fs_->RemoveFile(dir + "/" + old[i].second);
  }
}

void FileLogger::Log(InfoLogLevel level, std::string_view line) {
  const std::string text = absl::StrFormat(
      "%s %s %s\n", absl::FormatTime("%Y/%m/%d-%H:%M:%E6S", absl::Now(), absl::LocalTimeZone()),
      InfoLogLevelName(level), line);
  MutexLock l(&mu_);
  if (file_ == nullptr) return;
  if (max_file_size_ > 0 && file_->Size() > 0 && file_->Size() + text.size() > max_file_size_ &&
      !StartFile().ok()) {
    file_.reset();
    return;
  }
  if (!file_->Append(text).ok() || !file_->Flush().ok()) file_.reset();
}

}  // namespace lsm
