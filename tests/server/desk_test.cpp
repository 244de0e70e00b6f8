// Case management at the desk (POST /api/v1/records): any record the caller's role may write, as
// a change through the sync engine, checked, scoped and audited as a tablet's is. A supervisor
// writes a plan with its actions and the compliance report's "no actions" defect goes; an officer
// cannot write a plan; a bail extension by too junior a rank is refused with the law's reason.
#include "api_world.hpp"
#include "vigil/reports/compliance_report.hpp"

using namespace api_world;

namespace {

// {"entity": ..., "operation": ..., "fields": {...}}
std::string record_body(const std::string& entity, const std::string& operation,
                        const FieldValues& fields) {
  return R"({"entity":")" + entity + R"(","operation":")" + operation + R"(","fields":)" +
         vigil::sync::encode_fields(fields) + "}";
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
  const auto refused = officer.post("/api/v1/records", record_body("plan", "create", plan));
  CHECK(refused.status == 403);
  CHECK(refused.body.find("only a supervisor may create a plan") != std::string::npos);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND device_id = ? AND "
                    "entity = 'plan'",
                    officer.session.device_id) == 1);
  // Nor may another team's supervisor: the engine refuses and audits it as a push outside scope.
  CHECK(south.post("/api/v1/records", record_body("plan", "create", plan)).status == 403);
  CHECK(world.count("SELECT count(*) FROM audit_log WHERE action = 'denied' AND device_id = ? AND "
                    "reason = 'push outside scope'",
                    south.session.device_id) == 1);
  CHECK(world.count("SELECT count(*) FROM plans WHERE nominal_id = ?", nominal) == 1);

  const auto written = sergeant.post("/api/v1/records", record_body("plan", "create", plan));
  INFO(written.body);
  REQUIRE(written.status == 201);
  const std::string plan_id = id_of(written);
  for (const char* description : {"Check the home for devices", "Meet the probation officer"}) {
    const auto action =
        sergeant.post("/api/v1/records", record_body("plan_action", "create",
                                                     {{"plan_id", plan_id},
                                                      {"description", description},
                                                      {"owner", "pc.a"},
                                                      {"due_on", "2026-12-31"},
                                                      {"partner_agency", "Probation"}}));
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
  const auto refused =
      sergeant.post("/api/v1/records", record_body("bail_extension", "append", junior));
  INFO(refused.body);
  CHECK(refused.status == 400);
  CHECK(refused.body.find("superintendent") != std::string::npos);
  CHECK(world.count("SELECT count(*) FROM bail_extensions") == 0);

  FieldValues proper = junior;
  proper["extended_to"] = "2027-05-01";
  CHECK(officer.post("/api/v1/records", record_body("bail_extension", "append", proper)).status ==
        403);
  const auto extended =
      sergeant.post("/api/v1/records", record_body("bail_extension", "append", proper));
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
  const auto crossing =
      south.post("/api/v1/records", record_body("bail_extension", "append",
                                                {{"bail_case_id", world.force().north_bail_case},
                                                 {"extended_to", "2027-05-01"},
                                                 {"authority", "inspector"},
                                                 {"authorised_by", "Insp Grey"},
                                                 {"authorised_on", "1900-01-01"},
                                                 {"representations_considered", "yes"}}));
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
  const auto read =
      north.post("/api/v1/records", record_body("read_event", "append",
                                                {{"nominal_id", north_nominal},
                                                 {"occurred_at", "2026-11-01T00:00:00Z"},
                                                 {"chain_index", "0"},
                                                 {"hash", "x"}}));
  CHECK(read.status == 400);
}
