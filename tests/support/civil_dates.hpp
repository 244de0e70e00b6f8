// Short spellings for dates in tests: d("2024-02-29") is a civil date, s(date) its text.
#pragma once

#include <string>

#include "vigil/rules/dates.hpp"

namespace vigil::testing {

// A date the test writes by hand; a typo fails the test loudly rather than silently.
inline Date d(const char* text) {
  return parse_date(text).value();
}
inline std::string s(Date date) {
  return format_date(date);
}

}  // namespace vigil::testing
