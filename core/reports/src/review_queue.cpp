#include "vigil/reports/review_queue.hpp"

#include <algorithm>

#include "vigil/base/json.hpp"
#include "vigil/rules/orders.hpp"
#include "vigil/rules/review.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/store/policy_versions.hpp"

namespace vigil::reports {
namespace {

// The plan in force on a date (a column or expression) for the nominal `n`.
std::string plan_in_force(const std::string& on) {
  return "(SELECT q.id FROM plans q WHERE q.nominal_id = n.id AND q.started_on <= " + on +
         " ORDER BY q.started_on DESC, q.id DESC LIMIT 1)";
}

// Places an item by the latest decision on its subject: none since the officer last changed it,
// it waits for the supervisor; signed off since, it is done; returned since, it waits for the
// officer from the decision's time. "Since" is by the server's sequence numbers (`last_seq`, the
// decision's own), which order what the server took in exactly, where clocks might tie.
class Decisions {
 public:
  Decisions(store::Database& db, ReviewQueue& queue, Date today, std::string window_start)
      : queue_(queue),
        today_(today),
        window_start_(std::move(window_start)),
        latest_(db.prepare("SELECT d.decision, d.comment, d.received_at, coalesce(o.username, "
                           "''), d.sync_seq FROM review_decisions d LEFT JOIN officers o ON o.id "
                           "= d.reviewer_id WHERE d.subject_id = ? AND d.subject = ? ORDER BY "
                           "d.sync_seq DESC LIMIT 1")) {}

  // `last_seq`: the server's number for the officer's last change of it (0: none through sync).
  void place(ReviewItem item, std::int64_t last_seq) {
    // By kind and id: a record of another kind (or team) with the same id is another subject.
    latest_.bind_all(item.subject_id, to_string(item.subject));
    if (latest_.step() && latest_.column_int(4) > last_seq) {
      if (latest_.column_view(0) != to_string(ReviewDecision::returned)) {
        latest_.reset();
        return;  // signed off
      }
      item.returned =
          ReturnedTo{latest_.column_text(3), latest_.column_text(1), latest_.column_text(2)};
      item.since = latest_.column_text(2);
    }
    latest_.reset();
    if (!item.returned && item.since < window_start_) {
      ++queue_.older[static_cast<std::size_t>(item.subject)];
      return;
    }
    if (const auto since = parse_instant(item.since)) {
      item.days_waiting = std::max(0, days_between(london_date(*since), today_));
    }
    (item.returned ? queue_.returned : queue_.waiting).push_back(std::move(item));
  }

 private:
  ReviewQueue& queue_;
  Date today_;
  std::string window_start_;
  store::Statement latest_;
};

// A date as the instant its London day begins, as stored instants are written: what an item
// dated by a day (an action's due date, a plan's start) has waited from.
std::string day_start(std::string_view date) {
  const auto parsed = parse_date(date);
  return parsed ? format_instant(london_midnight(*parsed)) : std::string(date);
}

// The instant the policy's review window opens: an item waiting from before it is counted, not
// listed.
std::string window_start(Date today, int window_days) {
  return format_instant(london_midnight(add_days(today, -window_days)));
}

// An item of a query whose first five columns are the subject's id, the nominal's id and ref,
// the team's name and the officer's username.
ReviewItem item_of(ReviewSubject subject, const store::Statement& s) {
  ReviewItem item;
  item.subject = subject;
  s.columns(0, item.subject_id, item.nominal_id, item.nominal_ref, item.team, item.officer);
  return item;
}

}  // namespace

ReviewQueue review_queue_of_records(store::Database& db, Date today, const ReportScope& scope) {
  ReviewQueue queue;
  const std::string day = format_date(today);
  const ReportReading reading(db, today);
  const Policy& policy = reading.policy;
  queue.sample_percent = policy.review_sample_percent;
  queue.window_days = policy.review_window_days;
  queue.recent_breach_days = policy.recent_breach_days;
  const auto teams = scope_team_ids(db, scope);
  const std::string in_scope = scope_condition(teams, "n.team_id");
  Decisions decisions(db, queue, today, window_start(today, queue.window_days));

  // Visits taken in through sync (the history a force imported is not reviewed here), as their
  // amendments leave them, with the plan in force when they happened.
  const std::string visit_columns =
      "SELECT v.id, n.id, n.ref, t.name, coalesce(o.username, ''), v.effective_occurred_at, "
      "v.effective_outcome, v.effective_announced, (SELECT count(*) FROM "
      "effective_visit_attendees a WHERE a.visit_id = v.id), coalesce(p.double_crewed, 0), "
      "coalesce(p.unannounced_required, 0), v.crew_reason, v.announced_reason, "
      "coalesce(v.not_as_planned, ''), v.effective_risk_change, v.sync_seq, max(v.received_at, "
      "coalesce((SELECT max(m.amended_at) FROM visit_amendments m WHERE m.visit_id = v.id), '')), "
      "max(v.sync_seq, coalesce((SELECT max(m.sync_seq) FROM visit_amendments m WHERE "
      "m.visit_id = v.id), 0)) ";
  auto visits = db.prepare(
      visit_columns +
      "FROM nominals n JOIN teams t ON t.id = n.team_id JOIN visits v ON v.nominal_id = n.id AND "
      "v.received_at IS NOT NULL LEFT JOIN officers o ON o.id = v.recorded_by LEFT JOIN plans p ON "
      "p.id = " +
      plan_in_force("substr(v.effective_occurred_at, 1, 10)") + " WHERE" + in_scope);
  visits.bind(1, teams);
  while (visits.step()) {
    VisitUnderReview visit;
    visit.facts.nominal_ref = visits.column_text(2);
    visit.facts.attendees = static_cast<int>(visits.column_int(8));
    visit.facts.announced = visits.column_int(7) != 0;
    visit.facts.outcome =
        parse_enum<VisitOutcome>(visits.column_view(6)).value_or(VisitOutcome::seen);
    visits.columns(9, visit.facts.plan_double_crewed, visit.facts.plan_unannounced,
                   visit.crew_reason, visit.announced_reason, visit.not_as_planned,
                   visit.risk_change, visit.server_seq);
    auto why = visit_review_reasons(visit, policy);
    if (why.reasons.empty()) continue;
    ReviewItem item = item_of(ReviewSubject::visit, visits);
    item.summary = "visit " + visits.column_text(5) + ", " + visits.column_text(6);
    item.since = visits.column_text(16);
    item.first = why.first;
    item.reasons = std::move(why.reasons);
    decisions.place(std::move(item), visits.column_int(17));
  }

  // Plans and assessments written through sync, from their latest change; the fields changed
  // since the last decision on them name what the supervisor looks at.
  auto written = db.prepare(
      "SELECT c.entity, c.entity_id, max(c.received_at), n.id, n.ref, t.name, "
      "(SELECT coalesce(o.username, '') FROM changes l LEFT JOIN officers o ON o.id = "
      "l.officer_id WHERE l.entity = c.entity AND l.entity_id = c.entity_id AND l.outcome <> "
      "'rejected' ORDER BY l.seq DESC LIMIT 1), coalesce(p.started_on, a.assessed_on), "
      "a.risk_level, max(c.seq) FROM changes c LEFT JOIN plans p ON c.entity = 'plan' AND p.id = "
      "c.entity_id "
      "LEFT JOIN assessments a ON c.entity = 'assessment' AND a.id = c.entity_id JOIN nominals n "
      "ON n.id = coalesce(p.nominal_id, a.nominal_id) JOIN teams t ON t.id = n.team_id WHERE "
      "c.entity IN ('assessment', 'plan') AND c.outcome <> 'rejected' AND " +
      scope_condition(teams, "c.team_id") + "AND" + in_scope + "GROUP BY c.entity, c.entity_id");
  written.bind(1, teams);
  // What has happened to the record since its last decision (sync_seq 0: never decided).
  constexpr std::string_view last_decided_sql =
      "SELECT coalesce(max(sync_seq), 0) FROM review_decisions WHERE subject_id = ? AND subject = "
      "?";
  constexpr std::string_view created_since_sql =
      "SELECT count(*) FROM changes WHERE entity = ? AND entity_id = ? AND operation <> 'update' "
      "AND outcome <> 'rejected' AND seq > ?";
  constexpr std::string_view fields_since_sql =
      "SELECT group_concat(key, ', ') FROM (SELECT DISTINCT j.key FROM changes c, "
      "json_each(c.fields) j WHERE c.entity = ? AND c.entity_id = ? AND c.outcome <> 'rejected' "
      "AND c.seq > ? AND c.operation = 'update' ORDER BY j.key)";
  while (written.step()) {
    ReviewItem item;
    const std::string entity = written.column_text(0);
    const bool plan = entity == "plan";
    item.subject = plan ? ReviewSubject::plan : ReviewSubject::assessment;
    written.columns(1, item.subject_id, item.since, item.nominal_id, item.nominal_ref, item.team,
                    item.officer);
    item.summary =
        plan ? "plan from " + written.column_text(7)
             : "assessment of " + written.column_text(7) + ", " + written.column_text(8) + " risk";
    const std::int64_t decided =
        store::single_int(db, last_decided_sql, item.subject_id, to_string(item.subject));
    if (store::single_int(db, created_since_sql, entity, item.subject_id, decided) > 0) {
      item.reasons.push_back(plan ? "new plan" : "new assessment");
    } else {
      item.reasons.push_back(
          "changed: " +
          store::single_text(db, fields_since_sql, entity, item.subject_id, decided).value_or(""));
    }
    decisions.place(std::move(item), written.column_int(9));
  }

  // Open actions of each active nominal's current plan that are overdue or lack an owner or a
  // due date (docs/domain.md: each action has both).
  auto actions = db.prepare(
      "SELECT a.id, n.id, n.ref, t.name, coalesce(ow.username, ofc.username, ''), "
      "a.description, a.due_on, a.owner_id IS NULL, p.started_on, (SELECT max(c.received_at) "
      "FROM changes c WHERE c.entity = 'plan_action' AND c.entity_id = a.id AND c.outcome <> "
      "'rejected'), a.sync_seq FROM nominals n CROSS JOIN plans p ON p.nominal_id = n.id AND "
      "p.started_on <= ?2 CROSS JOIN plan_actions a ON a.plan_id = p.id JOIN teams t ON t.id = "
      "n.team_id LEFT JOIN officers ow ON ow.id = a.owner_id LEFT JOIN officers ofc ON ofc.id = "
      "n.officer_id "
      "WHERE n.status = 'active' AND a.status = 'open' AND (a.owner_id IS NULL OR a.due_on IS "
      "NULL OR a.due_on < ?2) AND" +
      in_scope +
      // From the team's nominals (CROSS JOIN keeps SQLite from starting at every open action
      // of the force).
      "AND p.id = " + plan_in_force("?2"));
  actions.bind(1, teams).bind(2, day);
  while (actions.step()) {
    ReviewItem item = item_of(ReviewSubject::plan_action, actions);
    item.summary = "action: " + actions.column_text(5);
    const auto due = actions.column_optional_text(6);
    if (actions.column_int(7) != 0) item.reasons.emplace_back("no owner");
    if (!due) item.reasons.emplace_back("no due date");
    std::string since = day_start(actions.column_text(8));
    if (due && *due < day) {
      const auto due_date = parse_date(*due);
      item.reasons.push_back("overdue since " + *due + " (" +
                             counted(due_date ? days_between(*due_date, today) : 0, "day") + ")");
      since = day_start(*due);
    }
    item.since = std::max(since, actions.column_optional_text(9).value_or(""));
    decisions.place(std::move(item), actions.column_int(10));
  }

  // Breaches of the last recent_breach_days (from the start of the day that far back) with no
  // follow-up recorded: which of them have gone a day without one is the hour's to say, when the
  // queue is completed.
  auto breaches = db.prepare(
      "SELECT b.id, n.id, n.ref, t.name, coalesce(o.username, ''), b.occurred_at, r.kind, "
      "b.condition_text, b.sync_seq FROM nominals n JOIN teams t ON t.id = n.team_id JOIN breaches "
      "b ON b.nominal_id = n.id JOIN orders r ON r.id = b.order_id LEFT JOIN officers o ON o.id = "
      "n.officer_id WHERE b.occurred_at >= ?2 AND NOT EXISTS (SELECT 1 FROM breach_follow_ups f "
      "WHERE f.breach_id = b.id) AND" +
      in_scope);
  breaches.bind(1, teams).bind(
      2, format_instant(london_midnight(add_days(today, -policy.recent_breach_days))));
  while (breaches.step()) {
    ReviewItem item = item_of(ReviewSubject::breach, breaches);
    item.summary = "breach of the " + breaches.column_text(6) + ": " + breaches.column_text(7);
    item.since = breaches.column_text(5);
    decisions.place(std::move(item), breaches.column_int(8));
  }

  return queue;
}

ReviewQueue completed_review_queue(store::Database& db, Instant now, const ReportScope& scope,
                                   ReviewQueue made) {
  made.now = format_instant(now);
  const Date today = london_date(now);
  // The policy is the one `made` was made with, today's: its numbers travel with it.
  const store::ReadSnapshot snapshot(db);
  const auto teams = scope_team_ids(db, scope);
  Decisions decisions(db, made, today, window_start(today, made.window_days));

  // Changes the server rejected from tablets, by their officer's team: what the officer recorded
  // that did not count, and why. (A refusal at the desk was answered there and then; a refused
  // review decision is a supervisor's, not an officer's work to review.)
  auto rejected = db.prepare(
      "SELECT c.change_id, c.entity, c.reason, c.received_at, o.username, t.name, c.seq, o.id "
      "FROM "
      "officers o "
      "JOIN teams t ON t.id = o.team_id JOIN changes c ON c.officer_id = o.id AND c.outcome = "
      "'rejected' AND c.entity <> 'review_decision' JOIN devices d ON d.id = c.device_id AND "
      "d.kind = 'tablet' WHERE" +
      scope_condition(teams, "o.team_id"));
  rejected.bind(1, teams);
  while (rejected.step()) {
    ReviewItem item;
    item.subject = ReviewSubject::change;
    item.subject_id = rejected.column_text(0);
    item.team = rejected.column_text(5);
    item.officer = rejected.column_text(4);
    item.authors = {rejected.column_text(7)};
    std::string entity = rejected.column_text(1);
    std::replace(entity.begin(), entity.end(), '_', ' ');
    item.summary = entity + " sent from a tablet";
    item.since = rejected.column_text(3);
    item.reasons.push_back("rejected: " + rejected.column_text(2));
    decisions.place(std::move(item), rejected.column_int(6));
  }

  // The breaches that have gone a day without a follow-up, now, within the last
  // recent_breach_days, with how long.
  const Instant recent_from = now - std::chrono::days(made.recent_breach_days);
  for (auto* list : {&made.waiting, &made.returned}) {
    std::erase_if(*list, [&](ReviewItem& item) {
      if (item.subject != ReviewSubject::breach) return false;
      const auto occurred = parse_instant(item.since);
      if (!occurred || *occurred < recent_from ||
          !breach_awaiting_follow_up(*occurred, std::nullopt, now)) {
        return true;
      }
      item.reasons = {
          "not followed up " +
          counted(static_cast<int>(
                      std::chrono::duration_cast<std::chrono::hours>(now - *occurred).count()),
                  "hour") +
          " after it"};
      return false;
    });
  }
  std::stable_sort(made.waiting.begin(), made.waiting.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first;
    return a.since < b.since;
  });
  std::stable_sort(made.returned.begin(), made.returned.end(),
                   [](const auto& a, const auto& b) { return a.since < b.since; });
  return made;
}

std::string review_queue_json(const ReviewQueue& queue) {
  base::JsonWriter w;
  const auto items = [&](const std::vector<ReviewItem>& list) {
    w.begin_array();
    for (const auto& item : list) {
      const auto or_null = [](const std::string& text) {
        return text.empty() ? std::nullopt : std::optional(text);
      };
      w.begin_object().fields(
          {base::member("subject", to_string(item.subject)),
           base::member("subject_id", item.subject_id), base::member("team", item.team),
           base::member("officer", or_null(item.officer)),
           base::member("nominal_id", or_null(item.nominal_id)),
           base::member("nominal_ref", or_null(item.nominal_ref)),
           base::member("summary", item.summary), base::member("since", item.since),
           base::member("days_waiting", item.days_waiting), base::member("first", item.first),
           base::member("own", item.own)});
      w.key("reasons").begin_array();
      for (const auto& reason : item.reasons) w.value(reason);
      w.end_array().key("returned");
      if (item.returned) {
        w.object({base::member("reviewer", item.returned->reviewer),
                  base::member("comment", item.returned->comment),
                  base::member("at", item.returned->at)});
      } else {
        w.null();
      }
      w.end_object();
    }
    w.end_array();
  };
  int first = 0, oldest = 0;
  for (const auto& item : queue.waiting) {
    first += item.first ? 1 : 0;
    oldest = std::max(oldest, item.days_waiting);
  }
  w.begin_object().fields({base::member("now", queue.now),
                           base::member("sample_percent", queue.sample_percent),
                           base::member("window_days", queue.window_days)});
  w.key("summary").object(
      {base::member("waiting", static_cast<std::int64_t>(queue.waiting.size())),
       base::member("first", first), base::member("oldest_days", oldest),
       base::member("returned", static_cast<std::int64_t>(queue.returned.size()))});
  w.key("older_unreviewed").begin_object();
  for (std::size_t i = 0; i < queue.older.size(); ++i) {
    w.field(to_string(static_cast<ReviewSubject>(i)), queue.older[i]);
  }
  w.end_object();
  w.key("waiting");
  items(queue.waiting);
  w.key("returned");
  items(queue.returned);
  w.end_object();
  return w.str();
}

}  // namespace vigil::reports
