// Phase 2b of `vigil import`: the rows of officers, nominals, suspects and bail cases (Importer,
// importer.hpp).
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "import/files.hpp"
#include "import/importer.hpp"
#include "vigil/rules/domain.hpp"

namespace vigil::backoffice::import_detail {

void Importer::check_officers(Table& t) {
  using C = OfficersCsv;
  std::unordered_map<std::string, int> seen;
  for_each_row(t, [&](Row& row) {
    std::string username(row[C::username]);
    std::string team(row[C::team]);
    if (!username.empty()) new_usernames_.insert(username);
    if (!team.empty()) new_teams_.insert(team);
    if (!row.checkable()) return;

    auto checked_username = row.text(C::username);
    if (checked_username) {
      // Attendee lists are joined with ';', and a username is typed at sign-in.
      if (checked_username->find_first_of(" \t;,") != std::string::npos) {
        row.problem("username " + in_quotes(*checked_username) +
                    " must not contain spaces, commas or semicolons");
      }
      row.unique(seen, *checked_username,
                 [&] { return "username " + in_quotes(*checked_username); });
    }
    auto name = row.text(C::name);
    auto role = row.choice<Role>(C::role);
    auto checked_team = row.text(C::team);
    if (!row.ok()) return;
    officer_rows_.push_back(OfficerRow{*checked_username, *name, *role, *checked_team});
  });
}

void Importer::check_nominals(Table& t) {
  using C = NominalsCsv;
  std::unordered_map<std::string, int> seen;
  for_each_row(t, [&](Row& row) {
    std::string key(row[C::ref]);
    if (!key.empty()) new_nominal_refs_.insert(key);
    if (!row.checkable()) return;

    const auto [ref, surname, forenames] =
        check_person(row, seen, C::ref, C::surname, C::forenames);
    auto date_of_birth = row.past_date(C::date_of_birth);
    auto kind = row.choice<NominalKind>(C::kind);
    auto mappa_category = row.whole_number(C::mappa_category);
    if (kind && mappa_category && mappa_category != mappa_category_of(*kind)) {
      // docs/domain.md: the kind is the MAPPA category (a potentially dangerous person has none);
      // a row that says otherwise is contradictory and a person must decide which is right.
      auto expected = mappa_category_of(*kind);
      row.problem("mappa_category " + in_quotes(row[C::mappa_category]) + " does not match kind " +
                  in_quotes(to_string(*kind)) +
                  (expected ? " (MAPPA category " + std::to_string(*expected) + ")"
                            : " (no MAPPA category: leave it empty)"));
    }
    auto mappa_level = row.whole_number(C::mappa_level);
    auto risk_level = row.choice<RiskLevel>(C::risk_level);
    const auto [officer, team] = check_keeper(row, C::officer, C::team);
    auto no_fixed_abode = row.yes_no(C::no_fixed_abode);
    auto area = row.text(C::area);
    if (!row.ok()) return;

    NominalFields fields;
    fields.surname = *surname;
    fields.forenames = *forenames;
    fields.date_of_birth = *date_of_birth;
    fields.kind = std::string(to_string(*kind));
    fields.mappa_category = mappa_category;
    fields.mappa_level = *mappa_level;
    fields.risk_level = std::string(to_string(*risk_level));
    fields.no_fixed_abode = *no_fixed_abode;
    fields.area = *area;
    nominal_rows_.push_back({*ref, std::move(fields), *officer, *team});
  });
}

void Importer::check_suspects(Table& t) {
  using C = SuspectsCsv;
  std::unordered_map<std::string, int> seen;
  for_each_checkable_row(t, [&](Row& row) {
    const auto [ref, surname, forenames] =
        check_person(row, seen, C::ref, C::surname, C::forenames);
    auto offence = row.text(C::offence);
    auto harm = row.whole_number(C::harm);
    auto outstanding_since = row.past_date(C::outstanding_since);
    auto circulated_on = row.past_date(C::circulated_on);
    auto last_trace_on = row.past_date(C::last_trace_on);
    const auto [officer, team] = check_keeper(row, C::officer, C::team);
    auto date_of_birth = row.past_date(C::date_of_birth);
    if (!row.ok()) return;

    SuspectFields fields{*surname,           *forenames,    *offence,      *harm,
                         *outstanding_since, circulated_on, last_trace_on, std::nullopt,
                         std::string(),      date_of_birth};
    // A file without the column leaves the stored date of birth as it is.
    if (const auto stored = suspects_.find(*ref);
        !row.has(C::date_of_birth) && stored != suspects_.end()) {
      fields.date_of_birth = stored->second.fields.date_of_birth;
    }
    suspect_rows_.push_back({*ref, std::move(fields), *officer, *team});
  });
}

std::optional<std::string> Importer::team_of_suspect(const std::string& ref) const {
  for (const auto& row : suspect_rows_) {
    if (row.ref == ref) return row.team;
  }
  const auto stored = suspects_.find(ref);
  if (stored == suspects_.end()) return std::nullopt;
  for (const auto& [name, id] : team_ids_) {
    if (id == stored->second.fields.team_id) return name;
  }
  return std::nullopt;
}

void Importer::check_bail(Table& t) {
  using C = BailCsv;
  std::unordered_map<std::string, int> seen;
  for_each_row(t, [&](Row& row) {
    // A row with a problem still defines its case, for the extensions and conditions naming it.
    if (std::string key(row[C::ref]); !key.empty()) new_bail_refs_.insert(std::move(key));
    if (!row.checkable()) return;
    const auto [ref, surname, forenames] =
        check_person(row, seen, C::ref, C::surname, C::forenames);
    auto offence = row.text(C::offence);
    auto arrested_on = row.past_date(C::arrested_on);
    auto case_type = row.choice<CaseType>(C::case_type);
    auto status = row.choice<BailStatus>(C::status);
    const auto [officer, team] = check_keeper(row, C::officer, C::team);
    auto date_of_birth = row.past_date(C::date_of_birth);
    std::optional<std::string> suspect_ref;
    if (!row[C::suspect_ref].empty()) {
      suspect_ref = row.text(C::suspect_ref);
      // The suspect must be known, and kept by the case's own team.
      const auto suspect_team = suspect_ref ? team_of_suspect(*suspect_ref) : std::nullopt;
      if (suspect_ref && !suspect_team) {
        row.problem("suspect_ref " + in_quotes(*suspect_ref) + " is not a known suspect");
      } else if (suspect_ref && team && *suspect_team != *team) {
        row.problem("suspect_ref " + in_quotes(*suspect_ref) + " is a suspect of team " +
                    in_quotes(*suspect_team) + ", not of the case's team " + in_quotes(*team));
      }
    }
    if (!row.ok()) return;

    BailFields fields{*surname,
                      *forenames,
                      *offence,
                      *arrested_on,
                      std::string(to_string(*case_type)),
                      std::string(to_string(*status)),
                      std::nullopt,
                      std::string(),
                      date_of_birth,
                      suspect_ref};
    if (const auto stored = bail_cases_.find(*ref); stored != bail_cases_.end()) {
      if (!row.has(C::date_of_birth)) fields.date_of_birth = stored->second.fields.date_of_birth;
      if (!row.has(C::suspect_ref)) fields.suspect_ref = stored->second.fields.suspect_ref;
    }
    bail_row_by_ref_.emplace(*ref, bail_rows_.size());
    bail_rows_.push_back({*ref, std::move(fields), *officer, *team});
  });
}

}  // namespace vigil::backoffice::import_detail
