// RepairDB with a report: rebuilds a database's MANIFEST from the tables and logs in its
// directory when the MANIFEST or CURRENT is lost or damaged (the role of LevelDB's repair.cc
// and RocksDB's RepairDB). lsm::RepairDB (include/lsm/db.h) is this without the report.
//
//   RepairReport report;
//   Status s = RepairDB("/db", options, &report);
//   if (s.ok()) std::printf("%s", report.ToString().c_str());
//
// What it does, holding the directory's LOCK:
//  1. Reads every NNNNNN.sst in full with checksums verified. A table that verifies whole is
//     kept as it is. Nothing is changed before every table has been looked at: a table of
//     another comparator than options.comparator fails the repair with InvalidArgument.
//  2. Copies the intact data blocks of each damaged table (SalvageTable) into a new table; a
//     table of which nothing can be read is dropped.
//  3. Replays every NNNNNN.log, skipping damaged records (kSkipAnyCorruptedRecords) and
//     batches that do not decode, into new tables.
//  4. All tables go to level 0, where a lookup takes the first table (newest largest
//     sequence first) holding the key. Tables whose key ranges and sequence ranges both
//     overlap (compaction outputs of different levels, a log whose flush had already been
//     recorded) would break that, so they are merged into one table, identical entries once.
//  5. Moves every file it replaced (damaged tables, merged tables, logs, old MANIFESTs) into
//     the subdirectory lost/, never deleting one, and syncs the directory.
//  6. Writes a new MANIFEST naming the tables, with the largest sequence seen and a log
//     number past every log, and points CURRENT at it (VersionSet::LogAndApply: temp file,
//     rename, directory sync). Until then the old CURRENT stands, so a repair cut short can
//     simply be run again.
// Entries in damaged blocks and records are lost, and logs are salvaged past damage, so the
// result need not be a prefix of the write history; the report says what was lost.
// Thread-safety: runs alone on the directory (it holds the LOCK).
#ifndef LSM_DB_REPAIR_H_
#define LSM_DB_REPAIR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lsm/options.h"
#include "lsm/status.h"

namespace lsm {

struct RepairReport {
  // Tables found in the directory.
  uint64_t tables_kept = 0;      // verified whole, kept as they are
  uint64_t tables_salvaged = 0;  // damaged; their intact entries copied to a new table
  uint64_t tables_dropped = 0;   // damaged; nothing readable
  uint64_t bad_blocks = 0;       // data blocks skipped in damaged tables
  // Entries of damaged tables not recovered, as far as their properties tell (a table whose
  // properties are unreadable adds nothing here but is named in `notes`).
  uint64_t entries_lost = 0;
  // Logs.
  uint64_t logs_replayed = 0;
  uint64_t log_records = 0;          // batches recovered
  uint64_t log_records_skipped = 0;  // intact records whose batch did not decode or fit
  uint64_t log_bytes_dropped = 0;    // damaged bytes skipped (torn tails included)
  uint64_t logs_damaged = 0;         // logs with damage other than a torn tail
  // Tables rewritten because their key and sequence ranges overlapped others'.
  uint64_t tables_merged = 0;
  // The repaired database: its tables (all in level 0), their entries and bytes.
  uint64_t tables = 0;
  uint64_t entries = 0;
  uint64_t bytes = 0;
  uint64_t last_sequence = 0;
  uint64_t manifest_number = 0;
  // Names of the files moved into lost/ (as named there).
  std::vector<std::string> archived;
  // One line per damaged, dropped or rewritten file: what was found and done.
  std::vector<std::string> notes;

  // True if entries that were in the files may be missing from the repaired database.
  bool LostData() const {
    return tables_salvaged + tables_dropped + logs_damaged + log_records_skipped > 0;
  }
  // A human-readable summary, one fact per line.
  std::string ToString() const;
};

// The subdirectory of a database directory that repair moves replaced files into.
inline constexpr char kLostDirName[] = "lost";

// See the file comment. *report is filled in as far as the repair got.
Status RepairDB(const std::string& name, const Options& options, RepairReport* report);

}  // namespace lsm

#endif  // LSM_DB_REPAIR_H_
