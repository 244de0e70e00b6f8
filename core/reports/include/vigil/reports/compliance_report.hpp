// The compliance report: what the inspectors found behind the backlog. Visits made by fewer
// officers than the plan required; the share of pre-arranged visits by officer, month by month
// (a rise is how backlog-clearing shows); plans with no actions, and actions with no owner or no
// due date; each officer's caseload against the policy's 1:50; and one officer visiting one
// nominal alone again and again. Over the 180 days up to the as-of date.
// The caller owns the Database; one thread. Throws vigil::Error when the database fails.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/reports/overdue_report.hpp"
#include "vigil/store/store.hpp"

namespace vigil::reports {

inline constexpr int kComplianceDays = 180;
// Visits alone by one officer to one nominal in the period that make a pattern to look at.
inline constexpr int kRepeatedSoloVisits = 3;

struct UnderCrewedVisit {
  std::string visit_id, nominal_ref, officer, team;  // officer: who recorded it
  std::string occurred_at;
  int attendees = 0, required = 0;
};

struct AnnouncedShare {
  std::string officer, team;
  std::string month;  // YYYY-MM
  int visits = 0, announced = 0;
  double share = 0;  // announced / visits
};

struct PlanDefect {
  std::string nominal_ref, team;
  std::string plan_started_on;
  std::string problem;  // "no actions", "an action with no owner", "an action with no due date"
  std::string action;   // the action's description ("" for no actions)
};

struct OfficerCaseload {
  std::string officer, team;
  int nominals = 0, limit = 0;
  bool over = false;
};

struct RepeatedSoloVisits {
  std::string officer, nominal_ref, team;
  int visits = 0;
  std::string last_at;
};

struct ComplianceReport {
  Date as_of;
  Date from;                                      // the period's first day
  std::vector<UnderCrewedVisit> under_crewed;     // most recent first
  std::vector<AnnouncedShare> announced;          // by officer, then month
  std::vector<PlanDefect> plan_defects;           // by nominal
  std::vector<OfficerCaseload> caseloads;         // largest first
  std::vector<RepeatedSoloVisits> repeated_solo;  // most visits first
};

ComplianceReport compliance_report(store::Database& db, Date as_of, const ReportScope& scope);
std::string compliance_report_json(const ComplianceReport& report,
                                   const ReportStamp* stamp = nullptr);
// One table: section (under_crewed, announced, plan_defect, caseload, repeated_solo), officer,
// nominal_ref, team, date, count, limit (the crew required, the visits of the month, the caseload
// limit), detail.
std::string compliance_report_csv(const ComplianceReport& report);
// The report as text for a terminal, section by section.
std::string compliance_report_table(const ComplianceReport& report);

inline constexpr DatedReport<ComplianceReport> kComplianceReport{
    "compliance", compliance_report, compliance_report_json, compliance_report_csv,
    compliance_report_table};

}  // namespace vigil::reports
