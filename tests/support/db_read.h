// Reads a key for a test's comparison: the value, "NOT_FOUND", or the error's text.
//
//   EXPECT_EQ(ReadForTest(db.get(), "k"), "v1");
//   EXPECT_EQ(ReadForTest(db.get(), "k", snapshot), "NOT_FOUND");
#ifndef LSM_TESTS_SUPPORT_DB_READ_H_
#define LSM_TESTS_SUPPORT_DB_READ_H_

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

}  // namespace lsm

#endif  // LSM_TESTS_SUPPORT_DB_READ_H_
