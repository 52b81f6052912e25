// How RepairDB (include/lsm/db.h) rebuilds a database's MANIFEST from the tables and logs in
// its directory when the MANIFEST or CURRENT is lost or damaged (the role of LevelDB's
// repair.cc and RocksDB's RepairDB).
//
// What it does, holding the directory's LOCK:
//  1. Learns the column families: every table names its family in its properties
//     (lsm.column-family-id and -name; a table without them is the default family's), and
//     the MANIFESTs left in the directory, read as far as they can be, name the families they
//     created and dropped. A family the MANIFEST records as dropped stays dropped: its tables
//     and log records are left out (the tables moved into lost/). Of two families of one name
//     the one of the lower ID is taken as dropped, since names are unique among live families
//     and IDs only grow. A family that nothing names but a log record is kept as
//     "lost-<id>". Every family is repaired with options.comparator: a table or a MANIFEST
//     record of another comparator fails the repair with InvalidArgument. A family the
//     MANIFESTs record as a TTL family stays one (its values end in their write time).
//  2. Reads every NNNNNN.sst in full with checksums verified. A table that verifies whole is
//     kept as it is. Nothing is changed before every table has been looked at. An ingested
//     table (written by SstFileWriter) stores its entries at sequence 0 and cannot name its
//     family: the MANIFESTs' record of its ingest gives both, the sequence it reads at (kept
//     as its global sequence) and the family; without one it reads at 0, as the report says.
//  3. Copies the intact data blocks of each damaged table (SalvageTable) into a new table of
//     its family; a table of which nothing can be read is dropped. A damaged table whose
//     properties cannot be read has no known family: in a database that has only ever had
//     the default family it is the default family's, otherwise its entries go to a family
//     of their own, "lost-unknown", rather than into another family's keys.
//  4. Replays every NNNNNN.log, skipping damaged records (kSkipAnyCorruptedRecords) and
//     batches that do not decode, into new tables, each record into its family's.
//  5. All tables go to level 0 of their family, where a lookup takes the first table (newest
//     largest sequence first) holding the key. Tables of one family whose key ranges and
//     sequence ranges both overlap (compaction outputs of different levels, a log whose flush
//     had already been recorded) would break that, so they are merged into one table,
//     identical entries once.
//  6. Moves every file it replaced or left out (damaged tables, merged tables, tables of
//     dropped families, logs, old MANIFESTs) into the subdirectory lost/, never deleting one,
//     and syncs the directory.
//  7. Writes a new MANIFEST of one record: the creation of every family with its tables, the
//     largest family ID ever handed out, the largest sequence seen and log number 0 (every
//     log was replayed), and points CURRENT at it (temp file, rename, directory sync). Until
//     then the old CURRENT stands, so a repair cut short can simply be run again.
// Entries in damaged blocks and records are lost, and logs are salvaged past damage, so the
// result need not be a prefix of the write history; the report says what was lost.
// Thread-safety: runs alone on the directory (it holds the LOCK).
#include <absl/strings/str_format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>
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
#include "src/sstable/table_reader.h"
#include "src/sstable/table_salvage.h"
#include "src/version/version_set.h"
#include "src/wal/log_reader.h"
#include "src/wal/log_writer.h"

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

// Counts a batch's records by column family: the families it writes, known before it is
// applied.
class FamilyCounter final : public WriteBatch::Handler {
 public:
  Status Put(std::string_view, std::string_view) override { return Count(0); }
  Status Delete(std::string_view) override { return Count(0); }
  Status Merge(std::string_view, std::string_view) override { return Count(0); }
  Status DeleteRange(std::string_view, std::string_view) override { return Count(0); }
  Status PutCF(uint32_t cf, std::string_view, std::string_view) override { return Count(cf); }
  Status DeleteCF(uint32_t cf, std::string_view) override { return Count(cf); }
  Status MergeCF(uint32_t cf, std::string_view, std::string_view) override { return Count(cf); }
  Status DeleteRangeCF(uint32_t cf, std::string_view, std::string_view) override {
    return Count(cf);
  }

  std::map<uint32_t, uint64_t> records;  // by column family ID

 private:
  Status Count(uint32_t cf) {
    records[cf]++;
    return Status::OK();
  }
};

// What the MANIFESTs left in the directory tell of the column families, as far as they read.
struct ManifestFamilies {
  std::map<uint32_t, std::string> names;        // of every family a creation record names
  std::map<uint32_t, std::string> comparators;  // the comparator each was created with
  std::set<uint32_t> ttl;                       // families created with a TTL
  std::set<uint32_t> dropped;                   // families a drop record names
  // Of every ingested table a record adds: the sequence its entries read at (they are stored
  // at 0) and the family it went to, which the table itself cannot tell.
  struct Ingested {
    SequenceNumber global_seqno = 0;
    uint32_t cf = 0;
  };
  std::map<uint64_t, Ingested> ingested;  // by file number
  // Of each MANIFEST that read whole: its largest family ID and the families live at its end.
  // An ID up to that maximum that is not live there was dropped, even where no drop record
  // is left (a MANIFEST starts with the live families only).
  std::vector<std::pair<uint32_t, std::set<uint32_t>>> whole;
  uint32_t max_id = 0;

  bool Dropped(uint32_t id) const {
    if (id == 0) return false;
    if (dropped.contains(id)) return true;
    for (const auto& [max, live] : whole) {
      if (id <= max && !live.contains(id)) return true;
    }
    return false;
  }
};

// A table of the repaired database.
struct Table {
  FileMetaData meta;
  uint64_t entries = 0;
  bool original = false;  // in the directory before the repair (archived when replaced)
  uint32_t cf = 0;        // its column family
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
    ReadManifests();
    s = LearnFamilies();
    if (!s.ok()) return s;
    std::vector<uint64_t> damaged;
    for (uint64_t number : table_numbers_) {
      s = InspectTable(number, &damaged);
      if (!s.ok()) return s;
    }
    s = CheckManifestComparators();
    if (!s.ok()) return s;
    next_file_number_ = std::max<uint64_t>(next_file_number_, max_number_ + 1);
    // Damaged tables of no known family wait until the logs have shown every family.
    std::vector<uint64_t> no_family;
    for (size_t i = 0; s.ok() && i < damaged.size(); i++) {
      s = SalvageDamagedTable(damaged[i], &no_family);
    }
    for (size_t i = 0; s.ok() && i < log_numbers_.size(); i++) s = ReplayLog(log_numbers_[i]);
    for (size_t i = 0; s.ok() && i < no_family.size(); i++) {
      s = SalvageDamagedTable(no_family[i], nullptr);
    }
    if (s.ok()) s = MergeOverlapping();
    if (s.ok()) s = fs_->SyncDir(dbname_);
    if (!s.ok()) {
      // Nothing was moved yet: the directory is as it was, apart from these.
      for (uint64_t number : created_) (void)fs_->RemoveFile(TableFileName(dbname_, number));
      return s;
    }
    s = Archive();
    if (s.ok()) s = WriteManifest();
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
          manifests_.emplace_back(number, child);
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
    std::sort(manifests_.begin(), manifests_.end());
    return Status::OK();
  }

  // Reads what every MANIFEST in the directory says of the column families: records that do
  // not read or decode are skipped, and a MANIFEST that cannot be read tells nothing.
  void ReadManifests() {
    for (const auto& [number, name] : manifests_) {
      std::unique_ptr<SequentialFile> file;
      if (!fs_->NewSequentialFile(dbname_ + "/" + name, &file).ok()) continue;
      log::Reader reader(std::move(file), "manifest " + name, number,
                         WALRecoveryMode::kSkipAnyCorruptedRecords);
      bool whole = true;
      std::set<uint32_t> live = {0};
      uint32_t max_id = 0;
      std::string_view record;
      std::string scratch;
      std::vector<VersionEdit> edits;
      while (reader.ReadRecord(&record, &scratch)) {
        if (!VersionEdit::DecodeGroup(record, &edits).ok()) {
          whole = false;
          continue;
        }
        for (const VersionEdit& edit : edits) {
          const uint32_t id = edit.column_family();
          if (edit.column_family_name()) {
            manifest_.names[id] = *edit.column_family_name();
            live.insert(id);
            max_id = std::max(max_id, id);
          }
          if (edit.max_column_family()) max_id = std::max(max_id, *edit.max_column_family());
          if (edit.comparator()) manifest_.comparators[id] = *edit.comparator();
          if (edit.ttl()) manifest_.ttl.insert(id);
          if (edit.is_column_family_drop() && id != 0) {
            manifest_.dropped.insert(id);
            live.erase(id);
          }
          for (const auto& [level, file] : edit.new_files()) {
            if (file.global_seqno != 0) manifest_.ingested[file.number] = {file.global_seqno, id};
          }
        }
      }
      whole = whole && reader.status().ok() && reader.report().damage.ok();
      if (whole) manifest_.whole.emplace_back(max_id, std::move(live));
      manifest_.max_id = std::max(manifest_.max_id, max_id);
    }
  }

  // "'name' (ID n)", or "ID n" when the name is unknown.
  static std::string Describe(uint32_t id, const std::string& name) {
    return name.empty() ? absl::StrFormat("ID %u", id) : absl::StrFormat("'%s' (ID %u)", name, id);
  }

  // `base`, or `base` with a suffix if a family of the repaired database has that name.
  std::string UniqueName(const std::string& base) const {
    std::string name = base;
    for (int n = 2;; n++) {
      bool taken = false;
      for (const auto& [id, used] : families_) taken |= used == name;
      if (!taken) return name;
      name = absl::StrFormat("%s-%d", base, n);
    }
  }

  // Decides the families of the repaired database from the MANIFESTs and the tables'
  // properties (read here, before any table is verified).
  Status LearnFamilies() {
    std::map<uint32_t, std::string> names;
    for (uint64_t number : table_numbers_) {
      TableFile f;
      Status s = OpenTableFile(number, &f);
      if (!s.ok()) return s;
      if (!f.has_props) continue;
      if (f.props.column_family_id > std::numeric_limits<uint32_t>::max()) {
        return Status::InvalidArgument(
            absl::StrFormat("RepairDB: table %s", f.name),
            absl::StrFormat("names column family ID %u, beyond any ID (nothing was changed)",
                            f.props.column_family_id));
      }
      const auto id = static_cast<uint32_t>(f.props.column_family_id);
      names.try_emplace(id, f.props.column_family_name);
      max_id_ = std::max(max_id_, id);
    }
    // The MANIFEST's name of a family wins over its tables'.
    for (const auto& [id, name] : manifest_.names) names[id] = name;
    max_id_ = std::max(max_id_, manifest_.max_id);
    families_[0] = kDefaultColumnFamilyName;
    for (const auto& [id, name] : names) {
      if (id == 0) continue;
      if (manifest_.Dropped(id)) {
        dropped_[id] = name;
      } else {
        families_[id] = name;
      }
    }
    // Names are unique among live families and IDs only grow: of two families of one name,
    // the older was dropped before the newer was created.
    std::map<std::string, uint32_t> by_name = {{kDefaultColumnFamilyName, 0}};
    std::vector<uint32_t> older;
    for (auto it = families_.rbegin(); it != families_.rend(); ++it) {
      const auto [taken, inserted] = by_name.try_emplace(it->second, it->first);
      if (inserted || taken->second == it->first) continue;
      Note(absl::StrFormat(
          "column family ID %u: named '%s' like column family ID %u, so dropped before that "
          "one was created; its files are left out",
          it->first, it->second, taken->second));
      older.push_back(it->first);
    }
    for (uint32_t id : older) {
      dropped_[id] = families_[id];
      families_.erase(id);
    }
    return Status::OK();
  }

  // Fails for a family the MANIFEST says was created with another comparator than
  // options.comparator, whose keys repair would order and record wrongly (even a family with
  // no table: its log records).
  Status CheckManifestComparators() const {
    for (const auto& [id, name] : families_) {
      auto cmp = manifest_.comparators.find(id);
      if (cmp != manifest_.comparators.end() && cmp->second != icmp_.Name()) {
        return Status::InvalidArgument(
            absl::StrFormat("RepairDB: column family '%s'", name),
            absl::StrFormat("was created with comparator %s; RepairDB repairs every column "
                            "family with options.comparator %s (nothing was changed)",
                            cmp->second, icmp_.Name()));
      }
    }
    return Status::OK();
  }

  // Whether the repaired database keeps records of family `cf` found in a log. A family that
  // nothing else names gets a name of its own; one known to be dropped is left out.
  bool KeepLogFamily(uint32_t cf) {
    if (families_.contains(cf)) return true;
    if (dropped_.contains(cf)) return false;
    max_id_ = std::max(max_id_, cf);
    if (manifest_.Dropped(cf)) {
      dropped_[cf] = "";
      return false;
    }
    const std::string name = UniqueName(absl::StrFormat("lost-%u", cf));
    families_[cf] = name;
    Note(
        absl::StrFormat("column family ID %u: named by no table or MANIFEST; its log records "
                        "go to column family '%s'",
                        cf, name));
    return true;
  }

  // The family that receives the entries of damaged tables whose family is unknown.
  uint32_t UnknownFamily() {
    if (!unknown_family_) {
      unknown_family_ = ++max_id_;
      families_[*unknown_family_] = UniqueName("lost-unknown");
      Note(
          absl::StrFormat("column family %s holds the entries of damaged tables whose "
                          "properties, and so their column family, could not be read",
                          Describe(*unknown_family_, families_[*unknown_family_])));
    }
    return *unknown_family_;
  }

  uint64_t NewFileNumber() { return next_file_number_++; }

  Status OpenFile(const std::string& path, std::unique_ptr<RandomAccessFile>* file,
                  uint64_t* size) {
    Status s = fs_->GetFileSize(path, size);
    if (s.ok()) s = fs_->NewRandomAccessFile(path, file);
    return s;
  }

  Status OpenReader(const FileMetaData& meta, std::unique_ptr<TableReader>* reader) {
    const std::string path = TableFileName(dbname_, meta.number);
    std::unique_ptr<RandomAccessFile> file;
    uint64_t size = 0;
    Status s = OpenFile(path, &file, &size);
    if (s.ok()) {
      s = TableReader::Open(topts_, std::string(BaseName(path)), std::move(file), size, nullptr,
                            meta.global_seqno, reader);
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

  // The family of table `number` (f, as opened) and, for an ingested table, the sequence its
  // entries read at: both as the MANIFESTs recorded its ingest. Without such a record an
  // ingested table reads at sequence 0, older than everything (InspectTable says so).
  std::pair<uint32_t, SequenceNumber> FamilyAndGlobalSeqno(uint64_t number,
                                                           const TableFile& f) const {
    // LearnFamilies checked that the ID fits.
    const auto cf = static_cast<uint32_t>(f.has_props ? f.props.column_family_id : 0);
    if (!f.has_props || f.props.external_file_version == 0) return {cf, 0};
    const auto it = manifest_.ingested.find(number);
    if (it == manifest_.ingested.end()) return {cf, 0};
    return {it->second.cf, it->second.global_seqno};
  }

  // Keeps a table that verifies whole; adds any other to *damaged; moves a table of a
  // dropped family aside. Fails only for a table of another comparator or merge operator, or
  // when the file cannot be read at all.
  Status InspectTable(uint64_t number, std::vector<uint64_t>* damaged) {
    TableFile f;
    Status s = OpenTableFile(number, &f);
    if (!s.ok()) return s;
    const std::string& name = f.name;
    const uint64_t size = f.size;
    const auto [cf, global_seqno] = FamilyAndGlobalSeqno(number, f);
    if (f.has_props && f.props.external_file_version != 0 && global_seqno == 0) {
      Note(absl::StrFormat(
          "%s: an ingested table that no MANIFEST left records: its entries read at sequence 0, "
          "older than every other write, in column family %s",
          name, Describe(cf, families_[cf])));
    }
    if (f.has_props && dropped_.contains(cf)) {
      Note(absl::StrFormat("%s: of column family %s, which was dropped; moved to %s/", name,
                           Describe(cf, dropped_[cf]), kLostDirName));
      archive_.push_back(name);
      return Status::OK();
    }
    const std::string family = f.has_props ? families_[cf] : kDefaultColumnFamilyName;
    if (f.has_props && f.props.comparator_name != icmp_.Name()) {
      return Status::InvalidArgument(
          absl::StrFormat("RepairDB: table %s of column family '%s'", name, family),
          absl::StrFormat("was written with comparator %s; RepairDB repairs every column "
                          "family with options.comparator %s (nothing was changed)",
                          f.props.comparator_name, icmp_.Name()));
    }
    if (f.has_props && !f.props.merge_operator_name.empty() &&
        f.props.merge_operator_name != topts_.merge_operator_name) {
      return Status::InvalidArgument(
          absl::StrFormat("RepairDB: table %s of column family '%s'", name, family),
          absl::StrFormat("holds merge operands of merge operator %s; RepairDB repairs every "
                          "column family with options.merge_operator, which must have that "
                          "name (nothing was changed)",
                          f.props.merge_operator_name));
    }
    std::unique_ptr<TableReader> table;
    s = TableReader::Open(topts_, name, std::move(f.file), size, nullptr, global_seqno, &table);
    if (s.ok()) s = table->VerifyChecksums();
    Table t;
    t.original = true;
    t.cf = cf;
    t.meta.number = number;
    t.meta.file_size = size;
    t.meta.global_seqno = global_seqno;
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

  // Writes every entry of `input` and the tombstones to one new table of family `cf`;
  // meta->file_size is 0 when it is empty.
  Status BuildTable(InternalIterator* input, std::vector<RangeTombstone> tombstones, uint32_t cf,
                    FileMetaData* meta) {
    CompactionContext ctx;
    ctx.dbname = dbname_;
    ctx.fs = fs_;
    ctx.table_options = topts_;
    ctx.table_options.column_family_id = cf;
    ctx.table_options.column_family_name = families_.at(cf);
    ctx.icmp = &icmp_;
    // No version and no reader: every version and deletion is kept.
    ctx.new_file_number = [this] { return NewFileNumber(); };
    CompactionJobResult result;
    Status s = RunFlush(input, std::move(tombstones), ctx, &result);
    *meta = result.outputs.empty() ? FileMetaData() : result.outputs[0];
    return s;
  }

  // Writes the entries of `mem` to a new table of family `cf`; nothing for an empty memtable.
  Status WriteTable(MemTable* mem, uint64_t entries, uint32_t cf) {
    FileMetaData meta;
    std::unique_ptr<InternalIterator> it = mem->NewIterator();
    Status s = BuildTable(it.get(), mem->RangeTombstones(), cf, &meta);
    if (s.ok() && meta.file_size > 0) {
      created_.push_back(meta.number);
      tables_.push_back({std::move(meta), entries, false, cf});
    }
    return s;
  }

  // Copies the intact entries of a damaged table to a new table of its family. A table whose
  // properties (and so its family) cannot be read is added to *no_family instead, when that
  // is given.
  Status SalvageDamagedTable(uint64_t number, std::vector<uint64_t>* no_family) {
    TableFile f;
    Status s = OpenTableFile(number, &f);
    if (!s.ok()) return s;
    uint32_t cf = 0;
    SequenceNumber global_seqno = 0;
    if (f.has_props) {
      std::tie(cf, global_seqno) = FamilyAndGlobalSeqno(number, f);
    } else if (no_family != nullptr) {
      no_family->push_back(number);
      return Status::OK();
    } else if (max_id_ > 0) {
      // Only a database that never had another family than the default one can tell.
      cf = UnknownFamily();
    }
    const std::string& name = f.name;
    // The skiplist: it holds a table of any size (a B+-tree's reservation bounds it).
    MemTable* mem = new MemTable(icmp_, MemTableRep::kSkipList);
    mem->Ref();
    SalvageReport salvage;
    s = SalvageTable(
        icmp_.user_comparator(), name, f.file.get(), f.size,
        [mem, global_seqno](std::string_view key, std::string_view value) {
          ParsedInternalKey p;
          if (ParseInternalKey(key, &p)) {
            mem->AddSingleWriter(global_seqno != 0 ? global_seqno : p.sequence, p.type, p.user_key,
                                 value);
          }
        },
        &salvage);
    const Status found = damage_[number];
    if (s.ok() && salvage.entries > 0) s = WriteTable(mem, salvage.entries, cf);
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
    std::map<uint32_t, MemTable*> mems;     // by column family
    std::map<uint32_t, uint64_t> left_out;  // records of dropped families
    auto apply = [&](const WriteBatch& batch) {
      if (batch.Count() == 0) return Status::OK();
      FamilyCounter counter;
      Status s = batch.Iterate(&counter);
      if (!s.ok()) return s;
      MemTableSet set;
      for (const auto& [cf, records] : counter.records) {
        if (!KeepLogFamily(cf)) {
          left_out[cf] += records;
          continue;
        }
        MemTable*& mem = mems[cf];
        if (mem == nullptr) {
          mem = new MemTable(icmp_, MemTableRep::kSkipList);  // holds any batch
          mem->Ref();
        }
        set.Add(cf, mem);
      }
      s = InsertInto(batch, set, /*concurrent=*/false);
      for (const auto& [cf, records] : counter.records) {
        auto it = mems.find(cf);
        if (!s.ok() || it == mems.end() || it->second->BytesInUse() <= options_.write_buffer_size) {
          continue;
        }
        s = WriteTable(it->second, it->second->num_entries(), cf);
        it->second->Unref();
        mems.erase(it);
      }
      return s;
    };
    LogReplayReport replay;
    Status s = lsm::ReplayLog(fs_, dbname_, number, WALRecoveryMode::kSkipAnyCorruptedRecords,
                              apply, &replay);
    for (const auto& [cf, mem] : mems) {
      if (s.ok()) s = WriteTable(mem, mem->num_entries(), cf);
      mem->Unref();
    }
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
    for (const auto& [cf, n] : left_out) {
      Note(absl::StrFormat("%s: %u entries of column family %s, which was dropped, left out", name,
                           n, Describe(cf, dropped_[cf])));
    }
    archive_.push_back(name);
    return Status::OK();
  }

  bool Overlap(const Table& a, const Table& b) const {
    const Comparator* ucmp = icmp_.user_comparator();
    return a.cf == b.cf && a.meta.smallest_seqno <= b.meta.largest_seqno &&
           b.meta.smallest_seqno <= a.meta.largest_seqno &&
           ucmp->Compare(ExtractUserKey(a.meta.smallest), ExtractUserKey(b.meta.largest)) <= 0 &&
           ucmp->Compare(ExtractUserKey(b.meta.smallest), ExtractUserKey(a.meta.largest)) <= 0;
  }

  // Merges every set of tables of one family linked by overlapping key and sequence ranges
  // into one table, until no two tables of a family overlap in both.
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

  // Merges tables of one family into one.
  Status Merge(const std::vector<Table>& inputs, std::vector<Table>* out) {
    std::vector<std::unique_ptr<TableReader>> readers;
    std::vector<std::unique_ptr<InternalIterator>> children;
    std::vector<RangeTombstone> tombstones;
    ReadOptions ro;
    ro.fill_cache = false;
    std::string names;
    for (const Table& t : inputs) {
      std::unique_ptr<TableReader> reader;
      Status s = OpenReader(t.meta, &reader);
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
    t.cf = inputs.front().cf;
    Status s = BuildTable(&merged, std::move(tombstones), t.cf, &t.meta);
    if (!s.ok()) return s;
    created_.push_back(t.meta.number);
    std::unique_ptr<TableReader> reader;
    s = OpenReader(t.meta, &reader);
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
    for (const auto& [number, name] : manifests_) names.push_back(name);
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

  // Writes a MANIFEST of one record that creates every family with its tables, and points
  // CURRENT at it.
  Status WriteManifest() {
    std::map<uint32_t, VersionEdit> edits;
    for (const auto& [id, name] : families_) {
      VersionEdit& edit = edits[id];
      edit.SetColumnFamily(id);
      if (id != 0) edit.AddColumnFamily(name);
      edit.SetComparatorName(icmp_.Name());
      // A TTL family stays one: its values end in their write time.
      if (manifest_.ttl.contains(id)) edit.SetTtl();
      // Every log was replayed into tables and moved into lost/ above. Log number 0 names no
      // log, as for a new database: the next open replays whatever logs it finds (none, or an
      // empty one that an open cut short created) and names its own.
      edit.SetLogNumber(0);
    }
    SequenceNumber last_sequence = 0;
    std::map<uint32_t, uint64_t> tables_of;
    for (const Table& t : tables_) {
      edits[t.cf].AddFile(0, t.meta);
      tables_of[t.cf]++;
      last_sequence = std::max(last_sequence, t.meta.largest_seqno);
      report_->entries += t.entries;
      report_->bytes += t.meta.file_size;
    }
    report_->tables = tables_.size();
    report_->last_sequence = last_sequence;
    if (families_.size() > 1) {
      std::string line = "column families:";
      for (const auto& [id, name] : families_) {
        absl::StrAppendFormat(&line, "%s %s %u tables", id == 0 ? "" : ",", Describe(id, name),
                              tables_of[id]);
      }
      Note(line);
    }
    const uint64_t number = NewFileNumber();
    VersionEdit& first = edits.at(0);  // the default family's, first by ID
    first.SetMaxColumnFamily(max_id_);
    first.SetLastSequence(last_sequence);
    first.SetNextFileNumber(next_file_number_);
    std::vector<VersionEdit*> group;
    for (auto& [id, edit] : edits) group.push_back(&edit);
    std::string record;
    VersionEdit::EncodeGroup(group, &record);

    const std::string path = ManifestFileName(dbname_, number);
    std::unique_ptr<WritableFile> file;
    std::unique_ptr<log::Writer> writer;
    Status s = fs_->NewWritableFile(path, &file);
    if (s.ok()) s = log::Writer::Create(std::move(file), number, &writer);
    if (s.ok()) s = writer->AddRecord(record);
    if (s.ok()) s = writer->Sync();
    if (writer != nullptr) {
      const Status closed = writer->Close();
      if (s.ok()) s = closed;
    }
    if (!s.ok()) {
      (void)fs_->RemoveFile(path);
      return s;
    }
    // On failure CURRENT may name the new MANIFEST already, which therefore stays.
    s = SetCurrentFile(fs_, dbname_, number);
    if (s.ok()) report_->manifest_number = number;
    return s;
  }

  const std::string dbname_;
  const Options options_;
  FileSystem* const fs_;
  const InternalKeyComparator icmp_;
  const TableOptions topts_;
  RepairReport* const report_;

  std::vector<uint64_t> table_numbers_, log_numbers_;
  std::vector<std::pair<uint64_t, std::string>> manifests_;  // number, file name
  uint64_t max_number_ = 0;
  uint64_t next_file_number_ = 2;
  ManifestFamilies manifest_;
  // The families of the repaired database, by ID, and those left out as dropped (their
  // names, empty when unknown).
  std::map<uint32_t, std::string> families_, dropped_;
  // The largest family ID of any family seen, live or dropped: IDs are never reused.
  uint32_t max_id_ = 0;
  std::optional<uint32_t> unknown_family_;
  std::map<uint64_t, Status> damage_;  // why each damaged table failed verification
  std::vector<Table> tables_;          // of the repaired database
  std::vector<uint64_t> created_;      // tables written by this repair
  std::vector<std::string> archive_;   // names of files to move into lost/
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
