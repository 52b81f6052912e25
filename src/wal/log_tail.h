// Reading the write batches of a database's logs: DecodeLogRecord, shared with recovery
// (src/db/log_replay.h), and LogTailIterator, DB::GetUpdatesSince's TransactionLogIterator
// over the logs of a database directory and of its archive/ (include/lsm/transaction_log.h).
//
//   std::vector<uint64_t> logs;
//   Status s = ListLogs(fs, dbname, &logs);
//   std::unique_ptr<LogTailIterator> it;
//   if (s.ok()) s = LogTailIterator::Open(fs, dbname, logs, /*from=*/100, /*last=*/250, &it);
//
// The logs are read one record at a time, each through log::Reader with
// kTolerateCorruptedTailRecords: the live log and a log cut by a crash end at their last whole
// record, damage before that is Corruption. A log is looked for in the database directory,
// then in the archive; one gone from both while it was due is NotFound.
//
// Thread-safety: as TransactionLogIterator.
#ifndef LSM_WAL_LOG_TAIL_H_
#define LSM_WAL_LOG_TAIL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lsm/file_system.h"
#include "lsm/transaction_log.h"
#include "src/base/dbformat.h"
#include "src/wal/log_reader.h"

namespace lsm {

// Decodes the log record `record` into *batch and checks it: the batch must decode completely,
// and a non-empty batch's sequence must be above `last` (the last sequence of the log's batches
// before it, 0 for none) without its entries running past kMaxSequenceNumber. Corruption says
// what is wrong.
Status DecodeLogRecord(std::string_view record, SequenceNumber last, WriteBatch* batch);

// Sets *logs to the numbers of the logs in `dbname` and its archive, ascending.
Status ListLogs(FileSystem* fs, const std::string& dbname, std::vector<uint64_t>* logs);

class LogTailIterator final : public TransactionLogIterator {
 public:
  // Positions an iterator over the logs `logs` (ascending numbers) at the batch that holds
  // `from`, or the first after it, returning no batch past `last`. NotFound when the logs
  // begin after `from` (they no longer reach back to it) and `from` <= `last`.
  static Status Open(FileSystem* fs, std::string dbname, std::vector<uint64_t> logs,
                     SequenceNumber from, SequenceNumber last,
                     std::unique_ptr<LogTailIterator>* iterator);

  bool Valid() const override { return valid_; }
  void Next() override;
  Status status() const override { return status_; }
  BatchResult GetBatch() override;

 private:
  LogTailIterator(FileSystem* fs, std::string dbname, std::vector<uint64_t> logs,
                  SequenceNumber last);

  // Opens logs_[index] into reader_; false (status_ set) if it cannot be read.
  bool OpenLog(size_t index);
  // Reads the next batch of logs_[index_] on (or of that log only) into batch_; false at the
  // end, past last_, or on failure (status_ set).
  bool ReadNext(bool this_log_only = false);

  FileSystem* const fs_;
  const std::string dbname_;
  const std::vector<uint64_t> logs_;
  const SequenceNumber last_;
  size_t index_ = 0;  // of the log reader_ reads
  std::unique_ptr<log::Reader> reader_;
  SequenceNumber log_last_ = 0;  // last sequence of the log's batches read so far
  std::unique_ptr<WriteBatch> batch_;
  bool valid_ = false;
  Status status_;
};

}  // namespace lsm

#endif  // LSM_WAL_LOG_TAIL_H_
