// Microbenchmarks of the write-ahead log on the real file system, in a fresh directory:
//   BM_WalAppend/bytes:B/mode:M  appends B-byte records; mode 0 leaves them in the file's
//                                buffer, 1 flushes each to the OS (what a sync=false write
//                                needs), 2 syncs each (a sync=true write).
//   BM_WalRead/bytes:B           reads a 64 MiB log of B-byte records back (recovery).
// Bytes/s counts record payload bytes.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "bench/micro/bench_util.h"
#include "lsm/file_system.h"
#include "src/util/random.h"
#include "src/wal/log_reader.h"
#include "src/wal/log_writer.h"

namespace lsm {
namespace {

// A log is closed and replaced when it reaches this size, so runs stay within disk space.
constexpr uint64_t kMaxLogBytes = 64 << 20;

std::string LogPath(const BenchDir& dir, uint64_t number) {
  return dir.path() + "/" + std::to_string(number) + ".log";
}

Status NewLog(FileSystem* fs, const BenchDir& dir, uint64_t number,
              std::unique_ptr<log::Writer>* writer) {
  std::unique_ptr<WritableFile> file;
  Status s = fs->NewWritableFile(LogPath(dir, number), &file);
  if (s.ok()) s = log::Writer::Create(std::move(file), number, writer);
  return s;
}

void BM_WalAppend(benchmark::State& state) {
  const size_t record_size = static_cast<size_t>(state.range(0));
  const int64_t mode = state.range(1);
  BenchDir dir;
  std::shared_ptr<FileSystem> fs = FileSystem::Default();
  Random rnd(301);
  const std::string record = rnd.Bytes(record_size);
  uint64_t number = 1;
  std::unique_ptr<log::Writer> writer;
  Status s = NewLog(fs.get(), dir, number, &writer);
  for (auto _ : state) {
    if (!s.ok()) break;
    s = writer->AddRecord(record);
    if (s.ok() && mode == 1) s = writer->Flush();
    if (s.ok() && mode == 2) s = writer->Sync();
    if (s.ok() && writer->file_size() >= kMaxLogBytes) {
      state.PauseTiming();
      s = writer->Close();
      if (s.ok()) s = fs->RemoveFile(LogPath(dir, number));
      if (s.ok()) s = NewLog(fs.get(), dir, ++number, &writer);
      state.ResumeTiming();
    }
  }
  if (s.ok()) s = writer->Close();
  if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(record_size));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WalAppend)
    ->ArgNames({"bytes", "mode"})
    ->ArgsProduct({{100, 4096}, {0, 1, 2}})
    ->UseRealTime();

void BM_WalRead(benchmark::State& state) {
  const size_t record_size = static_cast<size_t>(state.range(0));
  BenchDir dir;
  std::shared_ptr<FileSystem> fs = FileSystem::Default();
  Random rnd(301);
  const std::string record = rnd.Bytes(record_size);
  std::unique_ptr<log::Writer> writer;
  Status s = NewLog(fs.get(), dir, 1, &writer);
  int64_t records = 0;
  while (s.ok() && writer->file_size() < kMaxLogBytes) {
    s = writer->AddRecord(record);
    records++;
  }
  if (s.ok()) s = writer->Close();
  for (auto _ : state) {
    if (!s.ok()) break;
    std::unique_ptr<SequentialFile> file;
    s = fs->NewSequentialFile(LogPath(dir, 1), &file);
    if (!s.ok()) break;
    log::Reader reader(std::move(file), "wal 1.log", 1, WALRecoveryMode::kPointInTimeRecovery);
    std::string_view r;
    std::string scratch;
    int64_t n = 0;
    while (reader.ReadRecord(&r, &scratch)) n++;
    s = reader.status();
    if (s.ok() && n != records) s = Status::Corruption("records lost");
  }
  if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  state.SetBytesProcessed(state.iterations() * records * static_cast<int64_t>(record_size));
  state.SetItemsProcessed(state.iterations() * records);
}
BENCHMARK(BM_WalRead)
    ->ArgNames({"bytes"})
    ->Arg(100)
    ->Arg(4096)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace lsm
