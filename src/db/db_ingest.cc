// DBImpl: bulk load, DB::IngestExternalFile (see db_impl.h and include/lsm/sst_file_writer.h).
//
// An ingestion runs in three steps.
// 1. Each file is opened and checked with no lock held and nothing changed (ReadExternalFile):
//    a table of this format written by SstFileWriter, of the family's comparator and merge
//    operator, and (with verify_checksums) read whole: every block's checksum, every entry at
//    sequence 0, user keys strictly increasing. Its key range takes its range tombstones in.
//    The files of one call must not overlap each other.
// 2. Each file is hard-linked (move_files) or copied into the database directory under a new
//    file number, held in pending_outputs_ so that DeleteObsoleteFiles leaves it, and synced;
//    then the directory is synced.
// 3. As an exclusive writer, so that no write group is under way or starts: a memtable of the
//    family that holds keys of the files' ranges is frozen and flushed first (the files are
//    newer than it, and reads search memtables before tables). Then, under mu_, the call takes
//    the next sequence number, gives each file the deepest level where nothing of its range
//    lies above it (PickIngestLevel, against the current version and the running compactions,
//    which register under mu_ before they start), and records all files in one MANIFEST edit
//    with that sequence as their global sequence and as the last sequence. Only then is the
//    sequence made visible: a read or snapshot from before it sees none of the files.
// A failure before that edit is written removes the files of step 2, so the database is as it
// was; after a failed MANIFEST write they stay until a new MANIFEST is known not to name them
// (as for a flush). The originals of move_files are removed once the edit is recorded.
#include <absl/strings/str_format.h>

#include <algorithm>
#include <numeric>

#include "src/base/filename.h"
#include "src/base/range_tombstones.h"
#include "src/db/db_impl.h"
#include "src/io/read_file.h"
#include "src/sstable/table_reader.h"
#include "src/util/escape.h"

namespace lsm {
namespace {

// The internal key `stored` (of an external table: sequence 0) at sequence `seq`.
std::string AtSequence(std::string_view stored, SequenceNumber seq) {
  std::string key(ExtractUserKey(stored));
  const auto type = static_cast<ValueType>(ExtractTag(stored) & 0xff);
  PutFixed64(&key, PackSequenceAndType(seq, type));
  return key;
}

// True if `mem` holds an entry or a range tombstone of a user key in [smallest, largest].
bool MemTableOverlaps(MemTable* mem, const Comparator* ucmp, std::string_view smallest,
                      std::string_view largest) {
  if (mem->num_entries() > 0) {
    std::unique_ptr<InternalIterator> it = mem->NewIterator();
    std::string target(smallest);
    PutFixed64(&target, PackSequenceAndType(kMaxSequenceNumber, kValueTypeForSeek));
    it->Seek(target);
    if (it->Valid() && ucmp->Compare(ExtractUserKey(it->key()), largest) <= 0) return true;
  }
  if (mem->num_range_deletions() > 0) {
    for (const RangeTombstone& t : mem->RangeTombstones()) {
      if (ucmp->Compare(t.begin, largest) <= 0 && ucmp->Compare(t.end, smallest) > 0) return true;
    }
  }
  return false;
}

}  // namespace

// A file given to IngestExternalFile, as checked.
struct DBImpl::ExternalFile {
  std::string path;  // as given
  uint64_t size = 0;
  // The first and last point entries' internal keys, as stored (sequence 0); empty without.
  std::string first_key, last_key;
  // The smallest begin and the largest end of the range tombstones, if any.
  bool has_tombstones = false;
  std::string tombstones_begin, tombstones_end;
  // In the database: its number once linked or copied there (0 before).
  uint64_t number = 0;
  bool linked = false;

  // The table as the MANIFEST records it, its entries at `seq`.
  FileMetaData Meta(const InternalKeyComparator& icmp, SequenceNumber seq) const {
    FileMetaData meta;
    meta.number = number;
    meta.file_size = size;
    if (!first_key.empty()) {
      meta.smallest = AtSequence(first_key, seq);
      meta.largest = AtSequence(last_key, seq);
    }
    if (has_tombstones) {
      WidenRangeOver(icmp, RangeTombstone{tombstones_begin, tombstones_end, seq}, &meta.smallest,
                     &meta.largest);
    }
    meta.smallest_seqno = seq;
    meta.largest_seqno = seq;
    meta.global_seqno = seq;
    return meta;
  }
};

Status DBImpl::ReadExternalFile(const Family& family, const std::string& path, bool verify,
                                ExternalFile* file) {
  file->path = path;
  Status s = fs_->GetFileSize(path, &file->size);
  std::unique_ptr<RandomAccessFile> in;
  if (s.ok()) s = fs_->NewRandomAccessFile(path, &in);
  if (!s.ok()) return s;
  // The family's comparator and merge operator: Open refuses a table of others.
  std::unique_ptr<TableReader> table;
  s = TableReader::Open(TableOptions::FromOptions(family.options), path, std::move(in), file->size,
                        /*cache=*/nullptr, &table);
  if (!s.ok()) return s;
  const TableProperties& props = table->properties();
  if (props.external_file_version == 0) {
    return Status::InvalidArgument(
        path,
        "not an external table: it was not written by SstFileWriter (no property "
        "lsm.external-file-version)");
  }
  if (props.external_file_version != kExternalFileVersion) {
    return Status::NotSupported(
        path, absl::StrFormat("external table version %u; this release reads version %u",
                              props.external_file_version, kExternalFileVersion));
  }
  const Comparator* ucmp = family.icmp->user_comparator();
  ReadOptions ro;
  ro.verify_checksums = true;
  ro.fill_cache = false;
  std::unique_ptr<InternalIterator> it = table->NewIterator(ro);
  // Each entry must be at sequence 0, and a user key have one entry.
  auto check = [&](std::string_view key, uint64_t index, std::string_view previous_user) {
    ParsedInternalKey p;
    if (!ParseInternalKey(key, &p)) {
      return Status::Corruption(path, absl::StrFormat("entry %u: bad internal key", index));
    }
    if (p.sequence != 0) {
      return Status::Corruption(
          path, absl::StrFormat("entry %u ('%s') is at sequence %u; an external table's are at 0",
                                index, Escape(p.user_key), p.sequence));
    }
    if (index > 0 && ucmp->Compare(previous_user, p.user_key) >= 0) {
      return Status::Corruption(
          path, absl::StrFormat("keys out of order: entry %u '%s' after '%s'", index,
                                Escape(p.user_key), Escape(previous_user)));
    }
    return Status::OK();
  };
  if (verify) {
    uint64_t entries = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), entries++) {
      s = check(it->key(), entries,
                entries == 0 ? std::string_view() : ExtractUserKey(file->last_key));
      if (!s.ok()) return s;
      if (entries == 0) file->first_key.assign(it->key());
      file->last_key.assign(it->key());
    }
    if (!it->status().ok()) return it->status();
    if (entries != props.num_entries) {
      return Status::Corruption(
          path, absl::StrFormat("%u entries, its properties say %u", entries, props.num_entries));
    }
  } else if (props.num_entries > 0) {
    it->SeekToFirst();
    if (it->Valid()) {
      s = check(it->key(), 0, "");
      file->first_key.assign(it->key());
    }
    if (s.ok() && it->Valid()) it->SeekToLast();
    if (s.ok() && it->Valid()) {
      s = check(it->key(), props.num_entries > 1 ? 1 : 0, ExtractUserKey(file->first_key));
      file->last_key.assign(it->key());
    }
    if (s.ok() && !it->Valid()) {
      s = it->status().ok() ? Status::Corruption(path, "no entries, its properties say some")
                            : it->status();
    }
    if (!s.ok()) return s;
  }
  if (const RangeTombstoneList* list = table->range_tombstones(); list != nullptr) {
    for (const RangeTombstone& t : list->tombstones()) {
      if (t.seq != 0) {
        return Status::Corruption(
            path,
            absl::StrFormat("range tombstone at sequence %u; an external table's are at 0", t.seq));
      }
      if (!file->has_tombstones || ucmp->Compare(t.begin, file->tombstones_begin) < 0) {
        file->tombstones_begin = t.begin;
      }
      if (!file->has_tombstones || ucmp->Compare(t.end, file->tombstones_end) > 0) {
        file->tombstones_end = t.end;
      }
      file->has_tombstones = true;
    }
  }
  if (file->first_key.empty() && !file->has_tombstones) {
    return Status::InvalidArgument(path, "holds no entries");
  }
  return Status::OK();
}

Status DBImpl::AddExternalFiles(std::vector<ExternalFile>* files, bool move) {
  Status s;
  for (ExternalFile& f : *files) {
    f.number = versions_->NewFileNumber();
    {
      MutexLock l(&mu_);
      pending_outputs_.insert(f.number);
    }
    const std::string to = TableFileName(dbname_, f.number);
    if (move && fs_->LinkFile(f.path, to).ok()) {
      f.linked = true;
      // The link shares the original's bytes, which need not have been synced.
      std::unique_ptr<WritableFile> linked;
      s = fs_->NewAppendableFile(to, &linked);
      if (s.ok()) s = linked->Sync();
      if (linked != nullptr) {
        const Status closed = linked->Close();
        if (s.ok()) s = closed;
      }
    } else {
      s = CopyFile(fs_, f.path, to, f.size);
    }
    if (!s.ok()) return s.WithContext("ingesting " + f.path);
  }
  return fs_->SyncDir(dbname_);
}

void DBImpl::RemoveExternalFiles(const std::vector<ExternalFile>& files, bool remove) {
  if (remove) {
    for (const ExternalFile& f : files) {
      if (f.number != 0) (void)fs_->RemoveFile(TableFileName(dbname_, f.number));
    }
  }
  MutexLock l(&mu_);
  for (const ExternalFile& f : files) {
    if (f.number != 0) pending_outputs_.erase(f.number);
  }
}

Status DBImpl::IngestExternalFile(ColumnFamilyHandle* column_family,
                                  const std::vector<std::string>& paths,
                                  const IngestExternalFileOptions& options) {
  Family* family;
  Status s = FamilyOf(column_family, &family);
  if (!s.ok()) return s;
  if (read_only_) return ReadOnly();
  if (paths.empty()) return Status::InvalidArgument("IngestExternalFile: no files given");
  if (family->options.ttl_seconds > 0) {
    return Status::InvalidArgument(
        absl::StrFormat("IngestExternalFile: column family %s has a TTL", family->name),
        "its values carry their write time, which the files of SstFileWriter lack");
  }
  {
    MutexLock l(&mu_);
    if (!bg_error_.ok()) return bg_error_.WithContext("ingest: the database is in error");
  }

  // 1. Check every file; nothing has changed yet.
  std::vector<ExternalFile> files(paths.size());
  for (size_t i = 0; i < paths.size(); i++) {
    s = ReadExternalFile(*family, paths[i], options.verify_checksums, &files[i]);
    if (!s.ok()) return s;
  }
  const InternalKeyComparator& icmp = *family->icmp;
  {
    // At any one sequence (they share one), in key order, each must end before the next.
    std::vector<FileMetaData> metas;
    for (const ExternalFile& f : files) metas.push_back(f.Meta(icmp, 1));
    std::vector<size_t> order(files.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return icmp.Compare(metas[a].smallest, metas[b].smallest) < 0;
    });
    for (size_t i = 1; i < order.size(); i++) {
      const size_t a = order[i - 1], b = order[i];
      if (icmp.Compare(metas[a].largest, metas[b].smallest) >= 0) {
        return Status::InvalidArgument(
            absl::StrFormat("IngestExternalFile: %s and %s overlap", files[a].path, files[b].path),
            "the files of one call must hold disjoint key ranges");
      }
    }
  }

  // 2. Into the database directory, under new numbers.
  s = AddExternalFiles(&files, options.move_files);
  if (!s.ok()) {
    RemoveExternalFiles(files, /*remove=*/true);
    return s;
  }

  // 3. One edit at one new sequence, with no write under way.
  bool logged = false;  // the edit reached LogAndApply: the MANIFEST may name the files
  SequenceNumber seq = 0;
  std::vector<int> levels;
  s = RunExclusive([&] {
    mu_.AssertHeld();
    if (!bg_error_.ok()) return bg_error_.WithContext("ingest: the database is in error");
    if (family->dropped.load()) return Dropped(*family);
    const Comparator* ucmp = icmp.user_comparator();
    bool overlap = false;
    for (const ExternalFile& f : files) {
      const FileMetaData meta = f.Meta(icmp, 1);
      const std::string_view smallest = ExtractUserKey(meta.smallest);
      const std::string_view largest = ExtractUserKey(meta.largest);
      overlap = overlap || MemTableOverlaps(family->mem, ucmp, smallest, largest);
      for (const Immutable& imm : family->imms) {
        overlap = overlap || MemTableOverlaps(imm.mem, ucmp, smallest, largest);
      }
    }
    if (overlap) {
      if (!options.allow_blocking_flush) {
        return Status::InvalidArgument(
            "IngestExternalFile: a memtable holds keys in the files' ranges and "
            "allow_blocking_flush is false");
      }
      Status flushed = MakeRoomForWrite({family});
      if (flushed.ok()) flushed = WaitForFlush(family);
      if (!flushed.ok()) return flushed.WithContext("ingest: flushing the memtable");
      if (family->dropped.load()) return Dropped(*family);
    }
    seq = last_sequence_ + 1;
    std::shared_ptr<const Version> current = versions_->current(family->id);
    if (current == nullptr) return Dropped(*family);
    VersionEdit edit;
    edit.SetColumnFamily(family->id);
    edit.SetLastSequence(seq);
    for (const ExternalFile& f : files) {
      FileMetaData meta = f.Meta(icmp, seq);
      meta.newest_write_time = NowSeconds();
      const int level =
          PickIngestLevel(*current, icmp, family->options, family->running,
                          ExtractUserKey(meta.smallest), ExtractUserKey(meta.largest));
      levels.push_back(level);
      edit.AddFile(level, std::move(meta));
    }
    current.reset();
    logged = true;
    Status applied = LogAndApply(&edit);
    if (!applied.ok()) return applied;
    // The files are in the current version: their sequence may become visible.
    last_sequence_ = seq;
    visible_sequence_.store(seq, std::memory_order_release);
    compaction_work_cv_.SignalAll();
    return Status::OK();
  });
  RemoveExternalFiles(files, /*remove=*/!s.ok() && !logged);
  const std::string family_note =
      family->id == 0 ? "" : absl::StrFormat("column family %s: ", family->name);
  if (!s.ok()) {
    info_log_.Warn("ingest failed: %s%u files: %s", family_note, files.size(), s.ToString());
    return s;
  }
  std::string tables;
  uint64_t bytes = 0;
  for (size_t i = 0; i < files.size(); i++) {
    absl::StrAppendFormat(&tables, "%s%06u (L%d, %s)", i == 0 ? "" : ", ", files[i].number,
                          levels[i], files[i].linked ? "linked" : "copied");
    bytes += files[i].size;
    if (options.move_files) {
      if (Status removed = fs_->RemoveFile(files[i].path); !removed.ok()) {
        info_log_.Warn("ingest: %s stays: %s", files[i].path, removed.ToString());
      }
    }
  }
  info_log_.Info("ingest: %stables %s, %u bytes, global sequence %u", family_note, tables, bytes,
                 seq);
  return Status::OK();
}

}  // namespace lsm
