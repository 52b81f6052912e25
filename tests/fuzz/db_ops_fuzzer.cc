// The input as a sequence of database operations, checked against a std::map model: Put,
// Delete, WriteBatch, Get, iterator walks (seeks, steps both ways, bounds, an iterator kept open
// across writes, flushes and compactions), snapshots taken, read and released, Flush,
// CompactRange and close + reopen, on an in-memory file system with tiny tables and levels.
// Two column families, the default one and "side", each with its own model: an op switches
// which one later ops act on, batch records may go to the other, and "side" is dropped and
// created again.
// The first two bytes choose the options (compaction style, compression, comparator, ...).
// Every read must equal the model; a snapshot's reads equal the model copy of its moment.
// A mismatch prints what differed and aborts. The input format is in db_ops_input.h.

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "lsm/compaction_filter.h"
#include "lsm/comparator.h"
#include "lsm/db.h"
#include "lsm/merge_operator.h"
#include "tests/fuzz/db_ops_input.h"
#include "tests/support/mem_file_system.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

constexpr int kMaxOps = 400;
constexpr int kMaxReopens = 8;
constexpr int kMaxFlushes = 24;  // Flush and CompactRange together
constexpr size_t kMaxSnapshots = 4;
constexpr int kMaxIteratorSteps = 32;
constexpr int kMaxBatch = 8;
constexpr char kDBName[] = "/db";

[[noreturn]] __attribute__((format(printf, 1, 2))) void Fail(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::fprintf(stderr, "db_ops_fuzzer: ");
  std::vfprintf(stderr, format, args);
  std::fprintf(stderr, "\n");
  va_end(args);
  std::abort();
}

void CheckOk(const Status& s, const char* what) {
  if (!s.ok()) Fail("%s: %s", what, s.ToString().c_str());
}

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }

 private:
  const uint8_t* const data_;
  const size_t size_;
  size_t pos_ = 0;
};

struct UserLess {
  const Comparator* cmp = nullptr;
  bool operator()(const std::string& a, const std::string& b) const {
    return cmp->Compare(a, b) < 0;
  }
};
using Model = std::map<std::string, std::string, UserLess>;

// Rewrites the values of odd-length keys to themselves: exercises the filter's change path
// without changing what any read returns.
class SameValueFilter final : public CompactionFilter {
 public:
  Decision Filter(int /*level*/, std::string_view key, std::string_view existing_value,
                  std::string* new_value) const override {
    if (key.size() % 2 == 0) return Decision::kKeep;
    new_value->assign(existing_value);
    return Decision::kChangeValue;
  }
  const char* Name() const override { return "fuzz.SameValue"; }
};

const SameValueFilter* TheFilter() {
  static const auto* const kFilter = new SameValueFilter;
  return kFilter;
}

Options DecodeOptions(Input* in, std::shared_ptr<FileSystem> fs) {
  const uint8_t a = in->Byte(), b = in->Byte();
  Options o;
  o.create_if_missing = true;
  o.file_system = std::move(fs);
  // The smallest sizes allowed, so that flushes and compactions run through several levels.
  o.write_buffer_size = 64 << 10;
  o.max_bytes_for_level_base = 64 << 10;
  o.target_file_size_base = 64 << 10;
  static constexpr CompactionStyle kStyles[] = {CompactionStyle::kLevel,
                                                CompactionStyle::kUniversal, CompactionStyle::kFIFO,
                                                CompactionStyle::kLevel};
  o.compaction_style = kStyles[a & 3];
  // FIFO deletes the oldest tables past its size limit, which the data here never reaches;
  // it merges small tables instead.
  o.compaction_options_fifo.allow_compaction = true;
  static constexpr CompressionType kCodecs[] = {CompressionType::kNone, CompressionType::kLZ4,
                                                CompressionType::kZstd, CompressionType::kLZ4};
  o.compression = kCodecs[(a >> 2) & 3];
  if (a & 0x10) o.comparator = ReverseBytewiseComparator();
  o.level_compaction_dynamic_level_bytes = (a & 0x20) != 0;
  o.bloom_bits_per_key = (a & 0x40) ? 10 : 0;
  if (a & 0x80) o.compaction_filter = TheFilter();

  o.level0_file_num_compaction_trigger = 1 + (b & 3);
  static constexpr size_t kBlockSizes[] = {256, 512, 1024, 4096};
  o.block_size = kBlockSizes[(b >> 2) & 3];
  static constexpr int kRestarts[] = {1, 2, 4, 16};
  o.block_restart_interval = kRestarts[(b >> 4) & 3];
  o.max_background_jobs = (b & 0x40) ? 3 : 2;
  if (b & 0x80) {
    o.block_cache_bytes = 0;
    o.max_open_files = 16;
  }
  return o;
}

// A walk of an iterator and of the model view it must show, step by step.
struct Walk {
  std::unique_ptr<Iterator> it;
  Model model;  // what the iterator shows: the view of its moment within its bounds
  Model::const_iterator pos;
  std::string lower, upper;  // owned bounds, pointed to by the read options
  std::string_view lower_view, upper_view;
};

class Runner {
 public:
  Runner(const uint8_t* data, size_t size) : in_(data, size) {
    options_ = DecodeOptions(&in_, std::make_shared<MemFileSystem>());
    cmp_ = options_.comparator != nullptr ? options_.comparator : BytewiseComparator();
    models_ = {Model(UserLess{cmp_}), Model(UserLess{cmp_})};
    options_.merge_operator = MergeOperators::CreateStringAppendOperator(',');
  }

  void Run() {
    Open();
    for (int op = 0; op < kMaxOps && !in_.empty(); op++) Step();
    CheckAll("end");
    Close();
  }

 private:
  std::string NextKey() {
    const uint8_t b = in_.Byte();
    if (b < kRawKey) return DBOpsKey(b);
    std::string key;
    for (int n = (b - kRawKey) % 4 + 1; n > 0; n--) key.push_back(static_cast<char>(in_.Byte()));
    return key;
  }

  // Values are unique (a counter), so a stale version never passes for the current one.
  std::string NextValue() {
    const uint8_t b = in_.Byte();
    const uint64_t id = ++value_counter_;
    if (b < kLargeValue && b % 16 == 0) return "";
    std::string v = std::to_string(id) + ":";
    const size_t len = b < kLargeValue ? b % 16 : size_t{b - kLargeValue + 1u} * 512;
    // Half compressible, half not, so that both raw and compressed blocks are written.
    uint64_t x = id * 0x9e3779b97f4a7c15ULL;
    while (v.size() < len) {
      if (v.size() < len / 2) {
        v.push_back(static_cast<char>('a' + id % 26));
      } else {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        v.push_back(static_cast<char>(x >> 56));
      }
    }
    return v;
  }

  // Two keys ordered by the comparator.
  // As the string-append operator merges.
  static void ModelMerge(Model* model, const std::string& k, const std::string& operand) {
    auto it = model->find(k);
    if (it == model->end()) {
      model->emplace(k, operand);
    } else {
      it->second.append(",").append(operand);
    }
  }

  std::pair<std::string, std::string> NextRange() {
    std::string a = NextKey(), b = NextKey();
    if (cmp_->Compare(a, b) > 0) std::swap(a, b);
    return {std::move(a), std::move(b)};
  }

  void Step() {
    const int op = in_.Byte() % kNumDBOps;
    Model& model = models_[cf_];
    ColumnFamilyHandle* cf = handles_[cf_];
    switch (op) {
      case kOpPut:
      case kOpPut2:
      case kOpPut3: {
        const std::string k = NextKey(), v = NextValue();
        CheckOk(db_->Put(WriteOptions(), cf, k, v), "Put");
        model[k] = v;
        break;
      }
      case kOpDelete: {
        const std::string k = NextKey();
        CheckOk(db_->Delete(WriteOptions(), cf, k), "Delete");
        model.erase(k);
        break;
      }
      case kOpDeleteRange: {
        const auto [begin, end] = NextRange();
        CheckOk(db_->DeleteRange(WriteOptions(), cf, begin, end), "DeleteRange");
        model.erase(model.lower_bound(begin), model.lower_bound(end));
        break;
      }
      case kOpMerge: {
        const std::string k = NextKey(), v = NextValue();
        CheckOk(db_->Merge(WriteOptions(), cf, k, v), "Merge");
        ModelMerge(&model, k, v);
        break;
      }
      case kOpWriteBatch: {
        const uint8_t n = in_.Byte();
        WriteBatch batch;
        std::array<Model, 2> after = models_;
        for (int i = 0; i < n % (kMaxBatch + 1); i++) {
          const std::string k = NextKey();
          const uint8_t byte = in_.Byte();
          const uint8_t kind = byte % 3;
          const int f = (byte / 3) % 2 == 0 ? cf_ : 1 - cf_;
          if (kind == 0) {
            batch.Delete(handles_[f], k);
            after[f].erase(k);
          } else if (kind == 1) {
            const std::string v = NextValue();
            batch.Merge(handles_[f], k, v);
            ModelMerge(&after[f], k, v);
          } else {
            const std::string v = NextValue();
            batch.Put(handles_[f], k, v);
            after[f][k] = v;
          }
        }
        CheckOk(db_->Write(WriteOptions{.sync = (n & 0x80) != 0}, &batch), "Write");
        models_ = std::move(after);
        break;
      }
      case kOpGet:
      case kOpGet2:
        CheckGet(cf, NextKey(), nullptr, model);
        break;
      case kOpIterate:
      case kOpIterateBounded: {
        Walk w;
        Start(&w, nullptr, cf, model, /*bounded=*/op == kOpIterateBounded);
        Steps(&w);
        break;
      }
      case kOpOpenIterator:
        live_ = std::make_unique<Walk>();
        Start(live_.get(), nullptr, cf, model, /*bounded=*/in_.Byte() % 2 == 1);
        Steps(live_.get());
        break;
      case kOpStepIterator:
        if (live_ != nullptr) Steps(live_.get());
        break;
      case kOpTakeSnapshot:
        if (snapshots_.size() < kMaxSnapshots) snapshots_.emplace_back(db_->GetSnapshot(), models_);
        break;
      case kOpReleaseSnapshot:
        if (!snapshots_.empty()) {
          const size_t i = in_.Byte() % snapshots_.size();
          db_->ReleaseSnapshot(snapshots_[i].first);
          snapshots_.erase(snapshots_.begin() + static_cast<std::ptrdiff_t>(i));
        }
        break;
      case kOpReadSnapshot:
        if (!snapshots_.empty()) {
          const auto& [snap, models] = snapshots_[in_.Byte() % snapshots_.size()];
          if (in_.Byte() % 2 == 0) {
            CheckGet(cf, NextKey(), snap, models[cf_]);
          } else {
            Walk w;
            Start(&w, snap, cf, models[cf_], /*bounded=*/false);
            Steps(&w);
          }
        }
        break;
      case kOpFlush:
        if (flushes_++ < kMaxFlushes) CheckOk(db_->Flush(), "Flush");
        break;
      case kOpCompactRange: {
        const uint8_t shape = in_.Byte();
        const auto [a, b] = NextRange();
        if (flushes_++ >= kMaxFlushes) break;
        const std::string_view begin = a, end = b;
        CheckOk(db_->CompactRange(cf, (shape & 1) ? nullptr : &begin, (shape & 2) ? nullptr : &end),
                "CompactRange");
        break;
      }
      case kOpReopen:
        if (reopens_++ < kMaxReopens) {
          Close();
          Open();
          CheckAll("after reopen");
        }
        break;
      case kOpColumnFamily:
        cf_ = in_.Byte() % 2;
        break;
      case kOpRecreateFamily: {
        CheckOk(db_->DropColumnFamily(handles_[1]), "DropColumnFamily");
        std::string value;
        if (!db_->Get(ReadOptions(), handles_[1], "a", &value).IsInvalidArgument()) {
          Fail("a read of a dropped family did not fail with InvalidArgument");
        }
        CheckOk(db_->CreateColumnFamily(options_, "side", &handles_[1]), "CreateColumnFamily");
        models_[1].clear();
        for (auto& [snap, models] : snapshots_) models[1].clear();
        break;
      }
      default:
        break;
    }
  }

  void Open() {
    options_.create_missing_column_families = true;
    std::vector<ColumnFamilyHandle*> handles;
    const Status s =
        DB::Open(options_, kDBName, {{kDefaultColumnFamilyName, options_}, {"side", options_}},
                 &handles, &db_);
    if (!s.ok()) Fail("Open: %s", s.ToString().c_str());
    handles_ = {handles[0], handles[1]};
  }

  void Close() {
    live_.reset();
    for (auto& [snap, model] : snapshots_) db_->ReleaseSnapshot(snap);
    snapshots_.clear();
    CheckOk(db_->Close(), "Close");
    db_.reset();
  }

  void CheckGet(ColumnFamilyHandle* cf, const std::string& key, const Snapshot* snap,
                const Model& model) {
    ReadOptions ro;
    ro.snapshot = snap;
    std::string value;
    const Status s = db_->Get(ro, cf, key, &value);
    const auto it = model.find(key);
    if (it == model.end()) {
      if (!s.IsNotFound()) {
        Fail("Get '%s'%s: want NotFound, got %s (value '%s')", Printable(key, 40).c_str(),
             snap ? " at a snapshot" : "", s.ToString().c_str(), Printable(value, 40).c_str());
      }
    } else if (!s.ok() || value != it->second) {
      Fail("Get '%s'%s: want '%s', got %s '%s'", Printable(key, 40).c_str(),
           snap ? " at a snapshot" : "", Printable(it->second, 40).c_str(), s.ToString().c_str(),
           Printable(value, 40).c_str());
    }
  }

  // A new iterator of `model` (as of `snap`), bounded by two keys of the input if `bounded`.
  void Start(Walk* w, const Snapshot* snap, ColumnFamilyHandle* cf, const Model& model,
             bool bounded) {
    ReadOptions ro;
    ro.snapshot = snap;
    w->model = Model(UserLess{cmp_});
    if (bounded) {
      const uint8_t shape = in_.Byte();
      std::tie(w->lower, w->upper) = NextRange();
      w->lower_view = w->lower;
      w->upper_view = w->upper;
      if ((shape & 1) == 0) ro.iterate_lower_bound = &w->lower_view;
      if ((shape & 2) == 0) ro.iterate_upper_bound = &w->upper_view;
      for (const auto& [k, v] : model) {
        if (ro.iterate_lower_bound != nullptr && cmp_->Compare(k, w->lower) < 0) continue;
        if (ro.iterate_upper_bound != nullptr && cmp_->Compare(k, w->upper) >= 0) continue;
        w->model.emplace(k, v);
      }
    } else {
      w->model = model;
    }
    w->it = db_->NewIterator(ro, cf);
    w->pos = w->model.end();
    Check(*w, "new iterator");
  }

  // Steps of a walk from the input; each is checked against the model.
  void Steps(Walk* w) {
    const Model& m = w->model;
    const int steps = in_.Byte() % (kMaxIteratorSteps + 1);
    for (int i = 0; i < steps; i++) {
      const uint8_t kind = in_.Byte() % 8;
      const bool valid = w->pos != m.end();
      if (kind < 3 && valid) {
        w->it->Next();
        ++w->pos;
        Check(*w, "Next");
      } else if (kind < 5 && valid) {
        w->it->Prev();
        w->pos = w->pos == m.begin() ? m.end() : std::prev(w->pos);
        Check(*w, "Prev");
      } else if (kind == 5 || kind == 0) {
        const std::string target = NextKey();
        w->it->Seek(target);
        w->pos = m.lower_bound(target);
        Check(*w, "Seek");
      } else if (kind == 6 || kind == 3) {
        const std::string target = NextKey();
        w->it->SeekForPrev(target);
        w->pos = m.upper_bound(target);
        w->pos = w->pos == m.begin() ? m.end() : std::prev(w->pos);
        Check(*w, "SeekForPrev");
      } else if (kind == 7 || kind == 1) {
        w->it->SeekToFirst();
        w->pos = m.begin();
        Check(*w, "SeekToFirst");
      } else {
        w->it->SeekToLast();
        w->pos = m.empty() ? m.end() : std::prev(m.end());
        Check(*w, "SeekToLast");
      }
    }
  }

  void Check(const Walk& w, const char* step) {
    const Iterator& it = *w.it;
    if (!it.status().ok()) Fail("iterator %s: %s", step, it.status().ToString().c_str());
    const bool want = w.pos != w.model.end();
    if (it.Valid() != want) {
      Fail("iterator %s: want %s, got %s", step,
           want ? ("'" + Printable(w.pos->first, 40) + "'").c_str() : "the end",
           it.Valid() ? ("'" + Printable(it.key(), 40) + "'").c_str() : "the end");
    }
    if (!want) return;
    if (it.key() != w.pos->first || it.value() != w.pos->second) {
      Fail("iterator %s: want '%s' = '%s', got '%s' = '%s'", step,
           Printable(w.pos->first, 40).c_str(), Printable(w.pos->second, 40).c_str(),
           Printable(it.key(), 40).c_str(), Printable(it.value(), 40).c_str());
    }
  }

  // A full scan of each family in both directions equals its model.
  void CheckAll(const char* when) {
    for (int f = 0; f < 2; f++) CheckFamily(f, when);
  }

  void CheckFamily(int f, const char* when) {
    Walk w;
    w.it = db_->NewIterator(ReadOptions(), handles_[f]);
    w.model = models_[f];
    w.it->SeekToFirst();
    for (w.pos = w.model.begin();; ++w.pos) {
      Check(w, when);
      if (w.pos == w.model.end()) break;
      w.it->Next();
    }
    w.it->SeekToLast();
    for (auto r = w.model.rbegin();; ++r) {
      w.pos = r == w.model.rend() ? w.model.end() : std::prev(r.base());
      Check(w, when);
      if (r == w.model.rend()) break;
      w.it->Prev();
    }
  }

  Input in_;
  Options options_;
  const Comparator* cmp_ = nullptr;
  std::unique_ptr<DB> db_;
  std::array<ColumnFamilyHandle*, 2> handles_{};  // the default family, "side"
  std::array<Model, 2> models_{Model(UserLess{BytewiseComparator()}),
                               Model(UserLess{BytewiseComparator()})};
  int cf_ = 0;  // the family ops act on
  std::vector<std::pair<const Snapshot*, std::array<Model, 2>>> snapshots_;
  std::unique_ptr<Walk> live_;  // declared after db_ and destroyed before it
  uint64_t value_counter_ = 0;
  int flushes_ = 0;
  int reopens_ = 0;
};

}  // namespace
}  // namespace lsm

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lsm::Runner(data, size).Run();
  return 0;
}
