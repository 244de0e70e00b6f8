#include "nominal_keys.hpp"

#include <utility>

#include "vigil/reports/overdue_report.hpp"

namespace vigil::reports {

store::Statement& active_nominals(store::Database& db, const std::optional<std::string>& team_ids,
                                  std::string_view columns) {
  auto& s = db.cached("SELECT n.team_id, n.id, " + std::string(columns) +
                      " FROM nominals n WHERE n.status = 'active' AND" +
                      scope_condition(team_ids, "n.team_id") + "ORDER BY n.team_id, n.id");
  s.bind(1, team_ids);
  return s;
}

void NominalKeys::add(std::string team_id, std::string nominal_id) {
  teams_.push_back(std::move(team_id));
  nominals_.push_back(std::move(nominal_id));
}

bool NominalKeys::before(std::size_t i, std::string_view team, std::string_view nominal) const {
  const int by_team = std::string_view(teams_[i]).compare(team);
  return by_team < 0 || (by_team == 0 && std::string_view(nominals_[i]) < nominal);
}

std::optional<std::size_t> NominalKeys::find(const store::Statement& row, std::size_t& at) {
  const std::string_view team = row.column_view(0), nominal = row.column_view(1);
  while (at < size() && before(at, team, nominal)) ++at;
  if (at < size() && teams_[at] == team && nominals_[at] == nominal) return at;
  if (at == 0 || before(at - 1, team, nominal)) return std::nullopt;  // between two: none
  if (by_nominal_.empty()) {
    by_nominal_.reserve(size());
    for (std::size_t i = 0; i < size(); ++i) by_nominal_.emplace(nominals_[i], i);
  }
  const auto it = by_nominal_.find(nominal);
  if (it == by_nominal_.end() || teams_[it->second] != team) return std::nullopt;
  return it->second;
}

}  // namespace vigil::reports
