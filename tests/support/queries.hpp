// One value a test reads back from a database: a count, or a column of the query's first row.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

#include "vigil/store/store.hpp"

// The query stepped to its first row, `values` bound in order from parameter 1. A query that
// finds no row fails the test: a reading from nothing would compare as 0 or "".
template <class... Values>
vigil::store::Statement first_row(vigil::store::Database& db, const std::string& sql,
                                  const Values&... values) {
  auto s = db.prepare(sql);
  if constexpr (sizeof...(Values) > 0) s.bind_all(values...);
  REQUIRE(s.step());
  return s;
}

// The first column of the first row as a number: a count(*), a max(seq), a flag.
template <class... Values>
std::int64_t count_of(vigil::store::Database& db, const std::string& sql, const Values&... values) {
  return first_row(db, sql, values...).column_int(0);
}

// The same from the database file at `path`, opened for this one reading.
template <class... Values>
std::int64_t count_of(const std::filesystem::path& path, const std::string& sql,
                      const Values&... values) {
  vigil::store::Database db(path);
  return count_of(db, sql, values...);
}

// The first column of the first row as text ("" for NULL).
template <class... Values>
std::string text_of(vigil::store::Database& db, const std::string& sql, const Values&... values) {
  return first_row(db, sql, values...).column_text(0);
}
