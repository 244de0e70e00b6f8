// The supervisors' desk (docs/http-api.md, "The desk"): the review queue over the caller's teams
// and the decisions on its items, and the officers of those teams with their devices, whose
// access a supervisor can change. Every write is a change from the caller's own session, taken in
// by the merge engine like a tablet's (so it is checked, scoped, logged and synced the same way).
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api_impl.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/review_queue.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/store/devices.hpp"
#include "vigil/store/policy_versions.hpp"
#include "vigil/sync/back_office.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::server {

Api::Impl::Written Api::Impl::write_as_caller(const Call& call, sync::Change change) {
  change.change_id = base::make_time_ordered_uuid();
  change.device_id = call.caller->device_id;
  if (change.entity_id.empty()) change.entity_id = base::make_time_ordered_uuid();
  change.device_time = now_text();
  change.clock = sync::format_stamp(sync::HlcStamp{
      std::chrono::duration_cast<std::chrono::milliseconds>(options.now().time_since_epoch())
          .count(),
      0});
  Written written{change.entity_id, {}};
  sync::PushRequest push;
  push.changes.push_back(std::move(change));
  sync::PushResponse result = writer->push(*call.caller, push);
  require_database_intact();
  written.outcome = std::move(result.outcomes.front());
  return written;
}

Api::Impl::Written Api::Impl::write_as_caller(const Call& call, std::string entity,
                                              sync::FieldValues fields) {
  sync::Change change;
  change.entity = std::move(entity);
  change.operation = sync::Operation::append;
  change.fields = std::move(fields);
  return write_as_caller(call, std::move(change));
}

Response Api::Impl::record(const Call& call) {
  const Caller& caller = *call.caller;
  sync::Change change = sync::decode_desk_change(call.request.body);
  // A read of a record is audited by the server as it answers (here) or by a tablet's chain of
  // read events (sync): never written at the desk, where anyone could write any.
  if (change.entity == "read_event") {
    fail(400, "bad_request",
         "a read event is recorded when a record is opened, not written: open the nominal's page");
  }
  const std::string entity = change.entity;
  const auto written = write_as_caller(call, std::move(change));
  const auto& outcome = written.outcome;
  if (outcome.outcome == sync::Outcome::rejected) {
    switch (outcome.refusal) {
      case sync::ChangeOutcome::Refusal::scope:
        // The engine has audited the attempt, as it does a tablet's.
        fail(403, "forbidden", outcome.reason);
      case sync::ChangeOutcome::Refusal::role:
        refuse(caller, call, 403, "forbidden", outcome.reason,
               "a write the caller's role may not make", quoted_excerpt(entity, 100),
               written.entity_id);
      case sync::ChangeOutcome::Refusal::none:
        break;
    }
    fail(400, "rejected", outcome.reason);
  }
  base::JsonWriter w;
  w.object({base::member("entity", entity), base::member("id", written.entity_id),
            base::member("seq", outcome.seq),
            base::member("outcome", std::string(to_string(outcome.outcome)))});
  return json_response(201, w.str());
}

// The part of the review queue that stands while no change lands in the teams, with whose own
// work each item is, from the cache like the reports (and made ahead by the warmer): the teams'
// whole history is most of its work.
std::shared_ptr<const reports::ReviewQueue> Api::Impl::kept_review_queue(
    store::Database& db, Date today, const std::vector<std::string>& teams, bool* hit) {
  const auto make = [&] {
    // Made inside the report gate, as every report is, and in one snapshot with its authors.
    const auto pass = report_gate.enter();
    const store::ReadSnapshot snapshot(db);
    auto made = reports::review_queue_of_records(db, today, reports::ReportScope{teams});
    for (auto* list : {&made.waiting, &made.returned}) {
      for (auto& item : *list) {
        item.authors = sync::authors_of_work(db, item.subject, item.subject_id);
      }
    }
    return made;
  };
  if (!options.cache_reports) return std::make_shared<const reports::ReviewQueue>(make());
  return reports.get<reports::ReviewQueue>("review queue " + format_date(today) + " policy " +
                                               std::to_string(store::latest_policy_version(db)) +
                                               ' ' + base::json_string_array(teams),
                                           scope_generation(db, teams), make, hit);
}

Response Api::Impl::review_queue_page(const Call& call) {
  const Caller& caller = *call.caller;
  const auto teams = requested_teams(call, "review queue", "review queue");
  store::Database& db = *call.db;
  const Instant now = options.now();
  const reports::ReportScope scope{teams};
  reports::ReviewQueue queue;
  {
    // One snapshot for the queue and the marks of the caller's own work on it.
    store::ReadSnapshot snapshot(db);
    queue = reports::completed_review_queue(db, now, scope,
                                            *kept_review_queue(db, london_date(now), teams));
    // What the caller did themselves is listed for them to see, marked: another decides it.
    for (auto* list : {&queue.waiting, &queue.returned}) {
      for (auto& item : *list) {
        item.own = std::find(item.authors.begin(), item.authors.end(), caller.officer_id) !=
                   item.authors.end();
      }
    }
  }
  audits->write(audit_row(&caller, "read", "review queue", std::nullopt,
                          "review queue for " + scope_words(teams)));
  return json_response(200, reports::review_queue_json(queue));
}

Response Api::Impl::review(const Call& call) {
  const Caller& caller = *call.caller;
  const auto body = sync::decode_string_object(
      call.request.body, {"team", "subject", "subject_id", "decision", "comment"});
  const auto given = [&](const char* name) -> const std::string& {
    const auto found = body.find(name);
    if (found == body.end() || found->second.empty()) {
      fail(400, "bad_request", std::string(name) + " is required");
    }
    return found->second;
  };
  const std::string& team = given("team");
  // A team outside the caller's is refused here, audited, before anything is looked up in it.
  auto& id_of = call.db->cached("SELECT id FROM teams WHERE name = ?");
  id_of.bind_all(team);
  const std::string team_id = id_of.step() ? id_of.column_text(0) : std::string();
  id_of.reset();
  if (std::find(caller.team_ids.begin(), caller.team_ids.end(), team_id) == caller.team_ids.end()) {
    refuse(caller, call, 403, "forbidden",
           "the team '" + quoted_excerpt(team, 100) + "' is not one you supervise",
           "review decision for a team outside the caller's", "review_decision");
  }
  sync::FieldValues fields{{"team", team},
                           {"subject", given("subject")},
                           {"subject_id", given("subject_id")},
                           {"decision", given("decision")},
                           {"decided_at", now_text()}};
  if (const auto comment = body.find("comment"); comment != body.end()) {
    fields["comment"] = comment->second;
  }
  const auto written = write_as_caller(call, "review_decision", std::move(fields));
  if (written.outcome.outcome == sync::Outcome::rejected) {
    fail(400, "rejected", written.outcome.reason);
  }
  base::JsonWriter w;
  w.object({base::member("id", written.entity_id), base::member("seq", written.outcome.seq)});
  return json_response(201, w.str());
}

}  // namespace vigil::server

namespace vigil::server {

Response Api::Impl::officers(const Call& call) {
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  // The officers of the caller's teams with their devices (tablets and dashboard sign-ins), each
  // with its last contact: who may sign in, and on what.
  auto s = db.prepare(
      "SELECT o.id, o.username, o.name, o.role, t.name, o.active FROM officers o JOIN teams t ON "
      "t.id = o.team_id WHERE o.team_id IN (SELECT value FROM json_each(?)) ORDER BY t.name, "
      "o.role DESC, o.username");
  s.bind_all(base::json_string_array(caller.team_ids));
  // Each officer's devices, in the list's order: a force has thousands of each.
  const auto devices = store::list_devices(db, caller.team_ids);
  std::unordered_map<std::string_view, std::vector<const store::DeviceInfo*>> devices_of;
  for (const auto& d : devices) devices_of[d.officer].push_back(&d);
  std::vector<AuditRow> rows;
  base::JsonWriter w;
  w.begin_object().key("items").begin_array();
  while (s.step()) {
    const std::string username = s.column_text(1);
    w.begin_object().fields(
        {base::member("id", s.column_text(0)), base::member("username", username),
         base::member("name", s.column_text(2)), base::member("role", s.column_text(3)),
         base::member("team", s.column_text(4)), base::member("active", s.column_int(5) != 0)});
    w.key("devices").begin_array();
    if (const auto own = devices_of.find(username); own != devices_of.end()) {
      for (const auto* d : own->second) {
        w.object({base::member("id", d->id), base::member("name", d->name),
                  base::member("kind", d->kind), base::member("enrolled_at", d->enrolled_at),
                  base::member("last_contact_at", d->last_contact_at),
                  base::member("revoked_at", d->revoked_at)});
      }
    }
    w.end_array().end_object();
    rows.push_back(audit_row(&caller, "read", "officer", s.column_text(0), "list of officers"));
  }
  w.end_array().end_object();
  return disclosing(std::move(rows), w.str());
}

Response Api::Impl::officer_access(const Call& call, bool active) {
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  const std::string& officer_id = call.id;
  std::string reason;
  if (!call.request.body.empty()) {
    const auto body = sync::decode_string_object(call.request.body, {"reason"});
    if (auto it = body.find("reason"); it != body.end()) reason = it->second;
  }
  auto s = db.prepare("SELECT role, team_id, username FROM officers WHERE id = ?");
  s.bind_all(officer_id);
  if (!s.step()) fail(404, "not_found", "there is no officer with id " + officer_id);
  const auto role = parse_enum<Role>(s.column_view(0)).value_or(Role::officer);
  const std::string team_id = s.column_text(1), username = s.column_text(2);
  s.reset();
  const char* what = active ? "enabling of an officer" : "disabling of an officer";
  if (officer_id == caller.officer_id) {
    // Nobody locks themselves out (nor the force's last administrator, by this door).
    refuse(caller, call, 403, "forbidden", "you cannot change your own access", what, "officer",
           officer_id);
  }
  if (caller.role != Role::admin) {
    // The team first: nothing is said of an officer outside the caller's teams, not even a role.
    if (std::find(caller.team_ids.begin(), caller.team_ids.end(), team_id) ==
        caller.team_ids.end()) {
      refuse(caller, call, 403, "forbidden", "the officer is not of a team you supervise", what,
             "officer", officer_id);
    }
    if (role != Role::officer) {
      refuse(caller, call, 403, "forbidden",
             "only an administrator may change a supervisor's or an administrator's access", what,
             "officer", officer_id);
    }
  }
  const int revoked = sync::set_officer_access(
      db, officer_id, active, {caller.officer_id, caller.device_id},
      reason.empty() ? std::string(active ? "officer enabled" : "officer disabled") : reason,
      options.now());
  audits->write({audit_row(
      &caller, "update", "officer", officer_id,
      std::string(active ? "enabled" : "disabled") + (reason.empty() ? "" : ": " + reason))});
  base::JsonWriter w;
  w.object({base::member("id", officer_id), base::member("username", username),
            base::member("active", active), base::member("devices_revoked", revoked)});
  return json_response(200, w.str());
}

Response Api::Impl::disable_officer(const Call& call) {
  return officer_access(call, false);
}

Response Api::Impl::enable_officer(const Call& call) {
  return officer_access(call, true);
}

}  // namespace vigil::server
