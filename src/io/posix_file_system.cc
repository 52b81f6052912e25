#include "src/io/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <absl/strings/str_format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

namespace lsm {

Status PosixError(std::string_view context, int err) {
  if (err == ENOENT) return Status::NotFound(context, std::strerror(err));
  return Status::IOError(context, std::strerror(err));
}

namespace {

// Repeats a call that can be interrupted.
template <typename F>
auto RetryOnEintr(F f) {
  decltype(f()) r;
  do {
    r = f();
  } while (r < 0 && errno == EINTR);
  return r;
}

// Opens path with O_DIRECT added to flags: NotSupported where its file system refuses it.
Status OpenDirect(const std::string& path, int flags, int* fd) {
  *fd = RetryOnEintr([&] { return ::open(path.c_str(), flags | O_DIRECT | O_CLOEXEC, 0644); });
  if (*fd >= 0) return Status::OK();
  if (errno == EINVAL) return Status::NotSupported(path, "its file system has no direct I/O");
  return PosixError(path, errno);
}

}  // namespace

Status SyncData(const std::string& path, int fd) {
  if (RetryOnEintr([&] { return ::fdatasync(fd); }) != 0) {
    return PosixError(path + ": fdatasync", errno);
  }
  return Status::OK();
}

void StartWriteback(int fd, uint64_t* from, uint64_t to) {
  constexpr uint64_t kWritebackBytes = 1 << 20;
  if (to < *from + kWritebackBytes) return;
  (void)::sync_file_range(fd, static_cast<off_t>(*from), static_cast<off_t>(to - *from),
                          SYNC_FILE_RANGE_WRITE);
  *from = to;
}

Status WriteAllAt(const std::string& path, int fd, const char* data, size_t n, uint64_t offset) {
  for (size_t done = 0; done < n;) {
    const ssize_t r = RetryOnEintr(
        [&] { return ::pwrite(fd, data + done, n - done, static_cast<off_t>(offset + done)); });
    if (r <= 0) {
      return PosixError(absl::StrFormat("%s: write @ %u", path, offset + done),
                        r < 0 ? errno : EIO);
    }
    done += static_cast<size_t>(r);
  }
  return Status::OK();
}

Status WriteDirectTail(const std::string& path, int fd, char* buf, size_t used, uint64_t offset,
                       uint64_t size) {
  const size_t padded = static_cast<size_t>(AlignUp(used));
  std::memset(buf + used, 0, padded - used);
  Status s = WriteAllAt(path, fd, buf, padded, offset);
  if (s.ok() && RetryOnEintr([&] { return ::ftruncate(fd, static_cast<off_t>(size)); }) != 0) {
    s = PosixError(path + ": ftruncate", errno);
  }
  return s;
}

namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size), writeback_from_(size) {
    buffer_.reserve(kWritableBufferSize);
  }
  ~PosixWritableFile() override {
    if (fd_ >= 0) (void)Close();
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::IOError(path_, "append after close");
    if (!error_.ok()) return error_;
    size_ += data.size();
    if (buffer_.size() + data.size() <= kWritableBufferSize) {
      buffer_.append(data);
      return Status::OK();
    }
    Status s = FlushBuffer();
    if (!s.ok()) return s;
    if (data.size() <= kWritableBufferSize) {
      buffer_.append(data);
      return Status::OK();
    }
    return WriteUnbuffered(data);
  }

  Status Flush() override {
    if (fd_ < 0) return Status::IOError(path_, "flush after close");
    return FlushBuffer();
  }

  Status Sync() override {
    if (fd_ < 0) return Status::IOError(path_, "sync after close");
    Status s = FlushBuffer();
    if (!s.ok()) return s;
    return SyncData(path_, fd_);
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    Status s = FlushBuffer();
    if (::close(fd_) != 0 && s.ok()) s = PosixError(path_ + ": close", errno);
    fd_ = -1;
    return s;
  }

  uint64_t Size() const override { return size_; }

 private:
  Status FlushBuffer() {
    Status s = WriteUnbuffered(buffer_);
    buffer_.clear();
    if (s.ok()) StartWriteback(fd_, &writeback_from_, size_);
    return s;
  }

  // A failed write loses bytes in the middle of the file: every later call fails too.
  Status WriteUnbuffered(std::string_view data) {
    if (!error_.ok()) return error_;
    while (!data.empty()) {
      const ssize_t n = RetryOnEintr([&] { return ::write(fd_, data.data(), data.size()); });
      if (n < 0) return error_ = PosixError(path_ + ": write", errno);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }

  const std::string path_;
  int fd_;
  uint64_t size_;
  uint64_t writeback_from_;  // where the bytes not yet handed to StartWriteback begin
  std::string buffer_;
  Status error_;  // the first failed write's
};

// A log file written through a shared memory map. Append copies into the file's pages in the
// page cache, with no system call; the bytes are the kernel's once copied, so like bytes given
// to write() they survive the process being killed. Space is reserved with fallocate a window
// at a time, so a full disk fails the Append that needs a new window instead of faulting on a
// page; a process killed before Close leaves the rest of its last window as zeros, which the
// log reader takes as the end of the log (docs/wal_format.md). Close cuts the file back to the
// bytes appended. Sync is fdatasync, which writes back the mapped pages as well.
class PosixMappedLogFile final : public WritableFile {
 public:
  static constexpr size_t kWindow = 1 << 20;

  // `fd` is open for reading and writing, on an empty file with the first window reserved.
  PosixMappedLogFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixMappedLogFile() override {
    if (fd_ >= 0) (void)Close();
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::IOError(path_, "append after close");
    while (!data.empty()) {
      if (map_ == nullptr || pos_ == kWindow) {
        Status s = MapNextWindow();
        if (!s.ok()) return s;
      }
      const size_t n = std::min(data.size(), kWindow - pos_);
      std::memcpy(map_ + pos_, data.data(), n);
      pos_ += n;
      size_ += n;
      data.remove_prefix(n);
    }
    return Status::OK();
  }

  // Appended bytes are in the page cache already.
  Status Flush() override {
    if (fd_ < 0) return Status::IOError(path_, "flush after close");
    return Status::OK();
  }

  Status Sync() override {
    if (fd_ < 0) return Status::IOError(path_, "sync after close");
    return SyncData(path_, fd_);
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    Status s = Unmap();
    if (RetryOnEintr([&] { return ::ftruncate(fd_, static_cast<off_t>(size_)); }) != 0 && s.ok()) {
      s = PosixError(path_ + ": ftruncate", errno);
    }
    if (::close(fd_) != 0 && s.ok()) s = PosixError(path_ + ": close", errno);
    fd_ = -1;
    return s;
  }

  uint64_t Size() const override { return size_; }

  // Reserves [offset, offset + kWindow) of fd's file. EOPNOTSUPP when the file system cannot.
  static int Reserve(int fd, uint64_t offset) {
    return RetryOnEintr([&] {
      return ::fallocate(fd, 0, static_cast<off_t>(offset), static_cast<off_t>(kWindow));
    });
  }

 private:
  Status MapNextWindow() {
    uint64_t offset = 0;
    if (map_ != nullptr) {
      Status s = Unmap();
      if (!s.ok()) return s;
      offset = window_offset_ + kWindow;
      if (Reserve(fd_, offset) != 0) return PosixError(path_ + ": fallocate", errno);
    }
    void* map = ::mmap(nullptr, kWindow, PROT_READ | PROT_WRITE, MAP_SHARED, fd_,
                       static_cast<off_t>(offset));
    if (map == MAP_FAILED) return PosixError(path_ + ": mmap", errno);
#ifdef MADV_POPULATE_WRITE
    // Best effort: one call to fault in the window's pages instead of a fault per page.
    (void)::madvise(map, kWindow, MADV_POPULATE_WRITE);
#endif
    map_ = static_cast<char*>(map);
    window_offset_ = offset;
    pos_ = 0;
    return Status::OK();
  }

  Status Unmap() {
    if (map_ == nullptr) return Status::OK();
    const int r = ::munmap(map_, kWindow);
    map_ = nullptr;
    if (r != 0) return PosixError(path_ + ": munmap", errno);
    return Status::OK();
  }

  const std::string path_;
  int fd_;
  char* map_ = nullptr;         // the current window, or nullptr before the first Append
  uint64_t window_offset_ = 0;  // file offset of map_
  size_t pos_ = 0;              // bytes of the window appended
  uint64_t size_ = 0;
};

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  Status Read(size_t n, std::string_view* result, char* scratch) override {
    size_t done = 0;
    while (done < n) {
      const ssize_t r = RetryOnEintr([&] { return ::read(fd_, scratch + done, n - done); });
      if (r < 0) return PosixError(path_ + ": read", errno);
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    *result = std::string_view(scratch, done);
    return Status::OK();
  }

  Status Skip(uint64_t n) override {
    if (::lseek(fd_, static_cast<off_t>(n), SEEK_CUR) < 0) {
      return PosixError(path_ + ": lseek", errno);
    }
    return Status::OK();
  }

 private:
  const std::string path_;
  const int fd_;
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixRandomAccessFile() override { ::close(fd_); }

  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      const ssize_t r = RetryOnEintr([&] {
        return ::pread(fd_, scratch + done, n - done, static_cast<off_t>(offset + done));
      });
      if (r < 0) {
        return PosixError(absl::StrFormat("%s: pread @ %u", path_, offset + done), errno);
      }
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    *result = std::string_view(scratch, done);
    return Status::OK();
  }

  Status Size(uint64_t* size) const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return PosixError(path_ + ": fstat", errno);
    *size = static_cast<uint64_t>(st.st_size);
    return Status::OK();
  }

 private:
  const std::string path_;
  const int fd_;
};

}  // namespace

namespace {

struct DirectBuffer {
  ~DirectBuffer() { std::free(data); }
  char* data = nullptr;
  size_t size = 0;
};
thread_local DirectBuffer direct_buffer;

}  // namespace

char* ThreadDirectBuffer(size_t bytes) {
  DirectBuffer& b = direct_buffer;
  if (bytes > b.size) {
    const size_t size = std::max(bytes, 2 * b.size);
    void* p = std::aligned_alloc(kDirectIoAlignment, size);
    if (p == nullptr) throw std::bad_alloc();
    std::free(b.data);
    b.data = static_cast<char*>(p);
    b.size = size;
  }
  return b.data;
}

void AbandonThreadDirectBuffer() {
  direct_buffer.data = nullptr;
  direct_buffer.size = 0;
}

Status PosixDirectRandomAccessFile::Open(const std::string& path, int* fd) {
  return OpenDirect(path, O_RDONLY, fd);
}

PosixDirectRandomAccessFile::~PosixDirectRandomAccessFile() { ::close(fd_); }

PosixDirectRandomAccessFile::Span::Span(uint64_t offset, size_t n)
    : start(offset & ~uint64_t{kDirectIoAlignment - 1}),
      length(static_cast<size_t>(AlignUp(offset + n) - start)) {}

std::string_view PosixDirectRandomAccessFile::CopyOut(uint64_t offset, size_t n, const Span& span,
                                                      const char* buf, size_t got, char* scratch) {
  const size_t skip = static_cast<size_t>(offset - span.start);
  const size_t len = got > skip ? std::min(n, got - skip) : 0;
  std::memcpy(scratch, buf + skip, len);
  return std::string_view(scratch, len);
}

Status PosixDirectRandomAccessFile::ReadError(uint64_t offset, int err) const {
  return PosixError(absl::StrFormat("%s: direct read @ %u", path_, offset), err);
}

Status PosixDirectRandomAccessFile::Read(uint64_t offset, size_t n, std::string_view* result,
                                         char* scratch) const {
  const Span span(offset, n);
  char* const buf = ThreadDirectBuffer(span.length);
  size_t done = 0;
  for (;;) {
    const ssize_t r = RetryOnEintr([&] {
      return ::pread(fd_, buf + done, span.length - done, static_cast<off_t>(span.start + done));
    });
    if (r < 0) return ReadError(span.start + done, errno);
    const bool over = SpanDone(span, done, static_cast<size_t>(r));
    done += static_cast<size_t>(r);
    if (over) break;
  }
  *result = CopyOut(offset, n, span, buf, done, scratch);
  return Status::OK();
}

Status PosixDirectRandomAccessFile::Size(uint64_t* size) const {
  struct stat st;
  if (::fstat(fd_, &st) != 0) return PosixError(path_ + ": fstat", errno);
  *size = static_cast<uint64_t>(st.st_size);
  return Status::OK();
}

namespace {

// A file written with O_DIRECT: appends fill an aligned buffer, written whole when full. Flush,
// Sync and Close write the partial tail padded with zeros to kDirectIoAlignment and cut the
// file back to its size (before the fdatasync of a Sync, so that the sync covers the size); the
// tail stays in the buffer, and later appends write its block again.
class PosixDirectWritableFile final : public WritableFile {
 public:
  static constexpr size_t kBufferSize = 1 << 20;

  PosixDirectWritableFile(std::string path, int fd)
      : path_(std::move(path)),
        fd_(fd),
        buffer_(static_cast<char*>(std::aligned_alloc(kDirectIoAlignment, kBufferSize))) {
    if (buffer_ == nullptr) throw std::bad_alloc();
  }
  ~PosixDirectWritableFile() override {
    if (fd_ >= 0) (void)Close();
    std::free(buffer_);
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::IOError(path_, "append after close");
    if (!error_.ok()) return error_;
    size_ += data.size();
    while (!data.empty()) {
      const size_t n = std::min(data.size(), kBufferSize - used_);
      std::memcpy(buffer_ + used_, data.data(), n);
      used_ += n;
      data.remove_prefix(n);
      if (used_ == kBufferSize) {
        Status s = Sticky(WriteAllAt(path_, fd_, buffer_, kBufferSize, offset_));
        if (!s.ok()) return s;
        offset_ += kBufferSize;
        used_ = 0;
      }
    }
    return Status::OK();
  }
  Status Flush() override {
    if (fd_ < 0) return Status::IOError(path_, "flush after close");
    return WriteTail();
  }
  Status Sync() override {
    if (fd_ < 0) return Status::IOError(path_, "sync after close");
    Status s = WriteTail();
    if (s.ok()) s = Sticky(SyncData(path_, fd_));
    return s;
  }
  Status Close() override {
    if (fd_ < 0) return Status::OK();
    Status s = WriteTail();
    if (::close(fd_) != 0 && s.ok()) s = PosixError(path_ + ": close", errno);
    fd_ = -1;
    return s;
  }
  uint64_t Size() const override { return size_; }

 private:
  Status WriteTail() {
    if (!error_.ok()) return error_;
    if (used_ == 0) return Status::OK();
    return Sticky(WriteDirectTail(path_, fd_, buffer_, used_, offset_, size_));
  }
  // Records s if it is the first error (the file's later calls return it too); returns the
  // first error.
  Status Sticky(Status s) {
    if (!s.ok() && error_.ok()) error_ = s;
    return s.ok() ? s : error_;
  }

  const std::string path_;
  int fd_;
  char* const buffer_;
  size_t used_ = 0;      // bytes of the buffer filled
  uint64_t offset_ = 0;  // where the buffer's first byte goes (aligned)
  uint64_t size_ = 0;    // bytes appended
  Status error_;
};

// A read-only file mapped into memory whole: a read is a bounds check and a pointer, with no
// system call or copy. Table files are immutable once written, which makes this safe.
class PosixMmapFile final : public RandomAccessFile {
 public:
  PosixMmapFile(std::string path, const char* base, uint64_t size)
      : path_(std::move(path)), base_(base), size_(size) {}
  ~PosixMmapFile() override {
    ::munmap(const_cast<char*>(base_), size_);
    MmapBudget().fetch_add(1);
  }

  Status Read(uint64_t offset, size_t n, std::string_view* result, char*) const override {
    if (offset >= size_) {
      *result = {};
    } else {
      *result = std::string_view(base_ + offset, std::min<uint64_t>(n, size_ - offset));
    }
    return Status::OK();
  }

  Status Size(uint64_t* size) const override {
    *size = size_;
    return Status::OK();
  }

  // Mappings left to hand out; beyond them files are read with pread.
  static std::atomic<int>& MmapBudget() {
    static std::atomic<int> budget{kMaxMmaps};
    return budget;
  }

 private:
  static constexpr int kMaxMmaps = 4096;
  const std::string path_;
  const char* const base_;
  const uint64_t size_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }

 private:
  const int fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Status NewWritableFile(const std::string& path, std::unique_ptr<WritableFile>* file) override {
    return OpenWritable(path, /*append=*/false, file);
  }

  Status NewAppendableFile(const std::string& path, std::unique_ptr<WritableFile>* file) override {
    return OpenWritable(path, /*append=*/true, file);
  }

  // A PosixMappedLogFile, or a PosixWritableFile where the file system cannot reserve space.
  Status NewLogFile(const std::string& path, std::unique_ptr<WritableFile>* file) override {
    const int fd = RetryOnEintr(
        [&] { return ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644); });
    if (fd < 0) return PosixError(path, errno);
    if (PosixMappedLogFile::Reserve(fd, 0) != 0) {
      const int err = errno;
      if (err == EOPNOTSUPP) {
        *file = std::make_unique<PosixWritableFile>(path, fd, 0);
        return Status::OK();
      }
      ::close(fd);
      return PosixError(path + ": fallocate", err);
    }
    *file = std::make_unique<PosixMappedLogFile>(path, fd);
    return Status::OK();
  }

  Status NewSequentialFile(const std::string& path,
                           std::unique_ptr<SequentialFile>* file) override {
    const int fd = RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); });
    if (fd < 0) return PosixError(path, errno);
    *file = std::make_unique<PosixSequentialFile>(path, fd);
    return Status::OK();
  }

  Status NewRandomAccessFile(const std::string& path,
                             std::unique_ptr<RandomAccessFile>* file) override {
    const int fd = RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); });
    if (fd < 0) return PosixError(path, errno);
    struct stat st;
    if (::fstat(fd, &st) == 0 && st.st_size > 0) {
      if (PosixMmapFile::MmapBudget().fetch_sub(1) > 0) {
        void* base = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
        if (base != MAP_FAILED) {
          ::close(fd);
          *file = std::make_unique<PosixMmapFile>(path, static_cast<const char*>(base),
                                                  static_cast<uint64_t>(st.st_size));
          return Status::OK();
        }
      }
      PosixMmapFile::MmapBudget().fetch_add(1);
    }
    *file = std::make_unique<PosixRandomAccessFile>(path, fd);
    return Status::OK();
  }

  Status NewUnmappedRandomAccessFile(const std::string& path,
                                     std::unique_ptr<RandomAccessFile>* file) override {
    const int fd = RetryOnEintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); });
    if (fd < 0) return PosixError(path, errno);
    *file = std::make_unique<PosixRandomAccessFile>(path, fd);
    return Status::OK();
  }

  Status NewDirectRandomAccessFile(const std::string& path,
                                   std::unique_ptr<RandomAccessFile>* file) override {
    int fd;
    Status s = PosixDirectRandomAccessFile::Open(path, &fd);
    if (s.ok()) *file = std::make_unique<PosixDirectRandomAccessFile>(path, fd);
    return s;
  }

  Status NewDirectWritableFile(const std::string& path,
                               std::unique_ptr<WritableFile>* file) override {
    int fd;
    Status s = OpenForDirectWrite(path, &fd);
    if (s.ok()) *file = NewPosixDirectWritableFile(path, fd);
    return s;
  }

  Status FileExists(const std::string& path) override {
    if (::access(path.c_str(), F_OK) == 0) return Status::OK();
    return PosixError(path, errno);
  }

  Status GetChildren(const std::string& dir, std::vector<std::string>* names) override {
    names->clear();
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return PosixError(dir, errno);
    while (struct dirent* entry = ::readdir(d)) {
      const std::string_view name(entry->d_name);
      if (name != "." && name != "..") names->emplace_back(name);
    }
    ::closedir(d);
    return Status::OK();
  }

  Status GetFileSize(const std::string& path, uint64_t* size) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return PosixError(path, errno);
    *size = static_cast<uint64_t>(st.st_size);
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError(path + ": unlink", errno);
    return Status::OK();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return PosixError(absl::StrFormat("rename %s to %s", from, to), errno);
    }
    return Status::OK();
  }

  Status LinkFile(const std::string& from, const std::string& to) override {
    if (::link(from.c_str(), to.c_str()) != 0) {
      return PosixError(absl::StrFormat("link %s to %s", from, to), errno);
    }
    return Status::OK();
  }

  Status CreateDirIfMissing(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) {
      struct stat st;
      if (::stat(dir.c_str(), &st) != 0) return PosixError(dir, errno);
      if (!S_ISDIR(st.st_mode)) return Status::IOError(dir, "exists and is not a directory");
      return Status::OK();
    }
    return PosixError(dir + ": mkdir", errno);
  }

  Status RemoveDir(const std::string& dir) override {
    if (::rmdir(dir.c_str()) != 0) return PosixError(dir + ": rmdir", errno);
    return Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    const int fd =
        RetryOnEintr([&] { return ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
    if (fd < 0) return PosixError(dir, errno);
    Status s;
    if (RetryOnEintr([&] { return ::fsync(fd); }) != 0) s = PosixError(dir + ": fsync", errno);
    ::close(fd);
    return s;
  }

  Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) override {
    const int fd =
        RetryOnEintr([&] { return ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644); });
    if (fd < 0) return PosixError(path, errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) return Status::IOError(path, "lock held by another process or DB");
      return PosixError(path + ": flock", err);
    }
    *lock = std::make_unique<PosixFileLock>(fd);
    return Status::OK();
  }

 private:
  static Status OpenWritable(const std::string& path, bool append,
                             std::unique_ptr<WritableFile>* file) {
    int fd = -1;
    uint64_t size = 0;
    Status s = OpenForWrite(path, append, &fd, &size);
    if (s.ok()) *file = std::make_unique<PosixWritableFile>(path, fd, size);
    return s;
  }
};

}  // namespace

std::shared_ptr<FileSystem> NewPosixFileSystem() { return std::make_shared<PosixFileSystem>(); }

Status OpenForWrite(const std::string& path, bool append, int* fd, uint64_t* size) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? 0 : O_TRUNC);
  *fd = RetryOnEintr([&] { return ::open(path.c_str(), flags, 0644); });
  if (*fd < 0) return PosixError(path, errno);
  // Positioned at the end rather than opened O_APPEND: a writer with several writes in flight
  // gives each its offset, which O_APPEND would ignore.
  const off_t end = append ? ::lseek(*fd, 0, SEEK_END) : 0;
  if (end < 0) {
    const int err = errno;
    ::close(*fd);
    *fd = -1;
    return PosixError(path + ": lseek", err);
  }
  *size = static_cast<uint64_t>(end);
  return Status::OK();
}

Status OpenForDirectWrite(const std::string& path, int* fd) {
  return OpenDirect(path, O_WRONLY | O_CREAT | O_TRUNC, fd);
}

std::unique_ptr<WritableFile> NewPosixDirectWritableFile(std::string path, int fd) {
  return std::make_unique<PosixDirectWritableFile>(std::move(path), fd);
}

std::unique_ptr<WritableFile> NewPosixWritableFile(std::string path, int fd, uint64_t size) {
  return std::make_unique<PosixWritableFile>(std::move(path), fd, size);
}

Status FileSystem::MultiRead(FileReadRequest* requests, size_t count) {
  std::vector<ReadRequest> run;
  for (size_t begin = 0, end; begin < count; begin = end) {
    const RandomAccessFile* file = requests[begin].file;
    for (end = begin; end < count && requests[end].file == file; end++) {
    }
    run.clear();
    for (size_t i = begin; i < end; i++) run.push_back(requests[i].read);
    Status s = file->MultiRead(run.data(), run.size());
    if (!s.ok()) return s;
    for (size_t i = begin; i < end; i++) requests[i].read = std::move(run[i - begin]);
  }
  return Status::OK();
}

std::shared_ptr<FileSystem> FileSystem::Default() {
  static const std::shared_ptr<FileSystem> kDefault = NewPosixFileSystem();
  return kDefault;
}

}  // namespace lsm
