// `vigil batch`, the nightly run: a database damaged in each way it checks is reported with the
// records involved and exit status 3; a whole one gives 0; two runs for one date write the same
// bytes; an interrupted run's leftovers never stand as output.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "changes.hpp"
#include "queries.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/store/team_facts.hpp"
#include "vigil/sync/read_audit.hpp"
#include "vigil/tools/batch.hpp"

namespace {

const std::string kVigil = std::string(VIGIL_BIN_DIR) + "/vigil";

// The test force, made whole: every nominal assessed (the force is made with plans and officers).
struct Night {
  TempDir dir;
  std::filesystem::path path = dir.path() / "force.db";
  TestForce force = TestForce::create(path);

  Night() {
    vigil::store::Database db(path);
    auto assess = db.prepare(
        "INSERT INTO assessments (id, nominal_id, assessed_on, risk_level) VALUES (?, ?, "
        "'2026-10-01', 'high')");
    for (const auto& ids : {force.north_nominals, force.south_nominals}) {
      for (const auto& id : ids) {
        assess.bind_all(vigil::base::make_uuid(), id);
        assess.run();
      }
    }
  }

  // Runs SQL with the foreign keys off, as damage done outside Vigil would be.
  void damage(const std::string& sql) {
    vigil::store::Database db(path);
    db.execute("PRAGMA foreign_keys = OFF");
    db.execute(sql);
  }

  void change(int seq, const std::string& entity, const std::string& entity_id,
              const std::string& operation = "append") {
    vigil::store::Database db(path);
    db.prepare(
          "INSERT INTO changes (seq, change_id, device_id, entity, entity_id, operation, fields, "
          "clock, device_time, received_at, outcome) VALUES (?, ?, 'device-1', ?, ?, ?, '{}', "
          "'0001795344000000.00000', '2026-11-22T10:00:00Z', '2026-11-22T10:00:01Z', 'applied')")
        .bind_all(seq, vigil::base::make_uuid(), entity, entity_id, operation)
        .run();
  }

  vigil::backoffice::Reconciliation reconcile() {
    vigil::store::Database db(path);
    return vigil::backoffice::reconcile(db, *vigil::parse_date("2026-11-22"));
  }

  // `vigil ARGUMENTS` run in the test's folder, so relative names stay there.
  CommandResult vigil(const std::string& arguments) {
    return run_command("cd '" + dir.path().string() + "' && " + kVigil + " " + arguments, "",
                       dir.path());
  }

  CommandResult batch(const std::string& out = "out") {
    return run_command(kVigil + " batch --db '" + path.string() + "' --as-of 2026-11-22 --out '" +
                           (dir.path() / out).string() + "'",
                       "", dir.path());
  }
};

// The check `name` among `checks` (a reconciliation's invariants or its flags).
const vigil::backoffice::Check& named(const std::vector<vigil::backoffice::Check>& checks,
                                      const std::string& name) {
  for (const auto& check : checks) {
    if (check.name == name) return check;
  }
  FAIL("no check named " << name);
  throw std::logic_error("unreachable");
}

// The invariant `name`.
const vigil::backoffice::Check& invariant(const vigil::backoffice::Reconciliation& r,
                                          const std::string& name) {
  return named(r.invariants, name);
}

// The names of the invariants broken.
std::vector<std::string> broken(const vigil::backoffice::Reconciliation& r) {
  std::vector<std::string> names;
  for (const auto& check : r.invariants) {
    if (!check.findings.empty()) names.push_back(check.name);
  }
  return names;
}

// The invariant `name`, which must be the only one broken.
const vigil::backoffice::Check& only_broken(const vigil::backoffice::Reconciliation& r,
                                            const std::string& name) {
  CHECK(broken(r) == std::vector<std::string>{name});
  return invariant(r, name);
}

// The flag `name`.
const vigil::backoffice::Check& flag(const vigil::backoffice::Reconciliation& r,
                                     const std::string& name) {
  return named(r.flags, name);
}

std::string record(const vigil::backoffice::Finding& f, const std::string& name) {
  for (const auto& [key, value] : f.records) {
    if (key == name) return value;
  }
  return "<absent>";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("batch: a whole database passes every check, exit status 0", "[batch]") {
  Night night;
  CHECK(broken(night.reconcile()).empty());
  const auto run = night.batch();
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  for (const char* file :
       {"overdue.json", "overdue.csv", "suspects.json", "suspects.csv", "compliance.json",
        "devices.json", "reconcile.json", "summary.html", "manifest.json"}) {
    CHECK(std::filesystem::exists(night.dir.path() / "out" / file));
  }
  // The night's backlog is stored for the trend.
  CHECK(count_of(night.path, "SELECT count(*) FROM backlog_snapshots WHERE as_of = '2026-11-22'") ==
        1);
}

TEST_CASE("batch: an applied change whose record is missing, or applied twice", "[batch]") {
  Night night;
  night.change(1, "visit", "visit-that-is-not-there");
  night.change(2, "nominal", night.force.north_nominals[0], "create");
  night.change(3, "nominal", night.force.north_nominals[0], "create");
  const auto r = night.reconcile();
  const auto& check = only_broken(r, "changes_applied_once");
  REQUIRE(check.findings.size() == 2);
  CHECK(record(check.findings[0], "entity_id") == "visit-that-is-not-there");
  CHECK(record(check.findings[0], "seq") == "1");
  CHECK(record(check.findings[1], "entity_id") == night.force.north_nominals[0]);
  CHECK(record(check.findings[1], "seq") == "2, 3");
}

TEST_CASE("batch: a visit the back office imported, logged for the tablets, is applied once",
          "[batch]") {
  Night night;
  // As `vigil import` writes a visit once a device exists: no device of its own, and a change
  // logged from the back office for the tablets.
  {
    vigil::store::Database db(night.path);
    db.prepare(
          "INSERT INTO visits (id, nominal_id, occurred_at, recorded_at, announced, outcome) "
          "VALUES ('visit-imported', ?, '2025-01-10T10:00:00Z', '2025-01-10T10:00:00Z', 0, "
          "'no_answer')")
        .bind_all(night.force.north_nominals[0])
        .run();
    vigil::store::copy_visit(db, "visit-imported");
    db.prepare(
          "INSERT INTO changes (change_id, device_id, entity, entity_id, operation, fields, clock, "
          "device_time, received_at, outcome) VALUES ('imported-1', 'back-office', 'visit', "
          "'visit-imported', 'append', '{}', '0001795344000000.00000', '2026-11-22T10:00:00Z', "
          "'2026-11-22T10:00:01Z', 'applied')")
        .run();
  }
  const auto r = night.reconcile();
  CHECK(broken(r).empty());
  CHECK(invariant(r, "changes_applied_once").findings.empty());
}

TEST_CASE("batch: gaps in the server's sequence, inside and at the end", "[batch]") {
  Night night;
  for (int seq = 1; seq <= 6; ++seq)
    night.change(seq, "nominal", night.force.north_nominals[0], seq == 1 ? "create" : "update");
  night.damage("DELETE FROM changes WHERE seq IN (3, 4, 6)");
  const auto r = night.reconcile();
  const auto& check = only_broken(r, "sequence_without_gaps");
  REQUIRE(check.findings.size() == 2);
  CHECK(check.findings[0].detail == "changes 3 to 4 are missing from the change log");
  CHECK(check.findings[1].detail == "change 6 is missing from the change log");
}

TEST_CASE("batch: a device's read audit with an event missing", "[batch]") {
  Night night;
  // Three read events as a tablet chains them: whole, then the middle one removed.
  std::string previous;
  for (int index = 0; index < 3; ++index) {
    vigil::sync::ReadEvent event{"device-7",
                                 index,
                                 previous,
                                 night.force.north_nominals[0],
                                 "2026-11-22T10:0" + std::to_string(index) + ":00Z",
                                 "visit"};
    const std::string hash = vigil::sync::read_event_link(event, std::nullopt);
    vigil::store::Database db(night.path);
    db.prepare(
          "INSERT INTO audit_log (id, occurred_at, device_id, action, entity, entity_id, reason, "
          "chain_index, prev_hash, hash) VALUES (?, ?, ?, 'read', 'nominal', ?, ?, ?, ?, ?)")
        .bind_all("read-" + std::to_string(index), event.occurred_at, event.device_id,
                  event.nominal_id, event.reason, index, previous, hash)
        .run();
    previous = hash;
  }
  REQUIRE(broken(night.reconcile()).empty());
  night.damage("DELETE FROM audit_log WHERE id = 'read-1'");
  const auto r = night.reconcile();
  const auto& check = only_broken(r, "read_audit_chains_whole");
  REQUIRE_FALSE(check.findings.empty());
  CHECK(record(check.findings[0], "device_id") == "device-7");
  CHECK(record(check.findings[0], "chain_index") == "1");
}

TEST_CASE("batch: a decision acknowledged as applied whose conflict is still open", "[batch]") {
  Night night;
  night.damage(
      "INSERT INTO conflicts (id, entity, entity_id, field, winning_change, losing_change, "
      "winning_device, losing_device, winning_clock, losing_clock, detected_at) VALUES "
      "('conflict-1', 'nominal', 'n', 'area', 'a', 'b', 'd1', 'd2', 'c1', 'c2', "
      "'2026-11-21T10:00:00Z')");
  {
    vigil::store::Database db(night.path);
    db.prepare(
          "INSERT INTO changes (seq, change_id, device_id, entity, entity_id, operation, fields, "
          "clock, device_time, received_at, outcome) VALUES (1, 'decision-1', 'device-1', "
          "'conflict_decision', 'decision-entity', 'append', '{\"conflict_id\":\"conflict-1\","
          "\"keep\":\"winning\"}', '0001795344000000.00000', '2026-11-22T10:00:00Z', "
          "'2026-11-22T10:00:01Z', 'applied')")
        .run();
  }
  const auto r = night.reconcile();
  const auto& check = only_broken(r, "changes_applied_once");
  REQUIRE(check.findings.size() == 1);
  CHECK(record(check.findings[0], "entity_id") == "conflict-1");
  // Open since the 21st: not yet 72 hours at the cut-off (the end of the 22nd).
  for (const auto& flag : r.flags) {
    if (flag.name == "conflicts_open_over_72_hours") CHECK(flag.findings.empty());
  }
}

TEST_CASE("batch: flags a tablet gone quiet holding changes, and a conflict left for days",
          "[batch]") {
  Night night;
  night.damage(
      "INSERT INTO devices (id, officer_id, name, enrolled_at, last_contact_at, last_pending, "
      "oldest_pending_at) VALUES ('tablet-quiet', '" +
      night.force.officer_ids.at("pc.a") +
      "', 'Tablet 9', '2026-11-01T08:00:00Z', '2026-11-20T17:00:00Z', 12, "
      "'2026-11-19T09:30:00Z'), ('tablet-fine', '" +
      night.force.officer_ids.at("pc.a") +
      "', 'Tablet 10', '2026-11-01T08:00:00Z', '2026-11-22T17:00:00Z', 3, "
      "'2026-11-22T16:00:00Z')");
  night.damage(
      "INSERT INTO conflicts (id, entity, entity_id, field, winning_change, losing_change, "
      "winning_device, losing_device, winning_clock, losing_clock, detected_at) VALUES "
      "('conflict-old', 'nominal', 'n', 'area', 'a', 'b', 'd1', 'd2', 'c1', 'c2', "
      "'2026-11-19T23:59:59Z')");
  const auto r = night.reconcile();
  CHECK(broken(r).empty());
  for (const auto& flag : r.flags) {
    INFO(flag.name);
    if (flag.name == "devices_silent_with_pending_changes") {
      REQUIRE(flag.findings.size() == 1);
      CHECK(record(flag.findings[0], "device_id") == "tablet-quiet");
      CHECK(flag.findings[0].detail ==
            "12 changes were waiting on the tablet at its last contact, the oldest made at "
            "2026-11-19T09:30:00Z");
    } else if (flag.name == "conflicts_open_over_72_hours") {
      REQUIRE(flag.findings.size() == 1);
      CHECK(record(flag.findings[0], "conflict_id") == "conflict-old");
    }
  }
  // The morning page lists the quiet tablet under its flag, for the meeting to chase.
  REQUIRE(night.batch().status == 0);
  const std::string page = read_file(night.dir.path() / "out" / "summary.html");
  CHECK(page.find("Tablet 9") != std::string::npos);
  CHECK(page.find("Tablet 10") == std::string::npos);
}

TEST_CASE("batch: a breach with no follow-up 24 hours after it happened is flagged and listed",
          "[batch][orders]") {
  Night night;
  const auto& nominal = night.force.north_nominals[0];
  night.damage("INSERT INTO orders (id, nominal_id, kind, made_on) VALUES ('order-1', '" + nominal +
               "', 'shpo', '2026-01-01')");
  const auto breach = [&](const std::string& id, const std::string& at) {
    night.damage(
        "INSERT INTO breaches (id, nominal_id, order_id, condition_text, occurred_at, "
        "action_taken) VALUES ('" +
        id + "', '" + nominal + "', 'order-1', 'No contact with children', '" + at +
        "', 'Reported to the court')");
  };
  const auto follow_up = [&](const std::string& breach_id, const std::string& at) {
    night.damage(
        "INSERT INTO breach_follow_ups (id, breach_id, followed_up_at, action_taken, status) "
        "VALUES ('" +
        vigil::base::make_uuid() + "', '" + breach_id + "', '" + at + "', 'Interviewed', 'open')");
  };
  // The run's cut-off is the end of 2026-11-22 (UTC in November).
  breach("b-late", "2026-11-21T23:00:00Z");   // 25 hours before it, nothing done
  breach("b-fresh", "2026-11-22T08:00:00Z");  // 16 hours: not yet due
  breach("b-done", "2026-11-20T10:00:00Z");
  follow_up("b-done", "2026-11-20T15:00:00Z");
  // Followed up only after the cut-off: as of the run, nothing had been done.
  breach("b-after", "2026-11-20T10:00:00Z");
  follow_up("b-after", "2026-11-23T09:00:00Z");
  const auto r = night.reconcile();
  CHECK(broken(r).empty());
  const auto& check = flag(r, "breaches_not_followed_up");
  REQUIRE(check.findings.size() == 2);
  CHECK(record(check.findings[0], "breach_id") == "b-after");
  CHECK(check.findings[0].detail ==
        "a breach of the shpo (No contact with children) with no follow-up after 62 hours");
  CHECK(record(check.findings[1], "breach_id") == "b-late");
  CHECK(record(check.findings[1], "nominal_ref") == "NOM-1");
  CHECK(check.findings[1].detail ==
        "a breach of the shpo (No contact with children) with no follow-up after 25 hours");
  // A practice finding: listed on the morning page, never the exit status.
  REQUIRE(night.batch().status == 0);
  const std::string page = read_file(night.dir.path() / "out" / "summary.html");
  CHECK(page.find("<h2>Breaches of an order with nothing recorded about them 24 hours after they "
                  "happened.</h2>") != std::string::npos);
}

TEST_CASE(
    "batch: a referral without feedback past its due date is chased, and a young person "
    "met three times goes to the panel; both on the morning page",
    "[batch][safeguarding]") {
  Night night;
  const std::string north = night.force.team_ids.at("North");
  night.damage(
      "INSERT INTO young_people (id, number, home_area, team_id) VALUES ('yp-1', "
      "'YP-000001', 'Riverside', '" +
      north + "'), ('yp-2', 'YP-000002', '', '" + north + "')");
  const auto encounter = [&](const std::string& id, const std::string& young_person,
                             const std::string& at, const std::string& place) {
    night.damage(
        "INSERT INTO encounters (id, young_person_id, ref, occurred_at, place, "
        "criminal_exploitation) VALUES ('" +
        id + "', '" + young_person + "', 'ENC-" + id + "', '" + at + "', '" + place + "', 1)");
  };
  encounter("e1", "yp-1", "2026-09-01T20:00:00Z", "Railway station");
  encounter("e2", "yp-1", "2026-10-12T21:00:00Z", "Railway station");
  encounter("e3", "yp-1", "2026-11-22T22:00:00Z", "Bus station");  // the as-of date, London
  encounter("e4", "yp-1", "2026-11-23T09:00:00Z", "Bus station");  // after it: not yet
  encounter("e5", "yp-2", "2026-11-19T18:00:00Z", "Park");
  // Sent 1 October and acknowledged: the feedback was due 28 October. Sent 20 November: the
  // acknowledgement is due on the 22nd, not yet overdue. A third was fed back.
  night.damage(
      "INSERT INTO safeguarding_referrals (id, young_person_id, encounter_id, agency, "
      "contact_name, sent_on, acknowledged_on, feedback_on) VALUES ('r-1', 'yp-1', 'e2', "
      "'Children''s services', 'J. Ray', '2026-10-01', '2026-10-02', NULL), ('r-2', 'yp-2', "
      "'e5', 'Children''s services', 'J. Ray', '2026-11-20', NULL, NULL), ('r-3', 'yp-1', 'e1', "
      "'Children''s services', 'J. Ray', '2026-09-02', '2026-09-03', '2026-09-20')");
  auto r = night.reconcile();
  CHECK(broken(r).empty());
  const auto& overdue = flag(r, "safeguarding_referrals_overdue");
  REQUIRE(overdue.findings.size() == 1);
  CHECK(record(overdue.findings[0], "referral_id") == "r-1");
  CHECK(record(overdue.findings[0], "subject") == "YP-000001");
  CHECK(overdue.findings[0].detail == "no feedback, 25 days overdue; to be chased");
  const auto& panel = flag(r, "young_people_repeat_encounters");
  REQUIRE(panel.findings.size() == 1);
  CHECK(record(panel.findings[0], "young_person") == "YP-000001");
  CHECK(panel.findings[0].detail ==
        "3 encounters (3 criminal, 0 sexual exploitation); 2 referrals");

  // Chased on 2 November: still without feedback, no longer to be chased.
  night.damage(
      "INSERT INTO referral_chases (id, referral_id, chased_on) VALUES ('c-1', 'r-1', "
      "'2026-11-02')");
  r = night.reconcile();
  CHECK(flag(r, "safeguarding_referrals_overdue").findings.at(0).detail ==
        "no feedback, 25 days overdue; last chased 2026-11-02");
  REQUIRE(night.batch().status == 0);
  const std::string page = read_file(night.dir.path() / "out" / "summary.html");
  CHECK(page.find("<h2>Safeguarding referrals whose acknowledgement or feedback is overdue") !=
        std::string::npos);
  CHECK(page.find("<h2>Young people with 3 or more encounters") != std::string::npos);
  CHECK(page.find("YP-000001") != std::string::npos);

  // The report lists every referral still without feedback, the one not yet due too.
  const auto report =
      night.vigil("report safeguarding --db force.db --as-of 2026-11-22 --format csv");
  REQUIRE(report.status == 0);
  CHECK(report.out ==
        "section,subject,team,date,days,detail\r\n"
        "referral,YP-000001,North,2026-10-01,52,Children's services (J. Ray): acknowledged "
        "2026-10-02; feedback 25 days overdue; last chased 2026-11-02\r\n"
        "referral,YP-000002,North,2026-11-20,2,Children's services (J. Ray): acknowledgement due "
        "2026-11-22; feedback due 2026-12-17\r\n"
        "young_person,YP-000001,North,2026-11-22,3,\"3 criminal, 0 sexual exploitation; 2 "
        "referrals; met at Railway station; Bus station\"\r\n");
}

TEST_CASE("batch: a visit whose nominal is not in the records: the data is broken, exit 3",
          "[batch]") {
  Night night;
  night.damage(
      "INSERT INTO visits (id, nominal_id, occurred_at, recorded_at, announced, outcome) VALUES "
      "('visit-orphan', 'nominal-gone', '2026-11-01T10:00:00Z', '2026-11-01T10:00:00Z', 0, "
      "'no_answer')");
  const auto r = night.reconcile();
  const auto& check = only_broken(r, "visits_have_nominals");
  REQUIRE(check.findings.size() == 1);
  CHECK(record(check.findings[0], "visit_id") == "visit-orphan");
  CHECK(record(check.findings[0], "nominal_id") == "nominal-gone");

  // Through the program: exit status 3, the breach named on standard error and in the files.
  const auto run = night.batch();
  CHECK(run.status == 3);
  CHECK(run.err.find("breaks 1 of its invariants") != std::string::npos);
  CHECK(run.out.find("BROKEN  Every visit is of a nominal in the records. (1)") !=
        std::string::npos);
  CHECK(read_file(night.dir.path() / "out" / "reconcile.json").find("visit-orphan") !=
        std::string::npos);
}

TEST_CASE("batch: a reference to a team, officer or visit that is not in the records", "[batch]") {
  Night night;
  const auto& north = night.force.north_nominals;
  night.damage("UPDATE nominals SET team_id = 'team-gone' WHERE id = '" + north[0] + "'");
  night.damage("UPDATE nominals SET officer_id = 'officer-gone' WHERE id = '" + north[1] + "'");
  night.damage(
      "INSERT INTO visit_amendments (id, visit_id, reason, changes, amended_by, amended_at) "
      "VALUES ('amendment-1', 'visit-gone', 'typo', '{}', NULL, '2026-11-21T10:00:00Z')");
  const auto r = night.reconcile();
  const auto& check = only_broken(r, "references_present");
  REQUIRE(check.findings.size() == 3);
  CHECK(record(check.findings[0], "nominal_ref") == "NOM-1");
  CHECK(record(check.findings[0], "names") == "team-gone");
  CHECK(check.findings[0].detail == "the nominal names a team that is not in the records");
  CHECK(record(check.findings[1], "names") == "officer-gone");
  CHECK(record(check.findings[2], "amendment_id") == "amendment-1");
  CHECK(check.findings[2].detail == "the visit amendment names a visit that is not in the records");
}

TEST_CASE("batch: a report copy that is not as the records say breaks the run, naming the copy",
          "[batch]") {
  Night night;
  // A plan's review date changed behind the triggers' back (by hand, with them dropped).
  night.damage("DROP TRIGGER team_plans_update");
  night.damage("UPDATE plans SET last_reviewed_on = '2026-11-01' WHERE id = '" +
               night.force.north_plans[0] + "'");
  const auto r = night.reconcile();
  const auto& check = only_broken(r, "team_copies_match_records");
  REQUIRE(check.findings.size() == 1);
  CHECK(record(check.findings[0], "copy") == "team_plans");
  CHECK(check.findings[0].detail ==
        "team_plans differs from team_plans_source: 1 row missing from it and 1 row that should "
        "not be in it");
}

TEST_CASE("batch: an active nominal with no officer, assessment or plan is flagged, not broken",
          "[batch]") {
  Night night;
  const auto& north = night.force.north_nominals;
  night.damage("UPDATE nominals SET officer_id = NULL WHERE id = '" + north[0] + "'");
  night.damage("DELETE FROM assessments WHERE nominal_id = '" + north[1] + "'");
  night.damage("DELETE FROM plans WHERE nominal_id = '" + north[2] + "'");
  // Inactive nominals are no one's caseload: not flagged.
  night.damage("UPDATE nominals SET status = 'inactive', officer_id = NULL WHERE id = '" +
               north[3] + "'");
  const auto r = night.reconcile();
  CHECK(broken(r).empty());
  const auto& check = flag(r, "active_nominals_unmanaged");
  REQUIRE(check.findings.size() == 3);
  CHECK(check.findings[0].detail == "the active nominal has no managing officer");
  CHECK(record(check.findings[0], "nominal_ref") == "NOM-1");
  CHECK(check.findings[1].detail == "the active nominal has no risk assessment");
  CHECK(check.findings[2].detail == "the active nominal has no plan");
}

TEST_CASE("batch: a visit below the crew its plan required is flagged, and the run succeeds",
          "[batch]") {
  Night night;
  {
    vigil::store::Database db(night.path);
    db.prepare(
          "INSERT INTO visits (id, nominal_id, occurred_at, recorded_at, announced, outcome, "
          "recorded_by) VALUES ('visit-alone', ?, '2026-11-20T10:00:00Z', "
          "'2026-11-20T10:00:00Z', 0, 'seen', ?)")
        .bind_all(night.force.north_nominals[0], night.force.officer_ids.at("pc.a"))
        .run();
    db.prepare("INSERT INTO visit_attendees (visit_id, officer_id) VALUES ('visit-alone', ?)")
        .bind_all(night.force.officer_ids.at("pc.a"))
        .run();
    vigil::store::copy_visit(db, "visit-alone");  // as every program that stores one does
  }
  const auto r = night.reconcile();
  CHECK(broken(r).empty());
  const auto& check = flag(r, "visits_below_crew");
  REQUIRE(check.findings.size() == 1);
  CHECK(record(check.findings[0], "visit_id") == "visit-alone");
  CHECK(check.findings[0].detail == "1 officer attended where the plan required 2");

  // Through the program: a practice finding is counted and listed, and the run succeeds.
  const auto run = night.batch();
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK(run.err.find("invariants") == std::string::npos);
  CHECK(run.out.find("flag    Visits in the 180 days up to the as-of date with fewer officers "
                     "than their plan required. (1)") != std::string::npos);
  CHECK(read_file(night.dir.path() / "out" / "reconcile.json").find("visit-alone") !=
        std::string::npos);
}

TEST_CASE("batch: a visit amended to add the second officer meets its crew", "[batch][amendment]") {
  Night night;
  {
    vigil::store::Database db(night.path);
    // Through the merge engine, as the tablet sent them, a day before the as-of date.
    vigil::sync::SyncEngine engine([] { return vigil::Instant{std::chrono::seconds(1795262400)}; });
    const auto pc = caller_of(db, "pc.a", "device-a");
    const auto push = [&](const vigil::sync::Change& change) {
      vigil::sync::PushRequest request;
      request.changes.push_back(change);
      const auto outcome = engine.push(db, pc, request).outcomes.front();
      INFO(outcome.reason);
      REQUIRE(outcome.outcome == vigil::sync::Outcome::applied);
    };
    const std::string visit_id = vigil::base::make_uuid();
    auto visit = visit_fields(night.force.north_nominals[0], "pc.a");
    visit["occurred_at"] = "2026-11-20T10:00:00Z";
    visit["recorded_at"] = "2026-11-20T10:05:00Z";
    push(make_change(vigil::base::make_uuid(), "visit", visit_id, vigil::sync::Operation::append,
                     visit, {}, 1795262400000));
    REQUIRE(flag(night.reconcile(), "visits_below_crew").findings.size() == 1);
    // pc.b was there and left off the record: the amendment says so.
    push(make_change(vigil::base::make_uuid(), "visit_amendment", vigil::base::make_uuid(),
                     vigil::sync::Operation::append,
                     {{"visit_id", visit_id},
                      {"reason", "pc.b attended and was left off"},
                      {"changes", vigil::sync::encode_fields({{"attendees", "pc.a;pc.b"}})},
                      {"amended_at", "2026-11-21T09:00:00Z"}},
                     {}, 1795262400001));
  }
  const auto r = night.reconcile();
  CHECK(broken(r).empty());
  CHECK(flag(r, "visits_below_crew").findings.empty());
  CHECK(night.batch().status == 0);
}

TEST_CASE("batch: two runs for one date write the same bytes, the manifest's run time aside",
          "[batch]") {
  // The demo force: devices, history, suspects, bail and breaches, so order and time matter.
  Night night;
  std::filesystem::remove(night.path);
  REQUIRE(run_command(
              kVigil + " seed --db '" + night.path.string() + "' --profile demo --as-of 2026-11-22",
              "", night.dir.path())
              .status == 0);
  // The demo force's data is whole: its run succeeds, with what practice missed flagged.
  REQUIRE(night.batch("first").status == 0);
  REQUIRE(night.batch("second").status == 0);
  const auto r = night.reconcile();
  CHECK(broken(r).empty());
  CHECK_FALSE(flag(r, "visits_below_crew").findings.empty());
  CHECK_FALSE(flag(r, "overdue_high_risk").findings.empty());
  const auto first = night.dir.path() / "first";
  const auto second = night.dir.path() / "second";
  for (const auto& entry : std::filesystem::directory_iterator(first)) {
    const auto name = entry.path().filename().string();
    INFO(name);
    if (name == "manifest.json") continue;
    CHECK(read_file(entry.path()) == read_file(second / name));
  }
  // The manifest names each file with its SHA-256; only run_at differs between the runs.
  auto without_run_at = [](std::string manifest) {
    const auto at = manifest.find("\"run_at\":\"");
    return manifest.erase(at, manifest.find('"', at + 10) + 1 - at);
  };
  CHECK(without_run_at(read_file(first / "manifest.json")) ==
        without_run_at(read_file(second / "manifest.json")));
  CHECK(read_file(first / "manifest.json").find("\"name\":\"summary.html\"") != std::string::npos);
}

TEST_CASE("batch: signed output; a changed, added or removed byte fails batch verify",
          "[batch][signed]") {
  Night night;
  const auto dir = night.dir.path();
  const auto vigil = [&](const std::string& arguments) { return night.vigil(arguments); };
  auto made = vigil("batch keygen --out keys");
  INFO(made.out << made.err);
  REQUIRE(made.status == 0);
  CHECK(made.out.find("Fingerprint: ") != std::string::npos);
  const auto key = dir / "keys" / "batch-signing.key";
  CHECK((std::filesystem::status(key).permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  // A second key pair would orphan what the first signed: refused, the first kept.
  const std::string first_key = read_file(key);
  CHECK(vigil("batch keygen --out keys").status == 1);
  CHECK(read_file(key) == first_key);

  const std::string run = "batch --db '" + night.path.string() +
                          "' --as-of 2026-11-22 --out out --sign-key keys/batch-signing.key";
  REQUIRE(vigil(run).status == 0);
  const std::string verify = "batch verify out --public-key keys/batch-signing.pub";
  auto checked = vigil(verify);
  INFO(checked.out << checked.err);
  REQUIRE(checked.status == 0);
  CHECK(checked.out.find("the run for 2026-11-22, made at ") != std::string::npos);
  CHECK(checked.out.find("(data whole): the 8 files its manifest lists are as the nightly run "
                         "wrote them") != std::string::npos);
  // Another night's signed output swapped in whole is found when the night is named.
  CHECK(vigil(verify + " --as-of 2026-11-22").status == 0);
  const auto other_night = vigil(verify + " --as-of 2026-11-23");
  CHECK(other_night.status == 3);
  CHECK(other_night.out.find("the output is the run for 2026-11-22, not for 2026-11-23") !=
        std::string::npos);

  // One byte changed in any file, the manifest and its signature included, is found.
  const auto out = dir / "out";
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    names.push_back(entry.path().filename().string());
  }
  REQUIRE(names.size() == 10);
  for (const auto& name : names) {
    INFO(name);
    const std::string original = read_file(out / name);
    std::string changed = original;
    changed[changed.size() / 2] ^= 1;
    { std::ofstream(out / name, std::ios::binary) << changed; }
    const auto after = vigil(verify);
    CHECK(after.status == 3);
    CHECK(after.out.find(name == "manifest.json" || name == "manifest.sig"
                             ? "manifest.sig is not the signature of manifest.json"
                             : name + " was changed") != std::string::npos);
    { std::ofstream(out / name, std::ios::binary) << original; }
  }
  REQUIRE(vigil(verify).status == 0);

  // Added, removed, unsigned, or checked under another key.
  { std::ofstream(out / "extra.csv") << "a,b\n"; }
  CHECK(vigil(verify).out.find("extra.csv was added") != std::string::npos);
  std::filesystem::remove(out / "extra.csv");
  const std::string overdue = read_file(out / "overdue.csv");
  std::filesystem::remove(out / "overdue.csv");
  CHECK(vigil(verify).out.find("overdue.csv was removed") != std::string::npos);
  { std::ofstream(out / "overdue.csv", std::ios::binary) << overdue; }
  REQUIRE(vigil("batch keygen --out other").status == 0);
  const auto other = vigil("batch verify out --public-key other/batch-signing.pub");
  CHECK(other.status == 3);
  CHECK(other.out.find("another key signed it") != std::string::npos);
  REQUIRE(vigil(run.substr(0, run.find(" --sign-key"))).status == 0);  // unsigned
  const auto unsigned_run = vigil(verify);
  CHECK(unsigned_run.status == 3);
  CHECK(unsigned_run.out.find("manifest.sig is missing") != std::string::npos);
}

TEST_CASE("batch: a signing key others can read, or one that is no key, is refused before the run",
          "[batch][signed]") {
  Night night;
  const auto dir = night.dir.path();
  const auto vigil = [&](const std::string& arguments) { return night.vigil(arguments); };
  REQUIRE(vigil("batch keygen --out keys").status == 0);
  const auto key = dir / "keys" / "batch-signing.key";
  const auto sign_with = [&](const std::string& file) {
    return vigil("batch --db '" + night.path.string() +
                 "' --as-of 2026-11-22 --out out --sign-key '" + file + "'");
  };
  CommandResult r;
  for (const auto readers :
       {std::filesystem::perms::others_read, std::filesystem::perms::group_read}) {
    std::filesystem::permissions(key, readers, std::filesystem::perm_options::add);
    r = sign_with(key.string());
    CHECK(r.status == 1);
    CHECK(r.err.find("can be read by users other than its owner") != std::string::npos);
    std::filesystem::permissions(key, readers, std::filesystem::perm_options::remove);
  }
  // The public key is no private key.
  const auto public_key = dir / "keys" / "batch-signing.pub";
  std::filesystem::permissions(
      public_key, std::filesystem::perms::others_read | std::filesystem::perms::group_read,
      std::filesystem::perm_options::remove);
  r = sign_with(public_key.string());
  CHECK(r.status == 1);
  CHECK(r.err == "vigil: the signing key is not an Ed25519 private key in PEM\n");
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  // Checking with what is no public key, or a folder that is not there.
  std::filesystem::create_directory(dir / "out");
  r = vigil("batch verify out --public-key keys/batch-signing.key");
  CHECK(r.status == 1);
  CHECK(r.err == "vigil: the public key is not an Ed25519 public key in PEM\n");
  r = vigil("batch verify --public-key keys/batch-signing.pub");
  CHECK(r.status == 2);
}

TEST_CASE("batch: a rerun replaces the output whole, and an interrupted run's leftovers go",
          "[batch]") {
  Night night;
  const auto out = night.dir.path() / "out";
  std::filesystem::create_directories(out);
  { std::ofstream(out / "overdue.csv") << "from before"; }
  // What a run killed while writing leaves: a part-written folder beside the output.
  std::filesystem::create_directories(night.dir.path() / "out.partial");
  { std::ofstream(night.dir.path() / "out.partial" / "overdue.json") << "{\"as_of\":"; }
  REQUIRE(night.batch().status == 0);
  CHECK(read_file(out / "overdue.csv").rfind("nominal_ref,", 0) == 0);
  CHECK(std::filesystem::exists(out / "manifest.json"));
  CHECK_FALSE(std::filesystem::exists(night.dir.path() / "out.partial"));
  CHECK_FALSE(std::filesystem::exists(night.dir.path() / "out.previous"));
  CHECK(read_file(out / "overdue.json").rfind("{\"as_of\":\"2026-11-22\"", 0) == 0);
}

TEST_CASE("batch: refuses an output folder that is not the nightly run's, and writes nothing",
          "[batch]") {
  Night night;
  // The database's own folder: replacing it would take the database with it.
  auto run = night.batch(".");
  CHECK(run.status == 1);
  CHECK(run.err.find("which no nightly run wrote") != std::string::npos);
  CHECK(std::filesystem::exists(night.path));
  { std::ofstream(night.dir.path() / "notes.txt") << "mine"; }
  run = night.batch("notes.txt");
  CHECK(run.status == 1);
  CHECK(run.err.find("is a file, not a folder") != std::string::npos);
  CHECK(read_file(night.dir.path() / "notes.txt") == "mine");
  CHECK(count_of(night.path, "SELECT count(*) FROM backlog_snapshots") == 0);
}

TEST_CASE("batch: bad usage and a missing database", "[batch][cli]") {
  TempDir dir;
  auto run = run_command(kVigil + " batch --db x.db --as-of 2026-02-30 --out out", "", dir.path());
  CHECK(run.status == 2);
  CHECK(run.err == "vigil: --as-of '2026-02-30' is not a real date in the form YYYY-MM-DD\n");
  run = run_command(kVigil + " batch --db missing.db --as-of 2026-11-22 --out out", "", dir.path());
  CHECK(run.status == 1);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "out"));
}

TEST_CASE("batch: progress is drawn on a terminal, and only there", "[batch][cli]") {
  Night night;
  // `script` runs the command on a pseudo-terminal, as a person at a terminal would.
  const std::string command = kVigil + " batch --db '" + night.path.string() +
                              "' --as-of 2026-11-22 --out '" + (night.dir.path() / "out").string() +
                              "'";
  const auto on_terminal =
      run_command("script -qec \"" + command + "\" /dev/null", "", night.dir.path());
  CHECK(on_terminal.status == 0);
  CHECK(on_terminal.out.find("\r\033[Kinvariants") != std::string::npos);
  const auto logged = night.batch();
  CHECK(logged.status == 0);
  CHECK(logged.err.find('\r') == std::string::npos);
  CHECK(logged.out.find('\r') == std::string::npos);
}
