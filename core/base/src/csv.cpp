#include "vigil/base/csv.hpp"

#include <cstddef>
#include <cstdio>
#include <optional>
#include <utility>

namespace vigil::base {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// Bytes copied as they are: the fast path for both kinds of field.
bool is_plain_unquoted(unsigned char byte) {
  return byte < 0x80 && byte != ',' && byte != '"' && byte != '\r' && byte != '\n';
}
bool is_plain_quoted(unsigned char byte) {
  return byte < 0x80 && byte != '"' && byte != '\r' && byte != '\n';
}

// The length of the well-formed UTF-8 sequence that starts at text[pos] (a byte >= 0x80), or 0
// when it is not one. Overlong forms, surrogates and values above U+10FFFF are not well formed.
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return 0;
  }
  if (pos + length > text.size()) return 0;
  if (byte(pos + 1) < second_min || byte(pos + 1) > second_max) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
  }
  return length;
}

std::string invalid_utf8_reason(unsigned char byte) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(byte));
  return std::string("invalid UTF-8 (byte ") + hex + "); the file must be saved as UTF-8";
}

// One pass over the text. A record that turns out malformed is still read to its end with
// lenient rules (a stray quote is taken as text) so the next record starts where a person would
// expect it to, then it is reported instead of kept.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {
    if (text_.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
      pos_ = kByteOrderMark.size();
    }
  }

  CsvFile read() {
    while (pos_ < text_.size()) {
      if (consume_line_end()) continue;  // a blank line
      read_record();
    }
    return std::move(out_);
  }

 private:
  unsigned char at(std::size_t pos) const { return static_cast<unsigned char>(text_[pos]); }

  // Consumes LF, CRLF or a lone CR at pos_ and counts the line; false when there is none.
  bool consume_line_end() {
    if (pos_ >= text_.size()) return false;
    if (text_[pos_] == '\n') {
      ++pos_;
    } else if (text_[pos_] == '\r') {
      ++pos_;
      if (pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
    } else {
      return false;
    }
    ++line_;
    return true;
  }

  void note_problem(int line, std::string reason) {
    // The first problem explains the record; later ones are usually its consequences.
    if (!problem_) problem_ = CsvProblem{line, std::move(reason)};
  }

  void read_record() {
    CsvRecord record;
    record.line = line_;
    record.fields.reserve(expected_fields_);
    problem_.reset();
    while (true) {
      record.fields.push_back(read_field());
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      consume_line_end();
      break;
    }
    expected_fields_ = record.fields.size();
    if (problem_) {
      out_.problems.push_back(std::move(*problem_));
    } else {
      out_.records.push_back(std::move(record));
    }
  }

  std::string read_field() {
    std::string field;
    if (pos_ < text_.size() && text_[pos_] == '"') {
      read_quoted(field);
    } else {
      read_unquoted(field);
    }
    return field;
  }

  // Appends the UTF-8 sequence at pos_ (a byte >= 0x80), or notes that it is invalid.
  void take_multibyte(std::string& field) {
    std::size_t length = utf8_sequence_length(text_, pos_);
    if (length == 0) {
      note_problem(line_, invalid_utf8_reason(at(pos_)));
      length = 1;
    }
    field.append(text_.data() + pos_, length);
    pos_ += length;
  }

  void read_unquoted(std::string& field) {
    while (true) {
      std::size_t start = pos_;
      while (pos_ < text_.size() && is_plain_unquoted(at(pos_))) ++pos_;
      field.append(text_.data() + start, pos_ - start);
      if (pos_ >= text_.size()) return;
      unsigned char c = at(pos_);
      if (c == ',' || c == '\r' || c == '\n') return;
      if (c == '"') {
        note_problem(line_,
                     "a double quote inside an unquoted field; a field holding quotes must be "
                     "enclosed in quotes, with each quote inside doubled");
        field += '"';
        ++pos_;
        continue;
      }
      take_multibyte(field);
    }
  }

  void read_quoted(std::string& field) {
    int start_line = line_;
    ++pos_;  // the opening quote
    while (true) {
      std::size_t start = pos_;
      while (pos_ < text_.size() && is_plain_quoted(at(pos_))) ++pos_;
      field.append(text_.data() + start, pos_ - start);
      if (pos_ >= text_.size()) {
        note_problem(start_line,
                     "a quoted field that starts on this line is never closed (a closing "
                     "double quote is missing)");
        return;
      }
      unsigned char c = at(pos_);
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field += '"';
          pos_ += 2;
          continue;
        }
        ++pos_;  // the closing quote
        break;
      }
      if (c == '\n' || c == '\r') {
        // A line break inside quotes is part of the value, kept as written.
        std::size_t before = pos_;
        consume_line_end();
        field.append(text_.data() + before, pos_ - before);
      } else {
        take_multibyte(field);
      }
    }
    if (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\r' && text_[pos_] != '\n') {
      note_problem(line_,
                   "text after the closing quote of a quoted field; a double quote inside a "
                   "quoted field must be doubled (\"\")");
      read_unquoted(field);
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t expected_fields_ = 8;
  std::optional<CsvProblem> problem_;
  CsvFile out_;
};

}  // namespace

CsvFile read_csv(std::string_view text) {
  return Reader(text).read();
}

std::string csv_field(std::string_view text) {
  std::string value;
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) {
    value = "'";
  }
  value += text;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace vigil::base
