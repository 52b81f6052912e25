// DBImpl: column families (see db_impl.h and include/lsm/column_family.h).
//
// Each family is a Family: its options, table cache, memtables, compaction state and handle.
// Creating or dropping one runs as an exclusive step of the write queue, so no write group is
// inserting into the memtables meanwhile; the MANIFEST records it before it takes effect.
// Family objects live until the database is destroyed, so a dropped family's handle still
// answers InvalidArgument.
#include <absl/strings/str_format.h>

#include <algorithm>

#include "src/db/db_impl.h"
#include "src/db/options_validation.h"

namespace lsm {

DBImpl::Family::Family(uint32_t family_id, std::string family_name, const Options& family_options,
                       const InternalKeyComparator* family_icmp, const std::string& dbname,
                       BlockCache* block_cache)
    : id(family_id),
      name(std::move(family_name)),
      options(family_options),
      icmp(family_icmp),
      table_cache(std::make_unique<TableCache>(dbname, TableOptions::FromOptions(options),
                                               options.file_system, block_cache,
                                               options.max_open_files)),
      ttl_filter(options.ttl_seconds > 0
                     ? std::make_unique<TtlCompactionFilter>(options.ttl_seconds, options.clock,
                                                             options.compaction_filter)
                     : nullptr),
      disable_auto_compactions(options.disable_auto_compactions) {}

Options DBImpl::FamilyOptions(const ColumnFamilyOptions& cf) const {
  Options options(options_, cf);  // options_ is resolved: file system and backend stay
  (void)ResolveDefaultOptions(&options);
  return options;
}

DBImpl::Family* DBImpl::AddFamily(uint32_t id, const std::string& name, const Options& options) {
  auto family =
      std::make_unique<Family>(id, name, options, versions_->icmp(id), dbname_, block_cache_);
  family->handle = std::make_unique<Handle>(this, family.get());
  Family* f = family.get();
  {
    MutexLock l(&families_mu_);
    families_[id] = std::move(family);
  }
  if (id < kFamiliesByIndex) families_by_index_[id].store(f, std::memory_order_release);
  mu_.AssertHeld();
  live_families_.insert(
      std::upper_bound(live_families_.begin(), live_families_.end(), f,
                       [](const Family* a, const Family* b) { return a->id < b->id; }),
      f);
  return f;
}

DBImpl::Family* DBImpl::FindFamily(uint32_t id) const {
  Family* f;
  if (id < kFamiliesByIndex) {
    f = families_by_index_[id].load(std::memory_order_acquire);
  } else {
    MutexLock l(&families_mu_);
    auto it = families_.find(id);
    f = it == families_.end() ? nullptr : it->second.get();
  }
  return f == nullptr || f->dropped.load() ? nullptr : f;
}

std::vector<DBImpl::Family*> DBImpl::LiveFamilies() const {
  MutexLock l(&families_mu_);
  std::vector<Family*> live;
  for (const auto& [id, f] : families_) {
    if (!f->dropped.load()) live.push_back(f.get());
  }
  return live;
}

Status DBImpl::FamilyOf(ColumnFamilyHandle* handle, Family** family) const {
  Status s = CheckOpen();
  if (!s.ok()) return s;
  auto* h = dynamic_cast<Handle*>(handle);
  if (h == nullptr || h->db() != this) {
    return Status::InvalidArgument(handle == nullptr
                                       ? "the column family handle is null"
                                       : "the column family handle is not of this database");
  }
  if (h->family()->dropped.load()) return Dropped(*h->family());
  *family = h->family();
  return Status::OK();
}

Status DBImpl::Dropped(const Family& family) {
  return Status::InvalidArgument("column family " + family.name + " was dropped");
}

ColumnFamilyHandle* DBImpl::DefaultColumnFamily() const {
  return default_family_ != nullptr ? default_family_->handle.get() : nullptr;
}

Status DBImpl::CreateColumnFamily(const ColumnFamilyOptions& options, const std::string& name,
                                  ColumnFamilyHandle** handle) {
  *handle = nullptr;
  Status s = CheckOpen();
  if (!s.ok()) return s;
  if (read_only_) return ReadOnly();
  if (name.empty()) return Status::InvalidArgument("a column family name is empty");
  // The database's options were checked at open (and are resolved now): the family's alone.
  s = ValidateOptions(Options(DBOptions(), options));
  if (!s.ok()) return s.WithContext("column family " + name);
  const Options resolved = FamilyOptions(options);
  return RunExclusive([&] {
    mu_.AssertHeld();
    for (const Family* f : live_families_) {
      if (f->name == name) return Status::InvalidArgument("column family " + name + " exists");
    }
    // The budget must hold one more memtable; otherwise nothing changes.
    if (budget_ != nullptr) {
      Status room = budget_->AddFamilies(budget_member_.get(), 1);
      if (!room.ok()) return room.WithContext("column family " + name);
    }
    uint32_t id;
    Status created;
    {
      MutexLock l(&apply_mu_);
      // Its writes begin in the current log.
      created = versions_->CreateColumnFamily(name, resolved.comparator, resolved.ttl_seconds > 0,
                                              log_number_, &id);
    }
    if (!created.ok()) {
      if (budget_ != nullptr) (void)budget_->AddFamilies(budget_member_.get(), -1);
      return created;
    }
    Family* f = AddFamily(id, name, resolved);
    f->mem = f->NewMemTable();
    f->mem->Ref();
    UpdateFamilyFigures(f);
    RefreshMemTableSet();
    *handle = f->handle.get();
    info_log_.Info("column family %s created (ID %u)", name, id);
    WriteOptionsFile();
    return Status::OK();
  });
}

Status DBImpl::DropColumnFamily(ColumnFamilyHandle* column_family) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return s;
  if (read_only_) return ReadOnly();
  if (family->id == 0) {
    return Status::InvalidArgument("the default column family cannot be dropped");
  }
  s = RunExclusive([&] {
    mu_.AssertHeld();
    if (family->dropped.load()) return Dropped(*family);
    Status dropped;
    {
      MutexLock l(&apply_mu_);
      dropped = versions_->DropColumnFamily(family->id);
    }
    if (!dropped.ok()) return dropped;
    // Its last version is no longer current: a reader letting go of it must look for
    // deletable tables (ReleaseVersion).
    version_generation_.fetch_add(1);
    family->dropped.store(true);
    std::erase(live_families_, family);
    RefreshMemTableSet();
    // Its memtables go once the readers holding them let go; frozen ones queued for the
    // flush thread are let go there.
    family->mem->Unref();
    family->mem = nullptr;
    if (budget_ != nullptr) (void)budget_->AddFamilies(budget_member_.get(), -1);
    ReportMemory(/*notify=*/true);
    info_log_.Info("column family %s dropped", family->name);
    WriteOptionsFile();
    return Status::OK();
  });
  if (!s.ok()) return s;
  MutexLock l(&mu_);
  // Its logs and tables may be deletable now.
  DeleteObsoleteFiles();
  compaction_work_cv_.SignalAll();
  work_done_cv_.SignalAll();
  return Status::OK();
}

}  // namespace lsm
