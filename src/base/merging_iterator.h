// MergingIterator: one ordered view over several InternalIterators (memtables, tables).
//
//   std::vector<std::unique_ptr<InternalIterator>> children = ...;
//   std::unique_ptr<InternalIterator> it = NewMergingIterator(&icmp, std::move(children));
//   for (it->SeekToFirst(); it->Valid(); it->Next()) ...
//
// Entries with equal keys from different children are all shown, child order breaking ties
// (an earlier child first), so pass newer sources first. The view is a plain merge: hiding
// shadowed versions and tombstones is the caller's job.
// A child's error makes the merged iterator invalid with that status.
// Thread-safety: one thread at a time.
#ifndef LSM_BASE_MERGING_ITERATOR_H_
#define LSM_BASE_MERGING_ITERATOR_H_

#include <memory>
#include <vector>

#include "lsm/comparator.h"
#include "src/base/internal_iterator.h"

namespace lsm {

// Returns an empty iterator for no children and the child itself for one. `newest`, if not
// empty, holds for each child the newest sequence it may hold (its internal keys' largest),
// for SkipOlderThan and SkipOlderThanBackward.
std::unique_ptr<InternalIterator> NewMergingIterator(
    const Comparator* comparator, std::vector<std::unique_ptr<InternalIterator>> children,
    std::vector<uint64_t> newest = {});

// An iterator over nothing, with the given status (OK: simply empty).
std::unique_ptr<InternalIterator> NewEmptyIterator(Status status = Status::OK());

}  // namespace lsm

#endif  // LSM_BASE_MERGING_ITERATOR_H_
