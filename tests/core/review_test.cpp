// What puts a visit in the supervisor's review queue (core/rules/review.hpp): short crew and a
// pre-arranged visit against the plan first, with the officer's words; a dynamic risk change; a
// "not as planned" code; and dip sampling, drawn by the server's sequence number alone.
#include <catch2/catch.hpp>

#include "vigil/rules/review.hpp"

using namespace vigil;

namespace {

VisitUnderReview as_planned() {
  VisitUnderReview v;
  v.facts.nominal_ref = "NOM-1";
  v.facts.attendees = 2;
  v.facts.plan_double_crewed = true;
  v.facts.plan_unannounced = true;
  v.facts.announced = false;
  return v;
}

// The first sequence number from `from` that the draw does (or does not) take.
std::int64_t first_drawn(bool drawn, int percent, std::int64_t from = 1) {
  while (dip_sampled(from, percent) != drawn) ++from;
  return from;
}

}  // namespace

TEST_CASE("dip sampling draws the policy's share of visits, the same ones every time",
          "[core][review]") {
  for (const int percent : {5, 10, 25}) {
    int drawn = 0;
    constexpr int kVisits = 20'000;
    for (std::int64_t seq = 1; seq <= kVisits; ++seq) drawn += dip_sampled(seq, percent) ? 1 : 0;
    const double share = 100.0 * drawn / kVisits;
    INFO(percent << "%: drew " << share << "%");
    CHECK(share > percent - 1.0);
    CHECK(share < percent + 1.0);
  }
  // A run of consecutive visits (one officer's morning) is not all in or all out.
  int in_first_hundred = 0;
  for (std::int64_t seq = 1000; seq < 1100; ++seq) in_first_hundred += dip_sampled(seq, 10) ? 1 : 0;
  CHECK(in_first_hundred > 0);
  CHECK(in_first_hundred < 30);
  CHECK(dip_sampled(first_drawn(true, 10), 10));
  for (std::int64_t seq = 1; seq < 1000; ++seq) {
    CHECK_FALSE(dip_sampled(seq, 0));
    CHECK(dip_sampled(seq, 100));
  }
}

TEST_CASE(
    "a visit short of its crew or pre-arranged against the plan comes first, with the "
    "officer's words",
    "[core][review]") {
  const Policy policy;
  auto alone = as_planned();
  alone.facts.attendees = 1;
  alone.crew_reason = "colleague at court";
  alone.server_seq = first_drawn(false, policy.review_sample_percent);
  auto why = visit_review_reasons(alone, policy);
  CHECK(why.first);
  REQUIRE(why.reasons.size() == 1);
  CHECK(why.reasons[0] == "1 of 2 officers the plan requires: \"colleague at court\"");

  auto announced = as_planned();
  announced.facts.announced = true;
  announced.server_seq = alone.server_seq;
  why = visit_review_reasons(announced, policy);
  CHECK(why.first);
  REQUIRE(why.reasons.size() == 1);
  CHECK(why.reasons[0] ==
        "pre-arranged where the plan asks for unannounced visits (no reason given)");

  // Alone where the plan does not ask for two, and announced where it does not ask otherwise:
  // nothing to review.
  auto fine = as_planned();
  fine.facts.attendees = 1;
  fine.facts.plan_double_crewed = false;
  fine.facts.announced = true;
  fine.facts.plan_unannounced = false;
  fine.server_seq = alone.server_seq;
  CHECK(visit_review_reasons(fine, policy).reasons.empty());
}

TEST_CASE(
    "a risk change or a not-as-planned code puts a visit in the queue; dip sampling the "
    "rest",
    "[core][review]") {
  const Policy policy;
  auto risk = as_planned();
  risk.risk_change = "new partner with children";
  risk.server_seq = first_drawn(false, policy.review_sample_percent);
  auto why = visit_review_reasons(risk, policy);
  CHECK_FALSE(why.first);
  CHECK(why.reasons ==
        std::vector<std::string>{"dynamic risk change: \"new partner with children\""});

  auto late = as_planned();
  late.not_as_planned = "staff_shortage";
  late.server_seq = risk.server_seq;
  CHECK(visit_review_reasons(late, policy).reasons ==
        std::vector<std::string>{"not as planned: staff shortage"});

  auto ordinary = as_planned();
  ordinary.server_seq = risk.server_seq;
  CHECK(visit_review_reasons(ordinary, policy).reasons.empty());
  ordinary.server_seq = first_drawn(true, policy.review_sample_percent);
  CHECK(visit_review_reasons(ordinary, policy).reasons ==
        std::vector<std::string>{"drawn for dip sampling (10% of visits)"});
  Policy none = policy;
  none.review_sample_percent = 0;
  CHECK(visit_review_reasons(ordinary, none).reasons.empty());
}
