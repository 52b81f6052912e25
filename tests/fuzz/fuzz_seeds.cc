// fuzz_seeds DIR: writes the seed corpora of the fuzzers with the engine's own writers, so
// that no binary blob is kept in the tree:
//   DIR/sst/          tables of several block sizes, restart intervals, codecs and filters
//   DIR/wal/          logs: small and fragmented records, a torn tail, a resumed log
//   DIR/manifest/     version edits alone, MANIFEST files and edits joined by kSeparator
//   DIR/write_batch/  write batch encodings
// The files are deterministic; rerunning overwrites them.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "lsm/write_batch.h"
#include "src/base/dbformat.h"
#include "src/base/filename.h"
#include "src/base/write_batch_internal.h"
#include "src/sstable/table_builder.h"
#include "src/version/version_edit.h"
#include "src/wal/log_reader.h"
#include "src/wal/log_writer.h"
#include "tests/fuzz/fuzz_separator.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

namespace fs = std::filesystem;

void Die(const std::string& what, const Status& s) {
  std::fprintf(stderr, "fuzz_seeds: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

void Save(const fs::path& path, const std::string& data) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  if (!out) Die(path.string(), Status::IOError("write failed"));
}

std::string Contents(MemFileSystem* mem, const std::string& path) {
  std::string data;
  if (Status s = mem->Contents(path, &data); !s.ok()) Die(path, s);
  return data;
}

std::string IKey(std::string_view user, SequenceNumber seq, ValueType type) {
  std::string k;
  AppendInternalKey(&k, ParsedInternalKey(user, seq, type));
  return k;
}

// `users` user keys with shared prefixes, 1-3 versions each, every seventh a deletion.
std::vector<std::pair<std::string, std::string>> Entries(int users, size_t value_size) {
  std::vector<std::pair<std::string, std::string>> entries;
  SequenceNumber seq = 1000;
  for (int i = 0; i < users; i++) {
    char user[32];
    std::snprintf(user, sizeof(user), "user%04d%s", i * 3, i % 5 == 0 ? "\x01\xff" : "");
    for (int v = 0; v <= i % 3; v++, seq--) {
      const bool deletion = (i + v) % 7 == 3;
      entries.emplace_back(
          IKey(user, seq, deletion ? ValueType::kDeletion : ValueType::kValue),
          deletion ? "" : std::string(value_size + i % 11, static_cast<char>('a' + i % 26)));
    }
  }
  return entries;
}

std::string Table(MemFileSystem* mem, const TableOptions& options,
                  const std::vector<std::pair<std::string, std::string>>& entries) {
  const std::string path = "/seeds/table.sst";
  std::unique_ptr<WritableFile> file;
  Status s = mem->NewWritableFile(path, &file);
  if (!s.ok()) Die(path, s);
  TableBuilder builder(options, file.get());
  for (const auto& [k, v] : entries) builder.Add(k, v);
  s = builder.Finish();
  if (s.ok()) s = file->Close();
  if (!s.ok()) Die("table", s);
  return Contents(mem, path);
}

void Tables(const fs::path& dir) {
  MemFileSystem mem;
  TableOptions o;
  o.compression = CompressionType::kNone;
  o.block_size = 256;
  o.block_restart_interval = 1;
  Save(dir / "none_restart1_bloom10", Table(&mem, o, Entries(60, 8)));
  o.compression = CompressionType::kLZ4;
  o.block_size = 512;
  o.block_restart_interval = 4;
  o.bloom_bits_per_key = 0;
  Save(dir / "lz4_restart4_nofilter", Table(&mem, o, Entries(80, 20)));
  o.compression = CompressionType::kZstd;
  o.block_size = 4096;
  o.block_restart_interval = 16;
  o.bloom_bits_per_key = 10;
  Save(dir / "zstd_restart16", Table(&mem, o, Entries(120, 30)));
  Save(dir / "one_entry", Table(&mem, TableOptions(), {{IKey("k", 1, ValueType::kValue), "v"}}));
  o = TableOptions();
  o.block_size = 256;
  Save(dir / "large_value", Table(&mem, o,
                                  {{IKey("a", 3, ValueType::kValue), std::string(3000, 'x')},
                                   {IKey("b", 2, ValueType::kDeletion), ""},
                                   {IKey("c", 1, ValueType::kValue), "short"}}));
  o.comparator = ReverseBytewiseComparator();
  Save(dir / "reverse_comparator", Table(&mem, o,
                                         {{IKey("z", 1, ValueType::kValue), "1"},
                                          {IKey("m", 2, ValueType::kValue), "2"},
                                          {IKey("a", 3, ValueType::kValue), "3"}}));
}

std::string Batch(SequenceNumber seq, int puts, int deletes, size_t value_size) {
  WriteBatch batch;
  for (int i = 0; i < puts; i++) {
    batch.Put("key" + std::to_string(seq + i), std::string(value_size, 'v'));
  }
  for (int i = 0; i < deletes; i++) batch.Delete("gone" + std::to_string(i));
  WriteBatchInternal::SetSequence(&batch, seq);
  return std::string(batch.Data());
}

// A log numbered 7 (the number wal_reader_fuzzer reads with) holding `records`.
std::string Log(MemFileSystem* mem, const std::vector<std::string>& records) {
  const std::string path = LogFileName("/seeds", 7);
  std::unique_ptr<WritableFile> file;
  std::unique_ptr<log::Writer> writer;
  Status s = mem->NewWritableFile(path, &file);
  if (s.ok()) s = log::Writer::Create(std::move(file), 7, &writer);
  for (const std::string& r : records) {
    if (s.ok()) s = writer->AddRecord(r);
  }
  if (s.ok()) s = writer->Close();
  if (!s.ok()) Die("log", s);
  return Contents(mem, path);
}

void Logs(const fs::path& dir) {
  MemFileSystem mem;
  const std::vector<std::string> small = {Batch(1, 2, 1, 10), Batch(4, 1, 0, 0), Batch(5, 3, 2, 40),
                                          "", Batch(10, 1, 1, 5)};
  Save(dir / "empty", Log(&mem, {}));
  const std::string plain = Log(&mem, small);
  Save(dir / "small_records", plain);
  Save(dir / "fragmented", Log(&mem, {Batch(1, 1, 0, 20), Batch(2, 1, 0, 70000),
                                      Batch(3, 40, 10, 900), Batch(53, 1, 0, 3)}));
  const std::string torn = plain.substr(0, plain.size() - 7);
  Save(dir / "torn_tail", torn);

  // The torn log continued after recovery: a resume header abandons the torn bytes.
  const std::string path = LogFileName("/seeds", 7);
  mem.SetContents(path, torn);
  std::unique_ptr<SequentialFile> in;
  Status s = mem.NewSequentialFile(path, &in);
  if (!s.ok()) Die("reopen", s);
  log::Reader reader(std::move(in), "wal", 7, WALRecoveryMode::kPointInTimeRecovery);
  std::string_view record;
  std::string scratch;
  while (reader.ReadRecord(&record, &scratch)) {
  }
  std::unique_ptr<WritableFile> file;
  std::unique_ptr<log::Writer> writer;
  s = mem.NewAppendableFile(path, &file);
  if (s.ok()) s = log::Writer::Reopen(std::move(file), 7, reader.report().last_record_end, &writer);
  if (s.ok()) s = writer->AddRecord(Batch(11, 2, 0, 30));
  if (s.ok()) s = writer->Close();
  if (!s.ok()) Die("reopen", s);
  Save(dir / "resumed", Contents(&mem, path));
}

FileMetaData File(uint64_t number, std::string_view smallest, std::string_view largest,
                  SequenceNumber low, SequenceNumber high) {
  FileMetaData f;
  f.number = number;
  f.file_size = 1000 + number;
  f.smallest = IKey(smallest, high, ValueType::kValue);
  f.largest = IKey(largest, low, ValueType::kDeletion);
  f.smallest_seqno = low;
  f.largest_seqno = high;
  return f;
}

void Manifests(const fs::path& dir) {
  std::vector<std::string> records;
  auto add = [&records](const VersionEdit& e) {
    std::string r;
    e.EncodeTo(&r);
    records.push_back(r);
  };
  VersionEdit e;
  e.SetComparatorName(BytewiseComparator()->Name());
  add(e);
  e.Clear();
  e.SetLogNumber(3);
  e.SetNextFileNumber(4);
  e.SetLastSequence(0);
  add(e);
  e.Clear();
  e.AddFile(0, File(5, "a", "m", 1, 10));
  e.AddFile(0, File(6, "c", "z", 11, 20));
  e.SetLogNumber(7);
  e.SetNextFileNumber(9);
  e.SetLastSequence(20);
  add(e);
  e.Clear();
  e.RemoveFile(0, 5);
  e.RemoveFile(0, 6);
  e.AddFile(1, File(10, "a", "f", 1, 20));
  e.AddFile(1, File(11, "g", "z", 2, 19));
  e.AddFile(2, File(12, std::string_view("b\x00\xff", 3), "q", 0, 0));
  e.SetNextFileNumber(13);
  add(e);

  for (size_t i = 0; i < records.size(); i++) {
    Save(dir / ("edit" + std::to_string(i)), records[i]);
  }
  Save(dir / "records", JoinRecords(records));
  // The same edits as a MANIFEST file numbered 1, as manifest_fuzzer names it.
  MemFileSystem mem;
  const std::string path = ManifestFileName("/seeds", 1);
  std::unique_ptr<WritableFile> file;
  std::unique_ptr<log::Writer> writer;
  Status s = mem.NewWritableFile(path, &file);
  if (s.ok()) s = log::Writer::Create(std::move(file), 1, &writer);
  for (const std::string& r : records) {
    if (s.ok()) s = writer->AddRecord(r);
  }
  if (s.ok()) s = writer->Close();
  if (!s.ok()) Die("manifest", s);
  Save(dir / "manifest_file", Contents(&mem, path));
}

void WriteBatches(const fs::path& dir) {
  Save(dir / "empty", Batch(0, 0, 0, 0));
  Save(dir / "puts_and_deletes", Batch(7, 3, 2, 12));
  Save(dir / "large_value", Batch(1, 1, 0, 5000));
}

}  // namespace
}  // namespace lsm

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  lsm::Tables(dir / "sst");
  lsm::Logs(dir / "wal");
  lsm::Manifests(dir / "manifest");
  lsm::WriteBatches(dir / "write_batch");
  return 0;
}
