#include "src/db/options_validation.h"

#include <absl/strings/str_format.h>

#include <cstdlib>
#include <string_view>

#include "lsm/clock.h"
#include "lsm/comparator.h"
#include "lsm/file_system.h"
#include "lsm/merge_operator.h"
#include "src/io/uring_file_system.h"
#include "src/util/compression.h"

namespace lsm {
namespace {

Status Invalid(std::string_view option, std::string_view why) {
  return Status::InvalidArgument(absl::StrFormat("Options::%s %s", option, why));
}

// Memtables and tables.
Status ValidateTableOptions(const Options& o) {
  if (o.write_buffer_size < kMinWriteBufferSize) {
    return Invalid("write_buffer_size",
                   absl::StrFormat("is %u; it must be at least %u bytes (64 KiB)",
                                   o.write_buffer_size, kMinWriteBufferSize));
  }
  if (o.db_write_buffer_size != 0 && o.db_write_buffer_size < kMinWriteBufferSize) {
    return Invalid("db_write_buffer_size",
                   absl::StrFormat("is %u; it must be 0 (no limit) or at least %u bytes (64 KiB)",
                                   o.db_write_buffer_size, kMinWriteBufferSize));
  }
  if (o.max_write_buffer_number < 2) {
    return Invalid("max_write_buffer_number",
                   absl::StrFormat("is %d; it must be at least 2", o.max_write_buffer_number));
  }
  if (!IsValidCompressionType(static_cast<int>(o.compression))) {
    return Invalid("compression",
                   absl::StrFormat("has unknown value %d", static_cast<int>(o.compression)));
  }
  if (o.bloom_bits_per_key < 0 || o.bloom_bits_per_key > 64) {
    return Invalid("bloom_bits_per_key",
                   absl::StrFormat("is %d; it must be in [0, 64]", o.bloom_bits_per_key));
  }
  if (o.block_size < 256 || o.block_size > (size_t{256} << 20)) {
    return Invalid("block_size",
                   absl::StrFormat("is %u; it must be in [256, 268435456]", o.block_size));
  }
  if (o.block_restart_interval < 1 || o.block_restart_interval > 1024) {
    return Invalid("block_restart_interval",
                   absl::StrFormat("is %d; it must be in [1, 1024]", o.block_restart_interval));
  }
  // Also false for NaN.
  if (!(o.memtable_prefix_bloom_size_ratio >= 0 && o.memtable_prefix_bloom_size_ratio <= 0.25)) {
    return Invalid("memtable_prefix_bloom_size_ratio",
                   absl::StrFormat("is %g; it must be in [0, 0.25]",
                                   o.memtable_prefix_bloom_size_ratio));
  }
  if (o.memtable_prefix_bloom_size_ratio > 0 && o.prefix_extractor == nullptr) {
    return Invalid("memtable_prefix_bloom_size_ratio",
                   "is set, but there is no prefix_extractor to take prefixes with");
  }
  if (o.memory_budget != nullptr && o.memory_budget->memtable_limit() > o.memory_budget->limit()) {
    return Invalid("memory_budget",
                   absl::StrFormat("has a memtable share of %u bytes; it must be at most the "
                                   "budget, %u bytes",
                                   o.memory_budget->memtable_limit(), o.memory_budget->limit()));
  }
  if (o.max_open_files < 16) {
    return Invalid("max_open_files",
                   absl::StrFormat("is %d; it must be at least 16", o.max_open_files));
  }
  return Status::OK();
}

// Level 0, level sizes and the leveled picker.
Status ValidateLevelOptions(const Options& o) {
  if (o.level0_file_num_compaction_trigger < 1) {
    return Invalid(
        "level0_file_num_compaction_trigger",
        absl::StrFormat("is %d; it must be at least 1", o.level0_file_num_compaction_trigger));
  }
  if (o.level0_slowdown_writes_trigger < o.level0_file_num_compaction_trigger) {
    return Invalid(
        "level0_slowdown_writes_trigger",
        absl::StrFormat("is %d; it must be at least level0_file_num_compaction_trigger "
                        "(%d)",
                        o.level0_slowdown_writes_trigger, o.level0_file_num_compaction_trigger));
  }
  if (o.level0_stop_writes_trigger < o.level0_slowdown_writes_trigger) {
    return Invalid("level0_stop_writes_trigger",
                   absl::StrFormat("is %d; it must be at least level0_slowdown_writes_trigger (%d)",
                                   o.level0_stop_writes_trigger, o.level0_slowdown_writes_trigger));
  }
  if (o.max_bytes_for_level_base < (64 << 10)) {
    return Invalid("max_bytes_for_level_base",
                   absl::StrFormat("is %u; it must be at least 65536", o.max_bytes_for_level_base));
  }
  if (o.max_bytes_for_level_multiplier < 2) {
    return Invalid(
        "max_bytes_for_level_multiplier",
        absl::StrFormat("is %d; it must be at least 2", o.max_bytes_for_level_multiplier));
  }
  if (o.target_file_size_base < (64 << 10)) {
    return Invalid("target_file_size_base",
                   absl::StrFormat("is %u; it must be at least 65536", o.target_file_size_base));
  }
  if (o.compaction_pri != CompactionPri::kMinOverlappingRatio &&
      o.compaction_pri != CompactionPri::kRoundRobin) {
    return Invalid("compaction_pri",
                   absl::StrFormat("has unknown value %d", static_cast<int>(o.compaction_pri)));
  }
  return Status::OK();
}

// The compaction style and its own options.
Status ValidateCompactionStyle(const Options& o) {
  switch (o.compaction_style) {
    case CompactionStyle::kLevel:
    case CompactionStyle::kUniversal:
      break;
    case CompactionStyle::kFIFO:
      if (o.compaction_options_fifo.max_table_files_size == 0 &&
          o.compaction_options_fifo.ttl_seconds == 0) {
        return Invalid("compaction_options_fifo",
                       "sets no limit; FIFO compaction needs max_table_files_size or ttl_seconds");
      }
      break;
    default:
      return Invalid("compaction_style",
                     absl::StrFormat("has unknown value %d", static_cast<int>(o.compaction_style)));
  }
  const CompactionOptionsUniversal& u = o.compaction_options_universal;
  if (u.min_merge_width < 2) {
    return Invalid("compaction_options_universal.min_merge_width",
                   absl::StrFormat("is %u; it must be at least 2", u.min_merge_width));
  }
  if (u.max_merge_width < u.min_merge_width) {
    return Invalid("compaction_options_universal.max_merge_width",
                   absl::StrFormat("is %u; it must be at least min_merge_width (%u)",
                                   u.max_merge_width, u.min_merge_width));
  }
  if (u.max_size_amplification_percent < 1) {
    return Invalid("compaction_options_universal.max_size_amplification_percent",
                   "is 0; it must be at least 1");
  }
  return Status::OK();
}

// TTL families: their values end in a write time, which a merge operator would not keep.
Status ValidateTtlOptions(const Options& o) {
  if (o.ttl_seconds > 0 && o.merge_operator != nullptr) {
    return Invalid("ttl_seconds",
                   absl::StrFormat("is %u, and merge_operator %s is set; a column family with a "
                                   "TTL takes no Merge, so it must have no merge_operator",
                                   o.ttl_seconds, o.merge_operator->Name()));
  }
  return Status::OK();
}

// Background work, write stalls, recovery and the info log.
Status ValidateBackgroundOptions(const Options& o) {
  if (o.info_log_level < InfoLogLevel::kDebug || o.info_log_level > InfoLogLevel::kError) {
    return Invalid("info_log_level",
                   absl::StrFormat("has unknown value %d", static_cast<int>(o.info_log_level)));
  }
  if (o.max_background_jobs < 2) {
    return Invalid("max_background_jobs",
                   absl::StrFormat("is %d; it must be at least 2 (one flush thread and one "
                                   "compaction thread)",
                                   o.max_background_jobs));
  }
  if (o.soft_pending_compaction_bytes_limit != 0 && o.hard_pending_compaction_bytes_limit != 0 &&
      o.hard_pending_compaction_bytes_limit < o.soft_pending_compaction_bytes_limit) {
    return Invalid("hard_pending_compaction_bytes_limit",
                   absl::StrFormat("is %u; it must be at least soft_pending_compaction_bytes_limit "
                                   "(%u) or 0",
                                   o.hard_pending_compaction_bytes_limit,
                                   o.soft_pending_compaction_bytes_limit));
  }
  switch (o.io_backend) {
    case IoBackend::kAuto:
      break;
    case IoBackend::kUring:
    case IoBackend::kPosix:
      if (o.file_system != nullptr) {
        return Invalid("io_backend",
                       "is set together with file_system; with a file system "
                       "given, it must be kAuto");
      }
      break;
    default:
      return Invalid("io_backend",
                     absl::StrFormat("has unknown value %d", static_cast<int>(o.io_backend)));
  }
  switch (o.wal_recovery_mode) {
    case WALRecoveryMode::kTolerateCorruptedTailRecords:
    case WALRecoveryMode::kAbsoluteConsistency:
    case WALRecoveryMode::kPointInTimeRecovery:
    case WALRecoveryMode::kSkipAnyCorruptedRecords:
      break;
    default:
      return Invalid("wal_recovery_mode", absl::StrFormat("has unknown value %d",
                                                          static_cast<int>(o.wal_recovery_mode)));
  }
  return Status::OK();
}

}  // namespace

Status ValidateOptions(const Options& o) {
  for (Status (*check)(const Options&) :
       {ValidateTableOptions, ValidateLevelOptions, ValidateCompactionStyle, ValidateTtlOptions,
        ValidateBackgroundOptions}) {
    Status s = check(o);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

Status ResolveDefaultOptions(Options* options, std::string* io_note) {
  if (options->comparator == nullptr) options->comparator = BytewiseComparator();
  if (options->clock == nullptr) options->clock = SystemClock();
  if (options->file_system != nullptr) return Status::OK();
  IoBackend backend = options->io_backend;
  if (const char* env = std::getenv("LSM_IO_BACKEND"); env != nullptr && *env != '\0') {
    const std::string_view name = env;
    if (name == "auto") {
      backend = IoBackend::kAuto;
    } else if (name == "uring") {
      backend = IoBackend::kUring;
    } else if (name == "posix") {
      backend = IoBackend::kPosix;
    } else {
      return Status::InvalidArgument(
          "LSM_IO_BACKEND", absl::StrFormat("is \"%s\"; it must be auto, uring or posix", name));
    }
  }
  std::string note = "io backend: posix";
  std::shared_ptr<FileSystem> fs = FileSystem::Default();
  if (backend != IoBackend::kPosix) {
    std::shared_ptr<FileSystem> uring;
    Status s = NewUringFileSystem(&uring);
    if (s.ok()) {
      fs = std::move(uring);
      note = "io backend: io_uring";
    } else if (backend == IoBackend::kUring) {
      return Status::NotSupported("Options::io_backend is kUring, but no ring can be set up",
                                  s.message());
    } else {
      note =
          absl::StrFormat("io backend: posix, as no io_uring ring can be set up (%s)", s.message());
    }
    backend = s.ok() ? IoBackend::kUring : IoBackend::kPosix;
  }
  options->file_system = std::move(fs);
  options->io_backend = backend;
  if (io_note != nullptr) *io_note = std::move(note);
  return Status::OK();
}

}  // namespace lsm
