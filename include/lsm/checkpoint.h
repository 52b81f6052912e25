// lsm::Checkpoint: an openable copy of a database, made while it is in use.
//
//   lsm::Status s = lsm::Checkpoint::Create(db.get(), "/backup/ckpt-1");
//   ... later, after more writes:
//   lsm::CheckpointOptions options;
//   options.base = "/backup/ckpt-1";
//   lsm::CheckpointInfo info;
//   s = lsm::Checkpoint::Create(db.get(), "/backup/ckpt-2", options, &info);
//   // info.added: the tables ckpt-1 lacks; with info.other_files, what a host must upload
//
// A checkpoint is a database directory: DB::Open (or DB::OpenForReadOnly) with every column
// family opens it, on its own, as the database was at one moment during Create. It holds every
// write acknowledged before Create was called (disable_wal writes included: they are flushed
// first) and is a prefix of the write history: the state after some write, never a hole.
// Writes, flushes and compactions go on meanwhile. Table files are hard links to the
// database's (FileSystem::LinkFile), or copies where linking fails (another file system, for
// one); the write-ahead logs the checkpoint needs are copied up to where they ended at that
// moment; CURRENT, a MANIFEST and an OPTIONS file are written anew. The checkpoint is built in
// `dir` + ".tmp" (a leftover of an interrupted Create there is removed first), synced, and
// renamed to `dir` at the end, so `dir` never holds half a checkpoint. Once Create returns,
// the database no longer keeps any file for the checkpoint's sake.
//
// Each checkpoint also holds a file CHECKPOINT listing its tables (name and size), which marks
// the directory as a checkpoint and is what a later incremental Create compares against: the
// tables of the checkpoint as Create made it, even if it was opened (and so changed) since.
//
// Thread-safety: Create may be called from any thread, beside any other call on the database.
#ifndef LSM_CHECKPOINT_H_
#define LSM_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lsm/db.h"
#include "lsm/status.h"

namespace lsm {

struct CheckpointOptions {
  // An earlier checkpoint directory (of this database) to compare against: CheckpointInfo then
  // lists the tables added and removed since it. Empty: none, every table counts as added.
  // A table counts as the same one when its name and size are the same.
  std::string base;
};

// What Create made. Table files are named as in the directory ("000012.sst"); lists are sorted.
struct CheckpointInfo {
  // The checkpoint's tables.
  std::vector<std::string> tables;
  // Tables of the checkpoint the base does not hold (every table without a base).
  std::vector<std::string> added;
  // Tables of the base the checkpoint does not hold.
  std::vector<std::string> removed;
  // The checkpoint's other files: CURRENT, its MANIFEST, OPTIONS, the copied logs and
  // CHECKPOINT. Every checkpoint writes them anew, so a host that uploads the difference
  // uploads them as well as `added`.
  std::vector<std::string> other_files;
  // Tables copied because they could not be linked.
  uint64_t tables_copied = 0;
  // The last sequence number the checkpoint records.
  uint64_t last_sequence = 0;
};

class Checkpoint {
 public:
  // An openable copy of every column family of `db` in `dir` (which must not exist).
  // InvalidArgument for a null db, an empty `dir` or one that exists, and a database that is
  // closed ("database closed"); NotSupported for one opened read-only. On any error nothing is
  // left under `dir` or `dir` + ".tmp".
  static Status Create(DB* db, const std::string& dir);

  // Create, with `options.base` naming an earlier checkpoint to compare against; *info (if not
  // null) says what was made. InvalidArgument, before anything is made, when the base does not
  // exist or is not a checkpoint (holds no CHECKPOINT file); Corruption when its CHECKPOINT
  // file is damaged. The checkpoint is complete on its own whatever the base.
  static Status Create(DB* db, const std::string& dir, const CheckpointOptions& options,
                       CheckpointInfo* info);
};

}  // namespace lsm

#endif  // LSM_CHECKPOINT_H_
