// What every report says about itself: the date it is as of, when it was made, whose records it
// covers, and how fresh they are. The freshness is the last sync of each tablet in the scope: a
// tablet that has not synced may hold visits the report cannot yet see, and a supervisor reading
// "overdue" should know that. Used by vigil-server's reports and `vigil report` alike.
// The caller owns the Database; one thread. Throws vigil::Error when the database fails.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vigil/base/json.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/store/devices.hpp"
#include "vigil/store/store.hpp"

namespace vigil::reports {

struct ReportStamp {
  Date as_of;
  std::string generated_at;        // instant
  std::vector<std::string> teams;  // the names of the teams covered, by name
  bool force = false;              // the whole force: every team, and any team made later
  std::vector<store::DeviceInfo>
      devices;  // the scope's tablets not revoked, least recently synced first
};

// How many of the stamp's tablets have never synced, and the least recent last sync of those that
// have (nullopt when none has).
std::int64_t never_synced(const ReportStamp& stamp);
std::optional<std::string> oldest_sync(const ReportStamp& stamp);

// `team_names` empty: the whole force.
ReportStamp stamp_report(store::Database& db, Date as_of,
                         const std::vector<std::string>& team_names, Instant now);

// "as_of", "generated_at", "scope" {"teams"} and "freshness" {"devices", "never_synced",
// "oldest_sync", "items": [{device_id, name, officer, team, last_sync_at, pending_changes}]}
// into an open object.
void write_stamp(base::JsonWriter& w, const ReportStamp& stamp);
// A report's whole JSON object: its head (the stamp when there is one, else only "as_of"), then
// the members write_body writes.
std::string report_json(Date as_of, const ReportStamp* stamp,
                        const std::function<void(base::JsonWriter&)>& write_body);
// A report's JSON written without a stamp (so beginning {"as_of":"DATE"), stamped afterwards: the
// same bytes as writing it with the stamp. A report kept for many readers is written once and
// stamped for each. vigil::Error (internal) when the JSON does not begin with the stamp's date.
std::string stamped_json(std::string_view unstamped, const ReportStamp& stamp);

// The devices report is the freshness itself, device by device: last contact, the changes it said
// it still held then and when the oldest of them was made, its clock's skew, and whether it has
// been silent for over 24 hours at `now` (never having synced counts as silent) — with changes
// waiting, an officer's work the server has not seen (the nightly run flags those).
inline constexpr std::chrono::hours kSilentAfter{24};
bool silent_over_24h(const store::DeviceInfo& device, Instant now);
bool silent_with_changes(const store::DeviceInfo& device, Instant now);
std::string devices_report_json(const ReportStamp& stamp, Instant now);
std::string devices_report_csv(const ReportStamp& stamp, Instant now);

}  // namespace vigil::reports
