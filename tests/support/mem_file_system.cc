#include "tests/support/mem_file_system.h"

#include <algorithm>

#include "src/base/filename.h"

namespace lsm {
namespace {

using FileData = MemFileSystem::FileData;

class MemWritableFile final : public WritableFile {
 public:
  explicit MemWritableFile(std::shared_ptr<FileData> data) : data_(std::move(data)) {
    FileData& d = *data_;
    MutexLock l(&d.mu);
    size_ = d.contents.size();
  }
  Status Append(std::string_view d) override {
    if (closed_) return Status::IOError("append after close");
    FileData& file = *data_;
    MutexLock l(&file.mu);
    file.contents.append(d);
    size_ += d.size();
    return Status::OK();
  }
  Status Flush() override { return closed_ ? Status::IOError("flush after close") : Status(); }
  Status Sync() override { return closed_ ? Status::IOError("sync after close") : Status(); }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  uint64_t Size() const override { return size_; }

 private:
  std::shared_ptr<FileData> data_;
  uint64_t size_ = 0;
  bool closed_ = false;
};

class MemSequentialFile final : public SequentialFile {
 public:
  explicit MemSequentialFile(std::shared_ptr<FileData> data) : data_(std::move(data)) {}
  Status Read(size_t n, std::string_view* result, char* scratch) override {
    FileData& d = *data_;
    MutexLock l(&d.mu);
    const size_t avail = pos_ < d.contents.size() ? d.contents.size() - pos_ : 0;
    const size_t k = std::min(n, avail);
    std::copy_n(d.contents.data() + pos_, k, scratch);
    pos_ += k;
    *result = std::string_view(scratch, k);
    return Status::OK();
  }
  Status Skip(uint64_t n) override {
    pos_ += n;
    return Status::OK();
  }

 private:
  std::shared_ptr<FileData> data_;
  uint64_t pos_ = 0;
};

class MemRandomAccessFile final : public RandomAccessFile {
 public:
  explicit MemRandomAccessFile(std::shared_ptr<FileData> data) : data_(std::move(data)) {}
  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    FileData& d = *data_;
    MutexLock l(&d.mu);
    const size_t avail = offset < d.contents.size() ? d.contents.size() - offset : 0;
    const size_t k = std::min(n, avail);
    std::copy_n(d.contents.data() + std::min<uint64_t>(offset, d.contents.size()), k, scratch);
    *result = std::string_view(scratch, k);
    return Status::OK();
  }
  Status Size(uint64_t* size) const override {
    FileData& d = *data_;
    MutexLock l(&d.mu);
    *size = d.contents.size();
    return Status::OK();
  }

 private:
  std::shared_ptr<FileData> data_;
};

// Views into a copy taken at open.
class MemMappedFile final : public RandomAccessFile {
 public:
  explicit MemMappedFile(std::string bytes) : bytes_(std::move(bytes)) {}
  Status Read(uint64_t offset, size_t n, std::string_view* result, char*) const override {
    *result = std::string_view(bytes_).substr(std::min<uint64_t>(offset, bytes_.size()), n);
    return Status::OK();
  }
  Status Size(uint64_t* size) const override {
    *size = bytes_.size();
    return Status::OK();
  }

 private:
  const std::string bytes_;
};

}  // namespace

class MemFileSystem::Lock final : public FileLock {
 public:
  Lock(MemFileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  ~Lock() override { fs_->Unlock(path_); }

 private:
  MemFileSystem* const fs_;
  const std::string path_;
};

std::shared_ptr<FileData> MemFileSystem::Find(const std::string& path) {
  MutexLock l(&mu_);
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : it->second;
}

Status MemFileSystem::NewWritableFile(const std::string& path,
                                      std::unique_ptr<WritableFile>* file) {
  auto data = std::make_shared<FileData>();
  {
    MutexLock l(&mu_);
    files_[path] = data;
  }
  *file = std::make_unique<MemWritableFile>(std::move(data));
  return Status::OK();
}

Status MemFileSystem::NewAppendableFile(const std::string& path,
                                        std::unique_ptr<WritableFile>* file) {
  std::shared_ptr<FileData> data;
  {
    MutexLock l(&mu_);
    auto& slot = files_[path];
    if (slot == nullptr) slot = std::make_shared<FileData>();
    data = slot;
  }
  *file = std::make_unique<MemWritableFile>(std::move(data));
  return Status::OK();
}

Status MemFileSystem::NewSequentialFile(const std::string& path,
                                        std::unique_ptr<SequentialFile>* file) {
  auto data = Find(path);
  if (data == nullptr) return Status::NotFound(path);
  *file = std::make_unique<MemSequentialFile>(std::move(data));
  return Status::OK();
}

Status MemFileSystem::NewRandomAccessFile(const std::string& path,
                                          std::unique_ptr<RandomAccessFile>* file) {
  auto data = Find(path);
  if (data == nullptr) return Status::NotFound(path);
  if (mapped_reads_) {
    MutexLock l(&data->mu);
    *file = std::make_unique<MemMappedFile>(data->contents);
    return Status::OK();
  }
  *file = std::make_unique<MemRandomAccessFile>(std::move(data));
  return Status::OK();
}

Status MemFileSystem::NewUnmappedRandomAccessFile(const std::string& path,
                                                  std::unique_ptr<RandomAccessFile>* file) {
  auto data = Find(path);
  if (data == nullptr) return Status::NotFound(path);
  *file = std::make_unique<MemRandomAccessFile>(std::move(data));
  return Status::OK();
}

Status MemFileSystem::FileExists(const std::string& path) {
  MutexLock l(&mu_);
  return files_.contains(path) || dirs_.contains(path) ? Status::OK() : Status::NotFound(path);
}

Status MemFileSystem::GetChildren(const std::string& dir, std::vector<std::string>* names) {
  names->clear();
  MutexLock l(&mu_);
  const std::string prefix = dir + "/";
  for (const auto& [path, data] : files_) {
    if (path.starts_with(prefix) && path.find('/', prefix.size()) == std::string::npos) {
      names->emplace_back(BaseName(path));
    }
  }
  if (names->empty() && !dirs_.contains(dir)) return Status::NotFound(dir);
  return Status::OK();
}

Status MemFileSystem::GetFileSize(const std::string& path, uint64_t* size) {
  auto data = Find(path);
  if (data == nullptr) return Status::NotFound(path);
  FileData& d = *data;
  MutexLock l(&d.mu);
  *size = d.contents.size();
  return Status::OK();
}

Status MemFileSystem::RemoveFile(const std::string& path) {
  MutexLock l(&mu_);
  return files_.erase(path) == 1 ? Status::OK() : Status::NotFound(path);
}

Status MemFileSystem::RenameFile(const std::string& from, const std::string& to) {
  MutexLock l(&mu_);
  auto it = files_.find(from);
  if (it == files_.end()) return RenameDir(from, to);
  files_[to] = it->second;
  files_.erase(from);
  return Status::OK();
}

Status MemFileSystem::RenameDir(const std::string& from, const std::string& to) {
  const std::string prefix = from + "/";
  auto under = [&](const std::string& path) { return path.starts_with(prefix); };
  const bool has_files = std::any_of(files_.begin(), files_.end(),
                                     [&](const auto& entry) { return under(entry.first); });
  if (!has_files && !dirs_.contains(from)) return Status::NotFound(from);
  if (files_.contains(to)) return Status::IOError(to, "Not a directory");
  const std::string to_prefix = to + "/";
  for (const auto& [path, data] : files_) {
    if (path.starts_with(to_prefix)) return Status::IOError(to, "Directory not empty");
  }
  std::map<std::string, std::shared_ptr<FileData>> moved;
  for (auto it = files_.begin(); it != files_.end();) {
    if (under(it->first)) {
      moved[to_prefix + it->first.substr(prefix.size())] = std::move(it->second);
      it = files_.erase(it);
    } else {
      ++it;
    }
  }
  files_.merge(moved);
  std::set<std::string> dirs;
  for (auto it = dirs_.begin(); it != dirs_.end();) {
    if (*it == from || under(*it)) {
      dirs.insert(to + it->substr(from.size()));
      it = dirs_.erase(it);
    } else {
      ++it;
    }
  }
  dirs_.merge(dirs);
  dirs_.insert(to);
  return Status::OK();
}

Status MemFileSystem::LinkFile(const std::string& from, const std::string& to) {
  MutexLock l(&mu_);
  auto it = files_.find(from);
  if (it == files_.end()) return Status::NotFound(from);
  if (files_.contains(to)) return Status::IOError(to, "File exists");
  files_[to] = it->second;
  return Status::OK();
}

Status MemFileSystem::CreateDirIfMissing(const std::string& dir) {
  MutexLock l(&mu_);
  dirs_.insert(dir);
  return Status::OK();
}

Status MemFileSystem::RemoveDir(const std::string& dir) {
  MutexLock l(&mu_);
  return dirs_.erase(dir) == 1 ? Status::OK() : Status::NotFound(dir);
}

Status MemFileSystem::SyncDir(const std::string&) { return Status::OK(); }

Status MemFileSystem::LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) {
  MutexLock l(&mu_);
  if (!locked_.insert(path).second) return Status::IOError(path, "lock held");
  files_.try_emplace(path, std::make_shared<FileData>());
  *lock = std::make_unique<Lock>(this, path);
  return Status::OK();
}

void MemFileSystem::Unlock(const std::string& path) {
  MutexLock l(&mu_);
  locked_.erase(path);
}

Status MemFileSystem::Contents(const std::string& path, std::string* contents) {
  auto data = Find(path);
  if (data == nullptr) return Status::NotFound(path);
  FileData& d = *data;
  MutexLock l(&d.mu);
  *contents = d.contents;
  return Status::OK();
}

void MemFileSystem::SetContents(const std::string& path, std::string contents) {
  auto data = std::make_shared<FileData>();
  {
    FileData& d = *data;
    MutexLock l(&d.mu);
    d.contents = std::move(contents);
  }
  MutexLock l(&mu_);
  files_[path] = std::move(data);
}

}  // namespace lsm
