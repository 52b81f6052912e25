// fuzz_seeds DIR: writes the seed corpora of the fuzzers with the engine's own writers, so
// that no binary blob is kept in the tree:
//   DIR/sst/          tables of several block sizes, restart intervals, codecs and filters
//   DIR/wal/          logs: small and fragmented records, a torn tail, a resumed log
//   DIR/manifest/     version edits alone, MANIFEST files and edits joined by kSeparator
//   DIR/write_batch/  write batch encodings
//   DIR/db_ops/       operation sequences (db_ops_input.h) under several option sets
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
#include "src/util/random.h"
#include "src/version/version_edit.h"
#include "src/wal/log_reader.h"
#include "src/wal/log_writer.h"
#include "tests/fuzz/db_ops_input.h"
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

// Operation sequences for db_ops_fuzzer, in the form of db_ops_input.h.
class OpsWriter {
 public:
  OpsWriter(uint8_t options0, uint8_t options1) : rnd_(options0 * 256 + options1) {
    Bytes({options0, options1});
  }

  OpsWriter& Op(DBOp op, std::initializer_list<uint8_t> args = {}) {
    data_.push_back(static_cast<char>(op));
    return Bytes(args);
  }
  OpsWriter& Bytes(std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) data_.push_back(static_cast<char>(b));
    return *this;
  }

  // `n` operations of every kind, drawn at random with their arguments.
  OpsWriter& RandomOps(int n) {
    for (int i = 0; i < n; i++) {
      const uint64_t r = rnd_.Uniform(100);
      if (rnd_.OneIn(20)) {
        // Switch family, or (rarely) drop and re-create the side family.
        if (rnd_.OneIn(8)) {
          Op(kOpRecreateFamily);
        } else {
          Op(kOpColumnFamily, {static_cast<uint8_t>(rnd_.Uniform(2))});
        }
      } else if (r < 30) {
        Op(static_cast<DBOp>(kOpPut + rnd_.Uniform(3))).Key().Value();
      } else if (r < 33) {
        Op(kOpMerge).Key().Value();
      } else if (r < 35) {
        Op(kOpDeleteRange).Key().Key();
      } else if (r < 45) {
        Op(kOpDelete).Key();
      } else if (r < 52) {
        const uint8_t count = static_cast<uint8_t>(rnd_.Uniform(9) | (rnd_.OneIn(4) ? 0x80 : 0));
        Op(kOpWriteBatch, {count});
        for (int j = 0; j < (count & 0x7f); j++) {
          Key().Bytes({static_cast<uint8_t>(rnd_.Uniform(256))}).Value();
        }
      } else if (r < 70) {
        Op(kOpGet).Key();
      } else if (r < 76) {
        Op(kOpIterate).Walk();
      } else if (r < 80) {
        Op(kOpIterateBounded, {static_cast<uint8_t>(rnd_.Uniform(4))}).Key().Key().Walk();
      } else if (r < 82) {
        Op(kOpOpenIterator, {0}).Walk();
      } else if (r < 85) {
        Op(kOpStepIterator).Walk();
      } else if (r < 88) {
        Op(kOpTakeSnapshot);
      } else if (r < 90) {
        Op(kOpReleaseSnapshot, {static_cast<uint8_t>(rnd_.Uniform(4))});
      } else if (r < 95) {
        Op(kOpReadSnapshot,
           {static_cast<uint8_t>(rnd_.Uniform(4)), static_cast<uint8_t>(rnd_.Uniform(2))});
        if (data_.back() == 0) {
          Key();
        } else {
          Walk();
        }
      } else if (r < 97) {
        Op(kOpFlush);
      } else if (r < 99) {
        Op(kOpCompactRange, {static_cast<uint8_t>(rnd_.Uniform(4))}).Key().Key();
      } else {
        Op(kOpReopen);
      }
    }
    return *this;
  }

  const std::string& data() const { return data_; }

 private:
  OpsWriter& Key() {
    if (!rnd_.OneIn(16)) return Bytes({static_cast<uint8_t>(rnd_.Uniform(kRawKey))});
    const uint8_t b = static_cast<uint8_t>(kRawKey + rnd_.Uniform(256 - kRawKey));
    Bytes({b});
    for (int n = (b - kRawKey) % 4 + 1; n > 0; n--) {
      Bytes({static_cast<uint8_t>(rnd_.Uniform(256))});
    }
    return *this;
  }
  OpsWriter& Value() {
    return Bytes(
        {static_cast<uint8_t>(rnd_.OneIn(16) ? kLargeValue + rnd_.Uniform(256 - kLargeValue)
                                             : rnd_.Uniform(kLargeValue))});
  }
  OpsWriter& Walk() {
    const int steps = static_cast<int>(rnd_.Uniform(12));
    Bytes({static_cast<uint8_t>(steps)});
    for (int i = 0; i < steps; i++) {
      const uint8_t kind = static_cast<uint8_t>(rnd_.Uniform(8));
      Bytes({kind});
      if (kind == 5 || kind == 6) Key();
    }
    return *this;
  }

  lsm::Random rnd_;
  std::string data_;
};

void DBOps(const fs::path& dir) {
  // Writes, a snapshot, overwrites, flushes and a compaction, then reads at the snapshot.
  OpsWriter snapshot(0x00, 0x00);
  snapshot.Op(kOpPut, {1, 3}).Op(kOpPut, {5, 4}).Op(kOpPut, {12, 5}).Op(kOpTakeSnapshot);
  snapshot.Op(kOpPut, {1, 7}).Op(kOpDelete, {5}).Op(kOpFlush).Op(kOpPut, {0, 9});
  snapshot.Op(kOpCompactRange, {3, 0, 0}).Op(kOpReadSnapshot, {0, 0, 1});
  snapshot.Op(kOpReadSnapshot, {0, 0, 5}).Op(kOpReadSnapshot, {0, 1, 4, 7, 0, 0, 0});
  snapshot.Op(kOpReleaseSnapshot, {0}).Op(kOpReopen).Op(kOpGet, {1}).Op(kOpGet, {5});
  Save(dir / "snapshot", snapshot.data());

  // An iterator kept open while its keys are overwritten, flushed and compacted away.
  OpsWriter live(0x41, 0x00);
  live.Op(kOpPut, {2, 10}).Op(kOpPut, {3, 11}).Op(kOpPut, {4, 12}).Op(kOpOpenIterator, {0, 1, 7});
  live.Op(kOpDelete, {3}).Op(kOpPut, {2, 13}).Op(kOpFlush).Op(kOpCompactRange, {3, 0, 0});
  live.Op(kOpStepIterator, {4, 0, 0, 3, 3}).Op(kOpIterate, {3, 7, 0, 4});
  Save(dir / "live_iterator", live.data());

  // Large values: memtables fill and flush by themselves, and levels compact.
  OpsWriter large(0x00, 0x00);
  for (int i = 0; i < 40; i++) {
    large.Op(kOpPut, {static_cast<uint8_t>(i % 24), static_cast<uint8_t>(kLargeValue + i % 16)});
  }
  large.Op(kOpIterate, {2, 7, 4}).Op(kOpReopen);
  Save(dir / "large_values", large.data());

  // Random operations under option sets covering every style, codec and comparator.
  const std::pair<uint8_t, uint8_t> option_sets[] = {
      {0x00, 0x00}, {0x45, 0x15}, {0x6a, 0x2a}, {0x92, 0xc1},
      {0x37, 0x3e}, {0xd1, 0x87}, {0x5b, 0x52}, {0xfc, 0xff},
  };
  for (const auto& [o0, o1] : option_sets) {
    char name[32];
    std::snprintf(name, sizeof(name), "random_%02x%02x", o0, o1);
    Save(dir / name, OpsWriter(o0, o1).RandomOps(300).data());
  }
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
  lsm::DBOps(dir / "db_ops");
  return 0;
}
