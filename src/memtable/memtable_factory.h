// From the public MemTableRepFactory (include/lsm/options.h) to the memtable's index.
//
//   MemTable* mem = new MemTable(icmp, RepOf(options.memtable_factory.get()));
//   std::shared_ptr<MemTableRepFactory> f = FactoryNamed("btree");   // nullptr if unknown
#ifndef LSM_MEMTABLE_MEMTABLE_FACTORY_H_
#define LSM_MEMTABLE_MEMTABLE_FACTORY_H_

#include <memory>
#include <string_view>

#include "lsm/options.h"
#include "src/memtable/memtable.h"

namespace lsm {

inline constexpr const char* kSkipListFactoryName = "SkipListFactory";
inline constexpr const char* kBTreeFactoryName = "BTreeFactory";
// The index of a memtable whose options name none.
inline constexpr MemTableRep kDefaultMemTableRep = MemTableRep::kBTree;

// The index `factory` names; nullptr names the default.
MemTableRep RepOf(const MemTableRepFactory* factory);

// The factory of that name: a factory's Name(), or db_bench's "skip_list" and "btree"; nullptr
// for any other.
std::shared_ptr<MemTableRepFactory> FactoryNamed(std::string_view name);

}  // namespace lsm

#endif  // LSM_MEMTABLE_MEMTABLE_FACTORY_H_
