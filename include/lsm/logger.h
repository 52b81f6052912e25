// lsm::Logger: where a database reports what it does (the info log). By default each database
// writes its own file `LOG` in its directory; Options::info_log replaces it with any Logger.
//
//   class StderrLogger : public lsm::Logger {
//    public:
//     void Log(lsm::InfoLogLevel level, std::string_view line) override {
//       std::fprintf(stderr, "[%s] %.*s\n", lsm::InfoLogLevelName(level),
//                    static_cast<int>(line.size()), line.data());
//     }
//   };
//   options.info_log = std::make_shared<StderrLogger>();
//   options.info_log_level = lsm::InfoLogLevel::kWarn;
//
// The database records the options it opened with, recovery, each flush and compaction (its
// inputs, outputs, bytes and time), write stalls, background errors, Resume and Close.
// Thread-safety: Log is called from the database's foreground and background threads at once.
#ifndef LSM_LOGGER_H_
#define LSM_LOGGER_H_

#include <cstdint>
#include <string_view>

namespace lsm {

// How much a line matters; Options::info_log_level drops the lines below it.
enum class InfoLogLevel : uint8_t {
  kDebug = 0,
  kInfo = 1,   // what the database did: open, flushes, compactions, close
  kWarn = 2,   // what it had to work around: write stalls, failed compactions it retries
  kError = 3,  // what stops it: background errors
};

// "DEBUG", "INFO", "WARN" or "ERROR".
const char* InfoLogLevelName(InfoLogLevel level);

class Logger {
 public:
  virtual ~Logger() = default;

  // Receives one line of the log, without a newline. Must not fail or block for long: a
  // database never waits for its log.
  virtual void Log(InfoLogLevel level, std::string_view line) = 0;
};

}  // namespace lsm

#endif  // LSM_LOGGER_H_
