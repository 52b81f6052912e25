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
#include <vector>

#include "src/io/posix_file_system.h"

namespace lsm {
namespace {

// io_uring_queue_init as a Status.
Status InitRing(unsigned entries, io_uring* ring) {
  const int r = io_uring_queue_init(entries, ring, 0);
  if (r != 0) return Status::NotSupported("io_uring", std::strerror(-r));
  return Status::OK();
}

// Submission entries per writer: a write per buffer.
constexpr unsigned kRingEntries = kUringWriteBuffers;

class UringWritableFile final : public WritableFile {
 public:
  // A writer over fd (which it then owns), or nullptr if its ring or buffers cannot be set up.
  // `direct`: fd was opened with O_DIRECT (OpenForDirectWrite; size is 0). Whole buffers are
  // written as usual; Flush, Sync and Close write the partial tail padded with zeros to
  // kDirectIoAlignment and cut the file back to its size (before a Sync's fdatasync), and the
  // tail stays in its buffer for later appends, which write its block again.
  static std::unique_ptr<UringWritableFile> Open(std::string path, int fd, uint64_t size,
                                                 bool direct) {
    std::unique_ptr<UringWritableFile> f(new UringWritableFile(std::move(path), fd, size, direct));
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
    Status s = Submit(current_);
    if (!s.ok()) return s;
    current_ = (current_ + 1) % kUringWriteBuffers;
    while (buffers_[current_].in_flight) {
      s = Reap();
      if (!s.ok()) return s;
    }
    return Status::OK();
  }

  // Queues the unwritten rest of buffer i and enters the kernel.
  Status Submit(size_t i) {
    Buffer& b = buffers_[i];
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) return Fail("io_uring_get_sqe", EBUSY);
    io_uring_prep_write(sqe, fd_, b.data.get() + b.done, static_cast<unsigned>(b.used - b.done),
                        b.offset + b.done);
    io_uring_sqe_set_data64(sqe, i);
    b.in_flight = true;
    in_flight_++;
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
    Buffer& b = buffers_[tag];
    b.in_flight = false;
    if (res == -EINTR || res == -EAGAIN) return Submit(tag);
    if (res < 0) return Fail("write", -res);
    if (res == 0) return Fail("write", EIO);  // no progress on a regular file
    b.done += static_cast<size_t>(res);
    if (b.done < b.used) return Submit(tag);
    b.used = 0;
    // Buffers complete in any order; a range not yet written is written back by the Sync.
    if (!direct_) StartWriteback(fd_, &writeback_from_, b.offset + b.done);
    return Status::OK();
  }

  // Waits for the buffers in flight, then hands the partial buffer to the kernel with pwrite
  // and, if `sync`, runs fdatasync. Not through the ring: there a small write or an fdatasync
  // goes to a kernel worker thread, and a log written record by record paid 5x a write(2) per
  // record (docs/performance.md, "The io_uring backend").
  Status SubmitAndWait(bool sync) {
    if (!error_.ok()) return error_;
    Status s;
    while (s.ok() && in_flight_ > 0) s = Reap();
    Buffer& b = buffers_[current_];
    if (s.ok() && b.used > 0) {
      if (direct_) {  // the tail stays in b, for later appends to write its block again
        s = Sticky(WriteDirectTail(path_, fd_, b.data.get(), b.used, offset_, size_));
      } else {
        s = Sticky(WriteAllAt(path_, fd_, b.data.get(), b.used, offset_));
        if (s.ok()) {
          offset_ += b.used;
          b.used = 0;
        }
      }
    }
    if (s.ok() && sync) s = Sticky(SyncData(path_, fd_));
    return s;
  }

  // Records the first error: the file's later calls return it too.
  Status Fail(std::string_view what, int err) {
    return Sticky(PosixError(absl::StrFormat("%s: %s", path_, what), err));
  }
  // Records s if it is the first error; returns the first error.
  Status Sticky(Status s) {
    if (!s.ok() && error_.ok()) error_ = s;
    return s.ok() ? s : error_;
  }

  UringWritableFile(std::string path, int fd, uint64_t size, bool direct)
      : path_(std::move(path)),
        fd_(fd),
        direct_(direct),
        size_(size),
        offset_(size),
        writeback_from_(size) {}

  const std::string path_;
  int fd_;
  const bool direct_;
  io_uring ring_;
  uint64_t size_;            // bytes appended, with those before the file was opened
  uint64_t offset_;          // where the next submitted buffer goes
  uint64_t writeback_from_;  // where the bytes not yet handed to StartWriteback begin
  std::array<Buffer, kUringWriteBuffers> buffers_;
  size_t current_ = 0;        // the buffer Append fills
  size_t in_flight_ = 0;      // submitted writes and syncs not yet completed
  bool ring_broken_ = false;  // submitting or waiting failed: no completion will come
  Status error_;
};

// Entries of a thread's read ring: the most reads a MultiRead has in flight at once.
constexpr unsigned kReadRingEntries = 64;

// A ring per thread for MultiRead, set up on first use and torn down when the thread exits.
// Every read it carries completes before MultiRead returns, so nothing is in flight between
// calls, and none when a database closes. A ring that failed to submit or to wait is not used
// again, and the buffer its reads went to is left to them (AbandonThreadDirectBuffer); that
// thread's batches are then read one by one.
class ReadRing {
 public:
  // nullptr if this thread has no usable ring.
  static ReadRing* ForThisThread() {
    thread_local ReadRing ring;
    return ring.usable_ ? &ring : nullptr;
  }

  io_uring* get() { return &ring_; }
  void Abandon() { usable_ = false; }

 private:
  ReadRing() : usable_(InitRing(kReadRingEntries, &ring_).ok()), set_up_(usable_) {}
  ~ReadRing() {
    if (set_up_) io_uring_queue_exit(&ring_);
  }

  io_uring ring_;
  bool usable_;
  const bool set_up_;
};

// A direct-I/O file whose reads of a batch (its own MultiRead, or the file system's over
// several files) are submitted together through the thread's ring, so that the device serves
// them at once rather than one after another.
class UringDirectRandomAccessFile final : public PosixDirectRandomAccessFile {
 public:
  using PosixDirectRandomAccessFile::PosixDirectRandomAccessFile;

  // One read of a batch.
  struct Item {
    const UringDirectRandomAccessFile* file;
    ReadRequest* req;
  };

  Status MultiRead(ReadRequest* requests, size_t count) const override {
    std::vector<Item> items;
    items.reserve(count);
    for (size_t i = 0; i < count; i++) items.push_back({this, &requests[i]});
    return ReadTogether(items);
  }

  // Reads every item, all submitted together (at most kReadRingEntries in flight), and waits
  // for them all; one by one where this thread has no usable ring.
  static Status ReadTogether(const std::vector<Item>& items) {
    ReadRing* rr = ReadRing::ForThisThread();
    if (rr == nullptr || items.size() < 2) {
      for (const Item& it : items) {
        it.req->status = it.file->Read(it.req->offset, it.req->n, &it.req->result, it.req->scratch);
      }
      return Status::OK();
    }
    io_uring* ring = rr->get();
    const size_t count = items.size();
    // One aligned buffer holds every item's span.
    std::vector<Span> spans;
    std::vector<size_t> at(count);
    spans.reserve(count);
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
      spans.emplace_back(items[i].req->offset, items[i].req->n);
      at[i] = total;
      total += spans[i].length;
    }
    char* const buf = ThreadDirectBuffer(total);
    std::vector<size_t> done(count, 0);
    size_t inflight = 0;  // submitted, not yet complete
    // The ring failed: it is not used again, and buf outlives any read still in flight.
    auto give_up = [&](const char* call, int err) {
      rr->Abandon();
      while (inflight > 0 && Reap(ring, nullptr, nullptr) == 0) inflight--;
      if (inflight > 0) AbandonThreadDirectBuffer();
      return PosixError(call, err);
    };
    auto prepare = [&](size_t i) {
      io_uring_sqe* sqe = io_uring_get_sqe(ring);
      io_uring_prep_read(sqe, items[i].file->fd_, buf + at[i] + done[i],
                         static_cast<unsigned>(spans[i].length - done[i]),
                         spans[i].start + done[i]);
      io_uring_sqe_set_data64(sqe, i);
    };
    size_t next = 0;    // the first item not yet queued
    size_t queued = 0;  // prepared, not yet submitted
    while (next < count || queued + inflight > 0) {
      for (; next < count && queued + inflight < kReadRingEntries; next++, queued++) prepare(next);
      int r;
      do {
        r = io_uring_submit(ring);
      } while (r == -EINTR || r == -EAGAIN);
      if (r < 0) return give_up("io_uring_submit", -r);
      queued -= static_cast<size_t>(r);
      inflight += static_cast<size_t>(r);
      if (inflight == 0) continue;
      size_t i;
      int res;
      if ((r = Reap(ring, &i, &res)) != 0) return give_up("io_uring_wait_cqe", -r);
      do {
        inflight--;
        ReadRequest& req = *items[i].req;
        if (res == -EINTR || res == -EAGAIN) {
          prepare(i);
          queued++;
        } else if (res < 0) {
          req.result = {};
          req.status = items[i].file->ReadError(spans[i].start + done[i], -res);
        } else if (!SpanDone(spans[i], done[i], static_cast<size_t>(res))) {
          done[i] += static_cast<size_t>(res);  // a short read: ask for the rest
          prepare(i);
          queued++;
        } else {
          done[i] += static_cast<size_t>(res);
          req.result = CopyOut(req.offset, req.n, spans[i], buf + at[i], done[i], req.scratch);
          req.status = Status::OK();
        }
      } while (TryReap(ring, &i, &res));
    }
    return Status::OK();
  }

 private:
  // Waits for a completion and takes it: its item index and result; 0 or -errno.
  static int Reap(io_uring* ring, size_t* index, int* res) {
    io_uring_cqe* cqe;
    int r;
    do {
      r = io_uring_wait_cqe(ring, &cqe);
    } while (r == -EINTR || r == -EAGAIN);
    if (r == 0) Take(ring, cqe, index, res);
    return r;
  }
  // Takes a completion that is ready, if any.
  static bool TryReap(io_uring* ring, size_t* index, int* res) {
    io_uring_cqe* cqe;
    if (io_uring_peek_cqe(ring, &cqe) != 0) return false;
    Take(ring, cqe, index, res);
    return true;
  }
  static void Take(io_uring* ring, io_uring_cqe* cqe, size_t* index, int* res) {
    if (index != nullptr) *index = static_cast<size_t>(io_uring_cqe_get_data64(cqe));
    if (res != nullptr) *res = cqe->res;
    io_uring_cqe_seen(ring, cqe);
  }
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
  Status NewUnmappedRandomAccessFile(const std::string& path,
                                     std::unique_ptr<RandomAccessFile>* file) override {
    return posix_->NewUnmappedRandomAccessFile(path, file);
  }
  Status NewDirectWritableFile(const std::string& path,
                               std::unique_ptr<WritableFile>* file) override {
    int fd;
    Status s = OpenForDirectWrite(path, &fd);
    if (!s.ok()) return s;
    std::unique_ptr<UringWritableFile> uring =
        UringWritableFile::Open(path, fd, /*size=*/0, /*direct=*/true);
    if (uring != nullptr) {
      *file = std::move(uring);
    } else {
      *file = NewPosixDirectWritableFile(path, fd);
    }
    return Status::OK();
  }
  Status NewDirectRandomAccessFile(const std::string& path,
                                   std::unique_ptr<RandomAccessFile>* file) override {
    int fd;
    Status s = PosixDirectRandomAccessFile::Open(path, &fd);
    if (s.ok()) *file = std::make_unique<UringDirectRandomAccessFile>(path, fd);
    return s;
  }
  // Direct files of this file system are read together through the thread's ring; requests of
  // other files are read by their files.
  Status MultiRead(FileReadRequest* requests, size_t count) override {
    std::vector<UringDirectRandomAccessFile::Item> together;
    for (size_t i = 0; i < count; i++) {
      FileReadRequest& r = requests[i];
      if (const auto* f = dynamic_cast<const UringDirectRandomAccessFile*>(r.file)) {
        together.push_back({f, &r.read});
      } else {
        Status s = r.file->MultiRead(&r.read, 1);
        if (!s.ok()) return s;
      }
    }
    return UringDirectRandomAccessFile::ReadTogether(together);
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
  Status LinkFile(const std::string& from, const std::string& to) override {
    return posix_->LinkFile(from, to);
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
    std::unique_ptr<UringWritableFile> uring =
        UringWritableFile::Open(path, fd, size, /*direct=*/false);
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
