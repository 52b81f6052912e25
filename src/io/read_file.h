// ReadFileToString: the whole of a file, through a FileSystem.
//
//   std::string contents;
//   Status s = ReadFileToString(fs, "/db/CHECKPOINT", &contents);
//
// Thread-safety: a plain function.
#ifndef LSM_IO_READ_FILE_H_
#define LSM_IO_READ_FILE_H_

#include <string>

#include "lsm/file_system.h"
#include "lsm/status.h"

namespace lsm {

// Sets *contents to the bytes of `path`; the failure of opening or reading it otherwise.
Status ReadFileToString(FileSystem* fs, const std::string& path, std::string* contents);

}  // namespace lsm

#endif  // LSM_IO_READ_FILE_H_
