// The importer's text helpers (table.hpp).
#include "import/table.hpp"

#include <algorithm>

namespace vigil::backoffice::import_detail {

// A value quoted in a problem: at most its first 40 characters, control characters shown as '?',
// so a hostile or mistaken value (a whole line of another file, megabytes of one cell) never
// floods the terminal or the log that shows the problem.
std::string in_quotes(std::string_view value) {
  return "'" + quoted_excerpt(value, 40) + "'";
}

std::string_view trim(std::string_view text) {
  // Spreadsheets pad cells; a space around a value is never meant as part of it.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (auto name : names) {
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

// A fact's key within one nominal, e.g. "<nominal id>|2024-01-05".
std::string fact_key(std::string_view nominal, std::string_view when) {
  std::string key(nominal);
  key += '|';
  key += when;
  return key;
}

// The stored form of an instant: 'YYYY-MM-DDTHH:MM:SSZ'. Formatting is slow, and nearly every
// instant is already written that way, so that text is kept as it is.
std::string canonical_instant(std::string_view text, Instant parsed) {
  if (text.size() == 20 && text.back() == 'Z') return std::string(text);
  return format_instant(parsed);
}

}  // namespace vigil::backoffice::import_detail
