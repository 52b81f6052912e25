// The public memtable factories, and the index each one names.
#include "src/memtable/memtable_factory.h"

namespace lsm {

std::shared_ptr<MemTableRepFactory> NewSkipListFactory() {
  return std::shared_ptr<MemTableRepFactory>(new MemTableRepFactory(kSkipListFactoryName));
}

std::shared_ptr<MemTableRepFactory> NewBTreeFactory() {
  return std::shared_ptr<MemTableRepFactory>(new MemTableRepFactory(kBTreeFactoryName));
}

MemTableRep RepOf(const MemTableRepFactory* factory) {
  if (factory == nullptr) return kDefaultMemTableRep;
  return std::string_view(factory->Name()) == kSkipListFactoryName ? MemTableRep::kSkipList
                                                                   : MemTableRep::kBTree;
}

std::shared_ptr<MemTableRepFactory> FactoryNamed(std::string_view name) {
  if (name == kSkipListFactoryName || name == "skip_list") return NewSkipListFactory();
  if (name == kBTreeFactoryName || name == "btree") return NewBTreeFactory();
  return nullptr;
}

}  // namespace lsm
