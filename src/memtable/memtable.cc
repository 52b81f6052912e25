#include "src/memtable/memtable.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "src/util/bloom_probes.h"
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

MemTable::MemTable(const InternalKeyComparator& cmp, MemTableRep rep, size_t arena_block_size,
                   size_t tree_reservation)
    : comparator_(cmp),
      arena_(arena_block_size,
             rep == MemTableRep::kBTree ? std::min(tree_reservation, kMaxTreeReservation) : 0) {
  // Without its reservation (the system refused the address space) the tree cannot refer to
  // keys by offset: the skiplist takes its place.
  if (arena_.base() != nullptr) {
    tree_ = std::make_unique<Tree>(comparator_, &arena_);
  } else {
    list_ = std::make_unique<List>(comparator_, &arena_);
  }
  range_dels_ = std::make_unique<List>(comparator_, &arena_);
}

MemTable::~MemTable() { LSM_INVARIANT(refs_.load(std::memory_order_relaxed) == 0); }

// A blocked bloom filter that concurrent writers set bits of: a hash picks one 512-bit line
// and sets kProbes bits in it, as the tables' filters do (src/util/bloom_probes.h).
class MemTable::PrefixBloom {
 public:
  explicit PrefixBloom(size_t bits)
      : num_lines_(static_cast<uint32_t>(
            std::max<size_t>((bits + kBloomLineBits - 1) / kBloomLineBits, 1))),
        words_(new std::atomic<uint64_t>[size_t{num_lines_} * 8]) {
    for (size_t i = 0; i < size_t{num_lines_} * 8; i++) {
      words_[i].store(0, std::memory_order_relaxed);
    }
  }

  void Add(uint64_t hash) {
    std::atomic<uint64_t>* line = Line(hash);
    ForEachBloomProbe(hash, kProbes, [line](uint32_t bit) {
      std::atomic<uint64_t>& word = line[bit >> 6];
      const uint64_t mask = uint64_t{1} << (bit & 63);
      // Most bits are set already once the filter fills: read before writing.
      if ((word.load(std::memory_order_relaxed) & mask) == 0) {
        word.fetch_or(mask, std::memory_order_relaxed);
      }
      return true;
    });
  }

  // The bits were set before the entries that set them became visible to the reader (a write
  // is published with a release store that the reader's sequence load acquires).
  bool MayMatch(uint64_t hash) const {
    const std::atomic<uint64_t>* line = Line(hash);
    return ForEachBloomProbe(hash, kProbes, [line](uint32_t bit) {
      return (line[bit >> 6].load(std::memory_order_relaxed) & (uint64_t{1} << (bit & 63))) != 0;
    });
  }

  void Prefetch(uint64_t hash) const { __builtin_prefetch(Line(hash), /*rw=*/1); }

  size_t bytes() const { return size_t{num_lines_} * 64; }

 private:
  static constexpr int kProbes = 6;

  std::atomic<uint64_t>* Line(uint64_t hash) const {
    return &words_[size_t{BloomLineOf(hash, num_lines_)} * 8];
  }

  const uint32_t num_lines_;
  const std::unique_ptr<std::atomic<uint64_t>[]> words_;
};

void MemTable::EnablePrefixBloom(const SliceTransform* extractor, size_t bits) {
  prefix_extractor_ = extractor;
  prefix_bloom_ = std::make_unique<PrefixBloom>(bits);
  prefix_bloom_bytes_ = prefix_bloom_->bytes();
}

bool MemTable::PrefetchPrefix(std::string_view user_key, uint64_t* hash) const {
  if (!prefix_extractor_->InDomain(user_key)) return false;
  *hash = BloomHash(prefix_extractor_->Transform(user_key));
  prefix_bloom_->Prefetch(*hash);
  return true;
}

void MemTable::AddPrefix(uint64_t hash) { prefix_bloom_->Add(hash); }

bool MemTable::PrefixMayMatch(uint64_t prefix_hash) const {
  return prefix_bloom_ == nullptr || prefix_bloom_->MayMatch(prefix_hash);
}

void MemTable::Unref() {
  const int previous = refs_.fetch_sub(1, std::memory_order_acq_rel);
  LSM_INVARIANT(previous >= 1);
  if (previous == 1) delete this;
}

size_t MemTable::EncodedSize(std::string_view user_key, std::string_view value) {
  const uint32_t ikey_size = static_cast<uint32_t>(user_key.size() + kInternalKeyTagSize);
  const uint32_t value_size = static_cast<uint32_t>(value.size());
  return VarintLength(ikey_size) + ikey_size + VarintLength(value_size) + value_size;
}

const char* MemTable::Encode(SequenceNumber seq, ValueType type, std::string_view user_key,
                             std::string_view value) {
  const size_t encoded_size = EncodedSize(user_key, value);
  char* const buf =
      tree_ != nullptr ? tree_->AllocateKey(encoded_size) : list_->AllocateKey(encoded_size);
  EncodeInto(buf, seq, type, user_key, value);
  return buf;
}

void MemTable::EncodeInto(char* buf, SequenceNumber seq, ValueType type, std::string_view user_key,
                          std::string_view value) {
  const uint32_t ikey_size = static_cast<uint32_t>(user_key.size() + kInternalKeyTagSize);
  const uint32_t value_size = static_cast<uint32_t>(value.size());
  char* p = EncodeVarint32(buf, ikey_size);
  if (!user_key.empty()) std::memcpy(p, user_key.data(), user_key.size());
  p += user_key.size();
  EncodeFixed64(p, PackSequenceAndType(seq, type));
  p += kInternalKeyTagSize;
  p = EncodeVarint32(p, value_size);
  if (!value.empty()) std::memcpy(p, value.data(), value_size);
}

void MemTable::AddRangeDeletion(SequenceNumber seq, std::string_view begin, std::string_view end,
                                bool concurrent) {
  char* const buf = range_dels_->AllocateKey(EncodedSize(begin, end));
  EncodeInto(buf, seq, ValueType::kRangeDeletion, begin, end);
  if (concurrent) {
    range_dels_->InsertConcurrently(buf);
  } else {
    range_dels_->Insert(buf);
  }
}

std::vector<RangeTombstone> MemTable::RangeTombstones() const {
  std::vector<RangeTombstone> out;
  if (num_range_deletions() == 0) return out;
  List::Iterator it(range_dels_.get());
  for (it.SeekToFirst(); it.Valid(); it.Next()) {
    const std::string_view ikey = LengthPrefixed(it.key());
    out.push_back({std::string(ExtractUserKey(ikey)),
                   std::string(LengthPrefixed(ikey.data() + ikey.size())), ExtractTag(ikey) >> 8});
  }
  return out;
}

std::shared_ptr<const RangeTombstoneList> MemTable::Fragments() const {
  const uint64_t count = num_range_deletions();
  if (count == 0) return nullptr;
  MutexLock l(&fragments_mu_);
  if (fragments_ == nullptr || fragmented_count_ != count) {
    // Holds every tombstone counted so far (each is linked in before it is counted).
    fragments_ = std::make_shared<const RangeTombstoneList>(comparator_.icmp.user_comparator(),
                                                            RangeTombstones());
    fragmented_count_ = count;
  }
  return fragments_;
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
  if (num_range_deletions() > 0) {
    ctx->CoverWith(Fragments()->Covering(key.user_key(), ExtractTag(key.internal_key()) >> 8));
  }
  for (it->Seek(key.internal_key()); it->Valid(); it->Next()) {
    const std::string_view found = LengthPrefixed(it->key());
    const std::string_view found_user = ExtractUserKey(found);
    const bool same_user_key = comparator_.bytewise ? found_user == key.user_key()
                                                    : comparator_.icmp.user_comparator()->Compare(
                                                          found_user, key.user_key()) == 0;
    if (!same_user_key) return false;
    const uint64_t tag = ExtractTag(found);
    if (ctx->Take(static_cast<ValueType>(tag & 0xff), tag >> 8,
                  LengthPrefixed(found.data() + found.size()))) {
      return true;
    }
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

  bool Valid() const override { return !filtered_ && iter_.Valid(); }
  void SeekToFirst() override {
    filtered_ = false;
    iter_.SeekToFirst();
  }
  void SeekToLast() override {
    filtered_ = false;
    iter_.SeekToLast();
  }
  // REQUIRES: target is an internal key.
  void Seek(std::string_view target) override {
    LSM_INVARIANT(target.size() >= kInternalKeyTagSize);
    filtered_ = false;
    iter_.Seek(target);
  }
  void SeekPrefixed(std::string_view target, uint64_t prefix_hash) override {
    if (!mem_->PrefixMayMatch(prefix_hash)) {
      filtered_ = true;  // no key of the prefix
      return;
    }
    Seek(target);
  }
  // REQUIRES: target is an internal key.
  void SeekForPrev(std::string_view target) override {
    LSM_INVARIANT(target.size() >= kInternalKeyTagSize);
    filtered_ = false;
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
  bool filtered_ = false;  // SeekPrefixed found no key of the prefix
};

std::unique_ptr<InternalIterator> MemTable::NewIterator() {
  if (tree_ != nullptr) return std::make_unique<Iter<Tree::Iterator>>(this, tree_.get());
  return std::make_unique<Iter<List::Iterator>>(this, list_.get());
}

}  // namespace lsm
