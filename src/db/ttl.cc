#include "src/db/ttl.h"

#include <absl/strings/str_format.h>

#include <utility>

#include "src/util/coding.h"
#include "src/util/escape.h"

namespace lsm {

Status SplitWriteTime(std::string_view key, std::string_view stored, std::string_view* value,
                      uint64_t* write_time) {
  if (stored.size() < kWriteTimeSize) {
    return Status::Corruption(absl::StrFormat(
        "the value of key '%s' in a TTL column family has %u bytes, fewer than its %u-byte "
        "write time",
        Escape(key), stored.size(), kWriteTimeSize));
  }
  *value = stored.substr(0, stored.size() - kWriteTimeSize);
  *write_time = DecodeFixed64(stored.data() + value->size());
  return Status::OK();
}

Status StripWriteTime(std::string_view key, uint64_t ttl_seconds, bool skip_expired, uint64_t now,
                      std::string* value) {
  std::string_view user_value;
  uint64_t write_time;
  Status s = SplitWriteTime(key, *value, &user_value, &write_time);
  if (s.ok() && skip_expired && Expired(write_time, ttl_seconds, now)) {
    s = Status::NotFound("expired");
  }
  value->resize(s.ok() ? user_value.size() : 0);
  return s;
}

namespace {

class TtlIterator final : public Iterator {
 public:
  TtlIterator(std::unique_ptr<Iterator> base, uint64_t ttl_seconds, bool skip_expired, uint64_t now)
      : base_(std::move(base)), ttl_seconds_(ttl_seconds), skip_expired_(skip_expired), now_(now) {}

  bool Valid() const override { return valid_; }
  void SeekToFirst() override {
    base_->SeekToFirst();
    Settle(/*forward=*/true);
  }
  void SeekToLast() override {
    base_->SeekToLast();
    Settle(/*forward=*/false);
  }
  void Seek(std::string_view target) override {
    base_->Seek(target);
    Settle(/*forward=*/true);
  }
  void SeekForPrev(std::string_view target) override {
    base_->SeekForPrev(target);
    Settle(/*forward=*/false);
  }
  void Next() override {
    base_->Next();
    Settle(/*forward=*/true);
  }
  void Prev() override {
    base_->Prev();
    Settle(/*forward=*/false);
  }
  std::string_view key() const override { return base_->key(); }
  std::string_view value() const override { return value_; }
  Status status() const override { return status_.ok() ? base_->status() : status_; }

 private:
  // Moves base_ on, in the direction given, past the keys whose value is expired (with
  // skip_expired_) to one it shows, and takes that value's write time off.
  void Settle(bool forward) {
    valid_ = false;
    if (!status_.ok()) return;  // an error ends the iteration
    for (; base_->Valid(); forward ? base_->Next() : base_->Prev()) {
      uint64_t write_time;
      status_ = SplitWriteTime(base_->key(), base_->value(), &value_, &write_time);
      if (!status_.ok()) return;
      if (!skip_expired_ || !Expired(write_time, ttl_seconds_, now_)) {
        valid_ = true;
        return;
      }
    }
  }

  const std::unique_ptr<Iterator> base_;
  const uint64_t ttl_seconds_;
  const bool skip_expired_;
  const uint64_t now_;
  bool valid_ = false;
  Status status_;
  std::string_view value_;  // base_'s value without the write time
};

}  // namespace

std::unique_ptr<Iterator> NewTtlIterator(std::unique_ptr<Iterator> base, uint64_t ttl_seconds,
                                         bool skip_expired, uint64_t now) {
  return std::make_unique<TtlIterator>(std::move(base), ttl_seconds, skip_expired, now);
}

TtlCompactionFilter::TtlCompactionFilter(uint64_t ttl_seconds, std::shared_ptr<Clock> clock,
                                         const CompactionFilter* user)
    : ttl_seconds_(ttl_seconds),
      clock_(std::move(clock)),
      user_(user),
      name_(user == nullptr ? std::string("lsm.TtlCompactionFilter")
                            : std::string("lsm.TtlCompactionFilter+") + user->Name()) {}

CompactionFilter::Decision TtlCompactionFilter::Filter(int level, std::string_view key,
                                                       std::string_view existing_value,
                                                       std::string* new_value) const {
  std::string_view value;
  uint64_t write_time;
  if (!SplitWriteTime(key, existing_value, &value, &write_time).ok()) return Decision::kKeep;
  if (Expired(write_time, ttl_seconds_, clock_->NowSeconds())) return Decision::kRemove;
  if (user_ == nullptr) return Decision::kKeep;
  const Decision decision = user_->Filter(level, key, value, new_value);
  if (decision == Decision::kChangeValue) {
    char stamp[kWriteTimeSize];
    EncodeFixed64(stamp, write_time);
    new_value->append(stamp, sizeof(stamp));
  }
  return decision;
}

}  // namespace lsm
