// The rules about a visit at the door (docs/domain.md, "Visits and crewing" and "Failed entries and
// warrants"), kept once: the tablet warns by them before a visit is saved, and the reports and the
// nightly run count by them. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "vigil/rules/domain.hpp"
#include "vigil/rules/policy.hpp"

namespace vigil {

// The officers a visit needs: the policy's crew when the plan in force asks for double crewing,
// else one. Crewing is derived from who attended, never a tick-box.
int required_crew(bool plan_double_crewed, const Policy& policy);

// Whether a visit attended by `attendees` distinct officers is short of its crew.
bool under_crewed(int attendees, bool plan_double_crewed, const Policy& policy);

// Failed attempts to enter the home (nobody answered, entry refused) since the nominal was last
// seen at which police may seek a magistrate's warrant to enter for a risk assessment.
inline constexpr int kFailedEntriesForWarrant = 2;
inline bool warrant_may_be_sought(int failed_entries_since_seen) {
  return failed_entries_since_seen >= kFailedEntriesForWarrant;
}

// A failed entry: nobody answered, or entry was refused. Each is recorded beside its visit.
bool is_failed_entry(VisitOutcome outcome);

// A visit about to be saved, and what its nominal's plan in force and record say.
struct VisitAtTheDoor {
  std::string nominal_ref;
  int attendees = 0;  // distinct officers present
  bool announced = false;
  VisitOutcome outcome = VisitOutcome::seen;
  bool plan_double_crewed = false;  // false when there is no plan in force
  bool plan_unannounced = false;
  int failed_entries_before = 0;  // since the nominal was last seen, before this visit
};

// What the officer is told before the visit is saved, in this order: a visit short of its crew,
// a pre-arranged visit where the plan asks for unannounced ones, and a failed entry that allows
// a warrant to be sought.
enum class VisitWarningKind { short_crew, pre_arranged, warrant };
template <>
struct EnumNames<VisitWarningKind> {
  static constexpr std::array<std::string_view, 3> names{"short_crew", "pre_arranged", "warrant"};
};
struct VisitWarning {
  VisitWarningKind kind;
  std::string text;
};
std::vector<VisitWarning> visit_warnings(const VisitAtTheDoor& visit, const Policy& policy);

// The visit's field that must then say why (a supervisor reviews it): "crew_reason" for a visit
// short of its crew, "announced_reason" for a pre-arranged one, "" when none is asked. Nothing
// stops the visit being saved once the officer has said why: it happened.
std::string_view reason_field(VisitWarningKind kind);

}  // namespace vigil
