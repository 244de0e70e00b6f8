// The domain's words and the rules of a visit at the door: the MAPPA category each kind of
// nominal is (the import checks a file against it, the seed writes it), and what an officer is
// told before a visit is saved.
#include <catch2/catch.hpp>

#include "vigil/rules/domain.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/rules/visit_rules.hpp"

using namespace vigil;

TEST_CASE("a kind of nominal is its MAPPA category; a potentially dangerous person has none",
          "[domain]") {
  CHECK(mappa_category_of(NominalKind::rso) == 1);
  CHECK(mappa_category_of(NominalKind::violent) == 2);
  CHECK(mappa_category_of(NominalKind::other) == 3);
  CHECK_FALSE(mappa_category_of(NominalKind::pdp).has_value());
}

TEST_CASE("the warnings before a visit is saved: crew, a pre-arranged visit, a warrant",
          "[domain][visit]") {
  const Policy policy = default_policy();
  VisitAtTheDoor visit;
  visit.nominal_ref = "NOM-1";
  visit.attendees = 1;
  visit.announced = false;
  CHECK(visit_warnings(visit, policy).empty());

  visit.plan_double_crewed = true;
  visit.plan_unannounced = true;
  visit.announced = true;
  visit.outcome = VisitOutcome::no_answer;
  visit.failed_entries_before = 1;
  const auto warnings = visit_warnings(visit, policy);
  REQUIRE(warnings.size() == 3);
  CHECK(warnings[0].kind == VisitWarningKind::short_crew);
  CHECK(reason_field(warnings[0].kind) == "crew_reason");
  CHECK(warnings[1].kind == VisitWarningKind::pre_arranged);
  CHECK(reason_field(warnings[1].kind) == "announced_reason");
  CHECK(warnings[2].kind == VisitWarningKind::warrant);
  CHECK(reason_field(warnings[2].kind).empty());
  CHECK(warnings[0].text == "The plan for NOM-1 requires " + std::to_string(policy.visit_crew) +
                                " officers at each visit; 1 is recorded.");
  CHECK(warnings[1].text ==
        "The plan for NOM-1 asks for unannounced visits; this one was pre-arranged.");
  CHECK(warnings[2].text ==
        "This is failed entry 2 at NOM-1 since the nominal was last seen: two or more allow a "
        "magistrate's warrant to be sought.");

  // The first failed entry since the nominal was seen allows no warrant yet.
  visit.failed_entries_before = 0;
  CHECK(visit_warnings(visit, policy).size() == 2);
  CHECK(is_failed_entry(VisitOutcome::refused));
  CHECK_FALSE(is_failed_entry(VisitOutcome::not_at_address));
}
