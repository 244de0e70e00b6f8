// The suspects report for the daily meeting: pre-charge bail periods ending within 7 days or
// already ended, with the rank that must authorise any extension; released-under-investigation
// cases whose 28-day review is due; outstanding suspects by priority with the days since the last
// trace activity; and bail and RUI per 1,000 arrests. The rules are bail.hpp's; this file loads
// the facts in a few set-based queries and applies them.
// The caller owns the Database; one thread. Throws vigil::Error when the database fails.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/reports/overdue_report.hpp"
#include "vigil/rules/bail.hpp"
#include "vigil/store/store.hpp"

namespace vigil::reports {

// How far ahead the report looks for bail ending and reviews falling due.
inline constexpr int kSuspectsLookaheadDays = 7;

struct BailDeadline {
  std::string ref, name, officer, team;
  Date arrested_on, current_end;
  int days_left = 0;  // negative: the period has ended and bail has lapsed
  // Who must authorise bail beyond current_end, before it, and the furthest they may extend it
  // to; absent past every stage, and once the period has ended (too late to extend).
  std::optional<BailStage> extension;
  // The same person elsewhere in the report's scope: the nominal they are, and the suspect the
  // case is about (docs/domain.md, "One person").
  std::optional<std::string> nominal_ref, suspect_ref;
};

struct RuiReview {
  std::string ref, name, officer, team;
  Date last_review;  // or the arrest, when never reviewed
  Date due;
  int days_overdue = 0;
  std::optional<Date> expected_finish_on;
  std::optional<std::string> nominal_ref, suspect_ref;
};

struct OutstandingSuspect {
  std::string ref, name, offence, officer, team;
  int harm = 5;  // 1 is the most harmful
  int days_outstanding = 0;
  std::optional<Date> last_trace_on;
  int days_since_trace = 0;  // since the last trace, or since outstanding when never traced
  bool circulated = false;
  bool no_trace_flag = false;  // no trace activity for the policy's days
  Date review_due;
  int priority = 0;
  // On the force's named priority list (policy's priority_list), which goes before every
  // priority worked out.
  bool listed = false;
  std::vector<std::string> reasons;        // behind the priority, most important first
  std::optional<std::string> nominal_ref;  // the nominal the suspect is, in the report's scope
};

struct ArrestRates {
  int arrests = 0;  // arrested in the 365 days up to the as-of date
  int on_bail = 0, under_investigation = 0;
  double bail_per_1000 = 0, rui_per_1000 = 0;
};

struct SuspectsReport {
  Date as_of;
  std::vector<BailDeadline> bail;            // soonest (or longest lapsed) first
  std::vector<RuiReview> rui;                // most overdue first
  std::vector<OutstandingSuspect> suspects;  // highest priority first
  ArrestRates rates;
};

// Priority of an outstanding suspect: 10 x 2^(5 - harm) x (1 + days outstanding / 90), plus a
// quarter when not circulated and a half when no trace activity is flagged; every factor is a
// reason.
SuspectsReport suspects_report(store::Database& db, Date as_of, const ReportScope& scope);

std::string suspects_report_json(const SuspectsReport& report, const ReportStamp* stamp = nullptr);
// One table: section (bail, rui, suspect), ref, name, officer, team, date (bail's end, the
// review's due date, a suspect's review date), days (left, overdue, since the last trace),
// authority, priority, detail.
std::string suspects_report_csv(const SuspectsReport& report);
// The report as text for a terminal: bail, RUI reviews, outstanding suspects and the rates.
std::string suspects_report_table(const SuspectsReport& report);

inline constexpr DatedReport<SuspectsReport> kSuspectsReport{
    "suspects", suspects_report, suspects_report_json, suspects_report_csv, suspects_report_table};

}  // namespace vigil::reports
