#include "src/compaction/compaction_picker.h"

#include <absl/strings/str_format.h>

namespace lsm {
namespace {

// The user-key range covered by `files`.
void Range(const FileList& files, const Comparator* ucmp, std::string_view* smallest,
           std::string_view* largest) {
  for (size_t i = 0; i < files.size(); i++) {
    const std::string_view s = ExtractUserKey(files[i]->smallest);
    const std::string_view l = ExtractUserKey(files[i]->largest);
    if (i == 0 || ucmp->Compare(s, *smallest) < 0) *smallest = s;
    if (i == 0 || ucmp->Compare(l, *largest) > 0) *largest = l;
  }
}

}  // namespace

uint64_t Compaction::InputBytes() const {
  uint64_t total = 0;
  for (const FileList& files : inputs) {
    for (const auto& f : files) total += f->file_size;
  }
  return total;
}

std::string Compaction::Describe() const {
  return absl::StrFormat("L%d -> L%d: %u + %u files, %u bytes, score %.2f", level, output_level,
                         inputs[0].size(), inputs[1].size(), InputBytes(), score);
}

uint64_t MaxBytesForLevel(const Options& options, int level) {
  uint64_t bytes = options.max_bytes_for_level_base;
  for (int l = 1; l < level; l++)
    bytes *= static_cast<uint64_t>(options.max_bytes_for_level_multiplier);
  return bytes;
}

double LevelScore(const Version& version, const Options& options, int level) {
  if (level == 0) {
    return static_cast<double>(version.NumFiles(0)) / options.level0_file_num_compaction_trigger;
  }
  return static_cast<double>(version.NumBytes(level)) /
         static_cast<double>(MaxBytesForLevel(options, level));
}

FileList OverlappingFiles(const Version& version, const InternalKeyComparator& icmp, int level,
                          std::string_view smallest_user, std::string_view largest_user) {
  const Comparator* ucmp = icmp.user_comparator();
  FileList result;
  for (const auto& f : version.files(level)) {
    if (ucmp->Compare(ExtractUserKey(f->largest), smallest_user) < 0 ||
        ucmp->Compare(ExtractUserKey(f->smallest), largest_user) > 0) {
      continue;
    }
    result.push_back(f);
  }
  return result;
}

namespace {

bool Overlaps(const FileMetaData& f, const Comparator* ucmp, const std::string* begin,
              const std::string* end) {
  return (begin == nullptr || ucmp->Compare(ExtractUserKey(f.largest), *begin) >= 0) &&
         (end == nullptr || ucmp->Compare(ExtractUserKey(f.smallest), *end) <= 0);
}

}  // namespace

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
                                                const Options& options, int level,
                                                const std::string* begin, const std::string* end) {
  auto c = std::make_unique<Compaction>();
  c->level = level;
  c->output_level = level + 1;
  c->max_output_file_size = options.target_file_size_base;
  bool any = false;
  for (const auto& f : version.files(level)) {
    if (Overlaps(*f, icmp.user_comparator(), begin, end)) any = true;
    if (level > 0 && Overlaps(*f, icmp.user_comparator(), begin, end)) c->inputs[0].push_back(f);
  }
  if (!any) return nullptr;
  if (level == 0) c->inputs[0] = version.files(0);
  std::string_view smallest, largest;
  Range(c->inputs[0], icmp.user_comparator(), &smallest, &largest);
  c->inputs[1] = OverlappingFiles(version, icmp, c->output_level, smallest, largest);
  return c;
}

std::unique_ptr<Compaction> PickLeveledCompaction(const Version& version,
                                                  const InternalKeyComparator& icmp,
                                                  const Options& options,
                                                  CompactionPointers* pointers) {
  int best_level = -1;
  double best_score = 1.0;
  for (int level = 0; level < kNumLevels - 1; level++) {
    const double score = LevelScore(version, options, level);
    if (score >= best_score) {
      best_score = score;
      best_level = level;
    }
  }
  if (best_level < 0) return nullptr;

  auto c = std::make_unique<Compaction>();
  c->level = best_level;
  c->output_level = best_level + 1;
  c->score = best_score;
  c->max_output_file_size = options.target_file_size_base;
  if (best_level == 0) {
    c->inputs[0] = version.files(0);
  } else {
    // The first file past the pointer, wrapping around.
    const FileList& files = version.files(best_level);
    const std::string& pointer = (*pointers)[best_level];
    std::shared_ptr<const FileMetaData> pick = files.front();
    for (const auto& f : files) {
      if (pointer.empty() || icmp.Compare(f->largest, pointer) > 0) {
        pick = f;
        break;
      }
    }
    c->inputs[0].push_back(pick);
    // The next compaction of this level starts after this file.
    (*pointers)[best_level] = pick->largest;
  }
  std::string_view smallest, largest;
  Range(c->inputs[0], icmp.user_comparator(), &smallest, &largest);
  c->inputs[1] = OverlappingFiles(version, icmp, c->output_level, smallest, largest);
  return c;
}

}  // namespace lsm
