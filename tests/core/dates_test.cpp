#include <catch2/catch.hpp>

#include "civil_dates.hpp"
#include "vigil/rules/dates.hpp"

using namespace vigil;
using vigil::testing::d;
using vigil::testing::s;

TEST_CASE("parse_date accepts only real YYYY-MM-DD dates", "[dates]") {
  CHECK(parse_date("2024-02-29"));
  for (const char* not_a_date :
       {"2023-02-29", "2024-13-01", "2024-04-31", "2024-4-1", "2024-04-01 ", "-024-04-01", ""}) {
    INFO('"' << not_a_date << '"');
    CHECK_FALSE(parse_date(not_a_date));
  }
  CHECK(s(d("2024-02-29")) == "2024-02-29");
}

TEST_CASE("N months beginning with a day end the day before, rolling past missing days",
          "[dates]") {
  CHECK(s(months_beginning_with(d("2024-01-15"), 1)) == "2024-02-14");
  CHECK(s(months_beginning_with(d("2023-01-31"), 1)) == "2023-02-28");
  CHECK(s(months_beginning_with(d("2024-01-31"), 1)) == "2024-02-29");
  CHECK(s(months_beginning_with(d("2024-03-01"), 3)) == "2024-05-31");
  CHECK(s(months_beginning_with(d("2024-02-29"), 12)) == "2025-02-28");
  CHECK(s(months_beginning_with(d("2024-12-31"), 2)) == "2025-02-28");
}

TEST_CASE("within 3 days beginning with D ends at the end of D+2", "[dates]") {
  CHECK(s(days_beginning_with(d("2024-02-28"), 3)) == "2024-03-01");
  CHECK(s(days_beginning_with(d("2023-12-31"), 3)) == "2024-01-02");
}

TEST_CASE("adding calendar months clamps to the last day of a shorter month", "[dates]") {
  CHECK(s(add_months_clamped(d("2023-01-31"), 1)) == "2023-02-28");
  CHECK(s(add_months_clamped(d("2024-01-31"), 1)) == "2024-02-29");
  CHECK(s(add_months_clamped(d("2024-02-29"), 12)) == "2025-02-28");
  CHECK(s(add_months_clamped(d("2024-08-31"), 3)) == "2024-11-30");
  CHECK(s(add_months_clamped(d("2024-05-15"), 6)) == "2024-11-15");
  CHECK(days_between(d("2024-02-28"), d("2024-03-01")) == 2);
  CHECK(days_between(d("2024-03-01"), d("2024-02-28")) == -2);
}

TEST_CASE("instants parse with Z or an offset and print in UTC", "[dates]") {
  CHECK(format_instant(parse_instant("2024-03-31T01:30:00+01:00").value()) ==
        "2024-03-31T00:30:00Z");
  CHECK(format_instant(parse_instant("2024-03-31T00:30:00.250Z").value()) ==
        "2024-03-31T00:30:00Z");
  CHECK_FALSE(parse_instant("2024-03-31T00:30:00"));
  CHECK_FALSE(parse_instant("2024-03-31 00:30:00Z"));
  CHECK_FALSE(parse_instant("2024-02-30T00:30:00Z"));
  CHECK_FALSE(parse_instant("2024-03-31T24:00:00Z"));
}

TEST_CASE("the civil date of an instant is London's, across both clock changes", "[dates][bst]") {
  // British Summer Time starts at 01:00 UTC on 31 March 2024 and ends at 01:00 UTC on 27 October.
  CHECK(s(london_date(parse_instant("2024-03-30T23:59:59Z").value())) == "2024-03-30");
  CHECK(s(london_date(parse_instant("2024-03-31T00:30:00Z").value())) == "2024-03-31");
  CHECK(s(london_date(parse_instant("2024-06-30T22:59:59Z").value())) == "2024-06-30");
  CHECK(s(london_date(parse_instant("2024-06-30T23:00:00Z").value())) == "2024-07-01");
  CHECK(s(london_date(parse_instant("2024-10-26T23:30:00Z").value())) == "2024-10-27");
  CHECK(s(london_date(parse_instant("2024-10-27T23:30:00Z").value())) == "2024-10-27");
  CHECK(format_instant(london_midnight(d("2024-07-01"))) == "2024-06-30T23:00:00Z");
  CHECK(format_instant(london_midnight(d("2024-12-01"))) == "2024-12-01T00:00:00Z");
}

TEST_CASE("dates and instants print in their one stored form", "[dates]") {
  CHECK(s(d("0999-01-05")) == "0999-01-05");
  CHECK(s(d("2024-12-31")) == "2024-12-31");
  CHECK(format_instant(parse_instant("2024-02-29T23:59:59Z").value()) == "2024-02-29T23:59:59Z");
  CHECK(format_instant(parse_instant("1969-12-31T23:00:00Z").value()) == "1969-12-31T23:00:00Z");
  CHECK(format_instant(parse_instant("2024-01-01T00:00:00+01:00").value()) ==
        "2023-12-31T23:00:00Z");
}
