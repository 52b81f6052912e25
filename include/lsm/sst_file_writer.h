// lsm::SstFileWriter: writes sorted entries into a table file that DB::IngestExternalFile adds
// to a database at once (a bulk load), without the write-ahead log and memtables.
//
//   lsm::SstFileWriter writer(options);          // the options of the family to load
//   lsm::Status s = writer.Open("/tmp/load/1.sst");
//   for (...) if (s.ok()) s = writer.Put(key, value);   // keys in increasing order
//   lsm::ExternalSstFileInfo info;
//   if (s.ok()) s = writer.Finish(&info);
//   if (s.ok()) s = db->IngestExternalFile({info.file_path}, lsm::IngestExternalFileOptions());
//
// The file is an ordinary lsm table (docs/sst_format.md, "Ingested tables") written with the
// options' comparator, compression, block_size, block_restart_interval, bloom_bits_per_key,
// merge operator name and file_system (the default file system when unset). Every entry is
// stored at sequence number 0; the database gives the whole file one sequence number when it
// ingests it, newer than every write before the ingestion.
//
// Point entries (Put, Merge, Delete) must come in strictly increasing key order by the
// comparator, one per key; range deletions (DeleteRange) may come in any order and overlap
// each other and the point keys. Once ingested, the file's range deletions delete the older
// data of the database in their ranges, not the file's own point entries (which are as new).
// A call that breaks a rule is refused with InvalidArgument and changes nothing; the writer
// goes on. An I/O error fails that call and every later one.
//
// Thread-safety: one thread at a time. A writer destroyed before Finish removes its file.
#ifndef LSM_SST_FILE_WRITER_H_
#define LSM_SST_FILE_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsm/options.h"
#include "lsm/status.h"

namespace lsm {

// What SstFileWriter::Finish wrote.
struct ExternalSstFileInfo {
  std::string file_path;
  // The smallest and largest user keys the file covers: of its point entries and of its range
  // deletions (where largest_key may be a range's end, which the range excludes).
  std::string smallest_key;
  std::string largest_key;
  uint64_t num_entries = 0;          // point entries (puts, merges and deletes)
  uint64_t num_range_deletions = 0;  // DeleteRange calls
  uint64_t file_size = 0;            // bytes
};

class SstFileWriter {
 public:
  // Files are written as a column family of these options would write them. The options are
  // copied; options.comparator must outlive the writer.
  explicit SstFileWriter(const Options& options);
  SstFileWriter(const SstFileWriter&) = delete;
  SstFileWriter& operator=(const SstFileWriter&) = delete;
  // Removes the file if one was opened and not finished.
  ~SstFileWriter();

  // Creates (or truncates) the file at `path` and starts a table in it. InvalidArgument if a
  // file is open already (Finish it first); the file system's error if it cannot be created.
  Status Open(const std::string& path);

  // Adds `key` with `value`. InvalidArgument when no file is open, when key does not sort
  // after the previous point key (naming both), and for a key over kMaxKeySize or a value
  // over kMaxValueSize.
  Status Put(std::string_view key, std::string_view value);
  // Adds a merge operand for `key`, combined on reads by the merge operator of the family the
  // file is ingested into, which must have the name of options.merge_operator. As Put, and
  // InvalidArgument when the options have no merge operator.
  Status Merge(std::string_view key, std::string_view operand);
  // Adds a deletion of `key`: once ingested, the key's older values are gone. As Put.
  Status Delete(std::string_view key);
  // Adds a deletion of every key in [begin, end) (older than the file, once ingested).
  // InvalidArgument when no file is open or begin does not sort before end.
  Status DeleteRange(std::string_view begin, std::string_view end);

  // Completes the file, syncs and closes it; *info (if given) says what it holds.
  // InvalidArgument when no file is open or nothing was added (the file is then removed). On
  // any failure the file is removed. Afterwards Open may start another file.
  Status Finish(ExternalSstFileInfo* info = nullptr);

  // Bytes written to the open file so far (blocks are written as they fill), or the size of
  // the last finished file.
  uint64_t FileSize() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace lsm

#endif  // LSM_SST_FILE_WRITER_H_
