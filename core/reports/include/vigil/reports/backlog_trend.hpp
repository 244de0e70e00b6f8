// The backlog's trend. The nightly run keeps what was overdue as of each night (backlog_snapshots
// and backlog_counts: items by team, risk level and age band), because what was overdue on a past
// date cannot be worked out again once visits are recorded late; the dashboard draws the last 90
// days of those snapshots for a team, a supervisor's teams or the force.
// The caller owns the Database; one thread. Throws vigil::Error when the database fails.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "vigil/reports/overdue_report.hpp"

namespace vigil::reports {

inline constexpr int kTrendDays = 90;

struct BacklogPoint {
  Date as_of;
  int total = 0;
  std::array<int, 4> by_risk{};      // by RiskLevel
  std::array<int, 5> by_age_band{};  // by kAgeBands
};

struct BacklogTrend {
  Date as_of;
  Date from;                         // as_of - (kTrendDays - 1): the first night shown
  std::vector<BacklogPoint> points;  // one per night with a snapshot, oldest first
};

// Stores the report's counts as the snapshot for report.as_of, replacing one taken before for
// that date, in one transaction. The report must be force-wide: a night's snapshot is the whole
// force's, so each team's trend reads from it. Items of a team the database does not hold are
// not counted (the nightly run reports such a nominal as a broken record).
void record_backlog_snapshot(store::Database& db, const OverdueReport& report,
                             const std::string& taken_at);

// The snapshots of the kTrendDays nights up to and including as_of, counted over the scope.
BacklogTrend backlog_trend(store::Database& db, Date as_of, const ReportScope& scope);

std::string backlog_trend_json(const BacklogTrend& trend, const ReportStamp* stamp = nullptr);
// One row per night: as_of, total, then the count at each risk level and in each age band.
std::string backlog_trend_csv(const BacklogTrend& trend);

// No table for a terminal: the trend is read in the dashboard and as the nightly run's files.
inline constexpr DatedReport<BacklogTrend> kTrendReport{"trend", backlog_trend, backlog_trend_json,
                                                        backlog_trend_csv, nullptr};

}  // namespace vigil::reports
