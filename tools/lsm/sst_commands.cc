// lsm sst scan | props | verify: table files read through TableReader.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "src/base/dbformat.h"
#include "src/base/filename.h"
#include "src/sstable/table_reader.h"
#include "tools/lsm/cli_util.h"
#include "tools/lsm/commands.h"
#include "tools/lsm/sst_util.h"

namespace lsm::cli {
namespace {

constexpr char kScanUsage[] =
    "usage: lsm sst scan FILE [--from K] [--to K] [--limit N] [--hex] [--json]\n"
    "  Prints the entries of a table in order: user key, sequence, type, value.\n"
    "  --from K   start at the first user key >= K      --to K   stop before user key K\n"
    "  --limit N  print at most N entries               --hex    keys, values and bounds in hex\n"
    "  Keys on the command line may use \\xNN escapes. A table of a comparator lsm does not\n"
    "  know is printed in file order, without --from/--to. Exit 1 if the table is unreadable.\n";

constexpr char kPropsUsage[] =
    "usage: lsm sst props FILE [--json]\n"
    "  Prints a table's properties: column family, entries, blocks, sizes, compression\n"
    "  ratio, filter bits per key, key and sequence range. Exit 1 if the table cannot be\n"
    "  opened.\n";

constexpr char kVerifyUsage[] =
    "usage: lsm sst verify FILE|DIR [--json]\n"
    "  Checks every block's checksum and structure (footer, meta blocks, index, data blocks,\n"
    "  key order, entry count) of a table, or of every NNNNNN.sst in DIR. Reports the first\n"
    "  bad block of each table with its offset. The key order of a table whose comparator\n"
    "  lsm does not know is not checked (and says so). Exit 1 if any table is corrupt.\n";

// "'key' @ seq TYPE" for an internal key, or its raw bytes if it does not parse.
std::string DescribeKey(std::string_view ikey, bool hex) {
  ParsedInternalKey p;
  if (!ParseInternalKey(ikey, &p)) return "<bad internal key " + Hex(ikey) + ">";
  return absl::StrFormat("'%s' @ %u %s", FormatBytes(p.user_key, hex), p.sequence,
                         p.type == ValueType::kValue   ? "PUT"
                         : p.type == ValueType::kMerge ? "MERGE"
                                                       : "DEL");
}

// Stands in for a comparator the tool does not know, under its name, so that TableReader
// opens the table. Its order is bytewise and means nothing for the table: callers only walk
// such a table in file order.
class UnknownComparator final : public Comparator {
 public:
  explicit UnknownComparator(std::string name) : name_(std::move(name)) {}
  int Compare(std::string_view a, std::string_view b) const override { return a.compare(b); }
  const char* Name() const override { return name_.c_str(); }
  void FindShortestSeparator(std::string*, std::string_view) const override {}
  void FindShortSuccessor(std::string*) const override {}

 private:
  const std::string name_;
};

// The comparator to open a table recording `name` with: a known one, or a stand-in that
// lives as long as the process.
const Comparator* ComparatorFor(const std::string& name, bool* known) {
  *known = name == BytewiseComparator()->Name();
  if (*known) return BytewiseComparator();
  static auto* const stand_ins = new std::map<std::string, std::unique_ptr<UnknownComparator>>;
  std::unique_ptr<UnknownComparator>& c = (*stand_ins)[name];
  if (c == nullptr) c = std::make_unique<UnknownComparator>(name);
  return c.get();
}

// " (comparator X unknown to lsm: key order not checked)", or "" for a known comparator.
std::string UnknownOrderNote(const TableOrder& order) {
  if (order.known()) return "";
  return absl::StrFormat(" (comparator %s unknown to lsm: key order not checked)",
                         order.comparator);
}

}  // namespace

Status OpenTable(const std::string& path, std::unique_ptr<TableReader>* table, TableOrder* order) {
  const std::string name(BaseName(path));
  uint64_t size = 0;
  Status s = Fs()->GetFileSize(path, &size);
  std::unique_ptr<RandomAccessFile> file;
  if (s.ok()) s = Fs()->NewRandomAccessFile(path, &file);
  if (!s.ok()) return s;
  TableOptions options;
  *order = TableOrder();
  TableProperties props;
  // Unreadable properties: Open below fails with the reason.
  if (TableReader::ReadProperties(file.get(), name, size, &props).ok()) {
    bool known = false;
    options.comparator = ComparatorFor(props.comparator_name, &known);
    order->comparator = props.comparator_name;
    if (known) order->user = options.comparator;
    options.merge_operator_name = props.merge_operator_name;  // shown, never merged
  }
  return TableReader::Open(options, name, std::move(file), size, nullptr, table);
}

Status CheckTables(const std::string& target, std::vector<TableCheck>* checks) {
  std::vector<std::string> paths;
  if (IsDirectory(target)) {
    std::vector<std::string> names;
    if (Status s = Fs()->GetChildren(target, &names); !s.ok()) return s;
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      uint64_t number = 0;
      FileType type;
      if (ParseFileName(name, &number, &type) && type == FileType::kTable) {
        paths.push_back(target + "/" + name);
      }
    }
  } else {
    paths.push_back(target);
  }
  for (const std::string& path : paths) {
    TableCheck c;
    c.path = path;
    std::unique_ptr<TableReader> table;
    c.status = OpenTable(path, &table, &c.order);
    if (c.status.ok()) {
      c.status = table->VerifyChecksums(/*check_key_order=*/c.order.known());
      c.entries = table->properties().num_entries;
      c.data_blocks = table->properties().num_data_blocks;
    }
    checks->push_back(std::move(c));
  }
  return Status::OK();
}

int PrintTableChecks(const std::vector<TableCheck>& checks, bool json) {
  int bad = 0;
  if (json) absl::PrintF("\"tables\": [");
  for (size_t i = 0; i < checks.size(); ++i) {
    const TableCheck& c = checks[i];
    if (!c.status.ok()) ++bad;
    if (json) {
      absl::PrintF(
          "%s\n  {\"file\": %s, \"ok\": %s, \"status\": %s, \"entries\": %u, "
          "\"data_blocks\": %u, \"comparator\": %s, \"order_checked\": %s}",
          i == 0 ? "" : ",", JsonString(c.path), c.status.ok() ? "true" : "false",
          JsonString(c.status.ToString()), c.entries, c.data_blocks, JsonString(c.order.comparator),
          c.order.known() ? "true" : "false");
    } else if (c.status.ok()) {
      absl::PrintF("OK       %s: %u entries in %u data blocks%s\n", c.path, c.entries,
                   c.data_blocks, UnknownOrderNote(c.order));
    } else {
      absl::PrintF("CORRUPT  %s: %s\n", c.path, c.status.ToString());
    }
  }
  if (json) {
    absl::PrintF("\n], \"checked\": %u, \"corrupt\": %d", checks.size(), bad);
  } else if (checks.size() > 1) {
    absl::PrintF("-- %u tables checked, %d corrupt\n", checks.size(), bad);
  }
  return bad;
}

int SstScan(const Words& words) {
  Args args;
  if (int rc = ParseArgs(words, {{"from", "to", "limit"}, {"hex"}}, kScanUsage, &args); rc >= 0) {
    return rc;
  }
  const bool hex = args.Has("hex"), json = args.Has("json");
  uint64_t limit = UINT64_MAX;
  std::string from, to;
  if (!args.GetUint("limit", &limit)) return kExitUsage;
  if (!KeyFlag(args, "from", &from) || !KeyFlag(args, "to", &to)) {
    return UsageError("--from/--to with --hex must be hex digits", kScanUsage);
  }
  const std::string& path = args.positional()[0];
  std::unique_ptr<TableReader> table;
  TableOrder order;
  if (Status s = OpenTable(path, &table, &order); !s.ok()) {
    return Fail("cannot open table " + path, s);
  }
  if (!order.known()) {
    if (args.Has("from") || args.Has("to")) {
      absl::FPrintF(stderr,
                    "lsm: error: --from and --to need the key order of comparator %s, which lsm "
                    "does not know;\n     without them the entries print in file order\n",
                    order.comparator);
      return kExitFailed;
    }
    absl::FPrintF(stderr, "lsm: note: %s: comparator %s unknown to lsm: entries in file order\n",
                  path, order.comparator);
  }

  std::unique_ptr<InternalIterator> it = table->NewIterator(ReadOptions());
  if (args.Has("from")) {
    LookupKey start(from, kMaxSequenceNumber);
    it->Seek(start.internal_key());
  } else {
    it->SeekToFirst();
  }
  if (json) {
    absl::PrintF("{\"file\": %s, \"comparator\": %s, \"comparator_known\": %s, \"entries\": [",
                 JsonString(path), JsonString(order.comparator), order.known() ? "true" : "false");
  }
  uint64_t count = 0;
  for (; it->Valid() && count < limit; it->Next()) {
    ParsedInternalKey p;
    const bool parsed = ParseInternalKey(it->key(), &p);
    if (parsed && args.Has("to") && order.user->Compare(p.user_key, to) >= 0) break;
    if (json) {
      absl::PrintF("%s\n  {\"key\": %s, \"seq\": %u, \"type\": \"%s\", \"value\": %s}",
                   count == 0 ? "" : ",", JsonString(FormatBytes(p.user_key, hex)), p.sequence,
                   !parsed                       ? "bad"
                   : p.type == ValueType::kValue ? "put"
                   : p.type == ValueType::kMerge ? "merge"
                                                 : "del",
                   JsonString(FormatBytes(it->value(), hex)));
    } else if (parsed && p.type == ValueType::kDeletion) {
      absl::PrintF("%s\n", DescribeKey(it->key(), hex));
    } else {
      absl::PrintF("%s => '%s'\n", DescribeKey(it->key(), hex), FormatBytes(it->value(), hex));
    }
    ++count;
  }
  const Status s = it->status();
  // Range tombstones, in the block's order, after the entries (only where there are any).
  const RangeTombstoneList* tombstones = table->range_tombstones();
  if (json && tombstones != nullptr) {
    absl::PrintF("\n], \"range_tombstones\": [");
    const char* sep = "";
    for (const RangeTombstone& t : tombstones->tombstones()) {
      absl::PrintF("%s\n  {\"begin\": %s, \"end\": %s, \"seq\": %u}", sep,
                   JsonString(FormatBytes(t.begin, hex)), JsonString(FormatBytes(t.end, hex)),
                   t.seq);
      sep = ",";
    }
  } else if (tombstones != nullptr) {
    for (const RangeTombstone& t : tombstones->tombstones()) {
      absl::PrintF("'%s' .. '%s' @ %u DELRANGE\n", FormatBytes(t.begin, hex),
                   FormatBytes(t.end, hex), t.seq);
    }
  }
  if (json) {
    absl::PrintF("\n], \"count\": %u, \"status\": %s}\n", count,
                 JsonString(s.ok() ? "OK" : s.ToString()));
  } else if (tombstones != nullptr) {
    absl::PrintF("-- %u entries, %u range tombstones\n", count, tombstones->tombstones().size());
  } else {
    absl::PrintF("-- %u entries\n", count);
  }
  if (!s.ok()) return Fail("scan of " + path + " stopped", s);
  return kExitOk;
}

int SstProps(const Words& words) {
  Args args;
  if (int rc = ParseArgs(words, {}, kPropsUsage, &args); rc >= 0) return rc;
  const std::string& path = args.positional()[0];
  std::unique_ptr<TableReader> table;
  TableOrder order;
  if (Status s = OpenTable(path, &table, &order); !s.ok()) {
    return Fail("cannot open table " + path, s);
  }

  const TableProperties& p = table->properties();
  std::unique_ptr<InternalIterator> it = table->NewIterator(ReadOptions());
  std::string first, last;
  it->SeekToFirst();
  if (it->Valid()) first = std::string(it->key());
  it->SeekToLast();
  if (it->Valid()) last = std::string(it->key());
  const uint64_t raw = p.raw_key_size + p.raw_value_size;
  const double ratio = p.data_size == 0 ? 0.0 : static_cast<double>(raw) / p.data_size;
  const double bits = p.num_entries == 0 ? 0.0 : 8.0 * p.filter_size / p.num_entries;

  if (args.Has("json")) {
    absl::PrintF(
        "{\"file\": %s, \"file_size\": %u, \"format_version\": %u, \"creator\": %s, "
        "\"comparator\": %s, \"comparator_known\": %s, \"column_family_id\": %u, "
        "\"column_family_name\": %s, \"compression\": %s, \"num_entries\": %u, "
        "\"num_deletions\": %u, "
        "\"num_data_blocks\": %u, \"data_size\": %u, \"index_size\": %u, \"filter_size\": %u, "
        "\"raw_key_size\": %u, \"raw_value_size\": %u, \"compression_ratio\": %.3f, "
        "\"bloom_bits_per_key\": %u, \"filter_bits_per_entry\": %.2f, \"smallest_seqno\": %u, "
        "\"largest_seqno\": %u, \"smallest_key\": %s, \"largest_key\": %s}\n",
        JsonString(path), table->file_size(), p.format_version, JsonString(p.creator),
        JsonString(p.comparator_name), order.known() ? "true" : "false", p.column_family_id,
        JsonString(p.column_family_name), JsonString(p.compression), p.num_entries, p.num_deletions,
        p.num_data_blocks, p.data_size, p.index_size, p.filter_size, p.raw_key_size,
        p.raw_value_size, ratio, p.bloom_bits_per_key, bits, p.smallest_seqno, p.largest_seqno,
        JsonString(DescribeKey(first, false)), JsonString(DescribeKey(last, false)));
  } else {
    absl::PrintF("file:              %s (%u bytes)\n", path, table->file_size());
    absl::PrintF("format version:    %u (creator %s)\n", p.format_version, p.creator);
    absl::PrintF("comparator:        %s%s\n", p.comparator_name,
                 order.known() ? "" : " (unknown to lsm: keys shown in file order)");
    absl::PrintF("column family:     %u '%s'\n", p.column_family_id, p.column_family_name);
    absl::PrintF("compression:       %s\n", p.compression);
    absl::PrintF("entries:           %u (%u deletions)\n", p.num_entries, p.num_deletions);
    absl::PrintF("data blocks:       %u, %u bytes with trailers\n", p.num_data_blocks, p.data_size);
    absl::PrintF("index block:       %u bytes\n", p.index_size);
    absl::PrintF("filter block:      %u bytes, %u bits per key configured, %.2f per entry\n",
                 p.filter_size, p.bloom_bits_per_key, bits);
    absl::PrintF("raw keys, values:  %u + %u bytes\n", p.raw_key_size, p.raw_value_size);
    absl::PrintF("compression ratio: %.3f (raw key+value bytes / data bytes)\n", ratio);
    absl::PrintF("sequence range:    [%u, %u]\n", p.smallest_seqno, p.largest_seqno);
    if (!first.empty()) {
      absl::PrintF("key range:         %s .. %s\n", DescribeKey(first, false),
                   DescribeKey(last, false));
    } else {
      absl::PrintF("key range:         (empty table)\n");
    }
  }
  if (!it->status().ok()) return Fail("reading the key range of " + path, it->status());
  return kExitOk;
}

int SstVerify(const Words& words) {
  Args args;
  if (int rc = ParseArgs(words, {}, kVerifyUsage, &args); rc >= 0) return rc;
  const std::string& target = args.positional()[0];
  const bool json = args.Has("json");
  std::vector<TableCheck> checks;
  if (Status s = CheckTables(target, &checks); !s.ok()) return Fail("cannot list " + target, s);
  if (checks.empty() && !json) absl::PrintF("no NNNNNN.sst files in %s\n", target);
  if (json) absl::PrintF("{");
  const int bad = PrintTableChecks(checks, json);
  if (json) absl::PrintF("}\n");
  if (bad == 0) return kExitOk;
  absl::FPrintF(stderr, "lsm: %d of %u tables corrupt\n", bad, checks.size());
  return kExitFailed;
}

}  // namespace lsm::cli
