// Data-driven tests: a text file of test cases, each a command, optional input lines, a
// separator and the output the command must print.
//
//   # a comment
//   pick now=100
//   ----
//   compact L0 + L1 -> L1
//     L0: 10 11
//
//   options style=fifo size=1000
//   ----
//
// A case ends at a blank line. Output that itself holds blank lines is written between two
// separators and ended by two:
//
//   scan
//   ----
//   ----
//   a
//
//   b
//   ----
//   ----
//
//   RunDataDriven(path, [&](const DataDrivenCase& c) -> std::string { ... });
//
// Each case's actual output is compared with the expected one; a mismatch fails the test at
// "file:line" of the case's command. With LSM_UPDATE_TESTDATA=1 in the environment the file is
// rewritten with the actual outputs instead, for review with git diff.
#ifndef LSM_TESTS_SUPPORT_DATADRIVEN_H_
#define LSM_TESTS_SUPPORT_DATADRIVEN_H_

#include <functional>
#include <string>
#include <vector>

namespace lsm {

struct DataDrivenCase {
  std::string pos;                // "file:line" of the command
  std::string cmd;                // the command's first word
  std::vector<std::string> args;  // its other words
  std::string input;              // the lines between the command and the separator
};

// Runs every case of the file at `path` through `run`, in order.
void RunDataDriven(const std::string& path,
                   const std::function<std::string(const DataDrivenCase&)>& run);

// The *.txt files of `dir` in name order, for a runner with fresh state per file.
std::vector<std::string> DataDrivenFiles(const std::string& dir);

}  // namespace lsm

#endif  // LSM_TESTS_SUPPORT_DATADRIVEN_H_
