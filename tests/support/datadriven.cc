#include "tests/support/datadriven.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "tests/support/test_util.h"

namespace lsm {
namespace {

constexpr char kSeparator[] = "----";

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The output as written in a file: without its trailing newline.
std::string Trimmed(std::string s) {
  while (s.ends_with('\n')) s.pop_back();
  return s;
}

}  // namespace

std::vector<std::string> DataDrivenFiles(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".txt") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void RunDataDriven(const std::string& path,
                   const std::function<std::string(const DataDrivenCase&)>& run) {
  const bool update = std::getenv("LSM_UPDATE_TESTDATA") != nullptr;
  const std::vector<std::string> lines = SplitLines(ReadFile(path));
  ASSERT_FALSE(lines.empty()) << path << ": empty or unreadable";
  std::string rewritten;
  size_t i = 0;
  while (i < lines.size()) {
    const std::string& line = lines[i];
    if (line.empty() || line.starts_with("#")) {
      rewritten += line + "\n";
      i++;
      continue;
    }
    DataDrivenCase c;
    c.pos = path + ":" + std::to_string(i + 1);
    std::istringstream words(line);
    words >> c.cmd;
    for (std::string w; words >> w;) c.args.push_back(w);
    rewritten += line + "\n";
    for (i++; i < lines.size() && lines[i] != kSeparator; i++) {
      c.input += lines[i] + "\n";
      rewritten += lines[i] + "\n";
    }
    ASSERT_LT(i, lines.size()) << c.pos << ": no " << kSeparator << " after the command";
    i++;
    // The expected output: up to a blank line, or between double separators.
    const bool fenced = i < lines.size() && lines[i] == kSeparator;
    std::string expected;
    if (fenced) {
      for (i++; i + 1 < lines.size() && !(lines[i] == kSeparator && lines[i + 1] == kSeparator);
           i++) {
        expected += lines[i] + "\n";
      }
      ASSERT_LT(i + 1, lines.size()) << c.pos << ": output not closed by two " << kSeparator;
      i += 2;
    } else {
      for (; i < lines.size() && !lines[i].empty(); i++) expected += lines[i] + "\n";
    }
    if (i < lines.size() && lines[i].empty()) i++;  // the blank line that ends the case

    const std::string actual = Trimmed(run(c));
    if (actual.find("\n\n") != std::string::npos || actual.starts_with("\n")) {
      rewritten += std::string(kSeparator) + "\n" + kSeparator + "\n" + actual + "\n" + kSeparator +
                   "\n" + kSeparator + "\n\n";
    } else {
      rewritten += std::string(kSeparator) + "\n" + (actual.empty() ? "" : actual + "\n") + "\n";
    }
    if (!update) {
      EXPECT_EQ(actual, Trimmed(expected))
          << c.pos << ": output differs (LSM_UPDATE_TESTDATA=1 rewrites the file for review)";
    }
  }
  if (update) {
    while (rewritten.ends_with("\n\n")) rewritten.pop_back();
    WriteFile(path, rewritten);
  }
}

}  // namespace lsm
