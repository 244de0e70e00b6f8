#include "vigil/core/overdue_report.hpp"

#include <cstdio>
#include <unordered_map>

#include "vigil/core/csv.hpp"
#include "vigil/core/json.hpp"
#include "vigil/core/notification.hpp"

namespace vigil {
namespace {

// The nominals in scope, as a common table expression every query below starts with.
// ?1 is a JSON array of team names, or NULL for the whole force. json_each keeps the list bound
// as one value rather than concatenated into the SQL.
constexpr const char* kScope =
    "WITH scope AS (SELECT n.id AS id FROM nominals n JOIN teams t ON t.id = n.team_id "
    "WHERE n.status = 'active' AND (?1 IS NULL OR t.name IN (SELECT value FROM json_each(?1)))) ";

std::string sql(const char* body) {
  return std::string(kScope) + body;
}

std::optional<std::string> teams_json(const ReportScope& scope) {
  if (scope.teams.empty()) return std::nullopt;
  JsonWriter w;
  w.begin_array();
  for (const auto& team : scope.teams) w.value(team);
  w.end_array();
  return w.str();
}

Date date_column(const store::Statement& s, int column) {
  // Stored dates were validated on the way in; a bad one is a damaged database.
  return parse_date(s.column_text(column)).value();
}

std::optional<Date> optional_date_column(const store::Statement& s, int column) {
  if (s.is_null(column)) return std::nullopt;
  return parse_date(s.column_text(column));
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

void write_item(JsonWriter& w, const OverdueItem& item) {
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

std::vector<NominalFacts> load_nominal_facts(store::Database& db, Date as_of,
                                             const ReportScope& scope) {
  const auto teams = teams_json(scope);
  const std::string as_of_text = format_date(as_of);
  // Instants before the end of the as-of day in London count as on or before it.
  const std::string day_end = format_instant(london_midnight(add_days(as_of, 1)));

  std::vector<NominalFacts> facts;
  std::unordered_map<std::string, std::size_t> index;
  auto find = [&](const std::string& id) -> NominalFacts* {
    auto it = index.find(id);
    return it == index.end() ? nullptr : &facts[it->second];
  };

  {
    auto s = db.prepare(
        sql("SELECT n.id, n.ref, n.kind, n.risk_level, coalesce(o.username, ''), t.name, "
            "n.no_fixed_abode, n.reactive_management FROM scope JOIN nominals n ON n.id = scope.id "
            "JOIN teams t ON t.id = n.team_id LEFT JOIN officers o ON o.id = n.officer_id "
            "ORDER BY n.ref"));
    s.bind(1, teams);
    while (s.step()) {
      NominalFacts f;
      f.nominal_id = s.column_text(0);
      f.ref = s.column_text(1);
      f.kind = parse_enum<NominalKind>(s.column_text(2)).value_or(NominalKind::other);
      f.recorded_risk = parse_enum<RiskLevel>(s.column_text(3)).value_or(RiskLevel::low);
      f.officer = s.column_text(4);
      f.team = s.column_text(5);
      f.no_fixed_abode = s.column_int(6) != 0;
      f.reactive_management = s.column_int(7) != 0;
      index.emplace(f.nominal_id, facts.size());
      facts.push_back(std::move(f));
    }
  }
  {
    // SQLite returns the other columns from the row holding max() when it is the only aggregate.
    auto s =
        db.prepare(sql("SELECT a.nominal_id, max(a.assessed_on), a.risk_level FROM scope "
                       "JOIN assessments a ON a.nominal_id = scope.id WHERE a.assessed_on <= ?2 "
                       "GROUP BY a.nominal_id"));
    s.bind(1, teams).bind(2, as_of_text);
    while (s.step()) {
      if (auto* f = find(s.column_text(0))) {
        f->last_assessment_on = date_column(s, 1);
        f->last_assessment_risk = parse_enum<RiskLevel>(s.column_text(2));
      }
    }
  }
  {
    auto s =
        db.prepare(sql("SELECT a.nominal_id, min(a.assessed_on) FROM scope "
                       "JOIN assessments a ON a.nominal_id = scope.id WHERE a.assessed_on <= ?2 "
                       "GROUP BY a.nominal_id"));
    s.bind(1, teams).bind(2, as_of_text);
    while (s.step()) {
      if (auto* f = find(s.column_text(0))) f->first_assessment_on = date_column(s, 1);
    }
  }
  {
    auto s = db.prepare(
        sql("SELECT p.nominal_id, max(p.started_on), p.last_reviewed_on, p.visit_every_months, "
            "p.double_crewed FROM scope JOIN plans p ON p.nominal_id = scope.id "
            "WHERE p.started_on <= ?2 GROUP BY p.nominal_id"));
    s.bind(1, teams).bind(2, as_of_text);
    while (s.step()) {
      if (auto* f = find(s.column_text(0))) {
        NominalFacts::Plan plan;
        plan.started_on = date_column(s, 1);
        plan.last_reviewed_on = optional_date_column(s, 2);
        if (plan.last_reviewed_on && *plan.last_reviewed_on > as_of) plan.last_reviewed_on.reset();
        if (!s.is_null(3)) plan.visit_every_months = static_cast<int>(s.column_int(3));
        plan.double_crewed = s.column_int(4) != 0;
        f->plan = plan;
      }
    }
  }
  {
    // The last visit at which the nominal was seen, and how many officers attended it.
    auto s = db.prepare(
        sql("SELECT last.nominal_id, v.occurred_at, "
            "(SELECT count(*) FROM visit_attendees va WHERE va.visit_id = v.id) FROM "
            "(SELECT scope.id AS nominal_id, (SELECT v2.id FROM visits v2 WHERE v2.nominal_id = "
            "scope.id AND v2.outcome = 'seen' AND v2.occurred_at < ?2 ORDER BY v2.occurred_at DESC "
            "LIMIT 1) AS visit_id FROM scope) last JOIN visits v ON v.id = last.visit_id"));
    s.bind(1, teams).bind(2, day_end);
    while (s.step()) {
      if (auto* f = find(s.column_text(0))) {
        f->last_seen_at = parse_instant(s.column_text(1));
        f->last_visit_attendees = static_cast<int>(s.column_int(2));
      }
    }
  }
  {
    auto s = db.prepare(sql(
        "SELECT v.nominal_id, v.occurred_at FROM scope JOIN visits v ON v.nominal_id = scope.id "
        "WHERE v.risk_change <> '' AND v.occurred_at < ?2 ORDER BY v.nominal_id, v.occurred_at"));
    s.bind(1, teams).bind(2, day_end);
    while (s.step()) {
      auto* f = find(s.column_text(0));
      if (f == nullptr || f->risk_change_on) continue;
      auto instant = parse_instant(s.column_text(1));
      if (!instant) continue;
      Date on = london_date(*instant);
      // Only a change after the last assessment prompts an early review.
      if (!f->last_assessment_on || on > *f->last_assessment_on) f->risk_change_on = on;
    }
  }
  {
    auto s = db.prepare(
        sql("SELECT b.nominal_id, max(b.occurred_at) FROM scope JOIN breaches b "
            "ON b.nominal_id = scope.id WHERE b.occurred_at < ?2 GROUP BY b.nominal_id"));
    s.bind(1, teams).bind(2, day_end);
    while (s.step()) {
      auto* f = find(s.column_text(0));
      auto instant = parse_instant(s.column_text(1));
      if (f != nullptr && instant) f->last_breach_on = london_date(*instant);
    }
  }
  {
    // Actions still open on the as-of date: open now, or completed after it.
    auto s =
        db.prepare(sql("SELECT p.nominal_id, a.description, coalesce(o.username, ''), a.due_on "
                       "FROM scope JOIN plans p ON p.nominal_id = scope.id JOIN plan_actions a ON "
                       "a.plan_id = p.id "
                       "LEFT JOIN officers o ON o.id = a.owner_id WHERE p.started_on <= ?2 AND "
                       "(a.status = 'open' OR (a.status = 'done' AND a.completed_on > ?2)) "
                       "ORDER BY p.nominal_id, a.due_on, a.description"));
    s.bind(1, teams).bind(2, as_of_text);
    while (s.step()) {
      if (auto* f = find(s.column_text(0))) {
        f->open_actions.push_back({s.column_text(1), s.column_text(2), optional_date_column(s, 3)});
      }
    }
  }
  {
    auto s = db.prepare(
        sql("SELECT r.nominal_id, r.relevant_date, r.disposal, r.months, r.age_at_relevant, "
            "(SELECT max(o.ends_on) FROM orders o WHERE o.nominal_id = r.nominal_id AND o.kind = "
            "'shpo'), "
            "(SELECT count(*) FROM orders o WHERE o.nominal_id = r.nominal_id AND o.kind = 'shpo' "
            " AND o.ends_on IS NULL) "
            "FROM scope JOIN notification_requirements r ON r.nominal_id = scope.id"));
    s.bind(1, teams);
    while (s.step()) {
      auto* f = find(s.column_text(0));
      if (f == nullptr || f->kind != NominalKind::rso) continue;
      NotificationPeriodInput input{
          date_column(s, 1),
          parse_enum<Disposal>(s.column_text(2)).value_or(Disposal::other),
          std::nullopt,
          std::nullopt,
          optional_date_column(s, 5),
          s.column_int(6) > 0};
      if (!s.is_null(3)) input.months = static_cast<int>(s.column_int(3));
      if (!s.is_null(4)) input.age = static_cast<int>(s.column_int(4));
      f->notification_applies = notification_applies(notification_period(input), as_of);
    }
  }
  {
    auto s = db.prepare(
        sql("SELECT n.nominal_id, n.kind, n.event_on, n.excluded_days, n.notified_on FROM scope "
            "JOIN notifications n ON n.nominal_id = scope.id WHERE n.event_on <= ?2 "
            "ORDER BY n.nominal_id, n.event_on"));
    s.bind(1, teams).bind(2, as_of_text);
    while (s.step()) {
      auto* f = find(s.column_text(0));
      if (f == nullptr || !f->notification_applies) continue;
      auto notified = optional_date_column(s, 4);
      if (notified && *notified <= as_of) {
        if (!f->last_notified_on || *notified > *f->last_notified_on)
          f->last_notified_on = notified;
        continue;
      }
      const std::string kind = s.column_text(1);
      const Date event = date_column(s, 2);
      const int excluded = static_cast<int>(s.column_int(3));
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
  store::ReadSnapshot snapshot(db);
  const Policy policy = policy_in_force(db, as_of);
  report.policy_version = policy.version;
  const auto facts = load_nominal_facts(db, as_of, scope);
  int unscheduled = 0;
  for (const auto& f : facts) {
    auto items = overdue_items(f, policy, as_of);
    if (!f.reactive_management && !next_visit_due(f, policy)) ++unscheduled;
    for (auto& item : items) report.items.push_back(std::move(item));
  }
  sort_by_priority(report.items);
  report.summary = summarise(report.items);
  report.summary.nominals = static_cast<int>(facts.size());
  report.summary.unscheduled = unscheduled;
  return report;
}

std::string overdue_report_json(const OverdueReport& report) {
  JsonWriter w;
  w.begin_object();
  w.field("as_of", format_date(report.as_of));
  w.key("items").begin_array();
  for (const auto& item : report.items) write_item(w, item);
  w.end_array();
  const auto& s = report.summary;
  w.key("summary").begin_object();
  w.field("total", s.total);
  w.field("nominals", s.nominals);
  w.field("unscheduled", s.unscheduled);
  w.field("policy_version", report.policy_version);
  w.key("by_risk").begin_object();
  for (std::size_t i = 0; i < s.by_risk.size(); ++i) {
    w.field(to_string(static_cast<RiskLevel>(i)), s.by_risk[i]);
  }
  w.end_object();
  w.key("by_age_band").begin_object();
  for (std::size_t i = 0; i < s.by_age_band.size(); ++i) w.field(kAgeBands[i], s.by_age_band[i]);
  w.end_object();
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
  w.end_object();
  return w.str();
}

std::string overdue_report_csv(const OverdueReport& report) {
  std::string out =
      "nominal_ref,kind,risk_level,due,days_overdue,priority,officer,team,reasons,detail\r\n";
  for (const auto& item : report.items) {
    out += csv_field(item.nominal_ref) + ',' + std::string(to_string(item.kind)) + ',' +
           std::string(to_string(item.risk_level)) + ',' + format_date(item.due) + ',' +
           std::to_string(item.days_overdue) + ',' + std::to_string(item.priority) + ',' +
           csv_field(item.officer) + ',' + csv_field(item.team) + ',' +
           csv_field(join(item.reasons, "; ")) + ',' + csv_field(item.detail) + "\r\n";
  }
  return out;
}

std::string overdue_report_table(const OverdueReport& report) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "Overdue as of %s: %d items across %d nominals\n\n",
                format_date(report.as_of).c_str(), report.summary.total, report.summary.nominals);
  out += line;
  std::snprintf(line, sizeof line, "%8s  %-9s  %-12s  %-10s  %6s  %-12s  %-14s  %-12s  %s\n",
                "PRIORITY", "RISK", "KIND", "DUE", "DAYS", "NOMINAL", "OFFICER", "TEAM", "WHY");
  out += line;
  for (const auto& item : report.items) {
    std::snprintf(line, sizeof line, "%8d  %-9s  %-12s  %-10s  %6d  %-12s  %-14s  %-12s  ",
                  item.priority, std::string(to_string(item.risk_level)).c_str(),
                  std::string(to_string(item.kind)).c_str(), format_date(item.due).c_str(),
                  item.days_overdue, item.nominal_ref.c_str(), item.officer.c_str(),
                  item.team.c_str());
    out += line;
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
    std::snprintf(line, sizeof line, "  %-9s  %s %s, due %s, %d days overdue (%s)\n",
                  std::string(risk_label(static_cast<RiskLevel>(i))).c_str(),
                  oldest->nominal_ref.c_str(), std::string(to_string(oldest->kind)).c_str(),
                  format_date(oldest->due).c_str(), oldest->days_overdue, oldest->officer.c_str());
    out += line;
  }
  if (s.unscheduled > 0) {
    out += "\n" + std::to_string(s.unscheduled) +
           " nominals have no plan, assessment or seen visit to schedule from.\n";
  }
  return out;
}

}  // namespace vigil
