// MANIFEST decoding on raw bytes, three ways:
//  1. the input as one VersionEdit: it decodes or is refused; a decoded edit re-encodes to
//     bytes that decode to the same encoding;
//  2. the input as a MANIFEST file (MANIFEST-000001, named by CURRENT) replayed by
//     VersionSet::Recover;
//  3. the input cut at each kSeparator into records, written as a well-formed MANIFEST and
//     replayed: this reaches the version-building checks past the log's checksums.
// Recovery must return an error or a state. A recovered state, written again as a new MANIFEST
// (a snapshot) and recovered from it, must come back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "lsm/comparator.h"
#include "src/base/filename.h"
#include "src/version/version_edit.h"
#include "src/version/version_set.h"
#include "src/wal/log_writer.h"
#include "tests/fuzz/fuzz_separator.h"
#include "tests/support/mem_file_system.h"

namespace lsm {
namespace {

constexpr char kDb[] = "/fuzz";

void Check(bool ok) {
  if (!ok) std::abort();
}

void DecodeEdit(std::string_view input) {
  VersionEdit edit;
  if (!edit.DecodeFrom(input).ok()) return;
  (void)edit.DebugString();
  std::string encoded, again;
  edit.EncodeTo(&encoded);
  VersionEdit decoded;
  Check(decoded.DecodeFrom(encoded).ok());
  decoded.EncodeTo(&again);
  Check(again == encoded);
}

// Everything a recovered VersionSet holds that a MANIFEST records.
std::string State(const VersionSet& versions) {
  std::string state =
      std::to_string(versions.log_number()) + " " + std::to_string(versions.last_sequence()) + "\n";
  std::shared_ptr<const Version> v = versions.current();
  for (int level = 0; level < kNumLevels; level++) {
    for (const auto& f : v->files(level)) {
      VersionEdit one;
      one.AddFile(level, *f);
      one.EncodeTo(&state);
    }
  }
  return state;
}

void Replay(const std::shared_ptr<MemFileSystem>& fs) {
  fs->SetContents(CurrentFileName(kDb), "MANIFEST-000001\n");
  Options options;
  options.comparator = BytewiseComparator();
  options.file_system = fs;
  std::string before;
  {
    VersionSet versions(kDb, options);
    if (!versions.Recover().ok()) return;
    before = State(versions);
    // A new MANIFEST, starting with a snapshot of the recovered state.
    VersionEdit nothing;
    if (!versions.LogAndApply(&nothing).ok()) std::abort();
  }
  VersionSet again(kDb, options);
  Check(again.Recover().ok());
  Check(State(again) == before);
}

}  // namespace
}  // namespace lsm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  lsm::DecodeEdit(input);

  auto fs = std::make_shared<lsm::MemFileSystem>();
  fs->SetContents(lsm::ManifestFileName(lsm::kDb, 1), std::string(input));
  lsm::Replay(fs);

  fs = std::make_shared<lsm::MemFileSystem>();
  std::unique_ptr<lsm::WritableFile> file;
  lsm::Check(fs->NewWritableFile(lsm::ManifestFileName(lsm::kDb, 1), &file).ok());
  std::unique_ptr<lsm::log::Writer> writer;
  lsm::Check(lsm::log::Writer::Create(std::move(file), 1, &writer).ok());
  for (const std::string_view record : lsm::SplitRecords(input)) {
    lsm::DecodeEdit(record);
    lsm::Check(writer->AddRecord(record).ok());
  }
  lsm::Check(writer->Close().ok());
  writer.reset();
  lsm::Replay(fs);
  return 0;
}
