// lsm::FileSystem: every file operation the engine performs goes through this interface.
//
// The engine never calls the OS directly, so a test can put an in-memory or fault-injecting
// file system underneath it, and an io_uring backend can serve the same calls as POSIX.
//
//   std::shared_ptr<lsm::FileSystem> fs = lsm::FileSystem::Default();
//   std::unique_ptr<lsm::WritableFile> f;
//   lsm::Status s = fs->NewWritableFile("/tmp/x", &f);
//   if (s.ok()) s = f->Append("hello");
//   if (s.ok()) s = f->Sync();
//   if (s.ok()) s = f->Close();
//
// Errors are IOError with the path and the OS's reason; a missing file is NotFound.
// Thread-safety: a FileSystem may be used from many threads at once. A file object is used by
// one thread at a time, except RandomAccessFile::Read, which may be called concurrently.
#ifndef LSM_FILE_SYSTEM_H_
#define LSM_FILE_SYSTEM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/status.h"

namespace lsm {

// A file written from start to end. Once a write has failed, every later call fails: the
// file may have lost bytes in the middle.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends data. It may be buffered until Flush, Sync or Close.
  virtual Status Append(std::string_view data) = 0;
  // Hands buffered data to the OS (survives a process crash, not a power cut).
  virtual Status Flush() = 0;
  // Makes all appended data durable (survives a power cut).
  virtual Status Sync() = 0;
  // Flushes and closes; later calls fail. Does not sync.
  virtual Status Close() = 0;
  // Bytes appended so far, including any from before the file was opened for append.
  virtual uint64_t Size() const = 0;
};

// A file read from start to end.
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to n bytes into *result, which may point into scratch (at least n bytes) or
  // elsewhere. A short read (fewer than n bytes) means end of file.
  virtual Status Read(size_t n, std::string_view* result, char* scratch) = 0;
  // Skips n bytes (or to the end of file).
  virtual Status Skip(uint64_t n) = 0;
};

// One read of a batch (RandomAccessFile::MultiRead).
struct ReadRequest {
  uint64_t offset = 0;
  size_t n = 0;
  char* scratch = nullptr;  // at least n bytes
  // Set by MultiRead, as Read sets its own.
  std::string_view result;
  Status status;
};

// A file read at arbitrary offsets.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads each request as Read would, setting its result and status; the return value is not
  // OK only if the batch as a whole failed. Implementations may read the ranges concurrently
  // (io_uring submits them together); this default reads them one after another.
  virtual Status MultiRead(ReadRequest* requests, size_t count) const {
    for (size_t i = 0; i < count; i++) {
      ReadRequest& r = requests[i];
      r.status = Read(r.offset, r.n, &r.result, r.scratch);
    }
    return Status::OK();
  }
  // Reads up to n bytes at offset into *result, which may point into scratch (at least n
  // bytes) or elsewhere; bytes elsewhere (a memory map) must stay valid and unchanged while the
  // file object lives. Fewer than n bytes means the read reached end of file.
  virtual Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const = 0;
  // The file's size in bytes.
  virtual Status Size(uint64_t* size) const = 0;
};

// One read of a batch over several files (FileSystem::MultiRead).
struct FileReadRequest {
  const RandomAccessFile* file = nullptr;
  ReadRequest read;
};

// An exclusive lock on a file; released when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The process's POSIX file system.
  static std::shared_ptr<FileSystem> Default();

  // Creates (or truncates) a file for writing.
  virtual Status NewWritableFile(const std::string& path, std::unique_ptr<WritableFile>* file) = 0;
  // Opens a file for appending, creating it if missing.
  virtual Status NewAppendableFile(const std::string& path,
                                   std::unique_ptr<WritableFile>* file) = 0;
  // Creates (or truncates) a write-ahead log file: appended in small records, each of which
  // must be the kernel's (survive the process being killed) once Append and Flush return. A
  // reader must take zeros after the last record, to the end of the file, as its end. The
  // default is NewWritableFile; the POSIX file system writes through a shared memory map.
  virtual Status NewLogFile(const std::string& path, std::unique_ptr<WritableFile>* file) {
    return NewWritableFile(path, file);
  }
  virtual Status NewSequentialFile(const std::string& path,
                                   std::unique_ptr<SequentialFile>* file) = 0;
  // A file read at arbitrary offsets. The file system may map it into memory (the POSIX one
  // does), so that reads return views of the map.
  virtual Status NewRandomAccessFile(const std::string& path,
                                     std::unique_ptr<RandomAccessFile>* file) = 0;
  // The same, never mapped into memory: reads copy into the caller's scratch, for callers that
  // bound their resident memory (Options::allow_mmap_reads off). This default is
  // NewRandomAccessFile, for file systems that map nothing.
  virtual Status NewUnmappedRandomAccessFile(const std::string& path,
                                             std::unique_ptr<RandomAccessFile>* file) {
    return NewRandomAccessFile(path, file);
  }
  // A random-access file read with direct I/O: around the page cache, for callers that cache
  // what they read themselves (Options::use_direct_reads). NotSupported where the file system
  // has no direct I/O, which is this default.
  virtual Status NewDirectRandomAccessFile(const std::string& path,
                                           std::unique_ptr<RandomAccessFile>* file) {
    (void)file;
    return Status::NotSupported(path, "this file system has no direct I/O");
  }
  // Creates (or truncates) a file written with direct I/O: around the page cache, for files
  // written once, in order, and synced before use (tables). NotSupported where the file system
  // has no direct I/O, which is this default.
  virtual Status NewDirectWritableFile(const std::string& path,
                                       std::unique_ptr<WritableFile>* file) {
    (void)file;
    return Status::NotSupported(path, "this file system has no direct I/O");
  }
  // Reads a batch over files this file system opened, each request as its file's MultiRead
  // would; the return value is not OK only if the batch as a whole failed. Implementations may
  // read them all concurrently (io_uring submits direct reads together); this default hands
  // each file its run of consecutive requests.
  virtual Status MultiRead(FileReadRequest* requests, size_t count);

  // OK if the file exists, NotFound if not, IOError if that cannot be told.
  virtual Status FileExists(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, without "." and "..".
  virtual Status GetChildren(const std::string& dir, std::vector<std::string>* names) = 0;
  virtual Status GetFileSize(const std::string& path, uint64_t* size) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Atomically replaces `to` (if it exists) with `from`. Durable only after SyncDir. `from`
  // may also be a directory, renamed with its files to a name that does not exist.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Makes `to` a second name of the file `from` (a hard link): both name the same bytes, and
  // removing one leaves the other. `to` must not exist. Durable only after SyncDir (of `to`'s
  // directory). NotSupported where the file system cannot link, which is this default; an
  // error where these two paths cannot be linked (on different file systems, for one).
  virtual Status LinkFile(const std::string& from, const std::string& to) {
    (void)to;
    return Status::NotSupported(from, "this file system cannot link files");
  }
  // Creates a directory; OK if it already exists.
  virtual Status CreateDirIfMissing(const std::string& dir) = 0;
  virtual Status RemoveDir(const std::string& dir) = 0;
  // Makes the directory's entries (files created, renamed or removed in it) durable.
  virtual Status SyncDir(const std::string& dir) = 0;

  // Creates `path` if needed and locks it exclusively against other processes and other
  // FileLock holders in this process. IOError ("lock held") if it is locked already.
  virtual Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) = 0;
};

}  // namespace lsm

#endif  // LSM_FILE_SYSTEM_H_
