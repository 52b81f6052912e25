// lsm::Comparator: the total order of user keys.
//
// The order of keys in every memtable and table is defined by the comparator named at
// DB::Open; a database must be reopened with a comparator of the same Name(). The default,
// BytewiseComparator(), orders keys as unsigned byte strings (memcmp, shorter first on a tie).
//
//   struct ReverseComparator : lsm::Comparator { ... };
//   options.comparator = &my_reverse_comparator;  // must outlive the DB
//
// Thread-safety: implementations must be safe to call from several threads at once.
#ifndef LSM_COMPARATOR_H_
#define LSM_COMPARATOR_H_

#include <string>
#include <string_view>

namespace lsm {

class Comparator {
 public:
  virtual ~Comparator() = default;

  // < 0 when a < b, 0 when equal, > 0 when a > b.
  virtual int Compare(std::string_view a, std::string_view b) const = 0;

  // Persisted in every table; a database refuses to open under a comparator of another name.
  virtual const char* Name() const = 0;

  // May shorten *start to any string s with *start <= s < limit (limit > *start). Used to make
  // index entries short; leaving *start unchanged is always correct.
  virtual void FindShortestSeparator(std::string* start, std::string_view limit) const = 0;

  // May change *key to any string s >= *key. Leaving it unchanged is always correct.
  virtual void FindShortSuccessor(std::string* key) const = 0;
};

// The default comparator: lexicographic order of unsigned bytes. A process-wide singleton that
// is never destroyed.
const Comparator* BytewiseComparator();

}  // namespace lsm

#endif  // LSM_COMPARATOR_H_
