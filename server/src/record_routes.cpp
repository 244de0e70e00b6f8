// The record routes: nominals (each read audited), conflicts and the supervisors' decisions on
// them, devices and their revocation.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "api_impl.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/reports/people.hpp"
#include "vigil/rules/overdue.hpp"
#include "vigil/store/devices.hpp"
#include "vigil/sync/nominal_record.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::server {
namespace {

constexpr int kReadsShown = 100;  // the latest reads of a record a nominal's page lists

void write_nominal_summary(base::JsonWriter& w, const store::Statement& s) {
  w.fields({base::member("id", s.column_text(0)), base::member("ref", s.column_text(1)),
            base::member("surname", s.column_text(2)), base::member("forenames", s.column_text(3)),
            base::member("kind", s.column_text(4)), base::member("risk_level", s.column_text(5)),
            base::member("officer", s.column_optional_text(6)),
            base::member("team", s.column_text(7)), base::member("area", s.column_text(8)),
            base::member("no_fixed_abode", s.column_int(9) != 0),
            base::member("status", s.column_text(10)),
            base::member("current_risk_level", s.column_text(12))});
}

// The columns write_nominal_summary reads, the current risk level as of ?1 (today in London) by
// core's rule; a query's own parameters are numbered from ?2.
std::string nominal_columns() {
  return "SELECT n.id, n.ref, n.surname, n.forenames, n.kind, n.risk_level, o.username, t.name, "
         "n.area, n.no_fixed_abode, n.status, n.team_id, " +
         current_risk_sql(1) +
         " FROM nominals n JOIN teams t ON t.id = n.team_id LEFT JOIN officers o ON o.id = "
         "n.officer_id ";
}

// What a nominal's page shows beside the summary: the whole record as a tablet holds it, the
// conflicts on it and its records, its moves between officers and teams, the supervisors'
// reviews of its records and, for a supervisor, who opened it and why (the read audit).
void write_record_page(store::Database& db, const Caller& caller, const std::string& id,
                       base::JsonWriter& w) {
  w.key("record").begin_object();
  sync::write_record_members(w, sync::read_nominal_record(db, id));
  w.end_object();
  // The nominal's records by kind and id: what its conflicts and reviews name. By both, since an
  // id is unique only among records of its kind.
  const std::string records =
      "(SELECT 'nominal' AS kind, ?1 AS id UNION ALL SELECT 'address', id FROM addresses WHERE "
      "nominal_id = ?1 UNION ALL SELECT 'plan', id FROM plans WHERE nominal_id = ?1 UNION ALL "
      "SELECT 'plan_action', a.id FROM plan_actions a JOIN plans p ON p.id = a.plan_id WHERE "
      "p.nominal_id = ?1 UNION ALL SELECT 'visit', id FROM visits WHERE nominal_id = ?1 UNION ALL "
      "SELECT 'assessment', id FROM assessments WHERE nominal_id = ?1 UNION ALL SELECT 'breach', "
      "id FROM breaches WHERE nominal_id = ?1)";
  auto& conflicts = db.cached(
      "SELECT c.id, c.entity, c.field, c.winning_value, c.losing_value, c.detected_at, c.status, "
      "c.decision, coalesce(o.username, '') FROM conflicts c LEFT JOIN officers o ON o.id = "
      "c.decided_by WHERE (c.entity, c.entity_id) IN " +
      records + " ORDER BY c.detected_at, c.id");
  conflicts.bind_all(id);
  write_rows(w, "conflicts", conflicts,
             {"id", "entity", "field", "winning_value", "losing_value", "detected_at", "status",
              "decision", "decided_by"});
  // A move is a change of the nominal's team or officer taken in through sync, with the values
  // it replaced.
  auto& moves = db.cached(
      "SELECT c.received_at, coalesce(o.username, ''), CASE WHEN json_type(c.fields, '$.team') IS "
      "NOT NULL THEN json_extract(c.base, '$.team') END, json_extract(c.fields, '$.team'), CASE "
      "WHEN json_type(c.fields, '$.officer') IS NOT NULL THEN json_extract(c.base, '$.officer') "
      "END, json_extract(c.fields, '$.officer') FROM changes c LEFT JOIN officers o ON o.id = "
      "c.officer_id WHERE c.entity = 'nominal' AND c.entity_id = ?1 AND c.outcome <> 'rejected' "
      "AND (json_type(c.fields, '$.team') IS NOT NULL OR json_type(c.fields, '$.officer') IS NOT "
      "NULL) ORDER BY c.seq");
  moves.bind_all(id);
  write_rows(w, "transfers", moves,
             {"at", "by", "from_team", "to_team", "from_officer", "to_officer"});
  auto& reviews = db.cached(
      "SELECT d.subject, d.subject_id, d.decision, d.comment, coalesce(d.received_at, ''), "
      "coalesce(o.username, '') FROM review_decisions d LEFT JOIN officers o ON o.id = "
      "d.reviewer_id WHERE "
      "(d.subject, d.subject_id) IN " +
      records + " ORDER BY d.sync_seq");
  reviews.bind_all(id);
  write_rows(w, "reviews", reviews,
             {"subject", "subject_id", "decision", "comment", "at", "reviewer"});
  // Who opened the record and why: the latest reads, for supervisors only (an officer's own
  // reads are theirs to know from their tablet).
  if (caller.role == Role::officer) {
    w.key("read_audit").null();
    return;
  }
  auto& reads = db.cached(
      "SELECT a.occurred_at, coalesce(o.username, ''), a.reason, coalesce(d.name, '') FROM "
      "audit_log a LEFT JOIN officers o ON o.id = a.officer_id LEFT JOIN devices d ON d.id = "
      "a.device_id WHERE a.entity = 'nominal' AND a.entity_id = ?1 AND a.action = 'read' ORDER "
      "BY a.occurred_at DESC LIMIT " +
      std::to_string(kReadsShown));
  reads.bind_all(id);
  write_rows(w, "read_audit", reads, {"at", "officer", "reason", "device"});
}

}  // namespace

Response Api::Impl::nominals(const Call& call) {
  const Request& request = call.request;
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  // team=NAME: one team of the caller's. briefing=true: only what a neighbourhood briefing
  // lists, the active nominals of no fixed abode or of high or very high risk now.
  const auto teams = requested_teams(call, "list of nominals", "nominal");
  const auto briefing = request.query.find("briefing");
  if (briefing != request.query.end() && briefing->second != "true" &&
      briefing->second != "false") {
    fail(400, "bad_request", "briefing must be true or false");
  }
  const bool briefing_only = briefing != request.query.end() && briefing->second == "true";
  const auto team_ids = reports::scope_team_ids(db, reports::ReportScope{teams});
  // One snapshot for the reads; their audit rows are committed, through the queue, before the
  // answer goes (a write transaction here held the database's one write lock while the page was
  // read, and every other writer waited).
  store::ReadSnapshot snapshot(db);
  std::vector<AuditRow> disclosed;
  auto s = db.prepare(nominal_columns() + "WHERE n.team_id IN (SELECT value FROM json_each(?2)) " +
                      (briefing_only ? "AND n.status = 'active' AND (n.no_fixed_abode = 1 OR " +
                                           current_risk_sql(1) + " IN ('high', 'very_high')) "
                                     : std::string()) +
                      "ORDER BY n.ref");
  s.bind_all(format_date(london_date(options.now())),
             team_ids ? *team_ids : base::json_string_array(caller.team_ids));
  base::JsonWriter w;
  w.begin_object().key("items").begin_array();
  while (s.step()) {
    w.begin_object();
    write_nominal_summary(w, s);
    w.end_object();
    disclosed.push_back(
        audit_row(&caller, "read", "nominal", s.column_text(0), "list of nominals"));
  }
  w.end_array().end_object();
  return disclosing(std::move(disclosed), w.str());
}

Response Api::Impl::nominal(const Call& call) {
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  store::ReadSnapshot snapshot(db);  // the reads; their audit rows go through the queue
  std::vector<AuditRow> disclosed;
  // By id, or by the nominal's reference (what every report's rows carry); an id first, so a
  // reference that is another nominal's id never stands in for it.
  auto& s = db.cached(nominal_columns() +
                      "WHERE n.id = ?2 OR n.ref = ?2 ORDER BY n.id = ?2 DESC LIMIT 1");
  s.bind_all(format_date(london_date(options.now())), call.id);
  if (!s.step()) fail(404, "not_found", "there is no nominal with id or reference " + call.id);
  const std::string id = s.column_text(0);
  const std::string team_id = s.column_text(11);
  if (std::find(caller.team_ids.begin(), caller.team_ids.end(), team_id) == caller.team_ids.end()) {
    s.reset();
    refuse(caller, call, 403, "forbidden", "the nominal belongs to a team outside yours",
           "read outside scope", "nominal", id);
  }
  base::JsonWriter w;
  w.begin_object();
  write_nominal_summary(w, s);
  s.reset();
  // The same person as a suspect or a bail case in the caller's teams (docs/domain.md, "One
  // person").
  auto& person = db.cached("SELECT surname, forenames, date_of_birth FROM nominals WHERE id = ?");
  person.bind_all(id);
  person.step();
  const auto same = reports::suspects_and_bail_of(
      db, {person.column_text(0), person.column_text(1), person.column_text(2)},
      base::json_string_array(caller.team_ids));
  person.reset();
  // Each disclosed, so each is audited as read with why.
  const auto disclose = [&](const std::vector<reports::MatchedRecord>& records,
                            const char* entity) {
    for (const auto& record : records) {
      w.value(record.ref);
      disclosed.push_back(
          audit_row(&caller, "read", entity, record.id, "same person as a nominal read"));
    }
  };
  w.key("same_person").begin_object().key("suspects").begin_array();
  disclose(same.suspects, "suspect");
  w.end_array().key("bail_cases").begin_array();
  disclose(same.bail_cases, "bail_case");
  w.end_array().end_object();
  auto& plans = db.cached(
      "SELECT id, started_on, last_reviewed_on, visit_every_months, double_crewed, "
      "unannounced_required FROM plans WHERE nominal_id = ? ORDER BY started_on DESC");
  plans.bind_all(id);
  w.key("plans").begin_array();
  while (plans.step()) {
    w.object({base::member("id", plans.column_text(0)),
              base::member("started_on", plans.column_text(1)),
              base::member("last_reviewed_on", plans.column_optional_text(2)),
              base::member("visit_every_months", plans.column_optional_int(3)),
              base::member("double_crewed", plans.column_int(4) != 0),
              base::member("unannounced_required", plans.column_int(5) != 0)});
  }
  w.end_array();
  // Each visit as its amendments leave it (the effective visit, which the deadlines count), and
  // as it was recorded when it has been amended.
  const auto attendees = [](const char* which) {
    return "(SELECT group_concat(username, ';') FROM (SELECT o.username FROM visit_attendees a "
           "JOIN officers o ON o.id = a.officer_id WHERE a.visit_id = v.id AND a." +
           std::string(which) + " = 1 ORDER BY o.username))";
  };
  auto& visits = db.cached(
      "SELECT v.id, v.effective_occurred_at, v.effective_announced, v.effective_outcome, " +
      attendees("present") +
      ", (SELECT count(*) FROM visit_amendments m WHERE m.visit_id = v.id), v.occurred_at, "
      "v.announced, v.outcome, " +
      attendees("recorded") +
      " FROM visits v WHERE v.nominal_id = ? ORDER BY v.effective_occurred_at DESC, v.id "
      "LIMIT 20");
  visits.bind_all(id);
  w.key("recent_visits").begin_array();
  while (visits.step()) {
    const std::int64_t amendments = visits.column_int(5);
    w.begin_object().fields({base::member("id", visits.column_text(0)),
                             base::member("occurred_at", visits.column_text(1)),
                             base::member("announced", visits.column_int(2) != 0),
                             base::member("outcome", visits.column_text(3)),
                             base::member("attendees", visits.column_text(4)),
                             base::member("amendments", amendments)});
    w.key("as_recorded");
    if (amendments == 0) {
      w.null();
    } else {
      w.object({base::member("occurred_at", visits.column_text(6)),
                base::member("announced", visits.column_int(7) != 0),
                base::member("outcome", visits.column_text(8)),
                base::member("attendees", visits.column_text(9))});
    }
    w.end_object();
  }
  w.end_array();
  write_record_page(db, caller, id, w);
  w.end_object();
  disclosed.push_back(audit_row(&caller, "read", "nominal", id, read_reason(call)));
  return disclosing(std::move(disclosed), w.str());
}

Response Api::Impl::conflicts(const Call& call) {
  const Request& request = call.request;
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  const auto status = request.query.find("status");
  if (status != request.query.end() && status->second != "open" && status->second != "all") {
    fail(400, "bad_request", "status must be open or all");
  }
  const bool all = status != request.query.end() && status->second == "all";
  const auto listed = engine.conflicts(db, caller, !all);
  std::vector<AuditRow> rows;
  rows.reserve(listed.size());
  for (const auto& c : listed) {
    rows.push_back(audit_row(&caller, "read", "conflict", c.id, "list of conflicts"));
  }
  return disclosing(std::move(rows), sync::encode(listed));
}

// A supervisor decides exactly the conflicts the list shows them: those on records of their
// teams, by the engine's own scope rule.
bool Api::Impl::may_see_conflict(store::Database& db, const Caller& caller, const std::string& id) {
  const auto visible = engine.conflicts(db, caller, false);
  return std::any_of(visible.begin(), visible.end(),
                     [&](const sync::ConflictRecord& c) { return c.id == id; });
}

Response Api::Impl::decide(const Call& call) {
  const Request& request = call.request;
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  const std::string& conflict_id = call.id;
  const auto body = sync::decode_string_object(request.body, {"keep", "note"});
  auto keep = body.find("keep");
  if (keep == body.end() || (keep->second != "winning" && keep->second != "losing")) {
    fail(400, "bad_request", "keep must be \"winning\" or \"losing\"");
  }
  const auto is_open = [&]() -> std::optional<bool> {
    auto s = db.prepare("SELECT status FROM conflicts WHERE id = ?");
    s.bind_all(conflict_id);
    if (!s.step()) return std::nullopt;
    return s.column_view(0) == "open";
  };
  const auto was_open = is_open();
  if (!was_open) fail(404, "not_found", "there is no conflict with id " + conflict_id);
  if (!may_see_conflict(db, caller, conflict_id)) {
    refuse(caller, call, 403, "forbidden", "the conflict is on a record of a team outside yours",
           "decision outside scope", "conflict", conflict_id);
  }
  if (!*was_open) fail(409, "conflict_decided", "the conflict has already been decided");
  // The decision is a fact like any other, so it goes through the engine and syncs.
  sync::FieldValues fields{{"conflict_id", conflict_id}, {"keep", keep->second}};
  if (auto note = body.find("note"); note != body.end()) fields["note"] = note->second;
  const auto written = write_as_caller(call, "conflict_decision", std::move(fields));
  const auto& outcome = written.outcome;
  if (outcome.outcome == sync::Outcome::rejected) {
    // Between the checks above and the push, another decision may have got in first, a later
    // write may have settled the conflict away, or the record may have left the caller's
    // teams: the answer is the one the checks would give now.
    const auto still_open = is_open();
    if (!still_open) fail(404, "not_found", "there is no conflict with id " + conflict_id);
    if (!*still_open) fail(409, "conflict_decided", "the conflict has already been decided");
    if (!may_see_conflict(db, caller, conflict_id)) {
      refuse(caller, call, 403, "forbidden", "the conflict is on a record of a team outside yours",
             "decision outside scope", "conflict", conflict_id);
    }
    fail(400, "rejected", outcome.reason);
  }
  base::JsonWriter w;
  w.object({base::member("conflict_id", conflict_id), base::member("keep", keep->second),
            base::member("seq", outcome.seq)});
  return json_response(200, w.str());
}

Response Api::Impl::devices(const Call& call) {
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  const auto listed = store::list_devices(db, caller.team_ids);
  std::vector<AuditRow> rows;
  rows.reserve(listed.size());
  for (const auto& d : listed)
    rows.push_back(audit_row(&caller, "read", "device", d.id, "list of devices"));
  return disclosing(std::move(rows), store::devices_json(listed));
}

Response Api::Impl::revoke(const Call& call) {
  const Request& request = call.request;
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  const std::string& device_id = call.id;
  std::string reason;
  if (!request.body.empty()) {
    const auto body = sync::decode_string_object(request.body, {"reason"});
    if (auto it = body.find("reason"); it != body.end()) reason = it->second;
  }
  const auto owner = store::device_owner(db, device_id);
  if (!owner) fail(404, "not_found", "there is no device with id " + device_id);
  // An administrator revokes any device; a supervisor those of the officers of the teams they
  // supervise, never an administrator's (who may well be a member of one of those teams).
  if (caller.role != Role::admin) {
    if (owner->role == "admin") {
      refuse(caller, call, 403, "forbidden",
             "only an administrator may revoke an administrator's device",
             "revocation of an administrator's device", "device", device_id);
    }
    if (std::find(caller.team_ids.begin(), caller.team_ids.end(), owner->team_id) ==
        caller.team_ids.end()) {
      refuse(caller, call, 403, "forbidden", "the device belongs to an officer outside your teams",
             "revocation outside scope", "device", device_id);
    }
  }
  store::revoke_device(db, device_id, {caller.officer_id, caller.device_id}, reason, now_text());
  base::JsonWriter w;
  w.begin_object().field("id", device_id).field("revoked", true).end_object();
  return json_response(200, w.str());
}

}  // namespace vigil::server
