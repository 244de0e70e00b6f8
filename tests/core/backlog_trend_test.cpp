// The backlog trend on a real database: the nightly run's snapshot of what was overdue, and the
// 90 nights of them a dashboard draws for a team or the force.
#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/base/error.hpp"
#include "vigil/reports/backlog_trend.hpp"
#include "vigil/reports/report_stamp.hpp"

using namespace vigil;

namespace {

OverdueItem item(const std::string& team, RiskLevel risk, int days_overdue) {
  OverdueItem i;
  i.nominal_ref = "NOM-1";
  i.team = team;
  i.risk_level = risk;
  i.days_overdue = days_overdue;
  return i;
}

reports::OverdueReport report_on(const char* date, std::vector<OverdueItem> items) {
  reports::OverdueReport report;
  report.as_of = *parse_date(date);
  report.policy_version = 1;
  report.items = std::move(items);
  return report;
}

}  // namespace

TEST_CASE("backlog trend: each night's snapshot, counted over the scope", "[trend]") {
  TempDir dir;
  TestForce::create(dir.path() / "force.db");
  store::Database db(dir.path() / "force.db");
  reports::record_backlog_snapshot(db,
                                   report_on("2026-11-20", {item("North", RiskLevel::high, 10),
                                                            item("North", RiskLevel::high, 12),
                                                            item("South", RiskLevel::low, 400)}),
                                   "2026-11-20T02:00:00Z");
  reports::record_backlog_snapshot(
      db, report_on("2026-11-21", {item("South", RiskLevel::very_high, 95)}),
      "2026-11-21T02:00:00Z");

  const auto force = reports::backlog_trend(db, *parse_date("2026-11-22"), reports::ReportScope{});
  CHECK(format_date(force.from) == "2026-08-25");  // 90 nights, 2026-11-22 the last
  REQUIRE(force.points.size() == 2);
  CHECK(force.points[0].total == 3);
  CHECK(force.points[0].by_risk[index_of(RiskLevel::high)] == 2);
  CHECK(force.points[0].by_age_band[0] == 2);  // 1-30 days
  CHECK(force.points[0].by_age_band[4] == 1);  // over a year
  CHECK(force.points[1].by_age_band[2] == 1);  // 95 days: 91-180

  // North had nothing overdue on the 21st: the night is still there, with zero.
  const auto north =
      reports::backlog_trend(db, *parse_date("2026-11-22"), reports::ReportScope{{"North"}});
  REQUIRE(north.points.size() == 2);
  CHECK(north.points[0].total == 2);
  CHECK(north.points[1].total == 0);
  CHECK(reports::backlog_trend_csv(north) ==
        "as_of,total,low,medium,high,very_high,1-30,31-90,91-180,181-365,over_365\r\n"
        "2026-11-20,2,0,0,2,0,2,0,0,0,0\r\n"
        "2026-11-21,0,0,0,0,0,0,0,0,0,0\r\n");

  // Nights before the 90 are not shown.
  CHECK(
      reports::backlog_trend(db, *parse_date("2027-02-18"), reports::ReportScope{}).points.size() ==
      1);
  CHECK(
      reports::backlog_trend(db, *parse_date("2027-02-19"), reports::ReportScope{}).points.empty());
}

TEST_CASE("backlog trend: a rerun for the same night replaces its snapshot", "[trend]") {
  TempDir dir;
  TestForce::create(dir.path() / "force.db");
  store::Database db(dir.path() / "force.db");
  reports::record_backlog_snapshot(
      db, report_on("2026-11-20", {item("North", RiskLevel::high, 10)}), "2026-11-20T02:00:00Z");
  reports::record_backlog_snapshot(db, report_on("2026-11-20", {item("South", RiskLevel::low, 5)}),
                                   "2026-11-20T03:00:00Z");
  const auto trend = reports::backlog_trend(db, *parse_date("2026-11-20"), reports::ReportScope{});
  REQUIRE(trend.points.size() == 1);
  CHECK(trend.points[0].by_risk[index_of(RiskLevel::low)] == 1);
  CHECK(trend.points[0].by_risk[index_of(RiskLevel::high)] == 0);
  auto taken = db.prepare("SELECT taken_at FROM backlog_snapshots");
  REQUIRE(taken.step());
  CHECK(taken.column_text(0) == "2026-11-20T03:00:00Z");

  // An item of a team the database does not hold (a broken record the nightly run reports) has
  // no team to be counted under: the rest are stored.
  reports::record_backlog_snapshot(db,
                                   report_on("2026-11-20", {item("Nowhere", RiskLevel::low, 5),
                                                            item("North", RiskLevel::low, 5)}),
                                   "2026-11-20T04:00:00Z");
  const auto again = reports::backlog_trend(db, *parse_date("2026-11-20"), reports::ReportScope{});
  CHECK(again.points[0].total == 1);
}

TEST_CASE("report stamp: a report written unstamped and stamped afterwards is the same bytes",
          "[trend][stamp]") {
  TempDir dir;
  TestForce::create(dir.path() / "force.db");
  store::Database db(dir.path() / "force.db");
  const Date as_of = *parse_date("2026-11-22");
  const auto stamp = reports::stamp_report(db, as_of, {"North"}, london_midnight(as_of));
  const auto overdue = reports::overdue_report(db, as_of, reports::ReportScope{{"North"}});
  CHECK(reports::stamped_json(reports::overdue_report_json(overdue), stamp) ==
        reports::overdue_report_json(overdue, &stamp));
  const auto trend = reports::backlog_trend(db, as_of, reports::ReportScope{{"North"}});
  CHECK(reports::stamped_json(reports::backlog_trend_json(trend), stamp) ==
        reports::backlog_trend_json(trend, &stamp));
  // Another date's report is not this stamp's.
  const auto stamp_of_another_day = reports::stamp_report(db, *parse_date("2026-11-21"), {}, {});
  CHECK_THROWS_AS(
      reports::stamped_json(reports::overdue_report_json(overdue), stamp_of_another_day), Error);
}
