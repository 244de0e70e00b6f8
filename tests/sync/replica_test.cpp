// The tablet's copy of its scope, against a real server database and a real device store: what a
// pull brings leaves the tablet holding what the server holds (their digests agree), what the
// officer records is checked as the server checks it, and a purge takes a record whole.
#include <catch2/catch.hpp>

#include "changes.hpp"
#include "engine_world.hpp"
#include "queries.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/store/team_facts.hpp"
#include "vigil/sync/engine.hpp"
#include "vigil/sync/replica.hpp"

using namespace vigil;
using namespace vigil::sync;

namespace {

// The server's database (db) and its merge engine, as the engine tests have them, and a tablet's
// store with its replica.
struct Pair : EngineWorld {
  store::Database tablet = [this] {
    store::Database opened(dir.path() / "tablet.db");
    store::migrate(opened);
    return opened;
  }();
  Replica replica{tablet};
  std::int64_t cursor = 0;

  // Pulls everything after the cursor (the whole scope the first time) into the tablet.
  std::string pull(const Caller& who) {
    PullResponse page;
    std::string resume;
    do {
      page = engine.pull(db, who, cursor, 5, resume);
      store::Transaction transaction(tablet);
      for (const auto& item : page.items) REQUIRE(replica.apply(item));
      transaction.commit();
      if (cursor == 0) {
        resume = page.resume;
        if (!page.more) cursor = page.next;
      } else {
        cursor = page.next;
      }
    } while (page.more);
    return page.digest;
  }
};

}  // namespace

TEST_CASE("a tablet that takes its scope and the changes after holds what the server holds",
          "[sync][replica]") {
  Pair p;
  const Caller pc = p.caller("pc.a", "device-a");
  const Caller sergeant = p.caller("sgt.north", "device-g");
  REQUIRE(p.push_one(pc, p.visit(p.force.north_nominals[0], "pc.a;pc.south")).outcome ==
          Outcome::applied);

  const std::string first = p.pull(pc);
  CHECK(p.replica.digest() == first);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM nominals") == 4);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM visit_attendees") == 2);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM officers") == 9);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM order_conditions") == 1);

  // Changes after the cursor: a visit, an area corrected, then a nominal moved to South.
  const std::string moving = p.force.north_nominals[1];
  REQUIRE(p.push_one(pc, p.visit(moving, "pc.a")).outcome == Outcome::applied);
  REQUIRE(p.push_one(pc, p.change("nominal", p.force.north_nominals[2], Operation::update,
                                  {{"area", "Docks"}}, {{"area", ""}}))
              .outcome == Outcome::applied);
  const std::string after_edits = p.pull(pc);
  CHECK(p.replica.digest() == after_edits);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM nominals WHERE area = 'Docks'") == 1);
  REQUIRE(p.push_one(sergeant, p.change("nominal", moving, Operation::update, {{"team", "South"}},
                                        {{"team", "North"}}))
              .outcome == Outcome::applied);
  const std::string after_move = p.pull(pc);
  CHECK(p.replica.digest() == after_move);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM nominals") == 3);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM visits WHERE nominal_id = '" + moving + "'") == 0);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM plans") == 3);
  // The tablet's caseload reads the team copies: they hold what it holds, the moved nominal gone.
  CHECK(store::team_fact_differences(p.tablet).empty());
  CHECK(count_of(p.tablet, "SELECT count(*) FROM team_visits") == 1);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM team_plans") == 3);
}

TEST_CASE("what an officer records on the tablet is checked as the server checks it",
          "[sync][replica]") {
  Pair p;
  const Caller pc = p.caller("pc.a", "device-a");
  p.pull(pc);
  const Author author{pc.officer_id, Role::officer, "device-a"};

  Change stranger = p.visit(p.force.north_nominals[0], "pc.a;nobody");
  CHECK(p.replica.record(stranger, author) == "attendees: no officer has the username 'nobody'");
  CHECK(p.replica.record(p.change("nominal", p.force.north_nominals[0], Operation::update,
                                  {{"risk_level", "low"}}, {{"risk_level", "high"}}),
                         author) == "only a supervisor may change risk_level");
  CHECK(p.replica.record(p.visit(p.force.south_nominals[0], "pc.a"), author) ==
        "nominal_id: there is no nominal with id " + p.force.south_nominals[0]);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM visits") == 0);

  // A good visit is shown at once, as the server will store it; once pushed and pulled back the
  // tablet holds it with the server's sequence, and the digests agree again.
  const Change good = p.visit(p.force.north_nominals[0], "pc.b;pc.a;pc.a");
  CHECK_FALSE(p.replica.record(good, author));
  CHECK(count_of(p.tablet, "SELECT count(*) FROM visit_attendees") == 2);
  CHECK(count_of(p.tablet,
                 "SELECT count(*) FROM visits WHERE recorded_by IS NOT NULL AND sync_seq = 0") ==
        1);
  CHECK(p.replica.record(good, author) == "a visit with id " + good.entity_id + " already exists");
  REQUIRE(p.push_one(pc, good).outcome == Outcome::applied);
  const std::string pulled = p.pull(pc);
  CHECK(p.replica.digest() == pulled);
  CHECK(count_of(p.tablet, "SELECT count(*) FROM visits WHERE sync_seq > 0") == 1);
}

TEST_CASE("a change to a record the tablet does not hold shows the tablet has drifted",
          "[sync][replica]") {
  Pair p;
  PullItem item;
  item.kind = PullItem::Kind::change;
  item.operation = Operation::update;
  item.seq = 5;
  item.entity = "nominal";
  item.entity_id = p.force.north_nominals[0];
  item.fields = {{"area", "Docks"}};
  item.clock = "0001795000000000.00000";
  CHECK_FALSE(p.replica.apply(item));
  // A visit of a nominal it does not hold, or naming an officer it does not know.
  p.pull(p.caller("pc.a", "device-a"));
  item.operation = Operation::append;
  item.entity = "visit";
  item.entity_id = base::make_uuid();
  item.fields = visit_fields(p.force.north_nominals[0], "pc.unknown");
  {
    store::Transaction transaction(p.tablet);
    CHECK_FALSE(p.replica.apply(item));
  }
  item.fields["attendees"] = "pc.a";
  item.fields["nominal_id"] = p.force.south_nominals[0];
  {
    store::Transaction transaction(p.tablet);
    // Foreign keys are checked at once here: the nominal is not held.
    CHECK_FALSE(p.replica.apply(item));
  }
}
