// How RepairDB (include/lsm/db.h) rebuilds a database's MANIFEST from the tables and logs in
// its directory when the MANIFEST or CURRENT is lost or damaged (the role of LevelDB's
// repair.cc and RocksDB's RepairDB).
//
// What it does, holding the directory's LOCK:
//  1. Reads every NNNNNN.sst in full with checksums verified. A table that verifies whole is
//     kept as it is. Nothing is changed before every table has been looked at: a table of
//     another comparator than options.comparator fails the repair with InvalidArgument.
//  2. Copies the intact data blocks of each damaged table (SalvageTable) into a new table; a
//     table of which nothing can be read is dropped.
//  3. Replays every NNNNNN.log, skipping damaged records (kSkipAnyCorruptedRecords) and
//     batches that do not decode, into new tables.
//  4. All tables go to level 0, where a lookup takes the first table (newest largest
//     sequence first) holding the key. Tables whose key ranges and sequence ranges both
//     overlap (compaction outputs of different levels, a log whose flush had already been
//     recorded) would break that, so they are merged into one table, identical entries once.
//  5. Moves every file it replaced (damaged tables, merged tables, logs, old MANIFESTs) into
//     the subdirectory lost/, never deleting one, and syncs the directory.
//  6. Writes a new MANIFEST naming the tables, with the largest sequence seen and a log
//     number past every log, and points CURRENT at it (VersionSet::LogAndApply: temp file,
//     rename, directory sync). Until then the old CURRENT stands, so a repair cut short can
//     simply be run again.
// Entries in damaged blocks and records are lost, and logs are salvaged past damage, so the
// result need not be a prefix of the write history; the report says what was lost.
// Thread-safety: runs alone on the directory (it holds the LOCK).
#include <absl/strings/str_format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <numeric>
#include <utility>

#include "lsm/db.h"
#include "src/base/dbformat.h"
#include "src/base/filename.h"
#include "src/base/merging_iterator.h"
#include "src/compaction/compaction_job.h"
#include "src/db/log_replay.h"
#include "src/db/memtable_insert.h"
#include "src/db/options_validation.h"
#include "src/memtable/memtable.h"
#include "src/memtable/memtable_factory.h"
#include "src/sstable/table_reader.h"
#include "src/sstable/table_salvage.h"
#include "src/version/version_set.h"
#include "src/wal/log_reader.h"

namespace lsm {
namespace {

// A forward view of an iterator that shows each run of equal keys once (its first entry):
// merged tables may hold the same entry twice. Only SeekToFirst, Seek and Next are offered;
// SeekToLast, SeekForPrev and Prev leave it invalid with NotSupported.
class UniqueKeysIterator final : public InternalIterator {
 public:
  UniqueKeysIterator(const Comparator* cmp, std::unique_ptr<InternalIterator> input)
      : cmp_(cmp), input_(std::move(input)) {}

  bool Valid() const override { return status_.ok() && input_->Valid(); }
  void SeekToFirst() override { input_->SeekToFirst(); }
  void Seek(std::string_view target) override { input_->Seek(target); }
  void Next() override {
    last_.assign(input_->key());
    do {
      input_->Next();
    } while (input_->Valid() && cmp_->Compare(last_, input_->key()) == 0);
  }
  void SeekToLast() override { Backward(); }
  void SeekForPrev(std::string_view) override { Backward(); }
  void Prev() override { Backward(); }
  std::string_view key() const override { return input_->key(); }
  std::string_view value() const override { return input_->value(); }
  Status status() const override { return status_.ok() ? input_->status() : status_; }

 private:
  void Backward() { status_ = Status::NotSupported("repair merges forward only"); }

  const Comparator* const cmp_;
  const std::unique_ptr<InternalIterator> input_;
  std::string last_;
  Status status_;
};

// The records of a write batch, collected before any is applied.
struct Table {
  FileMetaData meta;
  uint64_t entries = 0;
  bool original = false;  // in the directory before the repair (archived when replaced)
};

class Repairer {
 public:
  Repairer(std::string dbname, const Options& options, RepairReport* report)
      : dbname_(std::move(dbname)),
        options_(options),
        fs_(options_.file_system.get()),
        icmp_(options_.comparator),
        topts_(TableOptions::FromOptions(options_)),
        report_(report) {}

  Status Run() {
    Status s = FindFiles();
    if (!s.ok()) return s;
    std::unique_ptr<FileLock> lock;
    s = fs_->LockFile(LockFileName(dbname_), &lock);
    if (!s.ok()) return s;
    s = FindFiles();  // again, now that no DB can change the directory
    if (!s.ok()) return s;
    // Look at every table before changing anything.
    std::vector<uint64_t> damaged;
    for (uint64_t number : table_numbers_) {
      s = InspectTable(number, &damaged);
      if (!s.ok()) return s;
    }
    versions_ = std::make_unique<VersionSet>(dbname_, options_);
    versions_->MarkFileNumberUsed(max_number_);
    for (uint64_t number : damaged) {
      s = SalvageDamagedTable(number);
      if (!s.ok()) break;
    }
    for (size_t i = 0; s.ok() && i < log_numbers_.size(); i++) s = ReplayLog(log_numbers_[i]);
    if (s.ok()) s = MergeOverlapping();
    if (s.ok()) s = fs_->SyncDir(dbname_);
    if (!s.ok()) {
      // Nothing was moved yet: the directory is as it was, apart from these.
      for (uint64_t number : created_) (void)fs_->RemoveFile(TableFileName(dbname_, number));
      return s;
    }
    s = Archive();
    if (s.ok()) s = WriteManifest();
    versions_.reset();  // closes the new MANIFEST while the LOCK is still held
    return s;
  }

 private:
  Status FindFiles() {
    std::vector<std::string> children;
    Status s = fs_->GetChildren(dbname_, &children);
    if (!s.ok()) return s.WithContext("RepairDB");
    table_numbers_.clear();
    log_numbers_.clear();
    manifests_.clear();
    bool database_files = false;
    for (const std::string& child : children) {
      uint64_t number;
      FileType type;
      if (!ParseFileName(child, &number, &type)) continue;
      max_number_ = std::max(max_number_, number);
      switch (type) {
        case FileType::kTable:
          table_numbers_.push_back(number);
          break;
        case FileType::kLog:
          log_numbers_.push_back(number);
          break;
        case FileType::kManifest:
          manifests_.push_back(child);
          break;
        default:
          break;
      }
      database_files |= type == FileType::kTable || type == FileType::kLog ||
                        type == FileType::kManifest || type == FileType::kCurrent;
    }
    if (!database_files) {
      return Status::InvalidArgument(
          dbname_, "holds no tables, logs, MANIFEST or CURRENT: not an lsm database");
    }
    std::sort(table_numbers_.begin(), table_numbers_.end());
    std::sort(log_numbers_.begin(), log_numbers_.end());
    return Status::OK();
  }

  Status OpenFile(const std::string& path, std::unique_ptr<RandomAccessFile>* file,
                  uint64_t* size) {
    Status s = fs_->GetFileSize(path, size);
    if (s.ok()) s = fs_->NewRandomAccessFile(path, file);
    return s;
  }

  Status OpenReader(uint64_t number, std::unique_ptr<TableReader>* reader) {
    const std::string path = TableFileName(dbname_, number);
    std::unique_ptr<RandomAccessFile> file;
    uint64_t size = 0;
    Status s = OpenFile(path, &file, &size);
    if (s.ok()) {
      s = TableReader::Open(topts_, std::string(BaseName(path)), std::move(file), size, nullptr,
                            reader);
    }
    return s;
  }

  // A table file of the directory, opened for reading, with its properties if they read.
  struct TableFile {
    std::string name;
    std::unique_ptr<RandomAccessFile> file;
    uint64_t size = 0;
    TableProperties props;
    bool has_props = false;
  };

  Status OpenTableFile(uint64_t number, TableFile* t) {
    const std::string path = TableFileName(dbname_, number);
    t->name = std::string(BaseName(path));
    Status s = OpenFile(path, &t->file, &t->size);
    if (s.ok()) {
      t->has_props = TableReader::ReadProperties(t->file.get(), t->name, t->size, &t->props).ok();
    }
    return s;
  }

  void Note(const std::string& line) { report_->notes.push_back(line); }

  // Keeps a table that verifies whole; adds any other to *damaged. Fails only for a table of
  // another comparator or merge operator, or when the file cannot be read at all.
  Status InspectTable(uint64_t number, std::vector<uint64_t>* damaged) {
    TableFile f;
    Status s = OpenTableFile(number, &f);
    if (!s.ok()) return s;
    const std::string& name = f.name;
    const uint64_t size = f.size;
    if (f.has_props && f.props.comparator_name != icmp_.Name()) {
      return Status::InvalidArgument(
          absl::StrFormat("RepairDB: table %s", name),
          absl::StrFormat("was written with comparator %s; repair with options.comparator %s "
                          "(nothing was changed)",
                          f.props.comparator_name, icmp_.Name()));
    }
    if (f.has_props && !f.props.merge_operator_name.empty() &&
        f.props.merge_operator_name != topts_.merge_operator_name) {
      return Status::InvalidArgument(
          absl::StrFormat("RepairDB: table %s", name),
          absl::StrFormat("holds merge operands of merge operator %s; repair with an "
                          "options.merge_operator of that name (nothing was changed)",
                          f.props.merge_operator_name));
    }
    std::unique_ptr<TableReader> table;
    s = TableReader::Open(topts_, name, std::move(f.file), size, nullptr, &table);
    if (s.ok()) s = table->VerifyChecksums();
    Table t;
    t.original = true;
    t.meta.number = number;
    t.meta.file_size = size;
    t.meta.smallest_seqno = kMaxSequenceNumber;
    if (s.ok()) {
      ReadOptions ro;
      ro.fill_cache = false;
      std::unique_ptr<InternalIterator> it = table->NewIterator(ro);
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        ParsedInternalKey p;
        if (!ParseInternalKey(it->key(), &p)) {
          s = Status::Corruption("table " + name, "entry with a bad internal key");
          break;
        }
        if (t.entries++ == 0) t.meta.smallest.assign(it->key());
        t.meta.largest.assign(it->key());
        t.meta.smallest_seqno = std::min(t.meta.smallest_seqno, p.sequence);
        t.meta.largest_seqno = std::max(t.meta.largest_seqno, p.sequence);
      }
      if (s.ok()) s = it->status();
      if (s.ok() && table->range_tombstones() != nullptr) {
        for (const RangeTombstone& r : table->range_tombstones()->tombstones()) {
          t.entries++;
          WidenRangeOver(icmp_, r, &t.meta.smallest, &t.meta.largest);
          t.meta.smallest_seqno = std::min(t.meta.smallest_seqno, r.seq);
          t.meta.largest_seqno = std::max(t.meta.largest_seqno, r.seq);
        }
      }
    }
    if (!s.ok()) {
      damaged->push_back(number);
      damage_[number] = s;
      return Status::OK();
    }
    if (t.entries == 0) {
      Note(absl::StrFormat("%s: holds no entries; moved to %s/", name, kLostDirName));
      archive_.push_back(name);
      return Status::OK();
    }
    report_->tables_kept++;
    tables_.push_back(std::move(t));
    return Status::OK();
  }

  // Writes every entry of `input` and the tombstones to one new table; meta->file_size is 0
  // when it is empty.
  Status BuildTable(InternalIterator* input, std::vector<RangeTombstone> tombstones,
                    FileMetaData* meta) {
    CompactionContext ctx;
    ctx.dbname = dbname_;
    ctx.fs = fs_;
    ctx.table_options = topts_;
    ctx.icmp = &icmp_;
    // No version and no reader: every version and deletion is kept.
    ctx.new_file_number = [this] { return versions_->NewFileNumber(); };
    CompactionJobResult result;
    Status s = RunFlush(input, std::move(tombstones), ctx, &result);
    *meta = result.outputs.empty() ? FileMetaData() : result.outputs[0];
    return s;
  }

  // Writes the entries of `mem` to a new table; nothing for an empty memtable.
  Status WriteTable(MemTable* mem, uint64_t entries) {
    FileMetaData meta;
    std::unique_ptr<InternalIterator> it = mem->NewIterator();
    Status s = BuildTable(it.get(), mem->RangeTombstones(), &meta);
    if (s.ok() && meta.file_size > 0) {
      created_.push_back(meta.number);
      tables_.push_back({std::move(meta), entries, false});
    }
    return s;
  }

  Status SalvageDamagedTable(uint64_t number) {
    TableFile f;
    Status s = OpenTableFile(number, &f);
    if (!s.ok()) return s;
    const std::string& name = f.name;
    MemTable* mem = new MemTable(icmp_, RepOf(options_.memtable_factory.get()));
    mem->Ref();
    SalvageReport salvage;
    s = SalvageTable(
        icmp_.user_comparator(), name, f.file.get(), f.size,
        [mem](std::string_view key, std::string_view value) {
          ParsedInternalKey p;
          if (ParseInternalKey(key, &p))
            mem->AddSingleWriter(p.sequence, p.type, p.user_key, value);
        },
        &salvage);
    const Status found = damage_[number];
    if (s.ok() && salvage.entries > 0) s = WriteTable(mem, salvage.entries);
    mem->Unref();
    if (!s.ok() && !s.IsCorruption() && !s.IsNotSupported()) return s;  // an I/O error
    report_->bad_blocks += salvage.bad_blocks;
    std::string lost = "an unknown number of entries lost (properties unreadable)";
    if (f.has_props) {
      const uint64_t missing =
          f.props.num_entries > salvage.entries ? f.props.num_entries - salvage.entries : 0;
      report_->entries_lost += missing;
      lost = absl::StrFormat("%u of %u entries lost", missing, f.props.num_entries);
    }
    std::string why = found.ToString();
    if (!salvage.damage.ok() && salvage.damage != found) {
      absl::StrAppendFormat(&why, "; %s", salvage.damage.ToString());
    }
    if (salvage.entries > 0) {
      report_->tables_salvaged++;
      Note(
          absl::StrFormat("%s: damaged (%s); %u entries from %u of %u data blocks copied to "
                          "%06u.sst, %s",
                          name, why, salvage.entries, salvage.data_blocks - salvage.bad_blocks,
                          salvage.data_blocks, tables_.back().meta.number, lost));
    } else {
      report_->tables_dropped++;
      Note(absl::StrFormat("%s: damaged (%s); nothing readable, dropped; %s", name, why, lost));
    }
    archive_.push_back(name);
    return Status::OK();
  }

  Status ReplayLog(uint64_t number) {
    const std::string name = absl::StrFormat("%06u.log", number);
    MemTable* mem = nullptr;
    auto apply = [&](const WriteBatch& batch) {
      if (batch.Count() == 0) return Status::OK();
      if (mem == nullptr) {
        mem = new MemTable(icmp_, RepOf(options_.memtable_factory.get()));
        mem->Ref();
      }
      Status s = InsertInto(batch, mem, /*concurrent=*/false);
      if (s.ok() && mem->ApproximateMemoryUsage() > options_.write_buffer_size) {
        s = WriteTable(mem, mem->num_entries());
        mem->Unref();
        mem = nullptr;
      }
      return s;
    };
    LogReplayReport replay;
    Status s = lsm::ReplayLog(fs_, dbname_, number, WALRecoveryMode::kSkipAnyCorruptedRecords,
                              apply, &replay);
    if (s.ok() && mem != nullptr) s = WriteTable(mem, mem->num_entries());
    if (mem != nullptr) mem->Unref();
    if (!s.ok()) return s;

    const uint64_t records = replay.records, skipped = replay.skipped;
    const Status& first_skip = replay.first_skipped;
    const log::ReadReport& r = replay.read;
    report_->logs_replayed++;
    report_->log_records += records;
    report_->log_records_skipped += skipped;
    report_->log_bytes_dropped += r.dropped_bytes;
    const bool damaged = !r.damage.ok() && !r.torn_tail;
    if (damaged) report_->logs_damaged++;
    if (!r.damage.ok() || skipped > 0) {
      std::string line = absl::StrFormat("%s: %u records replayed", name, records);
      if (!r.damage.ok()) {
        absl::StrAppendFormat(&line, ", %u bytes dropped%s: %s", r.dropped_bytes,
                              r.torn_tail ? " (torn tail)" : "", r.damage.ToString());
      }
      if (skipped > 0) {
        absl::StrAppendFormat(&line, "; %u records skipped: %s", skipped, first_skip.ToString());
      }
      Note(line);
    }
    archive_.push_back(name);
    return Status::OK();
  }

  bool Overlap(const Table& a, const Table& b) const {
    const Comparator* ucmp = icmp_.user_comparator();
    return a.meta.smallest_seqno <= b.meta.largest_seqno &&
           b.meta.smallest_seqno <= a.meta.largest_seqno &&
           ucmp->Compare(ExtractUserKey(a.meta.smallest), ExtractUserKey(b.meta.largest)) <= 0 &&
           ucmp->Compare(ExtractUserKey(b.meta.smallest), ExtractUserKey(a.meta.largest)) <= 0;
  }

  // Merges every set of tables linked by overlapping key and sequence ranges into one table,
  // until no two tables overlap in both.
  Status MergeOverlapping() {
    for (;;) {
      const size_t n = tables_.size();
      std::vector<size_t> group(n);
      std::iota(group.begin(), group.end(), 0);
      auto find = [&group](size_t i) {
        while (group[i] != i) i = group[i] = group[group[i]];
        return i;
      };
      bool any = false;
      for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
          if (Overlap(tables_[i], tables_[j]) && find(i) != find(j)) {
            group[find(i)] = find(j);
            any = true;
          }
        }
      }
      if (!any) return Status::OK();
      std::vector<std::vector<size_t>> members(n);
      for (size_t i = 0; i < n; i++) members[find(i)].push_back(i);
      std::vector<Table> next;
      for (const std::vector<size_t>& m : members) {
        if (m.size() == 1) next.push_back(std::move(tables_[m[0]]));
      }
      for (const std::vector<size_t>& m : members) {
        if (m.size() < 2) continue;
        std::vector<Table> inputs;
        for (size_t i : m) inputs.push_back(std::move(tables_[i]));
        Status s = Merge(inputs, &next);
        if (!s.ok()) return s;  // the tables written so far are in created_
      }
      tables_ = std::move(next);
    }
  }

  Status Merge(const std::vector<Table>& inputs, std::vector<Table>* out) {
    std::vector<std::unique_ptr<TableReader>> readers;
    std::vector<std::unique_ptr<InternalIterator>> children;
    std::vector<RangeTombstone> tombstones;
    ReadOptions ro;
    ro.fill_cache = false;
    std::string names;
    for (const Table& t : inputs) {
      std::unique_ptr<TableReader> reader;
      Status s = OpenReader(t.meta.number, &reader);
      if (!s.ok()) return s;
      children.push_back(reader->NewIterator(ro));
      if (reader->range_tombstones() != nullptr) {
        const auto& in_table = reader->range_tombstones()->tombstones();
        tombstones.insert(tombstones.end(), in_table.begin(), in_table.end());
      }
      readers.push_back(std::move(reader));
      absl::StrAppendFormat(&names, "%s%06u.sst", names.empty() ? "" : ", ", t.meta.number);
    }
    UniqueKeysIterator merged(&icmp_, NewMergingIterator(&icmp_, std::move(children)));
    Table t;
    Status s = BuildTable(&merged, std::move(tombstones), &t.meta);
    if (!s.ok()) return s;
    created_.push_back(t.meta.number);
    std::unique_ptr<TableReader> reader;
    s = OpenReader(t.meta.number, &reader);
    if (!s.ok()) return s;
    t.entries = reader->properties().num_entries;
    Note(absl::StrFormat("%s: key and sequence ranges overlap; merged into %06u.sst", names,
                         t.meta.number));
    for (const Table& in : inputs) {
      if (in.original) {
        report_->tables_merged++;
        archive_.push_back(std::string(BaseName(TableFileName(dbname_, in.meta.number))));
      } else {
        (void)fs_->RemoveFile(TableFileName(dbname_, in.meta.number));
        std::erase(created_, in.meta.number);
      }
    }
    out->push_back(std::move(t));
    return Status::OK();
  }

  // Moves replaced files and old MANIFESTs into lost/, never over an earlier one.
  Status Archive() {
    std::vector<std::string> names = archive_;
    names.insert(names.end(), manifests_.begin(), manifests_.end());
    if (names.empty()) return Status::OK();
    const std::string lost = dbname_ + "/" + kLostDirName;
    Status s = fs_->CreateDirIfMissing(lost);
    for (size_t i = 0; s.ok() && i < names.size(); i++) {
      std::string target = names[i];
      for (int n = 1; fs_->FileExists(lost + "/" + target).ok(); n++) {
        target = absl::StrFormat("%s.%d", names[i], n);
      }
      s = fs_->RenameFile(dbname_ + "/" + names[i], lost + "/" + target);
      if (s.ok()) report_->archived.push_back(target);
    }
    if (s.ok()) s = fs_->SyncDir(lost);
    if (s.ok()) s = fs_->SyncDir(dbname_);
    return s;
  }

  Status WriteManifest() {
    VersionEdit edit;
    SequenceNumber last_sequence = 0;
    for (const Table& t : tables_) {
      edit.AddFile(0, t.meta);
      last_sequence = std::max(last_sequence, t.meta.largest_seqno);
      report_->entries += t.entries;
      report_->bytes += t.meta.file_size;
    }
    report_->tables = tables_.size();
    report_->last_sequence = last_sequence;
    edit.SetLastSequence(last_sequence);
    // Every log was replayed into tables and moved into lost/ above. Log number 0 names no
    // log, as for a new database: the next open replays whatever logs it finds (none, or an
    // empty one that an open cut short created) and names its own.
    edit.SetLogNumber(0);
    Status s = versions_->LogAndApply(&edit);
    if (s.ok()) report_->manifest_number = versions_->manifest_number();
    return s;
  }

  const std::string dbname_;
  const Options options_;
  FileSystem* const fs_;
  const InternalKeyComparator icmp_;
  const TableOptions topts_;
  RepairReport* const report_;

  std::vector<uint64_t> table_numbers_, log_numbers_;
  std::vector<std::string> manifests_;
  uint64_t max_number_ = 0;
  std::map<uint64_t, Status> damage_;  // why each damaged table failed verification
  std::unique_ptr<VersionSet> versions_;
  std::vector<Table> tables_;         // of the repaired database
  std::vector<uint64_t> created_;     // tables written by this repair
  std::vector<std::string> archive_;  // names of files to move into lost/
};

}  // namespace

std::string RepairReport::ToString() const {
  std::string r;
  absl::StrAppendFormat(&r, "tables: %u kept, %u salvaged, %u dropped, %u merged\n", tables_kept,
                        tables_salvaged, tables_dropped, tables_merged);
  if (bad_blocks > 0 || entries_lost > 0) {
    absl::StrAppendFormat(&r, "damaged tables: %u bad data blocks, %u entries lost\n", bad_blocks,
                          entries_lost);
  }
  absl::StrAppendFormat(&r,
                        "logs: %u replayed, %u records recovered, %u records skipped, %u bytes "
                        "dropped, %u with damage\n",
                        logs_replayed, log_records, log_records_skipped, log_bytes_dropped,
                        logs_damaged);
  absl::StrAppendFormat(&r,
                        "database: %u tables in level 0, %u entries, %u bytes, last sequence %u, "
                        "MANIFEST-%06u\n",
                        tables, entries, bytes, last_sequence, manifest_number);
  for (const std::string& note : notes) absl::StrAppendFormat(&r, "  %s\n", note);
  if (!archived.empty()) {
    absl::StrAppendFormat(&r, "moved into %s/:", kLostDirName);
    for (const std::string& name : archived) absl::StrAppendFormat(&r, " %s", name);
    r += "\n";
  }
  return r;
}

Status RepairDB(const std::string& name, const Options& options, RepairReport* report) {
  *report = RepairReport();
  Status s = ValidateOptions(options);
  if (!s.ok()) return s;
  if (name.empty()) return Status::InvalidArgument("RepairDB: the database path is empty");
  Options resolved = options;
  s = ResolveDefaultOptions(&resolved);
  if (!s.ok()) return s;
  Repairer repairer(name, resolved, report);
  return repairer.Run();
}

Status RepairDB(const std::string& name, const Options& options) {
  RepairReport report;
  return RepairDB(name, options, &report);
}

}  // namespace lsm
