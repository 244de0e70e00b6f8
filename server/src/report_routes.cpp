// The report routes (docs/http-api.md): JSON, or CSV with format=csv; each stamped with its as-of
// date and the freshness of the data behind it, and each read audited. Today's reports are kept
// in the cache (report_cache.hpp) until a change lands in their teams; the warmer
// (report_warmer.hpp) makes them ahead through warm_reports.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "api_impl.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/backlog_trend.hpp"
#include "vigil/reports/compliance_report.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/reports/report_stamp.hpp"
#include "vigil/reports/safeguarding_report.hpp"
#include "vigil/reports/suspects_report.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/sync/back_office.hpp"

namespace vigil::server {
namespace {

// as_of=YYYY-MM-DD, today in London when absent.
Date as_of_param(const Request& request, Instant now) {
  const auto found = request.query.find("as_of");
  if (found == request.query.end()) return london_date(now);
  const auto date = parse_date(found->second);
  if (!date) fail(400, "bad_request", "as_of must be a real date (YYYY-MM-DD)");
  return *date;
}

bool csv_format(const Request& request) {
  const auto found = request.query.find("format");
  if (found == request.query.end() || found->second == "json") return false;
  if (found->second != "csv") fail(400, "bad_request", "format must be json or csv");
  return true;
}

Response report_response(bool csv, std::string body, const reports::ReportStamp& stamp,
                         std::string_view name) {
  Response response = json_response(200, std::move(body));
  // Read at the desk, on the force's network: packed fast (a force-wide report is megabytes).
  response.packing = base::Packing::fastest;
  if (csv) {
    response.content_type = "text/csv; charset=utf-8";
    response.headers.emplace_back(
        "Content-Disposition",
        "attachment; filename=\"" + std::string(name) + "-" + format_date(stamp.as_of) + ".csv\"");
  }
  // The stamp travels with a CSV too, where the body has no room for it.
  response.headers.emplace_back("X-Vigil-As-Of", format_date(stamp.as_of));
  response.headers.emplace_back("X-Vigil-Generated-At", stamp.generated_at);
  const auto oldest = reports::never_synced(stamp) > 0 ? std::optional<std::string>("never")
                                                       : reports::oldest_sync(stamp);
  if (oldest) response.headers.emplace_back("X-Vigil-Oldest-Sync", *oldest);
  return response;
}

// A report and, when it is kept, its JSON written once unstamped: each reader gets it stamped
// afresh.
template <class Report>
struct Made {
  Report report;
  std::string json;
};

}  // namespace

// Each read is one index probe: a team's changes, those for every tablet, and those that moved a
// record out.
std::int64_t scope_generation(store::Database& db, const std::vector<std::string>& teams) {
  std::int64_t generation = 0;
  const auto newest = [&](const char* sql, const std::string& team) {
    auto& s = db.cached(sql);
    s.bind(1, team);
    s.step();
    generation = std::max(generation, s.column_optional_int(0).value_or(0));
    s.reset();
  };
  // The force is every team: counted team by team, so that changes touching no team (a
  // tablet's read events, rejected changes) do not make its reports again.
  std::vector<std::string> ids{sync::kEveryTablet};
  auto& names = db.cached(
      teams.empty() ? "SELECT id FROM teams"
                    : "SELECT id FROM teams WHERE name IN (SELECT value FROM json_each(?1))");
  if (!teams.empty()) names.bind(1, base::json_string_array(teams));
  while (names.step()) ids.push_back(names.column_text(0));
  for (const auto& id : ids) {
    newest("SELECT max(seq) FROM changes WHERE team_id = ?", id);
    newest("SELECT max(seq) FROM changes WHERE left_team_id = ?", id);
  }
  return generation;
}

std::string scope_words(const std::vector<std::string>& teams) {
  if (teams.empty()) return "the force";
  std::string out;
  for (const auto& name : teams) out += (out.empty() ? "teams " : ", ") + name;
  return out;
}

std::vector<std::string> Api::Impl::requested_teams(const Call& call, std::string_view what,
                                                    std::string_view entity) {
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  const Request& request = call.request;
  std::vector<std::string> scope;
  auto& names = db.cached(
      "SELECT name FROM teams WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name");
  names.bind_all(base::json_string_array(caller.team_ids));
  while (names.step()) scope.push_back(names.column_text(0));
  const auto team = request.query.find("team");
  if (team != request.query.end()) {
    if (std::find(scope.begin(), scope.end(), team->second) == scope.end()) {
      refuse(caller, call, 403, "forbidden",
             "the team '" + quoted_excerpt(team->second, 100) +
                 "' is not one whose records you may see",
             std::string(what) + " for team '" + quoted_excerpt(team->second, 100) +
                 "' outside the caller's scope",
             entity);
    }
    return {team->second};
  }
  if (caller.role == Role::admin) return {};
  return scope;
}

// Today's report over these teams from the cache, made (and kept) when a change in them has
// landed since it was made: what scoped_report serves and the warmer makes ahead.
template <class Report>
auto Api::Impl::kept_report(store::Database& db, const reports::DatedReport<Report>& kind,
                            Date as_of, const std::vector<std::string>& teams, bool* hit) {
  const std::string key =
      std::string(kind.name) + ' ' + format_date(as_of) + ' ' + base::json_string_array(teams);
  return reports.get<Made<Report>>(
      key, scope_generation(db, teams),
      [&] {
        const auto pass = report_gate.enter();
        auto maker = report_pool(teams).take();
        Made<Report> made{kind.make(*maker, as_of, reports::ReportScope{teams}), {}};
        made.json = kind.json(made.report, nullptr);
        return made;
      },
      hit);
}

// A report over the caller's scope as of a date: made afresh (or, when `kept`, taken from the
// cache when nothing in its scope has changed since), written as JSON or CSV; the stamp is made
// afresh for every request, and reading the report is audited as a read of what it lists.
template <class Report>
Response Api::Impl::scoped_report(const Call& call, const reports::DatedReport<Report>& kind,
                                  bool kept) {
  const Request& request = call.request;
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  const Date as_of = as_of_param(request, options.now());
  const bool as_csv = csv_format(request);
  const std::string name(kind.name);
  const auto teams = requested_teams(call, name + " report", "report");
  // Only today's reports are kept: they are what the dashboard asks for again and again, and
  // a date of the caller's choosing must not fill the server's memory with force-wide reports.
  const bool cached = kept && options.cache_reports && as_of == london_date(options.now());
  bool hit = false;
  // A report made here is made, stamped and written inside the gate; its audit row's commit is
  // waited for outside it, so a slot is never held idle.
  Gate::Pass pass = cached ? Gate::Pass() : report_gate.enter();
  const auto report =
      cached ? kept_report(db, kind, as_of, teams, &hit)
             : std::make_shared<const Made<Report>>(Made<Report>{
                   kind.make(*report_pool(teams).take(), as_of, reports::ReportScope{teams}), {}});
  if (cached) {
    metrics.counter("vigil_report_cache_total",
                    "Reports asked for, by whether the cached copy served (hit) or it was made.",
                    {{"result", hit ? "hit" : "miss"}});
  }
  const reports::ReportStamp stamp = reports::stamp_report(db, as_of, teams, options.now());
  std::string body = as_csv   ? kind.csv(report->report)
                     : cached ? reports::stamped_json(report->json, stamp)
                              : kind.json(report->report, &stamp);
  pass.release();
  audits->write(
      audit_row(&caller, "read", "report", std::nullopt,
                name + " report as of " + format_date(as_of) + " for " + scope_words(teams)));
  return report_response(as_csv, std::move(body), stamp, name);
}

template <const auto& kind, bool kept>
Response Api::Impl::report_page(const Call& call) {
  return scoped_report(call, kind, kept);
}

// The report routes of the table (api.cpp). The trend is not kept: the nightly run's snapshots
// are not in the change log, and a trend is 90 rows at most.
template Response Api::Impl::report_page<reports::kOverdueReport>(const Call&);
template Response Api::Impl::report_page<reports::kSuspectsReport>(const Call&);
template Response Api::Impl::report_page<reports::kSafeguardingReport>(const Call&);
template Response Api::Impl::report_page<reports::kComplianceReport>(const Call&);
template Response Api::Impl::report_page<reports::kTrendReport, false>(const Call&);

bool Api::Impl::warm_reports(store::Database& db, Date today,
                             const std::vector<std::string>& teams) {
  bool all_hit = true;
  const auto warm = [&](const auto& kind) {
    bool hit = false;
    kept_report(db, kind, today, teams, &hit);
    all_hit = all_hit && hit;
  };
  warm(reports::kOverdueReport);
  warm(reports::kSuspectsReport);
  warm(reports::kComplianceReport);
  bool hit = false;
  kept_review_queue(db, today, teams, &hit);
  return all_hit && hit;
}

Response Api::Impl::devices_report_page(const Call& call) {
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  const Request& request = call.request;
  const bool csv = csv_format(request);
  const auto teams = requested_teams(call, "devices report", "report");
  const Instant now = options.now();
  const reports::ReportStamp stamp = reports::stamp_report(db, london_date(now), teams, now);
  audits->write(audit_row(&caller, "read", "report", std::nullopt,
                          "devices report for " + scope_words(teams)));
  return report_response(
      csv, csv ? reports::devices_report_csv(stamp, now) : reports::devices_report_json(stamp, now),
      stamp, "devices");
}

}  // namespace vigil::server
