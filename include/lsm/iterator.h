// lsm::Iterator: an ordered cursor over key/value pairs.
//
//   std::unique_ptr<lsm::Iterator> it = db->NewIterator(lsm::ReadOptions());
//   for (it->Seek("a"); it->Valid() && it->key() < "b"; it->Next()) use(it->key(), it->value());
//   if (!it->status().ok()) { ... }  // an iterator that stops early always says why
//
// key() and value() stay valid until the iterator is moved or destroyed.
// Thread-safety: an iterator is used by one thread at a time.
#ifndef LSM_ITERATOR_H_
#define LSM_ITERATOR_H_

#include <string_view>

#include "lsm/status.h"

namespace lsm {

class Iterator {
 public:
  Iterator() = default;
  Iterator(const Iterator&) = delete;
  Iterator& operator=(const Iterator&) = delete;
  virtual ~Iterator() = default;

  // True when positioned at an entry. After an error Valid() is false and status() says why.
  virtual bool Valid() const = 0;

  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  // Positions at the first entry with key >= target.
  virtual void Seek(std::string_view target) = 0;
  // Positions at the last entry with key <= target.
  virtual void SeekForPrev(std::string_view target) = 0;

  // REQUIRES: Valid().
  virtual void Next() = 0;
  // REQUIRES: Valid().
  virtual void Prev() = 0;

  // REQUIRES: Valid().
  virtual std::string_view key() const = 0;
  // REQUIRES: Valid().
  virtual std::string_view value() const = 0;

  // OK unless an error was met; an iterator that became invalid early reports it here.
  virtual Status status() const = 0;
};

}  // namespace lsm

#endif  // LSM_ITERATOR_H_
