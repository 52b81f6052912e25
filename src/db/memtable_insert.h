// InsertInto: adds a write batch's records to a memtable, numbered from the batch's sequence,
// and reports them to the memtable's entry and deletion counts. The write path, recovery and
// RepairDB all fill memtables through it.
//
//   Status s = InsertInto(batch, mem, /*concurrent=*/false);
//
// `concurrent`: other threads insert into the same memtable at the same time (the members of
// a write group). `merges_allowed` false: a Merge record is InvalidArgument (recovery without
// a merge operator). Returns the batch's decoding error, if any, after inserting the records
// before it.
#ifndef LSM_DB_MEMTABLE_INSERT_H_
#define LSM_DB_MEMTABLE_INSERT_H_

#include "lsm/status.h"
#include "lsm/write_batch.h"
#include "src/memtable/memtable.h"

namespace lsm {

Status InsertInto(const WriteBatch& batch, MemTable* mem, bool concurrent,
                  bool merges_allowed = true);

}  // namespace lsm

#endif  // LSM_DB_MEMTABLE_INSERT_H_
