// Embeds lsm: open (creating) a database, write, read, scan, close.
//   hello [path]        default path: ./hello-db
#include <cstdio>
#include <memory>
#include <string>

#include "lsm/db.h"

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "hello-db";
  lsm::Options options;
  options.create_if_missing = true;
  std::unique_ptr<lsm::DB> db;
  lsm::Status s = lsm::DB::Open(options, path, &db);
  if (!s.ok()) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), s.ToString().c_str());
    return 1;
  }

  lsm::WriteBatch batch;  // applied atomically
  batch.Put("apple", "red");
  batch.Put("banana", "yellow");
  batch.Delete("cherry");
  s = db->Write(lsm::WriteOptions{.sync = true}, &batch);

  std::string value;
  if (s.ok()) s = db->Get(lsm::ReadOptions(), "apple", &value);
  if (s.ok()) std::printf("apple -> %s\n", value.c_str());

  std::unique_ptr<lsm::Iterator> it = db->NewIterator(lsm::ReadOptions());
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::printf("%.*s = %.*s\n", static_cast<int>(it->key().size()), it->key().data(),
                static_cast<int>(it->value().size()), it->value().data());
  }
  if (s.ok()) s = it->status();
  it.reset();  // iterators go before the database closes

  lsm::Status closed = db->Close();
  if (s.ok()) s = closed;
  if (!s.ok()) std::fprintf(stderr, "error: %s\n", s.ToString().c_str());
  return s.ok() ? 0 : 1;
}
