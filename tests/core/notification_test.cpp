#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "civil_dates.hpp"
#include "vigil/rules/notification.hpp"

using namespace vigil;
using vigil::testing::d;
using vigil::testing::s;

namespace {
NotificationPeriodInput input(const char* relevant_date, Disposal disposal,
                              std::optional<int> months = std::nullopt,
                              std::optional<int> age = std::nullopt) {
  NotificationPeriodInput in{d(relevant_date), disposal, months, age, std::nullopt, false};
  return in;
}

// The end of a finite period, or a marker that makes a failing CHECK readable.
std::string ends(const NotificationPeriod& period) {
  if (!period.error.empty()) return "error: " + period.error;
  if (period.indefinite) return "indefinite";
  return period.ends ? s(*period.ends) : "no end";
}

}  // namespace

// Convicted 2024-03-15 throughout: "N years beginning with 2024-03-15" ends on 14 March N years
// later.

TEST_CASE("prison of 30 months or more, or life, makes notification indefinite", "[notification]") {
  auto thirty = notification_period(input("2024-03-15", Disposal::prison, 30, 40));
  CHECK(thirty.error.empty());
  CHECK(thirty.indefinite);
  CHECK_FALSE(thirty.ends);
  CHECK(thirty.review_after_years == 15);
  // Life is recorded as the longest term.
  auto life = notification_period(input("2024-03-15", Disposal::prison, 1200));
  CHECK(life.indefinite);
  CHECK(life.review_after_years == 15);
}

TEST_CASE("a hospital order with restriction makes notification indefinite", "[notification]") {
  auto period = notification_period(input("2024-03-15", Disposal::hospital_restricted));
  CHECK(period.error.empty());
  CHECK(period.indefinite);
  CHECK(period.review_after_years == 15);
}

TEST_CASE("an indefinite period may be reviewed after 8 years for someone under 18",
          "[notification]") {
  auto prison = notification_period(input("2024-03-15", Disposal::prison, 36, 17));
  CHECK(prison.indefinite);
  CHECK(prison.review_after_years == 8);
  auto hospital = notification_period(input("2024-03-15", Disposal::hospital_restricted, {}, 12));
  CHECK(hospital.indefinite);
  CHECK(hospital.review_after_years == 8);
  // 18 is an adult: 15 years.
  CHECK(notification_period(input("2024-03-15", Disposal::prison, 36, 18)).review_after_years ==
        15);
}

TEST_CASE("prison over 6 and under 30 months gives 10 years", "[notification]") {
  // 120 months beginning with 2024-03-15 end the day before 2034-03-15.
  CHECK(ends(notification_period(input("2024-03-15", Disposal::prison, 7))) == "2034-03-14");
  CHECK(ends(notification_period(input("2024-03-15", Disposal::prison, 29))) == "2034-03-14");
  auto period = notification_period(input("2024-03-15", Disposal::prison, 12));
  CHECK_FALSE(period.indefinite);
  CHECK_FALSE(period.review_after_years);
}

TEST_CASE("prison of 6 months or less, or a hospital order, gives 7 years", "[notification]") {
  CHECK(ends(notification_period(input("2024-03-15", Disposal::prison, 6))) == "2031-03-14");
  CHECK(ends(notification_period(input("2024-03-15", Disposal::prison, 1))) == "2031-03-14");
  CHECK(ends(notification_period(input("2024-03-15", Disposal::hospital))) == "2031-03-14");
}

TEST_CASE("a caution gives 2 years and anything else 5", "[notification]") {
  CHECK(ends(notification_period(input("2024-03-15", Disposal::caution))) == "2026-03-14");
  CHECK(ends(notification_period(input("2024-03-15", Disposal::other))) == "2029-03-14");
  // Cautioned on 29 February: 2 years later, 2026-02-29 does not exist and rolls to 1 March, so
  // the period ends 2026-02-28.
  CHECK(ends(notification_period(input("2024-02-29", Disposal::caution))) == "2026-02-28");
}

TEST_CASE("a conditional discharge lasts as long as the discharge", "[notification]") {
  // 18 months beginning with 2024-03-15 end the day before 2025-09-15.
  CHECK(ends(notification_period(input("2024-03-15", Disposal::conditional_discharge, 18))) ==
        "2025-09-14");
  // 1 month beginning with 31 January ends on the last day of February.
  CHECK(ends(notification_period(input("2023-01-31", Disposal::conditional_discharge, 1))) ==
        "2023-02-28");
}

TEST_CASE("finite periods are halved exactly in months when the months are even",
          "[notification]") {
  // 10 years -> 60 months, the day before 2029-03-15.
  CHECK(ends(notification_period(input("2024-03-15", Disposal::prison, 12, 16))) == "2029-03-14");
  // 7 years -> 42 months, the day before 2027-09-15.
  CHECK(ends(notification_period(input("2024-03-15", Disposal::hospital, {}, 15))) == "2027-09-14");
  // 2 years -> 12 months, the day before 2025-03-15.
  CHECK(ends(notification_period(input("2024-03-15", Disposal::caution, {}, 15))) == "2025-03-14");
  // 5 years -> 30 months, the day before 2026-09-15.
  CHECK(ends(notification_period(input("2024-03-15", Disposal::other, {}, 17))) == "2026-09-14");
  // A 12-month discharge -> 6 months, the day before 2024-09-15.
  CHECK(ends(notification_period(input("2024-03-15", Disposal::conditional_discharge, 12, 17))) ==
        "2024-09-14");
  // At 18 nothing is halved.
  CHECK(ends(notification_period(input("2024-03-15", Disposal::caution, {}, 18))) == "2026-03-14");
}

TEST_CASE("an odd number of months is halved by days, rounding up", "[notification]") {
  // 3 months from 2024-03-15 end 2024-06-14: 17 days of March + 30 + 31 + 14 = 92 days; half is
  // 46, so the period ends on day 46: 2024-03-15 + 45 = 2024-04-29.
  CHECK(ends(notification_period(input("2024-03-15", Disposal::conditional_discharge, 3, 16))) ==
        "2024-04-29");
  // 1 month from 2024-01-01 ends 2024-01-31: 31 days; half is 15.5, rounded up to 16, so the
  // period ends 2024-01-16.
  CHECK(ends(notification_period(input("2024-01-01", Disposal::conditional_discharge, 1, 10))) ==
        "2024-01-16");
  // 1 month from 2023-02-01 ends 2023-02-28: 28 days, half exactly 14, ending 2023-02-14.
  CHECK(ends(notification_period(input("2023-02-01", Disposal::conditional_discharge, 1, 10))) ==
        "2023-02-14");
}

TEST_CASE("an order extends notification to the end of the order", "[notification]") {
  auto in = input("2024-03-15", Disposal::caution);  // otherwise ends 2026-03-14
  SECTION("a later end extends the period") {
    in.order_ends = d("2029-03-14");
    CHECK(ends(notification_period(in)) == "2029-03-14");
  }
  SECTION("an earlier end does not shorten it") {
    in.order_ends = d("2025-01-01");
    CHECK(ends(notification_period(in)) == "2026-03-14");
  }
  SECTION("the order extends the halved period of someone under 18") {
    in.age = 16;  // halved: 2025-03-14
    in.order_ends = d("2025-06-30");
    CHECK(ends(notification_period(in)) == "2025-06-30");
  }
  SECTION("until further order: indefinite, with no review date") {
    in.order_until_further_order = true;
    auto period = notification_period(in);
    CHECK(period.error.empty());
    CHECK(period.indefinite);
    CHECK_FALSE(period.ends);
    CHECK_FALSE(period.review_after_years);
  }
  SECTION("until further order wins over a fixed end given with it") {
    in.order_ends = d("2030-01-01");
    in.order_until_further_order = true;
    CHECK(notification_period(in).indefinite);
  }
  SECTION("an indefinite period keeps its review date under a fixed-term order") {
    auto prison = input("2024-03-15", Disposal::prison, 48);
    prison.order_ends = d("2040-01-01");
    auto period = notification_period(prison);
    CHECK(period.indefinite);
    CHECK(period.review_after_years == 15);
    prison.order_until_further_order = true;
    CHECK_FALSE(notification_period(prison).review_after_years);
  }
}

TEST_CASE("prison or a conditional discharge without its length is refused", "[notification]") {
  auto prison = notification_period(input("2024-03-15", Disposal::prison));
  CHECK(prison.error ==
        "a prison sentence needs its length in months to set the notification period");
  CHECK_FALSE(prison.indefinite);
  CHECK_FALSE(prison.ends);
  CHECK(notification_period(input("2024-03-15", Disposal::conditional_discharge)).error ==
        "a conditional discharge needs its length in months to set the notification period");
  // Other disposals do not need a length.
  CHECK(notification_period(input("2024-03-15", Disposal::other)).error.empty());
}

TEST_CASE("months outside 1..1200 and ages outside 0..130 are refused", "[notification]") {
  CHECK(notification_period(input("2024-03-15", Disposal::prison, 0)).error ==
        "the length must be a whole number of months from 1 to 1200, not 0");
  CHECK_FALSE(notification_period(input("2024-03-15", Disposal::prison, 1201)).error.empty());
  CHECK_FALSE(notification_period(input("2024-03-15", Disposal::caution, -1)).error.empty());
  CHECK(notification_period(input("2024-03-15", Disposal::caution, {}, -1)).error ==
        "the age must be from 0 to 130 years, not -1");
  CHECK_FALSE(notification_period(input("2024-03-15", Disposal::caution, {}, 131)).error.empty());
  // The limits themselves are accepted.
  CHECK(notification_period(input("2024-03-15", Disposal::prison, 1, 0)).error.empty());
  CHECK(notification_period(input("2024-03-15", Disposal::prison, 1200, 130)).error.empty());
}

TEST_CASE("notification applies while indefinite or up to and including the last day",
          "[notification]") {
  auto caution = notification_period(input("2024-03-15", Disposal::caution));  // to 2026-03-14
  CHECK(notification_applies(caution, d("2026-03-14")));
  CHECK_FALSE(notification_applies(caution, d("2026-03-15")));
  auto life = notification_period(input("2024-03-15", Disposal::prison, 1200));
  CHECK(notification_applies(life, d("2124-01-01")));
  // A period that could not be worked out says nothing applies rather than guessing.
  CHECK_FALSE(notification_applies(notification_period(input("2024-03-15", Disposal::prison)),
                                   d("2024-03-16")));
}

TEST_CASE("the initial notification is due within 3 days beginning with the conviction",
          "[notification]") {
  CHECK(s(initial_notification_deadline(d("2024-03-15"))) == "2024-03-17");
  CHECK(s(initial_notification_deadline(d("2024-02-28"))) == "2024-03-01");  // leap year
  CHECK(s(initial_notification_deadline(d("2023-02-28"))) == "2023-03-02");
  CHECK(s(initial_notification_deadline(d("2023-12-31"))) == "2024-01-02");
}

TEST_CASE("a change is notified within 3 days, not counting custody, hospital or abroad",
          "[notification]") {
  CHECK(s(change_notification_deadline(d("2024-02-28"), 0)) == "2024-03-01");
  // Two days abroad push the deadline back two days.
  CHECK(s(change_notification_deadline(d("2024-02-28"), 2)) == "2024-03-03");
  // A negative count is a data error, not a reason to shorten the time allowed.
  CHECK(s(change_notification_deadline(d("2024-02-28"), -5)) == "2024-03-01");
}

TEST_CASE("periodic notification is yearly, or weekly with no fixed abode", "[notification]") {
  CHECK(s(periodic_notification_due(d("2024-05-10"), false)) == "2025-05-10");
  // A year after 29 February is 28 February.
  CHECK(s(periodic_notification_due(d("2024-02-29"), false)) == "2025-02-28");
  // Weekly: within 7 days beginning with the last notification, so last + 6.
  CHECK(s(periodic_notification_due(d("2024-05-10"), true)) == "2024-05-16");
  CHECK(s(periodic_notification_due(d("2024-12-28"), true)) == "2025-01-03");
}
