// A skiplist of 8-byte fixed64 integer keys, ordered numerically, for the skiplist tests.
//   ConcurrentArena arena;
//   U64SkipList list(U64Cmp(), &arena);
#ifndef LSM_TESTS_MEMTABLE_U64_SKIPLIST_H_
#define LSM_TESTS_MEMTABLE_U64_SKIPLIST_H_

#include <cstdint>

#include "src/memtable/skiplist.h"
#include "src/util/coding.h"

namespace lsm {

struct U64Cmp {
  using Decoded = uint64_t;
  Decoded Decode(const char* key) const { return DecodeFixed64(key); }
  int Compare(const char* key, const Decoded& target) const {
    const uint64_t k = Decode(key);
    return k < target ? -1 : (k > target ? +1 : 0);
  }
};
using U64SkipList = SkipList<U64Cmp>;

}  // namespace lsm

#endif  // LSM_TESTS_MEMTABLE_U64_SKIPLIST_H_
