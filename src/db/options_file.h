// The OPTIONS file: every option a database was opened with, as text, so that a run can be
// reproduced (docs/design.md "Files"). DB::Open writes OPTIONS-NNNNNN at each open; the public
// lsm::LoadOptionsFromFile, LoadLatestOptions and OptionsToString (include/lsm/options.h) read
// and print it.
//
//   # comment
//   [Version]
//     options_file_version=1
//   [DBOptions]
//     max_background_jobs=2
//   [CFOptions "default"]
//     write_buffer_size=67108864
//   [CFOptions "offsets"]              (each other column family: its options alone)
//     write_buffer_size=1048576
//
// Values are decimal integers, true/false, enumerator names (kZstd, kLevel, ...) and, for the
// comparator and the compaction filter, their Name(). Objects are not recorded: the logger
// and the file system; a comparator or compaction filter other than the built-in bytewise
// comparator must be set in the Options given to the loader, under the recorded name.
#ifndef LSM_DB_OPTIONS_FILE_H_
#define LSM_DB_OPTIONS_FILE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lsm/file_system.h"
#include "lsm/options.h"
#include "lsm/status.h"

namespace lsm {

// Writes `options` (the database's and the default family's), then the ColumnFamilyOptions of
// each of `families` (name, options), to OPTIONS-`number` in `dbname` (through a temporary file
// and a rename, so that no half-written file carries the name), then deletes the OPTIONS files
// older than the one before it.
Status WriteOptionsFile(FileSystem* fs, const std::string& dbname, uint64_t number,
                        const Options& options,
                        const std::vector<std::pair<std::string, Options>>& families = {});

// Sets the option `name` of *options from its text `value`, as an OPTIONS file would; the
// names are those of OptionsToString. InvalidArgument naming the option for an unknown name
// or a bad value.
Status SetOptionFromString(std::string_view name, std::string_view value, Options* options);

}  // namespace lsm

#endif  // LSM_DB_OPTIONS_FILE_H_
