// The authorisation matrix, driven by the OpenAPI document the server serves: every route it
// describes, asked by an officer, a supervisor and an administrator, about their own team and
// another team, from a tablet and from a dashboard (browser) sign-in. Each cell's status is the
// one the rules below expect and one the document lists for the route; each refusal (401 for a
// known device, 403) leaves a 'denied' audit row for the asking device, and each read that
// discloses records leaves a 'read' row. A route added to the document without a rule here
// fails the test: no route can be missed.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "api_world.hpp"
#include "vigil/base/password.hpp"
#include "vigil/server/api.hpp"
#include "vigil/store/officers.hpp"
#include "vigil/sync/entities.hpp"

using namespace api_world;

namespace {

enum class Asker { officer, supervisor, admin };  // the role of the one asking
enum class Team { own, other };
enum class Kind { tablet, browser };

const char* name_of(Asker role) {
  return role == Asker::officer ? "officer" : role == Asker::supervisor ? "supervisor" : "admin";
}

// One cell of the matrix: who asks, about which team, from which kind of sign-in.
struct Cell {
  Asker role;
  Team team;
  Kind kind;
};

// What a cell asks and what it must get.
struct Ask {
  std::string target;  // path and query
  std::string body;
  int status = 200;
  bool discloses = false;  // a 'read' audit row for the device follows a 200
};

class Matrix {
 public:
  Matrix() {
    auto document = parse(world_.client()->get("/api/v1/openapi.json").body);
    const rapidjson::Value& paths = document["paths"];  // const: clang's C++20 iterator compare
    for (auto path = paths.MemberBegin(); path != paths.MemberEnd(); ++path) {
      for (auto op = path->value.MemberBegin(); op != path->value.MemberEnd(); ++op) {
        const std::string method = op->name.GetString();
        if (method != "get" && method != "post") continue;
        std::set<int> statuses;
        const rapidjson::Value& responses = op->value["responses"];
        for (auto r = responses.MemberBegin(); r != responses.MemberEnd(); ++r) {
          const std::string code = r->name.GetString();
          if (code != "default") statuses.insert(std::stoi(code));
        }
        routes_[{method == "get" ? "GET" : "POST", path->name.GetString()}] = statuses;
      }
    }
  }

  const std::map<std::pair<std::string, std::string>, std::set<int>>& routes() const {
    return routes_;
  }

  std::string team_name(const Cell& cell) const {
    // Everyone asking is of North (the administrator too); "other" is South.
    return cell.team == Team::own ? "North" : "South";
  }

  // A signed-in device for the cell's role and kind.
  Device asker(const Cell& cell) {
    const std::string username = cell.role == Asker::officer      ? "pc.a"
                                 : cell.role == Asker::supervisor ? "sgt.north"
                                                                  : "admin";
    Device d;
    d.username = username;
    d.http = world_.client();
    const auto result = d.http->post(
        "/api/v1/auth/login", "{\"username\":\"" + username + "\",\"password\":\"" + kTestPassword +
                                  "\",\"device_name\":\"matrix\",\"kind\":\"" +
                                  (cell.kind == Kind::tablet ? "tablet" : "browser") + "\"}");
    REQUIRE(result.status == 200);
    const auto body =
        vigil::sync::decode_string_object(result.body, {"token", "device_id", "officer", "role"});
    d.session = {body.at("token"), body.at("device_id")};
    return d;
  }

  // An open conflict on a nominal of the team, made by two tablets editing one field offline.
  std::string fresh_conflict(const std::string& team) {
    Device& a = team == "North" ? north_editor_ : south_editor_;
    Device& b = team == "North" ? north_other_ : south_other_;
    const std::string nominal =
        team == "North" ? world_.force().north_nominals[0] : world_.force().south_nominals[0];
    const std::string base = world_.text("SELECT area FROM nominals WHERE id = ?", nominal);
    const std::string value = "Area " + std::to_string(++edits_);
    REQUIRE(a.push_one(a.change("nominal", nominal, Operation::update, {{"area", value + "a"}},
                                {{"area", base}}))
                .outcome != Outcome::rejected);
    REQUIRE(b.push_one(b.change("nominal", nominal, Operation::update, {{"area", value + "b"}},
                                {{"area", base}}, wall_ms() - 60'000))
                .outcome == Outcome::conflict);
    return world_.text(
        "SELECT id FROM conflicts WHERE entity_id = ? AND status = 'open' ORDER BY detected_at "
        "DESC, rowid DESC LIMIT 1",
        nominal);
  }

  // A visit to a nominal of the team, pushed by one of its tablets: something to review.
  std::string fresh_visit(const std::string& team) {
    Device& d = team == "North" ? north_editor_ : south_editor_;
    const std::string nominal =
        team == "North" ? world_.force().north_nominals[2] : world_.force().south_nominals[2];
    const auto visit = d.visit(nominal);
    REQUIRE(d.push_one(visit).outcome == Outcome::applied);
    return visit.entity_id;
  }

  // A new officer of the team, signed in on a tablet: someone to disable or enable.
  std::string fresh_officer(const std::string& team) {
    const std::string username = "matrix." + std::to_string(++officers_);
    static const std::string hash = vigil::base::hash_password(kTestPassword);
    {
      vigil::store::Database db(world_.database());
      vigil::store::add_officer(db, {{}, username, username, vigil::Role::officer, team},
                                *vigil::store::find_team_id(db, team), hash,
                                "2026-01-01T00:00:00Z");
    }
    world_.device(username);
    return world_.text("SELECT id FROM officers WHERE username = ?", username);
  }

  // A tablet of an officer of the team, to be revoked.
  std::string fresh_device(const std::string& team) {
    return world_.device(team == "North" ? "pc.b" : "pc.south").session.device_id;
  }

  // What the cell must get from the route (method, path template).
  Ask expected(const std::pair<std::string, std::string>& route, const Cell& cell) {
    const auto& [method, path] = route;
    const bool own = cell.team == Team::own;
    const bool admin = cell.role == Asker::admin;
    const bool in_scope = own || admin;  // the administrator's scope is the force
    const std::string team = team_name(cell);
    const std::string nominal =
        own ? world_.force().north_nominals[1] : world_.force().south_nominals[1];
    Ask ask;
    if (path == "/healthz" || path == "/readyz" || path == "/" || path == "/dashboard.css" ||
        path == "/dashboard.js" || path == "/metrics" || path == "/api/v1/openapi.json") {
      ask.target = path;
    } else if (path == "/api/v1/auth/login") {
      ask.target = path;
      ask.body = login_body(cell.role == Asker::officer ? "pc.c" : "sgt.south", kTestPassword);
    } else if (path == "/api/v1/auth/logout") {
      ask.target = path;
      ask.status = 204;
    } else if (path == "/api/v1/sync/push") {
      ask.target = path;
      ask.body = "{\"changes\":[]}";
      ask.status = cell.kind == Kind::tablet ? 200 : 403;
    } else if (path == "/api/v1/sync/pull") {
      ask.target = path + "?since=0";
      ask.status = cell.kind == Kind::tablet ? 200 : 403;
      ask.discloses = true;
    } else if (path == "/api/v1/nominals/{id}") {
      ask.target = "/api/v1/nominals/" + nominal;
      ask.status = in_scope ? 200 : 403;
      ask.discloses = true;
    } else if (path == "/api/v1/suspects/{id}" || path == "/api/v1/bail-cases/{id}") {
      // A suspect's or a bail case's page, by reference: anyone signed in, of their teams.
      const bool suspect = path == "/api/v1/suspects/{id}";
      ask.target = path.substr(0, path.rfind('/') + 1) +
                   (suspect ? (own ? "SUS-1" : "SUS-2") : (own ? "BAIL-1" : "BAIL-2")) +
                   "?reason=matrix";
      ask.status = in_scope ? 200 : 403;
      ask.discloses = true;
    } else if (path == "/api/v1/conflicts") {
      ask.target = path + "?status=all";
    } else if (path == "/api/v1/conflicts/{id}/decision") {
      ask.target = "/api/v1/conflicts/" + fresh_conflict(team) + "/decision";
      ask.body = "{\"keep\":\"winning\"}";
      ask.status = cell.role != Asker::officer && in_scope ? 200 : 403;
    } else if (path == "/api/v1/devices" || path == "/api/v1/officers") {
      // The scope's devices and officers: a supervisor's (an administrator's: the force's).
      ask.target = path;
      ask.status = cell.role == Asker::officer ? 403 : 200;
      ask.discloses = true;
    } else if (path == "/api/v1/officers/{id}/disable" || path == "/api/v1/officers/{id}/enable") {
      const std::string action = path.substr(path.rfind('/'));
      ask.target = "/api/v1/officers/" + fresh_officer(team) + action;
      ask.body = "{\"reason\":\"matrix\"}";
      ask.status = cell.role != Asker::officer && in_scope ? 200 : 403;
    } else if (path == "/api/v1/devices/{id}/revoke") {
      ask.target = "/api/v1/devices/" + fresh_device(team) + "/revoke";
      ask.body = "{\"reason\":\"matrix\"}";
      ask.status = cell.role != Asker::officer && in_scope ? 200 : 403;
    } else if (path == "/api/v1/records") {
      // Anyone signed in writes what their role may in their own teams: an assessment here.
      ask.target = path;
      ask.body = R"({"entity":"assessment","operation":"append","fields":{"nominal_id":")" +
                 nominal + R"(","assessed_on":"2026-11-20","risk_level":"high"}})";
      ask.status = in_scope ? 201 : 403;
    } else if (path == "/api/v1/reviews") {
      ask.target = path;
      ask.body = "{\"team\":\"" + team + "\",\"subject\":\"visit\",\"subject_id\":\"" +
                 fresh_visit(team) + "\",\"decision\":\"signed_off\"}";
      ask.status = cell.role != Asker::officer && in_scope ? 201 : 403;
    } else if (path == "/api/v1/reports/devices" || path == "/api/v1/review-queue") {
      // A supervisor's reads of their teams: the tablets, and what waits for review.
      ask.target = path + "?team=" + team;
      ask.status = cell.role != Asker::officer && in_scope ? 200 : 403;
      ask.discloses = true;
    } else if (path == "/api/v1/nominals" || path.rfind("/api/v1/reports/", 0) == 0) {
      // The team's list and its reports: anyone signed in, for a team in their scope.
      ask.target = path + "?team=" + team;
      ask.status = in_scope ? 200 : 403;
      ask.discloses = true;
    } else {
      FAIL("the OpenAPI document describes " << method << " " << path
                                             << ", which the authorisation matrix has no rule "
                                                "for: add one");
    }
    return ask;
  }

  World& world() { return world_; }

 private:
  // No floor of free disk: /readyz is open to all, and answers 200 whatever the machine holds.
  World world_{[] {
    vigil::server::ApiOptions options;
    options.min_free_disk_bytes = 0;
    return options;
  }()};
  Device north_editor_ = world_.device("pc.d");
  Device north_other_ = world_.device("pc.e");
  Device south_editor_ = world_.device("pc.south");
  Device south_other_ = world_.device("sgt.south");
  int edits_ = 0;
  int officers_ = 0;
  std::map<std::pair<std::string, std::string>, std::set<int>> routes_;
};

std::int64_t audit_rows(World& world, const std::string& device, const char* action) {
  return world.count("SELECT count(*) FROM audit_log WHERE device_id = ? AND action = ?", device,
                     std::string(action));
}

}  // namespace

TEST_CASE(
    "authorisation matrix: every route of the OpenAPI document, by role, team and kind of "
    "sign-in",
    "[server][boundaries][matrix]") {
  Matrix matrix;
  REQUIRE(matrix.routes().size() >= 27);
  int cells = 0;
  for (const auto& [route, documented] : matrix.routes()) {
    for (Asker role : {Asker::officer, Asker::supervisor, Asker::admin}) {
      for (Team team : {Team::own, Team::other}) {
        for (Kind kind : {Kind::tablet, Kind::browser}) {
          const Cell cell{role, team, kind};
          Device asker = matrix.asker(cell);
          const Ask ask = matrix.expected(route, cell);
          INFO(route.first << " " << ask.target << " as " << name_of(role) << " of "
                           << (team == Team::own ? "the own team" : "another team") << " from a "
                           << (kind == Kind::tablet ? "tablet" : "browser"));
          const auto denied_before = audit_rows(matrix.world(), asker.session.device_id, "denied");
          const auto read_before = audit_rows(matrix.world(), asker.session.device_id, "read");
          const auto answer =
              route.first == "GET" ? asker.get(ask.target) : asker.post(ask.target, ask.body);
          INFO("answer: " << answer.status << " " << answer.body.substr(0, 300));
          CHECK(answer.status == ask.status);
          CHECK(documented.count(answer.status) == 1);
          const auto denied = audit_rows(matrix.world(), asker.session.device_id, "denied");
          const auto read = audit_rows(matrix.world(), asker.session.device_id, "read");
          if (ask.status == 403 || ask.status == 401) {
            CHECK(denied == denied_before + 1);
          } else {
            CHECK(denied == denied_before);
          }
          if (ask.status == 200 && ask.discloses) CHECK(read > read_before);
          if (ask.status != 200) CHECK(read == read_before);
          ++cells;
        }
      }
    }
  }
  // The matrix's size, for the record: routes x 3 roles x 2 teams x 2 kinds of sign-in.
  WARN("authorisation matrix: " << matrix.routes().size() << " routes, " << cells << " cells");
}

TEST_CASE(
    "the route table the server dispatches from names exactly the routes of the OpenAPI "
    "document, and only its open routes go without a token",
    "[server][boundaries][matrix][openapi]") {
  // The table is written once (api.cpp): a route served but not described, or described but not
  // served, fails here. The document's open routes are those with "security": [].
  World world;
  auto document = parse(world.client()->get("/api/v1/openapi.json").body);
  std::set<std::pair<std::string, std::string>> described, open_described;
  const rapidjson::Value& paths = document["paths"];  // const: clang's C++20 iterator compare
  for (auto path = paths.MemberBegin(); path != paths.MemberEnd(); ++path) {
    for (auto op = path->value.MemberBegin(); op != path->value.MemberEnd(); ++op) {
      std::string method = op->name.GetString();
      if (method != "get" && method != "post") continue;
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      const std::pair<std::string, std::string> route{method, path->name.GetString()};
      described.insert(route);
      if (op->value.HasMember("security") && op->value["security"].Empty()) {
        open_described.insert(route);
      }
    }
  }
  std::set<std::pair<std::string, std::string>> served, open_served;
  for (const auto& route : vigil::server::Api::routes()) {
    const std::pair<std::string, std::string> key{std::string(route.method),
                                                  std::string(route.pattern)};
    CHECK(served.insert(key).second);  // no route written twice
    if (route.access == vigil::server::Access::open) open_served.insert(key);
    if (route.access == vigil::server::Access::supervisor) CHECK_FALSE(route.action.empty());
  }
  CHECK(served == described);
  CHECK(open_served == open_described);
}

TEST_CASE("the OpenAPI document's Entity names exactly the entities of the sync entity table",
          "[server][openapi]") {
  // Both describe what a change may carry: an entity added to one and not the other fails here.
  World world;
  auto document = parse(world.client()->get("/api/v1/openapi.json").body);
  std::set<std::string> described, served;
  for (const auto& name : document["components"]["schemas"]["Entity"]["enum"].GetArray()) {
    described.insert(name.GetString());
  }
  for (const auto& spec : vigil::sync::entities()) served.insert(std::string(spec.name));
  CHECK(described == served);
}
