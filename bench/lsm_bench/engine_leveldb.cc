// The LevelDB adapter. Option mapping: --compression_type none|snappy (LevelDB has no other),
// --bloom_bits -> NewBloomFilterPolicy, --cache_size -> NewLRUCache (0 caches nothing),
// --write_buffer_size, --block_size, --open_files -> max_open_files, --sync, --verify_checksum.
// LevelDB cannot skip its log, so --disable_wal is refused.
//
// LevelDB has no public flush: Flush() calls CompactRange on a one-key range above every key
// the benchmark writes, which flushes the memtable (CompactRange always does) and compacts
// nothing. It cannot report pending compactions either, so WaitForCompaction() is NotSupported.
#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>

#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "bench/lsm_bench/engine.h"

namespace lsm::bench {
namespace {

lsm::Status FromLevelDB(const leveldb::Status& s) {
  if (s.ok()) return lsm::Status::OK();
  const std::string msg = s.ToString();
  if (s.IsNotFound()) return lsm::Status::NotFound(msg);
  if (s.IsCorruption()) return lsm::Status::Corruption(msg);
  if (s.IsNotSupportedError()) return lsm::Status::NotSupported(msg);
  if (s.IsInvalidArgument()) return lsm::Status::InvalidArgument(msg);
  return lsm::Status::IOError(msg);
}

leveldb::Slice ToSlice(std::string_view s) { return leveldb::Slice(s.data(), s.size()); }
std::string_view ToView(const leveldb::Slice& s) { return std::string_view(s.data(), s.size()); }

class LevelDBBatch final : public EngineBatch {
 public:
  void Put(std::string_view key, std::string_view value) override {
    batch_.Put(ToSlice(key), ToSlice(value));
  }
  void Delete(std::string_view key) override { batch_.Delete(ToSlice(key)); }
  void Clear() override { batch_.Clear(); }
  leveldb::WriteBatch* rep() { return &batch_; }

 private:
  leveldb::WriteBatch batch_;
};

class LevelDBIterator final : public EngineIterator {
 public:
  explicit LevelDBIterator(leveldb::Iterator* it) : it_(it) {}
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void Seek(std::string_view target) override { it_->Seek(ToSlice(target)); }
  void Next() override { it_->Next(); }
  std::string_view key() const override { return ToView(it_->key()); }
  std::string_view value() const override { return ToView(it_->value()); }
  lsm::Status status() const override { return FromLevelDB(it_->status()); }

 private:
  std::unique_ptr<leveldb::Iterator> it_;
};

class LevelDBEngine final : public Engine {
 public:
  ~LevelDBEngine() override { (void)Close(); }

  std::string_view name() const override { return "leveldb"; }
  std::string_view display_name() const override { return "LevelDB"; }
  std::string Version() const override {
    return absl::StrFormat("%d.%d", leveldb::kMajorVersion, leveldb::kMinorVersion);
  }
  std::string_view stats_property() const override { return "leveldb.stats"; }

  lsm::Status CheckOptions(const EngineOptions& options) const override {
    if (options.disable_wal) {
      return lsm::Status::InvalidArgument(
          "--disable_wal: not supported by --engine=leveldb (LevelDB always writes its log)");
    }
    if (options.compression != Compression::kNone && options.compression != Compression::kSnappy) {
      return lsm::Status::InvalidArgument(
          absl::StrFormat("--compression_type=%s: not supported by --engine=leveldb "
                          "(LevelDB supports none and snappy)",
                          CompressionName(options.compression)));
    }
    return lsm::Status::OK();
  }

  lsm::Status Open(const EngineOptions& options) override {
    lsm::Status s = CheckOptions(options);
    if (!s.ok()) return s;
    leveldb::Options lo;
    lo.create_if_missing = options.create_if_missing;
    lo.write_buffer_size = options.write_buffer_size;
    lo.block_size = options.block_size;
    lo.max_open_files = options.open_files;
    lo.compression = options.compression == Compression::kSnappy ? leveldb::kSnappyCompression
                                                                 : leveldb::kNoCompression;
    cache_.reset(leveldb::NewLRUCache(options.cache_size));
    lo.block_cache = cache_.get();
    if (options.bloom_bits > 0) {
      filter_.reset(leveldb::NewBloomFilterPolicy(options.bloom_bits));
      lo.filter_policy = filter_.get();
    }
    write_options_.sync = options.sync;
    read_options_.verify_checksums = options.verify_checksum;
    leveldb::DB* db = nullptr;
    s = FromLevelDB(leveldb::DB::Open(lo, options.path, &db));
    db_.reset(db);
    return s;
  }

  lsm::Status Close() override {
    db_.reset();
    filter_.reset();
    cache_.reset();
    return lsm::Status::OK();
  }

  lsm::Status Destroy(const std::string& path) override {
    return FromLevelDB(leveldb::DestroyDB(path, leveldb::Options()));
  }

  lsm::Status Put(std::string_view key, std::string_view value) override {
    return FromLevelDB(db_->Put(write_options_, ToSlice(key), ToSlice(value)));
  }
  lsm::Status Delete(std::string_view key) override {
    return FromLevelDB(db_->Delete(write_options_, ToSlice(key)));
  }
  std::unique_ptr<EngineBatch> NewBatch() override { return std::make_unique<LevelDBBatch>(); }
  lsm::Status Write(EngineBatch* batch) override {
    return FromLevelDB(db_->Write(write_options_, static_cast<LevelDBBatch*>(batch)->rep()));
  }
  lsm::Status Get(std::string_view key, std::string* value) override {
    return FromLevelDB(db_->Get(read_options_, ToSlice(key), value));
  }
  std::unique_ptr<EngineIterator> NewIterator() override {
    return std::make_unique<LevelDBIterator>(db_->NewIterator(read_options_));
  }

  lsm::Status Flush() override {
    // Keys of the benchmark are digits, so this range holds none of them.
    const std::string key(16, '\xff');
    const leveldb::Slice begin(key);
    db_->CompactRange(&begin, &begin);
    return lsm::Status::OK();
  }
  lsm::Status WaitForCompaction() override {
    return lsm::Status::NotSupported("no-op: leveldb cannot report pending compactions");
  }
  bool GetProperty(std::string_view property, std::string* value) override {
    return db_->GetProperty(ToSlice(property), value);
  }

 private:
  std::unique_ptr<leveldb::Cache> cache_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::DB> db_;
  leveldb::WriteOptions write_options_;
  leveldb::ReadOptions read_options_;
};

}  // namespace

std::unique_ptr<Engine> NewLevelDBEngine() { return std::make_unique<LevelDBEngine>(); }

}  // namespace lsm::bench
