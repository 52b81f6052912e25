// PosixFileSystem: lsm::FileSystem over POSIX calls (open/pread/write/fdatasync/rename/flock).
//
//   std::shared_ptr<FileSystem> fs = NewPosixFileSystem();  // also FileSystem::Default()
//
// Random-access files are mapped into memory whole (up to 4096 at once; beyond that, and for
// empty files, they are read with pread): the engine opens them only for immutable tables.
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

}  // namespace lsm

#endif  // LSM_IO_POSIX_FILE_SYSTEM_H_
