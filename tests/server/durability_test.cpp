// Durability: the real vigil-server, killed with SIGKILL at random moments while a tablet pushes,
// loses no change it acknowledged, and the tablet's retry after the restart neither loses nor
// duplicates anything (docs/house-style.md, "Data": nothing acknowledged before it is durable).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "live_server.hpp"
#include "server_process.hpp"
#include "spawn.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/http/client.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/wire.hpp"

namespace {

std::string visit_batch(const std::vector<std::string>& ids, const std::string& nominal,
                        std::int64_t& wall) {
  vigil::sync::PushRequest request;
  for (const auto& id : ids) {
    vigil::sync::Change c;
    c.change_id = id;
    c.entity = "visit";
    c.entity_id = id;
    c.operation = vigil::sync::Operation::append;
    c.fields = {{"nominal_id", nominal},
                {"occurred_at", "2026-11-22T09:00:00Z"},
                {"recorded_at", "2026-11-22T09:01:00Z"},
                {"announced", "no"},
                {"outcome", "seen"},
                {"attendees", "pc.a"}};
    c.clock = vigil::sync::format_stamp({++wall, 0});
    c.device_time = "2026-11-22T09:01:00Z";
    request.changes.push_back(std::move(c));
  }
  return vigil::sync::encode(request);
}

}  // namespace

TEST_CASE(
    "a server killed at any moment keeps every acknowledged change, and retries add no "
    "duplicates",
    "[server][durability]") {
  TempDir dir;
  const auto db = dir.path() / "server.db";
  const TestForce force = TestForce::create(db);
  std::mt19937_64 random(std::random_device{}());
  const auto seed = random();
  random.seed(seed);
  INFO("seed " << seed);

  auto server = std::make_unique<ServerProcess>(db, dir.path() / "server.log");
  auto client = std::make_unique<vigil::http::Client>("127.0.0.1", server->port());
  const Session session = sign_in(*client, "pc.a", kTestPassword);
  std::set<std::string> acknowledged;
  std::set<std::string> sent;
  std::int64_t wall = 1795000000000;

  for (int kill_round = 0; kill_round < 3; ++kill_round) {
    // Kill the server a random moment into a stream of pushes.
    std::thread killer([&, delay = 20 + random() % 300] {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      server->kill();
    });
    std::vector<std::string> pending;
    for (;;) {
      if (pending.empty()) {
        for (int i = 0; i < 25; ++i) pending.push_back(vigil::base::make_uuid(random));
      }
      sent.insert(pending.begin(), pending.end());
      vigil::http::Reply result;
      try {
        result = client->post("/api/v1/sync/push",
                              visit_batch(pending, force.north_nominals[0], wall), session.auth());
      } catch (const std::exception&) {
        break;  // the server is gone; `pending` may or may not have been taken in
      }
      if (result.status != 200) break;
      for (const auto& o : vigil::sync::decode_push_response(result.body).outcomes) {
        acknowledged.insert(o.change_id);
      }
      pending.clear();
    }
    killer.join();
    // Restart on the same database and send what was not acknowledged again.
    server = std::make_unique<ServerProcess>(db, dir.path() / "server.log");
    client = std::make_unique<vigil::http::Client>("127.0.0.1", server->port());
    if (!pending.empty()) {
      const auto result = client->post(
          "/api/v1/sync/push", visit_batch(pending, force.north_nominals[0], wall), session.auth());
      REQUIRE(result.status == 200);
      for (const auto& o : vigil::sync::decode_push_response(result.body).outcomes) {
        CHECK((o.outcome == vigil::sync::Outcome::applied ||
               o.outcome == vigil::sync::Outcome::duplicate));
        acknowledged.insert(o.change_id);
      }
    }
  }
  server->kill();

  REQUIRE(!acknowledged.empty());
  CHECK(acknowledged == sent);
  vigil::store::Database check(db);
  auto visits = check.prepare("SELECT count(*), count(DISTINCT id) FROM visits");
  visits.step();
  CHECK(visits.column_int(0) == static_cast<std::int64_t>(sent.size()));
  CHECK(visits.column_int(1) == static_cast<std::int64_t>(sent.size()));
  auto changes = check.prepare(
      "SELECT count(*) FROM changes WHERE device_id <> 'back-office'");  // not the log's opening
  changes.step();
  CHECK(changes.column_int(0) == static_cast<std::int64_t>(sent.size()));
  auto integrity = check.prepare("PRAGMA integrity_check");
  integrity.step();
  CHECK(integrity.column_text(0) == "ok");
}
