// DBIter: the user's view of an internal iterator. It shows, for each user key, the newest
// entry visible at a sequence number, hides deletions and older versions, merges a key's
// merge operands onto the value or deletion below them, and keeps to the optional lower and
// upper bounds of ReadOptions.
//
//   std::unique_ptr<Iterator> it = NewDBIterator(user_cmp, merge_operator, std::move(merged),
//                                                seq, options, std::move(pin));
//
// `pin` is held for the iterator's lifetime (the Version whose files it reads). `tombstones`
// are the range tombstones of the sources (the memtables', the tables'): an entry below one
// at or below `sequence` is hidden as if deleted, and the sources older than the tombstone
// skip past it in one seek, going forward or backward (InternalIterator::SkipOlderThan and
// SkipOlderThanBackward).
// With options.prefix_same_as_start and a `prefix_extractor`, a Seek or SeekForPrev to a
// target in its domain keeps the iterator to the target's prefix, and a Seek asks the sources
// to skip by their prefix filters (InternalIterator::SeekPrefixed) unless
// options.total_order_seek.
// An internal key that does not parse, or a merge that fails, makes the iterator invalid with
// the error (FullMerge in src/base/get_context.h words it). merge_operator may be null.
// Thread-safety: one thread at a time.
#ifndef LSM_DB_DB_ITER_H_
#define LSM_DB_DB_ITER_H_

#include <memory>
#include <vector>

#include "lsm/comparator.h"
#include "lsm/iterator.h"
#include "lsm/options.h"
#include "lsm/slice_transform.h"
#include "src/base/dbformat.h"
#include "src/base/internal_iterator.h"
#include "src/base/range_tombstones.h"

namespace lsm {

std::unique_ptr<Iterator> NewDBIterator(
    const Comparator* user_comparator, const MergeOperator* merge_operator,
    std::unique_ptr<InternalIterator> internal, SequenceNumber sequence, const ReadOptions& options,
    std::shared_ptr<const void> pin,
    std::vector<std::shared_ptr<const RangeTombstoneList>> tombstones,
    const SliceTransform* prefix_extractor = nullptr);

}  // namespace lsm

#endif  // LSM_DB_DB_ITER_H_
