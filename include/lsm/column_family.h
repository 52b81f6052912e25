// Column families: named key spaces of one database. Each family has its own memtables,
// tables, compaction and ColumnFamilyOptions (comparator, merge operator, ...); all of them
// share the write-ahead log, so a WriteBatch that spans families is atomic, and sequence
// numbers, so a snapshot covers every family.
//
//   lsm::ColumnFamilyHandle* cf;
//   lsm::Status s = db->CreateColumnFamily(lsm::ColumnFamilyOptions(), "offsets", &cf);
//   s = db->Put(lsm::WriteOptions(), cf, "partition-0", "42");
//   batch.Put(cf, "k", "v");                    // lsm::WriteBatch across families
//
// A database opened with DB::Open(options, name, &db) has only its default family
// (kDefaultColumnFamilyName); one with several is opened with descriptors, naming them all:
//
//   std::vector<lsm::ColumnFamilyDescriptor> descs = {{"default", cfo}, {"offsets", cfo}};
//   std::vector<lsm::ColumnFamilyHandle*> handles;
//   s = lsm::DB::Open(dbo, "/path/to/db", descs, &handles, &db);
//
// Handles belong to the database: they stay valid until the family is dropped or the
// database closed; a call with a dropped family's handle (or after Close) is InvalidArgument.
#ifndef LSM_COLUMN_FAMILY_H_
#define LSM_COLUMN_FAMILY_H_

#include <cstdint>
#include <string>

#include "lsm/options.h"

namespace lsm {

// The family every database has, and which calls without a handle use.
inline constexpr const char* kDefaultColumnFamilyName = "default";

class ColumnFamilyHandle {
 public:
  virtual ~ColumnFamilyHandle() = default;
  virtual const std::string& GetName() const = 0;
  // The family's number in the database's files (the default family's is 0).
  virtual uint32_t GetID() const = 0;
};

// A family to open, and its options.
struct ColumnFamilyDescriptor {
  std::string name;
  ColumnFamilyOptions options;
};

}  // namespace lsm

#endif  // LSM_COLUMN_FAMILY_H_
