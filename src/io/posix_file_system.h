// PosixFileSystem: lsm::FileSystem over POSIX calls (open/pread/write/fdatasync/rename/flock).
//
//   std::shared_ptr<FileSystem> fs = NewPosixFileSystem();  // also FileSystem::Default()
//
// Random-access files are mapped into memory whole (up to 4096 at once; beyond that, and for
// empty files, they are read with pread): the engine opens them only for immutable tables.
// Direct random-access files are read with pread on an O_DIRECT descriptor; direct writable
// files write a 1 MiB aligned buffer at a time, and a tail padded to the alignment.
// Writable files buffer appends in user space (kWritableBufferSize) and hand them to the
// kernel on Flush, Sync, Close or when the buffer fills. Locks use flock(), which conflicts
// between processes and between two opens in the same process.
// Thread-safety: as lsm::FileSystem.
#ifndef LSM_IO_POSIX_FILE_SYSTEM_H_
#define LSM_IO_POSIX_FILE_SYSTEM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsm/file_system.h"
#include "lsm/status.h"

namespace lsm {

inline constexpr size_t kWritableBufferSize = 64 << 10;

std::shared_ptr<FileSystem> NewPosixFileSystem();

// For other file systems built on POSIX calls:
// An IOError (NotFound for ENOENT) naming the context, with the OS's reason for err.
Status PosixError(std::string_view context, int err);
// Opens path for writing, truncated, or (append) positioned after its *size bytes.
Status OpenForWrite(const std::string& path, bool append, int* fd, uint64_t* size);
// A buffered writable file over fd, which it owns and closes; `size` bytes precede it.
std::unique_ptr<WritableFile> NewPosixWritableFile(std::string path, int fd, uint64_t size);

// Creates (or truncates) path for direct writes: NotSupported if its file system has no direct
// I/O.
Status OpenForDirectWrite(const std::string& path, int* fd);
// fdatasync(fd), an IOError naming path if it fails.
Status SyncData(const std::string& path, int fd);
// Once the bytes of fd written since *from reach a MiB (up to `to`), starts their writeback
// (sync_file_range) and moves *from to `to`. A buffered writer calls it as it writes, so that
// a table's or MANIFEST's Sync waits only for the last of its bytes (other files are only
// written back sooner than the kernel would). A hint: its failure changes nothing, as a Sync
// writes them all the same.
void StartWriteback(int fd, uint64_t* from, uint64_t to);
// Writes all of [data, data + n) at offset with pwrite (short writes and EINTR retried); an
// IOError naming path and the offset where it failed.
Status WriteAllAt(const std::string& path, int fd, const char* data, size_t n, uint64_t offset);
// The tail of a direct writer (Flush, Sync, Close): the `used` bytes at buf, which has room to
// the alignment, padded with zeros to kDirectIoAlignment and written at the aligned `offset`;
// then the file is cut back to its `size` bytes.
Status WriteDirectTail(const std::string& path, int fd, char* buf, size_t used, uint64_t offset,
                       uint64_t size);
// A direct writable file over fd (opened by OpenForDirectWrite), which it owns and closes.
std::unique_ptr<WritableFile> NewPosixDirectWritableFile(std::string path, int fd);

// Direct I/O (O_DIRECT) moves whole blocks: offset, length and buffer address must be
// multiples of kDirectIoAlignment (4 KiB covers every common logical block size).
inline constexpr size_t kDirectIoAlignment = 4096;
inline uint64_t AlignUp(uint64_t n) {
  return (n + kDirectIoAlignment - 1) & ~uint64_t{kDirectIoAlignment - 1};
}

// This thread's buffer for direct I/O, aligned, of at least `bytes`: the same memory on every
// call while it is large enough, so that reads do not fault in fresh pages each time (which
// cost more than the copy out of them). Valid until the thread's next call; kept, at the size
// of the largest request, until the thread exits.
char* ThreadDirectBuffer(size_t bytes);
// Forgets this thread's buffer without freeing it, for reads that may still write into it.
void AbandonThreadDirectBuffer();

// A file opened with O_DIRECT. Read reads the aligned blocks around the range asked for into a
// buffer of its own and copies the range into scratch. Subclasses may read batches otherwise.
class PosixDirectRandomAccessFile : public RandomAccessFile {
 public:
  // Opens path for direct reads: NotSupported if its file system has no direct I/O.
  static Status Open(const std::string& path, int* fd);
  // Takes ownership of fd, opened by Open.
  PosixDirectRandomAccessFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixDirectRandomAccessFile() override;

  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override;
  Status Size(uint64_t* size) const override;

 protected:
  // The aligned blocks a read of [offset, offset + n) covers.
  struct Span {
    explicit Span(uint64_t offset, size_t n);
    uint64_t start;  // offset, aligned down
    size_t length;   // a multiple of kDirectIoAlignment
  };
  // Whether a read of a span, having read `done` bytes so far and now `more`, is over: all of
  // it, or the end of the file (a read of nothing, or one that stops off the alignment).
  static bool SpanDone(const Span& span, size_t done, size_t more) {
    return more == 0 || (done + more) == span.length || (done + more) % kDirectIoAlignment != 0;
  }
  // The bytes of [offset, offset + n) among the `got` bytes of `span` in buf, copied to scratch.
  static std::string_view CopyOut(uint64_t offset, size_t n, const Span& span, const char* buf,
                                  size_t got, char* scratch);
  // An IOError for a failed read at `offset`.
  Status ReadError(uint64_t offset, int err) const;

  const std::string path_;
  const int fd_;
};

}  // namespace lsm

#endif  // LSM_IO_POSIX_FILE_SYSTEM_H_
