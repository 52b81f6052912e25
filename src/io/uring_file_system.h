// The io_uring file system: the POSIX file system with its writable files written through an
// io_uring ring, several buffers in flight, so that the thread building a table fills the next
// buffer while the kernel copies the last.
//
//   std::shared_ptr<FileSystem> fs;
//   Status s = NewUringFileSystem(&fs);  // NotSupported, with the reason, if no ring can be set up
//
// A writable file owns a small ring of its own (a file may be written from several threads in
// turn, and its completions must come back to it). Append copies into one of
// kUringWriteBuffers buffers of kUringBufferSize bytes; a full buffer is submitted at once and
// the next one filled, waiting for the oldest write only when all are in flight. Flush waits
// for every write and hands the partial buffer to the kernel with pwrite, so that the bytes
// are the kernel's (they survive a process kill, as after write(2)); Sync then runs fdatasync.
// (A small write or an fdatasync through the ring goes to a kernel worker thread: a log
// flushed record by record paid 5x a write(2) per record.) Short writes are resubmitted; a
// failed one (ENOSPC, EIO) is an IOError naming the file, returned by that call and every
// later one.
// A file whose ring cannot be set up (say, out of memory) is written with plain write(2).
//
// Direct random-access files (NewDirectRandomAccessFile) read a MultiRead batch through a ring
// per thread: every read of the batch is submitted at once, so a device that serves several
// reads together answers the batch in about the time of one.
//
// Everything else (logs through a memory map, buffered reads, directories, locks) is the POSIX
// file system's. (A MultiRead of buffered files through the ring, filling the page cache for
// the memory map to read, was measured slower than the map alone: see docs/performance.md.)
//
// Thread-safety: as lsm::FileSystem.
#ifndef LSM_IO_URING_FILE_SYSTEM_H_
#define LSM_IO_URING_FILE_SYSTEM_H_

#include <cstddef>
#include <memory>

#include "lsm/file_system.h"
#include "lsm/status.h"

namespace lsm {

inline constexpr size_t kUringWriteBuffers = 4;
inline constexpr size_t kUringBufferSize = 256 << 10;

// Sets *fs to an io_uring file system, or returns NotSupported saying why a ring cannot be
// set up here (no kernel support, a seccomp filter, a resource limit).
Status NewUringFileSystem(std::shared_ptr<FileSystem>* fs);

}  // namespace lsm

#endif  // LSM_IO_URING_FILE_SYSTEM_H_
