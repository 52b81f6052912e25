#include "lsm/write_batch.h"

#include <gtest/gtest.h>

#include "lsm/column_family.h"
#include "lsm/comparator.h"
#include "lsm/options.h"
#include "src/base/write_batch_internal.h"
#include "tests/support/id_handle.h"

namespace lsm {
namespace {

// Prints the records of a batch: "Put(k, v)Delete(k)".
struct Printer : WriteBatch::Handler {
  std::string out;
  Status Put(std::string_view k, std::string_view v) override {
    out += "Put(" + std::string(k) + ", " + std::string(v) + ")";
    return Status::OK();
  }
  Status Delete(std::string_view k) override {
    out += "Delete(" + std::string(k) + ")";
    return Status::OK();
  }
};

std::string Print(const WriteBatch& b) {
  Printer p;
  Status s = b.Iterate(&p);
  return s.ok() ? p.out : s.ToString();
}

TEST(WriteBatchTest, EmptyBatch) {
  WriteBatch b;
  EXPECT_EQ(b.Count(), 0u);
  EXPECT_EQ(b.ApproximateSize(), WriteBatchInternal::kHeaderSize);
  EXPECT_EQ(Print(b), "");
}

TEST(WriteBatchTest, RecordsInOrder) {
  WriteBatch b;
  b.Put("foo", "bar");
  b.Delete("box");
  b.Put("baz", "");
  b.Put("", "empty-key");
  EXPECT_EQ(b.Count(), 4u);
  EXPECT_EQ(Print(b), "Put(foo, bar)Delete(box)Put(baz, )Put(, empty-key)");
  WriteBatchInternal::SetSequence(&b, 100);
  EXPECT_EQ(WriteBatchInternal::Sequence(b), 100u);
  b.Clear();
  EXPECT_EQ(b.Count(), 0u);
  EXPECT_EQ(WriteBatchInternal::Sequence(b), 0u);
}

TEST(WriteBatchTest, DocumentedEncoding) {
  WriteBatch b;
  b.Put("k", "v");
  b.Delete("d");
  WriteBatchInternal::SetSequence(&b, 0x0102);
  const std::string expected(
      "\x02\x01\x00\x00\x00\x00\x00\x00"  // sequence
      "\x02\x00\x00\x00"                  // count
      "\x01\x01k\x01v"                    // Put
      "\x00\x01"
      "d",  // Delete
      12 + 5 + 3);
  EXPECT_EQ(b.Data(), expected);
}

TEST(WriteBatchTest, AppendAndSetContents) {
  WriteBatch a, b;
  a.Put("a", "1");
  b.Delete("b");
  b.Put("c", "3");
  WriteBatchInternal::Append(&a, b);
  EXPECT_EQ(a.Count(), 3u);
  EXPECT_EQ(Print(a), "Put(a, 1)Delete(b)Put(c, 3)");
  WriteBatch c;
  ASSERT_TRUE(WriteBatchInternal::SetContents(&c, a.Data()).ok());
  EXPECT_EQ(Print(c), Print(a));
  EXPECT_TRUE(WriteBatchInternal::SetContents(&c, "short").IsCorruption());
}

TEST(WriteBatchTest, MalformedEncodingIsCorruption) {
  WriteBatch b;
  b.Put("key", "value");
  b.Delete("gone");
  const std::string good(b.Data());
  // Every truncation and every bad count is reported, never misread.
  for (size_t len = WriteBatchInternal::kHeaderSize; len < good.size(); len++) {
    WriteBatch t;
    ASSERT_TRUE(WriteBatchInternal::SetContents(&t, good.substr(0, len)).ok());
    Printer p;
    EXPECT_TRUE(t.Iterate(&p).IsCorruption()) << len;
  }
  WriteBatch t;
  ASSERT_TRUE(WriteBatchInternal::SetContents(&t, good).ok());
  WriteBatchInternal::SetCount(&t, 3);
  EXPECT_EQ(Print(t).rfind("Corruption: write batch: header counts 3 records, found 2", 0), 0u);
  std::string bad_tag = good;
  bad_tag[WriteBatchInternal::kHeaderSize] = 0x7e;
  ASSERT_TRUE(WriteBatchInternal::SetContents(&t, bad_tag).ok());
  EXPECT_EQ(Print(t), "Corruption: write batch @ 12: unknown record tag 126");
}

TEST(WriteBatchTest, HandlerErrorStopsIteration) {
  struct Failer : WriteBatch::Handler {
    int calls = 0;
    Status Put(std::string_view, std::string_view) override {
      calls++;
      return Status::IOError("stop");
    }
    Status Delete(std::string_view) override { return Status::OK(); }
  } failer;
  WriteBatch b;
  b.Put("a", "1");
  b.Put("b", "2");
  EXPECT_TRUE(b.Iterate(&failer).IsIOError());
  EXPECT_EQ(failer.calls, 1);
}

TEST(WriteBatchTest, CheckSizes) {
  WriteBatch b;
  b.Put(std::string(kMaxKeySize, 'k'), "v");
  b.Delete("x");
  uint64_t bytes = 0;
  EXPECT_TRUE(WriteBatchInternal::CheckSizes(b, false, nullptr, &bytes).ok());
  EXPECT_EQ(bytes, kMaxKeySize + 1 + 1);
  b.Put(std::string(kMaxKeySize + 1, 'k'), "v");
  Status s = WriteBatchInternal::CheckSizes(b, false);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.ToString().find("key of 8388609 bytes"), std::string::npos);
}

TEST(WriteBatchTest, MergeRecords) {
  WriteBatch b;
  b.Put("a", "1");
  b.Merge("a", "2");
  b.Delete("b");
  b.Merge("c", "");
  EXPECT_EQ(b.Count(), 4u);
  struct Recorder : WriteBatch::Handler {
    std::string log;
    Status Put(std::string_view k, std::string_view v) override {
      log += "P(" + std::string(k) + "," + std::string(v) + ")";
      return Status::OK();
    }
    Status Delete(std::string_view k) override {
      log += "D(" + std::string(k) + ")";
      return Status::OK();
    }
    Status Merge(std::string_view k, std::string_view v) override {
      log += "M(" + std::string(k) + "," + std::string(v) + ")";
      return Status::OK();
    }
  } recorder;
  ASSERT_TRUE(b.Iterate(&recorder).ok());
  EXPECT_EQ(recorder.log, "P(a,1)M(a,2)D(b)M(c,)");

  // A handler that does not take merges stops at the first.
  struct PutsOnly : WriteBatch::Handler {
    int calls = 0;
    Status Put(std::string_view, std::string_view) override { return ++calls, Status::OK(); }
    Status Delete(std::string_view) override { return ++calls, Status::OK(); }
  } puts_only;
  EXPECT_TRUE(b.Iterate(&puts_only).IsNotSupported());
  EXPECT_EQ(puts_only.calls, 1);

  uint64_t bytes = 0;
  EXPECT_TRUE(WriteBatchInternal::CheckSizes(b, true, nullptr, &bytes).ok());
  EXPECT_EQ(bytes, 6u);
  const Status s = WriteBatchInternal::CheckSizes(b, false);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.ToString().find("merge_operator"), std::string::npos);
  WriteBatch big;
  big.Merge("k", std::string(kMaxValueSize + 1, 'v'));
  EXPECT_TRUE(WriteBatchInternal::CheckSizes(big, true).IsInvalidArgument());
}

}  // namespace
}  // namespace lsm

namespace lsm {
namespace {

// Prints every record with its family: "Put@3(k, v)".
struct FamilyPrinter : WriteBatch::Handler {
  std::string out;
  Status Put(std::string_view, std::string_view) override { return Status::OK(); }
  Status Delete(std::string_view) override { return Status::OK(); }
  Status PutCF(uint32_t cf, std::string_view k, std::string_view v) override {
    out += "Put@" + std::to_string(cf) + "(" + std::string(k) + ", " + std::string(v) + ")";
    return Status::OK();
  }
  Status DeleteCF(uint32_t cf, std::string_view k) override {
    out += "Delete@" + std::to_string(cf) + "(" + std::string(k) + ")";
    return Status::OK();
  }
  Status MergeCF(uint32_t cf, std::string_view k, std::string_view v) override {
    out += "Merge@" + std::to_string(cf) + "(" + std::string(k) + ", " + std::string(v) + ")";
    return Status::OK();
  }
  Status DeleteRangeCF(uint32_t cf, std::string_view b, std::string_view e) override {
    out += "DeleteRange@" + std::to_string(cf) + "(" + std::string(b) + ", " + std::string(e) + ")";
    return Status::OK();
  }
};

TEST(WriteBatchColumnFamilyTest, RecordsNameTheirFamily) {
  IdHandle three(3), big(300);
  WriteBatch b;
  b.Put(&three, "k", "v");
  b.Delete(&big, "d");
  b.Merge(&three, "m", "o");
  b.DeleteRange(&big, "a", "z");
  b.Put(nullptr, "default", "x");
  b.Put("plain", "y");
  EXPECT_EQ(b.Count(), 6u);
  FamilyPrinter p;
  ASSERT_TRUE(b.Iterate(&p).ok());
  EXPECT_EQ(p.out,
            "Put@3(k, v)Delete@300(d)Merge@3(m, o)DeleteRange@300(a, z)Put@0(default, x)"
            "Put@0(plain, y)");
  // The documented tags: 0x05 then the family as a varint, for a Put of family 3.
  EXPECT_EQ(b.Data().substr(WriteBatchInternal::kHeaderSize, 2), std::string_view("\x05\x03", 2));
  // A handler that takes only the default family refuses the others by name.
  Printer plain;
  Status s = b.Iterate(&plain);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("column family 3"), std::string::npos) << s.ToString();
}

TEST(WriteBatchColumnFamilyTest, TruncatedFamilyIsCorruption) {
  IdHandle big(300);
  WriteBatch b;
  b.Delete(&big, "d");
  WriteBatch cut;
  // Tag, then the first byte of a two-byte varint.
  ASSERT_TRUE(
      WriteBatchInternal::SetContents(&cut, b.Data().substr(0, WriteBatchInternal::kHeaderSize + 2))
          .ok());
  FamilyPrinter p;
  EXPECT_TRUE(cut.Iterate(&p).IsCorruption());
}

TEST(WriteBatchColumnFamilyTest, CheckSizesAppliesEachFamilysRules) {
  IdHandle one(1), two(2);
  auto rules = [](uint32_t cf, WriteBatchInternal::FamilyRules* r) {
    if (cf == 2) return Status::InvalidArgument("column family 2 was dropped");
    r->merges_allowed = cf == 0;
    r->ucmp = BytewiseComparator();
    return Status::OK();
  };
  WriteBatch ok;
  ok.Merge("k", "o");
  ok.Put(&one, "k", "v");
  uint64_t bytes = 0;
  EXPECT_TRUE(WriteBatchInternal::CheckSizesByFamily(ok, rules, &bytes).ok());
  EXPECT_EQ(bytes, 4u);
  WriteBatch merge;
  merge.Merge(&one, "k", "o");
  Status s = WriteBatchInternal::CheckSizesByFamily(merge, rules);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("column family 1"), std::string::npos) << s.ToString();
  WriteBatch dropped;
  dropped.Put(&two, "k", "v");
  s = WriteBatchInternal::CheckSizesByFamily(dropped, rules);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  WriteBatch backwards;
  backwards.DeleteRange(&one, "z", "a");
  EXPECT_TRUE(WriteBatchInternal::CheckSizesByFamily(backwards, rules).IsInvalidArgument());
  // The default-family form refuses other families.
  EXPECT_TRUE(WriteBatchInternal::CheckSizes(ok, true).IsInvalidArgument());
}

// The suffix goes after the values of the chosen families' Puts only; every other record is
// copied as it was, in order, after what dst held.
TEST(WriteBatchColumnFamilyTest, AppendWithValueSuffix) {
  IdHandle one(1), two(2);
  WriteBatch src;
  src.Put(&one, "a", "1");
  src.Put(&two, "b", "2");
  src.Delete(&one, "c");
  src.Merge(&one, "m", "o");
  src.DeleteRange(&one, "x", "y");
  src.Put("d", "");
  const std::string before(src.Data());
  WriteBatch dst;
  dst.Put(&two, "first", "0");
  WriteBatchInternal::SetSequence(&dst, 7);
  ASSERT_TRUE(WriteBatchInternal::AppendWithValueSuffix(
                  &dst, src, [](uint32_t cf) { return cf != 2; }, "+T")
                  .ok());
  EXPECT_EQ(src.Data(), before);
  EXPECT_EQ(dst.Count(), 7u);
  EXPECT_EQ(WriteBatchInternal::Sequence(dst), 7u);
  FamilyPrinter p;
  ASSERT_TRUE(dst.Iterate(&p).ok());
  EXPECT_EQ(p.out,
            "Put@2(first, 0)Put@1(a, 1+T)Put@2(b, 2)Delete@1(c)Merge@1(m, o)"
            "DeleteRange@1(x, y)Put@0(d, +T)");
}

// A TTL family takes no Merge, whatever its merge operator.
TEST(WriteBatchColumnFamilyTest, CheckSizesRefusesMergeInATtlFamily) {
  IdHandle one(1);
  auto rules = [](uint32_t cf, WriteBatchInternal::FamilyRules* r) {
    r->ttl = cf == 1;
    return Status::OK();
  };
  WriteBatch merge;
  merge.Merge(&one, "k", "o");
  Status s = WriteBatchInternal::CheckSizesByFamily(merge, rules);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.ToString().find("TTL"), std::string::npos) << s.ToString();
  WriteBatch put;
  put.Put(&one, "k", "v");
  put.Merge("k", "o");
  EXPECT_TRUE(WriteBatchInternal::CheckSizesByFamily(put, rules).ok());
}

}  // namespace
}  // namespace lsm
