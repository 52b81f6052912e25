// lsm db get | put | delete | scan | stats | options | compact | verify | repair: a closed
// database through the public API (include/lsm/db.h). Nothing here reads a file format
// directly.
#include <cstdio>
#include <memory>

#include "absl/strings/str_format.h"
#include "lsm/db.h"
#include "lsm/iterator.h"
#include "src/base/filename.h"
#include "tools/lsm/cli_util.h"
#include "tools/lsm/commands.h"
#include "tools/lsm/sst_util.h"

namespace lsm::cli {
namespace {

constexpr char kGetUsage[] =
    "usage: lsm db get DIR KEY [--hex] [--json]\n"
    "  Prints the value of KEY. Exit 1 if it is absent or the database cannot be opened.\n";
constexpr char kPutUsage[] =
    "usage: lsm db put DIR KEY VALUE [--hex] [--create] [--json]\n"
    "  Stores KEY -> VALUE with a synced write. --create makes the database if DIR has none.\n";
constexpr char kDeleteUsage[] =
    "usage: lsm db delete DIR KEY [--hex] [--json]\n"
    "  Deletes KEY with a synced write.\n";
constexpr char kScanUsage[] =
    "usage: lsm db scan DIR [--from K] [--to K] [--limit N] [--hex] [--json]\n"
    "  Prints the live keys and values in order, from K (inclusive) to K (exclusive).\n";
constexpr char kStatsUsage[] =
    "usage: lsm db stats DIR [--json]\n"
    "  Prints the database's statistics (lsm.stats), its numeric properties\n"
    "  (lsm::kIntProperties) and the table files per level.\n";
constexpr char kOptionsUsage[] =
    "usage: lsm db options DIR [--json]\n"
    "  Prints the options the database was last opened with (its newest OPTIONS-NNNNNN file,\n"
    "  read back with lsm::LoadLatestOptions). Exit 1 if DIR holds no OPTIONS file or it\n"
    "  does not load.\n";
constexpr char kCompactUsage[] =
    "usage: lsm db compact DIR [--json]\n"
    "  Compacts the whole key range (DB::CompactRange) and reports its status and the table\n"
    "  files per level before and after.\n";

constexpr char kVerifyUsage[] =
    "usage: lsm db verify DIR [--json]\n"
    "  Opens the database (read-only, as get does), reads every live key with checksums\n"
    "  verified, then checks every table file in DIR as `lsm sst verify DIR` does.\n"
    "  Exit 1 if the database does not open, a read fails or any table is corrupt.\n";

constexpr char kRepairUsage[] =
    "usage: lsm db repair DIR [--json]\n"
    "  Rebuilds the MANIFEST of DIR from the tables and logs in it, for when the MANIFEST or\n"
    "  CURRENT is lost or damaged (RepairDB). Tables that verify are kept as they are; the\n"
    "  intact blocks of damaged tables and the intact records of logs are copied into new\n"
    "  tables; every table goes to level 0. Files it replaces are moved into DIR/lost/, never\n"
    "  deleted. Prints what was kept, salvaged, dropped and lost. Exit 0 once the database\n"
    "  is rebuilt (\"data lost\" says whether entries are missing), 1 if it cannot be.\n";

constexpr char kKeyNote[] =
    "  With --hex, KEY, VALUE and bounds are hex digits; otherwise \\xNN escapes are decoded.\n"
    "  The database must not be open in another process. get, scan, stats and verify never\n"
    "  change DIR: they hold its LOCK and open it read-only (the logs replayed in memory).\n";

// Explains why DIR could not be opened (or repaired); returns kExitFailed.
int Explain(const std::string& dir, const Status& s, const std::string& what = "open") {
  if (s.IsIOError() && s.ToString().find("lock held") != std::string::npos) {
    absl::FPrintF(stderr,
                  "lsm: the database %s is in use: another process holds its LOCK.\n"
                  "     Stop that process (or work on a copy of the directory) and try again.\n"
                  "     (%s)\n",
                  dir, s.ToString());
    return kExitFailed;
  }
  return Fail("cannot " + what + " database " + dir, s);
}

// "[3, 0, 1, ...]" (JSON) or "L0 3, L1 0, ..." (levels with files only): table files per
// level.
std::string FilesPerLevel(DB* db, bool json) {
  std::string out = json ? "[" : "";
  for (int level = 0; level < 7; ++level) {
    std::string value;
    if (!db->GetProperty("lsm.num-files-at-level" + std::to_string(level), &value)) value = "";
    if (json) {
      absl::StrAppendFormat(&out, "%s%s", level == 0 ? "" : ", ", value.empty() ? "null" : value);
    } else if (!value.empty() && value != "0") {
      absl::StrAppendFormat(&out, "%sL%d %s", out.empty() ? "" : ", ", level, value);
    }
  }
  if (json) return out + "]";
  return out.empty() ? "none" : out;
}

// An open database for one command. A read-only session never changes DIR: it holds DIR's
// LOCK (so no writer can start meanwhile) and opens it with DB::OpenForReadOnly.
class Session {
 public:
  enum class Mode { kReadOnly, kWrite, kCreate };
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() {
    if (db_ != nullptr) (void)db_->Close();
  }

  // Returns kExitOk, or the exit code after explaining on stderr why DIR cannot be opened.
  int Open(const std::string& dir, Mode mode) {
    Options options;
    if (mode == Mode::kReadOnly) {
      if (!IsDirectory(dir)) {
        return Fail("cannot open database " + dir, Status::NotFound(dir, "no such directory"));
      }
      if (!Fs()->FileExists(CurrentFileName(dir)).ok()) {
        return Fail("cannot open database " + dir,
                    Status::NotFound(dir, "no CURRENT file: not an lsm database"));
      }
      // No LOCK file: no DB has ever opened DIR, so none holds it; do not create one.
      if (Fs()->FileExists(LockFileName(dir)).ok()) {
        if (Status s = Fs()->LockFile(LockFileName(dir), &lock_); !s.ok()) return Explain(dir, s);
      }
      Status s = DB::OpenForReadOnly(options, dir, &db_);
      return s.ok() ? kExitOk : Explain(dir, s);
    }
    options.create_if_missing = mode == Mode::kCreate;
    Status s = DB::Open(options, dir, &db_);
    return s.ok() ? kExitOk : Explain(dir, s);
  }

  DB* db() const { return db_.get(); }

  // Closes the database; returns rc, or kExitFailed if closing failed.
  int Finish(int rc) {
    Status s = db_->Close();
    if (!s.ok()) return Fail("closing the database", s);
    return rc;
  }

 private:
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<DB> db_;
};

// Parses a db command's words: `spec` with `positionals` arguments, the usage with the note
// shared by the db commands; -1 means go on.
int Parse(const Words& words, FlagSpec spec, const std::string& usage, size_t positionals,
          Args* args) {
  spec.positionals = positionals;
  return ParseArgs(words, spec, (usage + kKeyNote).c_str(), args);
}

// A command-line key or value: hex with --hex, else with \xNN escapes decoded.
bool Bytes(const Args& args, size_t index, std::string* out) {
  if (args.Has("hex")) return ParseHex(args.positional()[index], out);
  *out = Unescape(args.positional()[index]);
  return true;
}

}  // namespace

int DbGet(const Words& words) {
  Args args;
  if (int rc = Parse(words, {{}, {"hex"}}, kGetUsage, 2, &args); rc >= 0) return rc;
  std::string key, value;
  if (!Bytes(args, 1, &key)) return UsageError("KEY is not hex", kGetUsage);
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kReadOnly); rc != kExitOk)
    return rc;
  DB* db = session.db();
  Status s = db->Get(ReadOptions(), key, &value);
  const bool hex = args.Has("hex");
  if (s.IsNotFound()) {
    absl::FPrintF(stderr, "lsm: key '%s' not found\n", FormatBytes(key, hex));
    return session.Finish(kExitFailed);
  }
  if (!s.ok()) return session.Finish(Fail("get", s));
  if (args.Has("json")) {
    absl::PrintF("{\"key\": %s, \"value\": %s}\n", JsonString(FormatBytes(key, hex)),
                 JsonString(FormatBytes(value, hex)));
  } else {
    absl::PrintF("%s\n", FormatBytes(value, hex));
  }
  return session.Finish(kExitOk);
}

int DbPut(const Words& words) {
  Args args;
  if (int rc = Parse(words, {{}, {"hex", "create"}}, kPutUsage, 3, &args); rc >= 0) return rc;
  std::string key, value;
  if (!Bytes(args, 1, &key) || !Bytes(args, 2, &value)) {
    return UsageError("KEY or VALUE is not hex", kPutUsage);
  }
  Session session;
  const auto mode = args.Has("create") ? Session::Mode::kCreate : Session::Mode::kWrite;
  if (int rc = session.Open(args.positional()[0], mode); rc != kExitOk) return rc;
  DB* db = session.db();
  Status s = db->Put(WriteOptions{.sync = true}, key, value);
  if (!s.ok()) return session.Finish(Fail("put", s));
  const bool hex = args.Has("hex");
  if (args.Has("json")) {
    absl::PrintF("{\"op\": \"put\", \"key\": %s, \"value\": %s, \"status\": \"OK\"}\n",
                 JsonString(FormatBytes(key, hex)), JsonString(FormatBytes(value, hex)));
  } else {
    absl::PrintF("OK\n");
  }
  return session.Finish(kExitOk);
}

int DbDelete(const Words& words) {
  Args args;
  if (int rc = Parse(words, {{}, {"hex"}}, kDeleteUsage, 2, &args); rc >= 0) return rc;
  std::string key;
  if (!Bytes(args, 1, &key)) return UsageError("KEY is not hex", kDeleteUsage);
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kWrite); rc != kExitOk) return rc;
  DB* db = session.db();
  Status s = db->Delete(WriteOptions{.sync = true}, key);
  if (!s.ok()) return session.Finish(Fail("delete", s));
  if (args.Has("json")) {
    absl::PrintF("{\"op\": \"delete\", \"key\": %s, \"status\": \"OK\"}\n",
                 JsonString(FormatBytes(key, args.Has("hex"))));
  } else {
    absl::PrintF("OK\n");
  }
  return session.Finish(kExitOk);
}

int DbScan(const Words& words) {
  Args args;
  if (int rc = Parse(words, {{"from", "to", "limit"}, {"hex"}}, kScanUsage, 1, &args); rc >= 0) {
    return rc;
  }
  uint64_t limit = UINT64_MAX;
  std::string from, to;
  if (!args.GetUint("limit", &limit)) return kExitUsage;
  if (!KeyFlag(args, "from", &from) || !KeyFlag(args, "to", &to)) {
    return UsageError("--from/--to with --hex must be hex digits", kScanUsage);
  }
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kReadOnly); rc != kExitOk)
    return rc;
  DB* db = session.db();
  const bool hex = args.Has("hex"), json = args.Has("json");
  std::string_view upper(to);
  ReadOptions ro;
  if (args.Has("to")) ro.iterate_upper_bound = &upper;
  uint64_t count = 0;
  Status s;
  {
    std::unique_ptr<Iterator> it = db->NewIterator(ro);
    if (json) absl::PrintF("{\"entries\": [");
    for (it->Seek(from); it->Valid() && count < limit; it->Next(), ++count) {
      if (json) {
        absl::PrintF("%s\n  {\"key\": %s, \"value\": %s}", count == 0 ? "" : ",",
                     JsonString(FormatBytes(it->key(), hex)),
                     JsonString(FormatBytes(it->value(), hex)));
      } else {
        absl::PrintF("'%s' => '%s'\n", FormatBytes(it->key(), hex), FormatBytes(it->value(), hex));
      }
    }
    s = it->status();
  }
  if (json) {
    absl::PrintF("\n], \"count\": %u, \"status\": %s}\n", count,
                 JsonString(s.ok() ? "OK" : s.ToString()));
  } else {
    absl::PrintF("-- %u entries\n", count);
  }
  if (!s.ok()) return session.Finish(Fail("scan stopped", s));
  return session.Finish(kExitOk);
}

int DbStats(const Words& words) {
  Args args;
  if (int rc = Parse(words, {}, kStatsUsage, 1, &args); rc >= 0) return rc;
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kReadOnly); rc != kExitOk)
    return rc;
  DB* db = session.db();
  std::string stats, recovery;
  if (!db->GetProperty("lsm.stats", &stats)) stats = "(lsm.stats not available)";
  if (!db->GetProperty("lsm.recovery", &recovery)) recovery = "";
  const bool json = args.Has("json");
  std::string properties;
  for (std::string_view name : kIntProperties) {
    uint64_t n;
    if (!db->GetIntProperty(name, &n)) continue;
    if (json) {
      absl::StrAppendFormat(&properties, "%s%s: %u", properties.empty() ? "" : ", ",
                            JsonString(name), n);
    } else {
      absl::StrAppendFormat(&properties, "  %s: %u\n", name, n);
    }
  }
  if (json) {
    absl::PrintF(
        "{\"files_at_level\": %s, \"stats\": %s, \"properties\": {%s}, \"recovery\": %s}\n",
        FilesPerLevel(db, true), JsonString(stats), properties, JsonString(recovery));
  } else {
    absl::PrintF("database %s\n", args.positional()[0]);
    absl::PrintF("%s", stats);
    absl::PrintF("properties:\n%s", properties);
    if (!recovery.empty()) absl::PrintF("recovery at this open: %s\n", recovery);
  }
  return session.Finish(kExitOk);
}

int DbOptions(const Words& words) {
  Args args;
  if (int rc = Parse(words, {}, kOptionsUsage, 1, &args); rc >= 0) return rc;
  const std::string& dir = args.positional()[0];
  Options options;
  std::string path;
  if (Status s = LoadLatestOptions(dir, &options, &path); !s.ok()) {
    return Fail("cannot read the options of " + dir, s);
  }
  const std::string text = OptionsToString(options);
  if (args.Has("json")) {
    absl::PrintF("{\"file\": %s, \"options\": %s}\n", JsonString(path), JsonString(text));
  } else {
    absl::PrintF("# %s\n%s", path, text);
  }
  return kExitOk;
}

int DbCompact(const Words& words) {
  Args args;
  if (int rc = Parse(words, {}, kCompactUsage, 1, &args); rc >= 0) return rc;
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kWrite); rc != kExitOk) return rc;
  DB* db = session.db();
  const bool json = args.Has("json");
  const std::string before = FilesPerLevel(db, json);
  Status s = db->CompactRange(nullptr, nullptr);
  if (s.IsNotSupported()) {
    absl::FPrintF(stderr, "lsm: manual compaction is not supported by this build: %s\n",
                  s.ToString());
    return session.Finish(kExitFailed);
  }
  if (!s.ok()) return session.Finish(Fail("compaction", s));
  const std::string after = FilesPerLevel(db, json);
  if (json) {
    absl::PrintF(
        "{\"op\": \"compact\", \"status\": \"OK\", \"files_at_level_before\": %s, "
        "\"files_at_level_after\": %s}\n",
        before, after);
  } else {
    absl::PrintF("OK: compacted; table files per level before: %s; after: %s\n", before, after);
  }
  return session.Finish(kExitOk);
}

int DbVerify(const Words& words) {
  Args args;
  if (int rc = Parse(words, {}, kVerifyUsage, 1, &args); rc >= 0) return rc;
  const std::string& dir = args.positional()[0];
  const bool json = args.Has("json");
  bool opened = false;
  uint64_t keys = 0, bytes = 0;
  Status read;
  {
    Session session;
    if (session.Open(dir, Session::Mode::kReadOnly) == kExitOk) {
      opened = true;
      {
        std::unique_ptr<Iterator> it = session.db()->NewIterator(ReadOptions());
        for (it->SeekToFirst(); it->Valid(); it->Next(), ++keys) {
          bytes += it->key().size() + it->value().size();
        }
        read = it->status();
      }
      if (session.Finish(kExitOk) != kExitOk && read.ok()) {
        read = Status::IOError("closing the database failed (see above)");
      }
    }
  }
  std::vector<TableCheck> checks;
  const Status listed = CheckTables(dir, &checks);
  if (json) {
    absl::PrintF(
        "{\"database\": {\"opens\": %s, \"live_keys\": %u, \"bytes\": %u, \"status\": %s}, ",
        opened ? "true" : "false", keys, bytes,
        JsonString(!opened ? "does not open (see stderr)" : read.ToString()));
  } else if (!opened) {
    absl::PrintF("FAILED   the database does not open (see above); checking its tables\n");
  } else if (read.ok()) {
    absl::PrintF("OK       database opens; %u live keys, %u bytes read\n", keys, bytes);
  } else {
    absl::PrintF("FAILED   reading the database after %u keys: %s\n", keys, read.ToString());
  }
  const int bad = PrintTableChecks(checks, json);
  const bool ok = opened && read.ok() && listed.ok() && bad == 0;
  if (json) absl::PrintF(", \"ok\": %s}\n", ok ? "true" : "false");
  if (!listed.ok()) return Fail("cannot list " + dir, listed);
  if (bad > 0) absl::FPrintF(stderr, "lsm: %d of %u tables corrupt\n", bad, checks.size());
  return ok ? kExitOk : kExitFailed;
}

int DbRepair(const Words& words) {
  Args args;
  if (int rc = Parse(words, {}, kRepairUsage, 1, &args); rc >= 0) return rc;
  const std::string& dir = args.positional()[0];
  if (!IsDirectory(dir)) {
    return Fail("cannot repair database " + dir, Status::NotFound(dir, "no such directory"));
  }
  RepairReport r;
  Status s = RepairDB(dir, Options(), &r);
  if (!s.ok()) return Explain(dir, s, "repair");
  if (args.Has("json")) {
    std::string notes, archived;
    for (const std::string& n : r.notes) {
      absl::StrAppendFormat(&notes, "%s%s", notes.empty() ? "" : ", ", JsonString(n));
    }
    for (const std::string& a : r.archived) {
      absl::StrAppendFormat(&archived, "%s%s", archived.empty() ? "" : ", ", JsonString(a));
    }
    absl::PrintF(
        "{\"dir\": %s, \"status\": \"OK\", \"data_lost\": %s, \"tables_kept\": %u, "
        "\"tables_salvaged\": %u, \"tables_dropped\": %u, \"tables_merged\": %u, "
        "\"bad_blocks\": %u, \"entries_lost\": %u, \"logs_replayed\": %u, "
        "\"log_records\": %u, \"log_records_skipped\": %u, \"log_bytes_dropped\": %u, "
        "\"logs_damaged\": %u, \"tables\": %u, \"entries\": %u, \"bytes\": %u, "
        "\"last_sequence\": %u, \"manifest\": \"MANIFEST-%06u\", \"lost_dir\": %s, "
        "\"moved_to_lost\": [%s], \"notes\": [%s]}\n",
        JsonString(dir), r.LostData() ? "true" : "false", r.tables_kept, r.tables_salvaged,
        r.tables_dropped, r.tables_merged, r.bad_blocks, r.entries_lost, r.logs_replayed,
        r.log_records, r.log_records_skipped, r.log_bytes_dropped, r.logs_damaged, r.tables,
        r.entries, r.bytes, r.last_sequence, r.manifest_number,
        JsonString(dir + "/" + kLostDirName), archived, notes);
  } else {
    absl::PrintF("repaired %s\n%s", dir, r.ToString());
    if (r.LostData()) {
      absl::PrintF(
          "data lost: entries in the damaged parts above are gone; the originals are in %s/%s\n",
          dir, kLostDirName);
    } else {
      absl::PrintF("no data lost%s\n",
                   r.archived.empty()
                       ? ""
                       : absl::StrFormat("; replaced files are in %s/%s", dir, kLostDirName));
    }
  }
  return kExitOk;
}

}  // namespace lsm::cli
