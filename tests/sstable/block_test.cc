#include "src/sstable/block.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "src/base/dbformat.h"
#include "src/sstable/block_builder.h"
#include "src/util/coding.h"
#include "src/util/random.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

struct ByComparator {
  const Comparator* cmp;
  bool operator()(const std::string& a, const std::string& b) const {
    return cmp->Compare(a, b) < 0;
  }
};
using Model = std::map<std::string, std::string, ByComparator>;

std::shared_ptr<const Block> Build(const Model& model, int restart_interval,
                                   bool packed_tags = false) {
  BlockBuilder builder(restart_interval, packed_tags);
  for (const auto& [k, v] : model) builder.Add(k, v);
  std::shared_ptr<const Block> block;
  EXPECT_TRUE(Block::Create(std::string(builder.Finish()), 0, &block, packed_tags).ok());
  EXPECT_EQ(block->packed_tags(), packed_tags);
  return block;
}

// Random keys sharing prefixes (to exercise prefix compression), with binary bytes and the
// empty key.
std::string RandomKey(Random* rnd, const std::vector<std::string>& earlier) {
  std::string key;
  if (!earlier.empty() && !rnd->OneIn(4)) {
    const std::string& base = earlier[rnd->Uniform(earlier.size())];
    key = base.substr(0, rnd->Uniform(base.size() + 1));
  }
  key += rnd->OneIn(2) ? rnd->Bytes(rnd->Skewed(5)) : std::string(rnd->Uniform(4), 'a');
  return key;
}

Model RandomModel(Random* rnd, const Comparator* cmp, size_t n) {
  Model model(ByComparator{cmp});
  std::vector<std::string> keys = {""};
  model[""] = "empty-key";
  while (model.size() < n) {
    std::string k = RandomKey(rnd, keys);
    keys.push_back(k);
    model[k] = rnd->Bytes(rnd->Skewed(6));
  }
  return model;
}

// Checks a full scan both ways and random seeks, nexts and prevs against the model.
void CheckAgainstModel(const Model& model, const Block& block, const Comparator* cmp, Random* rnd,
                       const std::vector<std::string>& targets) {
  BlockIter it(&block, KeyOrder(cmp));
  auto m = model.begin();
  for (it.SeekToFirst(); it.Valid(); it.Next(), ++m) {
    ASSERT_NE(m, model.end());
    ASSERT_EQ(it.key(), m->first);
    ASSERT_EQ(it.value(), m->second);
  }
  ASSERT_EQ(m, model.end());
  ASSERT_TRUE(it.status().ok()) << it.status().ToString();

  auto r = model.rbegin();
  for (it.SeekToLast(); it.Valid(); it.Prev(), ++r) {
    ASSERT_NE(r, model.rend());
    ASSERT_EQ(it.key(), r->first);
  }
  ASSERT_EQ(r, model.rend());

  for (const std::string& target : targets) {
    // Seek: first key >= target.
    auto lb = model.lower_bound(target);
    it.Seek(target);
    ASSERT_EQ(it.Valid(), lb != model.end());
    if (lb != model.end()) {
      ASSERT_EQ(it.key(), lb->first);
    }
    // SeekForPrev: last key <= target.
    auto ub = model.upper_bound(target);
    it.SeekForPrev(target);
    ASSERT_EQ(it.Valid(), ub != model.begin());
    if (ub == model.begin()) continue;
    auto pos = std::prev(ub);
    ASSERT_EQ(it.key(), pos->first);
    // A short random walk from there.
    for (int step = 0; step < 8 && it.Valid(); step++) {
      if (rnd->OneIn(2)) {
        it.Next();
        ++pos;
        ASSERT_EQ(it.Valid(), pos != model.end());
        if (pos == model.end()) break;
      } else {
        it.Prev();
        if (pos == model.begin()) {
          ASSERT_FALSE(it.Valid());
          break;
        }
        --pos;
      }
      ASSERT_EQ(it.key(), pos->first);
      ASSERT_EQ(it.value(), pos->second);
    }
  }
  ASSERT_TRUE(it.status().ok());
}

std::vector<std::string> Targets(const Model& model, Random* rnd, int n) {
  std::vector<std::string> targets;
  std::vector<std::string> keys;
  for (const auto& kv : model) keys.push_back(kv.first);
  for (int i = 0; i < n; i++) {
    if (rnd->OneIn(2)) {
      targets.push_back(keys[rnd->Uniform(keys.size())]);  // present
    } else {
      targets.push_back(RandomKey(rnd, keys));  // probably absent
    }
  }
  return targets;
}

TEST(BlockTest, RoundTripEveryRestartInterval) {
  Random rnd(TestSeed());
  std::vector<int> intervals;
  for (int i = 1; i <= 32; i++) intervals.push_back(i);
  for (int i : {64, 100, 1024}) intervals.push_back(i);
  for (int interval : intervals) {
    SCOPED_TRACE(interval);
    const Model model = RandomModel(&rnd, BytewiseComparator(), 1 + rnd.Uniform(400));
    auto block = Build(model, interval);
    EXPECT_EQ(block->num_restarts(), (model.size() + interval - 1) / interval);
    CheckAgainstModel(model, *block, BytewiseComparator(), &rnd, Targets(model, &rnd, 300));
  }
}

TEST(BlockTest, LongKeysUseTheHeapBuffer) {
  Random rnd(TestSeed());
  Model model(ByComparator{BytewiseComparator()});
  const std::string prefix(300, 'p');
  for (int i = 0; i < 200; i++) model[prefix + rnd.Bytes(rnd.Uniform(600))] = rnd.Bytes(3);
  for (int interval : {1, 16, 1000}) {
    CheckAgainstModel(model, *Build(model, interval), BytewiseComparator(), &rnd,
                      Targets(model, &rnd, 100));
  }
}

TEST(BlockTest, InternalKeysAndGenericComparators) {
  Random rnd(TestSeed());
  const InternalKeyComparator icmp(BytewiseComparator());
  const Comparator* reverse = ReverseBytewiseComparator();
  const InternalKeyComparator reverse_icmp(reverse);
  for (const Comparator* cmp : {static_cast<const Comparator*>(&icmp), reverse,
                                static_cast<const Comparator*>(&reverse_icmp)}) {
    const bool internal = cmp != reverse;
    Model model(ByComparator{cmp});
    std::vector<std::string> users;
    while (model.size() < 300) {
      // Internal keys: a user key often has several entries, which share all of it.
      const std::string user = internal && !users.empty() && rnd.OneIn(4)
                                   ? users[rnd.Uniform(users.size())]
                                   : RandomKey(&rnd, users);
      users.push_back(user);
      std::string key = user;
      if (internal) {
        key.clear();
        // Sequences from 0 (a one-byte packed tag) to past 2^48.
        const SequenceNumber seq = rnd.OneIn(4) ? 0 : rnd.Uniform(1000) << rnd.Uniform(40);
        AppendInternalKey(
            &key,
            ParsedInternalKey(user, seq, rnd.OneIn(3) ? ValueType::kDeletion : ValueType::kValue));
      }
      model[key] = rnd.Bytes(rnd.Uniform(10));
    }
    std::vector<std::string> targets;
    for (const auto& kv : model) targets.push_back(kv.first);
    for (const std::string& u : users) {
      if (!internal) continue;
      std::string t;
      AppendInternalKey(&t, ParsedInternalKey(u, rnd.Uniform(1000), kValueTypeForSeek));
      targets.push_back(t);
    }
    for (int interval : {1, 3, 16}) {
      CheckAgainstModel(model, *Build(model, interval), cmp, &rnd, targets);
      if (internal) {
        SCOPED_TRACE("packed tags");
        CheckAgainstModel(model, *Build(model, interval, /*packed_tags=*/true), cmp, &rnd, targets);
      }
    }
  }
}

// With packed tags an entry stores its user key delta and its tag as a varint: one byte at
// sequence 0, where the fixed tag takes eight.
TEST(BlockTest, PackedTagsAreVarints) {
  const InternalKeyComparator icmp(BytewiseComparator());
  std::string apple, apricot, apricot_old;
  AppendInternalKey(&apple, ParsedInternalKey("apple", 0, ValueType::kValue));
  AppendInternalKey(&apricot, ParsedInternalKey("apricot", 300, ValueType::kValue));
  AppendInternalKey(&apricot_old, ParsedInternalKey("apricot", 0, ValueType::kDeletion));
  BlockBuilder builder(16, /*packed_tags=*/true);
  builder.Add(apple, "1");
  builder.Add(apricot, "22");
  builder.Add(apricot_old, "");
  std::string contents(builder.Finish());
  // apple: header 3, "apple" 5, tag 1 (0x01), value 1. apricot: header 3, "ricot" 5, tag
  // (300 << 8 | 1) in 3 bytes, value 2. apricot_old: header 3, no key bytes, tag 1 (0x00).
  ASSERT_EQ(contents.size(), 10u + 13 + 4 + 2 * sizeof(uint32_t));
  EXPECT_EQ(contents.substr(0, 10), std::string("\x00\x05\x01"
                                                "apple\x01"
                                                "1",
                                                10));
  EXPECT_EQ(contents.substr(23, 4), std::string("\x07\x00\x00\x00", 4));

  std::shared_ptr<const Block> block;
  ASSERT_TRUE(Block::Create(contents, 0, &block, /*packed_tags=*/true).ok());
  BlockIter it(block.get(), KeyOrder(&icmp));
  it.SeekToFirst();
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), apple);
  it.Next();
  EXPECT_EQ(it.key(), apricot);
  EXPECT_EQ(it.value(), "22");
  it.Next();
  EXPECT_EQ(it.key(), apricot_old);
  it.Seek(apricot_old);
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.key(), apricot_old);
  it.Prev();
  EXPECT_EQ(it.key(), apricot);

  // A value that fits before the restart array only without the tag's byte.
  std::string bad = contents;
  bad[2] = 27 - 3 - 5;
  ASSERT_TRUE(Block::Create(bad, 4096, &block, /*packed_tags=*/true).ok());
  BlockIter broken(block.get(), KeyOrder(&icmp));
  broken.SeekToFirst();
  EXPECT_FALSE(broken.Valid());
  EXPECT_EQ(broken.status().ToString(), "Corruption: block @ 4096: malformed entry at +0");

  // A shared length that reaches into the previous key's tag.
  bad = contents;
  bad[10] = 6;  // apricot shares 6 bytes of "apple", which has 5
  ASSERT_TRUE(Block::Create(bad, 4096, &block, /*packed_tags=*/true).ok());
  BlockIter shared(block.get(), KeyOrder(&icmp));
  shared.SeekToLast();
  EXPECT_FALSE(shared.Valid());
  EXPECT_EQ(shared.status().ToString(), "Corruption: block @ 4096: malformed entry at +10");
}

TEST(BlockTest, EmptyBlock) {
  BlockBuilder builder(16);
  EXPECT_TRUE(builder.empty());
  std::shared_ptr<const Block> block;
  ASSERT_TRUE(Block::Create(std::string(builder.Finish()), 0, &block).ok());
  BlockIter it(block.get(), KeyOrder(BytewiseComparator()));
  it.SeekToFirst();
  EXPECT_FALSE(it.Valid());
  it.SeekToLast();
  EXPECT_FALSE(it.Valid());
  it.Seek("a");
  EXPECT_FALSE(it.Valid());
  it.SeekForPrev("a");
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().ok());
}

TEST(BlockTest, BadRestartArrays) {
  std::shared_ptr<const Block> block;
  for (std::string bad : {std::string(), std::string(3, '\0'), std::string(4, '\0')}) {
    EXPECT_TRUE(Block::Create(bad, 8, &block).IsCorruption());
  }
  std::string huge_count(8, '\0');
  EncodeFixed32(huge_count.data() + 4, 1000);
  Status s = Block::Create(huge_count, 8192, &block);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_EQ(s.ToString(), "Corruption: block @ 8192: bad restart count 1000");

  BlockBuilder builder(1);
  builder.Add("a", "1");
  builder.Add("b", "2");
  std::string contents(builder.Finish());
  std::string swapped = contents;  // restart points out of order
  EncodeFixed32(swapped.data() + swapped.size() - 12, 5);
  EXPECT_TRUE(Block::Create(swapped, 0, &block).IsCorruption());
  std::string past_end = contents;  // a restart point inside the restart array
  EncodeFixed32(past_end.data() + past_end.size() - 8, 200);
  EXPECT_TRUE(Block::Create(past_end, 0, &block).IsCorruption());
}

// A view reads bytes it does not own and holds their owner for as long as it lives; its
// restart array is checked as a copied block's is.
TEST(BlockTest, ViewPinsItsBytes) {
  BlockBuilder builder(2);
  builder.Add("a", "1");
  builder.Add("b", "2");
  builder.Add("c", "3");
  auto bytes = std::make_shared<const std::string>(builder.Finish());
  std::shared_ptr<const Block> block;
  ASSERT_TRUE(Block::CreateView(*bytes, bytes, 64, &block).ok());
  EXPECT_EQ(bytes.use_count(), 2);
  BlockIter it(block.get(), KeyOrder(BytewiseComparator()));
  it.Seek("b");
  ASSERT_TRUE(it.Valid());
  EXPECT_EQ(it.value(), "2");
  block.reset();
  EXPECT_EQ(bytes.use_count(), 1);

  std::string bad = *bytes;
  EncodeFixed32(bad.data() + bad.size() - 4, 1000);
  const Status s = Block::CreateView(bad, nullptr, 64, &block);
  EXPECT_EQ(s.ToString(), "Corruption: block @ 64: bad restart count 1000");
}

TEST(BlockTest, MalformedEntryIsCorruptionWithOffset) {
  BlockBuilder builder(16);
  builder.Add("apple", "1");
  builder.Add("apricot", "2");
  std::string contents(builder.Finish());
  // Second entry at +9 (3 header bytes + "apple" + "1"): value length 2 -> 0x7f.
  ASSERT_EQ(contents[9 + 2], 1);
  contents[9 + 2] = 0x7f;
  std::shared_ptr<const Block> block;
  ASSERT_TRUE(Block::Create(contents, 4096, &block).ok());
  BlockIter it(block.get(), KeyOrder(BytewiseComparator()));
  it.SeekToFirst();
  ASSERT_TRUE(it.Valid());
  it.Next();
  EXPECT_FALSE(it.Valid());
  EXPECT_EQ(it.status().ToString(), "Corruption: block @ 4096: malformed entry at +9");
  it.SeekToFirst();  // the error is sticky
  EXPECT_FALSE(it.Valid());

  // A shared prefix longer than the previous key.
  contents[9 + 2] = 1;
  contents[9] = 9;
  std::string& shared = contents;
  ASSERT_TRUE(Block::Create(shared, 0, &block).ok());
  BlockIter it2(block.get(), KeyOrder(BytewiseComparator()));
  it2.SeekToLast();
  EXPECT_FALSE(it2.Valid());
  EXPECT_TRUE(it2.status().IsCorruption());
}

TEST(BlockTest, ShortInternalKeyIsCorruption) {
  BlockBuilder builder(16);
  builder.Add("short", "v");
  std::shared_ptr<const Block> block;
  ASSERT_TRUE(Block::Create(std::string(builder.Finish()), 0, &block).ok());
  const InternalKeyComparator icmp(BytewiseComparator());
  BlockIter it(block.get(), KeyOrder(&icmp));
  it.SeekToFirst();
  EXPECT_FALSE(it.Valid());
  EXPECT_TRUE(it.status().IsCorruption());
  BlockIter it2(block.get(), KeyOrder(&icmp));
  it2.Seek("tooshort");  // 8 bytes: a valid target
  EXPECT_TRUE(it2.status().IsCorruption());
  BlockIter it3(block.get(), KeyOrder(&icmp));
  it3.Seek("abc");
  EXPECT_TRUE(it3.status().IsInvalidArgument());
}

// Random damage to valid blocks must never read out of bounds (ASan) nor loop forever.
TEST(BlockTest, DamagedBlocksNeverCrash) {
  Random rnd(TestSeed());
  const InternalKeyComparator icmp(BytewiseComparator());
  for (int round = 0; round < 300; round++) {
    Model model(ByComparator{&icmp});
    for (int i = 0; i < 40; i++) {
      std::string k;
      AppendInternalKey(
          &k, ParsedInternalKey(rnd.Bytes(rnd.Uniform(20)), static_cast<uint64_t>(i) << (i % 50),
                                ValueType::kValue));
      model[k] = rnd.Bytes(rnd.Uniform(30));
    }
    const bool packed_tags = rnd.OneIn(2);
    BlockBuilder builder(1 + rnd.Uniform(8), packed_tags);
    for (const auto& [k, v] : model) builder.Add(k, v);
    std::string contents(builder.Finish());
    const int flips = 1 + rnd.Uniform(4);
    for (int f = 0; f < flips; f++) contents[rnd.Uniform(contents.size())] ^= 1 << rnd.Uniform(8);
    if (rnd.OneIn(4)) contents.resize(rnd.Uniform(contents.size() + 1));
    std::shared_ptr<const Block> block;
    if (!Block::Create(contents, 0, &block, packed_tags).ok()) continue;
    for (const Comparator* cmp : {static_cast<const Comparator*>(&icmp), BytewiseComparator()}) {
      BlockIter it(block.get(), KeyOrder(cmp));
      int n = 0;
      for (it.SeekToFirst(); it.Valid() && n < 1000; it.Next()) n++;
      BlockIter back(block.get(), KeyOrder(cmp));
      n = 0;
      for (back.SeekToLast(); back.Valid() && n < 1000; back.Prev()) n++;
      for (const auto& kv : model) {
        BlockIter s(block.get(), KeyOrder(cmp));
        s.Seek(kv.first);
        s.SeekForPrev(kv.first);
        if (s.Valid()) s.Prev();
      }
    }
  }
}

}  // namespace
}  // namespace lsm
