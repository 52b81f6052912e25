// lsm::SliceTransform: the prefix of a key, for prefix seeks (ColumnFamilyOptions::
// prefix_extractor). Tables and memtables of a family with an extractor keep bloom filters of
// their keys' prefixes, so that an iterator with ReadOptions::prefix_same_as_start skips every
// table and memtable that holds no key of the prefix it seeks.
//
//   options.prefix_extractor = lsm::NewFixedPrefixTransform(8);
//   lsm::ReadOptions ro;
//   ro.prefix_same_as_start = true;
//   auto it = db->NewIterator(ro);
//   for (it->Seek("user0042:"); it->Valid(); it->Next()) ...   // keys starting "user0042"
//
// A user-defined transform must be deterministic, and the keys that share a prefix must be
// adjacent in the family's key order (true of any leading byte range under the bytewise
// comparator). Its Name() is stored in every table built with it; a table built with another
// name (or none) is read without its prefix filter, never wrongly.
// Thread-safety: Transform and InDomain may be called from many threads at once.
#ifndef LSM_SLICE_TRANSFORM_H_
#define LSM_SLICE_TRANSFORM_H_

#include <cstddef>
#include <memory>
#include <string_view>

namespace lsm {

class SliceTransform {
 public:
  virtual ~SliceTransform() = default;

  // Names the transform in tables and in the OPTIONS file.
  virtual const char* Name() const = 0;

  // Whether `key` has a prefix. Keys outside the domain are in no prefix filter, and a seek
  // to one is an ordinary seek.
  virtual bool InDomain(std::string_view key) const = 0;

  // The prefix of `key`, a view into it. REQUIRES: InDomain(key).
  virtual std::string_view Transform(std::string_view key) const = 0;
};

// The first `prefix_len` bytes of keys that have at least that many ("lsm.FixedPrefix.<len>").
// REQUIRES: prefix_len >= 1.
std::shared_ptr<const SliceTransform> NewFixedPrefixTransform(size_t prefix_len);

// The first `cap_len` bytes of every key, or the whole of a shorter one
// ("lsm.CappedPrefix.<len>"). REQUIRES: cap_len >= 1.
std::shared_ptr<const SliceTransform> NewCappedPrefixTransform(size_t cap_len);

// The built-in transform of this name ("lsm.FixedPrefix.<len>" or "lsm.CappedPrefix.<len>"),
// or null.
std::shared_ptr<const SliceTransform> BuiltinSliceTransform(std::string_view name);

}  // namespace lsm

#endif  // LSM_SLICE_TRANSFORM_H_
