#include "vigil/reports/compliance_report.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "names.hpp"
#include "nominal_keys.hpp"
#include "text_table.hpp"
#include "vigil/base/csv.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/report_stamp.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/rules/visit_rules.hpp"
#include "vigil/store/policy_versions.hpp"

namespace vigil::reports {
namespace {

// Every query below binds ?1 the scope's team ids, ?2 the period's first instant, ?3 the
// instant after its last day. Visits and plans are read from their copies clustered by team
// (migration 0021): a team's visits lie together, in the order they were made, so the period is
// a filter over one short range per team, read once for the three findings about visits.
constexpr const char* kInPeriod = " v.occurred_at >= ?2 AND v.occurred_at < ?3 ";

// The nominal's reference while it is active or inactive in that team; nullopt otherwise (a
// visit of a nominal since moved on or closed is not the team's to answer for).
std::optional<std::string> nominal_ref(store::Database& db, const std::string& team_id,
                                       const std::string& nominal_id) {
  auto& s = db.cached(
      "SELECT ref FROM nominals WHERE team_id = ? AND status IN ('active', 'inactive') AND "
      "id = ?");
  s.bind_all(team_id, nominal_id);
  std::optional<std::string> ref;
  if (s.step()) ref = s.column_text(0);
  s.reset();
  return ref;
}

}  // namespace

ComplianceReport compliance_report(store::Database& db, Date as_of, const ReportScope& scope) {
  ComplianceReport report;
  report.as_of = as_of;
  report.from = add_days(as_of, -(kComplianceDays - 1));
  const ReportReading reading(db, as_of);
  // The force is every team: the period's visits are then read team by team rather than the
  // whole history of every visit.
  const auto scope_teams = scope_team_ids(db, scope);
  auto teams = scope_teams;
  Names names(db, !teams);
  if (!teams) {
    teams = store::single_text(db, "SELECT json_group_array(id) FROM teams");
  }
  const std::string scoped = scope_condition(teams, "n.team_id");
  const std::string from = format_date(report.from) + "T00:00:00Z";
  const std::string until = format_date(add_days(as_of, 1)) + "T00:00:00Z";
  auto bind = [&](store::Statement& s) { s.bind(1, teams).bind(2, from).bind(3, until); };

  // The period's visits, read once: those below the crew the plan in force at the time
  // required; pre-arranged visits by the officer who recorded them, month by month; and one
  // officer alone at one nominal's door, again and again (the sole attendee of a visit of one).
  struct Short {
    std::string team_id, visit_id, nominal_id, occurred_at, recorded_by;
    int crew = 0;
  };
  std::vector<Short> short_visits;
  struct Month {
    int visits = 0, announced = 0;
  };
  // By the recorder's id followed by the month (YYYY-MM): one key, made in one reused buffer.
  std::unordered_map<std::string, Month> months;
  constexpr std::size_t kMonth = 7;
  struct Alone {
    std::string team_id;
    int visits = 0;
    std::string last_at;
  };
  std::map<std::pair<std::string, std::string>, Alone> alone;  // (officer, nominal)
  {
    auto& visits = db.cached(
        "SELECT v.team_id, v.visit_id, v.nominal_id, v.occurred_at, v.crew, v.announced, "
        "coalesce(v.recorded_by, ''), CASE WHEN v.crew = 1 THEN (SELECT a.officer_id FROM "
        "effective_visit_attendees a WHERE a.visit_id = v.visit_id) END FROM team_visits v WHERE" +
        std::string(kInPeriod) + "AND" + scope_condition(teams, "v.team_id"));
    bind(visits);
    // No plan asks for more than the policy's crew: the plan in force is looked up only for
    // visits with fewer.
    const int most = std::max(1, reading.policy.visit_crew);
    std::string key;
    while (visits.step()) {
      const int crew = static_cast<int>(visits.column_int(4));
      const std::string_view recorded_by = visits.column_view(6);
      const std::string_view occurred_at = visits.column_view(3);
      if (crew > 0 && crew < most) {
        short_visits.push_back({visits.column_text(0), visits.column_text(1), visits.column_text(2),
                                std::string(occurred_at), std::string(recorded_by), crew});
      }
      if (!recorded_by.empty()) {
        key.assign(recorded_by).append(occurred_at.substr(0, kMonth));
        auto found = months.find(key);
        if (found == months.end()) found = months.emplace(key, Month{}).first;
        Month& month = found->second;
        ++month.visits;
        month.announced += visits.column_int(5) != 0 ? 1 : 0;
      }
      if (crew == 1 && !visits.is_null(7)) {
        Alone& at = alone[{visits.column_text(7), visits.column_text(2)}];
        at.team_id = visits.column_text(0);
        ++at.visits;
        at.last_at = std::max(at.last_at, visits.column_text(3));
      }
    }
  }
  {
    auto& plan = db.cached(
        "SELECT p.double_crewed FROM team_plans p WHERE p.team_id = ? AND p.nominal_id = ? AND "
        "p.started_on <= ? ORDER BY p.started_on DESC, p.plan_id DESC LIMIT 1");
    for (const Short& v : short_visits) {
      plan.bind_all(v.team_id, v.nominal_id, v.occurred_at.substr(0, 10));
      const bool double_crewed = plan.step() && plan.column_int(0) != 0;
      plan.reset();
      if (!under_crewed(v.crew, double_crewed, reading.policy)) continue;
      auto ref = nominal_ref(db, v.team_id, v.nominal_id);
      if (!ref) continue;
      const auto* officer = v.recorded_by.empty() ? nullptr : names.officer(v.recorded_by);
      report.under_crewed.push_back(
          {v.visit_id, std::move(*ref), officer != nullptr ? officer->username : std::string(),
           names.team(v.team_id), v.occurred_at, v.crew, reading.policy.visit_crew});
    }
    std::sort(report.under_crewed.begin(), report.under_crewed.end(),
              [](const auto& a, const auto& b) {
                return std::tie(b.occurred_at, a.visit_id) < std::tie(a.occurred_at, b.visit_id);
              });
  }
  for (const auto& [key, month] : months) {
    const auto* officer = names.officer(key.substr(0, key.size() - kMonth));
    if (officer == nullptr) continue;
    AnnouncedShare share{officer->username,
                         names.team(officer->team_id),
                         key.substr(key.size() - kMonth),
                         month.visits,
                         month.announced,
                         0};
    share.share = share.visits > 0 ? static_cast<double>(share.announced) / share.visits : 0;
    report.announced.push_back(std::move(share));
  }
  std::sort(report.announced.begin(), report.announced.end(), [](const auto& a, const auto& b) {
    return std::tie(a.officer, a.month) < std::tie(b.officer, b.month);
  });
  for (const auto& [key, at] : alone) {
    if (at.visits < kRepeatedSoloVisits) continue;
    const auto* officer = names.officer(key.first);
    auto ref = nominal_ref(db, at.team_id, key.second);
    if (officer == nullptr || !ref) continue;
    report.repeated_solo.push_back(
        {officer->username, std::move(*ref), names.team(at.team_id), at.visits, at.last_at});
  }
  std::sort(report.repeated_solo.begin(), report.repeated_solo.end(),
            [](const auto& a, const auto& b) {
              return std::tie(b.visits, a.officer, a.nominal_ref) <
                     std::tie(a.visits, b.officer, b.nominal_ref);
            });

  // The current plan of each active nominal: with no actions, or open actions without an owner
  // or a due date (docs/domain.md: each action has both). The nominals, their plans and the
  // plans' actions are each read straight through in the order of (team, nominal), from the
  // index of nominals by team and the copies clustered by team, and met in one pass: seeking a
  // force's seventy thousand nominals' plans and actions one by one was half the report. The plan
  // in force is the last started on or before the day (of two the same day, the greater id: the
  // copy's order).
  struct Current {
    std::string team_id, ref, officer_id, plan_id, started_on;
    bool has_actions = false;
  };
  std::vector<Current> current;
  NominalKeys keys;
  {
    auto& s = active_nominals(db, scope_teams, "n.ref, n.officer_id");
    while (s.step()) {
      keys.add(s.column_text(0), s.column_text(1));
      Current& c = current.emplace_back();
      s.columns(0, c.team_id);
      s.columns(2, c.ref, c.officer_id);
    }
  }
  // The nominal of a row of a copy, met in the order of (team, nominal): nullptr when none.
  const auto meet = [&](const store::Statement& row, std::size_t& at) -> Current* {
    const auto i = keys.find(row, at);
    return i ? &current[*i] : nullptr;
  };
  {
    auto& plans = db.cached(
        "SELECT x.team_id, x.nominal_id, x.plan_id, x.started_on FROM team_plans x WHERE" +
        scope_condition(scope_teams, "x.team_id") +
        "AND x.started_on <= ?2 ORDER BY x.team_id, x.nominal_id, x.started_on, x.plan_id");
    plans.bind(1, scope_teams).bind(2, format_date(as_of));
    std::size_t at = 0;
    while (plans.step()) {
      if (Current* c = meet(plans, at)) {
        c->plan_id = plans.column_text(2);
        c->started_on = plans.column_text(3);
      }
    }
  }
  {
    // The actions' defects in the order they are met: sorted with the others below.
    auto& actions = db.cached(
        "SELECT x.team_id, x.nominal_id, x.plan_id, x.status = 'open' AND x.owner_id IS NULL, "
        "x.status = 'open' AND x.due_on IS NULL, x.description FROM team_plan_actions x WHERE" +
        scope_condition(scope_teams, "x.team_id") +
        "ORDER BY x.team_id, x.nominal_id, x.plan_id, x.action_id");
    actions.bind(1, scope_teams);
    std::size_t at = 0;
    while (actions.step()) {
      Current* c = meet(actions, at);
      if (c == nullptr || c->plan_id.empty() || actions.column_view(2) != c->plan_id) continue;
      c->has_actions = true;
      const auto defect = [&](const char* problem) {
        report.plan_defects.push_back(
            {c->ref, names.team(c->team_id), c->started_on, problem, actions.column_text(5)});
      };
      if (actions.column_int(3) != 0) defect("an action with no owner");
      if (actions.column_int(4) != 0) defect("an action with no due date");
    }
  }
  for (const Current& c : current) {
    if (!c.plan_id.empty() && !c.has_actions) {
      report.plan_defects.push_back({c.ref, names.team(c.team_id), c.started_on, "no actions", ""});
    }
  }
  std::sort(report.plan_defects.begin(), report.plan_defects.end(),
            [](const auto& a, const auto& b) {
              return std::tie(a.nominal_ref, a.problem, a.action) <
                     std::tie(b.nominal_ref, b.problem, b.action);
            });

  // Active nominals per managing officer, against the policy's limit: counted from the nominals
  // met above, named from the look-up (a join per nominal was a tenth of the report).
  std::unordered_map<std::string_view, int> managed;
  for (const Current& c : current) {
    if (!c.officer_id.empty()) ++managed[c.officer_id];
  }
  const int limit = reading.policy.caseload_per_officer;
  for (const auto& [officer_id, count] : managed) {
    const auto* officer = names.officer(officer_id);
    if (officer == nullptr) continue;
    report.caseloads.push_back(
        {officer->username, names.team(officer->team_id), count, limit, count > limit});
  }
  std::sort(report.caseloads.begin(), report.caseloads.end(), [](const auto& a, const auto& b) {
    return std::tie(b.nominals, a.officer) < std::tie(a.nominals, b.officer);
  });

  return report;
}

std::string compliance_report_json(const ComplianceReport& report, const ReportStamp* stamp) {
  return report_json(report.as_of, stamp, [&](base::JsonWriter& w) {
    w.field("from", format_date(report.from));
    w.key("under_crewed_visits").begin_array();
    for (const auto& v : report.under_crewed) {
      w.object({base::member("visit_id", v.visit_id), base::member("nominal_ref", v.nominal_ref),
                base::member("officer", v.officer), base::member("team", v.team),
                base::member("occurred_at", v.occurred_at), base::member("attendees", v.attendees),
                base::member("required", v.required)});
    }
    w.end_array().key("announced_share").begin_array();
    for (const auto& a : report.announced) {
      w.object({base::member("officer", a.officer), base::member("team", a.team),
                base::member("month", a.month), base::member("visits", a.visits),
                base::member("announced", a.announced),
                base::member("share", static_cast<double>(std::lround(a.share * 1000)) / 1000)});
    }
    w.end_array().key("plan_defects").begin_array();
    for (const auto& d : report.plan_defects) {
      w.object({base::member("nominal_ref", d.nominal_ref), base::member("team", d.team),
                base::member("plan_started_on", d.plan_started_on),
                base::member("problem", d.problem), base::member("action", d.action)});
    }
    w.end_array().key("caseloads").begin_array();
    for (const auto& c : report.caseloads) {
      w.object({base::member("officer", c.officer), base::member("team", c.team),
                base::member("nominals", c.nominals), base::member("limit", c.limit),
                base::member("over", c.over)});
    }
    w.end_array().key("repeated_solo_visits").begin_array();
    for (const auto& r : report.repeated_solo) {
      w.object({base::member("officer", r.officer), base::member("nominal_ref", r.nominal_ref),
                base::member("team", r.team), base::member("visits", r.visits),
                base::member("last_at", r.last_at)});
    }
    w.end_array();
  });
}

std::string compliance_report_csv(const ComplianceReport& report) {
  std::string out = "section,officer,nominal_ref,team,date,count,limit,detail\r\n";
  auto row = [&out](std::string_view section, const std::string& officer, const std::string& ref,
                    const std::string& team, const std::string& date, int count, int limit,
                    const std::string& detail) {
    out += std::string(section) + ',' + base::csv_field(officer) + ',' + base::csv_field(ref) +
           ',' + base::csv_field(team) + ',' + base::csv_field(date) + ',' + std::to_string(count) +
           ',' + (limit > 0 ? std::to_string(limit) : std::string()) + ',' +
           base::csv_field(detail) + "\r\n";
  };
  for (const auto& v : report.under_crewed) {
    row("under_crewed", v.officer, v.nominal_ref, v.team, v.occurred_at, v.attendees, v.required,
        "visit " + v.visit_id);
  }
  for (const auto& a : report.announced) {
    row("announced", a.officer, "", a.team, a.month, a.announced, a.visits,
        "pre-arranged of visits");
  }
  for (const auto& d : report.plan_defects) {
    row("plan_defect", "", d.nominal_ref, d.team, d.plan_started_on, 0, 0,
        d.problem + (d.action.empty() ? "" : ": " + d.action));
  }
  for (const auto& c : report.caseloads) {
    row("caseload", c.officer, "", c.team, "", c.nominals, c.limit, c.over ? "over" : "");
  }
  for (const auto& r : report.repeated_solo) {
    row("repeated_solo", r.officer, r.nominal_ref, r.team, r.last_at, r.visits, 0, "visits alone");
  }
  return out;
}

std::string compliance_report_table(const ComplianceReport& report) {
  std::string out;
  append_line(out, "Compliance, %s to %s\n\n", format_date(report.from).c_str(),
              format_date(report.as_of).c_str());
  append_line(out, "Visits below the plan's crew: %zu\n", report.under_crewed.size());
  for (const auto& v : report.under_crewed) {
    append_line(out, "  %s  %-12s  %-14s  %d of %d\n", v.occurred_at.c_str(), v.nominal_ref.c_str(),
                v.officer.c_str(), v.attendees, v.required);
  }
  append_line(out, "\nPre-arranged visits by officer and month:\n");
  for (const auto& a : report.announced) {
    append_line(out, "  %-14s  %s  %3d of %3d  %5.1f%%\n", a.officer.c_str(), a.month.c_str(),
                a.announced, a.visits, a.share * 100);
  }
  append_line(out, "\nPlan defects: %zu\n", report.plan_defects.size());
  for (const auto& d : report.plan_defects) {
    const std::string action = d.action.empty() ? "" : ": " + d.action;
    append_line(out, "  %-12s  %s%s\n", d.nominal_ref.c_str(), d.problem.c_str(), action.c_str());
  }
  append_line(out, "\nCaseloads:\n");
  for (const auto& c : report.caseloads) {
    append_line(out, "  %-14s  %3d of %d%s\n", c.officer.c_str(), c.nominals, c.limit,
                c.over ? "  OVER" : "");
  }
  append_line(out, "\nOne officer alone at one nominal %d times or more: %zu\n",
              kRepeatedSoloVisits, report.repeated_solo.size());
  for (const auto& r : report.repeated_solo) {
    append_line(out, "  %-14s  %-12s  %d visits, last %s\n", r.officer.c_str(),
                r.nominal_ref.c_str(), r.visits, r.last_at.c_str());
  }
  return out;
}

}  // namespace vigil::reports
