// The effective visit (docs/domain.md, "Visits are evidence"): a visit as recorded with its
// amendments applied in the order they were made. What it says of the time, the announcement,
// the outcome, the dynamic risk change and who attended is what every deadline, report, check
// and caseload counts; the visit as recorded and each amendment stay as they were.
#pragma once

#include <string>

#include "vigil/store/migrate.hpp"
#include "vigil/store/store.hpp"

namespace vigil::sync {

// Works out the visit's effective values from the amendments the store holds (in the order
// amended_at, then the amendment's clock, then its id, the same on every store) and keeps them
// beside the recorded ones (migration 0011: visits.amended_*, visit_attendees.present), then
// takes the visit's copy for the reports (store::copy_visit). Run whenever a visit, its
// attendees or an amendment is stored; a visit without amendments is left as recorded.
void settle_visit(store::Database& db, const std::string& visit_id);

// store::migrate, then what a migration cannot do in SQL: the visits amended before the store
// kept effective visits, which the upgrade listed (migration 0013), are settled, until none is
// left however often the program was stopped. Every program that opens a store to bring it up to
// date calls this.
store::MigrationReport migrate(store::Database& db);

}  // namespace vigil::sync
