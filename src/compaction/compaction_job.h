// The compaction job: merges sorted input into new, synced tables. Compactions and flushes both
// run through it.
//
//   CompactionJobResult result;
//   Status s = RunCompaction(*c, context, &result);
//   // then: edit.RemoveFile(...) for every input, edit.AddFile(c->output_level, ...) for
//   // every output, and LogAndApply.
//   s = RunFlush(mem->NewIterator().get(), mem->RangeTombstones(), context, &result);
//                                                               // level-0 output, not cut
//
// An entry is dropped when a newer entry of the same user key is visible to every reader (its
// sequence is at or below the oldest snapshot), and a deletion is dropped when, besides, no
// table outside the inputs can hold an older entry for its key. A key's merge operands that
// no snapshot separates are merged onto the value or deletion below them into one value, or,
// where nothing older can exist (no older entry in the input or outside it), onto nothing;
// otherwise PartialMerge combines them into one operand where it can. A merge that fails
// fails the job. The compaction filter (never in a flush) sees the newest value of each key
// when no snapshot can see it; a value it removes becomes a deletion, which is dropped at once
// (with the older versions in the input) where a deletion would be. Outputs are cut at
// max_output_file_size and where they would overlap too much of the grandparent level, only
// between user keys; each is synced before the job returns. On error every output written is
// removed.
// Thread-safety: any thread; the caller keeps the input version alive.
#ifndef LSM_COMPACTION_COMPACTION_JOB_H_
#define LSM_COMPACTION_COMPACTION_JOB_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "lsm/compaction_filter.h"
#include "lsm/file_system.h"
#include "lsm/merge_operator.h"
#include "src/compaction/compaction_picker.h"
#include "src/compaction/rate_limiter.h"
#include "src/sstable/table_cache.h"
#include "src/sstable/table_options.h"

namespace lsm {

struct CompactionContext {
  std::string dbname;
  FileSystem* fs = nullptr;
  // Output tables are written with FileSystem::NewDirectWritableFile.
  bool direct_writes = false;
  TableOptions table_options;
  TableCache* table_cache = nullptr;
  const InternalKeyComparator* icmp = nullptr;
  // The version the work was picked from, which holds every table older than the input; null
  // when that is not known (recovery), and then no deletion is dropped.
  const Version* version = nullptr;
  // Entries at or below this sequence are visible to every reader.
  SequenceNumber oldest_snapshot = 0;
  // The live snapshots' sequences, ascending. The compaction filter sees only entries above
  // the newest (every entry when there is none); merge operands are combined only where no
  // snapshot lies between them.
  std::vector<SequenceNumber> snapshots;
  const CompactionFilter* filter = nullptr;
  // Combines merge operands; null: they are kept as they are.
  const MergeOperator* merge_operator = nullptr;
  // Paces output writes; null: unlimited.
  RateLimiter* rate_limiter = nullptr;
  // Unix seconds: the newest write time of outputs whose inputs do not record one.
  uint64_t now_seconds = 0;
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
  uint64_t entries_filtered = 0;  // removed or changed by the compaction filter
};

Status RunCompaction(const Compaction& c, const CompactionContext& context,
                     CompactionJobResult* result);

// Writes the entries of `input` (a memtable) and its range tombstones to one level-0 table, or
// to none when every one is dropped.
Status RunFlush(InternalIterator* input, std::vector<RangeTombstone> tombstones,
                const CompactionContext& context, CompactionJobResult* result);

}  // namespace lsm

#endif  // LSM_COMPACTION_COMPACTION_JOB_H_
