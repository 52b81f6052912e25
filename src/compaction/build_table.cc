#include "src/compaction/build_table.h"

#include "src/base/filename.h"
#include "src/sstable/table_builder.h"
#include "src/util/killpoint.h"

namespace lsm {

Status BuildTable(const std::string& dbname, FileSystem* fs, const TableOptions& options,
                  InternalIterator* iter, FileMetaData* meta) {
  meta->file_size = 0;
  iter->SeekToFirst();
  if (!iter->Valid()) return iter->status();

  const std::string path = TableFileName(dbname, meta->number);
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(path, &file);
  if (!s.ok()) return s;
  {
    TableBuilder builder(options, file.get());
    meta->smallest.assign(iter->key());
    for (; iter->Valid(); iter->Next()) {
      meta->largest.assign(iter->key());
      builder.Add(iter->key(), iter->value());
    }
    s = iter->status();
    if (s.ok()) {
      s = builder.Finish();
    } else {
      builder.Abandon();
    }
    if (s.ok()) {
      meta->file_size = builder.FileSize();
      meta->smallest_seqno = builder.properties().smallest_seqno;
      meta->largest_seqno = builder.properties().largest_seqno;
    }
  }
  if (s.ok()) s = file->Sync();
  if (s.ok()) LSM_KILLPOINT("sst.synced");
  if (s.ok()) s = file->Close();
  if (!s.ok()) {
    meta->file_size = 0;
    (void)file->Close();
    (void)fs->RemoveFile(path);
  }
  return s;
}

}  // namespace lsm
