// The supervisors' desk (docs/http-api.md, "The desk"): the review queue over the caller's teams
// and the decisions on its items. Every write is a change from the caller's own session, taken in
// by the merge engine like a tablet's (so it is checked, scoped, logged and synced the same way).
#include <algorithm>
#include <string>

#include "api_impl.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/review_queue.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::server {

Api::Impl::Written Api::Impl::write_as_caller(const Call& call, std::string entity,
                                              sync::FieldValues fields) {
  sync::PushRequest push;
  sync::Change change;
  change.change_id = base::make_time_ordered_uuid();
  change.device_id = call.caller->device_id;
  change.entity = std::move(entity);
  change.entity_id = base::make_time_ordered_uuid();
  change.operation = sync::Operation::append;
  change.fields = std::move(fields);
  change.device_time = now_text();
  change.clock = sync::format_stamp(sync::HlcStamp{
      std::chrono::duration_cast<std::chrono::milliseconds>(options.now().time_since_epoch())
          .count(),
      0});
  Written written{change.entity_id, {}};
  push.changes.push_back(std::move(change));
  sync::PushResponse result = writer->push(*call.caller, push);
  require_database_intact();
  written.outcome = std::move(result.outcomes.front());
  return written;
}

Response Api::Impl::review_queue_page(const Call& call) {
  const Caller& caller = *call.caller;
  const auto teams = requested_teams(call, "review queue", "review queue");
  const auto queue = reports::review_queue(*call.db, options.now(), reports::ReportScope{teams});
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
