// RunCompaction: merges a Compaction's input tables into new tables for its output level.
//
//   CompactionJobResult result;
//   Status s = RunCompaction(*c, context, &result);
//   // then: edit.RemoveFile(...) for every input, edit.AddFile(c->output_level, ...) for
//   // every output, and LogAndApply.
//
// The inputs are read through a merging iterator. An entry is dropped when a newer entry of
// the same user key is visible to every reader (its sequence is at or below the oldest
// snapshot), and a deletion is dropped when, besides, no deeper level can hold the key. Outputs
// are cut at max_output_file_size, only between user keys, and each is synced before
// RunCompaction returns. On error every output written is removed.
// Thread-safety: any thread; the caller keeps the input version alive.
#ifndef LSM_COMPACTION_COMPACTION_JOB_H_
#define LSM_COMPACTION_COMPACTION_JOB_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "lsm/file_system.h"
#include "src/compaction/compaction_picker.h"
#include "src/sstable/table_cache.h"
#include "src/sstable/table_options.h"

namespace lsm {

struct CompactionContext {
  std::string dbname;
  FileSystem* fs = nullptr;
  TableOptions table_options;
  TableCache* table_cache = nullptr;
  const InternalKeyComparator* icmp = nullptr;
  // The version the compaction was picked from (to tell whether deeper levels hold a key).
  const Version* version = nullptr;
  // Entries at or below this sequence are visible to every reader.
  SequenceNumber oldest_snapshot = 0;
  // Hands out a fresh file number for each output (and records it as pending).
  std::function<uint64_t()> new_file_number;
  // When it becomes true the job stops early with Busy (the database is closing).
  const std::atomic<bool>* cancel = nullptr;
};

struct CompactionJobResult {
  std::vector<FileMetaData> outputs;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t entries_in = 0;
  uint64_t entries_dropped = 0;
};

Status RunCompaction(const Compaction& c, const CompactionContext& context,
                     CompactionJobResult* result);

}  // namespace lsm

#endif  // LSM_COMPACTION_COMPACTION_JOB_H_
