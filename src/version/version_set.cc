#include "src/version/version_set.h"

#include <absl/container/flat_hash_set.h>
#include <absl/strings/str_format.h>

#include <algorithm>

#include "lsm/column_family.h"
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

namespace {

// Opens the MANIFEST that CURRENT names for reading, as recovery reads it: damage with no
// intact record after it is an edit whose sync never returned (torn, or left zero- or
// garbage-filled by a power loss), so it was never acknowledged.
Status OpenCurrentManifest(FileSystem* fs, const std::string& dbname,
                           std::unique_ptr<log::Reader>* reader, std::string* path,
                           uint64_t* number) {
  Status s = ReadCurrentFile(fs, dbname, number);
  if (!s.ok()) return s;
  *path = ManifestFileName(dbname, *number);
  std::unique_ptr<SequentialFile> file;
  s = fs->NewSequentialFile(*path, &file);
  if (s.IsNotFound()) return Status::Corruption(*path, "named by CURRENT but missing");
  if (!s.ok()) return s;
  *reader =
      std::make_unique<log::Reader>(std::move(file), "manifest " + std::string(BaseName(*path)),
                                    *number, WALRecoveryMode::kPointInTimeRecovery);
  return Status::OK();
}

}  // namespace

Status ListColumnFamilies(FileSystem* fs, const std::string& dbname,
                          std::vector<std::string>* names) {
  names->clear();
  std::unique_ptr<log::Reader> manifest;
  std::string path;
  uint64_t number;
  Status s = OpenCurrentManifest(fs, dbname, &manifest, &path, &number);
  if (!s.ok()) return s;
  log::Reader& reader = *manifest;
  absl::btree_map<uint32_t, std::string> families = {{0, kDefaultColumnFamilyName}};
  std::string_view record;
  std::string scratch;
  std::vector<VersionEdit> edits;
  while (reader.ReadRecord(&record, &scratch)) {
    s = VersionEdit::DecodeGroup(record, &edits);
    if (!s.ok()) return s.WithContext(std::string(BaseName(path)));
    for (const VersionEdit& edit : edits) {
      if (edit.column_family_name()) families[edit.column_family()] = *edit.column_family_name();
      if (edit.is_column_family_drop()) families.erase(edit.column_family());
    }
  }
  if (!reader.status().ok()) return reader.status();
  for (const auto& [id, name] : families) names->push_back(name);
  return Status::OK();
}

VersionSet::VersionSet(std::string dbname, const Options& options)
    : dbname_(std::move(dbname)), options_(options) {
  MutexLock l(&mu_);
  Family& family = families_[0];
  family.name = kDefaultColumnFamilyName;
  family.icmp = std::make_unique<const InternalKeyComparator>(options.comparator);
  family.ttl = options.ttl_seconds > 0;
  family.current = std::make_shared<const Version>(family.icmp.get());
}

VersionSet::~VersionSet() {
  if (manifest_ != nullptr) (void)manifest_->Close();
}

VersionSet::Family* VersionSet::FindFamily(uint32_t id) {
  auto it = families_.find(id);
  return it == families_.end() || it->second.dropped ? nullptr : &it->second;
}

const VersionSet::Family* VersionSet::FindFamily(uint32_t id) const {
  auto it = families_.find(id);
  return it == families_.end() || it->second.dropped ? nullptr : &it->second;
}

std::shared_ptr<const Version> VersionSet::current(uint32_t id) const {
  MutexLock l(&mu_);
  const Family* family = FindFamily(id);
  return family != nullptr ? family->current : nullptr;
}

std::vector<std::pair<uint32_t, std::string>> VersionSet::ColumnFamilies() const {
  MutexLock l(&mu_);
  std::vector<std::pair<uint32_t, std::string>> result;
  for (const auto& [id, family] : families_) {
    if (!family.dropped) result.emplace_back(id, family.name);
  }
  return result;
}

const InternalKeyComparator* VersionSet::icmp(uint32_t id) const {
  MutexLock l(&mu_);
  auto it = families_.find(id);
  return it == families_.end() ? nullptr : it->second.icmp.get();
}

bool VersionSet::ttl(uint32_t id) const {
  MutexLock l(&mu_);
  auto it = families_.find(id);
  return it != families_.end() && it->second.ttl;
}

void VersionSet::MarkFileNumberUsed(uint64_t number) {
  uint64_t next = next_file_number_.load();
  while (next <= number && !next_file_number_.compare_exchange_weak(next, number + 1)) {
  }
}

uint64_t VersionSet::log_number(uint32_t id) const {
  MutexLock l(&mu_);
  const Family* family = FindFamily(id);
  return family != nullptr ? family->log_number : 0;
}

uint64_t VersionSet::MinLogNumber() const {
  MutexLock l(&mu_);
  uint64_t min = ~uint64_t{0};
  for (const auto& [id, family] : families_) {
    if (!family.dropped) min = std::min(min, family.log_number);
  }
  return min;
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

Status VersionSet::Recover(const ComparatorOf& comparator_of, std::vector<std::string>* unopened) {
  std::unique_ptr<log::Reader> manifest;
  std::string path;
  uint64_t number;
  Status s = OpenCurrentManifest(options_.file_system.get(), dbname_, &manifest, &path, &number);
  if (!s.ok()) return s;

  // What the MANIFEST says of each family as it is read.
  struct Loading {
    std::string name;
    std::unique_ptr<const InternalKeyComparator> icmp;  // null: not opened, edits skipped
    bool ttl = false;
    std::unique_ptr<VersionBuilder> builder;
    std::optional<uint64_t> log_number;
  };
  absl::btree_map<uint32_t, Loading> loading;
  absl::btree_map<uint32_t, std::string> skipped;  // families not opened
  auto start_family = [&](uint32_t id, const std::string& name) {
    const Comparator* cmp = comparator_of != nullptr ? comparator_of(name)
                            : id == 0                ? options_.comparator
                                                     : nullptr;
    Loading& family = loading[id];
    family.name = name;
    if (cmp == nullptr) {
      skipped[id] = name;
      return;
    }
    family.icmp = std::make_unique<const InternalKeyComparator>(cmp);
    family.builder = std::make_unique<VersionBuilder>(family.icmp.get(), nullptr);
  };
  start_family(0, kDefaultColumnFamilyName);
  uint32_t max_column_family = 0;

  // Applies an edit to the families; with `tables` false, only its creation or drop of a family.
  auto apply = [&](const VersionEdit& edit, bool tables) -> Status {
    const uint32_t id = edit.column_family();
    if (edit.column_family_name()) {
      if (loading.contains(id)) {
        return Status::Corruption(absl::StrFormat("creates column family %u twice", id));
      }
      start_family(id, *edit.column_family_name());
      max_column_family = std::max(max_column_family, id);
    }
    auto it = loading.find(id);
    if (it == loading.end()) {
      return Status::Corruption(absl::StrFormat("an edit of unknown column family %u", id));
    }
    Loading& family = it->second;
    if (edit.is_column_family_drop()) {
      if (id == 0) return Status::Corruption("drops the default column family");
      loading.erase(it);
      skipped.erase(id);
      return Status::OK();
    }
    if (family.builder == nullptr) return Status::OK();  // not opened
    if (edit.comparator() && *edit.comparator() != family.icmp->Name()) {
      return Status::InvalidArgument(
          absl::StrFormat("column family %s was created with comparator %s, opened with %s",
                          family.name, *edit.comparator(), family.icmp->Name()));
    }
    if (edit.ttl()) family.ttl = true;
    if (!tables) return Status::OK();
    if (edit.log_number()) family.log_number = edit.log_number();
    return family.builder->Apply(edit);
  };

  log::Reader& reader = *manifest;
  std::optional<uint64_t> next_file, last_sequence;
  std::string_view record;
  std::string scratch;
  std::vector<VersionEdit> edits;
  // A MANIFEST that recovers to its last commit says so in its first record; its edits wait in
  // `pending` until a commit takes them in.
  bool to_commit = false, first = true, committed = false;
  std::vector<VersionEdit> pending;
  std::optional<std::string> metadata;
  while (reader.ReadRecord(&record, &scratch)) {
    s = VersionEdit::DecodeGroup(record, &edits);
    bool commit = false;
    for (size_t i = 0; s.ok() && i < edits.size(); i++) {
      const VersionEdit& edit = edits[i];
      if (first && edit.recover_to_commit()) to_commit = true;
      first = false;
      if (edit.commit_metadata()) {
        commit = true;
        metadata = edit.commit_metadata();
      }
      if (edit.max_column_family()) {
        max_column_family = std::max(max_column_family, *edit.max_column_family());
      }
      if (edit.next_file_number()) next_file = edit.next_file_number();
      // The last sequence only grows (edits of a group built at different moments may differ).
      if (edit.last_sequence())
        last_sequence = std::max(last_sequence.value_or(0), *edit.last_sequence());
    }
    if (s.ok() && to_commit) {
      std::move(edits.begin(), edits.end(), std::back_inserter(pending));
      edits.clear();
      if (commit) {
        for (size_t i = 0; s.ok() && i < pending.size(); i++) s = apply(pending[i], true);
        pending.clear();
        committed = true;
      }
    }
    for (size_t i = 0; s.ok() && i < edits.size(); i++) s = apply(edits[i], true);
    if (!s.ok()) {
      return s.WithContext(
          absl::StrFormat("manifest %s record @ %u", BaseName(path), reader.last_record_offset()));
    }
  }
  if (!reader.status().ok()) return reader.status();
  if (!reader.report().damage.ok() && !reader.report().reopenable) return reader.report().damage;
  if (to_commit && !committed) return Status::Corruption(path, "records no commit to recover to");
  // Since the last commit: the families created and dropped stand, the tables go.
  for (const VersionEdit& edit : pending) {
    s = apply(edit, false);
    if (!s.ok()) return s.WithContext(std::string(BaseName(path)));
  }
  if (!next_file || !loading[0].log_number || !last_sequence) {
    return Status::Corruption(path, "lacks the next file number, log number or last sequence");
  }
  if (loading[0].builder == nullptr) {
    return Status::InvalidArgument("the default column family must be opened");
  }
  std::vector<std::shared_ptr<const Version>> versions;
  std::vector<uint32_t> ids;
  for (auto& [id, family] : loading) {
    if (family.builder == nullptr) continue;
    std::shared_ptr<const Version> v;
    s = family.builder->Build(&v);
    if (!s.ok()) return s.WithContext(std::string(BaseName(path)));
    versions.push_back(std::move(v));
    ids.push_back(id);
  }
  if (unopened != nullptr) {
    unopened->clear();
    for (const auto& [id, name] : skipped) unopened->push_back(name);
  }

  next_file_number_.store(*next_file);
  MarkFileNumberUsed(number);
  MutexLock l(&mu_);
  families_.clear();
  for (size_t i = 0; i < ids.size(); i++) {
    Loading& from = loading[ids[i]];
    Family& family = families_[ids[i]];
    family.name = from.name;
    family.icmp = std::move(from.icmp);
    family.ttl = from.ttl;
    family.current = versions[i];
    family.log_number = from.log_number.value_or(0);
    live_.push_back(versions[i]);
    MarkFileNumberUsed(family.log_number);
  }
  max_column_family_ = max_column_family;
  last_sequence_ = *last_sequence;
  recovered_to_commit_ = to_commit;
  committed_metadata_ = metadata.value_or("");
  committed_.clear();
  if (options_.recover_to_last_commit) {
    for (size_t i = 0; i < ids.size(); i++) committed_[ids[i]] = versions[i];
  }
  return Status::OK();
}

VersionSet::State VersionSet::CaptureState() const {
  MutexLock l(&mu_);
  return CaptureStateLocked(/*committed=*/false);
}

VersionSet::State VersionSet::CaptureStateLocked(bool committed) const {
  State state;
  for (const auto& [id, family] : families_) {
    if (family.dropped) continue;
    std::shared_ptr<const Version> version = family.current;
    if (committed) {
      // A family created since the last commit was empty then.
      auto it = committed_.find(id);
      version =
          it != committed_.end() ? it->second : std::make_shared<const Version>(family.icmp.get());
    }
    state.families.push_back(State::Family{.id = id,
                                           .name = family.name,
                                           .comparator = std::string(family.icmp->Name()),
                                           .ttl = family.ttl,
                                           .log_number = family.log_number,
                                           .version = std::move(version)});
  }
  state.max_column_family = max_column_family_;
  state.next_file_number = next_file_number_.load();
  state.last_sequence = last_sequence_;
  return state;
}

void VersionSet::Commit(const std::string& metadata) {
  committed_metadata_ = metadata;
  if (!options_.recover_to_last_commit) return;
  committed_.clear();
  for (const auto& [id, family] : families_) {
    if (!family.dropped) committed_[id] = family.current;
  }
}

std::string VersionSet::committed_metadata() const {
  MutexLock l(&mu_);
  return committed_metadata_;
}

bool VersionSet::recovered_to_commit() const {
  MutexLock l(&mu_);
  return recovered_to_commit_;
}

Status WriteManifestSnapshot(const VersionSet::State& state, bool counters, log::Writer* writer) {
  for (const VersionSet::State::Family& family : state.families) {
    VersionEdit edit;
    if (state.recover_to_commit && &family == &state.families.front()) edit.SetRecoverToCommit();
    if (state.commit_metadata && &family == &state.families.back()) {
      edit.SetCommitMetadata(*state.commit_metadata);
    }
    edit.SetColumnFamily(family.id);
    if (family.id != 0) edit.AddColumnFamily(family.name);
    if (family.id == 0) {
      edit.SetMaxColumnFamily(state.max_column_family);
      if (counters) {
        edit.SetNextFileNumber(state.next_file_number);
        edit.SetLastSequence(state.last_sequence);
      }
    }
    edit.SetComparatorName(family.comparator);
    if (family.ttl) edit.SetTtl();
    edit.SetLogNumber(family.log_number);
    for (int level = 0; level < kNumLevels; level++) {
      for (const auto& f : family.version->files(level)) edit.AddFile(level, *f);
    }
    std::string record;
    edit.EncodeTo(&record);
    Status s = writer->AddRecord(record);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status VersionSet::WriteSnapshot(log::Writer* writer) const {
  MutexLock l(&mu_);
  if (!options_.recover_to_last_commit) {
    State state = CaptureStateLocked(/*committed=*/false);
    if (!committed_metadata_.empty()) state.commit_metadata = committed_metadata_;
    return WriteManifestSnapshot(state, /*counters=*/false, writer);
  }
  // The state of the last commit, which recovery returns to, then one edit per family that
  // leads from it to the current state, on which the edits that follow build.
  State state = CaptureStateLocked(/*committed=*/true);
  state.recover_to_commit = true;
  state.commit_metadata = committed_metadata_;
  Status s = WriteManifestSnapshot(state, /*counters=*/false, writer);
  std::vector<VersionEdit> diffs;
  for (const State::Family& family : state.families) {
    const Version& from = *family.version;
    const Version& to = *families_.at(family.id).current;
    VersionEdit& edit = diffs.emplace_back();
    edit.SetColumnFamily(family.id);
    for (int level = 0; level < kNumLevels; level++) {
      absl::flat_hash_set<uint64_t> before, after;
      for (const auto& f : from.files(level)) before.insert(f->number);
      for (const auto& f : to.files(level)) {
        after.insert(f->number);
        if (!before.contains(f->number)) edit.AddFile(level, *f);
      }
      for (uint64_t number : before) {
        if (!after.contains(number)) edit.RemoveFile(level, number);
      }
    }
    if (edit.new_files().empty() && edit.deleted_files().empty()) diffs.pop_back();
  }
  if (!s.ok() || diffs.empty()) return s;
  std::vector<VersionEdit*> group;
  for (VersionEdit& edit : diffs) group.push_back(&edit);
  std::string record;
  VersionEdit::EncodeGroup(group, &record);
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

Status VersionSet::CreateColumnFamily(const std::string& name, const Comparator* comparator,
                                      bool ttl, uint64_t log_number, uint32_t* id) {
  VersionEdit edit;
  {
    MutexLock l(&mu_);
    *id = max_column_family_ + 1;
    Family& family = families_[*id];
    family.name = name;
    family.icmp = std::make_unique<const InternalKeyComparator>(comparator);
    family.ttl = ttl;
    family.current = std::make_shared<const Version>(family.icmp.get());
    family.dropped = true;  // until the edit is recorded
  }
  edit.SetColumnFamily(*id);
  edit.AddColumnFamily(name);
  edit.SetMaxColumnFamily(*id);
  edit.SetComparatorName(comparator->Name());
  if (ttl) edit.SetTtl();
  edit.SetLogNumber(log_number);
  Status s = LogAndApply(&edit);
  MutexLock l(&mu_);
  if (s.ok()) {
    families_[*id].dropped = false;
    max_column_family_ = *id;
  } else {
    families_.erase(*id);
  }
  return s;
}

Status VersionSet::DropColumnFamily(uint32_t id) {
  VersionEdit edit;
  edit.SetColumnFamily(id);
  edit.DropColumnFamily();
  return LogAndApply(&edit);
}

Status VersionSet::LogAndApply(const std::vector<VersionEdit*>& all_edits) {
  // Edits of a family dropped since they were made are left out: its files are no longer
  // needed (a creation's own edit is of a family not yet recorded, which counts as dropped).
  std::vector<VersionEdit*> edits;
  {
    MutexLock l(&mu_);
    for (VersionEdit* edit : all_edits) {
      auto it = families_.find(edit->column_family());
      if (it != families_.end() && it->second.dropped && !edit->column_family_name()) continue;
      edits.push_back(edit);
    }
  }
  if (edits.empty()) return Status::OK();
  std::vector<std::shared_ptr<const Version>> versions;
  for (VersionEdit* edit : edits) {
    std::shared_ptr<const Version> base;
    const InternalKeyComparator* icmp;
    {
      MutexLock l(&mu_);
      auto it = families_.find(edit->column_family());
      if (it == families_.end()) {
        return Status::InvalidArgument(
            absl::StrFormat("no column family %u", edit->column_family()));
      }
      const Family& family = it->second;
      if (!edit->log_number()) edit->SetLogNumber(family.log_number);
      // A family's log number only grows: an edit built before a later one was recorded
      // must not take it back.
      edit->SetLogNumber(std::max(*edit->log_number(), family.log_number));
      if (!edit->last_sequence() && edit == edits.front()) edit->SetLastSequence(last_sequence_);
      base = family.current;
      icmp = family.icmp.get();
    }
    VersionBuilder builder(icmp, base.get());
    Status s = builder.Apply(*edit);
    std::shared_ptr<const Version> v;
    if (s.ok()) s = builder.Build(&v);
    if (!s.ok()) return s;
    versions.push_back(std::move(v));
  }

  bool new_files = false;
  for (const VersionEdit* edit : edits) new_files = new_files || !edit->new_files().empty();
  Status s;
  if (new_files) {
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
  edits.front()->SetNextFileNumber(next_file_number_.load());
  std::string record;
  VersionEdit::EncodeGroup(edits, &record);
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
    for (const VersionEdit* edit : edits) {
      for (const auto& [level, f] : edit->new_files()) unsure_files_.push_back(f.number);
    }
    return s;
  }
  {
    MutexLock l(&mu_);
    manifest_number_ = number;
    if (new_manifest) unsure_files_.clear();
  }
  Install(versions, edits);
  return Status::OK();
}

void VersionSet::Install(const std::vector<std::shared_ptr<const Version>>& versions,
                         const std::vector<VersionEdit*>& edits) {
  MutexLock l(&mu_);
  PruneLiveVersions();
  for (size_t i = 0; i < edits.size(); i++) {
    const VersionEdit& edit = *edits[i];
    auto it = families_.find(edit.column_family());
    if (it == families_.end()) continue;
    Family& family = it->second;
    if (edit.is_column_family_drop()) {
      family.dropped = true;
      family.current = nullptr;
      continue;
    }
    live_.push_back(versions[i]);
    family.current = versions[i];
    if (edit.log_number()) family.log_number = std::max(family.log_number, *edit.log_number());
    if (edit.last_sequence()) last_sequence_ = std::max(last_sequence_, *edit.last_sequence());
  }
  for (const VersionEdit* edit : edits) {
    if (edit->commit_metadata()) {
      Commit(*edit->commit_metadata());
      break;
    }
  }
}

}  // namespace lsm
