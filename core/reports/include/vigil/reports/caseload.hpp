// An officer's caseload (docs/domain.md, "Priority of late work"): every nominal with what is due
// or late and why, in the order an officer works through it. The tablet computes it from its
// scope with the same rules and policy as the server's reports, so what a tablet shows offline is
// what the supervisor's report says. Reads; throws vigil::Error when the database fails.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/store/store.hpp"

namespace vigil::reports {

// One nominal of the caseload.
struct CaseloadEntry {
  std::string nominal_id;
  std::string nominal_ref;
  std::string name;  // "Surname, Forenames"
  std::string officer;
  RiskLevel risk_level = RiskLevel::low;  // the current level (current_risk)
  std::optional<Date> next_visit_due;
  int days_overdue = 0;  // of the visit
  int priority = 0;      // the highest of the nominal's overdue items (0: nothing late)
  bool double_crewed = false;
  bool no_fixed_abode = false;
  std::string area;  // where the nominal is found: for one of no fixed abode, the only place
  std::vector<std::string> reasons;  // behind the priority
};

// The caseload's order: the highest priority first, then the longest overdue, then the visit due
// soonest (a nominal with none last), then by ref.
bool comes_before(const CaseloadEntry& a, const CaseloadEntry& b);

// Every nominal the database holds (a tablet holds its scope) as of a date, with the policy in
// force on it, in the caseload's order; read in one snapshot.
std::vector<CaseloadEntry> caseload(store::Database& db, Date as_of);

}  // namespace vigil::reports
