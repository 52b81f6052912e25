// Block and BlockIter: a decoded block of sorted, prefix-compressed entries and a cursor over
// it (the layout is in block_builder.h and docs/sst_format.md).
//
//   std::shared_ptr<const Block> block;
//   Status s = Block::Create(std::move(contents), /*file_offset=*/4096, &block);
//   BlockIter it(block.get(), KeyOrder(&icmp));
//   for (it.Seek(target); it.Valid(); it.Next()) use(it.key(), it.value());
//   if (!it.status().ok()) ...  // "block @ 4096: malformed entry at +17"
//
// The bytes are untrusted. Create checks the restart array; the iterator checks every varint
// and length as it decodes, and on a malformed entry becomes invalid with a sticky Corruption
// naming the block's file offset and the entry's offset in the block. Keys of a block ordered
// by an InternalKeyComparator must be at least 8 bytes; shorter ones are corruption too.
//
// Speed: a BlockIter allocates nothing on the heap for keys up to kInlineKeyBytes, compares
// with an inlined comparator for bytewise and internal-over-bytewise orders (no virtual call
// per key), and may live on the stack.
//
// Thread-safety: a Block is immutable and may be read by many iterators in many threads; a
// BlockIter is used by one thread at a time. Ownership: a BlockIter does not own its Block,
// which must outlive it; key() and value() point into the block or the iterator (always the
// iterator for a block with packed tags, whose keys are assembled).
#ifndef LSM_SSTABLE_BLOCK_H_
#define LSM_SSTABLE_BLOCK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsm/comparator.h"
#include "lsm/status.h"
#include "src/base/internal_iterator.h"

namespace lsm {

class Block {
 public:
  // Takes the uncompressed contents of a block read at file_offset (used in messages).
  // packed_tags: the entries' tags are varints after the user key delta (block_builder.h),
  // as in the data blocks of format version 3. Corruption when the restart array is malformed.
  static Status Create(std::string contents, uint64_t file_offset,
                       std::shared_ptr<const Block>* block, bool packed_tags = false);
  // A block over bytes it does not own: `contents` stays valid while `pin` is held (a memory
  // map and the file that owns it).
  static Status CreateView(std::string_view contents, std::shared_ptr<const void> pin,
                           uint64_t file_offset, std::shared_ptr<const Block>* block,
                           bool packed_tags = false);

  Block(const Block&) = delete;
  Block& operator=(const Block&) = delete;

  size_t size() const { return data_.size(); }
  uint64_t file_offset() const { return file_offset_; }
  uint32_t num_restarts() const { return num_restarts_; }
  bool packed_tags() const { return packed_tags_; }
  // Bytes this block holds in memory, for cache charges.
  size_t ApproximateMemoryUsage() const { return sizeof(Block) + owned_.capacity(); }

 private:
  friend class BlockIter;
  Block(std::string owned, std::shared_ptr<const void> pin, uint64_t file_offset, bool packed_tags)
      : owned_(std::move(owned)),
        pin_(std::move(pin)),
        file_offset_(file_offset),
        packed_tags_(packed_tags) {}
  static Status Finish(std::unique_ptr<Block> b, std::shared_ptr<const Block>* block);

  std::string owned_;                // the contents, unless they are pinned
  std::shared_ptr<const void> pin_;  // keeps pinned contents alive
  std::string_view data_;
  uint64_t file_offset_;
  bool packed_tags_;
  uint32_t restarts_offset_ = 0;  // where the restart array begins
  uint32_t num_restarts_ = 0;
};

// A comparator with its kind worked out once, so that searches can compare known orders
// inline. The comparator must outlive the KeyOrder.
struct KeyOrder {
  enum class Kind : uint8_t { kGeneric, kBytewise, kInternal, kInternalBytewise };

  explicit KeyOrder(const Comparator* cmp);
  bool internal() const { return kind == Kind::kInternal || kind == Kind::kInternalBytewise; }
  int Compare(std::string_view a, std::string_view b) const;

  const Comparator* cmp;
  const Comparator* user;  // the user comparator of an InternalKeyComparator, else cmp
  Kind kind;
};

class BlockIter final : public InternalIterator {
 public:
  static constexpr size_t kInlineKeyBytes = 128;

  // An invalid iterator over nothing, until Init.
  BlockIter() : order_(BytewiseComparator()) {}
  BlockIter(const Block* block, const KeyOrder& order) : order_(order) { Init(block, order); }

  // Points the iterator at another block (unpositioned) and clears its status.
  void Init(const Block* block, const KeyOrder& order);

  bool Valid() const override { return current_ < restarts_offset_; }
  void SeekToFirst() override;
  void SeekToLast() override;
  // REQUIRES: for an internal order, target is an internal key (else InvalidArgument).
  void Seek(std::string_view target) override;
  void SeekForPrev(std::string_view target) override;
  void Next() override;
  void Prev() override;
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }
  Status status() const override { return status_; }

 private:
  template <typename Cmp>
  void SeekImpl(std::string_view target, const Cmp& cmp);
  uint32_t RestartPoint(uint32_t index) const;
  void SeekToRestartPoint(uint32_t index);
  // Decodes the entry at next_ into key_/value_; false at the end or on corruption.
  bool ParseNextKey();
  // Sets *stored to the key bytes stored at restart point `index`: the whole key, or with
  // packed tags the user key, its tag in *tag. False (and corruption) if the entry there is
  // malformed or not a restart entry.
  bool RestartEntry(uint32_t index, std::string_view* stored, uint64_t* tag);
  // Decodes the entry at `offset`: its shared length, the key bytes it stores (with packed
  // tags: the user key delta, its tag in *tag) and its value. Null when malformed.
  const char* DecodeAt(uint32_t offset, uint32_t* shared, std::string_view* delta, uint64_t* tag,
                       std::string_view* value) const;
  // key_ = key_[0, shared) ++ delta, and with packed tags the tag after it as fixed64.
  void SetKey(size_t shared, std::string_view delta, const uint64_t* tag = nullptr);
  void CorruptionError(uint32_t offset);
  bool CheckTarget(std::string_view target);

  KeyOrder order_;
  bool packed_tags_ = false;
  const char* data_ = nullptr;
  uint64_t block_offset_ = 0;
  uint32_t restarts_offset_ = 0;
  uint32_t num_restarts_ = 0;
  uint32_t current_ = 0;        // offset of the current entry; restarts_offset_ when invalid
  uint32_t next_ = 0;           // offset of the entry after it
  uint32_t restart_index_ = 0;  // last restart point at or before current_
  std::string_view key_;
  std::string_view value_;
  Status status_;
  // Holds keys assembled from a shared prefix or with packed tags; other keys stored whole
  // point into the block.
  char inline_key_[kInlineKeyBytes];
  std::unique_ptr<char[]> heap_key_;
  char* key_buf_ = inline_key_;
  size_t key_cap_ = kInlineKeyBytes;
};

}  // namespace lsm

#endif  // LSM_SSTABLE_BLOCK_H_
