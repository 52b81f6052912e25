// Reads a key, or the whole database, for a test's comparison.
//
//   EXPECT_EQ(ReadForTest(db.get(), "k"), "v1");     // the value, "NOT_FOUND" or the error
//   EXPECT_EQ(ReadForTest(db.get(), "k", snapshot), "NOT_FOUND");
//   EXPECT_EQ(ScanForTest(db.get(), /*reverse=*/true), "a=1;b=2;");   // in key order either way
//   EXPECT_EQ(DumpFamiliesForTest(db.get(), {{"default", cf}}), "default: a=1; b=2;\n");
#ifndef LSM_TESTS_SUPPORT_DB_READ_H_
#define LSM_TESTS_SUPPORT_DB_READ_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "lsm/db.h"

namespace lsm {

inline std::string ReadForTest(DB* db, std::string_view key, const Snapshot* snapshot = nullptr) {
  ReadOptions ro;
  ro.snapshot = snapshot;
  std::string value;
  Status s = db->Get(ro, key, &value);
  if (s.IsNotFound()) return "NOT_FOUND";
  if (!s.ok()) return s.ToString();
  return value;
}

// Every key and value, "k=v;" in key order, read forward or backward; an iterator error is
// appended as "error: <status>".
inline std::string ScanForTest(DB* db, bool reverse, const ReadOptions& ro,
                               ColumnFamilyHandle* family) {
  std::unique_ptr<Iterator> it = db->NewIterator(ro, family);
  std::string out;
  if (reverse) {
    for (it->SeekToLast(); it->Valid(); it->Prev()) {
      out.insert(0, std::string(it->key()) + "=" + std::string(it->value()) + ";");
    }
  } else {
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out += std::string(it->key()) + "=" + std::string(it->value()) + ";";
    }
  }
  if (!it->status().ok()) out += "error: " + it->status().ToString();
  return out;
}
inline std::string ScanForTest(DB* db, bool reverse, const Snapshot* snapshot = nullptr) {
  ReadOptions ro;
  ro.snapshot = snapshot;
  return ScanForTest(db, reverse, ro, db->DefaultColumnFamily());
}

// Every family's live keys in key order, a line "name: k=v; ..." per family, by name.
inline std::string DumpFamiliesForTest(DB* db,
                                       const std::map<std::string, ColumnFamilyHandle*>& families) {
  std::string out;
  for (const auto& [name, handle] : families) {
    out += name + ":";
    std::unique_ptr<Iterator> it = db->NewIterator(ReadOptions(), handle);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out += " " + std::string(it->key()) + "=" + std::string(it->value()) + ";";
    }
    if (!it->status().ok()) out += " error: " + it->status().ToString();
    out += "\n";
  }
  return out;
}

}  // namespace lsm

#endif  // LSM_TESTS_SUPPORT_DB_READ_H_
