// DBStats: the counters a database keeps about its own work since it was opened, reported by
// the "lsm.stats" and "lsm.levelstats" properties and used for write amplification.
//
// Thread-safety: a plain struct; DBImpl keeps one, guarded by its mutex.
#ifndef LSM_DB_DB_STATS_H_
#define LSM_DB_DB_STATS_H_

#include <cstdint>

#include "src/version/version_edit.h"

namespace lsm {

// Why writes wait or are delayed.
enum StallCause {
  kStallMemtables,
  kStallLevel0,
  kStallPendingBytes,
  kStallMemoryBudget,  // DBOptions::memory_budget: the memtables of its databases
  kNumStallCauses
};

struct DBStats {
  // Compaction figures per output level (each column family keeps its own).
  struct Level {
    uint64_t compactions = 0;
    uint64_t bytes_read = 0;     // from the level above (or the same level)
    uint64_t bytes_written = 0;  // into this level
    uint64_t micros = 0;
  };

  uint64_t user_bytes = 0;  // keys and values written
  uint64_t flushes = 0;
  uint64_t flush_bytes = 0;
  uint64_t flush_micros = 0;  // wall time of the flushes, each request once
  uint64_t compactions = 0;
  uint64_t trivial_moves = 0;
  uint64_t compaction_bytes_read = 0;
  uint64_t compaction_bytes_written = 0;
  uint64_t compaction_failures = 0;
  uint64_t compaction_micros = 0;  // wall time of the compactions, of every family
  uint64_t files_deleted_by_fifo = 0;
  uint64_t entries_filtered = 0;
  // Write stalls by cause: waits (stops) and 1 ms delays (slowdowns).
  uint64_t stalls[kNumStallCauses] = {};
  uint64_t slowdowns[kNumStallCauses] = {};
  uint64_t stall_micros = 0;  // waiting and delayed

  // Bytes written by flushes and compactions per user byte written; 0 before any write.
  double WriteAmplification() const {
    return user_bytes == 0
               ? 0.0
               : static_cast<double>(flush_bytes + compaction_bytes_written) / user_bytes;
  }
};

}  // namespace lsm

#endif  // LSM_DB_DB_STATS_H_
