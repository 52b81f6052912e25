// Leveled compaction picking: a pure function of a Version and the options.
//
//   CompactionPointers pointers;   // kept by the caller between picks
//   std::unique_ptr<Compaction> c = PickLeveledCompaction(*version, icmp, options, &pointers);
//   if (c != nullptr && c->IsTrivialMove()) ...
//
// Each level gets a score: level 0 its file count over level0_file_num_compaction_trigger,
// level n >= 1 its bytes over max_bytes_for_level_base * multiplier^(n-1). The level with the
// highest score of at least 1 is compacted into the next: level 0 with all its files, a deeper
// level with its next file in key order (round robin, via the pointers), each with the files
// of the next level that overlap them.
// Thread-safety: pure; the pointers belong to the caller.
#ifndef LSM_COMPACTION_COMPACTION_PICKER_H_
#define LSM_COMPACTION_COMPACTION_PICKER_H_

#include <array>
#include <memory>
#include <string>

#include "lsm/options.h"
#include "src/base/dbformat.h"
#include "src/version/version.h"

namespace lsm {

struct Compaction {
  int level = 0;         // inputs[0] come from here
  int output_level = 1;  // inputs[1] come from here, and the outputs go here
  FileList inputs[2];
  uint64_t max_output_file_size = 0;
  double score = 0;

  // One file that overlaps nothing in the output level: it can move down without rewriting.
  bool IsTrivialMove() const { return inputs[0].size() == 1 && inputs[1].empty(); }
  uint64_t InputBytes() const;
  // "L0 -> L1: 4 + 1 files, 12345 bytes, score 1.00"
  std::string Describe() const;
};

// Per level, the largest internal key compacted last; the next pick at that level starts after
// it.
using CompactionPointers = std::array<std::string, kNumLevels>;

// The limit in bytes of `level` (>= 1).
uint64_t MaxBytesForLevel(const Options& options, int level);

// How urgently `level` needs compaction; 1 or more means it does (see above).
double LevelScore(const Version& version, const Options& options, int level);

// The most urgent compaction, or null when no level's score reaches 1.
std::unique_ptr<Compaction> PickLeveledCompaction(const Version& version,
                                                  const InternalKeyComparator& icmp,
                                                  const Options& options,
                                                  CompactionPointers* pointers);

// A compaction of the files of `level` that overlap the user-key range [*begin, *end] (null:
// unbounded) into level + 1, or null when none do. Level 0 contributes all its files, so that
// no older overlapping file is left above newer data.
std::unique_ptr<Compaction> PickRangeCompaction(const Version& version,
                                                const InternalKeyComparator& icmp,
                                                const Options& options, int level,
                                                const std::string* begin, const std::string* end);

// The deepest level holding a file that overlaps [*begin, *end] (null: unbounded); -1 if none.
int DeepestOverlappingLevel(const Version& version, const InternalKeyComparator& icmp,
                            const std::string* begin, const std::string* end);

// The files of `level` whose user-key range meets [smallest_user, largest_user].
FileList OverlappingFiles(const Version& version, const InternalKeyComparator& icmp, int level,
                          std::string_view smallest_user, std::string_view largest_user);

}  // namespace lsm

#endif  // LSM_COMPACTION_COMPACTION_PICKER_H_
