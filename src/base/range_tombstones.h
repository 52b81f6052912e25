// Range tombstones: DB::DeleteRange(begin, end) at sequence s deletes every entry of a user key
// in [begin, end) whose sequence is below s. RangeTombstoneList fragments a set of them into
// non-overlapping pieces, so that the tombstones covering a key are one binary search away.
//
//   RangeTombstoneList list(ucmp, {{"b", "f", 7}, {"d", "k", 9}});
//   // fragments: [b, d) {7}, [d, f) {9, 7}, [f, k) {9}
//   list.Covering("e", 8) == 7;        // the newest tombstone over "e" visible at sequence 8
//   list.CoveringAbove("e", 7) == 9;   // the oldest one over "e" newer than sequence 7
//
// Tombstones live apart from point entries: in a memtable's second index and in a table's
// range-deletion block, as the internal key (begin, s, kRangeDeletion) with value `end`.
// Under the bytewise comparator a lookup first searches a dense array of 8-byte slices of the
// fragment boundaries (the bytes after the prefix all boundaries share), so it touches the
// fragments themselves only when a slice ties with the key's.
// Thread-safety: a list is immutable once built; its methods may be called from any thread.
#ifndef LSM_BASE_RANGE_TOMBSTONES_H_
#define LSM_BASE_RANGE_TOMBSTONES_H_

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/comparator.h"
#include "src/base/dbformat.h"

namespace lsm {

struct RangeTombstone {
  std::string begin;  // inclusive
  std::string end;    // exclusive
  SequenceNumber seq = 0;
};

class RangeTombstoneList {
 public:
  // A piece of the key space where the same tombstones apply.
  struct Fragment {
    std::string begin;
    std::string end;
    std::vector<SequenceNumber> seqs;  // descending
  };

  RangeTombstoneList() = default;
  // Fragments `tombstones` (in any order; empty ranges are dropped), keeping those at or below
  // `max_seq`. `ucmp` must outlive the list.
  RangeTombstoneList(const Comparator* ucmp, std::vector<RangeTombstone> tombstones,
                     SequenceNumber max_seq = kMaxSequenceNumber);

  bool empty() const { return fragments_.empty(); }
  // The tombstones kept, ordered by begin, then by sequence descending.
  const std::vector<RangeTombstone>& tombstones() const { return tombstones_; }
  const std::vector<Fragment>& fragments() const { return fragments_; }

  // Where a reader's last lookup in this list ended, carried to its next (one per reader and
  // list): keys asked in ascending order then cost a comparison or two instead of a binary
  // search, and a key in the same gap between fragments as the last one costs two.
  static constexpr size_t kNoHint = ~size_t{0};
  struct Cursor {
    size_t index = kNoHint;  // the last fragment that begins at or before the last key
    // After a lookup that found no fragment, the keys [*gap_begin, *gap_end) that none covers
    // (a null bound: none on that side); in_gap is false while no gap is known.
    bool in_gap = false;
    const std::string* gap_begin = nullptr;
    const std::string* gap_end = nullptr;
  };

  // The fragment that holds user_key, or null. `cursor` (if given) as above.
  const Fragment* Find(std::string_view user_key, Cursor* cursor = nullptr) const {
    if (cursor != nullptr && InGap(user_key, *cursor)) return nullptr;
    return Search(user_key, cursor);
  }

  // The largest sequence at or below read_seq of a tombstone covering user_key; 0 if none.
  // `cursor` as for Find; *fragment (if given) is set to the fragment when one covers the key.
  SequenceNumber Covering(std::string_view user_key, SequenceNumber read_seq,
                          Cursor* cursor = nullptr, const Fragment** fragment = nullptr) const {
    const Fragment* f = Find(user_key, cursor);
    if (f == nullptr) return 0;
    for (SequenceNumber s : f->seqs) {
      if (s <= read_seq) {
        if (fragment != nullptr) *fragment = f;
        return s;
      }
    }
    return 0;
  }

  // The smallest sequence above `seq` of a tombstone covering user_key; 0 if none. `cursor`
  // as for Find.
  SequenceNumber CoveringAbove(std::string_view user_key, SequenceNumber seq,
                               Cursor* cursor = nullptr) const;

 private:
  bool Less(std::string_view a, std::string_view b) const {
    return bytewise_ ? BytewiseLess(a, b) : ucmp_->Compare(a, b) < 0;
  }
  // a < b bytewise, eight bytes at a time without a call: a scan asks whether each key lies in
  // a gap, and keys (and so the bounds) often share many leading bytes.
  static bool BytewiseLess(std::string_view a, std::string_view b) {
    const size_t n = std::min(a.size(), b.size());
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const uint64_t x = LoadBigEndian(a.data() + i);
      const uint64_t y = LoadBigEndian(b.data() + i);
      if (x != y) return x < y;
    }
    for (; i < n; i++) {
      if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    }
    return a.size() < b.size();
  }
  bool InGap(std::string_view key, const Cursor& c) const {
    return c.in_gap && (c.gap_begin == nullptr || !Less(key, *c.gap_begin)) &&
           (c.gap_end == nullptr || Less(key, *c.gap_end));
  }
  // Find without the cursor's gap: the slices' search, or a step from the cursor's index.
  const Fragment* Search(std::string_view user_key, Cursor* cursor) const;
  // Records in *cursor (if given) that the last lookup ended at fragment `index` (kNoHint:
  // before the first) with no fragment holding its key.
  void EndInGap(size_t index, Cursor* cursor) const;

  // The slice of `key` that the arrays below hold for the boundaries: the 8 bytes after
  // prefix_, big-endian, zero-padded. Slices order keys that share prefix_ as the keys are
  // ordered, except that equal slices say nothing.
  static uint64_t LoadSlice(std::string_view key, size_t offset) {
    if (key.size() >= offset + 8) return LoadBigEndian(key.data() + offset);
    if (key.size() <= offset) return 0;
    const size_t n = key.size() - offset;  // 1 to 7 bytes, then zeros
    if (key.size() >= 8) return LoadBigEndian(key.data() + key.size() - 8) << (8 * (8 - n));
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++) {
      v = (v << 8) | (i < n ? static_cast<unsigned char>(key[offset + i]) : 0);
    }
    return v;
  }
  static uint64_t LoadBigEndian(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof(v));
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    return v;
  }
  uint64_t SliceOf(std::string_view key) const { return LoadSlice(key, prefix_.size()); }
  // Whether fragment i begins at or before `key` / ends after it; `slice` is SliceOf(key).
  bool BeginsAtOrBefore(size_t i, std::string_view key, uint64_t slice) const {
    if (begin_slices_.empty()) return !Less(key, fragments_[i].begin);
    return begin_slices_[i] != slice ? begin_slices_[i] < slice : !Less(key, fragments_[i].begin);
  }
  bool EndsAfter(size_t i, std::string_view key, uint64_t slice) const {
    if (end_slices_.empty()) return Less(key, fragments_[i].end);
    return end_slices_[i] != slice ? end_slices_[i] > slice : Less(key, fragments_[i].end);
  }
  // The first fragment whose begin slice is at least / above `slice`.
  size_t LowerBound(uint64_t slice) const;
  size_t UpperBound(uint64_t slice) const;

  const Comparator* ucmp_ = nullptr;
  bool bytewise_ = false;  // ucmp_ is the bytewise comparator: compare without a call
  std::vector<RangeTombstone> tombstones_;
  std::vector<Fragment> fragments_;
  // Bytewise only: the prefix every boundary shares, and each fragment's begin and end slice.
  std::string prefix_;
  std::vector<uint64_t> begin_slices_;
  std::vector<uint64_t> end_slices_;
  // Every kStride-th begin slice: a search narrows to kStride slices in this small array first.
  static constexpr size_t kStride = 64;
  std::vector<uint64_t> sampled_slices_;
};

// Widens a table's internal-key range [*smallest, *largest] (empty strings: none yet) over a
// tombstone it holds: down to (begin, kMaxSequenceNumber, kValue), which sorts before every
// entry of begin, and up to (end, kMaxSequenceNumber, kMerge), which sorts before that, so a
// table that starts at end (where a tombstone cut at end goes on) still begins after it.
void WidenRangeOver(const InternalKeyComparator& icmp, const RangeTombstone& t,
                    std::string* smallest, std::string* largest);

}  // namespace lsm

#endif  // LSM_BASE_RANGE_TOMBSTONES_H_
