// JsonWriter: builds one JSON document in a string, adding the commas and escaping strings.
//
//   lsm::bench::JsonWriter json;
//   json.BeginObject();
//   json.Key("engine");
//   json.String("lsm");
//   json.Key("ops_per_sec");
//   json.Number(812345.5);
//   json.EndObject();
//   std::string text = json.Take();  // {"engine": "lsm", "ops_per_sec": 812345.5}
//
// The caller keeps the structure well formed (a Key before each value inside an object).
// Non-finite numbers are written as null. Not thread-safe.
#ifndef LSM_BENCH_LSM_BENCH_JSON_WRITER_H_
#define LSM_BENCH_LSM_BENCH_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lsm::bench {

class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view value);
  void Number(double value);
  void Integer(uint64_t value);
  void Bool(bool value);
  void Null();

  // The document, ending with '\n'; the writer is empty afterwards.
  std::string Take();

 private:
  // Writes the comma and line break that separate a value from the one before it.
  void Separate();
  void Quote(std::string_view s);
  void Open(char bracket);
  void Close(char bracket);

  std::string out_;
  // One entry per open object or array: whether it holds a value yet.
  std::vector<bool> has_value_;
  bool after_key_ = false;
};

}  // namespace lsm::bench

#endif  // LSM_BENCH_LSM_BENCH_JSON_WRITER_H_
