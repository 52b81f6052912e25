// Uses the installed public API only; exits non-zero if anything is off.
#include <cstdio>
#include <memory>
#include <string>

#include "lsm/comparator.h"
#include "lsm/file_system.h"
#include "lsm/status.h"
#include "lsm/write_batch.h"

namespace {

struct Counter : lsm::WriteBatch::Handler {
  int puts = 0, deletes = 0;
  lsm::Status Put(std::string_view, std::string_view) override {
    puts++;
    return lsm::Status::OK();
  }
  lsm::Status Delete(std::string_view) override {
    deletes++;
    return lsm::Status::OK();
  }
};

}  // namespace

int main() {
  lsm::WriteBatch batch;
  batch.Put("key", "value");
  batch.Delete("old");
  Counter counter;
  lsm::Status s = batch.Iterate(&counter);
  const bool ok = s.ok() && counter.puts == 1 && counter.deletes == 1 &&
                  lsm::BytewiseComparator()->Compare("a", "b") < 0 &&
                  lsm::FileSystem::Default()->FileExists("/").ok();
  std::printf("consumer: %s\n", ok ? "ok" : s.ToString().c_str());
  return ok ? 0 : 1;
}
