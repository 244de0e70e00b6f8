// What the importer compares and writes: what the database holds (Stored*, *Fields, *Facts),
// and the rows of the files that passed every check (*Row). Private to import/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/rules/domain.hpp"

namespace vigil::backoffice::import_detail {

// What the database holds, and what a row would make it hold. Compared with == to tell an
// update from an unchanged row, so every stored column the CSV sets is here.
struct StoredOfficer {
  std::string id;
  std::string name;
  std::string role;
  std::string team_id;
};

struct NominalFields {
  std::string surname;
  std::string forenames;
  std::string date_of_birth;
  std::string kind;
  std::optional<std::int64_t> mappa_category;
  std::int64_t mappa_level = 0;
  std::string risk_level;
  std::optional<std::string> officer_id;
  std::string team_id;
  bool no_fixed_abode = false;
  std::string area;
  bool operator==(const NominalFields&) const = default;
};

struct SuspectFields {
  std::string surname;
  std::string forenames;
  std::string offence;
  std::int64_t harm = 0;
  std::string outstanding_since;
  std::optional<std::string> circulated_on;
  std::optional<std::string> last_trace_on;
  std::optional<std::string> officer_id;
  std::string team_id;
  std::optional<std::string> date_of_birth;
  bool operator==(const SuspectFields&) const = default;
};

struct BailFields {
  std::string surname;
  std::string forenames;
  std::string offence;
  std::string arrested_on;
  std::string case_type;
  std::string status;
  std::optional<std::string> officer_id;
  std::string team_id;
  std::optional<std::string> date_of_birth;
  std::optional<std::string> suspect_ref;  // the suspect the case is about, by ref
  bool operator==(const BailFields&) const = default;
};

template <class Fields>
struct Stored {
  std::string id;
  Fields fields;
};

template <class Fields>
using StoredByRef = std::unordered_map<std::string, Stored<Fields>>;

struct AssessmentFacts {
  std::string risk_level;
  std::optional<std::string> assessor_id;
  std::string risk_factors;
  std::string protective_factors;
  bool operator==(const AssessmentFacts&) const = default;
};

struct PlanFacts {
  std::optional<std::int64_t> visit_every_months;
  bool double_crewed = false;
  bool unannounced_required = false;
  std::optional<std::string> follows_assessment_on;  // the date of the assessment it follows
  bool operator==(const PlanFacts&) const = default;
};

struct VisitFacts {
  bool announced = false;
  std::string outcome;
  std::vector<std::string> attendee_ids;  // sorted: who attended matters, not the order listed
  bool operator==(const VisitFacts&) const = default;
};

// Facts by fact_key(nominal id, when). Devices may record two facts with the same key, so a key
// holds a list; a row is "already recorded" when it equals any of them.
template <class Facts>
using FactsByKey = std::unordered_map<std::string, std::vector<Facts>>;

// Rows that passed every check, with names (not ids) for what they refer to: officers, teams
// and nominals made by this import have no id until they are written.
struct OfficerRow {
  std::string username;
  std::string name;
  Role role = Role::officer;
  std::string team;
};

template <class Fields>
struct RecordRow {
  std::string ref;
  Fields fields;  // officer_id and team_id are filled in when written
  std::string officer;
  std::string team;
};

struct AssessmentRow {
  std::string nominal_ref;
  std::string assessed_on;
  std::string risk_level;
  std::string assessor;
  std::string risk_factors;
  std::string protective_factors;
};

struct PlanRow {
  std::string nominal_ref;
  std::string started_on;
  PlanFacts facts;
};

struct VisitRow {
  std::string nominal_ref;
  std::string occurred_at;
  bool announced = false;
  std::string outcome;
  std::vector<std::string> attendees;  // usernames, as listed: the first recorded the visit
};

}  // namespace vigil::backoffice::import_detail
