#include "src/sstable/block.h"

#include <absl/strings/str_format.h>

#include <cstring>
#include <type_traits>

#include "src/base/dbformat.h"
#include "src/util/coding.h"

namespace lsm {
namespace {

// The comparisons a search may run inline, one per KeyOrder::Kind.
struct BytewiseOrder {
  int operator()(std::string_view a, std::string_view b) const { return a.compare(b); }
};

// Tags sort descending.
inline int CompareTags(uint64_t a, uint64_t b) { return a > b ? -1 : (a < b ? 1 : 0); }

// The internal orders also compare a key given as its user key and tag (a packed restart
// entry, read in place) with an internal key.
struct InternalBytewiseOrder {
  int operator()(std::string_view a, std::string_view b) const {
    const int r = ExtractUserKey(a).compare(ExtractUserKey(b));
    return r != 0 ? r : CompareTags(ExtractTag(a), ExtractTag(b));
  }
  int operator()(std::string_view user, uint64_t tag, std::string_view b) const {
    const int r = user.compare(ExtractUserKey(b));
    return r != 0 ? r : CompareTags(tag, ExtractTag(b));
  }
};

struct InternalOrder {
  const Comparator* user;
  int operator()(std::string_view a, std::string_view b) const {
    const int r = user->Compare(ExtractUserKey(a), ExtractUserKey(b));
    return r != 0 ? r : CompareTags(ExtractTag(a), ExtractTag(b));
  }
  int operator()(std::string_view user_key, uint64_t tag, std::string_view b) const {
    const int r = user->Compare(user_key, ExtractUserKey(b));
    return r != 0 ? r : CompareTags(tag, ExtractTag(b));
  }
};

struct GenericOrder {
  const Comparator* cmp;
  int operator()(std::string_view a, std::string_view b) const { return cmp->Compare(a, b); }
};

// Decodes the header of the entry at p. Returns where its key bytes start, or nullptr if the
// header or the key and value it announces do not fit before limit.
inline const char* DecodeEntry(const char* p, const char* limit, uint32_t* shared,
                               uint32_t* non_shared, uint32_t* value_length) {
  if (limit - p < 3) return nullptr;
  *shared = static_cast<uint8_t>(p[0]);
  *non_shared = static_cast<uint8_t>(p[1]);
  *value_length = static_cast<uint8_t>(p[2]);
  if ((*shared | *non_shared | *value_length) < 128) {
    p += 3;
  } else {
    if ((p = GetVarint32Ptr(p, limit, shared)) == nullptr) return nullptr;
    if ((p = GetVarint32Ptr(p, limit, non_shared)) == nullptr) return nullptr;
    if ((p = GetVarint32Ptr(p, limit, value_length)) == nullptr) return nullptr;
  }
  if (static_cast<uint64_t>(limit - p) < uint64_t{*non_shared} + *value_length) return nullptr;
  return p;
}

// Decodes a packed tag; most are one byte (sequence 0) or a few.
inline const char* DecodeTag(const char* p, const char* limit, uint64_t* tag) {
  if (p < limit && static_cast<uint8_t>(*p) < 128) {
    *tag = static_cast<uint8_t>(*p);
    return p + 1;
  }
  return GetVarint64Ptr(p, limit, tag);
}

}  // namespace

Status Block::Create(std::string contents, uint64_t file_offset,
                     std::shared_ptr<const Block>* block, bool packed_tags) {
  auto b =
      std::unique_ptr<Block>(new Block(std::move(contents), nullptr, file_offset, packed_tags));
  b->data_ = b->owned_;
  return Finish(std::move(b), block);
}

Status Block::CreateView(std::string_view contents, std::shared_ptr<const void> pin,
                         uint64_t file_offset, std::shared_ptr<const Block>* block,
                         bool packed_tags) {
  auto b = std::unique_ptr<Block>(new Block({}, std::move(pin), file_offset, packed_tags));
  b->data_ = contents;
  return Finish(std::move(b), block);
}

Status Block::Finish(std::unique_ptr<Block> b, std::shared_ptr<const Block>* block) {
  auto corruption = [&](std::string_view what) {
    return Status::Corruption(absl::StrFormat("block @ %u", b->file_offset_), what);
  };
  const std::string_view contents = b->data_;
  const size_t size = contents.size();
  if (size < sizeof(uint32_t) || size > UINT32_MAX) return corruption("bad block size");
  const uint32_t num_restarts = DecodeFixed32(contents.data() + size - sizeof(uint32_t));
  const size_t max_restarts = (size - sizeof(uint32_t)) / sizeof(uint32_t);
  if (num_restarts == 0 || num_restarts > max_restarts) {
    return corruption(absl::StrFormat("bad restart count %u", num_restarts));
  }
  const auto restarts_offset =
      static_cast<uint32_t>(size - (1 + uint64_t{num_restarts}) * sizeof(uint32_t));
  const char* restarts = contents.data() + restarts_offset;
  uint32_t prev = 0;
  for (uint32_t i = 0; i < num_restarts; i++) {
    const uint32_t r = DecodeFixed32(restarts + i * sizeof(uint32_t));
    if ((i == 0 && r != 0) || (i > 0 && r <= prev) || (r >= restarts_offset && r != 0)) {
      return corruption(absl::StrFormat("bad restart point %u = %u", i, r));
    }
    prev = r;
  }
  b->restarts_offset_ = restarts_offset;
  b->num_restarts_ = num_restarts;
  block->reset(b.release());
  return Status::OK();
}

KeyOrder::KeyOrder(const Comparator* c) : cmp(c), user(c), kind(Kind::kGeneric) {
  if (c == BytewiseComparator()) {
    kind = Kind::kBytewise;
  } else if (const auto* icmp = dynamic_cast<const InternalKeyComparator*>(c)) {
    user = icmp->user_comparator();
    kind = user == BytewiseComparator() ? Kind::kInternalBytewise : Kind::kInternal;
  }
}

int KeyOrder::Compare(std::string_view a, std::string_view b) const {
  switch (kind) {
    case Kind::kBytewise:
      return BytewiseOrder()(a, b);
    case Kind::kInternalBytewise:
      return InternalBytewiseOrder()(a, b);
    case Kind::kInternal:
      return InternalOrder{user}(a, b);
    case Kind::kGeneric:
      break;
  }
  return cmp->Compare(a, b);
}

void BlockIter::Init(const Block* block, const KeyOrder& order) {
  order_ = order;
  packed_tags_ = block->packed_tags_;
  data_ = block->data_.data();
  block_offset_ = block->file_offset_;
  restarts_offset_ = block->restarts_offset_;
  num_restarts_ = block->num_restarts_;
  current_ = next_ = restarts_offset_;
  restart_index_ = num_restarts_;
  key_ = value_ = {};
  status_ = Status::OK();
}

uint32_t BlockIter::RestartPoint(uint32_t index) const {
  return DecodeFixed32(data_ + restarts_offset_ + index * sizeof(uint32_t));
}

void BlockIter::SeekToRestartPoint(uint32_t index) {
  restart_index_ = index;
  next_ = RestartPoint(index);
  key_ = {};
}

void BlockIter::CorruptionError(uint32_t offset) {
  status_ = Status::Corruption(absl::StrFormat("block @ %u", block_offset_),
                               absl::StrFormat("malformed entry at +%u", offset));
  current_ = next_ = restarts_offset_;
  restart_index_ = num_restarts_;
  key_ = value_ = {};
}

void BlockIter::SetKey(size_t shared, std::string_view delta, const uint64_t* tag) {
  const size_t n = shared + delta.size() + (tag != nullptr ? kInternalKeyTagSize : 0);
  if (n > key_cap_) {
    size_t cap = key_cap_ * 2;
    while (cap < n) cap *= 2;
    auto bigger = std::make_unique<char[]>(cap);
    if (shared > 0) std::memcpy(bigger.get(), key_.data(), shared);
    heap_key_ = std::move(bigger);
    key_buf_ = heap_key_.get();
    key_cap_ = cap;
  } else if (shared > 0 && key_.data() != key_buf_) {
    std::memcpy(key_buf_, key_.data(), shared);
  }
  std::memcpy(key_buf_ + shared, delta.data(), delta.size());
  if (tag != nullptr) EncodeFixed64(key_buf_ + shared + delta.size(), *tag);
  key_ = std::string_view(key_buf_, n);
}

[[gnu::always_inline]] inline const char* BlockIter::DecodeAt(uint32_t offset, uint32_t* shared,
                                                              std::string_view* delta,
                                                              uint64_t* tag,
                                                              std::string_view* value) const {
  const char* limit = data_ + restarts_offset_;
  uint32_t non_shared, value_length;
  const char* p = DecodeEntry(data_ + offset, limit, shared, &non_shared, &value_length);
  if (p == nullptr) return nullptr;
  *delta = std::string_view(p, non_shared);
  p += non_shared;
  if (packed_tags_) {
    p = DecodeTag(p, limit, tag);
    if (p == nullptr || static_cast<size_t>(limit - p) < value_length) return nullptr;
  }
  *value = std::string_view(p, value_length);
  return p + value_length;
}

bool BlockIter::ParseNextKey() {
  current_ = next_;
  if (current_ >= restarts_offset_) {
    current_ = next_ = restarts_offset_;
    restart_index_ = num_restarts_;
    return false;
  }
  uint32_t shared;
  std::string_view delta;
  uint64_t tag;
  const char* end = DecodeAt(current_, &shared, &delta, &tag, &value_);
  // With packed tags the previous key's tag is not part of what an entry may share.
  const size_t shareable =
      packed_tags_ && !key_.empty() ? key_.size() - kInternalKeyTagSize : key_.size();
  if (end == nullptr || shared > shareable ||
      (order_.internal() && !packed_tags_ && shared + delta.size() < kInternalKeyTagSize)) {
    CorruptionError(current_);
    return false;
  }
  if (packed_tags_) {
    SetKey(shared, delta, &tag);
  } else if (shared == 0) {
    key_ = delta;
  } else {
    SetKey(shared, delta);
  }
  next_ = static_cast<uint32_t>(end - data_);
  while (restart_index_ + 1 < num_restarts_ && RestartPoint(restart_index_ + 1) <= current_) {
    restart_index_++;
  }
  return true;
}

bool BlockIter::RestartEntry(uint32_t index, std::string_view* stored, uint64_t* tag) {
  const uint32_t offset = RestartPoint(index);
  uint32_t shared;
  std::string_view value;
  if (DecodeAt(offset, &shared, stored, tag, &value) == nullptr || shared != 0 ||
      (order_.internal() && !packed_tags_ && stored->size() < kInternalKeyTagSize)) {
    CorruptionError(offset);
    return false;
  }
  return true;
}

bool BlockIter::CheckTarget(std::string_view target) {
  if (!status_.ok()) return false;
  if (order_.internal() && target.size() < kInternalKeyTagSize) {
    status_ = Status::InvalidArgument("seek target is not an internal key");
    current_ = next_ = restarts_offset_;
    return false;
  }
  return true;
}

void BlockIter::SeekToFirst() {
  if (!status_.ok()) return;
  SeekToRestartPoint(0);
  ParseNextKey();
}

void BlockIter::SeekToLast() {
  if (!status_.ok()) return;
  SeekToRestartPoint(num_restarts_ - 1);
  while (ParseNextKey() && next_ < restarts_offset_) {
  }
}

template <typename Cmp>
void BlockIter::SeekImpl(std::string_view target, const Cmp& cmp) {
  // Binary search for the last restart point whose key is < target, then scan forward.
  uint32_t left = 0;
  uint32_t right = num_restarts_ - 1;
  while (left < right) {
    const uint32_t mid = left + (right - left + 1) / 2;
    std::string_view stored;
    uint64_t tag = 0;
    if (!RestartEntry(mid, &stored, &tag)) return;
    int c;
    if (!packed_tags_) {
      c = cmp(stored, target);
    } else if constexpr (std::is_invocable_r_v<int, Cmp, std::string_view, uint64_t,
                                               std::string_view>) {
      c = cmp(stored, tag, target);  // the user key in place
    } else {
      key_ = {};  // a packed block under an order that is not internal: assemble the key
      SetKey(0, stored, &tag);
      c = cmp(key_, target);
    }
    if (c < 0) {
      left = mid;
    } else {
      right = mid - 1;
    }
  }
  SeekToRestartPoint(left);
  while (ParseNextKey()) {
    if (cmp(key_, target) >= 0) return;
  }
}

void BlockIter::Seek(std::string_view target) {
  if (!CheckTarget(target)) return;
  switch (order_.kind) {
    case KeyOrder::Kind::kBytewise:
      return SeekImpl(target, BytewiseOrder());
    case KeyOrder::Kind::kInternalBytewise:
      return SeekImpl(target, InternalBytewiseOrder());
    case KeyOrder::Kind::kInternal:
      return SeekImpl(target, InternalOrder{order_.user});
    case KeyOrder::Kind::kGeneric:
      return SeekImpl(target, GenericOrder{order_.cmp});
  }
}

void BlockIter::SeekForPrev(std::string_view target) {
  Seek(target);
  if (!status_.ok()) return;
  if (!Valid()) {
    SeekToLast();
  } else if (order_.Compare(key_, target) > 0) {
    Prev();
  }
}

void BlockIter::Next() {
  if (!status_.ok()) return;
  ParseNextKey();
}

void BlockIter::Prev() {
  if (!status_.ok()) return;
  const uint32_t original = current_;
  while (RestartPoint(restart_index_) >= original) {
    if (restart_index_ == 0) {
      current_ = next_ = restarts_offset_;
      restart_index_ = num_restarts_;
      return;
    }
    restart_index_--;
  }
  SeekToRestartPoint(restart_index_);
  while (ParseNextKey() && next_ < original) {
  }
}

}  // namespace lsm
