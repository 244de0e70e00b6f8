// The files `vigil import` reads and their columns (docs/import-format.md), the order they are
// checked and written in, and the mark of a column missing from a file's header.
// Private to import/.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace vigil::backoffice::import_detail {

// The field of the sync entity table whose grammar a column's values follow: one grammar for a
// value, whatever the door it comes in by (docs/import-format.md, "Values").
struct ColumnField {
  std::string_view entity, field;
};

// The files and their columns, in the order they are checked and written: a file refers only
// to the files before it (nominals name officers and teams, visits name nominals and officers).
struct OfficersCsv {
  static constexpr std::string_view kFile = "officers.csv";
  enum Column : std::size_t { username, name, role, team };
  static constexpr std::array<std::string_view, 4> kColumns{"username", "name", "role", "team"};
  static constexpr std::array<ColumnField, 4> kFields{
      {{"officer", "username"}, {"officer", "name"}, {"officer", "role"}, {"officer", "team"}}};
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
  static constexpr std::array<ColumnField, 12> kFields{{{"nominal", "ref"},
                                                        {"nominal", "surname"},
                                                        {"nominal", "forenames"},
                                                        {"nominal", "date_of_birth"},
                                                        {"nominal", "kind"},
                                                        {"nominal", "mappa_category"},
                                                        {"nominal", "mappa_level"},
                                                        {"nominal", "risk_level"},
                                                        {"nominal", "officer"},
                                                        {"nominal", "team"},
                                                        {"nominal", "no_fixed_abode"},
                                                        {"nominal", "area"}}};
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
  static constexpr std::array<ColumnField, 6> kFields{{{"nominal", "ref"},
                                                       {"assessment", "assessed_on"},
                                                       {"assessment", "risk_level"},
                                                       {"officer", "username"},
                                                       {"assessment", "risk_factors"},
                                                       {"assessment", "protective_factors"}}};
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
  static constexpr std::array<ColumnField, 6> kFields{{{"nominal", "ref"},
                                                       {"plan", "started_on"},
                                                       {"plan", "visit_every_months"},
                                                       {"plan", "double_crewed"},
                                                       {"plan", "unannounced_required"},
                                                       {"assessment", "assessed_on"}}};
};

struct VisitsCsv {
  static constexpr std::string_view kFile = "visits.csv";
  enum Column : std::size_t { nominal_ref, occurred_at, announced, outcome, attendees };
  static constexpr std::array<std::string_view, 5> kColumns{"nominal_ref", "occurred_at",
                                                            "announced", "outcome", "attendees"};
  static constexpr std::array<ColumnField, 5> kFields{{{"nominal", "ref"},
                                                       {"visit", "occurred_at"},
                                                       {"visit", "announced"},
                                                       {"visit", "outcome"},
                                                       {"visit", "attendees"}}};
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
  static constexpr std::array<ColumnField, 11> kFields{{{"suspect", "ref"},
                                                        {"suspect", "surname"},
                                                        {"suspect", "forenames"},
                                                        {"suspect", "offence"},
                                                        {"suspect", "harm"},
                                                        {"suspect", "outstanding_since"},
                                                        {"suspect", "circulated_on"},
                                                        {"suspect", "last_trace_on"},
                                                        {"suspect", "officer"},
                                                        {"suspect", "team"},
                                                        {"suspect", "date_of_birth"}}};
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
  static constexpr std::array<ColumnField, 11> kFields{{{"bail_case", "ref"},
                                                        {"bail_case", "surname"},
                                                        {"bail_case", "forenames"},
                                                        {"bail_case", "offence"},
                                                        {"bail_case", "arrested_on"},
                                                        {"bail_case", "case_type"},
                                                        {"bail_case", "status"},
                                                        {"bail_case", "officer"},
                                                        {"bail_case", "team"},
                                                        {"bail_case", "date_of_birth"},
                                                        {"suspect", "ref"}}};
};

inline constexpr std::array<std::string_view, 7> kFileOrder{
    OfficersCsv::kFile, NominalsCsv::kFile, AssessmentsCsv::kFile, PlansCsv::kFile,
    VisitsCsv::kFile,   SuspectsCsv::kFile, BailCsv::kFile};

inline constexpr std::size_t kMissing = static_cast<std::size_t>(-1);

}  // namespace vigil::backoffice::import_detail
