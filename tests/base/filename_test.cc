#include "src/base/filename.h"

#include <gtest/gtest.h>

namespace lsm {
namespace {

TEST(FileNameTest, Construct) {
  EXPECT_EQ(TableFileName("/db", 7), "/db/000007.sst");
  EXPECT_EQ(LogFileName("/db", 1234567), "/db/1234567.log");
  EXPECT_EQ(ManifestFileName("d", 3), "d/MANIFEST-000003");
  EXPECT_EQ(CurrentFileName("d"), "d/CURRENT");
  EXPECT_EQ(LockFileName("d"), "d/LOCK");
  EXPECT_EQ(BaseName("/a/b/000001.sst"), "000001.sst");
  EXPECT_EQ(BaseName("x"), "x");
}

TEST(FileNameTest, Parse) {
  uint64_t number;
  FileType type;
  struct Case {
    const char* name;
    uint64_t number;
    FileType type;
  };
  for (const Case& c :
       {Case{"000007.sst", 7, FileType::kTable}, Case{"100.log", 100, FileType::kLog},
        Case{"MANIFEST-000012", 12, FileType::kManifest}, Case{"CURRENT", 0, FileType::kCurrent},
        Case{"LOCK", 0, FileType::kLock}, Case{"OPTIONS-000005", 5, FileType::kOptions},
        Case{"LOG", 0, FileType::kInfoLog}, Case{"LOG.old.1", 0, FileType::kInfoLog},
        Case{"000009.dbtmp", 9, FileType::kTemp}}) {
    ASSERT_TRUE(ParseFileName(c.name, &number, &type)) << c.name;
    EXPECT_EQ(number, c.number) << c.name;
    EXPECT_EQ(type, c.type) << c.name;
  }
  for (const char* bad : {"", "foo", "7.txt", ".sst", "x7.sst", "MANIFEST-", "MANIFEST-x", "-1.log",
                          "99999999999999999999999.sst", "CURRENTX", "OPTIONS", "OPTIONS-x"}) {
    EXPECT_FALSE(ParseFileName(bad, &number, &type)) << bad;
  }
}

}  // namespace
}  // namespace lsm
