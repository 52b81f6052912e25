#include "src/compaction/compaction_job.h"

#include <absl/container/flat_hash_set.h>

#include <algorithm>
#include <limits>
#include <optional>

#include "src/base/filename.h"
#include "src/base/get_context.h"
#include "src/base/merging_iterator.h"
#include "src/sstable/table_builder.h"
#include "src/util/killpoint.h"

namespace lsm {
namespace {

// Bytes of an input table read at once (ReadOptions::readahead_size).
constexpr size_t kCompactionReadaheadSize = 2 << 20;

// User keys from begin to end, end included or not.
struct KeySpan {
  std::string_view begin;
  std::string_view end;
  bool end_included;
};

// True when no table of `v` outside `inputs` whose keys reach into `span` may hold an entry
// older than `sequence`.
bool NoOlderEntryOutside(const Version& v, const absl::flat_hash_set<uint64_t>& inputs,
                         const Comparator* ucmp, const KeySpan& span, SequenceNumber sequence) {
  auto before_end = [&](const FileMetaData& f) {
    const int c = ucmp->Compare(ExtractUserKey(f.smallest), span.end);
    return span.end_included ? c <= 0 : c < 0;
  };
  auto may_hold = [&](const FileMetaData& f) {
    return f.smallest_seqno < sequence && !inputs.contains(f.number) &&
           ucmp->Compare(ExtractUserKey(f.largest), span.begin) >= 0 && before_end(f);
  };
  for (const auto& f : v.files(0)) {
    if (may_hold(*f)) return false;
  }
  for (int level = 1; level < kNumLevels; level++) {
    const FileList& files = v.files(level);
    // From the first file whose largest key is at or past begin, while they start before end.
    auto it = std::partition_point(files.begin(), files.end(), [&](const auto& f) {
      return ucmp->Compare(ExtractUserKey(f->largest), span.begin) < 0;
    });
    for (; it != files.end() && before_end(**it); ++it) {
      if (may_hold(**it)) return false;
    }
  }
  return true;
}

// True when the output of `c` is the bottom of its key range's data: no table of `v` outside
// the input may hold an older entry of a key in it. Deeper levels hold older data, and so do
// level-0 tables older than a level-0 input; every other table is newer (level 0's tables
// above the input's, the levels above) or holds other keys (the output level's other tables).
bool OutputIsBottommost(const Version& v, const Compaction& c,
                        const absl::flat_hash_set<uint64_t>& inputs,
                        const InternalKeyComparator& icmp) {
  if (c.output_level == 0) return false;
  std::string_view smallest, largest;
  c.KeyRange(icmp.user_comparator(), &smallest, &largest);
  SequenceNumber newest_level0_input = 0;
  for (const CompactionInputs& in : c.inputs) {
    if (in.level != 0) continue;
    for (const auto& f : in.files) {
      newest_level0_input = std::max(newest_level0_input, f->largest_seqno);
    }
  }
  for (const auto& f : OverlappingFiles(v, icmp, 0, smallest, largest)) {
    if (!inputs.contains(f->number) && f->largest_seqno < newest_level0_input) return false;
  }
  for (int level = c.output_level + 1; level < kNumLevels; level++) {
    if (!OverlappingFiles(v, icmp, level, smallest, largest).empty()) return false;
  }
  return true;
}

// Writes output tables one after another. Each output also gets the range tombstones kept
// (`tombstones`, in any order), cut to the user keys it spans: from where the previous output
// ended to where the next begins, so that together they cover every kept tombstone whole.
class OutputWriter {
 public:
  OutputWriter(const CompactionContext& ctx, uint64_t newest_write_time,
               std::vector<RangeTombstone> tombstones, CompactionJobResult* result)
      : ctx_(ctx),
        newest_write_time_(newest_write_time),
        tombstones_(std::move(tombstones)),
        result_(result) {}

  ~OutputWriter() { Abandon(); }

  Status Add(std::string_view key, std::string_view value) {
    if (builder_ == nullptr) {
      Status s = Start();
      if (!s.ok()) return s;
      meta_.smallest.assign(key);
    }
    meta_.largest.assign(key);
    builder_->Add(key, value);
    return builder_->status();
  }

  uint64_t CurrentSize() const { return builder_ == nullptr ? 0 : builder_->EstimatedFileSize(); }

  // Ends the output being written; `next` is the first user key of the next one (null after
  // the last: then an output holding only tombstones is written if any remain).
  Status Finish(const std::string* next) {
    if (builder_ == nullptr && next == nullptr && TombstonesRemain()) {
      Status s = Start();
      if (!s.ok()) return s;
    }
    if (builder_ == nullptr) return Status::OK();
    AddTombstones(next);
    Status s = builder_->Finish();
    meta_.file_size = builder_->FileSize();
    meta_.smallest_seqno = builder_->properties().smallest_seqno;
    meta_.largest_seqno = builder_->properties().largest_seqno;
    builder_.reset();
    if (s.ok()) s = file_->Sync();
    if (s.ok()) LSM_KILLPOINT("sst.synced");
    if (s.ok()) s = file_->Close();
    file_.reset();
    if (!s.ok()) {
      (void)ctx_.fs->RemoveFile(TableFileName(ctx_.dbname, meta_.number));
      return s;
    }
    result_->bytes_written += meta_.file_size;
    result_->outputs.push_back(meta_);
    return Status::OK();
  }

  // Removes the table being written, if any.
  void Abandon() {
    if (builder_ == nullptr) return;
    builder_->Abandon();
    builder_.reset();
    (void)file_->Close();
    file_.reset();
    (void)ctx_.fs->RemoveFile(TableFileName(ctx_.dbname, meta_.number));
  }

 private:
  Status Start() {
    meta_ = FileMetaData();
    meta_.number = ctx_.new_file_number();
    meta_.newest_write_time = newest_write_time_;
    std::unique_ptr<WritableFile> file;
    const std::string path = TableFileName(ctx_.dbname, meta_.number);
    Status s = ctx_.direct_writes ? ctx_.fs->NewDirectWritableFile(path, &file)
                                  : ctx_.fs->NewWritableFile(path, &file);
    if (!s.ok()) return s;
    file_ = NewRateLimitedFile(std::move(file), ctx_.rate_limiter);
    builder_ = std::make_unique<TableBuilder>(ctx_.table_options, file_.get());
    return Status::OK();
  }

  // Some tombstone reaches past where this output begins.
  bool TombstonesRemain() const {
    const Comparator* ucmp = ctx_.icmp->user_comparator();
    return std::any_of(tombstones_.begin(), tombstones_.end(), [&](const RangeTombstone& t) {
      return !lower_.has_value() || ucmp->Compare(*lower_, t.end) < 0;
    });
  }

  // Adds the parts of the tombstones in [lower_, next), widening the output's key range over
  // them.
  void AddTombstones(const std::string* next) {
    const Comparator* ucmp = ctx_.icmp->user_comparator();
    for (const RangeTombstone& t : tombstones_) {
      RangeTombstone part = t;
      if (lower_.has_value() && ucmp->Compare(part.begin, *lower_) < 0) part.begin = *lower_;
      if (next != nullptr && ucmp->Compare(*next, part.end) < 0) part.end = *next;
      if (ucmp->Compare(part.begin, part.end) >= 0) continue;
      WidenRangeOver(*ctx_.icmp, part, &meta_.smallest, &meta_.largest);
      builder_->AddRangeTombstone(part);
    }
    if (next != nullptr) lower_ = *next;
  }

  const CompactionContext& ctx_;
  const uint64_t newest_write_time_;
  const std::vector<RangeTombstone> tombstones_;
  std::optional<std::string> lower_;  // where this output's key range begins; none: unbounded
  CompactionJobResult* const result_;
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<TableBuilder> builder_;
  FileMetaData meta_;
};

// Tells when an output should end before a key so that it does not overlap too much of the
// grandparent level.
class GrandparentCutter {
 public:
  GrandparentCutter(const Compaction* c, const Comparator* ucmp) : c_(c), ucmp_(ucmp) {}

  // Called with each new user key, in order.
  bool ShouldCutBefore(std::string_view user_key) {
    if (c_ == nullptr) return false;
    const FileList& gp = c_->grandparents;
    while (next_ < gp.size() && ucmp_->Compare(user_key, ExtractUserKey(gp[next_]->largest)) > 0) {
      if (seen_key_) overlapped_bytes_ += gp[next_]->file_size;
      next_++;
    }
    seen_key_ = true;
    if (overlapped_bytes_ > c_->max_grandparent_overlap_bytes) {
      overlapped_bytes_ = 0;
      return true;
    }
    return false;
  }

 private:
  const Compaction* const c_;
  const Comparator* const ucmp_;
  size_t next_ = 0;
  bool seen_key_ = false;
  uint64_t overlapped_bytes_ = 0;
};

// Where merge operands of one key may be combined: runs of entries that no snapshot separates.
class Stripes {
 public:
  explicit Stripes(const std::vector<SequenceNumber>& snapshots) : snapshots_(snapshots) {}
  // Entries in the same stripe are seen by the same snapshots.
  size_t Of(SequenceNumber seq) const {
    return std::lower_bound(snapshots_.begin(), snapshots_.end(), seq) - snapshots_.begin();
  }

 private:
  const std::vector<SequenceNumber>& snapshots_;
};

// A key's merge operands of one stripe, newest first.
struct MergeRun {
  std::vector<std::pair<SequenceNumber, std::string>> operands;
  std::string scratch;
};

// The input is on *ikey, a merge operand. Reads the operands of its stripe and the value or
// deletion below them, leaving the input past what it read (each entry counted in
// result->entries_in), and either merges them into one value, in *merged (*ikey becomes that
// value, at the newest operand's sequence), or, when what lies below them is not known,
// leaves them in run->operands (*ikey stays a merge operand), combined into one where
// PartialMerge allows.
template <typename NothingOlderOutside, typename Covered>
Status MergeOperands(InternalIterator* input, const CompactionContext& ctx, const Stripes& stripes,
                     const NothingOlderOutside& nothing_older_outside, const Covered& covered,
                     ParsedInternalKey* ikey, MergeRun* run, std::string* merged,
                     CompactionJobResult* result) {
  const Comparator* ucmp = ctx.icmp->user_comparator();
  const uint64_t entries_before = result->entries_in;
  run->operands.clear();
  run->operands.emplace_back(ikey->sequence, input->value());
  std::optional<ValueType> base_type;  // of the value or deletion below the operands
  std::string base;
  bool key_ended = true;  // the input holds no older entry of the key
  const size_t stripe = stripes.Of(ikey->sequence);
  for (input->Next(); input->Valid(); input->Next()) {
    ParsedInternalKey next;
    if (!ParseInternalKey(input->key(), &next)) {
      return Status::Corruption("compaction input holds an internal key that does not parse");
    }
    if (ucmp->Compare(next.user_key, ikey->user_key) != 0) break;
    if (stripes.Of(next.sequence) != stripe) {
      key_ended = false;
      break;
    }
    if (covered(next.user_key, next.sequence)) {
      base_type = ValueType::kDeletion;  // a tombstone under the operands; the entry is left
      break;
    }
    result->entries_in++;
    if (next.type == ValueType::kMerge) {
      run->operands.emplace_back(next.sequence, input->value());
      continue;
    }
    base_type = next.type;
    base.assign(input->value());
    input->Next();
    break;
  }
  Status s = input->status();
  if (!s.ok()) return s;
  const size_t read = result->entries_in - entries_before + 1;
  if (base_type.has_value() ||
      (key_ended && nothing_older_outside(ikey->user_key, run->operands.back().first))) {
    std::vector<std::string_view> oldest_first;
    for (auto it = run->operands.rbegin(); it != run->operands.rend(); ++it) {
      oldest_first.push_back(it->second);
    }
    const std::string_view base_view = base;
    s = FullMerge(ctx.merge_operator, ikey->user_key,
                  base_type == ValueType::kValue ? &base_view : nullptr, oldest_first, merged);
    if (!s.ok()) return s;
    ikey->type = ValueType::kValue;
    result->entries_dropped += read - 1;
    return Status::OK();
  }
  // Fold the operands, oldest first, into one; keep them all if any pair will not combine.
  std::string combined = run->operands.back().second;
  for (size_t i = run->operands.size() - 1; i-- > 0;) {
    if (!ctx.merge_operator->PartialMerge(ikey->user_key, combined, run->operands[i].second,
                                          &run->scratch)) {
      return Status::OK();
    }
    combined.swap(run->scratch);
  }
  run->operands.resize(1);  // the newest operand's sequence
  run->operands[0].second = std::move(combined);
  result->entries_dropped += read - 1;
  return Status::OK();
}

// The merge loop shared by compactions (c != null) and flushes. `tombstones`: the input's
// range tombstones.
Status Run(const Compaction* c, InternalIterator* input, const RangeTombstoneList& tombstones,
           const CompactionContext& ctx, uint64_t newest_write_time, CompactionJobResult* result) {
  const Comparator* ucmp = ctx.icmp->user_comparator();
  const uint64_t max_output_size =
      c == nullptr ? std::numeric_limits<uint64_t>::max() : c->max_output_file_size;
  absl::flat_hash_set<uint64_t> inputs;
  if (c != nullptr) {
    for (const CompactionInputs& in : c->inputs) {
      for (const auto& f : in.files) inputs.insert(f->number);
    }
  }
  const CompactionFilter* filter = c == nullptr ? nullptr : ctx.filter;
  const SequenceNumber newest_snapshot = ctx.snapshots.empty() ? 0 : ctx.snapshots.back();
  const Stripes stripes(ctx.snapshots);
  // True when nothing older than `sequence` of user_key can exist outside the input.
  auto nothing_older_outside = [&](std::string_view user_key, SequenceNumber sequence) {
    return ctx.version != nullptr &&
           NoOlderEntryOutside(*ctx.version, inputs, ucmp, {user_key, user_key, true}, sequence);
  };
  // An entry below a tombstone that no snapshot separates from it is seen by no reader. The
  // keys come in order: the cursor makes most lookups a step or none.
  RangeTombstoneList::Cursor cursor;
  auto covered = [&](std::string_view user_key, SequenceNumber sequence) {
    const SequenceNumber above = tombstones.CoveringAbove(user_key, sequence, &cursor);
    return above != 0 && stripes.Of(above) == stripes.Of(sequence);
  };
  // A tombstone that every reader sees, with nothing older under it outside the input, has
  // done its work: what it covers in the input is dropped with it.
  std::vector<RangeTombstone> kept;
  for (const RangeTombstone& t : tombstones.tombstones()) {
    if (t.seq <= ctx.oldest_snapshot && ctx.version != nullptr &&
        NoOlderEntryOutside(*ctx.version, inputs, ucmp, {t.begin, t.end, false}, t.seq)) {
      result->entries_dropped++;
    } else {
      kept.push_back(t);
    }
  }
  // A value that every reader sees, at the bottom of its key's data, is written at sequence 0,
  // whose tag packs into one byte (table format version 3). Nothing older of its key remains
  // to tell it from, and every newer entry and tombstone keeps its sequence. Not below a kept
  // tombstone: one older than the value would cover it at sequence 0.
  const bool zero_sequences = c != nullptr && ctx.version != nullptr && kept.empty() &&
                              OutputIsBottommost(*ctx.version, *c, inputs, *ctx.icmp);
  OutputWriter out(ctx, newest_write_time, std::move(kept), result);
  GrandparentCutter cutter(c, ucmp);
  Status s;
  std::string current_user_key;
  bool has_current = false;
  // The sequence of the newer entry of the current user key that hides older ones; kNoneNewer,
  // above every sequence, when there is none.
  constexpr SequenceNumber kNoneNewer = std::numeric_limits<SequenceNumber>::max();
  SequenceNumber newer_sequence = kNoneNewer;
  std::string key_buffer, new_value, filtered_value;
  MergeRun run;
  input->SeekToFirst();
  while (s.ok() && input->Valid()) {
    const std::string_view key = input->key();
    std::string_view value = input->value();
    ParsedInternalKey ikey;
    if (!ParseInternalKey(key, &ikey)) {
      s = Status::Corruption("compaction input holds an internal key that does not parse");
      break;
    }
    if (ctx.cancel != nullptr && (result->entries_in & 1023) == 0 && ctx.cancel->load()) {
      s = Status::Busy("compaction cancelled: the database is closing");
      break;
    }
    result->entries_in++;
    const bool new_user_key = !has_current || ucmp->Compare(ikey.user_key, current_user_key) != 0;
    if (new_user_key) {
      // Only between user keys may an output end: one key's versions stay in one table.
      if (cutter.ShouldCutBefore(ikey.user_key) || out.CurrentSize() >= max_output_size) {
        current_user_key.assign(ikey.user_key);
        s = out.Finish(&current_user_key);
        if (!s.ok()) break;
      }
      current_user_key.assign(ikey.user_key);
      has_current = true;
      newer_sequence = kNoneNewer;
    }
    ikey.user_key = current_user_key;  // stays valid while the input moves on
    if (newer_sequence <= ctx.oldest_snapshot || covered(ikey.user_key, ikey.sequence)) {
      result->entries_dropped++;  // a newer version or a tombstone hides it from every reader
      input->Next();
      continue;
    }
    const ValueType input_type = ikey.type;
    bool read_past = false;  // the input is past the entry already
    if (ikey.type == ValueType::kMerge && ctx.merge_operator != nullptr) {
      read_past = true;
      s = MergeOperands(input, ctx, stripes, nothing_older_outside, covered, &ikey, &run,
                        &new_value, result);
      if (!s.ok()) break;
      if (ikey.type == ValueType::kMerge) {
        // Operands are written as they are, or combined, and hide nothing below them.
        for (const auto& [sequence, operand] : run.operands) {
          key_buffer.clear();
          AppendInternalKey(&key_buffer,
                            ParsedInternalKey(ikey.user_key, sequence, ValueType::kMerge));
          s = out.Add(key_buffer, operand);
          if (!s.ok()) break;
        }
        continue;
      }
      value = new_value;  // one value in the operands' place
    }
    bool drop = false;
    if (ikey.type == ValueType::kDeletion && ikey.sequence <= ctx.oldest_snapshot &&
        nothing_older_outside(ikey.user_key, ikey.sequence)) {
      drop = true;  // nothing older remains for the deletion to hide
    } else if (filter != nullptr && new_user_key && ikey.type == ValueType::kValue &&
               (ctx.snapshots.empty() || ikey.sequence > newest_snapshot)) {
      switch (filter->Filter(c->output_level, ikey.user_key, value, &filtered_value)) {
        case CompactionFilter::Decision::kKeep:
          break;
        case CompactionFilter::Decision::kChangeValue:
          result->entries_filtered++;
          value = filtered_value;
          break;
        case CompactionFilter::Decision::kRemove:
          // A deletion in its place keeps older versions below from coming back. Where no
          // reader sees an older version and none can exist outside the input (the output is
          // the bottom of the key's data), there is nothing to hide: the value goes outright,
          // and so do the older versions in the input, which it hides from every reader.
          result->entries_filtered++;
          ikey.type = ValueType::kDeletion;
          value = {};
          drop = ikey.sequence <= ctx.oldest_snapshot &&
                 nothing_older_outside(ikey.user_key, ikey.sequence);
          break;
      }
    }
    // A merge operand (kept as it is without a merge operator) hides nothing below it.
    if (ikey.type != ValueType::kMerge) newer_sequence = ikey.sequence;
    const bool zero = zero_sequences && ikey.type == ValueType::kValue && ikey.sequence != 0 &&
                      ikey.sequence <= ctx.oldest_snapshot;
    if (zero) ikey.sequence = 0;
    if (drop) {
      result->entries_dropped++;
    } else if (read_past || ikey.type != input_type || zero) {
      key_buffer.clear();  // a merge result, a value the filter removed, or one at sequence 0
      AppendInternalKey(&key_buffer, ikey);
      s = out.Add(key_buffer, value);
    } else {
      s = out.Add(key, value);
    }
    if (!read_past) input->Next();
  }
  if (s.ok()) s = input->status();
  if (s.ok()) s = out.Finish(nullptr);
  if (!s.ok()) {
    out.Abandon();
    for (const FileMetaData& f : result->outputs) {
      (void)ctx.fs->RemoveFile(TableFileName(ctx.dbname, f.number));
    }
    result->outputs.clear();
  }
  return s;
}

}  // namespace

Status RunCompaction(const Compaction& c, const CompactionContext& ctx,
                     CompactionJobResult* result) {
  ReadOptions ro;
  ro.fill_cache = false;  // a compaction reads each block once
  ro.readahead_size = kCompactionReadaheadSize;
  std::vector<std::unique_ptr<InternalIterator>> children;
  uint64_t newest_write_time = 0;
  for (const CompactionInputs& in : c.inputs) {
    for (const auto& f : in.files) {
      result->bytes_read += f->file_size;
      newest_write_time = std::max(newest_write_time, f->newest_write_time);
      children.push_back(
          ctx.table_cache->NewIterator(ro, f->number, f->file_size, f->global_seqno));
    }
  }
  if (newest_write_time == 0) newest_write_time = ctx.now_seconds;
  std::unique_ptr<InternalIterator> input = NewMergingIterator(ctx.icmp, std::move(children));
  std::vector<RangeTombstone> tombstones;
  for (const CompactionInputs& in : c.inputs) {
    for (const auto& f : in.files) {
      Status s = ctx.table_cache->AppendRangeTombstones(f->number, f->file_size, f->global_seqno,
                                                        &tombstones);
      if (!s.ok()) return s;
    }
  }
  return Run(&c, input.get(),
             RangeTombstoneList(ctx.icmp->user_comparator(), std::move(tombstones)), ctx,
             newest_write_time, result);
}

Status RunFlush(InternalIterator* input, std::vector<RangeTombstone> tombstones,
                const CompactionContext& ctx, CompactionJobResult* result) {
  return Run(nullptr, input, RangeTombstoneList(ctx.icmp->user_comparator(), std::move(tombstones)),
             ctx, ctx.now_seconds, result);
}

}  // namespace lsm
