#include "vigil/rules/orders.hpp"

#include <array>
#include <string_view>

namespace vigil {

namespace {

// The longest a foreign-travel prohibition runs before the court must renew it, and the shortest
// fixed period of a sexual harm prevention order's other prohibitions: five years.
constexpr int kFiveYears = 60;

// Each kind of order in words, in the order of OrderKind.
constexpr std::array<std::string_view, EnumNames<OrderKind>::names.size()> kKindNames{
    "a sexual harm prevention order",
    "a sexual risk order",
    "a violent offender order",
    "a stalking protection order",
    "a domestic violence protection order",
    "a criminal behaviour order"};

std::string kind_name(OrderKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kKindNames.size() ? std::string(kKindNames[i]) : "an order";
}

}  // namespace

std::optional<std::string> order_period_problem(const OrderPeriod& order) {
  if (order.ends_on && *order.ends_on < order.made_on) {
    return "the order ends on " + format_date(*order.ends_on) + ", before it was made on " +
           format_date(order.made_on);
  }
  // A violent offender order: at least 2 and at most 5 years (Criminal Justice and Immigration
  // Act 2008, s.98(5)); a domestic violence protection order: 14 to 28 days beginning with the day
  // it is made (Crime and Security Act 2010, s.28(10)).
  struct Bounds {
    OrderKind kind;
    Date shortest, longest;
    const char* words;
  };
  const Bounds bounds[] = {
      {OrderKind::voo, months_beginning_with(order.made_on, 24),
       months_beginning_with(order.made_on, kFiveYears), "runs 2 to 5 years"},
      {OrderKind::dvpo, days_beginning_with(order.made_on, 14),
       days_beginning_with(order.made_on, 28), "runs 14 to 28 days"},
  };
  for (const auto& b : bounds) {
    if (b.kind != order.kind) continue;
    if (!order.ends_on) {
      return kind_name(order.kind) + " " + b.words + ", so it needs an end date";
    }
    if (*order.ends_on < b.shortest || *order.ends_on > b.longest) {
      return kind_name(order.kind) + " " + b.words + ": made on " + format_date(order.made_on) +
             ", it ends between " + format_date(b.shortest) + " and " + format_date(b.longest) +
             ", not on " + format_date(*order.ends_on);
    }
  }
  return std::nullopt;
}

Date condition_first_day(const OrderPeriod& order, const ConditionPeriod& condition) {
  return condition.starts_on.value_or(order.made_on);
}

std::optional<Date> condition_last_day(const OrderPeriod& order, const ConditionPeriod& condition) {
  return condition.ends_on ? condition.ends_on : order.ends_on;
}

bool condition_in_force(const OrderPeriod& order, const ConditionPeriod& condition, Date on) {
  auto last = condition_last_day(order, condition);
  return condition_first_day(order, condition) <= on && (!last || on <= *last);
}

std::optional<std::string> condition_period_problem(const OrderPeriod& order,
                                                    const ConditionPeriod& condition) {
  const Date first = condition_first_day(order, condition);
  const auto last = condition_last_day(order, condition);
  if (first < order.made_on) {
    return "the condition starts on " + format_date(first) + ", before its order was made on " +
           format_date(order.made_on);
  }
  if (condition.ends_on && *condition.ends_on < first) {
    return "the condition ends on " + format_date(*condition.ends_on) + ", before it starts on " +
           format_date(first);
  }
  if (order.ends_on && first > *order.ends_on) {
    return "the condition starts on " + format_date(first) + ", after its order ends on " +
           format_date(*order.ends_on);
  }
  if (condition.ends_on && order.ends_on && *condition.ends_on > *order.ends_on) {
    return "the condition ends on " + format_date(*condition.ends_on) +
           ", after its order ends on " + format_date(*order.ends_on);
  }
  if (condition.renewed_on && !condition.foreign_travel) {
    return "only a foreign-travel prohibition is renewed; this condition is not one";
  }
  if (condition.renewed_on && *condition.renewed_on < first) {
    return "the prohibition is renewed on " + format_date(*condition.renewed_on) +
           ", before it starts on " + format_date(first);
  }
  const bool sexual_harm_order = order.kind == OrderKind::shpo || order.kind == OrderKind::sro;
  if (condition.foreign_travel && sexual_harm_order) {
    // Sentencing Act 2020 s.348 and Sexual Offences Act 2003 s.122D: a fixed period of not more
    // than five years, which the court may extend.
    const Date from = condition.renewed_on.value_or(first);
    const Date longest = months_beginning_with(from, kFiveYears);
    if (!last) {
      return "a foreign-travel prohibition runs a fixed period of at most 5 years, so it needs an "
             "end date (at the latest " +
             format_date(longest) + ")";
    }
    if (*last > longest) {
      return "a foreign-travel prohibition runs at most 5 years: from " + format_date(from) +
             " it ends on " + format_date(longest) + " at the latest, not " + format_date(*last) +
             "; a longer one is a renewal";
    }
    return std::nullopt;
  }
  if (order.kind == OrderKind::shpo && last) {
    // Sentencing Act 2020 s.347: each prohibition a fixed period of not less than five years, or
    // until further order.
    const Date shortest = months_beginning_with(first, kFiveYears);
    if (*last < shortest) {
      return "a sexual harm prevention order's prohibition runs at least 5 years or until further "
             "order: from " +
             format_date(first) + " it ends on " + format_date(shortest) +
             " at the earliest, not " + format_date(*last);
    }
  }
  return std::nullopt;
}

bool breach_awaiting_follow_up(Instant occurred_at, std::optional<Instant> first_follow_up,
                               Instant now) {
  return !first_follow_up && now - occurred_at > kBreachFollowUpWithin;
}

}  // namespace vigil
