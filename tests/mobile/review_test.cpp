// The supervisor's review of an officer's work, end to end: visits recorded on a tablet reach the
// review queue (a single-crewed one first, with the officer's reason); the supervisor signs one
// off and returns another with a comment; the officer's tablet receives the return at its next
// sync; and no one outside the team, nor the officer, can decide.
// cereal's JSON archive first: it makes rapidjson's assertions throw (see api_world.hpp).
#include <rapidjson/document.h>
#include <catch2/catch.hpp>
#include <cereal/archives/json.hpp>

#include "field_force.hpp"
#include "live_server.hpp"
#include "vigil/mobile/tablet.hpp"

using namespace vigil;

namespace {

struct Queue {
  rapidjson::Document doc;
  // The item about `subject_id` in `list` ("waiting" or "returned"), or nullptr.
  const rapidjson::Value* item(const char* list, const std::string& subject_id) const {
    for (const auto& item : doc[list].GetArray()) {
      if (item["subject_id"].GetString() == subject_id) return &item;
    }
    return nullptr;
  }
};

Queue queue_of(vigil::http::Client& http, const Session& who, const std::string& team) {
  const auto answer = http.get("/api/v1/review-queue?team=" + team, who.auth());
  INFO(answer.body);
  REQUIRE(answer.status == 200);
  Queue q;
  q.doc.Parse(answer.body.c_str());
  REQUIRE(q.doc.IsObject());
  return q;
}

std::string decision(const std::string& team, const std::string& subject_id,
                     const std::string& decided, const std::string& comment = "") {
  return "{\"team\":\"" + team + "\",\"subject\":\"visit\",\"subject_id\":\"" + subject_id +
         "\",\"decision\":\"" + decided + "\"" +
         (comment.empty() ? "" : ",\"comment\":\"" + comment + "\"") + "}";
}

}  // namespace

TEST_CASE(
    "a supervisor signs off a single-crewed visit and returns another; the officer's tablet "
    "receives the return",
    "[mobile][review]") {
  Force f;
  auto tablet = f.enrolled("pc.a", "pc-a.db");
  // Every plan asks for two officers: pc.a went alone to NOM-1 and NOM-3, saying why, and to
  // NOM-2 with pc.b as the plan asks.
  auto alone = visit_to("NOM-1", {"pc.a"});
  alone.crew_reason = "pc.b called away to an emergency";
  const std::string single = tablet->record_visit(alone).id;
  auto also_alone = visit_to("NOM-3", {"pc.a"});
  also_alone.crew_reason = "no one free";
  const std::string other = tablet->record_visit(also_alone).id;
  tablet->record_visit(visit_to("NOM-2", {"pc.a", "pc.b"}));
  tablet->sync(Force::quick());

  auto http = f.server.client();
  const Session sergeant = sign_in(*http, "sgt.north", kTestPassword);
  const auto before = queue_of(*http, sergeant, "North");
  const auto* first = before.item("waiting", single);
  REQUIRE(first != nullptr);
  CHECK((*first)["first"].GetBool());
  CHECK((*first)["officer"].GetString() == std::string("pc.a"));
  CHECK((*first)["nominal_ref"].GetString() == std::string("NOM-1"));
  CHECK(std::string((*first)["reasons"][0].GetString()) ==
        "1 of 2 officers the plan requires: \"pc.b called away to an emergency\"");
  // The single-crewed visits come before anything else waiting.
  CHECK(before.doc["waiting"][0]["first"].GetBool());
  REQUIRE(before.item("waiting", other) != nullptr);

  // The officer cannot decide on their own work, nor can South's supervisor on North's.
  const Session officer = sign_in(*http, "pc.a", kTestPassword, "pc.a at the desk");
  CHECK(http->post("/api/v1/reviews", decision("North", single, "signed_off"), officer.auth())
            .status == 403);
  const Session south = sign_in(*http, "sgt.south", kTestPassword);
  CHECK(
      http->post("/api/v1/reviews", decision("North", single, "signed_off"), south.auth()).status ==
      403);
  // Naming South (theirs) for North's visit is refused by the engine: the team is the subject's.
  const auto crossing =
      http->post("/api/v1/reviews", decision("South", single, "signed_off"), south.auth());
  CHECK(crossing.status == 400);
  CHECK(crossing.body.find("is not one of this team's") != std::string::npos);
  // A return says what to do.
  CHECK(
      http->post("/api/v1/reviews", decision("North", other, "returned"), sergeant.auth()).status ==
      400);
  CHECK(f.server_count("SELECT count(*) FROM review_decisions") == 0);
  // Both refusals are audited: the officer's by the route's role, South's by the team named.
  CHECK(
      f.server_count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND device_id IN ('" +
                     officer.device_id + "', '" + south.device_id + "')") == 2);
  CHECK(f.server_count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND entity = "
                       "'review_decision' AND device_id = '" +
                       south.device_id + "'") == 1);

  REQUIRE(http->post("/api/v1/reviews", decision("North", single, "signed_off", "Reason accepted"),
                     sergeant.auth())
              .status == 201);
  REQUIRE(http->post("/api/v1/reviews",
                     decision("North", other, "returned", "Say why you went alone"),
                     sergeant.auth())
              .status == 201);
  const auto after = queue_of(*http, sergeant, "North");
  CHECK(after.item("waiting", single) == nullptr);
  CHECK(after.item("returned", single) == nullptr);
  CHECK(after.item("waiting", other) == nullptr);
  const auto* back = after.item("returned", other);
  REQUIRE(back != nullptr);
  CHECK((*back)["returned"]["comment"].GetString() == std::string("Say why you went alone"));
  CHECK((*back)["returned"]["reviewer"].GetString() == std::string("sgt.north"));

  // Before its next sync the tablet knows nothing of it; after, the return is the officer's.
  CHECK(tablet->returned().empty());
  tablet->sync(Force::quick());
  const auto returned = tablet->returned();
  REQUIRE(returned.size() == 1);
  CHECK(returned[0].subject == "visit");
  CHECK(returned[0].subject_id == other);
  CHECK(returned[0].comment == "Say why you went alone");
  CHECK(returned[0].nominal_ref == "NOM-3");
  CHECK(returned[0].mine);

  // The officer amends a visit and syncs; the queue as the supervisor then finds it.
  const auto queue_once_amended = [&](const std::string& visit, const std::string& reason,
                                      const sync::FieldValues& changes) {
    tablet->amend_visit(visit, reason, changes);
    tablet->sync(Force::quick());
    return queue_of(*http, sergeant, "North");
  };

  // The officer answers with an amendment: the visit waits for the supervisor again.
  const auto answered = queue_once_amended(other, "Went alone: pc.b was at court",
                                           {{"crew_reason", "pc.b at court"}});
  CHECK(answered.item("returned", other) == nullptr);
  CHECK(answered.item("waiting", other) != nullptr);
  CHECK(answered.doc["older_unreviewed"]["visit"].GetInt() == 0);

  // Work that has waited beyond the policy's window (90 days) is counted, not listed.
  f.server_execute("UPDATE visits SET received_at = '2020-01-01T00:00:00Z' WHERE id = '" + other +
                   "'; UPDATE visit_amendments SET amended_at = '2020-01-02T00:00:00Z' WHERE "
                   "visit_id = '" +
                   other + "'");
  // (The server keeps that count until a change lands in the team or the day turns; an edit of
  // the database behind its back is not one, so the officer's next amendment stands for it.)
  const auto aged = queue_once_amended(single, "Crew noted", {{"crew_reason", "pc.b called away"}});
  CHECK(aged.item("waiting", other) == nullptr);
  CHECK(aged.item("waiting", single) != nullptr);
  CHECK(aged.doc["older_unreviewed"]["visit"].GetInt() == 1);
  CHECK(aged.doc["window_days"].GetInt() == 90);

  // Returned, however long ago it was taken in, it is listed for the officer and no longer
  // counted as never reviewed.
  REQUIRE(http->post("/api/v1/reviews", decision("North", other, "returned", "Still no reason"),
                     sergeant.auth())
              .status == 201);
  const auto old_returned = queue_of(*http, sergeant, "North");
  CHECK(old_returned.item("returned", other) != nullptr);
  CHECK(old_returned.doc["older_unreviewed"]["visit"].GetInt() == 0);
}

TEST_CASE(
    "a supervisor disables an officer at the desk: the officer cannot sign in and their tablet "
    "wipes itself; only their own team's supervisor may, and never on themselves",
    "[mobile][review][officers]") {
  Force f;
  auto tablet = f.enrolled("pc.b", "pc-b.db");
  const std::string pc_b = f.force.officer_ids.at("pc.b");
  auto http = f.server.client();
  const Session sergeant = sign_in(*http, "sgt.north", kTestPassword);
  const Session south = sign_in(*http, "sgt.south", kTestPassword);
  const std::string disable = "/api/v1/officers/" + pc_b + "/disable";
  CHECK(http->post(disable, "{\"reason\":\"left the force\"}", south.auth()).status == 403);
  CHECK(http->post("/api/v1/officers/" + f.force.officer_ids.at("sgt.north") + "/disable", "",
                   sergeant.auth())
            .status == 403);
  CHECK(http->post("/api/v1/officers/" + f.force.officer_ids.at("admin") + "/disable", "",
                   sergeant.auth())
            .status == 403);

  const auto disabled = http->post(disable, "{\"reason\":\"left the force\"}", sergeant.auth());
  INFO(disabled.body);
  REQUIRE(disabled.status == 200);
  CHECK(disabled.body.find("\"devices_revoked\":1") != std::string::npos);
  CHECK_THROWS_AS(sign_in(*http, "pc.b", kTestPassword), std::runtime_error);
  try {
    tablet->sync(Force::quick());
    FAIL("a disabled officer's tablet synced");
  } catch (const vigil::mobile::TabletError& error) {
    CHECK(error.problem() == vigil::mobile::Problem::wiped);
  }
  CHECK(f.server_count("SELECT count(*) FROM audit_log WHERE action = 'update' AND entity = "
                       "'officer' AND reason = 'disabled: left the force'") == 1);
  // The desk lists the officer as unable to sign in, their tablet revoked.
  const auto listed = http->get("/api/v1/officers", sergeant.auth());
  REQUIRE(listed.status == 200);
  CHECK(listed.body.find("\"username\":\"pc.b\",\"name\":\"pc.b\",\"role\":\"officer\",\"team\":"
                         "\"North\",\"active\":false") != std::string::npos);

  REQUIRE(http->post("/api/v1/officers/" + pc_b + "/enable", "", sergeant.auth()).status == 200);
  CHECK_NOTHROW(sign_in(*http, "pc.b", kTestPassword));
}
