#include "src/sstable/table_cache.h"

#include "src/base/filename.h"
#include "src/base/merging_iterator.h"
#include "src/util/invariant.h"

namespace lsm {
TableCache::TableCache(std::string dir, const TableOptions& options, std::shared_ptr<FileSystem> fs,
                       BlockCache* block_cache, int max_open_files)
    : dir_(std::move(dir)),
      options_(options),
      fs_(fs != nullptr ? std::move(fs) : FileSystem::Default()),
      block_cache_(block_cache),
      capacity_(static_cast<size_t>(max_open_files)) {
  LSM_INVARIANT(max_open_files >= 1);
}

TableCache::~TableCache() = default;

Status TableCache::OpenTable(uint64_t file_number, uint64_t file_size, SequenceNumber global_seqno,
                             std::shared_ptr<const TableReader>* reader) {
  const std::string path = TableFileName(dir_, file_number);
  std::unique_ptr<RandomAccessFile> file;
  Status s = options_.use_direct_reads ? fs_->NewDirectRandomAccessFile(path, &file)
             : options_.mmap_reads     ? fs_->NewRandomAccessFile(path, &file)
                                       : fs_->NewUnmappedRandomAccessFile(path, &file);
  if (!s.ok()) return s;
  std::unique_ptr<TableReader> table;
  s = TableReader::Open(options_, std::string(BaseName(path)), std::move(file), file_size,
                        block_cache_, global_seqno, &table);
  if (s.ok()) *reader = std::move(table);
  return s;
}

Status TableCache::FindTable(uint64_t file_number, uint64_t file_size, SequenceNumber global_seqno,
                             std::shared_ptr<const TableReader>* reader) {
  {
    MutexLock l(&mu_);
    auto it = index_.find(file_number);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      *reader = it->second->reader;
      return Status::OK();
    }
  }
  std::shared_ptr<const TableReader> opened;
  Status s = OpenTable(file_number, file_size, global_seqno, &opened);
  if (!s.ok()) return s;

  std::shared_ptr<const TableReader> evicted;  // closed outside the lock
  MutexLock l(&mu_);
  auto it = index_.find(file_number);
  if (it != index_.end()) {  // another thread opened it meanwhile
    lru_.splice(lru_.begin(), lru_, it->second);
    *reader = it->second->reader;
    return Status::OK();
  }
  lru_.push_front(Entry{file_number, opened});
  index_[file_number] = lru_.begin();
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().file_number);
    evicted = std::move(lru_.back().reader);
    lru_.pop_back();
  }
  *reader = std::move(opened);
  return Status::OK();
}

Status TableCache::Get(const ReadOptions& options, uint64_t file_number, uint64_t file_size,
                       SequenceNumber global_seqno, const LookupKey& key, GetContext* ctx) {
  std::shared_ptr<const TableReader> reader;
  Status s = FindTable(file_number, file_size, global_seqno, &reader);
  if (!s.ok()) return s;
  return reader->Get(options, key.internal_key(), ctx);
}

Status TableCache::AppendRangeTombstones(uint64_t file_number, uint64_t file_size,
                                         SequenceNumber global_seqno,
                                         std::vector<RangeTombstone>* tombstones) {
  std::shared_ptr<const TableReader> reader;
  Status s = FindTable(file_number, file_size, global_seqno, &reader);
  if (s.ok() && reader->range_tombstones() != nullptr) {
    const std::vector<RangeTombstone>& in_table = reader->range_tombstones()->tombstones();
    tombstones->insert(tombstones->end(), in_table.begin(), in_table.end());
  }
  return s;
}

std::unique_ptr<InternalIterator> TableCache::NewIterator(const ReadOptions& options,
                                                          uint64_t file_number, uint64_t file_size,
                                                          SequenceNumber global_seqno) {
  std::shared_ptr<const TableReader> reader;
  Status s = FindTable(file_number, file_size, global_seqno, &reader);
  if (!s.ok()) return NewEmptyIterator(std::move(s));
  const TableReader* table = reader.get();
  return table->NewIterator(options, std::move(reader));
}

void TableCache::Evict(uint64_t file_number) {
  std::shared_ptr<const TableReader> evicted;
  MutexLock l(&mu_);
  auto it = index_.find(file_number);
  if (it == index_.end()) return;
  evicted = std::move(it->second->reader);
  lru_.erase(it->second);
  index_.erase(it);
}

size_t TableCache::size() const {
  MutexLock l(&mu_);
  return lru_.size();
}

}  // namespace lsm
