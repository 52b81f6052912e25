#include "src/sstable/table_reader.h"

#include <absl/strings/str_format.h>

#include <algorithm>
#include <vector>

#include "src/sstable/table_iterator.h"

namespace lsm {

TableReader::TableReader(const TableOptions& options, std::string file_name,
                         std::unique_ptr<RandomAccessFile> file, uint64_t file_size,
                         BlockCache* cache, SequenceNumber global_seqno)
    : options_(options),
      icmp_(options.comparator),
      order_(&icmp_),
      file_name_(std::move(file_name)),
      file_(std::move(file)),
      file_size_(file_size),
      global_seqno_(global_seqno),
      cache_(cache) {
  if (cache_ != nullptr) {
    cache_id_ = cache_->NewId();
    meta_cache_id_ = cache_->NewId();
  }
}

TableReader::~TableReader() {
  if (cache_ != nullptr) {
    cache_->Erase({meta_cache_id_, layout_.footer.index_handle.offset});
    if (filter_ != nullptr) cache_->Erase({meta_cache_id_, filter_handle_.offset});
  }
}

namespace {

Status ReadPropertiesAt(const RandomAccessFile* file, std::string_view file_name,
                        const BlockHandle& handle, TableProperties* properties) {
  std::shared_ptr<const Block> block;
  Status s = ReadBlockAt(file, file_name, handle, &block);
  if (s.ok()) s = WithTableContext(properties->DecodeFrom(*block), file_name);
  return s;
}

// The footer and the metaindex, which every reader of a table needs whole.
Status ReadLayout(const RandomAccessFile* file, std::string_view file_name, uint64_t file_size,
                  TableLayout* layout) {
  Status s = TableLayout::Read(file, file_name, file_size, layout);
  return s.ok() ? layout->metaindex_status : s;
}

// The properties block is required; NotFound from FindMetaBlock is damage here.
Status FindProperties(const TableLayout& layout, BlockHandle* handle) {
  Status s = layout.FindMetaBlock(kPropertiesBlockName, handle);
  if (s.IsNotFound()) {
    return BlockCorruption(layout.file_name, layout.footer.metaindex_handle.offset,
                           "no properties block");
  }
  return s;
}

}  // namespace

Status TableReader::Open(const TableOptions& options, std::string file_name,
                         std::unique_ptr<RandomAccessFile> file, uint64_t file_size,
                         BlockCache* cache, SequenceNumber global_seqno,
                         std::unique_ptr<TableReader>* reader) {
  reader->reset();
  TableLayout layout;
  Status s = ReadLayout(file.get(), file_name, file_size, &layout);
  if (!s.ok()) return s;
  std::unique_ptr<TableReader> table(new TableReader(options, std::move(file_name), std::move(file),
                                                     file_size, cache, global_seqno));
  s = table->ReadMeta(layout);
  if (s.ok()) *reader = std::move(table);
  return s;
}

Status TableReader::ReadProperties(const RandomAccessFile* file, std::string_view file_name,
                                   uint64_t file_size, TableProperties* properties) {
  TableLayout layout;
  BlockHandle handle;
  Status s = ReadLayout(file, file_name, file_size, &layout);
  if (s.ok()) s = FindProperties(layout, &handle);
  if (s.ok()) s = ReadPropertiesAt(file, file_name, handle, properties);
  return s;
}

Status TableReader::ReadBlockAt(const BlockHandle& handle, std::shared_ptr<const Block>* block,
                                bool packed_tags) const {
  return lsm::ReadBlockAt(file_.get(), file_name_, handle, block, packed_tags);
}

Status TableReader::ReadRangeTombstones(const BlockHandle& handle) {
  std::shared_ptr<const Block> block;
  Status s = ReadBlockAt(handle, &block);
  if (!s.ok()) return s;
  std::vector<RangeTombstone> tombstones;
  BlockIter it(block.get(), order_);
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    const std::string_view key = it.key();
    if (key.size() < kInternalKeyTagSize ||
        (ExtractTag(key) & 0xff) != static_cast<uint8_t>(ValueType::kRangeDeletion)) {
      return BlockCorruption(file_name_, handle.offset, "bad range tombstone");
    }
    tombstones.push_back({std::string(ExtractUserKey(key)), std::string(it.value()),
                          global_seqno_ != 0 ? global_seqno_ : ExtractTag(key) >> 8});
  }
  if (!it.status().ok()) return WithTableContext(it.status(), file_name_);
  range_tombstones_ =
      std::make_shared<const RangeTombstoneList>(options_.comparator, std::move(tombstones));
  return Status::OK();
}

Status TableReader::ReadMeta(const TableLayout& layout) {
  BlockHandle properties;
  Status s = FindProperties(layout, &properties);
  if (s.ok()) s = ReadPropertiesAt(file_.get(), file_name_, properties, &properties_);
  if (!s.ok()) return s;
  if (properties_.comparator_name != options_.comparator->Name()) {
    return Status::InvalidArgument(
        absl::StrFormat("table %s", file_name_),
        absl::StrFormat("written with comparator %s, opened with %s", properties_.comparator_name,
                        options_.comparator->Name()));
  }
  if (!properties_.merge_operator_name.empty() &&
      properties_.merge_operator_name != options_.merge_operator_name) {
    return Status::InvalidArgument(
        absl::StrFormat("table %s", file_name_),
        absl::StrFormat(
            "holds merge operands of merge operator %s, opened with %s",
            properties_.merge_operator_name,
            options_.merge_operator_name.empty() ? "none" : options_.merge_operator_name));
  }

  s = layout.FindMetaBlock(kFilterBlockName, &filter_handle_);
  const bool has_filter = s.ok();
  if (!s.ok() && !s.IsNotFound()) return s;
  if (has_filter) {
    std::string contents;
    s = ReadBlock(file_.get(), file_name_, filter_handle_, /*verify_checksum=*/true, &contents);
    if (!s.ok()) return s;
    std::unique_ptr<BloomFilter> filter;
    s = BloomFilter::Create(contents, &filter);
    if (!s.ok()) return BlockCorruption(file_name_, filter_handle_.offset, s.message());
    filter_ = std::move(filter);
    prefix_filtered_ = options_.prefix_extractor != nullptr &&
                       !properties_.prefix_extractor_name.empty() &&
                       properties_.prefix_extractor_name == options_.prefix_extractor->Name();
  }
  BlockHandle range_handle;
  s = layout.FindMetaBlock(kRangeDeletionBlockName, &range_handle);
  if (s.ok()) {
    s = ReadRangeTombstones(range_handle);
  } else if (s.IsNotFound()) {
    s = Status::OK();
  }
  if (!s.ok()) return s;
  s = layout.ReadIndex(file_.get(), &index_block_);
  if (!s.ok()) return s;
  layout_ = layout;
  if (cache_ != nullptr) {
    cache_->Insert({meta_cache_id_, layout_.footer.index_handle.offset}, index_block_,
                   index_block_->ApproximateMemoryUsage(), BlockCache::Priority::kPinned);
    if (filter_ != nullptr) {
      cache_->Insert({meta_cache_id_, filter_handle_.offset}, filter_,
                     filter_->ApproximateMemoryUsage(), BlockCache::Priority::kPinned);
    }
  }
  return Status::OK();
}

Status TableReader::DecodeDataHandle(std::string_view value, BlockHandle* handle) const {
  return layout_.DecodeDataHandle(value, handle);
}

Status TableReader::GetDataBlock(const ReadOptions& options, const BlockHandle& handle,
                                 std::shared_ptr<const Block>* block,
                                 BlockReadahead* readahead) const {
  if (cache_ != nullptr) {
    std::shared_ptr<const void> hit = cache_->Lookup({cache_id_, handle.offset});
    if (hit != nullptr) {
      *block = std::static_pointer_cast<const Block>(std::move(hit));
      return Status::OK();
    }
  }
  BlockReadBuffer buf;
  const size_t n = static_cast<size_t>(handle.size) + kBlockTrailerSize;
  char* const scratch = buf.Get(n);
  std::string_view data;
  Status s = readahead != nullptr ? readahead->Read(file_.get(), handle.offset, n, &data, scratch)
                                  : file_->Read(handle.offset, n, &data, scratch);
  if (!s.ok()) return WithTableContext(s, file_name_);
  const bool in_place = readahead != nullptr ? readahead->in_place() : data.data() != scratch;
  std::string_view stored;
  uint8_t codec = 0;
  s = CheckStoredBlock(file_name_, handle, data, options.verify_checksums, &stored, &codec);
  if (!s.ok()) return s;
  if (codec == static_cast<uint8_t>(CompressionType::kNone) && in_place) {
    return WithTableContext(
        Block::CreateView(stored, file_, handle.offset, block, layout_.packed_tags()), file_name_);
  }
  return DecodeBlock(options, handle, stored, codec, block);
}

Status TableReader::DecodeBlock(const ReadOptions& options, const BlockHandle& handle,
                                std::string_view stored, uint8_t codec,
                                std::shared_ptr<const Block>* block) const {
  std::string contents;
  Status s = DecodeStoredBlock(file_name_, handle, stored, codec, &contents);
  if (s.ok()) {
    s = WithTableContext(
        Block::Create(std::move(contents), handle.offset, block, layout_.packed_tags()),
        file_name_);
  }
  if (s.ok() && cache_ != nullptr && options.fill_cache) {
    cache_->Insert({cache_id_, handle.offset}, *block, (*block)->ApproximateMemoryUsage(),
                   BlockCache::Priority::kLow);
  }
  return s;
}

void TableReader::PlanPrefetch(const std::vector<std::string_view>& internal_keys,
                               std::vector<bool>* may_match,
                               std::vector<BlockHandle>* handles) const {
  may_match->assign(internal_keys.size(), false);
  handles->clear();
  BlockIter index(index_block_.get(), order_);
  for (size_t i = 0; i < internal_keys.size(); i++) {
    const std::string_view ikey = internal_keys[i];
    if (ikey.size() < kInternalKeyTagSize || !KeyMayMatch(ExtractUserKey(ikey))) continue;
    (*may_match)[i] = true;
    index.Seek(ikey);
    BlockHandle handle;
    if (!index.Valid() || !DecodeDataHandle(index.value(), &handle).ok()) continue;
    if (cache_ != nullptr && cache_->Lookup({cache_id_, handle.offset}) != nullptr) continue;
    handles->push_back(handle);
  }
  std::sort(handles->begin(), handles->end(),
            [](const BlockHandle& a, const BlockHandle& b) { return a.offset < b.offset; });
  handles->erase(
      std::unique(handles->begin(), handles->end(),
                  [](const BlockHandle& a, const BlockHandle& b) { return a.offset == b.offset; }),
      handles->end());
}

void TableReader::FinishPrefetch(const ReadOptions& options, const BlockHandle* handles,
                                 const FileReadRequest* reads, size_t count) const {
  if (cache_ == nullptr || !options.fill_cache) return;
  for (size_t i = 0; i < count; i++) {
    const ReadRequest& r = reads[i].read;
    if (!r.status.ok() || r.result.data() != r.scratch) continue;
    std::string_view stored;
    uint8_t codec = 0;
    std::shared_ptr<const Block> block;
    if (CheckStoredBlock(file_name_, handles[i], r.result, options.verify_checksums, &stored,
                         &codec)
            .ok()) {
      (void)DecodeBlock(options, handles[i], stored, codec, &block);
    }
  }
}

bool TableReader::SameUserKey(std::string_view a, std::string_view b) const {
  return order_.kind == KeyOrder::Kind::kInternalBytewise ? a == b
                                                          : order_.user->Compare(a, b) == 0;
}

Status TableReader::Get(const ReadOptions& options, std::string_view internal_key,
                        GetContext* ctx) const {
  if (internal_key.size() < kInternalKeyTagSize) {
    return Status::InvalidArgument("table lookup key is not an internal key");
  }
  const std::string_view user_key = ExtractUserKey(internal_key);
  if (!KeyMayMatch(user_key)) return Status::OK();
  // Every entry of a table with a global sequence is at that sequence: none is visible below
  // it. At or above it, the seek finds the key's one entry, stored at sequence 0.
  if (global_seqno_ != 0 && (ExtractTag(internal_key) >> 8) < global_seqno_) return Status::OK();

  // The key's entries may go on into the blocks after the first.
  BlockIter index(index_block_.get(), order_);
  BlockIter data;
  std::shared_ptr<const Block> block;
  for (index.Seek(internal_key); index.Valid(); index.Next()) {
    BlockHandle handle;
    Status s = DecodeDataHandle(index.value(), &handle);
    if (s.ok()) s = GetDataBlock(options, handle, &block);
    if (!s.ok()) return s;
    data.Init(block.get(), order_);
    for (data.Seek(internal_key); data.Valid(); data.Next()) {
      ParsedInternalKey found;
      if (!ParseInternalKey(data.key(), &found)) {
        return BlockCorruption(file_name_, handle.offset, "bad internal key");
      }
      if (!SameUserKey(found.user_key, user_key) ||
          ctx->Take(found.type, global_seqno_ != 0 ? global_seqno_ : found.sequence,
                    data.value())) {
        return Status::OK();
      }
    }
    if (!data.status().ok()) return WithTableContext(data.status(), file_name_);
  }
  return WithTableContext(index.status(), file_name_);
}

Status TableReader::Get(const ReadOptions& options, std::string_view internal_key, GetState* state,
                        std::string* value) const {
  if (internal_key.size() < kInternalKeyTagSize) {
    return Status::InvalidArgument("table lookup key is not an internal key");
  }
  GetContext ctx(nullptr, ExtractUserKey(internal_key), value);
  Status s = Get(options, internal_key, &ctx);
  *state = ctx.state() == GetContext::State::kFound     ? GetState::kFound
           : ctx.state() == GetContext::State::kDeleted ? GetState::kDeleted
                                                        : GetState::kNotFound;
  return s;
}

std::unique_ptr<InternalIterator> TableReader::NewIterator(
    const ReadOptions& options, std::shared_ptr<const TableReader> keep_alive) const {
  if (global_seqno_ != 0) {
    return std::make_unique<GlobalSeqnoIterator>(this, options, std::move(keep_alive));
  }
  return std::make_unique<TableIterator>(this, options, std::move(keep_alive));
}

uint64_t TableReader::ApproximateOffsetOf(std::string_view internal_key) const {
  BlockIter index(index_block_.get(), order_);
  index.Seek(internal_key);
  BlockHandle handle;
  if (index.Valid() && DecodeDataHandle(index.value(), &handle).ok()) return handle.offset;
  return layout_.data_end();
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
    if (s.ok()) s = ReadBlockAt(handle, &block, layout_.packed_tags());
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
