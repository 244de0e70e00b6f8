#include "vigil/store/team_facts.hpp"

#include <array>
#include <utility>

namespace vigil::store {
namespace {

constexpr std::array<std::string_view, 10> kCopies = {"team_assessments",
                                                      "team_plans",
                                                      "team_plan_actions",
                                                      "team_visits",
                                                      "team_breaches",
                                                      "team_orders",
                                                      "team_notification_requirements",
                                                      "team_notifications",
                                                      "team_open_cases",
                                                      "team_outstanding_suspects"};

std::string rows(std::int64_t n) {
  return std::to_string(n) + (n == 1 ? " row" : " rows");
}

}  // namespace

void copy_visit(Database& db, std::string_view visit_id) {
  auto& copy = db.cached(
      "INSERT OR REPLACE INTO team_visits SELECT * FROM team_visits_source WHERE visit_id = ?");
  copy.bind_all(visit_id);
  copy.run();
}

void copy_recorded_visit(Database& db, const TeamVisit& visit) {
  auto& copy = db.cached(
      "INSERT OR REPLACE INTO team_visits (team_id, visit_id, occurred_at, nominal_id, outcome, "
      "risk_changed, announced, recorded_by, crew) VALUES (?, ?, ?, ?, ?, ?, ?, nullif(?, ''), ?)");
  copy.bind_all(visit.team_id, visit.visit_id, visit.occurred_at, visit.nominal_id, visit.outcome,
                visit.risk_changed ? 1 : 0, visit.announced ? 1 : 0, visit.recorded_by, visit.crew);
  copy.run();
}

void copy_visits(Database& db) {
  db.execute(
      "INSERT OR REPLACE INTO team_visits SELECT * FROM team_visits_source ORDER BY 1, 2, 3");
}

std::vector<TeamFactDifference> team_fact_differences(Database& db) {
  std::vector<TeamFactDifference> differences;
  for (const auto copy : kCopies) {
    const std::string table(copy);
    const std::string source = table + "_source";
    // Rows of `from` that `other` lacks.
    const auto rows_not_in = [&db](const std::string& from, const std::string& other) {
      std::string sql = "SELECT count(*) FROM (SELECT * FROM ";
      sql.append(from).append(" EXCEPT SELECT * FROM ").append(other).append(")");
      return single_int(db, sql);
    };
    const auto missing = rows_not_in(source, table);
    const auto extra = rows_not_in(table, source);
    if (missing == 0 && extra == 0) continue;
    std::string detail = table;
    detail.append(" differs from ").append(source).append(": ").append(rows(missing));
    detail.append(" missing from it and ").append(rows(extra)).append(" that should not be in it");
    differences.push_back({table, std::move(detail)});
  }
  return differences;
}

}  // namespace vigil::store
