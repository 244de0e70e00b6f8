// The suspects report on a real database: which bail periods end within 7 days or have ended and
// who must extend them, which RUI reviews are due, outstanding suspects by priority, and the
// rates per 1,000 arrests (docs/domain.md: pre-charge bail, outstanding suspects).
#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/reports/suspects_report.hpp"

using namespace vigil;

namespace {

struct Cases : ForceDatabase {
  int number = 0;

  std::string bail_case(const std::string& arrested_on, const std::string& status,
                        const std::string& team = "North") {
    const std::string id = base::make_uuid();
    db.prepare(
          "INSERT INTO bail_cases (id, ref, surname, forenames, offence, arrested_on, case_type, "
          "status, team_id) VALUES (?, ?, 'Case', 'A', 'theft', ?, 'standard', ?, ?)")
        .bind_all(id, "BC-" + std::to_string(++number), arrested_on, status, force.team_ids[team])
        .run();
    return id;
  }
  void suspect(const std::string& ref, int harm, const std::string& since,
               std::optional<std::string> circulated, std::optional<std::string> traced) {
    db.prepare(
          "INSERT INTO suspects (id, ref, surname, forenames, offence, harm, outstanding_since, "
          "circulated_on, last_trace_on, team_id) VALUES (?, ?, 'Sus', 'P', 'assault', ?, ?, ?, "
          "?, ?)")
        .bind_all(base::make_uuid(), ref, harm, since, circulated, traced, force.team_ids["North"])
        .run();
  }
};

}  // namespace

TEST_CASE("suspects report: bail ending or ended, with who must extend it", "[suspects][report]") {
  Cases c;
  const Date as_of = *parse_date("2026-11-22");
  // Arrested 2026-08-24: bail starts the 25th; the custody officer's 3 months end 2026-11-24.
  c.bail_case("2026-08-24", "bail");
  // Arrested 2026-07-01, extended by an inspector to 2026-11-20: ended two days ago.
  const std::string lapsed = c.bail_case("2026-07-01", "bail");
  c.db.prepare(
          "INSERT INTO bail_extensions (id, bail_case_id, extended_to, authority, authorised_by, "
          "authorised_on, representations_considered) VALUES (?, ?, '2026-11-20', 'inspector', "
          "'Insp Grey', '2026-09-30', 1)")
      .bind_all(base::make_uuid(), lapsed)
      .run();
  c.bail_case("2026-10-01", "bail");  // ends 2027-01-01: not within 7 days
  c.bail_case("2016-01-01", "bail");  // before 2017: no statutory limit
  const auto report = reports::suspects_report(c.db, as_of, reports::ReportScope{});
  REQUIRE(report.bail.size() == 2);  // the test force's own case ends 2027-02-01: left out
  CHECK(report.bail[0].ref == "BC-2");
  CHECK(report.bail[0].days_left == -2);
  CHECK_FALSE(report.bail[0].extension);  // too late to extend
  CHECK(report.bail[1].ref == "BC-1");
  CHECK(report.bail[1].days_left == 2);
  REQUIRE(report.bail[1].extension);
  CHECK(report.bail[1].extension->authority == BailAuthority::inspector);
  CHECK(format_date(report.bail[1].extension->ends) == "2027-02-24");  // the inspector's 6 months
}

TEST_CASE("suspects report: RUI reviews due, suspects by priority, rates per 1,000 arrests",
          "[suspects][report]") {
  Cases c;
  const Date as_of = *parse_date("2026-11-22");
  const std::string reviewed = c.bail_case("2026-09-01", "rui");
  c.db.prepare(
          "INSERT INTO rui_reviews (id, bail_case_id, reviewed_on) VALUES (?, ?, '2026-10-01')")
      .bind_all(base::make_uuid(), reviewed)
      .run();
  c.bail_case("2026-11-10", "rui");  // review due 2026-12-08: not yet
  c.bail_case("2026-06-01", "charged");
  c.bail_case("2026-06-02", "nfa");
  c.suspect("SUS-A", 1, "2026-11-01", "2026-11-02", "2026-11-21");
  c.suspect("SUS-B", 5, "2026-05-01", std::nullopt, std::nullopt);
  c.suspect("SUS-C", 3, "2026-11-01", "2026-11-01", "2026-11-10");
  const auto report = reports::suspects_report(c.db, as_of, reports::ReportScope{{"North"}});
  REQUIRE(report.rui.size() == 1);
  CHECK(format_date(report.rui[0].due) == "2026-10-29");
  CHECK(report.rui[0].days_overdue == 24);

  // The test force's suspect SUS-1 (harm 2, outstanding since 2026-10-01) is listed too.
  REQUIRE(report.suspects.size() == 4);
  // SUS-1, harm 2, 52 days outstanding, never traced nor circulated: 10 x 8 x 1.58 x 1.75.
  CHECK(report.suspects[0].ref == "SUS-1");
  CHECK(report.suspects[0].priority == 221);
  // SUS-A, harm 1, 21 days, circulated and traced yesterday: 10 x 16 x 1.23.
  CHECK(report.suspects[1].ref == "SUS-A");
  CHECK(report.suspects[1].priority == 197);
  CHECK_FALSE(report.suspects[1].no_trace_flag);
  const auto& b = *std::find_if(report.suspects.begin(), report.suspects.end(),
                                [](const auto& s) { return s.ref == "SUS-B"; });
  CHECK(b.no_trace_flag);
  CHECK(b.days_since_trace == 205);
  CHECK(b.reasons == std::vector<std::string>{"harm 5 (weight 1)", "205 days outstanding (x3.28)",
                                              "no trace activity for 205 days (+50%)",
                                              "not circulated (+25%)"});
  const auto& sc = *std::find_if(report.suspects.begin(), report.suspects.end(),
                                 [](const auto& s) { return s.ref == "SUS-C"; });
  CHECK(sc.no_trace_flag);  // 12 days since the last trace; flagged after 7
  CHECK(sc.days_since_trace == 12);

  // Arrests in the year: the 4 cases here plus the force's own (2026-11-01, on bail).
  CHECK(report.rates.arrests == 5);
  CHECK(report.rates.on_bail == 1);
  CHECK(report.rates.under_investigation == 2);
  CHECK(report.rates.rui_per_1000 == Approx(400.0));
  // South sees its own suspect and none of North's.
  const auto south = reports::suspects_report(c.db, as_of, reports::ReportScope{{"South"}});
  REQUIRE(south.suspects.size() == 1);
  CHECK(south.suspects.front().ref == "SUS-2");
}
