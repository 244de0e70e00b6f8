// The merge engine on a real database: validation, role and scope, idempotency, per-field
// conflicts settled the same in any order, decisions, and scoped pulls with purges.
#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "engine_world.hpp"
#include "queries.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/base/digest.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/store/devices.hpp"
#include "vigil/sync/effective_visit.hpp"
#include "vigil/sync/engine.hpp"
#include "vigil/sync/read_audit.hpp"

using namespace vigil;
using namespace vigil::sync;

namespace {

// North's pc.a and pc.b, who edit the same records from their tablets, and their sergeant, who
// settles what they disagree on.
struct Colleagues {
  EngineWorld w;
  const Caller a = w.caller("pc.a", "device-a");
  const Caller b = w.caller("pc.b", "device-b");
  const Caller sergeant = w.caller("sgt.north", "device-s");
};

// pc.a of North and pc.south of South at their tablets: what one team's scope holds, the other's
// does not.
struct TwoTeams {
  EngineWorld w;
  const Caller north = w.caller("pc.a", "device-a");
  const Caller south = w.caller("pc.south", "device-s");
};

}  // namespace

TEST_CASE_METHOD(NorthTeam,
                 "a visit is taken in once, with its attendees, and a retry is a duplicate",
                 "[sync][engine]") {
  const Change v = w.visit(w.force.north_nominals[0], "pc.a;pc.b");
  const auto first = w.push_one(pc, v);
  CHECK(first.outcome == Outcome::applied);
  CHECK(first.seq > 0);
  CHECK(count_of(w.db, "SELECT count(*) FROM visit_attendees") == 2);
  CHECK(text_of(w.db, "SELECT recorded_by FROM visits WHERE id = ?", v.entity_id) ==
        w.force.officer_ids["pc.a"]);

  const auto again = w.push_one(pc, v);
  CHECK(again.outcome == Outcome::duplicate);
  CHECK(again.first_outcome == Outcome::applied);
  CHECK(again.seq == first.seq);
  CHECK(count_of(w.db, "SELECT count(*) FROM visits") == 1);
  CHECK(count_of(w.db, "SELECT count(*) FROM changes") == 1);
}

TEST_CASE_METHOD(NorthTeam,
                 "bad changes are rejected with a reason and kept, and change nothing else",
                 "[sync][engine]") {
  const std::string nominal = w.force.north_nominals[0];
  std::vector<RefusedChange> cases = {
      {w.change("visit", "not-a-uuid", Operation::append, {{"nominal_id", nominal}}),
       "entity_id must be a UUID"},
      {w.change("visit", base::make_uuid(), Operation::update, {{"outcome", "seen"}},
                {{"outcome", "seen"}}),
       "a visit is a record of fact: it can only be appended"},
      {w.change("nominal", nominal, Operation::update, {{"ref", "X"}}, {{"ref", "NOM-1"}}),
       "ref cannot be changed once recorded"},
      {w.change("nominal", nominal, Operation::update, {{"area", "Docks"}}),
       "the update of area has no base value"},
      {w.change("nominal", nominal, Operation::update, {{"shoe_size", "9"}}, {{"shoe_size", "8"}}),
       "'shoe_size' is not a field of a nominal"},
      {w.change("nominal", nominal, Operation::update, {{"no_fixed_abode", "maybe"}},
                {{"no_fixed_abode", "no"}}),
       "no_fixed_abode 'maybe' must be yes or no"},
  };
  // And those refused however an officer's tablet reaches the server.
  for (auto& c : refused_to_an_officer(w, nominal)) cases.push_back(std::move(c));

  Change bad_date = w.visit(nominal, "pc.a");
  bad_date.fields["occurred_at"] = "2026-02-30T10:00:00Z";
  cases.push_back(
      {bad_date,
       "occurred_at '2026-02-30T10:00:00Z' is not an ISO-8601 instant with a time zone (e.g. "
       "2024-01-05T10:00:00Z)"});
  Change stranger = w.visit(nominal, "pc.a;nobody");
  cases.push_back({stranger, "attendees: no officer has the username 'nobody'"});
  Change bad_clock = w.visit(nominal, "pc.a");
  bad_clock.clock = "yesterday";
  cases.push_back({bad_clock, "clock 'yesterday' is not a hybrid logical clock stamp"});

  for (const auto& c : cases) {
    const auto outcome = w.push_one(pc, c.change);
    INFO(c.reason);
    CHECK(outcome.outcome == Outcome::rejected);
    CHECK(outcome.reason == c.reason);
    // A retry gets the same answer.
    const auto again = w.push_one(pc, c.change);
    CHECK(again.outcome == Outcome::duplicate);
    CHECK(again.first_outcome == Outcome::rejected);
    CHECK(again.reason == c.reason);
  }
  CHECK(count_of(w.db, "SELECT count(*) FROM visits") == 0);
  CHECK(count_of(w.db, "SELECT count(*) FROM changes WHERE outcome = 'rejected'") ==
        static_cast<std::int64_t>(cases.size()));
  CHECK(text_of(w.db, "SELECT risk_level FROM nominals WHERE id = ?", nominal) == "high");
}

TEST_CASE_METHOD(NorthTeam, "a change to another team's record is refused and the attempt audited",
                 "[sync][engine][scope]") {
  const auto outcome = w.push_one(pc, w.visit(w.force.south_nominals[0], "pc.a"));
  CHECK(outcome.outcome == Outcome::rejected);
  CHECK(outcome.reason == "the visit belongs to a team outside yours");
  CHECK(count_of(
            w.db,
            "SELECT count(*) FROM audit_log WHERE action = 'denied' AND officer_id IS NOT NULL") ==
        1);
  CHECK(count_of(w.db, "SELECT count(*) FROM visits") == 0);
}

TEST_CASE_METHOD(NorthTeam, "SQL and HTML in values are stored and returned literally",
                 "[sync][engine]") {
  const std::string nasty = "'; DROP TABLE visits; -- <b onmouseover=\"alert(1)\">&amp;</b> \\ %";
  Change v = w.visit(w.force.north_nominals[0], "pc.a");
  v.fields["observations"] = nasty;
  REQUIRE(w.push_one(pc, v).outcome == Outcome::applied);
  CHECK(text_of(w.db, "SELECT observations FROM visits WHERE id = ?", v.entity_id) == nasty);
  const auto pulled = w.engine.pull(w.db, pc, 0, 1000);
  bool found = false;
  for (const auto& item : pulled.items) {
    if (item.entity_id == v.entity_id) found = item.fields.at("observations") == nasty;
  }
  CHECK(found);
}

TEST_CASE(
    "concurrent edits of one field: the later clock wins and the conflict is kept, in "
    "either order",
    "[sync][engine][conflict]") {
  // The same two edits, made from the same base on two tablets, arrive in both orders.
  for (const bool a_first : {true, false}) {
    EngineWorld w;
    const Caller a = w.caller("pc.a", "device-a");
    const Caller b = w.caller("pc.b", "device-b");
    const std::string nominal = w.force.north_nominals[1];
    const Change from_a = w.change("nominal", nominal, Operation::update, {{"area", "Docks"}},
                                   {{"area", ""}}, 1795000000100);
    const Change from_b = w.change("nominal", nominal, Operation::update, {{"area", "Harbour"}},
                                   {{"area", ""}}, 1795000000200);
    const auto first = w.push_one(a_first ? a : b, a_first ? from_a : from_b);
    const auto second = w.push_one(a_first ? b : a, a_first ? from_b : from_a);
    CHECK(first.outcome == Outcome::applied);
    CHECK(second.outcome == Outcome::conflict);
    CHECK(text_of(w.db, "SELECT area FROM nominals WHERE id = ?", nominal) == "Harbour");
    auto s = w.db.prepare(
        "SELECT field, winning_value, losing_value, winning_change, losing_change, status "
        "FROM conflicts");
    REQUIRE(s.step());
    CHECK(s.column_text(0) == "area");
    CHECK(s.column_text(1) == "Harbour");
    CHECK(s.column_text(2) == "Docks");
    CHECK(s.column_text(3) == from_b.change_id);
    CHECK(s.column_text(4) == from_a.change_id);
    CHECK(s.column_text(5) == "open");
    CHECK_FALSE(s.step());
  }
}

TEST_CASE_METHOD(Colleagues, "edits of different fields of one record do not conflict",
                 "[sync][engine][conflict]") {
  const std::string nominal = w.force.north_nominals[1];
  CHECK(w.push_one(a, w.change("nominal", nominal, Operation::update, {{"area", "Docks"}},
                               {{"area", ""}}))
            .outcome == Outcome::applied);
  CHECK(w.push_one(b, w.change("nominal", nominal, Operation::update, {{"no_fixed_abode", "yes"}},
                               {{"no_fixed_abode", "no"}}))
            .outcome == Outcome::applied);
  CHECK(count_of(w.db, "SELECT count(*) FROM conflicts") == 0);
}

TEST_CASE_METHOD(Colleagues,
                 "a supervisor keeps the losing value and the decision travels as a change",
                 "[sync][engine][conflict]") {
  const std::string nominal = w.force.north_nominals[2];
  w.push_one(a,
             w.change("nominal", nominal, Operation::update, {{"area", "Docks"}}, {{"area", ""}}));
  w.push_one(
      b, w.change("nominal", nominal, Operation::update, {{"area", "Harbour"}}, {{"area", ""}}));
  const std::string conflict =
      text_of(w.db, "SELECT id FROM conflicts WHERE entity_id = ?", nominal);
  const auto cursor = count_of(w.db, "SELECT max(seq) FROM changes");

  // An officer may not decide.
  const auto refused =
      w.push_one(a, w.change("conflict_decision", base::make_uuid(), Operation::append,
                             {{"conflict_id", conflict}, {"keep", "losing"}}));
  CHECK(refused.outcome == Outcome::rejected);

  const auto decided = w.push_one(
      sergeant,
      w.change("conflict_decision", base::make_uuid(), Operation::append,
               {{"conflict_id", conflict}, {"keep", "losing"}, {"note", "Docks is right"}}));
  CHECK(decided.outcome == Outcome::applied);
  CHECK(text_of(w.db, "SELECT area FROM nominals WHERE id = ?", nominal) == "Docks");
  CHECK(text_of(w.db, "SELECT status FROM conflicts WHERE id = ?", conflict) == "decided");
  CHECK(text_of(w.db, "SELECT decision FROM conflicts WHERE id = ?", conflict) ==
        "losing: Docks is right");

  // Both tablets learn the kept value from their next pull.
  const auto pulled = w.engine.pull(w.db, b, cursor, 100);
  bool restored = false;
  for (const auto& item : pulled.items) {
    if (item.kind == PullItem::Kind::change && item.entity == "nominal" &&
        item.fields.count("area")) {
      restored = item.fields.at("area") == "Docks";
    }
  }
  CHECK(restored);
}

TEST_CASE_METHOD(
    TwoTeams, "a pull is scoped: records of the caller's teams only, then changes after the cursor",
    "[sync][engine][scope]") {
  // Since 0 asks for the whole scope; a cursor is only worth keeping once there are changes.
  w.push_one(north, w.visit(w.force.north_nominals[1], "pc.a"));
  const auto first = w.engine.pull(w.db, north, 0, 1000);
  CHECK(first.next == 1);
  std::set<std::string> nominals;
  for (const auto& item : first.items) {
    if (item.entity == "nominal") nominals.insert(item.entity_id);
  }
  CHECK(nominals ==
        std::set<std::string>(w.force.north_nominals.begin(), w.force.north_nominals.end()));

  const Change v = w.visit(w.force.north_nominals[0], "pc.a");
  w.push_one(north, v);
  const auto next = w.engine.pull(w.db, north, first.next, 1000);
  REQUIRE(next.items.size() == 1);
  CHECK(next.items[0].change_id == v.change_id);
  CHECK(next.items[0].fields.at("attendees") == "pc.a");
  CHECK(w.engine.pull(w.db, south, first.next, 1000).items.empty());
  CHECK(next.digest != first.digest);
  CHECK(next.digest == SyncEngine::scope_digest(w.db, north.team_ids));
}

TEST_CASE_METHOD(
    TwoTeams,
    "a pull asked for the digest only if it sends something leaves it out when it sends "
    "nothing",
    "[sync][engine][scope]") {
  w.push_one(north, w.visit(w.force.north_nominals[1], "pc.a"));
  const std::string scope = SyncEngine::scope_digest(w.db, north.team_ids);
  // The whole scope always carries it.
  CHECK(w.engine.pull(w.db, north, 0, 1000, "", nullptr, true).digest == scope);
  // Following with nothing to send: left out when asked, there otherwise (an older tablet).
  const auto idle = w.engine.pull(w.db, north, 1, 1000, "", nullptr, true);
  CHECK(idle.items.empty());
  CHECK(idle.digest.empty());
  CHECK(w.engine.pull(w.db, north, 1, 1000).digest == scope);
  // A change in the scope is sent, and the digest with it; another team's change sends nothing.
  w.push_one(north, w.visit(w.force.north_nominals[0], "pc.a"));
  const auto changed = w.engine.pull(w.db, north, 1, 1000, "", nullptr, true);
  CHECK(changed.items.size() == 1);
  CHECK(changed.digest == SyncEngine::scope_digest(w.db, north.team_ids));
  CHECK(w.engine.pull(w.db, south, 1, 1000, "", nullptr, true).digest.empty());
}

TEST_CASE_METHOD(
    TwoTeams,
    "a nominal moved to another team is purged from the old team's tablets and sent whole "
    "to the new team's",
    "[sync][engine][scope]") {
  const Caller sergeant = w.caller("sgt.north", "device-g");
  const std::string nominal = w.force.north_nominals[3];
  w.push_one(north, w.visit(nominal, "pc.a"));
  const auto cursor = count_of(w.db, "SELECT max(seq) FROM changes");
  const auto moved = w.push_one(sergeant, w.change("nominal", nominal, Operation::update,
                                                   {{"team", "South"}}, {{"team", "North"}}));
  REQUIRE(moved.outcome == Outcome::applied);

  const auto old_team = w.engine.pull(w.db, north, cursor, 100);
  REQUIRE(old_team.items.size() == 1);
  CHECK(old_team.items[0].kind == PullItem::Kind::purge);
  CHECK(old_team.items[0].entity_id == nominal);

  const auto new_team = w.engine.pull(w.db, south, cursor, 100);
  std::set<std::string> entities;
  for (const auto& item : new_team.items) {
    CHECK(item.kind == PullItem::Kind::record);
    entities.insert(item.entity);
  }
  CHECK(entities == std::set<std::string>{"nominal", "plan", "visit"});

  // The old team can no longer write to it.
  CHECK(w.push_one(north, w.visit(nominal, "pc.a")).outcome == Outcome::rejected);
}

TEST_CASE_METHOD(NorthTeam, "a first sync comes in pages that add up to the whole scope",
                 "[sync][engine][pull]") {
  w.push_one(pc, w.visit(w.force.north_nominals[0], "pc.a;pc.b"));
  const auto whole = w.engine.pull(w.db, pc, 0, 1000);
  REQUIRE_FALSE(whole.more);
  CHECK(whole.resume.empty());

  std::vector<std::string> paged;
  std::string resume;
  int pages = 0;
  PullResponse page;
  do {
    page = w.engine.pull(w.db, pc, 0, 3, resume);
    CHECK(page.items.size() <= 3);
    for (const auto& item : page.items) paged.push_back(item.entity + "/" + item.entity_id);
    resume = page.resume;
    CHECK(page.more == !resume.empty());
    CHECK((page.more ? page.next == 0 : page.next == whole.next));
    ++pages;
  } while (page.more);
  std::vector<std::string> at_once;
  for (const auto& item : whole.items) at_once.push_back(item.entity + "/" + item.entity_id);
  CHECK(paged == at_once);
  CHECK(pages > 2);
  CHECK(page.digest == whole.digest);

  CHECK_THROWS_AS(w.engine.pull(w.db, pc, 0, 3, "not-a-token"), WireError);
  CHECK_THROWS_AS(w.engine.pull(w.db, pc, 0, 3, "999999:0:x"), WireError);
}

TEST_CASE_METHOD(NorthTeam,
                 "a change the schema refuses is rejected alone; the rest of its batch goes in",
                 "[sync][engine]") {
  PushRequest batch;
  batch.changes.push_back(w.visit(w.force.north_nominals[0], "sgt.north"));
  // Passes every check the engine makes, but its ref is taken: only the schema knows.
  batch.changes.push_back(
      w.change("nominal", base::make_uuid(w.random), Operation::create, nominal_with_taken_ref()));
  batch.changes.push_back(w.visit(w.force.north_nominals[1], "sgt.north"));
  const auto response = w.engine.push(w.db, sergeant, batch);
  REQUIRE(response.outcomes.size() == 3);
  CHECK(response.outcomes[0].outcome == Outcome::applied);
  CHECK(response.outcomes[1].outcome == Outcome::rejected);
  // In the record's own words: the field by its name, never SQLite's or the table's.
  CHECK(response.outcomes[1].reason ==
        "the database refused the change: ref is already another nominal's");
  CHECK(response.outcomes[2].outcome == Outcome::applied);
  CHECK(count_of(w.db, "SELECT count(*) FROM visits") == 2);
  CHECK(count_of(w.db, "SELECT count(*) FROM nominals WHERE surname = 'Twin'") == 0);
  CHECK(count_of(w.db, "SELECT count(*) FROM changes") == 3);
}

TEST_CASE_METHOD(
    NorthTeam, "a created record's change carries the record exactly as stored, defaults included",
    "[sync][engine][pull]") {
  // The engine works out what a new record holds instead of reading it back; the change a
  // tablet pulls must still hold what a first sync of the record would.
  const auto cursor = count_of(w.db, "SELECT coalesce(max(seq), 0) FROM changes");
  // Attendees out of order and one twice; a number with a leading zero; optional fields left
  // out, so their defaults (no, '', active) are what is stored.
  const Change visit = w.visit(w.force.north_nominals[0], "pc.b;sgt.north;pc.b");
  const Change nominal = w.change("nominal", base::make_time_ordered_uuid(), Operation::create,
                                  {{"ref", "NOM-NEW-1"},
                                   {"surname", "Sample"},
                                   {"forenames", "Ann"},
                                   {"date_of_birth", "1990-01-01"},
                                   {"kind", "violent"},
                                   {"mappa_level", "02"},
                                   {"risk_level", "low"},
                                   {"team", "North"}});
  PushRequest batch;
  batch.changes = {visit, nominal};
  const auto response = w.engine.push(w.db, sergeant, batch);
  REQUIRE(response.outcomes.size() == 2);
  REQUIRE(response.outcomes[0].outcome == Outcome::applied);
  REQUIRE(response.outcomes[1].outcome == Outcome::applied);

  std::map<std::string, FieldValues> pulled, snapshot;
  for (const auto& item : w.engine.pull(w.db, sergeant, cursor, 100).items) {
    pulled[item.entity_id] = item.fields;
  }
  for (const auto& item : w.engine.pull(w.db, sergeant, 0, 10000).items) {
    snapshot[item.entity_id] = item.fields;
  }
  for (const auto* created : {&visit, &nominal}) {
    INFO(created->entity);
    REQUIRE(pulled.count(created->entity_id) == 1);
    CHECK(pulled[created->entity_id] == snapshot.at(created->entity_id));
  }
  CHECK(pulled[visit.entity_id].at("attendees") == "pc.b;sgt.north");
  CHECK(pulled[visit.entity_id].at("observations") == "");
  CHECK(pulled[nominal.entity_id].at("mappa_level") == "2");
  CHECK(pulled[nominal.entity_id].at("no_fixed_abode") == "no");
  CHECK(pulled[nominal.entity_id].at("status") == "active");
  CHECK(pulled[nominal.entity_id].at("officer") == std::nullopt);
}

TEST_CASE_METHOD(Colleagues, "pushes written together are answered as if written one after another",
                 "[sync][engine]") {
  PushRequest from_a, again_from_a, from_sergeant;
  from_a.changes = {w.visit(w.force.north_nominals[0], "pc.a"),
                    w.visit(w.force.north_nominals[1], "pc.a")};
  again_from_a = from_a;  // sent again before the first answer came
  from_sergeant.changes = {
      w.change("nominal", base::make_uuid(w.random), Operation::create, nominal_with_taken_ref()),
      w.visit(w.force.north_nominals[2], "sgt.north")};
  PushRequest from_b;
  from_b.changes = {w.visit(w.force.north_nominals[3], "pc.b")};

  const std::vector<SyncEngine::Submission> together = {
      {a, from_a}, {sergeant, from_sergeant}, {a, again_from_a}, {b, from_b}};
  const auto responses = w.engine.push_together(w.db, together);
  REQUIRE(responses.size() == 4);
  REQUIRE(responses[0].outcomes.size() == 2);
  CHECK(responses[0].outcomes[0].outcome == Outcome::applied);
  CHECK(responses[0].outcomes[1].outcome == Outcome::applied);
  REQUIRE(responses[1].outcomes.size() == 2);
  CHECK(responses[1].outcomes[0].outcome == Outcome::rejected);
  CHECK(responses[1].outcomes[0].reason.find("the database refused the change") == 0);
  CHECK(responses[1].outcomes[1].outcome == Outcome::applied);
  REQUIRE(responses[2].outcomes.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(responses[2].outcomes[i].outcome == Outcome::duplicate);
    CHECK(responses[2].outcomes[i].first_outcome == Outcome::applied);
    CHECK(responses[2].outcomes[i].seq == responses[0].outcomes[i].seq);
  }
  REQUIRE(responses[3].outcomes.size() == 1);
  CHECK(responses[3].outcomes[0].outcome == Outcome::applied);
  // In order: each push's changes follow the ones before it.
  CHECK(responses[0].outcomes[1].seq < responses[1].outcomes[1].seq);
  CHECK(responses[1].outcomes[1].seq < responses[3].outcomes[0].seq);
  CHECK(count_of(w.db, "SELECT count(*) FROM visits") == 4);
  CHECK(count_of(w.db, "SELECT count(*) FROM changes") == 5);
}

TEST_CASE("keeping a losing team moves the record: purged from the old team, sent to the new",
          "[sync][engine][conflict][scope]") {
  // A decision that keeps a losing team value moves the record as any transfer does, or the old
  // team's tablets would keep a record they may no longer hold.
  EngineWorld w;
  {
    auto east = w.db.prepare("INSERT INTO teams (id, name) VALUES (?, 'East')");
    east.bind_all(base::make_uuid(w.random));
    east.run();
  }
  const Caller first = w.caller("admin", "device-x");
  const Caller second = w.caller("admin", "device-y");
  const Caller south = w.caller("pc.south", "device-s");
  const std::string nominal = w.force.north_nominals[1];
  // Made offline on two devices from the same base; the later clock (South) stands.
  REQUIRE(w.push_one(first, w.change("nominal", nominal, Operation::update, {{"team", "South"}},
                                     {{"team", "North"}}, w.wall + 200))
              .outcome == Outcome::applied);
  REQUIRE(w.push_one(second, w.change("nominal", nominal, Operation::update, {{"team", "East"}},
                                      {{"team", "North"}}, w.wall + 100))
              .outcome == Outcome::conflict);
  const std::string conflict =
      text_of(w.db, "SELECT id FROM conflicts WHERE entity_id = ?", nominal);
  const auto cursor = count_of(w.db, "SELECT max(seq) FROM changes");

  REQUIRE(w.push_one(first, w.change("conflict_decision", base::make_uuid(), Operation::append,
                                     {{"conflict_id", conflict}, {"keep", "losing"}}))
              .outcome == Outcome::applied);
  CHECK(text_of(w.db,
                "SELECT t.name FROM nominals n JOIN teams t ON t.id = n.team_id WHERE n.id = ?",
                nominal) == "East");
  const auto pulled = w.engine.pull(w.db, south, cursor, 100);
  bool purged = false;
  for (const auto& item : pulled.items) {
    if (item.entity_id == nominal) purged = item.kind == PullItem::Kind::purge;
  }
  CHECK(purged);
}

TEST_CASE_METHOD(
    NorthTeam,
    "a first sync brings the back office's records a tablet needs, and no device changes them",
    "[sync][engine][pull]") {
  const auto scope = w.engine.pull(w.db, pc, 0, 10000);
  std::map<std::string, int> held;
  std::vector<std::string> order;
  for (const auto& item : scope.items) {
    if (held[item.entity]++ == 0) order.push_back(item.entity);
  }
  // Every team and officer of the force (a colleague of another team may attend a visit), the
  // policy, and the orders of the team's nominals only.
  CHECK(held["team"] == 2);
  CHECK(held["officer"] == 9);
  CHECK(held["policy_version"] == 1);
  CHECK(held["order"] == 1);
  CHECK(held["order_condition"] == 1);
  std::map<std::string, int> south;
  for (const auto& item : w.engine.pull(w.db, w.caller("pc.south", "device-s"), 0, 10000).items) {
    ++south[item.entity];
  }
  CHECK(south == std::map<std::string, int>{{"team", 2},
                                            {"officer", 9},
                                            {"policy_version", 1},
                                            {"nominal", 4},
                                            {"plan", 4},
                                            {"suspect", 1},
                                            {"bail_case", 1}});
  // Named before they are named by others: a tablet stores each record as it comes.
  CHECK(order.front() == "team");
  CHECK(std::find(order.begin(), order.end(), "officer") <
        std::find(order.begin(), order.end(), "nominal"));
  CHECK(std::find(order.begin(), order.end(), "order") <
        std::find(order.begin(), order.end(), "breach"));
  for (const auto& item : scope.items) {
    if (item.entity != "officer" || item.fields.at("username") != "sgt.north") continue;
    CHECK(item.fields == FieldValues{{"username", "sgt.north"},
                                     {"name", "sgt.north"},
                                     {"role", "supervisor"},
                                     {"team", "North"},
                                     {"active", "yes"},
                                     {"created_at", "2026-01-01T00:00:00Z"}});
  }

  const Caller admin = w.caller("admin", "device-x");
  for (const auto& [entity, id] : std::vector<std::pair<std::string, std::string>>{
           {"officer", w.force.officer_ids["pc.b"]}, {"order", w.force.north_order}}) {
    const auto outcome = w.push_one(
        admin, w.change(entity, id, Operation::update, {{"name", "X"}}, {{"name", "pc.b"}}));
    CHECK(outcome.outcome == Outcome::rejected);
    CHECK(outcome.reason == (entity == "officer" ? "an officer" : "an order") +
                                std::string(" is kept by the back office: no device creates "
                                            "or changes one"));
  }
  CHECK(
      w.push_one(admin, w.change("team", base::make_uuid(), Operation::create, {{"name", "East"}}))
          .outcome == Outcome::rejected);
  CHECK(count_of(w.db, "SELECT count(*) FROM teams") == 2);
}

TEST_CASE_METHOD(
    NorthTeam,
    "what the back office changes shows in the scope digest, which has no sequence for it",
    "[sync][engine][pull]") {
  const std::string before = SyncEngine::scope_digest(w.db, pc.team_ids);
  w.db.prepare("UPDATE officers SET active = 0 WHERE username = 'pc.e'").run();
  const std::string deactivated = SyncEngine::scope_digest(w.db, pc.team_ids);
  CHECK(deactivated != before);
  w.db.prepare("UPDATE order_conditions SET ends_on = '2027-01-01'").run();
  CHECK(SyncEngine::scope_digest(w.db, pc.team_ids) != deactivated);
  // Another team's order is not in this scope.
  const Caller south = w.caller("pc.south", "device-s");
  const std::string south_before = SyncEngine::scope_digest(w.db, south.team_ids);
  w.db.prepare("UPDATE orders SET court = 'Elsewhere'").run();
  CHECK(SyncEngine::scope_digest(w.db, south.team_ids) == south_before);
}

TEST_CASE_METHOD(NorthTeam,
                 "a device's read audit is taken in link by link, and an altered event is refused",
                 "[sync][engine][audit]") {
  // The server sent the nominal to the tablet, and audited it as disclosed to the device.
  w.db.prepare(
          "INSERT INTO audit_log (id, occurred_at, officer_id, device_id, action, entity, "
          "entity_id, reason) VALUES (?, '2026-11-22T09:00:00Z', ?, 'device-a', 'read', 'nominal', "
          "?, 'sync pull since 0')")
      .bind_all(base::make_uuid(w.random), pc.officer_id, w.force.north_nominals[0])
      .run();
  std::string prev;
  std::vector<Change> events;
  for (int i = 0; i < 4; ++i) {
    ReadEvent e{"device-a",
                i,
                prev,
                w.force.north_nominals[0],
                "2026-11-22T10:0" + std::to_string(i) + ":00Z",
                "visit preparation"};
    prev = read_event_link(e, std::nullopt);
    events.push_back(w.change("read_event", base::make_uuid(w.random), Operation::append,
                              {{"nominal_id", e.nominal_id},
                               {"occurred_at", e.occurred_at},
                               {"reason", e.reason},
                               {"chain_index", std::to_string(i)},
                               {"prev_hash", e.prev_hash},
                               {"hash", prev}}));
  }
  CHECK(w.push_one(pc, events[0]).outcome == Outcome::applied);
  CHECK(w.push_one(pc, events[1]).outcome == Outcome::applied);
  CHECK(verify_read_chains(w.db).empty());
  CHECK(count_of(w.db,
                 "SELECT count(*) FROM audit_log WHERE action = 'read' AND device_id = "
                 "'device-a' AND chain_index IS NOT NULL") == 2);

  // Event 2 altered on the tablet after it was chained: refused, and the gap it leaves shows.
  Change altered = events[2];
  altered.fields["reason"] = "nothing to see";
  const auto refused = w.push_one(pc, altered);
  CHECK(refused.outcome == Outcome::rejected);
  CHECK(refused.reason ==
        "read event 2 of this device does not match its hash: the tablet's read audit has been "
        "altered");
  CHECK(w.push_one(pc, events[3]).outcome == Outcome::applied);
  const auto breaks = verify_read_chains(w.db);
  REQUIRE(breaks.size() == 1);
  CHECK(breaks[0].device_id == "device-a");
  CHECK(breaks[0].chain_index == 2);
  CHECK(breaks[0].problem == "read event 2 is missing");

  // Another device cannot pass off this device's chain as its own: the device is in the hash.
  // The same place in the chain taken twice (two reads at once on a broken tablet): refused.
  Change fork = events[1];
  fork.change_id = base::make_uuid(w.random);
  const auto forked = w.push_one(pc, fork);
  CHECK(forked.outcome == Outcome::rejected);
  CHECK(forked.reason ==
        "read event 1 of this device has already been received: the tablet's read audit has "
        "forked");

  Change borrowed = events[0];
  borrowed.change_id = base::make_uuid(w.random);
  CHECK(w.push_one(w.caller("pc.b", "device-b"), borrowed).outcome == Outcome::rejected);
}

TEST_CASE("a keyed device's read events are checked under the key for each, at most a step away",
          "[sync][engine][audit]") {
  EngineWorld w;
  const Caller pc = w.caller("pc.a", "device-k");
  const std::string given = base::random_hex(32);
  store::enrol_device(w.db, {"device-k", pc.officer_id, "keyed tablet", "hash", "tablet",
                             "2026-11-22T09:00:00Z", given});
  w.db.prepare(
          "INSERT INTO audit_log (id, occurred_at, officer_id, device_id, action, entity, "
          "entity_id, reason) VALUES (?, '2026-11-22T09:00:00Z', ?, 'device-k', 'read', 'nominal', "
          "?, 'sync pull since 0')")
      .bind_all(base::make_uuid(w.random), pc.officer_id, w.force.north_nominals[0])
      .run();
  auto event = [&](std::int64_t index, const std::string& prev,
                   const std::optional<std::string>& key) {
    ReadEvent e{"device-k",         index, prev, w.force.north_nominals[0], "2026-11-22T10:00:00Z",
                "visit preparation"};
    const std::string link = read_event_link(e, key);
    return std::pair{link, w.change("read_event", base::make_uuid(w.random), Operation::append,
                                    {{"nominal_id", e.nominal_id},
                                     {"occurred_at", e.occurred_at},
                                     {"reason", e.reason},
                                     {"chain_index", std::to_string(index)},
                                     {"prev_hash", prev},
                                     {"hash", link}})};
  };
  std::string key = given;
  std::string prev;
  for (int i = 0; i < 3; ++i) {
    auto [link, change] = event(i, prev, key);
    CHECK(w.push_one(pc, change).outcome == Outcome::applied);
    prev = link;
    key = next_chain_key(key);
  }
  CHECK(verify_read_chains(w.db).empty());
  // Linked as a plain chain, or under a spent key: refused.
  for (const auto& wrong : {std::optional<std::string>(), std::optional<std::string>(given)}) {
    const auto refused = w.push_one(pc, event(3, prev, wrong).second);
    CHECK(refused.outcome == Outcome::rejected);
    CHECK(refused.reason ==
          "read event 3 of this device does not match its hash: the tablet's read audit has been "
          "altered");
  }
  // An index a hostile client sends far ahead would cost the writer a step of the key for each
  // event between: refused without them.
  const auto far = w.push_one(pc, event(std::int64_t{1} << 49, prev, key).second);
  CHECK(far.outcome == Outcome::rejected);
  CHECK(far.reason ==
        "read event 562949953421312 of this device is more than 1000 events away from the last the "
        "server checked: its link cannot be checked");
  CHECK(w.push_one(pc, event(3, prev, key).second).outcome == Outcome::applied);
  CHECK(verify_read_chains(w.db).empty());
}

TEST_CASE_METHOD(NorthTeam,
                 "a change is read once: the log keeps the text sent, the record holds it stored",
                 "[sync][engine]") {
  Change v = w.visit(w.force.north_nominals[0], "pc.b;pc.a");
  v.fields["occurred_at"] = "2026-11-18T10:30:00+01:00";
  v.fields["announced"] = "yes";
  REQUIRE(w.push_one(pc, v).outcome == Outcome::applied);
  // The column holds the canonical instant, 0/1 and officer ids...
  CHECK(text_of(w.db, "SELECT occurred_at FROM visits WHERE id = ?", v.entity_id) ==
        "2026-11-18T09:30:00Z");
  CHECK(text_of(w.db, "SELECT announced FROM visits WHERE id = ?", v.entity_id) == "1");
  CHECK(text_of(w.db,
                "SELECT group_concat(officer_id) FROM (SELECT officer_id FROM visit_attendees "
                "WHERE visit_id = ? ORDER BY officer_id)",
                v.entity_id) ==
        std::min(w.force.officer_ids["pc.a"], w.force.officer_ids["pc.b"]) + "," +
            std::max(w.force.officer_ids["pc.a"], w.force.officer_ids["pc.b"]));
  // ...while the change log keeps what the tablet sent, and what the record holds as a tablet
  // reads it back (attendees sorted).
  const std::string fields =
      text_of(w.db, "SELECT fields FROM changes WHERE entity_id = ?", v.entity_id);
  CHECK(fields.find("2026-11-18T10:30:00+01:00") != std::string::npos);
  CHECK(fields.find("pc.b;pc.a") != std::string::npos);
  const std::string applied =
      text_of(w.db, "SELECT applied FROM changes WHERE entity_id = ?", v.entity_id);
  CHECK(applied.find("2026-11-18T09:30:00Z") != std::string::npos);
  CHECK(applied.find("pc.a;pc.b") != std::string::npos);
}

TEST_CASE_METHOD(
    NorthTeam,
    "a visit pushed by a tablet whose clock is off carries the flag; one in time does not",
    "[sync][engine]") {
  // The engine's clock reads 2026-11-30T00:53:20Z.
  Change in_time = w.visit(w.force.north_nominals[0], "pc.a");
  in_time.device_time = "2026-11-30T00:54:00Z";
  Change off = w.visit(w.force.north_nominals[0], "pc.a");
  off.device_time = "2026-11-30T00:10:00Z";  // over 5 minutes behind
  PushRequest first;
  first.device_time = in_time.device_time;
  first.changes.push_back(in_time);
  REQUIRE(w.engine.push(w.db, pc, first).outcomes.front().outcome == Outcome::applied);
  PushRequest second;
  second.device_time = off.device_time;
  second.changes.push_back(off);
  REQUIRE(w.engine.push(w.db, pc, second).outcomes.front().outcome == Outcome::applied);
  CHECK(text_of(w.db, "SELECT clock_skew_flag FROM visits WHERE id = ?", in_time.entity_id) == "0");
  CHECK(text_of(w.db, "SELECT clock_skew_flag FROM visits WHERE id = ?", off.entity_id) == "1");
}

TEST_CASE_METHOD(NorthTeam, "a person known by one name: forenames must be sent, and may be empty",
                 "[sync][engine]") {
  FieldValues bail{{"ref", "B-77"},
                   {"surname", "Smithy"},
                   {"forenames", ""},
                   {"offence", "burglary"},
                   {"arrested_on", "2026-11-10"},
                   {"case_type", "standard"},
                   {"status", "bail"},
                   {"team", "North"}};
  const Change one_name = w.change("bail_case", base::make_uuid(w.random), Operation::create, bail);
  CHECK(w.push_one(pc, one_name).outcome == Outcome::applied);
  CHECK(text_of(w.db, "SELECT forenames FROM bail_cases WHERE id = ?", one_name.entity_id).empty());
  // Left out, it is refused by the entity table, before the database is asked.
  bail.erase("forenames");
  bail["ref"] = "B-78";
  const auto left_out =
      w.push_one(pc, w.change("bail_case", base::make_uuid(w.random), Operation::create, bail));
  CHECK(left_out.outcome == Outcome::rejected);
  CHECK(left_out.reason == "forenames is required for a bail case");
}

TEST_CASE_METHOD(NorthTeam,
                 "an amendment's changes are checked by the server as a visit's fields would be",
                 "[sync][engine][amendment]") {
  const Change v = w.applied_visit(pc, w.force.north_nominals[0]);
  struct Case {
    std::string changes;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"not json", "changes must be a JSON object of the visit's fields and their new values"},
      {"{}", "the amendment changes nothing: name a field of the visit to amend"},
      // Read one way by a reader that keeps the first, another by one that keeps the last.
      {R"({"outcome":"bogus","outcome":"refused"})", "changes: outcome is given twice"},
      {R"({"announced":1})", "changes: announced must be a string or null"},
      {encode_fields({{"shoe_size", "9"}}),
       "'shoe_size' is not a field of a visit that can be amended"},
      {encode_fields({{"nominal_id", w.force.north_nominals[1]}}),
       "'nominal_id' is not a field of a visit that can be amended"},
      {encode_fields({{"recorded_at", "2026-11-22T09:40:00Z"}}),
       "'recorded_at' is not a field of a visit that can be amended"},
      {encode_fields({{"outcome", "vanished"}}),
       "changes: outcome 'vanished' is not one of seen|no_answer|refused|not_at_address"},
      {encode_fields({{"attendees", "pc.a;nobody"}}),
       "changes: attendees: no officer has the username 'nobody'"},
      // The engine's clock reads 2026-11-30T00:53:20Z: a visit cannot be moved to next week.
      {encode_fields({{"occurred_at", "2026-12-07T10:00:00Z"}}),
       "changes: occurred_at 2026-12-07T10:00:00Z is more than 5 minutes after the server's "
       "clock: what happened cannot be dated in the future"},
  };
  for (const auto& c : cases) {
    INFO(c.changes);
    const auto outcome =
        w.push_one(pc, w.amendment(v.entity_id, c.changes, "2026-11-22T11:00:00Z"));
    CHECK(outcome.outcome == Outcome::rejected);
    CHECK(outcome.reason == c.reason);
  }
  CHECK(count_of(w.db, "SELECT count(*) FROM visit_amendments") == 0);
  CHECK(text_of(w.db, "SELECT outcome FROM effective_visits WHERE id = ?", v.entity_id) == "seen");
}

TEST_CASE_METHOD(
    NorthTeam,
    "a visit's amendments, in order, make the effective visit; the visit as recorded stays",
    "[sync][engine][amendment]") {
  const Change v = w.applied_visit(pc, w.force.north_nominals[0]);
  const auto amend = [&](const FieldValues& changes, const std::string& at) {
    return w.amendment(v.entity_id, encode_fields(changes), at);
  };
  const auto effective = [&](const std::string& column) {
    return text_of(w.db, "SELECT " + column + " FROM effective_visits WHERE id = ?", v.entity_id);
  };
  const auto present = [&] {
    return text_of(w.db,
                   "SELECT group_concat(o.username, ';') FROM (SELECT o.username FROM "
                   "effective_visit_attendees a JOIN officers o ON o.id = a.officer_id WHERE "
                   "a.visit_id = ? ORDER BY o.username) o",
                   v.entity_id);
  };

  // The later amendment is pushed first: the order is the amendments' time, not their arrival.
  REQUIRE(w.push_one(
               pc, amend({{"outcome", "no_answer"}, {"attendees", "pc.a"}}, "2026-11-22T12:00:00Z"))
              .outcome == Outcome::applied);
  REQUIRE(w.push_one(pc, amend({{"outcome", "refused"},
                                {"attendees", "pc.a;pc.b"},
                                {"announced", "yes"},
                                {"occurred_at", "2026-11-22T09:00:00Z"}},
                               "2026-11-22T11:00:00Z"))
              .outcome == Outcome::applied);
  CHECK(effective("outcome") == "no_answer");  // the later amendment's
  CHECK(effective("announced") == "1");        // only the earlier one named it
  CHECK(effective("occurred_at") == "2026-11-22T09:00:00Z");
  CHECK(present() == "pc.a");  // the later amendment took pc.b away again

  // A second officer added after the event: the crew counts two.
  REQUIRE(w.push_one(pc, amend({{"attendees", "pc.b;pc.a"}}, "2026-11-22T13:00:00Z")).outcome ==
          Outcome::applied);
  CHECK(present() == "pc.a;pc.b");

  // The visit as recorded is unchanged, and is what syncs.
  CHECK(text_of(w.db,
                "SELECT outcome || ' ' || announced || ' ' || occurred_at FROM visits "
                "WHERE id = ?",
                v.entity_id) == "seen 0 2026-11-22T09:30:00Z");
  CHECK(count_of(w.db, "SELECT count(*) FROM visit_attendees WHERE recorded = 1") == 1);
  // A tablet taking its scope afresh gets the visit as recorded, and its amendments beside it.
  const auto scope = w.engine.pull(w.db, pc, 0, 1000);
  int amendments = 0;
  for (const auto& item : scope.items) {
    if (item.entity == "visit_amendment") ++amendments;
    if (item.entity_id != v.entity_id) continue;
    CHECK(item.fields.at("attendees") == "pc.a");
    CHECK(item.fields.at("outcome") == "seen");
  }
  CHECK(amendments == 3);
}

TEST_CASE_METHOD(
    NorthTeam,
    "a store upgraded while holding amendments settles them, however often it is stopped",
    "[sync][amendment]") {
  const Change v = w.applied_visit(pc, w.force.north_nominals[0]);
  // An amendment as an earlier version kept it: stored, never settled, and listed by the upgrade.
  w.db.prepare(
          "INSERT INTO visit_amendments (id, visit_id, reason, changes, amended_by, amended_at) "
          "VALUES ('a1', ?, 'before the upgrade', '{\"outcome\":\"refused\"}', ?, "
          "'2026-11-22T11:00:00Z')")
      .bind_all(v.entity_id, w.force.officer_ids.at("pc.a"))
      .run();
  w.db.prepare("INSERT INTO visits_to_settle (visit_id) VALUES (?)").bind_all(v.entity_id).run();
  REQUIRE(text_of(w.db, "SELECT outcome FROM effective_visits WHERE id = ?", v.entity_id) ==
          "seen");
  sync::migrate(w.db);
  CHECK(text_of(w.db, "SELECT outcome FROM effective_visits WHERE id = ?", v.entity_id) ==
        "refused");
  CHECK(count_of(w.db, "SELECT count(*) FROM visits_to_settle") == 0);
}
