#include "src/db/db_iter.h"

#include <optional>
#include <string>
#include <vector>

#include "src/base/get_context.h"
#include "src/util/bloom_probes.h"

namespace lsm {
namespace {

// Going forward, the internal iterator sits on the entry shown (key() and value() read it),
// or, for a merged value, after the entries merged (the key and the result are in saved_key_
// and saved_value_). Going backward, it sits before every entry of the key shown, which is
// copied into saved_key_ and saved_value_.
class DBIter final : public Iterator {
 public:
  // Older versions of one key a forward scan steps over before it seeks past the rest (as
  // RocksDB's max_sequential_skip_in_iterations, whose default this is).
  static constexpr int kMaxSequentialSkip = 8;

  DBIter(const Comparator* ucmp, const MergeOperator* merge_operator,
         std::unique_ptr<InternalIterator> iter, SequenceNumber seq, const ReadOptions& options,
         std::shared_ptr<const void> pin,
         std::vector<std::shared_ptr<const RangeTombstoneList>> tombstones,
         const SliceTransform* prefix_extractor)
      : ucmp_(ucmp),
        merge_operator_(merge_operator),
        iter_(std::move(iter)),
        sequence_(seq),
        pin_(std::move(pin)),
        tombstones_(std::move(tombstones)),
        cursors_(tombstones_.size()),
        prefix_extractor_(options.prefix_same_as_start ? prefix_extractor : nullptr),
        prefix_filters_(!options.total_order_seek) {
    if (options.iterate_lower_bound != nullptr) lower_ = std::string(*options.iterate_lower_bound);
    if (options.iterate_upper_bound != nullptr) upper_ = std::string(*options.iterate_upper_bound);
  }

  bool Valid() const override { return valid_; }

  std::string_view key() const override {
    return direction_ == Direction::kForward && !merged_ ? ExtractUserKey(iter_->key())
                                                         : std::string_view(saved_key_);
  }
  std::string_view value() const override {
    return direction_ == Direction::kForward && !merged_ ? iter_->value()
                                                         : std::string_view(saved_value_);
  }
  Status status() const override { return status_.ok() ? iter_->status() : status_; }

  void SeekToFirst() override {
    prefix_.reset();
    if (lower_) return SeekFrom(*lower_);
    direction_ = Direction::kForward;
    ClearSaved();
    iter_->SeekToFirst();
    FindNextUserEntry(false);
  }

  void Seek(std::string_view target) override {
    SetPrefix(target);
    SeekFrom(target);
  }

  void SeekToLast() override {
    prefix_.reset();
    SeekToLastBelowUpper();
  }

  void SeekForPrev(std::string_view target) override {
    SetPrefix(target);
    // Every key below the bound is at or before target (and so none of a later prefix).
    if (upper_ && ucmp_->Compare(target, *upper_) >= 0) return SeekToLastBelowUpper();
    direction_ = Direction::kReverse;
    ClearSaved();
    // The last internal key of user key target.
    AppendInternalKey(&saved_key_, ParsedInternalKey(target, 0, ValueType::kDeletion));
    iter_->SeekForPrev(saved_key_);
    saved_key_.clear();
    FindPrevUserEntry();
  }

  void Next() override {
    if (direction_ == Direction::kReverse) {
      // saved_key_ holds the key shown; the iterator is before its entries.
      direction_ = Direction::kForward;
      saved_value_.clear();
      if (iter_->Valid()) {
        iter_->Next();
      } else {
        iter_->SeekToFirst();
      }
    } else if (!merged_) {
      saved_key_.assign(ExtractUserKey(iter_->key()));
      iter_->Next();
    }  // else the iterator is already past the merged entries, and saved_key_ holds the key
    FindNextUserEntry(true);
  }

  void Prev() override {
    if (direction_ == Direction::kForward && merged_) {
      // The iterator is past the merged entries (perhaps at the end): seek back before them.
      SeekBeforeSavedKey();
      direction_ = Direction::kReverse;
      merged_ = false;
    } else if (direction_ == Direction::kForward) {
      // Step back past every entry of the key shown.
      saved_key_.assign(ExtractUserKey(iter_->key()));
      int stepped = 0;
      do {
        if (++stepped > kMaxSequentialSkip) {
          SeekBeforeSavedKey();
          break;
        }
        iter_->Prev();
      } while (iter_->Valid() && ucmp_->Compare(ExtractUserKey(iter_->key()), saved_key_) >= 0);
      direction_ = Direction::kReverse;
    }
    FindPrevUserEntry();
  }

 private:
  enum class Direction { kForward, kReverse };

  // Forward from target (raised to the lower bound), by the prefix filters when allowed.
  void SeekFrom(std::string_view target) {
    direction_ = Direction::kForward;
    ClearSaved();
    if (lower_ && ucmp_->Compare(target, *lower_) < 0) target = *lower_;
    AppendInternalKey(&saved_key_, ParsedInternalKey(target, sequence_, kValueTypeForSeek));
    if (prefix_ && prefix_filters_) {
      iter_->SeekPrefixed(saved_key_, prefix_hash_);
    } else {
      iter_->Seek(saved_key_);
    }
    FindNextUserEntry(false);
  }

  // ReadOptions::prefix_same_as_start: the iterator keeps to target's prefix from now on.
  void SetPrefix(std::string_view target) {
    if (prefix_extractor_ == nullptr || !prefix_extractor_->InDomain(target)) {
      prefix_.reset();
      return;
    }
    prefix_.emplace(prefix_extractor_->Transform(target));
    prefix_hash_ = BloomHash(*prefix_);  // the hash every prefix filter probes with
  }

  // Backward from the last key below the upper bound (or the last key).
  void SeekToLastBelowUpper() {
    direction_ = Direction::kReverse;
    ClearSaved();
    if (upper_) {
      // The first internal key of user key *upper_: everything before it is below the bound.
      AppendInternalKey(&saved_key_,
                        ParsedInternalKey(*upper_, kMaxSequenceNumber, kValueTypeForSeek));
      iter_->SeekForPrev(saved_key_);
      saved_key_.clear();
    } else {
      iter_->SeekToLast();
    }
    FindPrevUserEntry();
  }

  bool InPrefix(std::string_view user_key) const {
    return prefix_extractor_->InDomain(user_key) &&
           prefix_extractor_->Transform(user_key) == *prefix_;
  }

  void ClearSaved() {
    saved_key_.clear();
    saved_value_.clear();
    merged_ = false;
  }

  bool Parse(ParsedInternalKey* ikey) {
    if (ParseInternalKey(iter_->key(), ikey)) return true;
    status_ = Status::Corruption("iterator met an internal key that does not parse");
    valid_ = false;
    return false;
  }

  // The newest range tombstone at or below sequence_ over user_key (0: none), and in
  // *fragment (if given) the fragment it was found in.
  SequenceNumber Covering(std::string_view user_key,
                          const RangeTombstoneList::Fragment** fragment = nullptr) const {
    SequenceNumber newest = 0;
    for (size_t i = 0; i < tombstones_.size(); i++) {
      const RangeTombstoneList::Fragment* f = nullptr;
      const SequenceNumber s = tombstones_[i]->Covering(user_key, sequence_, &cursors_[i], &f);
      if (s > newest) {
        newest = s;
        if (fragment != nullptr) *fragment = f;
      }
    }
    return newest;
  }

  // The entry's type as the reader sees it: a deletion when a range tombstone covers it.
  ValueType TypeOf(const ParsedInternalKey& ikey) const {
    if (tombstones_.empty() || ikey.type == ValueType::kDeletion) return ikey.type;
    return Covering(ikey.user_key) > ikey.sequence ? ValueType::kDeletion : ikey.type;
  }

  // The entry at the iterator, of `user_key`, is covered by a range tombstone: the sources
  // older than it move past the tombstone's fragment in one seek, to its end going forward or
  // before its begin going backward. Returns true if the iterator's entry changed (the caller
  // looks at it again). Each fragment is tried once in a row, as the sources newer than the
  // tombstone go on stepping through it.
  bool SkipCovered(std::string_view user_key, bool forward) {
    const RangeTombstoneList::Fragment* f = nullptr;
    const SequenceNumber seq = Covering(user_key, &f);
    if (f == nullptr || f == skipped_) return false;
    skipped_ = f;
    seek_key_.clear();
    AppendInternalKey(&seek_key_, ParsedInternalKey(forward ? f->end : f->begin, kMaxSequenceNumber,
                                                    kValueTypeForSeek));
    return forward ? iter_->SkipOlderThan(seek_key_, seq)
                   : iter_->SkipOlderThanBackward(seek_key_, seq);
  }

  // Moves forward to the first visible value at or after the iterator's position, skipping
  // entries of saved_key_ when `skipping`. After kMaxSequentialSkip older versions of one key
  // in a row it seeks past the rest of them: a key updated thousands of times (a hot key) then
  // costs a scan one search instead of a step per version.
  void FindNextUserEntry(bool skipping) {
    valid_ = false;
    merged_ = false;
    int skipped = 0;  // older versions of saved_key_ stepped over
    int unseen = 0;   // versions newer than sequence_ of one key stepped over
    while (iter_->Valid()) {
      ParsedInternalKey ikey;
      if (!Parse(&ikey)) return;
      if (upper_ && ucmp_->Compare(ikey.user_key, *upper_) >= 0) break;
      if (prefix_ && !InPrefix(ikey.user_key)) break;
      if (ikey.sequence > sequence_) {
        // Too new to be seen: after a few versions of one key, seek to its newest visible one.
        if (TooManyUnseen(ikey.user_key, sequence_, &unseen)) {
          iter_->Seek(seek_key_);
          continue;
        }
      } else {
        unseen = 0;
        if (skipping && ucmp_->Compare(ikey.user_key, saved_key_) <= 0) {
          if (++skipped > kMaxSequentialSkip) {
            SeekPastVersionsOfSavedKey();
            skipped = 0;
            continue;
          }
        } else if (const ValueType type = TypeOf(ikey); type == ValueType::kDeletion) {
          saved_key_.assign(ikey.user_key);
          skipping = true;
          skipped = 0;
          if (ikey.type != ValueType::kDeletion && SkipCovered(ikey.user_key, /*forward=*/true))
            continue;
        } else if (type == ValueType::kMerge) {
          saved_key_.assign(ikey.user_key);
          valid_ = merged_ = MergeForward();
          return;
        } else {
          valid_ = true;
          saved_key_.clear();
          return;
        }
      }
      iter_->Next();
    }
    saved_key_.clear();
  }

  // Counts in *unseen the versions newer than sequence_ of one key stepped over in a row, and
  // keeps that key at `seek_sequence` in seek_key_. True (and the count restarts) once there
  // were more than kMaxSequentialSkip, for the caller to seek to seek_key_ instead.
  bool TooManyUnseen(std::string_view user_key, SequenceNumber seek_sequence, int* unseen) {
    if (*unseen == 0 || ucmp_->Compare(ExtractUserKey(seek_key_), user_key) != 0) {
      seek_key_.clear();
      AppendInternalKey(&seek_key_, ParsedInternalKey(user_key, seek_sequence, kValueTypeForSeek));
      *unseen = 0;
    }
    if (++*unseen <= kMaxSequentialSkip) return false;
    *unseen = 0;
    return true;
  }

  // Positions the iterator at the first entry of a user key after saved_key_: the target is
  // saved_key_'s last possible internal key (sequence 0, the lowest type).
  void SeekPastVersionsOfSavedKey() {
    seek_key_.clear();
    AppendInternalKey(&seek_key_, ParsedInternalKey(saved_key_, 0, ValueType::kDeletion));
    iter_->Seek(seek_key_);
  }

  // Moves backward to the newest visible value of the last user key before the iterator's
  // position that has one, leaving the iterator before that key's entries. Going backward a
  // key's versions come oldest first: after kMaxSequentialSkip of them it reads the newest
  // visible one with a seek instead, and seeks back before the key.
  void FindPrevUserEntry() {
    // The type of the candidate's newest entry seen so far; saved_key_ holds the candidate
    // unless it is kDeletion. A merge operand is resolved once the candidate's entries end.
    ValueType found = ValueType::kDeletion;
    int stepped = 0;  // versions of the candidate stepped over
    int unseen = 0;   // versions newer than sequence_ of one key
    while (iter_->Valid()) {
      ParsedInternalKey ikey;
      if (!Parse(&ikey)) return;
      if (lower_ && ucmp_->Compare(ikey.user_key, *lower_) < 0) break;
      if (prefix_ && !InPrefix(ikey.user_key)) break;
      if (ikey.sequence > sequence_) {
        // Too new to be seen, and going backward they come after the key's visible versions:
        // after a few, seek before the key.
        if (TooManyUnseen(ikey.user_key, kMaxSequenceNumber, &unseen)) {
          iter_->SeekForPrev(seek_key_);
          continue;
        }
      } else {
        unseen = 0;
        const bool same = found != ValueType::kDeletion;
        if (same && ucmp_->Compare(ikey.user_key, saved_key_) < 0) break;
        if (same && ++stepped > kMaxSequentialSkip) {
          found = SeekNewestOfSavedKey();
          stepped = 0;
          if (!status().ok()) break;
          continue;
        }
        if (!same) stepped = 0;
        found = TypeOf(ikey);
        if (found == ValueType::kDeletion) {
          ClearSaved();
          if (ikey.type != ValueType::kDeletion && SkipCovered(ikey.user_key, /*forward=*/false))
            continue;
        } else {
          saved_key_.assign(ikey.user_key);
          if (found == ValueType::kValue) saved_value_.assign(iter_->value());
        }
      }
      iter_->Prev();
    }
    // The operands of a merge and what lies below them are read again, newest first.
    if (found == ValueType::kMerge && status().ok()) found = SeekNewestOfSavedKey();
    // Versions come oldest first going backward: an error may hide a newer version of the
    // key found, so the key is shown only if the walk ended without one.
    valid_ = found == ValueType::kValue && status().ok();
    if (!valid_) {
      ClearSaved();
      direction_ = Direction::kForward;
    }
  }

  // Reads saved_key_'s newest entry visible at sequence_ with a seek, keeps its value or the
  // result of its merge (kValue) or drops the key (kDeletion, also when the merge fails), and
  // leaves the iterator before the key's entries.
  ValueType SeekNewestOfSavedKey() {
    seek_key_.clear();
    AppendInternalKey(&seek_key_, ParsedInternalKey(saved_key_, sequence_, kValueTypeForSeek));
    iter_->Seek(seek_key_);
    ParsedInternalKey ikey;
    // The candidate itself is visible, so the seek lands on it or on a newer visible version.
    if (!iter_->Valid() || !Parse(&ikey)) return ValueType::kDeletion;
    ValueType found = TypeOf(ikey);
    if (found == ValueType::kValue) saved_value_.assign(iter_->value());
    if (found == ValueType::kMerge) {
      found = MergeForward() ? ValueType::kValue : ValueType::kDeletion;
    }
    SeekBeforeSavedKey();
    if (found == ValueType::kDeletion) ClearSaved();
    return found;
  }

  // The iterator is on saved_key_'s newest visible entry, a merge operand. Reads it and the
  // older operands after it, merges them onto the value or deletion that ends them (or onto
  // nothing) into saved_value_, and leaves the iterator after the operands. False, with
  // status() saying why, if the merge or the iterator fails.
  bool MergeForward() {
    operands_.clear();
    operands_.emplace_back(iter_->value());
    std::optional<std::string> base;
    for (iter_->Next(); iter_->Valid(); iter_->Next()) {
      ParsedInternalKey ikey;
      if (!Parse(&ikey)) return false;
      if (ucmp_->Compare(ikey.user_key, saved_key_) != 0) break;
      if (const ValueType type = TypeOf(ikey); type != ValueType::kMerge) {
        if (type == ValueType::kValue) base.emplace(iter_->value());
        break;
      }
      operands_.emplace_back(iter_->value());
    }
    if (!iter_->status().ok()) return false;
    const std::vector<std::string_view> oldest_first(operands_.rbegin(), operands_.rend());
    const std::string_view base_view = base ? std::string_view(*base) : std::string_view();
    status_ = FullMerge(merge_operator_, saved_key_, base ? &base_view : nullptr, oldest_first,
                        &saved_value_);
    return status_.ok();
  }

  // Positions the iterator at the last entry of a user key before saved_key_: the target is
  // saved_key_'s first possible internal key.
  void SeekBeforeSavedKey() {
    seek_key_.clear();
    AppendInternalKey(&seek_key_,
                      ParsedInternalKey(saved_key_, kMaxSequenceNumber, kValueTypeForSeek));
    iter_->SeekForPrev(seek_key_);
  }

  const Comparator* const ucmp_;
  const MergeOperator* const merge_operator_;
  const std::unique_ptr<InternalIterator> iter_;
  const SequenceNumber sequence_;
  const std::shared_ptr<const void> pin_;
  const std::vector<std::shared_ptr<const RangeTombstoneList>> tombstones_;
  mutable std::vector<RangeTombstoneList::Cursor> cursors_;  // one per list
  const RangeTombstoneList::Fragment* skipped_ = nullptr;    // the last SkipCovered tried
  std::optional<std::string> lower_;
  std::optional<std::string> upper_;
  // prefix_same_as_start: the extractor (else null), whether seeks may use prefix filters,
  // and the prefix of the last seek's target (none after SeekToFirst, SeekToLast or a target
  // outside the extractor's domain) with its hash.
  const SliceTransform* const prefix_extractor_;
  const bool prefix_filters_;
  std::optional<std::string> prefix_;
  uint64_t prefix_hash_ = 0;

  Direction direction_ = Direction::kForward;
  bool valid_ = false;
  Status status_;
  std::string saved_key_;
  std::string saved_value_;
  std::string seek_key_;  // the target of the seeks above, kept to reuse its buffer
  // Going forward: the entry shown is a merge result, in saved_key_ and saved_value_.
  bool merged_ = false;
  std::vector<std::string> operands_;  // MergeForward's, newest first, kept to reuse
};

}  // namespace

std::unique_ptr<Iterator> NewDBIterator(
    const Comparator* user_comparator, const MergeOperator* merge_operator,
    std::unique_ptr<InternalIterator> internal, SequenceNumber sequence, const ReadOptions& options,
    std::shared_ptr<const void> pin,
    std::vector<std::shared_ptr<const RangeTombstoneList>> tombstones,
    const SliceTransform* prefix_extractor) {
  return std::make_unique<DBIter>(user_comparator, merge_operator, std::move(internal), sequence,
                                  options, std::move(pin), std::move(tombstones), prefix_extractor);
}

}  // namespace lsm
