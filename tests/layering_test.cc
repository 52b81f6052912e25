// Checks every #include of include/, src/, tools/ and bench/ against the layering of
// docs/design.md "Layers":
//   include/lsm <- util <- {base, io} <- {memtable, wal, sstable} <- version <- compaction <- db
// A layer may include its own headers, the public headers and the layers to its left; public
// headers include only the standard library and each other. tools/ and bench/ may include the
// public headers, their own headers and the format layers (util to version), never the
// engine's internals (compaction, db) or tests/.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/test_util.h"

namespace lsm {
namespace {

namespace fs = std::filesystem;

// The layers each layer may use (besides itself).
const std::map<std::string, std::set<std::string>>& AllowedLayers() {
  static const auto* const kAllowed = new std::map<std::string, std::set<std::string>>{
      {"util", {}},
      {"base", {"util"}},
      {"io", {"util"}},
      {"memtable", {"util", "base", "io"}},
      {"wal", {"util", "base", "io"}},
      {"sstable", {"util", "base", "io"}},
      {"version", {"util", "base", "io", "memtable", "wal", "sstable"}},
      {"compaction", {"util", "base", "io", "memtable", "wal", "sstable", "version"}},
      {"db", {"util", "base", "io", "memtable", "wal", "sstable", "version", "compaction"}},
  };
  return *kAllowed;
}

// The layers of src/ that tools/ and bench/ may use.
const std::set<std::string> kFormatLayers = {"util", "base",    "io",     "memtable",
                                             "wal",  "sstable", "version"};

// Third-party headers a public header must not include: anything in <...> with a '/' or a
// '.', which rules out <absl/...>, <xxhash.h>, <zstd.h> and keeps <string>, <cstdint>, ...
bool IsStandardHeader(const std::string& name) {
  return name.find('/') == std::string::npos && name.find('.') == std::string::npos;
}

// Parses `#include <name>` or `#include "name"` (spaces allowed around '#').
bool ParseInclude(std::string_view line, bool* angled, std::string* name) {
  auto skip_spaces = [&line] {
    while (!line.empty() && (line[0] == ' ' || line[0] == '\t')) line.remove_prefix(1);
  };
  skip_spaces();
  if (!line.starts_with('#')) return false;
  line.remove_prefix(1);
  skip_spaces();
  if (!line.starts_with("include")) return false;
  line.remove_prefix(7);
  skip_spaces();
  if (line.empty() || (line[0] != '<' && line[0] != '"')) return false;
  *angled = line[0] == '<';
  const size_t end = line.find(*angled ? '>' : '"', 1);
  if (end == std::string_view::npos) return false;
  *name = std::string(line.substr(1, end - 1));
  return true;
}

// The message for a quoted include `name` of a file in tools/ or bench/ (`top`), or "".
std::string CheckProgramInclude(const std::string& top, const std::string& name) {
  const fs::path path(name);
  const std::string first = path.begin()->string();
  if (first == "src") {
    const std::string target = (++path.begin())->string();
    return kFormatLayers.contains(target) ? "" : top + "/ may not include " + name;
  }
  if (first == "tools" || first == "bench" || first == "tests") {
    return first == top ? "" : top + "/ may not include " + name;
  }
  return "";  // the public headers and third-party libraries
}

// Returns one message per #include line of `root` that breaks the layering.
std::vector<std::string> CheckLayering(const fs::path& root) {
  std::vector<std::string> problems;
  for (const std::string top : {"include", "src", "tools", "bench"}) {
    if (!fs::exists(root / top)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      if (!entry.is_regular_file()) continue;
      const fs::path rel = fs::relative(entry.path(), root);
      const std::string ext = rel.extension().string();
      if (ext != ".h" && ext != ".cc") continue;
      auto part = rel.begin();
      const bool is_public = *part == "include";
      const std::string layer = (++part)->string();
      std::ifstream in(entry.path());
      std::string line;
      for (int lineno = 1; std::getline(in, line); lineno++) {
        bool angled;
        std::string name;
        if (!ParseInclude(line, &angled, &name)) continue;
        const std::string where = rel.string() + ":" + std::to_string(lineno) + ": ";
        if (top == "tools" || top == "bench") {
          const std::string problem = angled ? "" : CheckProgramInclude(top, name);
          if (!problem.empty()) problems.push_back(where + problem);
          continue;
        }
        if (is_public) {
          if (angled ? !IsStandardHeader(name) : !name.starts_with("lsm/")) {
            problems.push_back(where + "public header includes " + name);
          }
          continue;
        }
        if (angled || name.starts_with("lsm/")) continue;
        if (!name.starts_with("src/")) {
          problems.push_back(where + "includes " + name + " from outside src/ and include/");
          continue;
        }
        const std::string target = fs::path(name).begin()->string() == "src"
                                       ? (++fs::path(name).begin())->string()
                                       : std::string();
        const auto allowed = AllowedLayers().find(layer);
        if (allowed == AllowedLayers().end()) {
          problems.push_back(where + "file in unknown layer src/" + layer);
        } else if (target != layer && !allowed->second.contains(target)) {
          problems.push_back(where + "layer " + layer + " may not include " + name);
        }
      }
    }
  }
  return problems;
}

TEST(LayeringTest, SourceTreeFollowsDesign) {
  const std::vector<std::string> problems = CheckLayering(LSM_SOURCE_DIR);
  for (const std::string& p : problems) ADD_FAILURE() << p;
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

TEST(LayeringTest, FindsViolations) {
  TempDir dir;
  const fs::path root = dir.path();
  WriteFile(root / "include/lsm/db.h", "#include <string>\n#include \"lsm/status.h\"\n");
  WriteFile(root / "include/lsm/bad.h", "#include <absl/base/macros.h>\n");
  WriteFile(root / "src/util/a.cc", "#include \"src/util/a.h\"\n#include \"src/base/x.h\"\n");
  WriteFile(root / "src/wal/b.cc", "#include \"src/io/f.h\"\n#include \"src/sstable/t.h\"\n");
  WriteFile(root / "src/db/c.cc", "#include \"src/sstable/t.h\"\n#include \"tests/x.h\"\n");
  WriteFile(root / "src/memtable/d.h", "  #  include \"src/base/k.h\"\n#include <zstd.h>\n");
  WriteFile(root / "tools/lsm/e.cc",
            "#include \"lsm/db.h\"\n#include \"src/sstable/t.h\"\n#include \"tools/lsm/u.h\"\n"
            "#include \"src/db/repair.h\"\n#include \"absl/strings/str_format.h\"\n");
  WriteFile(root / "bench/micro/f.cc",
            "#include \"src/wal/w.h\"\n#include \"src/compaction/c.h\"\n"
            "#include \"tools/lsm/u.h\"\n#include <rocksdb/db.h>\n");

  const std::vector<std::string> problems = CheckLayering(root);
  ASSERT_EQ(problems.size(), 7u) << testing::PrintToString(problems);
  const std::string all = testing::PrintToString(problems);
  EXPECT_NE(all.find("include/lsm/bad.h:1: public header includes absl/base/macros.h"),
            std::string::npos);
  EXPECT_NE(all.find("src/util/a.cc:2: layer util may not include src/base/x.h"),
            std::string::npos);
  EXPECT_NE(all.find("src/wal/b.cc:2: layer wal may not include src/sstable/t.h"),
            std::string::npos);
  EXPECT_NE(all.find("src/db/c.cc:2: includes tests/x.h"), std::string::npos);
  EXPECT_NE(all.find("tools/lsm/e.cc:4: tools/ may not include src/db/repair.h"),
            std::string::npos);
  EXPECT_NE(all.find("bench/micro/f.cc:2: bench/ may not include src/compaction/c.h"),
            std::string::npos);
  EXPECT_NE(all.find("bench/micro/f.cc:3: bench/ may not include tools/lsm/u.h"),
            std::string::npos);
}

}  // namespace
}  // namespace lsm
