#include "src/version/version_set.h"

#include <absl/container/flat_hash_set.h>
#include <absl/strings/str_format.h>

#include <algorithm>

#include "src/base/filename.h"
#include "src/util/killpoint.h"
#include "src/wal/log_reader.h"

namespace lsm {

Status SetCurrentFile(FileSystem* fs, const std::string& dbname, uint64_t manifest_number) {
  const std::string manifest(BaseName(ManifestFileName(dbname, manifest_number)));
  const std::string tmp = TempFileName(dbname, manifest_number);
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(tmp, &file);
  if (s.ok()) s = file->Append(manifest + "\n");
  if (s.ok()) s = file->Sync();
  if (s.ok()) s = file->Close();
  if (s.ok()) s = fs->RenameFile(tmp, CurrentFileName(dbname));
  if (s.ok()) LSM_KILLPOINT("current.rename");
  if (s.ok()) s = fs->SyncDir(dbname);
  if (s.ok()) LSM_KILLPOINT("dir.sync");
  if (!s.ok()) (void)fs->RemoveFile(tmp);
  return s;
}

Status ReadCurrentFile(FileSystem* fs, const std::string& dbname, uint64_t* manifest_number) {
  const std::string path = CurrentFileName(dbname);
  std::unique_ptr<SequentialFile> file;
  Status s = fs->NewSequentialFile(path, &file);
  if (!s.ok()) return s;
  char buf[64];
  std::string_view contents;
  s = file->Read(sizeof(buf), &contents, buf);
  if (!s.ok()) return s;
  FileType type;
  if (contents.size() < 2 || contents.back() != '\n' ||
      !ParseFileName(contents.substr(0, contents.size() - 1), manifest_number, &type) ||
      type != FileType::kManifest) {
    return Status::Corruption(path, "does not name a MANIFEST");
  }
  return Status::OK();
}

VersionSet::VersionSet(std::string dbname, const Options& options)
    : dbname_(std::move(dbname)), options_(options), icmp_(options.comparator) {
  MutexLock l(&mu_);
  current_ = std::make_shared<const Version>(&icmp_);
}

VersionSet::~VersionSet() {
  if (manifest_ != nullptr) (void)manifest_->Close();
}

std::shared_ptr<const Version> VersionSet::current() const {
  MutexLock l(&mu_);
  return current_;
}

void VersionSet::MarkFileNumberUsed(uint64_t number) {
  uint64_t next = next_file_number_.load();
  while (next <= number && !next_file_number_.compare_exchange_weak(next, number + 1)) {
  }
}

uint64_t VersionSet::log_number() const {
  MutexLock l(&mu_);
  return log_number_;
}

SequenceNumber VersionSet::last_sequence() const {
  MutexLock l(&mu_);
  return last_sequence_;
}

uint64_t VersionSet::manifest_number() const {
  MutexLock l(&mu_);
  return manifest_number_;
}

void VersionSet::PruneLiveVersions() const {
  std::erase_if(live_, [](const auto& w) { return w.expired(); });
}

template <typename Fn>
void VersionSet::ForEachLiveTable(Fn fn) const {
  PruneLiveVersions();
  for (const auto& weak : live_) {
    if (auto v = weak.lock()) {
      for (int level = 0; level < kNumLevels; level++) {
        for (const auto& f : v->files(level)) fn(*f);
      }
    }
  }
}

void VersionSet::AddLiveFiles(std::vector<uint64_t>* numbers) const {
  MutexLock l(&mu_);
  numbers->insert(numbers->end(), unsure_files_.begin(), unsure_files_.end());
  ForEachLiveTable([numbers](const FileMetaData& f) { numbers->push_back(f.number); });
}

uint64_t VersionSet::NumLiveVersions() const {
  MutexLock l(&mu_);
  PruneLiveVersions();
  return live_.size();
}

uint64_t VersionSet::LiveTableBytes() const {
  MutexLock l(&mu_);
  uint64_t bytes = 0;
  absl::flat_hash_set<uint64_t> seen;
  ForEachLiveTable([&](const FileMetaData& f) {
    if (seen.insert(f.number).second) bytes += f.file_size;
  });
  return bytes;
}

Status VersionSet::CreateNew() {
  VersionEdit edit;
  edit.SetLogNumber(0);
  edit.SetLastSequence(0);
  return LogAndApply(&edit);
}

Status VersionSet::Recover() {
  FileSystem* fs = options_.file_system.get();
  uint64_t number;
  Status s = ReadCurrentFile(fs, dbname_, &number);
  if (!s.ok()) return s;
  const std::string path = ManifestFileName(dbname_, number);
  std::unique_ptr<SequentialFile> file;
  s = fs->NewSequentialFile(path, &file);
  if (s.IsNotFound()) return Status::Corruption(path, "named by CURRENT but missing");
  if (!s.ok()) return s;

  // Damage with no intact record after it is an edit whose sync never returned (torn, or left
  // zero- or garbage-filled by a power loss), so it was never acknowledged.
  log::Reader reader(std::move(file), "manifest " + std::string(BaseName(path)), number,
                     WALRecoveryMode::kPointInTimeRecovery);
  VersionBuilder builder(&icmp_, nullptr);
  std::optional<uint64_t> log_number, next_file, last_sequence;
  std::string_view record;
  std::string scratch;
  while (reader.ReadRecord(&record, &scratch)) {
    VersionEdit edit;
    s = edit.DecodeFrom(record);
    if (s.ok() && edit.comparator() && *edit.comparator() != icmp_.Name()) {
      return Status::InvalidArgument(
          absl::StrFormat("database was created with comparator %s, opened with %s",
                          *edit.comparator(), icmp_.Name()));
    }
    if (s.ok()) s = builder.Apply(edit);
    if (!s.ok()) {
      return s.WithContext(
          absl::StrFormat("manifest %s record @ %u", BaseName(path), reader.last_record_offset()));
    }
    if (edit.log_number()) log_number = edit.log_number();
    if (edit.next_file_number()) next_file = edit.next_file_number();
    if (edit.last_sequence()) last_sequence = edit.last_sequence();
  }
  if (!reader.status().ok()) return reader.status();
  if (!reader.report().damage.ok() && !reader.report().reopenable) return reader.report().damage;
  if (!next_file || !log_number || !last_sequence) {
    return Status::Corruption(path, "lacks the next file number, log number or last sequence");
  }
  std::shared_ptr<const Version> v;
  s = builder.Build(&v);
  if (!s.ok()) return s.WithContext(std::string(BaseName(path)));

  next_file_number_.store(*next_file);
  MarkFileNumberUsed(number);
  MarkFileNumberUsed(*log_number);
  VersionEdit applied;
  applied.SetLogNumber(*log_number);
  applied.SetLastSequence(*last_sequence);
  Install(std::move(v), applied);
  return Status::OK();
}

Status VersionSet::WriteSnapshot(log::Writer* writer) const {
  VersionEdit edit;
  edit.SetComparatorName(icmp_.Name());
  std::shared_ptr<const Version> v = current();
  for (int level = 0; level < kNumLevels; level++) {
    for (const auto& f : v->files(level)) edit.AddFile(level, *f);
  }
  std::string record;
  edit.EncodeTo(&record);
  return writer->AddRecord(record);
}

Status VersionSet::StartManifest() {
  FileSystem* fs = options_.file_system.get();
  const uint64_t number = NewFileNumber();
  const std::string path = ManifestFileName(dbname_, number);
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(path, &file);
  if (s.ok()) s = log::Writer::Create(std::move(file), number, &manifest_);
  if (s.ok()) s = WriteSnapshot(manifest_.get());
  if (!s.ok()) {
    manifest_.reset();
    (void)fs->RemoveFile(path);
    return s;
  }
  return Status::OK();
}

Status VersionSet::LogAndApply(VersionEdit* edit) {
  {
    MutexLock l(&mu_);
    if (!edit->log_number()) edit->SetLogNumber(log_number_);
    if (!edit->last_sequence()) edit->SetLastSequence(last_sequence_);
  }
  std::shared_ptr<const Version> base = current();
  VersionBuilder builder(&icmp_, base.get());
  Status s = builder.Apply(*edit);
  std::shared_ptr<const Version> v;
  if (s.ok()) s = builder.Build(&v);
  if (!s.ok()) return s;

  if (!edit->new_files().empty()) {
    s = options_.file_system->SyncDir(dbname_);
    if (!s.ok()) return s;
    LSM_KILLPOINT("dir.sync");
  }
  const bool new_manifest = manifest_ == nullptr;
  if (new_manifest) {
    s = StartManifest();
    if (!s.ok()) return s;
  }
  // Taken after StartManifest, which uses a file number itself.
  edit->SetNextFileNumber(next_file_number_.load());
  std::string record;
  edit->EncodeTo(&record);
  s = manifest_->AddRecord(record);
  if (s.ok()) LSM_KILLPOINT("manifest.append");
  if (s.ok()) s = manifest_->Sync();
  if (s.ok()) LSM_KILLPOINT("manifest.synced");
  const uint64_t number = manifest_->log_number();
  bool current_set = false;
  if (s.ok() && new_manifest) {
    s = SetCurrentFile(options_.file_system.get(), dbname_, number);
    current_set = true;
  }
  if (!s.ok()) {
    // The MANIFEST's state is unknown: abandon it; the next edit starts a new one.
    (void)manifest_->Close();
    manifest_.reset();
    if (new_manifest && !current_set) {
      (void)options_.file_system->RemoveFile(ManifestFileName(dbname_, number));
    }
    MutexLock l(&mu_);
    for (const auto& [level, f] : edit->new_files()) unsure_files_.push_back(f.number);
    return s;
  }
  {
    MutexLock l(&mu_);
    manifest_number_ = number;
    if (new_manifest) unsure_files_.clear();
  }
  Install(std::move(v), *edit);
  return Status::OK();
}

void VersionSet::Install(std::shared_ptr<const Version> v, const VersionEdit& edit) {
  MutexLock l(&mu_);
  PruneLiveVersions();
  live_.push_back(v);
  current_ = std::move(v);
  if (edit.log_number()) log_number_ = *edit.log_number();
  if (edit.last_sequence()) last_sequence_ = *edit.last_sequence();
}

}  // namespace lsm
