// The periods of a court's orders and of each of their conditions, and how soon a breach of one
// must be followed up (docs/domain.md, "Orders and breaches"). Pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"

namespace vigil {

struct OrderPeriod {
  OrderKind kind = OrderKind::shpo;
  Date made_on;
  std::optional<Date> ends_on;  // nullopt: until further order
};

// One condition (a prohibition or requirement) of an order, with the period it runs.
struct ConditionPeriod {
  std::optional<Date> starts_on;  // nullopt: from the day the order was made
  std::optional<Date> ends_on;    // nullopt: with the order
  bool foreign_travel = false;
  std::optional<Date> renewed_on;  // a foreign-travel prohibition renewed runs anew from here
};

// Why the order's own period is not one the law allows, or nullopt: it ends no earlier than it
// was made, a violent offender order runs 2 to 5 years and a domestic violence protection order
// 14 to 28 days.
std::optional<std::string> order_period_problem(const OrderPeriod& order);

// Why the condition's period is not one the law allows within its order, or nullopt. A condition
// starts no earlier than its order and ends no later; a sexual harm prevention order's
// prohibition runs a fixed period of at least 5 years or until further order; a foreign-travel
// prohibition (of a sexual harm prevention or a sexual risk order) runs a fixed period of at most
// 5 years from its start or its latest renewal; only a foreign-travel prohibition is renewed.
std::optional<std::string> condition_period_problem(const OrderPeriod& order,
                                                    const ConditionPeriod& condition);

// The first and last day the condition is in force; the last is nullopt until further order.
Date condition_first_day(const OrderPeriod& order, const ConditionPeriod& condition);
std::optional<Date> condition_last_day(const OrderPeriod& order, const ConditionPeriod& condition);
bool condition_in_force(const OrderPeriod& order, const ConditionPeriod& condition, Date on);

// A breach of an order is followed up (someone records what was done about it) within this long
// of when it happened; one that is not is flagged for the morning meeting.
inline constexpr std::chrono::hours kBreachFollowUpWithin{24};

// Whether a breach that happened at `occurred_at`, first followed up at `first_follow_up` (nullopt:
// not yet), stands at `now` as not followed up in time: nothing recorded and the time gone by.
bool breach_awaiting_follow_up(Instant occurred_at, std::optional<Instant> first_follow_up,
                               Instant now);

}  // namespace vigil
