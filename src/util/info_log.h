// InfoLog: the engine's handle on its info log (include/lsm/logger.h): a Logger and the level
// below which lines are dropped, with printf-style calls that format only lines that are kept.
//
//   InfoLog log(options.info_log, options.info_log_level);
//   log.Info("flush: table %06u, %u entries, %u bytes", number, entries, bytes);
//   log.Error("background error: %s", s.ToString());
//
// A default-constructed InfoLog logs nothing. Thread-safety: as safe as its Logger.
#ifndef LSM_UTIL_INFO_LOG_H_
#define LSM_UTIL_INFO_LOG_H_

#include <absl/strings/str_format.h>

#include <algorithm>
#include <memory>
#include <string_view>
#include <utility>

#include "lsm/logger.h"

namespace lsm {

class InfoLog {
 public:
  InfoLog() = default;
  InfoLog(std::shared_ptr<Logger> logger, InfoLogLevel level)
      : logger_(std::move(logger)), level_(level) {}

  template <typename... Args>
  void Info(const absl::FormatSpec<Args...>& format, const Args&... args) const {
    Write(InfoLogLevel::kInfo, format, args...);
  }
  template <typename... Args>
  void Warn(const absl::FormatSpec<Args...>& format, const Args&... args) const {
    Write(InfoLogLevel::kWarn, format, args...);
  }
  template <typename... Args>
  void Error(const absl::FormatSpec<Args...>& format, const Args&... args) const {
    Write(InfoLogLevel::kError, format, args...);
  }

  bool Enabled(InfoLogLevel level) const { return logger_ != nullptr && level >= level_; }

  // Logs each non-empty line of `text`, after `prefix`.
  void Lines(InfoLogLevel level, std::string_view prefix, std::string_view text) const {
    if (!Enabled(level)) return;
    while (!text.empty()) {
      const size_t nl = std::min(text.find('\n'), text.size());
      if (nl > 0) Write(level, "%s%s", prefix, text.substr(0, nl));
      text.remove_prefix(std::min(nl + 1, text.size()));
    }
  }

 private:
  template <typename... Args>
  void Write(InfoLogLevel level, const absl::FormatSpec<Args...>& format,
             const Args&... args) const {
    if (Enabled(level)) logger_->Log(level, absl::StrFormat(format, args...));
  }

  std::shared_ptr<Logger> logger_;
  InfoLogLevel level_ = InfoLogLevel::kInfo;
};

}  // namespace lsm

#endif  // LSM_UTIL_INFO_LOG_H_
