#include "src/io/uring_file_system.h"

#include <fcntl.h>
#include <liburing.h>
#include <unistd.h>

#include <absl/strings/str_format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "src/io/posix_file_system.h"

namespace lsm {
namespace {

// io_uring_queue_init as a Status.
Status InitRing(unsigned entries, io_uring* ring) {
  const int r = io_uring_queue_init(entries, ring, 0);
  if (r != 0) return Status::NotSupported("io_uring", std::strerror(-r));
  return Status::OK();
}

// Submission entries per writer: a write per buffer and an fdatasync.
constexpr unsigned kRingEntries = kUringWriteBuffers + 2;
// user_data of the fdatasync; writes carry their buffer's index.
constexpr uint64_t kSyncTag = kUringWriteBuffers;

class UringWritableFile final : public WritableFile {
 public:
  // A writer over fd (which it then owns), or nullptr if its ring or buffers cannot be set up.
  static std::unique_ptr<UringWritableFile> Open(std::string path, int fd, uint64_t size) {
    std::unique_ptr<UringWritableFile> f(new UringWritableFile(std::move(path), fd, size));
    f->fd_ = -1;  // the caller keeps fd until the writer is ready
    for (Buffer& b : f->buffers_) {
      b.data.reset(static_cast<char*>(std::aligned_alloc(4096, kUringBufferSize)));
      if (b.data == nullptr) return nullptr;
    }
    if (!InitRing(kRingEntries, &f->ring_).ok()) return nullptr;
    f->fd_ = fd;
    return f;
  }
  ~UringWritableFile() override {
    if (fd_ >= 0) (void)Close();
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::IOError(path_, "append after close");
    if (!error_.ok()) return error_;
    size_ += data.size();
    while (!data.empty()) {
      Buffer& b = buffers_[current_];
      const size_t n = std::min(data.size(), kUringBufferSize - b.used);
      std::memcpy(b.data.get() + b.used, data.data(), n);
      b.used += n;
      data.remove_prefix(n);
      if (b.used == kUringBufferSize) {
        Status s = SubmitCurrent();
        if (!s.ok()) return s;
      }
    }
    return Status::OK();
  }

  Status Flush() override {
    if (fd_ < 0) return Status::IOError(path_, "flush after close");
    return SubmitAndWait(/*sync=*/false);
  }

  Status Sync() override {
    if (fd_ < 0) return Status::IOError(path_, "sync after close");
    return SubmitAndWait(/*sync=*/true);
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    Status s = SubmitAndWait(/*sync=*/false);
    // After a failure writes may still be in flight: the kernel reads their buffers until
    // they complete.
    while (in_flight_ > 0 && !ring_broken_) (void)Reap();
    io_uring_queue_exit(&ring_);
    if (::close(fd_) != 0 && s.ok()) s = PosixError(path_ + ": close", errno);
    fd_ = -1;
    return s;
  }

  uint64_t Size() const override { return size_; }

 private:
  struct FreeDeleter {
    void operator()(char* p) const { std::free(p); }
  };
  struct Buffer {
    std::unique_ptr<char, FreeDeleter> data;
    size_t used = 0;         // bytes filled
    uint64_t offset = 0;     // where they go, once submitted
    size_t done = 0;         // of them written, once submitted
    bool in_flight = false;  // submitted and not yet completed
  };

  // Submits the current buffer (if it holds anything) and moves to the next, waiting for that
  // one's write if it is still in flight.
  Status SubmitCurrent() {
    Buffer& b = buffers_[current_];
    if (b.used == 0) return Status::OK();
    b.offset = offset_;
    b.done = 0;
    offset_ += b.used;
    Status s = Submit(current_, /*drain_sync=*/false);
    if (!s.ok()) return s;
    current_ = (current_ + 1) % kUringWriteBuffers;
    while (buffers_[current_].in_flight) {
      s = Reap();
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

  // Queues the unwritten rest of buffer i (none if i is kSyncTag) and, with drain_sync, an
  // fdatasync after every write queued before it; then enters the kernel once.
  Status Submit(size_t i, bool drain_sync) {
    if (i < kUringWriteBuffers) {
      Buffer& b = buffers_[i];
      io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
      if (sqe == nullptr) return Fail("io_uring_get_sqe", EBUSY);
      io_uring_prep_write(sqe, fd_, b.data.get() + b.done, static_cast<unsigned>(b.used - b.done),
                          b.offset + b.done);
      io_uring_sqe_set_data64(sqe, i);
      b.in_flight = true;
      in_flight_++;
    }
    if (drain_sync) {
      io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
      if (sqe == nullptr) return Fail("io_uring_get_sqe", EBUSY);
      io_uring_prep_fsync(sqe, fd_, IORING_FSYNC_DATASYNC);
      io_uring_sqe_set_flags(sqe, IOSQE_IO_DRAIN);
      io_uring_sqe_set_data64(sqe, kSyncTag);
      in_flight_++;
    }
    int r;
    do {
      r = io_uring_submit(&ring_);
    } while (r == -EINTR || r == -EAGAIN);
    if (r < 0) {
      ring_broken_ = true;  // what was queued is not the kernel's: no completion will come
      return Fail("io_uring_submit", -r);
    }
    return Status::OK();
  }

  // Waits for one completion and handles it: a short write is resubmitted for its rest.
  Status Reap() {
    io_uring_cqe* cqe = nullptr;
    int r;
    do {
      r = io_uring_wait_cqe(&ring_, &cqe);
    } while (r == -EINTR || r == -EAGAIN);
    if (r < 0) {
      ring_broken_ = true;
      return Fail("io_uring_wait_cqe", -r);
    }
    const uint64_t tag = io_uring_cqe_get_data64(cqe);
    const int res = cqe->res;
    io_uring_cqe_seen(&ring_, cqe);
    in_flight_--;
    if (tag == kSyncTag) {
      if (res == -EINTR || res == -EAGAIN) return Submit(kSyncTag, /*drain_sync=*/true);
      return res < 0 ? Fail("fdatasync", -res) : Status::OK();
    }
    Buffer& b = buffers_[tag];
    b.in_flight = false;
    if (res == -EINTR || res == -EAGAIN) return Submit(tag, /*drain_sync=*/false);
    if (res < 0) return Fail("write", -res);
    if (res == 0) return Fail("write", EIO);  // no progress on a regular file
    b.done += static_cast<size_t>(res);
    if (b.done < b.used) return Submit(tag, /*drain_sync=*/false);
    b.used = 0;
    return Status::OK();
  }

  // Submits what is buffered, with an fdatasync if `sync`, and waits for all of it.
  Status SubmitAndWait(bool sync) {
    if (!error_.ok()) return error_;
    Buffer& b = buffers_[current_];
    Status s;
    if (b.used > 0) {
      b.offset = offset_;
      b.done = 0;
      offset_ += b.used;
      s = Submit(current_, sync);
      current_ = (current_ + 1) % kUringWriteBuffers;
    } else if (sync) {
      s = Submit(kSyncTag, /*drain_sync=*/true);
    }
    while (s.ok() && in_flight_ > 0) s = Reap();
    return s;
  }

  // Records the first error: the file's later calls return it too.
  Status Fail(std::string_view what, int err) {
    if (error_.ok()) error_ = PosixError(absl::StrFormat("%s: %s", path_, what), err);
    return error_;
  }

  UringWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size), offset_(size) {}

  const std::string path_;
  int fd_;
  io_uring ring_;
  uint64_t size_;    // bytes appended, with those before the file was opened
  uint64_t offset_;  // where the next submitted buffer goes
  std::array<Buffer, kUringWriteBuffers> buffers_;
  size_t current_ = 0;        // the buffer Append fills
  size_t in_flight_ = 0;      // submitted writes and syncs not yet completed
  bool ring_broken_ = false;  // submitting or waiting failed: no completion will come
  Status error_;
};

// The POSIX file system with its writable files replaced.
class UringFileSystem final : public FileSystem {
 public:
  UringFileSystem() : posix_(NewPosixFileSystem()) {}

  Status NewWritableFile(const std::string& path, std::unique_ptr<WritableFile>* file) override {
    return OpenWritable(path, /*append=*/false, file);
  }
  Status NewAppendableFile(const std::string& path, std::unique_ptr<WritableFile>* file) override {
    return OpenWritable(path, /*append=*/true, file);
  }
  Status NewLogFile(const std::string& path, std::unique_ptr<WritableFile>* file) override {
    return posix_->NewLogFile(path, file);
  }
  Status NewSequentialFile(const std::string& path,
                           std::unique_ptr<SequentialFile>* file) override {
    return posix_->NewSequentialFile(path, file);
  }
  Status NewRandomAccessFile(const std::string& path,
                             std::unique_ptr<RandomAccessFile>* file) override {
    return posix_->NewRandomAccessFile(path, file);
  }
  Status FileExists(const std::string& path) override { return posix_->FileExists(path); }
  Status GetChildren(const std::string& dir, std::vector<std::string>* names) override {
    return posix_->GetChildren(dir, names);
  }
  Status GetFileSize(const std::string& path, uint64_t* size) override {
    return posix_->GetFileSize(path, size);
  }
  Status RemoveFile(const std::string& path) override { return posix_->RemoveFile(path); }
  Status RenameFile(const std::string& from, const std::string& to) override {
    return posix_->RenameFile(from, to);
  }
  Status CreateDirIfMissing(const std::string& dir) override {
    return posix_->CreateDirIfMissing(dir);
  }
  Status RemoveDir(const std::string& dir) override { return posix_->RemoveDir(dir); }
  Status SyncDir(const std::string& dir) override { return posix_->SyncDir(dir); }
  Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) override {
    return posix_->LockFile(path, lock);
  }

 private:
  static Status OpenWritable(const std::string& path, bool append,
                             std::unique_ptr<WritableFile>* file) {
    int fd = -1;
    uint64_t size = 0;
    Status s = OpenForWrite(path, append, &fd, &size);
    if (!s.ok()) return s;
    std::unique_ptr<UringWritableFile> uring = UringWritableFile::Open(path, fd, size);
    if (uring != nullptr) {
      *file = std::move(uring);
    } else {
      *file = NewPosixWritableFile(path, fd, size);
    }
    return Status::OK();
  }

  const std::shared_ptr<FileSystem> posix_;
};

}  // namespace

Status NewUringFileSystem(std::shared_ptr<FileSystem>* fs) {
  io_uring ring;
  Status s = InitRing(kRingEntries, &ring);
  if (!s.ok()) return s;
  io_uring_queue_exit(&ring);
  *fs = std::make_shared<UringFileSystem>();
  return Status::OK();
}

}  // namespace lsm
