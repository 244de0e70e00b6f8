#include "vigil/rules/visit_rules.hpp"

namespace vigil {

int required_crew(bool plan_double_crewed, const Policy& policy) {
  return plan_double_crewed ? policy.visit_crew : 1;
}

bool under_crewed(int attendees, bool plan_double_crewed, const Policy& policy) {
  return attendees < required_crew(plan_double_crewed, policy);
}

bool is_failed_entry(VisitOutcome outcome) {
  return outcome == VisitOutcome::no_answer || outcome == VisitOutcome::refused;
}

std::vector<VisitWarning> visit_warnings(const VisitAtTheDoor& visit, const Policy& policy) {
  std::vector<VisitWarning> warnings;
  if (under_crewed(visit.attendees, visit.plan_double_crewed, policy)) {
    warnings.push_back({VisitWarningKind::short_crew,
                        "The plan for " + visit.nominal_ref + " requires " +
                            std::to_string(required_crew(visit.plan_double_crewed, policy)) +
                            " officers at each visit; " + std::to_string(visit.attendees) +
                            (visit.attendees == 1 ? " is" : " are") + " recorded."});
  }
  if (visit.announced && visit.plan_unannounced) {
    warnings.push_back({VisitWarningKind::pre_arranged,
                        "The plan for " + visit.nominal_ref +
                            " asks for unannounced visits; this one was pre-arranged."});
  }
  if (is_failed_entry(visit.outcome)) {
    const int count = visit.failed_entries_before + 1;
    if (warrant_may_be_sought(count)) {
      warnings.push_back(
          {VisitWarningKind::warrant, "This is failed entry " + std::to_string(count) + " at " +
                                          visit.nominal_ref +
                                          " since the nominal was last seen: two or more allow a "
                                          "magistrate's warrant to be sought."});
      static_assert(kFailedEntriesForWarrant == 2, "the warning says \"two or more\"");
    }
  }
  return warnings;
}

std::string_view reason_field(VisitWarningKind kind) {
  switch (kind) {
    case VisitWarningKind::short_crew:
      return "crew_reason";
    case VisitWarningKind::pre_arranged:
      return "announced_reason";
    case VisitWarningKind::warrant:
      break;
  }
  return "";
}

}  // namespace vigil
