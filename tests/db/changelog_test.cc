// Changelog tailing: GetLatestSequenceNumber, GetUpdatesSince over the live and archived logs,
// and the archive kept by wal_ttl_seconds and wal_size_limit_mb.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lsm/db.h"
#include "lsm/file_system.h"
#include "lsm/merge_operator.h"
#include "src/base/filename.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// A batch as text: "seq:op(cf,key[,value])" for each entry, entries numbered from its sequence.
class BatchText final : public WriteBatch::Handler {
 public:
  explicit BatchText(uint64_t seq) : seq_(seq) {}
  Status PutCF(uint32_t cf, std::string_view k, std::string_view v) override {
    return Add("put", cf, k, v);
  }
  Status DeleteCF(uint32_t cf, std::string_view k) override { return Add("del", cf, k, ""); }
  Status MergeCF(uint32_t cf, std::string_view k, std::string_view v) override {
    return Add("merge", cf, k, v);
  }
  Status DeleteRangeCF(uint32_t cf, std::string_view b, std::string_view e) override {
    return Add("delrange", cf, b, e);
  }
  Status Put(std::string_view k, std::string_view v) override { return PutCF(0, k, v); }
  Status Delete(std::string_view k) override { return DeleteCF(0, k); }
  Status Merge(std::string_view k, std::string_view v) override { return MergeCF(0, k, v); }
  Status DeleteRange(std::string_view b, std::string_view e) override {
    return DeleteRangeCF(0, b, e);
  }
  const std::string& text() const { return text_; }

 private:
  Status Add(const char* op, uint32_t cf, std::string_view a, std::string_view b) {
    text_ += std::to_string(seq_++) + ":" + op + "(" + std::to_string(cf) + "," + std::string(a) +
             (b.empty() ? "" : "," + std::string(b)) + ") ";
    return Status::OK();
  }
  uint64_t seq_;
  std::string text_;
};

class ChangelogTest : public testing::Test {
 protected:
  ChangelogTest() : dbname_(tmp_.path() + "/db") {
    options_.create_if_missing = true;
    options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
  }

  void Open() {
    db_.reset();
    ASSERT_TRUE(DB::Open(options_, dbname_, &db_).ok());
  }

  // The batches GetUpdatesSince(seq) returns, as text, one per line; or the error.
  std::string Tail(uint64_t seq) {
    std::unique_ptr<TransactionLogIterator> it;
    Status s = db_->GetUpdatesSince(seq, &it);
    if (!s.ok()) return s.ToString();
    std::string out;
    uint64_t expected_next = 0;
    for (; it->Valid(); it->Next()) {
      BatchResult r = it->GetBatch();
      EXPECT_GT(r.sequence, expected_next == 0 ? 0 : expected_next - 1);
      BatchText text(r.sequence);
      EXPECT_TRUE(r.write_batch->Iterate(&text).ok());
      out += text.text() + "\n";
      expected_next = r.sequence + r.write_batch->Count();
    }
    if (!it->status().ok()) out += it->status().ToString();
    return out;
  }

  std::vector<std::string> ArchivedLogs() {
    std::vector<std::string> children, logs;
    (void)FileSystem::Default()->GetChildren(ArchiveDirName(dbname_), &children);
    for (const std::string& c : children) {
      if (c.ends_with(".log")) logs.push_back(c);
    }
    return logs;
  }

  TempDir tmp_;
  const std::string dbname_;
  Options options_;
  std::unique_ptr<DB> db_;
};

TEST_F(ChangelogTest, ReturnsEveryLoggedBatchFromTheOneHoldingTheSequence) {
  Open();
  EXPECT_EQ(db_->GetLatestSequenceNumber(), 0u);
  EXPECT_EQ(Tail(1), "");  // nothing written: nothing to return, nothing missing
  ColumnFamilyHandle* cf;
  ASSERT_TRUE(db_->CreateColumnFamily(ColumnFamilyOptions(), "side", &cf).ok());
  const WriteOptions wo;
  ASSERT_TRUE(db_->Put(wo, "a", "1").ok());
  WriteBatch batch;
  batch.Put("b", "2");
  batch.Put(cf, "c", "3");
  batch.Delete("a");
  ASSERT_TRUE(db_->Write(wo, &batch).ok());
  ASSERT_TRUE(db_->Merge(wo, "m", "x").ok());
  ASSERT_TRUE(db_->DeleteRange(wo, "p", "q").ok());
  EXPECT_EQ(db_->GetLatestSequenceNumber(), 6u);
  const std::string all =
      "1:put(0,a,1) \n"
      "2:put(0,b,2) 3:put(1,c,3) 4:del(0,a) \n"
      "5:merge(0,m,x) \n"
      "6:delrange(0,p,q) \n";
  EXPECT_EQ(Tail(0), all);
  EXPECT_EQ(Tail(1), all);
  // A sequence inside a batch starts at that batch.
  EXPECT_EQ(Tail(3), all.substr(all.find("2:put")));
  EXPECT_EQ(Tail(5), "5:merge(0,m,x) \n6:delrange(0,p,q) \n");
  EXPECT_EQ(Tail(7), "");  // the next sequence: nothing yet
  EXPECT_TRUE(Tail(8).starts_with("InvalidArgument")) << Tail(8);
  EXPECT_NE(Tail(8).find("sequence 8 is in the future"), std::string::npos) << Tail(8);

  // An iterator holds what was written before it was made.
  std::unique_ptr<TransactionLogIterator> it;
  ASSERT_TRUE(db_->GetUpdatesSince(6, &it).ok());
  ASSERT_TRUE(db_->Put(wo, "z", "9").ok());
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->GetBatch().sequence, 6u);
  it->Next();
  EXPECT_FALSE(it->Valid());
  EXPECT_TRUE(it->status().ok());
  EXPECT_EQ(Tail(7), "7:put(0,z,9) \n");
  ASSERT_TRUE(db_->DropColumnFamily(cf).ok());
}

TEST_F(ChangelogTest, UnloggedWritesLeaveGaps) {
  Open();
  WriteOptions unlogged;
  unlogged.disable_wal = true;
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "1").ok());
  ASSERT_TRUE(db_->Put(unlogged, "b", "2").ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "c", "3").ok());
  EXPECT_EQ(Tail(1), "1:put(0,a,1) \n3:put(0,c,3) \n");
  EXPECT_EQ(Tail(2), "3:put(0,c,3) \n");
}

TEST_F(ChangelogTest, WithoutAnArchiveFlushedLogsAreGone) {
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "1").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "b", "2").ok());
  const std::string tail = Tail(1);
  EXPECT_TRUE(tail.starts_with("NotFound")) << tail;
  EXPECT_NE(tail.find("sequence 1 is no longer in the logs: the oldest batch kept is 2"),
            std::string::npos)
      << tail;
  EXPECT_EQ(Tail(2), "2:put(0,b,2) \n");
  EXPECT_TRUE(ArchivedLogs().empty());
}

TEST_F(ChangelogTest, TheArchiveKeepsLogsAcrossFlushesAndReopens) {
  options_.wal_size_limit_mb = 64;
  Open();
  std::string want;
  for (int i = 1; i <= 6; i++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), "k" + std::to_string(i), "v").ok());
    want += std::to_string(i) + ":put(0,k" + std::to_string(i) + ",v) \n";
    if (i % 2 == 0) {
      ASSERT_TRUE(db_->Flush().ok());
    }
    if (i == 3) Open();
  }
  EXPECT_GE(ArchivedLogs().size(), 3u);
  EXPECT_EQ(Tail(1), want);
  // A log archived after the iterator listed it is found in the archive.
  std::unique_ptr<TransactionLogIterator> it;
  ASSERT_TRUE(db_->Put(WriteOptions(), "k7", "v").ok());
  ASSERT_TRUE(db_->GetUpdatesSince(1, &it).ok());
  ASSERT_TRUE(db_->Flush().ok());
  uint64_t n = 0;
  for (; it->Valid(); it->Next()) n += it->GetBatch().write_batch->Count();
  EXPECT_TRUE(it->status().ok()) << it->status().ToString();
  EXPECT_EQ(n, 7u);

  // Archiving off: the archive is emptied at open.
  options_.wal_size_limit_mb = 0;
  Open();
  EXPECT_TRUE(ArchivedLogs().empty());
  EXPECT_TRUE(Tail(1).starts_with("NotFound"));
  db_.reset();
  ASSERT_TRUE(DestroyDB(dbname_, options_).ok());
  EXPECT_TRUE(FileSystem::Default()->FileExists(dbname_).IsNotFound());
}

TEST_F(ChangelogTest, TheArchiveIsBoundedBySize) {
  options_.wal_size_limit_mb = 1;
  Open();
  const std::string value(100 << 10, 'v');
  for (int i = 0; i < 30; i++) {
    ASSERT_TRUE(db_->Put(WriteOptions(), "k" + std::to_string(i), value).ok());
    if (i % 3 == 2) {
      ASSERT_TRUE(db_->Flush().ok());
    }
  }
  uint64_t bytes = 0;
  for (const std::string& name : ArchivedLogs()) {
    uint64_t size;
    ASSERT_TRUE(
        FileSystem::Default()->GetFileSize(ArchiveDirName(dbname_) + "/" + name, &size).ok());
    bytes += size;
  }
  EXPECT_GT(bytes, 0u);
  EXPECT_LE(bytes, 1u << 20);
  EXPECT_TRUE(Tail(1).starts_with("NotFound"));
  // What is kept is whole from its oldest batch on.
  std::unique_ptr<TransactionLogIterator> it;
  uint64_t seq = 30;
  while (seq > 1 && db_->GetUpdatesSince(seq - 1, &it).ok()) seq--;
  ASSERT_TRUE(db_->GetUpdatesSince(seq, &it).ok());
  uint64_t n = 0;
  for (; it->Valid(); it->Next()) EXPECT_EQ(it->GetBatch().sequence, seq + n++);
  EXPECT_EQ(seq + n, 31u);
}

TEST_F(ChangelogTest, TheArchiveIsBoundedByAge) {
  options_.wal_ttl_seconds = 1;
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "1").ok());
  ASSERT_TRUE(db_->Flush().ok());
  const std::vector<std::string> first = ArchivedLogs();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(Tail(1), "1:put(0,a,1) \n");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ASSERT_TRUE(db_->Put(WriteOptions(), "b", "2").ok());
  ASSERT_TRUE(db_->Flush().ok());  // archives the second log, deletes the expired first
  const std::vector<std::string> second = ArchivedLogs();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0], first[0]);
  EXPECT_TRUE(Tail(1).starts_with("NotFound"));
  EXPECT_EQ(Tail(2), "2:put(0,b,2) \n");
}

TEST_F(ChangelogTest, ReadOnlyDatabasesTailToo) {
  options_.wal_size_limit_mb = 64;
  Open();
  ASSERT_TRUE(db_->Put(WriteOptions(), "a", "1").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "b", "2").ok());
  db_.reset();
  ASSERT_TRUE(DB::OpenForReadOnly(options_, dbname_, &db_).ok());
  EXPECT_EQ(Tail(1), "1:put(0,a,1) \n2:put(0,b,2) \n");
}

TEST_F(ChangelogTest, ADamagedLogIsCorruption) {
  options_.wal_size_limit_mb = 64;
  Open();
  for (int i = 0; i < 20; i++)
    ASSERT_TRUE(db_->Put(WriteOptions(), "k" + std::to_string(i), "v").ok());
  ASSERT_TRUE(db_->Flush().ok());
  ASSERT_TRUE(db_->Put(WriteOptions(), "later", "v").ok());
  const std::vector<std::string> archived = ArchivedLogs();
  ASSERT_EQ(archived.size(), 1u);
  // Flip a byte in the middle of the archived log's records.
  const std::string path = ArchiveDirName(dbname_) + "/" + archived[0];
  std::string contents = ReadFile(path);
  ASSERT_GT(contents.size(), 100u);
  contents[contents.size() / 2] ^= 0x40;
  WriteFile(path, contents);
  const std::string tail = Tail(1);
  EXPECT_NE(tail.find("Corruption"), std::string::npos) << tail;
}

TEST_F(ChangelogTest, NullIteratorAndClosedDatabase) {
  Open();
  EXPECT_TRUE(db_->GetUpdatesSince(1, nullptr).IsInvalidArgument());
  ASSERT_TRUE(db_->Close().ok());
  std::unique_ptr<TransactionLogIterator> it;
  EXPECT_TRUE(db_->GetUpdatesSince(1, &it).IsInvalidArgument());
}

}  // namespace
}  // namespace lsm
