// The overdue rules and report on a hand-made dataset whose answer is worked out below.
#include <catch2/catch.hpp>

#include "civil_dates.hpp"
#include "temp_dir.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/rules/overdue.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/store/team_facts.hpp"

using namespace vigil;
using vigil::testing::d;
using vigil::testing::s;

namespace {
// Writes rows of the hand-made force with every value bound.
class Force {
 public:
  explicit Force(store::Database& db) : db_(db) {}

  void team(const std::string& name) {
    db_.prepare("INSERT INTO teams (id, name) VALUES (?, ?)").bind_all("team-" + name, name).run();
  }
  void officer(const std::string& username, const std::string& role, const std::string& team) {
    db_.prepare(
           "INSERT INTO officers (id, username, name, role, team_id, created_at) "
           "VALUES (?, ?, ?, ?, ?, '2020-01-01T00:00:00Z')")
        .bind_all("officer-" + username, username, username, role, "team-" + team)
        .run();
  }
  void nominal(const std::string& ref, const std::string& kind, const std::string& risk,
               const std::string& officer, const std::string& team, bool nfa = false,
               const std::string& status = "active", bool reactive = false) {
    db_.prepare(
           "INSERT INTO nominals (id, ref, surname, forenames, date_of_birth, kind, "
           "mappa_level, risk_level, officer_id, team_id, no_fixed_abode, status, "
           "reactive_management) VALUES (?, ?, 'Surname', 'Forename', '1980-01-01', ?, 1, ?, "
           "?, ?, ?, ?, ?)")
        .bind_all("nominal-" + ref, ref, kind, risk, "officer-" + officer, "team-" + team, nfa,
                  status, reactive)
        .run();
  }
  void assessment(const std::string& ref, const std::string& on, const std::string& risk) {
    db_.prepare(
           "INSERT INTO assessments (id, nominal_id, assessed_on, risk_level) "
           "VALUES (?, ?, ?, ?)")
        .bind_all("assessment-" + ref + on, "nominal-" + ref, on, risk)
        .run();
  }
  void plan(const std::string& ref, const std::string& started, std::optional<std::string> reviewed,
            std::optional<int> every_months = std::nullopt) {
    db_.prepare(
           "INSERT INTO plans (id, nominal_id, started_on, last_reviewed_on, "
           "visit_every_months, double_crewed) VALUES (?, ?, ?, ?, ?, 1)")
        .bind_all("plan-" + ref, "nominal-" + ref, started, reviewed, every_months)
        .run();
  }
  void action(const std::string& ref, const std::string& description,
              std::optional<std::string> owner, std::optional<std::string> due,
              const std::string& status = "open", std::optional<std::string> completed = {}) {
    std::optional<std::string> owner_id;
    if (owner) owner_id = "officer-" + *owner;
    db_.prepare(
           "INSERT INTO plan_actions (id, plan_id, description, owner_id, due_on, status, "
           "completed_on) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind_all("action-" + ref + description, "plan-" + ref, description, owner_id, due, status,
                  completed)
        .run();
  }
  void visit(const std::string& ref, const std::string& at, const std::string& outcome,
             std::vector<std::string> attendees, const std::string& risk_change = "") {
    const std::string id = "visit-" + ref + at;
    db_.prepare(
           "INSERT INTO visits (id, nominal_id, occurred_at, recorded_at, announced, outcome, "
           "risk_change) VALUES (?, ?, ?, ?, 0, ?, ?)")
        .bind_all(id, "nominal-" + ref, at, at, outcome, risk_change)
        .run();
    for (const auto& who : attendees) {
      db_.prepare("INSERT INTO visit_attendees (visit_id, officer_id) VALUES (?, ?)")
          .bind_all(id, "officer-" + who)
          .run();
    }
    // As every program that stores a visit does (vigil/store/team_facts.hpp).
    vigil::store::copy_visit(db_, id);
  }
  void breach(const std::string& ref, const std::string& at) {
    db_.prepare(
           "INSERT INTO orders (id, nominal_id, kind, made_on) VALUES (?, ?, 'shpo', "
           "'2020-01-01')")
        .bind_all("order-" + ref, "nominal-" + ref)
        .run();
    db_.prepare(
           "INSERT INTO breaches (id, nominal_id, order_id, occurred_at, action_taken) "
           "VALUES (?, ?, ?, ?, 'arrested')")
        .bind_all("breach-" + ref, "nominal-" + ref, "order-" + ref, at)
        .run();
  }
  void notification_requirement(const std::string& ref, const std::string& relevant,
                                const std::string& disposal, std::optional<int> months) {
    db_.prepare(
           "INSERT INTO notification_requirements (nominal_id, relevant_date, disposal, "
           "months, age_at_relevant) VALUES (?, ?, ?, ?, 30)")
        .bind_all("nominal-" + ref, relevant, disposal, months)
        .run();
  }
  void notification(const std::string& ref, const std::string& kind, const std::string& event,
                    std::optional<std::string> notified) {
    db_.prepare(
           "INSERT INTO notifications (id, nominal_id, kind, event_on, notified_on) "
           "VALUES (?, ?, ?, ?, ?)")
        .bind_all("notification-" + ref + kind + event, "nominal-" + ref, kind, event, notified)
        .run();
  }

 private:
  store::Database& db_;
};

// The hand-made force, as of 2024-06-30. Each nominal's expected items are worked out here.
void build_force(store::Database& db) {
  Force f(db);
  f.team("North 1");
  f.team("South 1");
  f.officer("pc.ahmed", "officer", "North 1");
  f.officer("sgt.north", "supervisor", "North 1");
  f.officer("pc.brown", "officer", "South 1");

  // N1, high: seen 2024-02-20 by one officer although the plan requires two.
  // Visit due 2024-02-20 + 3 months = 2024-05-20; 41 days overdue on 2024-06-30.
  // Priority 100 x 4 (high) x (1 + 41/90) x 1.25 (crewing) = 727.8 -> 728.
  f.nominal("N1", "violent", "medium", "pc.ahmed", "North 1");
  f.assessment("N1", "2024-01-10", "high");
  f.plan("N1", "2024-01-15", std::nullopt);
  f.visit("N1", "2024-02-20T10:00:00Z", "seen", {"pc.ahmed"});

  // N2, low, never assessed: seen at 2023-05-31T23:30Z, which is 00:30 on 1 June in London (BST),
  // so the visit is due 2024-06-01 (12 months) and is 29 days overdue, not 30.
  // Priority 100 x 1 x (1 + 29/90) = 132.2 -> 132.
  // Plan last reviewed 2023-08-31; + 6 months = 31 February -> 29 February 2024 (leap year);
  // 122 days overdue. Priority 100 x 1 x (1 + 122/90) x 0.8 = 188.4 -> 188.
  f.nominal("N2", "other", "low", "pc.ahmed", "North 1");
  f.plan("N2", "2022-03-31", std::string("2023-08-31"));
  f.visit("N2", "2023-05-31T23:30:00Z", "seen", {"pc.ahmed", "sgt.north"});

  // N3, medium, no fixed abode, South 1: assessed 2023-09-15 (next due 2024-09-15), but a
  // dynamic risk change recorded at the visit of 2024-06-01 brings it to 2024-06-15: 15 days.
  // Priority 100 x 2 x (1 + 15/90) x 1.25 (no fixed abode) = 291.7 -> 292.
  f.nominal("N3", "violent", "medium", "pc.brown", "South 1", true);
  f.assessment("N3", "2023-09-15", "medium");
  f.plan("N3", "2023-05-20", std::string("2024-01-10"), 6);
  f.visit("N3", "2024-06-01T09:00:00Z", "seen", {"pc.brown", "sgt.north"}, "relationship ended");

  // N4, assessed very high, never seen (one no answer): the visit was due on the plan's start,
  // 2024-05-05: 56 days. A breach on 2024-06-25 is recent.
  // Priority 100 x 8 x (1 + 56/90) x 1.5 (breach) = 1946.7 -> 1947.
  // Action due 2024-06-10: 20 days; 100 x 8 x (1 + 20/90) x 0.6 x 1.5 = 880.
  // The action without a due date is a plan defect, not an overdue item; the done one is neither.
  f.nominal("N4", "violent", "medium", "pc.ahmed", "North 1");
  f.assessment("N4", "2024-05-01", "very_high");
  f.plan("N4", "2024-05-05", std::nullopt);
  f.action("N4", "Check phone", std::string("pc.ahmed"), std::string("2024-06-10"));
  f.action("N4", "Home check", std::nullopt, std::nullopt);
  f.action("N4", "Speak to partner", std::string("pc.ahmed"), std::string("2024-06-01"), "done",
           std::string("2024-06-02"));
  f.visit("N4", "2024-06-20T18:00:00Z", "no_answer", {"pc.ahmed", "sgt.north"});
  f.breach("N4", "2024-06-25T12:00:00Z");

  // N5, registered sex offender, high; 36 months' prison: notification is indefinite.
  // Last notified 2023-06-01: the annual one was due 2024-06-01, 29 days overdue:
  // 100 x 4 x (1 + 29/90) x 1.2 = 634.7 -> 635. A change on 2024-06-20 not yet notified was due
  // within 3 days beginning with it, 2024-06-22: 8 days; 100 x 4 x (1 + 8/90) x 1.2 = 522.7 -> 523.
  f.nominal("N5", "rso", "high", "pc.ahmed", "North 1");
  f.assessment("N5", "2024-03-01", "high");
  f.plan("N5", "2024-03-05", std::nullopt);
  f.visit("N5", "2024-06-15T10:00:00Z", "seen", {"pc.ahmed", "sgt.north"});
  f.notification_requirement("N5", "2020-01-10", "prison", 36);
  f.notification("N5", "periodic", "2023-06-01", std::string("2023-06-01"));
  f.notification("N5", "change", "2024-06-20", std::nullopt);

  // N6 is no longer managed; N7 is on reactive management: neither has routine items.
  f.nominal("N6", "violent", "high", "pc.ahmed", "North 1", false, "inactive");
  f.plan("N6", "2019-01-01", std::nullopt);
  f.nominal("N7", "violent", "low", "pc.brown", "South 1", false, "active", true);
  f.assessment("N7", "2024-06-01", "low");
  f.plan("N7", "2024-06-01", std::nullopt);
}

// The hand-made force in a fresh, migrated database of its own.
struct HandMadeForce {
  TempDir dir;
  store::Database db{dir.path() / "force.db"};
  HandMadeForce() {
    store::migrate(db);
    build_force(db);
  }
};

struct Expected {
  const char* ref;
  OverdueKind kind;
  RiskLevel risk;
  const char* due;
  int days;
  int priority;
};

}  // namespace

TEST_CASE("the overdue report lists every late item of a hand-made force by priority",
          "[overdue][report]") {
  HandMadeForce force;
  auto& db = force.db;

  const auto report = reports::overdue_report(db, d("2024-06-30"), {});
  const std::vector<Expected> expected = {
      {"N4", OverdueKind::visit, RiskLevel::very_high, "2024-05-05", 56, 1947},
      {"N4", OverdueKind::action, RiskLevel::very_high, "2024-06-10", 20, 880},
      {"N1", OverdueKind::visit, RiskLevel::high, "2024-05-20", 41, 728},
      {"N5", OverdueKind::notification, RiskLevel::high, "2024-06-01", 29, 635},
      {"N5", OverdueKind::notification, RiskLevel::high, "2024-06-22", 8, 523},
      {"N3", OverdueKind::assessment, RiskLevel::medium, "2024-06-15", 15, 292},
      {"N2", OverdueKind::plan_review, RiskLevel::low, "2024-02-29", 122, 188},
      {"N2", OverdueKind::visit, RiskLevel::low, "2024-06-01", 29, 132},
  };
  REQUIRE(report.items.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& item = report.items[i];
    INFO("item " << i << ": " << item.nominal_ref << " " << to_string(item.kind));
    CHECK(item.nominal_ref == expected[i].ref);
    CHECK(item.kind == expected[i].kind);
    CHECK(item.risk_level == expected[i].risk);
    CHECK(format_date(item.due) == expected[i].due);
    CHECK(item.days_overdue == expected[i].days);
    CHECK(item.priority == expected[i].priority);
  }
  // The reasons say why each ranks where it does.
  const auto& n4 = report.items[0];
  CHECK(n4.reasons.front() == "very high risk (weight 8.00)");
  CHECK(n4.reasons[1] == "56 days overdue (x1.62)");
  CHECK(n4.reasons.back() == "breach of an order on 2024-06-25 (+50%)");
  CHECK(report.items[2].reasons.back() ==
        "last visit had 1 officer where the plan requires 2 (+25%)");
  CHECK(report.items[5].reasons.back() == "no fixed abode (+25%)");
  CHECK(report.items[5].detail == "early review after a dynamic risk change on 2024-06-01");
  CHECK(report.items[1].detail == "Check phone");
  CHECK(report.items[1].officer == "pc.ahmed");
  CHECK(report.items[5].team == "South 1");

  const auto& s = report.summary;
  CHECK(s.total == 8);
  CHECK(s.nominals == 6);  // N6 is inactive
  CHECK(s.by_risk == std::array<int, 4>{2, 1, 3, 2});
  CHECK(s.by_age_band == std::array<int, 5>{5, 2, 1, 0, 0});
  REQUIRE(s.oldest_by_risk[index_of(RiskLevel::low)]);
  CHECK(s.oldest_by_risk[index_of(RiskLevel::low)]->kind == OverdueKind::plan_review);
  CHECK(s.oldest_by_risk[index_of(RiskLevel::high)]->nominal_ref == "N1");
  CHECK(s.oldest_by_risk[index_of(RiskLevel::very_high)]->days_overdue == 56);
  CHECK(s.oldest_by_risk[index_of(RiskLevel::medium)]->nominal_ref == "N3");
}

TEST_CASE("a team's overdue report holds only that team's nominals", "[overdue][report]") {
  HandMadeForce force;
  auto& db = force.db;
  const auto report = reports::overdue_report(db, d("2024-06-30"), {{"South 1"}});
  REQUIRE(report.items.size() == 1);
  CHECK(report.items[0].nominal_ref == "N3");
  CHECK(report.summary.nominals == 2);
}

TEST_CASE("a visit whose id sorts after other nominals' visits still counts for its nominal",
          "[overdue][report]") {
  // The report steps along the copies in (team, nominal) order; the visits' copy comes in the
  // order of the visits' ids instead, so a visit met after the step has passed its nominal must
  // still be found. N1 was last seen 2024-02-20 and is 41 days overdue; a visit on 2024-06-29,
  // with an id after every other nominal's visits, is its last.
  HandMadeForce force;
  auto& db = force.db;
  const auto n1_visit_overdue = [&] {
    const auto report = reports::overdue_report(db, d("2024-06-30"), {});
    return std::any_of(report.items.begin(), report.items.end(), [](const auto& item) {
      return item.nominal_ref == "N1" && item.kind == OverdueKind::visit;
    });
  };
  REQUIRE(n1_visit_overdue());
  db.prepare(
        "INSERT INTO visits (id, nominal_id, occurred_at, recorded_at, announced, outcome) "
        "VALUES ('zz-last-visit', 'nominal-N1', '2024-06-29T10:00:00Z', '2024-06-29T10:00:00Z', 0, "
        "'seen')")
      .run();
  db.prepare("INSERT INTO visit_attendees (visit_id, officer_id) VALUES ('zz-last-visit', ?)")
      .bind_all("officer-pc.ahmed")
      .run();
  store::copy_visit(db, "zz-last-visit");
  CHECK_FALSE(n1_visit_overdue());
}

TEST_CASE("nothing is overdue on its due date, and facts after the as-of date are ignored",
          "[overdue][report]") {
  HandMadeForce force;
  auto& db = force.db;
  // On 2024-05-20 N1's visit is due that day: 0 days overdue, so not listed.
  auto report = reports::overdue_report(db, d("2024-05-20"), {{"North 1"}});
  for (const auto& item : report.items) {
    CHECK_FALSE((item.nominal_ref == "N1" && item.kind == OverdueKind::visit));
  }
  report = reports::overdue_report(db, d("2024-05-21"), {{"North 1"}});
  bool n1_late = false;
  for (const auto& item : report.items) {
    if (item.nominal_ref == "N1" && item.kind == OverdueKind::visit) {
      n1_late = true;
      CHECK(item.days_overdue == 1);
    }
  }
  CHECK(n1_late);
  // As of 2024-06-10, N5's visit of 2024-06-15 has not happened: its last seen visit is unknown
  // and the plan start (2024-03-05) is the due date.
  report = reports::overdue_report(db, d("2024-06-10"), {{"North 1"}});
  bool found = false;
  for (const auto& item : report.items) {
    if (item.nominal_ref == "N5" && item.kind == OverdueKind::visit) {
      found = true;
      CHECK(format_date(item.due) == "2024-03-05");
    }
  }
  CHECK(found);
}

TEST_CASE("the report's JSON carries the contract's fields", "[overdue][report]") {
  HandMadeForce force;
  auto& db = force.db;
  const auto json =
      reports::overdue_report_json(reports::overdue_report(db, d("2024-06-30"), {{"South 1"}}));
  CHECK(json.rfind("{\"as_of\":\"2024-06-30\",\"items\":[{\"nominal_ref\":\"N3\",\"kind\":"
                   "\"assessment\",\"risk_level\":\"medium\",\"due\":\"2024-06-15\","
                   "\"days_overdue\":15,\"priority\":292,\"officer\":\"pc.brown\",\"team\":"
                   "\"South 1\",\"reasons\":[",
                   0) == 0);
  CHECK(json.find("\"by_age_band\":{\"1-30\":1,\"31-90\":0,\"91-180\":0,\"181-365\":0,"
                  "\"over_365\":0}") != std::string::npos);
  CHECK(json.find("\"oldest\":{\"low\":null,\"medium\":{\"nominal_ref\":\"N3\"") !=
        std::string::npos);
}

TEST_CASE("a plan's shorter frequency applies, and the policy's when the plan's is longer",
          "[overdue]") {
  NominalFacts facts;
  facts.recorded_risk = RiskLevel::medium;  // policy: 6 months
  facts.last_seen_at = parse_instant("2024-01-31T12:00:00Z");
  facts.plan = NominalFacts::Plan{d("2024-01-01"), std::nullopt, 1, true};
  const Policy policy = default_policy();
  CHECK(format_date(next_visit_due(facts, policy).value()) == "2024-02-29");
  facts.plan->visit_every_months = 12;
  CHECK(format_date(next_visit_due(facts, policy).value()) == "2024-07-31");
  facts.plan.reset();
  facts.first_assessment_on = d("2023-12-01");
  facts.last_seen_at.reset();
  CHECK(format_date(next_visit_due(facts, policy).value()) == "2023-12-01");
  facts.first_assessment_on.reset();
  CHECK_FALSE(next_visit_due(facts, policy));
}

TEST_CASE("a reassessment later than the plan's review brings the review within 28 days",
          "[overdue]") {
  NominalFacts facts;
  facts.plan = NominalFacts::Plan{d("2024-01-10"), std::nullopt, std::nullopt, true};
  facts.last_assessment_on = d("2024-02-01");
  CHECK(format_date(next_plan_review_due(facts, default_policy()).value()) == "2024-02-29");
  facts.last_assessment_on = d("2024-01-01");
  CHECK(format_date(next_plan_review_due(facts, default_policy()).value()) == "2024-07-10");
}

TEST_CASE("priority rises with risk and with days overdue", "[overdue][priority]") {
  NominalFacts facts;
  const Policy policy = default_policy();
  const Date as_of = d("2024-06-30");
  auto score = [&](RiskLevel risk, int days) {
    return prioritise(facts, OverdueKind::visit, risk, days, policy, as_of).score;
  };
  CHECK(score(RiskLevel::very_high, 10) > score(RiskLevel::high, 10));
  CHECK(score(RiskLevel::high, 10) > score(RiskLevel::medium, 10));
  CHECK(score(RiskLevel::medium, 10) > score(RiskLevel::low, 10));
  CHECK(score(RiskLevel::high, 400) > score(RiskLevel::high, 10));
  // Two years late at high risk outranks a week late at very high risk.
  CHECK(score(RiskLevel::high, 730) > score(RiskLevel::very_high, 7));
}

TEST_CASE("items alike but for their officer or team keep one order, whatever order they came in",
          "[overdue][priority]") {
  // Two open actions of one plan, same description and due date, owned by different officers:
  // the report lists them the same on every run, however the facts were read.
  std::vector<OverdueItem> items;
  for (int i = 0; i < 64; ++i) {
    OverdueItem item;
    item.nominal_ref = "NOM-000001";
    item.kind = OverdueKind::action;
    item.due = d("2026-12-18");
    item.days_overdue = 87;
    item.priority = 118;
    item.detail = "Review foreign travel plans";
    item.officer = "pc." + std::to_string(100 + (i * 37) % 64);
    item.team = i % 2 == 0 ? "North" : "South";
    items.push_back(item);
  }
  sort_by_priority(items);
  for (std::size_t i = 1; i < items.size(); ++i) {
    INFO("item " << i);
    CHECK(std::tie(items[i - 1].officer, items[i - 1].team) <
          std::tie(items[i].officer, items[i].team));
  }
}

TEST_CASE("an order extends the notification period, until further order without end",
          "[overdue][notification]") {
  HandMadeForce force;
  auto& db = force.db;
  Force f(db);
  // A caution on 2020-01-10 requires notification for 2 years, to 2022-01-09; the annual
  // notification last made on 2021-06-01 was due 2022-06-01, after the period ended.
  f.nominal("N8", "rso", "low", "pc.brown", "South 1");
  f.assessment("N8", "2024-06-01", "low");
  f.plan("N8", "2024-06-01", std::nullopt);
  f.notification_requirement("N8", "2020-01-10", "caution", std::nullopt);
  f.notification("N8", "periodic", "2021-06-01", std::string("2021-06-01"));
  auto notification_items = [&] {
    int count = 0;
    for (const auto& item : reports::overdue_report(db, d("2024-06-30"), {{"South 1"}}).items) {
      if (item.nominal_ref == "N8" && item.kind == OverdueKind::notification) {
        ++count;
        CHECK(format_date(item.due) == "2022-06-01");
      }
    }
    return count;
  };
  CHECK(notification_items() == 0);
  // An order ending 2023-12-31 extended the period, but it too has ended.
  db.prepare(
        "INSERT INTO orders (id, nominal_id, kind, made_on, ends_on) VALUES "
        "('order-N8a', 'nominal-N8', 'shpo', '2021-01-01', '2023-12-31')")
      .run();
  CHECK(notification_items() == 0);
  // An order until further order keeps the nominal notifying.
  db.prepare(
        "INSERT INTO orders (id, nominal_id, kind, made_on) VALUES "
        "('order-N8b', 'nominal-N8', 'shpo', '2023-06-01')")
      .run();
  CHECK(notification_items() == 1);
}

TEST_CASE("a damaged date in the database stops the report with a clear error",
          "[overdue][report]") {
  HandMadeForce force;
  auto& db = force.db;
  db.execute("UPDATE plans SET started_on = '2024-02-30' WHERE id = 'plan-N1'");
  try {
    reports::overdue_report(db, d("2024-06-30"), {});
    FAIL("a report was produced from an impossible date");
  } catch (const Error& error) {
    CHECK(std::string(error.what()) == "the database holds an impossible date '2024-02-30'");
  }
  // The report stopped part-way through a statement it keeps on the connection; the connection
  // must not go on reading the database as it was (a tablet keeps its one connection for days).
  store::Database other(force.dir.path() / "force.db");
  other.execute("INSERT INTO teams (id, name) VALUES ('team-later', 'Later')");
  auto& teams = db.cached("SELECT count(*) FROM teams WHERE id = 'team-later'");
  REQUIRE(teams.step());
  CHECK(teams.column_int(0) == 1);
  teams.reset();
}
