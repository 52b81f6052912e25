#include "src/base/range_tombstones.h"

#include <algorithm>

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
}

const RangeTombstoneList::Fragment* RangeTombstoneList::Find(std::string_view user_key,
                                                             size_t* hint) const {
  // i: the last fragment that begins at or before user_key.
  size_t i;
  const size_t n = fragments_.size();
  if (hint != nullptr && *hint < n && !Less(user_key, fragments_[*hint].begin) &&
      (*hint + 1 == n || Less(user_key, fragments_[*hint + 1].begin))) {
    i = *hint;  // the same fragment, or the gap after it
  } else if (hint != nullptr && *hint + 1 < n && !Less(user_key, fragments_[*hint + 1].begin) &&
             (*hint + 2 >= n || Less(user_key, fragments_[*hint + 2].begin))) {
    i = *hint + 1;  // the next one (after kNoHint, which wraps: the first)
  } else {
    auto it = std::upper_bound(
        fragments_.begin(), fragments_.end(), user_key,
        [this](std::string_view k, const Fragment& f) { return Less(k, f.begin); });
    if (it == fragments_.begin()) {
      if (hint != nullptr) *hint = kNoHint;
      return nullptr;
    }
    i = static_cast<size_t>(it - fragments_.begin()) - 1;
  }
  if (hint != nullptr) *hint = i;
  return Less(user_key, fragments_[i].end) ? &fragments_[i] : nullptr;
}

SequenceNumber RangeTombstoneList::Covering(std::string_view user_key, SequenceNumber read_seq,
                                            size_t* hint, const Fragment** fragment) const {
  const Fragment* f = Find(user_key, hint);
  if (f == nullptr) return 0;
  for (SequenceNumber s : f->seqs) {
    if (s <= read_seq) {
      if (fragment != nullptr) *fragment = f;
      return s;
    }
  }
  return 0;
}

SequenceNumber RangeTombstoneList::CoveringAbove(std::string_view user_key,
                                                 SequenceNumber seq) const {
  const Fragment* f = Find(user_key);
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
