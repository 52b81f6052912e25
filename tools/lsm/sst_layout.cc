// lsm sst layout | recompress, and the table helpers of sst_util.h.
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "src/base/dbformat.h"
#include "src/base/filename.h"
#include "src/sstable/block.h"
#include "src/util/compression.h"
#include "tools/lsm/cli_util.h"
#include "tools/lsm/commands.h"
#include "tools/lsm/sst_util.h"

namespace lsm::cli {
namespace {

constexpr char kLayoutUsage[] =
    "usage: lsm sst layout FILE [--json]\n"
    "  Prints the block map of a table: offset, size (without the 5-byte trailer), kind,\n"
    "  codec and whether the block checks out; gaps between blocks are shown. Works on\n"
    "  tables that cannot be opened, as far as the footer and index allow. Exit 1 if any\n"
    "  block is bad.\n";

constexpr char kRecompressUsage[] =
    "usage: lsm sst recompress FILE [--codecs=none,lz4,zstd:1,zstd:3] [--json]\n"
    "  Compresses every data block with each codec (zstd:N is zstd at level N) and prints\n"
    "  the resulting size and the compression and decompression speed. The file is not\n"
    "  changed. A block that shrinks by less than 12.5% would be stored raw, as the table\n"
    "  builder does; such blocks are counted.\n";

const char* TrailerName(int type) {
  if (type < 0) return "-";
  if (!IsValidCompressionType(type)) return "unknown";
  return CompressionTypeName(static_cast<CompressionType>(type));
}

}  // namespace

Status ReadTableBlocks(const std::string& path, uint64_t* file_size, std::vector<BlockInfo>* blocks,
                       std::unique_ptr<RandomAccessFile>* file) {
  blocks->clear();
  Status s = Fs()->GetFileSize(path, file_size);
  if (s.ok()) s = Fs()->NewRandomAccessFile(path, file);
  if (s.ok()) s = ReadBlockMap(file->get(), BaseName(path), *file_size, blocks);
  return s;
}

int SstLayout(const Words& words) {
  Args args;
  if (int rc = ParseArgs(words, {}, kLayoutUsage, &args); rc >= 0) return rc;
  const std::string& path = args.positional()[0];
  uint64_t file_size = 0;
  std::vector<BlockInfo> blocks;
  std::unique_ptr<RandomAccessFile> file;
  const Status walk = ReadTableBlocks(path, &file_size, &blocks, &file);
  if (blocks.empty()) return Fail("cannot read " + path, walk);
  const bool json = args.Has("json");
  int bad = 0;
  uint64_t expected = 0;  // where the next block should start
  if (json) {
    absl::PrintF("{\"file\": %s, \"file_size\": %u, \"blocks\": [", JsonString(path), file_size);
  } else {
    absl::PrintF("%s: %u bytes\n%10s %10s  %-12s %-7s %s\n", path, file_size, "offset", "size",
                 "kind", "codec", "check");
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    const BlockInfo& b = blocks[i];
    if (!b.status.ok()) ++bad;
    if (json) {
      absl::PrintF(
          "%s\n  {\"offset\": %u, \"size\": %u, \"kind\": %s, \"codec\": \"%s\", "
          "\"ok\": %s, \"status\": %s}",
          i == 0 ? "" : ",", b.handle.offset, b.handle.size, JsonString(b.kind),
          TrailerName(b.trailer_type), b.status.ok() ? "true" : "false",
          JsonString(b.status.ToString()));
      continue;
    }
    if (b.handle.offset != expected) {
      absl::PrintF("%10u %10s  %s\n", expected, "",
                   b.handle.offset > expected ? "(gap: bytes no block names)"
                                              : "(overlaps the previous block)");
    }
    absl::PrintF("%10u %10u  %-12s %-7s %s\n", b.handle.offset, b.handle.size, Escape(b.kind),
                 TrailerName(b.trailer_type), b.status.ok() ? "ok" : b.status.ToString());
    expected = b.handle.offset + b.handle.size + (b.kind == "footer" ? 0 : kBlockTrailerSize);
  }
  if (json) {
    absl::PrintF("\n], \"bad_blocks\": %d, \"status\": %s}\n", bad, JsonString(walk.ToString()));
  } else {
    absl::PrintF("-- %u blocks, %d bad\n", blocks.size(), bad);
  }
  if (!walk.ok()) return Fail("walking " + path, walk);
  if (bad == 0) return kExitOk;
  absl::FPrintF(stderr, "lsm: %d bad blocks in %s\n", bad, path);
  return kExitFailed;
}

int SstRecompress(const Words& words) {
  Args args;
  if (int rc = ParseArgs(words, {{"codecs"}, {}}, kRecompressUsage, &args); rc >= 0) return rc;
  struct Codec {
    std::string name;
    CompressionType type;
    int level;
    uint64_t out = 0, kept_raw = 0;
    double compress_s = 0, decompress_s = 0;
  };
  std::vector<Codec> codecs;
  std::string list = args.Get("codecs", "none,lz4,zstd:1,zstd:3");
  for (size_t pos = 0; pos <= list.size();) {
    size_t comma = std::min(list.find(',', pos), list.size());
    std::string c = list.substr(pos, comma - pos);
    pos = comma + 1;
    if (c == "none")
      codecs.push_back({c, CompressionType::kNone, 0});
    else if (c == "lz4")
      codecs.push_back({c, CompressionType::kLZ4, 0});
    else if (c == "zstd")
      codecs.push_back({c, CompressionType::kZstd, 3});
    else if (c.rfind("zstd:", 0) == 0 && c.size() > 5 && c.size() < 8 &&
             c.find_first_not_of("0123456789", 5) == std::string::npos) {
      codecs.push_back({c, CompressionType::kZstd, std::stoi(c.substr(5))});
    } else {
      return UsageError("unknown codec '" + c + "' (none, lz4, zstd, zstd:N)", kRecompressUsage);
    }
  }
  const std::string& path = args.positional()[0];
  uint64_t file_size = 0;
  std::vector<BlockInfo> map;
  std::unique_ptr<RandomAccessFile> file;
  if (Status s = ReadTableBlocks(path, &file_size, &map, &file); !s.ok()) {
    return Fail("reading " + path, s);
  }
  uint64_t raw = 0, blocks = 0;
  using Clock = std::chrono::steady_clock;
  for (const BlockInfo& b : map) {
    if (b.kind.rfind("data", 0) != 0) continue;
    if (!b.status.ok()) return Fail("reading " + path, b.status);
    std::string contents, packed, back;
    if (Status s = ReadBlock(file.get(), path, b.handle, true, &contents); !s.ok()) {
      return Fail("reading " + path, s);
    }
    raw += contents.size();
    ++blocks;
    for (Codec& c : codecs) {
      if (c.type == CompressionType::kNone) {
        c.out += contents.size();
        continue;
      }
      auto t0 = Clock::now();
      const bool ok = Compress(c.type, c.level, contents, &packed);
      auto t1 = Clock::now();
      Status s = ok ? Uncompress(c.type, packed, kMaxUncompressedBlockSize, &back)
                    : Status::Corruption("codec failed");
      auto t2 = Clock::now();
      if (!s.ok() || back != contents) return Fail(c.name + " round trip of a block failed", s);
      c.compress_s += std::chrono::duration<double>(t1 - t0).count();
      c.decompress_s += std::chrono::duration<double>(t2 - t1).count();
      const bool keep = packed.size() * 8 > contents.size() * 7;
      c.kept_raw += keep ? 1 : 0;
      c.out += keep ? contents.size() : packed.size();
    }
  }
  const bool json = args.Has("json");
  auto mbps = [raw](double s) { return s <= 0 ? 0.0 : raw / s / 1e6; };
  if (json) {
    absl::PrintF("{\"file\": %s, \"data_blocks\": %u, \"raw_bytes\": %u, \"codecs\": [",
                 JsonString(path), blocks, raw);
  } else {
    absl::PrintF("%s: %u data blocks, %u bytes uncompressed (file unchanged)\n", path, blocks, raw);
    absl::PrintF("%-8s %12s %7s %9s %14s %16s\n", "codec", "bytes", "ratio", "raw-kept",
                 "compress MB/s", "decompress MB/s");
  }
  for (size_t i = 0; i < codecs.size(); ++i) {
    const Codec& c = codecs[i];
    const double ratio = c.out == 0 ? 0.0 : static_cast<double>(raw) / c.out;
    if (json) {
      absl::PrintF(
          "%s\n  {\"codec\": \"%s\", \"bytes\": %u, \"ratio\": %.3f, \"kept_raw\": %u, "
          "\"compress_mb_s\": %.1f, \"decompress_mb_s\": %.1f}",
          i == 0 ? "" : ",", c.name, c.out, ratio, c.kept_raw, mbps(c.compress_s),
          mbps(c.decompress_s));
    } else {
      absl::PrintF("%-8s %12u %7.3f %9u %14.1f %16.1f\n", c.name, c.out, ratio, c.kept_raw,
                   mbps(c.compress_s), mbps(c.decompress_s));
    }
  }
  if (json) absl::PrintF("\n]}\n");
  return kExitOk;
}

}  // namespace lsm::cli
