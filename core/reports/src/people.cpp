#include "vigil/reports/people.hpp"

#include "vigil/rules/people.hpp"

namespace vigil::reports {
namespace {

// Candidates share the date of birth exactly (an index look-up); the names decide.
std::vector<MatchedRecord> alike(store::Database& db, const std::string& table,
                                 const PersonRecord& person,
                                 const std::optional<std::string>& team_ids) {
  std::vector<MatchedRecord> refs;
  if (person.date_of_birth.empty()) return refs;
  auto& s = db.cached("SELECT id, ref, surname, forenames FROM " + table +
                      " WHERE date_of_birth = ?1 AND (?2 IS NULL OR team_id IN (SELECT value FROM "
                      "json_each(?2))) ORDER BY ref");
  s.bind(1, person.date_of_birth).bind(2, team_ids);
  while (s.step()) {
    if (same_person(person.surname, person.forenames, person.date_of_birth, s.column_view(2),
                    s.column_view(3), person.date_of_birth)) {
      refs.push_back({s.column_text(0), s.column_text(1)});
    }
  }
  s.reset();
  return refs;
}

}  // namespace

PersonMatches suspects_and_bail_of(store::Database& db, const PersonRecord& person,
                                   const std::optional<std::string>& team_ids) {
  return {alike(db, "suspects", person, team_ids), alike(db, "bail_cases", person, team_ids)};
}

std::optional<std::string> nominal_of(store::Database& db, const PersonRecord& person,
                                      const std::optional<std::string>& team_ids) {
  auto refs = alike(db, "nominals", person, team_ids);
  if (refs.empty()) return std::nullopt;
  return refs.front().ref;
}

}  // namespace vigil::reports
