#include "src/compaction/compaction_picker.h"

#include <absl/strings/str_format.h>

#include <algorithm>
#include <limits>

namespace lsm {
namespace {

constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

// The user-key range covered by `files`, merged into [*smallest, *largest] when `any`.
void ExtendRange(const FileList& files, const Comparator* ucmp, bool* any,
                 std::string_view* smallest, std::string_view* largest) {
  for (const auto& f : files) {
    const std::string_view s = ExtractUserKey(f->smallest);
    const std::string_view l = ExtractUserKey(f->largest);
    if (!*any || ucmp->Compare(s, *smallest) < 0) *smallest = s;
    if (!*any || ucmp->Compare(l, *largest) > 0) *largest = l;
    *any = true;
  }
}

bool RangesOverlap(const Comparator* ucmp, std::string_view s1, std::string_view l1,
                   std::string_view s2, std::string_view l2) {
  return ucmp->Compare(l1, s2) >= 0 && ucmp->Compare(l2, s1) >= 0;
}

uint64_t TotalBytes(const FileList& files) {
  uint64_t total = 0;
  for (const auto& f : files) total += f->file_size;
  return total;
}

// For each file of `files`, the bytes of the files of `below` whose user-key ranges it meets.
// Both are levels below 0 (sorted, not overlapping), so one sweep over the two does.
std::vector<uint64_t> OverlapBytes(const FileList& files, const FileList& below,
                                   const Comparator* ucmp) {
  std::vector<uint64_t> bytes(files.size(), 0);
  size_t first = 0;
  for (size_t i = 0; i < files.size(); i++) {
    const std::string_view smallest = ExtractUserKey(files[i]->smallest);
    const std::string_view largest = ExtractUserKey(files[i]->largest);
    while (first < below.size() &&
           ucmp->Compare(ExtractUserKey(below[first]->largest), smallest) < 0) {
      first++;
    }
    for (size_t j = first;
         j < below.size() && ucmp->Compare(ExtractUserKey(below[j]->smallest), largest) <= 0; j++) {
      bytes[i] += below[j]->file_size;
    }
  }
  return bytes;
}

bool AnyBusy(const FileList& files, const RunningCompactions& running) {
  for (const auto& f : files) {
    if (running.IsBusy(f->number)) return true;
  }
  return false;
}

// The level that `level`'s data compacts into: the base level for level 0, else the next.
int OutputLevelFor(const LevelTargets& targets, int level) {
  if (level == 0) return targets.base_level;
  return std::min(level + 1, kNumLevels - 1);
}

// Fills in the output-level overlap, output sizes and grandparents of a leveled compaction
// whose input levels above the output level are set.
void FinishLeveled(const Version& version, const InternalKeyComparator& icmp,
                   const Options& options, Compaction* c) {
  std::string_view smallest, largest;
  bool any = false;
  for (const auto& in : c->inputs) {
    ExtendRange(in.files, icmp.user_comparator(), &any, &smallest, &largest);
  }
  FileList overlap;
  if (c->output_level != c->inputs[0].level) {
    overlap = OverlappingFiles(version, icmp, c->output_level, smallest, largest);
  }
  if (!overlap.empty()) {
    c->inputs.push_back(CompactionInputs{c->output_level, std::move(overlap)});
  }
  c->max_output_file_size = options.target_file_size_base;
  if (c->output_level + 1 < kNumLevels) {
    c->KeyRange(icmp.user_comparator(), &smallest, &largest);
    c->grandparents = OverlappingFiles(version, icmp, c->output_level + 1, smallest, largest);
    // As in LevelDB: an output that overlaps ten target files below would make the compaction
    // of that output into the next level needlessly large.
    c->max_grandparent_overlap_bytes = 10 * options.target_file_size_base;
  } else {
    c->max_grandparent_overlap_bytes = kUnlimited;
  }
}

// Level 0 into the level below the base level, together with the base level's files it
// overlaps, when the base level holds data and the level-0 bytes would take it past its target.
// Merging level 0 into the base level instead would rewrite the base level's bytes now and then
// again at once, as the excess moves down; this way the base level is left empty, and the next
// level-0 compaction writes only its own bytes. Null when that does not apply or conflicts with
// a running compaction.
std::unique_ptr<Compaction> PickLevel0Spill(const Version& version,
                                            const InternalKeyComparator& icmp,
                                            const Options& options, const LevelTargets& targets,
                                            const RunningCompactions& running) {
  const int base = targets.base_level;
  if (base >= kNumLevels - 1 || version.NumFiles(base) == 0) return nullptr;
  const FileList& level0 = version.files(0);
  if (version.NumBytes(base) + TotalBytes(level0) <= targets.max_bytes[base]) return nullptr;
  std::string_view smallest, largest;
  bool any = false;
  ExtendRange(level0, icmp.user_comparator(), &any, &smallest, &largest);
  FileList overlap = OverlappingFiles(version, icmp, base, smallest, largest);
  if (overlap.empty() || AnyBusy(overlap, running)) return nullptr;
  auto c = std::make_unique<Compaction>();
  c->inputs.push_back(CompactionInputs{0, level0});
  c->inputs.push_back(CompactionInputs{base, std::move(overlap)});
  c->output_level = base + 1;
  c->reason = "level 0 files past the base level";
  FinishLeveled(version, icmp, options, c.get());
  if (running.Conflicts(*c, icmp.user_comparator())) return nullptr;
  return c;
}

std::unique_ptr<Compaction> PickLeveled(const Version& version, const InternalKeyComparator& icmp,
                                        const Options& options, const RunningCompactions& running,
                                        CompactionPointers* pointers) {
  const LevelTargets targets = ComputeLevelTargets(version, options);
  std::vector<std::pair<double, int>> scores;
  for (int level = 0; level < kNumLevels - 1; level++) {
    const double score = LevelScore(version, options, targets, running, level);
    if (score >= 1.0) scores.emplace_back(score, level);
  }
  // Most urgent first; level 0 wins ties (it blocks writes).
  std::sort(scores.begin(), scores.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  const Comparator* ucmp = icmp.user_comparator();
  for (const auto& [score, level] : scores) {
    const FileList& files = version.files(level);
    if (level == 0) {
      if (AnyBusy(files, running)) continue;
      std::unique_ptr<Compaction> spill = PickLevel0Spill(version, icmp, options, targets, running);
      if (spill != nullptr) {
        spill->score = score;
        return spill;
      }
      auto c = std::make_unique<Compaction>();
      c->inputs.push_back(CompactionInputs{0, files});
      c->output_level = OutputLevelFor(targets, 0);
      c->score = score;
      c->reason = "level 0 files";
      FinishLeveled(version, icmp, options, c.get());
      if (!running.Conflicts(*c, ucmp)) return c;
      continue;
    }
    // The first file past the pointer, wrapping around, that can be compacted now.
    const std::string& pointer = (*pointers)[level];
    size_t start = 0;
    while (start < files.size() && !pointer.empty() &&
           icmp.Compare(files[start]->largest, pointer) <= 0) {
      start++;
    }
    std::vector<size_t> order(files.size());
    for (size_t i = 0; i < files.size(); i++) order[i] = (start + i) % files.size();
    if (options.compaction_pri == CompactionPri::kMinOverlappingRatio) {
      // Ties keep the round-robin order.
      const std::vector<uint64_t> overlap =
          OverlapBytes(files, version.files(OutputLevelFor(targets, level)), ucmp);
      std::vector<double> ratio(files.size());
      for (size_t i = 0; i < files.size(); i++) {
        ratio[i] = static_cast<double>(overlap[i]) /
                   static_cast<double>(std::max<uint64_t>(files[i]->file_size, 1));
      }
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return ratio[a] < ratio[b]; });
    }
    for (size_t i : order) {
      const auto& f = files[i];
      if (running.IsBusy(f->number)) continue;
      auto c = std::make_unique<Compaction>();
      c->inputs.push_back(CompactionInputs{level, {f}});
      c->output_level = OutputLevelFor(targets, level);
      c->score = score;
      c->reason = "level size";
      FinishLeveled(version, icmp, options, c.get());
      if (running.Conflicts(*c, ucmp)) continue;
      (*pointers)[level] = f->largest;  // round robin goes on after f
      return c;
    }
  }
  return nullptr;
}

// A sorted run of universal compaction: one level-0 file or one whole deeper level.
struct SortedRun {
  int level;
  FileList files;
  uint64_t bytes;
};

// Newest first: level-0 files (which the version keeps newest first), then levels 1 down.
std::vector<SortedRun> SortedRuns(const Version& version) {
  std::vector<SortedRun> runs;
  for (const auto& f : version.files(0)) runs.push_back(SortedRun{0, {f}, f->file_size});
  for (int level = 1; level < kNumLevels; level++) {
    if (version.NumFiles(level) > 0) {
      runs.push_back(SortedRun{level, version.files(level), version.NumBytes(level)});
    }
  }
  return runs;
}

// Merges runs[first, last] into one run placed just above the next older run.
std::unique_ptr<Compaction> MergeRuns(const std::vector<SortedRun>& runs, size_t first, size_t last,
                                      const Options& options, double score, const char* reason) {
  auto c = std::make_unique<Compaction>();
  for (size_t i = first; i <= last; i++) {
    if (!c->inputs.empty() && c->inputs.back().level == runs[i].level && runs[i].level == 0) {
      c->inputs.back().files.push_back(runs[i].files[0]);
    } else {
      c->inputs.push_back(CompactionInputs{runs[i].level, runs[i].files});
    }
  }
  if (last + 1 == runs.size()) {
    c->output_level = kNumLevels - 1;
  } else {
    c->output_level = std::max(runs[last + 1].level - 1, 0);
  }
  // A run in level 0 is one file; deeper runs are cut into tables.
  c->max_output_file_size = c->output_level == 0 ? kUnlimited : options.target_file_size_base;
  c->max_grandparent_overlap_bytes = kUnlimited;
  c->score = score;
  c->reason = reason;
  return c;
}

std::unique_ptr<Compaction> PickUniversal(const Version& version, const Options& options,
                                          const RunningCompactions& running) {
  if (!running.empty()) return nullptr;  // one at a time: runs must stay ordered by age
  const std::vector<SortedRun> runs = SortedRuns(version);
  const size_t trigger = static_cast<size_t>(options.level0_file_num_compaction_trigger);
  if (runs.size() < trigger || runs.size() < 2) return nullptr;
  const CompactionOptionsUniversal& u = options.compaction_options_universal;
  const double score = static_cast<double>(runs.size()) / static_cast<double>(trigger);

  // Space amplification: the runs above the oldest hold too much next to it.
  uint64_t younger = 0;
  for (size_t i = 0; i + 1 < runs.size(); i++) younger += runs[i].bytes;
  if (younger * 100 > runs.back().bytes * static_cast<uint64_t>(u.max_size_amplification_percent)) {
    return MergeRuns(runs, 0, runs.size() - 1, options, score, "space amplification");
  }

  // Size ratio: from the youngest run, take each older run that is not much larger than all
  // the runs taken so far together.
  const size_t max_width = std::max<size_t>(u.max_merge_width, 2);
  for (size_t first = 0; first + 1 < runs.size(); first++) {
    uint64_t candidate = runs[first].bytes;
    size_t last = first;
    while (last + 1 < runs.size() && last + 1 - first < max_width &&
           runs[last + 1].bytes * 100 <= candidate * (100 + uint64_t{u.size_ratio})) {
      last++;
      candidate += runs[last].bytes;
    }
    if (last + 1 - first >= u.min_merge_width) {
      return MergeRuns(runs, first, last, options, score, "size ratio");
    }
  }

  // Too many runs: merge the youngest ones, enough to get back to the trigger.
  if (runs.size() > trigger) {
    const size_t width = std::min(std::max<size_t>(runs.size() - trigger + 1, 2), max_width);
    return MergeRuns(runs, 0, width - 1, options, score, "run count");
  }
  return nullptr;
}

std::unique_ptr<Compaction> PickFIFO(const Version& version, const Options& options,
                                     const RunningCompactions& running, uint64_t now_seconds) {
  if (!running.empty()) return nullptr;
  const CompactionOptionsFIFO& fifo = options.compaction_options_fifo;
  const FileList& files = version.files(0);  // newest first
  // Age: every file whose newest entry is older than the limit.
  if (fifo.ttl_seconds > 0) {
    auto c = std::make_unique<Compaction>();
    c->inputs.push_back(CompactionInputs{0, {}});
    for (auto it = files.rbegin(); it != files.rend(); ++it) {
      const uint64_t t = (*it)->newest_write_time;
      if (t == 0 || t + fifo.ttl_seconds > now_seconds) break;
      c->inputs[0].files.push_back(*it);
    }
    if (!c->inputs[0].files.empty()) {
      c->output_level = 0;
      c->deletion_only = true;
      c->reason = "fifo age";
      return c;
    }
  }
  // Size: the oldest files until the rest fit.
  const uint64_t total = version.NumBytes(0);
  if (fifo.max_table_files_size > 0 && total > fifo.max_table_files_size) {
    auto c = std::make_unique<Compaction>();
    c->inputs.push_back(CompactionInputs{0, {}});
    uint64_t remaining = total;
    for (auto it = files.rbegin(); it != files.rend() && remaining > fifo.max_table_files_size;
         ++it) {
      c->inputs[0].files.push_back(*it);
      remaining -= (*it)->file_size;
    }
    c->output_level = 0;
    c->deletion_only = true;
    c->score = static_cast<double>(total) / static_cast<double>(fifo.max_table_files_size);
    c->reason = "fifo size";
    return c;
  }
  // Optional merging of the newest small files into one.
  if (fifo.allow_compaction &&
      static_cast<int>(files.size()) >= options.level0_file_num_compaction_trigger) {
    const uint64_t limit = options.target_file_size_base;
    size_t count = 0;
    uint64_t bytes = 0;
    while (count < files.size() && files[count]->file_size < limit &&
           bytes + files[count]->file_size <= limit) {
      bytes += files[count]->file_size;
      count++;
    }
    if (static_cast<int>(count) >= options.level0_file_num_compaction_trigger) {
      auto c = std::make_unique<Compaction>();
      c->inputs.push_back(CompactionInputs{0, FileList(files.begin(), files.begin() + count)});
      c->output_level = 0;
      c->max_output_file_size = kUnlimited;
      c->max_grandparent_overlap_bytes = kUnlimited;
      c->reason = "fifo merge";
      return c;
    }
  }
  return nullptr;
}

bool Overlaps(const FileMetaData& f, const Comparator* ucmp, const std::string* begin,
              const std::string* end) {
  return (begin == nullptr || ucmp->Compare(ExtractUserKey(f.largest), *begin) >= 0) &&
         (end == nullptr || ucmp->Compare(ExtractUserKey(f.smallest), *end) <= 0);
}

}  // namespace

uint64_t NextFifoExpiry(const Version& version, const Options& options) {
  const uint64_t ttl = options.compaction_options_fifo.ttl_seconds;
  const FileList& files = version.files(0);  // newest first
  if (options.compaction_style != CompactionStyle::kFIFO || ttl == 0 || files.empty()) return 0;
  const uint64_t t = files.back()->newest_write_time;
  return t == 0 ? 0 : t + ttl;
}

bool Compaction::IsTrivialMove(const InternalKeyComparator& icmp) const {
  if (deletion_only || inputs.size() != 1 || inputs[0].level == output_level) return false;
  // Level-0 files may overlap each other; moved down together they must not.
  FileList sorted = inputs[0].files;
  std::sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
    return icmp.Compare(a->smallest, b->smallest) < 0;
  });
  const Comparator* ucmp = icmp.user_comparator();
  for (size_t i = 1; i < sorted.size(); i++) {
    if (ucmp->Compare(ExtractUserKey(sorted[i - 1]->largest),
                      ExtractUserKey(sorted[i]->smallest)) >= 0) {
      return false;
    }
  }
  return max_grandparent_overlap_bytes == 0 ||
         TotalBytes(grandparents) <= max_grandparent_overlap_bytes;
}

uint64_t Compaction::InputBytes() const {
  uint64_t total = 0;
  for (const CompactionInputs& in : inputs) total += TotalBytes(in.files);
  return total;
}

int Compaction::NumInputFiles() const {
  int n = 0;
  for (const CompactionInputs& in : inputs) n += static_cast<int>(in.files.size());
  return n;
}

void Compaction::KeyRange(const Comparator* ucmp, std::string_view* smallest,
                          std::string_view* largest) const {
  bool any = false;
  for (const CompactionInputs& in : inputs) ExtendRange(in.files, ucmp, &any, smallest, largest);
}

std::string Compaction::Describe() const {
  std::string levels, counts;
  for (const CompactionInputs& in : inputs) {
    absl::StrAppendFormat(&levels, "%sL%d", levels.empty() ? "" : " + ", in.level);
    absl::StrAppendFormat(&counts, "%s%u", counts.empty() ? "" : " + ", in.files.size());
  }
  if (deletion_only) {
    return absl::StrFormat("delete %s: %s files, %u bytes (%s)", levels, counts, InputBytes(),
                           reason);
  }
  return absl::StrFormat("%s -> L%d: %s files, %u bytes, score %.2f (%s)", levels, output_level,
                         counts, InputBytes(), score, reason);
}

void RunningCompactions::Add(const Compaction& c, const Comparator* ucmp) {
  for (const CompactionInputs& in : c.inputs) {
    for (const auto& f : in.files) files_.insert(f->number);
  }
  std::string_view smallest, largest;
  c.KeyRange(ucmp, &smallest, &largest);
  outputs_.push_back(Output{c.output_level, std::string(smallest), std::string(largest)});
}

void RunningCompactions::Remove(const Compaction& c, const Comparator* ucmp) {
  for (const CompactionInputs& in : c.inputs) {
    for (const auto& f : in.files) files_.erase(f->number);
  }
  std::string_view smallest, largest;
  c.KeyRange(ucmp, &smallest, &largest);
  for (auto it = outputs_.begin(); it != outputs_.end(); ++it) {
    if (it->level == c.output_level && it->smallest == smallest && it->largest == largest) {
      outputs_.erase(it);
      return;
    }
  }
}

bool RunningCompactions::Conflicts(const Compaction& c, const Comparator* ucmp) const {
  for (const CompactionInputs& in : c.inputs) {
    if (AnyBusy(in.files, *this)) return true;
  }
  std::string_view smallest, largest;
  c.KeyRange(ucmp, &smallest, &largest);
  for (const Output& o : outputs_) {
    if (o.level == c.output_level &&
        RangesOverlap(ucmp, smallest, largest, o.smallest, o.largest)) {
      return true;
    }
  }
  return false;
}

bool RunningCompactions::WritesInto(int level, const Comparator* ucmp, std::string_view smallest,
                                    std::string_view largest) const {
  for (const Output& o : outputs_) {
    if (o.level == level && RangesOverlap(ucmp, smallest, largest, o.smallest, o.largest)) {
      return true;
    }
  }
  return false;
}

LevelTargets ComputeLevelTargets(const Version& version, const Options& options) {
  LevelTargets t;
  const uint64_t base = options.max_bytes_for_level_base;
  const uint64_t multiplier = static_cast<uint64_t>(options.max_bytes_for_level_multiplier);
  if (!options.level_compaction_dynamic_level_bytes) {
    t.base_level = 1;
    uint64_t bytes = base;
    for (int level = 1; level < kNumLevels; level++) {
      t.max_bytes[level] = bytes;
      bytes = bytes > kUnlimited / multiplier ? kUnlimited : bytes * multiplier;
    }
    return t;
  }
  int first_non_empty = -1;
  uint64_t largest_level_bytes = 0;
  for (int level = 1; level < kNumLevels; level++) {
    const uint64_t bytes = version.NumBytes(level);
    if (bytes > 0 && first_non_empty < 0) first_non_empty = level;
    largest_level_bytes = std::max(largest_level_bytes, bytes);
  }
  if (first_non_empty < 0) {
    // An empty tree: level 0 compacts straight into the last level.
    t.base_level = kNumLevels - 1;
    t.max_bytes[kNumLevels - 1] = base;
    return t;
  }
  // The target the first non-empty level would get if the last level's were its size.
  uint64_t bytes = largest_level_bytes;
  for (int level = kNumLevels - 2; level >= first_non_empty; level--) bytes /= multiplier;
  t.base_level = first_non_empty;
  // Move the base level up while its target would still exceed the base limit.
  while (t.base_level > 1 && bytes > base) {
    t.base_level--;
    bytes /= multiplier;
  }
  // Never below a multiplier-th of the base limit, nor above the base limit.
  bytes = std::clamp(bytes, base / multiplier + 1, base);
  for (int level = t.base_level; level < kNumLevels; level++) {
    // No target below the base limit (as RocksDB does): a base level smaller than what one
    // level-0 compaction brings would be compacted again at once, rewriting the level below
    // for every few flushes.
    t.max_bytes[level] = std::max(bytes, base);
    bytes = bytes > kUnlimited / multiplier ? kUnlimited : bytes * multiplier;
  }
  return t;
}

double LevelScore(const Version& version, const Options& options, const LevelTargets& targets,
                  const RunningCompactions& running, int level) {
  if (level == 0) {
    int files = 0;
    for (const auto& f : version.files(0)) files += running.IsBusy(f->number) ? 0 : 1;
    return static_cast<double>(files) / options.level0_file_num_compaction_trigger;
  }
  if (level < targets.base_level || level == kNumLevels - 1) return 0;
  uint64_t bytes = 0;
  for (const auto& f : version.files(level)) {
    if (!running.IsBusy(f->number)) bytes += f->file_size;
  }
  return static_cast<double>(bytes) / static_cast<double>(targets.max_bytes[level]);
}

uint64_t EstimatePendingCompactionBytes(const Version& version, const Options& options) {
  switch (options.compaction_style) {
    case CompactionStyle::kFIFO:
      return 0;
    case CompactionStyle::kUniversal: {
      const std::unique_ptr<Compaction> c = PickUniversal(version, options, RunningCompactions());
      return c == nullptr ? 0 : c->InputBytes();
    }
    case CompactionStyle::kLevel:
      break;
  }
  const LevelTargets targets = ComputeLevelTargets(version, options);
  uint64_t pending = 0;
  // Level 0 (once due) and each level's excess move down, rewriting about their own bytes
  // times (1 + the size ratio to the next level).
  uint64_t incoming = 0;
  if (version.NumFiles(0) >= options.level0_file_num_compaction_trigger) {
    incoming = version.NumBytes(0);
    pending += incoming;
  }
  for (int level = targets.base_level; level < kNumLevels - 1; level++) {
    const uint64_t bytes = version.NumBytes(level) + incoming;
    if (level == targets.base_level && incoming > 0) {
      // Level 0 merges with the whole base level.
      pending += version.NumBytes(level);
    }
    if (bytes <= targets.max_bytes[level]) {
      incoming = 0;
      continue;
    }
    const uint64_t excess = bytes - targets.max_bytes[level];
    const uint64_t next = version.NumBytes(level + 1);
    const double fanout = bytes == 0 ? 0 : static_cast<double>(next) / static_cast<double>(bytes);
    pending += static_cast<uint64_t>(static_cast<double>(excess) * (fanout + 1));
    incoming = excess;
  }
  return pending;
}

std::unique_ptr<Compaction> PickCompaction(const Version& version,
                                           const InternalKeyComparator& icmp,
                                           const Options& options,
                                           const RunningCompactions& running,
                                           CompactionPointers* pointers, uint64_t now_seconds) {
  switch (options.compaction_style) {
    case CompactionStyle::kUniversal:
      return PickUniversal(version, options, running);
    case CompactionStyle::kFIFO:
      return PickFIFO(version, options, running, now_seconds);
    case CompactionStyle::kLevel:
      break;
  }
  return PickLeveled(version, icmp, options, running, pointers);
}

FileList OverlappingFiles(const Version& version, const InternalKeyComparator& icmp, int level,
                          std::string_view smallest_user, std::string_view largest_user) {
  const Comparator* ucmp = icmp.user_comparator();
  FileList result;
  for (const auto& f : version.files(level)) {
    if (RangesOverlap(ucmp, ExtractUserKey(f->smallest), ExtractUserKey(f->largest), smallest_user,
                      largest_user)) {
      result.push_back(f);
    }
  }
  return result;
}

int PickIngestLevel(const Version& version, const InternalKeyComparator& icmp,
                    const Options& options, const RunningCompactions& running,
                    std::string_view smallest_user, std::string_view largest_user) {
  if (options.compaction_style != CompactionStyle::kLevel) return 0;
  const Comparator* ucmp = icmp.user_comparator();
  int target = 0;
  for (int level = 0; level < kNumLevels; level++) {
    if (!OverlappingFiles(version, icmp, level, smallest_user, largest_user).empty() ||
        running.WritesInto(level, ucmp, smallest_user, largest_user)) {
      break;
    }
    target = level;
  }
  return target;
}

int DeepestOverlappingLevel(const Version& version, const InternalKeyComparator& icmp,
                            const std::string* begin, const std::string* end) {
  for (int level = kNumLevels - 1; level >= 0; level--) {
    for (const auto& f : version.files(level)) {
      if (Overlaps(*f, icmp.user_comparator(), begin, end)) return level;
    }
  }
  return -1;
}

std::unique_ptr<Compaction> PickRangeCompaction(const Version& version,
                                                const InternalKeyComparator& icmp,
                                                const Options& options, int level, int output_level,
                                                const std::string* begin, const std::string* end) {
  auto c = std::make_unique<Compaction>();
  c->output_level = output_level;
  c->reason = "manual";
  FileList files;
  for (const auto& f : version.files(level)) {
    if (Overlaps(*f, icmp.user_comparator(), begin, end)) files.push_back(f);
  }
  if (files.empty()) return nullptr;
  if (level == 0) files = version.files(0);
  c->inputs.push_back(CompactionInputs{level, std::move(files)});
  FinishLeveled(version, icmp, options, c.get());
  return c;
}

std::unique_ptr<Compaction> PickFullCompaction(const Version& version, const Options& options) {
  const std::vector<SortedRun> runs = SortedRuns(version);
  if (runs.empty() || (runs.size() == 1 && runs[0].files.size() < 2)) return nullptr;
  auto c = MergeRuns(runs, 0, runs.size() - 1, options, 0, "manual");
  return c;
}

std::unique_ptr<Compaction> PickAcrossFamilies(const std::vector<FamilyPickInput>& families,
                                               uint64_t now_seconds, size_t* chosen) {
  std::unique_ptr<Compaction> best;
  // Each pick moves its family's round-robin pointers; only the winner's move is kept.
  CompactionPointers best_pointers;
  for (size_t i = 0; i < families.size(); i++) {
    const FamilyPickInput& f = families[i];
    CompactionPointers pointers = *f.pointers;
    std::unique_ptr<Compaction> c =
        PickCompaction(*f.version, *f.icmp, *f.options, *f.running, &pointers, now_seconds);
    if (c != nullptr && (best == nullptr || c->score > best->score)) {
      best = std::move(c);
      best_pointers = std::move(pointers);
      *chosen = i;
    }
  }
  if (best != nullptr) *families[*chosen].pointers = std::move(best_pointers);
  return best;
}

}  // namespace lsm
