// The operator's log (server/src/request_log.hpp), as vigil-server writes it: one JSON line per
// request naming the request, its route, what came of it and who asked, and the security events
// an operator watches for, over real HTTP against a real server. What no line may hold: a
// record's content, a password or a token.
#include <mutex>
#include <regex>

#include "api_world.hpp"
#include "vigil/server/api.hpp"

using namespace api_world;

namespace {

// The lines the server gave its log, kept as the journal would keep them.
struct CapturedLog {
  std::mutex mutex;
  std::vector<std::string> lines;

  vigil::server::ApiOptions options() {
    vigil::server::ApiOptions o;
    o.log = [this](const std::string& line) {
      std::lock_guard lock(mutex);
      lines.push_back(line);
    };
    return o;
  }
  // The one line of the request with this id.
  rapidjson::Document line_of(const std::string& request_id) {
    std::lock_guard lock(mutex);
    std::vector<std::string> found;
    for (const auto& line : lines) {
      if (line.find("\"request_id\":\"" + request_id + "\"") != std::string::npos) {
        found.push_back(line);
      }
    }
    INFO(request_id);
    REQUIRE(found.size() == 1);
    return parse(found.front());
  }
  std::string all() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
  }
};

}  // namespace

TEST_CASE("every request leaves one line: when, which, the route, the answer and who asked",
          "[server][log]") {
  CapturedLog log;
  World world(log.options());
  Device sergeant = world.device("sgt.north");
  const auto report = sergeant.http->get(
      "/api/v1/reports/overdue?team=North",
      {{"Authorization", "Bearer " + sergeant.session.token}, {"X-Request-Id", "proxy-7f3a.1"}});
  REQUIRE(report.status == 200);
  // Echoed, so the proxy's log and this one can be read side by side.
  CHECK(header(report, "x-request-id") == "proxy-7f3a.1");

  const auto line = log.line_of("proxy-7f3a.1");
  CHECK(std::regex_match(member(line, "time"),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(member(line, "level") == "info");
  CHECK(member(line, "method") == "GET");
  CHECK(member(line, "route") == "/api/v1/reports/overdue");
  CHECK(line["status"].GetInt() == 200);
  CHECK(line["duration_ms"].GetDouble() > 0);
  CHECK(member(line, "officer_id") == world.force().officer_ids.at("sgt.north"));
  CHECK(member(line, "device_id") == sergeant.session.device_id);
  CHECK_FALSE(line.HasMember("event"));

  // The report named nominals; the log names none of them, nor the query that asked.
  const auto body = parse(report.body);
  REQUIRE(body["items"].Size() > 0);
  const std::string text = log.all();
  for (const auto& item : body["items"].GetArray()) {
    const std::string ref = member(item, "nominal_ref");
    CHECK(text.find(ref) == std::string::npos);
    const std::string surname = world.text("SELECT surname FROM nominals WHERE ref = ?", ref);
    CHECK(text.find(surname) == std::string::npos);
  }
  CHECK(text.find("team=North") == std::string::npos);
  CHECK(text.find(sergeant.session.token) == std::string::npos);

  // Signing in names the officer and the device it made, and never the password or the token.
  const auto signed_in = log.line_of(
      header(world.client()->post("/api/v1/auth/login", login_body("pc.a", kTestPassword)),
             "x-request-id"));
  CHECK(member(signed_in, "route") == "/api/v1/auth/login");
  CHECK(member(signed_in, "officer_id") == world.force().officer_ids.at("pc.a"));
  CHECK(log.all().find(kTestPassword) == std::string::npos);
}

TEST_CASE("a request id a log cannot hold as sent is replaced by one of the server's own",
          "[server][log][security]") {
  CapturedLog log;
  World world(log.options());
  auto client = world.client();
  for (const std::string& sent :
       {std::string("x\"},\"level\":\"info"), std::string(200, 'a'), std::string("two words")}) {
    const auto answer = client->get("/healthz", {{"X-Request-Id", sent}});
    const std::string id = header(answer, "x-request-id");
    INFO(sent);
    CHECK(id != sent);
    CHECK(id.size() == 36);  // a UUID
    CHECK(member(log.line_of(id), "route") == "/healthz");
  }
  // None given: one is made.
  CHECK(header(client->get("/healthz"), "x-request-id").size() == 36);
  // A method of the client's own making is not written as sent.
  const auto odd = client->request("VIGIL-SECRET-WORD", "/healthz", "", {});
  CHECK(log.all().find("VIGIL-SECRET-WORD") == std::string::npos);
  CHECK(member(log.line_of(header(odd, "x-request-id")), "method") == "other");
}

TEST_CASE(
    "security events are named in the log: sign-in refused and throttled, access refused, "
    "a revoked device",
    "[server][log][security]") {
  CapturedLog log;
  vigil::server::ApiOptions options = log.options();
  options.failures_per_username = 2;
  World world(options);
  auto client = world.client();
  const auto event_of = [&](const vigil::http::Reply& answer) {
    return log.line_of(header(answer, "x-request-id"));
  };

  const auto wrong = event_of(client->post("/api/v1/auth/login", login_body("pc.a", "guess-1")));
  CHECK(member(wrong, "event") == "sign_in_refused");
  CHECK(member(wrong, "address") == "127.0.0.1");
  CHECK(member(wrong, "level") == "warn");
  CHECK(wrong["status"].GetInt() == 401);
  client->post("/api/v1/auth/login", login_body("pc.a", "guess-2"));
  const auto throttled =
      event_of(client->post("/api/v1/auth/login", login_body("pc.a", "guess-3")));
  CHECK(member(throttled, "event") == "sign_in_throttled");
  CHECK(throttled["status"].GetInt() == 429);
  CHECK(log.all().find("guess-") == std::string::npos);

  // An officer asking for a team not theirs: refused, and the log says who.
  Device south = world.device("pc.south");
  const auto refused = event_of(south.get("/api/v1/reports/overdue?team=North"));
  CHECK(member(refused, "event") == "access_refused");
  CHECK(refused["status"].GetInt() == 403);
  CHECK(member(refused, "officer_id") == world.force().officer_ids.at("pc.south"));
  CHECK(member(refused, "device_id") == south.session.device_id);
  CHECK(member(refused, "address") == "127.0.0.1");  // who is knocking, for the operator
  CHECK(member(refused, "level") == "warn");

  // A write at the desk into another team's nominal: refused by the engine's scope, and named.
  Device other_sergeant = world.device("sgt.south");
  const std::string plan = R"({"entity":"plan","operation":"create","fields":{"nominal_id":")" +
                           world.force().north_nominals[1] +
                           R"(","started_on":"2026-11-01","visit_every_months":"3"}})";
  const auto crossing = event_of(other_sergeant.post("/api/v1/records", plan));
  CHECK(crossing["status"].GetInt() == 403);
  CHECK(member(crossing, "event") == "access_refused");

  // A revoked tablet still asking.
  Device admin = world.device("admin");
  REQUIRE(admin.post("/api/v1/devices/" + south.session.device_id + "/revoke", "{}").status == 200);
  const auto revoked = event_of(south.get("/api/v1/sync/pull?since=0"));
  CHECK(member(revoked, "event") == "device_revoked");
  CHECK(member(revoked, "device_id") == south.session.device_id);
}

TEST_CASE("a request refused before any route reads it leaves a warning line saying from where",
          "[server][log][security]") {
  // Protects: probes that never reach a route (headers over the limit, bytes that are not HTTP)
  // are seen by the operator as the requests a route refuses are.
  CapturedLog log;
  World world(log.options());
  const auto huge =
      world.client()->get("/healthz", {{"X-Padding", std::string(std::size_t{32} << 10, 'p')}});
  REQUIRE(huge.status == 431);
  const auto garbage = world.client()->send_raw("HELLO THERE\r\n\r\n");
  REQUIRE(garbage.received.find("HTTP/1.1 400") == 0);
  std::vector<rapidjson::Document> refusals;
  {
    std::lock_guard lock(log.mutex);
    for (const auto& line : log.lines) {
      if (line.find("\"event\":\"refused\"") != std::string::npos) refusals.push_back(parse(line));
    }
  }
  REQUIRE(refusals.size() == 2);
  CHECK(refusals[0]["status"].GetInt() == 431);
  CHECK(member(refusals[0], "cause").find("headers are larger than the limit") !=
        std::string::npos);
  CHECK(refusals[1]["status"].GetInt() == 400);
  CHECK(member(refusals[1], "cause") == "the request is not well-formed HTTP/1.1");
  for (const auto& refusal : refusals) {
    CHECK(member(refusal, "level") == "warn");
    CHECK(member(refusal, "address") == "127.0.0.1");
  }
  CHECK(log.all().find("pppp") == std::string::npos);  // never what was sent
}
