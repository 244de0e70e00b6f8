// The reports' team copies (migration 0021, vigil/store/team_facts.hpp) as the engine writes the
// records under them: each copy holds what its view says after every kind of change, and a report
// sees a visit the moment the engine has taken it in.
#include <catch2/catch.hpp>

#include "civil_dates.hpp"
#include "engine_world.hpp"
#include "queries.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/store/team_facts.hpp"
#include "vigil/sync/wire.hpp"

using namespace vigil;
using namespace vigil::sync;
using vigil::testing::d;

namespace {

// The copy of a visit as the reports read it: "team occurred_at outcome announced crew".
std::string copied_visit(store::Database& db, const std::string& visit_id) {
  return text_of(db,
                 "SELECT t.name || ' ' || v.occurred_at || ' ' || v.outcome || ' ' || v.announced "
                 "|| ' ' || v.crew FROM team_visits v JOIN teams t ON t.id = v.team_id "
                 "WHERE v.visit_id = ?",
                 visit_id);
}

}  // namespace

TEST_CASE_METHOD(NorthTeam,
                 "a visit the engine takes in is in the reports' copy at once, with its crew",
                 "[sync][team_facts]") {
  const std::string nominal = w.force.north_nominals[0];
  const Change v = w.visit(nominal, "pc.a;pc.b;pc.a");  // a name twice counts once
  REQUIRE(w.push_one(pc, v).outcome == Outcome::applied);
  CHECK(copied_visit(w.db, v.entity_id) == "North 2026-11-22T09:30:00Z seen 0 2");
  CHECK(store::team_fact_differences(w.db).empty());

  // The overdue report reads the copy: the nominal was last seen at the visit, by two officers.
  reports::ReportScope north;
  north.teams = {"North"};
  bool loaded = false;
  for (const auto& facts : reports::load_nominal_facts(w.db, d("2026-11-30"), north)) {
    if (facts.nominal_id != nominal) continue;
    loaded = true;
    CHECK(facts.last_seen_at == parse_instant("2026-11-22T09:30:00Z"));
    CHECK(facts.last_visit_attendees == 2);
  }
  CHECK(loaded);
}

TEST_CASE_METHOD(NorthTeam, "amendments move a visit's copy: its time, outcome and crew as amended",
                 "[sync][team_facts][amendment]") {
  const Change v = w.applied_visit(pc, w.force.north_nominals[0]);
  CHECK(copied_visit(w.db, v.entity_id) == "North 2026-11-22T09:30:00Z seen 0 1");
  REQUIRE(w.push_one(pc, w.amendment(v.entity_id,
                                     encode_fields({{"occurred_at", "2026-11-21T16:00:00Z"},
                                                    {"outcome", "no_answer"},
                                                    {"attendees", "pc.a;pc.b"}}),
                                     "2026-11-22T11:00:00Z"))
              .outcome == Outcome::applied);
  CHECK(copied_visit(w.db, v.entity_id) == "North 2026-11-21T16:00:00Z no_answer 0 2");
  // An earlier amendment arriving later is folded in under the later one.
  REQUIRE(w.push_one(pc, w.amendment(v.entity_id,
                                     encode_fields({{"announced", "yes"}, {"attendees", "pc.a"}}),
                                     "2026-11-22T10:00:00Z"))
              .outcome == Outcome::applied);
  CHECK(copied_visit(w.db, v.entity_id) == "North 2026-11-21T16:00:00Z no_answer 1 2");
  CHECK(store::team_fact_differences(w.db).empty());
}

TEST_CASE_METHOD(NorthTeam,
                 "plans, actions and assessments written through the engine are in their copies",
                 "[sync][team_facts]") {
  const std::string nominal = w.force.north_nominals[1];
  const std::string plan = w.force.north_plans[1];
  const std::string action = base::make_uuid(w.random);
  REQUIRE(w.push_one(pc, w.change("plan_action", action, Operation::create,
                                  {{"plan_id", plan},
                                   {"description", "Check the address"},
                                   {"owner", "pc.a"},
                                   {"due_on", "2026-12-01"},
                                   {"status", "open"}}))
              .outcome == Outcome::applied);
  CHECK(text_of(w.db, "SELECT status || ' ' || due_on FROM team_plan_actions WHERE action_id = ?",
                action) == "open 2026-12-01");
  REQUIRE(w.push_one(pc, w.change("plan_action", action, Operation::update,
                                  {{"status", "done"}, {"completed_on", "2026-11-29"}},
                                  {{"status", "open"}, {"completed_on", ""}}))
              .outcome == Outcome::applied);
  CHECK(text_of(w.db,
                "SELECT status || ' ' || completed_on FROM team_plan_actions WHERE action_id = ?",
                action) == "done 2026-11-29");
  REQUIRE(w.push_one(sergeant, w.change("plan", plan, Operation::update, {{"double_crewed", "yes"}},
                                        {{"double_crewed", "no"}}))
              .outcome == Outcome::applied);
  const std::string assessment = base::make_uuid(w.random);
  REQUIRE(w.push_one(pc, w.change("assessment", assessment, Operation::append,
                                  {{"nominal_id", nominal},
                                   {"assessed_on", "2026-11-28"},
                                   {"risk_level", "high"}}))
              .outcome == Outcome::applied);
  CHECK(count_of(w.db, "SELECT count(*) FROM team_assessments WHERE assessment_id = ?",
                 assessment) == 1);
  CHECK(store::team_fact_differences(w.db).empty());
}

TEST_CASE_METHOD(
    NorthTeam, "a nominal moved to another team takes every one of its facts to that team's copies",
    "[sync][team_facts][scope]") {
  const std::string nominal = w.force.north_nominals[0];  // with a plan and an order
  const Change v = w.applied_visit(pc, nominal);
  REQUIRE(w.push_one(sergeant, w.change("nominal", nominal, Operation::update, {{"team", "South"}},
                                        {{"team", "North"}}))
              .outcome == Outcome::applied);
  CHECK(copied_visit(w.db, v.entity_id) == "South 2026-11-22T09:30:00Z seen 0 1");
  const std::string north = w.force.team_ids.at("North");
  for (const char* copy : {"team_visits", "team_plans", "team_orders"}) {
    INFO(copy);
    CHECK(count_of(
              w.db,
              std::string("SELECT count(*) FROM ") + copy + " WHERE team_id = ? AND nominal_id = ?",
              north, nominal) == 0);
    CHECK(count_of(w.db, std::string("SELECT count(*) FROM ") + copy + " WHERE nominal_id = ?",
                   nominal) >= 1);
  }
  CHECK(store::team_fact_differences(w.db).empty());
}

TEST_CASE_METHOD(NorthTeam,
                 "a copy that is not as its view is named, with what is missing and what is extra",
                 "[sync][team_facts]") {
  const Change v = w.applied_visit(pc, w.force.north_nominals[0]);
  REQUIRE(store::team_fact_differences(w.db).empty());
  w.db.prepare("DELETE FROM team_visits WHERE visit_id = ?").bind_all(v.entity_id).run();
  w.db.execute("UPDATE team_plans SET started_on = '1999-01-01'");
  const auto differences = store::team_fact_differences(w.db);
  REQUIRE(differences.size() == 2);
  CHECK(differences[0].copy == "team_plans");
  CHECK(differences[0].detail ==
        "team_plans differs from team_plans_source: 8 rows missing from it and 8 rows that "
        "should not be in it");
  CHECK(differences[1].copy == "team_visits");
  CHECK(differences[1].detail ==
        "team_visits differs from team_visits_source: 1 row missing from it and 0 rows that "
        "should not be in it");
}

TEST_CASE_METHOD(
    NorthTeam,
    "a suspect's trace enquiries and reviews, and a case's extension and closing, reach "
    "the suspects report's copies",
    "[sync][team_facts][suspects]") {
  const std::string suspect = w.force.north_suspect;
  const std::string bail_case = w.force.north_bail_case;
  const auto suspect_copy = [&] {
    return text_of(w.db,
                   "SELECT coalesce(traced_at, '-') || ' ' || coalesce(reviewed_on, '-') FROM "
                   "team_outstanding_suspects WHERE suspect_id = ?",
                   suspect);
  };
  CHECK(suspect_copy() == "- -");
  REQUIRE(w.push_one(pc, w.change("trace_enquiry", base::make_uuid(w.random), Operation::append,
                                  {{"suspect_id", suspect},
                                   {"occurred_at", "2026-11-25T10:00:00Z"},
                                   {"note", "Not at his mother's address"}}))
              .outcome == Outcome::applied);
  REQUIRE(
      w.push_one(sergeant, w.change("suspect_review", base::make_uuid(w.random), Operation::append,
                                    {{"suspect_id", suspect},
                                     {"reviewed_on", "2026-11-26"},
                                     {"note", "Circulate on the PNC"}}))
          .outcome == Outcome::applied);
  CHECK(suspect_copy() == "2026-11-25T10:00:00Z 2026-11-26");

  const auto extension =
      w.push_one(sergeant, w.change("bail_extension", base::make_uuid(w.random), Operation::append,
                                    {{"bail_case_id", bail_case},
                                     {"extended_to", "2027-05-01"},
                                     {"authority", "superintendent"},
                                     {"authorised_by", "Supt. Hale"},
                                     {"authorised_on", "2026-11-25"},
                                     {"representations_considered", "yes"}}));
  INFO(extension.reason);
  REQUIRE(extension.outcome == Outcome::applied);
  CHECK(text_of(w.db, "SELECT extended_to FROM team_open_cases WHERE case_id = ?", bail_case) ==
        "2027-05-01");
  // Charged: no longer open, so no longer in the copy.
  REQUIRE(w.push_one(pc, w.change("bail_case", bail_case, Operation::update,
                                  {{"status", "charged"}}, {{"status", "bail"}}))
              .outcome == Outcome::applied);
  CHECK(count_of(w.db, "SELECT count(*) FROM team_open_cases WHERE case_id = ?", bail_case) == 0);
  CHECK(count_of(w.db, "SELECT count(*) FROM team_open_cases") == 1);  // South's
  CHECK(store::team_fact_differences(w.db).empty());
}
