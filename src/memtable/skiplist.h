// SkipList: a sorted set of byte-string keys in an arena, read without locks while one or
// several threads insert. The memtable's index.
//
//   SkipList<MyCmp> list(MyCmp(), &arena);
//   char* buf = list.AllocateKey(n);          // fill buf with the key's n bytes, then:
//   list.InsertConcurrently(buf);             // or list.Insert(buf) when writes are serialized
//   SkipList<MyCmp>::Iterator it(&list);
//   for (it.Seek(target); it.Valid(); it.Next()) use(it.key());
//
// The comparator type supplies the order, with a decoded form of a key that is prepared once
// per search and compared against every stored key on the way:
//   using Decoded = ...;                                   // cheap to copy
//   Decoded Decode(const char* key) const;
//   int Compare(const char* key, const Decoded& target) const;   // <0, 0, >0
//
// Layout: a node of height h is one arena allocation holding its links for levels h-1..1, then
// its level-0 link, then the key bytes. A Node* points at the level-0 link, so the key sits
// next to it and a search step costs one cache miss; each step also prefetches the node after.
// Heights are random with branching 4, at most kMaxHeight.
//
// Thread-safety: reads (Contains, iterators) need no synchronization and may run alongside
// any inserts; a key becomes visible once its Insert has returned. Writers either call
// InsertConcurrently, from any number of threads at once, or Insert, with external exclusion
// against every other insert. Nodes are never removed; everything lives until the arena dies.
#ifndef LSM_MEMTABLE_SKIPLIST_H_
#define LSM_MEMTABLE_SKIPLIST_H_

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <new>

#include "src/memtable/concurrent_arena.h"
#include "src/util/invariant.h"
#include "src/util/random.h"

namespace lsm {

template <typename Cmp>
class SkipList {
 private:
  struct Node;

 public:
  static constexpr int kMaxHeight = 12;
  using Decoded = typename Cmp::Decoded;

  // `arena` must outlive the list.
  SkipList(Cmp cmp, ConcurrentArena* arena);
  SkipList(const SkipList&) = delete;
  SkipList& operator=(const SkipList&) = delete;

  // Returns room for a key of `key_size` bytes inside a new node, for the caller to fill and
  // then pass to Insert or InsertConcurrently. Safe to call concurrently.
  char* AllocateKey(size_t key_size);

  // Links in a key returned by AllocateKey. It starts its search from where the previous
  // Insert linked its key, so keys inserted in ascending order take O(1) comparisons.
  // REQUIRES: no key comparing equal to it is in the list; no other insert runs at the same
  // time.
  void Insert(const char* key);

  // As Insert, but may run alongside other InsertConcurrently calls (never alongside Insert).
  // Each call searches from the top.
  void InsertConcurrently(const char* key);

  bool Contains(const Decoded& key) const {
    Node* x = FindGreaterOrEqual(key);
    return x != nullptr && cmp_.Compare(x->Key(), key) == 0;
  }

  // A cursor over the list; it sees keys inserted after it was created as it reaches them.
  // No allocation. Thread-safety: one thread at a time per iterator.
  class Iterator {
   public:
    explicit Iterator(const SkipList* list) : list_(list) {}

    bool Valid() const { return node_ != nullptr; }
    // REQUIRES: Valid(). Points into the arena: valid while the list lives.
    const char* key() const { return node_->Key(); }

    // REQUIRES: Valid().
    void Next() {
      node_ = node_->Next(0);
      if (node_ != nullptr) __builtin_prefetch(node_->NextRelaxed(0));
    }
    // REQUIRES: Valid().
    void Prev() { node_ = list_->FindLessThan(list_->cmp_.Decode(node_->Key()), false); }
    // First key >= target.
    void Seek(const Decoded& target) { node_ = list_->FindGreaterOrEqual(target); }
    // Last key <= target.
    void SeekForPrev(const Decoded& target) { node_ = list_->FindLessThan(target, true); }
    void SeekToFirst() { node_ = list_->head_->Next(0); }
    void SeekToLast() { node_ = list_->FindLast(); }

   private:
    const SkipList* list_;
    Node* node_ = nullptr;
  };

 private:
  // Where a key goes: on each level, the adjacent pair with prev < key <= next.
  struct Splice {
    int height = 0;  // levels [0, height) are recorded
    Node* prev[kMaxHeight];
    Node* next[kMaxHeight];
  };

  Node* NewNode(int height, size_t key_size);
  // Returns the node's height and raises max_height_ to it.
  template <bool kConcurrent>
  int RaiseMaxHeight(Node* x, int* old_max_height);
  // Whether splice_ on `level` still brackets the key: prev < key < next.
  bool Brackets(int level, const Decoded& key) const;
  static int RandomHeight();
  int MaxHeight() const { return max_height_.load(std::memory_order_relaxed); }

  // First node >= key, or nullptr.
  Node* FindGreaterOrEqual(const Decoded& key) const;
  // Last node < key (<= key if or_equal), or nullptr.
  Node* FindLessThan(const Decoded& key, bool or_equal) const;
  Node* FindLast() const;
  // Walks level `level` rightwards from `before` (which is < key) and returns the adjacent pair
  // *prev < key <= *next. `bound` is nullptr or a node known to be >= key.
  void FindSpliceForLevel(const Decoded& key, Node* before, Node* bound, int level, Node** prev,
                          Node** next) const;

  const Cmp cmp_;
  ConcurrentArena* const arena_;
  Node* const head_;
  std::atomic<int> max_height_{1};
  Splice splice_;  // the last Insert's; used only under Insert's exclusion
};

template <typename Cmp>
struct SkipList<Cmp>::Node {
  // Links are read with acquire and published with release, so a reader that reaches a node
  // also sees its key and its lower links.
  Node* Next(int level) const { return Link(level)->load(std::memory_order_acquire); }
  Node* NextRelaxed(int level) const { return Link(level)->load(std::memory_order_relaxed); }
  void SetNext(int level, Node* x) { Link(level)->store(x, std::memory_order_release); }
  void SetNextRelaxed(int level, Node* x) { Link(level)->store(x, std::memory_order_relaxed); }
  bool CasNext(int level, Node* expected, Node* x) {
    return Link(level)->compare_exchange_strong(expected, x, std::memory_order_release,
                                                std::memory_order_relaxed);
  }

  const char* Key() const { return reinterpret_cast<const char*>(&next0 + 1); }
  static Node* FromKey(const char* key) {
    return reinterpret_cast<Node*>(const_cast<char*>(key) - sizeof(Node));
  }

  // Between AllocateKey and Insert the level-0 link holds the node's height.
  void StashHeight(int h) {
    next0.store(reinterpret_cast<Node*>(static_cast<intptr_t>(h)), std::memory_order_relaxed);
  }
  int UnstashHeight() const {
    return static_cast<int>(reinterpret_cast<intptr_t>(next0.load(std::memory_order_relaxed)));
  }

  std::atomic<Node*>* Link(int level) const {
    return const_cast<std::atomic<Node*>*>(&next0) - level;
  }

  std::atomic<Node*> next0;
};

template <typename Cmp>
SkipList<Cmp>::SkipList(Cmp cmp, ConcurrentArena* arena)
    : cmp_(cmp), arena_(arena), head_(NewNode(kMaxHeight, 0)) {
  for (int level = 0; level < kMaxHeight; level++) head_->SetNextRelaxed(level, nullptr);
}

template <typename Cmp>
typename SkipList<Cmp>::Node* SkipList<Cmp>::NewNode(int height, size_t key_size) {
  using Link = std::atomic<Node*>;
  char* raw = arena_->Allocate(sizeof(Link) * (height - 1) + sizeof(Node) + key_size);
  for (int i = 0; i < height - 1; i++) new (raw + i * sizeof(Link)) Link(nullptr);
  return new (raw + (height - 1) * sizeof(Link)) Node{nullptr};
}

template <typename Cmp>
int SkipList<Cmp>::RandomHeight() {
  static std::atomic<uint64_t> seeds{0x5eed};
  thread_local Random rnd(seeds.fetch_add(1, std::memory_order_relaxed));
  // Each pair of low zero bits (probability 1/4) adds a level; the sentinel bit caps it.
  const uint64_t r = rnd.Next() | (uint64_t{1} << (2 * (kMaxHeight - 1)));
  return 1 + std::countr_zero(r) / 2;
}

template <typename Cmp>
char* SkipList<Cmp>::AllocateKey(size_t key_size) {
  const int height = RandomHeight();
  Node* x = NewNode(height, key_size);
  x->StashHeight(height);
  return const_cast<char*>(x->Key());
}

template <typename Cmp>
template <bool kConcurrent>
int SkipList<Cmp>::RaiseMaxHeight(Node* x, int* old_max_height) {
  const int height = x->UnstashHeight();
  LSM_INVARIANT(height >= 1 && height <= kMaxHeight);
  // Readers that see the raised height before the node is linked find nullptr at the new
  // levels of head_ and simply move down.
  int max_height = MaxHeight();
  *old_max_height = max_height;
  if constexpr (kConcurrent) {
    while (height > max_height &&
           !max_height_.compare_exchange_weak(max_height, height, std::memory_order_relaxed)) {
    }
  } else if (height > max_height) {
    max_height_.store(height, std::memory_order_relaxed);
  }
  return height;
}

template <typename Cmp>
bool SkipList<Cmp>::Brackets(int level, const Decoded& key) const {
  const Node* prev = splice_.prev[level];
  const Node* next = splice_.next[level];
  return (prev == head_ || cmp_.Compare(prev->Key(), key) < 0) &&
         (next == nullptr || cmp_.Compare(next->Key(), key) > 0);
}

template <typename Cmp>
void SkipList<Cmp>::Insert(const char* key) {
  Node* x = Node::FromKey(key);
  const Decoded decoded = cmp_.Decode(key);
  int old_max_height;
  const int height = RaiseMaxHeight<false>(x, &old_max_height);
  const int top = std::max(height, old_max_height);

  // Levels from `valid` up to splice_.height still bracket the key (the splice nests), so the
  // search on each of them starts from the recorded pair; below, from the level above.
  Splice& s = splice_;
  int valid = 0;
  while (valid < s.height && !Brackets(valid, decoded)) valid++;
  for (int level = top - 1; level >= 0; level--) {
    Node* before = head_;
    Node* bound = nullptr;
    if (level >= valid && level < s.height) {
      before = s.prev[level];
      bound = s.next[level];
    } else if (level + 1 < top) {
      before = s.prev[level + 1];
      bound = s.next[level + 1];
    }
    FindSpliceForLevel(decoded, before, bound, level, &s.prev[level], &s.next[level]);
  }
  s.height = top;
  LSM_INVARIANT(s.next[0] == nullptr || cmp_.Compare(s.next[0]->Key(), decoded) != 0);

  // Bottom-up, so that a node reachable at some level is already linked at every level below.
  for (int level = 0; level < height; level++) {
    x->SetNextRelaxed(level, s.next[level]);
    s.prev[level]->SetNext(level, x);
    s.prev[level] = x;  // where the next key goes if it is just after this one
  }
}

template <typename Cmp>
void SkipList<Cmp>::InsertConcurrently(const char* key) {
  Node* x = Node::FromKey(key);
  const Decoded decoded = cmp_.Decode(key);
  int old_max_height;
  const int height = RaiseMaxHeight<true>(x, &old_max_height);
  const int top = std::max(height, old_max_height);

  Node* prev[kMaxHeight + 1];
  Node* next[kMaxHeight + 1];
  prev[top] = head_;
  next[top] = nullptr;
  for (int level = top - 1; level >= 0; level--) {
    FindSpliceForLevel(decoded, prev[level + 1], next[level + 1], level, &prev[level],
                       &next[level]);
  }
  LSM_INVARIANT(next[0] == nullptr || cmp_.Compare(next[0]->Key(), decoded) != 0);

  for (int level = 0; level < height; level++) {
    for (;;) {
      x->SetNextRelaxed(level, next[level]);
      if (prev[level]->CasNext(level, next[level], x)) break;
      // Another writer linked a node in between: search again from prev[level].
      FindSpliceForLevel(decoded, prev[level], nullptr, level, &prev[level], &next[level]);
    }
  }
}

template <typename Cmp>
void SkipList<Cmp>::FindSpliceForLevel(const Decoded& key, Node* before, Node* bound, int level,
                                       Node** prev, Node** next) const {
  Node* x = before;
  for (;;) {
    Node* n = x->Next(level);
    if (n == nullptr || n == bound || cmp_.Compare(n->Key(), key) >= 0) {
      *prev = x;
      *next = n;
      return;
    }
    x = n;
  }
}

template <typename Cmp>
typename SkipList<Cmp>::Node* SkipList<Cmp>::FindGreaterOrEqual(const Decoded& key) const {
  Node* x = head_;
  int level = MaxHeight() - 1;
  // The node that stopped the walk on the level above: known to be >= key, so not compared
  // again when a lower level reaches it.
  Node* known_bigger = nullptr;
  for (;;) {
    Node* next = x->Next(level);
    if (next != nullptr) __builtin_prefetch(next->NextRelaxed(level));
    if (next == nullptr || next == known_bigger || cmp_.Compare(next->Key(), key) >= 0) {
      if (level == 0) return next;
      known_bigger = next;
      level--;
    } else {
      x = next;
    }
  }
}

template <typename Cmp>
typename SkipList<Cmp>::Node* SkipList<Cmp>::FindLessThan(const Decoded& key, bool or_equal) const {
  Node* x = head_;
  int level = MaxHeight() - 1;
  Node* known_bigger = nullptr;
  for (;;) {
    Node* next = x->Next(level);
    if (next != nullptr) __builtin_prefetch(next->NextRelaxed(level));
    bool go_down = next == nullptr || next == known_bigger;
    if (!go_down) {
      const int c = cmp_.Compare(next->Key(), key);
      go_down = or_equal ? c > 0 : c >= 0;
    }
    if (go_down) {
      if (level == 0) return x == head_ ? nullptr : x;
      known_bigger = next;
      level--;
    } else {
      x = next;
    }
  }
}

template <typename Cmp>
typename SkipList<Cmp>::Node* SkipList<Cmp>::FindLast() const {
  Node* x = head_;
  for (int level = MaxHeight() - 1; level >= 0; level--) {
    for (Node* next = x->Next(level); next != nullptr; next = x->Next(level)) x = next;
  }
  return x == head_ ? nullptr : x;
}

}  // namespace lsm

#endif  // LSM_MEMTABLE_SKIPLIST_H_
