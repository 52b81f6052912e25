// BlockBuilder: builds the bytes of one block, its keys prefix-compressed.
//
//   BlockBuilder b(/*restart_interval=*/16);
//   b.Add("apple", "1");
//   b.Add("apricot", "2");                 // stored as shared=2, "ricot"
//   std::string_view contents = b.Finish();  // valid until Reset or destruction
//   b.Reset();
//
// Layout (docs/sst_format.md): entries, then the restart array (fixed32 offsets of the
// entries that store their key whole, every restart_interval entries), then the array's length
// (fixed32). An entry is varint32 shared, varint32 non_shared, varint32 value_length, the
// non_shared key bytes and the value.
// With packed tags (data blocks of format version 3; keys are internal keys), shared and
// non_shared count bytes of the user key alone, and the 8-byte tag follows the key delta as a
// varint64: an entry is shared, non_shared, value_length, the user key delta, the tag and the
// value.
// The builder does not know the key order: callers add keys in their comparator's order.
// Thread-safety: one thread at a time.
#ifndef LSM_SSTABLE_BLOCK_BUILDER_H_
#define LSM_SSTABLE_BLOCK_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lsm {

class BlockBuilder {
 public:
  // REQUIRES: restart_interval >= 1.
  explicit BlockBuilder(int restart_interval, bool packed_tags = false);
  BlockBuilder(const BlockBuilder&) = delete;
  BlockBuilder& operator=(const BlockBuilder&) = delete;

  // Starts a new, empty block (keeping allocated memory).
  void Reset();

  // REQUIRES: Finish() not called since the last Reset(); key sorts after every key added;
  // with packed tags, key is an internal key.
  void Add(std::string_view key, std::string_view value);

  // Appends the restart array and returns the block's bytes, valid until Reset().
  std::string_view Finish();

  // Bytes the block would have if finished now.
  size_t CurrentSizeEstimate() const {
    return buffer_.size() + (restarts_.size() + 1) * sizeof(uint32_t);
  }

  bool empty() const { return num_entries_ == 0; }
  // The key added last. REQUIRES: !empty().
  std::string_view last_key() const { return last_key_; }

 private:
  const int restart_interval_;
  const bool packed_tags_;
  std::string buffer_;
  std::vector<uint32_t> restarts_;
  int counter_ = 0;  // entries since the last restart
  size_t num_entries_ = 0;
  bool finished_ = false;
  std::string last_key_;
};

}  // namespace lsm

#endif  // LSM_SSTABLE_BLOCK_BUILDER_H_
