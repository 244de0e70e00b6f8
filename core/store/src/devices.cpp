#include "vigil/store/devices.hpp"

#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"

namespace vigil::store {

void enrol_device(store::Database& db, const NewDevice& device) {
  auto s = db.prepare(
      "INSERT INTO devices (id, officer_id, name, token_hash, enrolled_at, last_contact_at, kind, "
      "audit_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind_all(device.id, device.officer_id, device.name, device.token_hash, device.enrolled_at,
             device.enrolled_at, device.kind, device.audit_key);
  s.run();
}

std::vector<DeviceInfo> list_devices(store::Database& db,
                                     const std::optional<std::vector<std::string>>& team_ids) {
  // Two statements, not one with "?1 IS NULL OR": that form cannot use officers_team, and every
  // report's stamp lists its teams' devices, so a team's list must not read the whole force's.
  constexpr const char* kColumns =
      "SELECT d.id, d.name, o.username, t.name, d.enrolled_at, d.last_contact_at, d.last_pending, "
      "d.oldest_pending_at, d.clock_skew_ms, d.revoked_at, d.kind FROM devices d JOIN officers o "
      "ON o.id = d.officer_id "
      "JOIN teams t ON t.id = o.team_id ";
  constexpr const char* kOrder = " ORDER BY t.name, o.username, d.enrolled_at, d.id";
  // Kept on the connection: every report the server serves is stamped with this list.
  auto& s =
      db.cached(std::string(kColumns) +
                (team_ids ? "WHERE o.team_id IN (SELECT value FROM json_each(?1))" : "") + kOrder);
  if (team_ids) s.bind(1, base::json_string_array(*team_ids));
  std::vector<DeviceInfo> out;
  while (s.step()) {
    out.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3),
                   s.column_text(4), s.column_optional_text(5), s.column_optional_int(6),
                   s.column_optional_text(7), s.column_optional_int(8), s.column_optional_text(9),
                   s.column_text(10)});
  }
  return out;
}

std::optional<std::string> device_team(store::Database& db, const std::string& device_id) {
  auto owner = device_owner(db, device_id);
  if (!owner) return std::nullopt;
  return owner->team_id;
}

std::optional<DeviceOwner> device_owner(store::Database& db, const std::string& device_id) {
  auto s = db.prepare(
      "SELECT o.id, o.role, o.team_id FROM devices d JOIN officers o ON o.id = d.officer_id "
      "WHERE d.id = ?");
  s.bind_all(device_id);
  if (!s.step()) return std::nullopt;
  return DeviceOwner{s.column_text(0), s.column_text(1), s.column_text(2)};
}

std::string devices_json(const std::vector<DeviceInfo>& devices) {
  return base::items_json(devices, [](base::JsonWriter& w, const DeviceInfo& d) {
    w.begin_object().fields(
        {base::member("id", d.id), base::member("name", d.name), base::member("kind", d.kind)});
    write_device_contact(w, d);
    w.fields({base::member("revoked", d.revoked_at.has_value()),
              base::member("revoked_at", d.revoked_at)});
    w.end_object();
  });
}

void write_device_contact(base::JsonWriter& w, const DeviceInfo& d) {
  w.fields({base::member("officer", d.officer), base::member("team", d.team),
            base::member("enrolled_at", d.enrolled_at),
            base::member("last_contact_at", d.last_contact_at),
            base::member("pending_changes", d.pending_changes),
            base::member("oldest_pending_at", d.oldest_pending_at),
            base::member("clock_skew_ms", d.clock_skew_ms)});
}

bool revoke_device(store::Database& db, const std::string& device_id, const Revoker& by,
                   const std::string& reason, const std::string& now) {
  auto optional = [](const std::string& text) {
    return text.empty() ? std::nullopt : std::optional(text);
  };
  store::Transaction transaction(db);
  auto revoke = db.prepare(
      "UPDATE devices SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ? AND "
      "revoked_at IS NULL");
  revoke.bind_all(now, optional(by.officer_id), reason, device_id);
  revoke.run();
  if (db.changes() == 0) return false;
  auto audit = db.prepare(
      "INSERT INTO audit_log (id, occurred_at, officer_id, device_id, action, entity, entity_id, "
      "reason) VALUES (?, ?, ?, ?, 'revoke', 'device', ?, ?)");
  audit.bind_all(base::make_time_ordered_uuid(), now, optional(by.officer_id),
                 optional(by.device_id), device_id,
                 reason.empty() && by.officer_id.empty() ? "revoked in the back office" : reason);
  audit.run();
  transaction.commit();
  return true;
}

}  // namespace vigil::store
