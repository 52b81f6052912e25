// lsm wal dump | manifest dump: log files read through log::Reader, their records decoded as
// write batches or version edits.
#include <cstdio>
#include <functional>
#include <map>

#include "absl/strings/str_format.h"
#include "src/base/dbformat.h"
#include "src/base/filename.h"
#include "src/base/write_batch_internal.h"
#include "src/version/version_edit.h"
#include "src/version/version_set.h"
#include "src/wal/log_reader.h"
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
  if (e.log_number()) absl::StrAppendFormat(&r, "\"log_number\": %u, ", *e.log_number());
  if (e.next_file_number()) {
    absl::StrAppendFormat(&r, "\"next_file_number\": %u, ", *e.next_file_number());
  }
  if (e.last_sequence()) absl::StrAppendFormat(&r, "\"last_sequence\": %u, ", *e.last_sequence());
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
                          "\"largest_seqno\": %u, \"smallest_key\": %s, \"largest_key\": %s}",
                          i == 0 ? "" : ", ", level, f.number, f.file_size, f.smallest_seqno,
                          f.largest_seqno, JsonString(ok ? Escape(a.user_key) : ""),
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
  Status Put(std::string_view key, std::string_view value) override {
    return PutCF(0, key, value);
  }
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
      absl::PrintF("%s{\"seq\": %u, \"cf\": %u, \"type\": \"del\", \"key\": %s}", Sep(), seq_++,
                   cf, JsonString(FormatBytes(key, hex_)));
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
  std::map<int, std::map<uint64_t, FileMetaData>> levels;
  VersionEdit state;  // the latest scalar fields
  int bad_edits = 0;
  bool first = true;
  if (json) absl::PrintF("{\"file\": %s, \"edits\": [", JsonString(path));
  auto each = [&](uint64_t offset, std::string_view record) {
    VersionEdit edit;
    Status s = edit.DecodeFrom(record);
    if (json) {
      absl::PrintF("%s\n  {\"offset\": %u, \"edit\": %s, \"status\": %s}", first ? "" : ",", offset,
                   s.ok() ? EditJson(edit) : "null", JsonString(s.ToString()));
    } else if (s.ok()) {
      absl::PrintF("@ %u: %s\n", offset, edit.DebugString());
    } else {
      absl::PrintF("@ %u: BAD EDIT: %s\n", offset, s.ToString());
    }
    first = false;
    if (!s.ok()) {
      ++bad_edits;
      return;
    }
    if (edit.comparator()) state.SetComparatorName(*edit.comparator());
    if (edit.log_number()) state.SetLogNumber(*edit.log_number());
    if (edit.next_file_number()) state.SetNextFileNumber(*edit.next_file_number());
    if (edit.last_sequence()) state.SetLastSequence(*edit.last_sequence());
    for (const auto& [level, n] : edit.deleted_files()) levels[level].erase(n);
    for (const auto& [level, f] : edit.new_files()) levels[level][f.number] = f;
  };
  log::ReadReport report;
  const Status s = ReadLog(path, "manifest " + std::string(BaseName(path)), number, each, &report);
  for (const auto& [level, files] : levels) {
    for (const auto& [n, f] : files) state.AddFile(level, f);
  }
  if (json) {
    absl::PrintF("\n], \"result\": %s, ", EditJson(state));
  } else {
    absl::PrintF("== resulting state:\n");
    for (const auto& [level, files] : levels) {
      uint64_t bytes = 0;
      for (const auto& [n, f] : files) bytes += f.file_size;
      if (!files.empty()) absl::PrintF("L%d: %u files, %u bytes\n", level, files.size(), bytes);
    }
    absl::PrintF("%s\n", state.DebugString());
  }
  return FinishDump(path, s, report, json, "bad_edits", "undecodable version edits", bad_edits);
}

}  // namespace lsm::cli
