#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "database_dump.hpp"
#include "queries.hpp"
#include "temp_dir.hpp"
#include "vigil/base/progress.hpp"
#include "vigil/reports/suspects_report.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/store/store.hpp"
#include "vigil/store/team_facts.hpp"
#include "vigil/tools/import.hpp"

using namespace vigil;
using backoffice::ImportProblem;
using backoffice::ImportResult;

namespace {

// A migrated database and a directory of CSV files to import from.
class ImportFixture {
 public:
  ImportFixture() : db_(dir_.path() / "vigil.db") {
    store::migrate(db_);
    std::filesystem::create_directories(csv_dir());
  }

  store::Database& db() { return db_; }
  std::filesystem::path csv_dir() const { return dir_.path() / "csv"; }

  void write(const std::string& file, const std::string& text) {
    std::ofstream out(csv_dir() / file, std::ios::binary | std::ios::trunc);
    out << text;
  }
  void remove(const std::string& file) { std::filesystem::remove(csv_dir() / file); }

  ImportResult run() { return run(csv_dir()); }
  ImportResult run(const std::filesystem::path& dir) {
    base::Progress progress(false);
    return backoffice::import_directory(db_, dir, progress);
  }

  std::int64_t count(const std::string& sql) { return count_of(db_, sql); }
  std::string text(const std::string& sql, const std::string& parameter) {
    return text_of(db_, sql, parameter);
  }

  std::string dump() { return dump_database(db_); }

 private:
  TempDir dir_;
  store::Database db_;
};

const std::string kOfficers =
    "username,name,role,team\n"
    "asmith,Alice Smith,officer,North\n"
    "bjones,Bob Jones,supervisor,North\n"
    "cwhite,Carol White,officer,South\n";

const std::string kNominalsHeader =
    "ref,surname,forenames,date_of_birth,kind,mappa_category,mappa_level,risk_level,officer,team,"
    "no_fixed_abode,area\n";
const std::string kNominals = kNominalsHeader +
                              "N1,Brown,\"Jim, James\",1980-05-01,rso,1,1,high,asmith,North,no,\n"
                              "N2,Green,Ann,1975-12-31,pdp,,2,medium,,South,yes,Riverside\n";

const std::string kAssessments =
    "nominal_ref,assessed_on,risk_level,assessor\n"
    "N1,2024-01-10,high,bjones\n";

const std::string kPlans =
    "nominal_ref,started_on,visit_every_months,double_crewed\n"
    "N1,2024-01-15,3,yes\n"
    "N2,2024-02-01,,no\n";

const std::string kVisitsHeader = "nominal_ref,occurred_at,announced,outcome,attendees\n";
const std::string kVisits = kVisitsHeader +
                            "N1,2024-02-01T10:00:00Z,no,seen,asmith;bjones\n"
                            "N2,2024-03-01T11:30:00+01:00,yes,no_answer,cwhite\n";

const std::string kSuspectsHeader =
    "ref,surname,forenames,offence,harm,outstanding_since,circulated_on,last_trace_on,officer,"
    "team\n";
const std::string kSuspects =
    kSuspectsHeader + "S1,Black,Sam,burglary,2,2024-01-01,2024-01-05,,asmith,North\n";

const std::string kBail =
    "ref,surname,forenames,offence,arrested_on,case_type,status,officer,team\n"
    "B1,Grey,Pat,fraud,2024-03-01,serious_fraud,bail,,South\n";

void write_all_files(ImportFixture& fixture) {
  fixture.write("officers.csv", kOfficers);
  fixture.write("nominals.csv", kNominals);
  fixture.write("assessments.csv", kAssessments);
  fixture.write("plans.csv", kPlans);
  fixture.write("visits.csv", kVisits);
  fixture.write("suspects.csv", kSuspects);
  fixture.write("bail.csv", kBail);
}

std::string describe(const std::vector<ImportProblem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    out += p.file + ":" + std::to_string(p.line) + ": " + p.reason + "\n";
  }
  return out;
}

void require_ok(const ImportResult& result) {
  INFO(describe(result.problems));
  REQUIRE(result.ok());
}

// Importing the same files again writes nothing, and counts every row unchanged.
void require_unchanged_by_import_again(ImportFixture& fixture, const std::string& dump) {
  auto again = fixture.run();
  require_ok(again);
  CHECK(fixture.dump() == dump);
  for (const auto& [file, counts] : again.counts) {
    INFO(file);
    CHECK(counts.inserted == 0);
    CHECK(counts.updated == 0);
    CHECK(counts.unchanged == counts.rows);
  }
}

}  // namespace

TEST_CASE("import: a clean directory of all seven files lands in full", "[import]") {
  ImportFixture fixture;
  write_all_files(fixture);
  auto result = fixture.run();
  require_ok(result);

  CHECK(result.counts.size() == 7);
  CHECK(result.counts.at("officers.csv").rows == 3);
  CHECK(result.counts.at("officers.csv").inserted == 3);
  CHECK(result.counts.at("nominals.csv").inserted == 2);
  CHECK(result.counts.at("visits.csv").inserted == 2);
  CHECK(result.counts.at("bail.csv").inserted == 1);

  CHECK(fixture.count("SELECT count(*) FROM teams") == 2);
  CHECK(fixture.count("SELECT count(*) FROM officers WHERE password_hash IS NULL") == 3);
  CHECK(fixture.count(
            "SELECT count(*) FROM officers WHERE created_at LIKE '____-__-__T__:__:__Z'") == 3);
  CHECK(fixture.count("SELECT count(*) FROM team_supervisors ts JOIN officers o ON o.id = "
                      "ts.officer_id JOIN teams t ON t.id = ts.team_id "
                      "WHERE o.username = 'bjones' AND t.name = 'North'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM team_supervisors") == 1);
  CHECK(fixture.text("SELECT t.name FROM officers o JOIN teams t ON t.id = o.team_id "
                     "WHERE o.username = ?",
                     "cwhite") == "South");

  CHECK(fixture.text("SELECT forenames FROM nominals WHERE ref = ?", "N1") == "Jim, James");
  CHECK(fixture.count("SELECT count(*) FROM nominals WHERE ref = 'N2' AND mappa_category IS NULL "
                      "AND officer_id IS NULL AND no_fixed_abode = 1 AND area = 'Riverside' "
                      "AND kind = 'pdp' AND mappa_level = 2") == 1);
  CHECK(fixture.text("SELECT o.username FROM nominals n JOIN officers o ON o.id = n.officer_id "
                     "WHERE n.ref = ?",
                     "N1") == "asmith");

  CHECK(fixture.count("SELECT count(*) FROM assessments a JOIN officers o ON o.id = a.assessor_id "
                      "WHERE o.username = 'bjones' AND a.risk_level = 'high' "
                      "AND a.assessed_on = '2024-01-10'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM plans WHERE visit_every_months IS NULL "
                      "AND double_crewed = 0 AND started_on = '2024-02-01'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM plans WHERE visit_every_months = 3 "
                      "AND double_crewed = 1") == 1);

  // Instants are stored in UTC; the spreadsheet's time is also when the visit was recorded.
  CHECK(fixture.count("SELECT count(*) FROM visits WHERE occurred_at = '2024-03-01T10:30:00Z' "
                      "AND recorded_at = occurred_at AND received_at IS NOT NULL "
                      "AND announced = 1 AND outcome = 'no_answer'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM visit_attendees") == 3);
  CHECK(fixture.text("SELECT o.username FROM visits v JOIN officers o ON o.id = v.recorded_by "
                     "WHERE v.occurred_at = ?",
                     "2024-02-01T10:00:00Z") == "asmith");
  CHECK(fixture.count("SELECT count(*) FROM visit_attendees va JOIN visits v ON v.id = "
                      "va.visit_id WHERE v.occurred_at = '2024-02-01T10:00:00Z'") == 2);
  // The reports read the visits from their copy kept by team, with each visit's crew.
  CHECK(fixture.count("SELECT crew FROM team_visits WHERE occurred_at = "
                      "'2024-02-01T10:00:00Z'") == 2);
  CHECK(store::team_fact_differences(fixture.db()).empty());

  CHECK(fixture.count("SELECT count(*) FROM suspects WHERE ref = 'S1' AND harm = 2 "
                      "AND circulated_on = '2024-01-05' AND last_trace_on IS NULL") == 1);
  CHECK(fixture.count("SELECT count(*) FROM bail_cases WHERE ref = 'B1' AND officer_id IS NULL "
                      "AND case_type = 'serious_fraud' AND status = 'bail'") == 1);

  CHECK(fixture.count("SELECT count(*) FROM audit_log WHERE action = 'import' "
                      "AND entity = 'import' AND reason LIKE '%nominals.csv 2 rows%'") == 1);
}

namespace {

// The header rows of the files that hang from the seven, each written with other rows below.
const std::string kOrdersHeader = "nominal_ref,kind,made_on,ends_on,court\n";
const std::string kOrderConditionsHeader =
    "nominal_ref,order_kind,order_made_on,text,foreign_travel,starts_on,ends_on,renewed_on\n";
const std::string kPlanActionsHeader =
    "nominal_ref,plan_started_on,description,owner,due_on,status,completed_on,partner_agency\n";
const std::string kBailExtensionsHeader =
    "bail_ref,extended_to,authority,authorised_by,authorised_on,representations_considered\n";
const std::string kYoungPeopleHeader = "number,team,home_area\n";
const std::string kEncountersHeader =
    "young_person,ref,occurred_at,place,criminal_exploitation,sexual_exploitation,markers\n";
const std::string kSafeguardingReferralsHeader =
    "young_person,sent_on,agency,contact_name,concern,acknowledged_on,actioned_on,feedback_on,"
    "officer\n";

// The files whose records hang from a nominal, an order, a plan or a bail case, on top of the
// seven: every record kind a force keeps in its spreadsheets.
void write_linked_files(ImportFixture& fixture) {
  fixture.write("assessments.csv",
                "nominal_ref,assessed_on,risk_level,assessor,risk_factors,protective_factors\n"
                "N1,2024-01-10,high,bjones,Contact with children; alcohol,Stable job\n");
  fixture.write("plans.csv",
                "nominal_ref,started_on,visit_every_months,double_crewed,unannounced_required,"
                "follows_assessment_on\n"
                "N1,2024-01-15,3,yes,yes,2024-01-10\n"
                "N2,2024-02-01,,no,,\n");
  fixture.write("addresses.csv",
                "nominal_ref,kind,line1,postcode,line2,town,area,from_date,to_date\n"
                "N1,main,1 High Street,AB1 2CD,,Northtown,Riverside,2023-06-01,\n"
                "N2,no_fixed_abode,,,,,Riverside,2024-01-01,\n");
  fixture.write("orders.csv", kOrdersHeader +
                                  "N1,shpo,2023-05-10,,Northtown Crown Court\n"
                                  "N2,voo,2024-01-05,2026-01-04,Southtown Magistrates' Court\n");
  fixture.write(
      "order_conditions.csv",
      kOrderConditionsHeader +
          "N1,shpo,2023-05-10,Not to have unsupervised contact with any child under 16,no,,,\n"
          "N1,shpo,2023-05-10,Not to travel outside the United Kingdom,yes,,2028-05-09,\n"
          "N2,voo,2024-01-05,Not to enter the named licensed premises,no,,,\n");
  fixture.write("plan_actions.csv",
                kPlanActionsHeader +
                    "N1,2024-01-15,Check devices monthly,asmith,2024-02-15,done,2024-02-10,\n"
                    "N1,2024-01-15,Refer to the treatment programme,,2024-03-01,open,,Probation "
                    "Service\n");
  fixture.write("notification_requirements.csv",
                "nominal_ref,relevant_date,disposal,months,age_at_relevant\n"
                "N1,2022-11-01,prison,36,41\n");
  // B1: arrested 2024-03-01, serious fraud: the custody officer's 6 months end 2024-09-01, a
  // superintendent may extend to 9 months (2024-12-01).
  fixture.write(
      "bail_extensions.csv",
      kBailExtensionsHeader + "B1,2024-12-01,superintendent,Supt R. Khan,2024-08-20,yes\n");
  fixture.write("bail_conditions.csv",
                "bail_ref,kind,detail,victim_views\n"
                "B1,no_contact,Not to contact the complainant,Asked for no contact\n");
  fixture.write("young_people.csv", kYoungPeopleHeader +
                                        "YP-000001,North,Riverside\n"
                                        "YP-000002,South,\n");
  fixture.write("encounters.csv",
                kEncountersHeader +
                    "YP-000001,ENC-1,2024-05-01T21:00:00+01:00,Railway station,yes,no,Two phones\n"
                    "YP-000001,ENC-2,2024-05-09T20:00:00Z,Bus station,yes,no,\n");
  fixture.write("safeguarding_referrals.csv",
                kSafeguardingReferralsHeader +
                    "YP-000001,2024-05-10,Children's services,J. Ray,Criminal exploitation,2024-05-"
                    "11,,,asmith\n");
}

}  // namespace

TEST_CASE(
    "import: every record kind lands, a second import changes nothing, and a changed "
    "row updates its record",
    "[import][linked]") {
  ImportFixture fixture;
  write_all_files(fixture);
  write_linked_files(fixture);
  auto result = fixture.run();
  require_ok(result);
  CHECK(result.counts.size() == 17);

  CHECK(fixture.count("SELECT count(*) FROM assessments WHERE risk_factors = 'Contact with "
                      "children; alcohol' AND protective_factors = 'Stable job'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM plans p JOIN assessments a ON a.id = p.assessment_id "
                      "WHERE p.unannounced_required = 1 AND a.assessed_on = '2024-01-10'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM plans WHERE assessment_id IS NULL AND "
                      "unannounced_required = 0") == 1);
  CHECK(fixture.count("SELECT count(*) FROM addresses a JOIN nominals n ON n.id = a.nominal_id "
                      "WHERE n.ref = 'N1' AND a.kind = 'main' AND a.postcode = 'AB1 2CD' AND "
                      "a.to_date IS NULL AND a.from_date = '2023-06-01'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM orders WHERE kind = 'shpo' AND ends_on IS NULL AND "
                      "court = 'Northtown Crown Court'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM order_conditions c JOIN orders o ON o.id = "
                      "c.order_id WHERE o.kind = 'shpo' AND c.foreign_travel = 1 AND c.ends_on = "
                      "'2028-05-09'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM order_conditions") == 3);
  CHECK(fixture.count("SELECT count(*) FROM plan_actions a JOIN officers o ON o.id = a.owner_id "
                      "WHERE o.username = 'asmith' AND a.status = 'done' AND a.completed_on = "
                      "'2024-02-10'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM plan_actions WHERE owner_id IS NULL AND "
                      "partner_agency = 'Probation Service'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM notification_requirements WHERE disposal = 'prison' "
                      "AND months = 36 AND age_at_relevant = 41") == 1);
  CHECK(fixture.count("SELECT count(*) FROM bail_extensions e JOIN bail_cases b ON b.id = "
                      "e.bail_case_id WHERE b.ref = 'B1' AND e.authority = 'superintendent' AND "
                      "e.representations_considered = 1") == 1);
  CHECK(fixture.count("SELECT count(*) FROM bail_conditions WHERE kind = 'no_contact' AND "
                      "victim_views = 'Asked for no contact'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM young_people y JOIN teams t ON t.id = y.team_id WHERE "
                      "y.number = 'YP-000002' AND t.name = 'South'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM encounters e JOIN young_people y ON y.id = "
                      "e.young_person_id WHERE y.number = 'YP-000001' AND e.occurred_at = "
                      "'2024-05-01T20:00:00Z' AND e.criminal_exploitation = 1") == 1);
  CHECK(fixture.count("SELECT count(*) FROM safeguarding_referrals r JOIN officers o ON o.id = "
                      "r.officer_id WHERE o.username = 'asmith' AND r.acknowledged_on = "
                      "'2024-05-11' AND r.feedback_on IS NULL") == 1);

  const std::string first = fixture.dump();
  require_unchanged_by_import_again(fixture, first);

  // The court renews the travel ban; the action is done. Each is the same record, changed.
  fixture.write("order_conditions.csv",
                kOrderConditionsHeader +
                    "N1,shpo,2023-05-10,Not to travel outside the United Kingdom,yes,,2029-03-31,"
                    "2024-04-01\n");
  fixture.write("plan_actions.csv",
                kPlanActionsHeader +
                    "N1,2024-01-15,Refer to the treatment programme,bjones,2024-03-01,done,2024-03-"
                    "02,Probation Service\n");
  auto changed = fixture.run();
  require_ok(changed);
  CHECK(changed.counts.at("order_conditions.csv").updated == 1);
  CHECK(changed.counts.at("plan_actions.csv").updated == 1);
  CHECK(fixture.count("SELECT count(*) FROM order_conditions WHERE renewed_on = '2024-04-01' AND "
                      "ends_on = '2029-03-31'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM order_conditions") == 3);
  CHECK(fixture.count("SELECT count(*) FROM plan_actions WHERE status = 'done'") == 2);

  // Files in the earlier form (without the factors, the unannounced rule and the assessment
  // followed) leave what is recorded as it is.
  write_all_files(fixture);
  fixture.remove("order_conditions.csv");
  fixture.remove("plan_actions.csv");
  const std::string recorded = fixture.dump();
  require_ok(fixture.run());
  CHECK(fixture.dump() == recorded);

  // A young person moved to another team leaves the old team's tablets: once a tablet is
  // enrolled, the change the back office logs names the team it left.
  fixture.db().execute(
      "INSERT INTO devices (id, officer_id, name, enrolled_at) SELECT 'tablet-1', id, 'Tablet 1', "
      "'2024-06-01T00:00:00Z' FROM officers WHERE username = 'asmith'");
  fixture.write("young_people.csv", kYoungPeopleHeader + "YP-000001,South,Riverside\n");
  require_ok(fixture.run());
  CHECK(fixture.count("SELECT count(*) FROM changes c JOIN teams l ON l.id = c.left_team_id JOIN "
                      "teams t ON t.id = c.team_id WHERE c.entity = 'young_person' AND l.name = "
                      "'North' AND t.name = 'South'") == 1);
  fixture.remove("young_people.csv");

  // An extension is a fact: the same one with other details is refused, and nothing changes.
  const std::string before = fixture.dump();
  fixture.write(
      "bail_extensions.csv",
      kBailExtensionsHeader + "B1,2024-12-01,superintendent,Supt J. Webb,2024-08-20,yes\n");
  auto refused = fixture.run();
  CHECK(describe(refused.problems) ==
        "bail_extensions.csv:2: a bail extension with bail_ref 'B1' and extended_to "
        "'2024-12-01' is already recorded with different details; it is a fact, never replaced\n");
  CHECK(fixture.dump() == before);
}

TEST_CASE(
    "import: linked rows that break the law or name what is not there are reported, and "
    "nothing is written",
    "[import][linked]") {
  ImportFixture fixture;
  write_all_files(fixture);
  fixture.write("orders.csv", kOrdersHeader +
                                  "N1,shpo,2023-05-10,,Northtown Crown Court\n"
                                  "N1,voo,2024-01-05,2025-01-04,\n"
                                  "N1,shpo,2099-01-01,,\n"
                                  "NX,shpo,2023-01-01,,\n");
  fixture.write("order_conditions.csv",
                kOrderConditionsHeader +
                    "N1,shpo,2023-05-10,Not to travel,yes,,2029-05-10,\n"
                    "N1,sro,2023-05-10,Not to loiter,no,,,\n"
                    "N1,shpo,2099-01-01,Not to loiter,no,,,\n"
                    "N1,shpo,2023-05-10,Not to travel,yes,,2028-01-01,\n"
                    "N1,shpo,2023-05-10,Not to use the internet,no,,2026-01-01,\n");
  fixture.write("plan_actions.csv", kPlanActionsHeader +
                                        "N1,2020-01-01,Check devices,,,open,,\n"
                                        "N1,2024-01-15,Check devices,zed,,open,,\n");
  fixture.write("bail_extensions.csv",
                kBailExtensionsHeader +
                    "B1,2024-12-01,inspector,Insp A. Shah,2024-08-20,yes\n"
                    "B9,2024-12-01,superintendent,Supt R. Khan,2024-08-20,yes\n");
  fixture.write("young_people.csv", kYoungPeopleHeader + "YP-000001,Nowhere,\n");
  fixture.write("encounters.csv", kEncountersHeader +
                                      "YP-000001,ENC-1,2099-05-01T21:00:00Z,Park,no,no,\n"
                                      "YP-000009,ENC-2,2024-05-01T21:00:00Z,Park,no,no,\n");
  fixture.write("safeguarding_referrals.csv",
                kSafeguardingReferralsHeader +
                    "YP-000001,2024-05-10,Children's services,J. Ray,,2024-05-09,,,\n");
  auto result = fixture.run();
  CHECK(describe(result.problems) ==
        "orders.csv:3: a violent offender order runs 2 to 5 years: made on 2024-01-05, it ends "
        "between 2026-01-04 and 2029-01-04, not on 2025-01-04\n"
        "orders.csv:4: made_on '2099-01-01' is in the future\n"
        "orders.csv:5: nominal_ref 'NX' names no known nominal\n"
        "order_conditions.csv:2: a foreign-travel prohibition runs at most 5 years: from "
        "2023-05-10 it ends on 2028-05-09 at the latest, not 2029-05-10; a longer one is a "
        "renewal\n"
        "order_conditions.csv:3: nominal_ref 'N1', order_kind 'sro' and order_made_on "
        "'2023-05-10' name no order known in the database or orders.csv\n"
        "order_conditions.csv:5: an order condition with nominal_ref 'N1', order_kind 'shpo', "
        "order_made_on '2023-05-10' and text 'Not to travel' appears twice in this file (also "
        "line 2)\n"
        "order_conditions.csv:6: a sexual harm prevention order's prohibition runs at least 5 "
        "years or until further order: from 2023-05-10 it ends on 2028-05-09 at the earliest, not "
        "2026-01-01\n"
        "plan_actions.csv:2: nominal_ref 'N1' and plan_started_on '2020-01-01' name no plan known "
        "in the database or plans.csv\n"
        "plan_actions.csv:3: owner 'zed' is not a known officer\n"
        "bail_extensions.csv:2: an extension to 2024-12-01 must be authorised by a "
        "superintendent or a more senior officer, not an inspector\n"
        "bail_extensions.csv:3: bail_ref 'B9' names no known bail case\n"
        "young_people.csv:2: team 'Nowhere' is not a known team\n"
        "encounters.csv:2: occurred_at '2099-05-01T21:00:00Z' is in the future\n"
        "encounters.csv:3: young_person 'YP-000009' names no young person known in the database "
        "or young_people.csv\n"
        "safeguarding_referrals.csv:2: acknowledged_on 2024-05-09 is before the referral was "
        "sent on 2024-05-10\n");
  CHECK(fixture.count("SELECT count(*) FROM nominals") == 0);
  CHECK(fixture.count("SELECT count(*) FROM orders") == 0);
}

TEST_CASE("import: a bail case names its suspect, and each is shown with the nominal they are",
          "[import][people]") {
  ImportFixture fixture;
  write_all_files(fixture);
  // Browne, Jim, born 1980-05-01, is nominal N1 (Brown, "Jim, James") spelled otherwise.
  fixture.write("suspects.csv", kSuspectsHeader.substr(0, kSuspectsHeader.size() - 1) +
                                    ",date_of_birth\n" +
                                    "S1,Black,Sam,burglary,2,2024-01-01,2024-01-05,,asmith,North,\n"
                                    "S2,Browne,Jim,assault,1,2024-04-01,,,asmith,North,1980-05-01\n"
                                    "S3,White,Kay,theft,3,2024-04-01,,,cwhite,South,\n");
  const std::string bail_header =
      "ref,surname,forenames,offence,arrested_on,case_type,status,officer,team,date_of_birth,"
      "suspect_ref\n";
  fixture.write("bail.csv", bail_header +
                                "B1,Grey,Pat,fraud,2024-03-01,serious_fraud,bail,,South,,\n"
                                "B2,BROWN,Jim,assault,2024-03-01,standard,bail,,North,1980-05-01,"
                                "S2\n");
  require_ok(fixture.run());
  CHECK(fixture.count("SELECT count(*) FROM bail_cases c JOIN suspects s ON s.id = c.suspect_id "
                      "WHERE c.ref = 'B2' AND s.ref = 'S2'") == 1);

  // Bail starts 2024-03-02: the custody officer's three months end 2024-06-01.
  const auto report = reports::suspects_report(fixture.db(), *parse_date("2024-05-30"), {});
  REQUIRE(report.bail.size() == 1);
  CHECK(report.bail[0].ref == "B2");
  CHECK(report.bail[0].nominal_ref == std::optional<std::string>("N1"));
  CHECK(report.bail[0].suspect_ref == std::optional<std::string>("S2"));
  for (const auto& suspect : report.suspects) {
    INFO(suspect.ref);
    CHECK(suspect.nominal_ref ==
          (suspect.ref == "S2" ? std::optional<std::string>("N1") : std::nullopt));
  }
  // A team's report names only its own nominals.
  const auto south = reports::suspects_report(fixture.db(), *parse_date("2024-05-30"),
                                              reports::ReportScope{{"South"}});
  for (const auto& suspect : south.suspects) CHECK_FALSE(suspect.nominal_ref);

  // Files written before the columns were read leave what is stored as it is: nothing changes.
  const std::string before = fixture.dump();
  write_all_files(fixture);
  auto old_format = fixture.run();
  require_ok(old_format);
  CHECK(old_format.counts.at("suspects.csv").updated == 0);
  CHECK(old_format.counts.at("bail.csv").updated == 0);
  CHECK(fixture.dump() == before);

  // A case may name only a suspect its own team keeps, and a suspect there is.
  fixture.write("bail.csv", bail_header +
                                "B3,White,Kay,theft,2024-03-01,standard,bail,,North,,S3\n"
                                "B4,Grey,Al,theft,2024-03-01,standard,bail,,North,,S9\n");
  CHECK(describe(fixture.run().problems) ==
        "bail.csv:2: suspect_ref 'S3' is a suspect of team 'South', not of the case's team "
        "'North'\n"
        "bail.csv:3: suspect_ref 'S9' is not a known suspect\n");
}

TEST_CASE("import: bad rows across files are all reported and nothing is written", "[import]") {
  ImportFixture fixture;
  write_all_files(fixture);
  require_ok(fixture.run());
  std::string before = fixture.dump();

  fixture.write("nominals.csv",
                kNominalsHeader +
                    "N10,White,Tom,1990-01-01,violent,2,1,low,asmith,North,no,\n"      // 2 ok
                    "N11,White,Tim,1990-01-01,violent,2,1,extreme,asmith,North,no,\n"  // 3
                    "N12,White,Tam,2023-02-30,violent,2,1,low,asmith,North,no,\n"      // 4
                    "N13,White,Tod,1990-01-01,violent,2,1,low,jbloggs,North,no,\n"     // 5
                    "N10,White,Ted,1990-01-01,violent,2,1,low,asmith,North,no,\n"      // 6
                    "N14,White,Tex,1990-01-01,violent,2,1,low,asmith,North,no\n"       // 7
                    "\n"                                                               // 8
                    "N15,\"White\nSmith\",Tia,1990-01-01,rso,2,1,low,,North,no,\n");   // 9
  fixture.write("visits.csv", kVisitsHeader +
                                  "N999,2024-02-01T10:00:00Z,no,seen,asmith\n"          // 2
                                  "N10,2024-02-02T10:00:00Z,no,seen,asmith\n"           // 3 ok
                                  "N1,2024-02-03 10:00,no,seen,asmith\n"                // 4
                                  "N1,2024-02-04T10:00:00Z,no,seen,asmith;zz\n"         // 5
                                  "N1,2024-02-05T10:00:00Z,maybe,seen,asmith;asmith\n"  // 6
                                  "N1,2099-01-01T00:00:00Z,no,seen,asmith\n");          // 7
  fixture.write("assessments.csv", kAssessments + "N2,2024-01-11,low,nobody\n");        // 3
  fixture.write("plans.csv", kPlans + "N1,2024-03-01,0,yes\n");                         // 4
  fixture.write("suspects.csv", kSuspectsHeader +
                                    "S2,Black,Sid,robbery,7,2024-01-01,,,,North\n"          // 2
                                    "S3,Black,Sue,robbery,3,2024-01-01,,,,Nowhere\n"        // 3
                                    "S4,Black,Sal,robbery,3,2099-01-01,,,,North\n");        // 4
  fixture.write("bail.csv", kBail + "B2,Grey,Pat,fraud,2024-03-01,complex,bail,,South\n");  // 3

  CHECK(describe(fixture.run().problems) ==
        "nominals.csv:3: risk_level 'extreme' is not one of low|medium|high|very_high\n"
        "nominals.csv:4: date_of_birth '2023-02-30' is not a real date (YYYY-MM-DD)\n"
        "nominals.csv:5: officer 'jbloggs' is not a known officer\n"
        "nominals.csv:6: ref 'N10' appears twice in this file (also line 2)\n"
        "nominals.csv:7: this row has 11 fields but the header has 12\n"
        "nominals.csv:9: mappa_category '2' does not match kind 'rso' (MAPPA category 1)\n"
        "assessments.csv:3: assessor 'nobody' is not a known officer\n"
        "plans.csv:4: visit_every_months '0' must be a whole number from 1 to 120\n"
        "visits.csv:2: nominal_ref 'N999' is not a known nominal\n"
        "visits.csv:4: occurred_at '2024-02-03 10:00' is not an ISO-8601 instant with a time zone "
        "(e.g. 2024-01-05T10:00:00Z)\n"
        "visits.csv:5: attendee 'zz' is not a known officer\n"
        "visits.csv:6: announced 'maybe' must be yes or no\n"
        "visits.csv:6: attendee 'asmith' is listed twice\n"
        "visits.csv:7: occurred_at '2099-01-01T00:00:00Z' is in the future\n"
        "suspects.csv:2: harm '7' must be a whole number from 1 to 5\n"
        "suspects.csv:3: team 'Nowhere' is not a known team\n"
        "suspects.csv:4: outstanding_since '2099-01-01' is in the future\n"
        "bail.csv:3: case_type 'complex' is not one of standard|serious_fraud\n");
  CHECK(fixture.dump() == before);
}

TEST_CASE("import: a broken header is reported column by column at line 1", "[import]") {
  ImportFixture fixture;
  fixture.write("officers.csv", "username,Name,role\nasmith,Alice,officer\n");
  auto result = fixture.run();
  INFO(describe(result.problems));
  REQUIRE(result.problems.size() == 3);
  CHECK(result.problems[0].line == 1);
  CHECK(result.problems[0].reason.find("unexpected column 'Name'") == 0);
  CHECK(result.problems[1].reason.find("missing column 'name'") == 0);
  CHECK(result.problems[2].reason.find("missing column 'team'") == 0);
  CHECK(fixture.count("SELECT count(*) FROM officers") == 0);
}

TEST_CASE("import: a missing or empty directory is one problem", "[import]") {
  ImportFixture fixture;
  auto missing = fixture.run(fixture.csv_dir() / "nope");
  REQUIRE(missing.problems.size() == 1);
  CHECK(missing.problems[0].line == 0);
  CHECK(missing.problems[0].reason.find("does not exist") != std::string::npos);

  fixture.write("notes.txt", "nothing to import");
  auto empty = fixture.run();
  REQUIRE(empty.problems.size() == 1);
  CHECK(empty.problems[0].line == 0);
  CHECK(empty.problems[0].file == fixture.csv_dir().string());
  CHECK(empty.problems[0].reason.find("none of the files") != std::string::npos);
}

TEST_CASE("import: importing the same files again changes nothing", "[import]") {
  ImportFixture fixture;
  write_all_files(fixture);
  require_ok(fixture.run());
  std::string first = fixture.dump();

  require_unchanged_by_import_again(fixture, first);

  // The same visit written with another offset, and its attendees in another order, is the
  // same fact.
  fixture.write("visits.csv", kVisitsHeader +
                                  "N1,2024-02-01T11:00:00+01:00,no,seen,bjones;asmith\n"
                                  "N2,2024-03-01T10:30:00Z,yes,no_answer, cwhite \n");
  auto reformatted = fixture.run();
  require_ok(reformatted);
  CHECK(reformatted.counts.at("visits.csv").unchanged == 2);
  CHECK(fixture.dump() == first);
}

TEST_CASE("import: a changed row updates the record in place", "[import]") {
  ImportFixture fixture;
  write_all_files(fixture);
  require_ok(fixture.run());
  std::string id = fixture.text("SELECT id FROM nominals WHERE ref = ?", "N1");

  for (const auto* file :
       {"officers.csv", "assessments.csv", "plans.csv", "visits.csv", "suspects.csv", "bail.csv"}) {
    fixture.remove(file);
  }
  fixture.write("nominals.csv",
                kNominalsHeader +
                    "N1,Brown,\"Jim, James\",1980-05-01,rso,1,2,very_high,cwhite,South,yes,Dock\n"
                    "N2,Green,Ann,1975-12-31,pdp,,2,medium,,South,yes,Riverside\n"
                    "N3,Blue,Bea,2001-07-07,other,3,1,low,,North,no,\n");
  auto result = fixture.run();
  require_ok(result);
  const auto& counts = result.counts.at("nominals.csv");
  CHECK(counts.rows == 3);
  CHECK(counts.inserted == 1);
  CHECK(counts.updated == 1);
  CHECK(counts.unchanged == 1);

  CHECK(fixture.text("SELECT id FROM nominals WHERE ref = ?", "N1") == id);
  CHECK(fixture.count("SELECT count(*) FROM nominals n JOIN officers o ON o.id = n.officer_id "
                      "JOIN teams t ON t.id = n.team_id WHERE n.ref = 'N1' AND "
                      "n.risk_level = 'very_high' AND n.mappa_level = 2 AND o.username = 'cwhite' "
                      "AND t.name = 'South' AND n.no_fixed_abode = 1 AND n.area = 'Dock'") == 1);
  CHECK(fixture.count("SELECT count(*) FROM audit_log") == 2);
}

TEST_CASE("import: a visit already recorded with different details is refused", "[import]") {
  ImportFixture fixture;
  write_all_files(fixture);
  require_ok(fixture.run());
  std::string before = fixture.dump();

  fixture.write("visits.csv", kVisitsHeader +
                                  "N1,2024-02-01T10:00:00Z,no,no_answer,asmith;bjones\n"
                                  "N1,2024-02-09T10:00:00Z,no,seen,asmith\n");
  fixture.write("assessments.csv",
                "nominal_ref,assessed_on,risk_level,assessor\n"
                "N1,2024-01-10,low,bjones\n");
  auto result = fixture.run();
  INFO(describe(result.problems));
  REQUIRE(result.problems.size() == 2);
  CHECK(result.problems[0].file == "assessments.csv");
  CHECK(result.problems[0].line == 2);
  CHECK(result.problems[1].file == "visits.csv");
  CHECK(result.problems[1].line == 2);
  CHECK(result.problems[1].reason ==
        "a visit to N1 at 2024-02-01T10:00:00Z is already recorded with different details; "
        "visits are evidence and are only amended, never replaced");
  CHECK(fixture.dump() == before);
}

TEST_CASE("import: a supervisor made an officer no longer supervises", "[import]") {
  ImportFixture fixture;
  fixture.write("officers.csv", kOfficers);
  require_ok(fixture.run());
  CHECK(fixture.count("SELECT count(*) FROM team_supervisors") == 1);

  fixture.write("officers.csv",
                "username,name,role,team\n"
                "bjones,Bob Jones,officer,North\n"
                "cwhite,Carol White,supervisor,South\n");
  auto result = fixture.run();
  require_ok(result);
  CHECK(result.counts.at("officers.csv").updated == 2);
  CHECK(fixture.text("SELECT o.username FROM team_supervisors ts JOIN officers o "
                     "ON o.id = ts.officer_id WHERE ts.team_id = (SELECT id FROM teams "
                     "WHERE name = ?)",
                     "South") == "cwhite");
  CHECK(fixture.count("SELECT count(*) FROM team_supervisors") == 1);
}

TEST_CASE("import: CSV problems and references to bad rows are reported once", "[import]") {
  ImportFixture fixture;
  // The bad officer row is still an officer the nominal may name: one problem, not two.
  fixture.write("officers.csv",
                "username,name,role,team\n"
                "asmith,Alice Smith,constable,North\n"
                "bjones,\"Bob \"Jones\",officer,North\n");
  fixture.write("nominals.csv",
                kNominalsHeader + "N1,Brown,Jim,1980-05-01,rso,1,1,high,asmith,North,no,\n");
  auto result = fixture.run();
  INFO(describe(result.problems));
  REQUIRE(result.problems.size() == 2);
  CHECK(result.problems[0].line == 2);
  CHECK(result.problems[0].reason == "role 'constable' is not one of officer|supervisor|admin");
  CHECK(result.problems[1].line == 3);
  CHECK(result.problems[1].reason.find("after the closing quote") != std::string::npos);
  CHECK(fixture.count("SELECT count(*) FROM officers") == 0);
}

TEST_CASE("import: a CSV file that is a symbolic link is refused and nothing is imported",
          "[import]") {
  ImportFixture fixture;
  write_all_files(fixture);
  // The link's target is a good officers file: were it followed, the import would succeed.
  const auto elsewhere = fixture.csv_dir().parent_path() / "officers-elsewhere.csv";
  std::filesystem::rename(fixture.csv_dir() / "officers.csv", elsewhere);
  std::filesystem::create_symlink(elsewhere, fixture.csv_dir() / "officers.csv");
  auto result = fixture.run();
  INFO(describe(result.problems));
  REQUIRE(result.problems.size() == 1);
  CHECK(result.problems[0].file == "officers.csv");
  CHECK(result.problems[0].line == 0);
  CHECK(result.problems[0].reason ==
        "the file is a symbolic link, which vigil import does not follow; copy the file itself "
        "into the folder");
  CHECK(fixture.count("SELECT count(*) FROM officers") == 0);
  CHECK(fixture.count("SELECT count(*) FROM nominals") == 0);

  // A link to nowhere is refused the same way, not taken for a missing file.
  std::filesystem::remove(fixture.csv_dir() / "officers.csv");
  std::filesystem::rename(elsewhere, fixture.csv_dir() / "officers.csv");
  fixture.remove("bail.csv");
  std::filesystem::create_symlink(fixture.csv_dir() / "gone.csv", fixture.csv_dir() / "bail.csv");
  result = fixture.run();
  REQUIRE(result.problems.size() == 1);
  CHECK(result.problems[0].file == "bail.csv");
  CHECK(result.problems[0].reason.find("symbolic link") != std::string::npos);
  CHECK(fixture.count("SELECT count(*) FROM officers") == 0);
}

TEST_CASE("import: the folder named may itself be a symbolic link", "[import]") {
  ImportFixture fixture;
  write_all_files(fixture);
  const auto link = fixture.csv_dir().parent_path() / "csv-link";
  std::filesystem::create_directory_symlink(fixture.csv_dir(), link);
  require_ok(fixture.run(link));
  CHECK(fixture.count("SELECT count(*) FROM nominals") == 2);
}

TEST_CASE("import: a file that is not a regular file is refused", "[import]") {
  ImportFixture fixture;
  write_all_files(fixture);
  std::filesystem::create_directory(fixture.csv_dir() / "plans.csv.d");
  fixture.remove("plans.csv");
  std::filesystem::rename(fixture.csv_dir() / "plans.csv.d", fixture.csv_dir() / "plans.csv");
  auto result = fixture.run();
  INFO(describe(result.problems));
  REQUIRE(result.problems.size() == 1);
  CHECK(result.problems[0].file == "plans.csv");
  CHECK(result.problems[0].reason == "the file is not a regular file");
  CHECK(fixture.count("SELECT count(*) FROM nominals") == 0);
}

TEST_CASE("import: every text value is valid UTF-8 without U+0000, at most 200 characters",
          "[import][text]") {
  ImportFixture fixture;
  write_all_files(fixture);
  const std::string huge(10 * 1024 * 1024, 'S');
  std::string longest;  // 200 characters of two bytes each: accepted
  for (int i = 0; i < 200; ++i) longest += "\xC3\xA9";
  const std::string nul(1, '\0');
  const std::string nominal_rest = ",1975-12-31,pdp,,2,medium,,South,yes,";
  fixture.write("nominals.csv", kNominalsHeader + "N1,Bro" + nul + "wn,Ann" + nominal_rest +
                                    "\n" +                                              // 2
                                    "N2," + huge + ",Ann" + nominal_rest + "\n" +       // 3
                                    "N3," + longest + ",Ann" + nominal_rest + "\n" +    // 4
                                    "N4,Grey," + longest + "e" + nominal_rest + "\n" +  // 5
                                    "N5,Grey,Ann" + nominal_rest + longest + "x\n");    // 6
  fixture.write("officers.csv", kOfficers + "dlong,Dee,officer," + longest + "t\n");    // 5
  fixture.write("suspects.csv",
                kSuspectsHeader + "S1,Black,Sam," + nul + ",2,2024-01-01,,,asmith,North\n");
  fixture.write("bail.csv",
                "ref,surname,forenames,offence,arrested_on,case_type,status,officer,"
                "team\n" +
                    std::string(201, 'B') +
                    ",Grey,Pat,fraud,2024-03-01,serious_fraud,bail,,South\n");
  auto result = fixture.run();
  INFO(describe(result.problems));
  std::vector<std::string> expected{
      "officers.csv:5: team is longer than 200 characters",
      "nominals.csv:2: surname holds a NUL character (U+0000) at character 4",
      "nominals.csv:3: surname is longer than 200 characters",
      "nominals.csv:5: forenames is longer than 200 characters",
      "nominals.csv:6: area is longer than 200 characters",
      "suspects.csv:2: offence holds a NUL character (U+0000) at character 1",
      "bail.csv:2: ref is longer than 200 characters",
  };
  std::vector<std::string> found;
  for (const auto& p : result.problems) {
    found.push_back(p.file + ":" + std::to_string(p.line) + ": " + p.reason);
  }
  CHECK(found == expected);
  CHECK(fixture.count("SELECT count(*) FROM nominals") == 0);
  CHECK(fixture.count("SELECT count(*) FROM officers") == 0);
}

TEST_CASE("import: a bad value is quoted by its first 40 characters at most", "[import][text]") {
  ImportFixture fixture;
  const std::string long_column(300, 'c');
  fixture.write("officers.csv",
                "username,name,role,team," + long_column + "\nasmith,Alice,officer,North,x\n");
  fixture.write("nominals.csv", kNominalsHeader + "N1,Brown,Jim,1980-05-01,rso,1,1," +
                                    std::string(100, 'r') + ",,North,no,\n");
  auto result = fixture.run();
  INFO(describe(result.problems));
  REQUIRE(result.problems.size() == 2);
  CHECK(result.problems[0].reason.rfind("unexpected column '" + std::string(40, 'c') + "...'", 0) ==
        0);
  CHECK(result.problems[1].reason ==
        "risk_level '" + std::string(40, 'r') + "...' is not one of low|medium|high|very_high");
}
