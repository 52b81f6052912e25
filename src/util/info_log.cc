#include "src/util/info_log.h"

namespace lsm {

const char* InfoLogLevelName(InfoLogLevel level) {
  switch (level) {
    case InfoLogLevel::kDebug:
      return "DEBUG";
    case InfoLogLevel::kInfo:
      return "INFO";
    case InfoLogLevel::kWarn:
      return "WARN";
    case InfoLogLevel::kError:
      return "ERROR";
  }
  return "UNKNOWN";
}

}  // namespace lsm
