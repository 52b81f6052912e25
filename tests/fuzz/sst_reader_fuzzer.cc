// Raw bytes as a table file (through an in-memory file): ReadProperties, SalvageTable, Open,
// VerifyChecksums, iteration in both directions, seeks and lookups. Every call must return an
// error or an answer, never crash. When the table verifies, its iterators must agree with
// each other and with the salvage scan: num_entries keys in strictly ascending order, the same
// forward and backward.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "src/base/dbformat.h"
#include "src/sstable/table_reader.h"
#include "src/sstable/table_salvage.h"
#include "tests/support/mem_file_system.h"

namespace lsm {
namespace {

constexpr char kPath[] = "/fuzz/000001.sst";
constexpr size_t kMaxEntries = 1 << 16;  // inputs are small; this bounds a runaway loop

using Entries = std::vector<std::pair<std::string, std::string>>;

void Check(bool ok) {
  if (!ok) std::abort();
}

void Run(std::string_view input) {
  MemFileSystem fs;
  fs.SetContents(kPath, std::string(input));
  std::unique_ptr<RandomAccessFile> file;
  Check(fs.NewRandomAccessFile(kPath, &file).ok());
  const uint64_t size = input.size();

  TableProperties props;
  (void)TableReader::ReadProperties(file.get(), "000001.sst", size, &props);

  const InternalKeyComparator icmp(BytewiseComparator());
  Entries salvaged;
  SalvageReport report;
  (void)SalvageTable(
      BytewiseComparator(), "000001.sst", file.get(), size,
      [&](std::string_view k, std::string_view v) {
        Check(salvaged.empty() || icmp.Compare(salvaged.back().first, k) < 0);
        salvaged.emplace_back(std::string(k), std::string(v));
      },
      &report);
  Check(report.entries == salvaged.size());

  std::unique_ptr<TableReader> table;
  if (!TableReader::Open(TableOptions(), "000001.sst", std::move(file), size, nullptr, &table)
           .ok()) {
    return;
  }
  const bool verified = table->VerifyChecksums().ok();
  (void)table->VerifyChecksums(/*check_key_order=*/false);

  ReadOptions ro;
  Entries forward;
  std::unique_ptr<InternalIterator> it = table->NewIterator(ro);
  for (it->SeekToFirst(); it->Valid() && forward.size() < kMaxEntries; it->Next()) {
    forward.emplace_back(std::string(it->key()), std::string(it->value()));
  }
  const bool forward_ok = it->status().ok() && !it->Valid();
  Entries backward;
  it = table->NewIterator(ro);
  for (it->SeekToLast(); it->Valid() && backward.size() < kMaxEntries; it->Prev()) {
    backward.emplace_back(std::string(it->key()), std::string(it->value()));
  }
  const bool backward_ok = it->status().ok() && !it->Valid();
  if (verified) {
    Check(forward_ok && backward_ok);
    Check(forward.size() == table->properties().num_entries);
    for (size_t i = 1; i < forward.size(); i++) {
      Check(icmp.Compare(forward[i - 1].first, forward[i].first) < 0);
    }
    Check(Entries(backward.rbegin(), backward.rend()) == forward);
    Check(salvaged == forward && report.bad_blocks == 0);
  }

  // Seeks and lookups at keys of the table, between them and past both ends.
  std::vector<std::string> targets = {std::string(8, '\0'), std::string(16, '\xff')};
  for (size_t i = 0; i < forward.size() && targets.size() < 40; i += 1 + forward.size() / 16) {
    targets.push_back(forward[i].first);
    std::string shorter = forward[i].first;
    if (shorter.size() > 8) shorter.erase(shorter.size() - 9, 1);
    targets.push_back(shorter);
  }
  for (const std::string& target : targets) {
    it = table->NewIterator(ro);
    it->Seek(target);
    if (it->Valid()) {
      it->Next();
      if (it->Valid()) it->Prev();
    }
    it->SeekForPrev(target);
    if (it->Valid()) it->Prev();
    ParsedInternalKey parsed;
    if (ParseInternalKey(target, &parsed)) {
      GetState state;
      std::string value;
      LookupKey lk(parsed.user_key, parsed.sequence);
      (void)table->Get(ro, lk, &state, &value);
    }
    (void)table->ApproximateOffsetOf(target);
  }
  // Not an internal key: refused, not read past.
  GetState state;
  std::string value;
  Check(table->Get(ro, std::string_view("abc"), &state, &value).IsInvalidArgument());
}

}  // namespace
}  // namespace lsm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lsm::Run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
