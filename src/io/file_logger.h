// FileLogger: the default info log, a text file in the database directory (normally `LOG`),
// one line per call: "2026/12/06-02:15:16.123456 INFO flush: ...".
//
//   std::unique_ptr<FileLogger> logger;
//   Status s = FileLogger::Open(fs, "/db/LOG", 16 << 20, 10, &logger);
//   if (s.ok()) logger->Log(InfoLogLevel::kInfo, "opened");
//
// Open renames an existing file to `<path>.old.<microseconds since the epoch>` and starts a new
// one; so does a line that would take the file past `max_file_size` bytes (0: never). Of the
// old files, the newest `keep_old` are kept and the rest deleted. Each line is handed to the
// kernel as it is logged (never synced). A log that cannot be written is given up silently:
// the first failure ends logging, since the database must never fail or wait for its log.
//
// Thread-safety: Log may be called from many threads at once.
#ifndef LSM_IO_FILE_LOGGER_H_
#define LSM_IO_FILE_LOGGER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "lsm/file_system.h"
#include "lsm/logger.h"
#include "src/util/mutex.h"

namespace lsm {

class FileLogger final : public Logger {
 public:
  // Fails (and nothing is logged) if the file cannot be created.
  static Status Open(std::shared_ptr<FileSystem> fs, std::string path, uint64_t max_file_size,
                     size_t keep_old, std::unique_ptr<FileLogger>* logger);
  ~FileLogger() override;

  void Log(InfoLogLevel level, std::string_view line) override;

 private:
  FileLogger(std::shared_ptr<FileSystem> fs, std::string path, uint64_t max_file_size,
             size_t keep_old);
  // Moves the current file (if any) aside, deletes the oldest old files and creates a new one.
  Status StartFile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void DeleteOldFiles() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::shared_ptr<FileSystem> fs_;
  const std::string path_;
  const uint64_t max_file_size_;
  const size_t keep_old_;
  Mutex mu_;
  std::unique_ptr<WritableFile> file_ ABSL_GUARDED_BY(mu_);  // null once given up
};

}  // namespace lsm

#endif  // LSM_IO_FILE_LOGGER_H_
