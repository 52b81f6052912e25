// Raw bytes as a write-ahead log (log number 7, through an in-memory file), read to the end in
// every recovery mode, each record decoded as a WriteBatch. Nothing may crash, and the modes
// must agree: point-in-time recovery returns a prefix of what skip-any-corrupted returns;
// absolute consistency and tolerate-corrupted-tail, when they succeed, return exactly what
// point-in-time returns; a decoded batch hands out exactly Count() records.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "lsm/options.h"
#include "lsm/write_batch.h"
#include "src/base/write_batch_internal.h"
#include "src/wal/log_reader.h"
#include "tests/support/mem_file_system.h"

namespace lsm {
namespace {

constexpr char kPath[] = "/fuzz/000007.log";

void Check(bool ok) {
  if (!ok) std::abort();
}

struct Counter : WriteBatch::Handler {
  uint64_t n = 0;
  Status Put(std::string_view, std::string_view) override { return Status::OK(); }
  Status Delete(std::string_view) override { return Status::OK(); }
  Status PutCF(uint32_t, std::string_view, std::string_view) override {
    n++;
    return Status::OK();
  }
  Status DeleteCF(uint32_t, std::string_view) override {
    n++;
    return Status::OK();
  }
  Status MergeCF(uint32_t, std::string_view, std::string_view) override {
    n++;
    return Status::OK();
  }
  Status DeleteRangeCF(uint32_t, std::string_view, std::string_view) override {
    n++;
    return Status::OK();
  }
};

struct Result {
  std::vector<std::string> records;
  Status status;
  log::ReadReport report;
};

Result Read(MemFileSystem* fs, WALRecoveryMode mode) {
  std::unique_ptr<SequentialFile> file;
  Check(fs->NewSequentialFile(kPath, &file).ok());
  log::Reader reader(std::move(file), "wal 000007.log", 7, mode);
  Result r;
  std::string_view record;
  std::string scratch;
  while (reader.ReadRecord(&record, &scratch)) {
    r.records.emplace_back(record);
    WriteBatch batch;
    if (!WriteBatchInternal::SetContents(&batch, record).ok()) continue;
    Counter counter;
    if (batch.Iterate(&counter).ok()) Check(counter.n == batch.Count());
    (void)WriteBatchInternal::CheckSizes(batch, /*merges_allowed=*/true);
  }
  r.status = reader.status();
  r.report = reader.report();
  Check(r.report.records == r.records.size());
  return r;
}

bool IsPrefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

void Run(std::string_view input) {
  MemFileSystem fs;
  fs.SetContents(kPath, std::string(input));
  const Result skip = Read(&fs, WALRecoveryMode::kSkipAnyCorruptedRecords);
  const Result pit = Read(&fs, WALRecoveryMode::kPointInTimeRecovery);
  const Result tail = Read(&fs, WALRecoveryMode::kTolerateCorruptedTailRecords);
  const Result absolute = Read(&fs, WALRecoveryMode::kAbsoluteConsistency);
  if (pit.status.ok() && skip.status.ok()) Check(IsPrefix(pit.records, skip.records));
  if (tail.status.ok()) Check(tail.records == pit.records);
  if (absolute.status.ok()) {
    Check(absolute.records == pit.records && absolute.records == skip.records);
    Check(absolute.report.damage.ok());
  }
}

}  // namespace
}  // namespace lsm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lsm::Run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
