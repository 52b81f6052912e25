#include "lsm/clock.h"

#include <chrono>

namespace lsm {
namespace {

class SystemClockImpl final : public Clock {
 public:
  uint64_t NowSeconds() const override {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  }
};

}  // namespace

Clock::~Clock() = default;

std::shared_ptr<Clock> SystemClock() {
  static const auto* const kClock = new std::shared_ptr<Clock>(std::make_shared<SystemClockImpl>());
  return *kClock;
}

}  // namespace lsm
