#include <absl/strings/escaping.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_format.h>
#include <gtest/gtest.h>

#include <sstream>

#include "src/base/filename.h"
#include "src/util/random.h"
#include "src/version/version_edit.h"
#include "src/version/version_set.h"
#include "tests/support/datadriven.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

FileMetaData File(uint64_t number, std::string_view smallest, std::string_view largest,
                  SequenceNumber seq) {
  return FileMetaData{.number = number,
                      .file_size = 1000 + number,
                      .smallest = IKey(smallest, seq),
                      .largest = IKey(largest, seq + 1),
                      .smallest_seqno = seq,
                      .largest_seqno = seq + 1};
}

// An ingested table (DB::IngestExternalFile): every key at its global sequence.
FileMetaData Ingested(uint64_t number, std::string_view smallest, std::string_view largest,
                      SequenceNumber seq) {
  return FileMetaData{.number = number,
                      .file_size = 1000 + number,
                      .smallest = IKey(smallest, seq),
                      .largest = IKey(largest, seq),
                      .smallest_seqno = seq,
                      .largest_seqno = seq,
                      .newest_write_time = 1'700'000'001,
                      .global_seqno = seq};
}

VersionEdit SampleEdit() {
  VersionEdit edit;
  edit.SetComparatorName("lsm.BytewiseComparator");
  edit.SetLogNumber(12);
  edit.SetNextFileNumber(40);
  edit.SetLastSequence(999);
  edit.AddFile(0, File(20, "a", "m", 5));
  edit.AddFile(3, File(21, "n", "z", 7));
  FileMetaData timed = File(22, "p", "q", 9);
  timed.newest_write_time = 1'700'000'000;
  edit.AddFile(4, timed);
  edit.AddFile(5, Ingested(23, "r", "s", 11));
  edit.RemoveFile(1, 7);
  return edit;
}

TEST(VersionEditTest, RoundTrip) {
  const VersionEdit edit = SampleEdit();
  std::string encoded;
  edit.EncodeTo(&encoded);
  VersionEdit decoded;
  ASSERT_TRUE(decoded.DecodeFrom(encoded).ok());
  std::string again;
  decoded.EncodeTo(&again);
  EXPECT_EQ(again, encoded);
  EXPECT_EQ(decoded.log_number(), 12u);
  EXPECT_EQ(decoded.new_files().size(), 4u);
  EXPECT_EQ(decoded.new_files()[1].second, File(21, "n", "z", 7));
  EXPECT_EQ(decoded.new_files()[2].second.newest_write_time, 1'700'000'000u);
  EXPECT_EQ(decoded.new_files()[2].second.global_seqno, 0u);
  EXPECT_EQ(decoded.new_files()[3].second, Ingested(23, "r", "s", 11));
  EXPECT_NE(decoded.DebugString().find("add L3 000021.sst"), std::string::npos);
  EXPECT_NE(decoded.DebugString().find("written 1700000000"), std::string::npos);
  EXPECT_NE(decoded.DebugString().find("add L5 000023.sst 1023 bytes seq [11, 11] written "
                                       "1700000001 ingested global seq 11"),
            std::string::npos)
      << decoded.DebugString();
}

// An ingested table's edit field (tag 13) carries its global sequence, which is never 0.
TEST(VersionEditTest, IngestedFileField) {
  VersionEdit edit;
  edit.AddFile(6, Ingested(30, "a", "b", 5));
  std::string encoded;
  edit.EncodeTo(&encoded);
  ASSERT_EQ(encoded[0], 13);
  ASSERT_EQ(encoded.back(), 5);  // the global sequence, last
  VersionEdit decoded;
  ASSERT_TRUE(decoded.DecodeFrom(encoded).ok());
  EXPECT_EQ(decoded.new_files()[0].second.global_seqno, 5u);
  encoded.back() = 0;
  EXPECT_TRUE(decoded.DecodeFrom(encoded).IsCorruption());
}

TEST(VersionEditTest, EncodingMatchesTheDocumentedExample) {
  VersionEdit edit;
  edit.SetLogNumber(6);
  edit.SetNextFileNumber(8);
  edit.SetLastSequence(2);
  FileMetaData f{.number = 7,
                 .file_size = 4096,
                 .smallest = IKey("a", 1),
                 .largest = IKey("c", 2),
                 .smallest_seqno = 1,
                 .largest_seqno = 2};
  edit.AddFile(0, f);
  std::string encoded;
  edit.EncodeTo(&encoded);
  const std::string expected(
      "\x02\x06\x03\x08\x04\x02\x06\x00\x07\x80\x20"
      "\x09"
      "a\x01\x01\x00\x00\x00\x00\x00\x00"
      "\x09"
      "c\x01\x02\x00\x00\x00\x00\x00\x00\x01\x02",
      11 + 10 + 10 + 2);
  EXPECT_EQ(encoded, expected);  // docs/manifest_format.md, "Example"
}

TEST(VersionEditTest, MalformedIsCorruptionUnknownIsNotSupported) {
  std::string encoded;
  SampleEdit().EncodeTo(&encoded);
  // Every truncation that cuts a field is Corruption; cuts between fields decode a prefix.
  int corrupt = 0;
  for (size_t len = 0; len < encoded.size(); len++) {
    VersionEdit d;
    Status s = d.DecodeFrom(encoded.substr(0, len));
    EXPECT_TRUE(s.ok() || s.IsCorruption()) << len << " " << s.ToString();
    corrupt += s.IsCorruption();
  }
  EXPECT_GT(corrupt, static_cast<int>(encoded.size()) / 2);
  std::string unknown;
  PutVarint32(&unknown, 77);
  VersionEdit d;
  EXPECT_TRUE(d.DecodeFrom(unknown).IsNotSupported());
  std::string bad_level;
  PutVarint32(&bad_level, 5);  // deleted file
  PutVarint32(&bad_level, kNumLevels);
  PutVarint64(&bad_level, 3);
  EXPECT_TRUE(d.DecodeFrom(bad_level).IsCorruption());
}

// The data-driven edits of tests/testdata/version/ (tests/support/datadriven.h):
//   encode          the edit its input describes, one field per line, encoded as hex, and the
//                   decoding of that encoding:
//                     comparator NAME | log N | next N | sequence N | remove LEVEL NUMBER
//                     add LEVEL NUMBER SMALLEST LARGEST SEQUENCE [BYTES [WRITE_TIME]]
//                     (the file's largest key has sequence SEQUENCE + 1; BYTES defaults to
//                     1000 + NUMBER)
//   decode          the hex of its input decoded, or the error
//   apply           the edit its input describes applied to the version so far (starting
//                   empty): the files per level, or the error (the version is then unchanged)
class EditFixture {
 public:
  std::string Run(const DataDrivenCase& c) {
    if (c.cmd == "decode") {
      const std::string hex = Strip(c.input);
      if (hex.size() % 2 != 0 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
        return c.pos + ": bad hex";
      }
      return Decode(absl::HexStringToBytes(hex));
    }
    VersionEdit edit;
    std::istringstream lines(c.input);
    for (std::string line; std::getline(lines, line);) {
      if (std::string why = Parse(line, &edit); !why.empty()) return c.pos + ": " + why;
    }
    if (c.cmd == "encode") {
      std::string encoded;
      edit.EncodeTo(&encoded);
      return absl::BytesToHexString(encoded) + "\n" + Decode(encoded);
    }
    if (c.cmd == "apply") return Apply(edit);
    return "unknown command " + c.cmd;
  }

 private:
  static std::string Strip(std::string s) {
    std::erase_if(s, [](char ch) { return ch == '\n' || ch == ' '; });
    return s;
  }

  static std::string Decode(std::string_view bytes) {
    VersionEdit decoded;
    Status s = decoded.DecodeFrom(bytes);
    return s.ok() ? decoded.DebugString() : s.ToString();
  }

  static uint64_t Number(const std::string& word) {
    uint64_t n = 0;
    EXPECT_TRUE(absl::SimpleAtoi(word, &n)) << "not a number: " << word;
    return n;
  }

  // One field of an edit; returns why the line is bad, or "".
  static std::string Parse(const std::string& line, VersionEdit* edit) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string word; in >> word;) w.push_back(word);
    if (w.size() == 2 && w[0] == "comparator") {
      edit->SetComparatorName(w[1]);
    } else if (w.size() == 2 && w[0] == "log") {
      edit->SetLogNumber(Number(w[1]));
    } else if (w.size() == 2 && w[0] == "next") {
      edit->SetNextFileNumber(Number(w[1]));
    } else if (w.size() == 2 && w[0] == "sequence") {
      edit->SetLastSequence(Number(w[1]));
    } else if (w.size() == 3 && w[0] == "remove") {
      edit->RemoveFile(static_cast<int>(Number(w[1])), Number(w[2]));
    } else if (w.size() >= 6 && w.size() <= 8 && w[0] == "add") {
      FileMetaData f = File(Number(w[2]), w[3], w[4], Number(w[5]));
      if (w.size() > 6) f.file_size = Number(w[6]);
      if (w.size() > 7) f.newest_write_time = Number(w[7]);
      edit->AddFile(static_cast<int>(Number(w[1])), f);
    } else {
      return "cannot parse '" + line + "'";
    }
    return "";
  }

  std::string Apply(const VersionEdit& edit) {
    VersionBuilder builder(&icmp_, version_.get());
    Status s = builder.Apply(edit);
    std::shared_ptr<const Version> next;
    if (s.ok()) s = builder.Build(&next);
    if (!s.ok()) return s.ToString();
    version_ = next;
    std::string out;
    for (int level = 0; level < kNumLevels; level++) {
      if (version_->NumFiles(level) == 0) continue;
      absl::StrAppendFormat(&out, "%sL%d:", out.empty() ? "" : "\n", level);
      for (const auto& f : version_->files(level)) absl::StrAppendFormat(&out, " %u", f->number);
    }
    return out.empty() ? "empty" : out;
  }

  const InternalKeyComparator icmp_{BytewiseComparator()};
  std::shared_ptr<const Version> version_;
};

TEST(VersionEditTest, DataDriven) {
  const std::vector<std::string> files =
      DataDrivenFiles(std::string(LSM_SOURCE_DIR) + "/tests/testdata/version");
  EXPECT_FALSE(files.empty()) << "fixtures missing";
  for (const std::string& file : files) {
    EditFixture fixture;
    RunDataDriven(file, [&](const DataDrivenCase& c) { return fixture.Run(c); });
  }
}

class VersionSetTest : public testing::Test {
 protected:
  VersionSetTest() : fs_(std::make_shared<MemFileSystem>()) {
    options_.comparator = BytewiseComparator();
    options_.file_system = fs_;
    EXPECT_TRUE(fs_->CreateDirIfMissing("/db").ok());
  }
  std::unique_ptr<VersionSet> NewSet() { return std::make_unique<VersionSet>("/db", options_); }

  std::shared_ptr<MemFileSystem> fs_;
  Options options_;
};

TEST_F(VersionSetTest, CreateApplyRecover) {
  auto versions = NewSet();
  ASSERT_TRUE(versions->CreateNew().ok());
  VersionEdit edit;
  edit.AddFile(0, File(versions->NewFileNumber(), "a", "c", 1));
  edit.AddFile(1, File(versions->NewFileNumber(), "d", "f", 3));
  edit.SetLogNumber(9);
  edit.SetLastSequence(10);
  ASSERT_TRUE(versions->LogAndApply(&edit).ok());
  VersionEdit edit2;
  edit2.RemoveFile(0, edit.new_files()[0].second.number);
  edit2.AddFile(1, File(versions->NewFileNumber(), "g", "h", 5));
  ASSERT_TRUE(versions->LogAndApply(&edit2).ok());
  const uint64_t next = versions->next_file_number();
  EXPECT_EQ(versions->current()->NumFiles(0), 0);
  EXPECT_EQ(versions->current()->NumFiles(1), 2);

  auto recovered = NewSet();
  ASSERT_TRUE(recovered->Recover().ok());
  EXPECT_EQ(recovered->log_number(), 9u);
  EXPECT_EQ(recovered->last_sequence(), 10u);
  EXPECT_GE(recovered->next_file_number(), next);
  EXPECT_EQ(recovered->current()->NumFiles(1), 2);
  EXPECT_EQ(recovered->current()->files(1)[1]->number, edit2.new_files()[0].second.number);
  std::vector<uint64_t> live;
  recovered->AddLiveFiles(&live);
  EXPECT_EQ(live.size(), 2u);
}

TEST_F(VersionSetTest, RejectsInconsistentEdits) {
  auto versions = NewSet();
  ASSERT_TRUE(versions->CreateNew().ok());
  VersionEdit remove_missing;
  remove_missing.RemoveFile(2, 99);
  EXPECT_TRUE(versions->LogAndApply(&remove_missing).IsCorruption());
  VersionEdit overlap;
  overlap.AddFile(1, File(5, "a", "m", 1));
  overlap.AddFile(1, File(6, "k", "z", 3));
  EXPECT_TRUE(versions->LogAndApply(&overlap).IsCorruption());
}

TEST_F(VersionSetTest, CurrentFileProblems) {
  auto versions = NewSet();
  EXPECT_TRUE(versions->Recover().IsNotFound());
  fs_->SetContents("/db/CURRENT", "garbage");
  EXPECT_TRUE(versions->Recover().IsCorruption());
  fs_->SetContents("/db/CURRENT", "MANIFEST-000009\n");
  Status s = versions->Recover();
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.ToString().find("missing"), std::string::npos);
}

TEST_F(VersionSetTest, ComparatorMismatch) {
  ASSERT_TRUE(NewSet()->CreateNew().ok());
  options_.comparator = ReverseBytewiseComparator();
  EXPECT_TRUE(NewSet()->Recover().IsInvalidArgument());
}

// The TTL mark (tag 16) of the default family of a new database and of a created family
// survives recovery and the snapshot that starts each new MANIFEST; other families carry none.
TEST_F(VersionSetTest, TtlMarkIsRecorded) {
  VersionEdit marked;
  marked.SetTtl();
  std::string encoded;
  marked.EncodeTo(&encoded);
  EXPECT_EQ(encoded, std::string("\x10", 1));
  VersionEdit decoded;
  ASSERT_TRUE(decoded.DecodeFrom(encoded).ok());
  EXPECT_TRUE(decoded.ttl());
  EXPECT_NE(decoded.DebugString().find("ttl family"), std::string::npos);

  options_.ttl_seconds = 60;
  auto versions = NewSet();
  ASSERT_TRUE(versions->CreateNew().ok());
  uint32_t ttl_id, plain_id;
  ASSERT_TRUE(versions->CreateColumnFamily("t", BytewiseComparator(), true, 1, &ttl_id).ok());
  ASSERT_TRUE(versions->CreateColumnFamily("p", BytewiseComparator(), false, 1, &plain_id).ok());
  EXPECT_TRUE(versions->ttl(0));
  EXPECT_TRUE(versions->ttl(ttl_id));
  EXPECT_FALSE(versions->ttl(plain_id));
  options_.ttl_seconds = 0;  // what the MANIFEST says wins
  auto any = [](const std::string&) { return BytewiseComparator(); };
  for (int round = 0; round < 2; round++) {
    SCOPED_TRACE(round == 0 ? "recovered" : "recovered from a new MANIFEST");
    auto recovered = NewSet();
    ASSERT_TRUE(recovered->Recover(any).ok());
    EXPECT_TRUE(recovered->ttl(0));
    EXPECT_TRUE(recovered->ttl(ttl_id));
    EXPECT_FALSE(recovered->ttl(plain_id));
    VersionEdit edit;  // starts a new MANIFEST, snapshot first
    ASSERT_TRUE(recovered->LogAndApply(&edit).ok());
  }
}

TEST_F(VersionSetTest, DamagedManifestIsCorruption) {
  auto versions = NewSet();
  ASSERT_TRUE(versions->CreateNew().ok());
  VersionEdit edit;
  edit.AddFile(0, File(versions->NewFileNumber(), "a", "c", 1));
  ASSERT_TRUE(versions->LogAndApply(&edit).ok());
  const std::string path = ManifestFileName("/db", versions->manifest_number());
  std::string contents;
  ASSERT_TRUE(fs_->Contents(path, &contents).ok());
  // A flipped byte inside an early record.
  contents[40] ^= 0x10;
  fs_->SetContents(path, contents);
  EXPECT_TRUE(NewSet()->Recover().IsCorruption());
}

// What a power loss leaves after the last synced record (an append whose sync never returned):
// torn, zero-filled or garbage bytes end the MANIFEST; the edits before them stand.
TEST_F(VersionSetTest, DamageAfterTheLastRecordEndsTheManifest) {
  auto versions = NewSet();
  ASSERT_TRUE(versions->CreateNew().ok());
  VersionEdit edit;
  const uint64_t number = versions->NewFileNumber();
  edit.AddFile(0, File(number, "a", "c", 1));
  ASSERT_TRUE(versions->LogAndApply(&edit).ok());
  const std::string path = ManifestFileName("/db", versions->manifest_number());
  std::string contents;
  ASSERT_TRUE(fs_->Contents(path, &contents).ok());
  Random rnd(TestSeed());
  const std::string tails[] = {
      std::string("\x12\x34\x56\x78\x30\x00\x01", 7) + rnd.Bytes(20),  // plausible header
      rnd.Bytes(1 + rnd.Uniform(100)),
      std::string(1 + rnd.Uniform(100), '\0'),
  };
  for (const std::string& tail : tails) {
    fs_->SetContents(path, contents + tail);
    auto recovered = NewSet();
    Status s = recovered->Recover();
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(recovered->current()->NumFiles(0), 1);
    EXPECT_EQ(recovered->current()->files(0)[0]->number, number);
  }
}

}  // namespace
}  // namespace lsm
