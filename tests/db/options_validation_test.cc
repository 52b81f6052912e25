#include "src/db/options_validation.h"

#include <gtest/gtest.h>

#include <functional>

#include "lsm/comparator.h"
#include "lsm/file_system.h"

namespace lsm {
namespace {

TEST(OptionsValidationTest, DefaultsAreValid) {
  Options o;
  EXPECT_TRUE(ValidateOptions(o).ok());
  ResolveDefaultOptions(&o);
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

}  // namespace
}  // namespace lsm
