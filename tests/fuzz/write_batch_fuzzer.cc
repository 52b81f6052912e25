// Decodes arbitrary bytes as a WriteBatch: Iterate must either report Corruption or hand out
// exactly Count() records, which re-encode to a batch that decodes to the same records.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lsm/column_family.h"
#include "lsm/write_batch.h"
#include "src/base/write_batch_internal.h"
#include "tests/support/id_handle.h"

namespace {

struct Rebuilder : lsm::WriteBatch::Handler {
  lsm::WriteBatch batch;
  lsm::Status Put(std::string_view, std::string_view) override { return lsm::Status::OK(); }
  lsm::Status Delete(std::string_view) override { return lsm::Status::OK(); }
  lsm::Status PutCF(uint32_t cf, std::string_view k, std::string_view v) override {
    lsm::IdHandle h(cf);
    batch.Put(&h, k, v);
    return lsm::Status::OK();
  }
  lsm::Status DeleteCF(uint32_t cf, std::string_view k) override {
    lsm::IdHandle h(cf);
    batch.Delete(&h, k);
    return lsm::Status::OK();
  }
  lsm::Status MergeCF(uint32_t cf, std::string_view k, std::string_view v) override {
    lsm::IdHandle h(cf);
    batch.Merge(&h, k, v);
    return lsm::Status::OK();
  }
  lsm::Status DeleteRangeCF(uint32_t cf, std::string_view b, std::string_view e) override {
    lsm::IdHandle h(cf);
    batch.DeleteRange(&h, b, e);
    return lsm::Status::OK();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  lsm::WriteBatch batch;
  if (!lsm::WriteBatchInternal::SetContents(&batch, input).ok()) return 0;
  Rebuilder rebuilt;
  if (!batch.Iterate(&rebuilt).ok()) return 0;
  if (rebuilt.batch.Count() != batch.Count()) std::abort();
  Rebuilder again;
  if (!rebuilt.batch.Iterate(&again).ok() || again.batch.Data() != rebuilt.batch.Data()) {
    std::abort();
  }
  return 0;
}
