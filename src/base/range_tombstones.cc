#include "src/base/range_tombstones.h"

#include <algorithm>
#include <cstddef>

namespace lsm {

RangeTombstoneList::RangeTombstoneList(const Comparator* ucmp,
                                       std::vector<RangeTombstone> tombstones,
                                       SequenceNumber max_seq)
    : ucmp_(ucmp), bytewise_(ucmp == BytewiseComparator()) {
  std::erase_if(tombstones, [&](const RangeTombstone& t) {
    return t.seq > max_seq || ucmp->Compare(t.begin, t.end) >= 0;
  });
  std::sort(tombstones.begin(), tombstones.end(),
            [ucmp](const RangeTombstone& a, const RangeTombstone& b) {
              const int c = ucmp->Compare(a.begin, b.begin);
              return c != 0 ? c < 0 : a.seq > b.seq;
            });
  tombstones_ = std::move(tombstones);
  if (tombstones_.empty()) return;
  // Sweep the boundaries in order: between two consecutive ones the same tombstones apply.
  std::vector<std::string_view> bounds;
  for (const RangeTombstone& t : tombstones_) {
    bounds.push_back(t.begin);
    bounds.push_back(t.end);
  }
  auto less = [ucmp](std::string_view a, std::string_view b) { return ucmp->Compare(a, b) < 0; };
  auto equal = [ucmp](std::string_view a, std::string_view b) { return ucmp->Compare(a, b) == 0; };
  std::sort(bounds.begin(), bounds.end(), less);
  bounds.erase(std::unique(bounds.begin(), bounds.end(), equal), bounds.end());
  std::vector<const RangeTombstone*> active;
  size_t next = 0;
  for (size_t i = 0; i + 1 < bounds.size(); i++) {
    const std::string_view begin = bounds[i];
    while (next < tombstones_.size() && ucmp->Compare(tombstones_[next].begin, begin) <= 0) {
      active.push_back(&tombstones_[next++]);
    }
    std::erase_if(active,
                  [&](const RangeTombstone* t) { return ucmp->Compare(t->end, begin) <= 0; });
    if (active.empty()) continue;
    Fragment f;
    f.begin.assign(begin);
    f.end.assign(bounds[i + 1]);
    for (const RangeTombstone* t : active) f.seqs.push_back(t->seq);
    std::sort(f.seqs.begin(), f.seqs.end(), std::greater<>());
    fragments_.push_back(std::move(f));
  }
  if (!bytewise_ || fragments_.empty()) return;
  // Every boundary lies between the first and the last, so shares their common prefix.
  const std::string& first = fragments_.front().begin;
  const std::string& last = fragments_.back().end;
  const auto diverge = std::mismatch(first.begin(), first.end(), last.begin(), last.end());
  prefix_.assign(first.begin(), diverge.first);
  begin_slices_.reserve(fragments_.size());
  end_slices_.reserve(fragments_.size());
  for (const Fragment& f : fragments_) {
    begin_slices_.push_back(LoadSlice(f.begin, prefix_.size()));
    end_slices_.push_back(LoadSlice(f.end, prefix_.size()));
  }
  for (size_t i = 0; i < begin_slices_.size(); i += kStride) {
    sampled_slices_.push_back(begin_slices_[i]);
  }
}

size_t RangeTombstoneList::LowerBound(uint64_t slice) const {
  // Sample t is the first at or above slice: the answer lies after sample t - 1, up to sample t.
  const size_t t =
      static_cast<size_t>(std::lower_bound(sampled_slices_.begin(), sampled_slices_.end(), slice) -
                          sampled_slices_.begin());
  const auto from =
      begin_slices_.begin() + static_cast<std::ptrdiff_t>(t == 0 ? 0 : (t - 1) * kStride);
  const auto to = begin_slices_.begin() +
                  static_cast<std::ptrdiff_t>(std::min(t * kStride, begin_slices_.size()));
  return static_cast<size_t>(std::lower_bound(from, to, slice) - begin_slices_.begin());
}

size_t RangeTombstoneList::UpperBound(uint64_t slice) const {
  const size_t t =
      static_cast<size_t>(std::upper_bound(sampled_slices_.begin(), sampled_slices_.end(), slice) -
                          sampled_slices_.begin());
  const auto from =
      begin_slices_.begin() + static_cast<std::ptrdiff_t>(t == 0 ? 0 : (t - 1) * kStride);
  const auto to = begin_slices_.begin() +
                  static_cast<std::ptrdiff_t>(std::min(t * kStride, begin_slices_.size()));
  return static_cast<size_t>(std::upper_bound(from, to, slice) - begin_slices_.begin());
}

const RangeTombstoneList::Fragment* RangeTombstoneList::Search(std::string_view user_key,
                                                               Cursor* cursor) const {
  const size_t n = fragments_.size();
  if (n == 0) return nullptr;
  // A key without the boundaries' common prefix lies before or after all of them.
  if (!prefix_.empty() && !user_key.starts_with(prefix_)) {
    EndInGap(user_key < prefix_ ? kNoHint : n - 1, cursor);
    return nullptr;
  }
  const uint64_t slice = begin_slices_.empty() ? 0 : SliceOf(user_key);
  const size_t hint = cursor != nullptr ? cursor->index : kNoHint;
  // i: the last fragment that begins at or before user_key.
  size_t i;
  if (hint < n && BeginsAtOrBefore(hint, user_key, slice) &&
      (hint + 1 == n || !BeginsAtOrBefore(hint + 1, user_key, slice))) {
    i = hint;  // the same fragment, or the gap after it
  } else if (cursor != nullptr && hint + 1 < n && BeginsAtOrBefore(hint + 1, user_key, slice) &&
             (hint + 2 >= n || !BeginsAtOrBefore(hint + 2, user_key, slice))) {
    i = hint + 1;  // the next one (after kNoHint, which wraps: the first)
  } else {
    // The fragments that begin after user_key start at `after`. With slices, those whose
    // slice ties with the key's are told apart by their keys.
    size_t lo = 0, hi = n;
    if (!begin_slices_.empty()) {
      lo = LowerBound(slice);
      hi = lo == n || begin_slices_[lo] != slice ? lo : UpperBound(slice);
    }
    const auto first = fragments_.begin();
    const size_t after =
        static_cast<size_t>(std::upper_bound(first + lo, first + hi, user_key,
                                             [this](std::string_view k, const Fragment& f) {
                                               return Less(k, f.begin);
                                             }) -
                            first);
    if (after == 0) {
      EndInGap(kNoHint, cursor);
      return nullptr;
    }
    i = after - 1;
  }
  if (EndsAfter(i, user_key, slice)) {
    if (cursor != nullptr) {
      cursor->index = i;
      cursor->in_gap = false;
    }
    return &fragments_[i];
  }
  EndInGap(i, cursor);
  return nullptr;
}

void RangeTombstoneList::EndInGap(size_t index, Cursor* cursor) const {
  if (cursor == nullptr) return;
  cursor->index = index;
  cursor->in_gap = true;
  cursor->gap_begin = index == kNoHint ? nullptr : &fragments_[index].end;
  cursor->gap_end = index + 1 < fragments_.size() ? &fragments_[index + 1].begin : nullptr;
}

SequenceNumber RangeTombstoneList::CoveringAbove(std::string_view user_key, SequenceNumber seq,
                                                 Cursor* cursor) const {
  const Fragment* f = Find(user_key, cursor);
  if (f == nullptr) return 0;
  SequenceNumber above = 0;
  for (SequenceNumber s : f->seqs) {
    if (s <= seq) break;
    above = s;
  }
  return above;
}

void WidenRangeOver(const InternalKeyComparator& icmp, const RangeTombstone& t,
                    std::string* smallest, std::string* largest) {
  std::string key;
  AppendInternalKey(&key, ParsedInternalKey(t.begin, kMaxSequenceNumber, ValueType::kValue));
  if (smallest->empty() || icmp.Compare(key, *smallest) < 0) *smallest = key;
  key.clear();
  AppendInternalKey(&key, ParsedInternalKey(t.end, kMaxSequenceNumber, ValueType::kMerge));
  if (largest->empty() || icmp.Compare(key, *largest) > 0) *largest = key;
}

}  // namespace lsm
