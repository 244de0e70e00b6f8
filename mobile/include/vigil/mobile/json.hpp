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
// priority, double_crewed, no_fixed_abode, area, reasons}]}
std::string caseload_json(const std::vector<reports::CaseloadEntry>& entries, Date as_of);
// {"nominal", "addresses", "plans", "actions", "assessments", "orders", "conditions", "visits",
// "amendments", "failed_entries", "breaches", "follow_ups" (of the breaches), "notifications",
// "notification_requirement", "due"}
std::string to_json(const NominalRecord& record);
// {"id", "warnings": [{kind, text, reason_field}]}
std::string to_json(const Recorded& recorded);
std::string warnings_json(const std::vector<VisitWarning>& warnings);
// {"items": [{username, name, team, active}]}
std::string officers_json(const std::vector<OfficerEntry>& officers);
// {"items": [{"suspect": {...}, "traces": [...]}]}
std::string suspects_json(const std::vector<SuspectRecord>& suspects);
// {"items": [{decision_id, subject, subject_id, comment, decided_at, nominal_ref, mine}]}
std::string returned_json(const std::vector<ReturnedItem>& items);
std::string to_json(const TabletStatus& status);

}  // namespace vigil::mobile
