// MemTable: the in-memory write buffer, a sorted map from internal key to value that several
// writers fill at once and readers search without locks.
//
//   MemTable* mem = new MemTable(InternalKeyComparator(BytewiseComparator()));
//   mem->Ref();
//   mem->Add(seq, ValueType::kValue, "key", "value");         // from any number of threads
//   std::string value;
//   Status s;
//   if (mem->Get(LookupKey("key", snapshot_seq), &value, &s)) { /* s.ok(): value; NotFound */ }
//   GetContext ctx(merge_operator, "key", &value);           // with merge operands
//   if (mem->Get(LookupKey("key", snapshot_seq), &ctx)) { /* decided: ctx.Finish() */ }
//   std::unique_ptr<InternalIterator> it = mem->NewIterator();
//   mem->Unref();                                              // deleted with the last reference
//
// Each entry is one arena allocation:
//   varint32(internal key length) | internal key (user key + fixed64 tag) |
//   varint32(value length)        | value
// ordered by InternalKeyComparator on the internal key, in one of two indexes chosen at
// construction (MemTableRep): a skiplist whose nodes hold the entries, or a B+-tree over them
// (src/memtable/btree.h), whose cost per operation grows less with the size of the memtable.
// Nothing is ever removed: an overwrite or a deletion is a newer entry.
//
// Thread-safety: Add may be called from several threads at once, AddSingleWriter by one
// writer at a time; both run alongside Get, iterators and ApproximateMemoryUsage, which need
// no lock. Ref and Unref are atomic.
// Ownership: reference counted; a new MemTable has no reference and the caller takes the
// first with Ref(). It is deleted when Unref drops the count to zero.
#ifndef LSM_MEMTABLE_MEMTABLE_H_
#define LSM_MEMTABLE_MEMTABLE_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/slice_transform.h"
#include "lsm/status.h"
#include "src/base/dbformat.h"
#include "src/base/get_context.h"
#include "src/base/internal_iterator.h"
#include "src/base/range_tombstones.h"
#include "src/memtable/btree.h"
#include "src/memtable/concurrent_arena.h"
#include "src/memtable/skiplist.h"
#include "src/util/mutex.h"

namespace lsm {

// The index that orders a memtable's entries.
enum class MemTableRep { kSkipList, kBTree };

class MemTable {
 public:
  // The most a B+-tree memtable can hold: it refers to its entries by 32-bit offsets.
  static constexpr size_t kMaxTreeReservation = (size_t{1} << 32) - ConcurrentArena::kHugePageSize;

  // `cmp`'s user comparator must outlive the memtable. arena_block_size: the arena's largest
  // block (see ConcurrentArena); ArenaBlockSizeFor picks it for a write buffer size.
  // tree_reservation: for the B+-tree, the address space its arena reserves (at most
  // kMaxTreeReservation), which bounds what it holds (Room); TreeReservationFor picks it.
  explicit MemTable(const InternalKeyComparator& cmp, MemTableRep rep = MemTableRep::kSkipList,
                    size_t arena_block_size = ConcurrentArena::kBlockSize,
                    size_t tree_reservation = kMaxTreeReservation);

  // A sixteenth of the write buffer, within the bounds ConcurrentArena allows: a 64 MiB
  // memtable gets huge-page blocks, and the last block of any memtable is a small part of it.
  static size_t ArenaBlockSizeFor(size_t write_buffer_size) { return write_buffer_size / 16; }
  // The largest write buffer a B+-tree memtable reserves eight times over (509.75 MiB).
  static constexpr size_t kMaxTreeBuffer = (kMaxTreeReservation - (16 << 20)) / 8;
  // Eight write buffers and 16 MiB: room for the groups that arrive while one fills, and for a
  // batch several times the buffer. Only pages in use are committed. For a write buffer of at
  // most kMaxTreeBuffer, Room() is at least write_buffer_size while BytesInUse() is below it;
  // a larger one gets kMaxTreeReservation, and Room() may run out first.
  static size_t TreeReservationFor(size_t write_buffer_size) {
    return write_buffer_size > kMaxTreeBuffer ? kMaxTreeReservation
                                              : 8 * write_buffer_size + (16 << 20);
  }

  // An upper bound on the memory Add and AddRangeDeletion take for `entries` entries whose
  // keys and values come to `bytes`, to compare with Room.
  static size_t BytesFor(uint64_t entries, size_t bytes) {
    return bytes + static_cast<size_t>(entries) * kMaxEntryOverhead;
  }
  // How much more (in BytesFor) this memtable can take: SIZE_MAX for the skiplist; for the
  // B+-tree, what its reservation has room for. Writers stay within it.
  size_t Room() const { return arena_.Room(); }
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;

  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  // Drops a reference, deleting the memtable when it was the last.
  void Unref();

  // Bytes of memory held by the entries (arena blocks) and the prefix bloom filter, readable at
  // any time.
  size_t ApproximateMemoryUsage() const { return arena_.MemoryUsage() + prefix_bloom_bytes_; }
  // Of those, the bytes its entries and index fill (and the filter): what says the memtable is
  // full. The arena's newest block is reserved whole before it is used, so the memory held
  // reaches write_buffer_size up to a block (a sixteenth of it) before the entries do.
  size_t BytesInUse() const { return arena_.BytesInUse() + prefix_bloom_bytes_; }

  // Entries added, deletions among them, and range deletions beside them, as the writers
  // report them (a batch at a time, after its Adds and before the batch is visible) with
  // CountAdded. Safe from several threads at once.
  void CountAdded(uint64_t entries, uint64_t deletions, uint64_t range_deletions = 0) {
    num_entries_.fetch_add(entries, std::memory_order_relaxed);
    if (deletions > 0) num_deletions_.fetch_add(deletions, std::memory_order_relaxed);
    if (range_deletions > 0) {
      num_range_deletions_.fetch_add(range_deletions, std::memory_order_release);
    }
  }
  uint64_t num_entries() const { return num_entries_.load(std::memory_order_relaxed); }
  uint64_t num_deletions() const { return num_deletions_.load(std::memory_order_relaxed); }
  uint64_t num_range_deletions() const {
    return num_range_deletions_.load(std::memory_order_acquire);
  }
  // Whether it holds no entry and no range deletion.
  bool empty() const { return num_entries() + num_range_deletions() == 0; }

  // Adds the entry (user_key, seq, type) -> value; for a deletion, value is normally empty.
  // Safe to call from several threads at once.
  // REQUIRES: no entry with the same user key and sequence is present;
  // user_key.size() + 8 and value.size() fit in 32 bits; the entry is within Room().
  void Add(SequenceNumber seq, ValueType type, std::string_view user_key, std::string_view value) {
    uint64_t prefix_hash = 0;
    const bool has_prefix = prefix_bloom_ != nullptr && PrefetchPrefix(user_key, &prefix_hash);
    if (tree_ != nullptr) {
      tree_->Insert(Encode(seq, type, user_key, value));
    } else {
      list_->InsertConcurrently(Encode(seq, type, user_key, value));
    }
    if (has_prefix) AddPrefix(prefix_hash);
  }

  // As Add, for a writer that has the memtable to itself (a write group of one, recovery):
  // for the skiplist cheaper, and close to constant time for keys added in ascending order.
  // REQUIRES: no other Add or AddSingleWriter runs at the same time (calls on different
  // threads are ordered by a lock or a join).
  void AddSingleWriter(SequenceNumber seq, ValueType type, std::string_view user_key,
                       std::string_view value) {
    uint64_t prefix_hash = 0;
    const bool has_prefix = prefix_bloom_ != nullptr && PrefetchPrefix(user_key, &prefix_hash);
    if (tree_ != nullptr) {
      tree_->Insert(Encode(seq, type, user_key, value));
    } else {
      list_->Insert(Encode(seq, type, user_key, value));
    }
    if (has_prefix) AddPrefix(prefix_hash);
  }

  // Keeps a bloom filter of `bits` bits (rounded up to whole 512-bit lines) of the prefixes of
  // the keys added, as `extractor` takes them, for PrefixMayMatch. `extractor` must outlive the
  // memtable. REQUIRES: nothing was added yet.
  void EnablePrefixBloom(const SliceTransform* extractor, size_t bits);
  // False if no key added has the prefix whose BloomHash is `prefix_hash`;
  // always true without a prefix bloom filter.
  bool PrefixMayMatch(uint64_t prefix_hash) const;

  // Adds the range tombstone [begin, end) at seq, kept apart from the entries. `concurrent`:
  // as Add (else as AddSingleWriter).
  void AddRangeDeletion(SequenceNumber seq, std::string_view begin, std::string_view end,
                        bool concurrent);

  // The range tombstones.
  std::vector<RangeTombstone> RangeTombstones() const;

  // The range tombstones fragmented (RangeTombstoneList), anew only when more were counted;
  // null when there are none.
  std::shared_ptr<const RangeTombstoneList> Fragments() const;

  // Gives ctx the entries of key.user_key() with sequence <= the key's sequence, newest
  // first, after the range tombstones covering the key, until it is decided. Returns true if
  // it is, false if older entries may matter.
  bool Get(const LookupKey& key, GetContext* ctx) const;
  // The same for a memtable without merge operands: true if the memtable decides the answer,
  // which for a value is copied to *value (*s left alone), and for a deletion makes *s
  // NotFound.
  bool Get(const LookupKey& key, std::string* value, Status* s) const;

  // An iterator over every entry in InternalKeyComparator order: key() is the internal key,
  // value() the value, both valid as long as the memtable lives. The iterator holds a
  // reference to the memtable, so it may outlive the caller's.
  // REQUIRES: the caller holds a reference.
  std::unique_ptr<InternalIterator> NewIterator();

  const InternalKeyComparator& internal_comparator() const { return comparator_.icmp; }

 private:
  template <typename TableIterator>
  class Iter;
  class PrefixBloom;

  // The prefix bloom's hash of user_key's prefix, in *hash, and true, having started to fetch
  // its filter line so that the miss overlaps the entry's insert; false if the key has no
  // prefix. AddPrefix then sets its bits: after the insert, but before the write group
  // publishes its sequence, which is what makes the entry visible to a reader.
  bool PrefetchPrefix(std::string_view user_key, uint64_t* hash) const;
  void AddPrefix(uint64_t hash);

  // Orders entries by their internal keys. Searches carry the target as a decoded internal
  // key; bytewise user keys are compared inline, without a virtual call.
  struct KeyComparator {
    using Decoded = std::string_view;
    explicit KeyComparator(const InternalKeyComparator& c);
    Decoded Decode(const char* entry) const;
    int Compare(const char* entry, const Decoded& target) const;
    // The B+-tree's key heads: bytes [skip, skip + 4) of the user key, big-endian, and the
    // prefix two user keys share. Both 0 for a comparator other than the bytewise one.
    uint32_t Head(const Decoded& key, size_t skip) const;
    size_t SharedPrefix(const Decoded& a, const Decoded& b) const;

    const InternalKeyComparator icmp;
    const bool bytewise;
  };
  using List = SkipList<KeyComparator>;
  using Tree = BTree<KeyComparator>;

  ~MemTable();  // only Unref deletes

  // Allocates and fills an entry, not yet linked in.
  const char* Encode(SequenceNumber seq, ValueType type, std::string_view user_key,
                     std::string_view value);
  // The same into `buf`, of EncodedSize bytes.
  static size_t EncodedSize(std::string_view user_key, std::string_view value);
  static void EncodeInto(char* buf, SequenceNumber seq, ValueType type, std::string_view user_key,
                         std::string_view value);
  template <typename TableIterator>
  bool GetFrom(TableIterator* it, const LookupKey& key, GetContext* ctx) const;

  // Per entry, besides its key and value: the entry's lengths and tag (at most 18 bytes) and
  // its share of the index: a B+-tree slot with its leaf half full and the inner nodes above,
  // or a range deletion's skiplist node at its tallest.
  static constexpr size_t kMaxEntryOverhead = 160;

  KeyComparator comparator_;
  std::atomic<int> refs_{0};
  std::atomic<uint64_t> num_entries_{0};
  std::atomic<uint64_t> num_deletions_{0};
  std::atomic<uint64_t> num_range_deletions_{0};
  ConcurrentArena arena_;
  // Exactly one of the two is set.
  std::unique_ptr<List> list_;
  std::unique_ptr<Tree> tree_;
  const SliceTransform* prefix_extractor_ = nullptr;
  std::unique_ptr<PrefixBloom> prefix_bloom_;
  size_t prefix_bloom_bytes_ = 0;
  // The range tombstones: (begin, seq, kRangeDeletion) -> end.
  std::unique_ptr<List> range_dels_;
  // The tombstones fragmented, and how many there were then.
  mutable Mutex fragments_mu_;
  mutable std::shared_ptr<const RangeTombstoneList> fragments_ ABSL_GUARDED_BY(fragments_mu_);
  mutable uint64_t fragmented_count_ ABSL_GUARDED_BY(fragments_mu_) = 0;
};

}  // namespace lsm

#endif  // LSM_MEMTABLE_MEMTABLE_H_
