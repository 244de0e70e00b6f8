// Every row of every table of a database as text, in a stable order: equal dumps mean equal
// contents. Tests use it to prove that a refused import or seed left a database as it was, and
// that the same seed gives the same data.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "vigil/store/store.hpp"

// `leave_out` names (table, column) pairs whose values are meant to differ between runs.
inline std::string dump_database(
    vigil::store::Database& db,
    const std::set<std::pair<std::string, std::string>>& leave_out = {}) {
  std::string out;
  auto tables = db.prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name");
  while (tables.step()) {
    const std::string table = tables.column_text(0);
    std::string columns;
    auto info = db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
    info.bind_all(table);
    while (info.step()) {
      const std::string column = info.column_text(0);
      if (leave_out.count({table, column}) > 0) continue;
      if (!columns.empty()) columns += " || '|' || ";
      columns += "quote(\"" + column + "\")";
    }
    // Identifiers cannot be bound; these come from the schema, not from input.
    auto rows = db.prepare("SELECT " + columns + " FROM \"" + table + "\" ORDER BY 1");
    out += "== " + table + "\n";
    while (rows.step()) out += rows.column_text(0) + "\n";
  }
  return out;
}
