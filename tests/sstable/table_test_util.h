// Helpers shared by the table tests: random sorted entries, building a table into a file
// system, opening it, and the expected answer of a point lookup.
#ifndef LSM_TESTS_SSTABLE_TABLE_TEST_UTIL_H_
#define LSM_TESTS_SSTABLE_TABLE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "lsm/file_system.h"
#include "src/base/dbformat.h"
#include "src/sstable/table_builder.h"
#include "src/sstable/table_reader.h"
#include "src/util/random.h"
#include "tests/support/test_util.h"

namespace lsm {

inline constexpr char kPath[] = "/db/000123.sst";
inline constexpr char kName[] = "000123.sst";

struct Entry {
  std::string key;  // internal key
  std::string value;
};

// Sorted entries: user keys with shared prefixes and binary bytes, 1-3 versions each (newest
// first), some deletions; values random or repetitive (compressible), some empty.
inline std::vector<Entry> RandomEntries(Random* rnd, size_t users) {
  std::vector<std::string> user_keys;
  for (size_t i = 0; i < users; i++) {
    std::string u = rnd->OneIn(3) ? rnd->Bytes(rnd->Skewed(4))
                                  : "user" + std::to_string(rnd->Uniform(users * 10));
    user_keys.push_back(u);
  }
  std::sort(user_keys.begin(), user_keys.end());
  user_keys.erase(std::unique(user_keys.begin(), user_keys.end()), user_keys.end());
  std::vector<Entry> entries;
  SequenceNumber seq = 1;
  for (const std::string& u : user_keys) {
    const int versions = 1 + rnd->Uniform(3);
    std::vector<SequenceNumber> seqs;
    for (int v = 0; v < versions; v++) seqs.push_back(seq += 1 + rnd->Uniform(3));
    std::reverse(seqs.begin(), seqs.end());
    for (SequenceNumber s : seqs) {
      const bool deletion = rnd->OneIn(5);
      std::string value;
      if (!deletion) {
        value = rnd->OneIn(2) ? rnd->Bytes(rnd->Skewed(7))
                              : std::string(rnd->Uniform(200), static_cast<char>('a' + s % 26));
      }
      entries.push_back({IKey(u, s, deletion ? ValueType::kDeletion : ValueType::kValue), value});
    }
  }
  return entries;
}

inline Status BuildTable(FileSystem* fs, const std::string& path, const TableOptions& options,
                         const std::vector<Entry>& entries, TableProperties* props = nullptr) {
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(path, &file);
  if (!s.ok()) return s;
  TableBuilder builder(options, file.get());
  for (const Entry& e : entries) builder.Add(e.key, e.value);
  s = builder.Finish();
  EXPECT_EQ(builder.NumEntries(), entries.size());
  EXPECT_EQ(builder.FileSize(), file->Size());
  if (props != nullptr) *props = builder.properties();
  if (s.ok()) s = file->Sync();
  if (s.ok()) s = file->Close();
  return s;
}

inline Status OpenTable(FileSystem* fs, const std::string& path, const TableOptions& options,
                        BlockCache* cache, std::unique_ptr<TableReader>* table) {
  std::unique_ptr<RandomAccessFile> file;
  uint64_t size = 0;
  Status s = fs->GetFileSize(path, &size);
  if (s.ok()) s = fs->NewRandomAccessFile(path, &file);
  if (!s.ok()) return s;
  return TableReader::Open(options, kName, std::move(file), size, cache, table);
}

// The expected answer of Get(user, seq).
inline GetState ModelGet(const std::vector<Entry>& entries, const InternalKeyComparator& icmp,
                         std::string_view user, SequenceNumber seq, std::string* value) {
  const std::string target = IKey(user, seq, kValueTypeForSeek);
  auto it = std::lower_bound(
      entries.begin(), entries.end(), target,
      [&](const Entry& e, const std::string& t) { return icmp.Compare(e.key, t) < 0; });
  if (it == entries.end() || ExtractUserKey(it->key) != user) return GetState::kNotFound;
  ParsedInternalKey p;
  EXPECT_TRUE(ParseInternalKey(it->key, &p));
  if (p.type == ValueType::kDeletion) return GetState::kDeleted;
  *value = it->value;
  return GetState::kFound;
}

}  // namespace lsm

#endif  // LSM_TESTS_SSTABLE_TABLE_TEST_UTIL_H_
