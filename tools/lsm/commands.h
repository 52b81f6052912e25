// The subcommands of the `lsm` tool. Each takes the words after its name on the command line
// and returns the process exit code (cli_util.h: kExitOk, kExitFailed, kExitUsage); it writes
// its report to stdout and its errors to stderr.
//
//   std::vector<std::string> words = {"000007.sst", "--limit", "10"};
//   int rc = lsm::cli::SstScan(words);
//
// The usage text of each is in the matching *_commands.cc file and in docs/cli.md.
#ifndef LSM_TOOLS_LSM_COMMANDS_H_
#define LSM_TOOLS_LSM_COMMANDS_H_

#include <string>
#include <vector>

namespace lsm::cli {

using Words = std::vector<std::string>;

// sst_commands.cc: table files.
int SstScan(const Words& words);
int SstProps(const Words& words);
int SstVerify(const Words& words);
// sst_layout.cc: block maps and codec trials.
int SstLayout(const Words& words);
int SstRecompress(const Words& words);

// log_commands.cc: write-ahead logs and MANIFESTs.
int WalDump(const Words& words);
int WalTail(const Words& words);
int ManifestDump(const Words& words);

// db_commands.cc: a closed database through the public API.
int DbGet(const Words& words);
int DbPut(const Words& words);
int DbDelete(const Words& words);
int DbScan(const Words& words);
int DbStats(const Words& words);
int DbOptions(const Words& words);
int DbCompact(const Words& words);
int DbVerify(const Words& words);
int DbRepair(const Words& words);
int DbCheckpoint(const Words& words);
int DbCommitted(const Words& words);
int DbIngest(const Words& words);
// `lsm db cf list|create|drop`: the first word names the operation.
int DbCf(const Words& words);

}  // namespace lsm::cli

#endif  // LSM_TOOLS_LSM_COMMANDS_H_
