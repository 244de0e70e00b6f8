// `vigil officer disable|enable` and `vigil audit show`: the back office cuts an officer off (no
// sign-in, every device revoked and audited, the tablets told), lets them back, and reads the
// audit trail a data-protection inspection asks for.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "queries.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"

namespace {

const std::string kVigil = std::string(VIGIL_BIN_DIR) + "/vigil";

CommandResult run_vigil(const std::string& arguments, const TempDir& dir) {
  return run_command(kVigil + " " + arguments, "", dir.path());
}

// Runs `arguments`, which must succeed, and checks the whole of what it printed.
void check_prints(const std::string& arguments, const TempDir& dir, const std::string& out) {
  const auto r = run_vigil(arguments, dir);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out == out);
}

bool one_sentence(const std::string& err) {
  return err.rfind("vigil: ", 0) == 0 && err.find('\n') == err.size() - 1;
}

constexpr const char* kTabletA1 = "11111111-1111-4111-8111-111111111111";
constexpr const char* kTabletA2 = "22222222-2222-4222-8222-222222222222";
constexpr const char* kTabletSouth = "33333333-3333-4333-8333-333333333333";
constexpr const char* kTabletLost = "44444444-4444-4444-8444-444444444444";

// The test force with three devices of pc.a, one of them revoked already (lost), and one of
// pc.south.
TestForce force_with_devices(const std::filesystem::path& path) {
  TestForce force = TestForce::create(path);
  vigil::store::Database db(path);
  auto enrol = db.prepare(
      "INSERT INTO devices (id, officer_id, name, enrolled_at) VALUES "
      "(?, ?, ?, '2026-11-20T08:00:00Z')");
  enrol.bind_all(kTabletA1, force.officer_ids.at("pc.a"), "Tablet A1");
  enrol.run();
  enrol.bind_all(kTabletA2, force.officer_ids.at("pc.a"), "Tablet A2");
  enrol.run();
  enrol.bind_all(kTabletSouth, force.officer_ids.at("pc.south"), "Tablet S");
  enrol.run();
  enrol.bind_all(kTabletLost, force.officer_ids.at("pc.a"), "Tablet lost");
  enrol.run();
  db.prepare(
        "UPDATE devices SET revoked_at = '2026-11-21T08:00:00Z', revoke_reason = 'lost' "
        "WHERE id = ?")
      .bind_all(kTabletLost)
      .run();
  return force;
}

}  // namespace

TEST_CASE(
    "officer disable refuses sign-in, revokes every device of the officer, audited, and "
    "tells the tablets; enable lets them sign in afresh",
    "[cli][officer]") {
  TempDir dir;
  const auto path = dir.path() / "force.db";
  const TestForce force = force_with_devices(path);
  const std::string db = "--db '" + path.string() + "'";
  const std::string pc_a = force.officer_ids.at("pc.a");

  auto r = run_vigil("officer disable " + db + " --username pc.a", dir);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out == "Officer pc.a disabled: sign-in refused and 2 devices revoked.\n");
  CHECK(count_of(path, "SELECT active FROM officers WHERE username = ?", "pc.a") == 0);
  // Revoked as `vigil device revoke` revokes: the device refused and told to wipe, an audit row.
  CHECK(count_of(path,
                 "SELECT count(*) FROM devices WHERE officer_id = ? AND revoked_at IS NOT NULL AND "
                 "revoke_reason = 'officer disabled'",
                 pc_a) == 2);
  CHECK(count_of(path,
                 "SELECT count(*) FROM audit_log WHERE action = 'revoke' AND entity = 'device' AND "
                 "reason = 'officer disabled' AND entity_id IN (?, '" +
                     std::string(kTabletA2) + "')",
                 kTabletA1) == 2);
  CHECK(count_of(path, "SELECT count(*) FROM devices WHERE id = ? AND revoked_at IS NULL",
                 kTabletSouth) == 1);
  CHECK(count_of(path, "SELECT count(*) FROM devices WHERE id = ? AND revoke_reason = 'lost'",
                 kTabletLost) == 1);
  // The officer's record reaches every tablet, as `vigil officer add` does.
  CHECK(count_of(path,
                 "SELECT count(*) FROM changes WHERE entity = 'officer' AND entity_id = ? AND "
                 "device_id = 'back-office' AND operation = 'update' AND "
                 "fields LIKE '%\"active\":\"no\"%'",
                 pc_a) == 1);

  // Again: nothing left to revoke, the officer stays disabled.
  check_prints("officer disable " + db + " --username pc.a --json", dir,
               "{\"username\":\"pc.a\",\"active\":false,\"devices_revoked\":0}\n");

  check_prints("officer enable " + db + " --username pc.a --json", dir,
               "{\"username\":\"pc.a\",\"active\":true,\"devices_revoked\":0}\n");
  CHECK(count_of(path, "SELECT active FROM officers WHERE username = ?", "pc.a") == 1);
  // Revoked devices stay revoked: the officer enrols afresh.
  CHECK(count_of(path, "SELECT count(*) FROM devices WHERE officer_id = ? AND revoked_at IS NULL",
                 pc_a) == 0);
  CHECK(count_of(path,
                 "SELECT count(*) FROM changes WHERE entity = 'officer' AND entity_id = ? AND "
                 "fields LIKE '%\"active\":\"yes\"%'",
                 pc_a) == 1);
  check_prints("officer enable " + db + " --username pc.a", dir,
               "Officer pc.a enabled: they may sign in again.\n");
}

TEST_CASE("officer disable and enable refuse an unknown officer with one sentence",
          "[cli][officer]") {
  TempDir dir;
  const auto path = dir.path() / "force.db";
  force_with_devices(path);
  const std::string db = "--db '" + path.string() + "'";
  for (const char* verb : {"disable", "enable"}) {
    auto r = run_vigil(std::string("officer ") + verb + " " + db + " --username nobody", dir);
    CHECK(r.status == 1);
    CHECK(r.err == "vigil: officer 'nobody' is not a known officer\n");
  }
  auto r = run_vigil("officer disable " + db, dir);
  CHECK(r.status == 2);
  CHECK(one_sentence(r.err));
  CHECK(run_vigil("officer disable --help", dir).status == 0);
  CHECK(count_of(path, "SELECT count(*) FROM officers WHERE active = 0") == 0);
}

namespace {

// Audit rows out of order, around the start of 1 July 2026 in London (23:00 UTC the day before).
void write_audit_rows(const std::filesystem::path& path, const TestForce& force) {
  vigil::store::Database db(path);
  auto insert = db.prepare(
      "INSERT INTO audit_log (id, occurred_at, officer_id, device_id, action, entity, entity_id, "
      "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind_all("a3", "2026-07-02T09:00:00Z", force.officer_ids.at("sgt.north"), kTabletSouth,
                  "denied", "nominal", "N-9", "outside the caller's teams");
  insert.run();
  insert.bind_all("a1", "2026-06-30T22:59:59Z", force.officer_ids.at("pc.a"), kTabletA1, "read",
                  "nominal", "N-1", "visit preparation");
  insert.run();
  insert.bind_all("a2", "2026-06-30T23:00:00Z", force.officer_ids.at("pc.a"), kTabletA1, "read",
                  "nominal", "N-2", "");
  insert.run();
  insert.bind_all("a4", "2026-07-03T10:00:00Z", std::nullopt, std::nullopt, "import", "import",
                  std::nullopt, "officers.csv 3 rows");
  insert.run();
}

}  // namespace

TEST_CASE("audit show lists the audit rows oldest first, by officer and from a London date",
          "[cli][audit]") {
  TempDir dir;
  const auto path = dir.path() / "force.db";
  const TestForce force = force_with_devices(path);
  write_audit_rows(path, force);
  const std::string db = "--db '" + path.string() + "'";

  auto r = run_vigil("audit show " + db + " --json", dir);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out ==
        "[{\"occurred_at\":\"2026-06-30T22:59:59Z\",\"officer\":\"pc.a\",\"device_id\":\"" +
            std::string(kTabletA1) +
            "\",\"action\":\"read\",\"entity\":\"nominal\",\"entity_id\":\"N-1\","
            "\"reason\":\"visit preparation\"},"
            "{\"occurred_at\":\"2026-06-30T23:00:00Z\",\"officer\":\"pc.a\",\"device_id\":\"" +
            kTabletA1 +
            "\",\"action\":\"read\",\"entity\":\"nominal\",\"entity_id\":\"N-2\","
            "\"reason\":\"\"},"
            "{\"occurred_at\":\"2026-07-02T09:00:00Z\",\"officer\":\"sgt.north\",\"device_id\":\"" +
            kTabletSouth +
            "\",\"action\":\"denied\",\"entity\":\"nominal\",\"entity_id\":\"N-9\","
            "\"reason\":\"outside the caller's teams\"},"
            "{\"occurred_at\":\"2026-07-03T10:00:00Z\",\"officer\":null,\"device_id\":null,"
            "\"action\":\"import\",\"entity\":\"import\",\"entity_id\":null,"
            "\"reason\":\"officers.csv 3 rows\"}]\n");

  // 1 July begins at 23:00 UTC on 30 June (British Summer Time).
  r = run_vigil("audit show " + db + " --since 2026-07-01 --officer pc.a --json", dir);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("\"N-1\"") == std::string::npos);
  CHECK(r.out.find("\"N-2\"") != std::string::npos);
  CHECK(r.out.find("sgt.north") == std::string::npos);

  // The table: one line per row, a heading first, "-" where there is no officer or device.
  r = run_vigil("audit show " + db + " --since 2026-07-03", dir);
  REQUIRE(r.status == 0);
  CHECK(r.out.rfind("OCCURRED AT", 0) == 0);
  const auto lines = std::count(r.out.begin(), r.out.end(), '\n');
  CHECK(lines == 2);
  CHECK(r.out.find("2026-07-03T10:00:00Z  -") != std::string::npos);
  CHECK(r.out.find("officers.csv 3 rows") != std::string::npos);

  check_prints("audit show " + db + " --since 2027-01-01 --json", dir, "[]\n");
}

TEST_CASE("audit show refuses an unknown officer and a date that is not one", "[cli][audit]") {
  TempDir dir;
  const auto path = dir.path() / "force.db";
  force_with_devices(path);
  const std::string db = "--db '" + path.string() + "'";
  auto r = run_vigil("audit show " + db + " --officer nobody", dir);
  CHECK(r.status == 1);
  CHECK(r.err == "vigil: officer 'nobody' is not a known officer\n");
  r = run_vigil("audit show " + db + " --since 2026-02-30", dir);
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --since '2026-02-30' is not a real date in the form YYYY-MM-DD\n");
  CHECK(run_vigil("audit show --help", dir).status == 0);
  // The existing check stays as it was.
  r = run_vigil("audit verify " + db, dir);
  CHECK(r.status == 0);
  CHECK(r.out == "Every device's read audit is whole.\n");
}
