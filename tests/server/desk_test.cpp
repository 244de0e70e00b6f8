// Case management at the desk (POST /api/v1/records): any record the caller's role may write, as
// a change through the sync engine, checked, scoped and audited as a tablet's is. A supervisor
// writes a plan with its actions and the compliance report's "no actions" defect goes; an officer
// cannot write a plan; a bail extension by too junior a rank is refused with the law's reason.
#include "api_world.hpp"
#include "vigil/reports/compliance_report.hpp"

using namespace api_world;

namespace {

// A record written at the desk (POST /api/v1/records) by `who`: `operation` (create or append)
// with its fields.
vigil::http::Reply write_at_desk(Device& who, const std::string& entity,
                                 const std::string& operation, const FieldValues& fields) {
  return who.post("/api/v1/records", R"({"entity":")" + entity + R"(","operation":")" + operation +
                                         R"(","fields":)" + vigil::sync::encode_fields(fields) +
                                         "}");
}

std::string id_of(const vigil::http::Reply& reply) {
  return parse(reply.body)["id"].GetString();
}

int plan_defects(World& world, const std::string& ref) {
  vigil::store::Database db(world.database());
  const auto report = vigil::reports::compliance_report(
      db,
      vigil::london_date(
          std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())),
      {{"North"}});
  return static_cast<int>(std::count_if(report.plan_defects.begin(), report.plan_defects.end(),
                                        [&](const auto& d) { return d.nominal_ref == ref; }));
}

}  // namespace

TEST_CASE("a supervisor writes a plan with actions at the desk; the no-actions defect goes",
          "[server][desk]") {
  World world;
  auto [sergeant, officer, south] = world.devices("sgt.north", "pc.a", "sgt.south");
  const std::string nominal = world.force().north_nominals[1];  // NOM-2
  const FieldValues plan{{"nominal_id", nominal},
                         {"started_on", "2026-11-01"},
                         {"visit_every_months", "3"},
                         {"double_crewed", "yes"},
                         {"unannounced_required", "yes"}};
  REQUIRE(plan_defects(world, "NOM-2") == 1);  // the force's plan has no actions

  // An officer may not write a plan: 403, audited.
  const auto refused = write_at_desk(officer, "plan", "create", plan);
  CHECK(refused.status == 403);
  CHECK(refused.body.find("only a supervisor may create a plan") != std::string::npos);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND device_id = ? AND "
                    "entity = 'plan'",
                    officer.session.device_id) == 1);
  // Nor may another team's supervisor: the engine refuses and audits it as a push outside scope.
  CHECK(write_at_desk(south, "plan", "create", plan).status == 403);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND device_id = ? AND "
                    "reason = 'push outside scope'",
                    south.session.device_id) == 1);
  CHECK(world.count("SELECT count(*) FROM plans WHERE nominal_id = ?", nominal) == 1);

  const auto written = write_at_desk(sergeant, "plan", "create", plan);
  INFO(written.body);
  REQUIRE(written.status == 201);
  const std::string plan_id = id_of(written);
  for (const char* description : {"Check the home for devices", "Meet the probation officer"}) {
    const auto action = write_at_desk(sergeant, "plan_action", "create",
                                      {{"plan_id", plan_id},
                                       {"description", description},
                                       {"owner", "pc.a"},
                                       {"due_on", "2026-12-31"},
                                       {"partner_agency", "Probation"}});
    INFO(action.body);
    CHECK(action.status == 201);
  }
  CHECK(plan_defects(world, "NOM-2") == 0);
  // The plan reaches the team's tablets, as any change does.
  const auto pulled = officer.pull();
  CHECK(std::count_if(pulled.begin(), pulled.end(),
                      [&](const auto& item) { return item.entity_id == plan_id; }) == 1);
  // An update names its record and the values it saw; a bad body is one sentence.
  const auto reviewed = sergeant.post(
      "/api/v1/records",
      R"({"entity":"plan","operation":"update","entity_id":")" + plan_id +
          R"(","fields":{"last_reviewed_on":"2026-12-01"},"base":{"last_reviewed_on":null}})");
  INFO(reviewed.body);
  CHECK(reviewed.status == 201);
  const auto bad = sergeant.post("/api/v1/records", R"({"entity":"plan","operation":"update"})");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("entity_id is missing") != std::string::npos);
}

TEST_CASE("a bail extension at the desk is checked by the law's ranks and periods",
          "[server][desk][bail]") {
  World world;
  auto [sergeant, officer] = world.devices("sgt.north", "pc.a");
  // BAIL-1: arrested 2026-11-01 under the 2022 rules; the first period (custody officer, 3
  // months) ends 2027-02-01. Six months needs an inspector; nine, a superintendent.
  const FieldValues junior{{"bail_case_id", world.force().north_bail_case},
                           {"extended_to", "2027-08-01"},
                           {"authority", "inspector"},
                           {"authorised_by", "Insp Grey"},
                           {"authorised_on", "2026-12-01"},
                           {"representations_considered", "yes"}};
  const auto refused = write_at_desk(sergeant, "bail_extension", "append", junior);
  INFO(refused.body);
  CHECK(refused.status == 400);
  CHECK(refused.body.find("superintendent") != std::string::npos);
  CHECK(world.count("SELECT count(*) FROM bail_extensions") == 0);

  FieldValues proper = junior;
  proper["extended_to"] = "2027-05-01";
  CHECK(write_at_desk(officer, "bail_extension", "append", proper).status == 403);
  const auto extended = write_at_desk(sergeant, "bail_extension", "append", proper);
  INFO(extended.body);
  CHECK(extended.status == 201);
  CHECK(world.count("SELECT count(*) FROM bail_extensions WHERE extended_to = '2027-05-01'") == 1);
}

TEST_CASE(
    "the desk tells another team nothing: scope before the record's own checks, records "
    "matched by kind and id, no read events written",
    "[server][desk][boundaries]") {
  World world;
  auto [north, south, north_tablet, south_tablet] =
      world.devices("sgt.north", "sgt.south", "pc.a", "pc.south");
  // A bail extension naming another team's case is refused for its scope, audited, before the
  // law's check could say anything of the case's dates.
  const auto crossing = write_at_desk(south, "bail_extension", "append",
                                      {{"bail_case_id", world.force().north_bail_case},
                                       {"extended_to", "2027-05-01"},
                                       {"authority", "inspector"},
                                       {"authorised_by", "Insp Grey"},
                                       {"authorised_on", "1900-01-01"},
                                       {"representations_considered", "yes"}});
  CHECK(crossing.status == 403);
  CHECK(crossing.body.find("arrest") == std::string::npos);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND device_id = ?",
                    south.session.device_id) == 1);

  // South reviews one of its visits; a North tablet then makes an address whose id is that
  // visit's. North's nominal page shows no South review: records are matched by kind and id.
  const auto visit = south_tablet.visit(world.force().south_nominals[0],
                                        {{"attendees", "pc.south"}, {"crew_reason", "alone"}});
  REQUIRE(south_tablet.push_one(visit).outcome == Outcome::applied);
  REQUIRE(south
              .post("/api/v1/reviews", R"({"team":"South","subject":"visit","subject_id":")" +
                                           visit.entity_id +
                                           R"(","decision":"returned","comment":"South only"})")
              .status == 201);
  const std::string north_nominal = world.force().north_nominals[0];
  REQUIRE(north_tablet
              .push_one(north_tablet.change("address", visit.entity_id, Operation::create,
                                            {{"nominal_id", north_nominal}, {"kind", "main"}}))
              .outcome == Outcome::applied);
  const auto page = north.get("/api/v1/nominals/" + north_nominal + "?reason=check");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("South only") == std::string::npos);
  CHECK(parse(page.body)["reviews"].Size() == 0);

  // A read event is never written at the desk.
  const auto read = write_at_desk(north, "read_event", "append",
                                  {{"nominal_id", north_nominal},
                                   {"occurred_at", "2026-11-01T00:00:00Z"},
                                   {"chain_index", "0"},
                                   {"hash", "x"}});
  CHECK(read.status == 400);
}

namespace {

// The record `id` updated at the desk by `who`, from `base` to `fields`.
vigil::http::Reply update_at_desk(Device& who, const std::string& entity, const std::string& id,
                                  const FieldValues& fields, const FieldValues& base) {
  return who.post("/api/v1/records", R"({"entity":")" + entity +
                                         R"(","operation":"update","entity_id":")" + id +
                                         R"(","fields":)" + vigil::sync::encode_fields(fields) +
                                         R"(,"base":)" + vigil::sync::encode_fields(base) + "}");
}

}  // namespace

TEST_CASE(
    "a suspect with an open action is closed only by a supervisor giving a reason; with none "
    "open, by anyone of the team",
    "[server][desk][suspects]") {
  World world;
  auto [sergeant, officer, south_sergeant, south_officer] =
      world.devices("sgt.north", "pc.a", "sgt.south", "pc.south");
  const std::string north = world.force().north_suspect, south = world.force().south_suspect;
  const auto add_action = [](Device& device, const std::string& suspect) {
    const auto added = write_at_desk(device, "suspect_action", "create",
                                     {{"suspect_id", suspect},
                                      {"description", "Visit the known associate"},
                                      {"owner", device.username},
                                      {"due_on", "2026-12-20"},
                                      {"status", "open"}});
    INFO(added.body);
    REQUIRE(added.status == 201);
    return id_of(added);
  };
  const auto close = [](Device& device, const std::string& suspect, FieldValues extra = {}) {
    FieldValues fields{{"status", "closed"}}, base{{"status", "outstanding"}};
    for (const auto& [name, value] : extra) {
      fields[name] = value;
      base[name] = std::nullopt;
    }
    return update_at_desk(device, "suspect", suspect, fields, base);
  };

  // North: an officer's open action keeps the suspect open, for them and for the sergeant
  // without a reason; an officer may not give the override's reason at all.
  const std::string action = add_action(officer, north);
  const auto refused = close(officer, north);
  INFO(refused.body);
  CHECK(refused.status == 400);
  CHECK(refused.body.find("the suspect has 1 open action") != std::string::npos);
  CHECK(close(officer, north, {{"close_reason", "found elsewhere"}}).status == 403);
  CHECK(close(sergeant, north).status == 400);
  CHECK(world.text("SELECT status FROM suspects WHERE id = ?", north) == "outstanding");
  // The page says so: one action open.
  const auto page = parse(officer.get("/api/v1/suspects/SUS-1?reason=closing").body);
  CHECK(page["open_actions"].GetInt() == 1);
  // Once the action is done the officer closes the suspect.
  REQUIRE(update_at_desk(officer, "suspect_action", action,
                         {{"status", "done"}, {"completed_on", "2026-12-02"}},
                         {{"status", "open"}, {"completed_on", std::nullopt}})
              .status == 201);
  const auto closed = close(officer, north);
  INFO(closed.body);
  CHECK(closed.status == 201);
  CHECK(world.text("SELECT status FROM suspects WHERE id = ?", north) == "closed");

  // South: the supervisor overrides an open action with a reason, kept with the suspect.
  add_action(south_officer, south);
  CHECK(close(south_sergeant, south, {{"close_reason", "   "}}).status == 400);
  const auto overridden =
      close(south_sergeant, south, {{"close_reason", "Charged by another force"}});
  INFO(overridden.body);
  CHECK(overridden.status == 201);
  CHECK(world.text("SELECT close_reason FROM suspects WHERE id = ?", south) ==
        "Charged by another force");
  // North's sergeant can do none of it to South's suspect: 403, audited.
  CHECK(write_at_desk(sergeant, "suspect_action", "create",
                      {{"suspect_id", south}, {"description", "x"}})
            .status == 403);
}

TEST_CASE(
    "a suspect's and a bail case's pages: reads audited with their reason, another team's "
    "refused and audited, reviews by supervisors only",
    "[server][desk][suspects]") {
  World world;
  auto [sergeant, officer, south] = world.devices("sgt.north", "pc.a", "sgt.south");
  const std::string suspect = world.force().north_suspect;

  // Reviews are a supervisor's; the next falls due from the latest.
  const FieldValues review{
      {"suspect_id", suspect}, {"reviewed_on", "2026-12-01"}, {"note", "Circulate on PNC"}};
  CHECK(write_at_desk(officer, "suspect_review", "append", review).status == 403);
  REQUIRE(write_at_desk(sergeant, "suspect_review", "append", review).status == 201);
  const auto read = sergeant.get("/api/v1/suspects/SUS-1?reason=morning%20meeting");
  INFO(read.body);
  REQUIRE(read.status == 200);
  const auto page = parse(read.body);
  CHECK(std::string(page["suspect"]["ref"].GetString()) == "SUS-1");
  CHECK(std::string(page["review_due"].GetString()) == "2026-12-29");
  CHECK(std::string(page["reviews"][0]["reviewer"].GetString()) == "sgt.north");
  CHECK(page["priority_list"].IsNull());
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'suspect' "
                    "AND entity_id = ? AND reason = 'morning meeting'",
                    suspect) == 1);

  // BAIL-1: arrested 2026-11-01 (2022 rules, standard): the custody officer's three months end
  // 2027-02-01, and an inspector may extend to six.
  const auto bail = parse(officer.get("/api/v1/bail-cases/BAIL-1?reason=deadline").body);
  CHECK(std::string(bail["bail_period"]["regime"].GetString()) == "2022");
  CHECK(std::string(bail["bail_period"]["ends"].GetString()) == "2027-02-01");
  CHECK(std::string(bail["bail_period"]["next_extension"]["authority"].GetString()) == "inspector");
  CHECK(std::string(bail["bail_period"]["next_extension"]["furthest"].GetString()) == "2027-05-01");
  CHECK(bail["rui_review_due"].IsNull());

  // Another team's: 403, audited; nobody's: 404.
  CHECK(south.get("/api/v1/suspects/SUS-1").status == 403);
  CHECK(south.get("/api/v1/bail-cases/" + world.force().north_bail_case).status == 403);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND device_id = ? AND "
                    "entity IN ('suspect', 'bail_case')",
                    south.session.device_id) == 2);
  CHECK(sergeant.get("/api/v1/suspects/SUS-404").status == 404);
  // South's own case is under investigation: its review is due 28 days after the arrest.
  const auto rui = parse(south.get("/api/v1/bail-cases/BAIL-2").body);
  CHECK(std::string(rui["rui_review_due"].GetString()) == "2026-10-29");
}

TEST_CASE("a force's named priority list puts its suspects first in the suspects report",
          "[server][desk][suspects]") {
  World world;
  auto [admin] = world.devices("admin");
  // SUS-2 (harm 1) outranks SUS-1 (harm 2) by the formula; the list puts SUS-1 first.
  const auto before = parse(admin.get("/api/v1/reports/suspects?as_of=2026-12-01").body);
  REQUIRE(before["outstanding_suspects"].Size() == 2);
  CHECK(std::string(before["outstanding_suspects"][0]["ref"].GetString()) == "SUS-2");
  auto policy = vigil::default_policy();
  policy.priority_list = vigil::Policy::PriorityList{"V100", {"SUS-1"}};
  {
    vigil::store::Database db(world.database());
    db.prepare(
          "INSERT INTO policy_versions (id, version, effective_from, approved_by, rationale, "
          "body, created_at) VALUES ('b7b4f0c2-6a43-4bd5-9b55-0e6e3f1f0a11', 2, '2026-11-01', "
          "'ACC Crime', 'The V100', ?, '2026-11-01T00:00:00Z')")
        .bind_all(vigil::policy_to_json(policy))
        .run();
  }
  const auto after = parse(admin.get("/api/v1/reports/suspects?as_of=2026-12-01").body);
  const auto& first = after["outstanding_suspects"][0];
  CHECK(std::string(first["ref"].GetString()) == "SUS-1");
  CHECK(first["listed"].GetBool());
  CHECK(std::string(first["reasons"][0].GetString()) == "on the V100 list");
  CHECK(std::string(parse(admin.get("/api/v1/suspects/SUS-1").body)["priority_list"].GetString()) ==
        "V100");
}

TEST_CASE(
    "notification requirements are a supervisor's, one set per nominal; a move at the desk "
    "purges the nominal from the old team's tablets",
    "[server][desk]") {
  World world;
  auto [sergeant, officer] = world.devices("sgt.north", "pc.a");
  const std::string nominal = world.force().north_nominals[2];  // NOM-3
  const FieldValues requirement{{"nominal_id", nominal},
                                {"relevant_date", "2020-03-01"},
                                {"disposal", "prison"},
                                {"months", "36"},
                                {"age_at_relevant", "40"}};
  CHECK(write_at_desk(officer, "notification_requirement", "create", requirement).status == 403);
  const auto made = write_at_desk(sergeant, "notification_requirement", "create", requirement);
  INFO(made.body);
  REQUIRE(made.status == 201);
  const auto second = write_at_desk(sergeant, "notification_requirement", "create", requirement);
  CHECK(second.status == 400);
  CHECK(second.body.find("already has notification requirements") != std::string::npos);
  CHECK(update_at_desk(sergeant, "notification_requirement", id_of(made), {{"months", "48"}},
                       {{"months", "36"}})
            .status == 201);
  CHECK(world.text("SELECT months FROM notification_requirements WHERE nominal_id = ?", nominal) ==
        "48");

  // North's tablet holds NOM-3. The sergeant hands it to South (a transfer out: South's sergeant
  // cannot see it to take it), and the tablet purges it at its next sync.
  officer.pull();
  const auto moved =
      update_at_desk(sergeant, "nominal", nominal, {{"team", "South"}, {"officer", "pc.south"}},
                     {{"team", "North"}, {"officer", "pc.a"}});
  INFO(moved.body);
  REQUIRE(moved.status == 201);
  const auto pulled = officer.pull();
  CHECK(std::count_if(pulled.begin(), pulled.end(), [&](const auto& item) {
          return item.kind == PullItem::Kind::purge && item.entity_id == nominal;
        }) == 1);
}

TEST_CASE(
    "no action is opened on a closed suspect; a suspect's review is neither dated ahead nor "
    "blank; a suspect's page shows and audits only its own team's bail cases; an id names its "
    "own record before a reference",
    "[server][desk][suspects]") {
  World world;
  auto [sergeant, officer] = world.devices("sgt.north", "pc.a");
  const std::string suspect = world.force().north_suspect;
  // Structured bindings are not captured by lambdas under C++20 clang: a reference is.
  auto& officer_client = officer;
  auto& sergeant_client = sergeant;
  const auto action = [&](const FieldValues& extra) {
    FieldValues fields{{"suspect_id", suspect}, {"description", "Check the sister's address"}};
    for (const auto& [name, value] : extra) fields[name] = value;
    return write_at_desk(officer_client, "suspect_action", "create", fields);
  };

  // Closed with nothing open: a new open action is refused, saying why; one recorded as done is
  // history and kept; setting it open again is refused too.
  REQUIRE(update_at_desk(sergeant, "suspect", suspect, {{"status", "closed"}},
                         {{"status", "outstanding"}})
              .status == 201);
  const auto refused = action({{"status", "open"}});
  INFO(refused.body);
  CHECK(refused.status == 400);
  CHECK(refused.body.find("the suspect SUS-1 is closed: reopen the suspect") != std::string::npos);
  CHECK(action({}).status == 400);  // no status is an open action
  const auto done = action({{"status", "done"}, {"completed_on", "2026-12-01"}});
  INFO(done.body);
  REQUIRE(done.status == 201);
  CHECK(update_at_desk(officer, "suspect_action", id_of(done), {{"status", "open"}},
                       {{"status", "done"}})
            .status == 400);
  CHECK(world.count("SELECT count(*) FROM suspect_actions WHERE suspect_id = ? AND status = "
                    "'open'",
                    suspect) == 0);
  // Reopened, the suspect takes actions again.
  REQUIRE(update_at_desk(officer, "suspect", suspect, {{"status", "outstanding"}},
                         {{"status", "closed"}})
              .status == 201);
  CHECK(action({{"status", "open"}}).status == 201);

  // A review dated tomorrow would put the next one off; a note of spaces says nothing.
  const auto today = vigil::london_date(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  const auto review = [&](const std::string& on, const std::string& note) {
    return write_at_desk(sergeant_client, "suspect_review", "append",
                         {{"suspect_id", suspect}, {"reviewed_on", on}, {"note", note}});
  };
  const auto ahead =
      review(vigil::format_date(date::year_month_day{date::sys_days{today} + date::days{1}}),
             "Circulate on PNC");
  INFO(ahead.body);
  CHECK(ahead.status == 400);
  CHECK(ahead.body.find("is after today") != std::string::npos);
  const auto blank = review(vigil::format_date(today), "   ");
  INFO(blank.body);
  CHECK(blank.status == 400);
  CHECK(blank.body.find("note is only spaces") != std::string::npos);
  CHECK(world.count("SELECT count(*) FROM suspect_reviews") == 0);

  // BAIL-1 names SUS-1: both pages say so, and each disclosure of the other record is audited.
  REQUIRE(update_at_desk(sergeant, "bail_case", world.force().north_bail_case,
                         {{"suspect_id", suspect}}, {{"suspect_id", std::nullopt}})
              .status == 201);
  auto page = parse(sergeant.get("/api/v1/suspects/SUS-1?reason=meeting").body);
  REQUIRE(page["bail_cases"].Size() == 1);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = "
                    "'bail_case' AND entity_id = ? AND reason = 'bail case of a suspect read'",
                    world.force().north_bail_case) == 1);
  const auto bail = parse(sergeant.get("/api/v1/bail-cases/BAIL-1?reason=meeting").body);
  CHECK(std::string(bail["suspect_ref"].GetString()) == "SUS-1");
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'suspect' "
                    "AND entity_id = ? AND reason = 'suspect of a bail case read'",
                    suspect) == 1);
  // Once the case is South's it is South's to show: North's page of the suspect no longer lists
  // it.
  {
    vigil::store::Database db(world.database());
    db.prepare("UPDATE bail_cases SET team_id = ? WHERE id = ?")
        .bind_all(world.force().team_ids.at("South"), world.force().north_bail_case)
        .run();
  }
  page = parse(sergeant.get("/api/v1/suspects/SUS-1?reason=meeting").body);
  CHECK(page["bail_cases"].Size() == 0);

  // A suspect whose reference is SUS-1's id: asked for by that id, the page is SUS-1's.
  REQUIRE(write_at_desk(sergeant, "suspect", "create",
                        {{"ref", suspect},
                         {"surname", "Decoy"},
                         {"forenames", "Dee"},
                         {"offence", "theft"},
                         {"harm", "1"},
                         {"outstanding_since", "2026-11-01"},
                         {"team", "North"}})
              .status == 201);
  page = parse(sergeant.get("/api/v1/suspects/" + suspect + "?reason=meeting").body);
  CHECK(std::string(page["suspect"]["ref"].GetString()) == "SUS-1");
}

TEST_CASE(
    "a supervisor does not review their own work: a visit they attended, a change they sent; "
    "an administrator does",
    "[server][desk][review]") {
  World world;
  auto [sergeant, officer, chief] = world.devices("sgt.north", "pc.a", "admin");
  const std::string nominal = world.force().north_nominals[0];
  const auto decide = [](Device& who, const std::string& subject, const std::string& id) {
    return who.post("/api/v1/reviews", R"({"team":"North","subject":")" + subject +
                                           R"(","subject_id":")" + id +
                                           R"(","decision":"signed_off","comment":"seen"})");
  };
  // The officer's visit with the sergeant as crew is the sergeant's work too.
  const auto together = officer.visit(nominal, {{"attendees", "pc.a;sgt.north"}});
  REQUIRE(officer.push_one(together).outcome == Outcome::applied);
  const auto own = decide(sergeant, "visit", together.entity_id);
  CHECK(own.status == 400);
  CHECK(own.body.find("is your own work") != std::string::npos);
  // The officer's visit alone is the sergeant's to review.
  const auto alone =
      officer.visit(nominal, {{"attendees", "pc.a"}, {"crew_reason", "pc.b at court"}});
  REQUIRE(officer.push_one(alone).outcome == Outcome::applied);
  CHECK(decide(sergeant, "visit", alone.entity_id).status == 201);
  // A change the sergeant's own tablet sent, which the server rejected, is another's to review.
  const auto refused =
      sergeant.push_one(sergeant.change("visit", together.entity_id, Operation::update,
                                        {{"outcome", "seen"}}, {{"outcome", "no_answer"}}));
  REQUIRE(refused.outcome == Outcome::rejected);
  CHECK(decide(sergeant, "change", refused.change_id).status == 400);
  // Neither waits for nobody: the administrator reviews both.
  CHECK(decide(chief, "visit", together.entity_id).status == 201);
  CHECK(decide(chief, "change", refused.change_id).status == 201);
  CHECK(world.count("SELECT count(*) FROM review_decisions") == 3);

  // A visit the sergeant amended is theirs too: an amendment is how a visit is changed.
  const auto amended = officer.visit(nominal, {{"attendees", "pc.a"}, {"outcome", "no_answer"}});
  REQUIRE(officer.push_one(amended).outcome == Outcome::applied);
  REQUIRE(
      sergeant
          .push_one(sergeant.change("visit_amendment", vigil::base::make_uuid(), Operation::append,
                                    {{"visit_id", amended.entity_id},
                                     {"reason", "the door was answered after all"},
                                     {"changes", encode_fields({{"outcome", "seen"}})},
                                     {"amended_at", "2026-11-22T12:00:00Z"}}))
          .outcome == Outcome::applied);
  CHECK(decide(sergeant, "visit", amended.entity_id).status == 400);
  // The queue says so before the sergeant tries: their own work is marked for them, and not for
  // the administrator, who decides it.
  const auto own_in_queue = [](Device& who, const std::string& id) {
    const auto queue = parse(who.get("/api/v1/review-queue?team=North").body);
    for (const auto& item : queue["waiting"].GetArray()) {
      if (item["subject_id"].GetString() == id) return std::optional(item["own"].GetBool());
    }
    return std::optional<bool>();
  };
  CHECK(own_in_queue(sergeant, amended.entity_id) == std::optional(true));
  CHECK(own_in_queue(chief, amended.entity_id) == std::optional(false));
  // A plan the sergeant wrote stays theirs when an officer changes it after them: one they wrote
  // since the last decision on it.
  const auto plan = write_at_desk(sergeant, "plan", "create",
                                  {{"nominal_id", world.force().north_nominals[2]},
                                   {"started_on", "2026-11-01"},
                                   {"visit_every_months", "3"}});
  REQUIRE(plan.status == 201);
  REQUIRE(officer
              .push_one(officer.change("plan", id_of(plan), Operation::update,
                                       {{"last_reviewed_on", "2026-11-20"}},
                                       {{"last_reviewed_on", ""}}))
              .outcome == Outcome::applied);
  CHECK(decide(sergeant, "plan", id_of(plan)).status == 400);
  CHECK(decide(chief, "plan", id_of(plan)).status == 201);
  // What a supervisor's refused decisions leave in the changes log is nobody's work to review.
  const auto queue = parse(chief.get("/api/v1/review-queue?team=North").body);
  for (const auto& item : queue["waiting"].GetArray()) {
    CHECK(std::string(item["summary"].GetString()).find("review decision") == std::string::npos);
  }
}

TEST_CASE(
    "the review queue kept between changes still tells the hour: a breach enters once a day has "
    "gone without a follow-up, its hours counted as they pass, and leaves with one; a change the "
    "server rejects is listed at once",
    "[server][desk][review]") {
  // The server keeps the part of the queue that stands while nothing changes in the team; what
  // the hour decides, and the rejected changes no team's records show, are worked out as asked.
  auto hours_later = std::make_shared<std::atomic<int>>(0);
  vigil::server::ApiOptions options;
  const auto start =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  options.now = [hours_later, start] { return start + std::chrono::hours(hours_later->load()); };
  World world(options);
  auto [sergeant, officer] = world.devices("sgt.north", "pc.a");
  const auto waiting_for = [](Device& who, const std::string& id) {
    const auto queue = parse(who.get("/api/v1/review-queue?team=North").body);
    for (const auto& item : queue["waiting"].GetArray()) {
      if (item["subject_id"].GetString() == id) {
        return std::optional(std::string(item["reasons"][0].GetString()));
      }
    }
    return std::optional<std::string>();
  };
  const std::string breach = vigil::base::make_uuid();
  REQUIRE(officer
              .push_one(officer.change(
                  "breach", breach, Operation::append,
                  {{"nominal_id", world.force().north_nominals[0]},
                   {"order_id", world.force().north_order},
                   {"occurred_at", vigil::format_instant(start - std::chrono::hours(20))},
                   {"action_taken", "reported"}}))
              .outcome == Outcome::applied);
  CHECK(waiting_for(sergeant, breach) == std::nullopt);  // 20 hours on: within its day
  hours_later->store(5);
  CHECK(waiting_for(sergeant, breach) == "not followed up 25 hours after it");
  hours_later->store(7);
  CHECK(waiting_for(sergeant, breach) == "not followed up 27 hours after it");
  REQUIRE(officer
              .push_one(officer.change(
                  "breach_follow_up", vigil::base::make_uuid(), Operation::append,
                  {{"breach_id", breach},
                   {"followed_up_at", vigil::format_instant(start + std::chrono::hours(7))},
                   {"action_taken", "warned"},
                   {"status", "closed"}}))
              .outcome == Outcome::applied);
  CHECK(waiting_for(sergeant, breach) == std::nullopt);

  const auto refused = officer.push_one(
      officer.visit(world.force().north_nominals[0], {{"occurred_at", "2031-01-01T09:00:00Z"}}));
  REQUIRE(refused.outcome == Outcome::rejected);
  const auto listed = waiting_for(sergeant, refused.change_id);
  REQUIRE(listed);
  CHECK(listed->rfind("rejected: occurred_at 2031-01-01T09:00:00Z", 0) == 0);
}
