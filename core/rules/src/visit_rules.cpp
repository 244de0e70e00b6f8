#include "vigil/rules/visit_rules.hpp"

namespace vigil {

int required_crew(bool plan_double_crewed, const Policy& policy) {
  return plan_double_crewed ? policy.visit_crew : 1;
}

bool under_crewed(int attendees, bool plan_double_crewed, const Policy& policy) {
  return attendees < required_crew(plan_double_crewed, policy);
}

std::string required_crew_sql(const std::string& double_crewed, int crew_parameter) {
  return "(CASE WHEN " + double_crewed + " = 1 THEN ?" + std::to_string(crew_parameter) +
         " ELSE 1 END)";
}

}  // namespace vigil
