// The overdue report: every overdue item in a scope, by priority, with a summary by risk level
// and age band. Loads facts from the store in a few set-based queries (no per-nominal queries), so
// a force-wide report stays well under a second. The caller owns the Database; one thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "vigil/rules/overdue.hpp"
#include "vigil/store/store.hpp"

namespace vigil::base {
class JsonWriter;
}  // namespace vigil::base

namespace vigil::reports {

struct ReportStamp;

// Which nominals: empty teams = the whole force.
struct ReportScope {
  std::vector<std::string> teams;  // team names
};

// The scope's team ids as a JSON array (bound and read with json_each), or nullopt for the whole
// force: what every report's queries filter on.
std::optional<std::string> scope_team_ids(store::Database& db, const ReportScope& scope);
// The condition that keeps a report's query to its scope, the scope's team ids bound as ?1:
// `column` in those teams, or, for the whole force, one on ?1 (NULL) that always holds. Written
// for the one case or the other, so a team's report reads its own rows by index rather than
// testing every row of the force.
std::string scope_condition(const std::optional<std::string>& team_ids, std::string_view column);

// A report made over a scope on a date, as every door serves it (`vigil report`, the server's
// routes and the warmer that makes them ahead): its name there, how it is made, and how it is
// written as JSON (stamped), CSV and a table for a terminal. One beside each report's functions.
template <class Report>
struct DatedReport {
  std::string_view name;
  Report (*make)(store::Database& db, Date as_of, const ReportScope& scope);
  std::string (*json)(const Report& report, const ReportStamp* stamp);
  std::string (*csv)(const Report& report);
  std::string (*table)(const Report& report);
};

// What every report holds while it reads: one snapshot for all its queries (store::ReadSnapshot),
// and the policy in force on its as-of date, read inside that snapshot.
struct ReportReading {
  ReportReading(store::Database& db, Date as_of);
  store::ReadSnapshot snapshot;
  Policy policy;
};

// A date column of a report's query. Stored dates were checked on the way in, so one that does
// not parse is a damaged database: vigil::Error (database) naming it.
Date date_column(const store::Statement& s, int column);
std::optional<Date> optional_date_column(const store::Statement& s, int column);

struct OverdueSummary {
  int total = 0;
  std::array<int, 4> by_risk{};                              // by RiskLevel
  std::array<int, 5> by_age_band{};                          // by kAgeBands
  std::array<std::optional<OverdueItem>, 4> oldest_by_risk;  // the most days overdue at each level
  int nominals = 0;                                          // nominals in scope
  int unscheduled = 0;  // active nominals with no plan, assessment or seen visit
};

struct OverdueReport {
  Date as_of;
  int policy_version = 0;
  std::vector<OverdueItem> items;
  OverdueSummary summary;
};

// Loads the facts of every active nominal in scope as of that date, from the copies of the facts
// clustered by team (migration 0021), in the order of (team, nominal).
std::vector<NominalFacts> load_nominal_facts(store::Database& db, Date as_of,
                                             const ReportScope& scope);
OverdueReport overdue_report(store::Database& db, Date as_of, const ReportScope& scope);
OverdueSummary summarise(const std::vector<OverdueItem>& items);

// With a stamp (report_stamp.hpp), the report says when it was made, whose records it covers and
// how fresh they are.
std::string overdue_report_json(const OverdueReport& report, const ReportStamp* stamp = nullptr);
std::string overdue_report_csv(const OverdueReport& report);
// "by_risk" {"low": n, ...} and "by_age_band" {"1-30": n, ...} into an open object: how the
// overdue report's summary and the backlog trend's nights give their counts.
void write_backlog_counts(base::JsonWriter& w, const std::array<int, 4>& by_risk,
                          const std::array<int, 5>& by_age_band);
std::string overdue_report_table(const OverdueReport& report);

inline constexpr DatedReport<OverdueReport> kOverdueReport{
    "overdue", overdue_report, overdue_report_json, overdue_report_csv, overdue_report_table};

}  // namespace vigil::reports
