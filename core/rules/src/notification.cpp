#include "vigil/rules/notification.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace vigil {
namespace {

constexpr int kMaxMonths = kMaxNotificationMonths;
constexpr int kMaxAge = kMaxNotificationAge;
constexpr int kAdultAge = 18;
constexpr int kIndefiniteFromMonths = 30;
constexpr int kReviewAfterYears = 15;
constexpr int kReviewAfterYearsUnder18 = 8;

NotificationPeriod failed(std::string error) {
  NotificationPeriod period;
  period.error = std::move(error);
  return period;
}

// The length of a finite period in months; nullopt when the disposal makes it indefinite.
std::optional<int> finite_months(Disposal disposal, int months) {
  switch (disposal) {
    case Disposal::prison:
      if (months >= kIndefiniteFromMonths) return std::nullopt;
      return months > 6 ? 10 * 12 : 7 * 12;
    case Disposal::hospital_restricted:
      return std::nullopt;
    case Disposal::hospital:
      return 7 * 12;
    case Disposal::caution:
      return 2 * 12;
    case Disposal::conditional_discharge:
      return months;
    case Disposal::other:
      return 5 * 12;
  }
  return 5 * 12;
}

// Half of "N months beginning with start". An odd number of months has no exact half in
// months, so halve the days the full period covers, rounding up so the halved period is never
// shorter than half.
Date halved_end(Date start, int months) {
  if (months % 2 == 0) return months_beginning_with(start, months / 2);
  int days = days_between(start, months_beginning_with(start, months)) + 1;
  return days_beginning_with(start, (days + 1) / 2);
}

}  // namespace

NotificationPeriod notification_period(const NotificationPeriodInput& input) {
  if (input.months && (*input.months < 1 || *input.months > kMaxMonths)) {
    return failed("the length must be a whole number of months from 1 to " +
                  std::to_string(kMaxMonths) + ", not " + std::to_string(*input.months));
  }
  if (input.age && (*input.age < 0 || *input.age > kMaxAge)) {
    return failed("the age must be from 0 to " + std::to_string(kMaxAge) + " years, not " +
                  std::to_string(*input.age));
  }
  if (!input.months && input.disposal == Disposal::prison) {
    return failed("a prison sentence needs its length in months to set the notification period");
  }
  if (!input.months && input.disposal == Disposal::conditional_discharge) {
    return failed(
        "a conditional discharge needs its length in months to set the notification period");
  }
  const bool under_18 = input.age && *input.age < kAdultAge;

  NotificationPeriod period;
  if (auto months = finite_months(input.disposal, input.months.value_or(0))) {
    period.ends = under_18 ? halved_end(input.relevant_date, *months)
                           : months_beginning_with(input.relevant_date, *months);
  } else {
    period.indefinite = true;
    period.review_after_years = under_18 ? kReviewAfterYearsUnder18 : kReviewAfterYears;
  }

  if (input.order_until_further_order) {
    // A review could end the sentence's requirement but not the order's, so no review date.
    period.indefinite = true;
    period.ends.reset();
    period.review_after_years.reset();
  } else if (input.order_ends && period.ends && *input.order_ends > *period.ends) {
    period.ends = input.order_ends;
  }
  return period;
}

bool notification_applies(const NotificationPeriod& period, Date as_of) {
  if (!period.error.empty()) return false;
  if (period.indefinite) return true;
  return period.ends && as_of <= *period.ends;
}

Date initial_notification_deadline(Date conviction_or_release) {
  return days_beginning_with(conviction_or_release, 3);
}

Date change_notification_deadline(Date change_on, int excluded_days) {
  return days_beginning_with(change_on, 3 + std::max(excluded_days, 0));
}

Date periodic_notification_due(Date last_notified_on, bool no_fixed_abode) {
  if (no_fixed_abode) return days_beginning_with(last_notified_on, 7);
  return add_months_clamped(last_notified_on, 12);
}

}  // namespace vigil
