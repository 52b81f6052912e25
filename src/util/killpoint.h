// Killpoints: named places in the engine where a crash test can make the process exit at once
// (_exit: no destructors, no flushing of user-space buffers), to check what a crash at exactly
// that moment leaves behind.
//
//   LSM_KILLPOINT("wal.sync");                    // in the engine, at one of kKillpoints
//   $ LSM_KILLPOINT=wal.sync:3 ./program          // exits with status 0 at the third wal.sync
//
// The environment variable LSM_KILLPOINT (`name` or `name:count`, count >= 1, default 1) is
// read once, when the first killpoint is reached. Unset, a killpoint costs a relaxed load and
// a branch. A malformed value or an unknown name is reported on stderr and arms nothing.
// Thread-safety: killpoints may be reached from any thread; exactly one reach exits.
#ifndef LSM_UTIL_KILLPOINT_H_
#define LSM_UTIL_KILLPOINT_H_

#include <atomic>
#include <string_view>

namespace lsm {

// Every killpoint, with where it is.
inline constexpr std::string_view kKillpoints[] = {
    "wal.append",       // a write group's record appended to the WAL, not yet flushed or synced
    "wal.sync",         // the WAL synced for a sync write, before the write is acknowledged
    "sst.written",      // a table's last block and footer appended, before its sync
    "sst.synced",       // a table synced, before a MANIFEST record names it
    "manifest.append",  // a MANIFEST record appended, before its sync
    "manifest.synced",  // a MANIFEST record synced, before the edit is installed
    "current.rename",   // CURRENT renamed to name a new MANIFEST, before the directory sync
    "dir.sync",         // a directory synced (new WAL, new tables, CURRENT)
    "file.delete",      // an obsolete file deleted
};

namespace killpoint_internal {
// 0: LSM_KILLPOINT not read yet; 1: nothing armed; 2: a killpoint is armed.
inline std::atomic<int> state{0};
void Reached(std::string_view name);
}  // namespace killpoint_internal

}  // namespace lsm

#define LSM_KILLPOINT(name)                                                      \
  do {                                                                           \
    if (::lsm::killpoint_internal::state.load(std::memory_order_relaxed) != 1) { \
      ::lsm::killpoint_internal::Reached(name);                                  \
    }                                                                            \
  } while (0)

#endif  // LSM_UTIL_KILLPOINT_H_
