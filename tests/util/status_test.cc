#include "lsm/status.h"

#include <gtest/gtest.h>

namespace lsm {
namespace {

TEST(StatusTest, CodesAndMessages) {
  EXPECT_TRUE(Status().ok());
  EXPECT_EQ(Status::OK().ToString(), "OK");
  Status s = Status::Corruption("table 000123.sst block @ 40960", "checksum mismatch");
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "Corruption: table 000123.sst block @ 40960: checksum mismatch");
  EXPECT_EQ(Status::NotFound().ToString(), "NotFound");
  EXPECT_TRUE(Status::IOError("x").IsIOError());
  EXPECT_TRUE(Status::Busy("x").IsBusy());
  EXPECT_TRUE(Status::NotSupported("x").IsNotSupported());
  EXPECT_TRUE(Status::InvalidArgument("x").IsInvalidArgument());
  EXPECT_EQ(Status::IOError("a").WithContext("wal").ToString(), "IOError: wal: a");
  EXPECT_TRUE(Status::OK().WithContext("x").ok());
  Status copy = s;
  EXPECT_EQ(copy, s);
}

}  // namespace
}  // namespace lsm
