// DBImpl: properties and the options that may change while the database is open (see
// db_impl.h and the list in include/lsm/db.h).
#include <absl/strings/str_format.h>

#include "src/db/db_impl.h"
#include "src/db/options_file.h"

namespace lsm {

bool DBImpl::GetIntProperty(ColumnFamilyHandle* column_family, std::string_view property,
                            uint64_t* value) {
  *value = 0;
  Family* family;
  if (!FamilyOf(column_family, &family).ok()) return false;
  if (property == "lsm.estimate-num-keys") {
    *value = EstimateNumKeys(family);
    return true;
  }
  MutexLock l(&mu_);
  std::shared_ptr<const Version> v = versions_->current(family->id);
  return v != nullptr && IntProperty(*family, property, *v, value);
}

bool DBImpl::GetProperty(ColumnFamilyHandle* column_family, std::string_view property,
                         std::string* value) {
  value->clear();
  if (uint64_t n; GetIntProperty(column_family, property, &n)) {
    *value = std::to_string(n);
    return true;
  }
  Family* family;
  if (!FamilyOf(column_family, &family).ok()) return false;
  MutexLock l(&mu_);
  std::shared_ptr<const Version> v = versions_->current(family->id);
  if (v == nullptr) return false;
  if (property == "lsm.levelstats") {
    *value = LevelStatsText(*family, *v);
  } else if (property == "lsm.background-error") {
    *value = bg_error_.ToString();
  } else if (property == "lsm.recovery") {
    *value = recovery_report_;
  } else if (property == "lsm.stats") {
    *value = LevelStatsText(*family, *v) + StatsText(*family);
  } else if (property == "lsm.memory") {
    *value = MemoryText();
  } else {
    return false;
  }
  return true;
}

bool DBImpl::IntProperty(const Family& family, std::string_view property, const Version& v,
                         uint64_t* value) {
  constexpr std::string_view kFilesAtLevel = "lsm.num-files-at-level";
  if (property.starts_with(kFilesAtLevel)) {
    const std::string_view digits = property.substr(kFilesAtLevel.size());
    if (digits.size() != 1 || digits[0] < '0' || digits[0] >= '0' + kNumLevels) return false;
    *value = v.NumFiles(digits[0] - '0');
    return true;
  }
  if (MemTableProperty(family, property, value)) return true;
  if (property == "lsm.compaction-pending") {
    // Whether work is due, whether or not a running compaction holds it up; none is when
    // compactions do not start on their own.
    CompactionPointers pointers = family.compact_pointers;
    *value = !family.disable_auto_compactions &&
             PickCompaction(v, *family.icmp, family.options, RunningCompactions(), &pointers,
                            NowSeconds()) != nullptr;
  } else if (property == "lsm.num-running-compactions") {
    *value = static_cast<uint64_t>(running_compactions_);
  } else if (property == "lsm.estimate-pending-compaction-bytes") {
    *value = family.pending_compaction_bytes.load();
  } else if (property == "lsm.live-sst-files-size") {
    *value = 0;
    for (int level = 0; level < kNumLevels; level++) *value += v.NumBytes(level);
  } else if (property == "lsm.total-sst-files-size") {
    *value = versions_->LiveTableBytes();
  } else if (property == "lsm.num-live-versions") {
    *value = versions_->NumLiveVersions();
  } else if (property == "lsm.num-snapshots") {
    *value = snapshots_.size();
  } else if (property == "lsm.block-cache-capacity") {
    *value = block_cache_ != nullptr ? block_cache_->capacity() : 0;
  } else if (property == "lsm.block-cache-usage") {
    *value = block_cache_ != nullptr ? block_cache_->usage() : 0;
  } else if (property == "lsm.block-cache-pinned-usage") {
    *value = block_cache_ != nullptr ? block_cache_->pinned_usage() : 0;
  } else if (property == "lsm.memory-budget-limit") {
    *value = budget_ != nullptr ? budget_->limit() : 0;
  } else if (property == "lsm.memory-budget-usage") {
    *value = budget_ != nullptr ? budget_->usage() : 0;
  } else {
    return false;
  }
  return true;
}

bool DBImpl::MemTableProperty(const Family& family, std::string_view property, uint64_t* value) {
  const std::deque<Immutable>& imms = family.imms;
  const MemTable* mem = family.mem;
  auto sum_imms = [&imms](auto count) {
    uint64_t sum = 0;
    for (const Immutable& imm : imms) sum += (imm.mem->*count)();
    return sum;
  };
  // Whether the flush thread is writing one of this family's memtables.
  const std::vector<Family*>* writing =
      flushing_ && !flush_queue_.empty() ? &flush_queue_.front().families : nullptr;
  const bool flushing =
      writing != nullptr && std::find(writing->begin(), writing->end(), &family) != writing->end();
  if (property == "lsm.num-immutable-mem-table") {
    *value = imms.size();
  } else if (property == "lsm.mem-table-flush-pending") {
    *value = imms.size() > (flushing ? 1u : 0u) ? 1 : 0;
  } else if (property == "lsm.num-running-flushes") {
    *value = flushing ? 1 : 0;
  } else if (property == "lsm.cur-size-active-mem-table") {
    *value = mem->ApproximateMemoryUsage();
  } else if (property == "lsm.cur-size-all-mem-tables") {
    *value = mem->ApproximateMemoryUsage() + sum_imms(&MemTable::ApproximateMemoryUsage);
  } else if (property == "lsm.num-entries-active-mem-table") {
    *value = mem->num_entries();
  } else if (property == "lsm.num-deletes-active-mem-table") {
    *value = mem->num_deletions();
  } else if (property == "lsm.num-entries-imm-mem-tables") {
    *value = sum_imms(&MemTable::num_entries);
  } else if (property == "lsm.num-deletes-imm-mem-tables") {
    *value = sum_imms(&MemTable::num_deletions);
  } else {
    return false;
  }
  return true;
}

uint64_t DBImpl::EstimateNumKeys(Family* family) {
  // As RocksDB estimates: a deletion cancels itself and one older entry.
  int64_t keys = 0;
  std::shared_ptr<const Version> v;
  uint64_t generation = version_generation_.load();
  {
    MutexLock l(&mu_);
    v = versions_->current(family->id);
    if (v == nullptr) return 0;
    keys += static_cast<int64_t>(family->mem->num_entries() - family->mem->num_deletions());
    for (const Immutable& imm : family->imms) {
      keys += static_cast<int64_t>(imm.mem->num_entries() - imm.mem->num_deletions());
    }
  }
  // Table properties may need the tables opened: outside the lock.
  for (int level = 0; level < kNumLevels; level++) {
    for (const auto& f : v->files(level)) {
      std::shared_ptr<const TableReader> reader;
      if (!family->table_cache->FindTable(f->number, f->file_size, f->global_seqno, &reader).ok())
        continue;
      const TableProperties& props = reader->properties();
      keys +=
          static_cast<int64_t>(props.num_entries) - 2 * static_cast<int64_t>(props.num_deletions);
    }
  }
  ReleaseVersion(&v, generation);
  return keys > 0 ? static_cast<uint64_t>(keys) : 0;
}

std::string DBImpl::LevelStatsText(const Family& family, const Version& v) {
  // Targets and scores apply to leveled compaction; compaction figures are per output level.
  const Options& options = family.options;
  const bool leveled = options.compaction_style == CompactionStyle::kLevel;
  const LevelTargets targets = ComputeLevelTargets(v, options);
  std::string value =
      "level  files       bytes      target  score  compactions    read MB  written MB  "
      "seconds\n";
  for (int level = 0; level < kNumLevels; level++) {
    const DBStats::Level& st = family.level_stats[level];
    const bool has_target = leveled && level >= targets.base_level;
    absl::StrAppendFormat(
        &value, "L%-5d %5d %11u %11s %6s %12u %10.1f %11.1f %8.1f\n", level, v.NumFiles(level),
        v.NumBytes(level), has_target ? absl::StrFormat("%u", targets.max_bytes[level]) : "-",
        leveled
            ? absl::StrFormat("%.2f", LevelScore(v, options, targets, RunningCompactions(), level))
            : "-",
        st.compactions, st.bytes_read / 1048576.0, st.bytes_written / 1048576.0, st.micros / 1e6);
  }
  absl::StrAppendFormat(&value,
                        "user bytes written: %u; flushed: %u in %.3f s; compacted: %u read, %u "
                        "written in %.3f s; write amplification: %.2f\n",
                        stats_.user_bytes, stats_.flush_bytes, stats_.flush_micros / 1e6,
                        stats_.compaction_bytes_read, stats_.compaction_bytes_written,
                        stats_.compaction_micros / 1e6, stats_.WriteAmplification());
  return value;
}

std::string DBImpl::StatsText(const Family& family) {
  const DBStats& st = stats_;
  return absl::StrFormat(
      "memtable: %u bytes, %u entries; immutable memtables: %u\n"
      "flushes: %u, %u bytes written in %.3f s\n"
      "compactions: %u (+%u trivial moves), %u bytes read, %u bytes written, %u failed\n"
      "compaction filter: %u entries removed or changed; FIFO: %u files deleted\n"
      "pending compaction bytes: %u\n"
      "write stops: %u memtables full, %u level 0, %u pending bytes, %u memory budget; "
      "slowdowns: %u level 0, %u pending bytes, %u memory budget; stalled %.3f s\n"
      "last sequence: %u; snapshots: %u\n"
      "io backend: %s\n"
      "background error: %s\n",
      family.mem->ApproximateMemoryUsage(), family.mem->num_entries(), family.imms.size(),
      st.flushes, st.flush_bytes, st.flush_micros / 1e6, st.compactions, st.trivial_moves,
      st.compaction_bytes_read, st.compaction_bytes_written, st.compaction_failures,
      st.entries_filtered, st.files_deleted_by_fifo, family.pending_compaction_bytes.load(),
      st.stalls[kStallMemtables], st.stalls[kStallLevel0], st.stalls[kStallPendingBytes],
      st.stalls[kStallMemoryBudget], st.slowdowns[kStallLevel0], st.slowdowns[kStallPendingBytes],
      st.slowdowns[kStallMemoryBudget], st.stall_micros / 1e6, visible_sequence_.load(),
      snapshots_.size(),
      options_.io_backend == IoBackend::kUring   ? "io_uring"
      : options_.io_backend == IoBackend::kPosix ? "posix"
                                                 : "the file system given in Options",
      bg_error_.ToString());
}

std::string DBImpl::MemoryText() {
  ReportMemory();  // this database's figures, as of now
  std::string text;
  if (budget_ != nullptr) {
    const MemoryBudget::Usage u = budget_->breakdown();
    absl::StrAppendFormat(&text,
                          "memory budget: %u bytes, memtable share %u bytes; charged now %u "
                          "bytes\n"
                          "  memtables: %u bytes, in %d databases, %d column families\n",
                          budget_->limit(), budget_->memtable_limit(), u.total(), u.memtables,
                          u.databases, u.column_families);
    for (const auto& m : budget_->Members()) {
      absl::StrAppendFormat(&text, "    %s: %u bytes (%u active, %u frozen), %d column families\n",
                            m->name(), m->active() + m->frozen(), m->active(), m->frozen(),
                            m->families());
    }
  } else {
    text = "memory budget: none\n";
  }
  if (block_cache_ != nullptr) {
    absl::StrAppendFormat(
        &text, "%sblock cache: %u bytes of %u capacity, of which pinned index and filter: %u\n",
        budget_ != nullptr ? "  " : "", block_cache_->usage(), block_cache_->capacity(),
        block_cache_->pinned_usage());
  } else {
    text += "block cache: none\n";
  }
  size_t active = 0, frozen = 0;
  std::string families;
  for (const Family* f : live_families_) {
    if (f->mem == nullptr) continue;
    const size_t a = f->mem->ApproximateMemoryUsage();
    size_t z = 0;
    for (const Immutable& imm : f->imms) z += imm.mem->ApproximateMemoryUsage();
    active += a;
    frozen += z;
    absl::StrAppendFormat(&families, "  %s: %u bytes active, %u bytes in %u frozen memtables\n",
                          f->name, a, z, f->imms.size());
  }
  absl::StrAppendFormat(&text, "this database (%s): memtables %u bytes (%u active, %u frozen)\n%s",
                        dbname_, active + frozen, active, frozen, families);
  return text;
}

Status DBImpl::SetOptions(ColumnFamilyHandle* column_family,
                          const std::unordered_map<std::string, std::string>& options) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return s;
  if (read_only_) return ReadOnly();
  // Values are read as the OPTIONS file reads them, into a copy: all or nothing.
  Options changed = family->options;
  for (const auto& [name, value] : options) {
    if (name != "disable_auto_compactions") {
      return Status::InvalidArgument(
          absl::StrFormat("%s: unknown, or cannot change while the database is open", name));
    }
    s = SetOptionFromString(name, value, &changed);
    if (!s.ok()) return s;
  }
  MutexLock l(&mu_);
  if (options.contains("disable_auto_compactions")) {
    family->disable_auto_compactions = changed.disable_auto_compactions;
    compaction_work_cv_.SignalAll();  // compaction threads look again
    work_done_cv_.SignalAll();        // stalled writers check again
  }
  return Status::OK();
}

}  // namespace lsm
