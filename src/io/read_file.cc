#include "src/io/read_file.h"

#include <memory>
#include <string_view>

namespace lsm {

Status ReadFileToString(FileSystem* fs, const std::string& path, std::string* contents) {
  contents->clear();
  std::unique_ptr<SequentialFile> file;
  Status s = fs->NewSequentialFile(path, &file);
  if (!s.ok()) return s;
  std::string scratch(64 << 10, '\0');
  while (true) {
    std::string_view chunk;
    s = file->Read(scratch.size(), &chunk, scratch.data());
    if (!s.ok()) return s;
    contents->append(chunk);
    if (chunk.size() < scratch.size()) return Status::OK();
  }
}

}  // namespace lsm
