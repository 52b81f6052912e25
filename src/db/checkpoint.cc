// lsm::Checkpoint (include/lsm/checkpoint.h): checks its arguments and hands the work to the
// database (DBImpl::CreateCheckpoint, src/db/db_checkpoint.cc).
#include "lsm/checkpoint.h"

#include "src/db/db_impl.h"

namespace lsm {

Status Checkpoint::Create(DB* db, const std::string& dir) {
  return Create(db, dir, CheckpointOptions(), nullptr);
}

Status Checkpoint::Create(DB* db, const std::string& dir, const CheckpointOptions& options,
                          CheckpointInfo* info) {
  if (db == nullptr) return Status::InvalidArgument("Checkpoint::Create: the database is null");
  // "/a/b/" is the directory "/a/b": its staging directory is "/a/b.tmp".
  std::string path = dir;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.empty()) {
    return Status::InvalidArgument("Checkpoint::Create: the checkpoint directory is empty");
  }
  auto* impl = dynamic_cast<DBImpl*>(db);
  if (impl == nullptr) {
    return Status::NotSupported("Checkpoint::Create: not a database opened by DB::Open");
  }
  return impl->CreateCheckpoint(path, options, info);
}

}  // namespace lsm
