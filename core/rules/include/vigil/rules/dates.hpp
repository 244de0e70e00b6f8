// Civil dates and instants, and the calendar arithmetic every deadline is built from.
//
// All arithmetic goes through Howard Hinnant's date library; nothing here counts days by hand.
// Dates are civil dates in Europe/London; instants are UTC. Pure functions, safe from any thread.
#pragma once

#include <date/date.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

using Date = date::year_month_day;
using Instant = date::sys_seconds;

// Strict 'YYYY-MM-DD'; nullopt for anything else, including impossible dates (2023-02-29).
std::optional<Date> parse_date(std::string_view text);
std::string format_date(Date date);

// ISO-8601 instant with 'Z' or a numeric offset ('2024-03-31T00:30:00Z',
// '2024-03-31T01:30:00+01:00', optional fractional seconds, which are dropped).
std::optional<Instant> parse_instant(std::string_view text);
// Always 'YYYY-MM-DDTHH:MM:SSZ', so stored instants sort as text.
std::string format_instant(Instant instant);

// The civil date in Europe/London at that instant (a visit at 23:30 UTC in summer is the next day).
Date london_date(Instant instant);
// The first instant of that civil date in Europe/London.
Instant london_midnight(Date date);
// The civil date today in Europe/London, from the system clock.
Date london_today();

Date add_days(Date date, int days);
// to - from, in days (negative when to is earlier).
int days_between(Date from, Date to);

// The same day N calendar months later; when that day does not exist in the target month, the
// last day of that month (31 Jan + 1 month = 28 Feb, or 29 in a leap year). Visits use this.
Date add_months_clamped(Date date, int months);

// The last day of "N months beginning with day S": the day before the day N calendar months
// after S, where a day that does not exist (30 February) rolls to the first of the next month.
// 15 Jan, 1 month -> 14 Feb; 31 Jan, 1 month -> 28 Feb (29 in a leap year).
Date months_beginning_with(Date start, int months);

// The last day of "within N days beginning with day D": D + N - 1.
Date days_beginning_with(Date start, int days);

}  // namespace vigil
