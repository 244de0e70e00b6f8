// The officer's app is not a door into the tablet (docs/field-app.md): only its own page, opened
// once from its launch address, may use it. A real tablet on a real server, the app served on a
// loopback port and spoken to over HTTP as a hostile page or process would. The screens
// themselves are tested in Chromium (tests/field_app/).
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>

#include "field_force.hpp"
#include "vigil/http/client.hpp"
#include "vigil/mobile/field_app.hpp"

using namespace vigil;
using vigil::mobile::FieldApp;

namespace {

struct App {
  Force f;
  std::unique_ptr<mobile::Tablet> tablet = f.enrolled("pc.a", "pc-a.db");
  FieldApp app{*tablet};
  http::Client client{"127.0.0.1", app.port()};
  std::string origin = "http://127.0.0.1:" + std::to_string(app.port());

  App() { app.start(); }

  std::string target_of_launch() const {
    const std::string url = app.launch_url();
    return url.substr(url.find("/?launch="));
  }

  // Opens the app as its page does and returns the session cookie ("vigil_app=...").
  std::string launch() {
    const auto reply = client.get(target_of_launch());
    REQUIRE(reply.status == 303);
    const std::string cookie = reply.headers.at("set-cookie");
    return cookie.substr(0, cookie.find(';'));
  }
};

}  // namespace

TEST_CASE("the app opens once from its launch address, into an HttpOnly SameSite=Strict cookie",
          "[mobile][app]") {
  App a;
  const std::string launch = a.target_of_launch();
  const auto first = a.client.get(launch);
  REQUIRE(first.status == 303);
  CHECK(first.headers.at("location") == "/");
  const std::string cookie = first.headers.at("set-cookie");
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(cookie.find(a.target_of_launch()) == std::string::npos);
  // The address is spent: a second use (a copy in a browser's history, a shoulder-surfer) opens
  // nothing, and a guess never did.
  CHECK(a.client.get(launch).status == 403);
  CHECK(a.client.get("/?launch=0000").status == 403);
  CHECK(a.app.launch_url().find("launch=") + 7 == a.app.launch_url().size());

  const std::string session = cookie.substr(0, cookie.find(';'));
  const auto page = a.client.get("/", {{"Cookie", session}});
  CHECK(page.status == 200);
  CHECK(page.headers.at("content-type").rfind("text/html", 0) == 0);
  const std::string policy = page.headers.at("content-security-policy");
  CHECK(policy.find("script-src 'self'") != std::string::npos);
  CHECK(policy.find("default-src 'none'") != std::string::npos);
  CHECK(policy.find("unsafe-inline") == std::string::npos);
  CHECK(page.headers.at("x-frame-options") == "DENY");
  CHECK(page.body.find("<script>") == std::string::npos);  // no inline script to allow
  CHECK(a.client.get("/api/status", {{"Cookie", session}}).status == 200);
}

TEST_CASE("a request without the session, or from another Host or Origin, is refused",
          "[mobile][app]") {
  App a;
  const std::string session = a.launch();
  // No cookie, a wrong one, another cookie of the same name's prefix.
  CHECK(a.client.get("/api/caseload").status == 401);
  CHECK(a.client.get("/").status == 401);
  CHECK(a.client.get("/app.js").status == 401);
  CHECK(a.client.get("/api/caseload", {{"Cookie", "vigil_app=0123"}}).status == 401);
  CHECK(a.client.get("/api/caseload", {{"Cookie", "vigil_apps=" + session.substr(10)}}).status ==
        401);
  // A name that resolves here (DNS rebinding) or another port is not the app's Host.
  CHECK(a.client.get("/api/caseload", {{"Cookie", session}, {"Host", "evil.example"}}).status ==
        403);
  CHECK(a.client.get("/api/caseload", {{"Cookie", session}, {"Host", "localhost:1"}}).status ==
        403);
  // A page of another origin gets nothing even when the browser sends the cookie.
  const auto foreign =
      a.client.post("/api/lock", "{}", {{"Cookie", session}, {"Origin", "http://evil.example"}});
  CHECK(foreign.status == 403);
  CHECK(a.client.get("/api/caseload", {{"Cookie", session}, {"Origin", "null"}}).status == 403);
  // A change must say it comes from the app's own page.
  CHECK(a.client.post("/api/lock", "{}", {{"Cookie", session}}).status == 403);
  CHECK_FALSE(a.tablet->status().locked);
  const auto own = a.client.post("/api/lock", "{}", {{"Cookie", session}, {"Origin", a.origin}});
  CHECK(own.status == 200);
  CHECK(a.tablet->status().locked);
}

TEST_CASE("every route of the app, and only those docs/field-app.md lists, is closed to others",
          "[mobile][app]") {
  App a;
  const std::string session = a.launch();
  // The routes docs/field-app.md's table gives ("| `POST /api/sync` |"), and the page's own files.
  std::set<std::pair<std::string, std::string>> documented{
      {"GET", "/"}, {"GET", "/app.css"}, {"GET", "/app.js"}, {"GET", "/favicon.ico"}};
  std::ifstream doc(std::string(VIGIL_SOURCE_DIR) + "/docs/field-app.md");
  const std::regex row(R"(^\| `(GET|POST) (/api/[a-z/-]+)` \|)");
  for (std::string line; std::getline(doc, line);) {
    std::smatch m;
    if (std::regex_search(line, m, row)) documented.insert({m[1], m[2]});
  }
  const auto routes = a.app.routes();
  CHECK(std::set(routes.begin(), routes.end()) == documented);
  for (const auto& route : routes) {
    // Named copies: clang cannot capture structured bindings in the lambda below.
    const std::string method = route.first;
    const std::string path = route.second;
    INFO(method << " " << path);
    const auto ask = [&](const std::map<std::string, std::string>& headers) {
      return method == "GET" ? a.client.get(path, headers).status
                             : a.client.post(path, "{}", headers).status;
    };
    CHECK(ask({}) == 401);
    CHECK(ask({{"Cookie", "vigil_app=" + std::string(64, '0')}}) == 401);
    CHECK(ask({{"Cookie", session}, {"Origin", "http://127.0.0.1:1"}}) == 403);
    CHECK(ask({{"Cookie", session}, {"Host", "localhost:" + std::to_string(a.app.port())}}) == 403);
    if (method != "GET") CHECK(ask({{"Cookie", session}}) == 403);  // a change says its origin
  }
}

TEST_CASE("the app's answers: locked, bad input and a read only with its reason", "[mobile][app]") {
  App a;
  const std::string session = a.launch();
  const std::map<std::string, std::string> headers{{"Cookie", session}, {"Origin", a.origin}};
  const auto caseload = a.client.get("/api/caseload", headers);
  CHECK(caseload.status == 200);
  CHECK(caseload.body.find("\"nominal_ref\":\"NOM-1\"") != std::string::npos);
  // No record without a reason, and the read is audited with it.
  const auto unexplained = a.client.post("/api/show", R"({"ref":"NOM-1","reason":" "})", headers);
  CHECK(unexplained.status == 400);
  CHECK(unexplained.body.find("Say why") != std::string::npos);
  const auto shown =
      a.client.post("/api/show", R"({"ref":"NOM-1","reason":"Visit preparation"})", headers);
  CHECK(shown.status == 200);
  CHECK(a.f.store_count("pc-a.db",
                        "SELECT count(*) FROM outbox WHERE entity = 'read_event' AND fields "
                        "LIKE '%Visit preparation%'") == 1);
  // A member the app does not send, or a value the record cannot hold, is one sentence.
  CHECK(a.client.post("/api/show", R"({"ref":"NOM-1","reason":"x","extra":"y"})", headers).status ==
        400);
  const auto bad_visit = a.client.post(
      "/api/visit", R"({"nominal_ref":"NOM-1","announced":"maybe","outcome":"seen"})", headers);
  CHECK(bad_visit.status == 400);
  CHECK(bad_visit.body.find("announced: yes or no") != std::string::npos);
  // Locked, nothing of the store is shown, and the app says so in a word its page reads.
  a.tablet->lock();
  const auto locked = a.client.get("/api/caseload", headers);
  CHECK(locked.status == 423);
  CHECK(locked.body.find("\"problem\":\"locked\"") != std::string::npos);
  CHECK(locked.body.find("NOM-1") == std::string::npos);
  const auto wrong = a.client.post("/api/unlock", R"({"password":"not it"})", headers);
  CHECK(wrong.status == 401);
  CHECK(
      a.client.post("/api/unlock", std::string(R"({"password":")") + kTestPassword + "\"}", headers)
          .status == 200);
  CHECK(a.client.get("/api/caseload", headers).status == 200);
}
