#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "database_dump.hpp"
#include "queries.hpp"
#include "record_tables.hpp"
#include "temp_dir.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/password.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/rules/overdue.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/store/policy_versions.hpp"
#include "vigil/tools/seed.hpp"

using namespace vigil;
using backoffice::SeedOptions;
using backoffice::SeedProfile;

namespace {

const Date kAsOf = date::year{2025} / 11 / 20;

backoffice::SeedCounts seed_demo(store::Database& db, std::uint64_t seed) {
  store::migrate(db);
  base::Progress quiet(false);
  return backoffice::seed_database(db, SeedOptions{SeedProfile::demo, seed, kAsOf}, quiet);
}

// The demo profile seeded once with seed 7, shared by the tests that only read it: Argon2id and
// a few thousand rows make each seed take a moment under the sanitizers.
struct SharedDemo {
  TempDir dir;
  store::Database db{dir.path() / "demo.db"};
  backoffice::SeedCounts counts = seed_demo(db, 7);
};
SharedDemo& shared_demo() {
  static SharedDemo demo;
  return demo;
}

std::int64_t count_rows(store::Database& db, const std::string& table) {
  return count_of(db, "SELECT count(*) FROM \"" + table + "\"");
}

// The only values the seed cannot make reproducible: the random salt inside the Argon2id
// password hash, and the id and creation time add_policy_version gives the policy row.
std::string dump(store::Database& db) {
  return dump_database(db, {{"officers", "password_hash"},
                            {"policy_versions", "id"},
                            {"policy_versions", "created_at"}});
}

}  // namespace

TEST_CASE("the same profile, seed and as-of date give the same database; another seed does not",
          "[seed]") {
  auto& first = shared_demo();
  TempDir dir;
  store::Database again(dir.path() / "again.db");
  auto counts = seed_demo(again, 7);
  CHECK(counts == first.counts);
  const auto first_dump = dump(first.db);
  CHECK(first_dump == dump(again));

  store::Database other(dir.path() / "other.db");
  seed_demo(other, 8);
  CHECK(first_dump != dump(other));
  const char* names = "SELECT group_concat(surname || forenames) FROM nominals ORDER BY ref";
  const char* visits = "SELECT group_concat(occurred_at) FROM visits ORDER BY occurred_at";
  CHECK(text_of(first.db, names) != text_of(other, names));
  CHECK(text_of(first.db, visits) != text_of(other, visits));
}

TEST_CASE("the demo profile has the documented shape", "[seed]") {
  auto& demo = shared_demo();
  auto& db = demo.db;
  const auto& counts = demo.counts;

  // The counts returned are the rows in the database.
  for (const auto& [table, rows] : counts) {
    INFO(table);
    CHECK(count_rows(db, table) == rows);
  }
  for (const char* table : kRecordTables) {
    // A demo amends about one visit in 300, so it may hold no amendment.
    if (std::string_view(table) == "visit_amendments") continue;
    INFO(table);
    CHECK(count_rows(db, table) > 0);
  }

  // Two teams of six offender managers and a sergeant, and an admin.
  CHECK(counts.at("teams") == 2);
  CHECK(counts.at("officers") == 15);
  CHECK(count_of(db, "SELECT count(*) FROM officers WHERE role = 'officer'") == 12);
  CHECK(count_of(db, "SELECT count(*) FROM officers WHERE role = 'supervisor'") == 2);
  CHECK(count_of(db, "SELECT count(*) FROM officers WHERE role = 'admin'") == 1);
  CHECK(count_of(db, "SELECT count(*) FROM teams WHERE name IN ('North 1', 'South 1')") == 2);
  CHECK(count_of(db,
                 "SELECT count(*) FROM officers WHERE username IN "
                 "('sgt.north', 'sgt.south', 'admin')") == 3);
  CHECK(count_of(db,
                 "SELECT count(*) FROM officers WHERE username NOT LIKE 'pc.%' AND "
                 "username NOT LIKE 'sgt.%' AND username <> 'admin'") == 0);

  CHECK(counts.at("nominals") >= 264);
  CHECK(counts.at("nominals") <= 336);
  CHECK(counts.at("bail_cases") == 500);
  CHECK(counts.at("suspects") == 100);
  CHECK(counts.at("plans") == counts.at("nominals"));
  CHECK(counts.at("policy_versions") == 1);

  // Every officer signs in with the seed password (one hash, made once).
  auto hash = db.prepare("SELECT DISTINCT password_hash FROM officers");
  REQUIRE(hash.step());
  CHECK(base::verify_password(hash.column_text(0), backoffice::kSeedPassword));
  CHECK_FALSE(hash.step());

  // What the demo must show besides the overdue items.
  CHECK(count_of(db,
                 "SELECT count(*) FROM nominals n JOIN addresses a ON a.nominal_id = n.id "
                 "WHERE n.no_fixed_abode = 1 AND n.area <> '' AND a.kind = 'no_fixed_abode' "
                 "AND a.to_date IS NULL") >= 1);
  CHECK(count_of(db,
                 "SELECT count(*) FROM visits v JOIN plans p ON p.nominal_id = v.nominal_id "
                 "WHERE p.double_crewed = 1 AND (SELECT count(*) FROM visit_attendees va "
                 "WHERE va.visit_id = v.id) = 1") >= 1);
  CHECK(count_of(db, "SELECT count(*) FROM breaches WHERE occurred_at >= '2025-10-01'") >= 1);
  CHECK(count_of(db, "SELECT count(*) FROM visits WHERE risk_change <> ''") >= 1);
  CHECK(count_of(db, "SELECT count(*) FROM bail_cases WHERE arrested_on < '2017-04-03'") >= 1);
  CHECK(count_of(db,
                 "SELECT count(*) FROM bail_cases WHERE arrested_on >= '2017-04-03' AND "
                 "arrested_on < '2022-10-28'") >= 1);
  CHECK(count_of(db, "SELECT count(*) FROM bail_cases WHERE arrested_on >= '2022-10-28'") >= 1);
  // Each officer's nominals are in the officer's team.
  CHECK(count_of(db,
                 "SELECT count(*) FROM nominals n JOIN officers o ON o.id = n.officer_id "
                 "WHERE o.team_id <> n.team_id") == 0);
}

TEST_CASE("the demo shows every kind of overdue item at every risk level", "[seed][overdue]") {
  auto& db = shared_demo().db;
  const auto report = reports::overdue_report(db, kAsOf, reports::ReportScope{});
  std::set<std::pair<OverdueKind, RiskLevel>> shown;
  int worst_visit = 0;
  for (const auto& item : report.items) {
    shown.insert({item.kind, item.risk_level});
    if (item.kind == OverdueKind::visit) worst_visit = std::max(worst_visit, item.days_overdue);
  }
  for (OverdueKind kind : {OverdueKind::visit, OverdueKind::assessment, OverdueKind::plan_review,
                           OverdueKind::action, OverdueKind::notification}) {
    for (RiskLevel risk :
         {RiskLevel::low, RiskLevel::medium, RiskLevel::high, RiskLevel::very_high}) {
      INFO(to_string(kind) << " at " << to_string(risk));
      CHECK(shown.count({kind, risk}) == 1);
    }
  }
  // The inspectors' worst case: a visit about two years late; most nominals are not late.
  CHECK(worst_visit >= 700);
  CHECK(worst_visit <= 740);
  CHECK(report.summary.nominals == static_cast<int>(shared_demo().counts.at("nominals")));
}

TEST_CASE("nothing the seed records happened after the as-of date", "[seed]") {
  auto& db = shared_demo().db;
  const std::string as_of = format_date(kAsOf);
  const std::string day_after = format_instant(london_midnight(add_days(kAsOf, 1)));
  // Civil dates of events (deadlines such as due_on or ends_on may lie ahead).
  const std::vector<std::pair<std::string, std::string>> event_dates{
      {"nominals", "date_of_birth"},
      {"addresses", "from_date"},
      {"assessments", "assessed_on"},
      {"plans", "started_on"},
      {"plans", "last_reviewed_on"},
      {"plan_actions", "completed_on"},
      {"orders", "made_on"},
      {"notification_requirements", "relevant_date"},
      {"notifications", "event_on"},
      {"notifications", "notified_on"},
      {"safeguarding_referrals", "sent_on"},
      {"safeguarding_referrals", "feedback_on"},
      {"referral_chases", "chased_on"},
      {"suspects", "outstanding_since"},
      {"suspects", "circulated_on"},
      {"suspects", "last_trace_on"},
      {"suspects", "last_review_on"},
      {"bail_cases", "arrested_on"},
      {"bail_extensions", "authorised_on"},
      {"rui_reviews", "reviewed_on"}};
  for (const auto& [table, column] : event_dates) {
    INFO(table << "." << column);
    auto s = db.prepare("SELECT count(*), max(" + column + ") FROM " + table);
    REQUIRE(s.step());
    CHECK(s.column_int(0) > 0);
    CHECK(s.column_text(1) <= as_of);
  }
  // Instants, which are UTC: before the start of the next day in London.
  const std::vector<std::pair<std::string, std::string>> event_instants{
      {"officers", "created_at"},         {"visits", "occurred_at"},
      {"visits", "recorded_at"},          {"visits", "received_at"},
      {"visit_amendments", "amended_at"}, {"failed_entries", "attempted_at"},
      {"breaches", "occurred_at"},        {"trace_enquiries", "occurred_at"},
      {"encounters", "occurred_at"},      {"breach_follow_ups", "followed_up_at"}};
  for (const auto& [table, column] : event_instants) {
    INFO(table << "." << column);
    auto s = db.prepare("SELECT max(" + column + ") FROM " + table);
    REQUIRE(s.step());
    CHECK(s.column_text(0) < day_after);
    auto all = db.prepare("SELECT " + column + " FROM " + table);
    while (all.step()) REQUIRE(parse_instant(all.column_text(0)).has_value());
  }
  // Plans and actions are in order: a plan is reviewed after it starts.
  CHECK(count_of(db, "SELECT count(*) FROM plans WHERE last_reviewed_on < started_on") == 0);
}

TEST_CASE("a seeded database satisfies every foreign key and the connection is as it was",
          "[seed]") {
  auto& db = shared_demo().db;
  // The seed writes with foreign-key checks off for speed: its rows must satisfy them anyway.
  auto check = db.prepare("PRAGMA foreign_key_check");
  if (check.step()) FAIL("row " << check.column_text(1) << " of " << check.column_text(0));
  CHECK(count_of(db, "PRAGMA foreign_keys") == 1);
  CHECK(count_of(db, "PRAGMA synchronous") == 2);  // FULL
  TempDir dir;
  store::Database fresh(dir.path() / "fresh.db");
  CHECK(count_of(db, "PRAGMA cache_size") == count_of(fresh, "PRAGMA cache_size"));
  auto integrity = db.prepare("PRAGMA integrity_check");
  REQUIRE(integrity.step());
  CHECK(integrity.column_text(0) == "ok");
}

TEST_CASE("every seeded officer's team has a supervisor", "[seed]") {
  auto& db = shared_demo().db;
  CHECK(count_of(db,
                 "SELECT count(*) FROM officers o WHERE NOT EXISTS (SELECT 1 FROM "
                 "team_supervisors ts JOIN officers s ON s.id = ts.officer_id "
                 "WHERE ts.team_id = o.team_id AND s.role = 'supervisor')") == 0);
  // Each sergeant is in the team they supervise.
  CHECK(count_of(db,
                 "SELECT count(*) FROM team_supervisors ts JOIN officers s ON "
                 "s.id = ts.officer_id WHERE s.team_id <> ts.team_id") == 0);
}

TEST_CASE("seeding a database that already holds nominals is refused and changes nothing",
          "[seed]") {
  TempDir dir;
  store::Database db(dir.path() / "used.db");
  store::migrate(db);
  db.execute(
      "INSERT INTO teams (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'Alpha');"
      "INSERT INTO nominals (id, ref, surname, forenames, date_of_birth, kind, mappa_level, "
      "risk_level, team_id) VALUES ('00000000-0000-4000-8000-000000000002', 'N1', 'Doe', 'Jo', "
      "'1980-01-01', 'rso', 1, 'high', '00000000-0000-4000-8000-000000000001')");
  const auto before = dump(db);
  base::Progress quiet(false);
  try {
    backoffice::seed_database(db, SeedOptions{SeedProfile::demo, 1, kAsOf}, quiet);
    FAIL("a database holding nominals was seeded");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::invalid_input);
    CHECK(std::string(error.what()).find("nominals") != std::string::npos);
  }
  CHECK(dump(db) == before);
  CHECK(count_rows(db, "policy_versions") == 0);
}

namespace {

// Each nominal's current risk level as core's rule gives it (the facts the reports load) and as
// its SQL form gives it (what the server lists nominals with), by nominal id.
std::pair<std::map<std::string, RiskLevel>, std::map<std::string, std::string>> current_risks(
    store::Database& db, Date as_of) {
  std::map<std::string, RiskLevel> by_rule;
  for (const auto& facts : reports::load_nominal_facts(db, as_of, reports::ReportScope{})) {
    by_rule[facts.nominal_id] = current_risk(facts);
  }
  std::map<std::string, std::string> by_sql;
  auto s = db.prepare("SELECT n.id, " + current_risk_sql(1) + " FROM nominals n");
  s.bind_all(format_date(as_of));
  while (s.step()) by_sql[s.column_text(0)] = s.column_text(1);
  return {by_rule, by_sql};
}

}  // namespace

TEST_CASE(
    "current risk: core's rule and its SQL form agree on every nominal of the demo force, on "
    "any date",
    "[seed][overdue]") {
  auto& db = shared_demo().db;
  for (const Date as_of : {kAsOf, add_days(kAsOf, -400), add_days(kAsOf, -2000)}) {
    INFO("as of " << format_date(as_of));
    const auto [by_rule, by_sql] = current_risks(db, as_of);
    REQUIRE(by_rule.size() > 250);  // the demo's active nominals: the rule's side is not empty
    for (const auto& [id, level] : by_rule) {
      INFO("nominal " << id);
      REQUIRE(by_sql.count(id) == 1);
      CHECK(by_sql.at(id) == to_string(level));
    }
  }
}

TEST_CASE(
    "current risk: of two assessments on one day the higher level stands, and a later one "
    "replaces both, in the rule and in SQL alike",
    "[seed][overdue]") {
  TempDir dir;
  store::Database db(dir.path() / "demo.db");
  seed_demo(db, 3);
  // A nominal assessed before November, given three assessments after its others.
  auto pick = db.prepare(
      "SELECT n.id FROM nominals n WHERE n.status = 'active' AND NOT EXISTS (SELECT 1 FROM "
      "assessments a WHERE a.nominal_id = n.id AND a.assessed_on >= '2025-11-01') ORDER BY n.ref "
      "LIMIT 1");
  REQUIRE(pick.step());
  const std::string id = pick.column_text(0);
  pick.reset();
  auto add = db.prepare(
      "INSERT INTO assessments (id, nominal_id, assessed_on, risk_level) VALUES (?, ?, ?, ?)");
  for (const auto& [on, level] : std::vector<std::pair<std::string, std::string>>{
           {"2025-11-10", "high"}, {"2025-11-10", "low"}, {"2025-11-15", "medium"}}) {
    add.bind_all(base::make_uuid(), id, on, level);
    add.run();
    add.reset();
  }
  for (const auto& [as_of, expected] :
       std::vector<std::pair<Date, RiskLevel>>{{date::year{2025} / 11 / 10, RiskLevel::high},
                                               {date::year{2025} / 11 / 14, RiskLevel::high},
                                               {date::year{2025} / 11 / 15, RiskLevel::medium}}) {
    INFO("as of " << format_date(as_of));
    const auto [by_rule, by_sql] = current_risks(db, as_of);
    REQUIRE(by_rule.count(id) == 1);
    CHECK(by_rule.at(id) == expected);
    CHECK(by_sql.at(id) == to_string(expected));
  }
}
