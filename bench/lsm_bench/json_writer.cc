#include "bench/lsm_bench/json_writer.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_format.h"

namespace lsm::bench {

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (has_value_.empty()) return;
  if (has_value_.back()) out_ += ",";
  has_value_.back() = true;
  out_ += "\n";
  out_.append(2 * has_value_.size(), ' ');
}

void JsonWriter::BeginObject() { Open('{'); }
void JsonWriter::EndObject() { Close('}'); }
void JsonWriter::BeginArray() { Open('['); }
void JsonWriter::EndArray() { Close(']'); }

void JsonWriter::Open(char bracket) {
  Separate();
  out_ += bracket;
  has_value_.push_back(false);
}

void JsonWriter::Close(char bracket) {
  const bool had = has_value_.back();
  has_value_.pop_back();
  if (had) {
    out_ += "\n";
    out_.append(2 * has_value_.size(), ' ');
  }
  out_ += bracket;
}

void JsonWriter::Key(std::string_view key) {
  Separate();
  Quote(key);
  out_ += ": ";
  after_key_ = true;
}

void JsonWriter::String(std::string_view value) {
  Separate();
  Quote(value);
}

void JsonWriter::Number(double value) {
  Separate();
  if (std::isfinite(value)) {
    absl::StrAppendFormat(&out_, "%.10g", value);
  } else {
    out_ += "null";
  }
}

void JsonWriter::Integer(uint64_t value) {
  Separate();
  absl::StrAppendFormat(&out_, "%d", value);
}

void JsonWriter::Bool(bool value) {
  Separate();
  out_ += value ? "true" : "false";
}

void JsonWriter::Null() {
  Separate();
  out_ += "null";
}

std::string JsonWriter::Take() {
  out_ += "\n";
  has_value_.clear();
  after_key_ = false;
  return std::exchange(out_, std::string());
}

void JsonWriter::Quote(std::string_view s) {
  out_ += '"';
  for (const char c : s) {
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out_, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out_ += c;
        }
    }
  }
  out_ += '"';
}

}  // namespace lsm::bench
