// The HTTP API's security and bad input (docs/http-api.md, docs/sync-protocol.md), against a real
// vigil-server on a loopback port and a real database: tokens, sign-in throttling, scoped and
// audited reads, pushes refused with a reason, body limits, literal storage of hostile strings,
// conflicts and who may decide them, device revocation, methods and paths.
#include <catch2/catch.hpp>

// cereal's JSON archive first: it makes rapidjson's assertions throw, as every other user of
// rapidjson in the program expects.
#include <rapidjson/document.h>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cereal/archives/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "api_world.hpp"
#include "live_server.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/base/gzip.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"
#include "vigil/base/url.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/wire.hpp"

using namespace vigil;
using namespace vigil::sync;
using namespace api_world;

namespace {

// The changes tablets pushed: not the log's opening, which a tablet's enrolment writes on a
// server that had logged nothing (docs/sync-protocol.md).
constexpr const char* kPushedChanges =
    "SELECT count(*) FROM changes WHERE device_id <> 'back-office'";

// Quotes, SQL, HTML, a backslash run, percent signs, control characters and text outside ASCII
// (two-, three- and four-byte UTF-8): every way a value could be mangled on its way through.
const std::string kHostile =
    "O'Brien\"; DROP TABLE nominals; -- ' OR '1'='1 <script>alert(\"x\")</script> &amp; &lt; "
    "\\ \\\\ \\u0041 %s %27 %00 ` $(rm -rf /) \t tab\nline Zoë Ünïcödé ☃ 日本語 𝄞";

}  // namespace

TEST_CASE("api: no token, or a token the server does not know, is 401 with a JSON error",
          "[server][api][security]") {
  // Protects: nothing but health, metrics, the document and sign-in answers without a valid
  // bearer token, and the refusal tells a client how to authenticate.
  World world;
  auto http = world.client();
  const auto nominal = world.force().north_nominals[0];
  for (const std::string& target : std::vector<std::string>{
           "/api/v1/nominals", "/api/v1/nominals/" + nominal, "/api/v1/sync/pull?since=0",
           "/api/v1/conflicts", "/api/v1/devices"}) {
    INFO(target);
    const auto result = http->get(target);
    check_error(result, 401, "unauthorized");
    CHECK(header(result, "www-authenticate") == "Bearer");
  }
  check_error(http->post("/api/v1/sync/push", "{\"changes\":[]}"), 401, "unauthorized");

  Device pc = world.device("pc.a");
  const std::vector<std::string> bad = {
      "Bearer ",
      "Bearer not-a-token",
      "Bearer " + pc.session.token + "0",
      "Bearer " + pc.session.token.substr(1),
      "bearer " + pc.session.token,
      "Basic " + pc.session.token,
      pc.session.token,
      "Bearer " + pc.session.token + "' OR '1'='1",
  };
  for (const auto& authorization : bad) {
    INFO(authorization);
    check_error(http->get("/api/v1/nominals", {{"Authorization", authorization}}), 401,
                "unauthorized");
  }
  CHECK(pc.get("/api/v1/nominals").status == 200);
}

TEST_CASE("api: health answers without a token; metrics count requests and pushed changes",
          "[server][api]") {
  // Protects: the probes an operator relies on, in the Prometheus text format, with routes and
  // outcomes as labels (and ids folded away, so a client cannot make a series per request).
  World world;
  auto http = world.client();
  const auto health = http->get("/healthz");
  CHECK(health.status == 200);
  CHECK(member(parse(health.body), "status") == "ok");

  Device pc = world.device("pc.a");
  REQUIRE(pc.push_one(pc.visit(world.force().north_nominals[0])).outcome == Outcome::applied);
  REQUIRE(pc.push_one(pc.change("spaceship", base::make_uuid(), Operation::create, {{"x", "y"}}))
              .outcome == Outcome::rejected);
  pc.get("/api/v1/nominals/" + world.force().north_nominals[1]);
  pc.get("/api/v1/nominals/" + base::make_uuid());
  http->get("/no/such/path/" + base::make_uuid());

  const auto metrics = http->get("/metrics");
  CHECK(metrics.status == 200);
  CHECK(header(metrics, "content-type").rfind("text/plain; version=0.0.4", 0) == 0);
  const std::string& text = metrics.body;
  INFO(text);
  CHECK(text.find("# TYPE vigil_http_requests_total counter\n") != std::string::npos);
  CHECK(text.find("vigil_http_requests_total{route=\"/api/v1/sync/push\",status=\"200\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("vigil_http_requests_total{route=\"/healthz\",status=\"200\"} 1\n") !=
        std::string::npos);
  CHECK(
      text.find("vigil_http_requests_total{route=\"/api/v1/nominals/{id}\",status=\"200\"} 1\n") !=
      std::string::npos);
  CHECK(text.find("# TYPE vigil_sync_changes_total counter\n") != std::string::npos);
  CHECK(text.find("vigil_sync_changes_total{outcome=\"applied\"} 1\n") != std::string::npos);
  CHECK(text.find("vigil_sync_changes_total{outcome=\"rejected\"} 1\n") != std::string::npos);
  CHECK(text.find("vigil_http_request_duration_seconds_bucket") != std::string::npos);
  // Unknown paths and record ids never become label values.
  CHECK(text.find("/no/such/path") == std::string::npos);
  CHECK(text.find(world.force().north_nominals[1]) == std::string::npos);
}

TEST_CASE("api: sign-in refuses a wrong password, audits it, and throttles one username",
          "[server][api][security]") {
  // Protects: password guessing against one account stops after a few tries (and stays stopped,
  // right password or not, until the window passes); every refusal is in the audit log.
  auto minutes_later = std::make_shared<std::atomic<int>>(0);
  vigil::server::ApiOptions options;
  options.failures_per_username = 3;
  options.failures_per_address = 100;
  options.failure_window = std::chrono::minutes(15);
  options.now = [minutes_later] {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) +
           std::chrono::minutes(minutes_later->load());
  };
  World world(options);
  auto http = world.client();

  for (int i = 0; i < 3; ++i) {
    check_error(http->post("/api/v1/auth/login", login_body("pc.a", "wrong password")), 401,
                "unauthorized");
  }
  const auto blocked = http->post("/api/v1/auth/login", login_body("pc.a", "wrong password"));
  check_error(blocked, 429, "too_many_attempts");
  // Blocked means blocked: the right password does not get through either, so a guess that
  // happens to be right cannot be told from a wrong one.
  check_error(http->post("/api/v1/auth/login", login_body("pc.a", kTestPassword)), 429,
              "too_many_attempts");
  // Other officers are not locked out by it.
  CHECK(http->post("/api/v1/auth/login", login_body("pc.b", kTestPassword)).status == 200);

  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'login_failed'") == 3);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND reason "
                    "LIKE '%pc.a%' AND officer_id IS NULL") == 3);
  CHECK(world.count("SELECT count(*) FROM devices WHERE officer_id = ?",
                    world.force().officer_ids.at("pc.a")) == 0);

  // An unknown username fails the same way as a wrong password, and is audited too.
  const auto unknown = http->post("/api/v1/auth/login", login_body("nobody", kTestPassword));
  check_error(unknown, 401, "unauthorized");
  CHECK(member(parse(unknown.body), "message") == "the username or password is wrong");
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'login_failed'") == 4);

  // Once the window has passed, the officer may sign in again.
  minutes_later->store(16);
  const auto again = http->post("/api/v1/auth/login", login_body("pc.a", kTestPassword));
  CHECK(again.status == 200);
}

TEST_CASE("api: sign-in throttles one address trying many usernames", "[server][api][security]") {
  // Protects: spraying one password across many accounts from one address is answered 429, even
  // though no single username reaches its own limit; yet another officer behind the same address
  // (a police station) with their right password signs in.
  vigil::server::ApiOptions options;
  options.failures_per_username = 100;
  options.failures_per_address = 4;
  World world(options);
  auto http = world.client();
  for (const char* username : {"pc.a", "pc.b", "pc.c", "no.such.officer"}) {
    check_error(http->post("/api/v1/auth/login", login_body(username, "Spring2026!")), 401,
                "unauthorized");
  }
  check_error(http->post("/api/v1/auth/login", login_body("pc.d", "Spring2026!")), 429,
              "too_many_attempts");
  CHECK(http->post("/api/v1/auth/login", login_body("sgt.north", kTestPassword)).status == 200);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'login_failed'") == 4);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND reason LIKE "
                    "'sign-in throttled for ''pc.d''%'") == 1);
  CHECK(world.count("SELECT count(*) FROM devices") == 1);
}

TEST_CASE("api: a correct sign-in enrols a device and returns its token, id, officer and role",
          "[server][api][security]") {
  // Protects: the sign-in answer a tablet depends on, a token that works at once, and a database
  // that holds only the token's hash.
  World world;
  auto http = world.client();
  const auto result = http->post("/api/v1/auth/login", login_body("sgt.north", kTestPassword));
  REQUIRE(result.status == 200);
  const auto body = parse(result.body);
  const std::string token = member(body, "token");
  const std::string device_id = member(body, "device_id");
  CHECK(token.size() >= 32);
  CHECK(base::is_uuid(device_id));
  CHECK(member(body, "officer") == "sgt.north");
  CHECK(member(body, "role") == "supervisor");
  CHECK(world.count("SELECT count(*) FROM devices WHERE id = ? AND officer_id = ? AND "
                    "revoked_at IS NULL",
                    device_id, world.force().officer_ids.at("sgt.north")) == 1);
  CHECK(world.count("SELECT count(*) FROM devices WHERE token_hash = ?", token) == 0);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'login' AND entity_id = ?",
                    device_id) == 1);
  CHECK(http->get("/api/v1/nominals", {{"Authorization", "Bearer " + token}}).status == 200);
  // Each sign-in is a device of its own with a token of its own.
  const auto second =
      parse(http->post("/api/v1/auth/login", login_body("sgt.north", kTestPassword)).body);
  CHECK(member(second, "token") != token);
  CHECK(member(second, "device_id") != device_id);
}

TEST_CASE("api: sign-in bodies that are not as described are 400", "[server][api]") {
  // Protects: a malformed sign-in is a client error with a reason, never a 500 and never counted
  // as a failed password.
  vigil::server::ApiOptions options;
  options.failures_per_address = 2;
  World world(options);
  auto http = world.client();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "the request body is not a JSON object"},
      {"not json", "the request body is not a JSON object"},
      {"{\"username\":\"pc.a\"", "the request body is not a JSON object"},
      {"[\"pc.a\"]", "the request body is not a JSON object"},
      {"{\"username\":\"pc.a\",\"device_name\":\"t\"}", "password is required"},
      {"{\"username\":\"\",\"password\":\"x\",\"device_name\":\"t\"}", "username is required"},
      {"{\"username\":\"pc.a\",\"password\":7,\"device_name\":\"t\"}", "password must be a string"},
      {"{\"username\":\"pc.a\",\"password\":\"x\",\"device_name\":\"t\",\"admin\":\"yes\"}",
       "admin is not a known member"},
      {"{\"username\":\"pc.a\",\"password\":\"x\",\"device_name\":\"" + std::string(201, 'd') +
           "\"}",
       "device_name is longer than 200 characters"},
      // The throttle keeps each username tried: a name of megabytes would cost memory for nothing.
      {login_body(std::string(201, 'u'), "x"), "username is longer than 200 characters"},
  };
  for (const auto& [body, message] : cases) {
    INFO(body);
    const auto result = http->post("/api/v1/auth/login", body);
    check_error(result, 400, "bad_request");
    CHECK(member(parse(result.body), "message") == message);
  }
  CHECK(world.count("SELECT count(*) FROM audit_log") == 0);
  CHECK(http->post("/api/v1/auth/login", login_body("pc.a", kTestPassword)).status == 200);
}

TEST_CASE("api: the nominal list holds the caller's teams only and audits every record listed",
          "[server][api][security]") {
  // Protects: scope (an officer or sergeant sees their own team's nominals; an administrator sees
  // the force) and the read audit (one 'read' row per record shown).
  World world;
  const auto& force = world.force();
  const std::set<std::string> north(force.north_nominals.begin(), force.north_nominals.end());
  const std::set<std::string> south(force.south_nominals.begin(), force.south_nominals.end());
  std::set<std::string> everyone = north;
  everyone.insert(south.begin(), south.end());

  const std::vector<std::pair<std::string, std::set<std::string>>> cases = {
      {"pc.a", north}, {"sgt.north", north}, {"pc.south", south}, {"admin", everyone}};
  for (const auto& [username, expected] : cases) {
    INFO(username);
    Device d = world.device(username);
    const auto result = d.get("/api/v1/nominals");
    REQUIRE(result.status == 200);
    const auto document = parse(result.body);
    std::set<std::string> listed;
    for (const auto& item : items_of(document).GetArray()) {
      listed.insert(member(item, "id"));
      CHECK(member(item, "team") == (north.count(member(item, "id")) ? "North" : "South"));
    }
    CHECK(listed == expected);
    CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = "
                      "'nominal' AND officer_id = ? AND device_id = ?",
                      force.officer_ids.at(username),
                      d.session.device_id) == static_cast<std::int64_t>(expected.size()));
    CHECK(world.count("SELECT count(DISTINCT entity_id) FROM audit_log WHERE action = 'read' AND "
                      "device_id = ?",
                      d.session.device_id) == static_cast<std::int64_t>(expected.size()));
  }
}

TEST_CASE("api: one nominal: another team's is 403 and audited as denied, unknown 404, own 200",
          "[server][api][security]") {
  // Protects: a record outside the caller's scope is never shown and the attempt is on record;
  // an own-team record comes with its plans and recent visits and the stated reason is audited.
  World world;
  const auto& force = world.force();
  Device pc = world.device("pc.a");

  const std::string south = force.south_nominals[0];
  const auto denied = pc.get("/api/v1/nominals/" + south + "?reason=curious");
  check_error(denied, 403, "forbidden");
  CHECK(denied.body.find("Surname") == std::string::npos);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND entity = "
                    "'nominal' AND entity_id = ? AND officer_id = ? AND device_id = ?",
                    south, force.officer_ids.at("pc.a"), pc.session.device_id) == 1);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'read'") == 0);

  check_error(pc.get("/api/v1/nominals/" + base::make_uuid()), 404, "not_found");
  check_error(pc.get("/api/v1/nominals/" + base::query_escaped("' OR '1'='1")), 404, "not_found");

  const std::string own = force.north_nominals[0];
  const Change visit = pc.visit(own);
  REQUIRE(pc.push_one(visit).outcome == Outcome::applied);
  // Amended: pc.b was there too. The record shows the visit as it counts, and as recorded.
  REQUIRE(pc.push_one(pc.change("visit_amendment", base::make_uuid(), Operation::append,
                                {{"visit_id", visit.entity_id},
                                 {"reason", "second officer left off"},
                                 {"changes", encode_fields({{"attendees", "pc.a;pc.b"}})},
                                 {"amended_at", "2026-11-22T12:00:00Z"}}))
              .outcome == Outcome::applied);
  const auto result = pc.get("/api/v1/nominals/" + own + "?reason=" +
                             base::query_escaped("home visit tomorrow; check address"));
  REQUIRE(result.status == 200);
  const auto body = parse(result.body);
  CHECK(member(body, "id") == own);
  CHECK(member(body, "ref") == "NOM-1");
  CHECK(member(body, "team") == "North");
  CHECK(member(body, "officer") == "pc.a");
  REQUIRE(body["plans"].IsArray());
  REQUIRE(body["plans"].Size() == 1u);
  CHECK(member(body["plans"][0u], "id") == force.north_plans[0]);
  CHECK(member(body["plans"][0u], "double_crewed") == "true");
  REQUIRE(body["recent_visits"].IsArray());
  REQUIRE(body["recent_visits"].Size() == 1u);
  CHECK(member(body["recent_visits"][0u], "outcome") == "seen");
  CHECK(member(body["recent_visits"][0u], "attendees") == "pc.a;pc.b");
  CHECK(member(body["recent_visits"][0u], "amendments") == "1");
  CHECK(member(body["recent_visits"][0u]["as_recorded"], "attendees") == "pc.a");
  CHECK(world.text("SELECT reason FROM audit_log WHERE action = 'read' AND entity_id = ? AND "
                   "device_id = ?",
                   own, pc.session.device_id) == "home visit tomorrow; check address");

  // A sergeant of the other team is refused the same way; the administrator is not.
  Device south_sergeant = world.device("sgt.south");
  check_error(south_sergeant.get("/api/v1/nominals/" + own), 403, "forbidden");
  Device admin = world.device("admin");
  CHECK(admin.get("/api/v1/nominals/" + south).status == 200);
}

TEST_CASE("api: a push that is not JSON or has the wrong types is 400 naming the place",
          "[server][api]") {
  // Protects: a broken client learns what is wrong and where, and nothing of a malformed batch
  // is stored (the batch is refused whole, before any change is looked at).
  World world;
  Device pc = world.device("pc.a");
  const std::string good_change =
      "{\"change_id\":\"" + base::make_uuid() + "\",\"entity\":\"nominal\",\"entity_id\":\"" +
      world.force().north_nominals[0] + "\",\"operation\":\"update\",\"clock\":\"" +
      format_stamp({wall_ms(), 0}) + "\",\"fields\":{\"area\":\"Docks\"},\"base\":{\"area\":\"\"}}";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "the push request is not a JSON object"},
      {"{\"changes\": [", "the push request is not a JSON object"},
      {"{\"changes\": []} trailing", "the push request is not a JSON object"},
      {"[1, 2, 3]", "the push request is not a JSON object"},
      {"\"changes\"", "the push request is not a JSON object"},
      {"{}", "changes is missing"},
      {"{\"changes\": 5}", "changes must be an array"},
      {"{\"changes\": {\"a\": 1}}", "changes must be an array"},
      {"{\"changes\": [5]}", "changes[0] must be an object"},
      {"{\"changes\": [], \"pending\": \"3\"}", "pending must be a whole number"},
      {"{\"changes\": [], \"pending\": -1}", "pending must not be negative"},
      {"{\"changes\": [], \"device_time\": 12}", "device_time must be a string"},
      {"{\"changes\": [], \"drop\": \"table\"}", "drop is not a known member"},
      {"{\"changes\": [" + good_change + ", {\"change_id\": 5}]}",
       "changes[1].change_id must be a string"},
      {"{\"changes\": [{\"change_id\": \"x\"}]}", "changes[0].entity is missing"},
      {"{\"changes\": [" + good_change.substr(0, good_change.size() - 1) +
           ", \"color\": \"red\"}]}",
       "changes[0].color is not a known member"},
      {"{\"changes\": [" + std::string(good_change).replace(good_change.find("\"Docks\""), 7, "5") +
           "]}",
       "changes[0].fields.area must be a string or null"},
      {"{\"changes\": [" +
           std::string(good_change).replace(good_change.find("\"Docks\""), 7, "[\"Docks\"]") + "]}",
       "changes[0].fields.area must be a string or null"},
      {"{\"changes\": [" +
           std::string(good_change).replace(good_change.find("{\"area\":\"\"}"), 11, "\"\"") + "]}",
       "changes[0].base must be an object"},
      {"{\"changes\": [" +
           std::string(good_change).replace(good_change.find("\"update\""), 8, "\"delete\"") + "]}",
       "changes[0].operation must be create, update or append"},
      {std::string(100, '[') + std::string(100, ']'), "the message nests deeper than 16 levels"},
  };
  for (const auto& [body, message] : cases) {
    INFO(body);
    const auto result = pc.post("/api/v1/sync/push", body);
    check_error(result, 400, "bad_request");
    CHECK(member(parse(result.body), "message") == message);
  }
  CHECK(world.count(kPushedChanges) == 0);
  CHECK(world.text("SELECT area FROM nominals WHERE id = ?", world.force().north_nominals[0]) ==
        "");
  // The good change on its own goes through: the refusals above were about the batch.
  CHECK(pc.post("/api/v1/sync/push", "{\"changes\": [" + good_change + "]}").status == 200);
  CHECK(world.text("SELECT area FROM nominals WHERE id = ?", world.force().north_nominals[0]) ==
        "Docks");
}

TEST_CASE("api: changes the server will not take are rejected with a reason and change nothing",
          "[server][api][security]") {
  // Protects: through the API, an unknown kind, an officer editing a supervisor's field, another
  // team's record and a hostile id are refused one by one with a reason a person can read; the
  // refusal is kept in the change log (so a retry gets the same answer) and nothing else is
  // written. Every reason the engine gives is pinned in tests/sync/engine_test.cpp.
  World world;
  Device pc = world.device("pc.a");
  const std::string nominal = world.force().north_nominals[0];
  const std::string south = world.force().south_nominals[0];
  // Another tablet of the team, its cursor past a first change, to see what the feed carries.
  Device other = world.device("pc.b");
  REQUIRE(pc.push_one(pc.visit(nominal)).outcome == Outcome::applied);
  other.pull();
  REQUIRE(other.cursor > 0);
  std::vector<RefusedChange> cases = refused_to_an_officer(pc, nominal);
  cases.push_back(
      {pc.change("nominal", south, Operation::update, {{"area", "Docks"}}, {{"area", ""}}),
       "the nominal belongs to a team outside yours"});
  cases.push_back({pc.change("nominal", "'; DROP TABLE nominals; --", Operation::update,
                             {{"area", "x"}}, {{"area", ""}}),
                   "entity_id must be a UUID"});
  std::vector<Change> batch;
  for (const auto& c : cases) batch.push_back(c.change);
  // One good change in the same batch: a refusal is per change, not per batch.
  batch.push_back(pc.change("nominal", nominal, Operation::update, {{"no_fixed_abode", "yes"}},
                            {{"no_fixed_abode", "no"}}));
  const auto response = pc.push(batch);
  REQUIRE(response.outcomes.size() == batch.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO(cases[i].reason);
    CHECK(response.outcomes[i].change_id == batch[i].change_id);
    CHECK(response.outcomes[i].outcome == Outcome::rejected);
    CHECK(response.outcomes[i].reason == cases[i].reason);
  }
  CHECK(response.outcomes.back().outcome == Outcome::applied);

  CHECK(world.count("SELECT count(*) FROM changes WHERE device_id <> 'back-office' AND outcome = "
                    "'rejected'") == static_cast<std::int64_t>(cases.size()));
  CHECK(world.count("SELECT count(*) FROM changes WHERE device_id <> 'back-office' AND outcome = "
                    "'applied'") == 2);
  CHECK(world.count("SELECT count(*) FROM nominals") == 8);
  CHECK(world.text("SELECT risk_level || '|' || area || '|' || no_fixed_abode FROM nominals "
                   "WHERE id = ?",
                   nominal) == "high||1");
  CHECK(world.text("SELECT area FROM nominals WHERE id = ?", south) == "");
  CHECK(world.count("SELECT count(*) FROM conflicts") == 0);
  // The attempt on another team's record is on record as denied.
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND entity_id = ?",
                    south) == 1);
  // Rejected changes never reach a pull.
  const auto items = other.pull();
  REQUIRE(items.size() == 1);
  CHECK(items[0].change_id == batch.back().change_id);
}

TEST_CASE("api: the same push twice is answered duplicate with the first outcome",
          "[server][api]") {
  // Protects: idempotent pushes, so a tablet that lost the answer may send again safely.
  World world;
  Device pc = world.device("pc.a");
  const Change visit = pc.visit(world.force().north_nominals[0]);
  const Change refused = pc.change("nominal", world.force().north_nominals[0], Operation::update,
                                   {{"risk_level", "low"}}, {{"risk_level", "high"}});
  const auto first = pc.push({visit, refused});
  REQUIRE(first.outcomes.size() == 2);
  CHECK(first.outcomes[0].outcome == Outcome::applied);
  CHECK(first.outcomes[1].outcome == Outcome::rejected);

  const auto second = pc.push({visit, refused});
  REQUIRE(second.outcomes.size() == 2);
  CHECK(second.outcomes[0].outcome == Outcome::duplicate);
  CHECK(second.outcomes[0].first_outcome == Outcome::applied);
  CHECK(second.outcomes[0].seq == first.outcomes[0].seq);
  CHECK(second.outcomes[1].outcome == Outcome::duplicate);
  CHECK(second.outcomes[1].first_outcome == Outcome::rejected);
  CHECK(second.outcomes[1].reason == first.outcomes[1].reason);
  CHECK(world.count("SELECT count(*) FROM visits") == 1);
  CHECK(world.count(kPushedChanges) == 2);

  // The raw answer names first_outcome, as the API document says.
  const auto raw =
      parse(pc.post("/api/v1/sync/push", encode(PushRequest{{visit}, 0, "", ""})).body);
  CHECK(member(raw["outcomes"][0u], "outcome") == "duplicate");
  CHECK(member(raw["outcomes"][0u], "first_outcome") == "applied");

  // Another device sending the same change id gets the first outcome too, and stores nothing.
  Device other = world.device("pc.b");
  Change copy = visit;
  copy.device_id = other.session.device_id;
  const auto from_other = other.push_one(copy);
  CHECK(from_other.outcome == Outcome::duplicate);
  CHECK(world.count("SELECT count(*) FROM visits") == 1);
}

TEST_CASE("api: pushes arriving together are each answered as if they had come one by one",
          "[server][api]") {
  // Protects group commit: pushes that wait for the writer are written in one transaction, yet
  // each gets its own outcomes; a change the schema refuses fails only itself; the same push
  // sent twice at once goes in once.
  World world;
  const std::vector<std::string> usernames = {"pc.a", "pc.b", "pc.c", "pc.d", "pc.e", "sgt.north"};
  std::vector<Device> devices;
  for (const auto& username : usernames) devices.push_back(world.device(username));
  Device& sergeant = devices.back();
  Device twin;  // pc.a's session on a second connection
  twin.username = "pc.a";
  twin.session = devices[0].session;
  twin.http = world.client();

  constexpr int kRounds = 4, kVisits = 30;
  for (int round = 0; round < kRounds; ++round) {
    std::vector<std::string> bodies;
    for (auto& device : devices) {
      PushRequest request;
      for (int i = 0; i < kVisits; ++i) {
        request.changes.push_back(
            device.visit(world.force().north_nominals[static_cast<std::size_t>(i) %
                                                      world.force().north_nominals.size()]));
      }
      if (&device == &sergeant) {
        // Passes every check of the engine's, but NOM-1 is taken: only the schema knows.
        request.changes.push_back(device.change("nominal", base::make_uuid(), Operation::create,
                                                nominal_with_taken_ref()));
      }
      bodies.push_back(encode(request));
    }
    // Everyone at once, pc.a's push twice (no Catch2 assertions off the main thread).
    std::vector<vigil::http::Reply> answers(devices.size() + 1);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i <= devices.size(); ++i) {
      threads.emplace_back([&, i] {
        Device& sender = i < devices.size() ? devices[i] : twin;
        answers[i] = sender.post("/api/v1/sync/push", bodies[i < devices.size() ? i : 0]);
      });
    }
    for (auto& thread : threads) thread.join();

    std::vector<PushResponse> responses;
    for (const auto& answer : answers) {
      INFO(answer.body);
      REQUIRE(answer.status == 200);
      responses.push_back(decode_push_response(answer.body));
    }
    for (std::size_t i = 1; i + 1 < devices.size(); ++i) {
      REQUIRE(responses[i].outcomes.size() == kVisits);
      for (const auto& o : responses[i].outcomes) CHECK(o.outcome == Outcome::applied);
    }
    const auto& sergeants = responses[devices.size() - 1].outcomes;
    REQUIRE(sergeants.size() == kVisits + 1);
    for (int i = 0; i < kVisits; ++i)
      CHECK(sergeants[static_cast<std::size_t>(i)].outcome == Outcome::applied);
    CHECK(sergeants.back().outcome == Outcome::rejected);
    CHECK(sergeants.back().reason.find("the database refused the change") == 0);
    // Of pc.a's two identical pushes, one went in and the other found every change there.
    const auto& one = responses[0].outcomes;
    const auto& other = responses[devices.size()].outcomes;
    REQUIRE(one.size() == kVisits);
    REQUIRE(other.size() == kVisits);
    const bool first_won = one[0].outcome == Outcome::applied;
    for (std::size_t i = 0; i < one.size(); ++i) {
      CHECK(one[i].outcome == (first_won ? Outcome::applied : Outcome::duplicate));
      CHECK(other[i].outcome == (first_won ? Outcome::duplicate : Outcome::applied));
      CHECK(one[i].seq == other[i].seq);
    }
  }
  const auto pushed = static_cast<std::int64_t>(kRounds * kVisits * usernames.size());
  CHECK(world.count("SELECT count(*) FROM visits") == pushed);
  CHECK(world.count(kPushedChanges) == pushed + kRounds);
  CHECK(world.count("SELECT count(*) FROM nominals WHERE surname = 'Twin'") == 0);
}

TEST_CASE("api: a body over the server's limit is 413", "[server][api][security]") {
  // Protects: the server never reads a body larger than its limit into memory, on any route,
  // and a push of too many changes at once is refused before any is applied.
  World world;
  world.server().body_limit = 4096;
  world.server().restart();
  Device pc = world.device("pc.a");
  for (const std::string target :
       {"/api/v1/sync/push", "/api/v1/auth/login", "/api/v1/devices/x/revoke"}) {
    INFO(target);
    auto http = world.client();
    const auto result =
        http->post(target, "{\"pad\":\"" + std::string(64 * 1024, 'x') + "\"}", pc.session.auth());
    check_error(result, 413, "body_too_large");
  }
  CHECK(world.count(kPushedChanges) == 0);
  CHECK(pc.get("/api/v1/nominals").status == 200);

  // Within the byte limit but over the count limit.
  world.server().body_limit = std::size_t{8} << 20;
  world.server().restart();
  Device again = world.device("pc.a");
  PushRequest many;
  for (int i = 0; i < 5001; ++i)
    many.changes.push_back(again.visit(world.force().north_nominals[0]));
  check_error(again.post("/api/v1/sync/push", encode(many)), 413, "too_many_changes");
  CHECK(world.count(kPushedChanges) == 0);
}

TEST_CASE("api: SQL and HTML in values are stored and returned literally",
          "[server][api][security]") {
  // Protects: every value is bound, never spliced into SQL, and escaped for JSON, never for
  // HTML: what an officer typed comes back byte for byte, through the pull and the read API.
  World world;
  Device pc = world.device("pc.a");
  const std::string nominal = world.force().north_nominals[0];
  Change visit = pc.visit(nominal);
  visit.fields["observations"] = kHostile;
  visit.fields["risk_change"] = "\"'\\;<>&";
  const Change area =
      pc.change("nominal", nominal, Operation::update, {{"area", kHostile}}, {{"area", ""}});
  const auto outcomes = pc.push({visit, area});
  REQUIRE(outcomes.outcomes.size() == 2);
  CHECK(outcomes.outcomes[0].outcome == Outcome::applied);
  CHECK(outcomes.outcomes[1].outcome == Outcome::applied);

  CHECK(world.text("SELECT observations FROM visits WHERE id = ?", visit.entity_id) == kHostile);
  CHECK(world.text("SELECT area FROM nominals WHERE id = ?", nominal) == kHostile);
  CHECK(world.count("SELECT count(*) FROM nominals") == 8);

  // The pull, whole scope and after a cursor.
  Device reader = world.device("pc.b");
  const auto whole = reader.pull();
  CHECK(pulled_value(whole, visit.entity_id, "observations") == kHostile);
  CHECK(pulled_value(whole, visit.entity_id, "risk_change") == "\"'\\;<>&");
  CHECK(pulled_value(whole, nominal, "area") == kHostile);

  // The read API, with the hostile text in the reason as well.
  const auto result =
      pc.get("/api/v1/nominals/" + nominal + "?reason=" + base::query_escaped(kHostile));
  REQUIRE(result.status == 200);
  CHECK(result.body.find("<script>") != std::string::npos);  // JSON, not HTML-escaped
  CHECK(member(parse(result.body), "area") == kHostile);
  CHECK(world.text("SELECT reason FROM audit_log WHERE action = 'read' AND device_id = ?",
                   pc.session.device_id) == kHostile);
  const auto list = parse(pc.get("/api/v1/nominals").body);
  bool listed = false;
  for (const auto& item : items_of(list).GetArray()) {
    if (member(item, "id") == nominal) listed = member(item, "area") == kHostile;
  }
  CHECK(listed);

  // A hostile value where an id belongs is refused as a bad id, not run.
  const auto bad_id = pc.push_one(pc.change("visit", kHostile, Operation::append, {{"x", "y"}}));
  CHECK(bad_id.outcome == Outcome::rejected);
  CHECK(world.count("SELECT count(*) FROM visits") == 1);
}

// Two officers change a nominal's area from the same base, b's later: one open conflict, b's
// "Park" standing over a's "Docks". Returns the conflict's id.
std::string make_area_conflict(World& world, Device& a, Device& b, const std::string& nominal) {
  const std::int64_t t = wall_ms();
  REQUIRE(a.push_one(a.change("nominal", nominal, Operation::update, {{"area", "Docks"}},
                              {{"area", ""}}, t + 1))
              .outcome == Outcome::applied);
  REQUIRE(b.push_one(b.change("nominal", nominal, Operation::update, {{"area", "Park"}},
                              {{"area", ""}}, t + 2))
              .outcome == Outcome::conflict);
  return world.text("SELECT id FROM conflicts WHERE entity_id = ?", nominal);
}

namespace {

// A fresh server with North's pc.a and pc.b, who make a conflict, and their sergeant, who may
// decide it, signed in in that order.
struct NorthConflict {
  World world;
  Device a = world.device("pc.a");
  Device b = world.device("pc.b");
  Device sergeant = world.device("sgt.north");
};

}  // namespace

TEST_CASE_METHOD(
    NorthConflict,
    "api: concurrent edits make one open conflict; only a supervisor of the team decides it, "
    "once, and the kept value reaches every tablet",
    "[server][api][security][conflict]") {
  // Protects: conflicts are shown to the team, decided only by its supervisors (not officers,
  // not another team's sergeant), decided once, and the decision syncs.
  const std::string nominal = world.force().north_nominals[2];
  Device other_sergeant = world.device("sgt.south");
  a.pull();
  b.pull();
  make_area_conflict(world, a, b, nominal);
  a.pull();
  b.pull();

  const auto listed = parse(sergeant.get("/api/v1/conflicts").body);
  REQUIRE(items_of(listed).Size() == 1u);
  const auto& conflict = items_of(listed)[0u];
  const std::string id = member(conflict, "id");
  CHECK(member(conflict, "entity") == "nominal");
  CHECK(member(conflict, "entity_id") == nominal);
  CHECK(member(conflict, "field") == "area");
  CHECK(member(conflict, "winning_value") == "Park");
  CHECK(member(conflict, "losing_value") == "Docks");
  CHECK(member(conflict, "winning_device") == b.session.device_id);
  CHECK(member(conflict, "losing_device") == a.session.device_id);
  CHECK(member(conflict, "status") == "open");
  // The team's officers see it; the other team does not.
  CHECK(items_of(parse(a.get("/api/v1/conflicts").body)).Size() == 1u);
  CHECK(items_of(parse(other_sergeant.get("/api/v1/conflicts").body)).Size() == 0u);

  const std::string path = "/api/v1/conflicts/" + id + "/decision";
  const std::string keep_losing = "{\"keep\":\"losing\",\"note\":\"Docks is right\"}";
  check_error(a.post(path, keep_losing), 403, "forbidden");
  check_error(other_sergeant.post(path, keep_losing), 403, "forbidden");
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND entity = "
                    "'conflict' AND entity_id = ? AND device_id = ?",
                    id, other_sergeant.session.device_id) == 1);
  check_error(sergeant.post(path, "{\"keep\":\"both\"}"), 400, "bad_request");
  check_error(sergeant.post(path, "{\"keep\":\"losing\",\"why\":\"x\"}"), 400, "bad_request");
  check_error(sergeant.post("/api/v1/conflicts/" + base::make_uuid() + "/decision", keep_losing),
              404, "not_found");
  CHECK(world.text("SELECT status FROM conflicts WHERE id = ?", id) == "open");
  CHECK(world.text("SELECT area FROM nominals WHERE id = ?", nominal) == "Park");

  const auto decided = sergeant.post(path, keep_losing);
  INFO(decided.body);
  REQUIRE(decided.status == 200);
  const auto decision = parse(decided.body);
  CHECK(member(decision, "conflict_id") == id);
  CHECK(member(decision, "keep") == "losing");
  check_error(sergeant.post(path, keep_losing), 409, "conflict_decided");
  check_error(sergeant.post(path, "{\"keep\":\"winning\"}"), 409, "conflict_decided");
  // Another team's sergeant is still told 403, not whether it was decided.
  check_error(other_sergeant.post(path, keep_losing), 403, "forbidden");

  CHECK(world.text("SELECT area FROM nominals WHERE id = ?", nominal) == "Docks");
  CHECK(world.text("SELECT status || '|' || decision FROM conflicts WHERE id = ?", id) ==
        "decided|losing: Docks is right");
  CHECK(items_of(parse(sergeant.get("/api/v1/conflicts").body)).Size() == 0u);
  CHECK(items_of(parse(sergeant.get("/api/v1/conflicts?status=open").body)).Size() == 0u);
  const auto all = parse(sergeant.get("/api/v1/conflicts?status=all").body);
  REQUIRE(items_of(all).Size() == 1u);
  CHECK(member(items_of(all)[0u], "decided_by") == "sgt.north");
  for (const std::string status : {"", "decided", "ALL", "open'--"}) {
    INFO(status);
    check_error(sergeant.get("/api/v1/conflicts?status=" + base::query_escaped(status)), 400,
                "bad_request");
  }

  // Both officers' next pull brings the kept value.
  CHECK(pulled_value(a.pull(), nominal, "area") == "Docks");
  CHECK(pulled_value(b.pull(), nominal, "area") == "Docks");
}

TEST_CASE_METHOD(NorthConflict,
                 "api: decisions racing on one conflict: one is taken, the others are 409",
                 "[server][api][conflict]") {
  // Protects: a conflict is decided exactly once even when two supervisors press at once; the
  // one who lost the race is told it was already decided, not that their request was bad.
  const std::string nominal = world.force().north_nominals[1];
  Device admin = world.device("admin");
  const std::string id = make_area_conflict(world, a, b, nominal);
  REQUIRE(id != "<no row>");

  constexpr int kDeciders = 6;
  std::vector<int> statuses(kDeciders, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kDeciders; ++i) {
    threads.emplace_back([&, i] {
      vigil::http::Client http("127.0.0.1", world.server().port());
      const auto& session = i % 2 == 0 ? sergeant.session : admin.session;
      try {
        statuses[static_cast<std::size_t>(i)] =
            http.post("/api/v1/conflicts/" + id + "/decision",
                      i % 3 == 0 ? "{\"keep\":\"winning\"}" : "{\"keep\":\"losing\"}",
                      session.auth())
                .status;
      } catch (const std::exception&) {
        statuses[static_cast<std::size_t>(i)] = -1;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 1);
  CHECK(std::count(statuses.begin(), statuses.end(), 409) == kDeciders - 1);
  CHECK(world.count("SELECT count(*) FROM changes WHERE entity = 'conflict_decision' AND "
                    "outcome = 'applied'") == 1);
}

TEST_CASE(
    "api: devices are listed and revoked by their team's supervisors only, and a revoked "
    "device is told to wipe",
    "[server][api][security]") {
  // Protects: a lost tablet can be cut off by its sergeant at once, its next request telling it
  // to wipe its store; officers cannot see or revoke devices; sergeants act on their team only.
  World world;
  auto [pc, pc_b, sergeant, south_pc, south_sergeant] =
      world.devices("pc.a", "pc.b", "sgt.north", "pc.south", "sgt.south");

  check_error(pc.get("/api/v1/devices"), 403, "forbidden");
  check_error(pc.post("/api/v1/devices/" + pc_b.session.device_id + "/revoke", "{}"), 403,
              "forbidden");

  const auto listed = parse(sergeant.get("/api/v1/devices").body);
  std::set<std::string> ids;
  for (const auto& item : items_of(listed).GetArray()) {
    ids.insert(member(item, "id"));
    CHECK(member(item, "team") == "North");
    CHECK(member(item, "revoked") == "false");
    CHECK(member(item, "token") == "<absent>");
    CHECK(member(item, "token_hash") == "<absent>");
  }
  CHECK(ids == std::set<std::string>{pc.session.device_id, pc_b.session.device_id,
                                     sergeant.session.device_id});

  // Another team's sergeant cannot revoke it, and the device carries on.
  const std::string revoke = "/api/v1/devices/" + pc.session.device_id + "/revoke";
  check_error(south_sergeant.post(revoke, "{\"reason\":\"mine now\"}"), 403, "forbidden");
  CHECK(pc.get("/api/v1/nominals").status == 200);
  check_error(sergeant.post("/api/v1/devices/" + base::make_uuid() + "/revoke", ""), 404,
              "not_found");
  check_error(sergeant.post(revoke, "{\"reason\":5}"), 400, "bad_request");

  const auto revoked = sergeant.post(revoke, "{\"reason\":\"tablet lost on patrol\"}");
  INFO(revoked.body);
  REQUIRE(revoked.status == 200);
  CHECK(member(parse(revoked.body), "revoked") == "true");
  CHECK(world.text("SELECT revoke_reason FROM devices WHERE id = ?", pc.session.device_id) ==
        "tablet lost on patrol");
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'revoke' AND entity_id = ?",
                    pc.session.device_id) == 1);

  for (const auto& result : {pc.get("/api/v1/nominals"), pc.get("/api/v1/sync/pull?since=0"),
                             pc.post("/api/v1/sync/push", "{\"changes\":[]}")}) {
    INFO(result.body);
    CHECK(result.status == 401);
    CHECK(header(result, "www-authenticate") == "Bearer");
    const auto body = parse(result.body);
    CHECK(member(body, "error") == "device_revoked");
    CHECK(member(body, "wipe") == "true");
  }
  // Revoking again changes nothing; the officer's other devices and the team carry on.
  CHECK(sergeant.post(revoke, "").status == 200);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'revoke'") == 1);
  CHECK(pc_b.get("/api/v1/nominals").status == 200);
  // The officer can sign in again on a new device (revocation is of the tablet, not the person).
  CHECK(world.device("pc.a").get("/api/v1/nominals").status == 200);

  // The other team's sergeant sees only South's devices.
  const auto south_list = parse(south_sergeant.get("/api/v1/devices").body);
  std::set<std::string> south_ids;
  for (const auto& item : items_of(south_list).GetArray()) south_ids.insert(member(item, "id"));
  CHECK(south_ids ==
        std::set<std::string>{south_pc.session.device_id, south_sergeant.session.device_id});
}

TEST_CASE("api: a wrong method is 405 with Allow; an unknown path is 404 JSON", "[server][api]") {
  // Protects: clients are told which method a path takes, and every answer, even for a path
  // that does not exist, is the JSON error shape.
  World world;
  Device pc = world.device("pc.a");
  const std::string id = world.force().north_nominals[0];
  const std::vector<std::tuple<std::string, std::string, std::string>> wrong = {
      {"GET", "/api/v1/sync/push", "POST"},
      {"POST", "/api/v1/sync/pull", "GET"},
      {"POST", "/api/v1/nominals", "GET"},
      {"DELETE", "/api/v1/nominals/" + id, "GET"},
      {"PUT", "/api/v1/nominals/" + id, "GET"},
      {"GET", "/api/v1/auth/login", "POST"},
      {"GET", "/api/v1/conflicts/" + id + "/decision", "POST"},
      {"GET", "/api/v1/devices/" + id + "/revoke", "POST"},
      {"POST", "/healthz", "GET"},
      {"DELETE", "/metrics", "GET"},
      {"POST", "/api/v1/openapi.json", "GET"},
  };
  for (const auto& [method, target, allowed] : wrong) {
    INFO(method << " " << target);
    const auto result = pc.http->request(method, target, "", pc.session.auth());
    check_error(result, 405, "method_not_allowed");
    CHECK(header(result, "allow") == allowed);
  }
  // Without a token too: the method is checked before anything else.
  auto anonymous = world.client();
  const auto no_token = anonymous->request("DELETE", "/api/v1/devices");
  check_error(no_token, 405, "method_not_allowed");
  CHECK(header(no_token, "allow") == "GET");

  for (const std::string& target : std::vector<std::string>{
           "/api/v1/nope", "/api/v2/nominals", "/api/v1/nominals/" + id + "/extra",
           "/api/v1/conflicts/" + id, "/api/v1/devices/" + id, "/api/v1/nominals/", "/api/v1/sync",
           "/../etc/passwd", "/API/V1/NOMINALS"}) {
    INFO(target);
    const auto result = pc.get(target);
    check_error(result, 404, "not_found");
  }
  check_error(pc.http->request("DELETE", "/api/v1/nope", "", pc.session.auth()), 404, "not_found");
}

TEST_CASE("api: pull parameters out of range are 400", "[server][api]") {
  // Protects: a cursor or page size that is not a sensible whole number, or a resume token the
  // server did not give, is refused, not read as zero, as everything or as a fresh start.
  World world;
  Device pc = world.device("pc.a");
  for (const std::string query :
       {"since=-1", "since=abc", "since=1.5", "since=", "since=99999999999999999999", "limit=0",
        "limit=10001", "limit=-5", "since=0&limit=x", "since=0&resume=not-a-token",
        "since=0&resume=%27%3B%20DROP%20TABLE%20changes%3B"}) {
    INFO(query);
    check_error(pc.get("/api/v1/sync/pull?" + query), 400, "bad_request");
  }
  CHECK(pc.get("/api/v1/sync/pull?since=0&limit=1").status == 200);
}

TEST_CASE_METHOD(NorthConflict,
                 "api: a tablet's decision on a conflict already decided is refused in plain words",
                 "[server][api][conflict]") {
  // Protects: a refusal a person can read, not "the database refused the change: ...".
  const std::string nominal = world.force().north_nominals[1];
  const std::string id = make_area_conflict(world, a, b, nominal);
  REQUIRE(sergeant.post("/api/v1/conflicts/" + id + "/decision", "{\"keep\":\"winning\"}").status ==
          200);
  const auto outcome =
      sergeant.push_one(sergeant.change("conflict_decision", base::make_uuid(), Operation::append,
                                        {{"conflict_id", id}, {"keep", "losing"}}));
  CHECK(outcome.outcome == Outcome::rejected);
  CHECK(outcome.reason == "the conflict has already been decided");
}

TEST_CASE("api: a value holding a NUL character is refused whole, never cut short",
          "[server][api][security]") {
  // Protects: nothing an officer recorded is silently dropped. The decoder would read the text
  // only up to the NUL, so the push is refused with a sentence and nothing is stored.
  World world;
  Device pc = world.device("pc.a");
  const Change visit = pc.visit(world.force().north_nominals[0],
                                {{"observations", std::string("before\0after", 12)}});
  const auto result = pc.post_push(visit);
  CHECK(result.status == 400);
  CHECK(result.body.find("U+0000") != std::string::npos);
  CHECK(world.text("SELECT count(*) FROM visits WHERE id = ?", visit.entity_id) == "0");
}

TEST_CASE(
    "every answer names the sync protocol's version, and a request of another version is "
    "refused with 426, storing nothing",
    "[server][api][protocol]") {
  World world;
  Device pc = world.device("pc.a");
  CHECK(header(world.client()->get("/healthz"), "vigil-protocol") == "1");
  CHECK(header(pc.get("/api/v1/sync/pull?since=0"), "vigil-protocol") == "1");
  // A tablet of a later version: its push is not read at all.
  PushRequest request;
  request.changes.push_back(pc.visit(world.force().north_nominals[0]));
  auto headers = pc.session.auth();
  headers["Vigil-Protocol"] = "2";
  const auto refused = pc.http->post("/api/v1/sync/push", encode(request), headers);
  check_error(refused, 426, "protocol_unsupported");
  CHECK(refused.body.find("sync protocol 1") != std::string::npos);
  CHECK(header(refused, "vigil-protocol") == "1");
  CHECK(world.count("SELECT count(*) FROM visits WHERE id = ?", request.changes[0].entity_id) == 0);
  // Version 1 said aloud is version 1.
  headers["Vigil-Protocol"] = "1";
  CHECK(pc.http->post("/api/v1/sync/push", encode(request), headers).status == 200);
  // A pull and a tablet's sign-in of another version are refused alike; the dashboard's sign-in
  // and the record routes are not the sync protocol's.
  const std::map<std::string, std::string> later{{"Vigil-Protocol", "2"}};
  headers["Vigil-Protocol"] = "2";
  check_error(pc.http->get("/api/v1/sync/pull?since=0", headers), 426, "protocol_unsupported");
  check_error(world.client()->post("/api/v1/auth/login", login_body("pc.b", kTestPassword), later),
              426, "protocol_unsupported");
  CHECK(world.client()
            ->post("/api/v1/auth/login",
                   "{\"username\":\"pc.b\",\"password\":\"" + std::string(kTestPassword) +
                       "\",\"device_name\":\"desk\",\"kind\":\"browser\"}",
                   later)
            .status == 200);
  CHECK(pc.http->get("/api/v1/nominals", headers).status == 200);
  // A revoked tablet is told to wipe whatever version it speaks.
  Device lost = world.device("pc.c");
  REQUIRE(world.server()
              .api()
              .handle([&] {
                vigil::http::Request revoke;
                revoke.method = "POST";
                revoke.path = "/api/v1/devices/" + lost.session.device_id + "/revoke";
                revoke.authorization = "Bearer " + world.device("sgt.north").session.token;
                return revoke;
              }())
              .status == 200);
  auto lost_headers = lost.session.auth();
  lost_headers["Vigil-Protocol"] = "2";
  const auto wiped = lost.http->post("/api/v1/sync/push", encode(request), lost_headers);
  check_error(wiped, 401, "device_revoked");
  CHECK(wiped.body.find("\"wipe\":true") != std::string::npos);
}

TEST_CASE(
    "api: answers to a GET go gzipped to a client that asks and unpack to the plain answer; a "
    "sign-in's never does",
    "[server][api][gzip]") {
  // Protects: the bytes a tablet on a poor signal waits for (pull pages and reports shrink
  // tenfold), answers that are the same once unpacked, and a token never sent compressed.
  World world;
  auto http = world.client();
  const auto bearer = sign_in(*http, "sgt.north", kTestPassword, "desk").auth();
  const auto with = [&](std::string accept) {
    auto headers = bearer;
    headers["Accept-Encoding"] = std::move(accept);
    return http->get("/api/v1/reports/overdue?as_of=2026-11-30", headers);
  };
  const auto plain = with("identity");
  REQUIRE(plain.status == 200);
  REQUIRE(plain.body.size() >= vigil::http::kGzipFrom);
  CHECK(plain.headers.count("content-encoding") == 0);
  CHECK(plain.headers.at("vary") == "Accept-Encoding");

  // Asked for by hand, the answer is left packed: it is gzip, and it unpacks to the same report
  // but for the stamp's time of making.
  const auto packed = with("gzip, deflate, br");
  REQUIRE(packed.status == 200);
  CHECK(packed.headers.at("content-encoding") == "gzip");
  CHECK(packed.body.size() * 3 < plain.body.size());
  const auto unpacked = parse(base::gunzip(packed.body, 1 << 24));
  CHECK(unpacked["items"].Size() == parse(plain.body)["items"].Size());
  CHECK(with("gzip;q=0").headers.count("content-encoding") == 0);

  // The client asks by itself and unpacks, saying what came over the wire.
  const auto asked = http->get("/api/v1/reports/overdue?as_of=2026-11-30", bearer);
  CHECK(asked.headers.count("content-encoding") == 0);
  CHECK(asked.wire_bytes * 3 < asked.body.size());
  CHECK(parse(asked.body)["items"].Size() == parse(plain.body)["items"].Size());

  // A sign-in's answer holds a token: sent as it is, however it is asked.
  const auto login = http->post("/api/v1/auth/login", login_body("sgt.north", kTestPassword),
                                {{"Accept-Encoding", "gzip"}});
  REQUIRE(login.status == 200);
  CHECK(login.headers.count("content-encoding") == 0);
}
