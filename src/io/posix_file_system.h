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

#include <memory>

#include "lsm/file_system.h"

namespace lsm {

inline constexpr size_t kWritableBufferSize = 64 << 10;

std::shared_ptr<FileSystem> NewPosixFileSystem();

}  // namespace lsm

#endif  // LSM_IO_POSIX_FILE_SYSTEM_H_
