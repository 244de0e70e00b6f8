// The officers and teams repository: who uses Vigil, in which team, with which role.
// The caller owns the Database; one thread. Throws vigil::Error for database failures only;
// "not found" is an empty optional.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/rules/domain.hpp"
#include "vigil/store/store.hpp"

namespace vigil::store {

struct Officer {
  std::string id;
  std::string username;
  std::string name;
  Role role = Role::officer;
  std::string team;  // team name
};

std::optional<std::string> find_team_id(store::Database& db, std::string_view name);
// The team's id, creating the team when it does not exist yet.
std::string ensure_team(store::Database& db, std::string_view name);

std::optional<Officer> find_officer(store::Database& db, std::string_view username);
// Adds the officer (a supervisor also supervises their own team) and returns the new id.
std::string add_officer(store::Database& db, const Officer& officer, std::string_view team_id,
                        std::string_view password_hash, std::string_view created_at);
void set_password_hash(store::Database& db, std::string_view username,
                       std::string_view password_hash);
// By team name, supervisors first, then username.
std::vector<Officer> list_officers(store::Database& db);

// Whether the officer may sign in (officers.active): vigil-server refuses an inactive officer's
// sign-in and every request of their devices. Returns false when there is no such officer.
bool set_officer_active(store::Database& db, std::string_view officer_id, bool active);

// The ids of the officer's devices (tablets and dashboard sign-ins) not revoked, oldest first.
std::vector<std::string> unrevoked_device_ids(store::Database& db, std::string_view officer_id);

}  // namespace vigil::store
