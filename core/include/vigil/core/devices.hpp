// The devices repository: the tablets (and dashboard sessions) officers have signed in on, their
// last contact, and revocation. Used by vigil-server's device routes and `vigil device`.
// Throws vigil::Error when the database fails.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/core/store.hpp"

namespace vigil {

struct DeviceInfo {
  std::string id, name, officer, team, enrolled_at;  // officer by username, team by name
  std::optional<std::string> last_contact_at;
  std::optional<std::int64_t> pending_changes;  // what it said it still held at its last sync
  std::optional<std::int64_t> clock_skew_ms;    // its clock minus the server's, last contact
  std::optional<std::string> revoked_at;
};

// Devices of officers in the given teams (ids), or of every team when `team_ids` is empty;
// by team, officer, then enrolment.
std::vector<DeviceInfo> list_devices(store::Database& db,
                                     const std::vector<std::string>& team_ids = {});

// The team id of the device's officer, or nullopt when there is no such device.
std::optional<std::string> device_team(store::Database& db, const std::string& device_id);

// Revokes the device and writes the audit row, in one transaction. `by_officer_id` is empty
// when the back office revokes. Returns false when the device was already revoked (nothing is
// written then).
bool revoke_device(store::Database& db, const std::string& device_id,
                   const std::string& by_officer_id, const std::string& reason,
                   const std::string& now);

}  // namespace vigil
