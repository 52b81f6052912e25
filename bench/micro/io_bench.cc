// Microbenchmarks of the file systems' written files on the real file system, per backend:
//   BM_SequentialWrite/backend:K/bytes:B  writes 64 MiB files in appends of B bytes, each file
//                                         closed (its bytes handed to the kernel) before the
//                                         next; K is 0 for POSIX, 1 for io_uring. With sync:1
//                                         each file is also synced before it is closed.
// Bytes/s counts the bytes appended.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "bench/micro/bench_util.h"
#include "lsm/file_system.h"
#include "src/io/posix_file_system.h"
#include "src/io/uring_file_system.h"
#include "src/util/random.h"

namespace lsm {
namespace {

constexpr uint64_t kFileBytes = 64 << 20;

void BM_SequentialWrite(benchmark::State& state) {
  const bool uring = state.range(0) == 1;
  const size_t chunk = static_cast<size_t>(state.range(1));
  const bool sync = state.range(2) == 1;
  std::shared_ptr<FileSystem> fs = NewPosixFileSystem();
  if (uring) {
    Status s = NewUringFileSystem(&fs);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  BenchDir dir;
  const std::string path = dir.path() + "/000001.sst";
  const std::string data = Random(301).Bytes(chunk);
  Status s;
  uint64_t files = 0;
  for (auto _ : state) {
    std::unique_ptr<WritableFile> file;
    s = fs->NewWritableFile(path, &file);
    for (uint64_t written = 0; s.ok() && written < kFileBytes; written += chunk) {
      s = file->Append(data);
    }
    if (s.ok() && sync) s = file->Sync();
    if (s.ok()) s = file->Close();
    if (!s.ok()) break;
    files++;
  }
  if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  state.SetBytesProcessed(static_cast<int64_t>(files * ((kFileBytes + chunk - 1) / chunk) * chunk));
}
BENCHMARK(BM_SequentialWrite)
    ->ArgNames({"backend", "bytes", "sync"})
    ->ArgsProduct({{0, 1}, {64 << 10, 256 << 10, 1 << 20, 4 << 20}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace lsm
