#include "bench/lsm_bench/ycsb.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_format.h"

namespace lsm::bench {
namespace {

constexpr YcsbWorkload kWorkloads[] = {
    {"ycsba", 50, 50, 0, 0, 0, false}, {"ycsbb", 95, 5, 0, 0, 0, false},
    {"ycsbc", 100, 0, 0, 0, 0, false}, {"ycsbd", 95, 0, 5, 0, 0, true},
    {"ycsbe", 0, 0, 5, 95, 0, false},  {"ycsbf", 50, 0, 0, 0, 50, false},
};

// YCSB's default longest scan; lengths are uniform in [1, kMaxScanLength].
constexpr uint64_t kMaxScanLength = 100;

enum class Op { kRead, kUpdate, kInsert, kScan, kReadModifyWrite };

Op Choose(const YcsbWorkload& w, Random64* rnd) {
  int pick = static_cast<int>(rnd->Uniform(100));
  if ((pick -= w.read) < 0) return Op::kRead;
  if ((pick -= w.update) < 0) return Op::kUpdate;
  if ((pick -= w.insert) < 0) return Op::kInsert;
  if ((pick -= w.scan) < 0) return Op::kScan;
  return Op::kReadModifyWrite;
}

class YcsbThread {
 public:
  YcsbThread(const YcsbWorkload& workload, YcsbKeys* keys, ThreadState* t)
      : w_(workload), keys_(*keys), t_(*t), value_size_(t->config().value_size) {}

  lsm::Status Run(uint64_t ops) {
    while (t_.More(ops)) {
      bytes_ = 0;
      lsm::Status s;
      switch (Choose(w_, &t_.rnd)) {
        case Op::kRead:
          s = Read(ExistingKey());
          break;
        case Op::kUpdate:
          t_.counters.updates++;
          s = Write(ExistingKey());
          break;
        case Op::kInsert:
          t_.counters.inserts++;
          s = Write(keys_.loaded + keys_.inserted->fetch_add(1));
          break;
        case Op::kScan:
          s = Scan();
          break;
        case Op::kReadModifyWrite: {
          t_.counters.rmws++;
          const uint64_t k = ExistingKey();
          s = Read(k);
          if (s.ok()) s = Write(k);
          break;
        }
      }
      if (!s.ok()) return s;
      t_.Done(1, bytes_);
    }
    return lsm::Status::OK();
  }

 private:
  uint64_t ExistingKey() {
    if (!w_.latest) return keys_.zipf->NextScrambled(&t_.rnd);
    // The newest key, minus a zipfian rank: recent inserts are the popular keys.
    const uint64_t newest = keys_.loaded + keys_.inserted->load(std::memory_order_relaxed) - 1;
    return newest - std::min(keys_.zipf->Next(&t_.rnd), newest);
  }

  lsm::Status Read(uint64_t k) {
    const std::string_view key = t_.keys.Format(k);
    lsm::Status s = t_.engine().Get(key, &value_);
    t_.counters.reads++;
    if (s.ok()) {
      t_.counters.found++;
      bytes_ += key.size() + value_.size();
      return s;
    }
    if (s.IsNotFound()) {
      t_.counters.missing++;
      return lsm::Status::OK();
    }
    return s.WithContext("get error");
  }

  lsm::Status Write(uint64_t k) {
    const std::string_view key = t_.keys.Format(k);
    const std::string_view value = t_.values.Next(value_size_);
    t_.Throttle(key.size() + value.size());
    lsm::Status s = t_.engine().Put(key, value);
    if (!s.ok()) return s.WithContext("put error");
    t_.counters.writes++;
    bytes_ += key.size() + value.size();
    return s;
  }

  lsm::Status Scan() {
    t_.counters.scans++;
    t_.counters.seeks++;
    const uint64_t length = 1 + t_.rnd.Uniform(kMaxScanLength);
    std::unique_ptr<EngineIterator> it = t_.engine().NewIterator();
    uint64_t n = 0;
    for (it->Seek(t_.keys.Format(keys_.zipf->NextScrambled(&t_.rnd))); n < length && it->Valid();
         it->Next(), n++) {
      bytes_ += it->key().size() + it->value().size();
    }
    t_.counters.scanned += n;
    lsm::Status s = it->status();
    return s.ok() ? s : s.WithContext("iterator error");
  }

  const YcsbWorkload& w_;
  YcsbKeys& keys_;
  ThreadState& t_;
  const size_t value_size_;
  std::string value_;
  uint64_t bytes_ = 0;
};

}  // namespace

const YcsbWorkload* FindYcsbWorkload(std::string_view name) {
  for (const YcsbWorkload& w : kWorkloads) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

lsm::Status RunYcsbThread(const YcsbWorkload& workload, YcsbKeys* keys, uint64_t ops,
                          ThreadState* t) {
  return YcsbThread(workload, keys, t).Run(ops);
}

std::string YcsbMessage(const Counters& c) {
  return absl::StrFormat("(reads: %d found: %d updates: %d inserts: %d scans: %d rmws: %d)",
                         c.reads, c.found, c.updates, c.inserts, c.scans, c.rmws);
}

}  // namespace lsm::bench
