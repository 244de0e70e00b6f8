// The devices repository: the tablets (and dashboard sessions) officers have signed in on, their
// last contact, and revocation. Used by vigil-server's device routes and `vigil device`.
// Throws vigil::Error when the database fails.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/base/json.hpp"
#include "vigil/store/store.hpp"

namespace vigil::store {

struct DeviceInfo {
  std::string id, name, officer, team, enrolled_at;  // officer by username, team by name
  std::optional<std::string> last_contact_at;
  std::optional<std::int64_t> pending_changes;   // what it said it still held at its last sync
  std::optional<std::string> oldest_pending_at;  // when the oldest of those was made
  std::optional<std::int64_t> clock_skew_ms;     // its clock minus the server's, last contact
  std::optional<std::string> revoked_at;
  std::string kind = "tablet";  // or "browser": a dashboard sign-in, which holds no records
};

// A device an officer has just signed in on. Only the token's hash is kept: the token itself is
// the device's alone.
struct NewDevice {
  std::string id, officer_id, name, token_hash;
  std::string kind;                      // "tablet", or "browser" for a dashboard session
  std::string enrolled_at;               // also its first contact
  std::optional<std::string> audit_key;  // the key of its read audit's chain, when it asked for one
};
// Records the device, in the caller's transaction (with the audit row of the sign-in).
void enrol_device(store::Database& db, const NewDevice& device);

// Devices of officers in the given teams (ids), or of every team when no list is given (the
// back office); by team, officer, then enrolment.
std::vector<DeviceInfo> list_devices(
    store::Database& db, const std::optional<std::vector<std::string>>& team_ids = std::nullopt);

// The team id of the device's officer, or nullopt when there is no such device.
std::optional<std::string> device_team(store::Database& db, const std::string& device_id);

// The officer a device was signed in by: who may revoke it depends on their role and team.
struct DeviceOwner {
  std::string officer_id, role, team_id;  // role: officer, supervisor or admin
};
std::optional<DeviceOwner> device_owner(store::Database& db, const std::string& device_id);

// {"items": [...]}, each device with id, name, kind, officer, team, enrolled_at, last_contact_at,
// pending_changes, clock_skew_ms, revoked and revoked_at: the API's and `vigil device list`'s.
std::string devices_json(const std::vector<DeviceInfo>& devices);
// The members that describe a device's contact wherever one is listed (the devices list above,
// the devices report), written into the object `w` has open: officer, team, enrolled_at,
// last_contact_at, pending_changes, oldest_pending_at, clock_skew_ms.
void write_device_contact(base::JsonWriter& w, const DeviceInfo& device);

// Who revokes: an officer on one of their devices, or (both empty) the back office.
struct Revoker {
  std::string officer_id, device_id;
};

// Revokes the device and writes the audit row, in one transaction. Returns false when the
// device was already revoked (nothing is written then).
bool revoke_device(store::Database& db, const std::string& device_id, const Revoker& by,
                   const std::string& reason, const std::string& now);

}  // namespace vigil::store
