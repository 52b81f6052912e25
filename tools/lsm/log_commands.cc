// lsm wal dump | manifest dump: log files read through log::Reader, their records decoded as
// write batches or version edits.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "lsm/column_family.h"
#include "src/base/dbformat.h"
#include "src/base/filename.h"
#include "src/base/write_batch_internal.h"
#include "src/version/version_edit.h"
#include "src/version/version_set.h"
#include "src/wal/log_reader.h"
#include "src/wal/log_tail.h"
#include "tools/lsm/cli_util.h"
#include "tools/lsm/commands.h"

namespace lsm::cli {
namespace {

constexpr char kWalUsage[] =
    "usage: lsm wal dump FILE [--log-number N] [--hex] [--json]\n"
    "  Prints every record of a write-ahead log: offset, sequence, count and the batch's\n"
    "  puts and deletes, each of a column family other than the default one marked cf=ID.\n"
    "  Damaged records are skipped and reported with their offset; a torn\n"
    "  tail (an incomplete last write, normal after a crash) is reported but is not an error.\n"
    "  --log-number N  the log's number when the file name is not NNNNNN.log\n"
    "  Exit 1 on any other damage, or if the file is not a log.\n";

constexpr char kWalTailUsage[] =
    "usage: lsm wal tail DIR [--from SEQ] [--hex] [--json]\n"
    "  Prints the write batches of database DIR's logs (those in DIR and in DIR/archive),\n"
    "  from the batch that holds sequence SEQ (default 1) on, as DB::GetUpdatesSince returns\n"
    "  them. Exit 1 if the logs no longer reach back to SEQ or a log is damaged.\n";

constexpr char kManifestUsage[] =
    "usage: lsm manifest dump DIR|FILE [--json]\n"
    "  Prints every version edit of a MANIFEST (DIR: the one CURRENT names), the edits of a\n"
    "  group (one record, applied together) one by one, and then the state that they add up\n"
    "  to: per live column family its files per level, comparator and log number. Exit 1 if\n"
    "  the MANIFEST is damaged or an edit names a column family it has not created.\n";

// Reads every record of a log with kSkipAnyCorruptedRecords, passing each with its offset to
// `each`. Returns the reader's final status; *report gets what it found.
Status ReadLog(const std::string& path, const std::string& label, uint64_t number,
               const std::function<void(uint64_t, std::string_view)>& each,
               log::ReadReport* report) {
  std::unique_ptr<SequentialFile> file;
  Status s = Fs()->NewSequentialFile(path, &file);
  if (!s.ok()) return s;
  log::Reader reader(std::move(file), label, number, WALRecoveryMode::kSkipAnyCorruptedRecords);
  std::string_view record;
  std::string scratch;
  while (reader.ReadRecord(&record, &scratch)) each(reader.last_record_offset(), record);
  *report = reader.report();
  return reader.status();
}

// The summary line(s) after a dump; returns whether the damage (if any) is an error.
bool ReportDamage(const log::ReadReport& r, bool json) {
  const bool damaged = !r.damage.ok();
  const bool error = damaged && !r.torn_tail;
  if (json) {
    absl::PrintF(
        "\"records\": %u, \"bytes_read\": %u, \"last_record_end\": %u, "
        "\"dropped_bytes\": %u, \"torn_tail\": %s, \"damage\": %s",
        r.records, r.bytes_read, r.last_record_end, r.dropped_bytes, r.torn_tail ? "true" : "false",
        JsonString(damaged ? r.damage.ToString() : ""));
    return error;
  }
  absl::PrintF("-- %u records, %u bytes read, intact up to offset %u\n", r.records, r.bytes_read,
               r.last_record_end);
  if (damaged) {
    absl::PrintF(
        "-- %s: %s (%u bytes dropped)\n",
        r.torn_tail ? "torn tail (incomplete last write, expected after a crash)" : "DAMAGE",
        r.damage.ToString(), r.dropped_bytes);
  }
  return error;
}

// The end of a dump: the damage the reader met and the `bad` records that did not decode
// (`json_key` names their count, `what` them), the JSON tail, and the exit code.
int FinishDump(const std::string& path, const Status& s, const log::ReadReport& report, bool json,
               const char* json_key, const char* what, int bad) {
  const bool damage = ReportDamage(report, json);
  if (json)
    absl::PrintF(", \"%s\": %d, \"status\": %s}\n", json_key, bad, JsonString(s.ToString()));
  if (!s.ok()) return Fail("reading " + path, s);
  if (!damage && bad == 0) return kExitOk;
  absl::FPrintF(stderr, "lsm: %s is damaged: %s\n", path,
                damage ? report.damage.ToString() : std::string(what));
  return kExitFailed;
}

// A version edit as a JSON object.
std::string EditJson(const VersionEdit& e) {
  std::string r = absl::StrFormat("{\"column_family\": %u, ", e.column_family());
  if (e.column_family_name()) {
    absl::StrAppendFormat(&r, "\"create_column_family\": %s, ",
                          JsonString(Escape(*e.column_family_name())));
  }
  absl::StrAppendFormat(&r, "\"drop_column_family\": %s, ",
                        e.is_column_family_drop() ? "true" : "false");
  if (e.max_column_family()) {
    absl::StrAppendFormat(&r, "\"max_column_family\": %u, ", *e.max_column_family());
  }
  if (e.comparator())
    absl::StrAppendFormat(&r, "\"comparator\": %s, ", JsonString(*e.comparator()));
  if (e.ttl()) r += "\"ttl\": true, ";
  if (e.log_number()) absl::StrAppendFormat(&r, "\"log_number\": %u, ", *e.log_number());
  if (e.next_file_number()) {
    absl::StrAppendFormat(&r, "\"next_file_number\": %u, ", *e.next_file_number());
  }
  if (e.last_sequence()) absl::StrAppendFormat(&r, "\"last_sequence\": %u, ", *e.last_sequence());
  if (e.recover_to_commit()) r += "\"recover_to_commit\": true, ";
  if (e.commit_metadata()) {
    absl::StrAppendFormat(&r, "\"commit_metadata\": %s, ",
                          JsonString(Escape(*e.commit_metadata())));
  }
  r += "\"removed\": [";
  for (size_t i = 0; i < e.deleted_files().size(); ++i) {
    const auto& [level, number] = e.deleted_files()[i];
    absl::StrAppendFormat(&r, "%s{\"level\": %d, \"file\": %u}", i == 0 ? "" : ", ", level, number);
  }
  r += "], \"added\": [";
  for (size_t i = 0; i < e.new_files().size(); ++i) {
    const auto& [level, f] = e.new_files()[i];
    ParsedInternalKey a, b;
    const bool ok = ParseInternalKey(f.smallest, &a) && ParseInternalKey(f.largest, &b);
    absl::StrAppendFormat(&r,
                          "%s{\"level\": %d, \"file\": %u, \"size\": %u, \"smallest_seqno\": %u, "
                          "\"largest_seqno\": %u, \"global_seqno\": %u, \"smallest_key\": %s, "
                          "\"largest_key\": %s}",
                          i == 0 ? "" : ", ", level, f.number, f.file_size, f.smallest_seqno,
                          f.largest_seqno, f.global_seqno, JsonString(ok ? Escape(a.user_key) : ""),
                          JsonString(ok ? Escape(b.user_key) : ""));
  }
  return r + "]}";
}

// Prints the records of a write batch, numbering them from the batch's sequence. Iterate()
// hands every record to the *CF methods with its column family ID; records of the default
// family (ID 0) print without a family in text, every JSON record has "cf".
class BatchPrinter : public WriteBatch::Handler {
 public:
  BatchPrinter(SequenceNumber seq, bool hex, bool json) : seq_(seq), hex_(hex), json_(json) {}
  Status Put(std::string_view key, std::string_view value) override { return PutCF(0, key, value); }
  Status Delete(std::string_view key) override { return DeleteCF(0, key); }
  Status Merge(std::string_view key, std::string_view operand) override {
    return MergeCF(0, key, operand);
  }
  Status DeleteRange(std::string_view begin, std::string_view end) override {
    return DeleteRangeCF(0, begin, end);
  }

  Status PutCF(uint32_t cf, std::string_view key, std::string_view value) override {
    if (json_) {
      absl::PrintF("%s{\"seq\": %u, \"cf\": %u, \"type\": \"put\", \"key\": %s, \"value\": %s}",
                   Sep(), seq_++, cf, JsonString(FormatBytes(key, hex_)),
                   JsonString(FormatBytes(value, hex_)));
    } else {
      absl::PrintF("    PUT %s'%s' @ %u => '%s'\n", Family(cf), FormatBytes(key, hex_), seq_++,
                   FormatBytes(value, hex_));
    }
    return Status::OK();
  }
  Status DeleteCF(uint32_t cf, std::string_view key) override {
    if (json_) {
      absl::PrintF("%s{\"seq\": %u, \"cf\": %u, \"type\": \"del\", \"key\": %s}", Sep(), seq_++, cf,
                   JsonString(FormatBytes(key, hex_)));
    } else {
      absl::PrintF("    DEL %s'%s' @ %u\n", Family(cf), FormatBytes(key, hex_), seq_++);
    }
    return Status::OK();
  }
  Status DeleteRangeCF(uint32_t cf, std::string_view begin, std::string_view end) override {
    if (json_) {
      absl::PrintF(
          "%s{\"seq\": %u, \"cf\": %u, \"type\": \"delete_range\", \"key\": %s, \"end\": %s}",
          Sep(), seq_++, cf, JsonString(FormatBytes(begin, hex_)),
          JsonString(FormatBytes(end, hex_)));
    } else {
      absl::PrintF("    DELRANGE %s'%s' .. '%s' @ %u\n", Family(cf), FormatBytes(begin, hex_),
                   FormatBytes(end, hex_), seq_++);
    }
    return Status::OK();
  }
  Status MergeCF(uint32_t cf, std::string_view key, std::string_view operand) override {
    if (json_) {
      absl::PrintF("%s{\"seq\": %u, \"cf\": %u, \"type\": \"merge\", \"key\": %s, \"value\": %s}",
                   Sep(), seq_++, cf, JsonString(FormatBytes(key, hex_)),
                   JsonString(FormatBytes(operand, hex_)));
    } else {
      absl::PrintF("    MERGE %s'%s' @ %u => '%s'\n", Family(cf), FormatBytes(key, hex_), seq_++,
                   FormatBytes(operand, hex_));
    }
    return Status::OK();
  }

 private:
  const char* Sep() { return first_ ? (first_ = false, "") : ", "; }
  // "cf=ID " before the key of a record of a family other than the default one.
  static std::string Family(uint32_t cf) {
    return cf == 0 ? std::string() : absl::StrFormat("cf=%u ", cf);
  }
  SequenceNumber seq_;
  const bool hex_, json_;
  bool first_ = true;
};

// What the edits of a MANIFEST add up to, per column family: the families created and not
// dropped, each with its comparator, log number and files per level, and the numbers shared by
// all of them.
class ManifestState {
 public:
  ManifestState() { families_[0].name = kDefaultColumnFamilyName; }

  // Applies one edit as recovery (VersionSet::Recover) does. Corruption for an edit that
  // recovery refuses: one of a family not created (or already dropped), a second creation of
  // a live family, a drop of the default family.
  Status Apply(const VersionEdit& edit) {
    if (first_edit_ && edit.recover_to_commit()) recover_to_commit_ = true;
    first_edit_ = false;
    if (edit.commit_metadata()) {
      commit_metadata_ = edit.commit_metadata();
      in_commit_ = true;
    }
    const uint32_t id = edit.column_family();
    if (edit.column_family_name()) {
      if (families_.contains(id)) {
        return Status::Corruption(absl::StrFormat("creates column family %u twice", id));
      }
      families_[id].name = *edit.column_family_name();
      dropped_.erase(id);
      max_column_family_ = std::max(max_column_family_, id);
    }
    auto it = families_.find(id);
    if (it == families_.end()) {
      return Status::Corruption(absl::StrFormat("an edit of unknown column family %u", id));
    }
    if (edit.max_column_family()) {
      max_column_family_ = std::max(max_column_family_, *edit.max_column_family());
    }
    if (edit.next_file_number()) next_file_number_ = edit.next_file_number();
    // The last sequence only grows (the edits of a group may have been built at different
    // moments).
    if (edit.last_sequence()) {
      last_sequence_ = std::max(last_sequence_.value_or(0), *edit.last_sequence());
    }
    if (edit.is_column_family_drop()) {
      if (id == 0) return Status::Corruption("drops the default column family");
      dropped_[id] = it->second.name;
      families_.erase(it);
      return Status::OK();
    }
    Family& family = it->second;
    if (edit.comparator()) family.comparator = edit.comparator();
    if (edit.ttl()) family.ttl = true;
    if (edit.log_number()) family.log_number = edit.log_number();
    for (const auto& [level, n] : edit.deleted_files()) family.levels[level].erase(n);
    for (const auto& [level, f] : edit.new_files()) family.levels[level][f.number] = f;
    return Status::OK();
  }

  // After the edits of one record: a commit's state is the one recovery of a MANIFEST written
  // under recover_to_last_commit returns to.
  void EndRecord() {
    if (!in_commit_) return;
    in_commit_ = false;
    committed_.clear();
    for (const auto& [id, family] : families_) committed_[id] = family.levels;
  }

  // The report after the edits:
  //   == resulting state: next file number 12, last sequence 305, max column family 2
  //   == column family 0 'default'
  //   L1: 1 files, 667 bytes
  //   VersionEdit { ... }
  //   == column family 2 'tmp' dropped
  std::string Text() const {
    std::string r = absl::StrFormat(
        "== resulting state: next file number %s, last sequence %s, "
        "max column family %u\n",
        Optional(next_file_number_), Optional(last_sequence_), max_column_family_);
    if (recover_to_commit_) {
      r += "== recovery returns to the last commit: the tables of changes since are left out\n";
    }
    if (commit_metadata_) {
      absl::StrAppendFormat(&r, "== last commit metadata: %u bytes '%s'\n",
                            commit_metadata_->size(), Escape(commit_metadata_->substr(0, 64)));
    }
    for (const auto& [id, family] : Recovered()) {
      absl::StrAppendFormat(&r, "== column family %u '%s'\n", id, Escape(family.name));
      for (const auto& [level, files] : family.levels) {
        uint64_t bytes = 0;
        for (const auto& [n, f] : files) bytes += f.file_size;
        if (!files.empty())
          absl::StrAppendFormat(&r, "L%d: %u files, %u bytes\n", level, files.size(), bytes);
      }
      absl::StrAppendFormat(&r, "%s\n", Snapshot(id, family).DebugString());
    }
    for (const auto& [id, name] : dropped_) {
      absl::StrAppendFormat(&r, "== column family %u '%s' dropped\n", id, Escape(name));
    }
    return r;
  }

  // The same as one JSON object: {"next_file_number", "last_sequence", "max_column_family",
  // "column_families": [{"id", "name", "files_at_level", "bytes_at_level", "state"}],
  // "dropped_column_families": [{"id", "name"}]}, "state" being a version edit that adds the
  // family's files.
  std::string Json() const {
    std::string r = absl::StrFormat(
        "{\"next_file_number\": %s, \"last_sequence\": %s, \"max_column_family\": %u, "
        "\"recover_to_commit\": %s, \"commit_metadata\": %s, \"column_families\": [",
        next_file_number_ ? std::to_string(*next_file_number_) : "null",
        last_sequence_ ? std::to_string(*last_sequence_) : "null", max_column_family_,
        recover_to_commit_ ? "true" : "false",
        commit_metadata_ ? JsonString(Escape(*commit_metadata_)) : "null");
    bool first = true;
    for (const auto& [id, family] : Recovered()) {
      std::string files = "[", bytes = "[";
      for (int level = 0; level < kNumLevels; ++level) {
        uint64_t n = 0, b = 0;
        if (auto l = family.levels.find(level); l != family.levels.end()) {
          n = l->second.size();
          for (const auto& [number, f] : l->second) b += f.file_size;
        }
        absl::StrAppendFormat(&files, "%s%u", level == 0 ? "" : ", ", n);
        absl::StrAppendFormat(&bytes, "%s%u", level == 0 ? "" : ", ", b);
      }
      absl::StrAppendFormat(&r,
                            "%s\n  {\"id\": %u, \"name\": %s, \"files_at_level\": %s], "
                            "\"bytes_at_level\": %s], \"state\": %s}",
                            first ? "" : ",", id, JsonString(Escape(family.name)), files, bytes,
                            EditJson(Snapshot(id, family)));
      first = false;
    }
    r += "], \"dropped_column_families\": [";
    first = true;
    for (const auto& [id, name] : dropped_) {
      absl::StrAppendFormat(&r, "%s{\"id\": %u, \"name\": %s}", first ? "" : ", ", id,
                            JsonString(Escape(name)));
      first = false;
    }
    return r + "]}";
  }

 private:
  struct Family {
    std::string name;
    std::optional<std::string> comparator;
    bool ttl = false;
    std::optional<uint64_t> log_number;
    std::map<int, std::map<uint64_t, FileMetaData>> levels;
  };

  // The families as recovery leaves them: under recover_to_commit_, each with its tables of the
  // last commit (none for a family created since).
  std::map<uint32_t, Family> Recovered() const {
    std::map<uint32_t, Family> families = families_;
    if (!recover_to_commit_) return families;
    for (auto& [id, family] : families) {
      auto it = committed_.find(id);
      family.levels = it != committed_.end() ? it->second : decltype(family.levels)();
    }
    return families;
  }

  static std::string Optional(const std::optional<uint64_t>& n) {
    return n ? std::to_string(*n) : "unknown";
  }

  // One edit holding the family's state: its comparator, TTL mark, log number and files.
  static VersionEdit Snapshot(uint32_t id, const Family& family) {
    VersionEdit e;
    e.SetColumnFamily(id);
    if (family.comparator) e.SetComparatorName(*family.comparator);
    if (family.ttl) e.SetTtl();
    if (family.log_number) e.SetLogNumber(*family.log_number);
    for (const auto& [level, files] : family.levels) {
      for (const auto& [n, f] : files) e.AddFile(level, f);
    }
    return e;
  }

  std::map<uint32_t, Family> families_;  // live families by ID
  std::map<uint32_t, std::string> dropped_;
  bool first_edit_ = true;
  bool recover_to_commit_ = false;  // the first edit says so
  bool in_commit_ = false;          // the record being applied is a commit
  std::optional<std::string> commit_metadata_;
  std::map<uint32_t, decltype(Family::levels)> committed_;  // the levels at the last commit
  std::optional<uint64_t> next_file_number_;
  std::optional<SequenceNumber> last_sequence_;
  uint32_t max_column_family_ = 0;
};

}  // namespace

int WalDump(const Words& words) {
  Args args;
  if (int rc = ParseArgs(words, {{"log-number"}, {"hex"}}, kWalUsage, &args); rc >= 0) return rc;
  const std::string& path = args.positional()[0];
  uint64_t number = 0;
  FileType type;
  if (!args.Has("log-number") &&
      (!ParseFileName(BaseName(path), &number, &type) || type != FileType::kLog)) {
    return UsageError("cannot tell the log number from '" + path + "'; pass --log-number N",
                      kWalUsage);
  }
  if (!args.GetUint("log-number", &number)) return kExitUsage;
  const bool hex = args.Has("hex"), json = args.Has("json");
  int bad_batches = 0;
  bool first = true;
  if (json) absl::PrintF("{\"file\": %s, \"records\": [", JsonString(path));
  auto each = [&](uint64_t offset, std::string_view record) {
    WriteBatch batch;
    Status s = WriteBatchInternal::SetContents(&batch, record);
    const SequenceNumber seq = s.ok() ? WriteBatchInternal::Sequence(batch) : 0;
    if (json) {
      absl::PrintF(
          "%s\n  {\"offset\": %u, \"bytes\": %u, \"sequence\": %u, \"count\": %u, "
          "\"ops\": [",
          first ? "" : ",", offset, record.size(), seq, s.ok() ? batch.Count() : 0);
    } else {
      absl::PrintF("@ %u: %u bytes, sequence %u, %u ops\n", offset, record.size(), seq,
                   s.ok() ? batch.Count() : 0);
    }
    first = false;
    BatchPrinter printer(seq, hex, json);
    if (s.ok()) s = batch.Iterate(&printer);
    if (json) absl::PrintF("], \"status\": %s}", JsonString(s.ToString()));
    if (!s.ok()) {
      ++bad_batches;
      if (!json) absl::PrintF("    BAD BATCH: %s\n", s.ToString());
    }
  };
  log::ReadReport report;
  const Status s = ReadLog(path, "wal " + std::string(BaseName(path)), number, each, &report);
  if (json) absl::PrintF("\n], ");
  return FinishDump(path, s, report, json, "bad_batches", "undecodable batches", bad_batches);
}

int WalTail(const Words& words) {
  Args args;
  if (int rc = ParseArgs(words, {{"from"}, {"hex"}}, kWalTailUsage, &args); rc >= 0) return rc;
  const std::string& dir = args.positional()[0];
  uint64_t from = 1;
  if (!args.GetUint("from", &from)) return kExitUsage;
  if (!IsDirectory(dir))
    return Fail("cannot tail " + dir, Status::NotFound(dir, "no such directory"));
  std::vector<uint64_t> logs;
  Status s = ListLogs(Fs(), dir, &logs);
  std::unique_ptr<LogTailIterator> it;
  if (s.ok()) s = LogTailIterator::Open(Fs(), dir, logs, from, kMaxSequenceNumber, &it);
  if (!s.ok()) return Fail("cannot tail the logs of " + dir, s);
  const bool hex = args.Has("hex"), json = args.Has("json");
  if (json) absl::PrintF("{\"dir\": %s, \"batches\": [", JsonString(dir));
  bool first = true;
  for (; it->Valid(); it->Next()) {
    BatchResult r = it->GetBatch();
    if (json) {
      absl::PrintF("%s\n  {\"sequence\": %u, \"count\": %u, \"ops\": [", first ? "" : ",",
                   r.sequence, r.write_batch->Count());
    } else {
      absl::PrintF("sequence %u, %u ops\n", r.sequence, r.write_batch->Count());
    }
    first = false;
    BatchPrinter printer(r.sequence, hex, json);
    (void)r.write_batch->Iterate(&printer);  // decoded and checked by the iterator
    if (json) absl::PrintF("]}");
  }
  s = it->status();
  if (json) absl::PrintF("\n], \"status\": %s}\n", JsonString(s.ToString()));
  if (!s.ok()) return Fail("reading the logs of " + dir, s);
  return kExitOk;
}

int ManifestDump(const Words& words) {
  Args args;
  if (int rc = ParseArgs(words, {}, kManifestUsage, &args); rc >= 0) return rc;
  std::string path = args.positional()[0];
  uint64_t number = 0;
  FileType type;
  if (IsDirectory(path)) {
    if (Status s = ReadCurrentFile(Fs(), path, &number); !s.ok()) {
      return Fail("cannot read CURRENT of " + path, s);
    }
    path = ManifestFileName(path, number);
  } else if (!ParseFileName(BaseName(path), &number, &type) || type != FileType::kManifest) {
    return UsageError("'" + path + "' is not named MANIFEST-NNNNNN", kManifestUsage);
  }
  const bool json = args.Has("json");
  ManifestState state;
  int bad_edits = 0;
  bool first = true;
  if (json) absl::PrintF("{\"file\": %s, \"edits\": [", JsonString(path));
  auto each = [&](uint64_t offset, std::string_view record) {
    std::vector<VersionEdit> edits;
    const Status decoded = VersionEdit::DecodeGroup(record, &edits);
    // Applied in order as recovery applies them; the first edit it would refuse is reported.
    Status applied;
    for (size_t i = 0; decoded.ok() && i < edits.size(); ++i) {
      if (Status s = state.Apply(edits[i]); !s.ok() && applied.ok()) applied = s;
    }
    state.EndRecord();
    const Status& s = decoded.ok() ? applied : decoded;
    if (json) {
      std::string list = "[";
      for (size_t i = 0; decoded.ok() && i < edits.size(); ++i) {
        absl::StrAppendFormat(&list, "%s%s", i == 0 ? "" : ", ", EditJson(edits[i]));
      }
      absl::PrintF("%s\n  {\"offset\": %u, \"edits\": %s, \"status\": %s}", first ? "" : ",",
                   offset, decoded.ok() ? list + "]" : "null", JsonString(s.ToString()));
    } else if (decoded.ok()) {
      if (edits.size() == 1) {
        absl::PrintF("@ %u: %s\n", offset, edits[0].DebugString());
      } else {
        absl::PrintF("@ %u: group of %u edits, applied together\n", offset, edits.size());
        for (const VersionEdit& e : edits) absl::PrintF("%s\n", e.DebugString());
      }
    }
    if (!json && !s.ok()) absl::PrintF("@ %u: BAD EDIT: %s\n", offset, s.ToString());
    first = false;
    if (!s.ok()) ++bad_edits;
  };
  log::ReadReport report;
  const Status s = ReadLog(path, "manifest " + std::string(BaseName(path)), number, each, &report);
  if (json) {
    absl::PrintF("\n], \"result\": %s, ", state.Json());
  } else {
    absl::PrintF("%s", state.Text());
  }
  return FinishDump(path, s, report, json, "bad_edits", "undecodable or inconsistent version edits",
                    bad_edits);
}

}  // namespace lsm::cli
