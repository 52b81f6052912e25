// lsm db get | put | delete | scan | stats | options | compact | verify | repair | checkpoint |
// committed | ingest | cf: a closed database through the public API (include/lsm/db.h,
// checkpoint.h). Nothing here reads a file format directly. Every command opens the database with
// all its column families; --cf NAME picks the one get, put, delete, scan, stats, compact and
// ingest act on.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "lsm/checkpoint.h"
#include "lsm/column_family.h"
#include "lsm/db.h"
#include "lsm/iterator.h"
#include "src/base/filename.h"
#include "tools/lsm/cli_util.h"
#include "tools/lsm/commands.h"
#include "tools/lsm/sst_util.h"

namespace lsm::cli {
namespace {

constexpr char kGetUsage[] =
    "usage: lsm db get DIR KEY [--cf NAME] [--hex] [--json]\n"
    "  Prints the value of KEY. Exit 1 if it is absent or the database cannot be opened.\n";
constexpr char kPutUsage[] =
    "usage: lsm db put DIR KEY VALUE [--cf NAME] [--hex] [--create] [--json]\n"
    "  Stores KEY -> VALUE with a synced write. --create makes the database if DIR has none.\n";
constexpr char kDeleteUsage[] =
    "usage: lsm db delete DIR KEY [--cf NAME] [--hex] [--json]\n"
    "  Deletes KEY with a synced write.\n";
constexpr char kScanUsage[] =
    "usage: lsm db scan DIR [--cf NAME] [--from K] [--to K] [--limit N] [--hex] [--json]\n"
    "  Prints the live keys and values in order, from K (inclusive) to K (exclusive).\n";
constexpr char kStatsUsage[] =
    "usage: lsm db stats DIR [--cf NAME] [--json]\n"
    "  Prints the column family's statistics (lsm.stats), its numeric properties\n"
    "  (lsm::kIntProperties) and the table files per level.\n";
constexpr char kOptionsUsage[] =
    "usage: lsm db options DIR [--json]\n"
    "  Prints the options the database was last opened with (its newest OPTIONS-NNNNNN file,\n"
    "  read back with lsm::LoadLatestOptions). Exit 1 if DIR holds no OPTIONS file or it\n"
    "  does not load.\n";
constexpr char kCompactUsage[] =
    "usage: lsm db compact DIR [--cf NAME] [--json]\n"
    "  Compacts the whole key range of the column family (DB::CompactRange) and reports its\n"
    "  status and the table files per level before and after.\n";

constexpr char kVerifyUsage[] =
    "usage: lsm db verify DIR [--json]\n"
    "  Opens the database (read-only, as get does), reads every live key of every column\n"
    "  family with checksums verified, then checks every table file in DIR as\n"
    "  `lsm sst verify DIR` does.\n"
    "  Exit 1 if the database does not open, a read fails or any table is corrupt.\n";

constexpr char kRepairUsage[] =
    "usage: lsm db repair DIR [--json]\n"
    "  Rebuilds the MANIFEST of DIR from the tables and logs in it, for when the MANIFEST or\n"
    "  CURRENT is lost or damaged (RepairDB). Tables that verify are kept as they are; the\n"
    "  intact blocks of damaged tables and the intact records of logs are copied into new\n"
    "  tables; every table goes to level 0. Files it replaces are moved into DIR/lost/, never\n"
    "  deleted. Prints what was kept, salvaged, dropped and lost. Exit 0 once the database\n"
    "  is rebuilt (\"data lost\" says whether entries are missing), 1 if it cannot be.\n";

constexpr char kCheckpointUsage[] =
    "usage: lsm db checkpoint DIR OUT [--base BASE] [--json]\n"
    "  Makes OUT (which must not exist) an openable copy of the database in DIR\n"
    "  (lsm::Checkpoint::Create): its tables hard-linked (copied where they cannot be linked),\n"
    "  its logs copied, a new MANIFEST, CURRENT, OPTIONS and CHECKPOINT written. Prints the\n"
    "  files added, one per line: \"added NAME\" for each table BASE (an earlier checkpoint)\n"
    "  lacks, or every table without --base, and \"written NAME\" for each file every\n"
    "  checkpoint writes anew; then \"removed NAME\" for each table of BASE that OUT lacks.\n"
    "  Exit 1 if OUT exists, BASE is not a checkpoint or the database does not open.\n";

constexpr char kCommittedUsage[] =
    "usage: lsm db committed DIR [--hex] [--json]\n"
    "  Prints the metadata of the database's last commit (FlushOptions::commit_metadata, read\n"
    "  with DB::GetCommittedMetadata). Exit 1 if the database was never committed.\n";

constexpr char kIngestUsage[] =
    "usage: lsm db ingest DIR FILE... [--cf NAME] [--move] [--json]\n"
    "  Adds the table files FILE..., written by lsm::SstFileWriter, to the column family in one\n"
    "  call (DB::IngestExternalFile): each goes to the deepest level it fits, all at one new\n"
    "  sequence number, so they override what the database held for their keys. The files are\n"
    "  copied; --move hard-links them instead and removes the originals. Every file is read\n"
    "  and checked first. Prints the table files per level after. Exit 1 if a file is refused\n"
    "  (missing, damaged, unsorted, not from SstFileWriter, of another comparator, or\n"
    "  overlapping another FILE) or the database does not open; the database is then\n"
    "  unchanged.\n";

constexpr char kCfUsage[] =
    "usage: lsm db cf list DIR [--json]\n"
    "       lsm db cf create DIR NAME [--json]\n"
    "       lsm db cf drop DIR NAME [--json]\n"
    "  list: the column families of the database, default first, with their IDs (the cf=ID\n"
    "  of `lsm wal dump`, the column family of `lsm manifest dump`). create: makes the column\n"
    "  family NAME with default options. drop: drops it; its data is deleted. The default\n"
    "  family cannot be dropped. Exit 1 if NAME exists (create) or does not (drop).\n";

constexpr char kKeyNote[] =
    "  With --hex, KEY, VALUE and bounds are hex digits; otherwise \\xNN escapes are decoded.\n"
    "  --cf NAME acts on column family NAME (default: \"default\"); exit 1 if there is none.\n"
    "  The database must not be open in another process. get, scan, stats, verify and\n"
    "  cf list never change DIR: they hold its LOCK and open it read-only (the logs\n"
    "  replayed in memory).\n";

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
std::string FilesPerLevel(DB* db, ColumnFamilyHandle* cf, bool json) {
  std::string out = json ? "[" : "";
  for (int level = 0; level < 7; ++level) {
    std::string value;
    if (!db->GetProperty(cf, "lsm.num-files-at-level" + std::to_string(level), &value)) value = "";
    if (json) {
      absl::StrAppendFormat(&out, "%s%s", level == 0 ? "" : ", ", value.empty() ? "null" : value);
    } else if (!value.empty() && value != "0") {
      absl::StrAppendFormat(&out, "%sL%d %s", out.empty() ? "" : ", ", level, value);
    }
  }
  if (json) return out + "]";
  return out.empty() ? "none" : out;
}

// An open database for one command, with every column family it holds. A read-only session
// never changes DIR: it holds DIR's LOCK (so no writer can start meanwhile) and opens it with
// DB::OpenForReadOnly.
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
    dir_ = dir;
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
    }
    options.create_if_missing = mode == Mode::kCreate;
    // Every family must be named to open a database for writing; the default one keeps the
    // options above, the others get default options. When DIR holds no database yet, or its
    // families cannot be listed, the default family alone is opened, and the open says what
    // is wrong with DIR.
    std::vector<std::string> names;
    if (!Fs()->FileExists(CurrentFileName(dir)).ok() ||
        !DB::ListColumnFamilies(options, dir, &names).ok()) {
      names = {kDefaultColumnFamilyName};
    }
    // A TTL family (ColumnFamilyOptions::ttl_seconds) opens only with a TTL, the one its
    // values expire by: each family gets the ttl_seconds the newest OPTIONS file records.
    // Without one that loads, no family gets a TTL, and a TTL family's open fails saying so.
    DBOptions recorded_db;
    std::vector<ColumnFamilyDescriptor> recorded;
    Status loaded = Fs()->FileExists(CurrentFileName(dir)).ok()
                        ? LoadLatestOptions(dir, &recorded_db, &recorded)
                        : Status::NotFound(dir, "no database");
    std::vector<ColumnFamilyDescriptor> families;
    for (const std::string& name : names) {
      ColumnFamilyOptions family = name == kDefaultColumnFamilyName
                                       ? static_cast<const ColumnFamilyOptions&>(options)
                                       : ColumnFamilyOptions();
      if (loaded.ok()) {
        for (const ColumnFamilyDescriptor& d : recorded) {
          if (d.name == name) family.ttl_seconds = d.options.ttl_seconds;
        }
      }
      families.push_back({name, family});
    }
    Status s = mode == Mode::kReadOnly
                   ? DB::OpenForReadOnly(options, dir, families, &handles_, &db_)
                   : DB::Open(options, dir, families, &handles_, &db_);
    if (!s.ok() && !loaded.ok() && !loaded.IsNotFound()) {
      absl::FPrintF(stderr, "lsm: note: the OPTIONS file did not load: %s\n", loaded.ToString());
    }
    return s.ok() ? kExitOk : Explain(dir, s);
  }

  DB* db() const { return db_.get(); }
  // The handles of every column family, the default one first.
  const std::vector<ColumnFamilyHandle*>& families() const { return handles_; }

  // Sets *cf to the family `name`. Returns kExitOk, or kExitFailed after saying on stderr
  // that the database has no such family and which ones it has.
  int Family(const std::string& name, ColumnFamilyHandle** cf) const {
    std::string all;
    for (ColumnFamilyHandle* h : handles_) {
      if (h->GetName() == name) {
        *cf = h;
        return kExitOk;
      }
      absl::StrAppendFormat(&all, "%s'%s'", all.empty() ? "" : ", ", Escape(h->GetName()));
    }
    absl::FPrintF(stderr, "lsm: error: database %s has no column family '%s' (it has %s)\n", dir_,
                  Escape(name), all);
    return kExitFailed;
  }

  // The family named by --cf (Unescape'd), or the default one without it; as Family.
  int Family(const Args& args, ColumnFamilyHandle** cf) const {
    return Family(args.Has("cf") ? Unescape(args.Get("cf")) : kDefaultColumnFamilyName, cf);
  }

  // Closes the database; returns rc, or kExitFailed if closing failed.
  int Finish(int rc) {
    Status s = db_->Close();
    if (!s.ok()) return Fail("closing the database", s);
    return rc;
  }

 private:
  std::string dir_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<DB> db_;
  std::vector<ColumnFamilyHandle*> handles_;
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
  if (int rc = Parse(words, {{"cf"}, {"hex"}}, kGetUsage, 2, &args); rc >= 0) return rc;
  std::string key, value;
  if (!Bytes(args, 1, &key)) return UsageError("KEY is not hex", kGetUsage);
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kReadOnly); rc != kExitOk)
    return rc;
  DB* db = session.db();
  ColumnFamilyHandle* cf;
  if (int rc = session.Family(args, &cf); rc != kExitOk) return session.Finish(rc);
  Status s = db->Get(ReadOptions(), cf, key, &value);
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

int DbCommitted(const Words& words) {
  Args args;
  if (int rc = Parse(words, {{}, {"hex"}}, kCommittedUsage, 1, &args); rc >= 0) return rc;
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kReadOnly); rc != kExitOk)
    return rc;
  std::string metadata;
  Status s = session.db()->GetCommittedMetadata(&metadata);
  if (s.IsNotFound()) {
    absl::FPrintF(stderr, "lsm: the database has no commit\n");
    return session.Finish(kExitFailed);
  }
  if (!s.ok()) return session.Finish(Fail("reading the committed metadata", s));
  const std::string text = FormatBytes(metadata, args.Has("hex"));
  if (args.Has("json")) {
    absl::PrintF("{\"committed_metadata\": %s, \"bytes\": %u}\n", JsonString(text),
                 metadata.size());
  } else {
    absl::PrintF("%s\n", text);
  }
  return session.Finish(kExitOk);
}

int DbPut(const Words& words) {
  Args args;
  if (int rc = Parse(words, {{"cf"}, {"hex", "create"}}, kPutUsage, 3, &args); rc >= 0) return rc;
  std::string key, value;
  if (!Bytes(args, 1, &key) || !Bytes(args, 2, &value)) {
    return UsageError("KEY or VALUE is not hex", kPutUsage);
  }
  Session session;
  const auto mode = args.Has("create") ? Session::Mode::kCreate : Session::Mode::kWrite;
  if (int rc = session.Open(args.positional()[0], mode); rc != kExitOk) return rc;
  DB* db = session.db();
  ColumnFamilyHandle* cf;
  if (int rc = session.Family(args, &cf); rc != kExitOk) return session.Finish(rc);
  Status s = db->Put(WriteOptions{.sync = true}, cf, key, value);
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
  if (int rc = Parse(words, {{"cf"}, {"hex"}}, kDeleteUsage, 2, &args); rc >= 0) return rc;
  std::string key;
  if (!Bytes(args, 1, &key)) return UsageError("KEY is not hex", kDeleteUsage);
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kWrite); rc != kExitOk) return rc;
  DB* db = session.db();
  ColumnFamilyHandle* cf;
  if (int rc = session.Family(args, &cf); rc != kExitOk) return session.Finish(rc);
  Status s = db->Delete(WriteOptions{.sync = true}, cf, key);
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
  if (int rc = Parse(words, {{"cf", "from", "to", "limit"}, {"hex"}}, kScanUsage, 1, &args);
      rc >= 0) {
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
  ColumnFamilyHandle* cf;
  if (int rc = session.Family(args, &cf); rc != kExitOk) return session.Finish(rc);
  const bool hex = args.Has("hex"), json = args.Has("json");
  std::string_view upper(to);
  ReadOptions ro;
  if (args.Has("to")) ro.iterate_upper_bound = &upper;
  uint64_t count = 0;
  Status s;
  {
    std::unique_ptr<Iterator> it = db->NewIterator(ro, cf);
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
  if (int rc = Parse(words, {{"cf"}, {}}, kStatsUsage, 1, &args); rc >= 0) return rc;
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kReadOnly); rc != kExitOk)
    return rc;
  DB* db = session.db();
  ColumnFamilyHandle* cf;
  if (int rc = session.Family(args, &cf); rc != kExitOk) return session.Finish(rc);
  std::string stats, recovery;
  if (!db->GetProperty(cf, "lsm.stats", &stats)) stats = "(lsm.stats not available)";
  if (!db->GetProperty("lsm.recovery", &recovery)) recovery = "";
  const bool json = args.Has("json");
  std::string properties;
  for (std::string_view name : kIntProperties) {
    uint64_t n;
    if (!db->GetIntProperty(cf, name, &n)) continue;
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
        FilesPerLevel(db, cf, true), JsonString(stats), properties, JsonString(recovery));
  } else {
    absl::PrintF("database %s", args.positional()[0]);
    if (args.Has("cf")) absl::PrintF(", column family '%s'", Escape(cf->GetName()));
    absl::PrintF("\n");
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
  if (int rc = Parse(words, {{"cf"}, {}}, kCompactUsage, 1, &args); rc >= 0) return rc;
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kWrite); rc != kExitOk) return rc;
  DB* db = session.db();
  ColumnFamilyHandle* cf;
  if (int rc = session.Family(args, &cf); rc != kExitOk) return session.Finish(rc);
  const bool json = args.Has("json");
  const std::string before = FilesPerLevel(db, cf, json);
  Status s = db->CompactRange(cf, nullptr, nullptr);
  if (s.IsNotSupported()) {
    absl::FPrintF(stderr, "lsm: manual compaction is not supported by this build: %s\n",
                  s.ToString());
    return session.Finish(kExitFailed);
  }
  if (!s.ok()) return session.Finish(Fail("compaction", s));
  const std::string after = FilesPerLevel(db, cf, json);
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
  size_t families = 0;
  Status read;
  {
    Session session;
    if (session.Open(dir, Session::Mode::kReadOnly) == kExitOk) {
      opened = true;
      families = session.families().size();
      for (ColumnFamilyHandle* cf : session.families()) {
        std::unique_ptr<Iterator> it = session.db()->NewIterator(ReadOptions(), cf);
        for (it->SeekToFirst(); it->Valid(); it->Next(), ++keys) {
          bytes += it->key().size() + it->value().size();
        }
        read = it->status();
        if (!read.ok()) break;
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
        "{\"database\": {\"opens\": %s, \"live_keys\": %u, \"bytes\": %u, "
        "\"column_families\": %u, \"status\": %s}, ",
        opened ? "true" : "false", keys, bytes, families,
        JsonString(!opened ? "does not open (see stderr)" : read.ToString()));
  } else if (!opened) {
    absl::PrintF("FAILED   the database does not open (see above); checking its tables\n");
  } else if (read.ok()) {
    absl::PrintF("OK       database opens; %u live keys, %u bytes read%s\n", keys, bytes,
                 families > 1 ? absl::StrFormat(" in %u column families", families) : "");
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

int DbCheckpoint(const Words& words) {
  Args args;
  if (int rc = Parse(words, {{"base"}, {}}, kCheckpointUsage, 2, &args); rc >= 0) return rc;
  const std::string& dir = args.positional()[0];
  const std::string& out = args.positional()[1];
  CheckpointOptions options;
  options.base = args.Get("base");
  if (args.Has("base") && options.base.empty()) {
    return UsageError("--base needs a directory", kCheckpointUsage);
  }
  Session session;
  if (int rc = session.Open(dir, Session::Mode::kWrite); rc != kExitOk) return rc;
  CheckpointInfo info;
  Status s = Checkpoint::Create(session.db(), out, options, &info);
  if (!s.ok()) return session.Finish(Fail("cannot make checkpoint " + out, s));
  if (args.Has("json")) {
    auto list = [](const std::vector<std::string>& names) {
      std::string text;
      for (const std::string& name : names) {
        absl::StrAppendFormat(&text, "%s%s", text.empty() ? "" : ", ", JsonString(name));
      }
      return "[" + text + "]";
    };
    absl::PrintF(
        "{\"op\": \"checkpoint\", \"dir\": %s, \"out\": %s, \"base\": %s, \"tables\": %u, "
        "\"added\": %s, \"removed\": %s, \"other_files\": %s, \"tables_copied\": %u, "
        "\"last_sequence\": %u, \"status\": \"OK\"}\n",
        JsonString(dir), JsonString(out), options.base.empty() ? "null" : JsonString(options.base),
        info.tables.size(), list(info.added), list(info.removed), list(info.other_files),
        info.tables_copied, info.last_sequence);
  } else {
    for (const std::string& name : info.added) absl::PrintF("added %s\n", name);
    for (const std::string& name : info.other_files) absl::PrintF("written %s\n", name);
    for (const std::string& name : info.removed) absl::PrintF("removed %s\n", name);
    absl::PrintF("OK: checkpoint %s: %u tables, %u added, %u removed%s; last sequence %u\n", out,
                 info.tables.size(), info.added.size(), info.removed.size(),
                 options.base.empty() ? "" : " since " + options.base, info.last_sequence);
  }
  return session.Finish(kExitOk);
}

int DbIngest(const Words& words) {
  Args args;
  FlagSpec spec{{"cf"}, {"move"}};
  spec.more_positionals = true;
  if (int rc = Parse(words, spec, kIngestUsage, 2, &args); rc >= 0) return rc;
  const std::string& dir = args.positional()[0];
  const std::vector<std::string> files(args.positional().begin() + 1, args.positional().end());
  Session session;
  if (int rc = session.Open(dir, Session::Mode::kWrite); rc != kExitOk) return rc;
  DB* db = session.db();
  ColumnFamilyHandle* cf;
  if (int rc = session.Family(args, &cf); rc != kExitOk) return session.Finish(rc);
  IngestExternalFileOptions options;
  options.move_files = args.Has("move");
  Status s = db->IngestExternalFile(cf, files, options);
  if (!s.ok()) return session.Finish(Fail("cannot ingest into " + dir, s));
  const bool json = args.Has("json");
  if (json) {
    std::string list;
    for (const std::string& f : files) {
      absl::StrAppendFormat(&list, "%s%s", list.empty() ? "" : ", ", JsonString(f));
    }
    absl::PrintF(
        "{\"op\": \"ingest\", \"dir\": %s, \"cf\": %s, \"files\": [%s], \"moved\": %s, "
        "\"files_at_level\": %s, \"last_sequence\": %u, \"status\": \"OK\"}\n",
        JsonString(dir), JsonString(Escape(cf->GetName())), list,
        options.move_files ? "true" : "false", FilesPerLevel(db, cf, true),
        db->GetLatestSequenceNumber());
  } else {
    absl::PrintF(
        "OK: ingested %u file%s into column family '%s' (%s); files per level: %s; "
        "last sequence %u\n",
        files.size(), files.size() == 1 ? "" : "s", Escape(cf->GetName()),
        options.move_files ? "moved" : "copied", FilesPerLevel(db, cf, false),
        db->GetLatestSequenceNumber());
  }
  return session.Finish(kExitOk);
}

namespace {

// lsm db cf list DIR: the families, default first, with their IDs.
int CfList(const Words& words) {
  Args args;
  if (int rc = Parse(words, {}, kCfUsage, 1, &args); rc >= 0) return rc;
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kReadOnly); rc != kExitOk)
    return rc;
  const bool json = args.Has("json");
  if (json) absl::PrintF("{\"column_families\": [");
  bool first = true;
  for (ColumnFamilyHandle* cf : session.families()) {
    if (json) {
      absl::PrintF("%s{\"id\": %u, \"name\": %s}", first ? "" : ", ", cf->GetID(),
                   JsonString(Escape(cf->GetName())));
    } else {
      absl::PrintF("%u '%s'\n", cf->GetID(), Escape(cf->GetName()));
    }
    first = false;
  }
  if (json) {
    absl::PrintF("], \"count\": %u}\n", session.families().size());
  } else {
    absl::PrintF("-- %u column families\n", session.families().size());
  }
  return session.Finish(kExitOk);
}

// lsm db cf create|drop DIR NAME.
int CfCreateOrDrop(const Words& words, bool create) {
  Args args;
  if (int rc = Parse(words, {}, kCfUsage, 2, &args); rc >= 0) return rc;
  const std::string name = Unescape(args.positional()[1]);
  Session session;
  if (int rc = session.Open(args.positional()[0], Session::Mode::kWrite); rc != kExitOk) return rc;
  ColumnFamilyHandle* cf = nullptr;
  uint32_t id = 0;
  if (create) {
    Status s = session.db()->CreateColumnFamily(ColumnFamilyOptions(), name, &cf);
    if (!s.ok())
      return session.Finish(Fail("cannot create column family '" + Escape(name) + "'", s));
    id = cf->GetID();
  } else {
    if (int rc = session.Family(name, &cf); rc != kExitOk) return session.Finish(rc);
    id = cf->GetID();
    Status s = session.db()->DropColumnFamily(cf);
    if (!s.ok()) return session.Finish(Fail("cannot drop column family '" + Escape(name) + "'", s));
  }
  const char* op = create ? "create" : "drop";
  if (args.Has("json")) {
    absl::PrintF("{\"op\": \"%s_column_family\", \"name\": %s, \"id\": %u, \"status\": \"OK\"}\n",
                 op, JsonString(Escape(name)), id);
  } else {
    absl::PrintF("OK: %s column family '%s' (id %u)\n", create ? "created" : "dropped",
                 Escape(name), id);
  }
  return session.Finish(kExitOk);
}

}  // namespace

int DbCf(const Words& words) {
  if (words.empty()) return UsageError("expected list, create or drop", kCfUsage);
  const std::string& what = words[0];
  if (what == "--help" || what == "-h" || what == "help") {
    absl::PrintF("%s%s", kCfUsage, kKeyNote);
    return kExitOk;
  }
  const Words rest(words.begin() + 1, words.end());
  if (what == "list") return CfList(rest);
  if (what == "create") return CfCreateOrDrop(rest, true);
  if (what == "drop") return CfCreateOrDrop(rest, false);
  return UsageError("unknown column family command '" + what + "': expected list, create or drop",
                    kCfUsage);
}

}  // namespace lsm::cli
