// lsm::WriteBatch: a group of updates applied atomically by DB::Write.
//
//   lsm::WriteBatch batch;
//   batch.Put("k1", "v1");
//   batch.Delete("k0");
//   lsm::Status s = db->Write(lsm::WriteOptions{.sync = true}, &batch);
//
// Either every update of a batch is recovered after a crash or none is. Updates are applied in
// the order they were added, so a later update of a key in the same batch wins.
//
// Encoding (little-endian; this is also the payload of a write-ahead-log record):
//   batch   := sequence:fixed64 count:fixed32 record*
//   record  := kValue(0x01)    key:varstring value:varstring
//            | kDeletion(0x00) key:varstring
//            | kMerge(0x02)    key:varstring operand:varstring
//            | kRangeDeletion(0x0F) begin:varstring end:varstring
//            | kColumnFamilyDeletion(0x04) cf:varint32 key:varstring
//            | kColumnFamilyValue(0x05)    cf:varint32 key:varstring value:varstring
//            | kColumnFamilyMerge(0x06)    cf:varint32 key:varstring operand:varstring
//            | kColumnFamilyRangeDeletion(0x0E) cf:varint32 begin:varstring end:varstring
//   varstring := length:varint32 bytes[length]
// Records of the default column family (ID 0) use the first four tags; those of any other
// family the last four, which name the family's ID.
// `sequence` is the sequence number of the first record, assigned by the database when the
// batch is written; `count` is the number of records.
//
// Thread-safety: const methods may be called concurrently; anything else needs exclusion.
#ifndef LSM_WRITE_BATCH_H_
#define LSM_WRITE_BATCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lsm/status.h"

namespace lsm {

class ColumnFamilyHandle;

class WriteBatch {
 public:
  // Receives the records of a batch, in order, from Iterate().
  class Handler {
   public:
    virtual ~Handler() = default;
    virtual Status Put(std::string_view key, std::string_view value) = 0;
    virtual Status Delete(std::string_view key) = 0;
    // The defaults refuse the record: NotSupported.
    virtual Status Merge(std::string_view key, std::string_view operand);
    virtual Status DeleteRange(std::string_view begin, std::string_view end);
    // Iterate() calls these for every record, with the record's column family ID. For ID 0
    // the defaults call the methods above; for any other, they refuse the record with
    // InvalidArgument naming the family.
    virtual Status PutCF(uint32_t cf, std::string_view key, std::string_view value);
    virtual Status DeleteCF(uint32_t cf, std::string_view key);
    virtual Status MergeCF(uint32_t cf, std::string_view key, std::string_view operand);
    virtual Status DeleteRangeCF(uint32_t cf, std::string_view begin, std::string_view end);
  };

  WriteBatch();
  WriteBatch(const WriteBatch&) = default;
  WriteBatch& operator=(const WriteBatch&) = default;
  WriteBatch(WriteBatch&&) noexcept = default;
  WriteBatch& operator=(WriteBatch&&) noexcept = default;
  ~WriteBatch() = default;

  // Stores key -> value. Sizes are checked when the batch is written: a key over kMaxKeySize
  // or a value over kMaxValueSize makes DB::Write fail with InvalidArgument.
  void Put(std::string_view key, std::string_view value);

  // Removes key, if present.
  void Delete(std::string_view key);

  // Merges `operand` into key's value through Options::merge_operator (merge_operator.h).
  // DB::Write fails with InvalidArgument if the database has no merge operator.
  void Merge(std::string_view key, std::string_view operand);

  // Removes every key in [begin, end) (by the database's comparator) written before it.
  // DB::Write fails with InvalidArgument if begin sorts after end; begin == end removes nothing.
  void DeleteRange(std::string_view begin, std::string_view end);

  // The same, in column family `cf` (null: the default family). DB::Write fails with
  // InvalidArgument if the family was dropped.
  void Put(ColumnFamilyHandle* cf, std::string_view key, std::string_view value);
  void Delete(ColumnFamilyHandle* cf, std::string_view key);
  void Merge(ColumnFamilyHandle* cf, std::string_view key, std::string_view operand);
  void DeleteRange(ColumnFamilyHandle* cf, std::string_view begin, std::string_view end);

  // Removes every record.
  void Clear();

  // Number of records.
  uint32_t Count() const;

  // Bytes of the encoded batch.
  size_t ApproximateSize() const { return rep_.size(); }

  // Calls handler for each record in order. Stops at, and returns, the first non-OK status of
  // the handler; returns Corruption if the encoding is malformed or the count does not match.
  Status Iterate(Handler* handler) const;

  // The encoding described above.
  std::string_view Data() const { return rep_; }

 private:
  friend class WriteBatchInternal;
  // Appends a record of `type` (a ValueType) in family `cf`.
  void Add(uint8_t type, uint32_t cf, std::string_view key, std::string_view value, bool has_value);
  std::string rep_;
};

}  // namespace lsm

#endif  // LSM_WRITE_BATCH_H_
