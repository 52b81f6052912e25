#include "src/db/options_file.h"

#include <absl/strings/escaping.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <memory>
#include <set>
#include <type_traits>
#include <utility>
#include <vector>

#include "lsm/column_family.h"
#include "lsm/compaction_filter.h"
#include "lsm/comparator.h"
#include "lsm/slice_transform.h"
#include "lsm/merge_operator.h"
#include "src/base/filename.h"
#include "src/db/options_validation.h"
#include "src/memtable/memtable_factory.h"

namespace lsm {
namespace {

constexpr int kOptionsFileVersion = 1;
constexpr char kVersionSection[] = "Version";
constexpr char kDBSection[] = "DBOptions";
constexpr char kCFSection[] = "CFOptions \"default\"";

// How values of type T are written and read. Parse returns why a text is bad, or "".
template <typename T, typename = void>
struct Codec;

template <>
struct Codec<bool> {
  static std::string Format(bool v) { return v ? "true" : "false"; }
  static std::string Parse(std::string_view text, bool* v) {
    if (text == "true" || text == "1") {
      *v = true;
    } else if (text == "false" || text == "0") {
      *v = false;
    } else {
      return "it must be true or false";
    }
    return "";
  }
};

template <typename T>
struct Codec<T, std::enable_if_t<std::is_integral_v<T>>> {
  static std::string Format(T v) { return std::to_string(v); }
  static std::string Parse(std::string_view text, T* v) {
    T parsed;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return std::is_signed_v<T> ? "it must be an integer in range"
                                 : "it must be an unsigned integer in range";
    }
    *v = parsed;
    return "";
  }
};

// Enums are written as their enumerators' names.
template <typename E>
struct EnumNames;

#define LSM_ENUM_NAMES(E, ...)                                           \
  template <>                                                            \
  struct EnumNames<E> {                                                  \
    static constexpr std::pair<E, const char*> kNames[] = {__VA_ARGS__}; \
  };
LSM_ENUM_NAMES(CompressionType, {CompressionType::kNone, "kNone"}, {CompressionType::kLZ4, "kLZ4"},
               {CompressionType::kZstd, "kZstd"})
LSM_ENUM_NAMES(WALRecoveryMode,
               {WALRecoveryMode::kTolerateCorruptedTailRecords, "kTolerateCorruptedTailRecords"},
               {WALRecoveryMode::kAbsoluteConsistency, "kAbsoluteConsistency"},
               {WALRecoveryMode::kPointInTimeRecovery, "kPointInTimeRecovery"},
               {WALRecoveryMode::kSkipAnyCorruptedRecords, "kSkipAnyCorruptedRecords"})
LSM_ENUM_NAMES(CompactionPri, {CompactionPri::kMinOverlappingRatio, "kMinOverlappingRatio"},
               {CompactionPri::kRoundRobin, "kRoundRobin"})
LSM_ENUM_NAMES(CompactionStyle, {CompactionStyle::kLevel, "kLevel"},
               {CompactionStyle::kUniversal, "kUniversal"}, {CompactionStyle::kFIFO, "kFIFO"})
LSM_ENUM_NAMES(IoBackend, {IoBackend::kAuto, "kAuto"}, {IoBackend::kUring, "kUring"},
               {IoBackend::kPosix, "kPosix"})
LSM_ENUM_NAMES(InfoLogLevel, {InfoLogLevel::kDebug, "kDebug"}, {InfoLogLevel::kInfo, "kInfo"},
               {InfoLogLevel::kWarn, "kWarn"}, {InfoLogLevel::kError, "kError"})
#undef LSM_ENUM_NAMES

template <typename E>
struct Codec<E, std::enable_if_t<std::is_enum_v<E>>> {
  static std::string Format(E v) {
    for (const auto& [value, name] : EnumNames<E>::kNames) {
      if (value == v) return name;
    }
    return std::to_string(static_cast<int>(v));  // out of range; Parse refuses it
  }
  static std::string Parse(std::string_view text, E* v) {
    std::string names;
    for (const auto& [value, name] : EnumNames<E>::kNames) {
      if (text == name) {
        *v = value;
        return "";
      }
      absl::StrAppendFormat(&names, "%s%s", names.empty() ? "" : ", ", name);
    }
    return "it must be one of " + names;
  }
};

// A comparator or compaction filter is recorded by name. Loading keeps the one *v already
// holds if its name matches; the bytewise comparator is built in.
template <typename T>
struct Codec<const T*, std::enable_if_t<std::is_class_v<T>>> {
  static std::string Format(const T* v) {
    if constexpr (std::is_same_v<T, Comparator>) {
      if (v == nullptr) return BytewiseComparator()->Name();  // the default
    }
    return v == nullptr ? "" : v->Name();
  }
  static std::string Parse(std::string_view text, const T** v) {
    if constexpr (std::is_same_v<T, Comparator>) {
      if (text == BytewiseComparator()->Name()) {
        *v = BytewiseComparator();
        return "";
      }
    } else if (text.empty()) {
      *v = nullptr;
      return "";
    }
    if (*v != nullptr && text == (*v)->Name()) return "";
    return "it is not built in: give the Options to load into one of that name";
  }
};

// The memtable index is recorded by its factory's name; nullptr records the default's.
template <>
struct Codec<std::shared_ptr<MemTableRepFactory>> {
  static std::string Format(const std::shared_ptr<MemTableRepFactory>& v) {
    if (v != nullptr) return v->Name();
    return kDefaultMemTableRep == MemTableRep::kBTree ? kBTreeFactoryName : kSkipListFactoryName;
  }
  static std::string Parse(std::string_view text, std::shared_ptr<MemTableRepFactory>* v) {
    std::shared_ptr<MemTableRepFactory> f = FactoryNamed(text);
    if (f == nullptr) {
      return absl::StrFormat("it must be %s or %s", kSkipListFactoryName, kBTreeFactoryName);
    }
    *v = std::move(f);
    return "";
  }
};

// A merge operator is recorded by name. Loading keeps the one *v already holds if its name
// matches, and builds the built-in ones.
template <>
struct Codec<std::shared_ptr<MergeOperator>> {
  static std::string Format(const std::shared_ptr<MergeOperator>& v) {
    return v == nullptr ? "" : v->Name();
  }
  static std::string Parse(std::string_view text, std::shared_ptr<MergeOperator>* v) {
    if (text.empty()) {
      v->reset();
      return "";
    }
    if (*v != nullptr && text == (*v)->Name()) return "";
    std::shared_ptr<MergeOperator> builtin = MergeOperators::CreateUInt64AddOperator();
    if (text.starts_with("stringappend")) {
      builtin =
          MergeOperators::CreateStringAppendOperator(text == "stringappend" ? ',' : text.back());
    }
    if (text == builtin->Name()) {
      *v = std::move(builtin);
      return "";
    }
    return "it is not built in: give the Options to load into one of that name";
  }
};

// A prefix extractor is recorded by name. Loading keeps the one *v already holds if its name
// matches, and builds the built-in ones.
template <>
struct Codec<std::shared_ptr<const SliceTransform>> {
  static std::string Format(const std::shared_ptr<const SliceTransform>& v) {
    return v == nullptr ? "" : v->Name();
  }
  static std::string Parse(std::string_view text, std::shared_ptr<const SliceTransform>* v) {
    if (text.empty()) {
      v->reset();
      return "";
    }
    if (*v != nullptr && text == (*v)->Name()) return "";
    if (std::shared_ptr<const SliceTransform> builtin = BuiltinSliceTransform(text)) {
      *v = std::move(builtin);
      return "";
    }
    return "it is not built in: give the Options to load into one of that name";
  }
};

template <>
struct Codec<double> {
  static std::string Format(double v) { return absl::StrFormat("%.17g", v); }
  static std::string Parse(std::string_view text, double* v) {
    if (!absl::SimpleAtod(absl::string_view(text.data(), text.size()), v)) return "not a number";
    return "";
  }
};

// One option: its section, name and text forms.
struct Field {
  const char* section;
  std::string name;
  std::function<std::string(const Options&)> format;
  std::function<std::string(std::string_view, Options*)> parse;
};

// `access` is a generic lambda returning a reference to the option's member.
template <typename Access>
Field MakeField(const char* section, const char* name, Access access) {
  using T = std::remove_cvref_t<decltype(access(std::declval<Options&>()))>;
  return Field{
      section, name, [access](const Options& o) { return Codec<T>::Format(access(o)); },
      [access](std::string_view text, Options* o) { return Codec<T>::Parse(text, &access(*o)); }};
}

// DBOptions::memory_budget, recorded by its sizes ("<limit> bytes, memtables <share>"; empty
// when none) so that the file says how the database ran. A budget is shared by databases and
// cannot be made from the file: loading checks the text and keeps the budget *options holds.
Field MemoryBudgetField() {
  static constexpr std::string_view kBetween = " bytes, memtables ";
  auto format = [](const Options& o) {
    const MemoryBudget* b = o.memory_budget.get();
    return b == nullptr ? std::string()
                        : absl::StrFormat("%u%s%u", b->limit(), kBetween, b->memtable_limit());
  };
  auto parse = [](std::string_view text, Options*) -> std::string {
    if (text.empty()) return "";
    const size_t at = text.find(kBetween);
    size_t limit = 0, share = 0;
    if (at == std::string_view::npos || !Codec<size_t>::Parse(text.substr(0, at), &limit).empty() ||
        !Codec<size_t>::Parse(text.substr(at + kBetween.size()), &share).empty()) {
      return "it must be empty or \"<bytes> bytes, memtables <bytes>\"";
    }
    return "";
  };
  return Field{kDBSection, "memory_budget", format, parse};
}

#define LSM_OPTION(section, member) \
  MakeField(                        \
      section, #member, [](auto& o) -> auto& { return o.member; })

// Every option but the objects (info_log, file_system; memory_budget by its sizes), in the
// order they are written.
const std::vector<Field>& Fields() {
  static const auto* const kFields = new std::vector<Field>{
      LSM_OPTION(kDBSection, create_if_missing),
      LSM_OPTION(kDBSection, error_if_exists),
      LSM_OPTION(kDBSection, paranoid_checks),
      LSM_OPTION(kDBSection, wal_recovery_mode),
      LSM_OPTION(kDBSection, wal_mmap),
      LSM_OPTION(kDBSection, io_backend),
      LSM_OPTION(kDBSection, allow_mmap_reads),
      LSM_OPTION(kDBSection, use_direct_reads),
      LSM_OPTION(kDBSection, use_direct_io_for_flush_and_compaction),
      LSM_OPTION(kDBSection, max_background_jobs),
      LSM_OPTION(kDBSection, compaction_rate_limit_bytes_per_sec),
      LSM_OPTION(kDBSection, max_open_files),
      LSM_OPTION(kDBSection, db_write_buffer_size),
      LSM_OPTION(kDBSection, max_total_wal_size),
      LSM_OPTION(kDBSection, wal_ttl_seconds),
      LSM_OPTION(kDBSection, wal_size_limit_mb),
      LSM_OPTION(kDBSection, create_missing_column_families),
      LSM_OPTION(kDBSection, atomic_flush),
      LSM_OPTION(kDBSection, recover_to_last_commit),
      LSM_OPTION(kDBSection, block_cache_bytes),
      MemoryBudgetField(),
      LSM_OPTION(kDBSection, info_log_level),
      LSM_OPTION(kDBSection, max_log_file_size),
      LSM_OPTION(kDBSection, keep_log_file_num),
      LSM_OPTION(kCFSection, comparator),
      LSM_OPTION(kCFSection, write_buffer_size),
      LSM_OPTION(kCFSection, memtable_factory),
      LSM_OPTION(kCFSection, prefix_extractor),
      LSM_OPTION(kCFSection, memtable_prefix_bloom_size_ratio),
      LSM_OPTION(kCFSection, max_write_buffer_number),
      LSM_OPTION(kCFSection, compression),
      LSM_OPTION(kCFSection, bloom_bits_per_key),
      LSM_OPTION(kCFSection, block_size),
      LSM_OPTION(kCFSection, block_restart_interval),
      LSM_OPTION(kCFSection, compaction_style),
      LSM_OPTION(kCFSection, compaction_pri),
      LSM_OPTION(kCFSection, disable_auto_compactions),
      LSM_OPTION(kCFSection, level0_file_num_compaction_trigger),
      LSM_OPTION(kCFSection, level0_slowdown_writes_trigger),
      LSM_OPTION(kCFSection, level0_stop_writes_trigger),
      LSM_OPTION(kCFSection, max_bytes_for_level_base),
      LSM_OPTION(kCFSection, max_bytes_for_level_multiplier),
      LSM_OPTION(kCFSection, target_file_size_base),
      LSM_OPTION(kCFSection, level_compaction_dynamic_level_bytes),
      LSM_OPTION(kCFSection, soft_pending_compaction_bytes_limit),
      LSM_OPTION(kCFSection, hard_pending_compaction_bytes_limit),
      LSM_OPTION(kCFSection, compaction_filter),
      LSM_OPTION(kCFSection, merge_operator),
      LSM_OPTION(kCFSection, ttl_seconds),
      LSM_OPTION(kCFSection, compaction_options_universal.size_ratio),
      LSM_OPTION(kCFSection, compaction_options_universal.min_merge_width),
      LSM_OPTION(kCFSection, compaction_options_universal.max_merge_width),
      LSM_OPTION(kCFSection, compaction_options_universal.max_size_amplification_percent),
      LSM_OPTION(kCFSection, compaction_options_fifo.max_table_files_size),
      LSM_OPTION(kCFSection, compaction_options_fifo.ttl_seconds),
      LSM_OPTION(kCFSection, compaction_options_fifo.allow_compaction),
  };
  return *kFields;
}

#undef LSM_OPTION

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The section of a family's options: [CFOptions "NAME"], NAME C-escaped.
std::string FamilySection(std::string_view family) {
  return absl::StrFormat("CFOptions \"%s\"",
                         absl::CEscape(absl::string_view(family.data(), family.size())));
}

// The family a section header names, if it is a [CFOptions "..."] one.
bool ParseFamilySection(std::string_view section, std::string* family) {
  constexpr std::string_view kPrefix = "CFOptions \"";
  if (!section.starts_with(kPrefix) || !section.ends_with('"') ||
      section.size() < kPrefix.size() + 2) {
    return false;
  }
  const std::string_view escaped =
      section.substr(kPrefix.size(), section.size() - kPrefix.size() - 1);
  return absl::CUnescape(absl::string_view(escaped.data(), escaped.size()), family) &&
         !family->empty();
}

// Applies one "name=value" line of `section`; returns why it is bad, or "".
std::string ApplyLine(std::string_view section, std::string_view name, std::string_view value,
                      Options* options) {
  if (section == kVersionSection) {
    if (name != "options_file_version") return absl::StrFormat("unknown key '%s'", name);
    if (value != std::to_string(kOptionsFileVersion)) {
      return absl::StrFormat("options_file_version %s is not supported (this build reads %d)",
                             value, kOptionsFileVersion);
    }
    return "";
  }
  for (const Field& f : Fields()) {
    if (f.section != section || f.name != name) continue;
    const std::string why = f.parse(value, options);
    return why.empty() ? "" : absl::StrFormat("%s is \"%s\": %s", name, value, why);
  }
  return absl::StrFormat("unknown option '%s' in [%s]", name, section);
}

// Parses the text of an OPTIONS file over *options (the database's and the default family's);
// `where` names it in errors. The sections of other families go to *families (if given), each
// parsed over the options of the descriptor of that name already there, else over the default
// family's; without `families` they are checked and dropped.
Status ParseOptionsText(std::string_view text, const std::string& where, Options* options,
                        std::vector<ColumnFamilyDescriptor>* families = nullptr) {
  std::set<std::string> seen;  // sections and "section/name"
  std::string section;
  // The other families, in file order, each parsed into a whole Options.
  std::vector<std::pair<std::string, Options>> others;
  Options* target = options;
  for (int lineno = 1; !text.empty(); lineno++) {
    const size_t nl = std::min(text.find('\n'), text.size());
    const std::string_view line = Trim(text.substr(0, nl));
    text.remove_prefix(std::min(nl + 1, text.size()));
    if (line.empty() || line.front() == '#') continue;
    const std::string at = absl::StrFormat("%s line %d", where, lineno);
    std::string why;
    if (line.front() == '[') {
      section = std::string(line.substr(1, line.size() - 1));
      if (line.back() != ']') {
        why = "a section header must end with ']'";
      } else {
        section.pop_back();
        std::string family;
        target = options;
        if (section != kVersionSection && section != kDBSection && section != kCFSection &&
            !ParseFamilySection(section, &family)) {
          why = absl::StrFormat("unknown section [%s]", section);
        } else if (!seen.insert(section).second) {
          why = absl::StrFormat("section [%s] appears twice", section);
        } else if (!family.empty() && family != kDefaultColumnFamilyName) {
          // Over the family's own descriptor if the caller gave one, else the default family's
          // options as read so far (its section comes first).
          Options start = *options;
          if (families != nullptr) {
            for (const ColumnFamilyDescriptor& d : *families) {
              if (d.name == family) start = Options(*options, d.options);
            }
          }
          others.emplace_back(family, start);
          target = &others.back().second;
        }
      }
    } else if (section.empty()) {
      why = "an option before any section";
    } else if (const size_t eq = line.find('='); eq == std::string_view::npos) {
      why = absl::StrFormat("'%s' is not name=value", line);
    } else {
      const std::string_view name = Trim(line.substr(0, eq));
      if (!seen.insert(section + "/" + std::string(name)).second) {
        why = absl::StrFormat("option '%s' appears twice", name);
      } else if (target != options) {
        // A family's section holds the family options alone.
        why = ApplyLine(kCFSection, name, Trim(line.substr(eq + 1)), target);
      } else {
        why = ApplyLine(section, name, Trim(line.substr(eq + 1)), options);
      }
    }
    if (!why.empty()) return Status::InvalidArgument(at, why);
  }
  for (const char* required : {kVersionSection, kDBSection, kCFSection}) {
    if (!seen.contains(required)) {
      return Status::InvalidArgument(where, absl::StrFormat("no [%s] section", required));
    }
  }
  Status s = ValidateOptions(*options);
  if (!s.ok()) return Status::InvalidArgument(where, s.message());
  for (auto& [name, family] : others) {
    s = ValidateOptions(Options(*options, family));
    if (!s.ok())
      return Status::InvalidArgument(where, "column family " + name + ": " + s.message());
  }
  if (families != nullptr) {
    families->clear();
    families->push_back({kDefaultColumnFamilyName, *options});
    for (auto& [name, family] : others) families->push_back({name, family});
  }
  return Status::OK();
}

FileSystem* FileSystemOf(const Options& options) {
  return options.file_system != nullptr ? options.file_system.get() : FileSystem::Default().get();
}

}  // namespace

std::string FamilyOptionsToString(const std::string& name, const Options& options) {
  std::string text = absl::StrFormat("\n[%s]\n", FamilySection(name));
  for (const Field& f : Fields()) {
    if (f.section == kCFSection)
      absl::StrAppendFormat(&text, "  %s=%s\n", f.name, f.format(options));
  }
  return text;
}

std::string OptionsToString(const Options& options) {
  std::string text = absl::StrFormat(
      "# lsm options: every option of a database as it was opened. lsm::LoadOptionsFromFile\n"
      "# reads this file back.\n[%s]\n  options_file_version=%d\n",
      kVersionSection, kOptionsFileVersion);
  const char* section = nullptr;
  for (const Field& f : Fields()) {
    if (f.section != section) {
      section = f.section;
      absl::StrAppendFormat(&text, "\n[%s]\n", section);
    }
    absl::StrAppendFormat(&text, "  %s=%s\n", f.name, f.format(options));
  }
  return text;
}

namespace {

Status ReadOptionsFile(FileSystem* fs, const std::string& path, std::string* text) {
  std::unique_ptr<SequentialFile> file;
  Status s = fs->NewSequentialFile(path, &file);
  std::string scratch(1 << 16, '\0');
  while (s.ok()) {
    std::string_view chunk;
    s = file->Read(scratch.size(), &chunk, scratch.data());
    if (!s.ok() || chunk.empty()) break;
    text->append(chunk);
    if (text->size() > (1 << 20)) {
      return Status::InvalidArgument(path, "too large for an OPTIONS file");
    }
  }
  return s;
}

// The path of the newest OPTIONS file in `dbname`.
Status LatestOptionsFile(FileSystem* fs, const std::string& dbname, std::string* file) {
  std::vector<std::string> children;
  Status s = fs->GetChildren(dbname, &children);
  if (!s.ok()) return s;
  uint64_t newest = 0;
  for (const std::string& child : children) {
    uint64_t number;
    FileType type;
    if (ParseFileName(child, &number, &type) && type == FileType::kOptions) {
      newest = std::max(newest, number);
    }
  }
  if (newest == 0) return Status::NotFound(dbname, "holds no OPTIONS file");
  *file = OptionsFileName(dbname, newest);
  return Status::OK();
}

}  // namespace

Status LoadOptionsFromFile(const std::string& path, Options* options) {
  std::string text;
  Status s = ReadOptionsFile(FileSystemOf(*options), path, &text);
  if (!s.ok()) return s;
  Options loaded = *options;
  s = ParseOptionsText(text, path, &loaded);
  if (s.ok()) *options = std::move(loaded);
  return s;
}

Status LoadLatestOptions(const std::string& dbname, Options* options, std::string* path) {
  std::string file;
  Status s = LatestOptionsFile(FileSystemOf(*options), dbname, &file);
  if (!s.ok()) return s;
  if (path != nullptr) *path = file;
  return LoadOptionsFromFile(file, options);
}

Status LoadLatestOptions(const std::string& dbname, DBOptions* db_options,
                         std::vector<ColumnFamilyDescriptor>* families, std::string* path) {
  Options loaded(*db_options, ColumnFamilyOptions());
  for (const ColumnFamilyDescriptor& d : *families) {
    if (d.name == kDefaultColumnFamilyName) loaded = Options(*db_options, d.options);
  }
  std::string file;
  Status s = LatestOptionsFile(FileSystemOf(loaded), dbname, &file);
  if (!s.ok()) return s;
  if (path != nullptr) *path = file;
  std::string text;
  s = ReadOptionsFile(FileSystemOf(loaded), file, &text);
  if (!s.ok()) return s;
  std::vector<ColumnFamilyDescriptor> parsed = *families;
  s = ParseOptionsText(text, file, &loaded, &parsed);
  if (!s.ok()) return s;
  *db_options = loaded;
  *families = std::move(parsed);
  return Status::OK();
}

Status SetOptionFromString(std::string_view name, std::string_view value, Options* options) {
  for (const Field& f : Fields()) {
    if (f.name != name) continue;
    const std::string why = f.parse(value, options);
    if (why.empty()) return Status::OK();
    return Status::InvalidArgument(absl::StrFormat("%s is \"%s\": %s", name, value, why));
  }
  return Status::InvalidArgument(absl::StrFormat("unknown option '%s'", name));
}

Status WriteOptionsFile(FileSystem* fs, const std::string& dbname, uint64_t number,
                        const Options& options,
                        const std::vector<std::pair<std::string, Options>>& families) {
  const std::string temp = TempFileName(dbname, number);
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(temp, &file);
  std::string text = OptionsToString(options);
  for (const auto& [name, family] : families) text += FamilyOptionsToString(name, family);
  if (s.ok()) s = file->Append(text);
  if (s.ok()) s = file->Sync();
  if (s.ok()) s = file->Close();
  if (s.ok()) s = fs->RenameFile(temp, OptionsFileName(dbname, number));
  if (!s.ok()) {
    (void)fs->RemoveFile(temp);
    return s;
  }
  // Keep this file and the one before it.
  std::vector<std::string> children;
  if (!fs->GetChildren(dbname, &children).ok()) return Status::OK();
  std::vector<uint64_t> older;
  for (const std::string& child : children) {
    uint64_t n;
    FileType type;
    if (ParseFileName(child, &n, &type) && type == FileType::kOptions && n < number) {
      older.push_back(n);
    }
  }
  std::sort(older.begin(), older.end());
  for (size_t i = 0; i + 1 < older.size(); i++) {
    (void)fs->RemoveFile(OptionsFileName(dbname, older[i]));
  }
  return Status::OK();
}

}  // namespace lsm
