// Picker tests driven by the data-driven files in tests/testdata/compaction/
// (tests/support/datadriven.h): each describes an LSM shape and the options, runs picker
// commands, and holds the expected output of each command after its "----". The commands:
//
//   options style=level trigger=4 base=1000 multiplier=10 target=100 dynamic=0 pri=round_robin
//        (pri: min_overlap, the default, or round_robin)
//   L0 10:c-k:100 11:c-k:100@7 12:a-b:50@8t1000
//        file number : smallest user key - largest user key : bytes [@sequence] [t write time]
//        (the sequence defaults to the file number; level 0 is ordered newest first)
//   pick [now=SECONDS]   the next compaction; it counts as running for later picks
//   done                 every running compaction finishes (the version is unchanged)
//   range LEVEL OUTPUT_LEVEL [BEGIN END]   a manual compaction of a key range
//   full                 universal's full compaction
//   targets              the leveled targets: base level and bytes per level
//   pending              EstimatePendingCompactionBytes
//   family NAME          the commands that follow act on column family NAME (each family has
//                        its own options, shape and running compactions; the first is
//                        "default")
//   pick-any [now=SECONDS]  the most urgent compaction of any family (PickAcrossFamilies)
//   ingest SMALLEST LARGEST  the level PickIngestLevel gives a table covering those user keys
#include <absl/strings/numbers.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>
#include <gtest/gtest.h>

#include <map>

#include "src/compaction/compaction_picker.h"
#include "tests/support/datadriven.h"
#include "tests/support/test_util.h"

namespace lsm {
namespace {

uint64_t ToNumber(std::string_view s) {
  uint64_t v = 0;
  if (!absl::SimpleAtoi(absl::string_view(s.data(), s.size()), &v)) {
    ADD_FAILURE() << "not a number: " << s;
  }
  return v;
}

// The state of one file's commands: per column family, the options, the shape and the
// compactions picked.
class PickerFixture {
 public:
  PickerFixture() : icmp_(BytewiseComparator()) { Switch("default"); }

  std::string Run(const DataDrivenCase& c) {
    std::vector<std::string> words = {c.cmd};
    words.insert(words.end(), c.args.begin(), c.args.end());
    return absl::StrJoin(Command(words, c.pos), "\n");
  }

 private:
  struct Family {
    Options options;
    VersionEdit edit;
    std::shared_ptr<const Version> version;
    CompactionPointers pointers;
    RunningCompactions running;
    std::vector<std::unique_ptr<Compaction>> picked;
  };

  std::vector<std::string> Command(const std::vector<std::string>& words, const std::string& pos) {
    const std::string& cmd = words[0];
    if (cmd == "family") {
      Switch(words.at(1));
      return {};
    }
    if (cmd == "pick-any") {
      uint64_t now = 0;
      if (words.size() > 1 && words[1].starts_with("now=")) now = ToNumber(words[1].substr(4));
      std::vector<FamilyPickInput> inputs;
      for (const std::string& name : order_) {
        Family& f = families_[name];
        inputs.push_back(FamilyPickInput{version(f), &icmp_, &f.options, &f.running, &f.pointers});
      }
      size_t chosen = 0;
      std::unique_ptr<Compaction> c = PickAcrossFamilies(inputs, now, &chosen);
      if (c == nullptr) return {"nothing"};
      const std::string current = current_;
      Switch(order_[chosen]);
      std::vector<std::string> lines = Show(std::move(c));
      lines[0] = "family " + order_[chosen] + ": " + lines[0];
      Switch(current);
      return lines;
    }
    if (cmd == "options") {
      for (size_t i = 1; i < words.size(); i++) SetOption(words[i]);
      return {};
    }
    if (cmd.size() == 2 && cmd[0] == 'L') {
      const int level = cmd[1] - '0';
      for (size_t i = 1; i < words.size(); i++) AddFile(level, words[i]);
      cur_->version.reset();
      return {};
    }
    if (cmd == "pick") {
      uint64_t now = 0;
      if (words.size() > 1 && words[1].starts_with("now=")) now = ToNumber(words[1].substr(4));
      return Show(
          PickCompaction(*version(), icmp_, cur_->options, cur_->running, &cur_->pointers, now));
    }
    if (cmd == "done") {
      for (auto& [name, f] : families_) {
        for (const auto& c : f.picked) f.running.Remove(*c, icmp_.user_comparator());
        f.picked.clear();
      }
      return {};
    }
    if (cmd == "range") {
      std::optional<std::string> begin, end;
      if (words.size() == 5) {
        begin = words[3];
        end = words[4];
      }
      return Show(PickRangeCompaction(
          *version(), icmp_, cur_->options, static_cast<int>(ToNumber(words[1])),
          static_cast<int>(ToNumber(words[2])), begin ? &*begin : nullptr, end ? &*end : nullptr));
    }
    if (cmd == "full") return Show(PickFullCompaction(*version(), cur_->options));
    if (cmd == "ingest") {
      return {absl::StrFormat("L%d", PickIngestLevel(*version(), icmp_, cur_->options,
                                                     cur_->running, words.at(1), words.at(2)))};
    }
    if (cmd == "targets") {
      const LevelTargets t = ComputeLevelTargets(*version(), cur_->options);
      std::string s = absl::StrFormat("base L%d:", t.base_level);
      for (int level = t.base_level; level < kNumLevels; level++) {
        absl::StrAppendFormat(&s, " L%d=%u", level, t.max_bytes[level]);
      }
      return {s};
    }
    if (cmd == "pending") {
      return {
          absl::StrFormat("%u bytes", EstimatePendingCompactionBytes(*version(), cur_->options))};
    }
    ADD_FAILURE() << pos << ": unknown command " << cmd;
    return {};
  }

  void SetOption(const std::string& assignment) {
    const std::vector<std::string> kv = absl::StrSplit(assignment, '=');
    ASSERT_EQ(kv.size(), 2u) << assignment;
    const std::string& k = kv[0];
    const std::string& v = kv[1];
    if (k == "style") {
      cur_->options.compaction_style = v == "universal" ? CompactionStyle::kUniversal
                                       : v == "fifo"    ? CompactionStyle::kFIFO
                                                        : CompactionStyle::kLevel;
    } else if (k == "trigger") {
      cur_->options.level0_file_num_compaction_trigger = static_cast<int>(ToNumber(v));
    } else if (k == "base") {
      cur_->options.max_bytes_for_level_base = ToNumber(v);
    } else if (k == "multiplier") {
      cur_->options.max_bytes_for_level_multiplier = static_cast<int>(ToNumber(v));
    } else if (k == "target") {
      cur_->options.target_file_size_base = ToNumber(v);
    } else if (k == "dynamic") {
      cur_->options.level_compaction_dynamic_level_bytes = v == "1";
    } else if (k == "pri") {
      cur_->options.compaction_pri =
          v == "round_robin" ? CompactionPri::kRoundRobin : CompactionPri::kMinOverlappingRatio;
    } else if (k == "size_ratio") {
      cur_->options.compaction_options_universal.size_ratio = static_cast<unsigned>(ToNumber(v));
    } else if (k == "min_width") {
      cur_->options.compaction_options_universal.min_merge_width =
          static_cast<unsigned>(ToNumber(v));
    } else if (k == "max_width") {
      cur_->options.compaction_options_universal.max_merge_width =
          static_cast<unsigned>(ToNumber(v));
    } else if (k == "max_amp") {
      cur_->options.compaction_options_universal.max_size_amplification_percent =
          static_cast<unsigned>(ToNumber(v));
    } else if (k == "fifo_size") {
      cur_->options.compaction_options_fifo.max_table_files_size = ToNumber(v);
    } else if (k == "fifo_ttl") {
      cur_->options.compaction_options_fifo.ttl_seconds = ToNumber(v);
    } else if (k == "fifo_merge") {
      cur_->options.compaction_options_fifo.allow_compaction = v == "1";
    } else {
      ADD_FAILURE() << "unknown option " << k;
    }
  }

  // "12:a-c:100@7t1000"
  void AddFile(int level, const std::string& spec) {
    std::vector<std::string> parts = absl::StrSplit(spec, ':');
    ASSERT_EQ(parts.size(), 3u) << spec;
    const uint64_t number = ToNumber(parts[0]);
    const std::vector<std::string> keys = absl::StrSplit(parts[1], '-');
    ASSERT_EQ(keys.size(), 2u) << spec;
    std::string size = parts[2];
    uint64_t time = 0;
    SequenceNumber seq = number;
    if (auto t = size.find('t'); t != std::string::npos) {
      time = ToNumber(size.substr(t + 1));
      size.resize(t);
    }
    if (auto at = size.find('@'); at != std::string::npos) {
      seq = ToNumber(size.substr(at + 1));
      size.resize(at);
    }
    cur_->edit.AddFile(level, FileMetaData{.number = number,
                                           .file_size = ToNumber(size),
                                           .smallest = IKey(keys[0], seq),
                                           .largest = IKey(keys[1], seq),
                                           .smallest_seqno = seq,
                                           .largest_seqno = seq,
                                           .newest_write_time = time});
  }

  const Version* version() { return version(*cur_); }
  const Version* version(Family& f) {
    if (f.version == nullptr) {
      VersionBuilder builder(&icmp_, nullptr);
      EXPECT_TRUE(builder.Apply(f.edit).ok());
      Status s = builder.Build(&f.version);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return f.version.get();
  }

  void Switch(const std::string& name) {
    if (!families_.contains(name)) order_.push_back(name);
    current_ = name;
    cur_ = &families_[name];
  }

  std::vector<std::string> Show(std::unique_ptr<Compaction> c) {
    if (c == nullptr) return {"nothing"};
    std::vector<std::string> lines = {c->Describe()};
    auto numbers = [](const FileList& files) {
      std::vector<std::string> n;
      for (const auto& f : files) n.push_back(std::to_string(f->number));
      return absl::StrJoin(n, " ");
    };
    for (const CompactionInputs& in : c->inputs) {
      lines.push_back(absl::StrFormat("  L%d: %s", in.level, numbers(in.files)));
    }
    if (!c->grandparents.empty()) {
      lines.push_back(absl::StrFormat("  grandparents: %s", numbers(c->grandparents)));
    }
    if (c->IsTrivialMove(icmp_)) lines.push_back("  trivial move");
    cur_->running.Add(*c, icmp_.user_comparator());
    cur_->picked.push_back(std::move(c));
    return lines;
  }

  InternalKeyComparator icmp_;
  std::map<std::string, Family> families_;
  std::vector<std::string> order_;  // families in the order first named
  std::string current_;
  Family* cur_ = nullptr;
};

TEST(CompactionPickerTest, Fixtures) {
  const std::vector<std::string> files =
      DataDrivenFiles(std::string(LSM_SOURCE_DIR) + "/tests/testdata/compaction");
  EXPECT_GE(files.size(), 6u) << "fixtures missing";
  for (const std::string& file : files) {
    PickerFixture fixture;
    RunDataDriven(file, [&](const DataDrivenCase& c) { return fixture.Run(c); });
  }
}

TEST(CompactionPickerTest, RunningCompactionsReleaseTheirFilesAndRanges) {
  const InternalKeyComparator icmp(BytewiseComparator());
  auto file = [](uint64_t number, std::string_view smallest, std::string_view largest) {
    return std::make_shared<const FileMetaData>(FileMetaData{.number = number,
                                                             .file_size = 10,
                                                             .smallest = IKey(smallest, number),
                                                             .largest = IKey(largest, number),
                                                             .smallest_seqno = number,
                                                             .largest_seqno = number});
  };
  Compaction a;
  a.inputs.push_back(CompactionInputs{1, {file(1, "a", "c")}});
  a.output_level = 2;
  Compaction b;  // another file, but its output range meets a's
  b.inputs.push_back(CompactionInputs{1, {file(2, "c", "e")}});
  b.output_level = 2;
  Compaction c;  // disjoint from a
  c.inputs.push_back(CompactionInputs{1, {file(3, "f", "g")}});
  c.output_level = 2;
  RunningCompactions running;
  running.Add(a, icmp.user_comparator());
  EXPECT_TRUE(running.IsBusy(1));
  EXPECT_TRUE(running.Conflicts(a, icmp.user_comparator()));
  EXPECT_TRUE(running.Conflicts(b, icmp.user_comparator()));
  EXPECT_FALSE(running.Conflicts(c, icmp.user_comparator()));
  running.Remove(a, icmp.user_comparator());
  EXPECT_TRUE(running.empty());
  EXPECT_FALSE(running.IsBusy(1));
  EXPECT_FALSE(running.Conflicts(b, icmp.user_comparator()));
}

}  // namespace
}  // namespace lsm
