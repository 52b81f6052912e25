// Names of the files in a database directory:
//   NNNNNN.log (write-ahead log), NNNNNN.sst (table), MANIFEST-NNNNNN, CURRENT, LOCK,
//   OPTIONS-NNNNNN (the options of an open), LOG and LOG.old.* (the info log), and
//   NNNNNN.dbtmp (a temporary file).
// Numbers are at least six digits, zero-padded.
//
//   TableFileName("/db", 7) == "/db/000007.sst"
//   ParseFileName("000007.sst", &number, &type) -> true, 7, FileType::kTable
#ifndef LSM_BASE_FILENAME_H_
#define LSM_BASE_FILENAME_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace lsm {

enum class FileType {
  kLog,
  kTable,
  kManifest,
  kCurrent,
  kLock,
  kOptions,
  kInfoLog,
  kTemp,
};

std::string LogFileName(std::string_view dir, uint64_t number);
std::string TableFileName(std::string_view dir, uint64_t number);
std::string ManifestFileName(std::string_view dir, uint64_t number);
std::string TempFileName(std::string_view dir, uint64_t number);
std::string CurrentFileName(std::string_view dir);
std::string LockFileName(std::string_view dir);
std::string OptionsFileName(std::string_view dir, uint64_t number);
std::string InfoLogFileName(std::string_view dir);

// The subdirectory of a database directory that keeps logs recovery no longer needs, for
// DB::GetUpdatesSince (DBOptions::wal_ttl_seconds, wal_size_limit_mb).
inline constexpr char kArchiveDirName[] = "archive";
std::string ArchiveDirName(std::string_view dir);

// The subdirectory of a database directory into which RepairDB moves the files it replaces.
inline constexpr char kLostDirName[] = "lost";

// "000007.sst" for a path "/db/000007.sst": the part after the last '/'.
std::string_view BaseName(std::string_view path);

// Recognises a file name (not a path). *number is 0 for names without a number.
bool ParseFileName(std::string_view name, uint64_t* number, FileType* type);

}  // namespace lsm

#endif  // LSM_BASE_FILENAME_H_
