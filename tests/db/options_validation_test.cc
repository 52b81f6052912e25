#include "src/db/options_validation.h"

#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>

#include "lsm/comparator.h"
#include "lsm/db.h"
#include "lsm/file_system.h"
#include "src/io/uring_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

TEST(OptionsValidationTest, DefaultsAreValid) {
  Options o;
  EXPECT_TRUE(ValidateOptions(o).ok());
  EXPECT_TRUE(ResolveDefaultOptions(&o).ok());
  EXPECT_EQ(o.comparator, BytewiseComparator());
  EXPECT_NE(o.file_system, nullptr);
}

TEST(OptionsValidationTest, EachBadValueNamesItsOption) {
  struct Case {
    const char* option;
    std::function<void(Options*)> set;
  };
  const Case cases[] = {
      {"write_buffer_size", [](Options* o) { o->write_buffer_size = (64 << 10) - 1; }},
      {"write_buffer_size", [](Options* o) { o->write_buffer_size = 0; }},
      {"max_write_buffer_number", [](Options* o) { o->max_write_buffer_number = 1; }},
      {"compression", [](Options* o) { o->compression = static_cast<CompressionType>(9); }},
      {"bloom_bits_per_key", [](Options* o) { o->bloom_bits_per_key = -1; }},
      {"bloom_bits_per_key", [](Options* o) { o->bloom_bits_per_key = 65; }},
      {"block_size", [](Options* o) { o->block_size = 255; }},
      {"block_size", [](Options* o) { o->block_size = (size_t{256} << 20) + 1; }},
      {"block_restart_interval", [](Options* o) { o->block_restart_interval = 0; }},
      {"max_open_files", [](Options* o) { o->max_open_files = 15; }},
      {"wal_recovery_mode", [](Options* o) { o->wal_recovery_mode = WALRecoveryMode{7}; }},
      {"level0_file_num_compaction_trigger",
       [](Options* o) { o->level0_file_num_compaction_trigger = 0; }},
      {"max_bytes_for_level_base", [](Options* o) { o->max_bytes_for_level_base = 1000; }},
      {"level0_slowdown_writes_trigger", [](Options* o) { o->level0_slowdown_writes_trigger = 3; }},
      {"level0_stop_writes_trigger", [](Options* o) { o->level0_stop_writes_trigger = 19; }},
      {"max_bytes_for_level_multiplier", [](Options* o) { o->max_bytes_for_level_multiplier = 1; }},
      {"target_file_size_base", [](Options* o) { o->target_file_size_base = 0; }},
      {"compaction_style", [](Options* o) { o->compaction_style = CompactionStyle{3}; }},
      {"compaction_pri", [](Options* o) { o->compaction_pri = CompactionPri{2}; }},
      {"compaction_options_fifo",
       [](Options* o) {
         o->compaction_style = CompactionStyle::kFIFO;
         o->compaction_options_fifo.max_table_files_size = 0;
       }},
      {"compaction_options_universal.min_merge_width",
       [](Options* o) { o->compaction_options_universal.min_merge_width = 1; }},
      {"compaction_options_universal.max_merge_width",
       [](Options* o) { o->compaction_options_universal.max_merge_width = 1; }},
      {"compaction_options_universal.max_size_amplification_percent",
       [](Options* o) { o->compaction_options_universal.max_size_amplification_percent = 0; }},
      {"max_background_jobs", [](Options* o) { o->max_background_jobs = 1; }},
      {"info_log_level", [](Options* o) { o->info_log_level = InfoLogLevel{4}; }},
      {"hard_pending_compaction_bytes_limit",
       [](Options* o) { o->hard_pending_compaction_bytes_limit = 1; }},
      {"io_backend", [](Options* o) { o->io_backend = IoBackend{3}; }},
      {"io_backend",
       [](Options* o) {
         o->io_backend = IoBackend::kUring;
         o->file_system = FileSystem::Default();
       }},
  };
  for (const Case& c : cases) {
    Options o;
    c.set(&o);
    Status s = ValidateOptions(o);
    EXPECT_TRUE(s.IsInvalidArgument()) << c.option << ": " << s.ToString();
    EXPECT_NE(s.ToString().find(std::string("Options::") + c.option + " "), std::string::npos)
        << s.ToString();
  }
}

TEST(OptionsValidationTest, BoundariesAreAccepted) {
  Options o;
  o.write_buffer_size = 64 << 10;
  o.max_write_buffer_number = 2;
  o.bloom_bits_per_key = 0;
  o.block_size = 256;
  o.block_restart_interval = 1024;
  o.max_open_files = 16;
  o.compression = CompressionType::kZstd;
  o.wal_recovery_mode = WALRecoveryMode::kSkipAnyCorruptedRecords;
  o.max_background_jobs = 2;
  o.compaction_style = CompactionStyle::kFIFO;
  o.compaction_options_fifo.max_table_files_size = 0;
  o.compaction_options_fifo.ttl_seconds = 1;
  o.compaction_options_universal.min_merge_width = 2;
  o.compaction_options_universal.max_merge_width = 2;
  o.hard_pending_compaction_bytes_limit = 0;  // disabled, so below the soft limit is fine
  EXPECT_TRUE(ValidateOptions(o).ok());
}

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

bool UringWorksHere() {
  std::shared_ptr<FileSystem> fs;
  return NewUringFileSystem(&fs).ok();
}

TEST(IoBackendTest, ResolvesToTheBackendItChose) {
  ::unsetenv("LSM_IO_BACKEND");
  Options o;
  std::string note;
  ASSERT_TRUE(ResolveDefaultOptions(&o, &note).ok());
  if (UringWorksHere()) {
    EXPECT_EQ(o.io_backend, IoBackend::kUring);
    EXPECT_EQ(note, "io backend: io_uring");
  } else {
    EXPECT_EQ(o.io_backend, IoBackend::kPosix);
    EXPECT_NE(note.find("no io_uring ring can be set up"), std::string::npos) << note;
  }
  EXPECT_NE(o.file_system, FileSystem::Default());

  o = Options();
  o.io_backend = IoBackend::kPosix;
  ASSERT_TRUE(ResolveDefaultOptions(&o, &note).ok());
  EXPECT_EQ(o.io_backend, IoBackend::kPosix);
  EXPECT_EQ(o.file_system, FileSystem::Default());
  EXPECT_EQ(note, "io backend: posix");

  o = Options();  // a file system given is kept, and the backend stays unnamed
  auto given = FileSystem::Default();
  o.file_system = given;
  ASSERT_TRUE(ResolveDefaultOptions(&o, &note).ok());
  EXPECT_EQ(o.file_system, given);
  EXPECT_EQ(o.io_backend, IoBackend::kAuto);
}

TEST(IoBackendTest, EnvironmentOverridesTheOption) {
  {
    ScopedEnv env("LSM_IO_BACKEND", "posix");
    Options o;
    o.io_backend = IoBackend::kUring;
    ASSERT_TRUE(ResolveDefaultOptions(&o).ok());
    EXPECT_EQ(o.io_backend, IoBackend::kPosix);
  }
  if (UringWorksHere()) {
    ScopedEnv env("LSM_IO_BACKEND", "uring");
    Options o;
    o.io_backend = IoBackend::kPosix;
    ASSERT_TRUE(ResolveDefaultOptions(&o).ok());
    EXPECT_EQ(o.io_backend, IoBackend::kUring);
  }
  ScopedEnv env("LSM_IO_BACKEND", "fast");
  Options o;
  const Status s = ResolveDefaultOptions(&o);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.ToString(),
            "InvalidArgument: LSM_IO_BACKEND: is \"fast\"; it must be auto, uring or posix");
}

// Where io_uring_setup fails (a kernel without it: ENOSYS; a sandbox: EPERM; a locked-memory
// limit below the ring's size, which kernels before 5.12 charge the ring to: ENOMEM), kAuto
// opens on POSIX and says why in LOG, and kUring fails Open with NotSupported. Each case runs
// in a child process, since a seccomp filter cannot be removed.
TEST(IoBackendTest, NoRingFallsBackOrFails) {
  ::unsetenv("LSM_IO_BACKEND");
  for (int err : {ENOSYS, EPERM, ENOMEM}) {
    TempDir tmp;
    const std::string db = tmp.path() + "/db";
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      if (!DenyUringSetup(err)) ::_exit(2);
      Options o;
      o.create_if_missing = true;
      o.io_backend = IoBackend::kUring;
      std::unique_ptr<DB> d;
      const Status s = DB::Open(o, db, &d);
      if (!s.IsNotSupported() || s.ToString().find("io_backend") == std::string::npos) ::_exit(3);
      o.io_backend = IoBackend::kAuto;
      if (!DB::Open(o, db, &d).ok()) ::_exit(4);
      std::string stats;
      if (!d->GetProperty("lsm.stats", &stats) ||
          stats.find("io backend: posix") == std::string::npos) {
        ::_exit(5);
      }
      if (!d->Close().ok()) ::_exit(6);
      ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << status;
    ASSERT_EQ(WEXITSTATUS(status), 0) << std::strerror(err);
    const std::string log = ReadFile(db + "/LOG");
    EXPECT_NE(log.find(std::string("io backend: posix, as no io_uring ring can be set up (") +
                       "io_uring: " + std::strerror(err) + ")"),
              std::string::npos)
        << log;
  }
}

// The open database names its backend in lsm.stats and in its OPTIONS file.
TEST(IoBackendTest, TheChoiceIsRecorded) {
  ::unsetenv("LSM_IO_BACKEND");
  TempDir tmp;
  Options o;
  o.create_if_missing = true;
  std::unique_ptr<DB> d;
  ASSERT_TRUE(DB::Open(o, tmp.path() + "/db", &d).ok());
  const bool uring = UringWorksHere();
  std::string stats;
  ASSERT_TRUE(d->GetProperty("lsm.stats", &stats));
  EXPECT_NE(stats.find(uring ? "io backend: io_uring" : "io backend: posix"), std::string::npos)
      << stats;
  ASSERT_TRUE(d->Close().ok());
  std::vector<std::string> names;
  ASSERT_TRUE(FileSystem::Default()->GetChildren(tmp.path() + "/db", &names).ok());
  std::string options_file;
  for (const std::string& n : names) {
    if (n.starts_with("OPTIONS-")) options_file = n;
  }
  ASSERT_FALSE(options_file.empty());
  const std::string text = ReadFile(tmp.path() + "/db/" + options_file);
  EXPECT_NE(text.find(uring ? "io_backend=kUring" : "io_backend=kPosix"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace lsm
