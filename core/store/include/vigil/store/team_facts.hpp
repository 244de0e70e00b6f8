// The facts the reports read, kept clustered by team (migrations 0021 and 0022): each copy, team_*,
// is defined by its view, team_*_source. Triggers keep every copy but the visits' as its table is
// written; the visits' copy, with each visit's crew, is taken by whoever stores visits, through
// copy_visit (sync::settle_visit, for every visit a tablet or an amendment settles, and the
// import, for each visit it writes), copy_recorded_visit (the server's engine, for a visit it has
// just created) or copy_visits (the seed, once loaded), because a trigger per visit and per
// attendee cost a third of what the server takes in. One thread per Database; throws vigil::Error
// when the database fails.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vigil/store/store.hpp"

namespace vigil::store {

// Takes the visit's copy again from its view: as stored, with its amendments and its crew.
void copy_visit(Database& db, std::string_view visit_id);

// A visit as its copy holds it (team_visits).
struct TeamVisit {
  std::string_view team_id;
  std::string_view visit_id;
  std::string_view occurred_at;
  std::string_view nominal_id;
  std::string_view outcome;
  bool risk_changed = false;
  bool announced = false;
  std::string_view recorded_by;  // "" when no officer is named
  int crew = 0;
};
// Writes the copy of a visit just stored, as its caller knows it, for a visit with no amendment:
// what team_visits_source would give, without reading it back.
void copy_recorded_visit(Database& db, const TeamVisit& visit);
// Takes every visit's copy again; for a new store loaded in bulk.
void copy_visits(Database& db);

// A copy that differs from its view: which, and one sentence saying how many rows are missing from
// it and how many should not be in it.
struct TeamFactDifference {
  std::string copy;
  std::string detail;
};
// Every copy that differs from its view; empty when each is as its view.
[[nodiscard]] std::vector<TeamFactDifference> team_fact_differences(Database& db);

}  // namespace vigil::store
