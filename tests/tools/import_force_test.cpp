// A whole force brought in from every file `vigil import` reads, then its reports exported as CSV
// by the real command and checked against counts this test makes on its own from the same data,
// with its own date arithmetic: what was imported is what the reports use.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "run_command.hpp"
#include "temp_dir.hpp"
#include "vigil/base/csv.hpp"

namespace {

namespace chrono = std::chrono;

const std::string kVigil = std::string(VIGIL_BIN_DIR) + "/vigil";

std::string text(chrono::year_month_day day) {
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return out;
}

// The same day some months on, or the last day of that month when it has no such day.
chrono::year_month_day plus_months(chrono::year_month_day day, int months) {
  const auto moved = day + chrono::months(months);
  if (moved.ok()) return moved;
  return chrono::year_month_day_last(moved.year(), chrono::month_day_last(moved.month()));
}

// Rows of a CSV export whose column `column` holds `value`.
int rows_with(const std::string& csv, const std::string& column, const std::string& value) {
  const auto file = vigil::base::read_csv(csv);
  REQUIRE_FALSE(file.records.empty());
  const auto& header = file.records.front().fields;
  const auto at = std::find(header.begin(), header.end(), column) - header.begin();
  int count = 0;
  for (std::size_t i = 1; i < file.records.size(); ++i) {
    if (file.records[i].fields.at(static_cast<std::size_t>(at)) == value) ++count;
  }
  return count;
}

}  // namespace

TEST_CASE(
    "import: a force imported from every file kind; its exported reports agree with an "
    "independent count",
    "[import][linked][force]") {
  TempDir dir;
  const auto csv = dir.path() / "csv";
  std::filesystem::create_directories(csv);
  std::map<std::string, std::string> files;
  const chrono::year_month_day as_of{chrono::year{2024}, chrono::month{12}, chrono::day{1}};
  const char* risks[] = {"low", "medium", "high", "very_high"};
  const int months_by_risk[] = {12, 6, 3, 1};

  files["officers.csv"] =
      "username,name,role,team\nsgt.n,Sgt North,supervisor,North\npc.n,PC North,officer,North\n"
      "sgt.s,Sgt South,supervisor,South\npc.s,PC South,officer,South\n";
  files["nominals.csv"] =
      "ref,surname,forenames,date_of_birth,kind,mappa_category,mappa_level,risk_level,officer,team,"
      "no_fixed_abode,area\n";
  files["assessments.csv"] =
      "nominal_ref,assessed_on,risk_level,assessor,risk_factors,protective_factors\n";
  files["plans.csv"] =
      "nominal_ref,started_on,visit_every_months,double_crewed,unannounced_required,"
      "follows_assessment_on\n";
  files["visits.csv"] = "nominal_ref,occurred_at,announced,outcome,attendees\n";
  files["plan_actions.csv"] =
      "nominal_ref,plan_started_on,description,owner,due_on,status,completed_on,partner_agency\n";
  files["addresses.csv"] = "nominal_ref,kind,line1,postcode,line2,town,area,from_date,to_date\n";
  files["orders.csv"] = "nominal_ref,kind,made_on,ends_on,court\n";
  files["order_conditions.csv"] =
      "nominal_ref,order_kind,order_made_on,text,foreign_travel,starts_on,ends_on,renewed_on\n";
  files["notification_requirements.csv"] =
      "nominal_ref,relevant_date,disposal,months,age_at_relevant\n";

  // Independently: the visits and actions overdue on the as-of date, and every plan's review
  // (every 6 months from a start in January) is overdue.
  int visits_overdue = 0, actions_overdue = 0;
  const int nominals = 40;
  for (int i = 1; i <= nominals; ++i) {
    char ref[16];
    std::snprintf(ref, sizeof ref, "N%03d", i);
    const std::string team = i % 2 == 0 ? "North" : "South";
    const std::string officer = i % 2 == 0 ? "pc.n" : "pc.s";
    const int risk = i % 4;
    files["nominals.csv"] += std::string(ref) + ",Surname" + ref +
                             ",Given,1980-01-01,violent,2,1," + risks[risk] + "," + officer + "," +
                             team + ",no,\n";
    files["assessments.csv"] +=
        std::string(ref) + ",2024-01-10," + risks[risk] + "," + officer + ",Alcohol,Work\n";
    files["plans.csv"] += std::string(ref) + ",2024-01-15,,no,no,2024-01-10\n";
    // Seen every few days from June on: some are due again before the as-of date, some not.
    const auto seen = chrono::sys_days{chrono::year{2024} / chrono::June / 1} + chrono::days(i * 4);
    const chrono::year_month_day seen_on{seen};
    files["visits.csv"] +=
        std::string(ref) + "," + text(seen_on) + "T10:00:00Z,no,seen," + officer + "\n";
    if (plus_months(seen_on, months_by_risk[risk]) < as_of) ++visits_overdue;
    // One action each: due in turn either side of the as-of date, a third of them done.
    const chrono::year_month_day due{chrono::sys_days{as_of} + chrono::days(i % 3 == 0 ? 5 : -i)};
    const bool done = i % 5 == 0;
    files["plan_actions.csv"] += std::string(ref) + ",2024-01-15,Check devices," + officer + "," +
                                 text(due) + "," + (done ? "done,2024-11-01" : "open,") + ",\n";
    if (!done && due < as_of) ++actions_overdue;
    files["addresses.csv"] += std::string(ref) + ",main," + std::to_string(i) +
                              " High Street,AB1 2CD,,Northtown,,2023-01-01,\n";
    if (i % 4 == 0) {
      files["orders.csv"] += std::string(ref) + ",voo,2023-03-01,2026-02-28,Crown Court\n";
      files["order_conditions.csv"] +=
          std::string(ref) + ",voo,2023-03-01,Not to enter the town centre,no,,,\n";
    }
  }
  // Suspects and bail, each a person: their reports count what the files hold.
  files["suspects.csv"] =
      "ref,surname,forenames,offence,harm,outstanding_since,circulated_on,last_trace_on,officer,"
      "team,date_of_birth\n";
  for (int i = 1; i <= 6; ++i) {
    files["suspects.csv"] += "S" + std::to_string(i) + ",Suspect,Sam,burglary," +
                             std::to_string(1 + i % 5) + ",2024-10-01,,,pc.n,North,\n";
  }
  // Arrested 2024-09-01: the custody officer's 3 months end 2024-12-01, the as-of date, so each
  // case on bail ends within 7 days; one extended to 6 months does not.
  files["bail.csv"] =
      "ref,surname,forenames,offence,arrested_on,case_type,status,officer,team,date_of_birth,"
      "suspect_ref\n"
      "B1,Grey,Pat,fraud,2024-09-01,standard,bail,pc.n,North,,S1\n"
      "B2,Grey,Al,fraud,2024-09-01,standard,bail,pc.n,North,,\n"
      "B3,Grey,Jo,fraud,2024-09-01,standard,bail,pc.s,South,,\n";
  files["bail_extensions.csv"] =
      "bail_ref,extended_to,authority,authorised_by,authorised_on,representations_considered\n"
      "B3,2025-03-01,inspector,Insp A. Shah,2024-11-20,yes\n";
  files["bail_conditions.csv"] =
      "bail_ref,kind,detail,victim_views\nB1,no_contact,Not to contact the complainant,\n";
  files["notification_requirements.csv"] += "N004,2020-01-01,other,,40\n";
  // Young people: three met three times or more, five once; referrals, two without feedback.
  files["young_people.csv"] = "number,team,home_area\n";
  files["encounters.csv"] =
      "young_person,ref,occurred_at,place,criminal_exploitation,sexual_exploitation,markers\n";
  int repeat_children = 0;
  for (int child = 1; child <= 8; ++child) {
    const std::string number = "YP-" + std::to_string(child);
    files["young_people.csv"] += number + "," + (child % 2 == 0 ? "North" : "South") + ",\n";
    const int met = child <= 3 ? 2 + child : 1;
    if (met >= 3) ++repeat_children;
    for (int e = 1; e <= met; ++e) {
      files["encounters.csv"] += number + ",E" + std::to_string(child) + "-" + std::to_string(e) +
                                 ",2024-11-0" + std::to_string(e) + "T20:00:00Z,Park,yes,no,\n";
    }
  }
  files["safeguarding_referrals.csv"] =
      "young_person,sent_on,agency,contact_name,concern,acknowledged_on,actioned_on,feedback_on,"
      "officer\n"
      "YP-1,2024-11-02,Children's services,J. Ray,,2024-11-03,,,pc.s\n"
      "YP-2,2024-11-02,Children's services,J. Ray,,,,,pc.n\n"
      "YP-3,2024-11-02,Children's services,J. Ray,,2024-11-03,2024-11-10,2024-11-20,pc.s\n";
  const int referrals_without_feedback = 2;

  for (const auto& [name, content] : files) std::ofstream(csv / name) << content;
  const auto db = (dir.path() / "force.db").string();
  const auto vigil = [&](const std::string& arguments) {
    return run_command(kVigil + " " + arguments, "", dir.path());
  };
  REQUIRE(vigil("init --db '" + db + "'").status == 0);
  const auto imported = vigil("import --db '" + db + "' '" + csv.string() + "'");
  INFO(imported.err);
  REQUIRE(imported.status == 0);
  // A second import of the same files changes nothing: every file's rows unchanged.
  const auto again = vigil("import --db '" + db + "' '" + csv.string() + "' --json");
  REQUIRE(again.status == 0);
  CHECK(again.out.find("\"inserted\":0,\"updated\":0") != std::string::npos);
  CHECK(std::regex_search(again.out, std::regex("\"(inserted|updated)\":[1-9]")) == false);

  const std::string date = " --db '" + db + "' --as-of 2024-12-01 --format csv";
  const auto overdue = vigil("report overdue" + date);
  REQUIRE(overdue.status == 0);
  CHECK(rows_with(overdue.out, "kind", "visit") == visits_overdue);
  CHECK(rows_with(overdue.out, "kind", "plan_review") == nominals);
  CHECK(rows_with(overdue.out, "kind", "action") == actions_overdue);
  CHECK(rows_with(overdue.out, "kind", "assessment") == 0);

  const auto suspects = vigil("report suspects" + date);
  REQUIRE(suspects.status == 0);
  CHECK(rows_with(suspects.out, "section", "suspect") == 6);
  CHECK(rows_with(suspects.out, "section", "bail") == 2);  // B3's extension carries it on

  const auto safeguarding = vigil("report safeguarding" + date);
  REQUIRE(safeguarding.status == 0);
  CHECK(rows_with(safeguarding.out, "section", "referral") == referrals_without_feedback);
  CHECK(rows_with(safeguarding.out, "section", "young_person") == repeat_children);
}
