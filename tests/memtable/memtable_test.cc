#include "src/memtable/memtable.h"

#include <absl/strings/str_format.h>
#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "lsm/comparator.h"
#include "src/util/random.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// Owns one reference for the test's duration.
// The parameters: the reverse comparator instead of the bytewise one; the memtable's index.
class MemTableTest : public ::testing::TestWithParam<std::tuple<bool, MemTableRep>> {
 protected:
  MemTableTest()
      : icmp_(std::get<0>(GetParam()) ? ReverseBytewiseComparator() : BytewiseComparator()),
        mem_(new MemTable(icmp_, std::get<1>(GetParam()))) {
    mem_->Ref();
  }
  ~MemTableTest() override { mem_->Unref(); }

  // "value", "NOT_FOUND" for a deletion, or "ABSENT".
  std::string Get(std::string_view user_key, SequenceNumber seq) {
    std::string value;
    Status s;
    if (!mem_->Get(LookupKey(user_key, seq), &value, &s)) return "ABSENT";
    if (s.IsNotFound()) return "NOT_FOUND";
    EXPECT_TRUE(s.ok()) << s.ToString();
    return value;
  }

  InternalKeyComparator icmp_;
  MemTable* mem_;
};

TEST_P(MemTableTest, VersionsAndDeletions) {
  mem_->Add(10, ValueType::kValue, "k", "v10");
  mem_->Add(20, ValueType::kValue, "k", "v20");
  mem_->Add(30, ValueType::kDeletion, "k", "");
  mem_->Add(40, ValueType::kValue, "k", "v40");
  mem_->Add(15, ValueType::kValue, "ka", "other");
  mem_->Add(16, ValueType::kValue, "j", "before");

  EXPECT_EQ(Get("k", 9), "ABSENT");
  EXPECT_EQ(Get("k", 10), "v10");
  EXPECT_EQ(Get("k", 19), "v10");
  EXPECT_EQ(Get("k", 20), "v20");
  EXPECT_EQ(Get("k", 30), "NOT_FOUND");
  EXPECT_EQ(Get("k", 39), "NOT_FOUND");
  EXPECT_EQ(Get("k", 40), "v40");
  EXPECT_EQ(Get("k", kMaxSequenceNumber), "v40");
  EXPECT_EQ(Get("ka", 14), "ABSENT");
  EXPECT_EQ(Get("ka", 15), "other");
  EXPECT_EQ(Get("kb", 100), "ABSENT");
  EXPECT_EQ(Get("", 100), "ABSENT");
  EXPECT_EQ(Get("j", 100), "before");
}

TEST_P(MemTableTest, EmptyAndBinaryKeysAndValues) {
  const std::string binary("\0\xff\x00\x80", 4);
  mem_->Add(1, ValueType::kValue, "", "empty-key");
  mem_->Add(2, ValueType::kValue, binary, "");
  mem_->Add(3, ValueType::kValue, std::string(1, '\0'), binary);
  EXPECT_EQ(Get("", 5), "empty-key");
  EXPECT_EQ(Get(binary, 5), "");
  EXPECT_EQ(Get(std::string(1, '\0'), 5), binary);
  EXPECT_EQ(Get(std::string(2, '\0'), 5), "ABSENT");
}

TEST_P(MemTableTest, LargeKeysAndValues) {
  const std::string big_value(3 << 20, 'v');
  const std::string big_key(300 * 1024, 'k');
  const size_t before = mem_->ApproximateMemoryUsage();
  mem_->Add(1, ValueType::kValue, "a", big_value);
  mem_->Add(2, ValueType::kValue, big_key, "small");
  EXPECT_GE(mem_->ApproximateMemoryUsage(), before + big_value.size() + big_key.size());
  EXPECT_EQ(Get("a", 5), big_value);
  EXPECT_EQ(Get(big_key, 5), "small");
  std::unique_ptr<InternalIterator> it = mem_->NewIterator();
  it->Seek(IKey("a", kMaxSequenceNumber, kValueTypeForSeek));
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->value(), big_value);
}

TEST_P(MemTableTest, IteratorOutlivesCallerReference) {
  MemTable* mem = new MemTable(icmp_, std::get<1>(GetParam()));
  mem->Ref();
  mem->Add(1, ValueType::kValue, "x", "y");
  std::unique_ptr<InternalIterator> it = mem->NewIterator();
  mem->Unref();
  it->SeekToFirst();
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key(), IKey("x", 1, ValueType::kValue));
  EXPECT_EQ(it->value(), "y");
  EXPECT_TRUE(it->status().ok());
}

TEST_P(MemTableTest, MemoryUsageGrows) {
  const size_t start = mem_->ApproximateMemoryUsage();
  for (int i = 0; i < 10000; i++) {
    mem_->Add(i + 1, ValueType::kValue, "key" + std::to_string(i), std::string(100, 'x'));
  }
  EXPECT_GE(mem_->ApproximateMemoryUsage(), start + 10000 * 100);
}

// Random Adds at increasing sequences, then Gets, scans and seeks against a std::map model.
struct Less {
  const InternalKeyComparator* icmp;
  bool operator()(const std::string& a, const std::string& b) const {
    return icmp->Compare(a, b) < 0;
  }
};
using Model = std::map<std::string, std::string, Less>;

// Adds `count` random entries with keys from random_user_key to mem_ and the model, then
// checks Get, full scans both ways, and seeks followed by random steps against the model.
template <typename KeyFn>
void CheckAgainstModel(MemTable* mem, const InternalKeyComparator& icmp, int count, Random& rnd,
                       KeyFn random_user_key);

TEST_P(MemTableTest, RandomAgainstModel) {
  Random rnd(TestSeed());
  CheckAgainstModel(mem_, icmp_, 4000, rnd, [&rnd]() {
    // A small key space, so that keys get many versions; some bytes are binary.
    std::string k = rnd.Bytes(rnd.Uniform(4));
    for (char& c : k) c = static_cast<char>("a\0\xffz"[static_cast<uint8_t>(c) % 4]);
    return k;
  });
}

// Keys of many lengths under a few long shared prefixes, enough of them for a B+-tree of three
// levels: the key heads of its nodes start past different prefixes.
TEST_P(MemTableTest, SharedPrefixesAgainstModel) {
  Random rnd(TestSeed());
  const std::string prefixes[] = {"", "user", std::string(12, '\0'), "tenant/0042/orders/",
                                  std::string(9, '\xff')};
  CheckAgainstModel(mem_, icmp_, 30000, rnd, [&]() {
    std::string k = prefixes[rnd.Uniform(5)];
    if (rnd.OneIn(3)) {
      k += std::to_string(rnd.Uniform(100000));
    } else {
      k += rnd.Bytes(rnd.Uniform(20));
    }
    return k;
  });
}

// An iterator keeps its place while inserts split the nodes around it: each step lands on the
// neighbour the model has at that moment.
TEST_P(MemTableTest, IteratorStepsAcrossLaterInserts) {
  Random rnd(TestSeed());
  Model model(Less{&icmp_});
  SequenceNumber seq = 0;
  auto add = [&] {
    const std::string k = Key(static_cast<int>(rnd.Uniform(1000000)));
    mem_->Add(++seq, ValueType::kValue, k, "v");
    model[IKey(k, seq, ValueType::kValue)] = "v";
  };
  for (int i = 0; i < 2000; i++) add();
  std::unique_ptr<InternalIterator> it = mem_->NewIterator();
  it->SeekToFirst();
  auto expected = model.begin();
  for (int step = 0; step < 20000 && it->Valid(); step++) {
    for (int i = rnd.Uniform(4); i > 0; i--) add();
    ASSERT_EQ(it->key(), expected->first) << "step " << step;
    if (rnd.OneIn(3) && expected != model.begin()) {
      it->Prev();
      --expected;
    } else {
      it->Next();
      ++expected;
      if (expected == model.end()) break;
    }
    ASSERT_TRUE(it->Valid());
  }
}

template <typename KeyFn>
void CheckAgainstModel(MemTable* mem, const InternalKeyComparator& icmp, int count, Random& rnd,
                       KeyFn random_user_key) {
  Model model(Less{&icmp});
  SequenceNumber seq = 0;
  for (int i = 0; i < count; i++) {
    const std::string k = random_user_key();
    const bool del = rnd.OneIn(4);
    const std::string v = del ? "" : rnd.Bytes(rnd.Skewed(8));
    seq += 1 + rnd.Uniform(3);
    const ValueType type = del ? ValueType::kDeletion : ValueType::kValue;
    if (rnd.OneIn(2)) {
      mem->Add(seq, type, k, v);
    } else {
      mem->AddSingleWriter(seq, type, k, v);
    }
    model[IKey(k, seq, type)] = v;
  }

  for (int i = 0; i < 3000; i++) {
    const std::string k = random_user_key();
    const SequenceNumber read_seq = rnd.Uniform(seq + 2);
    std::string expected = "ABSENT";
    auto pos = model.lower_bound(IKey(k, read_seq, kValueTypeForSeek));
    ParsedInternalKey parsed;
    if (pos != model.end() && ParseInternalKey(pos->first, &parsed) && parsed.user_key == k) {
      expected = parsed.type == ValueType::kValue ? pos->second : "NOT_FOUND";
    }
    std::string value;
    Status s;
    std::string got = "ABSENT";
    if (mem->Get(LookupKey(k, read_seq), &value, &s)) got = s.IsNotFound() ? "NOT_FOUND" : value;
    ASSERT_EQ(got, expected) << "seq " << read_seq;
  }

  std::unique_ptr<InternalIterator> it = mem->NewIterator();
  it->SeekToFirst();
  for (const auto& [k, v] : model) {
    ASSERT_TRUE(it->Valid());
    ASSERT_EQ(it->key(), k);
    ASSERT_EQ(it->value(), v);
    it->Next();
  }
  EXPECT_FALSE(it->Valid());
  it->SeekToLast();
  for (auto r = model.rbegin(); r != model.rend(); ++r) {
    ASSERT_TRUE(it->Valid());
    ASSERT_EQ(it->key(), r->first);
    it->Prev();
  }
  EXPECT_FALSE(it->Valid());

  for (int walk = 0; walk < 500; walk++) {
    const std::string target = IKey(random_user_key(), rnd.Uniform(seq + 2),
                                    rnd.OneIn(2) ? ValueType::kValue : ValueType::kDeletion);
    auto expected = model.lower_bound(target);
    if (rnd.OneIn(2)) {
      it->Seek(target);
    } else {
      // SeekForPrev lands on the last entry <= target.
      expected = model.upper_bound(target);
      it->SeekForPrev(target);
      if (expected == model.begin()) {
        ASSERT_FALSE(it->Valid());
        continue;
      }
      --expected;
    }
    for (int step = 0; step < 10 && expected != model.end(); step++) {
      ASSERT_TRUE(it->Valid());
      ASSERT_EQ(it->key(), expected->first);
      ASSERT_EQ(it->value(), expected->second);
      if (rnd.OneIn(2)) {
        it->Next();
        ++expected;
      } else if (expected != model.begin()) {
        it->Prev();
        --expected;
      }
    }
    if (expected == model.end()) {
      ASSERT_FALSE(it->Valid());
    }
  }
}

// A B+-tree memtable takes entries for as long as Room() says (an entry past its reservation
// would abort the test), and holds every one of them; the skiplist's room is unbounded.
TEST(MemTableRoomTest, TreeHoldsWhatRoomAllows) {
  const InternalKeyComparator icmp(BytewiseComparator());
  MemTable* list = new MemTable(icmp, MemTableRep::kSkipList);
  list->Ref();
  EXPECT_EQ(list->Room(), SIZE_MAX);
  list->Unref();

  MemTable* mem = new MemTable(icmp, MemTableRep::kBTree, ConcurrentArena::kBlockSize, 12 << 20);
  mem->Ref();
  const size_t initial = mem->Room();
  ASSERT_LT(initial, size_t{12 << 20});
  Random rnd(TestSeed());
  uint64_t added = 0;
  size_t bytes = 0;
  for (;;) {
    const std::string key = absl::StrFormat("%016u", rnd.Next());
    const std::string value = rnd.Bytes(rnd.OneIn(100) ? rnd.Uniform(40000) : rnd.Uniform(200));
    const size_t need = MemTable::BytesFor(1, key.size() + value.size());
    if (need > mem->Room()) break;
    mem->Add(++added, ValueType::kValue, key, value);
    bytes += need;
  }
  EXPECT_GT(bytes, initial / 2);
  uint64_t seen = 0;
  std::unique_ptr<InternalIterator> it = mem->NewIterator();
  for (it->SeekToFirst(); it->Valid(); it->Next()) seen++;
  EXPECT_EQ(seen, added);
  it.reset();
  mem->Unref();
}

// The promise the write path relies on to skip asking Room() for batches no larger than a
// write buffer: below its write buffer size, a B+-tree memtable has room for that much.
TEST(MemTableRoomTest, RoomForAWriteBufferUntilFull) {
  const InternalKeyComparator icmp(BytewiseComparator());
  Random rnd(TestSeed());
  for (const size_t buffer : {size_t{64} << 10, size_t{1} << 20, size_t{8} << 20}) {
    MemTable* mem = new MemTable(icmp, MemTableRep::kBTree, MemTable::ArenaBlockSizeFor(buffer),
                                 MemTable::TreeReservationFor(buffer));
    mem->Ref();
    for (SequenceNumber seq = 1; mem->BytesInUse() < buffer; seq++) {
      ASSERT_GE(mem->Room(), buffer) << buffer << " bytes, at " << mem->BytesInUse();
      const size_t value = rnd.OneIn(200) ? rnd.Uniform(buffer / 4) : rnd.Uniform(300);
      mem->Add(seq, ValueType::kValue, absl::StrFormat("%016u", rnd.Next()),
               std::string(value, 'v'));
    }
    mem->Unref();
  }
}

INSTANTIATE_TEST_SUITE_P(ComparatorsAndReps, MemTableTest,
                         ::testing::Combine(::testing::Bool(),
                                            ::testing::Values(MemTableRep::kSkipList,
                                                              MemTableRep::kBTree)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) ? "Reverse" : "Bytewise") +
                                  (std::get<1>(info.param) == MemTableRep::kBTree ? "BTree"
                                                                                  : "SkipList");
                         });

}  // namespace
}  // namespace lsm
