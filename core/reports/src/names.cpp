#include "names.hpp"

#include <utility>

namespace vigil::reports {

Names::Names(store::Database& db, bool every_officer) : db_(db), every_officer_(every_officer) {
  auto& teams = db.cached("SELECT id, name FROM teams");
  while (teams.step()) teams_.emplace(teams.column_text(0), teams.column_text(1));
  if (!every_officer) return;
  auto& officers = db.cached("SELECT id, username, team_id FROM officers");
  while (officers.step()) {
    officers_.emplace(officers.column_text(0),
                      Officer{officers.column_text(1), officers.column_text(2)});
  }
}

const Names::Officer* Names::officer(std::string_view id) {
  auto found = officers_.find(id);
  if (found == officers_.end()) {
    if (every_officer_) return nullptr;
    auto& s = db_.cached("SELECT username, team_id FROM officers WHERE id = ?");
    s.bind_all(id);
    std::optional<Officer> officer;
    if (s.step()) officer = Officer{s.column_text(0), s.column_text(1)};
    s.reset();
    found = officers_.emplace(std::string(id), std::move(officer)).first;
  }
  return found->second ? &*found->second : nullptr;
}

std::string Names::username(std::string_view id) {
  if (id.empty()) return {};
  const Officer* found = officer(id);
  return found != nullptr ? found->username : std::string();
}

std::string Names::team(std::string_view id) const {
  const auto found = teams_.find(id);
  return found == teams_.end() ? std::string() : found->second;
}

}  // namespace vigil::reports
