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
// Thread-safety: current(), NewFileNumber(), AddLiveFiles() and the accessors may be called
// from any thread. Recover, CreateNew and LogAndApply must be serialised by the caller.
#ifndef LSM_VERSION_VERSION_SET_H_
#define LSM_VERSION_VERSION_SET_H_

#include <atomic>
#include <cstdint>
#include <memory>
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
  // InvalidArgument when the database was created with another comparator. Damage after the
  // last intact MANIFEST record (a change that was never acknowledged) is ignored.
  Status Recover();

  // Fills in the edit's next file number (and log number and last sequence if unset), records
  // it durably and installs the resulting version. On error nothing is installed and the next
  // call starts a new MANIFEST.
  Status LogAndApply(VersionEdit* edit);

  std::shared_ptr<const Version> current() const;

  uint64_t NewFileNumber() { return next_file_number_.fetch_add(1); }
  // Makes sure later NewFileNumber() results are above `number`.
  void MarkFileNumberUsed(uint64_t number);
  uint64_t next_file_number() const { return next_file_number_.load(); }

  // Logs numbered below this are no longer needed.
  uint64_t log_number() const;
  // The last sequence number the MANIFEST records.
  SequenceNumber last_sequence() const;
  uint64_t manifest_number() const;

  // Appends the number of every table that a live version (current or held by a reader)
  // refers to, and of every table added by an edit whose MANIFEST write failed (it may be
  // durable there) until a new MANIFEST replaces that one.
  void AddLiveFiles(std::vector<uint64_t>* numbers) const;

  // Live versions, the current one included.
  uint64_t NumLiveVersions() const;
  // Bytes of the distinct tables that live versions refer to.
  uint64_t LiveTableBytes() const;

  const InternalKeyComparator* icmp() const { return &icmp_; }

 private:
  Status WriteSnapshot(log::Writer* writer) const;
  Status StartManifest();
  void Install(std::shared_ptr<const Version> v, const VersionEdit& edit);
  // Drops the versions no reader holds any more from live_.
  void PruneLiveVersions() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Prunes live_, then calls fn(table) for every table of every live version (a table in
  // several versions is visited once per version).
  template <typename Fn>
  void ForEachLiveTable(Fn fn) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dbname_;
  const Options options_;
  const InternalKeyComparator icmp_;

  std::atomic<uint64_t> next_file_number_{2};
  std::unique_ptr<log::Writer> manifest_;  // serialised by the callers of LogAndApply

  mutable Mutex mu_;
  std::shared_ptr<const Version> current_ ABSL_GUARDED_BY(mu_);
  mutable std::vector<std::weak_ptr<const Version>> live_ ABSL_GUARDED_BY(mu_);
  uint64_t log_number_ ABSL_GUARDED_BY(mu_) = 0;
  SequenceNumber last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t manifest_number_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<uint64_t> unsure_files_ ABSL_GUARDED_BY(mu_);
};

// Points CURRENT at MANIFEST-<manifest_number>: temp file, sync, rename, directory sync.
Status SetCurrentFile(FileSystem* fs, const std::string& dbname, uint64_t manifest_number);

// Reads CURRENT and returns the MANIFEST number it names.
Status ReadCurrentFile(FileSystem* fs, const std::string& dbname, uint64_t* manifest_number);

}  // namespace lsm

#endif  // LSM_VERSION_VERSION_SET_H_
