// lsm: the command-line tool for looking inside lsm databases and their files, the
// counterpart of RocksDB's sst_dump and ldb.
//
//   lsm sst scan /db/000007.sst --limit 10
//   lsm wal dump /db/000009.log
//   lsm manifest dump /db
//   lsm db get /db some-key
//
// `lsm help` lists the subcommands; `lsm <group> <command> --help` describes one. Exit codes:
// 0 ok, 1 corruption found or the operation failed, 2 bad command line.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "tools/lsm/cli_util.h"
#include "tools/lsm/commands.h"

namespace lsm::cli {
namespace {

struct Command {
  const char* group;
  const char* name;
  int (*run)(const Words&);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"sst", "scan", SstScan, "print a table's entries"},
    {"sst", "props", SstProps, "print a table's properties"},
    {"sst", "verify", SstVerify, "check every block of a table (or of every table in a DIR)"},
    {"sst", "layout", SstLayout, "print a table's block map"},
    {"sst", "recompress", SstRecompress, "compare codecs on a table's data blocks"},
    {"wal", "dump", WalDump, "print a write-ahead log's batches and any damage"},
    {"wal", "tail", WalTail, "print a database's logged batches from a sequence on"},
    {"manifest", "dump", ManifestDump, "print a MANIFEST's edits and the files per level"},
    {"db", "get", DbGet, "print the value of a key"},
    {"db", "put", DbPut, "store a key"},
    {"db", "delete", DbDelete, "delete a key"},
    {"db", "scan", DbScan, "print live keys and values in order"},
    {"db", "stats", DbStats, "print the database's statistics"},
    {"db", "options", DbOptions, "print the options the database was last opened with"},
    {"db", "compact", DbCompact, "compact the whole key range"},
    {"db", "verify", DbVerify, "open the database, read every key, check every table"},
    {"db", "repair", DbRepair, "rebuild a lost or damaged MANIFEST from the tables and logs"},
    {"db", "checkpoint", DbCheckpoint, "make an openable copy of the database (linked tables)"},
    {"db", "committed", DbCommitted, "print the metadata of the last commit"},
    {"db", "ingest", DbIngest, "add table files written by SstFileWriter (bulk load)"},
    {"db", "cf", DbCf, "list, create or drop column families"},
};

void PrintHelp(FILE* out, const char* only_group) {
  absl::FPrintF(out,
                "usage: lsm <group> <command> [args] [--json] [--help]\n"
                "Look inside lsm databases and their files.\n\n");
  for (const Command& c : kCommands) {
    if (only_group != nullptr && std::strcmp(only_group, c.group) != 0) continue;
    absl::FPrintF(out, "  lsm %-8s %-11s %s\n", c.group, c.name, c.summary);
  }
  absl::FPrintF(out,
                "\nKeys and values print with \\xNN escapes (--hex: as hex). Exit codes: 0 ok, "
                "1 corruption\nfound or operation failed, 2 bad command line.\n");
}

int Main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    PrintHelp(argc < 2 ? stderr : stdout, nullptr);
    return argc < 2 ? kExitUsage : kExitOk;
  }
  bool known_group = false;
  for (const Command& c : kCommands) known_group |= std::strcmp(argv[1], c.group) == 0;
  if (!known_group) {
    absl::FPrintF(stderr, "lsm: unknown command group '%s'\n\n", argv[1]);
    PrintHelp(stderr, nullptr);
    return kExitUsage;
  }
  if (argc < 3 || std::strcmp(argv[2], "--help") == 0 || std::strcmp(argv[2], "help") == 0) {
    PrintHelp(argc < 3 ? stderr : stdout, argv[1]);
    return argc < 3 ? kExitUsage : kExitOk;
  }
  for (const Command& c : kCommands) {
    if (std::strcmp(argv[1], c.group) == 0 && std::strcmp(argv[2], c.name) == 0) {
      return c.run(Words(argv + 3, argv + argc));
    }
  }
  absl::FPrintF(stderr, "lsm: unknown command '%s %s'\n\n", argv[1], argv[2]);
  PrintHelp(stderr, argv[1]);
  return kExitUsage;
}

}  // namespace
}  // namespace lsm::cli

int main(int argc, char** argv) { return lsm::cli::Main(argc, argv); }
