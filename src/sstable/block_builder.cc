#include "src/sstable/block_builder.h"

#include <algorithm>

#include "src/base/dbformat.h"
#include "src/util/coding.h"
#include "src/util/invariant.h"

namespace lsm {

BlockBuilder::BlockBuilder(int restart_interval, bool packed_tags)
    : restart_interval_(restart_interval), packed_tags_(packed_tags) {
  LSM_INVARIANT(restart_interval >= 1);
  restarts_.push_back(0);
}

void BlockBuilder::Reset() {
  buffer_.clear();
  restarts_.clear();
  restarts_.push_back(0);
  counter_ = 0;
  num_entries_ = 0;
  finished_ = false;
  last_key_.clear();
}

void BlockBuilder::Add(std::string_view key, std::string_view value) {
  LSM_INVARIANT(!finished_);
  LSM_INVARIANT(!packed_tags_ || key.size() >= kInternalKeyTagSize);
  // With packed tags only the user keys are prefix-compressed; the tag follows as a varint.
  const size_t tag_size = packed_tags_ ? kInternalKeyTagSize : 0;
  const std::string_view stored = key.substr(0, key.size() - tag_size);
  size_t shared = 0;
  if (counter_ < restart_interval_) {
    const size_t limit = std::min(last_key_.size() - (empty() ? 0 : tag_size), stored.size());
    while (shared < limit && last_key_[shared] == stored[shared]) shared++;
  } else {
    restarts_.push_back(static_cast<uint32_t>(buffer_.size()));
    counter_ = 0;
  }
  const size_t non_shared = stored.size() - shared;
  char header[3 * kMaxVarint32Bytes];
  char* end = EncodeVarint32(header, static_cast<uint32_t>(shared));
  end = EncodeVarint32(end, static_cast<uint32_t>(non_shared));
  end = EncodeVarint32(end, static_cast<uint32_t>(value.size()));
  buffer_.append(header, static_cast<size_t>(end - header));
  buffer_.append(stored.substr(shared));
  if (packed_tags_) {
    char tag[kMaxVarint64Bytes];
    buffer_.append(tag, static_cast<size_t>(EncodeVarint64(tag, ExtractTag(key)) - tag));
  }
  buffer_.append(value);
  last_key_.resize(shared);
  last_key_.append(key.substr(shared));
  counter_++;
  num_entries_++;
}

std::string_view BlockBuilder::Finish() {
  if (!finished_) {
    for (uint32_t r : restarts_) PutFixed32(&buffer_, r);
    PutFixed32(&buffer_, static_cast<uint32_t>(restarts_.size()));
    finished_ = true;
  }
  return buffer_;
}

}  // namespace lsm
