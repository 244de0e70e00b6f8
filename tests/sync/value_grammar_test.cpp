// The one grammar of a field's value (read_value), which a push, the tablet and `vigil import`
// all read values with: what each type takes, its stored form, and the sentence for each thing
// wrong, naming the value by the door's own label.
#include <catch2/catch.hpp>

#include "vigil/base/error.hpp"
#include "vigil/sync/entities.hpp"

using namespace vigil;
using namespace vigil::sync;

namespace {

std::string problem(std::string_view entity, std::string_view field,
                    std::optional<std::string_view> text, std::string_view label = {}) {
  return read_value(field_of(entity, field), text, label).problem.value_or("<none>");
}

StoredValue stored(std::string_view entity, std::string_view field, std::string_view text) {
  auto value = read_value(field_of(entity, field), text);
  REQUIRE_FALSE(value.problem);
  return value.stored;
}

}  // namespace

TEST_CASE("every door reads a value with the entity table's grammar, in one sentence",
          "[sync][grammar]") {
  CHECK(problem("nominal", "risk_level", "extreme") ==
        "risk_level 'extreme' is not one of low|medium|high|very_high");
  CHECK(problem("nominal", "risk_level", "") ==
        "risk_level is empty; it must be one of low|medium|high|very_high");
  CHECK(problem("nominal", "date_of_birth", "2023-02-30") ==
        "date_of_birth '2023-02-30' is not a real date (YYYY-MM-DD)");
  CHECK(problem("nominal", "date_of_birth", "") ==
        "date_of_birth is empty; it must be a date (YYYY-MM-DD)");
  CHECK(problem("visit", "occurred_at", "2024-02-03 10:00") ==
        "occurred_at '2024-02-03 10:00' is not an ISO-8601 instant with a time zone (e.g. "
        "2024-01-05T10:00:00Z)");
  CHECK(problem("visit", "announced", "maybe") == "announced 'maybe' must be yes or no");
  CHECK(problem("visit", "announced", "") == "announced is empty; it must be yes or no");
  CHECK(problem("suspect", "harm", "7") == "harm '7' must be a whole number from 1 to 5");
  CHECK(problem("suspect", "harm", "2.5") == "harm '2.5' must be a whole number from 1 to 5");
  CHECK(problem("nominal", "surname", "") == "surname is empty; it must have a value");
  CHECK(problem("nominal", "team", "") == "team is empty; it must have a value");
  CHECK(problem("visit", "attendees", "") == "attendees must name at least one officer");
  CHECK(problem("nominal", "surname", std::nullopt) == "surname cannot be null");
  // The door names the value its own way: a CLI option, an import column.
  CHECK(problem("plan", "visit_every_months", "0", "--months") ==
        "--months '0' must be a whole number from 1 to 120");
  // A long value is quoted short, so one bad cell cannot flood the sentence.
  CHECK(problem("nominal", "risk_level", std::string(100, 'r')) ==
        "risk_level '" + std::string(40, 'r') + "...' is not one of low|medium|high|very_high");
}

TEST_CASE("a value's stored form: canonical dates and instants, 0/1, whole numbers",
          "[sync][grammar]") {
  CHECK(stored("visit", "occurred_at", "2026-11-18T10:30:00+01:00") ==
        StoredValue(std::string("2026-11-18T09:30:00Z")));
  CHECK(stored("visit", "announced", "yes") == StoredValue(1LL));
  CHECK(stored("nominal", "no_fixed_abode", "no") == StoredValue(0LL));
  CHECK(stored("suspect", "harm", "5") == StoredValue(5LL));
  CHECK(stored("nominal", "date_of_birth", "1980-02-29") == StoredValue(std::string("1980-02-29")));
}

TEST_CASE("what may be left empty: a person known by one name, an optional date or officer",
          "[sync][grammar]") {
  // Forenames must be sent but may be empty at every door (the import always took one-name
  // people); the column holds '' then, never NULL.
  for (const char* entity : {"nominal", "suspect", "bail_case"}) {
    const FieldSpec& forenames = field_of(entity, "forenames");
    CHECK(forenames.required);
    CHECK_FALSE(read_value(forenames, "").problem);
    CHECK(read_value(forenames, "").stored == StoredValue(std::string()));
  }
  CHECK(takes_null(field_of("suspect", "circulated_on")));
  CHECK(takes_null(field_of("nominal", "officer")));
  CHECK_FALSE(takes_null(field_of("nominal", "surname")));  // '' is its "nothing"
  CHECK(read_value(field_of("suspect", "circulated_on"), std::nullopt).stored ==
        StoredValue(std::monostate{}));
  CHECK_THROWS_AS(field_of("nominal", "shoe_size"), Error);
}
