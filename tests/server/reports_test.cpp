// The reports over HTTP (issue: supervisors see the backlog): computed by core's functions,
// limited to the caller's scope, stamped with their as-of date and the freshness of the data,
// JSON or CSV, and every read audited.
// cereal's JSON archive first: it makes rapidjson's assertions throw, as every other user of
// rapidjson in the program expects.
#include <rapidjson/document.h>
#include <catch2/catch.hpp>
#include <cereal/archives/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "live_server.hpp"
#include "queries.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/http/client.hpp"
#include "vigil/reports/backlog_trend.hpp"

namespace {

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.c_str());
  REQUIRE_FALSE(document.HasParseError());
  return document;
}

std::vector<std::string> strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.emplace_back(v.GetString());
  return out;
}

struct Reports {
  TempDir dir;
  TestForce force = TestForce::create(dir.path() / "server.db");
  LiveServer server{dir.path() / "server.db"};

  struct Signed {
    std::unique_ptr<vigil::http::Client> http;
    Session session;
    vigil::http::Reply get(const std::string& target) { return http->get(target, session.auth()); }
    // The answer to `target`, which must be 200, as JSON.
    rapidjson::Document json(const std::string& target) {
      const auto result = get(target);
      INFO(result.body);
      REQUIRE(result.status == 200);
      return parse(result.body);
    }
  };
  Signed as(const std::string& username) {
    Signed s{server.client(), {}};
    s.session = sign_in(*s.http, username, kTestPassword, username + "'s tablet");
    return s;
  }
  std::int64_t count(const std::string& sql) { return count_of(dir.path() / "server.db", sql); }
};

}  // namespace

TEST_CASE_METHOD(Reports,
                 "reports: an officer's overdue report is their team's, stamped and audited",
                 "[server][reports]") {
  auto pc = as("pc.a");
  const auto report = pc.json("/api/v1/reports/overdue?as_of=2026-11-22");
  CHECK(std::string(report["as_of"].GetString()) == "2026-11-22");
  CHECK(strings(report["scope"]["teams"]) == std::vector<std::string>{"North"});
  CHECK_FALSE(report["scope"]["force"].GetBool());
  // Every North nominal has a plan and was never seen: a visit is overdue for each; no South one.
  std::set<std::string> refs;
  for (const auto& item : report["items"].GetArray()) {
    CHECK(std::string(item["team"].GetString()) == "North");
    refs.insert(item["nominal_ref"].GetString());
  }
  CHECK(refs == std::set<std::string>{"NOM-1", "NOM-2", "NOM-3", "NOM-4"});
  // Freshness: the officer's own tablet, just signed in.
  const auto& freshness = report["freshness"];
  CHECK(freshness["devices"].GetInt() == 1);
  CHECK(freshness["never_synced"].GetInt() == 0);
  CHECK(std::string(freshness["items"][0]["officer"].GetString()) == "pc.a");
  CHECK(count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'report'") == 1);

  // Another team's report: refused, and the attempt is audited.
  const auto refused = pc.get("/api/v1/reports/overdue?team=South");
  CHECK(refused.status == 403);
  CHECK(count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND entity = 'report'") == 1);
}

TEST_CASE_METHOD(
    Reports,
    "reports: a supervisor's covers the teams they supervise, an administrator's the force",
    "[server][reports]") {
  auto sergeant = as("sgt.north");
  auto south = as("pc.south");  // a tablet in South, for the force's freshness
  const auto north = parse(sergeant.get("/api/v1/reports/overdue?as_of=2026-11-22").body);
  CHECK(strings(north["scope"]["teams"]) == std::vector<std::string>{"North"});
  auto admin = as("admin");
  const auto force_wide = parse(admin.get("/api/v1/reports/overdue?as_of=2026-11-22").body);
  CHECK(force_wide["scope"]["force"].GetBool());
  CHECK(force_wide["summary"]["total"].GetInt() > north["summary"]["total"].GetInt());
  CHECK(force_wide["freshness"]["devices"].GetInt() == 3);
  const auto one = parse(admin.get("/api/v1/reports/overdue?as_of=2026-11-22&team=South").body);
  CHECK(strings(one["scope"]["teams"]) == std::vector<std::string>{"South"});
  CHECK(one["freshness"]["devices"].GetInt() == 1);
}

TEST_CASE_METHOD(Reports, "reports: CSV carries the same rows, with the stamp in the headers",
                 "[server][reports]") {
  auto pc = as("pc.a");
  const auto csv = pc.get("/api/v1/reports/overdue?as_of=2026-11-22&format=csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.headers.at("content-type") == "text/csv; charset=utf-8");
  CHECK(csv.headers.at("x-vigil-as-of") == "2026-11-22");
  CHECK(csv.headers.count("x-vigil-generated-at") == 1);
  CHECK(csv.headers.count("x-vigil-oldest-sync") == 1);
  CHECK(csv.body.rfind("nominal_ref,kind,risk_level,due,days_overdue,priority,officer,team,"
                       "reasons,detail\r\n",
                       0) == 0);
  const auto json = parse(pc.get("/api/v1/reports/overdue?as_of=2026-11-22").body);
  const auto lines = std::count(csv.body.begin(), csv.body.end(), '\n');
  CHECK(lines == static_cast<long>(json["items"].Size()) + 1);

  CHECK(pc.get("/api/v1/reports/overdue?as_of=2026-02-30").status == 400);
  CHECK(pc.get("/api/v1/reports/overdue?format=xml").status == 400);
}

TEST_CASE_METHOD(Reports,
                 "reports: the devices report is for supervisors and says which tablets went quiet",
                 "[server][reports]") {
  auto pc = as("pc.a");
  CHECK(pc.get("/api/v1/reports/devices").status == 403);
  auto sergeant = as("sgt.north");
  // At its contact pc.a's tablet says 7 changes wait, the oldest made an hour before (in its own
  // time zone); a time that is not one is refused and changes nothing.
  CHECK(pc.get("/api/v1/sync/pull?since=0&pending=7&oldest_pending=yesterday").status == 400);
  // What cannot be: more than any tablet holds, a time with nothing
  // waiting, or a pull refused for another reason: each refused, and nothing noted.
  for (const char* query : {"pending=10000001", "pending=0&oldest_pending=2020-01-01T00%3A00%3A00Z",
                            "oldest_pending=2020-01-01T00%3A00%3A00Z", "pending=3&resume=bogus"}) {
    INFO(query);
    CHECK(pc.get(std::string("/api/v1/sync/pull?since=0&") + query).status == 400);
  }
  CHECK(count("SELECT count(*) FROM devices WHERE last_pending IS NOT NULL") == 0);
  // A tablet whose clock runs fast is still heard; the time it gave, which cannot be, is not kept.
  CHECK(pc.get("/api/v1/sync/pull?since=0&pending=3&oldest_pending=2999-01-01T00%3A00%3A00Z")
            .status == 200);
  CHECK(
      count("SELECT count(*) FROM devices WHERE last_pending = 3 AND oldest_pending_at IS NULL") ==
      1);
  CHECK(pc.get("/api/v1/sync/pull?since=0&pending=7&oldest_pending=2019-12-31T23%3A00%3A00-01%3A00")
            .status == 200);
  {
    // ... and that contact was two days ago: nothing has been heard from it since.
    vigil::store::Database db(dir.path() / "server.db");
    db.prepare(
          "UPDATE devices SET last_contact_at = '2020-01-01T01:00:00Z' "
          "WHERE officer_id = (SELECT id FROM officers WHERE username = 'pc.a')")
        .run();
  }
  const auto report = parse(sergeant.get("/api/v1/reports/devices").body);
  CHECK(report["summary"]["devices"].GetInt() == 2);
  CHECK(report["summary"]["silent_over_24h"].GetInt() == 1);
  CHECK(report["summary"]["silent_with_changes"].GetInt() == 1);
  const auto& first = report["items"][0];  // the stalest first
  CHECK(std::string(first["officer"].GetString()) == "pc.a");
  CHECK(first["silent_over_24h"].GetBool());
  CHECK(first["silent_with_changes"].GetBool());
  CHECK(first["pending_changes"].GetInt() == 7);
  CHECK(std::string(first["oldest_pending_at"].GetString()) == "2020-01-01T00:00:00Z");
  CHECK_FALSE(report["items"][1]["silent_with_changes"].GetBool());
  const auto csv = sergeant.get("/api/v1/reports/devices?format=csv");
  CHECK(csv.status == 200);
  CHECK(csv.body.find(",7,") != std::string::npos);
  CHECK(csv.body.find(",yes,2020-01-01T00:00:00Z,yes\r\n") != std::string::npos);
}

TEST_CASE_METHOD(Reports, "reports: the suspects report covers the caller's scope, JSON or CSV",
                 "[server][reports]") {
  auto pc = as("pc.a");
  const auto report = pc.json("/api/v1/reports/suspects?as_of=2026-11-22");
  CHECK(strings(report["scope"]["teams"]) == std::vector<std::string>{"North"});
  // The test force's North suspect, never traced: flagged.
  REQUIRE(report["outstanding_suspects"].Size() == 1);
  CHECK(std::string(report["outstanding_suspects"][0]["ref"].GetString()) == "SUS-1");
  CHECK(report["outstanding_suspects"][0]["no_trace_flag"].GetBool());
  CHECK(report["rates"]["arrests"].GetInt() == 1);
  const auto csv = pc.get("/api/v1/reports/suspects?as_of=2026-11-22&format=csv");
  CHECK(csv.headers.at("content-type") == "text/csv; charset=utf-8");
  CHECK(csv.body.find("\r\nsuspect,SUS-1,") != std::string::npos);
  CHECK(pc.get("/api/v1/reports/suspects?team=South").status == 403);
  CHECK(count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'report'") == 2);
}

TEST_CASE_METHOD(Reports,
                 "reports: the safeguarding report names young people of the caller's teams only",
                 "[server][reports][safeguarding]") {
  {
    vigil::store::Database db(dir.path() / "server.db");
    db.execute("INSERT INTO young_people (id, number, team_id) VALUES ('yp-n', 'YP-NORTH', '" +
               force.team_ids.at("North") + "'), ('yp-s', 'YP-SOUTH', '" +
               force.team_ids.at("South") + "')");
    for (const std::string young_person : {"yp-n", "yp-s"}) {
      for (int i = 1; i <= 3; ++i) {
        db.execute(
            "INSERT INTO encounters (id, young_person_id, ref, occurred_at, place) VALUES "
            "('" +
            young_person + std::to_string(i) + "', '" + young_person + "', 'E" + std::to_string(i) +
            "', '2026-11-0" + std::to_string(i) +
            "T20:00:00Z', "
            "'Park')");
      }
      db.execute(
          "INSERT INTO safeguarding_referrals (id, young_person_id, agency, contact_name, "
          "sent_on) VALUES ('r-" +
          young_person + "', '" + young_person +
          "', 'Children''s services', 'J. Ray', '2026-11-01')");
    }
  }
  auto pc = as("pc.a");
  const auto report = pc.json("/api/v1/reports/safeguarding?as_of=2026-11-22");
  REQUIRE(report["repeat_young_people"].Size() == 1);
  CHECK(std::string(report["repeat_young_people"][0]["number"].GetString()) == "YP-NORTH");
  REQUIRE(report["referrals_without_feedback"].Size() == 1);
  const auto& referral = report["referrals_without_feedback"][0];
  CHECK(std::string(referral["subject"].GetString()) == "YP-NORTH");
  // Sent 1 November: acknowledgement due the 3rd, 19 days overdue; never chased.
  CHECK(referral["acknowledgement_days_overdue"].GetInt() == 19);
  CHECK(referral["to_chase"].GetBool());
  CHECK(pc.get("/api/v1/reports/safeguarding?team=South").status == 403);
}

TEST_CASE_METHOD(Reports, "reports: the compliance report covers the caller's scope, JSON or CSV",
                 "[server][reports]") {
  auto sergeant = as("sgt.north");
  const auto report = sergeant.json("/api/v1/reports/compliance?as_of=2026-11-22");
  CHECK(std::string(report["from"].GetString()) == "2026-05-27");
  CHECK(report["plan_defects"].Size() == 4);  // every North plan has no actions
  CHECK(report["caseloads"].Size() == 1);
  const auto csv = sergeant.get("/api/v1/reports/compliance?as_of=2026-11-22&format=csv");
  CHECK(csv.body.rfind("section,officer,nominal_ref,team,date,count,limit,detail\r\n", 0) == 0);
  CHECK(csv.body.find("plan_defect,,NOM-1,North,2026-01-01,0,,no actions\r\n") !=
        std::string::npos);
  CHECK(as("pc.south").get("/api/v1/reports/compliance?team=North").status == 403);
}

TEST_CASE_METHOD(Reports,
                 "reports: the backlog trend reads the nightly snapshots over the caller's scope",
                 "[server][reports][trend]") {
  {
    // Two nights as the nightly run stores them, from the force-wide overdue report.
    vigil::store::Database db(dir.path() / "server.db");
    for (const char* night : {"2026-11-20", "2026-11-21"}) {
      const auto report = vigil::reports::overdue_report(db, *vigil::parse_date(night), {});
      vigil::reports::record_backlog_snapshot(db, report, std::string(night) + "T02:00:00Z");
    }
  }
  auto pc = as("pc.a");
  const auto trend = pc.json("/api/v1/reports/trend?as_of=2026-11-22");
  CHECK(strings(trend["scope"]["teams"]) == std::vector<std::string>{"North"});
  CHECK(std::string(trend["from"].GetString()) == "2026-08-25");
  REQUIRE(trend["points"].Size() == 2);
  CHECK(std::string(trend["points"][1]["as_of"].GetString()) == "2026-11-21");
  // Each of North's four nominals has a visit overdue: the trend counts North's alone.
  const auto north = trend["points"][1]["total"].GetInt();
  const auto overdue = parse(pc.get("/api/v1/reports/overdue?as_of=2026-11-21").body);
  CHECK(north == overdue["summary"]["total"].GetInt());
  const auto force_wide = parse(as("admin").get("/api/v1/reports/trend?as_of=2026-11-22").body);
  CHECK(force_wide["scope"]["force"].GetBool());
  CHECK(strings(force_wide["scope"]["teams"]) == std::vector<std::string>{"North", "South"});
  CHECK(force_wide["points"][1]["total"].GetInt() > north);

  const auto csv = pc.get("/api/v1/reports/trend?as_of=2026-11-22&format=csv");
  CHECK(csv.headers.at("content-type") == "text/csv; charset=utf-8");
  CHECK(csv.body.rfind("as_of,total,low,medium,high,very_high,", 0) == 0);
  CHECK(std::count(csv.body.begin(), csv.body.end(), '\n') == 3);
  CHECK(pc.get("/api/v1/reports/trend?team=South").status == 403);
}

TEST_CASE_METHOD(
    Reports, "nominals: a briefing lists the active nominals of no fixed abode or high risk now",
    "[server][nominals]") {
  {
    vigil::store::Database db(dir.path() / "server.db");
    const auto& north = force.north_nominals;
    db.execute("UPDATE nominals SET risk_level = 'low'");
    // NOM-1 was recorded low and since assessed very high; NOM-2 sleeps rough by the river;
    // NOM-3 also has no fixed abode but is no longer managed; NOM-4 was high and assessed low.
    db.prepare(
          "INSERT INTO assessments (id, nominal_id, assessed_on, risk_level) VALUES "
          "('a1', ?, '2026-10-01', 'very_high'), ('a2', ?, '2026-10-01', 'low')")
        .bind_all(north[0], north[3])
        .run();
    db.prepare("UPDATE nominals SET no_fixed_abode = 1, area = 'Riverside' WHERE id = ?")
        .bind_all(north[1])
        .run();
    db.prepare("UPDATE nominals SET no_fixed_abode = 1, status = 'inactive' WHERE id = ?")
        .bind_all(north[2])
        .run();
    db.prepare("UPDATE nominals SET risk_level = 'high' WHERE id = ?").bind_all(north[3]).run();
  }
  auto sergeant = as("sgt.north");
  const auto list = sergeant.json("/api/v1/nominals?briefing=true");
  REQUIRE(list["items"].Size() == 2);
  CHECK(std::string(list["items"][0]["ref"].GetString()) == "NOM-1");
  CHECK(std::string(list["items"][0]["risk_level"].GetString()) == "low");
  CHECK(std::string(list["items"][0]["current_risk_level"].GetString()) == "very_high");
  CHECK(std::string(list["items"][1]["area"].GetString()) == "Riverside");
  // Only what is listed is audited as read.
  CHECK(count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'nominal'") == 2);

  CHECK(parse(sergeant.get("/api/v1/nominals?team=North").body)["items"].Size() == 4);
  CHECK(sergeant.get("/api/v1/nominals?briefing=yes").status == 400);
  CHECK(sergeant.get("/api/v1/nominals?team=South").status == 403);
  CHECK(count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND entity = 'nominal' "
              "AND reason LIKE 'list of nominals for team ''South''%'") == 1);
}

namespace {

// A visit pc.a's tablet (or another's) records at `nominal`, pushed as a tablet pushes it.
std::string visit_push(const std::string& nominal, const std::string& officer, int n) {
  const std::string id = vigil::base::make_uuid();
  const std::string now = vigil::format_instant(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) -
      std::chrono::minutes(10 - n));
  return "{\"changes\":[{\"change_id\":\"" + vigil::base::make_uuid() +
         "\",\"entity\":\"visit\",\"entity_id\":\"" + id +
         "\",\"operation\":\"append\",\"fields\":{\"nominal_id\":\"" + nominal +
         "\",\"occurred_at\":\"" + now + "\",\"recorded_at\":\"" + now +
         "\",\"announced\":\"no\",\"outcome\":\"seen\",\"attendees\":\"" + officer +
         "\"},\"clock\":\"000" + std::to_string(1795000000000LL + n) +
         ".00000\",\"device_time\":\"" + now + "\"}],\"pending\":0,\"device_time\":\"" + now +
         "\"}";
}

std::string cache_count(Reports::Signed& anyone, const char* result) {
  const auto metrics = anyone.http->get("/metrics").body;
  const std::string series = std::string("vigil_report_cache_total{result=\"") + result + "\"} ";
  const auto at = metrics.find(series);
  if (at == std::string::npos) return "0";
  return metrics.substr(at + series.size(), metrics.find('\n', at) - at - series.size());
}

}  // namespace

TEST_CASE_METHOD(
    Reports, "reports: a report is made once and served again until a change in its scope lands",
    "[server][reports][cache]") {
  auto pc = as("pc.a");
  auto south = as("pc.south");
  // Today's reports are the ones kept (the server's clock is the real one here).
  const std::string today = vigil::format_date(vigil::london_date(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())));
  const auto first = parse(pc.get("/api/v1/reports/overdue?as_of=" + today).body);
  const auto total = first["summary"]["total"].GetInt();
  REQUIRE(total > 0);
  // Asked again with nothing changed: the same report, from the cache, stamped afresh.
  const auto again = pc.get("/api/v1/reports/overdue?as_of=" + today);
  CHECK(parse(again.body)["summary"]["total"].GetInt() == total);
  CHECK(cache_count(pc, "miss") == "1");
  CHECK(cache_count(pc, "hit") == "1");
  // Every read is audited, cached or not.
  CHECK(count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'report'") == 2);

  // A visit in South changes nothing of North's: still served from the cache.
  const auto pushed_south =
      south.http->post("/api/v1/sync/push", visit_push(force.south_nominals[0], "pc.south", 1),
                       south.session.auth());
  REQUIRE(pushed_south.status == 200);
  REQUIRE(pushed_south.body.find("\"applied\"") != std::string::npos);
  pc.get("/api/v1/reports/overdue?as_of=" + today);
  CHECK(cache_count(pc, "hit") == "2");

  // A visit at a North nominal is seen in North's next report at once.
  const auto pushed = pc.http->post(
      "/api/v1/sync/push", visit_push(force.north_nominals[0], "pc.a", 2), pc.session.auth());
  REQUIRE(pushed.status == 200);
  REQUIRE(pushed.body.find("\"applied\"") != std::string::npos);
  const auto after = parse(pc.get("/api/v1/reports/overdue?as_of=" + today).body);
  CHECK(after["summary"]["total"].GetInt() == total - 1);
  CHECK(cache_count(pc, "miss") == "2");
  // Another day's report is made afresh each time, and not kept.
  pc.get("/api/v1/reports/overdue?as_of=2026-01-05");
  pc.get("/api/v1/reports/overdue?as_of=2026-01-05");
  CHECK(cache_count(pc, "miss") == "2");
  CHECK(cache_count(pc, "hit") == "2");
}

TEST_CASE_METHOD(
    Reports,
    "reports: a visit the back office imports beside the running server is in the next "
    "report at once",
    "[server][reports][cache]") {
  // The cache trusts the change log: a back-office write that a kept report did not see must
  // have logged a change in the report's teams, or a supervisor would be shown the old report.
  auto pc = as("pc.a");  // a tablet has enrolled: from now on the back office logs its writes
  const auto now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string today = vigil::format_date(vigil::london_date(now));
  const auto total =
      parse(pc.get("/api/v1/reports/overdue?as_of=" + today).body)["summary"]["total"].GetInt();
  pc.get("/api/v1/reports/overdue?as_of=" + today);
  REQUIRE(cache_count(pc, "hit") == "1");  // kept

  const auto files = dir.path() / "spreadsheets";
  std::filesystem::create_directories(files);
  std::ofstream(files / "visits.csv")
      << "nominal_ref,occurred_at,announced,outcome,attendees\n"
      << "NOM-1," << vigil::format_instant(now - std::chrono::minutes(1)) << ",no,seen,pc.a\n";
  const auto imported =
      run_command(std::string(VIGIL_BIN_DIR) + "/vigil import --db '" +
                      (dir.path() / "server.db").string() + "' '" + files.string() + "'",
                  "", dir.path());
  INFO(imported.out << imported.err);
  REQUIRE(imported.status == 0);

  const auto after = parse(pc.get("/api/v1/reports/overdue?as_of=" + today).body);
  CHECK(after["summary"]["total"].GetInt() == total - 1);
  CHECK(cache_count(pc, "miss") == "2");  // made again, not served from the cache
}

TEST_CASE_METHOD(Reports,
                 "reports: a dashboard sign-in is no tablet, and signing out ends its token",
                 "[server][reports][devices]") {
  auto sergeant = as("sgt.north");  // a tablet
  auto http = server.client();
  const auto signed_in =
      http->post("/api/v1/auth/login",
                 std::string("{\"username\":\"sgt.north\",\"password\":\"") + kTestPassword +
                     "\",\"device_name\":\"Dashboard\",\"kind\":\"browser\"}");
  REQUIRE(signed_in.status == 200);
  const std::string token = parse(signed_in.body)["token"].GetString();
  const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + token}};
  // The reports' freshness and the devices report count the tablet alone.
  const auto report = parse(http->get("/api/v1/reports/overdue", auth).body);
  CHECK(report["freshness"]["devices"].GetInt() == 1);
  const auto devices = parse(http->get("/api/v1/reports/devices", auth).body);
  CHECK(devices["summary"]["devices"].GetInt() == 1);
  // The list of devices, from which a supervisor revokes, shows both, each with its kind.
  const auto listed = http->get("/api/v1/devices", auth).body;
  CHECK(listed.find("\"name\":\"Dashboard\",\"kind\":\"browser\"") != std::string::npos);
  CHECK(listed.find("\"kind\":\"tablet\"") != std::string::npos);

  CHECK(http->post("/api/v1/auth/logout", "", auth).status == 204);
  CHECK(http->get("/api/v1/reports/overdue", auth).status == 401);
  CHECK(sergeant.get("/api/v1/reports/overdue").status == 200);  // the tablet signs on
  CHECK(http->post("/api/v1/auth/login",
                   std::string("{\"username\":\"sgt.north\",\"password\":\"") + kTestPassword +
                       "\",\"device_name\":\"x\",\"kind\":\"phone\"}")
            .status == 400);
}

TEST_CASE("reports: with warming on, today's reports are made before the first ask",
          "[server][reports][cache]") {
  TempDir dir;
  const TestForce force = TestForce::create(dir.path() / "server.db");
  vigil::server::ApiOptions options;
  options.warm_reports = true;
  LiveServer server{dir.path() / "server.db", options};
  Reports::Signed pc{server.client(), {}};
  // At the dashboard: a force's first tablet to enrol opens the change log (sync-protocol.md),
  // which makes every report again once, as any change to every tablet's records does.
  pc.session = sign_in(*pc.http, "pc.a", kTestPassword, "pc.a's dashboard", "browser");
  // The server says when every scope's reports for today are made.
  for (int i = 0;
       i < 200 && pc.http->get("/metrics").body.find("\nvigil_reports_warm 1") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(pc.http->get("/metrics").body.find("\nvigil_reports_warm 1") != std::string::npos);
  const std::string today = vigil::format_date(vigil::london_date(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())));
  for (const char* report : {"overdue", "suspects", "compliance"}) {
    INFO(report);
    CHECK(pc.get(std::string("/api/v1/reports/") + report + "?as_of=" + today).status == 200);
  }
  // Every first ask was served from what the server made ahead.
  CHECK(cache_count(pc, "hit") == "3");
  CHECK(cache_count(pc, "miss") == "0");
}

TEST_CASE("reports: with the cache off, every ask of today's report makes it, and nothing ahead",
          "[server][reports][cache]") {
  TempDir dir;
  const TestForce force = TestForce::create(dir.path() / "server.db");
  vigil::server::ApiOptions options;
  options.warm_reports = true;  // as vigil-server runs: --no-report-cache wins over it
  options.cache_reports = false;
  LiveServer server{dir.path() / "server.db", options};
  Reports::Signed pc{server.client(), {}};
  pc.session = sign_in(*pc.http, "pc.a", kTestPassword, "pc.a's dashboard", "browser");
  const std::string today = vigil::format_date(vigil::london_date(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())));
  const auto first = parse(pc.get("/api/v1/reports/overdue?as_of=" + today).body);
  const int total = first["summary"]["total"].GetInt();
  REQUIRE(total > 0);
  // Changed behind the server's back, so no change in the log says so: a kept report would not
  // know (the cache trusts the log), a report made at the ask does.
  const std::string ref = first["items"][0]["nominal_ref"].GetString();
  int its_items = 0;
  for (const auto& item : first["items"].GetArray()) {
    its_items += ref == item["nominal_ref"].GetString() ? 1 : 0;
  }
  {
    vigil::store::Database db(dir.path() / "server.db");
    auto gone = db.prepare("UPDATE nominals SET status = 'inactive' WHERE ref = ?");
    gone.bind_all(ref);
    gone.run();
  }
  const auto again = parse(pc.get("/api/v1/reports/overdue?as_of=" + today).body);
  CHECK(again["summary"]["total"].GetInt() == total - its_items);
  // Neither served from a cache nor counted as made for one.
  CHECK(pc.http->get("/metrics").body.find("vigil_report_cache_total") == std::string::npos);
}
