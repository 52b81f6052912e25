// crash_writer: the child process of the kill9 and killpoints suites. Writes the batches of
// tests/support/crash_workload.h to a database and reports each acknowledged batch number
// (8 bytes, native order) on a file descriptor, until it has written them all (exit code
// kWriterDone), fails, or is killed (by a signal, or at a killpoint set by LSM_KILLPOINT).
//
//   crash_writer <dbname> <seed> <first batch> <batch count> <sync one in> <commit every>
//                <atomic unlogged: 0 or 1> <ack fd>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/support/crash_workload.h"

namespace {

bool ParseU64(const char* text, uint64_t* value) {
  char* end = nullptr;
  *value = std::strtoull(text, &end, 10);
  return *text != '\0' && *end == '\0';
}

}  // namespace

int main(int argc, char** argv) {
  lsm::WriterArgs args;
  uint64_t atomic_unlogged = 0;
  uint64_t ack_fd = 0;
  if (argc != 9 || !ParseU64(argv[2], &args.seed) || !ParseU64(argv[3], &args.first) ||
      !ParseU64(argv[4], &args.count) || !ParseU64(argv[5], &args.sync_one_in) ||
      !ParseU64(argv[6], &args.commit_every) || !ParseU64(argv[7], &atomic_unlogged) ||
      atomic_unlogged > 1 || !ParseU64(argv[8], &ack_fd)) {
    std::fprintf(stderr,
                 "usage: crash_writer <dbname> <seed> <first batch> <batch count> "
                 "<sync one in> <commit every> <atomic unlogged: 0 or 1> <ack fd>\n");
    return lsm::kWriterUsage;
  }
  args.atomic_unlogged = atomic_unlogged == 1;
  args.dbname = argv[1];
  return lsm::RunWriter(args, static_cast<int>(ack_fd));
}
