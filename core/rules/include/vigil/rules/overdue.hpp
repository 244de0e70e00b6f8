// What is overdue for a nominal, how late, and how urgent: the rules of docs/domain.md
// for visits, assessments, plan reviews, plan actions and notifications, and the priority that
// weighs risk, days overdue and aggravating facts, with the reasons a supervisor reads.
//
// Pure functions over facts: the tablet and the server call the same code with the same policy,
// so derived status is computed, never stored. Safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/rules/policy.hpp"

namespace vigil {

// Everything the rules need to know about one nominal, as of a date.
struct NominalFacts {
  std::string nominal_id;
  std::string ref;
  NominalKind kind = NominalKind::other;
  RiskLevel recorded_risk = RiskLevel::low;  // the nominal's level when never assessed
  std::string officer;                       // managing officer's username ("" when none)
  std::string team;                          // team name
  bool no_fixed_abode = false;
  bool reactive_management = false;  // low risk, no offending for 3 years: no routine visits

  std::optional<Date> first_assessment_on;
  std::optional<Date> last_assessment_on;
  std::optional<RiskLevel> last_assessment_risk;
  // The earliest dynamic risk change recorded (at a visit) after the last assessment.
  std::optional<Date> risk_change_on;

  struct Plan {
    Date started_on;
    std::optional<Date> last_reviewed_on;
    std::optional<int> visit_every_months;  // empty: policy applies
    bool double_crewed = true;
  };
  std::optional<Plan> plan;  // the current (latest) plan

  std::optional<Instant> last_seen_at;  // the last visit at which the nominal was seen
  int last_visit_attendees = 0;         // officers at that visit; 0 when not known
  std::optional<Date> last_breach_on;

  struct Action {
    std::string description;
    std::string owner;  // username, "" when none
    std::optional<Date> due_on;
  };
  // Actions open on the as-of date whose due date has passed; the only ones that can be late.
  std::vector<Action> late_actions;

  // Registered sex offenders only: whether notification applies on the as-of date, the last
  // notification of any kind, and notifications still to be made with their deadlines.
  bool notification_applies = false;
  std::optional<Date> last_notified_on;
  std::vector<Date> pending_notification_deadlines;
};

struct OverdueItem {
  std::string nominal_id;
  std::string nominal_ref;
  OverdueKind kind = OverdueKind::visit;
  RiskLevel risk_level = RiskLevel::low;
  Date due;
  int days_overdue = 0;
  int priority = 0;
  std::string officer;
  std::string team;
  std::string detail;                // e.g. the action's description
  std::vector<std::string> reasons;  // why the item ranks where it does, most important first
};

// How a reason states what weighs on a priority: a factor ("x1.58") and an added share ("+25%").
std::string format_factor(double factor);
std::string format_share(double share);

// The current risk level as of a date: that of the most recent assessment on or before it (of two
// on the same day, the higher level: the cautious reading), else the nominal's recorded level.
// `facts` holds that assessment (load_nominal_facts reads it so).
RiskLevel current_risk(const NominalFacts& facts);
// The same rule as an SQL expression, for queries that list nominals with their current level:
// it reads the nominal as `n` and the as-of date (YYYY-MM-DD) from the numbered parameter
// `?as_of_parameter`. A test holds the two forms to the same answer on every nominal of the demo
// force.
std::string current_risk_sql(int as_of_parameter);
// Whether an assessment on `on` at `level` replaces `current` (on `current_on`) as the one that
// sets the current level: the one place the tie between two on one day is settled.
bool assessment_supersedes(Date on, RiskLevel level, Date current_on, RiskLevel current);

// Visit due: last seen + frequency (shorter of plan and policy) in calendar months, clamped to
// the month's last day; never seen: the plan's start, else the first assessment. nullopt when
// there is nothing to schedule from, or the nominal is on reactive management.
std::optional<Date> next_visit_due(const NominalFacts& facts, const Policy& policy);
std::optional<Date> next_assessment_due(const NominalFacts& facts, const Policy& policy);
std::optional<Date> next_plan_review_due(const NominalFacts& facts, const Policy& policy);
// days overdue = as_of - due, and 0 when not yet late.
int days_overdue(Date due, Date as_of);

// The priority of a late item and the reasons behind it.
struct Priority {
  int score = 0;
  std::vector<std::string> reasons;
};
Priority prioritise(const NominalFacts& facts, OverdueKind kind, RiskLevel risk, int days_late,
                    const Policy& policy, Date as_of);

// Every item overdue on as_of for this nominal (empty when nothing is late).
std::vector<OverdueItem> overdue_items(const NominalFacts& facts, const Policy& policy, Date as_of);

// Orders items highest priority first; ties by days overdue, then reference, kind, detail, due
// date, officer and team, so the order is the same on every run however the facts were read.
void sort_by_priority(std::vector<OverdueItem>& items);

// Age bands of the summary.
inline constexpr const char* kAgeBands[] = {"1-30", "31-90", "91-180", "181-365", "over_365"};
int age_band(int days_overdue);  // index into kAgeBands

}  // namespace vigil
