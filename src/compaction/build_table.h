// BuildTable: writes the entries of an internal iterator to a new, synced table file. Flush
// uses it to turn a memtable into a level-0 table.
//
//   FileMetaData meta;
//   meta.number = versions->NewFileNumber();
//   Status s = BuildTable(dbname, fs, topts, mem_iter.get(), &meta);
//   if (s.ok() && meta.file_size > 0) edit.AddFile(0, meta);
//
// The file is synced and closed before BuildTable returns OK, so a MANIFEST record may name
// it. When the iterator is empty no file is left behind and meta->file_size is 0. On error
// the partial file is removed.
// Thread-safety: any thread; touches only its own file.
#ifndef LSM_COMPACTION_BUILD_TABLE_H_
#define LSM_COMPACTION_BUILD_TABLE_H_

#include <string>

#include "lsm/file_system.h"
#include "lsm/status.h"
#include "src/base/internal_iterator.h"
#include "src/sstable/table_options.h"
#include "src/version/version_edit.h"

namespace lsm {

// REQUIRES: meta->number is a fresh file number; iter is positioned anywhere.
Status BuildTable(const std::string& dbname, FileSystem* fs, const TableOptions& options,
                  InternalIterator* iter, FileMetaData* meta);

}  // namespace lsm

#endif  // LSM_COMPACTION_BUILD_TABLE_H_
