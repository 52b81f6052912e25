// InternalIterator: the cursor every internal source (memtable, block, table, merged view)
// implements. Keys are whatever the source orders by its comparator, normally internal keys.
//
// Unlike the public lsm::Iterator it is not limited to the user's view: it shows every version
// and tombstone. key() and value() stay valid until the iterator moves, unless the source
// documents longer.
// Thread-safety: one thread at a time.
#ifndef LSM_BASE_INTERNAL_ITERATOR_H_
#define LSM_BASE_INTERNAL_ITERATOR_H_

#include <cstdint>
#include <string_view>

#include "lsm/status.h"

namespace lsm {

class InternalIterator {
 public:
  InternalIterator() = default;
  InternalIterator(const InternalIterator&) = delete;
  InternalIterator& operator=(const InternalIterator&) = delete;
  virtual ~InternalIterator() = default;

  virtual bool Valid() const = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // First entry with key >= target.
  virtual void Seek(std::string_view target) = 0;
  // Seek for an iterator that shows only the user keys with one prefix, the one whose
  // BloomHash is `prefix_hash` (ReadOptions::prefix_same_as_start): a source whose prefix
  // filter rules it out may become invalid instead. The default seeks.
  virtual void SeekPrefixed(std::string_view target, uint64_t /*prefix_hash*/) { Seek(target); }
  // Last entry with key <= target.
  virtual void SeekForPrev(std::string_view target) = 0;
  // REQUIRES: Valid().
  virtual void Next() = 0;
  // REQUIRES: Valid().
  virtual void Prev() = 0;
  // REQUIRES: Valid().
  virtual std::string_view key() const = 0;
  // REQUIRES: Valid().
  virtual std::string_view value() const = 0;
  // Non-OK once an error was met; Valid() is then false.
  virtual Status status() const = 0;

  // For a merged view of internal keys, going forward: a range tombstone at `sequence` covers
  // every user key from the current one up to `target` (an internal key). Moves each source
  // that holds nothing newer than `sequence` and sits before target to its first entry at or
  // after target, in one seek: everything it skips is covered. Returns true if the current
  // entry changed. The default moves nothing.
  virtual bool SkipOlderThan(std::string_view /*target*/, uint64_t /*sequence*/) { return false; }
  // The same going backward: the tombstone covers every user key from `target`'s up to the
  // current one, and target sorts before every entry of its user key. Each source that holds
  // nothing newer than `sequence` and sits after target moves to its last entry before
  // target, in one seek.
  virtual bool SkipOlderThanBackward(std::string_view /*target*/, uint64_t /*sequence*/) {
    return false;
  }
};

}  // namespace lsm

#endif  // LSM_BASE_INTERNAL_ITERATOR_H_
