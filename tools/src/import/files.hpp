// The files `vigil import` reads and their columns (docs/import-format.md), the order they are
// checked and written in, and the mark of a column missing from a file's header.
// Private to import/.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string_view>

namespace vigil::backoffice::import_detail {

// The field of the sync entity table whose grammar a column's values follow: one grammar for a
// value, whatever the door it comes in by (docs/import-format.md, "Values").
struct ColumnField {
  std::string_view entity, field;
};

// A column that names another record by its key: the field of that record it holds.
struct Reference {
  std::string_view column;
  ColumnField field;
};

// Each column's field: the entity's own field of the column's name, but for the references.
template <std::size_t N>
constexpr std::array<ColumnField, N> entity_fields(
    std::string_view entity, const std::array<std::string_view, N>& columns,
    std::initializer_list<Reference> references = {}) {
  std::array<ColumnField, N> fields{};
  for (std::size_t c = 0; c < N; ++c) {
    fields[c] = {entity, columns[c]};
    for (const auto& reference : references) {
      if (reference.column == columns[c]) fields[c] = reference.field;
    }
  }
  return fields;
}

// The files of facts about a nominal name it by its ref.
inline constexpr Reference kNominalRef{"nominal_ref", {"nominal", "ref"}};

// The files and their columns, in the order they are checked and written: a file refers only
// to the files before it (nominals name officers and teams, visits name nominals and officers).
struct OfficersCsv {
  static constexpr std::string_view kFile = "officers.csv";
  enum Column : std::size_t { username, name, role, team };
  static constexpr std::array<std::string_view, 4> kColumns{"username", "name", "role", "team"};
  static constexpr auto kFields = entity_fields("officer", kColumns);
};

struct NominalsCsv {
  static constexpr std::string_view kFile = "nominals.csv";
  enum Column : std::size_t {
    ref,
    surname,
    forenames,
    date_of_birth,
    kind,
    mappa_category,
    mappa_level,
    risk_level,
    officer,
    team,
    no_fixed_abode,
    area
  };
  static constexpr std::array<std::string_view, 12> kColumns{
      "ref",         "surname",    "forenames", "date_of_birth", "kind",           "mappa_category",
      "mappa_level", "risk_level", "officer",   "team",          "no_fixed_abode", "area"};
  static constexpr auto kFields = entity_fields("nominal", kColumns);
};

struct AssessmentsCsv {
  static constexpr std::string_view kFile = "assessments.csv";
  enum Column : std::size_t {
    nominal_ref,
    assessed_on,
    risk_level,
    assessor,
    risk_factors,
    protective_factors
  };
  static constexpr std::array<std::string_view, 6> kColumns{
      "nominal_ref", "assessed_on", "risk_level", "assessor", "risk_factors", "protective_factors"};
  // The columns every file has; the others may be left out (a file written before they were
  // read), and are then empty in every row.
  static constexpr std::size_t kRequired = 4;
  // A reference names its record by the referenced entity's key (nominal_ref, assessor).
  static constexpr auto kFields =
      entity_fields("assessment", kColumns, {kNominalRef, {"assessor", {"officer", "username"}}});
};

struct PlansCsv {
  static constexpr std::string_view kFile = "plans.csv";
  enum Column : std::size_t {
    nominal_ref,
    started_on,
    visit_every_months,
    double_crewed,
    unannounced_required,
    follows_assessment_on
  };
  static constexpr std::array<std::string_view, 6> kColumns{
      "nominal_ref",   "started_on",           "visit_every_months",
      "double_crewed", "unannounced_required", "follows_assessment_on"};
  static constexpr std::size_t kRequired = 4;
  // The assessment a plan follows is named by its date: one of the same nominal's.
  static constexpr auto kFields = entity_fields(
      "plan", kColumns, {kNominalRef, {"follows_assessment_on", {"assessment", "assessed_on"}}});
};

struct VisitsCsv {
  static constexpr std::string_view kFile = "visits.csv";
  enum Column : std::size_t { nominal_ref, occurred_at, announced, outcome, attendees };
  static constexpr std::array<std::string_view, 5> kColumns{"nominal_ref", "occurred_at",
                                                            "announced", "outcome", "attendees"};
  static constexpr auto kFields = entity_fields("visit", kColumns, {kNominalRef});
};

struct SuspectsCsv {
  static constexpr std::string_view kFile = "suspects.csv";
  enum Column : std::size_t {
    ref,
    surname,
    forenames,
    offence,
    harm,
    outstanding_since,
    circulated_on,
    last_trace_on,
    officer,
    team,
    date_of_birth
  };
  static constexpr std::array<std::string_view, 11> kColumns{
      "ref",           "surname",       "forenames", "offence", "harm",         "outstanding_since",
      "circulated_on", "last_trace_on", "officer",   "team",    "date_of_birth"};
  static constexpr std::size_t kRequired = 10;
  static constexpr auto kFields = entity_fields("suspect", kColumns);
};

struct BailCsv {
  static constexpr std::string_view kFile = "bail.csv";
  enum Column : std::size_t {
    ref,
    surname,
    forenames,
    offence,
    arrested_on,
    case_type,
    status,
    officer,
    team,
    date_of_birth,
    suspect_ref
  };
  static constexpr std::array<std::string_view, 11> kColumns{
      "ref",    "surname", "forenames", "offence",       "arrested_on", "case_type",
      "status", "officer", "team",      "date_of_birth", "suspect_ref"};
  static constexpr std::size_t kRequired = 9;
  // The suspect a case is about is named by the suspect's ref.
  static constexpr auto kFields =
      entity_fields("bail_case", kColumns, {{"suspect_ref", {"suspect", "ref"}}});
};

inline constexpr std::array<std::string_view, 7> kFileOrder{
    OfficersCsv::kFile, NominalsCsv::kFile, AssessmentsCsv::kFile, PlansCsv::kFile,
    VisitsCsv::kFile,   SuspectsCsv::kFile, BailCsv::kFile};

inline constexpr std::size_t kMissing = static_cast<std::size_t>(-1);

}  // namespace vigil::backoffice::import_detail
