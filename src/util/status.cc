#include "lsm/status.h"

namespace lsm {

Status::Status(Code code, std::string_view msg, std::string_view msg2) : code_(code) {
  msg_.reserve(msg.size() + (msg2.empty() ? 0 : msg2.size() + 2));
  msg_.append(msg);
  if (!msg2.empty()) {
    msg_.append(": ");
    msg_.append(msg2);
  }
}

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      name = "NotFound";
      break;
    case Code::kCorruption:
      name = "Corruption";
      break;
    case Code::kNotSupported:
      name = "NotSupported";
      break;
    case Code::kInvalidArgument:
      name = "InvalidArgument";
      break;
    case Code::kIOError:
      name = "IOError";
      break;
    case Code::kBusy:
      name = "Busy";
      break;
  }
  std::string result(name);
  if (!msg_.empty()) {
    result.append(": ");
    result.append(msg_);
  }
  return result;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, context, msg_);
}

}  // namespace lsm
