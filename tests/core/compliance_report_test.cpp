// The compliance report on a real database: each of the inspectors' findings it lists, and only
// within the period and the scope.
#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/reports/compliance_report.hpp"
#include "vigil/store/team_facts.hpp"

using namespace vigil;

namespace {

struct Visits : ForceDatabase {
  void visit(const std::string& nominal, const std::string& at, bool announced,
             std::vector<std::string> attendees) {
    const std::string id = base::make_uuid();
    db.prepare(
          "INSERT INTO visits (id, nominal_id, occurred_at, recorded_at, announced, outcome, "
          "recorded_by) VALUES (?, ?, ?, ?, ?, 'seen', ?)")
        .bind_all(id, nominal, at, at, announced, force.officer_ids[attendees.front()])
        .run();
    for (const auto& who : attendees) {
      db.prepare("INSERT INTO visit_attendees (visit_id, officer_id) VALUES (?, ?)")
          .bind_all(id, force.officer_ids[who])
          .run();
    }
    // As every program that stores a visit does (vigil/store/team_facts.hpp).
    vigil::store::copy_visit(db, id);
  }
};

}  // namespace

TEST_CASE("compliance report: under-crewed and repeated solo visits, pre-arranged share",
          "[compliance][report]") {
  Visits v;
  const std::string nominal = v.force.north_nominals[0];  // its plan asks for two officers
  v.visit(nominal, "2026-09-01T10:00:00Z", true, {"pc.a"});
  v.visit(nominal, "2026-10-01T10:00:00Z", false, {"pc.a"});
  v.visit(nominal, "2026-11-01T10:00:00Z", false, {"pc.a"});
  v.visit(nominal, "2026-11-10T10:00:00Z", true, {"pc.a", "pc.b"});
  v.visit(nominal, "2025-01-01T10:00:00Z", false, {"pc.a"});  // before the period
  const auto report =
      reports::compliance_report(v.db, *parse_date("2026-11-22"), reports::ReportScope{});
  CHECK(format_date(report.from) == "2026-05-27");
  REQUIRE(report.under_crewed.size() == 3);
  CHECK(report.under_crewed[0].occurred_at == "2026-11-01T10:00:00Z");  // most recent first
  CHECK(report.under_crewed[0].attendees == 1);
  CHECK(report.under_crewed[0].required == 2);
  REQUIRE(report.repeated_solo.size() == 1);
  CHECK(report.repeated_solo[0].officer == "pc.a");
  CHECK(report.repeated_solo[0].visits == 3);
  // pc.a recorded all four: September 1 of 1 pre-arranged, November 1 of 2.
  REQUIRE(report.announced.size() == 3);
  CHECK(report.announced[0].month == "2026-09");
  CHECK(report.announced[0].share == 1.0);
  CHECK(report.announced[2].month == "2026-11");
  CHECK(report.announced[2].visits == 2);
  CHECK(report.announced[2].announced == 1);
  // South's report sees none of it.
  const auto south =
      reports::compliance_report(v.db, *parse_date("2026-11-22"), reports::ReportScope{{"South"}});
  CHECK(south.under_crewed.empty());
  CHECK(south.announced.empty());
}

TEST_CASE("compliance report: plan defects and caseloads against the limit",
          "[compliance][report]") {
  Visits v;
  const std::string plan = v.force.north_plans[0];
  v.db.prepare(
          "INSERT INTO plan_actions (id, plan_id, description, owner_id, due_on) VALUES "
          "(?, ?, 'Check the address', NULL, '2026-12-01'), (?, ?, 'Speak to the school', ?, NULL)")
      .bind_all(base::make_uuid(), plan, base::make_uuid(), plan, v.force.officer_ids["pc.a"])
      .run();
  const auto report =
      reports::compliance_report(v.db, *parse_date("2026-11-22"), reports::ReportScope{{"North"}});
  // Four plans: three with no actions, one with an action missing each.
  REQUIRE(report.plan_defects.size() == 5);
  int no_actions = 0;
  for (const auto& d : report.plan_defects) no_actions += d.problem == "no actions" ? 1 : 0;
  CHECK(no_actions == 3);
  // pc.a manages North's 4 nominals, well under 50.
  REQUIRE(report.caseloads.size() == 1);
  CHECK(report.caseloads[0].officer == "pc.a");
  CHECK(report.caseloads[0].nominals == 4);
  CHECK(report.caseloads[0].limit == 50);
  CHECK_FALSE(report.caseloads[0].over);
}

TEST_CASE(
    "compliance report: a nominal's plan defects are its plan in force on the date's, with that "
    "plan's own actions",
    "[compliance][report]") {
  Visits v;
  const std::string nominal = v.force.north_nominals[1];  // NOM-2, its plan from 2026-01-01
  const auto add_plan = [&](const std::string& started_on) {
    const std::string id = base::make_uuid();
    v.db.prepare(
            "INSERT INTO plans (id, nominal_id, started_on, double_crewed) VALUES (?, ?, ?, 1)")
        .bind_all(id, nominal, started_on)
        .run();
    return id;
  };
  // The first plan's one action, done, with its owner and due date: no defect of its own.
  v.db.prepare(
          "INSERT INTO plan_actions (id, plan_id, description, owner_id, due_on, status, "
          "completed_on) VALUES (?, ?, 'Check the address', ?, '2026-03-01', 'done', "
          "'2026-02-20')")
      .bind_all(base::make_uuid(), v.force.north_plans[1], v.force.officer_ids["pc.a"])
      .run();
  const std::string newer = add_plan("2026-11-01");  // no actions yet
  add_plan("2026-12-10");                            // not yet started on either date
  const auto defects_of_nom2 = [&](const char* on) {
    std::vector<std::string> found;
    const auto report =
        reports::compliance_report(v.db, *parse_date(on), reports::ReportScope{{"North"}});
    for (const auto& d : report.plan_defects) {
      if (d.nominal_ref == "NOM-2") found.push_back(d.plan_started_on + " " + d.problem);
    }
    return found;
  };
  // Before the new plan: the first, which has its action.
  CHECK(defects_of_nom2("2026-10-31").empty());
  // From it: the new plan, whose actions are none (the first plan's action is not its).
  CHECK(defects_of_nom2("2026-11-22") == std::vector<std::string>{"2026-11-01 no actions"});
  // A second plan started the same day, with an action that has no owner. Of two plans started
  // the same day the greater id is in force: this one's defect, or the other's.
  const std::string same_day = add_plan("2026-11-01");
  v.db.prepare(
          "INSERT INTO plan_actions (id, plan_id, description, owner_id, due_on) VALUES (?, ?, "
          "'Speak to the school', NULL, '2026-12-01')")
      .bind_all(base::make_uuid(), same_day)
      .run();
  CHECK(defects_of_nom2("2026-11-22") ==
        std::vector<std::string>{same_day > newer ? "2026-11-01 an action with no owner"
                                                  : "2026-11-01 no actions"});
}
