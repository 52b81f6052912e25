// VersionEdit: one change to the set of live files, as recorded in the MANIFEST.
//
//   VersionEdit edit;
//   edit.SetLogNumber(12);
//   edit.AddFile(0, FileMetaData{.number = 13, .file_size = 4096, .smallest = a, .largest = b});
//   edit.RemoveFile(1, 7);
//   std::string record;
//   edit.EncodeTo(&record);            // one MANIFEST record
//   VersionEdit decoded;
//   Status s = decoded.DecodeFrom(record);
//
// The encoding is a sequence of tagged fields (docs/manifest_format.md); decoding treats its
// input as untrusted and reports Corruption for anything malformed.
// Thread-safety: none; an edit is built and applied by one thread.
#ifndef LSM_VERSION_VERSION_EDIT_H_
#define LSM_VERSION_VERSION_EDIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lsm/status.h"
#include "src/base/dbformat.h"

namespace lsm {

// Levels of the tree, L0 to L6.
inline constexpr int kNumLevels = 7;

// A table file as the MANIFEST describes it.
struct FileMetaData {
  uint64_t number = 0;
  uint64_t file_size = 0;
  std::string smallest;  // internal key
  std::string largest;   // internal key
  SequenceNumber smallest_seqno = 0;
  SequenceNumber largest_seqno = 0;
  // Unix seconds when the file's newest entry was written (its flush, or the newest input of
  // the compaction that wrote it); 0 when unknown. FIFO compaction's age limit reads it.
  uint64_t newest_write_time = 0;
  // An ingested table (DB::IngestExternalFile), whose entries are stored at sequence 0: the
  // sequence the database gave them, which the table's reader shows them at (and which
  // smallest_seqno, largest_seqno and the keys above carry). 0 for every other table; a
  // compaction's outputs hold their entries' sequences themselves.
  SequenceNumber global_seqno = 0;

  friend bool operator==(const FileMetaData&, const FileMetaData&) = default;
};

class VersionEdit {
 public:
  void Clear() { *this = VersionEdit(); }

  void SetComparatorName(std::string_view name) { comparator_ = std::string(name); }
  // WAL files numbered below this hold nothing that is not in tables.
  void SetLogNumber(uint64_t n) { log_number_ = n; }
  void SetNextFileNumber(uint64_t n) { next_file_number_ = n; }
  void SetLastSequence(SequenceNumber s) { last_sequence_ = s; }
  // The column family the edit's files and log number belong to (default 0).
  void SetColumnFamily(uint32_t id) { column_family_ = id; }
  // The edit creates its column family, named `name`, or drops it.
  void AddColumnFamily(std::string_view name) { column_family_name_ = std::string(name); }
  void DropColumnFamily() { is_column_family_drop_ = true; }
  // The edit's family is a TTL family (ColumnFamilyOptions::ttl_seconds > 0): the values of its
  // Put entries end in their 8-byte write time. Recorded with the comparator, in the edit that
  // creates the family and in its edit of every MANIFEST snapshot.
  void SetTtl() { ttl_ = true; }
  // The largest column family ID handed out so far (IDs are never reused).
  void SetMaxColumnFamily(uint32_t id) { max_column_family_ = id; }
  // The edit's group is a commit (FlushOptions::commit_metadata): the state after it is the one
  // recovery returns to under DBOptions::recover_to_last_commit, and `metadata` names it. A
  // MANIFEST snapshot of such a database is a commit too, with the last commit's metadata
  // (empty when there was none).
  void SetCommitMetadata(std::string_view metadata) { commit_metadata_ = std::string(metadata); }
  // Recovery of this MANIFEST goes back to its last commit (DBOptions::recover_to_last_commit);
  // set on the first record of its snapshot.
  void SetRecoverToCommit() { recover_to_commit_ = true; }
  // REQUIRES: 0 <= level < kNumLevels.
  void AddFile(int level, FileMetaData file) { new_files_.emplace_back(level, std::move(file)); }
  void RemoveFile(int level, uint64_t number) { deleted_files_.emplace_back(level, number); }

  const std::optional<std::string>& comparator() const { return comparator_; }
  const std::optional<uint64_t>& log_number() const { return log_number_; }
  const std::optional<uint64_t>& next_file_number() const { return next_file_number_; }
  const std::optional<SequenceNumber>& last_sequence() const { return last_sequence_; }
  uint32_t column_family() const { return column_family_; }
  const std::optional<std::string>& column_family_name() const { return column_family_name_; }
  bool is_column_family_drop() const { return is_column_family_drop_; }
  bool ttl() const { return ttl_; }
  const std::optional<uint32_t>& max_column_family() const { return max_column_family_; }
  const std::optional<std::string>& commit_metadata() const { return commit_metadata_; }
  bool recover_to_commit() const { return recover_to_commit_; }
  const std::vector<std::pair<int, FileMetaData>>& new_files() const { return new_files_; }
  const std::vector<std::pair<int, uint64_t>>& deleted_files() const { return deleted_files_; }

  void EncodeTo(std::string* dst) const;
  // Replaces this edit with the decoded one. Corruption if malformed; NotSupported for a field
  // this version does not know (a MANIFEST written by a newer release).
  Status DecodeFrom(std::string_view src);

  // One MANIFEST record holding several edits, applied together or not at all (an atomic
  // flush of several families). A record of one edit is EncodeTo's.
  static void EncodeGroup(const std::vector<VersionEdit*>& edits, std::string* dst);
  // Decodes a record of one edit or of a group.
  static Status DecodeGroup(std::string_view src, std::vector<VersionEdit>* edits);

  // One line per field, for tools and test failures.
  std::string DebugString() const;

 private:
  std::optional<std::string> comparator_;
  std::optional<uint64_t> log_number_;
  std::optional<uint64_t> next_file_number_;
  std::optional<SequenceNumber> last_sequence_;
  uint32_t column_family_ = 0;
  std::optional<std::string> column_family_name_;
  bool is_column_family_drop_ = false;
  bool ttl_ = false;
  std::optional<uint32_t> max_column_family_;
  std::optional<std::string> commit_metadata_;
  bool recover_to_commit_ = false;
  std::vector<std::pair<int, FileMetaData>> new_files_;
  std::vector<std::pair<int, uint64_t>> deleted_files_;
};

}  // namespace lsm

#endif  // LSM_VERSION_VERSION_EDIT_H_
