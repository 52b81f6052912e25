// lsm::CompactionFilter: a user callback that compaction asks, for the newest value of each
// key, whether to keep, remove or change it. TTL, schema migration and garbage collection of
// application-level tombstones are built on it.
//
//   class DropExpired : public lsm::CompactionFilter {
//    public:
//     Decision Filter(int level, std::string_view key, std::string_view value,
//                     std::string* new_value) const override {
//       return IsExpired(value) ? Decision::kRemove : Decision::kKeep;
//     }
//     const char* Name() const override { return "DropExpired"; }
//   };
//   DropExpired filter;               // must outlive the database
//   options.compaction_filter = &filter;
//
// The filter sees only values (not deletions) that are the newest version of their key and
// newer than every live snapshot, so no snapshot's view ever changes. kRemove hides the key as
// a deletion would (older versions below do not come back). Flushes do not call the filter.
// In a TTL family (ColumnFamilyOptions::ttl_seconds) expired values are removed first, and the
// filter sees the others without their write time; a value it changes keeps that time.
// Thread-safety: Filter may be called from several compaction threads at once.
#ifndef LSM_COMPACTION_FILTER_H_
#define LSM_COMPACTION_FILTER_H_

#include <string>
#include <string_view>

namespace lsm {

class CompactionFilter {
 public:
  enum class Decision {
    kKeep,         // keep the value as it is
    kRemove,       // remove the key
    kChangeValue,  // replace the value with *new_value
  };

  virtual ~CompactionFilter() = default;

  // `level` is the level the compaction writes to.
  virtual Decision Filter(int level, std::string_view key, std::string_view existing_value,
                          std::string* new_value) const = 0;

  // Names the filter in the info log and in errors.
  virtual const char* Name() const = 0;
};

}  // namespace lsm

#endif  // LSM_COMPACTION_FILTER_H_
