// TableIterator: the two-level iterator over a table: a cursor over the index block picks a
// data block, a cursor over that block yields the entries. Created by
// TableReader::NewIterator.
//
//   std::unique_ptr<InternalIterator> it = table->NewIterator(ReadOptions());
//   for (it->SeekForPrev(target); it->Valid(); it->Prev()) ...
//
// Both cursors are concrete BlockIters held by value, so stepping makes no virtual call and no
// heap allocation; a new data block is looked up in the block cache or read (and verified)
// when the index cursor moves (reading ahead as options.readahead_size says, BlockReadahead).
// The first error (a bad block, handle or entry) is sticky: the
// iterator stays invalid and status() carries it with the table's name.
// Thread-safety: one thread at a time. Ownership: holds the current data block; the reader
// must outlive the iterator unless `keep_alive` holds it.
#ifndef LSM_SSTABLE_TABLE_ITERATOR_H_
#define LSM_SSTABLE_TABLE_ITERATOR_H_

#include <memory>
#include <string_view>

#include "lsm/options.h"
#include "src/base/internal_iterator.h"
#include "src/sstable/block.h"
#include "src/sstable/table_reader.h"

namespace lsm {

class TableIterator final : public InternalIterator {
 public:
  TableIterator(const TableReader* table, const ReadOptions& options,
                std::shared_ptr<const TableReader> keep_alive);

  bool Valid() const override { return has_data_ && data_iter_.Valid(); }
  void SeekToFirst() override;
  void SeekToLast() override;
  void Seek(std::string_view target) override;
  void SeekPrefixed(std::string_view target, uint64_t prefix_hash) override;
  void SeekForPrev(std::string_view target) override;
  void Next() override;
  void Prev() override;
  std::string_view key() const override { return data_iter_.key(); }
  std::string_view value() const override { return data_iter_.value(); }
  Status status() const override { return status_; }

 private:
  // Loads the block the index cursor points at (has_data_ false if it points nowhere).
  void InitDataBlock();
  // Moves to following (preceding) blocks while the data cursor is exhausted.
  void SkipEmptyForward();
  void SkipEmptyBackward();
  // Records the first error; `s` already names the table.
  void SetError(const Status& s);

  const TableReader* const table_;
  const std::shared_ptr<const TableReader> keep_alive_;
  const ReadOptions options_;
  Status status_;
  BlockIter index_iter_;
  std::shared_ptr<const Block> data_block_;
  BlockIter data_iter_;
  bool has_data_ = false;
  BlockReadahead readahead_;
};

// The iterator of a table with a global sequence number (TableReader::global_seqno): the
// table's entries, each stored at sequence 0, shown at the global sequence. The table holds one
// entry per user key, so the order of the shown keys is the stored one; only a seek target of
// the same user key compares differently. Seek therefore finds the target's user key and steps
// past its entry when that shows before the target; SeekForPrev the other way. A positioned
// iterator copies its key once to rewrite the sequence. Created by TableReader::NewIterator.
class GlobalSeqnoIterator final : public InternalIterator {
 public:
  GlobalSeqnoIterator(const TableReader* table, const ReadOptions& options,
                      std::shared_ptr<const TableReader> keep_alive);

  bool Valid() const override { return it_.Valid(); }
  void SeekToFirst() override;
  void SeekToLast() override;
  void Seek(std::string_view target) override;
  void SeekPrefixed(std::string_view target, uint64_t prefix_hash) override;
  void SeekForPrev(std::string_view target) override;
  void Next() override;
  void Prev() override;
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return it_.value(); }
  Status status() const override { return it_.status(); }

 private:
  // Copies the stored key with the global sequence, if positioned.
  void Update();
  // `target`'s user key with tag `tag`, in seek_key_.
  std::string_view SeekKey(std::string_view target, uint64_t tag);

  TableIterator it_;
  const InternalKeyComparator* const icmp_;
  const uint64_t seqno_;
  std::string key_;
  std::string seek_key_;
};

}  // namespace lsm

#endif  // LSM_SSTABLE_TABLE_ITERATOR_H_
