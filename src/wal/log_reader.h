// log::Reader reads the records of a log file (the write-ahead log, or the MANIFEST) written
// by log::Writer, verifying every fragment, and decides what damage means according to a
// WALRecoveryMode:
//
//   kTolerateCorruptedTailRecords  an incomplete record at the end of the file (cut short, or
//                                  followed only by zeros) is a clean end; other damage fails
//                                  with Corruption.
//   kAbsoluteConsistency           any damage, a torn tail included, fails with Corruption.
//   kPointInTimeRecovery           reading stops at the first damage with an OK status; the
//                                  records returned are a prefix of those written, and report()
//                                  tells what was dropped.
//   kSkipAnyCorruptedRecords       damaged records and fragments are skipped; reading goes on
//                                  at the next intact fragment (at worst the next block).
//
// In every mode: zeros from the end of a record to the end of the file are unused space (a log
// written through a memory map reserves its file ahead of the records), a clean end and not
// damage; a record is returned only if all its fragments are intact and belong to it;
// a bad magic number, a file header of another log, or a missing file header is Corruption and
// an unknown format version NotSupported; bytes that an earlier recovery abandoned (announced
// by a resume header, see log_writer.h) are skipped and are not damage, unless an intact record
// starts among them (no writer resumes there; the damage then counts); a fragment cut short
// by the end of the file is checked with the missing bytes taken as zeros (the zeros
// Writer::Reopen pads with must not turn a rejected fragment into an accepted one).
// docs/wal_format.md has the details.
//
//   std::unique_ptr<SequentialFile> file;
//   Status s = fs->NewSequentialFile(LogFileName(dir, 7), &file);
//   log::Reader reader(std::move(file), "wal 000007.log", 7,
//                      WALRecoveryMode::kPointInTimeRecovery);
//   std::string_view record;
//   std::string scratch;
//   while (reader.ReadRecord(&record, &scratch)) Apply(record);
//   s = reader.status();                       // OK, or why reading had to fail
//   const log::ReadReport& r = reader.report();  // r.damage, r.dropped_bytes, ...
//
// Input is untrusted: no content of the file makes the reader read out of bounds, allocate
// more than the file's size, or return a record that was not written.
// Thread-safety: none; one thread uses a Reader at a time.
#ifndef LSM_WAL_LOG_READER_H_
#define LSM_WAL_LOG_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsm/file_system.h"
#include "lsm/options.h"
#include "lsm/status.h"
#include "src/wal/log_format.h"

namespace lsm::log {

// What a Reader found. Final once ReadRecord has returned false.
struct ReadReport {
  // Records returned.
  uint64_t records = 0;
  // File offset just past the last record returned (or past the file or resume header if
  // none followed): where the intact log ends, the `valid_end` for Writer::Reopen. It exceeds
  // bytes_read when the last fragment was cut short by the end of the file but checks out
  // with the missing bytes taken as zeros.
  uint64_t last_record_end = 0;
  // Bytes read from the file.
  uint64_t bytes_read = 0;
  // Bytes between intact records, or after the last, that held damage and were skipped:
  // damaged, incomplete and discarded records with the padding around them.
  uint64_t dropped_bytes = 0;
  // Bytes an earlier recovery had abandoned, skipped because a resume header said so.
  uint64_t abandoned_bytes = 0;
  // Reading ended in damage that a torn last write explains: an incomplete record, a fragment
  // cut short, or zeros, with nothing intact after it.
  bool torn_tail = false;
  // Nothing past last_record_end can later be read back as a record, so Writer::Reopen may
  // continue the file there. False only when damage stopped reading and an intact record
  // (or the start of one) lay past it: a salvage could then return it among records appended
  // later. Start a new log instead.
  bool reopenable = true;
  // The first damage found, with place and reason ("wal 000007.log @ 65536: checksum
  // mismatch"); OK if none. Set even when the mode tolerates the damage.
  Status damage;
};

class Reader {
 public:
  // Reads `file`, which holds log `log_number`; `name` starts every error message
  // ("wal 000007.log", "manifest MANIFEST-000003").
  Reader(std::unique_ptr<SequentialFile> file, std::string name, uint64_t log_number,
         WALRecoveryMode mode);
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  ~Reader();

  // Reads the next record into *record, which points into *scratch or into the reader and
  // stays valid until the next call. Returns false at the end of the log or when reading must
  // fail; status() then tells which.
  bool ReadRecord(std::string_view* record, std::string* scratch);

  // OK while reading and at an end the mode accepts; otherwise Corruption, NotSupported or
  // IOError with the file name and offset.
  const Status& status() const { return status_; }

  const ReadReport& report() const { return report_; }

  // File offset of the first fragment of the record last returned.
  uint64_t last_record_offset() const { return last_record_offset_; }

 private:
  enum class Event { kFragment, kDamage, kEof, kIoError };

  // An intact fragment.
  struct Fragment {
    uint8_t type = kZeroType;
    std::string_view payload;
    uint64_t offset = 0;  // of its header
    uint64_t end = 0;
  };

  // Bytes at `offset` that hold no intact fragment, or a broken record structure there.
  struct Damage {
    uint64_t offset = 0;
    const char* reason = "";
    // Explained by a torn last write if nothing but more of the same follows: a fragment cut
    // short by the end of the file, zeros, an incomplete record at the end.
    bool tail = false;
    // Found at an intact FULL or FIRST fragment (which ends the record before it).
    bool at_intact_record = false;
  };

  Event ReadFragment(Fragment* fragment, Damage* damage);
  bool ReadBlock();
  // Reads on past blocks of zeros: stops at the first block holding anything else (pos_ at
  // its start) or at the end of the file (pos_ == buffer_len_). False on an I/O error.
  bool SkipZeroBlocks();

  // Takes a fragment into the record being assembled; true when *record is complete.
  bool Accept(const Fragment& f, std::string_view* record, std::string* scratch);
  void AcceptFileHeader(const Fragment& f);
  bool Resumes(const FileHeader& header) const;
  void Resume(const Fragment& f);

  // Handles damage as the mode says. Returns true if the caller should go on with the current
  // fragment (kSkipAnyCorruptedRecords); otherwise reading has moved past the damage (to a
  // resume header that abandons it) or has ended.
  bool OnDamage(const Damage& damage);
  // Scans from the damage to the next resume header that abandons it, or to the end of file.
  void Resolve(const Damage& damage);

  void Deliver(uint64_t record_offset, uint64_t record_end);
  // Moves pending damage into report_, with the bytes up to `resume_at` as dropped.
  void CommitPending(uint64_t resume_at);
  // Counts the bytes from the end of the last record to `resume_at` as dropped.
  void AddDropped(uint64_t resume_at);
  void Finish(Status status);
  Status Corruption(uint64_t offset, std::string_view reason) const;

  const std::unique_ptr<SequentialFile> file_;
  const std::string name_;
  const uint64_t log_number_;
  const WALRecoveryMode mode_;

  // The current block: buffer_[0, buffer_len_) holds file bytes [block_start_, ...).
  std::unique_ptr<char[]> buffer_;
  size_t buffer_len_ = 0;
  size_t pos_ = 0;
  uint64_t block_start_ = 0;
  bool eof_ = false;

  // A record whose FIRST fragment (at record_offset_) has been read but not its LAST.
  bool in_record_ = false;
  uint64_t record_offset_ = 0;

  // kSkipAnyCorruptedRecords: the first damage since the last record, not yet in report_
  // (forgotten if a resume header abandons it), and whether it all looks like a torn write.
  Status pending_damage_;
  bool pending_tail_ = true;

  uint64_t last_record_offset_ = 0;
  bool done_ = false;
  Status status_;
  ReadReport report_;
};

}  // namespace lsm::log

#endif  // LSM_WAL_LOG_READER_H_
