// FaultFileSystem: an lsm::FileSystem over another one (POSIX or MemFileSystem) that injects
// I/O errors and simulates power loss, for the reliability suites (docs/testing.md: powerloss_sim,
// io_errors, torn_tail_reappend).
//
//   auto fs = std::make_shared<FaultFileSystem>(std::make_shared<MemFileSystem>(), seed);
//   options.file_system = fs;
//   fs->SetErrorRate(FaultOp::kSync, 128, FaultError::kNoSpace);  // 1 in 128 syncs fail
//   ... run the database; writes start failing ...
//   fs->SetErrorsEnabled(false);                                 // the disk heals
//
//   fs->CutPower();          // from now on nothing reaches the disk
//   db.reset();              // every file of the database is closed
//   Status s = fs->SimulatePowerLoss({.tail = PowerLossTail::kGarbageFill});
//   ... reopen: the disk holds what a power cut would have left ...
//
// Power-loss model. Per file it tracks the bytes written and the bytes made durable by Sync;
// per directory, the entries as of its last SyncDir. SimulatePowerLoss rebuilds each directory
// it has seen as of its last SyncDir: files created since are gone, renames since are undone
// (a file a rename replaced comes back), removals since are undone, and every file keeps its
// synced bytes, followed by its unsynced bytes truncated, zero-filled or garbage-filled (and
// optionally a random part of them kept intact, as if some pages had been written back).
// A file truncated by NewWritableFile is taken to be truncated durably. Directories themselves
// are durable once created, and a renamed directory is durable under its new name at once (its
// files keep their own state). Files that existed before the file system first saw their
// directory count as durable. A link (LinkFile) is a new directory entry, created as a file
// is: gone at a power loss unless its directory was synced since; it starts with the bytes
// of its file, written and synced as far as that file's are (the engine links only finished
// files), and comes back after a power loss as a file of its own.
//
// Error model. Each operation belongs to a FaultOp kind; an operation fails (before it takes
// effect, except that a failed Append may write part of its data) with IOError "Input/output
// error (injected)" or "No space left on device (injected)", either for the next N operations
// of a kind or with a seeded probability of 1 in `one_in`. SetErrorsEnabled(false) heals the
// disk without forgetting the rules.
//
// Thread-safety: as lsm::FileSystem. Files must not outlive their FaultFileSystem. With
// several threads the order of random draws, and so which operation fails, varies from run to
// run.
#ifndef LSM_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_
#define LSM_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lsm/file_system.h"
#include "src/util/mutex.h"
#include "src/util/random.h"

namespace lsm {

// The kinds of operation errors are injected into.
enum class FaultOp : uint8_t {
  kWrite,   // WritableFile::Append and Flush
  kSync,    // WritableFile::Sync and FileSystem::SyncDir
  kRead,    // file reads, GetChildren, GetFileSize, FileExists
  kOpen,    // NewWritableFile, NewAppendableFile, NewSequentialFile, NewRandomAccessFile,
            // NewUnmappedRandomAccessFile, NewDirectRandomAccessFile, NewDirectWritableFile,
            // LockFile
  kRename,  // RenameFile
  kRemove,  // RemoveFile
  kLink,    // LinkFile
};
inline constexpr int kNumFaultOps = 7;
const char* FaultOpName(FaultOp op);

enum class FaultError : uint8_t {
  kIO,       // EIO
  kNoSpace,  // ENOSPC
};

// What becomes of a file's unsynced bytes at a power loss.
enum class PowerLossTail : uint8_t {
  kTruncate,     // they are gone
  kZeroFill,     // the file keeps its length; they read as zeros
  kGarbageFill,  // the file keeps its length; they read as random bytes
};

struct PowerLossOptions {
  PowerLossTail tail = PowerLossTail::kTruncate;
  // Each file keeps a random number of its unsynced bytes intact before the tail above
  // applies; false keeps exactly its synced bytes.
  bool keep_random_prefix = false;
};

class FaultFileSystem final : public FileSystem {
 public:
  // `seed` drives the injected errors, the random prefixes and the garbage.
  FaultFileSystem(std::shared_ptr<FileSystem> base, uint64_t seed);
  ~FaultFileSystem() override;

  Status NewWritableFile(const std::string& path, std::unique_ptr<WritableFile>* file) override;
  Status NewAppendableFile(const std::string& path, std::unique_ptr<WritableFile>* file) override;
  Status NewSequentialFile(const std::string& path, std::unique_ptr<SequentialFile>* file) override;
  Status NewRandomAccessFile(const std::string& path,
                             std::unique_ptr<RandomAccessFile>* file) override;
  Status NewUnmappedRandomAccessFile(const std::string& path,
                                     std::unique_ptr<RandomAccessFile>* file) override;
  Status NewDirectRandomAccessFile(const std::string& path,
                                   std::unique_ptr<RandomAccessFile>* file) override;
  Status NewDirectWritableFile(const std::string& path,
                               std::unique_ptr<WritableFile>* file) override;
  Status FileExists(const std::string& path) override;
  Status GetChildren(const std::string& dir, std::vector<std::string>* names) override;
  Status GetFileSize(const std::string& path, uint64_t* size) override;
  Status RemoveFile(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status LinkFile(const std::string& from, const std::string& to) override;
  Status CreateDirIfMissing(const std::string& dir) override;
  Status RemoveDir(const std::string& dir) override;
  Status SyncDir(const std::string& dir) override;
  Status LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) override;

  // Error injection.

  // Operations of kind `op` on paths ending in `suffix` fail with probability 1 / one_in; 0
  // turns this off.
  void SetErrorRate(FaultOp op, uint64_t one_in, FaultError error = FaultError::kIO,
                    std::string suffix = {});
  // The next `n` operations of kind `op` on paths ending in `suffix` fail (before any rate
  // applies). For SyncDir and GetChildren the path is the directory's.
  void FailNext(FaultOp op, int n, FaultError error = FaultError::kIO, std::string suffix = {});
  // Off: no operation fails (the rules are kept for when it is turned on again). Default on.
  void SetErrorsEnabled(bool enabled);
  // Forgets every rate and pending failure.
  void ClearErrorRules();
  // Called with the operation and path after each injected error, before the failing call
  // returns and outside the file system's lock: a test may block in it to hold that call
  // there while the rest of the program goes on. Empty: none.
  void SetInjectionHook(std::function<void(FaultOp, const std::string&)> hook);
  // Errors injected so far into operations of kind `op` (on paths ending in `suffix`).
  uint64_t InjectedErrors(FaultOp op, std::string_view suffix = {}) const;
  uint64_t TotalInjectedErrors() const;

  // Power loss.

  // From now on every operation that would change the disk fails with IOError ("power cut")
  // and changes nothing; reads go on. Operations already under way finish first.
  void CutPower();
  // Cuts the power at the `n`th operation from now that would change the disk (n >= 1); that
  // operation fails. 0 cancels.
  void CutPowerAfter(uint64_t n);
  bool power_cut() const { return power_cut_.load(); }

  // Leaves the disk as a power loss would have, as described above, and turns the power back
  // on. Files opened before it fail every later call. InvalidArgument if a WritableFile of
  // this file system is still open (its buffered bytes could still reach the disk).
  Status SimulatePowerLoss(const PowerLossOptions& options);
  uint64_t power_losses() const;

 private:
  struct Node;
  class WritableHandle;
  class Opened;
  class SequentialHandle;
  class RandomAccessHandle;
  using Image = std::map<std::string, std::shared_ptr<Node>>;

  struct Rule {
    uint64_t one_in = 0;
    FaultError error = FaultError::kIO;
    std::string suffix;
    int fail_next = 0;
    FaultError next_error = FaultError::kIO;
    std::string next_suffix;
  };

  // Checks the power for an operation that changes the disk (and counts down CutPowerAfter),
  // then the rules of `op`. REQUIRES: power_mu_ held shared for the whole operation.
  Status BeginMutation(const std::string& path, std::optional<FaultOp> op);
  // Fails the operation if a rule says so.
  Status MaybeInject(FaultOp op, const std::string& path);
  // NewWritableFile (truncate), NewAppendableFile and NewDirectWritableFile (direct).
  Status OpenWritable(const std::string& path, bool truncate, bool direct,
                      std::unique_ptr<WritableFile>* file);
  // NewRandomAccessFile, NewUnmappedRandomAccessFile and NewDirectRandomAccessFile.
  enum class RandomAccess { kMaybeMapped, kUnmapped, kDirect };
  Status OpenRandomAccess(const std::string& path, RandomAccess how,
                          std::unique_ptr<RandomAccessFile>* file);
  // A random length in [0, n] (for partial writes and kept prefixes).
  uint64_t RandomLength(uint64_t n);

  // Starts tracking `dir`: its present files are durable. REQUIRES: mu_ held.
  void TrackDir(const std::string& dir) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The node live at `path`, created (empty) if absent. REQUIRES: mu_ held.
  std::shared_ptr<Node> LiveNode(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Called before `node` leaves the live namespace: keeps its bytes if a directory's durable
  // entries still name it.
  void SaveIfDurable(const std::shared_ptr<Node>& node) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // After directory `from` was renamed to `to`: the files and directories under it, live and
  // durable, are known by their new paths.
  void MoveTree(const std::string& from, const std::string& to) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  Status ReadBase(const std::string& path, std::string* contents);
  Status WriteBase(const std::string& path, const std::string& contents);

  const std::shared_ptr<FileSystem> base_;

  // Operations that change the disk hold this shared; CutPower and SimulatePowerLoss hold it
  // exclusively, so that no such operation is under way while they run.
  std::shared_mutex power_mu_;
  std::atomic<bool> power_cut_{false};
  std::atomic<uint64_t> epoch_{0};  // power losses so far; files of older epochs are dead
  std::atomic<int> open_writables_{0};

  mutable Mutex mu_;
  Random rnd_ ABSL_GUARDED_BY(mu_);
  bool errors_enabled_ ABSL_GUARDED_BY(mu_) = true;
  std::array<Rule, kNumFaultOps> rules_ ABSL_GUARDED_BY(mu_);
  std::function<void(FaultOp, const std::string&)> injection_hook_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<FaultOp, std::string>> injected_ ABSL_GUARDED_BY(mu_);
  uint64_t cut_after_ ABSL_GUARDED_BY(mu_) = 0;

  Image live_ ABSL_GUARDED_BY(mu_);                            // path -> file, as the disk is now
  std::map<std::string, Image> durable_ ABSL_GUARDED_BY(mu_);  // dir -> entries at its last sync
};

}  // namespace lsm

#endif  // LSM_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_
