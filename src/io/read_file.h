// ReadFileToString and CopyFile: a file read whole, or copied, through a FileSystem.
//
//   std::string contents;
//   Status s = ReadFileToString(fs, "/db/CHECKPOINT", &contents);
//   s = CopyFile(fs, "/db/000012.log", "/backup/000012.log", bytes);
//
// Thread-safety: a plain function.
#ifndef LSM_IO_READ_FILE_H_
#define LSM_IO_READ_FILE_H_

#include <cstdint>
#include <string>

#include "lsm/file_system.h"
#include "lsm/status.h"

namespace lsm {

// Sets *contents to the bytes of `path`; the failure of opening or reading it otherwise.
Status ReadFileToString(FileSystem* fs, const std::string& path, std::string* contents);

// Copies the first `size` bytes of `from` to a new file `to` and syncs it (not its directory).
// IOError if `from` ends before; `to` is left as far as it got on any error.
Status CopyFile(FileSystem* fs, const std::string& from, const std::string& to, uint64_t size);

}  // namespace lsm

#endif  // LSM_IO_READ_FILE_H_
