// What the back office writes (`vigil import` updating a force's records from its spreadsheets,
// `vigil officer add`, `vigil policy add`), logged in the changes log as the server's own
// changes, so the tablets holding each record's scope receive it at their next pull (every tablet,
// for teams, officers and policy versions), and a record moved to another team leaves the old
// team's tablets and reaches the new team's whole. Nothing is logged until a tablet has enrolled:
// a tablet takes its whole scope when it enrols.
//
// The caller holds the transaction that wrote the records. Throws vigil::Error when the database
// fails.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/rules/dates.hpp"
#include "vigil/store/devices.hpp"
#include "vigil/store/store.hpp"

namespace vigil::sync {

// The device the back office's changes are logged under.
inline constexpr const char* kBackOfficeDevice = "back-office";

struct BackOfficeWrite {
  std::string entity;  // "nominal", "visit", ...
  std::string id;
  bool created = false;                      // false: an update of a record that was there
  std::optional<std::string> previous_team;  // an update's team before it (team ids)
};

// The team of a change every tablet receives: one to a record every tablet holds.
inline constexpr const char* kEveryTablet = "*";

// Logs each write with the record's every field as it now stands, and stamps the record with
// the change's sequence number.
void log_back_office_writes(store::Database& db, const std::vector<BackOfficeWrite>& writes,
                            Instant now);

// Opens the changes log, when a tablet enrols and nothing has been logged yet, with the enrolling
// officer's record as it stands (written by no one: the log's first entry). A tablet follows the
// log from the number its scope was taken at, and 0 numbers nothing (since=0 asks for the whole
// scope): without this, a force whose records were all imported before any tablet existed would
// hand its first tablets cursor 0, and each would take its whole scope again at its next sync.
// The caller holds the transaction that enrolled the device.
void open_change_log(store::Database& db, const std::string& officer_id, Instant now);

// Whether an officer may sign in, as `vigil officer disable|enable` and a supervisor at the
// dashboard set it: the officer's record changes (and is logged, so every tablet learns of it),
// and disabling revokes every device of theirs, each audited as a revocation by `by`, so a tablet
// already holding their caseload is told to wipe it. The officer is refused first, each device
// revoked in a transaction of its own: until the last is revoked the server already refuses an
// inactive officer's devices, and a disable cut short is finished by running it again. Returns
// the devices revoked.
int set_officer_access(store::Database& db, const std::string& officer_id, bool active,
                       const store::Revoker& by, const std::string& reason, Instant now);

}  // namespace vigil::sync
