// Team boundaries against a hostile client holding one officer's valid token: each way across
// them a hostile review found, reproduced over real HTTP against a real vigil-server, and what
// must hold instead (no record outside the caller's scope leaves the server, no push stops a
// team's tablets, no stamp from the future, nothing acknowledged into a lost file, and every
// refusal and disclosure audited).
#include <fstream>
#include <set>

#include "api_world.hpp"
#include "check_not_ready.hpp"
#include "vigil/base/error.hpp"
#include "vigil/server/api.hpp"

using namespace api_world;

namespace {

// The stamp of a moment `ahead` past now, as a tablet with a fast clock would make it.
std::string stamp_ahead(std::chrono::milliseconds ahead) {
  return format_stamp({wall_ms() + ahead.count(), 0});
}

// Every item of a pull that carries content (a record or a change) about one of `ids`.
std::vector<PullItem> content_about(const std::vector<PullItem>& items,
                                    const std::set<std::string>& ids) {
  std::vector<PullItem> found;
  for (const auto& item : items) {
    if (item.kind == PullItem::Kind::purge) continue;
    bool about = ids.count(item.entity_id) > 0;
    for (const auto& [name, value] : item.fields) {
      if (value && ids.count(*value)) about = true;
    }
    if (about) found.push_back(item);
  }
  return found;
}

Change move_nominal(Device& admin, const std::string& nominal, const std::string& from,
                    const std::string& to) {
  return admin.change("nominal", nominal, Operation::update, {{"team", to}}, {{"team", from}});
}

}  // namespace

TEST_CASE("boundaries: an old cursor never carries a record that has left the caller's team",
          "[server][boundaries][security]") {
  // Found: a North nominal moved to South and back; South's officer pulling from a cursor before
  // the moves received it as it stands now, visits made after it left South included.
  World world;
  auto [admin, south, north] = world.devices("admin", "pc.south", "pc.a");
  REQUIRE(south.push_one(south.visit(world.force().south_nominals[0])).outcome == Outcome::applied);
  south.pull();
  const std::int64_t before_moves = south.cursor;
  REQUIRE(before_moves > 0);
  const std::string nominal = world.force().north_nominals[2];
  REQUIRE(admin.push_one(move_nominal(admin, nominal, "North", "South")).outcome ==
          Outcome::applied);
  REQUIRE(admin.push_one(move_nominal(admin, nominal, "South", "North")).outcome ==
          Outcome::applied);
  const Change later_visit = north.visit(nominal);
  REQUIRE(north.push_one(later_visit).outcome == Outcome::applied);

  south.cursor = before_moves;
  const auto items = south.pull();
  std::set<std::string> ids{nominal, later_visit.entity_id};
  for (const auto& plan : world.force().north_plans) ids.insert(plan);
  const auto leaked = content_about(items, ids);
  for (const auto& item : leaked) INFO("sent " << item.entity << " " << item.entity_id);
  CHECK(leaked.empty());
  // It may have reached the tablet between the moves: it is purged, never sent.
  bool purged = false;
  for (const auto& item : items) {
    purged = purged || (item.kind == PullItem::Kind::purge && item.entity_id == nominal);
  }
  CHECK(purged);
}

TEST_CASE("boundaries: what a pull page carried is audited as read by the device",
          "[server][boundaries][audit]") {
  // Found: no pull wrote an audit row, so what a tablet was sent could not be told.
  World world;
  Device south = world.device("pc.south");
  south.pull();
  for (const auto& nominal : world.force().south_nominals) {
    CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = "
                      "'nominal' AND entity_id = ? AND device_id = ?",
                      nominal, south.session.device_id) == 1);
  }
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'read' AND device_id = ? AND "
                    "entity_id IN (SELECT id FROM nominals WHERE team_id = ?)",
                    south.session.device_id, world.force().team_ids.at("North")) == 0);
}

TEST_CASE("boundaries: a pushed record may name only records of its own nominal",
          "[server][boundaries][security]") {
  // Found: a failed entry naming another team's visit, or a breach naming another team's order,
  // was applied, and every tablet of the pusher's team then failed to store it.
  World world;
  Device north = world.device("pc.a");
  Device south = world.device("pc.south");
  const Change north_visit = north.visit(world.force().north_nominals[0]);
  REQUIRE(north.push_one(north_visit).outcome == Outcome::applied);

  const auto failed_entry =
      south.push_one(south.change("failed_entry", base::make_uuid(), Operation::append,
                                  {{"nominal_id", world.force().south_nominals[0]},
                                   {"visit_id", north_visit.entity_id},
                                   {"attempted_at", "2026-11-22T09:00:00Z"}}));
  CHECK(failed_entry.outcome == Outcome::rejected);
  CHECK(failed_entry.reason.find("visit_id") != std::string::npos);

  const auto breach = south.push_one(south.change("breach", base::make_uuid(), Operation::append,
                                                  {{"nominal_id", world.force().south_nominals[0]},
                                                   {"order_id", world.force().north_order},
                                                   {"occurred_at", "2026-11-22T09:00:00Z"},
                                                   {"action_taken", "arrested"}}));
  CHECK(breach.outcome == Outcome::rejected);
  CHECK(breach.reason.find("order_id") != std::string::npos);
  CHECK(world.count("SELECT count(*) FROM failed_entries") == 0);
  CHECK(world.count("SELECT count(*) FROM breaches") == 0);

  // Within the nominal, the same references are taken.
  const auto own_breach =
      north.push_one(north.change("breach", base::make_uuid(), Operation::append,
                                  {{"nominal_id", world.force().north_nominals[0]},
                                   {"order_id", world.force().north_order},
                                   {"condition_id", world.text("SELECT id FROM order_conditions")},
                                   {"occurred_at", "2026-11-22T09:00:00Z"},
                                   {"action_taken", "arrested"}}));
  CHECK(own_breach.outcome == Outcome::applied);
  // A breach of one nominal's order on another nominal of the same team: refused too.
  const auto other_nominal =
      north.push_one(north.change("breach", base::make_uuid(), Operation::append,
                                  {{"nominal_id", world.force().north_nominals[1]},
                                   {"order_id", world.force().north_order},
                                   {"occurred_at", "2026-11-22T09:00:00Z"},
                                   {"action_taken", "arrested"}}));
  CHECK(other_nominal.outcome == Outcome::rejected);
  // North's tablets still take their whole scope.
  Device other = world.device("pc.b");
  CHECK_FALSE(other.pull().empty());
}

TEST_CASE(
    "boundaries: a breach's follow-up is dated after the breach, and only one of the "
    "caller's team",
    "[server][boundaries][security][orders]") {
  World world;
  Device north = world.device("pc.a");
  Device south = world.device("pc.south");
  const std::string breach = base::make_uuid();
  REQUIRE(north
              .push_one(north.change("breach", breach, Operation::append,
                                     {{"nominal_id", world.force().north_nominals[0]},
                                      {"order_id", world.force().north_order},
                                      {"occurred_at", "2026-11-22T09:00:00Z"},
                                      {"action_taken", "arrested"}}))
              .outcome == Outcome::applied);
  const auto follow_up = [&](Device& device, const std::string& at) {
    return device.push_one(device.change("breach_follow_up", base::make_uuid(), Operation::append,
                                         {{"breach_id", breach},
                                          {"followed_up_at", at},
                                          {"action_taken", "charged"},
                                          {"status", "closed"}}));
  };
  const auto early = follow_up(north, "2026-11-22T08:59:59Z");
  CHECK(early.outcome == Outcome::rejected);
  CHECK(early.reason ==
        "followed_up_at 2026-11-22T08:59:59Z is before the breach it follows up, at "
        "2026-11-22T09:00:00Z");
  CHECK(follow_up(south, "2026-11-23T09:00:00Z").outcome == Outcome::rejected);
  CHECK(follow_up(north, "2026-11-23T09:00:00Z").outcome == Outcome::applied);
  CHECK(world.count("SELECT count(*) FROM breach_follow_ups") == 1);
}

TEST_CASE("boundaries: a bail case may name only a suspect of its own team",
          "[server][boundaries][security][people]") {
  World world;
  Device north = world.device("pc.a");
  Device south = world.device("pc.south");
  // South creates a case about North's suspect: refused, and nothing is stored.
  const std::string case_id = base::make_uuid();
  const auto foreign = south.push_one(south.change("bail_case", case_id, Operation::create,
                                                   {{"ref", "B-SOUTH-9"},
                                                    {"surname", "Doe"},
                                                    {"forenames", "Jo"},
                                                    {"offence", "theft"},
                                                    {"arrested_on", "2026-11-01"},
                                                    {"case_type", "standard"},
                                                    {"status", "bail"},
                                                    {"team", "South"},
                                                    {"suspect_id", world.force().north_suspect}}));
  CHECK(foreign.outcome == Outcome::rejected);
  CHECK(foreign.reason == "suspect_id: the suspect with id " + world.force().north_suspect +
                              " is not one of this bail case's team");
  CHECK(world.count("SELECT count(*) FROM bail_cases WHERE ref = 'B-SOUTH-9'") == 0);
  // North links its own case to its own suspect.
  const auto own = north.push_one(
      north.change("bail_case", world.force().north_bail_case, Operation::update,
                   {{"suspect_id", world.force().north_suspect}}, {{"suspect_id", std::nullopt}}));
  CHECK(own.outcome == Outcome::applied);
  CHECK(world.count("SELECT count(*) FROM bail_cases WHERE suspect_id = ?",
                    world.force().north_suspect) == 1);

  // The nominal's record names the suspects and cases that are the same person, in the caller's
  // teams only: the South suspect of that name and date of birth is not disclosed to North.
  {
    store::Database db(world.database());
    db.execute(
        "UPDATE nominals SET surname = 'Suspect', forenames = 'Sam', date_of_birth = "
        "'1990-02-03' WHERE id = '" +
        world.force().north_nominals[0] + "'");
    db.execute("UPDATE suspects SET surname = 'SUSPECTT', date_of_birth = '1990-02-03'");
    db.execute(
        "INSERT INTO suspects (id, ref, surname, forenames, offence, harm, "
        "outstanding_since, team_id, date_of_birth) VALUES ('" +
        base::make_uuid() + "', 'SUS-SOUTH', 'Suspect', 'Sam', 'theft', 3, '2026-10-01', '" +
        world.force().team_ids.at("South") + "', '1990-02-03')");
  }
  const auto record = north.get("/api/v1/nominals/" + world.force().north_nominals[0]);
  REQUIRE(record.status == 200);
  CHECK(record.body.find("\"same_person\":{\"suspects\":[\"SUS-1\"],\"bail_cases\":[]}") !=
        std::string::npos);
}

TEST_CASE("boundaries: a stamp from the future is refused, and real edits then stand",
          "[server][boundaries][clock]") {
  // Found: a change stamped 9999999999999999.99999 was applied, and every later real edit of the
  // field lost to it as a conflict.
  World world;
  Device pc = world.device("pc.a");
  const std::string nominal = world.force().north_nominals[0];
  Change poisoned =
      pc.change("nominal", nominal, Operation::update, {{"area", "Nowhere"}}, {{"area", ""}});
  poisoned.clock = "9999999999999999.99999";
  CHECK(pc.push_one(poisoned).outcome == Outcome::rejected);
  Change ahead =
      pc.change("nominal", nominal, Operation::update, {{"area", "Nowhere"}}, {{"area", ""}});
  ahead.clock = stamp_ahead(std::chrono::hours(1));
  const auto refused = pc.push_one(ahead);
  CHECK(refused.outcome == Outcome::rejected);
  CHECK(refused.reason.find("ahead of the server's clock") != std::string::npos);
  // Within the skew the server tolerates, a fast clock is taken (and flagged).
  Change slightly =
      pc.change("nominal", nominal, Operation::update, {{"area", "Riverside"}}, {{"area", ""}});
  slightly.clock = stamp_ahead(std::chrono::minutes(4));
  CHECK(pc.push_one(slightly).outcome == Outcome::applied);
  CHECK(world.text("SELECT area FROM nominals WHERE id = ?", nominal) == "Riverside");
}

TEST_CASE("boundaries: what happened cannot be dated in the future",
          "[server][boundaries][clock]") {
  // Found: a visit pushed with occurred_at years ahead was applied, and would count as the
  // nominal seen once its day came, hiding that the visit was overdue.
  World world;
  Device pc = world.device("pc.a");
  const std::string nominal = world.force().north_nominals[0];
  const auto visit = [&](const std::string& at) {
    return pc.change("visit", base::make_uuid(), Operation::append,
                     {{"nominal_id", nominal},
                      {"occurred_at", at},
                      {"recorded_at", "2026-11-22T09:00:00Z"},
                      {"announced", "no"},
                      {"outcome", "seen"},
                      {"attendees", "pc.a;pc.b"}});
  };
  const auto ahead = pc.push_one(visit("2031-01-01T09:00:00Z"));
  CHECK(ahead.outcome == Outcome::rejected);
  CHECK(ahead.reason.find("occurred_at 2031-01-01T09:00:00Z is more than 5 minutes after") !=
        std::string::npos);
  const auto breach = pc.push_one(pc.change("breach", base::make_uuid(), Operation::append,
                                            {{"nominal_id", nominal},
                                             {"order_id", world.force().north_order},
                                             {"occurred_at", "2031-01-01T09:00:00Z"},
                                             {"action_taken", "arrested"}}));
  CHECK(breach.outcome == Outcome::rejected);
  CHECK(world.count("SELECT count(*) FROM visits WHERE occurred_at > '2030'") == 0);
  CHECK(pc.push_one(visit("2026-11-22T09:00:00Z")).outcome == Outcome::applied);
}

TEST_CASE(
    "boundaries: a supervisor's decision settles the field on every copy, whatever stamps "
    "the edits carried",
    "[server][boundaries][clock][conflict]") {
  // Found: a decision wrote a stamp that sorted below the standing write, so the field went
  // back and the next pull handed tablets a value the server no longer held.
  World world;
  auto [first, second, sergeant] = world.devices("pc.a", "pc.b", "sgt.north");
  const std::string nominal = world.force().north_nominals[1];
  // The standing edit from a tablet four minutes fast; the other, made offline, loses.
  Change fast =
      first.change("nominal", nominal, Operation::update, {{"area", "Hilltop"}}, {{"area", ""}});
  fast.clock = stamp_ahead(std::chrono::minutes(4));
  REQUIRE(first.push_one(fast).outcome == Outcome::applied);
  REQUIRE(second
              .push_one(second.change("nominal", nominal, Operation::update, {{"area", "Valley"}},
                                      {{"area", ""}}))
              .outcome == Outcome::conflict);
  const std::string conflict =
      world.text("SELECT id FROM conflicts WHERE entity_id = ? AND status = 'open'", nominal);
  first.pull();
  const auto decided = sergeant.post("/api/v1/conflicts/" + conflict + "/decision",
                                     "{\"keep\":\"losing\",\"note\":\"seen at the door\"}");
  REQUIRE(decided.status == 200);
  CHECK(world.text("SELECT area FROM nominals WHERE id = ?", nominal) == "Valley");
  const auto pulled = first.pull();
  CHECK(pulled_value(pulled, nominal, "area") == "Valley");
  // A later real edit based on the kept value stands, with no conflict: the tablet's clock, as
  // a hybrid clock does, has moved past the stamp it was sent.
  std::string kept_stamp;
  for (const auto& item : pulled) {
    if (item.entity_id == nominal && item.fields.count("area")) kept_stamp = item.clock;
  }
  const auto kept = parse_stamp(kept_stamp);
  REQUIRE(kept);
  CHECK(first
            .push_one(first.change("nominal", nominal, Operation::update, {{"area", "Lowtown"}},
                                   {{"area", "Valley"}}, kept->wall_ms + 1))
            .outcome == Outcome::applied);
  CHECK(world.text("SELECT area FROM nominals WHERE id = ?", nominal) == "Lowtown");
}

TEST_CASE("boundaries: with its database file gone, the server acknowledges nothing",
          "[server][boundaries][durability]") {
  // Found: pushes were answered applied after the file was deleted, and were gone at restart.
  World world;
  Device pc = world.device("pc.a");
  REQUIRE(pc.push_one(pc.visit(world.force().north_nominals[0])).outcome == Outcome::applied);
  std::filesystem::rename(world.database(), world.database().string() + ".moved");
  const auto pushed = pc.post_push(pc.visit(world.force().north_nominals[0]));
  check_error(pushed, 503, "database_gone");
  // The process answers (liveness), but is not ready for work, and says why.
  const auto not_ready = [&] {
    CHECK(world.client()->get("/healthz").status == 200);
    check_not_ready(world, "database", "was replaced, renamed or deleted");
  };
  not_ready();
  // Put back, it is still not the file at the path the server trusts: restart to serve again.
  std::filesystem::rename(world.database().string() + ".moved", world.database());
  not_ready();
}

TEST_CASE("boundaries: a damaged database is refused at start-up with one sentence",
          "[server][boundaries][durability]") {
  TempDir dir;
  const auto path = dir.path() / "damaged.db";
  TestForce::create(path);
  {
    // A page in the middle of the file overwritten, as a failing disk leaves it.
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(4096 * 6);
    const std::string garbage(4096, '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  vigil::server::ApiOptions options;
  options.database = path;
  try {
    vigil::server::Api api(options);
    FAIL("a damaged database was served");
  } catch (const vigil::Error& error) {
    const std::string message = error.what();
    CHECK(message.find("is damaged") != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }
}

TEST_CASE("boundaries: only an administrator revokes an administrator's device",
          "[server][boundaries][security]") {
  // Found: a supervisor revoked the administrator's device (the administrator is in their team).
  World world;
  auto [admin, sergeant, south_sergeant, pc] =
      world.devices("admin", "sgt.north", "sgt.south", "pc.a");
  check_error(sergeant.post("/api/v1/devices/" + admin.session.device_id + "/revoke", "{}"), 403,
              "forbidden");
  CHECK(world.count("SELECT count(*) FROM devices WHERE id = ? AND revoked_at IS NULL",
                    admin.session.device_id) == 1);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND entity = "
                    "'device' AND entity_id = ? AND device_id = ?",
                    admin.session.device_id, sergeant.session.device_id) == 1);
  check_error(south_sergeant.post("/api/v1/devices/" + pc.session.device_id + "/revoke", "{}"), 403,
              "forbidden");
  CHECK(sergeant.post("/api/v1/devices/" + pc.session.device_id + "/revoke", "{}").status == 200);
  CHECK(admin.post("/api/v1/devices/" + sergeant.session.device_id + "/revoke", "{}").status ==
        200);
}

TEST_CASE("boundaries: a dashboard session neither pushes nor pulls, and is audited trying",
          "[server][boundaries][security]") {
  // Found: a browser sign-in could push and pull a whole scope.
  World world;
  auto http = world.client();
  const auto signed_in = http->post(
      "/api/v1/auth/login", "{\"username\":\"pc.a\",\"password\":\"" + std::string(kTestPassword) +
                                "\",\"device_name\":\"Dashboard\",\"kind\":\"browser\"}");
  REQUIRE(signed_in.status == 200);
  const auto token =
      vigil::sync::decode_string_object(signed_in.body, {"token", "device_id", "officer", "role"});
  const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + token.at("token")}};
  check_error(http->get("/api/v1/sync/pull?since=0", auth), 403, "forbidden");
  check_error(http->post("/api/v1/sync/push", "{\"changes\":[]}", auth), 403, "forbidden");
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND device_id = ?",
                    token.at("device_id")) == 2);
  // The dashboard's own reads still work.
  CHECK(http->get("/api/v1/nominals", auth).status == 200);
}

TEST_CASE("boundaries: refusals and reads of devices and conflicts are audited",
          "[server][boundaries][audit]") {
  // Found: role refusals (403), throttling (429) and reads of devices and conflicts wrote no row.
  World world;
  Device pc = world.device("pc.a");
  Device sergeant = world.device("sgt.north");
  check_error(pc.get("/api/v1/devices"), 403, "forbidden");
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND device_id = ? AND "
                    "entity = 'route'",
                    pc.session.device_id) == 1);
  REQUIRE(sergeant.get("/api/v1/devices").status == 200);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'device' "
                    "AND device_id = ?",
                    sergeant.session.device_id) >= 2);
  REQUIRE(sergeant.get("/api/v1/conflicts").status == 200);
  REQUIRE(sergeant.get("/api/v1/reports/devices").status == 200);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'report' "
                    "AND device_id = ? AND reason LIKE 'devices report%'",
                    sergeant.session.device_id) == 1);
  // A revoked device's token: 401, audited against the device.
  REQUIRE(sergeant.post("/api/v1/devices/" + pc.session.device_id + "/revoke", "{}").status == 200);
  CHECK(pc.get("/api/v1/sync/pull?since=0").status == 401);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND device_id = ? AND "
                    "entity = 'device'",
                    pc.session.device_id) == 1);
}

TEST_CASE(
    "boundaries: pushed text that is not UTF-8, or longer than its field allows, is "
    "refused naming the field",
    "[server][boundaries][input]") {
  // Found: pushed invalid UTF-8 was stored and sent out to tablets, which refused it.
  World world;
  Device pc = world.device("pc.a");
  const Change visit =
      pc.visit(world.force().north_nominals[0], {{"observations", std::string("caf\xc3", 4)}});
  const auto result = pc.post_push(visit);
  check_error(result, 400, "bad_request");
  CHECK(result.body.find("observations") != std::string::npos);
  CHECK(world.count("SELECT count(*) FROM visits WHERE id = ?", visit.entity_id) == 0);

  Device sergeant = world.device("sgt.north");
  const auto long_name = sergeant.push_one(
      sergeant.change("nominal", world.force().north_nominals[0], Operation::update,
                      {{"surname", std::string(201, 'x')}}, {{"surname", "Surname1"}}));
  CHECK(long_name.outcome == Outcome::rejected);
  CHECK(long_name.reason == "surname is longer than 200 characters");
}

TEST_CASE(
    "boundaries: one address's failed sign-ins never refuse another officer's right "
    "password, and a guessed officer keeps their devices",
    "[server][boundaries][throttle]") {
  // Found: twenty wrong passwords from one address locked out every officer behind it (a police
  // station behind one address); five guesses locked the administrator out for 15 minutes.
  World world;
  Device admin = world.device("admin");
  auto login = [&](const std::string& username, const std::string& password,
                   const std::string& address) {
    vigil::http::Request request;
    request.method = "POST";
    request.path = "/api/v1/auth/login";
    request.remote_address = address;
    request.body = login_body(username, password);
    return world.server().api().handle(request).status;
  };
  for (int i = 0; i < 25; ++i) {
    CHECK(login("user" + std::to_string(i % 5), "wrong password", "10.0.0.1") >= 400);
  }
  // The station's other officers still sign in.
  CHECK(login("pc.b", kTestPassword, "10.0.0.1") == 200);
  // Five guesses at the administrator from one address: that address is slowed ...
  for (int i = 0; i < 5; ++i)
    CHECK(login("admin", "guess " + std::to_string(i), "10.9.9.9") == 401);
  CHECK(login("admin", "guess 6", "10.9.9.9") == 429);
  CHECK(login("admin", kTestPassword, "10.9.9.9") == 429);
  // ... while the administrator signs in from elsewhere, and keeps the device they hold.
  CHECK(login("admin", kTestPassword, "10.0.0.2") == 200);
  CHECK(admin.get("/api/v1/devices").status == 200);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND reason LIKE "
                    "'sign-in throttled%'") >= 2);
}

TEST_CASE("boundaries: a file that is not a database is refused at start-up, leaking nothing",
          "[server][boundaries][durability]") {
  // Found: a failed start-up left its SQLite handle open (LeakSanitizer, on in every debug
  // build, fails this test's process when one is).
  TempDir dir;
  const auto path = dir.path() / "not-a-database.db";
  {
    std::ofstream file(path, std::ios::binary);
    file << std::string(8192, 'v');
  }
  vigil::server::ApiOptions options;
  options.database = path;
  CHECK_THROWS_AS(vigil::server::Api(options), vigil::Error);
  CHECK_THROWS_AS(vigil::store::Database(path), vigil::Error);
}
