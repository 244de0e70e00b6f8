#include "vigil/core/devices.hpp"

#include "vigil/core/ids.hpp"
#include "vigil/core/json.hpp"

namespace vigil {

std::vector<DeviceInfo> list_devices(store::Database& db,
                                     const std::vector<std::string>& team_ids) {
  JsonWriter teams;
  teams.begin_array();
  for (const auto& id : team_ids) teams.value(id);
  teams.end_array();
  auto s = db.prepare(
      "SELECT d.id, d.name, o.username, t.name, d.enrolled_at, d.last_contact_at, d.last_pending, "
      "d.clock_skew_ms, d.revoked_at FROM devices d JOIN officers o ON o.id = d.officer_id "
      "JOIN teams t ON t.id = o.team_id WHERE ?1 = '[]' OR o.team_id IN "
      "(SELECT value FROM json_each(?1)) ORDER BY t.name, o.username, d.enrolled_at, d.id");
  s.bind(1, teams.str());
  std::vector<DeviceInfo> out;
  while (s.step()) {
    out.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3),
                   s.column_text(4), s.column_optional_text(5), s.column_optional_int(6),
                   s.column_optional_int(7), s.column_optional_text(8)});
  }
  return out;
}

std::optional<std::string> device_team(store::Database& db, const std::string& device_id) {
  auto s = db.prepare(
      "SELECT o.team_id FROM devices d JOIN officers o ON o.id = d.officer_id WHERE d.id = ?");
  s.bind_all(device_id);
  if (!s.step()) return std::nullopt;
  return s.column_text(0);
}

bool revoke_device(store::Database& db, const std::string& device_id,
                   const std::string& by_officer_id, const std::string& reason,
                   const std::string& now) {
  store::Transaction transaction(db);
  const std::optional<std::string> by =
      by_officer_id.empty() ? std::nullopt : std::optional(by_officer_id);
  auto revoke = db.prepare(
      "UPDATE devices SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ? AND "
      "revoked_at IS NULL");
  revoke.bind_all(now, by, reason, device_id);
  revoke.run();
  if (db.changes() == 0) return false;
  auto audit = db.prepare(
      "INSERT INTO audit_log (id, occurred_at, officer_id, action, entity, entity_id, reason) "
      "VALUES (?, ?, ?, 'revoke', 'device', ?, ?)");
  audit.bind_all(make_uuid(), now, by, device_id,
                 reason.empty() ? std::string(by ? "" : "revoked in the back office") : reason);
  audit.run();
  transaction.commit();
  return true;
}

}  // namespace vigil
