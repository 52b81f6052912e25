// Compaction pickers: pure functions of a Version, the options, the compactions already running
// and the time, which say what to compact next.
//
//   RunningCompactions running;    // kept by the caller: Add() when a job starts, Remove() after
//   CompactionPointers pointers;   // kept by the caller between picks
//   std::unique_ptr<Compaction> c =
//       PickCompaction(*version, icmp, options, running, &pointers, now_seconds);
//
// Leveled (CompactionStyle::kLevel): every level gets a score, level 0 its file count over
// level0_file_num_compaction_trigger, a deeper level its bytes over its target (LevelTargets).
// The level with the highest score of at least 1 is compacted into the next level that holds
// data or is the base level: level 0 with all its files, a deeper level with its next file in
// key order (round robin, via the pointers), each with the files of the output level they
// overlap. When the base level holds data and level 0's bytes would take it past its target,
// level 0 and the base level's overlapping files go together into the level below instead, so
// the base level is not rewritten only to be pushed down at once. Files that running
// compactions read, and key ranges they write, are avoided, so
// compactions of disjoint ranges may run together.
// Universal (kUniversal): the sorted runs (each level-0 file, then each non-empty level) are
// merged all at once when the younger runs outweigh the oldest by
// max_size_amplification_percent, else by the size-ratio rule, else the youngest ones when there
// are more than level0_file_num_compaction_trigger runs. One universal compaction runs at a time.
// FIFO (kFIFO): the oldest level-0 files are deleted past the size or age limit; optionally
// runs of small files are merged.
// Thread-safety: pure; the pointers and running set belong to the caller.
#ifndef LSM_COMPACTION_COMPACTION_PICKER_H_
#define LSM_COMPACTION_COMPACTION_PICKER_H_

#include <absl/container/flat_hash_set.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "lsm/options.h"
#include "src/base/dbformat.h"
#include "src/version/version.h"

namespace lsm {

// The files of one level that a compaction reads.
struct CompactionInputs {
  int level = 0;
  FileList files;
};

struct Compaction {
  // By level, shallowest first; levels without input files are left out.
  std::vector<CompactionInputs> inputs;
  int output_level = 1;
  // FIFO: the inputs are deleted and nothing is written.
  bool deletion_only = false;
  // Output tables are cut at this size (between user keys), and where one would overlap more
  // than max_grandparent_overlap_bytes of `grandparents` (the files of output_level + 1).
  uint64_t max_output_file_size = 0;
  uint64_t max_grandparent_overlap_bytes = 0;
  FileList grandparents;
  double score = 0;
  const char* reason = "";  // why it was picked: "level 0 files", "level size", ...

  // The inputs are one level's files, disjoint from each other, and nothing in the output level
  // overlaps them: they can move down without being rewritten.
  bool IsTrivialMove(const InternalKeyComparator& icmp) const;
  uint64_t InputBytes() const;
  int NumInputFiles() const;
  // The user-key range of all inputs.
  void KeyRange(const Comparator* ucmp, std::string_view* smallest,
                std::string_view* largest) const;
  // "L0 + L1 -> L1: 4 + 1 files, 12345 bytes, score 1.00 (level 0 files)"
  std::string Describe() const;
};

// What the compactions under way hold: their input files, and the user-key range each writes
// into its output level. Picks never share an input file or an output range with them.
class RunningCompactions {
 public:
  void Add(const Compaction& c, const Comparator* ucmp);
  void Remove(const Compaction& c, const Comparator* ucmp);
  bool empty() const { return outputs_.empty(); }
  bool IsBusy(uint64_t file_number) const { return files_.contains(file_number); }
  // True when c reads a busy file or writes into a range another compaction writes.
  bool Conflicts(const Compaction& c, const Comparator* ucmp) const;
  // True when a compaction under way writes into `level` a user-key range that meets
  // [smallest, largest].
  bool WritesInto(int level, const Comparator* ucmp, std::string_view smallest,
                  std::string_view largest) const;

 private:
  struct Output {
    int level;
    std::string smallest, largest;  // user keys
  };
  absl::flat_hash_set<uint64_t> files_;
  std::vector<Output> outputs_;
};

// Per level, the largest internal key compacted last; the next pick at that level starts after
// it.
using CompactionPointers = std::array<std::string, kNumLevels>;

// The byte targets of the levels under leveled compaction.
struct LevelTargets {
  // The level that level 0 compacts into; the levels between 0 and it are empty.
  int base_level = 1;
  // max_bytes[level] for base_level <= level < kNumLevels; the last level's is informative.
  std::array<uint64_t, kNumLevels> max_bytes{};
};

// Static: level 1 is the base level, targets base * multiplier^(level - 1). Dynamic
// (level_compaction_dynamic_level_bytes): the last level's target is its size, each level above
// gets a multiplier-th of the one below, and the base level is the deepest one whose target
// would not exceed max_bytes_for_level_base (the last level while the tree is empty); no
// target is below max_bytes_for_level_base.
LevelTargets ComputeLevelTargets(const Version& version, const Options& options);

// How urgently `level` needs compaction under leveled compaction; 1 or more means it does.
// Files that running compactions read do not count.
double LevelScore(const Version& version, const Options& options, const LevelTargets& targets,
                  const RunningCompactions& running, int level);

// Bytes compaction must still rewrite to bring every level within its target (an estimate, for
// write stalls): each level's excess times the fan-out into the next level, plus level 0 once it
// reaches its trigger; under universal compaction, the input of the compaction that is due;
// 0 under FIFO.
uint64_t EstimatePendingCompactionBytes(const Version& version, const Options& options);

// The most urgent compaction for options.compaction_style, or null when none is due or every
// due one conflicts with a running compaction.
std::unique_ptr<Compaction> PickCompaction(const Version& version,
                                           const InternalKeyComparator& icmp,
                                           const Options& options,
                                           const RunningCompactions& running,
                                           CompactionPointers* pointers, uint64_t now_seconds);

// What PickAcrossFamilies needs of one column family.
struct FamilyPickInput {
  const Version* version;
  const InternalKeyComparator* icmp;
  const Options* options;
  const RunningCompactions* running;
  CompactionPointers* pointers;
};

// The most urgent compaction of any column family: PickCompaction of each, the highest score
// winning (the earlier family on a tie). Sets *chosen to the winner's index; null when no
// family has one.
std::unique_ptr<Compaction> PickAcrossFamilies(const std::vector<FamilyPickInput>& families,
                                               uint64_t now_seconds, size_t* chosen);

// FIFO compaction with an age limit: the time (seconds since the epoch) at which the oldest
// table becomes due for deletion, or 0 if no table will (no age limit, no tables, or an
// oldest table without a write time).
uint64_t NextFifoExpiry(const Version& version, const Options& options);

// A compaction of the files of `level` that overlap the user-key range [*begin, *end] (null:
// unbounded) into `output_level` (which may be `level` itself: a rewrite in place), or null when
// none do. Level 0 contributes all its files, so that no older overlapping file is left above
// newer data.
std::unique_ptr<Compaction> PickRangeCompaction(const Version& version,
                                                const InternalKeyComparator& icmp,
                                                const Options& options, int level, int output_level,
                                                const std::string* begin, const std::string* end);

// Every file of the version into one sorted run in the last level (universal's full
// compaction), or null when the version holds fewer than two files.
std::unique_ptr<Compaction> PickFullCompaction(const Version& version, const Options& options);

// The level of a table that DB::IngestExternalFile adds, whose entries are newer than every
// entry of the version, covering the user keys [smallest_user, largest_user]: level 0 under
// universal and FIFO compaction; under leveled compaction the deepest level such that neither
// it nor any level above holds a file that overlaps the range or is being written a range that
// meets it by a running compaction. So every older entry of the table's keys lies below it,
// now and once the running compactions are installed, and files of a level never overlap.
int PickIngestLevel(const Version& version, const InternalKeyComparator& icmp,
                    const Options& options, const RunningCompactions& running,
                    std::string_view smallest_user, std::string_view largest_user);

// The deepest level holding a file that overlaps [*begin, *end] (null: unbounded); -1 if none.
int DeepestOverlappingLevel(const Version& version, const InternalKeyComparator& icmp,
                            const std::string* begin, const std::string* end);

// The files of `level` whose user-key range meets [smallest_user, largest_user].
FileList OverlappingFiles(const Version& version, const InternalKeyComparator& icmp, int level,
                          std::string_view smallest_user, std::string_view largest_user);

}  // namespace lsm

#endif  // LSM_COMPACTION_COMPACTION_PICKER_H_
