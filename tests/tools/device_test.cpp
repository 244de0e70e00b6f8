// `vigil device list|revoke`: the back office sees every device and can cut one off; a revoked
// device is refused by the server and told to wipe (tested with the server in server_tests).
#include <catch2/catch.hpp>

#include "run_command.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"

namespace {
const std::string kVigil = std::string(VIGIL_BIN_DIR) + "/vigil";

CommandResult run_vigil(const std::string& arguments, const TempDir& dir) {
  return run_command(kVigil + " " + arguments, "", dir.path());
}
}  // namespace

TEST_CASE("vigil device list shows every device and revoke cuts one off, once", "[cli][device]") {
  TempDir dir;
  const auto db_path = dir.path() / "force.db";
  const TestForce force = TestForce::create(db_path);
  {
    vigil::store::Database db(db_path);
    auto enrol = db.prepare(
        "INSERT INTO devices (id, officer_id, name, enrolled_at, last_contact_at) VALUES "
        "(?, ?, ?, '2026-11-20T08:00:00Z', ?)");
    enrol.bind_all("11111111-1111-4111-8111-111111111111", force.officer_ids.at("pc.a"), "Tablet A",
                   "2026-11-22T07:00:00Z");
    enrol.run();
    enrol.bind_all("22222222-2222-4222-8222-222222222222", force.officer_ids.at("pc.south"),
                   "Tablet S", std::nullopt);
    enrol.run();
  }
  const std::string db = "--db '" + db_path.string() + "'";

  auto listed = run_vigil("device list " + db + " --json", dir);
  REQUIRE(listed.status == 0);
  CHECK(listed.out.find(
            "\"name\":\"Tablet A\",\"kind\":\"tablet\",\"officer\":\"pc.a\",\"team\":\"North\"") !=
        std::string::npos);
  CHECK(listed.out.find("\"officer\":\"pc.south\",\"team\":\"South\"") != std::string::npos);
  CHECK(listed.out.find("\"revoked\":true") == std::string::npos);

  auto revoked =
      run_vigil("device revoke " + db +
                    " --id 11111111-1111-4111-8111-111111111111 --reason 'lost on patrol'",
                dir);
  CHECK(revoked.status == 0);
  CHECK(revoked.out.find("revoked") != std::string::npos);
  listed = run_vigil("device list " + db + " --json", dir);
  CHECK(listed.out.find("\"revoked\":true") != std::string::npos);

  auto again = run_vigil("device revoke " + db + " --id 11111111-1111-4111-8111-111111111111", dir);
  CHECK(again.status == 0);
  CHECK(again.out.find("already revoked") != std::string::npos);

  vigil::store::Database check(db_path);
  auto audit = check.prepare(
      "SELECT count(*), max(reason) FROM audit_log WHERE action = 'revoke' AND entity_id = ?");
  audit.bind_all("11111111-1111-4111-8111-111111111111");
  audit.step();
  CHECK(audit.column_int(0) == 1);
  CHECK(audit.column_text(1) == "lost on patrol");

  auto unknown = run_vigil("device revoke " + db + " --id nope", dir);
  CHECK(unknown.status == 1);
  CHECK(unknown.err == "vigil: there is no device with id nope\n");
}
