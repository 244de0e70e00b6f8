#include "vigil/reports/overdue_report.hpp"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

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

// Each fact query is written once as (columns, facts, condition) over a fact table aliased x and
// is shaped two ways. For a team, the team's nominals drive it (CROSS JOIN forces them to be the
// outer loop) and each reaches its facts through the nominal_id index, so a team's report touches
// only its own rows. For the whole force, the fact table is read straight through (mostly from
// covering indexes) and rows of inactive nominals are dropped when they find no nominal.
// ?1 is a JSON array of team ids, or NULL for the force; json_each keeps the list one bound value.
class ScopedQueries {
 public:
  ScopedQueries(store::Database& db, const ReportScope& scope)
      : db_(db), team_ids_(scope_team_ids(db, scope)) {}

  // The nominals in scope, as `nominals n` ... WHERE.
  std::string nominal_scope() const {
    return team_ids_
               ? " WHERE n.status = 'active' AND n.team_id IN (SELECT value FROM json_each(?1)) "
               : " WHERE n.status = 'active' AND ?1 IS NULL ";
  }

  // SELECT columns FROM facts [scoped] condition; `condition` starts with AND (or is empty) and
  // may end with GROUP BY x.nominal_id.
  std::string facts(const char* columns, const char* from, const char* condition) const {
    std::string sql = std::string("SELECT ") + columns + " FROM ";
    if (team_ids_) {
      sql += std::string("nominals n CROSS JOIN ") + from + nominal_scope() +
             "AND x.nominal_id = n.id ";
    } else {
      sql += std::string(from) + " WHERE ?1 IS NULL ";
    }
    return sql + condition;
  }

  store::Statement prepare(const std::string& sql) {
    auto statement = db_.prepare(sql);
    statement.bind(1, team_ids_);
    return statement;
  }

 private:
  store::Database& db_;
  std::optional<std::string> team_ids_;
};

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

std::optional<std::string> scope_team_ids(store::Database& db, const ReportScope& scope) {
  if (scope.teams.empty()) return std::nullopt;
  auto ids = db.prepare(
      "SELECT json_group_array(id) FROM teams WHERE name IN (SELECT value FROM json_each(?))");
  ids.bind_all(base::json_string_array(scope.teams));
  ids.step();
  return ids.column_text(0);
}

std::vector<NominalFacts> load_nominal_facts(store::Database& db, Date as_of,
                                             const ReportScope& scope) {
  ScopedQueries queries(db, scope);
  const std::string as_of_text = format_date(as_of);
  // Instants before the end of the as-of day in London count as on or before it.
  const std::string day_end = format_instant(london_midnight(add_days(as_of, 1)));

  std::vector<NominalFacts> facts;
  // The facts are kept sorted by nominal id. Most fact queries read an index that leads with the
  // nominal id, so their rows arrive in the same order and each is found a step or two on from
  // the last; the others fall back to a binary search. Ids are compared as views into SQLite's
  // row buffer, without copying them.
  std::size_t last_found = 0;
  auto find = [&](std::string_view id) -> NominalFacts* {
    for (std::size_t i = last_found; i < facts.size() && i < last_found + 4; ++i) {
      const int order = facts[i].nominal_id.compare(id);
      if (order == 0) {
        last_found = i;
        return &facts[i];
      }
      if (order > 0) {
        if (i > last_found) return nullptr;  // between two neighbours: not in scope
        break;
      }
    }
    auto it = std::lower_bound(
        facts.begin(), facts.end(), id,
        [](const NominalFacts& f, std::string_view key) { return f.nominal_id < key; });
    if (it == facts.end() || it->nominal_id != id) return nullptr;
    last_found = static_cast<std::size_t>(it - facts.begin());
    return &*it;
  };
  // Officers and teams are few: their names come from memory rather than a join per row,
  // looked up by views into SQLite's row buffer.
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  std::unordered_map<std::string, std::string, IdHash, std::equal_to<>> officers;
  std::unordered_map<std::string, std::string, IdHash, std::equal_to<>> teams;
  {
    auto o = db.prepare("SELECT id, username FROM officers");
    while (o.step()) officers.emplace(o.column_text(0), o.column_text(1));
    auto t = db.prepare("SELECT id, name FROM teams");
    while (t.step()) teams.emplace(t.column_text(0), t.column_text(1));
  }
  auto name = [](const auto& names, std::string_view id) {
    auto it = names.find(id);
    return it == names.end() ? std::string() : it->second;
  };
  // take(facts, instant) for each row (nominal id, instant) before the day's end, of a nominal in
  // the report.
  auto for_each_instant = [&find, &day_end](auto& s, auto take) {
    s.bind(2, day_end);
    while (s.step()) {
      auto* f = find(s.column_view(0));
      auto instant = parse_instant(s.column_view(1));
      if (f != nullptr && instant) take(*f, *instant);
    }
  };
  {
    auto s = queries.prepare(
        "SELECT n.id, n.ref, n.kind, n.risk_level, coalesce(n.officer_id, ''), n.team_id, "
        "n.no_fixed_abode, n.reactive_management FROM nominals n" +
        queries.nominal_scope());
    auto count = queries.prepare("SELECT count(*) FROM nominals n" + queries.nominal_scope());
    count.step();
    facts.reserve(static_cast<std::size_t>(count.column_int(0)));
    while (s.step()) {
      NominalFacts f;
      f.nominal_id = s.column_text(0);
      f.ref = s.column_text(1);
      f.kind = parse_enum<NominalKind>(s.column_view(2)).value_or(NominalKind::other);
      f.recorded_risk = parse_enum<RiskLevel>(s.column_view(3)).value_or(RiskLevel::low);
      f.officer = name(officers, s.column_view(4));
      f.team = name(teams, s.column_view(5));
      f.no_fixed_abode = s.column_int(6) != 0;
      f.reactive_management = s.column_int(7) != 0;
      facts.push_back(std::move(f));
    }
    std::sort(facts.begin(), facts.end(), [](const NominalFacts& a, const NominalFacts& b) {
      return a.nominal_id < b.nominal_id;
    });
  }
  {
    // Every assessment on or before the as-of date, read from the covering index; the earliest
    // schedules a never-visited nominal, the latest sets the current risk level.
    auto s = queries.prepare(queries.facts("x.nominal_id, x.assessed_on, x.risk_level",
                                           "assessments x", "AND x.assessed_on <= ?2"));
    s.bind(2, as_of_text);
    while (s.step()) {
      auto* f = find(s.column_view(0));
      if (f == nullptr) continue;
      const Date on = date_column(s, 1);
      const auto level = parse_enum<RiskLevel>(s.column_view(2));
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
    // The current plan is the one started last.
    auto s = queries.prepare(queries.facts(
        "x.nominal_id, x.started_on, x.last_reviewed_on, x.visit_every_months, x.double_crewed",
        "plans x", "AND x.started_on <= ?2"));
    s.bind(2, as_of_text);
    while (s.step()) {
      auto* f = find(s.column_view(0));
      if (f == nullptr) continue;
      NominalFacts::Plan plan;
      plan.started_on = date_column(s, 1);
      if (f->plan && f->plan->started_on > plan.started_on) continue;
      plan.last_reviewed_on = optional_date_column(s, 2);
      if (plan.last_reviewed_on && *plan.last_reviewed_on > as_of) plan.last_reviewed_on.reset();
      if (!s.is_null(3)) plan.visit_every_months = static_cast<int>(s.column_int(3));
      plan.double_crewed = s.column_int(4) != 0;
      f->plan = plan;
    }
  }
  {
    // The last visit at which each nominal was seen: one seek per nominal into the index of
    // visits by nominal, outcome and time, which answers without reading the visits themselves.
    // Seeking in id order walks that index forwards, which is much faster than at random.
    auto s = queries.prepare(
        "SELECT n.id, (SELECT max(x.occurred_at) FROM effective_visits x WHERE x.nominal_id = n.id "
        "AND "
        "x.outcome = 'seen' AND x.occurred_at < ?2) AS seen FROM nominals n" +
        queries.nominal_scope() + "ORDER BY n.id");
    s.bind(2, day_end);
    while (s.step()) {
      if (s.is_null(1)) continue;
      if (auto* f = find(s.column_view(0))) f->last_seen_at = parse_instant(s.column_view(1));
    }
  }
  {
    auto s = queries.prepare(queries.facts("x.nominal_id, x.occurred_at", "effective_visits x",
                                           "AND x.risk_change <> '' AND x.occurred_at < ?2"));
    for_each_instant(s, [](NominalFacts& f, Instant at) {
      const Date on = london_date(at);
      // Only a change after the last assessment prompts an early review; the earliest counts.
      if (f.last_assessment_on && on <= *f.last_assessment_on) return;
      if (!f.risk_change_on || on < *f.risk_change_on) f.risk_change_on = on;
    });
  }
  {
    auto s = queries.prepare(queries.facts("x.nominal_id, max(x.occurred_at)", "breaches x",
                                           "AND x.occurred_at < ?2 GROUP BY x.nominal_id"));
    for_each_instant(s, [](NominalFacts& f, Instant at) { f.last_breach_on = london_date(at); });
  }
  {
    // Actions late on the as-of date: due before it, and open now or completed after it.
    auto s = queries.prepare(
        queries.facts("x.nominal_id, a.description, coalesce(a.owner_id, ''), a.due_on",
                      "plans x JOIN plan_actions a ON a.plan_id = x.id",
                      "AND x.started_on <= ?2 AND a.due_on < ?2 AND (a.status = 'open' OR "
                      "(a.status = 'done' AND a.completed_on > ?2))"));
    s.bind(2, as_of_text);
    while (s.step()) {
      if (auto* f = find(s.column_view(0))) {
        f->late_actions.push_back(
            {s.column_text(1), name(officers, s.column_view(2)), optional_date_column(s, 3)});
      }
    }
  }
  {
    // Only registered sex offenders notify; an order that outlasts the period extends it.
    auto s = queries.prepare(
        queries.facts("x.nominal_id, x.relevant_date, x.disposal, x.months, x.age_at_relevant, "
                      "(SELECT max(coalesce(o.ends_on, 'until further order')) FROM orders o "
                      "WHERE o.nominal_id = x.nominal_id AND o.kind = 'shpo')",
                      "notification_requirements x", ""));
    while (s.step()) {
      auto* f = find(s.column_view(0));
      if (f == nullptr || f->kind != NominalKind::rso) continue;
      // Letters sort after digits: an order until further order outranks every end date.
      const auto order_ends = s.column_optional_text(5);
      const bool until_further_order = order_ends && *order_ends == "until further order";
      NotificationPeriodInput input{
          date_column(s, 1),
          parse_enum<Disposal>(s.column_view(2)).value_or(Disposal::other),
          std::nullopt,
          std::nullopt,
          order_ends && !until_further_order ? parse_date(*order_ends) : std::nullopt,
          until_further_order};
      if (!s.is_null(3)) input.months = static_cast<int>(s.column_int(3));
      if (!s.is_null(4)) input.age = static_cast<int>(s.column_int(4));
      f->notification_applies = notification_applies(notification_period(input), as_of);
    }
  }
  {
    auto s = queries.prepare(queries.facts("x.nominal_id, max(x.notified_on)", "notifications x",
                                           "AND x.notified_on <= ?2 GROUP BY x.nominal_id"));
    s.bind(2, as_of_text);
    while (s.step()) {
      auto* f = find(s.column_view(0));
      if (f != nullptr && f->notification_applies) f->last_notified_on = date_column(s, 1);
    }
  }
  {
    // Notifications still to be made on the as-of date.
    auto s = queries.prepare(
        queries.facts("x.nominal_id, x.kind, x.event_on, x.excluded_days", "notifications x",
                      "AND x.event_on <= ?2 AND (x.notified_on IS NULL OR x.notified_on > ?2)"));
    s.bind(2, as_of_text);
    while (s.step()) {
      auto* f = find(s.column_view(0));
      if (f == nullptr || !f->notification_applies) continue;
      const std::string_view kind = s.column_view(1);
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

void load_visit_crewing(store::Database& db, const std::vector<NominalFacts*>& facts) {
  // Stored instants are in the canonical form format_instant writes, so they match as text.
  auto count = db.prepare(
      "SELECT count(*) FROM effective_visit_attendees WHERE visit_id = (SELECT id FROM "
      "effective_visits WHERE nominal_id = ? AND outcome = 'seen' AND occurred_at = ? LIMIT 1)");
  for (auto* f : facts) {
    if (!f->last_seen_at) continue;
    count.bind_all(f->nominal_id, format_instant(*f->last_seen_at));
    count.step();
    f->last_visit_attendees = static_cast<int>(count.column_int(0));
    count.reset();
  }
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
  const Policy policy = store::policy_in_force(db, as_of);
  report.policy_version = policy.version;
  auto facts = load_nominal_facts(db, as_of, scope);
  // Crewing at the last visit raises the priority of late items only, so attendees are counted
  // just for nominals with something late whose plan asks for more than one officer; the items
  // of those found under-crewed are worked out again once that is known.
  std::vector<NominalFacts*> crewing_matters;
  std::vector<std::vector<OverdueItem>> pending;
  int unscheduled = 0;
  for (auto& f : facts) {
    if (!f.reactive_management && !next_visit_due(f, policy)) ++unscheduled;
    auto items = overdue_items(f, policy, as_of);
    if (items.empty()) continue;
    if (f.plan && f.plan->double_crewed && f.last_seen_at) {
      crewing_matters.push_back(&f);
      pending.push_back(std::move(items));
      continue;
    }
    for (auto& item : items) report.items.push_back(std::move(item));
  }
  load_visit_crewing(db, crewing_matters);
  for (std::size_t i = 0; i < crewing_matters.size(); ++i) {
    const auto& f = *crewing_matters[i];
    if (f.last_visit_attendees > 0 &&
        under_crewed(f.last_visit_attendees, f.plan->double_crewed, policy)) {
      pending[i] = overdue_items(f, policy, as_of);
    }
    for (auto& item : pending[i]) report.items.push_back(std::move(item));
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
