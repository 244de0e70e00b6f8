// The tablet's answers as JSON, for `vigil-field --json` and the C API alike: one form for every
// front end. Pure functions; safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "vigil/mobile/tablet.hpp"
#include "vigil/rules/dates.hpp"

namespace vigil::mobile {

std::string to_json(const SyncReport& report);
// {"as_of", "items": [{nominal_ref, name, officer, risk_level, next_visit_due, days_overdue,
// priority, double_crewed, no_fixed_abode, reasons}]}
std::string caseload_json(const std::vector<reports::CaseloadEntry>& entries, Date as_of);
std::string to_json(const NominalRecord& record);
std::string to_json(const Recorded& recorded);
std::string warnings_json(const std::vector<std::string>& warnings);
std::string to_json(const TabletStatus& status);

}  // namespace vigil::mobile
