#include "src/sstable/table_reader.h"

#include <absl/strings/str_format.h>

#include <algorithm>

#include "src/sstable/table_iterator.h"

namespace lsm {

TableReader::TableReader(const TableOptions& options, std::string file_name,
                         std::unique_ptr<RandomAccessFile> file, uint64_t file_size,
                         BlockCache* cache)
    : options_(options),
      icmp_(options.comparator),
      order_(&icmp_),
      file_name_(std::move(file_name)),
      file_(std::move(file)),
      file_size_(file_size),
      cache_(cache) {
  if (cache_ != nullptr) {
    cache_id_ = cache_->NewId();
    meta_cache_id_ = cache_->NewId();
  }
}

TableReader::~TableReader() {
  if (cache_ != nullptr) {
    cache_->Erase({meta_cache_id_, index_handle_.offset});
    if (filter_ != nullptr) cache_->Erase({meta_cache_id_, filter_handle_.offset});
  }
}

namespace {

Status ReadBlockAt(const RandomAccessFile* file, std::string_view file_name,
                   const BlockHandle& handle, std::shared_ptr<const Block>* block) {
  std::string contents;
  Status s = ReadBlock(file, file_name, handle, /*verify_checksum=*/true, &contents);
  if (s.ok())
    s = WithTableContext(Block::Create(std::move(contents), handle.offset, block), file_name);
  return s;
}

// The meta blocks the metaindex names, each checked to lie before the footer.
struct MetaHandles {
  BlockHandle properties;
  BlockHandle filter;
  bool has_filter = false;
};

Status ReadMetaHandles(const RandomAccessFile* file, std::string_view file_name, uint64_t file_size,
                       const Footer& footer, MetaHandles* handles) {
  const uint64_t meta_end = file_size - Footer::kEncodedLength;
  std::shared_ptr<const Block> metaindex;
  Status s = ReadBlockAt(file, file_name, footer.metaindex_handle, &metaindex);
  if (!s.ok()) return s;
  bool has_properties = false;
  BlockIter it(metaindex.get(), KeyOrder(BytewiseComparator()));
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    BlockHandle* target = it.key() == kPropertiesBlockName ? &handles->properties
                          : it.key() == kFilterBlockName   ? &handles->filter
                                                           : nullptr;
    if (target == nullptr) continue;
    std::string_view v = it.value();
    if (!target->DecodeFrom(&v) || !v.empty()) {
      return BlockCorruption(file_name, footer.metaindex_handle.offset,
                             absl::StrFormat("malformed handle of %s", it.key()));
    }
    s = CheckHandle(*target, meta_end, file_name);
    if (!s.ok()) return s;
    (target == &handles->properties ? has_properties : handles->has_filter) = true;
  }
  if (!it.status().ok()) return WithTableContext(it.status(), file_name);
  if (!has_properties) {
    return BlockCorruption(file_name, footer.metaindex_handle.offset, "no properties block");
  }
  return Status::OK();
}

Status ReadPropertiesAt(const RandomAccessFile* file, std::string_view file_name,
                        const BlockHandle& handle, TableProperties* properties) {
  std::shared_ptr<const Block> block;
  Status s = ReadBlockAt(file, file_name, handle, &block);
  if (s.ok()) s = WithTableContext(properties->DecodeFrom(*block), file_name);
  return s;
}

}  // namespace

Status TableReader::Open(const TableOptions& options, std::string file_name,
                         std::unique_ptr<RandomAccessFile> file, uint64_t file_size,
                         BlockCache* cache, std::unique_ptr<TableReader>* reader) {
  reader->reset();
  Footer footer;
  Status s = Footer::ReadFrom(file.get(), file_size, file_name, &footer);
  if (!s.ok()) return s;
  std::unique_ptr<TableReader> table(
      new TableReader(options, std::move(file_name), std::move(file), file_size, cache));
  s = table->ReadMeta(footer);
  if (s.ok()) *reader = std::move(table);
  return s;
}

Status TableReader::ReadProperties(const RandomAccessFile* file, std::string_view file_name,
                                   uint64_t file_size, TableProperties* properties) {
  Footer footer;
  MetaHandles handles;
  Status s = Footer::ReadFrom(file, file_size, file_name, &footer);
  if (s.ok()) s = ReadMetaHandles(file, file_name, file_size, footer, &handles);
  if (s.ok()) s = ReadPropertiesAt(file, file_name, handles.properties, properties);
  return s;
}

Status TableReader::ReadBlockAt(const BlockHandle& handle,
                                std::shared_ptr<const Block>* block) const {
  return lsm::ReadBlockAt(file_.get(), file_name_, handle, block);
}

Status TableReader::ReadMeta(const Footer& footer) {
  MetaHandles handles;
  Status s = ReadMetaHandles(file_.get(), file_name_, file_size_, footer, &handles);
  if (s.ok()) s = ReadPropertiesAt(file_.get(), file_name_, handles.properties, &properties_);
  if (!s.ok()) return s;
  if (properties_.comparator_name != options_.comparator->Name()) {
    return Status::InvalidArgument(
        absl::StrFormat("table %s", file_name_),
        absl::StrFormat("written with comparator %s, opened with %s", properties_.comparator_name,
                        options_.comparator->Name()));
  }

  filter_handle_ = handles.filter;
  data_end_ = std::min(
      {handles.properties.offset, footer.metaindex_handle.offset, footer.index_handle.offset});
  if (handles.has_filter) {
    data_end_ = std::min(data_end_, filter_handle_.offset);
    std::string contents;
    s = ReadBlock(file_.get(), file_name_, filter_handle_, /*verify_checksum=*/true, &contents);
    if (!s.ok()) return s;
    std::unique_ptr<BloomFilter> filter;
    s = BloomFilter::Create(contents, &filter);
    if (!s.ok()) return BlockCorruption(file_name_, filter_handle_.offset, s.message());
    filter_ = std::move(filter);
  }
  index_handle_ = footer.index_handle;
  s = ReadBlockAt(index_handle_, &index_block_);
  if (!s.ok()) return s;
  if (cache_ != nullptr) {
    cache_->Insert({meta_cache_id_, index_handle_.offset}, index_block_,
                   index_block_->ApproximateMemoryUsage(), BlockCache::Priority::kHigh);
    if (filter_ != nullptr) {
      cache_->Insert({meta_cache_id_, filter_handle_.offset}, filter_,
                     filter_->ApproximateMemoryUsage(), BlockCache::Priority::kHigh);
    }
  }
  return Status::OK();
}

Status TableReader::DecodeDataHandle(std::string_view value, BlockHandle* handle) const {
  const std::string_view encoding = value;
  if (!handle->DecodeFrom(&value) || !value.empty()) {
    return BlockCorruption(
        file_name_, index_handle_.offset,
        absl::StrFormat("malformed data block handle (%u bytes)", encoding.size()));
  }
  return CheckHandle(*handle, data_end_, file_name_);
}

Status TableReader::GetDataBlock(const ReadOptions& options, const BlockHandle& handle,
                                 std::shared_ptr<const Block>* block) const {
  if (cache_ != nullptr) {
    std::shared_ptr<const void> hit = cache_->Lookup({cache_id_, handle.offset});
    if (hit != nullptr) {
      *block = std::static_pointer_cast<const Block>(std::move(hit));
      return Status::OK();
    }
  }
  std::string contents;
  Status s = ReadBlock(file_.get(), file_name_, handle, options.verify_checksums, &contents);
  if (s.ok()) {
    s = WithTableContext(Block::Create(std::move(contents), handle.offset, block), file_name_);
  }
  if (s.ok() && cache_ != nullptr && options.fill_cache) {
    cache_->Insert({cache_id_, handle.offset}, *block, (*block)->ApproximateMemoryUsage(),
                   BlockCache::Priority::kLow);
  }
  return s;
}

bool TableReader::SameUserKey(std::string_view a, std::string_view b) const {
  return order_.kind == KeyOrder::Kind::kInternalBytewise ? a == b
                                                          : order_.user->Compare(a, b) == 0;
}

Status TableReader::Get(const ReadOptions& options, std::string_view internal_key, GetState* state,
                        std::string* value) const {
  *state = GetState::kNotFound;
  if (internal_key.size() < kInternalKeyTagSize) {
    return Status::InvalidArgument("table lookup key is not an internal key");
  }
  const std::string_view user_key = ExtractUserKey(internal_key);
  if (!KeyMayMatch(user_key)) return Status::OK();

  BlockIter index(index_block_.get(), order_);
  BlockIter data;
  std::shared_ptr<const Block> block;
  for (index.Seek(internal_key); index.Valid(); index.Next()) {
    BlockHandle handle;
    Status s = DecodeDataHandle(index.value(), &handle);
    if (s.ok()) s = GetDataBlock(options, handle, &block);
    if (!s.ok()) return s;
    data.Init(block.get(), order_);
    data.Seek(internal_key);
    if (data.Valid()) {
      ParsedInternalKey found;
      if (!ParseInternalKey(data.key(), &found)) {
        return BlockCorruption(file_name_, handle.offset, "bad internal key");
      }
      if (SameUserKey(found.user_key, user_key)) {
        if (found.type == ValueType::kValue) {
          *state = GetState::kFound;
          value->assign(data.value());
        } else {
          *state = GetState::kDeleted;
        }
      }
      return Status::OK();
    }
    if (!data.status().ok()) return WithTableContext(data.status(), file_name_);
  }
  return WithTableContext(index.status(), file_name_);
}

std::unique_ptr<InternalIterator> TableReader::NewIterator(
    const ReadOptions& options, std::shared_ptr<const TableReader> keep_alive) const {
  return std::make_unique<TableIterator>(this, options, std::move(keep_alive));
}

uint64_t TableReader::ApproximateOffsetOf(std::string_view internal_key) const {
  BlockIter index(index_block_.get(), order_);
  index.Seek(internal_key);
  BlockHandle handle;
  if (index.Valid() && DecodeDataHandle(index.value(), &handle).ok()) return handle.offset;
  return data_end_;
}

Status TableReader::VerifyChecksums(bool check_key_order) const {
  BlockIter index(index_block_.get(), order_);
  BlockIter data;
  std::string prev_key;
  uint64_t entries = 0;
  for (index.SeekToFirst(); index.Valid(); index.Next()) {
    BlockHandle handle;
    std::shared_ptr<const Block> block;
    Status s = DecodeDataHandle(index.value(), &handle);
    if (s.ok()) s = ReadBlockAt(handle, &block);
    if (!s.ok()) return s;
    data.Init(block.get(), order_);
    for (data.SeekToFirst(); data.Valid(); data.Next()) {
      if (check_key_order && ((entries > 0 && order_.Compare(prev_key, data.key()) >= 0) ||
                              order_.Compare(data.key(), index.key()) > 0)) {
        return BlockCorruption(file_name_, handle.offset, "keys out of order");
      }
      prev_key.assign(data.key());
      entries++;
    }
    if (!data.status().ok()) return WithTableContext(data.status(), file_name_);
  }
  if (!index.status().ok()) return WithTableContext(index.status(), file_name_);
  if (entries != properties_.num_entries) {
    return Status::Corruption(
        absl::StrFormat("table %s", file_name_),
        absl::StrFormat("%u entries, properties say %u", entries, properties_.num_entries));
  }
  return Status::OK();
}

size_t TableReader::ApproximateMemoryUsage() const {
  return sizeof(TableReader) + index_block_->ApproximateMemoryUsage() +
         (filter_ != nullptr ? filter_->ApproximateMemoryUsage() : 0);
}

}  // namespace lsm
