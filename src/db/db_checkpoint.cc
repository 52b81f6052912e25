// DBImpl: checkpoints (see db_impl.h and include/lsm/checkpoint.h).
//
// A checkpoint is taken in three steps.
// 1. CaptureCheckpoint runs as an exclusive writer, so no write group is appending to the log.
//    Under mu_ it takes the VersionSet's state (each live family's current version and log
//    number, at one moment, the versions held so that their tables stay), the database's last
//    sequence, and the logs from the smallest of those log numbers on, each with the bytes it
//    holds; it pins those logs (checkpoint_logs_) against DeleteObsoleteFiles.
// 2. WriteCheckpoint, with no lock held, links the versions' tables into the new directory
//    under their own numbers (copying those that cannot be linked), copies the logs up to those
//    sizes (not linked: the newest is still being appended), and writes a MANIFEST that is one
//    snapshot of the state (WriteManifestSnapshot, as a new MANIFEST of the database starts),
//    CURRENT, OPTIONS and CHECKPOINT, the list of its tables.
// 3. ReleaseCheckpoint lets go of the versions and the pin, and deletes what only they kept.
// Opening the checkpoint replays the copied logs into each family from its log number on, as
// recovering the database itself would have at that moment: every write acknowledged before
// the capture, in no table of the captured versions, is in those bytes. Writes made without
// the WAL are in no log: Create flushes them first.
#include <absl/strings/numbers.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_split.h>

#include <algorithm>
#include <map>
#include <utility>

#include "src/base/filename.h"
#include "src/db/db_impl.h"
#include "src/db/options_file.h"
#include "src/io/read_file.h"
#include "src/wal/log_writer.h"

namespace lsm {
namespace {

// The file that marks a directory as a checkpoint and lists its tables:
//   lsm checkpoint 1
//   last_sequence 1234
//   table 000012.sst 4096        (one line per table: name and size in bytes)
constexpr char kCheckpointFile[] = "CHECKPOINT";
constexpr char kCheckpointHeader[] = "lsm checkpoint 1";

// Table file name -> size.
using TableList = std::map<std::string, uint64_t>;

std::string EncodeTableList(const TableList& tables, SequenceNumber last_sequence) {
  std::string text = absl::StrFormat("%s\nlast_sequence %u\n", kCheckpointHeader, last_sequence);
  for (const auto& [name, size] : tables) absl::StrAppendFormat(&text, "table %s %u\n", name, size);
  return text;
}

// The tables the CHECKPOINT file of checkpoint `dir` lists.
Status ReadTableList(FileSystem* fs, const std::string& dir, TableList* tables) {
  tables->clear();
  Status s = fs->FileExists(dir);
  if (s.IsNotFound()) return Status::InvalidArgument(dir, "the base checkpoint does not exist");
  if (!s.ok()) return s;
  const std::string path = dir + "/" + kCheckpointFile;
  s = fs->FileExists(path);
  if (s.IsNotFound()) {
    return Status::InvalidArgument(dir, "the base is not a checkpoint (it has no CHECKPOINT file)");
  }
  std::string text;
  if (s.ok()) s = ReadFileToString(fs, path, &text);
  if (!s.ok()) return s;
  if (!text.ends_with('\n')) return Status::Corruption(path, "truncated");
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  lines.pop_back();  // after the last newline
  if (lines.empty() || lines[0] != kCheckpointHeader) {
    return Status::Corruption(path,
                              "does not start with \"" + std::string(kCheckpointHeader) + "\"");
  }
  for (size_t i = 1; i < lines.size(); i++) {
    const std::vector<std::string> words = absl::StrSplit(lines[i], ' ');
    uint64_t number, size;
    FileType type;
    if (words.size() == 2 && words[0] == "last_sequence" && absl::SimpleAtoi(words[1], &size)) {
      continue;
    }
    if (words.size() != 3 || words[0] != "table" || !ParseFileName(words[1], &number, &type) ||
        type != FileType::kTable || !absl::SimpleAtoi(words[2], &size) ||
        !tables->emplace(words[1], size).second) {
      return Status::Corruption(path, absl::StrFormat("line %u is malformed", i + 1));
    }
  }
  return Status::OK();
}

// Writes `contents` to a new file `path`, synced.
Status WriteSyncedFile(FileSystem* fs, const std::string& path, std::string_view contents) {
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(path, &file);
  if (s.ok()) s = file->Append(contents);
  if (s.ok()) s = file->Sync();
  if (s.ok()) s = file->Close();
  return s;
}

// Removes the files in `dir`, then `dir`.
Status RemoveDirAndFiles(FileSystem* fs, const std::string& dir) {
  std::vector<std::string> children;
  Status s = fs->GetChildren(dir, &children);
  if (!s.ok()) return s;
  for (const std::string& child : children) (void)fs->RemoveFile(dir + "/" + child);
  return fs->RemoveDir(dir);
}

// The directory that holds `path`.
std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

struct DBImpl::CheckpointState {
  VersionSet::State versions;
  // The logs to copy, oldest first: number and bytes.
  std::vector<std::pair<uint64_t, uint64_t>> logs;
  uint64_t oldest_log = 0;  // in checkpoint_logs_ while `pinned`
  bool pinned = false;
  // The families but the default one, with their options, for the OPTIONS file.
  std::vector<std::pair<std::string, Options>> family_options;
  uint64_t version_generation = 0;  // version_generation_ before the capture
  // The tables of the versions: file name -> size.
  std::map<std::string, uint64_t> tables;
};

Status DBImpl::CreateCheckpoint(const std::string& dir, const CheckpointOptions& options,
                                CheckpointInfo* info) {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  if (read_only_) return ReadOnly();
  s = fs_->FileExists(dir);
  if (s.ok()) {
    return Status::InvalidArgument(
        dir, "exists: a checkpoint is made in a directory that does not exist yet");
  }
  if (!s.IsNotFound()) return s;
  TableList base;
  if (!options.base.empty()) {
    s = ReadTableList(fs_, options.base, &base);
    if (!s.ok()) return s;
  }
  // The checkpoint is built here and renamed to `dir` once complete. What an interrupted
  // checkpoint left here is removed first.
  const std::string staging = dir + ".tmp";
  if (fs_->FileExists(staging).ok()) {
    s = RemoveDirAndFiles(fs_, staging);
    if (!s.ok()) {
      return Status::InvalidArgument(staging,
                                     "is in the way and cannot be removed: " + s.ToString());
    }
  }
  s = fs_->CreateDirIfMissing(staging);
  if (!s.ok()) return s;

  // Writes made without the WAL are in no log: the checkpoint gets them in tables.
  bool unlogged = false;
  {
    MutexLock l(&mu_);
    for (const Family* f : live_families_) {
      unlogged = unlogged || f->mem_has_unlogged;
      for (const Immutable& imm : f->imms) unlogged = unlogged || imm.unlogged;
    }
  }
  if (unlogged) s = Flush();
  CheckpointState state;
  if (s.ok()) s = CaptureCheckpoint(&state);
  CheckpointInfo made;
  if (s.ok()) s = WriteCheckpoint(state, staging, &made);
  ReleaseCheckpoint(&state);
  bool renamed = false;
  if (s.ok()) {
    s = fs_->RenameFile(staging, dir);
    renamed = s.ok();
  }
  if (s.ok()) s = fs_->SyncDir(ParentDir(dir));
  if (!s.ok()) {
    (void)RemoveDirAndFiles(fs_, renamed ? dir : staging);
    info_log_.Warn("checkpoint %s failed: %s", dir, s.ToString());
    return s;
  }

  for (const auto& [name, size] : state.tables) {
    auto it = base.find(name);
    if (it == base.end() || it->second != size) made.added.push_back(name);
  }
  for (const auto& [name, size] : base) {
    auto it = state.tables.find(name);
    if (it == state.tables.end() || it->second != size) made.removed.push_back(name);
  }
  info_log_.Info(
      "checkpoint %s: %u tables (%u copied, %u added since %s), %u logs, last sequence %u", dir,
      made.tables.size(), made.tables_copied, made.added.size(),
      options.base.empty() ? "none" : options.base, state.logs.size(), made.last_sequence);
  if (info != nullptr) *info = std::move(made);
  return Status::OK();
}

Status DBImpl::CaptureCheckpoint(CheckpointState* state) {
  // Read before the versions: a version installed after this is seen on release.
  state->version_generation = version_generation_.load();
  Status s = RunExclusive([&] {
    mu_.AssertHeld();
    if (!bg_error_.ok()) return bg_error_.WithContext("checkpoint: the database is in error");
    if (log_ == nullptr) return Status::IOError("checkpoint: the database has no log");
    state->versions = versions_->CaptureState();
    // Every write so far is done (none is under way): the checkpoint holds them all.
    state->versions.last_sequence = std::max(state->versions.last_sequence, last_sequence_);
    uint64_t oldest = log_number_;
    for (const VersionSet::State::Family& f : state->versions.families) {
      oldest = std::min(oldest, f.log_number);
    }
    for (const auto& [number, bytes] : closed_logs_) {
      if (number >= oldest) state->logs.emplace_back(number, bytes);
    }
    state->logs.emplace_back(log_number_, log_->file_size());
    state->oldest_log = oldest;
    checkpoint_logs_.insert(oldest);
    state->pinned = true;
    for (const Family* f : live_families_) {
      if (f->id != 0) state->family_options.emplace_back(f->name, f->options);
    }
    return Status::OK();
  });
  for (const VersionSet::State::Family& family : state->versions.families) {
    for (int level = 0; level < kNumLevels; level++) {
      for (const auto& f : family.version->files(level)) {
        state->tables[std::string(BaseName(TableFileName(dbname_, f->number)))] = f->file_size;
      }
    }
  }
  return s;
}

void DBImpl::ReleaseCheckpoint(CheckpointState* state) {
  for (VersionSet::State::Family& family : state->versions.families) family.version.reset();
  if (!state->pinned) return;
  MutexLock l(&mu_);
  checkpoint_logs_.erase(checkpoint_logs_.find(state->oldest_log));
  state->pinned = false;
  // A flush or compaction that finished meanwhile left what the checkpoint held.
  if (version_generation_.load() != state->version_generation && !shutting_down_ &&
      bg_error_.ok()) {
    DeleteObsoleteFiles();
  }
}

Status DBImpl::WriteCheckpoint(const CheckpointState& state, const std::string& dir,
                               CheckpointInfo* info) {
  // Tables keep their names (numbers), so that the MANIFEST's entries name them.
  for (const auto& [name, size] : state.tables) {
    const std::string from = dbname_ + "/" + name;
    const std::string to = dir + "/" + name;
    if (!fs_->LinkFile(from, to).ok()) {
      Status s = CopyFile(fs_, from, to, size);
      if (!s.ok()) return s;
      info->tables_copied++;
    }
    info->tables.push_back(name);
  }

  std::vector<std::string> others;
  for (const auto& [number, bytes] : state.logs) {
    const std::string to = LogFileName(dir, number);
    Status s = CopyFile(fs_, LogFileName(dbname_, number), to, bytes);
    if (!s.ok()) return s;
    others.emplace_back(BaseName(to));
  }

  // The MANIFEST and OPTIONS take numbers above every file of the state.
  VersionSet::State manifest = state.versions;
  const uint64_t manifest_number = manifest.next_file_number;
  const uint64_t options_number = manifest_number + 1;
  manifest.next_file_number = manifest_number + 2;
  const std::string manifest_path = ManifestFileName(dir, manifest_number);
  std::unique_ptr<WritableFile> file;
  Status s = fs_->NewWritableFile(manifest_path, &file);
  std::unique_ptr<log::Writer> writer;
  if (s.ok()) s = log::Writer::Create(std::move(file), manifest_number, &writer);
  if (s.ok()) s = WriteManifestSnapshot(manifest, /*counters=*/true, writer.get());
  if (s.ok()) s = writer->Sync();
  if (writer != nullptr) {
    const Status closed = writer->Close();
    if (s.ok()) s = closed;
  }
  if (s.ok()) s = SetCurrentFile(fs_, dir, manifest_number);
  if (s.ok()) s = lsm::WriteOptionsFile(fs_, dir, options_number, options_, state.family_options);
  if (s.ok()) {
    s = WriteSyncedFile(fs_, dir + "/" + kCheckpointFile,
                        EncodeTableList(state.tables, manifest.last_sequence));
  }
  if (s.ok()) s = fs_->SyncDir(dir);
  if (!s.ok()) return s;
  others.emplace_back(BaseName(CurrentFileName(dir)));
  others.emplace_back(BaseName(manifest_path));
  others.emplace_back(BaseName(OptionsFileName(dir, options_number)));
  others.emplace_back(kCheckpointFile);
  std::sort(others.begin(), others.end());
  info->other_files = std::move(others);
  info->last_sequence = manifest.last_sequence;
  return Status::OK();
}

}  // namespace lsm
