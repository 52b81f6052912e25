#include "src/util/killpoint.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>

namespace lsm::killpoint_internal {
namespace {

struct Armed {
  std::string name;
  std::atomic<int64_t> countdown{0};
};

Armed& armed() {
  static Armed* const a = new Armed;
  return *a;
}

void Say(const std::string& message) {
  const std::string line = "lsm: " + message + "\n";
  (void)!::write(STDERR_FILENO, line.data(), line.size());
}

// Reads LSM_KILLPOINT; returns the new state.
int Parse() {
  const char* env = std::getenv("LSM_KILLPOINT");
  if (env == nullptr || *env == '\0') return 1;
  const std::string_view value(env);
  const size_t colon = value.find(':');
  const std::string_view name = value.substr(0, colon);
  int64_t count = 1;
  if (colon != std::string_view::npos) {
    const std::string_view digits = value.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (ec != std::errc() || end != digits.data() + digits.size() || count < 1) {
      Say("LSM_KILLPOINT=" + std::string(value) + " ignored: the count after ':' must be >= 1");
      return 1;
    }
  }
  if (std::find(std::begin(kKillpoints), std::end(kKillpoints), name) == std::end(kKillpoints)) {
    std::string known;
    for (std::string_view k : kKillpoints) known.append(" ").append(k);
    Say("LSM_KILLPOINT=" + std::string(value) + " ignored: unknown killpoint (known:" + known +
        ")");
    return 1;
  }
  armed().name = std::string(name);
  armed().countdown.store(count);
  return 2;
}

}  // namespace

void Reached(std::string_view name) {
  static std::once_flag once;
  std::call_once(once, [] { state.store(Parse()); });
  if (state.load() != 2 || name != armed().name) return;
  if (armed().countdown.fetch_sub(1) == 1) {
    Say("killpoint " + std::string(name) + " reached: exiting");
    ::_exit(0);
  }
}

}  // namespace lsm::killpoint_internal
