#include <catch2/catch.hpp>

#include <optional>

#include "civil_dates.hpp"
#include "vigil/rules/safeguarding.hpp"

using namespace vigil;
using vigil::testing::d;

namespace {

std::optional<Date> on(const char* text) {
  return text ? std::optional<Date>(d(text)) : std::nullopt;
}

ReferralState state(const char* sent, const char* acknowledged, const char* feedback,
                    const char* chased, const char* as_of) {
  return referral_state({d(sent), on(acknowledged), on(feedback), on(chased)}, d(as_of),
                        default_policy());
}

}  // namespace

TEST_CASE(
    "A referral's acknowledgement is due within 3 days and its feedback within 28, "
    "weekends counted") {
  // Sent on Friday 2026-11-06: acknowledged by Sunday the 8th, fed back by Thursday 3 December.
  const auto s = state("2026-11-06", nullptr, nullptr, nullptr, "2026-11-08");
  CHECK(s.acknowledgement_due == d("2026-11-08"));
  CHECK(s.feedback_due == d("2026-12-03"));
  CHECK(s.acknowledgement_days_overdue == 0);
  CHECK_FALSE(s.to_chase);
  // Monday: the weekend passed without an acknowledgement, so it is a day overdue and chased.
  const auto monday = state("2026-11-06", nullptr, nullptr, nullptr, "2026-11-09");
  CHECK(monday.acknowledgement_days_overdue == 1);
  CHECK(monday.to_chase);
}

TEST_CASE("An overdue referral is chased once for each step missed") {
  // Chased on the Monday: nothing more to chase until the feedback is missed too.
  CHECK_FALSE(state("2026-11-06", nullptr, nullptr, "2026-11-09", "2026-11-20").to_chase);
  CHECK(state("2026-11-06", nullptr, nullptr, "2026-11-09", "2026-11-20")
            .acknowledgement_days_overdue == 12);
  const auto late = state("2026-11-06", "2026-11-10", nullptr, "2026-11-09", "2026-12-04");
  CHECK(late.acknowledgement_days_overdue == 0);
  CHECK(late.feedback_days_overdue == 1);
  CHECK(late.to_chase);
  // A chase on the due date itself came before the feedback was missed.
  CHECK(state("2026-11-06", "2026-11-07", nullptr, "2026-12-03", "2026-12-04").to_chase);
  CHECK_FALSE(state("2026-11-06", "2026-11-07", nullptr, "2026-12-04", "2026-12-10").to_chase);
}

TEST_CASE("Feedback given closes the referral's timers, the acknowledgement's too") {
  const auto done = state("2026-11-06", nullptr, "2026-11-20", nullptr, "2026-12-20");
  CHECK(done.acknowledgement_days_overdue == 0);
  CHECK(done.feedback_days_overdue == 0);
  CHECK_FALSE(done.to_chase);
}
