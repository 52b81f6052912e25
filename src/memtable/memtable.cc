#include "src/memtable/memtable.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "src/util/coding.h"
#include "src/util/invariant.h"

namespace lsm {
namespace {

// Decodes a varint32 length written by Add (trusted), returning the byte after it.
inline const char* DecodeLength(const char* p, uint32_t* len) {
  if ((static_cast<uint8_t>(*p) & 0x80) == 0) {
    *len = static_cast<uint8_t>(*p);
    return p + 1;
  }
  return GetVarint32Ptr(p, p + kMaxVarint32Bytes, len);
}

inline std::string_view LengthPrefixed(const char* p) {
  uint32_t len;
  p = DecodeLength(p, &len);
  return {p, len};
}

}  // namespace

MemTable::KeyComparator::KeyComparator(const InternalKeyComparator& c)
    : icmp(c), bytewise(c.user_comparator() == BytewiseComparator()) {}

MemTable::KeyComparator::Decoded MemTable::KeyComparator::Decode(const char* entry) const {
  return LengthPrefixed(entry);
}

int MemTable::KeyComparator::Compare(const char* entry, const Decoded& target) const {
  const std::string_view a = LengthPrefixed(entry);
  if (!bytewise) return icmp.Compare(a, target);
  const size_t a_user = a.size() - kInternalKeyTagSize;
  const size_t b_user = target.size() - kInternalKeyTagSize;
  const int r = std::memcmp(a.data(), target.data(), std::min(a_user, b_user));
  if (r != 0) return r;
  if (a_user != b_user) return a_user < b_user ? -1 : +1;
  // Same user key: the larger tag (newer sequence) sorts first.
  const uint64_t a_tag = DecodeFixed64(a.data() + a_user);
  const uint64_t b_tag = DecodeFixed64(target.data() + b_user);
  return a_tag > b_tag ? -1 : (a_tag < b_tag ? +1 : 0);
}

uint32_t MemTable::KeyComparator::Head(const Decoded& key, size_t skip) const {
  if (!bytewise) return 0;
  const size_t user = key.size() - kInternalKeyTagSize;
  if (skip >= user) return 0;
  char bytes[4] = {};
  std::memcpy(bytes, key.data() + skip, std::min<size_t>(4, user - skip));
  uint32_t head;
  std::memcpy(&head, bytes, 4);
  if constexpr (std::endian::native == std::endian::little) head = __builtin_bswap32(head);
  return head;
}

size_t MemTable::KeyComparator::SharedPrefix(const Decoded& a, const Decoded& b) const {
  if (!bytewise) return 0;
  const std::string_view ua = ExtractUserKey(a);
  const std::string_view ub = ExtractUserKey(b);
  const size_t n = std::min(ua.size(), ub.size());
  size_t i = 0;
  while (i < n && ua[i] == ub[i]) i++;
  return i;
}

MemTable::MemTable(const InternalKeyComparator& cmp, MemTableRep rep, size_t arena_block_size)
    : comparator_(cmp), arena_(arena_block_size) {
  if (rep == MemTableRep::kBTree) {
    tree_ = std::make_unique<Tree>(comparator_, &arena_);
  } else {
    list_ = std::make_unique<List>(comparator_, &arena_);
  }
}

MemTable::~MemTable() { LSM_INVARIANT(refs_.load(std::memory_order_relaxed) == 0); }

void MemTable::Unref() {
  const int previous = refs_.fetch_sub(1, std::memory_order_acq_rel);
  LSM_INVARIANT(previous >= 1);
  if (previous == 1) delete this;
}

const char* MemTable::Encode(SequenceNumber seq, ValueType type, std::string_view user_key,
                             std::string_view value) {
  const uint32_t ikey_size = static_cast<uint32_t>(user_key.size() + kInternalKeyTagSize);
  const uint32_t value_size = static_cast<uint32_t>(value.size());
  const size_t encoded_size =
      VarintLength(ikey_size) + ikey_size + VarintLength(value_size) + value_size;
  char* const buf =
      tree_ != nullptr ? tree_->AllocateKey(encoded_size) : list_->AllocateKey(encoded_size);
  char* p = EncodeVarint32(buf, ikey_size);
  if (!user_key.empty()) std::memcpy(p, user_key.data(), user_key.size());
  p += user_key.size();
  EncodeFixed64(p, PackSequenceAndType(seq, type));
  p += kInternalKeyTagSize;
  p = EncodeVarint32(p, value_size);
  if (!value.empty()) std::memcpy(p, value.data(), value_size);
  LSM_INVARIANT(p + value_size == buf + encoded_size);
  return buf;
}

bool MemTable::Get(const LookupKey& key, GetContext* ctx) const {
  if (tree_ != nullptr) {
    Tree::Iterator it(tree_.get());
    return GetFrom(&it, key, ctx);
  }
  List::Iterator it(list_.get());
  return GetFrom(&it, key, ctx);
}

bool MemTable::Get(const LookupKey& key, std::string* value, Status* s) const {
  GetContext ctx(nullptr, key.user_key(), value);
  if (!Get(key, &ctx)) return false;
  *s = ctx.Finish();
  return true;
}

template <typename TableIterator>
bool MemTable::GetFrom(TableIterator* it, const LookupKey& key, GetContext* ctx) const {
  for (it->Seek(key.internal_key()); it->Valid(); it->Next()) {
    const std::string_view found = LengthPrefixed(it->key());
    const std::string_view found_user = ExtractUserKey(found);
    const bool same_user_key = comparator_.bytewise ? found_user == key.user_key()
                                                    : comparator_.icmp.user_comparator()->Compare(
                                                          found_user, key.user_key()) == 0;
    if (!same_user_key) return false;
    const auto type = static_cast<ValueType>(ExtractTag(found) & 0xff);
    if (ctx->Take(type, LengthPrefixed(found.data() + found.size()))) return true;
  }
  return false;
}

// Walks the index; entries are decoded on demand.
template <typename TableIterator>
class MemTable::Iter final : public InternalIterator {
 public:
  template <typename Table>
  Iter(MemTable* mem, const Table* table) : mem_(mem), iter_(table) {
    mem_->Ref();
  }
  ~Iter() override { mem_->Unref(); }

  bool Valid() const override { return iter_.Valid(); }
  void SeekToFirst() override { iter_.SeekToFirst(); }
  void SeekToLast() override { iter_.SeekToLast(); }
  // REQUIRES: target is an internal key.
  void Seek(std::string_view target) override {
    LSM_INVARIANT(target.size() >= kInternalKeyTagSize);
    iter_.Seek(target);
  }
  // REQUIRES: target is an internal key.
  void SeekForPrev(std::string_view target) override {
    LSM_INVARIANT(target.size() >= kInternalKeyTagSize);
    iter_.SeekForPrev(target);
  }
  void Next() override { iter_.Next(); }
  void Prev() override { iter_.Prev(); }
  std::string_view key() const override { return LengthPrefixed(iter_.key()); }
  std::string_view value() const override {
    const std::string_view k = key();
    return LengthPrefixed(k.data() + k.size());
  }
  Status status() const override { return Status::OK(); }

 private:
  MemTable* const mem_;
  TableIterator iter_;
};

std::unique_ptr<InternalIterator> MemTable::NewIterator() {
  if (tree_ != nullptr) return std::make_unique<Iter<Tree::Iterator>>(this, tree_.get());
  return std::make_unique<Iter<List::Iterator>>(this, list_.get());
}

}  // namespace lsm
