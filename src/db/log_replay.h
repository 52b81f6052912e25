// ReplayLog: reads one write-ahead log file and hands its write batches, in order, to the
// caller. Recovery (DB::Open) and RepairDB both replay logs through it, so both apply the same
// checks to each record.
//
//   LogReplayReport report;
//   Status s = ReplayLog(fs, dbname, 7, WALRecoveryMode::kPointInTimeRecovery,
//                        [&](const WriteBatch& batch) { return InsertInto(batch, mem, false); },
//                        &report);
//
// A record is accepted only whole: its batch must decode completely (every entry, and as many
// entries as its header counts), and a non-empty batch's sequence number must be above the
// last one of the log's earlier batches (sequences only grow within a log) without its
// entries running past kMaxSequenceNumber. A record that fails is a bad batch; what happens
// next depends on the recovery mode:
//   kSkipAnyCorruptedRecords: it is skipped, counted and replay goes on;
//   kPointInTimeRecovery: replay stops before it, report->stopped says why, OK is returned;
//   kAbsoluteConsistency, kTolerateCorruptedTailRecords: its Corruption is returned.
// Damage to the log's framing is handled by log::Reader under the same mode and described in
// report->read.
//
// Thread-safety: a plain function.
#ifndef LSM_DB_LOG_REPLAY_H_
#define LSM_DB_LOG_REPLAY_H_

#include <cstdint>
#include <functional>
#include <string>

#include "lsm/file_system.h"
#include "lsm/options.h"
#include "lsm/status.h"
#include "lsm/write_batch.h"
#include "src/base/dbformat.h"
#include "src/wal/log_reader.h"

namespace lsm {

struct LogReplayReport {
  uint64_t records = 0;              // batches handed to `apply`
  uint64_t skipped = 0;              // bad batches skipped (kSkipAnyCorruptedRecords)
  Status first_skipped;              // the first of them, with the log and record offset
  Status stopped;                    // kPointInTimeRecovery: the bad batch replay stopped at
  SequenceNumber last_sequence = 0;  // of the last entry applied; 0 if none
  log::ReadReport read;              // the framing damage log::Reader met
};

// Replays the log `number` of the database `dbname`. `apply` receives each accepted batch
// (its sequence set) and may fail, which ends the replay with its status. Returns the
// failure of opening or reading the file, of `apply`, or a bad batch's Corruption (see the
// file comment); *report is filled in as far as the replay got.
Status ReplayLog(FileSystem* fs, const std::string& dbname, uint64_t number, WALRecoveryMode mode,
                 const std::function<Status(const WriteBatch& batch)>& apply,
                 LogReplayReport* report);

}  // namespace lsm

#endif  // LSM_DB_LOG_REPLAY_H_
