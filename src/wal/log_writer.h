// log::Writer appends records to a log file (the write-ahead log, or the MANIFEST) in the
// format of log_format.h: each record is framed into checksummed fragments within 32 KiB
// blocks, so that a reader can tell a whole record from a damaged or torn one.
//
//   std::unique_ptr<WritableFile> file;
//   Status s = fs->NewWritableFile(LogFileName(dir, 7), &file);
//   std::unique_ptr<log::Writer> writer;
//   if (s.ok()) s = log::Writer::Create(std::move(file), 7, &writer);
//   if (s.ok()) s = writer->AddRecord(batch_contents);
//   if (s.ok()) s = writer->Sync();
//
// After recovery, a log can be continued rather than replaced (when the reader's report() is
// reopenable): open it with FileSystem::NewAppendableFile and call Reopen with the offset where
// the reader found the last intact record (report().last_record_end). If the file holds more
// (a torn tail), the writer starts a new block with a resume header that tells later readers
// to skip the abandoned bytes, so records written now survive the next recovery.
//
// A failed append or sync leaves the log in an unknown state: the writer then refuses every
// further call with that first error (a failed sync is never retried as if it had worked).
// Thread-safety: none; the caller serialises calls (the DB's write leader does).
#ifndef LSM_WAL_LOG_WRITER_H_
#define LSM_WAL_LOG_WRITER_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "lsm/file_system.h"
#include "lsm/status.h"
#include "src/wal/log_format.h"

namespace lsm::log {

class Writer {
 public:
  // Starts log `log_number` in `file` by writing its file header.
  // REQUIRES: `file` is empty (InvalidArgument otherwise).
  static Status Create(std::unique_ptr<WritableFile> file, uint64_t log_number,
                       std::unique_ptr<Writer>* writer);

  // Continues log `log_number` in `file`, opened for append, whose records end intact at file
  // offset `valid_end`. Appends nothing when the file ends at `valid_end` (block alignment is
  // taken from the file size); zeros up to `valid_end` when it ends before (the reader took
  // the lost bytes of a torn last record as zeros); otherwise zero-pads to the next block and
  // writes a resume header. An empty file gets a file header, as with Create.
  // REQUIRES: `valid_end` is report().last_record_end of a Reader that read this whole file
  // and whose report() is reopenable. (InvalidArgument for values no reader reports.)
  static Status Reopen(std::unique_ptr<WritableFile> file, uint64_t log_number, uint64_t valid_end,
                       std::unique_ptr<Writer>* writer);

  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer();

  // Appends one record; any size, empty included. The record is in the file object's buffer
  // when this returns: Flush or Sync to hand it on.
  Status AddRecord(std::string_view record);

  // Hands buffered records to the OS (they survive a process crash).
  Status Flush();

  // Makes every record added so far durable (it survives a power cut).
  Status Sync();

  // Flushes and closes the file; later calls fail. Does not sync.
  Status Close();

  // Bytes in the file so far, framing and padding included.
  uint64_t file_size() const { return offset_; }

  uint64_t log_number() const { return log_number_; }

 private:
  Writer(std::unique_ptr<WritableFile> file, uint64_t log_number, uint64_t offset);

  // Appends `n` zero bytes.
  Status Pad(size_t n);
  // Writes a FILE_HEADER record at the current offset, which must start a block.
  Status WriteFileHeader(uint64_t resume_offset);
  // Appends one fragment: header, then payload. `context` is null for FILE_HEADER fragments.
  Status EmitFragment(uint8_t type, std::string_view payload, const RecordContext* context);
  // Remembers the first failure; every later call returns it.
  Status Check(Status s);

  std::unique_ptr<WritableFile> file_;
  const uint64_t log_number_;
  // File offset of the next byte written.
  uint64_t offset_;
  bool closed_ = false;
  Status error_;
};

}  // namespace lsm::log

#endif  // LSM_WAL_LOG_WRITER_H_
