// lsm::Status: the one result type of every fallible operation in lsm.
//
// A Status is either OK or carries a code and a message that says what failed and where
// ("table 000123.sst block @ 40960: checksum mismatch"). It is cheap to return when OK (no
// allocation) and copyable. Every function returning a Status must have its result checked.
//
//   lsm::Status s = db->Get(lsm::ReadOptions(), "key", &value);
//   if (s.IsNotFound()) { ... } else if (!s.ok()) { log(s.ToString()); }
//
// Thread-safety: a const Status may be read from several threads; mutation needs exclusion.
#ifndef LSM_STATUS_H_
#define LSM_STATUS_H_

#include <string>
#include <string_view>

namespace lsm {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kNotFound = 1,
    kCorruption = 2,
    kNotSupported = 3,
    kInvalidArgument = 4,
    kIOError = 5,
    kBusy = 6,
  };

  Status() noexcept = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg = {}, std::string_view msg2 = {}) {
    return Status(Code::kNotFound, msg, msg2);
  }
  static Status Corruption(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kCorruption, msg, msg2);
  }
  static Status NotSupported(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kNotSupported, msg, msg2);
  }
  static Status InvalidArgument(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kInvalidArgument, msg, msg2);
  }
  static Status IOError(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kIOError, msg, msg2);
  }
  static Status Busy(std::string_view msg, std::string_view msg2 = {}) {
    return Status(Code::kBusy, msg, msg2);
  }

  bool ok() const { return code_ == Code::kOk; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsNotSupported() const { return code_ == Code::kNotSupported; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsBusy() const { return code_ == Code::kBusy; }

  Code code() const { return code_; }
  // The message without the code's name; empty for OK.
  const std::string& message() const { return msg_; }

  // "OK", or the code's name and the message: "Corruption: 000007.sst @ 4096: bad magic".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` ("table 000007.sst: ...").
  // OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) = default;

 private:
  Status(Code code, std::string_view msg, std::string_view msg2);

  Code code_ = Code::kOk;
  std::string msg_;
};

}  // namespace lsm

#endif  // LSM_STATUS_H_
