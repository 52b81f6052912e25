// BTree: a sorted set of byte-string keys in an arena, read without locks while several threads
// insert. The memtable's other index (see SkipList), for large memtables: a search touches a
// few wide nodes instead of a chain of scattered ones, so its cost grows little with the size.
//
//   ConcurrentArena arena(ConcurrentArena::kBlockSize, /*reservation=*/64 << 20);
//   BTree<MyCmp> tree(MyCmp(), &arena);
//   char* buf = tree.AllocateKey(n);          // fill buf with the key's n bytes, then:
//   tree.Insert(buf);                          // from any number of threads at once
//   BTree<MyCmp>::Iterator it(&tree);
//   for (it.Seek(target); it.Valid(); it.Next()) use(it.key());
//
// The comparator type supplies, besides SkipList's Decode and Compare:
//   uint32_t Head(const Decoded& key, size_t skip) const;     // see "Heads" below
//   size_t SharedPrefix(const Decoded& a, const Decoded& b) const;
// A comparator without a byte order returns 0 from both, and every step compares whole keys.
//
// Layout: a B+-tree whose nodes live in the arena and are never freed. Leaves hold references
// to the keys (which stay where AllocateKey put them): 32-bit offsets into the arena's
// reservation, which the arena must have. Inner nodes hold separators, which are references to
// keys of the tree, and children. A node that is full is split on the way down, so
// an insert never has to climb back up; a full leaf with a neighbour under the same parent that
// has room moves some keys there instead, which keeps leaves under random inserts about
// four-fifths full rather than two-thirds. The first key of every leaf but the leftmost is the
// separator above it (keys are never removed), and each leaf links to the next, so a forward
// scan crosses from leaf to leaf without a search.
//
// Heads: every key reference in a node sits beside a 4-byte head, the key's bytes [skip,
// skip + 4) as a big-endian number (zero-padded), where `skip` is the prefix shared by the
// node's fences and so by every key the node can hold. A search compares heads and reads the
// key itself only when they tie, so a step through a node costs one or two cache misses. When
// a node's fences change (a split, keys moved between leaves) its heads are remade: those whose
// skip shrank from the bytes all their keys share (one key read), only those whose skip grew
// from their own keys. Four bytes past the shared prefix almost always tell a node's keys
// apart, and a slot of 8 bytes (head and reference) keeps the tree's share of a memtable below
// the skiplist's links.
//
// Concurrency (optimistic lock coupling): each node has a version whose low bit is a lock.
// Writers lock the nodes they change and bump the version on unlock; readers take no lock,
// read a node's fields (all atomics), then check that its version has not moved, and start
// over from the root if it has. Key references and children are published with release stores,
// so a reader that reaches a key also sees its bytes.
//
// Thread-safety: Insert may run from several threads at once, alongside Contains and
// iterators, which need no synchronization. A key becomes visible once its Insert has returned.
#ifndef LSM_MEMTABLE_BTREE_H_
#define LSM_MEMTABLE_BTREE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <new>
#include <thread>

#include "src/memtable/concurrent_arena.h"
#include "src/util/invariant.h"

namespace lsm {

template <typename Cmp>
class BTree {
 private:
  struct Node;
  struct Inner;

  enum class Mode {
    kFirstAtLeast,  // first key >= target
    kAfter,         // first key > target
    kBefore,        // last key < target
    kLastAtMost,    // last key <= target
  };

  // Where a search ended: `key` (nullptr past either end) and, when the key was read from a
  // leaf, that leaf, its index there and the leaf's version, so that a step to a neighbour in
  // the same leaf needs no search while the leaf is unchanged.
  struct Position {
    const Node* leaf = nullptr;
    int index = 0;
    uint64_t version = 0;
    const char* key = nullptr;
  };

 public:
  // Keys per leaf, and separators per inner node.
  static constexpr uint32_t kCapacity = 32;
  // How many keys ahead of an iterator's step its key is prefetched.
  static constexpr int kPrefetchDistance = 4;
  using Decoded = typename Cmp::Decoded;

  // `arena` must outlive the tree.
  BTree(Cmp cmp, ConcurrentArena* arena);
  BTree(const BTree&) = delete;
  BTree& operator=(const BTree&) = delete;

  // Returns room for a key of `key_size` bytes, for the caller to fill and pass to Insert.
  // Keys are read bytewise: they are packed without padding.
  char* AllocateKey(size_t key_size) { return arena_->AllocateUnaligned(key_size); }

  // Links in a key returned by AllocateKey. Safe to call from several threads at once.
  // REQUIRES: no key comparing equal to it is in the tree.
  void Insert(const char* key) {
    const Decoded decoded = cmp_.Decode(key);
    for (int attempts = 0; !TryInsert(key, decoded);) Backoff(&attempts);
  }

  bool Contains(const Decoded& key) const {
    const char* found = Locate(key, Mode::kFirstAtLeast).key;
    return found != nullptr && cmp_.Compare(found, key) == 0;
  }

  // A cursor over the tree; it sees keys inserted after it was created as it reaches them.
  // No allocation. Thread-safety: one thread at a time per iterator.
  class Iterator {
   public:
    explicit Iterator(const BTree* tree) : tree_(tree) {}

    bool Valid() const { return pos_.key != nullptr; }
    // REQUIRES: Valid(). Points into the arena: valid while the tree lives.
    const char* key() const { return pos_.key; }

    // REQUIRES: Valid().
    void Next() {
      if (!tree_->Step(&pos_, +1)) pos_ = tree_->Locate(tree_->cmp_.Decode(pos_.key), Mode::kAfter);
    }
    // REQUIRES: Valid().
    void Prev() {
      if (!tree_->Step(&pos_, -1))
        pos_ = tree_->Locate(tree_->cmp_.Decode(pos_.key), Mode::kBefore);
    }
    // First key >= target.
    void Seek(const Decoded& target) { pos_ = tree_->Locate(target, Mode::kFirstAtLeast); }
    // Last key <= target.
    void SeekForPrev(const Decoded& target) { pos_ = tree_->Locate(target, Mode::kLastAtMost); }
    void SeekToFirst() { pos_ = tree_->LocateEdge(/*last=*/false); }
    void SeekToLast() { pos_ = tree_->LocateEdge(/*last=*/true); }

   private:
    const BTree* tree_;
    Position pos_;
  };

 private:
  struct Node {
    explicit Node(bool is_leaf) : leaf(is_leaf) {}

    std::atomic<uint64_t> version{0};  // odd while locked
    std::atomic<uint32_t> count{0};    // keys (leaf) or separators (inner)
    std::atomic<uint32_t> skip{0};     // bytes every key here shares; see "Heads"
    // Fences: every key k of the subtree has low <= k < high; nullptr is unbounded.
    std::atomic<const char*> low{nullptr};
    std::atomic<const char*> high{nullptr};
    // Leaves: the next leaf, whose first key is this leaf's high fence; nullptr for the last.
    std::atomic<Node*> next{nullptr};
    const bool leaf;
    std::atomic<uint32_t> heads[kCapacity] = {};
    std::atomic<uint32_t> keys[kCapacity] = {};  // RefOf each key; 0 for none
  };
  struct Inner : Node {
    Inner() : Node(false) {}
    std::atomic<Node*> children[kCapacity + 1] = {};
  };
  static Inner* AsInner(Node* n) { return static_cast<Inner*>(n); }
  static const Inner* AsInner(const Node* n) { return static_cast<const Inner*>(n); }

  // Optimistic reads: false if the node is locked (the caller starts over).
  static bool ReadLock(const Node* n, uint64_t* version) {
    *version = n->version.load(std::memory_order_acquire);
    return (*version & 1) == 0;
  }
  // Whether nothing changed n since ReadLock returned `version`.
  static bool Validate(const Node* n, uint64_t version) {
    std::atomic_thread_fence(std::memory_order_acquire);
    return n->version.load(std::memory_order_relaxed) == version;
  }
  // Locks n if it is still at `version`.
  static bool Upgrade(Node* n, uint64_t version) {
    return n->version.compare_exchange_strong(version, version + 1, std::memory_order_acquire,
                                              std::memory_order_relaxed);
  }
  static void Unlock(Node* n) { n->version.fetch_add(1, std::memory_order_release); }
  // Starts loading a node's lines at once (a leaf's all, an inner node's all but its children):
  // a search reads most of them, and one miss at a time would cost a memory latency per line.
  static void Prefetch(const Node* n) {
    const char* p = reinterpret_cast<const char*>(n);
    for (size_t offset = 0; offset < sizeof(Node); offset += 64) __builtin_prefetch(p + offset);
  }
  // A key's reference in a node: its offset from the arena's base, plus one, so that 0 is no
  // key. The arena's reservation (under 4 GiB) keeps every key within reach.
  uint32_t RefOf(const char* key) const {
    return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(key) - origin_);
  }
  const char* KeyOf(uint32_t ref) const {
    return ref == 0 ? nullptr : reinterpret_cast<const char*>(origin_ + ref);
  }
  const char* LoadKey(const Node* n, uint32_t i, std::memory_order order) const {
    return KeyOf(n->keys[i].load(order));
  }
  // Copies slot i of `from` (key and head) to slot j of `to`.
  static void CopySlot(Node* to, uint32_t j, const Node* from, uint32_t i) {
    to->heads[j].store(from->heads[i].load(std::memory_order_relaxed), std::memory_order_relaxed);
    to->keys[j].store(from->keys[i].load(std::memory_order_relaxed), std::memory_order_release);
  }
  // Called before each new attempt after a conflict: lets a preempted lock holder run.
  static void Backoff(int* attempts) {
    if (++*attempts % 16 == 0) std::this_thread::yield();
  }

  // Keys of n below the target (at or below it if or_equal); *torn is set when a concurrent
  // change left a hole, for the caller to start over.
  uint32_t CountBelow(const Node* n, const Decoded& target, bool or_equal, bool* torn) const;
  uint32_t HeadOf(const char* key, uint32_t skip) const {
    return cmp_.Head(cmp_.Decode(key), skip);
  }
  uint32_t SkipFor(const char* low, const char* high) const {
    if (low == nullptr || high == nullptr) return 0;
    return static_cast<uint32_t>(cmp_.SharedPrefix(cmp_.Decode(low), cmp_.Decode(high)));
  }

  bool TryInsert(const char* key, const Decoded& decoded);
  // Splits the locked, full node n, whose locked parent (nullptr for the root) has room.
  void Split(Node* n, Inner* parent);
  // Makes room in the locked, full leaf n by moving some of its keys into a neighbour under
  // its locked parent that has room; false (nothing changed) when neither has.
  bool MakeRoom(Node* n, Inner* parent);
  // Moves the boundary between the locked adjacent leaves a and b, the parent's children at
  // and at + 1: a's last `shift` keys go to b's front, or for a negative shift b's first
  // -shift keys go to a's end.
  void MoveBoundary(Node* a, Node* b, Inner* parent, uint32_t at, int shift);
  // Keys [from, to) of a node whose heads were made with `skip`.
  struct HeadRun {
    uint32_t from, to, skip;
  };
  // Sets n's skip from its fences and remakes the heads of `runs` for it. A run made with a
  // larger skip needs one key read (every key of it shares the bytes the heads gain); one made
  // with a smaller skip needs each of its keys read.
  void Reskip(Node* n, std::initializer_list<HeadRun> runs);

  // Descends from the root to a leaf, taking at each inner node the child that
  // choose(node, &torn) names; false when a concurrent change calls for a new attempt.
  template <typename Choose>
  bool DescendToLeaf(Choose choose, const Node** leaf, uint64_t* version) const;
  Position Locate(const Decoded& target, Mode mode) const;
  Position LocateEdge(bool last) const;
  // Moves *pos by one key within its leaf, or forward into the next leaf; false when that
  // needs a search.
  bool Step(Position* pos, int direction) const;
  // The first key after `leaf`, read at `version`: the next leaf's first key, or the end.
  // False when a concurrent change calls for a search.
  bool FirstOfNext(const Node* leaf, uint64_t version, Position* pos) const;

  const Cmp cmp_;
  ConcurrentArena* const arena_;
  // One byte before the arena's base: RefOf(key) is key's address less this.
  const uintptr_t origin_;
  std::atomic<Node*> root_;
};

template <typename Cmp>
BTree<Cmp>::BTree(Cmp cmp, ConcurrentArena* arena)
    : cmp_(cmp), arena_(arena), origin_(reinterpret_cast<uintptr_t>(arena->base()) - 1) {
  LSM_INVARIANT(arena->base() != nullptr);
  root_.store(new (arena_->Allocate(sizeof(Node))) Node(true), std::memory_order_release);
}

template <typename Cmp>
uint32_t BTree<Cmp>::CountBelow(const Node* n, const Decoded& target, bool or_equal,
                                bool* torn) const {
  uint32_t lo = 0;
  uint32_t hi = n->count.load(std::memory_order_relaxed);
  const uint32_t head = cmp_.Head(target, n->skip.load(std::memory_order_relaxed));
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    const uint32_t h = n->heads[mid].load(std::memory_order_relaxed);
    int c;
    if (h != head) {
      c = h < head ? -1 : +1;
    } else {
      const uint32_t ref = n->keys[mid].load(std::memory_order_acquire);
      if (ref == 0) {
        *torn = true;
        return 0;
      }
      c = cmp_.Compare(KeyOf(ref), target);
    }
    if (c < 0 || (or_equal && c == 0)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

template <typename Cmp>
bool BTree<Cmp>::TryInsert(const char* key, const Decoded& decoded) {
  Node* node = root_.load(std::memory_order_acquire);
  uint64_t version;
  if (!ReadLock(node, &version) || root_.load(std::memory_order_acquire) != node) return false;
  Inner* parent = nullptr;
  uint64_t parent_version = 0;
  for (;;) {
    if (node->count.load(std::memory_order_relaxed) == kCapacity) {
      // Full: split it now, while its parent (checked on the way down) has room.
      if (parent != nullptr && !Upgrade(parent, parent_version)) return false;
      if (!Upgrade(node, version)) {
        if (parent != nullptr) Unlock(parent);
        return false;
      }
      if (parent == nullptr && root_.load(std::memory_order_relaxed) != node) {
        Unlock(node);
        return false;
      }
      if (!node->leaf || parent == nullptr || !MakeRoom(node, parent)) Split(node, parent);
      Unlock(node);
      if (parent != nullptr) Unlock(parent);
      return false;
    }
    if (node->leaf) break;
    bool torn = false;
    const uint32_t i = CountBelow(node, decoded, /*or_equal=*/true, &torn);
    Node* child = AsInner(node)->children[i].load(std::memory_order_acquire);
    if (torn || child == nullptr) return false;
    Prefetch(child);
    uint64_t child_version;
    if (!ReadLock(child, &child_version) || !Validate(node, version)) return false;
    parent = AsInner(node);
    parent_version = version;
    node = child;
    version = child_version;
  }

  if (!Upgrade(node, version)) return false;
  const uint32_t n = node->count.load(std::memory_order_relaxed);
  if (n == kCapacity) {  // filled since it was read: split it first
    Unlock(node);
    return false;
  }
  bool torn = false;
  const uint32_t at = CountBelow(node, decoded, /*or_equal=*/false, &torn);
  LSM_INVARIANT(!torn);
  LSM_INVARIANT(at == n ||
                cmp_.Compare(LoadKey(node, at, std::memory_order_relaxed), decoded) != 0);
  for (uint32_t j = n; j > at; j--) {
    node->heads[j].store(node->heads[j - 1].load(std::memory_order_relaxed),
                         std::memory_order_relaxed);
    node->keys[j].store(node->keys[j - 1].load(std::memory_order_relaxed),
                        std::memory_order_release);
  }
  node->heads[at].store(cmp_.Head(decoded, node->skip.load(std::memory_order_relaxed)),
                        std::memory_order_relaxed);
  node->keys[at].store(RefOf(key), std::memory_order_release);
  node->count.store(n + 1, std::memory_order_relaxed);
  Unlock(node);
  return true;
}

template <typename Cmp>
void BTree<Cmp>::Reskip(Node* n, std::initializer_list<HeadRun> runs) {
  const uint32_t skip =
      SkipFor(n->low.load(std::memory_order_relaxed), n->high.load(std::memory_order_relaxed));
  n->skip.store(skip, std::memory_order_relaxed);
  for (const HeadRun& run : runs) {
    if (run.from == run.to || run.skip == skip) continue;
    if (run.skip < skip) {  // the heads must move past bytes they do not hold: read every key
      for (uint32_t i = run.from; i < run.to; i++) {
        n->heads[i].store(HeadOf(LoadKey(n, i, std::memory_order_relaxed), skip),
                          std::memory_order_relaxed);
      }
      continue;
    }
    // Every key of the run shares bytes [0, run.skip) with its first: the bytes [skip,
    // run.skip) each head gains are read once, and the rest of it is the old head's front.
    const uint32_t gained = run.skip - skip;
    const uint32_t front = HeadOf(LoadKey(n, run.from, std::memory_order_relaxed), skip);
    for (uint32_t i = run.from; i < run.to; i++) {
      uint32_t head = front;
      if (gained < 4) {
        const uint32_t kept = 8 * (4 - gained);  // bits of the old head that stay
        head =
            (front >> kept << kept) | (n->heads[i].load(std::memory_order_relaxed) >> (8 * gained));
      }
      n->heads[i].store(head, std::memory_order_relaxed);
    }
  }
}

template <typename Cmp>
void BTree<Cmp>::Split(Node* n, Inner* parent) {
  const uint32_t count = n->count.load(std::memory_order_relaxed);
  const uint32_t mid = count / 2;
  const char* const separator = LoadKey(n, mid, std::memory_order_relaxed);
  Node* right;
  if (n->leaf) {
    // The separator stays, as the right leaf's first key.
    right = new (arena_->Allocate(sizeof(Node))) Node(true);
    for (uint32_t i = mid; i < count; i++) CopySlot(right, i - mid, n, i);
    right->count.store(count - mid, std::memory_order_relaxed);
    right->next.store(n->next.load(std::memory_order_relaxed), std::memory_order_relaxed);
    n->next.store(right, std::memory_order_release);
  } else {
    // The separator moves up; the children on its right go with the right node.
    Inner* r = new (arena_->Allocate(sizeof(Inner))) Inner();
    for (uint32_t i = mid + 1; i < count; i++) CopySlot(r, i - mid - 1, n, i);
    for (uint32_t i = mid + 1; i <= count; i++) {
      r->children[i - mid - 1].store(AsInner(n)->children[i].load(std::memory_order_relaxed),
                                     std::memory_order_relaxed);
    }
    r->count.store(count - mid - 1, std::memory_order_relaxed);
    right = r;
  }
  // Both halves' ranges are within n's, so their skips are at least n's: a head is read from
  // its key only when its half's skip grew.
  const uint32_t skip = n->skip.load(std::memory_order_relaxed);
  right->low.store(separator, std::memory_order_relaxed);
  right->high.store(n->high.load(std::memory_order_relaxed), std::memory_order_relaxed);
  Reskip(right, {{0, right->count.load(std::memory_order_relaxed), skip}});

  n->high.store(separator, std::memory_order_relaxed);
  Reskip(n, {{0, mid, skip}});
  n->count.store(mid, std::memory_order_relaxed);

  if (parent == nullptr) {
    Inner* root = new (arena_->Allocate(sizeof(Inner))) Inner();
    root->keys[0].store(RefOf(separator), std::memory_order_relaxed);
    root->heads[0].store(HeadOf(separator, 0), std::memory_order_relaxed);
    root->children[0].store(n, std::memory_order_relaxed);
    root->children[1].store(right, std::memory_order_relaxed);
    root->count.store(1, std::memory_order_relaxed);
    root_.store(root, std::memory_order_release);
    return;
  }
  const uint32_t pc = parent->count.load(std::memory_order_relaxed);
  LSM_INVARIANT(pc < kCapacity);
  uint32_t at = 0;
  while (parent->children[at].load(std::memory_order_relaxed) != n) at++;
  LSM_INVARIANT(at <= pc);
  for (uint32_t j = pc; j > at; j--) {
    parent->heads[j].store(parent->heads[j - 1].load(std::memory_order_relaxed),
                           std::memory_order_relaxed);
    parent->keys[j].store(parent->keys[j - 1].load(std::memory_order_relaxed),
                          std::memory_order_release);
    parent->children[j + 1].store(parent->children[j].load(std::memory_order_relaxed),
                                  std::memory_order_release);
  }
  parent->heads[at].store(HeadOf(separator, parent->skip.load(std::memory_order_relaxed)),
                          std::memory_order_relaxed);
  parent->keys[at].store(RefOf(separator), std::memory_order_release);
  parent->children[at + 1].store(right, std::memory_order_release);
  parent->count.store(pc + 1, std::memory_order_relaxed);
}

template <typename Cmp>
bool BTree<Cmp>::MakeRoom(Node* n, Inner* parent) {
  const uint32_t pc = parent->count.load(std::memory_order_relaxed);
  uint32_t at = 0;
  while (parent->children[at].load(std::memory_order_relaxed) != n) at++;
  LSM_INVARIANT(at <= pc);
  // Half the difference moves, so both end equally full. A neighbour too full to take even one
  // key leaves the work to Split. (Moves of one key are worth their locks: requiring four or
  // eight left leaves emptier, docs/performance.md.)
  for (const bool right : {true, false}) {
    if (right ? at == pc : at == 0) continue;
    Node* neighbour = parent->children[right ? at + 1 : at - 1].load(std::memory_order_relaxed);
    uint64_t version;
    if (!ReadLock(neighbour, &version)) continue;
    const uint32_t move = (kCapacity - neighbour->count.load(std::memory_order_relaxed)) / 2;
    if (move == 0 || !Upgrade(neighbour, version)) continue;
    if (right) {
      MoveBoundary(n, neighbour, parent, at, static_cast<int>(move));
    } else {
      MoveBoundary(neighbour, n, parent, at - 1, -static_cast<int>(move));
    }
    Unlock(neighbour);
    return true;
  }
  return false;
}

template <typename Cmp>
void BTree<Cmp>::MoveBoundary(Node* a, Node* b, Inner* parent, uint32_t at, int shift) {
  const uint32_t ac = a->count.load(std::memory_order_relaxed);
  const uint32_t bc = b->count.load(std::memory_order_relaxed);
  if (shift > 0) {  // a's last keys to b's front
    const uint32_t m = static_cast<uint32_t>(shift);
    for (uint32_t j = bc; j-- > 0;) CopySlot(b, j + m, b, j);
    for (uint32_t i = 0; i < m; i++) CopySlot(b, i, a, ac - m + i);
    a->count.store(ac - m, std::memory_order_relaxed);
    b->count.store(bc + m, std::memory_order_relaxed);
  } else {  // b's first keys to a's end
    const uint32_t m = static_cast<uint32_t>(-shift);
    for (uint32_t i = 0; i < m; i++) CopySlot(a, ac + i, b, i);
    for (uint32_t j = m; j < bc; j++) CopySlot(b, j - m, b, j);
    a->count.store(ac + m, std::memory_order_relaxed);
    b->count.store(bc - m, std::memory_order_relaxed);
  }
  // b's new first key is the boundary: b's low fence, a's high one, and the separator between
  // them in the parent (whose own fences, and so skip, stay). Each leaf's skip follows its new
  // fences; its heads were made with its own old skip or, for the moved keys, the other leaf's.
  const char* const separator = LoadKey(b, 0, std::memory_order_relaxed);
  const uint32_t a_skip = a->skip.load(std::memory_order_relaxed);
  const uint32_t b_skip = b->skip.load(std::memory_order_relaxed);
  a->high.store(separator, std::memory_order_relaxed);
  b->low.store(separator, std::memory_order_relaxed);
  const uint32_t a_count = a->count.load(std::memory_order_relaxed);
  const uint32_t b_count = b->count.load(std::memory_order_relaxed);
  if (shift > 0) {  // b: a's keys first, then its own
    const uint32_t m = static_cast<uint32_t>(shift);
    Reskip(a, {{0, a_count, a_skip}});
    Reskip(b, {{0, m, a_skip}, {m, b_count, b_skip}});
  } else {  // a: its own keys, then b's
    const uint32_t m = static_cast<uint32_t>(-shift);
    Reskip(a, {{0, a_count - m, a_skip}, {a_count - m, a_count, b_skip}});
    Reskip(b, {{0, b_count, b_skip}});
  }
  parent->heads[at].store(HeadOf(separator, parent->skip.load(std::memory_order_relaxed)),
                          std::memory_order_relaxed);
  parent->keys[at].store(RefOf(separator), std::memory_order_release);
}

template <typename Cmp>
template <typename Choose>
bool BTree<Cmp>::DescendToLeaf(Choose choose, const Node** leaf, uint64_t* version) const {
  const Node* node = root_.load(std::memory_order_acquire);
  uint64_t node_version;
  if (!ReadLock(node, &node_version) || root_.load(std::memory_order_acquire) != node) {
    return false;
  }
  while (!node->leaf) {
    bool torn = false;
    const uint32_t i = choose(node, &torn);
    const Node* child = AsInner(node)->children[i].load(std::memory_order_acquire);
    if (child != nullptr) Prefetch(child);
    uint64_t child_version;
    if (torn || child == nullptr || !ReadLock(child, &child_version) ||
        !Validate(node, node_version)) {
      return false;
    }
    node = child;
    node_version = child_version;
  }
  *leaf = node;
  *version = node_version;
  return true;
}

template <typename Cmp>
typename BTree<Cmp>::Position BTree<Cmp>::Locate(const Decoded& target, Mode mode) const {
  // Descend right of separators below the target (at or below it, but for kBefore, which
  // wants the leaf holding the last key below it).
  const bool descend_equal = mode != Mode::kBefore;
  // In the leaf, count the keys below the target (at or below it for kAfter and kLastAtMost).
  const bool leaf_equal = mode == Mode::kAfter || mode == Mode::kLastAtMost;
  const bool forward = mode == Mode::kFirstAtLeast || mode == Mode::kAfter;
  auto choose = [&](const Node* n, bool* torn) {
    return CountBelow(n, target, descend_equal, torn);
  };
  for (int attempts = 0;; Backoff(&attempts)) {
    const Node* node;
    uint64_t version;
    if (!DescendToLeaf(choose, &node, &version)) continue;
    bool torn = false;
    const uint32_t below = CountBelow(node, target, leaf_equal, &torn);
    Position pos;
    if (forward) {
      if (below < node->count.load(std::memory_order_relaxed)) {
        pos = {node, static_cast<int>(below), version,
               LoadKey(node, below, std::memory_order_acquire)};
      }
    } else if (below > 0) {
      pos = {node, static_cast<int>(below) - 1, version,
             LoadKey(node, below - 1, std::memory_order_acquire)};
    }
    if (torn || !Validate(node, version)) continue;
    if (pos.leaf != nullptr && pos.key == nullptr) continue;
    if (forward && pos.leaf == nullptr && !FirstOfNext(node, version, &pos)) continue;
    return pos;
  }
}

template <typename Cmp>
typename BTree<Cmp>::Position BTree<Cmp>::LocateEdge(bool last) const {
  auto choose = [last](const Node* n, bool*) {
    return last ? n->count.load(std::memory_order_relaxed) : 0;
  };
  for (int attempts = 0;; Backoff(&attempts)) {
    const Node* node;
    uint64_t version;
    if (!DescendToLeaf(choose, &node, &version)) continue;
    const uint32_t count = node->count.load(std::memory_order_relaxed);
    Position pos;
    if (count > 0) {
      const uint32_t i = last ? count - 1 : 0;
      pos = {node, static_cast<int>(i), version, LoadKey(node, i, std::memory_order_acquire)};
    }
    if (!Validate(node, version) || (count > 0 && pos.key == nullptr)) continue;
    return pos;
  }
}

template <typename Cmp>
bool BTree<Cmp>::FirstOfNext(const Node* leaf, uint64_t version, Position* pos) const {
  const Node* next = leaf->next.load(std::memory_order_acquire);
  if (!Validate(leaf, version)) return false;
  if (next == nullptr) {
    *pos = Position();
    return true;
  }
  // The next leaf's first key changes only when MoveBoundary moves keys between it and
  // `leaf`, which it does with `leaf` locked: `leaf` still at `version` afterwards means the key
  // read follows every key `leaf` held then.
  uint64_t next_version;
  if (!ReadLock(next, &next_version)) return false;
  const char* key = LoadKey(next, 0, std::memory_order_acquire);
  if (key == nullptr || !Validate(next, next_version) || !Validate(leaf, version)) return false;
  *pos = {next, 0, next_version, key};
  return true;
}

template <typename Cmp>
bool BTree<Cmp>::Step(Position* pos, int direction) const {
  const Node* leaf = pos->leaf;
  if (leaf == nullptr) return false;
  const int i = pos->index + direction;
  const int count = static_cast<int>(leaf->count.load(std::memory_order_relaxed));
  if (direction > 0 && i == count) return FirstOfNext(leaf, pos->version, pos);
  if (i < 0 || i >= count) return false;
  const char* key = LoadKey(leaf, i, std::memory_order_acquire);
  if (key == nullptr || !Validate(leaf, pos->version)) return false;
  // Entries lie where they were allocated, in write order: start loading the one a few steps
  // ahead, so that a scan has several misses in flight.
  const int ahead = i + kPrefetchDistance * direction;
  if (ahead >= 0 && ahead < static_cast<int>(kCapacity)) {
    const char* next = LoadKey(leaf, ahead, std::memory_order_relaxed);
    if (next != nullptr) __builtin_prefetch(next);
  }
  pos->index = i;
  pos->key = key;
  return true;
}

}  // namespace lsm

#endif  // LSM_MEMTABLE_BTREE_H_
