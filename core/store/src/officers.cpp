#include "vigil/store/officers.hpp"

#include "vigil/base/ids.hpp"

namespace vigil::store {

std::optional<std::string> find_team_id(store::Database& db, std::string_view name) {
  auto find = db.prepare("SELECT id FROM teams WHERE name = ?");
  find.bind_all(name);
  if (!find.step()) return std::nullopt;
  return find.column_text(0);
}

std::string ensure_team(store::Database& db, std::string_view name) {
  if (auto id = find_team_id(db, name)) return *id;
  std::string id = base::make_uuid();
  db.prepare("INSERT INTO teams (id, name) VALUES (?, ?)").bind_all(id, name).run();
  return id;
}

std::optional<Officer> find_officer(store::Database& db, std::string_view username) {
  auto s = db.prepare(
      "SELECT o.id, o.username, o.name, o.role, t.name FROM officers o "
      "JOIN teams t ON t.id = o.team_id WHERE o.username = ?");
  s.bind_all(username);
  if (!s.step()) return std::nullopt;
  return Officer{s.column_text(0), s.column_text(1), s.column_text(2),
                 parse_enum<Role>(s.column_text(3)).value_or(Role::officer), s.column_text(4)};
}

std::string add_officer(store::Database& db, const Officer& officer, std::string_view team_id,
                        std::string_view password_hash, std::string_view created_at) {
  std::string id = officer.id.empty() ? base::make_uuid() : officer.id;
  db.prepare(
        "INSERT INTO officers (id, username, name, role, team_id, password_hash, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)")
      .bind_all(id, officer.username, officer.name, to_string(officer.role), team_id, password_hash,
                created_at)
      .run();
  if (officer.role == Role::supervisor) {
    db.prepare("INSERT INTO team_supervisors (team_id, officer_id) VALUES (?, ?)")
        .bind_all(team_id, id)
        .run();
  }
  return id;
}

void set_password_hash(store::Database& db, std::string_view username,
                       std::string_view password_hash) {
  db.prepare("UPDATE officers SET password_hash = ? WHERE username = ?")
      .bind_all(password_hash, username)
      .run();
}

std::vector<Officer> list_officers(store::Database& db) {
  auto s = db.prepare(
      "SELECT o.id, o.username, o.name, o.role, t.name FROM officers o "
      "JOIN teams t ON t.id = o.team_id ORDER BY t.name, o.role = 'supervisor' DESC, o.username");
  std::vector<Officer> out;
  while (s.step()) {
    out.push_back({s.column_text(0), s.column_text(1), s.column_text(2),
                   parse_enum<Role>(s.column_text(3)).value_or(Role::officer), s.column_text(4)});
  }
  return out;
}

bool set_officer_active(store::Database& db, std::string_view officer_id, bool active) {
  db.prepare("UPDATE officers SET active = ? WHERE id = ?").bind_all(active, officer_id).run();
  // SQLite counts a row set to the value it already held, so none changed means no officer.
  return db.changes() > 0;
}

std::vector<std::string> unrevoked_device_ids(store::Database& db, std::string_view officer_id) {
  auto s = db.prepare(
      "SELECT id FROM devices WHERE officer_id = ? AND revoked_at IS NULL "
      "ORDER BY enrolled_at, id");
  s.bind_all(officer_id);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.column_text(0));
  return out;
}

}  // namespace vigil::store
