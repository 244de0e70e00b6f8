#include "vigil/reports/overdue_report.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "names.hpp"
#include "nominal_keys.hpp"
#include "text_table.hpp"
#include "vigil/base/csv.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/report_stamp.hpp"
#include "vigil/rules/notification.hpp"
#include "vigil/rules/visit_rules.hpp"
#include "vigil/store/policy_versions.hpp"

namespace vigil::reports {
namespace {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

void write_item(base::JsonWriter& w, const OverdueItem& item) {
  w.begin_object();
  w.field("nominal_ref", item.nominal_ref);
  w.field("kind", to_string(item.kind));
  w.field("risk_level", to_string(item.risk_level));
  w.field("due", format_date(item.due));
  w.field("days_overdue", item.days_overdue);
  w.field("priority", item.priority);
  w.field("officer", item.officer);
  w.field("team", item.team);
  w.key("reasons").begin_array();
  for (const auto& reason : item.reasons) w.value(reason);
  w.end_array();
  w.field("detail", item.detail);
  w.end_object();
}

}  // namespace

Date date_column(const store::Statement& s, int column) {
  // Stored dates were validated on the way in; a bad one is a damaged database, said loudly.
  auto parsed = parse_date(s.column_view(column));
  if (!parsed) {
    throw Error(ErrorCode::database,
                "the database holds an impossible date '" + s.column_text(column) + "'", s.sql());
  }
  return *parsed;
}

std::optional<Date> optional_date_column(const store::Statement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  return date_column(s, column);
}

std::string scope_condition(const std::optional<std::string>& team_ids, std::string_view column) {
  return team_ids ? " " + std::string(column) + " IN (SELECT value FROM json_each(?1)) "
                  : std::string(" ?1 IS NULL ");
}

ReportReading::ReportReading(store::Database& db, Date as_of)
    : snapshot(db), policy(store::policy_in_force(db, as_of)) {}

std::optional<std::string> scope_team_ids(store::Database& db, const ReportScope& scope) {
  if (scope.teams.empty()) return std::nullopt;
  return store::single_text(
      db, "SELECT json_group_array(id) FROM teams WHERE name IN (SELECT value FROM json_each(?))",
      base::json_string_array(scope.teams));
}

std::vector<NominalFacts> load_nominal_facts(store::Database& db, Date as_of,
                                             const ReportScope& scope) {
  const auto team_ids = scope_team_ids(db, scope);
  // Every fact is read from its copy clustered by team (migration 0021), so a team's report reads
  // a few pages of each and the force's reads each copy straight through, in either case in the
  // order of (team, nominal).
  // The statements are kept on the connection (cached): a team's report is made in a few
  // milliseconds, and parsing its eight statements again each time was a tenth of it.
  auto prepare = [&](const std::string& columns, const std::string& from,
                     const std::string& condition) -> store::Statement& {
    auto& statement = db.cached("SELECT x.team_id, x.nominal_id, " + columns + " FROM " + from +
                                " WHERE" + scope_condition(team_ids, "x.team_id") + condition);
    statement.bind(1, team_ids);
    return statement;
  };
  const std::string as_of_text = format_date(as_of);
  // Instants before the end of the as-of day in London count as on or before it.
  const std::string day_end = format_instant(london_midnight(add_days(as_of, 1)));

  // Each fact row finds its nominal by its (team, nominal) key (NominalKeys).
  std::vector<NominalFacts> facts;
  NominalKeys keys;
  auto find = [&](const store::Statement& s, std::size_t& at) -> NominalFacts* {
    const auto i = keys.find(s, at);
    return i ? &facts[*i] : nullptr;
  };
  Names names(db, !team_ids);
  {
    auto& s = active_nominals(db, team_ids,
                              "n.ref, n.kind, n.risk_level, coalesce(n.officer_id, ''), "
                              "n.no_fixed_abode, n.reactive_management");
    while (s.step()) {
      keys.add(s.column_text(0), s.column_text(1));
      NominalFacts f;
      f.nominal_id = s.column_text(1);
      f.ref = s.column_text(2);
      f.kind = parse_enum<NominalKind>(s.column_view(3)).value_or(NominalKind::other);
      f.recorded_risk = parse_enum<RiskLevel>(s.column_view(4)).value_or(RiskLevel::low);
      f.officer = names.username(s.column_view(5));
      f.team = names.team(s.column_view(0));
      f.no_fixed_abode = s.column_int(6) != 0;
      f.reactive_management = s.column_int(7) != 0;
      facts.push_back(std::move(f));
    }
  }
  {
    // Every assessment on or before the as-of date; the earliest schedules a never-visited
    // nominal, the latest sets the current risk level.
    auto& s =
        prepare("x.assessed_on, x.risk_level", "team_assessments x", "AND x.assessed_on <= ?2");
    s.bind(2, as_of_text);
    std::size_t cursor = 0;
    while (s.step()) {
      auto* f = find(s, cursor);
      if (f == nullptr) continue;
      const Date on = date_column(s, 2);
      const auto level = parse_enum<RiskLevel>(s.column_view(3));
      if (!f->first_assessment_on || on < *f->first_assessment_on) f->first_assessment_on = on;
      if (level &&
          (!f->last_assessment_on ||
           assessment_supersedes(on, *level, *f->last_assessment_on, *f->last_assessment_risk))) {
        f->last_assessment_on = on;
        f->last_assessment_risk = level;
      }
    }
  }
  {
    // The current plan is the one started last (of two started the same day, the greater id, as
    // each nominal's plans come in the order they started, then by id).
    auto& s = prepare("x.started_on, x.last_reviewed_on, x.visit_every_months, x.double_crewed",
                      "team_plans x", "AND x.started_on <= ?2");
    s.bind(2, as_of_text);
    std::size_t cursor = 0;
    while (s.step()) {
      auto* f = find(s, cursor);
      if (f == nullptr) continue;
      NominalFacts::Plan plan;
      plan.started_on = date_column(s, 2);
      if (f->plan && f->plan->started_on > plan.started_on) continue;
      plan.last_reviewed_on = optional_date_column(s, 3);
      if (plan.last_reviewed_on && *plan.last_reviewed_on > as_of) plan.last_reviewed_on.reset();
      if (!s.is_null(4)) plan.visit_every_months = static_cast<int>(s.column_int(4));
      plan.double_crewed = s.column_int(5) != 0;
      f->plan = plan;
    }
  }
  {
    // The last visit at which each nominal was seen, with its crew (of two at the same instant,
    // the first in id order), and the dynamic risk changes: only a change after the last
    // assessment prompts an early review, and the earliest such counts.
    auto& s = prepare("x.occurred_at, x.outcome = 'seen', x.risk_changed, x.crew", "team_visits x",
                      "AND x.occurred_at < ?2 AND (x.outcome = 'seen' OR x.risk_changed)");
    s.bind(2, day_end);
    // Stored instants are in the one canonical form, so the latest is the greatest text; only
    // that one is parsed.
    std::vector<std::string> last_seen(facts.size());
    std::size_t cursor = 0;
    while (s.step()) {
      auto* f = find(s, cursor);
      if (f == nullptr) continue;
      const std::string_view at = s.column_view(2);
      auto& seen = last_seen[static_cast<std::size_t>(f - facts.data())];
      if (s.column_int(3) != 0 && at > seen) {
        seen = at;
        f->last_visit_attendees = static_cast<int>(s.column_int(5));
      }
      if (s.column_int(4) == 0) continue;
      const auto instant = parse_instant(at);
      if (!instant) continue;
      const Date on = london_date(*instant);
      if (!(f->last_assessment_on && on <= *f->last_assessment_on) &&
          (!f->risk_change_on || on < *f->risk_change_on)) {
        f->risk_change_on = on;
      }
    }
    for (std::size_t i = 0; i < facts.size(); ++i) {
      if (!last_seen[i].empty()) facts[i].last_seen_at = parse_instant(last_seen[i]);
    }
  }
  {
    auto& s = prepare("max(x.occurred_at)", "team_breaches x",
                      "AND x.occurred_at < ?2 GROUP BY x.team_id, x.nominal_id");
    s.bind(2, day_end);
    std::size_t cursor = 0;
    while (s.step()) {
      auto* f = find(s, cursor);
      const auto at = parse_instant(s.column_view(2));
      if (f != nullptr && at) f->last_breach_on = london_date(*at);
    }
  }
  {
    // Actions late on the as-of date: due before it, and open now or completed after it.
    auto& s = prepare("x.description, coalesce(x.owner_id, ''), x.due_on",
                      "team_plan_actions x JOIN team_plans p ON p.team_id = x.team_id AND "
                      "p.nominal_id = x.nominal_id AND p.plan_id = x.plan_id",
                      "AND p.started_on <= ?2 AND x.due_on < ?2 AND (x.status = 'open' OR "
                      "(x.status = 'done' AND x.completed_on > ?2))");
    s.bind(2, as_of_text);
    std::size_t cursor = 0;
    while (s.step()) {
      if (auto* f = find(s, cursor)) {
        f->late_actions.push_back(
            {s.column_text(2), names.username(s.column_view(3)), optional_date_column(s, 4)});
      }
    }
  }
  {
    // Only registered sex offenders notify; an order that outlasts the period extends it.
    auto& s = prepare(
        "x.relevant_date, x.disposal, x.months, x.age_at_relevant, "
        "(SELECT max(coalesce(o.ends_on, 'until further order')) FROM team_orders o "
        "WHERE o.team_id = x.team_id AND o.nominal_id = x.nominal_id AND o.kind = 'shpo')",
        "team_notification_requirements x", "");
    std::size_t cursor = 0;
    while (s.step()) {
      auto* f = find(s, cursor);
      if (f == nullptr || f->kind != NominalKind::rso) continue;
      // Letters sort after digits: an order until further order outranks every end date.
      const auto order_ends = s.column_optional_text(6);
      const bool until_further_order = order_ends && *order_ends == "until further order";
      NotificationPeriodInput input{
          date_column(s, 2),
          parse_enum<Disposal>(s.column_view(3)).value_or(Disposal::other),
          std::nullopt,
          std::nullopt,
          order_ends && !until_further_order ? parse_date(*order_ends) : std::nullopt,
          until_further_order};
      if (!s.is_null(4)) input.months = static_cast<int>(s.column_int(4));
      if (!s.is_null(5)) input.age = static_cast<int>(s.column_int(5));
      f->notification_applies = notification_applies(notification_period(input), as_of);
    }
  }
  {
    // The last notification made, and those still to be made on the as-of date.
    auto& s = prepare("x.kind, x.event_on, x.notified_on, x.excluded_days", "team_notifications x",
                      "AND (x.notified_on <= ?2 OR (x.event_on <= ?2 AND (x.notified_on IS NULL "
                      "OR x.notified_on > ?2)))");
    s.bind(2, as_of_text);
    std::size_t cursor = 0;
    while (s.step()) {
      auto* f = find(s, cursor);
      if (f == nullptr || !f->notification_applies) continue;
      const auto notified_on = optional_date_column(s, 4);
      if (notified_on && *notified_on <= as_of) {
        if (!f->last_notified_on || *notified_on > *f->last_notified_on) {
          f->last_notified_on = notified_on;
        }
        continue;
      }
      const std::string_view kind = s.column_view(2);
      const Date event = date_column(s, 3);
      const int excluded = static_cast<int>(s.column_int(5));
      if (kind == "initial") {
        f->pending_notification_deadlines.push_back(
            add_days(initial_notification_deadline(event), excluded));
      } else if (kind == "change") {
        f->pending_notification_deadlines.push_back(change_notification_deadline(event, excluded));
      } else if (kind == "foreign_travel") {
        // Travel must be notified in advance: by the day before departure at the latest.
        f->pending_notification_deadlines.push_back(add_days(event, -1));
      }
    }
  }
  return facts;
}

OverdueSummary summarise(const std::vector<OverdueItem>& items) {
  OverdueSummary summary;
  summary.total = static_cast<int>(items.size());
  for (const auto& item : items) {
    const auto risk = index_of(item.risk_level);
    ++summary.by_risk[risk];
    ++summary.by_age_band[static_cast<std::size_t>(age_band(item.days_overdue))];
    auto& oldest = summary.oldest_by_risk[risk];
    if (!oldest || item.days_overdue > oldest->days_overdue ||
        (item.days_overdue == oldest->days_overdue && item.priority > oldest->priority)) {
      oldest = item;
    }
  }
  return summary;
}

OverdueReport overdue_report(store::Database& db, Date as_of, const ReportScope& scope) {
  OverdueReport report;
  report.as_of = as_of;
  const ReportReading reading(db, as_of);
  report.policy_version = reading.policy.version;
  auto facts = load_nominal_facts(db, as_of, scope);
  int unscheduled = 0;
  for (const auto& f : facts) {
    if (!f.reactive_management && !next_visit_due(f, reading.policy)) ++unscheduled;
    for (auto& item : overdue_items(f, reading.policy, as_of))
      report.items.push_back(std::move(item));
  }
  sort_by_priority(report.items);
  report.summary = summarise(report.items);
  report.summary.nominals = static_cast<int>(facts.size());
  report.summary.unscheduled = unscheduled;
  return report;
}

std::string overdue_report_json(const OverdueReport& report, const ReportStamp* stamp) {
  return report_json(report.as_of, stamp, [&](base::JsonWriter& w) {
    w.key("items").begin_array();
    for (const auto& item : report.items) write_item(w, item);
    w.end_array();
    const auto& s = report.summary;
    w.key("summary").begin_object();
    w.field("total", s.total);
    w.field("nominals", s.nominals);
    w.field("unscheduled", s.unscheduled);
    w.field("policy_version", report.policy_version);
    write_backlog_counts(w, s.by_risk, s.by_age_band);
    w.key("oldest").begin_object();
    for (std::size_t i = 0; i < s.oldest_by_risk.size(); ++i) {
      w.key(to_string(static_cast<RiskLevel>(i)));
      if (s.oldest_by_risk[i]) {
        write_item(w, *s.oldest_by_risk[i]);
      } else {
        w.null();
      }
    }
    w.end_object();
    w.end_object();
  });
}

void write_backlog_counts(base::JsonWriter& w, const std::array<int, 4>& by_risk,
                          const std::array<int, 5>& by_age_band) {
  w.key("by_risk").begin_object();
  for (std::size_t i = 0; i < by_risk.size(); ++i) {
    w.field(to_string(static_cast<RiskLevel>(i)), by_risk[i]);
  }
  w.end_object();
  w.key("by_age_band").begin_object();
  for (std::size_t i = 0; i < by_age_band.size(); ++i) w.field(kAgeBands[i], by_age_band[i]);
  w.end_object();
}

std::string overdue_report_csv(const OverdueReport& report) {
  std::string out =
      "nominal_ref,kind,risk_level,due,days_overdue,priority,officer,team,reasons,detail\r\n";
  for (const auto& item : report.items) {
    out += base::csv_field(item.nominal_ref) + ',' + std::string(to_string(item.kind)) + ',' +
           std::string(to_string(item.risk_level)) + ',' + format_date(item.due) + ',' +
           std::to_string(item.days_overdue) + ',' + std::to_string(item.priority) + ',' +
           base::csv_field(item.officer) + ',' + base::csv_field(item.team) + ',' +
           base::csv_field(join(item.reasons, "; ")) + ',' + base::csv_field(item.detail) + "\r\n";
  }
  return out;
}

std::string overdue_report_table(const OverdueReport& report) {
  std::string out;
  append_line(out, "Overdue as of %s: %d items across %d nominals\n\n",
              format_date(report.as_of).c_str(), report.summary.total, report.summary.nominals);
  append_line(out, "%8s  %-9s  %-12s  %-10s  %6s  %-12s  %-14s  %-12s  %s\n", "PRIORITY", "RISK",
              "KIND", "DUE", "DAYS", "NOMINAL", "OFFICER", "TEAM", "WHY");
  for (const auto& item : report.items) {
    append_line(out, "%8d  %-9s  %-12s  %-10s  %6d  %-12s  %-14s  %-12s  ", item.priority,
                std::string(to_string(item.risk_level)).c_str(),
                std::string(to_string(item.kind)).c_str(), format_date(item.due).c_str(),
                item.days_overdue, item.nominal_ref.c_str(), item.officer.c_str(),
                item.team.c_str());
    out += join(item.reasons, "; ");
    if (!item.detail.empty()) out += " [" + item.detail + "]";
    out += '\n';
  }
  const auto& s = report.summary;
  out += "\nBy risk level:";
  for (std::size_t i = 0; i < s.by_risk.size(); ++i) {
    out += "  " + std::string(risk_label(static_cast<RiskLevel>(i))) + " " +
           std::to_string(s.by_risk[i]);
  }
  out += "\nDays overdue: ";
  for (std::size_t i = 0; i < s.by_age_band.size(); ++i) {
    out += "  " + std::string(kAgeBands[i]) + ": " + std::to_string(s.by_age_band[i]);
  }
  out += "\nOldest at each risk level:\n";
  for (std::size_t i = s.oldest_by_risk.size(); i-- > 0;) {
    const auto& oldest = s.oldest_by_risk[i];
    if (!oldest) continue;
    append_line(out, "  %-9s  %s %s, due %s, %d days overdue (%s)\n",
                std::string(risk_label(static_cast<RiskLevel>(i))).c_str(),
                oldest->nominal_ref.c_str(), std::string(to_string(oldest->kind)).c_str(),
                format_date(oldest->due).c_str(), oldest->days_overdue, oldest->officer.c_str());
  }
  if (s.unscheduled > 0) {
    append_line(out, "\n%d nominals have no plan, assessment or seen visit to schedule from.\n",
                s.unscheduled);
  }
  return out;
}

}  // namespace vigil::reports
