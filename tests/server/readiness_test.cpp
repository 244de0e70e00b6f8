// Liveness and readiness (/healthz, /readyz) as an orchestrator or a load balancer asks them:
// the process answers whatever the database's state; it is ready for work only while its
// database is the file it opened and can be read, at the schema it was built for, on a disk
// with room. (A database file replaced under the server: boundaries_test.cpp.)
#include "api_world.hpp"
#include "check_not_ready.hpp"
#include "vigil/store/migrate.hpp"

using namespace api_world;

namespace {

vigil::server::ApiOptions with_disk_floor(std::uint64_t bytes) {
  vigil::server::ApiOptions options;
  options.min_free_disk_bytes = bytes;
  return options;
}

}  // namespace

TEST_CASE(
    "readiness: ready on a current database with room on its disk, each check saying what "
    "it found",
    "[server][health]") {
  World world(with_disk_floor(0));
  const auto ready = world.client()->get("/readyz");
  INFO(ready.body);
  REQUIRE(ready.status == 200);
  const auto body = parse(ready.body);
  CHECK(member(body, "status") == "ready");
  CHECK(member(body["checks"]["schema"], "detail") ==
        "at version " + std::to_string(store::latest_schema_version()));
  CHECK(member(body["checks"]["disk"], "detail").find("MiB free") != std::string::npos);
}

TEST_CASE("readiness: not ready when the disk has less free than the floor, though alive",
          "[server][health]") {
  World world(with_disk_floor(std::uint64_t{1} << 60));  // an exbibyte: more than any disk
  CHECK(world.client()->get("/healthz").status == 200);
  const auto body = check_not_ready(world, "disk", "below the floor");
  CHECK(member(body, "status") == "not_ready");
  CHECK(body["checks"]["database"]["ok"].GetBool());
}

TEST_CASE("readiness: not ready once the database's schema has moved past this server's",
          "[server][health]") {
  // A newer `vigil init` run on the file under a running server: this server's SQL no longer
  // matches it, so it must not be sent work until it is replaced by the newer build.
  World world(with_disk_floor(0));
  REQUIRE(world.client()->get("/readyz").status == 200);
  {
    store::Database db(world.database());
    db.execute("PRAGMA user_version = " + std::to_string(store::latest_schema_version() + 1));
  }
  check_not_ready(world, "schema", "this server needs version");
}
