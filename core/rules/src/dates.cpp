#include "vigil/rules/dates.hpp"

#include <date/tz.h>

#include <charconv>
#include <cstdio>

namespace vigil {
namespace {

// Reads exactly `width` digits at text[pos..]; nullopt unless they are all digits.
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  auto first = text.data() + pos;
  auto last = first + width;
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last) return std::nullopt;
  for (auto p = first; p != last; ++p) {
    if (*p < '0' || *p > '9') return std::nullopt;  // from_chars accepts a leading '-'
  }
  return value;
}

const date::time_zone* london() {
  static const date::time_zone* zone = date::locate_zone("Europe/London");
  return zone;
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = digits(text, 0, 4);
  auto m = digits(text, 5, 2);
  auto d = digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  Date result{date::year{*y}, date::month{static_cast<unsigned>(*m)},
              date::day{static_cast<unsigned>(*d)}};
  if (!result.ok()) return std::nullopt;
  return result;
}

// Formatted from the library's fields: date::format goes through an ostringstream, which costs
// more than a report's whole per-item work.
std::string format_date(Date value) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(value.year()),
                static_cast<unsigned>(value.month()), static_cast<unsigned>(value.day()));
  return text;
}

std::optional<Instant> parse_instant(std::string_view text) {
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  auto day = parse_date(text.substr(0, 10));
  auto hh = digits(text, 11, 2);
  auto mm = digits(text, 14, 2);
  auto ss = digits(text, 17, 2);
  if (!day || !hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 59) return std::nullopt;
  std::size_t pos = 19;
  if (text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return std::nullopt;
  }
  std::chrono::minutes offset{0};
  std::string_view zone = text.substr(pos);
  if (zone == "Z") {
    // UTC
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    auto oh = digits(zone, 1, 2);
    auto om = digits(zone, 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset = std::chrono::hours{*oh} + std::chrono::minutes{*om};
    if (zone[0] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  return Instant{date::sys_days{*day}} + std::chrono::hours{*hh} + std::chrono::minutes{*mm} +
         std::chrono::seconds{*ss} - offset;
}

std::string format_instant(Instant instant) {
  const auto day = date::floor<date::days>(instant);
  const Date civil{day};
  const date::hh_mm_ss<std::chrono::seconds> time{instant - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(civil.year()),
                static_cast<unsigned>(civil.month()), static_cast<unsigned>(civil.day()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text;
}

Date london_date(Instant instant) {
  auto local = date::make_zoned(london(), instant).get_local_time();
  return Date{date::floor<date::days>(local)};
}

Instant london_midnight(Date value) {
  auto local = date::local_days{value};
  // At midnight there is never a gap or overlap in Europe/London (changes happen at 01:00/02:00).
  return date::make_zoned(london(), local, date::choose::earliest).get_sys_time();
}

Date london_today() {
  return london_date(date::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

Date add_days(Date value, int days) {
  return Date{date::sys_days{value} + date::days{days}};
}

int days_between(Date from, Date to) {
  return static_cast<int>((date::sys_days{to} - date::sys_days{from}).count());
}

Date add_months_clamped(Date value, int months) {
  Date later = value + date::months{months};
  if (later.ok()) return later;
  return Date{later.year() / later.month() / date::last};
}

Date months_beginning_with(Date start, int months) {
  Date later = start + date::months{months};
  date::sys_days later_day =
      later.ok() ? date::sys_days{later}  // 30 February does not exist: the later day is 1 March.
                 : date::sys_days{later.year() / later.month() / date::last} + date::days{1};
  return Date{later_day - date::days{1}};
}

Date days_beginning_with(Date start, int days) {
  return add_days(start, days - 1);
}

}  // namespace vigil
