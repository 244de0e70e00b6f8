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
#include <variant>
#include <vector>

#include "import/files.hpp"
#include "vigil/base/csv.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/sync/entities.hpp"
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
  std::size_t required_columns = 0;  // the first ones; a file may leave out those after them
  bool header_ok = false;
  std::size_t header_width = 0;
  std::vector<std::size_t> positions;  // column -> field index in a row, kMissing when absent
  std::vector<const sync::FieldSpec*> fields;  // column -> its field in the entity table
  std::vector<base::CsvRecord> rows;           // the data rows, header removed
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

  // Whether the file has the column: one that may be left out (Table::required_columns) and was
  // keeps what is stored, rather than reading as empty.
  bool has(std::size_t column) const { return table_.positions[column] != kMissing; }

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

  // The cell read by its column's field in the sync entity table (files.hpp, kFields): the
  // stored value (an empty cell is null where the field takes null), or nullopt after recording
  // what is wrong in the grammar's own sentence, the one every door gives.
  std::optional<sync::StoredValue> read(std::size_t column) {
    const sync::FieldSpec& field = *table_.fields[column];
    const std::string_view cell = (*this)[column];
    auto value = sync::read_value(
        field, cell.empty() && sync::takes_null(field) ? std::nullopt : std::optional(cell),
        table_.columns[column]);
    if (value.problem) {
      problem(std::move(*value.problem));
      return std::nullopt;
    }
    return std::move(value.stored);
  }

  // Text, a name or a reference by its key ("" where the field may be empty).
  std::optional<std::string> text(std::size_t column) {
    auto value = read(column);
    if (!value) return std::nullopt;
    if (auto* text = std::get_if<std::string>(&*value)) return std::move(*text);
    return std::string();  // an officer left empty: none
  }

  template <class E>
  std::optional<E> choice(std::size_t column) {
    auto value = text(column);
    if (!value) return std::nullopt;
    auto parsed = parse_enum<E>(*value);  // the field's choices are the enumeration's names
    if (!parsed)
      problem(label(column) + " " + in_quotes(*value) + " is not one of " + allowed_values<E>());
    return parsed;
  }

  std::optional<bool> yes_no(std::size_t column) {
    auto value = read(column);
    if (!value) return std::nullopt;
    return std::get<long long>(*value) != 0;
  }

  // A whole number within the field's range; nullopt also for an empty cell where the field
  // takes none (row.ok() tells the two apart).
  std::optional<std::int64_t> whole_number(std::size_t column) {
    auto value = read(column);
    if (!value || !std::holds_alternative<long long>(*value)) return std::nullopt;
    return std::get<long long>(*value);
  }

  // A civil date that has happened: today or earlier, as stored ('YYYY-MM-DD'); nullopt also
  // for an empty cell where the field takes none.
  std::optional<std::string> past_date(std::size_t column) {
    auto value = read(column);
    if (!value || !std::holds_alternative<std::string>(*value)) return std::nullopt;
    std::string date = std::get<std::string>(std::move(*value));
    if (*parse_date(date) > clock_.today) {
      problem(label(column) + " " + in_quotes((*this)[column]) + " is in the future");
      return std::nullopt;
    }
    return date;
  }

  // An instant with a time zone that has happened, as stored (UTC, 'Z').
  std::optional<std::string> past_instant(std::size_t column) {
    auto value = read(column);
    if (!value) return std::nullopt;
    std::string instant = std::get<std::string>(std::move(*value));
    if (*parse_instant(instant) > clock_.now) {
      problem(label(column) + " " + in_quotes((*this)[column]) + " is in the future");
      return std::nullopt;
    }
    return instant;
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
  Table& table_;
  const base::CsvRecord& record_;
  const Clock& clock_;
  bool ok_ = true;
};

}  // namespace vigil::backoffice::import_detail
