// MemFileSystem: an in-memory lsm::FileSystem for fast tests.
//
//   auto fs = std::make_shared<MemFileSystem>();
//   Options options; options.file_system = fs;
//
// Files live in a map keyed by path; directories are created implicitly by CreateDirIfMissing
// and otherwise not checked. A link (LinkFile) shares the bytes of its file, as a hard link
// does; renaming a directory moves every file under it. Locks conflict between holders as
// POSIX flock does.
// Tests may reach into a file's bytes (to corrupt or truncate it) through Contents/SetContents.
// A RandomAccessFile copies into the caller's scratch, or, with mapped_reads, returns views
// into the bytes as they were at open, as a memory map of an unchanging file does (only
// NewRandomAccessFile, as on the POSIX file system).
// Thread-safety: as lsm::FileSystem.
#ifndef LSM_TESTS_SUPPORT_MEM_FILE_SYSTEM_H_
#define LSM_TESTS_SUPPORT_MEM_FILE_SYSTEM_H_

#include <map>
#include <memory>
#include <set>
#include <string>

#include "lsm/file_system.h"
#include "src/util/mutex.h"

namespace lsm {

class MemFileSystem final : public FileSystem {
 public:
  // A file's bytes, shared by the file system and open handles.
  struct FileData {
    Mutex mu;
    std::string contents ABSL_GUARDED_BY(mu);
  };

  explicit MemFileSystem(bool mapped_reads = false) : mapped_reads_(mapped_reads) {}

  Status NewWritableFile(const std::string& path, std::unique_ptr<WritableFile>* file) override;
  Status NewAppendableFile(const std::string& path, std::unique_ptr<WritableFile>* file) override;
  Status NewSequentialFile(const std::string& path, std::unique_ptr<SequentialFile>* file) override;
  Status NewRandomAccessFile(const std::string& path,
                             std::unique_ptr<RandomAccessFile>* file) override;
  Status NewUnmappedRandomAccessFile(const std::string& path,
                                     std::unique_ptr<RandomAccessFile>* file) override;
  Status FileExists(const std::string& path) override;
  Status GetChildren(const std::string& dir, std::vector<std::string>* names) override;
  Status GetFileSize(const std::string& path, uint64_t* size) override;
  Status RemoveFile(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status LinkFile(const std::string& from, const std::string& to) override;
  Status CreateDirIfMissing(const std::string& dir) override;
  Status RemoveDir(const std::string& dir) override;
  Status SyncDir(const std::string& dir) override;
  Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) override;

  // A copy of a file's bytes; NotFound if absent.
  Status Contents(const std::string& path, std::string* contents);
  // Replaces a file's bytes (creating it if absent).
  void SetContents(const std::string& path, std::string contents);

 private:
  class Lock;
  std::shared_ptr<FileData> Find(const std::string& path);
  // RenameFile of a directory: every file and directory under it moves.
  Status RenameDir(const std::string& from, const std::string& to)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Unlock(const std::string& path);

  const bool mapped_reads_;
  Mutex mu_;
  std::map<std::string, std::shared_ptr<FileData>> files_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> dirs_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> locked_ ABSL_GUARDED_BY(mu_);
};

}  // namespace lsm

#endif  // LSM_TESTS_SUPPORT_MEM_FILE_SYSTEM_H_
