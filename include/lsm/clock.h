// lsm::Clock: where a database reads the time of day. TTL column families
// (ColumnFamilyOptions::ttl_seconds) stamp each value with it and expire values by it, and FIFO
// compaction's age limit and the log archive's wal_ttl_seconds measure age with it. By default
// it is the system's clock; a test injects its own to move time at will:
//
//   class ManualClock : public lsm::Clock {
//    public:
//     uint64_t NowSeconds() const override { return now.load(); }
//     std::atomic<uint64_t> now{1'700'000'000};
//   };
//   auto clock = std::make_shared<ManualClock>();
//   options.clock = clock;
//   ...
//   clock->now += 3600;                         // an hour later
//
// Thread-safety: NowSeconds is called from the database's foreground and background threads at
// once.
#ifndef LSM_CLOCK_H_
#define LSM_CLOCK_H_

#include <cstdint>
#include <memory>

namespace lsm {

class Clock {
 public:
  virtual ~Clock();

  // Seconds since the Unix epoch (1970-01-01 00:00:00 UTC).
  virtual uint64_t NowSeconds() const = 0;
};

// The system's wall clock (std::chrono::system_clock). One object, shared.
std::shared_ptr<Clock> SystemClock();

}  // namespace lsm

#endif  // LSM_CLOCK_H_
