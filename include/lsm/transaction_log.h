// Changelog tailing: the write batches of the write-ahead logs, in sequence order.
//
//   std::unique_ptr<lsm::TransactionLogIterator> it;
//   lsm::Status s = db->GetUpdatesSince(next, &it);
//   for (; s.ok() && it->Valid(); it->Next()) {
//     lsm::BatchResult r = it->GetBatch();   // r.sequence: the batch's first sequence
//     next = r.sequence + r.write_batch->Count();
//   }
//   if (s.ok()) s = it->status();
//
// An iterator holds the batches written before it was made, from the one that holds the
// asked sequence (or the first after it) on; batches written later come from another call
// with the next sequence. Writes made with WriteOptions::disable_wal are in no log, so their
// sequences are missing from what it returns. The logs are kept for it as long as
// DBOptions::wal_ttl_seconds and wal_size_limit_mb say (docs/design.md, "Changelog tailing").
//
// Thread-safety: one iterator is used by one thread at a time; it needs no lock of the
// database and may outlive neither the DB nor its Close.
#ifndef LSM_TRANSACTION_LOG_H_
#define LSM_TRANSACTION_LOG_H_

#include <cstdint>
#include <memory>

#include "lsm/status.h"
#include "lsm/write_batch.h"

namespace lsm {

struct BatchResult {
  uint64_t sequence = 0;  // of the batch's first entry
  std::unique_ptr<WriteBatch> write_batch;
};

class TransactionLogIterator {
 public:
  virtual ~TransactionLogIterator() = default;

  // False past the last batch, or once a log could not be read (status() tells).
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  // OK, or why the batches stopped: a log that is damaged or was deleted while being read.
  virtual Status status() const = 0;
  // The current batch. REQUIRES: Valid(). Moves the batch out: call it once per position.
  virtual BatchResult GetBatch() = 0;
};

}  // namespace lsm

#endif  // LSM_TRANSACTION_LOG_H_
