// What the importer compares and writes: what the database holds (Stored*, *Fields, *Facts),
// and the rows of the files that passed every check (*Row). Private to import/.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
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

// A column of a record's table (nominals, suspects, bail cases) that one of its fields fills;
// named by its name alone (a conversion) when it holds the field as it is.
struct RecordColumn {
  constexpr RecordColumn(const char* column, std::string_view table = {})
      : name(column), refers_to(table) {}

  std::string_view name;
  // The table of the record the field names by its ref, while the column holds that record's id:
  // read back only while both are kept by the same team (a tablet may hold a bail case without
  // the suspect, who moved on). Empty: the column holds the field as it is.
  std::string_view refers_to;
};

// A record's fields say where they are stored: kTable, and kColumns, each field's column in the
// order of values(fields), which ties the fields of a record (const or not) for reading a row
// into them and binding them. Only these columns are written: those the CSV does not carry (a
// nominal's status and reactive management, sync metadata) are left alone on update.
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

  static constexpr std::string_view kTable = "nominals";
  static constexpr std::array<RecordColumn, 11> kColumns{
      "surname",        "forenames",      "date_of_birth", "kind",
      "mappa_category", "mappa_level",    "risk_level",    "officer_id",
      "team_id",        "no_fixed_abode", "area"};
  static auto values(auto& f) {
    return std::tie(f.surname, f.forenames, f.date_of_birth, f.kind, f.mappa_category,
                    f.mappa_level, f.risk_level, f.officer_id, f.team_id, f.no_fixed_abode, f.area);
  }
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

  static constexpr std::string_view kTable = "suspects";
  static constexpr std::array<RecordColumn, 10> kColumns{
      "surname",       "forenames",     "offence",    "harm",    "outstanding_since",
      "circulated_on", "last_trace_on", "officer_id", "team_id", "date_of_birth"};
  static auto values(auto& f) {
    return std::tie(f.surname, f.forenames, f.offence, f.harm, f.outstanding_since, f.circulated_on,
                    f.last_trace_on, f.officer_id, f.team_id, f.date_of_birth);
  }
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

  static constexpr std::string_view kTable = "bail_cases";
  static constexpr std::array<RecordColumn, 10> kColumns{
      "surname", "forenames",  "offence", "arrested_on",   "case_type",
      "status",  "officer_id", "team_id", "date_of_birth", RecordColumn{"suspect_id", "suspects"}};
  static auto values(auto& f) {
    return std::tie(f.surname, f.forenames, f.offence, f.arrested_on, f.case_type, f.status,
                    f.officer_id, f.team_id, f.date_of_birth, f.suspect_ref);
  }
};

// Every field of a record has its column.
template <class Fields>
inline constexpr bool kEveryFieldStored =
    std::tuple_size_v<decltype(Fields::values(std::declval<Fields&>()))> == Fields::kColumns.size();
static_assert(kEveryFieldStored<NominalFields> && kEveryFieldStored<SuspectFields> &&
              kEveryFieldStored<BailFields>);

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
  // In the order they are written, after the fact's id, nominal and time.
  static auto values(const AssessmentFacts& f) {
    return std::tie(f.risk_level, f.assessor_id, f.risk_factors, f.protective_factors);
  }
};

struct PlanFacts {
  std::optional<std::int64_t> visit_every_months;
  bool double_crewed = false;
  bool unannounced_required = false;
  std::optional<std::string> follows_assessment_on;  // the date of the assessment it follows
  bool operator==(const PlanFacts&) const = default;
  // In the order they are written, after the fact's id, nominal and time.
  static auto values(const PlanFacts& f) {
    return std::tie(f.visit_every_months, f.double_crewed, f.unannounced_required,
                    f.follows_assessment_on);
  }
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
