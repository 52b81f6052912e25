// TTL column families (ColumnFamilyOptions::ttl_seconds): the value of every Put into such a
// family is stored with its write time after it, 8 bytes (fixed64, little-endian) of Unix
// seconds from DBOptions::clock, stamped by DB::Write before the log; reads take it off again.
// A value whose write time + ttl_seconds is at or before now is expired: compactions drop it
// (TtlCompactionFilter), reads with ReadOptions::skip_expired hide it.
//
//   std::string value;                        // as Get found it in a TTL family
//   Status s = StripWriteTime(key, ttl, skip_expired, now, &value);   // the user's value
//   std::unique_ptr<Iterator> it = NewTtlIterator(std::move(db_iter), ttl, skip_expired, now);
//
// Thread-safety: the functions are pure; a TtlCompactionFilter may be called from several
// compaction threads at once, as any compaction filter.
#ifndef LSM_DB_TTL_H_
#define LSM_DB_TTL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lsm/clock.h"
#include "lsm/compaction_filter.h"
#include "lsm/iterator.h"
#include "lsm/status.h"

namespace lsm {

// Bytes of the write time after a TTL family's value.
inline constexpr size_t kWriteTimeSize = 8;

// Whether a value written at `write_time` (Unix seconds) has lived `ttl_seconds` by `now`. A
// write time after `now` (the clock went back) is not expired.
inline bool Expired(uint64_t write_time, uint64_t ttl_seconds, uint64_t now) {
  return write_time <= now && now - write_time >= ttl_seconds;
}

// Splits `stored`, the value of `key` in a TTL family, into the user's value and its write
// time. Corruption naming the key if it is shorter than a write time.
Status SplitWriteTime(std::string_view key, std::string_view stored, std::string_view* value,
                      uint64_t* write_time);

// Takes the write time off *value, the stored value of `key` in a family with `ttl_seconds`.
// NotFound when `skip_expired` and the value is expired at `now`; Corruption as SplitWriteTime.
Status StripWriteTime(std::string_view key, uint64_t ttl_seconds, bool skip_expired, uint64_t now,
                      std::string* value);

// An iterator over a TTL family's DB iterator `base` that shows values without their write
// time and, with `skip_expired`, steps over keys whose value is expired at `now` in the
// direction it moves. A value shorter than a write time ends the iteration with Corruption.
std::unique_ptr<Iterator> NewTtlIterator(std::unique_ptr<Iterator> base, uint64_t ttl_seconds,
                                         bool skip_expired, uint64_t now);

// The compaction filter of a TTL family: removes a value that is expired at the clock's now,
// then asks `user` (the family's compaction_filter, may be null) about the others, showing it
// the value without its write time; a value `user` changes keeps the original write time. A
// value shorter than a write time is kept as it is (reads report it).
class TtlCompactionFilter final : public CompactionFilter {
 public:
  TtlCompactionFilter(uint64_t ttl_seconds, std::shared_ptr<Clock> clock,
                      const CompactionFilter* user);

  Decision Filter(int level, std::string_view key, std::string_view existing_value,
                  std::string* new_value) const override;
  const char* Name() const override { return name_.c_str(); }

 private:
  const uint64_t ttl_seconds_;
  const std::shared_ptr<Clock> clock_;
  const CompactionFilter* const user_;
  const std::string name_;  // "lsm.TtlCompactionFilter", then "+" and user_'s name if set
};

}  // namespace lsm

#endif  // LSM_DB_TTL_H_
