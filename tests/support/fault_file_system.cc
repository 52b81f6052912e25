#include "tests/support/fault_file_system.h"

#include <absl/strings/str_format.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <set>

#include "src/io/read_file.h"

namespace lsm {
namespace {

std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

Status PowerCut(const std::string& path) { return Status::IOError(path, "power cut (simulated)"); }

Status Dead(const std::string& path) {
  return Status::IOError(path, "file opened before a simulated power loss");
}

}  // namespace

const char* FaultOpName(FaultOp op) {
  switch (op) {
    case FaultOp::kWrite:
      return "write";
    case FaultOp::kSync:
      return "sync";
    case FaultOp::kRead:
      return "read";
    case FaultOp::kOpen:
      return "open";
    case FaultOp::kRename:
      return "rename";
    case FaultOp::kRemove:
      return "remove";
    case FaultOp::kLink:
      return "link";
  }
  return "?";
}

// A file as the power-loss model sees it (an inode): shared by the live namespace, the
// durable entries of directories and open handles.
struct FaultFileSystem::Node {
  std::string path;  // where it is live now; empty once removed or replaced
  uint64_t written = 0;
  uint64_t synced = 0;
  bool saved = false;  // `contents` holds its bytes from when it left the live namespace
  std::string contents;
};

class FaultFileSystem::WritableHandle final : public WritableFile {
 public:
  WritableHandle(FaultFileSystem* fs, std::string path, std::shared_ptr<Node> node,
                 std::unique_ptr<WritableFile> base)
      : fs_(fs),
        path_(std::move(path)),
        node_(std::move(node)),
        base_(std::move(base)),
        epoch_(fs->epoch_.load()) {
    fs_->open_writables_++;
  }
  ~WritableHandle() override { (void)Close(); }

  Status Append(std::string_view data) override {
    std::shared_lock power(fs_->power_mu_);
    Status s = Alive();
    if (!s.ok()) return s;
    s = fs_->MaybeInject(FaultOp::kWrite, path_);
    if (!s.ok()) {
      // A failed write may still have written part of its data.
      const uint64_t part = data.empty() ? 0 : fs_->RandomLength(data.size() - 1);
      if (part > 0 && base_->Append(data.substr(0, part)).ok()) Wrote(part);
      return s;
    }
    s = base_->Append(data);
    if (s.ok()) Wrote(data.size());
    return s;
  }

  Status Flush() override {
    std::shared_lock power(fs_->power_mu_);
    Status s = Alive(FaultOp::kWrite);
    if (s.ok()) s = base_->Flush();
    return s;
  }

  Status Sync() override {
    std::shared_lock power(fs_->power_mu_);
    Status s = Alive(FaultOp::kSync);
    if (s.ok()) s = base_->Sync();
    if (s.ok()) {
      MutexLock l(&fs_->mu_);
      node_->synced = node_->written;
    }
    return s;
  }

  // Hands buffered bytes (already counted as written) to the base file, even after a power
  // cut: the power-loss image is computed from what was written and synced.
  Status Close() override {
    if (base_ == nullptr) return Status::IOError(path_, "close after close");
    Status s = epoch_ == fs_->epoch_.load() ? base_->Close() : Dead(path_);
    base_.reset();
    fs_->open_writables_--;
    return s;
  }

  uint64_t Size() const override { return base_ == nullptr ? 0 : base_->Size(); }

 private:
  Status Alive(std::optional<FaultOp> op = std::nullopt) {
    if (base_ == nullptr) return Status::IOError(path_, "write after close");
    if (epoch_ != fs_->epoch_.load()) return Dead(path_);
    return fs_->BeginMutation(path_, op);
  }

  void Wrote(uint64_t n) {
    MutexLock l(&fs_->mu_);
    node_->written += n;
  }

  FaultFileSystem* const fs_;
  const std::string path_;
  const std::shared_ptr<Node> node_;
  std::unique_ptr<WritableFile> base_;
  const uint64_t epoch_;
};

// What a read handle checks: that no power loss came after it was opened, and the rules.
class FaultFileSystem::Opened {
 public:
  Opened(FaultFileSystem* fs, std::string path)
      : fs_(fs), path_(std::move(path)), epoch_(fs->epoch_.load()) {}
  Status Alive() const { return epoch_ == fs_->epoch_.load() ? Status::OK() : Dead(path_); }
  Status BeforeRead() const {
    Status s = Alive();
    return s.ok() ? fs_->MaybeInject(FaultOp::kRead, path_) : s;
  }

 private:
  FaultFileSystem* const fs_;
  const std::string path_;
  const uint64_t epoch_;
};

class FaultFileSystem::SequentialHandle final : public SequentialFile {
 public:
  SequentialHandle(FaultFileSystem* fs, std::string path, std::unique_ptr<SequentialFile> base)
      : opened_(fs, std::move(path)), base_(std::move(base)) {}

  Status Read(size_t n, std::string_view* result, char* scratch) override {
    Status s = opened_.BeforeRead();
    return s.ok() ? base_->Read(n, result, scratch) : s;
  }
  Status Skip(uint64_t n) override {
    Status s = opened_.Alive();
    return s.ok() ? base_->Skip(n) : s;
  }

 private:
  const Opened opened_;
  const std::unique_ptr<SequentialFile> base_;
};

class FaultFileSystem::RandomAccessHandle final : public RandomAccessFile {
 public:
  RandomAccessHandle(FaultFileSystem* fs, std::string path, std::unique_ptr<RandomAccessFile> base)
      : opened_(fs, std::move(path)), base_(std::move(base)) {}

  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    Status s = opened_.BeforeRead();
    return s.ok() ? base_->Read(offset, n, result, scratch) : s;
  }
  Status Size(uint64_t* size) const override {
    Status s = opened_.Alive();
    return s.ok() ? base_->Size(size) : s;
  }

 private:
  const Opened opened_;
  const std::unique_ptr<RandomAccessFile> base_;
};

FaultFileSystem::FaultFileSystem(std::shared_ptr<FileSystem> base, uint64_t seed)
    : base_(std::move(base)), rnd_(seed) {}

FaultFileSystem::~FaultFileSystem() = default;

Status FaultFileSystem::BeginMutation(const std::string& path, std::optional<FaultOp> op) {
  if (power_cut_.load()) return PowerCut(path);
  {
    MutexLock l(&mu_);
    if (cut_after_ > 0 && --cut_after_ == 0) {
      power_cut_.store(true);
      return PowerCut(path);
    }
  }
  return op ? MaybeInject(*op, path) : Status::OK();
}

Status FaultFileSystem::MaybeInject(FaultOp op, const std::string& path) {
  FaultError error;
  std::function<void(FaultOp, const std::string&)> hook;
  {
    MutexLock l(&mu_);
    if (!errors_enabled_) return Status::OK();
    Rule& rule = rules_[static_cast<int>(op)];
    if (rule.fail_next > 0 && path.ends_with(rule.next_suffix)) {
      rule.fail_next--;
      error = rule.next_error;
    } else if (rule.one_in > 0 && path.ends_with(rule.suffix) && rnd_.OneIn(rule.one_in)) {
      error = rule.error;
    } else {
      return Status::OK();
    }
    injected_.emplace_back(op, path);
    hook = injection_hook_;
  }
  if (hook) hook(op, path);
  const std::string what = absl::StrFormat(
      "%s: %s (injected)", FaultOpName(op),
      error == FaultError::kNoSpace ? "No space left on device" : "Input/output error");
  return Status::IOError(path, what);
}

uint64_t FaultFileSystem::RandomLength(uint64_t n) {
  MutexLock l(&mu_);
  return rnd_.Uniform(n + 1);
}

void FaultFileSystem::TrackDir(const std::string& dir) {
  if (durable_.contains(dir)) return;
  Image& entries = durable_[dir];
  std::vector<std::string> names;
  if (!base_->GetChildren(dir, &names).ok()) return;
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    uint64_t size = 0;
    std::vector<std::string> children;
    if (!base_->GetFileSize(path, &size).ok() || base_->GetChildren(path, &children).ok()) {
      continue;  // gone, or a directory
    }
    auto node = std::make_shared<Node>();
    node->path = path;
    node->written = node->synced = size;
    live_[path] = node;
    entries[path] = node;
  }
}

std::shared_ptr<FaultFileSystem::Node> FaultFileSystem::LiveNode(const std::string& path) {
  std::shared_ptr<Node>& node = live_[path];
  if (node == nullptr) {
    node = std::make_shared<Node>();
    node->path = path;
  }
  return node;
}

void FaultFileSystem::SaveIfDurable(const std::shared_ptr<Node>& node) {
  if (node->saved) return;
  for (const auto& [dir, entries] : durable_) {
    for (const auto& [path, durable] : entries) {
      if (durable == node) {
        node->saved = ReadBase(node->path, &node->contents).ok();
        return;
      }
    }
  }
}

Status FaultFileSystem::ReadBase(const std::string& path, std::string* contents) {
  return ReadFileToString(base_.get(), path, contents);
}

Status FaultFileSystem::WriteBase(const std::string& path, const std::string& contents) {
  std::unique_ptr<WritableFile> file;
  Status s = base_->NewWritableFile(path, &file);
  if (s.ok()) s = file->Append(contents);
  if (s.ok()) s = file->Sync();
  if (s.ok()) s = file->Close();
  return s;
}

Status FaultFileSystem::OpenWritable(const std::string& path, bool truncate, bool direct,
                                     std::unique_ptr<WritableFile>* file) {
  std::shared_lock power(power_mu_);
  Status s = BeginMutation(path, FaultOp::kOpen);
  if (!s.ok()) return s;
  {
    MutexLock l(&mu_);
    TrackDir(DirName(path));
  }
  std::unique_ptr<WritableFile> base;
  s = direct     ? base_->NewDirectWritableFile(path, &base)
      : truncate ? base_->NewWritableFile(path, &base)
                 : base_->NewAppendableFile(path, &base);
  if (!s.ok()) return s;
  std::shared_ptr<Node> node;
  {
    MutexLock l(&mu_);
    node = LiveNode(path);
    if (truncate) node->written = node->synced = 0;
  }
  *file = std::make_unique<WritableHandle>(this, path, std::move(node), std::move(base));
  return Status::OK();
}

Status FaultFileSystem::NewWritableFile(const std::string& path,
                                        std::unique_ptr<WritableFile>* file) {
  return OpenWritable(path, /*truncate=*/true, /*direct=*/false, file);
}

Status FaultFileSystem::NewDirectWritableFile(const std::string& path,
                                              std::unique_ptr<WritableFile>* file) {
  return OpenWritable(path, /*truncate=*/true, /*direct=*/true, file);
}

Status FaultFileSystem::NewAppendableFile(const std::string& path,
                                          std::unique_ptr<WritableFile>* file) {
  return OpenWritable(path, /*truncate=*/false, /*direct=*/false, file);
}

Status FaultFileSystem::NewSequentialFile(const std::string& path,
                                          std::unique_ptr<SequentialFile>* file) {
  Status s = MaybeInject(FaultOp::kOpen, path);
  if (!s.ok()) return s;
  std::unique_ptr<SequentialFile> base;
  s = base_->NewSequentialFile(path, &base);
  if (s.ok()) *file = std::make_unique<SequentialHandle>(this, path, std::move(base));
  return s;
}

Status FaultFileSystem::OpenRandomAccess(const std::string& path, RandomAccess how,
                                         std::unique_ptr<RandomAccessFile>* file) {
  Status s = MaybeInject(FaultOp::kOpen, path);
  if (!s.ok()) return s;
  std::unique_ptr<RandomAccessFile> base;
  switch (how) {
    case RandomAccess::kMaybeMapped:
      s = base_->NewRandomAccessFile(path, &base);
      break;
    case RandomAccess::kUnmapped:
      s = base_->NewUnmappedRandomAccessFile(path, &base);
      break;
    case RandomAccess::kDirect:
      s = base_->NewDirectRandomAccessFile(path, &base);
      break;
  }
  if (s.ok()) *file = std::make_unique<RandomAccessHandle>(this, path, std::move(base));
  return s;
}

Status FaultFileSystem::NewRandomAccessFile(const std::string& path,
                                            std::unique_ptr<RandomAccessFile>* file) {
  return OpenRandomAccess(path, RandomAccess::kMaybeMapped, file);
}

Status FaultFileSystem::NewUnmappedRandomAccessFile(const std::string& path,
                                                    std::unique_ptr<RandomAccessFile>* file) {
  return OpenRandomAccess(path, RandomAccess::kUnmapped, file);
}

Status FaultFileSystem::NewDirectRandomAccessFile(const std::string& path,
                                                  std::unique_ptr<RandomAccessFile>* file) {
  return OpenRandomAccess(path, RandomAccess::kDirect, file);
}

Status FaultFileSystem::FileExists(const std::string& path) {
  Status s = MaybeInject(FaultOp::kRead, path);
  return s.ok() ? base_->FileExists(path) : s;
}

Status FaultFileSystem::GetChildren(const std::string& dir, std::vector<std::string>* names) {
  Status s = MaybeInject(FaultOp::kRead, dir);
  return s.ok() ? base_->GetChildren(dir, names) : s;
}

Status FaultFileSystem::GetFileSize(const std::string& path, uint64_t* size) {
  Status s = MaybeInject(FaultOp::kRead, path);
  return s.ok() ? base_->GetFileSize(path, size) : s;
}

Status FaultFileSystem::RemoveFile(const std::string& path) {
  std::shared_lock power(power_mu_);
  Status s = BeginMutation(path, FaultOp::kRemove);
  if (!s.ok()) return s;
  {
    MutexLock l(&mu_);
    TrackDir(DirName(path));
    if (auto it = live_.find(path); it != live_.end()) SaveIfDurable(it->second);
  }
  s = base_->RemoveFile(path);
  if (s.ok()) {
    MutexLock l(&mu_);
    if (auto it = live_.find(path); it != live_.end()) {
      it->second->path.clear();
      live_.erase(it);
    }
  }
  return s;
}

Status FaultFileSystem::RenameFile(const std::string& from, const std::string& to) {
  std::shared_lock power(power_mu_);
  Status s = BeginMutation(from, FaultOp::kRename);
  if (!s.ok()) return s;
  std::vector<std::string> names;
  const bool dir = base_->GetChildren(from, &names).ok();
  {
    MutexLock l(&mu_);
    TrackDir(DirName(from));
    TrackDir(DirName(to));
    if (auto it = live_.find(to); it != live_.end() && from != to) SaveIfDurable(it->second);
  }
  s = base_->RenameFile(from, to);
  if (s.ok() && from != to) {
    MutexLock l(&mu_);
    if (dir) MoveTree(from, to);
    if (dir && !live_.contains(from)) return s;
    std::shared_ptr<Node> node = LiveNode(from);
    live_.erase(from);
    if (auto it = live_.find(to); it != live_.end()) it->second->path.clear();
    node->path = to;
    live_[to] = std::move(node);
  }
  return s;
}

void FaultFileSystem::MoveTree(const std::string& from, const std::string& to) {
  const std::string prefix = from + "/";
  auto moved = [&](const std::string& path) { return to + path.substr(from.size()); };
  Image live;
  for (auto it = live_.lower_bound(prefix); it != live_.end() && it->first.starts_with(prefix);) {
    it->second->path = moved(it->first);
    live[it->second->path] = std::move(it->second);
    it = live_.erase(it);
  }
  live_.merge(live);
  std::map<std::string, Image> durable;
  for (auto it = durable_.begin(); it != durable_.end();) {
    if (it->first != from && !it->first.starts_with(prefix)) {
      ++it;
      continue;
    }
    Image& entries = durable[moved(it->first)];
    for (auto& [path, node] : it->second) entries[moved(path)] = std::move(node);
    it = durable_.erase(it);
  }
  durable_.merge(durable);
}

Status FaultFileSystem::LinkFile(const std::string& from, const std::string& to) {
  std::shared_lock power(power_mu_);
  Status s = BeginMutation(to, FaultOp::kLink);
  if (!s.ok()) return s;
  {
    MutexLock l(&mu_);
    TrackDir(DirName(from));
    TrackDir(DirName(to));
  }
  s = base_->LinkFile(from, to);
  if (s.ok()) {
    MutexLock l(&mu_);
    const std::shared_ptr<Node> file = LiveNode(from);
    std::shared_ptr<Node> link = LiveNode(to);
    link->written = file->written;
    link->synced = file->synced;
  }
  return s;
}

Status FaultFileSystem::CreateDirIfMissing(const std::string& dir) {
  std::shared_lock power(power_mu_);
  Status s = BeginMutation(dir, std::nullopt);
  return s.ok() ? base_->CreateDirIfMissing(dir) : s;
}

Status FaultFileSystem::RemoveDir(const std::string& dir) {
  std::shared_lock power(power_mu_);
  Status s = BeginMutation(dir, std::nullopt);
  return s.ok() ? base_->RemoveDir(dir) : s;
}

Status FaultFileSystem::SyncDir(const std::string& dir) {
  std::shared_lock power(power_mu_);
  Status s = BeginMutation(dir, FaultOp::kSync);
  if (!s.ok()) return s;
  {
    MutexLock l(&mu_);
    TrackDir(dir);
  }
  s = base_->SyncDir(dir);
  if (s.ok()) {
    MutexLock l(&mu_);
    Image& entries = durable_[dir];
    entries.clear();
    const std::string prefix = dir + "/";
    for (auto it = live_.lower_bound(prefix); it != live_.end() && it->first.starts_with(prefix);
         ++it) {
      if (it->first.find('/', prefix.size()) == std::string::npos) entries.insert(*it);
    }
  }
  return s;
}

Status FaultFileSystem::LockFile(const std::string& path, std::unique_ptr<FileLock>* lock) {
  std::shared_lock power(power_mu_);
  Status s = BeginMutation(path, FaultOp::kOpen);
  if (!s.ok()) return s;
  {
    MutexLock l(&mu_);
    TrackDir(DirName(path));
  }
  s = base_->LockFile(path, lock);
  if (s.ok()) {
    MutexLock l(&mu_);
    (void)LiveNode(path);
  }
  return s;
}

void FaultFileSystem::SetErrorRate(FaultOp op, uint64_t one_in, FaultError error,
                                   std::string suffix) {
  MutexLock l(&mu_);
  rules_[static_cast<int>(op)].one_in = one_in;
  rules_[static_cast<int>(op)].error = error;
  rules_[static_cast<int>(op)].suffix = std::move(suffix);
}

void FaultFileSystem::FailNext(FaultOp op, int n, FaultError error, std::string suffix) {
  MutexLock l(&mu_);
  rules_[static_cast<int>(op)].fail_next = n;
  rules_[static_cast<int>(op)].next_error = error;
  rules_[static_cast<int>(op)].next_suffix = std::move(suffix);
}

void FaultFileSystem::SetErrorsEnabled(bool enabled) {
  MutexLock l(&mu_);
  errors_enabled_ = enabled;
}

void FaultFileSystem::ClearErrorRules() {
  MutexLock l(&mu_);
  rules_ = {};
}

void FaultFileSystem::SetInjectionHook(std::function<void(FaultOp, const std::string&)> hook) {
  MutexLock l(&mu_);
  injection_hook_ = std::move(hook);
}

uint64_t FaultFileSystem::InjectedErrors(FaultOp op, std::string_view suffix) const {
  MutexLock l(&mu_);
  return std::count_if(injected_.begin(), injected_.end(),
                       [&](const auto& e) { return e.first == op && e.second.ends_with(suffix); });
}

uint64_t FaultFileSystem::TotalInjectedErrors() const {
  MutexLock l(&mu_);
  return injected_.size();
}

void FaultFileSystem::CutPower() {
  std::unique_lock power(power_mu_);
  power_cut_.store(true);
}

void FaultFileSystem::CutPowerAfter(uint64_t n) {
  MutexLock l(&mu_);
  cut_after_ = n;
}

uint64_t FaultFileSystem::power_losses() const { return epoch_.load(); }

Status FaultFileSystem::SimulatePowerLoss(const PowerLossOptions& options) {
  std::unique_lock power(power_mu_);
  power_cut_.store(true);
  MutexLock l(&mu_);
  if (open_writables_.load() > 0) {
    return Status::InvalidArgument(
        "SimulatePowerLoss",
        absl::StrFormat("%d writable files are still open", open_writables_.load()));
  }
  // What each directory holds after the power loss, and which of those files are already on
  // the disk as they must be.
  std::map<std::string, std::string> image;
  std::set<std::string> unchanged;
  for (const auto& [dir, entries] : durable_) {
    for (const auto& [path, node] : entries) {
      std::string contents;
      if (node->saved) {
        contents = node->contents;
      } else if (!node->path.empty()) {
        Status s = ReadBase(node->path, &contents);
        if (!s.ok()) return s.WithContext("SimulatePowerLoss");
      }
      const uint64_t size = contents.size();
      uint64_t keep = std::min<uint64_t>(node->synced, size);
      if (options.keep_random_prefix) keep += rnd_.Uniform(size - keep + 1);
      std::string bytes = contents.substr(0, keep);
      switch (options.tail) {
        case PowerLossTail::kTruncate:
          break;
        case PowerLossTail::kZeroFill:
          bytes.append(size - keep, '\0');
          break;
        case PowerLossTail::kGarbageFill:
          bytes += rnd_.Bytes(size - keep);
          break;
      }
      if (node->path == path && bytes == contents) unchanged.insert(path);
      image[path] = std::move(bytes);
    }
  }
  for (const auto& [path, node] : live_) {
    if (!image.contains(path)) {
      Status s = base_->RemoveFile(path);
      if (!s.ok()) return s.WithContext("SimulatePowerLoss");
    }
  }
  for (const auto& [path, bytes] : image) {
    if (unchanged.contains(path)) continue;
    Status s = WriteBase(path, bytes);
    if (!s.ok()) return s.WithContext("SimulatePowerLoss");
  }
  // The disk now is what survived: all of it durable.
  live_.clear();
  for (auto& [dir, entries] : durable_) entries.clear();
  for (const auto& [path, bytes] : image) {
    auto node = std::make_shared<Node>();
    node->path = path;
    node->written = node->synced = bytes.size();
    live_[path] = node;
    durable_[DirName(path)][path] = std::move(node);
  }
  epoch_++;
  cut_after_ = 0;
  power_cut_.store(false);
  return Status::OK();
}

}  // namespace lsm
