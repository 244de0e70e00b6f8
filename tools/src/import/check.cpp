// Phase 2b of `vigil import`: what every check looks up, and the attendees of a visit (Importer,
// importer.hpp).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "import/files.hpp"
#include "import/importer.hpp"
#include "vigil/rules/text.hpp"

namespace vigil::backoffice::import_detail {

void Importer::check_all() {
  if (auto* t = table(OfficersCsv::kFile)) check_officers(*t);
  if (auto* t = table(NominalsCsv::kFile)) check_nominals(*t);
  if (auto* t = table(AssessmentsCsv::kFile)) check_assessments(*t);
  if (auto* t = table(PlansCsv::kFile)) check_plans(*t);
  if (auto* t = table(VisitsCsv::kFile)) check_visits(*t);
  if (auto* t = table(SuspectsCsv::kFile)) check_suspects(*t);
  if (auto* t = table(BailCsv::kFile)) check_bail(*t);
  for (const auto& spec : linked_files()) {
    if (auto* t = table(spec.file)) check_linked(*t, spec);
  }
}

bool Importer::known_officer(const std::string& username) const {
  return officers_.count(username) != 0 || new_usernames_.count(username) != 0;
}

bool Importer::known_team(const std::string& name) const {
  return team_ids_.count(name) != 0 || new_teams_.count(name) != 0;
}

bool Importer::known_nominal(const std::string& ref) const {
  return nominals_.count(ref) != 0 || new_nominal_refs_.count(ref) != 0;
}

bool Importer::known_assessment(const std::string& nominal_ref,
                                const std::string& assessed_on) const {
  if (const auto* id = stored_nominal_id(nominal_ref);
      id != nullptr && assessments_.count(fact_key(*id, assessed_on)) != 0) {
    return true;
  }
  return std::any_of(assessment_rows_.begin(), assessment_rows_.end(), [&](const auto& row) {
    return row.nominal_ref == nominal_ref && row.assessed_on == assessed_on;
  });
}

// For comparing facts before anything is written: an officer new in this import has no id
// yet, and so can match no recorded fact.
std::string Importer::officer_id_for_comparison(const std::string& username) const {
  auto found = officers_.find(username);
  return found != officers_.end() ? found->second.id : "new officer " + username;
}

const std::string* Importer::stored_nominal_id(const std::string& ref) const {
  auto found = nominals_.find(ref);
  return found != nominals_.end() ? &found->second.id : nullptr;
}

void Importer::check_officer_reference(Row& row, std::size_t column, const std::string& username) {
  if (!username.empty() && !known_officer(username)) {
    row.problem(row.label(column) + " " + in_quotes(username) + " is not a known officer");
  }
}

void Importer::check_team_reference(Row& row, std::size_t column,
                                    const std::optional<std::string>& name) {
  if (name && !known_team(*name)) {
    row.problem(row.label(column) + " " + in_quotes(*name) + " is not a known team");
  }
}

std::optional<std::string> Importer::check_nominal_reference(Row& row, std::size_t column) {
  auto ref = row.text(column);
  if (ref && !known_nominal(*ref)) {
    row.problem(row.label(column) + " " + in_quotes(*ref) + " is not a known nominal");
  }
  return ref;
}

Importer::Person Importer::check_person(Row& row, std::unordered_map<std::string, int>& seen,
                                        std::size_t ref, std::size_t surname,
                                        std::size_t forenames) {
  Person person{row.text(ref), std::nullopt, std::nullopt};
  if (person.ref) row.unique(seen, *person.ref, [&] { return "ref " + in_quotes(*person.ref); });
  person.surname = row.text(surname);
  person.forenames = row.text(forenames);
  return person;
}

Importer::Keeper Importer::check_keeper(Row& row, std::size_t officer, std::size_t team) {
  Keeper keeper;
  keeper.officer = row.text(officer);
  if (keeper.officer) check_officer_reference(row, officer, *keeper.officer);
  keeper.team = row.text(team);
  check_team_reference(row, team, keeper.team);
  return keeper;
}

// Usernames joined by ';', each known and listed once; at least one.
std::vector<std::string> Importer::check_attendees(Row& row, std::size_t column) {
  std::vector<std::string> usernames;
  if (!row.read(column)) return usernames;  // the field's grammar: a list, not too long
  // Then each name, trimmed as a spreadsheet pads it, must be a known officer's, once.
  auto list = row[column];
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = std::min(list.find(';', start), list.size());
    std::string username(trim(list.substr(start, end - start)));
    start = end + 1;
    if (username.empty()) {
      row.problem(row.label(column) + " " + in_quotes(list) +
                  " has an empty name; list usernames joined by ';'");
      continue;
    }
    if (!known_officer(username)) {
      row.problem("attendee " + in_quotes(username) + " is not a known officer");
    } else if (std::find(usernames.begin(), usernames.end(), username) != usernames.end()) {
      row.problem("attendee " + in_quotes(username) + " is listed twice");
    }
    usernames.push_back(std::move(username));
  }
  return usernames;
}

}  // namespace vigil::backoffice::import_detail
