#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/store/policy_versions.hpp"

using namespace vigil;

TEST_CASE("the shipped default policy is the national minimum", "[policy]") {
  auto parsed = parse_policy(default_policy_json());
  REQUIRE(parsed.policy);
  const Policy& p = *parsed.policy;
  CHECK(p.visit_months(RiskLevel::very_high) == 1);
  CHECK(p.visit_months(RiskLevel::high) == 3);
  CHECK(p.visit_months(RiskLevel::medium) == 6);
  CHECK(p.visit_months(RiskLevel::low) == 12);
  CHECK(p.visit_crew == 2);
  CHECK(p.reassess_every_months == 12);
  CHECK(p.plan_review_every_months == 6);
  // A policy survives a round trip through its JSON form.
  auto again = parse_policy(policy_to_json(p));
  REQUIRE(again.policy);
  CHECK(again.policy->visit_every_months == p.visit_every_months);
  CHECK(again.policy->priority.kind_weight == p.priority.kind_weight);
}

TEST_CASE("a bad policy is refused with the field named", "[policy]") {
  CHECK(parse_policy("{").error.find("not valid JSON") != std::string::npos);
  std::string json = default_policy_json();
  auto bad = json;
  bad.replace(bad.find("\"high\": 3"), 9, "\"high\": 0");
  CHECK(parse_policy(bad).error ==
        "policy field visit_every_months.high must be a whole number from 1 to 120");
}

TEST_CASE("a force's named priority list of suspects is policy, checked as the rest is",
          "[policy][suspects]") {
  // Without one (every document before it was added), there is no list.
  CHECK_FALSE(default_policy().priority_list);
  std::string json = default_policy_json();
  const auto with = [&](const std::string& list) {
    return parse_policy(json.substr(0, json.rfind('}')) + ", \"priority_list\": " + list + "}");
  };
  const auto parsed = with(R"({"name": "V100", "suspects": ["S-1", "S-2"]})");
  REQUIRE(parsed.policy);
  REQUIRE(parsed.policy->priority_list);
  CHECK(parsed.policy->priority_list->name == "V100");
  CHECK(parsed.policy->priority_list->suspects == std::vector<std::string>{"S-1", "S-2"});
  // It survives the round trip.
  const auto again = parse_policy(policy_to_json(*parsed.policy));
  REQUIRE(again.policy);
  CHECK(again.policy->priority_list->suspects == parsed.policy->priority_list->suspects);
  CHECK(with(R"({"name": "", "suspects": []})").error.find("priority_list.name") !=
        std::string::npos);
  CHECK(with(R"({"name": "V100", "suspects": ["S-1", "S-1"]})").error ==
        "policy field priority_list.suspects names S-1 twice");
  CHECK(with(R"({"name": "V100", "suspects": [7]})").error.find("each text") != std::string::npos);
  CHECK(with(R"({"name": "V100"})").error == "policy field priority_list.suspects is missing");
  CHECK(with(R"([])").error.find("must be an object") != std::string::npos);
}

TEST_CASE("the policy in force is the newest effective on the date", "[policy]") {
  TempDir dir;
  store::Database db(dir.path() / "p.db");
  store::migrate(db);
  CHECK(store::policy_in_force(db, parse_date("2024-01-01").value()).version == 0);
  Policy stricter = default_policy();
  stricter.visit_every_months[index_of(RiskLevel::high)] = 2;
  store::add_policy_version(db, default_policy(), parse_date("2020-01-01").value(), "ACC Smith",
                            "defaults");
  store::add_policy_version(db, stricter, parse_date("2024-06-01").value(), "ACC Jones",
                            "high-risk visits every two months after inspection");
  CHECK(
      store::policy_in_force(db, parse_date("2024-05-31").value()).visit_months(RiskLevel::high) ==
      3);
  auto in_force = store::policy_in_force(db, parse_date("2024-06-01").value());
  CHECK(in_force.version == 2);
  CHECK(in_force.visit_months(RiskLevel::high) == 2);
}
