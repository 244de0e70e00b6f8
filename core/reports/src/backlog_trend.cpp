#include "vigil/reports/backlog_trend.hpp"

#include <map>

#include "vigil/base/error.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/report_stamp.hpp"

namespace vigil::reports {

void record_backlog_snapshot(store::Database& db, const OverdueReport& report,
                             const std::string& taken_at) {
  std::map<std::string, std::string, std::less<>> team_ids;  // by name
  {
    auto teams = db.prepare("SELECT name, id FROM teams");
    while (teams.step()) team_ids.emplace(teams.column_text(0), teams.column_text(1));
  }
  // Counted by team, risk level and age band: [team id][risk][band].
  std::map<std::string, std::array<std::array<int, 5>, 4>> counts;
  for (const auto& item : report.items) {
    // A nominal whose team is not in the database is a broken record, which the nightly run's
    // invariants report; it has no team to be counted under.
    const auto team = team_ids.find(item.team);
    if (team == team_ids.end()) continue;
    ++counts[team->second][index_of(item.risk_level)]
            [static_cast<std::size_t>(age_band(item.days_overdue))];
  }
  const std::string as_of = format_date(report.as_of);
  store::Transaction transaction(db);
  {
    auto clear = db.prepare("DELETE FROM backlog_snapshots WHERE as_of = ?");
    clear.bind_all(as_of);
    clear.run();  // its counts go with it (ON DELETE CASCADE)
  }
  {
    auto night = db.prepare(
        "INSERT INTO backlog_snapshots (as_of, taken_at, policy_version) VALUES (?, ?, ?)");
    night.bind_all(as_of, taken_at, report.policy_version);
    night.run();
  }
  auto insert = db.prepare(
      "INSERT INTO backlog_counts (as_of, team_id, risk_level, age_band, items) "
      "VALUES (?, ?, ?, ?, ?)");
  for (const auto& [team_id, by_risk] : counts) {
    for (std::size_t risk = 0; risk < by_risk.size(); ++risk) {
      for (std::size_t band = 0; band < by_risk[risk].size(); ++band) {
        if (by_risk[risk][band] == 0) continue;
        insert.bind_all(as_of, team_id, to_string(static_cast<RiskLevel>(risk)), kAgeBands[band],
                        by_risk[risk][band]);
        insert.run();
      }
    }
  }
  transaction.commit();
}

BacklogTrend backlog_trend(store::Database& db, Date as_of, const ReportScope& scope) {
  BacklogTrend trend;
  trend.as_of = as_of;
  trend.from = add_days(as_of, -(kTrendDays - 1));
  const auto team_ids = scope_team_ids(db, scope);
  // Every night with a snapshot appears, with zeros when the scope had nothing overdue then.
  auto s = db.prepare(
      "SELECT s.as_of, c.risk_level, c.age_band, sum(c.items) FROM backlog_snapshots s "
      "LEFT JOIN backlog_counts c ON c.as_of = s.as_of AND (?3 IS NULL OR c.team_id IN "
      "(SELECT value FROM json_each(?3))) "
      "WHERE s.as_of BETWEEN ?1 AND ?2 GROUP BY s.as_of, c.risk_level, c.age_band "
      "ORDER BY s.as_of");
  s.bind(1, format_date(trend.from));
  s.bind(2, format_date(as_of));
  s.bind(3, team_ids);
  while (s.step()) {
    const Date night = date_column(s, 0);
    if (trend.points.empty() || trend.points.back().as_of != night) {
      trend.points.push_back(BacklogPoint{night, 0, {}, {}});
    }
    if (s.is_null(1)) continue;
    const auto risk = parse_enum<RiskLevel>(s.column_view(1));
    int band = -1;
    for (std::size_t i = 0; i < std::size(kAgeBands); ++i) {
      if (s.column_view(2) == kAgeBands[i]) band = static_cast<int>(i);
    }
    if (!risk || band < 0) {
      throw Error(ErrorCode::database, "backlog_counts holds a risk level or age band it may not",
                  s.column_text(1) + " / " + s.column_text(2));
    }
    auto& point = trend.points.back();
    const auto items = static_cast<int>(s.column_int(3));
    point.total += items;
    point.by_risk[index_of(*risk)] += items;
    point.by_age_band[static_cast<std::size_t>(band)] += items;
  }
  return trend;
}

std::string backlog_trend_json(const BacklogTrend& trend, const ReportStamp* stamp) {
  return report_json(trend.as_of, stamp, [&](base::JsonWriter& w) {
    w.field("from", format_date(trend.from)).field("days", kTrendDays);
    w.key("points").begin_array();
    for (const auto& point : trend.points) {
      w.begin_object().field("as_of", format_date(point.as_of)).field("total", point.total);
      write_backlog_counts(w, point.by_risk, point.by_age_band);
      w.end_object();
    }
    w.end_array();
  });
}

std::string backlog_trend_csv(const BacklogTrend& trend) {
  std::string out = "as_of,total";
  for (std::size_t i = 0; i < 4; ++i)
    out += "," + std::string(to_string(static_cast<RiskLevel>(i)));
  for (const char* band : kAgeBands) out += std::string(",") + band;
  out += "\r\n";
  for (const auto& point : trend.points) {
    out += format_date(point.as_of) + ',' + std::to_string(point.total);
    for (int n : point.by_risk) out += ',' + std::to_string(n);
    for (int n : point.by_age_band) out += ',' + std::to_string(n);
    out += "\r\n";
  }
  return out;
}

}  // namespace vigil::reports
