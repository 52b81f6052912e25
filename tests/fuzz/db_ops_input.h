// The input format of db_ops_fuzzer, shared with fuzz_seeds, which writes seeds in it.
//
//   input := options[0] options[1] op*
//   op    := op-byte (an Op, taken modulo kNumOps) followed by the bytes the op reads
// Reading past the end yields zeros, so every byte string decodes.
//
//   options[0]: bits 0-1 compaction style (level, universal, FIFO, level), bits 2-3
//               compression (none, LZ4, zstd, LZ4), bit 4 reverse comparator, bit 5 dynamic
//               level bytes, bit 6 bloom filter, bit 7 a compaction filter that rewrites
//               values unchanged
//   options[1]: bits 0-1 level-0 compaction trigger - 1, bits 2-3 block size (256, 512,
//               1 KiB, 4 KiB), bits 4-5 restart interval (1, 2, 4, 16), bit 6 a third
//               background job, bit 7 no block cache and the fewest open tables
//   key:        byte b < kRawKey: DBOpsKey(b); otherwise (b - kRawKey) % 4 + 1 raw bytes follow
//   value:      byte b < kLargeValue: at least b % 16 bytes (b % 16 == 0: empty);
//               otherwise (b - kLargeValue + 1) * 512 bytes
//   range:      two keys
//   walk:       a count byte (% 33), then per step a byte whose value % 8 picks Next (0-2),
//               Prev (3-4), Seek key (5, or 0 when not Valid), SeekForPrev key (6, or 3),
//               SeekToFirst (7, or 1), SeekToLast (otherwise); Next and Prev only when Valid
#ifndef LSM_TESTS_FUZZ_DB_OPS_INPUT_H_
#define LSM_TESTS_FUZZ_DB_OPS_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

namespace lsm {

enum DBOp : uint8_t {
  kOpPut,              // key value
  kOpPut2,             // key value
  kOpPut3,             // key value
  kOpDelete,           // key
  kOpWriteBatch,       // n (bit 7: sync), then n % 9 times: key, kind (% 3 == 0: delete;
                       // % 3 == 1: merge; (kind / 3) % 2: the other family), value
  kOpGet,              // key
  kOpGet2,             // key
  kOpIterate,          // walk
  kOpIterateBounded,   // bounds, walk
  kOpOpenIterator,     // kept iterator: bounded (odd), [bounds], walk
  kOpStepIterator,     // kept iterator: walk
  kOpTakeSnapshot,     //
  kOpReleaseSnapshot,  // index
  kOpReadSnapshot,     // index, kind (even: Get key; odd: walk)
  kOpFlush,            //
  kOpCompactRange,     // shape (bit 0: no begin, bit 1: no end), range
  kOpReopen,           //
  kOpMerge,            // key value (the string-append operator's operand)
  kOpDeleteRange,      // range
  kOpColumnFamily,     // family (% 2: the default one, or "side"): later ops act on it
  kOpRecreateFamily,   // drops "side" and creates it again, empty
  kNumDBOps,
};
// bounds: shape (bit 0: no lower bound, bit 1: no upper bound), range (ordered).

inline constexpr uint8_t kRawKey = 232;
inline constexpr uint8_t kLargeValue = 240;

// The key a key byte below kRawKey names: the empty key, shared prefixes, bytes 0x00 and 0xff,
// and two long keys (300 bytes, and the same with one more) that fill blocks.
inline std::string DBOpsKey(uint8_t b) {
  static constexpr std::string_view kKeys[] = {
      "",     "a",    "aa",   "ab",   "abc",      "b",          "ba",       "bb",
      "c",    "k1",   "k10",  "k2",   {"\0", 1},  {"\0\0", 2},  {"a\0", 2}, {"a\0b", 3},
      "\x01", "\x7f", "\x80", "\xff", "\xff\xff", {"\xff\0", 2}};
  constexpr size_t kTable = std::size(kKeys);
  const size_t i = b % (kTable + 2);
  if (i < kTable) return std::string(kKeys[i]);
  return std::string(300, 'm') + (i == kTable ? "" : "n");
}

}  // namespace lsm

#endif  // LSM_TESTS_FUZZ_DB_OPS_INPUT_H_
