// IdHandle: a ColumnFamilyHandle that only names a family ID, for tests that build write
// batches of several families without a database.
#ifndef LSM_TESTS_SUPPORT_ID_HANDLE_H_
#define LSM_TESTS_SUPPORT_ID_HANDLE_H_

#include <cstdint>
#include <string>

#include "lsm/column_family.h"

namespace lsm {

class IdHandle final : public ColumnFamilyHandle {
 public:
  explicit IdHandle(uint32_t id) : id_(id) {}
  const std::string& GetName() const override { return name_; }
  uint32_t GetID() const override { return id_; }

 private:
  uint32_t id_;
  std::string name_;
};

}  // namespace lsm

#endif  // LSM_TESTS_SUPPORT_ID_HANDLE_H_
