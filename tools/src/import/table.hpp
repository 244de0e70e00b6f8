// A CSV file as the importer read it (Table), one of its rows being checked (Row), the time the
// import checks against (Clock), and the small text helpers the checks and the writing share.
// Private to import/.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "import/files.hpp"
#include "vigil/base/csv.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/tools/import.hpp"

namespace vigil::backoffice::import_detail {

// Defined in table.cpp, where each says why.
std::string in_quotes(std::string_view value);
std::string_view trim(std::string_view text);
std::string join(std::span<const std::string_view> names);
bool equals_ignoring_case(std::string_view a, std::string_view b);
std::string fact_key(std::string_view nominal, std::string_view when);
std::string canonical_instant(std::string_view text, Instant parsed);

struct Clock {
  Instant now;
  std::string now_text;
  Date today;
};

// One CSV file as read, with its header matched to the columns the importer knows.
struct Table {
  std::string file;
  std::span<const std::string_view> columns;
  bool header_ok = false;
  std::size_t header_width = 0;
  std::vector<std::size_t> positions;  // column -> field index in a row, kMissing when absent
  std::vector<base::CsvRecord> rows;   // the data rows, header removed
  std::vector<ImportProblem> problems;
};

// One data row being checked: reads fields by column and records the row's problems. The
// readers return nullopt (or an empty value) after recording a problem; ok() says whether any.
class Row {
 public:
  Row(Table& table, const base::CsvRecord& record, const Clock& clock)
      : table_(table), record_(record), clock_(clock) {}

  int line() const { return record_.line; }
  bool ok() const { return ok_; }
  // False when the header or the number of fields is wrong: the fields cannot be trusted.
  bool checkable() const {
    return table_.header_ok && record_.fields.size() == table_.header_width;
  }

  std::string_view operator[](std::size_t column) const {
    std::size_t position = table_.positions[column];
    if (position == kMissing || position >= record_.fields.size()) return {};
    return trim(record_.fields[position]);
  }
  std::string label(std::size_t column) const { return std::string(table_.columns[column]); }

  void problem(std::string reason) {
    table_.problems.push_back({table_.file, record_.line, std::move(reason)});
    ok_ = false;
  }

  // Text that must be present. Every column read as text is a short word (a name, a reference,
  // a place, an offence): at most kMaxShortText characters, as at every other door.
  std::optional<std::string> text(std::size_t column) {
    auto value = (*this)[column];
    if (value.empty()) {
      problem(label(column) + " is empty; it must have a value");
      return std::nullopt;
    }
    if (!allowed_text(column, value)) return std::nullopt;
    return std::string(value);
  }

  // Text that may be empty (returned as ""); nullopt, with the problem recorded, when the value
  // is not allowed.
  std::optional<std::string> optional_text(std::size_t column) {
    auto value = (*this)[column];
    if (!allowed_text(column, value)) return std::nullopt;
    return std::string(value);
  }

  // The one grammar of text (valid UTF-8, no U+0000, a length limit): false after recording
  // the problem.
  bool allowed_text(std::size_t column, std::string_view value) {
    auto reason = text_problem(value, table_.columns[column], kMaxShortText);
    if (!reason) return true;
    problem(std::move(*reason));
    return false;
  }

  template <class E>
  std::optional<E> choice(std::size_t column) {
    auto value = (*this)[column];
    if (auto parsed = parse_enum<E>(value)) return parsed;
    if (value.empty()) {
      problem(label(column) + " is empty; it must be one of " + allowed_values<E>());
    } else {
      problem(label(column) + " " + in_quotes(value) + " is not one of " + allowed_values<E>());
    }
    return std::nullopt;
  }

  std::optional<bool> yes_no(std::size_t column) {
    auto value = (*this)[column];
    if (auto parsed = parse_yes_no(value)) return parsed;
    problem(value.empty() ? label(column) + " is empty; it must be yes or no"
                          : label(column) + " " + in_quotes(value) + " must be yes or no");
    return std::nullopt;
  }

  std::optional<std::int64_t> whole_number(std::size_t column, std::int64_t low,
                                           std::int64_t high) {
    auto value = (*this)[column];
    auto range = [&] {
      return "a whole number from " + std::to_string(low) + " to " + std::to_string(high);
    };
    if (value.empty()) {
      problem(label(column) + " is empty; it must be " + range());
      return std::nullopt;
    }
    auto number = parse_number(value, low, high);
    if (!number) problem(label(column) + " " + in_quotes(value) + " must be " + range());
    return number;
  }

  // Empty is allowed and means "none".
  std::optional<std::int64_t> optional_whole_number(std::size_t column, std::int64_t low,
                                                    std::int64_t high) {
    auto value = (*this)[column];
    if (value.empty()) return std::nullopt;
    auto number = parse_number(value, low, high);
    if (!number) {
      problem(label(column) + " " + in_quotes(value) + " must be empty or a whole number from " +
              std::to_string(low) + " to " + std::to_string(high));
    }
    return number;
  }

  // A civil date that has happened: today or earlier. Returned as stored, 'YYYY-MM-DD'.
  std::optional<std::string> past_date(std::size_t column) {
    auto value = (*this)[column];
    if (value.empty()) {
      problem(label(column) + " is empty; it must be a date (YYYY-MM-DD)");
      return std::nullopt;
    }
    return checked_date(column, value);
  }

  // As past_date, but empty is allowed (and returned as nullopt with no problem).
  std::optional<std::string> optional_past_date(std::size_t column) {
    auto value = (*this)[column];
    if (value.empty()) return std::nullopt;
    return checked_date(column, value);
  }

  // An instant with a time zone that has happened, returned as stored (UTC, 'Z').
  std::optional<std::string> past_instant(std::size_t column) {
    auto value = (*this)[column];
    auto parsed = parse_instant(value);
    if (!parsed) {
      problem(label(column) + " " + in_quotes(value) +
              " is not an ISO-8601 instant with a time zone (e.g. 2024-01-05T10:00:00Z)");
      return std::nullopt;
    }
    if (*parsed > clock_.now) {
      problem(label(column) + " " + in_quotes(value) + " is in the future");
      return std::nullopt;
    }
    return canonical_instant(value, *parsed);
  }

  // Records a problem when `key` was already seen in this file; what() names it in the reason.
  template <class Describe>
  void unique(std::unordered_map<std::string, int>& seen, std::string key, Describe what) {
    auto [found, inserted] = seen.emplace(std::move(key), record_.line);
    if (!inserted) {
      problem(what() + " appears twice in this file (also line " + std::to_string(found->second) +
              ")");
    }
  }

 private:
  static std::optional<std::int64_t> parse_number(std::string_view value, std::int64_t low,
                                                  std::int64_t high) {
    std::int64_t number = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
    if (number < low || number > high) return std::nullopt;
    return number;
  }

  std::optional<std::string> checked_date(std::size_t column, std::string_view value) {
    auto parsed = parse_date(value);
    if (!parsed) {
      problem(label(column) + " " + in_quotes(value) + " is not a real date (YYYY-MM-DD)");
      return std::nullopt;
    }
    if (*parsed > clock_.today) {
      problem(label(column) + " " + in_quotes(value) + " is in the future");
      return std::nullopt;
    }
    return std::string(value);  // parse_date accepts only the stored form
  }

  Table& table_;
  const base::CsvRecord& record_;
  const Clock& clock_;
  bool ok_ = true;
};

}  // namespace vigil::backoffice::import_detail
