#include "src/base/merging_iterator.h"

#include <algorithm>

namespace lsm {
namespace {

class EmptyIterator final : public InternalIterator {
 public:
  explicit EmptyIterator(Status s) : status_(std::move(s)) {}
  bool Valid() const override { return false; }
  void SeekToFirst() override {}
  void SeekToLast() override {}
  void Seek(std::string_view) override {}
  void SeekForPrev(std::string_view) override {}
  void Next() override {}
  void Prev() override {}
  std::string_view key() const override { return {}; }
  std::string_view value() const override { return {}; }
  Status status() const override { return status_; }

 private:
  Status status_;
};

// Keeps the valid children in a binary heap ordered for the current direction: a min-heap
// of keys going forward, a max-heap going backward. Ties go to the earlier child, which is
// why each heap entry carries its child's index.
class MergingIterator final : public InternalIterator {
 public:
  MergingIterator(const Comparator* cmp, std::vector<std::unique_ptr<InternalIterator>> children,
                  std::vector<uint64_t> newest)
      : cmp_(cmp), children_(std::move(children)), newest_(std::move(newest)) {
    heap_.reserve(children_.size());
  }

  bool Valid() const override { return !heap_.empty() && status_.ok(); }

  void SeekToFirst() override {
    for (auto& c : children_) c->SeekToFirst();
    Rebuild(Direction::kForward);
  }
  void SeekToLast() override {
    for (auto& c : children_) c->SeekToLast();
    Rebuild(Direction::kReverse);
  }
  void Seek(std::string_view target) override {
    for (auto& c : children_) c->Seek(target);
    Rebuild(Direction::kForward);
  }
  void SeekPrefixed(std::string_view target, uint64_t prefix_hash) override {
    for (auto& c : children_) c->SeekPrefixed(target, prefix_hash);
    Rebuild(Direction::kForward);
  }
  void SeekForPrev(std::string_view target) override {
    for (auto& c : children_) c->SeekForPrev(target);
    Rebuild(Direction::kReverse);
  }

  void Next() override {
    if (direction_ != Direction::kForward) {
      // Every other child must move to the first entry after key(): a child whose entry
      // equals key() but sorts after current (a later child) stays at that entry.
      const std::string current(key());
      const size_t top = heap_.front();
      for (size_t i = 0; i < children_.size(); i++) {
        if (i == top) continue;
        InternalIterator* c = children_[i].get();
        c->Seek(current);
        if (c->Valid() && cmp_->Compare(c->key(), current) == 0 && i < top) c->Next();
      }
      children_[top]->Next();
      Rebuild(Direction::kForward);
      return;
    }
    Advance([](InternalIterator* c) { c->Next(); });
  }

  void Prev() override {
    if (direction_ != Direction::kReverse) {
      const std::string current(key());
      const size_t top = heap_.front();
      for (size_t i = 0; i < children_.size(); i++) {
        if (i == top) continue;
        InternalIterator* c = children_[i].get();
        c->SeekForPrev(current);
        if (c->Valid() && cmp_->Compare(c->key(), current) == 0 && i > top) c->Prev();
      }
      children_[top]->Prev();
      Rebuild(Direction::kReverse);
      return;
    }
    Advance([](InternalIterator* c) { c->Prev(); });
  }

  bool SkipOlderThan(std::string_view target, uint64_t sequence) override {
    return SkipOlder(Direction::kForward, target, sequence);
  }
  bool SkipOlderThanBackward(std::string_view target, uint64_t sequence) override {
    return SkipOlder(Direction::kReverse, target, sequence);
  }

  std::string_view key() const override { return children_[heap_.front()]->key(); }
  std::string_view value() const override { return children_[heap_.front()]->value(); }
  Status status() const override { return status_; }

 private:
  enum class Direction { kForward, kReverse };

  // SkipOlderThan (forward) and SkipOlderThanBackward (reverse).
  bool SkipOlder(Direction d, std::string_view target, uint64_t sequence) {
    if (direction_ != d || newest_.empty() || !Valid()) return false;
    const size_t top = heap_.front();
    bool moved = false, moved_top = false;
    for (size_t i = 0; i < children_.size(); i++) {
      InternalIterator* c = children_[i].get();
      if (newest_[i] >= sequence || !c->Valid()) continue;
      const int r = cmp_->Compare(c->key(), target);
      if (d == Direction::kForward ? r < 0 : r > 0) {
        d == Direction::kForward ? c->Seek(target) : c->SeekForPrev(target);
        moved = true;
        moved_top = moved_top || i == top;
      }
    }
    if (moved) Rebuild(d);
    return moved_top;
  }

  // True when child a should come out of the heap after child b.
  bool After(size_t a, size_t b) const {
    const int r = cmp_->Compare(children_[a]->key(), children_[b]->key());
    if (r != 0) return direction_ == Direction::kForward ? r > 0 : r < 0;
    return direction_ == Direction::kForward ? a > b : a < b;
  }

  // std heap functions keep the "largest" at the front; "largest" here is the entry to
  // come out first.
  auto Less() const {
    return [this](size_t a, size_t b) { return After(a, b); };
  }

  void Rebuild(Direction d) {
    direction_ = d;
    heap_.clear();
    root_next_ = 0;
    status_ = Status::OK();
    for (size_t i = 0; i < children_.size(); i++) {
      if (children_[i]->Valid()) {
        heap_.push_back(i);
      } else if (!children_[i]->status().ok() && status_.ok()) {
        status_ = children_[i]->status();
      }
    }
    std::make_heap(heap_.begin(), heap_.end(), Less());
  }

  // Moves the child on top and restores the heap. The top usually stays on top (runs of
  // keys come from one child), which the sift-down finds with one comparison.
  template <typename Move>
  void Advance(Move move) {
    const size_t i = heap_.front();
    move(children_[i].get());
    if (!children_[i]->Valid()) {
      if (!children_[i]->status().ok()) status_ = children_[i]->status();
      heap_.front() = heap_.back();
      heap_.pop_back();
      root_next_ = 0;
    }
    SiftDown();
  }

  void SiftDown() {
    const size_t n = heap_.size();
    size_t pos = 0;
    while (true) {
      const size_t left = 2 * pos + 1;
      if (left >= n) return;
      size_t first = left;  // the child that comes out first
      if (left + 1 < n) {
        if (pos != 0) {
          if (After(heap_[left], heap_[left + 1])) first = left + 1;
        } else {
          // The root's children are the same as last time unless the root moved down.
          if (root_next_ == 0) root_next_ = After(heap_[1], heap_[2]) ? 2 : 1;
          first = root_next_;
        }
      }
      if (!After(heap_[pos], heap_[first])) return;
      std::swap(heap_[pos], heap_[first]);
      if (pos == 0) root_next_ = 0;
      pos = first;
    }
  }

  const Comparator* const cmp_;
  std::vector<std::unique_ptr<InternalIterator>> children_;
  const std::vector<uint64_t> newest_;  // per child; empty: not known
  std::vector<size_t> heap_;            // indexes of valid children
  // Which of heap_[1] and heap_[2] comes out first (1 or 2; 0: not known). Both stay put while
  // the top child moves and stays on top, so one comparison of theirs serves many moves.
  size_t root_next_ = 0;
  Direction direction_ = Direction::kForward;
  Status status_;
};

}  // namespace

std::unique_ptr<InternalIterator> NewMergingIterator(
    const Comparator* comparator, std::vector<std::unique_ptr<InternalIterator>> children,
    std::vector<uint64_t> newest) {
  if (children.empty()) return NewEmptyIterator();
  if (children.size() == 1) return std::move(children[0]);
  return std::make_unique<MergingIterator>(comparator, std::move(children), std::move(newest));
}

std::unique_ptr<InternalIterator> NewEmptyIterator(Status status) {
  return std::make_unique<EmptyIterator>(std::move(status));
}

}  // namespace lsm
