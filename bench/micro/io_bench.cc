// Microbenchmarks of the file systems' written files on the real file system, per backend:
//   BM_SequentialWrite/backend:K/bytes:B  writes 64 MiB files in appends of B bytes, each file
//                                         closed (its bytes handed to the kernel) before the
//                                         next; K is 0 for POSIX, 1 for io_uring. With sync:1
//                                         each file is also synced before it is closed.
// Bytes/s counts the bytes appended.
// and, with direct reads (NewDirectRandomAccessFile) of a 256 MiB file written once:
//   BM_DirectRandomRead/backend:K/depth:D  one MultiRead of D random 4 KiB blocks per
//                                          iteration; items/s is reads per second (IOPS).
//   BM_DirectSequentialRead/backend:K/bytes:B  the file in order, four reads of B bytes per
//                                          MultiRead; bytes/s counts the bytes read.
// POSIX reads a batch one read after another; io_uring submits it together.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

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

constexpr uint64_t kReadFileBytes = 256 << 20;

// The file system of backend K (0 POSIX, 1 io_uring), or nullptr after skipping the benchmark.
std::shared_ptr<FileSystem> Backend(benchmark::State& state) {
  std::shared_ptr<FileSystem> fs = NewPosixFileSystem();
  if (state.range(0) == 1) {
    Status s = NewUringFileSystem(&fs);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return nullptr;
    }
  }
  return fs;
}

// The path of a file of kReadFileBytes random bytes, written on first use and kept for the
// process; empty (after skipping the benchmark) if it cannot be written.
const std::string& ReadFile(benchmark::State& state) {
  static BenchDir* dir = new BenchDir;
  static const std::string path = [] {
    const std::string p = dir->path() + "/000002.sst";
    std::unique_ptr<WritableFile> file;
    Status s = NewPosixFileSystem()->NewWritableFile(p, &file);
    const std::string data = Random(302).Bytes(1 << 20);
    for (uint64_t written = 0; s.ok() && written < kReadFileBytes; written += data.size()) {
      s = file->Append(data);
    }
    if (s.ok()) s = file->Sync();
    if (s.ok()) s = file->Close();
    return s.ok() ? p : std::string();
  }();
  if (path.empty()) state.SkipWithError("cannot write the file to read");
  return path;
}

// The file opened for direct reads through fs, or nullptr after skipping the benchmark.
std::unique_ptr<RandomAccessFile> OpenDirect(benchmark::State& state, FileSystem* fs) {
  const std::string& path = ReadFile(state);
  if (path.empty()) return nullptr;
  std::unique_ptr<RandomAccessFile> file;
  Status s = fs->NewDirectRandomAccessFile(path, &file);
  if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  return file;
}

// Issues the batch and checks it; false after skipping the benchmark.
bool ReadBatch(benchmark::State& state, const RandomAccessFile& file,
               std::vector<ReadRequest>* batch) {
  Status s = file.MultiRead(batch->data(), batch->size());
  for (const ReadRequest& r : *batch) {
    if (s.ok() && !r.status.ok()) s = r.status;
    if (s.ok() && r.result.size() != r.n) s = Status::IOError("short read");
  }
  if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  return s.ok();
}

void BM_DirectRandomRead(benchmark::State& state) {
  const std::shared_ptr<FileSystem> fs = Backend(state);
  if (fs == nullptr) return;
  const std::unique_ptr<RandomAccessFile> file = OpenDirect(state, fs.get());
  if (file == nullptr) return;
  constexpr size_t kBlock = 4096;
  const size_t depth = static_cast<size_t>(state.range(1));
  std::vector<ReadRequest> batch(depth);
  std::string scratch(depth * kBlock, '\0');
  Random rnd(303);
  for (auto _ : state) {
    for (size_t i = 0; i < depth; i++) {
      batch[i].offset = rnd.Uniform(kReadFileBytes / kBlock) * kBlock;
      batch[i].n = kBlock;
      batch[i].scratch = scratch.data() + i * kBlock;
    }
    if (!ReadBatch(state, *file, &batch)) return;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * depth));
}
BENCHMARK(BM_DirectRandomRead)
    ->ArgNames({"backend", "depth"})
    ->ArgsProduct({{0, 1}, {1, 4, 16, 32, 64}})
    ->UseRealTime();

void BM_DirectSequentialRead(benchmark::State& state) {
  const std::shared_ptr<FileSystem> fs = Backend(state);
  if (fs == nullptr) return;
  const std::unique_ptr<RandomAccessFile> file = OpenDirect(state, fs.get());
  if (file == nullptr) return;
  constexpr size_t kInFlight = 4;
  const size_t chunk = static_cast<size_t>(state.range(1));
  std::vector<ReadRequest> batch(kInFlight);
  std::string scratch(kInFlight * chunk, '\0');
  uint64_t offset = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < kInFlight; i++) {
      if (offset + chunk > kReadFileBytes) offset = 0;
      batch[i].offset = offset;
      batch[i].n = chunk;
      batch[i].scratch = scratch.data() + i * chunk;
      offset += chunk;
    }
    if (!ReadBatch(state, *file, &batch)) return;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kInFlight * chunk));
}
BENCHMARK(BM_DirectSequentialRead)
    ->ArgNames({"backend", "bytes"})
    ->ArgsProduct({{0, 1}, {64 << 10, 256 << 10, 1 << 20, 4 << 20}})
    ->UseRealTime();

}  // namespace
}  // namespace lsm
