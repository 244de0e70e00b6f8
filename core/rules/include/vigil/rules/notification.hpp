// Notification by registered sex offenders: how long the notification requirements last, and
// the deadlines for the initial, change and periodic notifications (docs/domain.md, "Notification
// by registered sex offenders").
//
// Pure functions over plain values: the tablet and the server call the same code, so derived
// status is computed, never stored. They throw nothing and are safe from any thread.
#pragma once

#include <optional>
#include <string>

#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"

namespace vigil {

// The inputs' ranges: a prison term or conditional discharge of 1 to kMaxNotificationMonths
// months (100 years, longer than any real one), an age of 0 to kMaxNotificationAge years.
inline constexpr int kMaxNotificationMonths = 1200;
inline constexpr int kMaxNotificationAge = 130;

struct NotificationPeriodInput {
  Date relevant_date;  // the date of conviction or caution
  Disposal disposal;
  std::optional<int> months;  // prison term or length of the conditional discharge (1..1200)
  std::optional<int> age;     // age on the relevant date (0..130); unknown is taken as adult
  // A sexual harm prevention order extends the period to the order's end.
  std::optional<Date> order_ends;
  bool order_until_further_order = false;
};

struct NotificationPeriod {
  bool indefinite = false;
  std::optional<Date> ends;               // the last day notification applies, when finite
  std::optional<int> review_after_years;  // indefinite periods only, except under an order
  std::string error;  // one sentence when the input is incomplete or out of range; else empty
};

// prison of 30 months or more (life included) or hospital_restricted: indefinite, review after
// 15 years (8 under 18); prison over 6 and under 30 months: 10 years; prison of 6 months or
// less or hospital: 7 years; caution: 2 years; conditional_discharge: its months; other: 5
// years. Each period is "N months beginning with" the relevant date. Finite periods are halved
// under 18: an even number of months exactly, an odd number by the days the full period covers,
// rounded up. An order that ends later extends the period to its end; an order until further
// order makes it indefinite with no review date (the order keeps it in force whatever a review
// decides).
NotificationPeriod notification_period(const NotificationPeriodInput& input);

// Indefinite, or as_of <= ends. False when the period could not be worked out (error set).
bool notification_applies(const NotificationPeriod& period, Date as_of);

// Within 3 days beginning with the conviction, caution or release.
Date initial_notification_deadline(Date conviction_or_release);

// Within 3 days beginning with the change, plus the days in custody, in hospital or abroad in
// that time (excluded_days; a negative count is taken as none).
Date change_notification_deadline(Date change_on, int excluded_days);

// Within one year of the last notification of any kind (the same day a year later, or 28
// February for 29 February); with no sole or main residence, weekly: within 7 days beginning
// with the last notification.
Date periodic_notification_due(Date last_notified_on, bool no_fixed_abode);

}  // namespace vigil
