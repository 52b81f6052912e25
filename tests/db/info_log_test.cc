// The info log LOG and the OPTIONS file of a database: what they record, rotation, a LOG that
// cannot be written, a user's Logger, and reading the options back.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "lsm/db.h"
#include "src/base/filename.h"
#include "src/util/mutex.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

namespace fs = std::filesystem;

// A Logger that keeps its lines.
class CapturingLogger final : public Logger {
 public:
  void Log(InfoLogLevel level, std::string_view line) override {
    MutexLock l(&mu_);
    lines_.push_back(std::string(InfoLogLevelName(level)) + " " + std::string(line));
  }
  std::string All() {
    MutexLock l(&mu_);
    std::string all;
    for (const std::string& line : lines_) all += line + "\n";
    return all;
  }

 private:
  Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

std::vector<std::string> Children(const std::string& dir, std::string_view prefix) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix)) names.push_back(name);
  }
  return names;
}

class InfoLogTest : public testing::Test {
 protected:
  InfoLogTest() : name_(dir_.path() + "/db") {
    options_.create_if_missing = true;
    options_.write_buffer_size = 64 << 10;
  }

  void WriteAndCompact() {
    std::unique_ptr<DB> db;
    ASSERT_TRUE(DB::Open(options_, name_, &db).ok());
    for (int i = 0; i < 3000; i++) {
      ASSERT_TRUE(db->Put(WriteOptions(), Key(i), std::string(100, 'v')).ok());
    }
    ASSERT_TRUE(db->Flush().ok());
    ASSERT_TRUE(db->CompactRange(nullptr, nullptr).ok());
    ASSERT_TRUE(db->Close().ok());
  }

  TempDir dir_;
  const std::string name_;
  Options options_;
};

TEST_F(InfoLogTest, LogRecordsOptionsFlushesCompactionsAndClose) {
  WriteAndCompact();
  const std::string log = ReadFile(InfoLogFileName(name_));
  for (const char* want :
       {"INFO opening ", "INFO options:   write_buffer_size=65536",
        "INFO options:   compression=kLZ4", "INFO opened: last sequence 0",
        "INFO flush: memtable of log ", "INFO compaction: L", "INFO closed: last sequence 3000"}) {
    EXPECT_NE(log.find(want), std::string::npos) << want << " missing from\n" << log;
  }
  // A flush line names its table and its sizes.
  EXPECT_NE(log.find(" entries, "), std::string::npos) << log;

  // The next open keeps the first log as LOG.old.* and records the recovery.
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options_, name_, &db).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), "a", "b").ok());
  ASSERT_TRUE(db->Close().ok());
  ASSERT_TRUE(DB::Open(options_, name_, &db).ok());
  ASSERT_TRUE(db->Close().ok());
  EXPECT_EQ(Children(name_, "LOG.old.").size(), 2u);
  const std::string second = ReadFile(InfoLogFileName(name_));
  EXPECT_NE(second.find("recovery: replayed 1 logs"), std::string::npos) << second;
  EXPECT_NE(second.find("records"), std::string::npos) << second;
}

TEST_F(InfoLogTest, OldLogsAreRotatedBySizeAndPruned) {
  options_.max_log_file_size = 4096;
  options_.keep_log_file_num = 3;
  WriteAndCompact();
  WriteAndCompact();
  EXPECT_EQ(Children(name_, "LOG.old.").size(), 3u);
  EXPECT_LE(fs::file_size(InfoLogFileName(name_)), 4096u);
}

TEST_F(InfoLogTest, UserLoggerAndLevel) {
  auto logger = std::make_shared<CapturingLogger>();
  options_.info_log = logger;
  WriteAndCompact();
  EXPECT_FALSE(fs::exists(InfoLogFileName(name_)));
  EXPECT_NE(logger->All().find("INFO compaction: "), std::string::npos) << logger->All();

  auto quiet = std::make_shared<CapturingLogger>();
  options_.info_log = quiet;
  options_.info_log_level = InfoLogLevel::kWarn;
  WriteAndCompact();
  EXPECT_EQ(quiet->All().find("INFO"), std::string::npos) << quiet->All();
}

TEST_F(InfoLogTest, StallsAndBackgroundErrorsAreLogged) {
  auto logger = std::make_shared<CapturingLogger>();
  auto fault = std::make_shared<FaultFileSystem>(FileSystem::Default(), 1);
  options_.info_log = logger;
  options_.file_system = fault;
  options_.level0_file_num_compaction_trigger = 1;
  options_.level0_slowdown_writes_trigger = 1;
  options_.level0_stop_writes_trigger = 2;
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options_, name_, &db).ok());
  for (int i = 0; i < 3000; i++) {
    ASSERT_TRUE(db->Put(WriteOptions(), Key(i), std::string(100, 'v')).ok());
  }
  ASSERT_TRUE(db->Flush().ok());
  EXPECT_NE(logger->All().find("WARN write stall: writes "), std::string::npos) << logger->All();

  fault->FailNext(FaultOp::kSync, 1000);
  Status s;
  for (int i = 0; i < 100 && s.ok(); i++) s = db->Put(WriteOptions{.sync = true}, "k", "v");
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_NE(logger->All().find("ERROR background error, writes stop until Resume"),
            std::string::npos)
      << logger->All();
  fault->ClearErrorRules();
  ASSERT_TRUE(db->Resume().ok());
  EXPECT_NE(logger->All().find("INFO resume: done"), std::string::npos) << logger->All();
  ASSERT_TRUE(db->Close().ok());
}

TEST_F(InfoLogTest, UnwritableLogNeverFailsOpenOrWrites) {
  auto fault = std::make_shared<FaultFileSystem>(FileSystem::Default(), 1);
  options_.file_system = fault;
  // The LOG cannot be created...
  fault->FailNext(FaultOp::kOpen, 1, FaultError::kNoSpace, "/LOG");
  std::unique_ptr<DB> db;
  ASSERT_TRUE(DB::Open(options_, name_, &db).ok());
  ASSERT_TRUE(db->Put(WriteOptions(), "a", "1").ok());
  ASSERT_TRUE(db->Close().ok());
  EXPECT_EQ(fault->InjectedErrors(FaultOp::kOpen, "/LOG"), 1u);
  // ...or stops taking lines: writes, flushes and compactions go on.
  ASSERT_TRUE(DB::Open(options_, name_, &db).ok());
  fault->FailNext(FaultOp::kWrite, 1000000, FaultError::kNoSpace, "/LOG");
  for (int i = 0; i < 3000; i++) {
    ASSERT_TRUE(db->Put(WriteOptions(), Key(i), std::string(100, 'v')).ok());
  }
  ASSERT_TRUE(db->Flush().ok());
  ASSERT_TRUE(db->CompactRange(nullptr, nullptr).ok());
  std::string v;
  EXPECT_TRUE(db->Get(ReadOptions(), Key(10), &v).ok());
  ASSERT_TRUE(db->Close().ok());
  EXPECT_GE(fault->InjectedErrors(FaultOp::kWrite, "/LOG"), 1u);
}

TEST_F(InfoLogTest, OptionsFileReproducesTheOpen) {
  options_.compression = CompressionType::kZstd;
  options_.compaction_style = CompactionStyle::kUniversal;
  options_.compaction_options_universal.size_ratio = 7;
  options_.bloom_bits_per_key = 3;
  options_.info_log_level = InfoLogLevel::kWarn;
  options_.memtable_factory = NewSkipListFactory();
  options_.io_backend = IoBackend::kPosix;  // kAuto would be recorded as the backend chosen
  WriteAndCompact();
  Options loaded;
  std::string path;
  ASSERT_TRUE(LoadLatestOptions(name_, &loaded, &path).ok());
  EXPECT_EQ(OptionsToString(loaded), OptionsToString(options_));
  EXPECT_EQ(loaded.compaction_options_universal.size_ratio, 7u);
  EXPECT_EQ(loaded.compression, CompressionType::kZstd);
  EXPECT_EQ(loaded.comparator, BytewiseComparator());
  ASSERT_NE(loaded.memtable_factory, nullptr);
  EXPECT_STREQ(loaded.memtable_factory->Name(), "SkipListFactory");

  // Each open writes a new file and keeps the one before it.
  WriteAndCompact();
  WriteAndCompact();
  const std::vector<std::string> files = Children(name_, "OPTIONS-");
  EXPECT_EQ(files.size(), 2u);
  std::string newest;
  ASSERT_TRUE(LoadLatestOptions(name_, &loaded, &newest).ok());
  EXPECT_GT(newest, path);
  EXPECT_TRUE(ReadFile(newest).starts_with("# lsm options"));
}

TEST(OptionsFileTest, BadFilesNameTheProblem) {
  TempDir dir;
  const std::string good = OptionsToString(Options());
  struct Case {
    std::string text;
    std::string want;
  };
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string t = good;
    const size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  const Case cases[] = {
      {replace("  block_size=4096", "  block_sizes=4096"),
       "unknown option 'block_sizes' in [CFOptions \"default\"]"},
      {replace("  max_open_files=1000", "  write_buffer_size=1000"),
       "unknown option 'write_buffer_size' in [DBOptions]"},
      {replace("  block_size=4096", "  block_size=4k"), "block_size is \"4k\""},
      {replace("  compression=kLZ4", "  compression=snappy"),
       "it must be one of kNone, kLZ4, kZstd"},
      {replace("  paranoid_checks=true", "  paranoid_checks=yes"), "it must be true or false"},
      {replace("  max_open_files=1000", "  max_open_files=-1"), "Options::max_open_files"},
      {replace("  write_buffer_size=67108864", "  write_buffer_size=18446744073709551616"),
       "it must be an unsigned integer in range"},
      {replace("[DBOptions]", "[DBOptionz]"), "unknown section [DBOptionz]"},
      {replace("[Version]\n  options_file_version=1\n", ""), "no [Version] section"},
      {replace("options_file_version=1", "options_file_version=2"), "is not supported"},
      {replace("  block_size=4096", "  block_size=4096\n  block_size=8192"),
       "option 'block_size' appears twice"},
      {replace("  block_size=4096", "  block_size"), "'block_size' is not name=value"},
      {replace("  comparator=lsm.BytewiseComparator", "  comparator=my.Order"),
       "comparator is \"my.Order\": it is not built in"},
      {replace("  memtable_factory=BTreeFactory", "  memtable_factory=HashSkipListRepFactory"),
       "memtable_factory is \"HashSkipListRepFactory\": it must be SkipListFactory or "
       "BTreeFactory"},
  };
  const std::string path = dir.path() + "/OPTIONS-000001";
  for (const Case& c : cases) {
    WriteFile(path, c.text);
    Options options;
    options.block_size = 12345;
    Status s = LoadOptionsFromFile(path, &options);
    EXPECT_TRUE(s.IsInvalidArgument() || s.IsNotSupported()) << c.want << ": " << s.ToString();
    EXPECT_NE(s.ToString().find(c.want), std::string::npos) << s.ToString();
    EXPECT_NE(s.ToString().find(path), std::string::npos) << s.ToString();
    EXPECT_EQ(options.block_size, 12345u) << "a failed load changed the options";
  }
  Options options;
  EXPECT_TRUE(LoadOptionsFromFile(dir.path() + "/missing", &options).IsIOError() ||
              LoadOptionsFromFile(dir.path() + "/missing", &options).IsNotFound());
  fs::create_directories(dir.path() + "/empty");
  EXPECT_TRUE(LoadLatestOptions(dir.path() + "/empty", &options).IsNotFound());
}

TEST(OptionsFileTest, ObjectsAreMatchedByName) {
  TempDir dir;
  Options with;
  with.comparator = ReverseBytewiseComparator();
  const std::string path = dir.path() + "/OPTIONS-000001";
  WriteFile(path, OptionsToString(with));
  Options loaded;
  EXPECT_TRUE(LoadOptionsFromFile(path, &loaded).IsInvalidArgument());
  loaded.comparator = ReverseBytewiseComparator();
  EXPECT_TRUE(LoadOptionsFromFile(path, &loaded).ok());
  EXPECT_EQ(loaded.comparator, ReverseBytewiseComparator());
}

}  // namespace
}  // namespace lsm
