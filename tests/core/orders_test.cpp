#include <catch2/catch.hpp>

#include <optional>
#include <string>

#include "civil_dates.hpp"
#include "vigil/rules/orders.hpp"

using namespace vigil;
using vigil::testing::d;

namespace {

OrderPeriod order(OrderKind kind, const char* made_on, const char* ends_on = nullptr) {
  return {kind, d(made_on), ends_on ? std::optional<Date>(d(ends_on)) : std::nullopt};
}

ConditionPeriod condition(const char* starts_on, const char* ends_on, bool foreign_travel = false,
                          const char* renewed_on = nullptr) {
  auto date_or_none = [](const char* text) {
    return text ? std::optional<Date>(d(text)) : std::nullopt;
  };
  return {date_or_none(starts_on), date_or_none(ends_on), foreign_travel, date_or_none(renewed_on)};
}

// The problem's text, or "" when the period is lawful: a whole sentence compares in one CHECK.
std::string problem(const OrderPeriod& o, const ConditionPeriod& c) {
  return condition_period_problem(o, c).value_or("");
}

}  // namespace

TEST_CASE(
    "A sexual harm prevention order's prohibition runs at least five years or until "
    "further order") {
  const auto shpo = order(OrderKind::shpo, "2024-03-01");
  // Five years beginning with 2024-03-01 end on 2029-02-28.
  CHECK(problem(shpo, condition(nullptr, "2029-02-28")).empty());
  CHECK(problem(shpo, condition(nullptr, nullptr)).empty());
  CHECK(problem(shpo, condition(nullptr, "2029-02-27")) ==
        "a sexual harm prevention order's prohibition runs at least 5 years or until further "
        "order: from 2024-03-01 it ends on 2029-02-28 at the earliest, not 2029-02-27");
  // A prohibition added later counts its five years from its own start.
  CHECK(problem(shpo, condition("2025-06-10", "2030-06-08")) ==
        "a sexual harm prevention order's prohibition runs at least 5 years or until further "
        "order: from 2025-06-10 it ends on 2030-06-09 at the earliest, not 2030-06-08");
  // Without an end of its own it lasts as the order does: an order ending too soon is caught.
  CHECK_FALSE(
      problem(order(OrderKind::shpo, "2024-03-01", "2026-01-01"), condition(nullptr, nullptr))
          .empty());
}

TEST_CASE("A foreign-travel prohibition runs at most five years and is renewed") {
  const auto shpo = order(OrderKind::shpo, "2024-03-01");
  CHECK(problem(shpo, condition(nullptr, "2029-02-28", true)).empty());
  // Shorter than five years is lawful for a travel ban, unlike the order's other prohibitions.
  CHECK(problem(shpo, condition(nullptr, "2025-03-01", true)).empty());
  CHECK(problem(shpo, condition(nullptr, "2029-03-01", true)) ==
        "a foreign-travel prohibition runs at most 5 years: from 2024-03-01 it ends on 2029-02-28 "
        "at the latest, not 2029-03-01; a longer one is a renewal");
  CHECK(problem(shpo, condition(nullptr, nullptr, true)) ==
        "a foreign-travel prohibition runs a fixed period of at most 5 years, so it needs an end "
        "date (at the latest 2029-02-28)");
  // Renewed in 2028, it may run five years from the renewal.
  CHECK(problem(shpo, condition(nullptr, "2033-01-09", true, "2028-01-10")).empty());
  CHECK_FALSE(problem(shpo, condition(nullptr, "2033-01-10", true, "2028-01-10")).empty());
  // A sexual risk order's travel ban has the same bound.
  CHECK_FALSE(
      problem(order(OrderKind::sro, "2024-03-01"), condition(nullptr, "2030-01-01", true)).empty());
  CHECK(problem(shpo, condition(nullptr, nullptr, false, "2025-01-01")) ==
        "only a foreign-travel prohibition is renewed; this condition is not one");
}

TEST_CASE("A condition runs within its order") {
  const auto sro = order(OrderKind::sro, "2024-03-01", "2026-02-28");
  CHECK(problem(sro, condition("2024-02-28", nullptr)) ==
        "the condition starts on 2024-02-28, before its order was made on 2024-03-01");
  CHECK(problem(sro, condition(nullptr, "2026-03-01")) ==
        "the condition ends on 2026-03-01, after its order ends on 2026-02-28");
  CHECK(problem(sro, condition("2025-01-01", "2024-12-31")) ==
        "the condition ends on 2024-12-31, before it starts on 2025-01-01");
  CHECK(problem(sro, condition("2025-01-01", "2025-12-31")).empty());
  // Starting after the order has ended, it would never be in force.
  CHECK(problem(sro, condition("2026-03-01", nullptr)) ==
        "the condition starts on 2026-03-01, after its order ends on 2026-02-28");
}

TEST_CASE("A condition is in force from its first to its last day") {
  const auto shpo = order(OrderKind::shpo, "2024-03-01");
  const auto travel = condition("2024-04-01", "2025-03-31", true);
  CHECK_FALSE(condition_in_force(shpo, travel, d("2024-03-31")));
  CHECK(condition_in_force(shpo, travel, d("2024-04-01")));
  CHECK(condition_in_force(shpo, travel, d("2025-03-31")));
  CHECK_FALSE(condition_in_force(shpo, travel, d("2025-04-01")));
  // Until further order: in force from the order's making on.
  CHECK(condition_in_force(shpo, condition(nullptr, nullptr), d("2090-01-01")));
  CHECK(condition_last_day(order(OrderKind::sro, "2024-01-01", "2026-01-01"),
                           condition(nullptr, nullptr)) == d("2026-01-01"));
}

TEST_CASE("The law bounds a violent offender order and a domestic violence protection order") {
  CHECK_FALSE(order_period_problem(order(OrderKind::voo, "2024-01-15", "2026-01-14")));
  CHECK_FALSE(order_period_problem(order(OrderKind::voo, "2024-01-15", "2029-01-14")));
  CHECK(order_period_problem(order(OrderKind::voo, "2024-01-15", "2026-01-13")).value_or("") ==
        "a violent offender order runs 2 to 5 years: made on 2024-01-15, it ends between "
        "2026-01-14 and 2029-01-14, not on 2026-01-13");
  CHECK(order_period_problem(order(OrderKind::voo, "2024-01-15")).value_or("") ==
        "a violent offender order runs 2 to 5 years, so it needs an end date");
  CHECK_FALSE(order_period_problem(order(OrderKind::dvpo, "2024-05-01", "2024-05-28")));
  CHECK(order_period_problem(order(OrderKind::dvpo, "2024-05-01", "2024-05-29")));
  CHECK(order_period_problem(order(OrderKind::dvpo, "2024-05-01", "2024-05-13")));
  CHECK(order_period_problem(order(OrderKind::cbo, "2024-05-01", "2024-04-30")).value_or("") ==
        "the order ends on 2024-04-30, before it was made on 2024-05-01");
  CHECK_FALSE(order_period_problem(order(OrderKind::shpo, "2024-05-01")));
}

TEST_CASE("A breach not followed up within 24 hours is awaiting follow-up") {
  const Instant breach = *parse_instant("2024-06-01T22:00:00Z");
  CHECK_FALSE(
      breach_awaiting_follow_up(breach, std::nullopt, *parse_instant("2024-06-02T22:00:00Z")));
  CHECK(breach_awaiting_follow_up(breach, std::nullopt, *parse_instant("2024-06-02T22:00:01Z")));
  CHECK_FALSE(breach_awaiting_follow_up(breach, *parse_instant("2024-06-03T09:00:00Z"),
                                        *parse_instant("2024-06-05T00:00:00Z")));
}
