#include "src/io/read_file.h"

#include <absl/strings/str_format.h>

#include <algorithm>
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

Status CopyFile(FileSystem* fs, const std::string& from, const std::string& to, uint64_t size) {
  std::unique_ptr<SequentialFile> in;
  Status s = fs->NewSequentialFile(from, &in);
  if (!s.ok()) return s;
  std::unique_ptr<WritableFile> out;
  s = fs->NewWritableFile(to, &out);
  if (!s.ok()) return s;
  std::string scratch(std::clamp<uint64_t>(size, 1, 1 << 20), '\0');
  for (uint64_t left = size; s.ok() && left > 0;) {
    std::string_view chunk;
    s = in->Read(std::min<uint64_t>(left, scratch.size()), &chunk, scratch.data());
    if (s.ok() && chunk.empty()) {
      s = Status::IOError(
          from, absl::StrFormat("ended after %u of the %u bytes to copy", size - left, size));
    }
    if (s.ok()) s = out->Append(chunk);
    left -= chunk.size();
  }
  if (s.ok()) s = out->Sync();
  const Status closed = out->Close();
  return s.ok() ? closed : s;
}

}  // namespace lsm
