// Tests of the `lsm` tool, run as a separate process on files the engine wrote and on
// corrupted, truncated and foreign copies of them: exit codes and key phrases, never a crash.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "lsm/column_family.h"
#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "lsm/sst_file_writer.h"
#include "lsm/write_batch.h"
#include "src/version/version_edit.h"
#include "src/wal/log_writer.h"
#include "tests/support/datadriven.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

namespace fs = std::filesystem;

struct Result {
  int code = -1;
  std::string out;  // stdout and stderr
};

// Runs the tool with `args` (shell words). A sanitizer report exits 86/87, a signal -1.
Result Lsm(const std::string& args) {
  const std::string cmd = "ASAN_OPTIONS=exitcode=86:$ASAN_OPTIONS UBSAN_OPTIONS=exitcode=87 " +
                          std::string(LSM_CLI_BINARY) + " " + args + " 2>&1";
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  EXPECT_NE(r.code, -1) << "killed by a signal: " << args << "\n" << r.out;
  EXPECT_NE(r.code, 86) << "sanitizer report: " << args << "\n" << r.out;
  EXPECT_NE(r.code, 87) << "sanitizer report: " << args << "\n" << r.out;
  return r;
}

// A database with one flushed table (key000..key099, key005 deleted) and a WAL holding
// later writes, closed.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() + "/db";
    Options options;
    options.create_if_missing = true;
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(options, db_, &db).ok());
    for (int i = 0; i < 100; ++i) {
      char key[16];
      std::snprintf(key, sizeof(key), "key%03d", i);
      ASSERT_TRUE(db->Put(WriteOptions(), key, "value" + std::to_string(i)).ok());
    }
    // The snapshot keeps the flush from dropping the deletion along with what it deletes.
    const Snapshot* snapshot = db->GetSnapshot();
    ASSERT_TRUE(db->Delete(WriteOptions(), "key005").ok());
    ASSERT_TRUE(db->Flush().ok());
    db->ReleaseSnapshot(snapshot);
    ASSERT_TRUE(db->Put(WriteOptions(), "wal-key", std::string("bin\x01\xff", 5)).ok());
    ASSERT_TRUE(db->Delete(WriteOptions(), "key007").ok());
    ASSERT_TRUE(db->Close().ok());
    for (const auto& e : fs::directory_iterator(db_)) {
      const std::string name = e.path().filename().string();
      if (name.ends_with(".sst")) sst_ = e.path().string();
      if (name.ends_with(".log") && fs::file_size(e.path()) > wal_size_) {
        wal_ = e.path().string();
        wal_size_ = fs::file_size(e.path());
      }
    }
    ASSERT_FALSE(sst_.empty());
    ASSERT_FALSE(wal_.empty());
  }

  // A copy of `src` in the temp dir named `name`, changed by `edit`.
  template <typename Edit>
  std::string Copy(const std::string& src, const std::string& name, Edit edit) {
    std::string data = ReadFile(src);
    edit(&data);
    const std::string path = dir_.path() + "/" + name;
    WriteFile(path, data);
    return path;
  }

  TempDir dir_;
  std::string db_, sst_, wal_;
  uintmax_t wal_size_ = 0;
};

auto Flip(size_t offset) {
  return [offset](std::string* d) { (*d)[std::min(offset, d->size() - 1)] ^= 0x40; };
}
auto Truncate(size_t keep) {
  return [keep](std::string* d) { d->resize(std::min(keep, d->size())); };
}
auto Replace(std::string text) {
  return [text](std::string* d) { *d = text; };
}

TEST_F(CliTest, CliHelpAndUsage) {
  EXPECT_EQ(Lsm("--help").code, 0);
  EXPECT_EQ(Lsm("").code, 2);
  EXPECT_EQ(Lsm("bogus").code, 2);
  EXPECT_EQ(Lsm("sst nope").code, 2);
  for (const char* c :
       {"sst scan", "sst props", "sst verify", "sst layout", "sst recompress", "wal dump",
        "manifest dump", "db get", "db put", "db delete", "db scan", "db stats", "db options",
        "db compact", "db verify", "db repair", "db checkpoint", "db ingest", "db cf"}) {
    Result r = Lsm(std::string(c) + " --help");
    EXPECT_EQ(r.code, 0) << c;
    EXPECT_NE(r.out.find(std::string("usage: lsm ") + c), std::string::npos) << r.out;
    EXPECT_EQ(Lsm(c).code, 2) << c;  // missing arguments
  }
  EXPECT_EQ(Lsm("sst scan " + sst_ + " --bogus").code, 2);
  EXPECT_EQ(Lsm("sst scan " + sst_ + " --limit=abc").code, 2);
  EXPECT_EQ(Lsm("sst scan " + sst_ + " --hex --from=zz").code, 2);
  for (const char* c : {"db cf list", "db cf create", "db cf drop"}) {
    Result r = Lsm(std::string(c) + " --help");
    EXPECT_EQ(r.code, 0) << c;
    EXPECT_NE(r.out.find(std::string("usage: lsm db cf list DIR")), std::string::npos) << r.out;
    EXPECT_EQ(Lsm(c).code, 2) << c;  // missing arguments
  }
  EXPECT_EQ(Lsm("db cf rename " + db_ + " a b").code, 2);
  EXPECT_EQ(Lsm("db cf create " + db_).code, 2);
}

// The data-driven files of tests/testdata/cli/ (tests/support/datadriven.h): each case is
// `lsm ARGS...` on the test database, with $DB, $SST and $WAL standing for its directory, its
// table and its log; the output is the exit code and what the tool printed, the paths written
// back as those names.
TEST_F(CliTest, CliDataDriven) {
  const std::vector<std::pair<std::string, std::string>> names = {
      {"$SST", sst_}, {"$WAL", wal_}, {"$DB", db_}};
  auto run = [&](const DataDrivenCase& c) {
    if (c.cmd != "lsm") return "unknown command " + c.cmd;
    std::string args;
    for (std::string word : c.args) {
      for (const auto& [name, path] : names) {
        if (word.starts_with(name)) word = path + word.substr(name.size());
      }
      args += " " + word;
    }
    Result r = Lsm(args);
    for (const auto& [name, path] : names) {
      for (size_t at; (at = r.out.find(path)) != std::string::npos;) {
        r.out.replace(at, path.size(), name);
      }
    }
    return "exit " + std::to_string(r.code) + "\n" + r.out;
  };
  const std::vector<std::string> files =
      DataDrivenFiles(std::string(LSM_SOURCE_DIR) + "/tests/testdata/cli");
  EXPECT_FALSE(files.empty()) << "fixtures missing";
  for (const std::string& file : files) RunDataDriven(file, run);
}

TEST_F(CliTest, CliSstScan) {
  Result r = Lsm("sst scan " + sst_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("'key000' @ "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("=> 'value0'"), std::string::npos);
  EXPECT_NE(r.out.find("'key005' @ 101 DEL"), std::string::npos) << r.out;
  r = Lsm("sst scan " + sst_ + " --from key010 --to key013");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("key012"), std::string::npos);
  EXPECT_EQ(r.out.find("key013"), std::string::npos);
  EXPECT_NE(r.out.find("-- 3 entries"), std::string::npos) << r.out;
  r = Lsm("sst scan " + sst_ + " --limit 2 --json");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("\"count\": 2, \"status\": \"OK\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"type\": \"put\""), std::string::npos);
  r = Lsm("sst scan " + sst_ + " --hex --from 6b6579303130 --limit 1");  // "key010"
  EXPECT_NE(r.out.find("'6b6579303130' @"), std::string::npos) << r.out;
}

TEST_F(CliTest, CliSstProps) {
  Result r = Lsm("sst props " + sst_);
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* s : {"entries:", "data blocks:", "compression ratio:", "per key configured",
                        "sequence range:", "key range:         'key000' @"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  r = Lsm("sst props " + sst_ + " --json");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("\"num_deletions\": 1"), std::string::npos) << r.out;
}

TEST_F(CliTest, CliSstVerifyAndLayout) {
  Result r = Lsm("sst verify " + sst_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("OK "), std::string::npos);
  EXPECT_EQ(Lsm("sst verify " + db_).code, 0);
  EXPECT_NE(Lsm("sst verify " + db_ + " --json").out.find("\"corrupt\": 0"), std::string::npos);
  r = Lsm("sst layout " + sst_);
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* s : {"data 0", "filter", "properties", "metaindex", "index", "footer"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  EXPECT_EQ(Lsm("sst layout " + sst_ + " --json").code, 0);
}

TEST_F(CliTest, CliSstDamagedFiles) {
  const std::string flipped = Copy(sst_, "flipped.sst", Flip(20));
  Result r = Lsm("sst verify " + flipped);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("CORRUPT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("block @ 0"), std::string::npos) << r.out;
  r = Lsm("sst layout " + flipped);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("checksum"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("sst scan " + flipped).code, 1);

  const std::string truncated = Copy(sst_, "truncated.sst", Truncate(ReadFile(sst_).size() / 2));
  const std::string foreign = Copy(sst_, "foreign.sst", Replace(std::string(200, 'x') + "\n"));
  const std::string tiny = Copy(sst_, "tiny.sst", Replace("hi\n"));
  const std::string empty = Copy(sst_, "empty.sst", Replace(""));
  for (const std::string& f : {truncated, foreign, tiny, empty}) {
    for (const char* c :
         {"sst scan ", "sst props ", "sst verify ", "sst layout ", "sst recompress "}) {
      r = Lsm(c + f);
      EXPECT_EQ(r.code, 1) << c << f << "\n" << r.out;
      EXPECT_NE(r.out.find("lsm"), std::string::npos);
    }
  }
  EXPECT_NE(Lsm("sst props " + foreign).out.find("magic"), std::string::npos);
  EXPECT_NE(Lsm("sst props " + tiny).out.find("short"), std::string::npos);
  r = Lsm("sst props " + dir_.path() + "/missing.sst");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("cannot open table"), std::string::npos) << r.out;
  // A directory with a bad table among good ones.
  fs::copy_file(flipped, db_ + "/000999.sst");
  r = Lsm("sst verify " + db_);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("1 corrupt"), std::string::npos) << r.out;
}

// Damage anywhere (a flipped byte at spread offsets, a cut at spread lengths) gives exit 0 or
// 1 with a message, never a crash or a sanitizer report (Lsm checks those).
TEST_F(CliTest, CliNoCrashOnDamage) {
  std::string manifest;
  for (const auto& e : fs::directory_iterator(db_)) {
    if (e.path().filename().string().starts_with("MANIFEST-")) manifest = e.path().string();
  }
  struct Target {
    std::string file;
    std::vector<std::string> commands;
  };
  const std::vector<Target> targets = {
      {sst_, {"sst scan", "sst props", "sst verify", "sst layout"}},
      {wal_, {"wal dump"}},
      {manifest, {"manifest dump"}}};
  for (const Target& t : targets) {
    const size_t size = ReadFile(t.file).size();
    const std::string name = fs::path(t.file).filename().string();
    for (int i = 0; i < 12; ++i) {
      fs::create_directories(dir_.path() + "/d");
      const std::string path = (i % 2 == 0) ? Copy(t.file, "d/" + name, Flip(size * i / 12 + 3))
                                            : Copy(t.file, "d/" + name, Truncate(size * i / 12));
      for (const std::string& c : t.commands) {
        Result r = Lsm(c + " " + path);
        EXPECT_TRUE(r.code == 0 || r.code == 1) << c << " " << i << "\n" << r.out;
        if (r.code == 1) {
          EXPECT_NE(r.out.find("lsm"), std::string::npos) << r.out;
        }
      }
    }
  }
}

TEST_F(CliTest, CliSstRecompress) {
  Result r = Lsm("sst recompress " + sst_ + " --codecs=none,lz4,zstd:1,zstd:3");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("zstd:3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("file unchanged"), std::string::npos);
  EXPECT_EQ(Lsm("sst recompress " + sst_ + " --codecs=gzip").code, 2);
  EXPECT_EQ(Lsm("sst recompress " + sst_ + " --json").code, 0);
}

TEST_F(CliTest, CliWalDump) {
  Result r = Lsm("wal dump " + wal_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("PUT 'wal-key' @ 102 => 'bin\\x01\\xff'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DEL 'key007' @ 103"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-- 2 records"), std::string::npos) << r.out;
  r = Lsm("wal dump " + wal_ + " --json --hex");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("\"key\": \"6b6579303037\""), std::string::npos) << r.out;

  // A torn tail: normal after a crash, not an error.
  const std::string name = fs::path(wal_).filename().string();
  fs::create_directories(dir_.path() + "/torn");
  fs::create_directories(dir_.path() + "/bad");
  fs::create_directories(dir_.path() + "/foreign");
  const std::string torn = Copy(wal_, "torn/" + name, Truncate(wal_size_ - 3));
  r = Lsm("wal dump " + torn);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("torn tail"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-- 1 records"), std::string::npos) << r.out;
  // Damage in the first record's payload.
  r = Lsm("wal dump " + Copy(wal_, "bad/" + name, Flip(wal_size_ / 3)));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("DAMAGE"), std::string::npos) << r.out;
  r = Lsm("wal dump " + Copy(wal_, "foreign/" + name, Replace(std::string(100, 'x'))));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(Lsm("wal dump " + Copy(wal_, "plain.txt", Replace("x"))).code, 2);
  r = Lsm("wal dump " + dir_.path() + "/plain.txt --log-number 9");  // 1 byte: a torn header
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("torn tail"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("wal dump " + dir_.path() + "/000123.log").code, 1);
}

TEST_F(CliTest, CliWalTail) {
  // The flushed writes' log is gone (no archive); the log's two later writes are there.
  Result r = Lsm("wal tail " + db_ + " --from 102");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("sequence 102, 1 ops"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("PUT 'wal-key' @ 102 => 'bin\\x01\\xff'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DEL 'key007' @ 103"), std::string::npos) << r.out;
  r = Lsm("wal tail " + db_ + " --from 103 --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.find("wal-key"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"sequence\": 103"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"status\": \"OK\""), std::string::npos) << r.out;
  r = Lsm("wal tail " + db_ + " --from 5");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("sequence 5 is no longer in the logs"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("wal tail " + db_ + " --from x").code, 2);
  EXPECT_EQ(Lsm("wal tail " + dir_.path() + "/missing").code, 1);
}

TEST_F(CliTest, CliManifestDump) {
  Result r = Lsm("manifest dump " + db_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("resulting state"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("add L0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("comparator"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("manifest dump " + db_ + " --json").code, 0);
  std::string manifest;
  for (const auto& e : fs::directory_iterator(db_)) {
    if (e.path().filename().string().starts_with("MANIFEST-")) manifest = e.path().string();
  }
  ASSERT_FALSE(manifest.empty());
  EXPECT_EQ(Lsm("manifest dump " + manifest).code, 0);
  fs::create_directories(dir_.path() + "/m");
  const std::string name = "m/" + fs::path(manifest).filename().string();
  r = Lsm("manifest dump " + Copy(manifest, name, Flip(20)));
  EXPECT_EQ(r.code, 1) << r.out;
  r = Lsm("manifest dump " + Copy(manifest, name, Replace("not a manifest\n")));
  EXPECT_EQ(r.code, 1) << r.out;
  WriteFile(db_ + "/CURRENT", "garbage");
  r = Lsm("manifest dump " + db_);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("CURRENT"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("manifest dump " + dir_.path() + "/nodb").code, 2);
}

// Names, sizes and contents of the files of a directory.
std::string Listing(const std::string& dir) {
  std::vector<std::string> lines;
  for (const auto& e : fs::directory_iterator(dir)) {
    lines.push_back(e.path().filename().string() + " " + ReadFile(e.path().string()));
  }
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (const std::string& l : lines) all += l + "\n";
  return all;
}

TEST_F(CliTest, CliDbReadOnlyCommandsChangeNothing) {
  const std::string before = Listing(db_);
  EXPECT_EQ(Lsm("db get " + db_ + " wal-key").code, 0);  // in the WAL only
  EXPECT_EQ(Lsm("db scan " + db_).code, 0);
  EXPECT_EQ(Lsm("db stats " + db_).code, 0);
  EXPECT_EQ(Lsm("db verify " + db_).code, 0);
  EXPECT_EQ(Lsm("db options " + db_).code, 0);
  EXPECT_EQ(Listing(db_), before);
  // The database as it is: its one table, the WAL's writes in memory, no table of their own.
  Result r = Lsm("db stats " + db_ + " --json");
  EXPECT_NE(r.out.find("\"files_at_level\": [1, 0, 0, 0, 0, 0, 0]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"lsm.num-entries-active-mem-table\": 2"), std::string::npos) << r.out;
}

TEST_F(CliTest, CliDbOptions) {
  Result r = Lsm("db options " + db_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("# " + db_ + "/OPTIONS-"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[CFOptions \"default\"]\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  write_buffer_size=67108864\n"), std::string::npos) << r.out;
  r = Lsm("db options " + db_ + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"options\": \"# lsm options"), std::string::npos) << r.out;
  // A file that does not load is an error naming its problem.
  for (const auto& e : fs::directory_iterator(db_)) {
    if (e.path().filename().string().starts_with("OPTIONS-")) {
      WriteFile(e.path().string(), "[Version]\n  options_file_version=1\n[DBOptions]\n  x=1\n");
    }
  }
  r = Lsm("db options " + db_);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("unknown option 'x' in [DBOptions]"), std::string::npos) << r.out;
  r = Lsm("db options " + dir_.path());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("holds no OPTIONS file"), std::string::npos) << r.out;
}

TEST_F(CliTest, CliDbCommands) {
  Result r = Lsm("db get " + db_ + " key042");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "value42\n");
  r = Lsm("db get " + db_ + " key005");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("not found"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("db get " + db_ + " wal-key --hex").code, 2);  // not hex
  EXPECT_EQ(Lsm("db get " + db_ + " 77616c2d6b6579 --hex").out, "62696e01ff\n");
  EXPECT_EQ(Lsm("db put " + db_ + " new-key 'new value'").code, 0);
  EXPECT_EQ(Lsm("db get " + db_ + " new-key").out, "new value\n");
  EXPECT_EQ(Lsm("db delete " + db_ + " new-key").code, 0);
  EXPECT_EQ(Lsm("db get " + db_ + " new-key").code, 1);
  r = Lsm("db put " + db_ + " 6a 00ff --hex --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"op\": \"put\", \"key\": \"6a\", \"value\": \"00ff\", \"status\": \"OK\"}\n");
  EXPECT_EQ(Lsm("db get " + db_ + " j").out, "\\x00\\xff\n");
  r = Lsm("db delete " + db_ + " j --json");
  EXPECT_EQ(r.out, "{\"op\": \"delete\", \"key\": \"j\", \"status\": \"OK\"}\n");
  EXPECT_EQ(Lsm("db get " + db_ + " j").code, 1);
  r = Lsm("db scan " + db_ + " --from key004 --to key008");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out,
            "'key004' => 'value4'\n'key006' => 'value6'\n-- 2 entries\n");  // 005, 007 deleted
  r = Lsm("db scan " + db_ + " --limit 1 --json");
  EXPECT_NE(r.out.find("\"count\": 1"), std::string::npos) << r.out;
  r = Lsm("db stats " + db_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("write amplification: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  lsm.estimate-num-keys: "), std::string::npos) << r.out;
  r = Lsm("db stats " + db_ + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"properties\": {\"lsm.num-immutable-mem-table\": 0, "), std::string::npos)
      << r.out;
  r = Lsm("db compact " + db_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("OK: compacted; table files per level before: L0 "), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("; after: L6 1\n"), std::string::npos) << r.out;
  r = Lsm("db compact " + db_ + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"files_at_level_after\": [0, 0, 0, 0, 0, 0, 1]}"), std::string::npos)
      << r.out;
  EXPECT_EQ(Lsm("db get " + db_ + " key042").out, "value42\n");
  r = Lsm("db get " + dir_.path() + "/nodb key");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("cannot open database"), std::string::npos) << r.out;
  r = Lsm("db scan " + dir_.path());  // a directory, but no database
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("not an lsm database"), std::string::npos) << r.out;
  // A damaged MANIFEST: the message names DIR.
  WriteFile(db_ + "/CURRENT", "MANIFEST-999999\n");
  r = Lsm("db get " + db_ + " key001");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("cannot open database " + db_), std::string::npos) << r.out;
}

TEST_F(CliTest, CliDbVerify) {
  Result r = Lsm("db verify " + db_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("database opens; 99 live keys"), std::string::npos) << r.out;
  r = Lsm("db verify " + db_ + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("{\"database\": {\"opens\": true, \"live_keys\": 99,"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"checked\": 1, \"corrupt\": 0, \"ok\": true}"), std::string::npos)
      << r.out;
  // A damaged live table: the open (paranoid checks) or the read fails, and sst verify says
  // which block.
  std::string data = ReadFile(sst_);
  data[20] ^= 0x40;
  WriteFile(sst_, data);
  r = Lsm("db verify " + db_);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("FAILED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CORRUPT"), std::string::npos) << r.out;
  r = Lsm("db verify " + db_ + " --json");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("\"corrupt\": 1, \"ok\": false}"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("db verify " + dir_.path() + "/nodb").code, 1);
}

TEST_F(CliTest, CliDbLockHeld) {
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(Options(), db_, &db).ok());
  Result r = Lsm("db get " + db_ + " key001");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("in use: another process holds its LOCK"), std::string::npos) << r.out;
  ASSERT_TRUE(db->Close().ok());
  EXPECT_EQ(Lsm("db get " + db_ + " key001").code, 0);
}

// db checkpoint: an openable copy, its files listed; with --base, the difference.
TEST_F(CliTest, CliDbCheckpoint) {
  const std::string expected = Lsm("db scan " + db_).out;
  const std::string out = dir_.path() + "/ckpt", out2 = dir_.path() + "/ckpt2";
  Result r = Lsm("db checkpoint " + db_ + " " + out);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("added " + fs::path(sst_).filename().string() + "\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("written CURRENT\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("written CHECKPOINT\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("OK: checkpoint " + out + ": "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("removed "), std::string::npos) << r.out;
  for (const std::string& line : {std::string("added "), std::string("written ")}) {
    for (size_t at = 0; (at = r.out.find(line, at)) != std::string::npos; at += line.size()) {
      const std::string name =
          r.out.substr(at + line.size(), r.out.find('\n', at) - at - line.size());
      EXPECT_TRUE(fs::exists(out + "/" + name)) << name;
    }
  }
  EXPECT_EQ(Lsm("db scan " + out).out, expected);
  EXPECT_EQ(Lsm("db scan " + db_).out, expected);  // the database is as it was

  r = Lsm("db checkpoint " + db_ + " " + out2 + " --base " + out + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("{\"op\": \"checkpoint\", \"dir\": \"" + db_ + "\", \"out\": \"" + out2 +
                       "\", \"base\": \"" + out + "\", \"tables\": "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"removed\": [], \"other_files\": [\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"status\": \"OK\"}"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("db scan " + out2).out, expected);

  r = Lsm("db checkpoint " + db_ + " " + out);  // exists
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("cannot make checkpoint " + out), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("exists"), std::string::npos) << r.out;
  r = Lsm("db checkpoint " + db_ + " " + dir_.path() + "/ckpt3 --base " + db_);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("not a checkpoint"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_.path() + "/ckpt3"));
  EXPECT_FALSE(fs::exists(dir_.path() + "/ckpt3.tmp"));
  r = Lsm("db checkpoint " + dir_.path() + "/nodb " + dir_.path() + "/ckpt4");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_FALSE(fs::exists(dir_.path() + "/ckpt4"));
}

// db ingest: files written by SstFileWriter added in one call, copied or moved; the MANIFEST
// dump shows their global sequence; a refused file leaves the database as it was.
TEST_F(CliTest, CliDbIngest) {
  const std::string foreign = Copy(sst_, "foreign.sst", [](std::string*) {});
  auto write = [&](const std::string& name, const std::vector<std::string>& keys) {
    const std::string path = dir_.path() + "/" + name;
    SstFileWriter writer{Options()};
    EXPECT_TRUE(writer.Open(path).ok());
    for (const std::string& k : keys) EXPECT_TRUE(writer.Put(k, "ingested-" + k).ok());
    EXPECT_TRUE(writer.Finish().ok());
    return path;
  };
  const std::string one = write("one.sst", {"key001", "key002"});
  const std::string two = write("two.sst", {"zz1", "zz2"});
  Result r = Lsm("db ingest " + db_ + " " + one + " " + two);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("OK: ingested 2 files into column family 'default' (copied); files per "
                       "level: L0 3, L6 1; last sequence "),
            std::string::npos)
      << r.out;
  EXPECT_TRUE(fs::exists(one));
  EXPECT_EQ(Lsm("db get " + db_ + " key001").out, "ingested-key001\n");
  EXPECT_EQ(Lsm("db get " + db_ + " zz2").out, "ingested-zz2\n");
  EXPECT_EQ(Lsm("db get " + db_ + " key003").out, "value3\n");
  r = Lsm("manifest dump " + db_);
  EXPECT_NE(r.out.find(" ingested global seq "), std::string::npos) << r.out;

  const std::string three = write("three.sst", {"key050"});
  r = Lsm("db ingest " + db_ + " " + three + " --move --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("{\"op\": \"ingest\", \"dir\": \"" + db_ +
                       "\", \"cf\": \"default\", \"files\": [\"" + three +
                       "\"], \"moved\": true, \"files_at_level\": ["),
            std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(three));
  EXPECT_EQ(Lsm("db get " + db_ + " key050").out, "ingested-key050\n");

  // Refused: overlapping files, a table of the database itself, a missing file.
  const std::string expected = Lsm("db scan " + db_).out;
  const std::string four = write("four.sst", {"a", "c"});
  const std::string five = write("five.sst", {"b"});
  r = Lsm("db ingest " + db_ + " " + four + " " + five);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("overlap"), std::string::npos) << r.out;
  r = Lsm("db ingest " + db_ + " " + foreign);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("not an external table"), std::string::npos) << r.out;
  r = Lsm("db ingest " + db_ + " " + dir_.path() + "/missing.sst");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("missing.sst"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("db scan " + db_).out, expected);
  EXPECT_EQ(Lsm("db ingest " + db_).code, 2);  // no FILE
  EXPECT_EQ(Lsm("db ingest " + db_ + " " + four + " --cf nope").code, 1);
}

// The MANIFEST-* and CURRENT files of a directory.
std::vector<std::string> Manifests(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().starts_with("MANIFEST-")) out.push_back(e.path().string());
  }
  return out;
}

TEST_F(CliTest, CliDbRepair) {
  const std::string expected = Lsm("db scan " + db_).out;
  ASSERT_NE(expected.find("-- 99 entries"), std::string::npos) << expected;
  // MANIFEST lost.
  for (const std::string& m : Manifests(db_)) fs::remove(m);
  EXPECT_EQ(Lsm("db get " + db_ + " key001").code, 1);
  Result r = Lsm("db repair " + db_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("tables: 1 kept, 0 salvaged, 0 dropped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("logs: 1 replayed, 2 records recovered"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no data lost"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("db scan " + db_).out, expected);
  EXPECT_EQ(Lsm("db get " + db_ + " 77616c2d6b6579 --hex").out, "62696e01ff\n");
  // CURRENT lost.
  fs::remove(db_ + "/CURRENT");
  r = Lsm("db repair " + db_ + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"data_lost\": false, \"tables_kept\": 2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"moved_to_lost\": [\"MANIFEST-"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("db scan " + db_).out, expected);
  // MANIFEST garbage.
  for (const std::string& m : Manifests(db_)) WriteFile(m, "garbage");
  EXPECT_EQ(Lsm("db repair " + db_).code, 0);
  EXPECT_EQ(Lsm("db scan " + db_).out, expected);
  EXPECT_EQ(Lsm("db verify " + db_).code, 0);
  EXPECT_TRUE(fs::is_directory(db_ + "/lost"));

  // Refused politely while the database is open, and for what is not a database.
  {
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(Options(), db_, &db).ok());
    r = Lsm("db repair " + db_);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.out.find("in use: another process holds its LOCK"), std::string::npos) << r.out;
    ASSERT_TRUE(db->Close().ok());
  }
  fs::create_directories(dir_.path() + "/empty");
  r = Lsm("db repair " + dir_.path() + "/empty");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("not an lsm database"), std::string::npos) << r.out;
  r = Lsm("db repair " + dir_.path() + "/nodb");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("no such directory"), std::string::npos) << r.out;
}

// The path of the one table in `dir` ("" if there is none).
std::string OnlyTable(const std::string& dir) {
  std::string table;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".sst") table = e.path().string();
  }
  return table;
}

TEST_F(CliTest, CliDbRepairDamagedTable) {
  // A table of many small blocks; one of them damaged.
  const std::string db = dir_.path() + "/small";
  Options options;
  options.create_if_missing = true;
  options.block_size = 256;
  {
    std::unique_ptr<DB> d;
    ASSERT_TRUE(DB::Open(options, db, &d).ok());
    for (int i = 0; i < 400; i++) {
      ASSERT_TRUE(d->Put(WriteOptions(), "k" + std::to_string(1000 + i), "v").ok());
    }
    ASSERT_TRUE(d->Flush().ok());
    ASSERT_TRUE(d->Close().ok());
  }
  const std::string table = OnlyTable(db);
  ASSERT_FALSE(table.empty());
  std::string data = ReadFile(table);
  data[10] ^= 0x01;
  WriteFile(table, data);
  fs::remove(db + "/CURRENT");
  Result r = Lsm("db repair " + db);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("tables: 0 kept, 1 salvaged, 0 dropped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("checksum mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("data lost"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(db + "/lost/" + fs::path(table).filename().string()));
  r = Lsm("db verify " + db);
  EXPECT_EQ(r.code, 0) << r.out;
  // The keys of the first block are gone, the rest are there.
  EXPECT_EQ(Lsm("db get " + db + " k1000").code, 1);
  EXPECT_EQ(Lsm("db get " + db + " k1399").out, "v\n");
  r = Lsm("db repair " + db + " --json");  // nothing more to lose
  EXPECT_NE(r.out.find("\"data_lost\": false"), std::string::npos) << r.out;
}

// Tables written with a comparator lsm does not know (tests/support's "test.Reverse"): the
// sst commands read them in file order and check what needs no key order.
TEST_F(CliTest, CliSstUnknownComparator) {
  const std::string db = dir_.path() + "/reverse";
  Options options;
  options.create_if_missing = true;
  options.comparator = ReverseBytewiseComparator();
  {
    std::unique_ptr<DB> d;
    ASSERT_TRUE(DB::Open(options, db, &d).ok());
    for (const char* k : {"apple", "mango", "zebra"}) {
      ASSERT_TRUE(d->Put(WriteOptions(), k, std::string("v-") + k).ok());
    }
    // Under a snapshot the flush keeps the deletion, though no older "kiwi" exists.
    const Snapshot* snapshot = d->GetSnapshot();
    ASSERT_TRUE(d->Delete(WriteOptions(), "kiwi").ok());
    ASSERT_TRUE(d->Flush().ok());
    d->ReleaseSnapshot(snapshot);
    ASSERT_TRUE(d->Close().ok());
  }
  const std::string table = OnlyTable(db);
  ASSERT_FALSE(table.empty());
  Result r = Lsm("sst scan " + table);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("comparator test.Reverse unknown to lsm: entries in file order"),
            std::string::npos)
      << r.out;
  const size_t zebra = r.out.find("'zebra' @ 3 PUT => 'v-zebra'");
  const size_t kiwi = r.out.find("'kiwi' @ 4 DEL");
  const size_t apple = r.out.find("'apple' @ 1 PUT");
  EXPECT_TRUE(zebra < kiwi && kiwi < apple && apple != std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-- 4 entries"), std::string::npos) << r.out;
  r = Lsm("sst scan " + table + " --json --limit 1");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"comparator\": \"test.Reverse\", \"comparator_known\": false"),
            std::string::npos)
      << r.out;
  r = Lsm("sst scan " + table + " --from m");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("--from and --to need the key order of comparator test.Reverse"),
            std::string::npos)
      << r.out;

  r = Lsm("sst props " + table);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("test.Reverse (unknown to lsm"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("key range:         'zebra' @ 3 PUT .. 'apple' @ 1 PUT"), std::string::npos)
      << r.out;
  EXPECT_NE(Lsm("sst props " + table + " --json").out.find("\"comparator_known\": false"),
            std::string::npos);

  r = Lsm("sst verify " + table);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("OK "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("comparator test.Reverse unknown to lsm: key order not checked"),
            std::string::npos)
      << r.out;
  r = Lsm("sst verify " + db + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"order_checked\": false"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("sst layout " + table).code, 0);
  EXPECT_EQ(Lsm("sst recompress " + table).code, 0);

  // Damage is still found.
  const std::string bad = Copy(table, "reverse-bad.sst", Flip(10));
  r = Lsm("sst verify " + bad);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("checksum mismatch"), std::string::npos) << r.out;
  EXPECT_EQ(Lsm("sst scan " + bad).code, 1);
  // The database itself cannot be opened with the tool's bytewise comparator, and says why;
  // repair refuses before changing anything.
  r = Lsm("db get " + db + " apple");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("test.Reverse"), std::string::npos) << r.out;
  fs::remove(db + "/CURRENT");
  r = Lsm("db repair " + db);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("was written with comparator test.Reverse"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(db + "/lost"));
}

// A database with column families: "offsets" (ID 1) with a table and later writes in the WAL,
// "tmp" (ID 2) created and dropped, and an atomic flush of the default family and "offsets"
// recorded as one edit group. Closed.
class CliColumnFamilyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() + "/cfdb";
    Options options;
    options.create_if_missing = true;
    options.atomic_flush = true;
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(options, db_, &db).ok());
    ColumnFamilyHandle *offsets, *tmp;
    ASSERT_TRUE(db->CreateColumnFamily(ColumnFamilyOptions(), "offsets", &offsets).ok());
    ASSERT_TRUE(db->CreateColumnFamily(ColumnFamilyOptions(), "tmp", &tmp).ok());
    ASSERT_EQ(offsets->GetID(), 1u);
    ASSERT_EQ(tmp->GetID(), 2u);
    ASSERT_TRUE(db->Put(WriteOptions(), "d-key", "d-value").ok());
    ASSERT_TRUE(db->Put(WriteOptions(), offsets, "p0", "42").ok());
    ASSERT_TRUE(db->Put(WriteOptions(), offsets, "p1", "43").ok());
    ASSERT_TRUE(db->Put(WriteOptions(), tmp, "t", "x").ok());
    ASSERT_TRUE(db->Flush(FlushOptions(), {db->DefaultColumnFamily(), offsets}).ok());
    ASSERT_TRUE(db->DropColumnFamily(tmp).ok());
    // In the WAL: a batch across families.
    WriteBatch batch;
    batch.Put("wal-key", "w");
    batch.Put(offsets, "p2", "44");
    batch.Delete(offsets, "p0");
    batch.DeleteRange(offsets, "q", "r");
    ASSERT_TRUE(db->Write(WriteOptions(), &batch).ok());
    ASSERT_TRUE(db->Close().ok());
  }

  // The newest log file of the database.
  std::string Wal() const {
    std::string wal;
    for (const auto& e : fs::directory_iterator(db_)) {
      const std::string path = e.path().string();
      if (path.ends_with(".log") && fs::file_size(e.path()) > 0 && path > wal) wal = path;
    }
    return wal;
  }

  TempDir dir_;
  std::string db_;
};

TEST_F(CliColumnFamilyTest, CliManifestDumpColumnFamilies) {
  Result r = Lsm("manifest dump " + db_);
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* s :
       {"  column family: 1\n  create column family: offsets\n",
        "  column family: 2\n  create column family: tmp\n",
        "  column family: 2\n  drop column family\n",
        ": group of 2 edits, applied together\nVersionEdit {\n", "max column family: 2",
        "== resulting state: next file number ", ", max column family 2\n",
        "== column family 0 'default'\nL0: 1 files, ",
        "== column family 1 'offsets'\nL0: 1 files, ", "== column family 2 'tmp' dropped\n"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  // The dropped family's files are no part of the state: it holds two families.
  EXPECT_EQ(r.out.find("== column family 2 'tmp'\n"), std::string::npos) << r.out;
  const size_t state = r.out.find("== resulting state");
  ASSERT_NE(state, std::string::npos);
  EXPECT_NE(r.out.find("VersionEdit {\n  column family: 1\n  comparator: ", state),
            std::string::npos)
      << r.out;

  r = Lsm("manifest dump " + db_ + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* s :
       {"{\"column_family\": 1, \"create_column_family\": \"offsets\", \"drop_column_family\": "
        "false, ",
        "{\"column_family\": 2, \"drop_column_family\": true, ", "\"max_column_family\": 2, ",
        "{\"column_family\": 0, \"drop_column_family\": false, \"max_column_family\": ",
        "\"result\": {\"next_file_number\": ",
        "\"max_column_family\": 2, \"recover_to_commit\": false, \"commit_metadata\": null, "
        "\"column_families\": [\n  {\"id\": 0, \"name\": \"default\", "
        "\"files_at_level\": [1, 0, 0, 0, 0, 0, 0], ",
        "{\"id\": 1, \"name\": \"offsets\", \"files_at_level\": [1, 0, 0, 0, 0, 0, 0], ",
        "\"dropped_column_families\": [{\"id\": 2, \"name\": \"tmp\"}]}",
        "\"bad_edits\": 0, \"status\": \"OK\"}"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  // The group's record holds two edits.
  EXPECT_NE(r.out.find("\"edits\": [{\"column_family\": 0, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("}, {\"column_family\": 1, \"drop_column_family\": false, "),
            std::string::npos)
      << r.out;
}

// Edits that recovery would refuse (of a family the MANIFEST never created, a drop of the
// default family) are reported as bad, the rest of the MANIFEST still printed.
TEST_F(CliColumnFamilyTest, CliManifestDumpInconsistentEdits) {
  fs::create_directories(dir_.path() + "/m");
  const std::string manifest = dir_.path() + "/m/MANIFEST-000001";
  {
    std::unique_ptr<WritableFile> file;
    ASSERT_TRUE(FileSystem::Default()->NewWritableFile(manifest, &file).ok());
    std::unique_ptr<log::Writer> writer;
    ASSERT_TRUE(log::Writer::Create(std::move(file), 1, &writer).ok());
    VersionEdit base, mine, unknown, drop;
    base.SetComparatorName("lsm.BytewiseComparator");
    base.SetLogNumber(2);
    base.SetNextFileNumber(10);
    base.SetLastSequence(7);
    mine.SetColumnFamily(0);
    mine.SetLogNumber(3);
    unknown.SetColumnFamily(5);
    unknown.SetLogNumber(3);
    drop.DropColumnFamily();
    std::string record;
    base.EncodeTo(&record);
    ASSERT_TRUE(writer->AddRecord(record).ok());
    record.clear();
    VersionEdit::EncodeGroup({&mine, &unknown}, &record);
    ASSERT_TRUE(writer->AddRecord(record).ok());
    record.clear();
    drop.EncodeTo(&record);
    ASSERT_TRUE(writer->AddRecord(record).ok());
    ASSERT_TRUE(writer->Close().ok());
  }
  Result r = Lsm("manifest dump " + manifest);
  EXPECT_EQ(r.code, 1) << r.out;
  for (const char* s :
       {": group of 2 edits, applied together\n", "  column family: 5\n",
        ": BAD EDIT: Corruption: an edit of unknown column family 5\n",
        ": BAD EDIT: Corruption: drops the default column family\n",
        "== column family 0 'default'\nVersionEdit {\n  comparator: lsm.BytewiseComparator\n  log "
        "number: 3\n}\n",
        "is damaged: undecodable or inconsistent version edits"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  r = Lsm("manifest dump " + manifest + " --json");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("\"status\": \"Corruption: an edit of unknown column family 5\"}"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\"bad_edits\": 2, "), std::string::npos) << r.out;
}

TEST_F(CliColumnFamilyTest, CliWalDumpColumnFamilies) {
  const std::string wal = Wal();
  ASSERT_FALSE(wal.empty());
  Result r = Lsm("wal dump " + wal);
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* s : {"PUT 'wal-key' @ ", "PUT cf=1 'p2' @ ", " => '44'\n", "DEL cf=1 'p0' @ ",
                        "DELRANGE cf=1 'q' .. 'r' @ ", ", 4 ops\n"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  r = Lsm("wal dump " + wal + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* s : {"\"cf\": 0, \"type\": \"put\", \"key\": \"wal-key\"",
                        "\"cf\": 1, \"type\": \"put\", \"key\": \"p2\", \"value\": \"44\"}",
                        "\"cf\": 1, \"type\": \"del\", \"key\": \"p0\"}",
                        "\"cf\": 1, \"type\": \"delete_range\", \"key\": \"q\", \"end\": \"r\"}"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }

  // A merge in a family with a merge operator.
  const std::string mdb = dir_.path() + "/mergedb";
  {
    Options options;
    options.create_if_missing = true;
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(options, mdb, &db).ok());
    ColumnFamilyOptions cfo;
    cfo.merge_operator = MergeOperators::CreateStringAppendOperator(',');
    ColumnFamilyHandle* counts;
    ASSERT_TRUE(db->CreateColumnFamily(cfo, "counts", &counts).ok());
    ASSERT_TRUE(db->Merge(WriteOptions(), counts, "c", "1").ok());
    ASSERT_TRUE(db->Close().ok());
  }
  std::string log;
  for (const auto& e : fs::directory_iterator(mdb)) {
    if (e.path().extension() == ".log" && fs::file_size(e.path()) > 0) log = e.path().string();
  }
  ASSERT_FALSE(log.empty());
  r = Lsm("wal dump " + log);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("    MERGE cf=1 'c' @ 1 => '1'\n"), std::string::npos) << r.out;
  r = Lsm("wal dump " + log + " --json");
  EXPECT_NE(r.out.find("{\"seq\": 1, \"cf\": 1, \"type\": \"merge\", \"key\": \"c\", "
                       "\"value\": \"1\"}"),
            std::string::npos)
      << r.out;
}

TEST_F(CliColumnFamilyTest, CliDbCommandsWithCf) {
  // The family's own statistics: the WAL's writes of "offsets" in its memtable, those of the
  // default family in another.
  Result r = Lsm("db stats " + db_ + " --cf offsets");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("database " + db_ + ", column family 'offsets'\n"), std::string::npos)
      << r.out;
  r = Lsm("db stats " + db_ + " --cf offsets --json");
  EXPECT_NE(r.out.find("\"files_at_level\": [1, 0, 0, 0, 0, 0, 0]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"lsm.num-entries-active-mem-table\": 2, "
                       "\"lsm.num-deletes-active-mem-table\": 1, "),
            std::string::npos)
      << r.out;
  r = Lsm("db stats " + db_ + " --json");
  EXPECT_NE(r.out.find("\"lsm.num-entries-active-mem-table\": 1, "
                       "\"lsm.num-deletes-active-mem-table\": 0, "),
            std::string::npos)
      << r.out;

  // Without --cf: the default family, the database opened with all its families.
  EXPECT_EQ(Lsm("db get " + db_ + " d-key").out, "d-value\n");
  EXPECT_EQ(Lsm("db get " + db_ + " p1").code, 1);  // only in "offsets"
  r = Lsm("db get " + db_ + " p1 --cf offsets");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "43\n");
  EXPECT_EQ(Lsm("db get " + db_ + " p0 --cf=offsets").code, 1);  // deleted in the WAL
  r = Lsm("db scan " + db_ + " --cf offsets");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "'p1' => '43'\n'p2' => '44'\n-- 2 entries\n");
  r = Lsm("db scan " + db_);
  EXPECT_EQ(r.out, "'d-key' => 'd-value'\n'wal-key' => 'w'\n-- 2 entries\n");
  EXPECT_EQ(Lsm("db put " + db_ + " p3 45 --cf offsets").code, 0);
  EXPECT_EQ(Lsm("db get " + db_ + " p3 --cf offsets").out, "45\n");
  EXPECT_EQ(Lsm("db get " + db_ + " p3").code, 1);
  EXPECT_EQ(Lsm("db delete " + db_ + " p3 --cf offsets --json").out,
            "{\"op\": \"delete\", \"key\": \"p3\", \"status\": \"OK\"}\n");
  EXPECT_EQ(Lsm("db get " + db_ + " p3 --cf offsets").code, 1);
  r = Lsm("db compact " + db_ + " --cf offsets --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"files_at_level_after\": [0, 0, 0, 0, 0, 0, 1]}"), std::string::npos)
      << r.out;
  EXPECT_EQ(Lsm("db get " + db_ + " p2 --cf offsets").out, "44\n");
  r = Lsm("db verify " + db_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("database opens; 4 live keys, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" in 2 column families\n"), std::string::npos) << r.out;
  EXPECT_NE(Lsm("db verify " + db_ + " --json").out.find("\"column_families\": 2, "),
            std::string::npos);

  // An unknown family is an error naming those there are; a dropped one is unknown.
  for (const char* c : {"db get DIR k", "db put DIR k v", "db delete DIR k", "db scan DIR",
                        "db stats DIR", "db compact DIR"}) {
    std::string cmd = c;
    cmd.replace(cmd.find("DIR"), 3, db_);
    for (const char* name : {"nope", "tmp"}) {
      r = Lsm(cmd + " --cf " + name);
      EXPECT_EQ(r.code, 1) << cmd << "\n" << r.out;
      EXPECT_NE(r.out.find("lsm: error: database " + db_ + " has no column family '" + name +
                           "' (it has 'default', 'offsets')"),
                std::string::npos)
          << r.out;
    }
  }
  EXPECT_EQ(Lsm("db get " + db_ + " p1 --cf").code, 2);  // --cf needs a value
}

TEST_F(CliColumnFamilyTest, CliDbCfListCreateDrop) {
  Result r = Lsm("db cf list " + db_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "0 'default'\n1 'offsets'\n-- 2 column families\n");
  r = Lsm("db cf create " + db_ + " logs");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "OK: created column family 'logs' (id 3)\n");  // 2 is never reused
  EXPECT_EQ(Lsm("db put " + db_ + " a b --cf logs").code, 0);
  EXPECT_EQ(Lsm("db get " + db_ + " a --cf logs").out, "b\n");
  r = Lsm("db cf list " + db_ + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out,
            "{\"column_families\": [{\"id\": 0, \"name\": \"default\"}, {\"id\": 1, \"name\": "
            "\"offsets\"}, {\"id\": 3, \"name\": \"logs\"}], \"count\": 3}\n");
  r = Lsm("db cf create " + db_ + " logs");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("cannot create column family 'logs': InvalidArgument: "), std::string::npos)
      << r.out;
  r = Lsm("db cf drop " + db_ + " logs --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out,
            "{\"op\": \"drop_column_family\", \"name\": \"logs\", \"id\": 3, \"status\": "
            "\"OK\"}\n");
  EXPECT_EQ(Lsm("db cf list " + db_).out, "0 'default'\n1 'offsets'\n-- 2 column families\n");
  EXPECT_EQ(Lsm("db get " + db_ + " a --cf logs").code, 1);
  r = Lsm("db cf drop " + db_ + " logs");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("has no column family 'logs'"), std::string::npos) << r.out;
  // The default family cannot be dropped: the engine says so.
  r = Lsm("db cf drop " + db_ + " default");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("lsm: error: cannot drop column family 'default': InvalidArgument: "),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Lsm("db cf create " + db_ + " ''").code, 1);  // an empty name
  // Each open starts a new MANIFEST with the live families only; the ID of "logs" stays used.
  r = Lsm("manifest dump " + db_);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find(", max column family 3\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("'logs'"), std::string::npos) << r.out;
  // Read-only commands change nothing; a missing database is not created.
  const std::string before = Listing(db_);
  EXPECT_EQ(Lsm("db cf list " + db_).code, 0);
  EXPECT_EQ(Listing(db_), before);
  EXPECT_EQ(Lsm("db cf list " + dir_.path() + "/nodb").code, 1);
  EXPECT_EQ(Lsm("db cf create " + dir_.path() + "/nodb x").code, 1);
  EXPECT_FALSE(fs::exists(dir_.path() + "/nodb"));
}

// A database under recover_to_last_commit: one commit, then a flushed table the commit does not
// hold. `db committed` prints the commit's metadata; `manifest dump` shows the state recovery
// returns to.
TEST(CliCommitTest, CliDbCommittedAndManifestDump) {
  TempDir dir;
  const std::string db_path = dir.path() + "/db";
  EXPECT_EQ(Lsm("db committed " + db_path).code, 1);
  Options options;
  options.create_if_missing = true;
  options.recover_to_last_commit = true;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options, db_path, &db).ok());
  ASSERT_TRUE(db->Close().ok());
  Result r = Lsm("db committed " + db_path);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("the database has no commit"), std::string::npos) << r.out;
  ASSERT_TRUE(DB::Open(options, db_path, &db).ok());
  WriteOptions unlogged;
  unlogged.disable_wal = true;
  ASSERT_TRUE(db->Put(unlogged, "a", "1").ok());
  FlushOptions commit;
  commit.commit_metadata = "topic-0=42";
  ASSERT_TRUE(db->Flush(commit, db->DefaultColumnFamily()).ok());
  ASSERT_TRUE(db->Put(unlogged, "b", "2").ok());
  ASSERT_TRUE(db->Flush().ok());  // a table after the commit
  ASSERT_TRUE(db->Close().ok());

  r = Lsm("db committed " + db_path);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "topic-0=42\n");
  r = Lsm("db committed " + db_path + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "{\"committed_metadata\": \"topic-0=42\", \"bytes\": 10}\n");
  EXPECT_EQ(Lsm("db scan " + db_path).out, "'a' => '1'\n-- 1 entries\n");

  r = Lsm("manifest dump " + db_path);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("recover to the last commit"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("== recovery returns to the last commit"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("== last commit metadata: 10 bytes 'topic-0=42'"), std::string::npos)
      << r.out;
  r = Lsm("manifest dump " + db_path + " --json");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("\"recover_to_commit\": true, \"commit_metadata\": \"topic-0=42\""),
            std::string::npos)
      << r.out;
}

// A TTL family: the db commands open it with the TTL its OPTIONS file records, so get and
// scan print values without their write time and put stamps them; the MANIFEST marks it.
TEST(CliTtlTest, CliDbCommandsStripTheWriteTime) {
  TempDir dir;
  const std::string db = dir.path() + "/ttldb";
  DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  ColumnFamilyOptions ttl;
  ttl.ttl_seconds = 3600;
  const std::vector<ColumnFamilyDescriptor> families = {{kDefaultColumnFamilyName, {}},
                                                        {"sessions", ttl}};
  std::vector<ColumnFamilyHandle*> handles;
  std::unique_ptr<DB> handle;
  ASSERT_TRUE(DB::Open(options, db, families, &handles, &handle).ok());
  ASSERT_TRUE(handle->Put(WriteOptions(), handles[1], "s1", "alice").ok());
  ASSERT_TRUE(handle->Flush().ok());
  ASSERT_TRUE(handle->Put(WriteOptions(), handles[1], "s2", "bob").ok());  // in the WAL
  ASSERT_TRUE(handle->Close().ok());

  Result r = Lsm("db get " + db + " s1 --cf sessions");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "alice\n");
  r = Lsm("db scan " + db + " --cf sessions");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, "'s1' => 'alice'\n's2' => 'bob'\n-- 2 entries\n");
  r = Lsm("db put " + db + " s3 carol --cf sessions");
  EXPECT_EQ(r.code, 0) << r.out;
  r = Lsm("db compact " + db + " --cf sessions");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(Lsm("db scan " + db + " --cf sessions --json").out,
            "{\"entries\": [\n  {\"key\": \"s1\", \"value\": \"alice\"},\n"
            "  {\"key\": \"s2\", \"value\": \"bob\"},\n"
            "  {\"key\": \"s3\", \"value\": \"carol\"}\n], \"count\": 3, \"status\": \"OK\"}\n");
  r = Lsm("db verify " + db);
  EXPECT_EQ(r.code, 0) << r.out;
  r = Lsm("manifest dump " + db);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("  create column family: sessions\n  comparator: lsm.BytewiseComparator\n"
                       "  ttl family\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(Lsm("manifest dump " + db + " --json").out.find("\"ttl\": true"), std::string::npos);

  // The value put through the tool carries a write time, as the library reads it.
  ASSERT_TRUE(DB::Open(options, db, families, &handles, &handle).ok());
  std::string value;
  ASSERT_TRUE(handle->Get(ReadOptions(), handles[1], "s3", &value).ok());
  EXPECT_EQ(value, "carol");
  ASSERT_TRUE(handle->Close().ok());

  // Without an OPTIONS file the tool cannot know the TTL: the family does not open.
  for (const auto& e : fs::directory_iterator(db)) {
    if (e.path().filename().string().starts_with("OPTIONS-")) fs::remove(e.path());
  }
  r = Lsm("db get " + db + " s1 --cf sessions");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("column family sessions"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace lsm
