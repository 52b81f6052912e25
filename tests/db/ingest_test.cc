// Bulk load: SstFileWriter's checks.
#include "lsm/sst_file_writer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "src/sstable/format.h"
#include "src/sstable/table_builder.h"
#include "src/sstable/table_layout.h"
#include "src/util/coding.h"
#include "tests/support/db_read.h"
#include "tests/support/fault_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

// One call on an SstFileWriter: 'p' Put, 'm' Merge, 'd' Delete (value unused), 'r' DeleteRange
// of [key, value).
struct Op {
  char kind;
  std::string key;
  std::string value;
};

class IngestTest : public testing::Test {
 protected:
  IngestTest() : dbname_(tmp_.path() + "/db") {
    options_.create_if_missing = true;
    options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
    options_.compression = CompressionType::kNone;
  }
  ~IngestTest() override {
    if (db_ != nullptr) {
      EXPECT_TRUE(db_->Close().ok());
    }
  }

  void Open() {
    if (db_ != nullptr) {
      ASSERT_TRUE(db_->Close().ok());
    }
    db_.reset();
    Status s = DB::Open(options_, dbname_, &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void Reopen() { Open(); }

  std::string Path(const std::string& name) const { return tmp_.path() + "/" + name; }
  FileSystem* Fs() const {
    return options_.file_system != nullptr ? options_.file_system.get()
                                           : FileSystem::Default().get();
  }
  bool Exists(const std::string& path) const { return Fs()->FileExists(path).ok(); }

  // Writes `ops` to the file `name` (under the test directory) with `options`; returns its
  // path.
  std::string Sst(const std::string& name, const std::vector<Op>& ops, const Options& options) {
    const std::string path = Path(name);
    SstFileWriter writer(options);
    Status s = writer.Open(path);
    for (const Op& op : ops) {
      if (!s.ok()) break;
      switch (op.kind) {
        case 'p':
          s = writer.Put(op.key, op.value);
          break;
        case 'm':
          s = writer.Merge(op.key, op.value);
          break;
        case 'd':
          s = writer.Delete(op.key);
          break;
        default:
          s = writer.DeleteRange(op.key, op.value);
          break;
      }
    }
    if (s.ok()) s = writer.Finish();
    EXPECT_TRUE(s.ok()) << name << ": " << s.ToString();
    return path;
  }
  std::string Sst(const std::string& name, const std::vector<Op>& ops) {
    return Sst(name, ops, options_);
  }

  void Put(std::string_view key, std::string_view value) {
    ASSERT_TRUE(db_->Put(WriteOptions(), key, value).ok());
  }
  std::string Get(std::string_view key, const Snapshot* snapshot = nullptr) {
    return ReadForTest(db_.get(), key, snapshot);
  }
  std::string Scan(bool reverse = false) { return ScanForTest(db_.get(), reverse); }

  // "L0 1, L6 2": table files per level, the levels with files only.
  std::string Levels() {
    std::string out;
    for (int level = 0; level < 7; level++) {
      std::string n;
      EXPECT_TRUE(db_->GetProperty("lsm.num-files-at-level" + std::to_string(level), &n));
      if (n != "0") out += (out.empty() ? "L" : ", L") + std::to_string(level) + " " + n;
    }
    return out.empty() ? "none" : out;
  }

  // The names of the database directory's files.
  std::vector<std::string> DbFiles() {
    std::vector<std::string> names;
    EXPECT_TRUE(Fs()->GetChildren(dbname_, &names).ok());
    std::sort(names.begin(), names.end());
    std::erase_if(names, [](const std::string& n) { return n.starts_with("LOG"); });
    return names;
  }

  // What "unchanged" compares: the contents, both ways, the files and the last sequence.
  std::string State() {
    std::string files;
    for (const std::string& name : DbFiles()) files += name + " ";
    return Scan() + " | " + Scan(/*reverse=*/true) + " | " + files + " | " + Levels() + " | seq " +
           std::to_string(db_->GetLatestSequenceNumber());
  }

  TempDir tmp_;
  std::string dbname_;
  Options options_;
  std::unique_ptr<DB> db_;
};

// ----- SstFileWriter -----

TEST_F(IngestTest, WriterRefusesKeysOutOfOrderAndGoesOn) {
  const std::string path = Path("w.sst");
  SstFileWriter writer(options_);
  EXPECT_TRUE(writer.Put("a", "1").IsInvalidArgument());  // no file open
  ASSERT_TRUE(writer.Open(path).ok());
  EXPECT_TRUE(writer.Open(Path("other.sst")).IsInvalidArgument());
  ASSERT_TRUE(writer.Put("b", "1").ok());
  Status s = writer.Put("a", "2");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.ToString().find("'a' after 'b'"), std::string::npos) << s.ToString();
  EXPECT_NE(s.ToString().find(path), std::string::npos) << s.ToString();
  EXPECT_TRUE(writer.Put("b", "2").IsInvalidArgument());  // one entry per key
  EXPECT_TRUE(writer.Delete("b").IsInvalidArgument());
  EXPECT_TRUE(writer.Merge("b", "x").IsInvalidArgument());
  // Ranges: any order, but not empty or inverted.
  EXPECT_TRUE(writer.DeleteRange("m", "m").IsInvalidArgument());
  s = writer.DeleteRange("n", "m");
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.ToString().find("'n' does not sort before end 'm'"), std::string::npos)
      << s.ToString();
  ASSERT_TRUE(writer.DeleteRange("x", "y").ok());
  ASSERT_TRUE(writer.DeleteRange("0", "1").ok());
  ASSERT_TRUE(writer.Put("c", std::string(1000, 'v')).ok());
  ASSERT_TRUE(writer.Delete("d").ok());
  ASSERT_TRUE(writer.Merge("e", "x").ok());
  ExternalSstFileInfo info;
  ASSERT_TRUE(writer.Finish(&info).ok());
  EXPECT_EQ(info.file_path, path);
  EXPECT_EQ(info.smallest_key, "0");
  EXPECT_EQ(info.largest_key, "y");
  EXPECT_EQ(info.num_entries, 4u);
  EXPECT_EQ(info.num_range_deletions, 2u);
  uint64_t size = 0;
  ASSERT_TRUE(Fs()->GetFileSize(path, &size).ok());
  EXPECT_EQ(info.file_size, size);
  EXPECT_EQ(writer.FileSize(), size);
  EXPECT_TRUE(writer.Finish().IsInvalidArgument());  // nothing open any more
  // The writer starts another file.
  ASSERT_TRUE(writer.Open(Path("w2.sst")).ok());
  ASSERT_TRUE(writer.Put("a", "1").ok());
  ASSERT_TRUE(writer.Finish(&info).ok());
  EXPECT_EQ(info.smallest_key, "a");
  EXPECT_EQ(info.largest_key, "a");
}

TEST_F(IngestTest, WriterRefusesAnEmptyFileAndRemovesUnfinishedOnes) {
  const std::string path = Path("empty.sst");
  {
    SstFileWriter writer(options_);
    ASSERT_TRUE(writer.Open(path).ok());
    EXPECT_TRUE(Exists(path));
    Status s = writer.Finish();
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_FALSE(Exists(path));
  }
  {
    SstFileWriter writer(options_);
    ASSERT_TRUE(writer.Open(path).ok());
    ASSERT_TRUE(writer.Put("a", "1").ok());
  }
  EXPECT_FALSE(Exists(path));  // destroyed without Finish
  // Merge needs a merge operator in the options.
  Options plain = options_;
  plain.merge_operator = nullptr;
  SstFileWriter writer(plain);
  ASSERT_TRUE(writer.Open(path).ok());
  EXPECT_TRUE(writer.Merge("a", "1").IsInvalidArgument());
  // Blocks are written as they fill.
  for (int i = 0; i < 20; i++) ASSERT_TRUE(writer.Put(Key(i), std::string(1000, 'v')).ok());
  EXPECT_GT(writer.FileSize(), 10000u);
  ASSERT_TRUE(writer.Finish().ok());
}

}  // namespace
}  // namespace lsm
