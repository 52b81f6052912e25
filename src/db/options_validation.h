// The one place where Options are checked and their defaults resolved.
//
//   Options opts = options;
//   Status s = ValidateOptions(opts);      // InvalidArgument naming the option
//   if (s.ok()) s = ResolveDefaultOptions(&opts);
#ifndef LSM_DB_OPTIONS_VALIDATION_H_
#define LSM_DB_OPTIONS_VALIDATION_H_

#include <string>

#include "lsm/options.h"
#include "lsm/status.h"

namespace lsm {

// Smallest accepted Options::write_buffer_size.
inline constexpr size_t kMinWriteBufferSize = 64 << 10;

// OK, or InvalidArgument naming the first option whose value is out of range. Nothing is
// clipped: a value is either accepted as it is or rejected.
Status ValidateOptions(const Options& options);

// Fills in the documented defaults of options left null (comparator, clock, file_system). The file
// system is the one io_backend (or LSM_IO_BACKEND) names, and io_backend becomes the backend
// chosen (kUring or kPosix); *io_note, if given, says which and, when kAuto fell back to
// POSIX, why. NotSupported when kUring was asked for and no ring can be set up;
// InvalidArgument for an unknown LSM_IO_BACKEND.
Status ResolveDefaultOptions(Options* options, std::string* io_note = nullptr);

}  // namespace lsm

#endif  // LSM_DB_OPTIONS_VALIDATION_H_
