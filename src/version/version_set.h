// VersionSet: the database's current Version, the file-number counter and the MANIFEST that
// records every change to them.
//
//   VersionSet versions(dbname, options);
//   Status s = exists ? versions.Recover() : versions.CreateNew();
//   VersionEdit edit;
//   edit.AddFile(0, meta);
//   edit.SetLogNumber(new_log);
//   edit.SetLastSequence(last_seq);
//   s = versions.LogAndApply(&edit);   // synced in the MANIFEST, then installed
//
// File protocol (docs/design.md "File protocol"): an edit is installed only after its MANIFEST
// record is synced. A new MANIFEST (written at open and after any MANIFEST write error) starts
// with a snapshot of the whole state; CURRENT then names it, replaced by temp file + rename +
// directory sync.
// Column families: each family has its own current Version and log number; family 0 (the
// default) always exists. An edit names its family (VersionEdit::SetColumnFamily), and
// LogAndApply of several edits records them in one MANIFEST record, installed together.
// Thread-safety: current(), NewFileNumber(), AddLiveFiles() and the accessors may be called
// from any thread. Recover, CreateNew and LogAndApply must be serialised by the caller.
#ifndef LSM_VERSION_VERSION_SET_H_
#define LSM_VERSION_VERSION_SET_H_

#include <absl/container/btree_map.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lsm/file_system.h"
#include "lsm/options.h"
#include "src/base/dbformat.h"
#include "src/util/mutex.h"
#include "src/version/version.h"
#include "src/version/version_edit.h"
#include "src/wal/log_writer.h"

namespace lsm {

class VersionSet {
 public:
  // REQUIRES: options.comparator and options.file_system are set (ResolveDefaultOptions).
  VersionSet(std::string dbname, const Options& options);
  VersionSet(const VersionSet&) = delete;
  VersionSet& operator=(const VersionSet&) = delete;
  ~VersionSet();

  // Writes the first MANIFEST and CURRENT of a new, empty database.
  Status CreateNew();

  // Loads the state named by CURRENT. Corruption when CURRENT or the MANIFEST is damaged;
  // InvalidArgument when a family was created with another comparator than comparator_of
  // gives for its name. Damage after the last intact MANIFEST record (a change that was never
  // acknowledged) is ignored. Families for which comparator_of returns null are not loaded;
  // their names go to *unopened (if given). Without comparator_of, only the default family is
  // loaded, with options.comparator.
  using ComparatorOf = std::function<const Comparator*(const std::string& name)>;
  Status Recover(const ComparatorOf& comparator_of = nullptr,
                 std::vector<std::string>* unopened = nullptr);

  // Fills in the edit's next file number (and its family's log number and the last sequence
  // if unset), records it durably and installs the resulting version. On error nothing is
  // installed and the next call starts a new MANIFEST. An edit with commit metadata makes its
  // group a commit (VersionEdit::SetCommitMetadata).
  Status LogAndApply(VersionEdit* edit) { return LogAndApply(std::vector<VersionEdit*>{edit}); }
  // The same for several edits (of different families) in one MANIFEST record. Edits of a
  // family dropped meanwhile are left out (OK if that leaves none).
  Status LogAndApply(const std::vector<VersionEdit*>& edits);

  // Records a new family `name` ordered by `comparator`, a TTL family if `ttl`
  // (VersionEdit::SetTtl), whose writes start in log `log_number`; sets *id to its ID.
  Status CreateColumnFamily(const std::string& name, const Comparator* comparator, bool ttl,
                            uint64_t log_number, uint32_t* id);
  // Records the drop of family `id` (not 0). Its versions live on while readers hold them.
  Status DropColumnFamily(uint32_t id);

  // The default family's current version, and family `id`'s (null if there is none).
  std::shared_ptr<const Version> current() const { return current(0); }
  std::shared_ptr<const Version> current(uint32_t id) const;
  // The loaded families: (ID, name), by ID.
  std::vector<std::pair<uint32_t, std::string>> ColumnFamilies() const;
  // The comparator of family `id`'s keys; valid while the VersionSet lives, even after a drop.
  const InternalKeyComparator* icmp(uint32_t id) const;
  // Whether family `id` is a TTL family, as recorded when it was created (the default family
  // of a new database: options.ttl_seconds > 0). False for an unknown family.
  bool ttl(uint32_t id) const;

  // What a MANIFEST snapshot records, taken at one moment: each live family's current version
  // (held: its tables are not deleted while the State lives), name, comparator, TTL mark and
  // log number, the largest family ID handed out, the next file number and the last sequence.
  struct State {
    struct Family {
      uint32_t id = 0;
      std::string name;
      std::string comparator;
      bool ttl = false;
      uint64_t log_number = 0;
      std::shared_ptr<const Version> version;
    };
    std::vector<Family> families;  // by ID, the default family first
    uint32_t max_column_family = 0;
    uint64_t next_file_number = 0;
    SequenceNumber last_sequence = 0;
    // Set: the snapshot is a commit with this metadata.
    std::optional<std::string> commit_metadata;
    bool recover_to_commit = false;  // DBOptions::recover_to_last_commit
  };
  State CaptureState() const;

  // The metadata of the last commit (empty if none).
  std::string committed_metadata() const;
  // Whether Recover went back to the last commit of a MANIFEST written under
  // DBOptions::recover_to_last_commit (the logs then hold nothing to replay).
  bool recovered_to_commit() const;

  uint64_t NewFileNumber() { return next_file_number_.fetch_add(1); }
  // Makes sure later NewFileNumber() results are above `number`.
  void MarkFileNumberUsed(uint64_t number);
  uint64_t next_file_number() const { return next_file_number_.load(); }

  // Family `id`'s logs numbered below this hold none of its writes that are not in tables.
  uint64_t log_number(uint32_t id = 0) const;
  // The smallest log number of the families: older logs are no longer needed.
  uint64_t MinLogNumber() const;
  // The last sequence number the MANIFEST records.
  SequenceNumber last_sequence() const;
  uint64_t manifest_number() const;

  // Appends the number of every table that a live version (current or held by a reader, of
  // any family, dropped ones included) refers to, and of every table added by an edit whose
  // MANIFEST write failed (it may be durable there) until a new MANIFEST replaces that one.
  void AddLiveFiles(std::vector<uint64_t>* numbers) const;

  // Live versions, the current ones included.
  uint64_t NumLiveVersions() const;
  // Bytes of the distinct tables that live versions refer to.
  uint64_t LiveTableBytes() const;

  const InternalKeyComparator* icmp() const { return icmp(0); }

 private:
  struct Family {
    std::string name;
    std::unique_ptr<const InternalKeyComparator> icmp;
    bool ttl = false;  // a TTL family (VersionEdit::SetTtl)
    std::shared_ptr<const Version> current;
    uint64_t log_number = 0;
    bool dropped = false;
  };

  // The snapshot a new MANIFEST starts with. Under recover_to_last_commit it is the state of
  // the last commit, followed by an edit group leading to the current state.
  Status WriteSnapshot(log::Writer* writer) const;
  // The current state, or under recover_to_last_commit with `committed`, the last commit's.
  State CaptureStateLocked(bool committed) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Records a commit with `metadata` of the current versions.
  void Commit(const std::string& metadata) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status StartManifest();
  void Install(const std::vector<std::shared_ptr<const Version>>& versions,
               const std::vector<VersionEdit*>& edits);
  // The family an edit is for, or null. REQUIRES: mu_ held.
  Family* FindFamily(uint32_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const Family* FindFamily(uint32_t id) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Drops the versions no reader holds any more from live_.
  void PruneLiveVersions() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Prunes live_, then calls fn(table) for every table of every live version (a table in
  // several versions is visited once per version).
  template <typename Fn>
  void ForEachLiveTable(Fn fn) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dbname_;
  const Options options_;

  std::atomic<uint64_t> next_file_number_{2};
  std::unique_ptr<log::Writer> manifest_;  // serialised by the callers of LogAndApply

  mutable Mutex mu_;
  // By ID; dropped families stay (their comparators outlive their versions).
  absl::btree_map<uint32_t, Family> families_ ABSL_GUARDED_BY(mu_);
  uint32_t max_column_family_ ABSL_GUARDED_BY(mu_) = 0;
  mutable std::vector<std::weak_ptr<const Version>> live_ ABSL_GUARDED_BY(mu_);
  SequenceNumber last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t manifest_number_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<uint64_t> unsure_files_ ABSL_GUARDED_BY(mu_);
  std::string committed_metadata_ ABSL_GUARDED_BY(mu_);
  // recover_to_last_commit: each family's version at the last commit (held, so that its tables
  // stay on disk; none for a family created since).
  absl::btree_map<uint32_t, std::shared_ptr<const Version>> committed_ ABSL_GUARDED_BY(mu_);
  bool recovered_to_commit_ ABSL_GUARDED_BY(mu_) = false;
};

// Appends the records of a MANIFEST snapshot of `state` to `writer`: per family, one edit that
// creates it (but the default family) with its comparator, TTL mark, log number and tables. The
// default family's edit also records the largest family ID and, with `counters`, the next file
// number and the last sequence (a new MANIFEST of an open database leaves those to the edit that
// follows the snapshot; a MANIFEST that is the snapshot alone needs them).
Status WriteManifestSnapshot(const VersionSet::State& state, bool counters, log::Writer* writer);

// Points CURRENT at MANIFEST-<manifest_number>: temp file, sync, rename, directory sync.
Status SetCurrentFile(FileSystem* fs, const std::string& dbname, uint64_t manifest_number);

// The names of the column families the MANIFEST that CURRENT names records, the default
// family first.
Status ListColumnFamilies(FileSystem* fs, const std::string& dbname,
                          std::vector<std::string>* names);

// Reads CURRENT and returns the MANIFEST number it names.
Status ReadCurrentFile(FileSystem* fs, const std::string& dbname, uint64_t* manifest_number);

}  // namespace lsm

#endif  // LSM_VERSION_VERSION_SET_H_
