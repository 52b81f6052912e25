// InsertInto: adds a write batch's records to the memtables of their column families, numbered
// from the batch's sequence, and reports them to each memtable's entry and deletion counts.
// The write path, recovery and RepairDB all fill memtables through it.
//
//   MemTableSet mems;
//   mems.Add(0, default_mem);
//   mems.Add(3, offsets_mem, /*merges_allowed=*/false);
//   Status s = InsertInto(batch, mems, /*concurrent=*/false);
//
// `concurrent`: other threads insert into the same memtables at the same time (the members of
// a write group). Records of a family the set does not hold are skipped: a family dropped
// after the batch was checked, or (in recovery) one whose log number says the record is in
// its tables already. A Merge record of a family added with merges_allowed false is
// InvalidArgument (recovery without a merge operator). Returns the batch's decoding error, if
// any, after inserting the records before it.
#ifndef LSM_DB_MEMTABLE_INSERT_H_
#define LSM_DB_MEMTABLE_INSERT_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lsm/status.h"
#include "lsm/write_batch.h"
#include "src/memtable/memtable.h"

namespace lsm {

// The memtables a batch's records go to, one per column family.
class MemTableSet {
 public:
  struct Entry {
    uint32_t cf;
    MemTable* mem;
    bool merges_allowed;
  };
  void Add(uint32_t cf, MemTable* mem, bool merges_allowed = true) {
    entries_.push_back(Entry{cf, mem, merges_allowed});
  }
  // The entry of family `cf`, or null.
  const Entry* Find(uint32_t cf) const {
    for (const Entry& e : entries_) {
      if (e.cf == cf) return &e;
    }
    return nullptr;
  }
  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Entry> entries_;
};

Status InsertInto(const WriteBatch& batch, const MemTableSet& mems, bool concurrent);

// The same with only the default family's memtable.
Status InsertInto(const WriteBatch& batch, MemTable* mem, bool concurrent,
                  bool merges_allowed = true);

// The memtable Room() InsertInto may take for `batch` in each family (it may write to any).
inline size_t RoomFor(const WriteBatch& batch) {
  return MemTable::BytesFor(batch.Count(), batch.ApproximateSize());
}

}  // namespace lsm

#endif  // LSM_DB_MEMTABLE_INSERT_H_
