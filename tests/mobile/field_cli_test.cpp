// vigil-field as an officer runs it, against a real server: the password on standard input,
// warnings on stderr before the visit is saved, JSON with the fields the issue names, and one
// sentence with exit status 2 for bad usage or input, 1 when the tablet cannot do what is asked.
#include <catch2/catch.hpp>

#include "live_server.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/sync/wire.hpp"

namespace {

struct Field {
  TempDir dir;
  TestForce force = TestForce::create(dir.path() / "server.db");
  LiveServer server{dir.path() / "server.db"};
  std::string store = (dir.path() / "tablet.db").string();

  CommandResult run(const std::string& arguments, const std::string& input = "") {
    return run_command(
        std::string(VIGIL_BIN_DIR) + "/vigil-field --store '" + store + "' " + arguments, input,
        dir.path());
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("vigil-field: enrol, record at the door, sync and read the answers", "[mobile][cli]") {
  Field f;
  auto r = f.run("caseload");
  CHECK(r.status == 1);
  CHECK(r.err == "vigil-field: This tablet is not enrolled with a server yet: enrol it first.\n");

  r = f.run("enrol --server " + f.url() + " --username pc.a", "not the password\n");
  CHECK(r.status == 1);
  CHECK(has(r.err, "did not accept that username and password"));
  r = f.run("enrol --server " + f.url() + " --username pc.a --device-name 'PC A tablet'",
            std::string(kTestPassword) + "\n");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(has(r.out, "enrolled pc.a (officer)"));

  r = f.run("caseload --as-of 2026-11-22 --json");
  REQUIRE(r.status == 0);
  for (const char* field :
       {"\"nominal_ref\":\"NOM-1\"", "\"risk_level\":\"high\"", "\"next_visit_due\":\"2026-01-01\"",
        "\"days_overdue\":325", "\"priority\":", "\"double_crewed\":true"}) {
    CHECK(has(r.out, field));
  }

  // Warnings before the visit is saved, on stderr; one that asks why is answered before the visit
  // is saved, and then it is saved all the same.
  r = f.run("visit NOM-1 --announced yes --outcome seen --attendee pc.a --note 'All well'");
  CHECK(r.status == 2);
  CHECK(has(r.err, "Say why (crew_reason) to save the visit."));
  r = f.run(
      "visit NOM-1 --announced yes --outcome seen --attendee pc.a --note 'All well' "
      "--crew-reason 'Second officer off sick' --not-as-planned staff_shortage");
  CHECK(r.status == 0);
  CHECK(r.err == "warning: The plan for NOM-1 requires 2 officers at each visit; 1 is recorded.\n");
  CHECK(has(r.out, "saved"));
  const std::string visit_id = r.out.substr(6, 36);
  r = f.run("amend " + visit_id +
            " --reason 'second officer omitted' --attendee pc.a "
            "--attendee pc.b");
  CHECK(r.status == 0);
  r = f.run("nominal NOM-2 --set area=Docks --set no_fixed_abode=yes");
  CHECK(r.status == 0);
  r = f.run("breach NOM-1 --order shpo --condition 'Not to enter any park' --action 'Arrested'");
  CHECK(r.status == 0);
  r = f.run("trace SUS-1 --note 'Not at last known address'");
  CHECK(r.status == 0);
  r = f.run("show NOM-1 --reason 'visit preparation' --json");
  CHECK(r.status == 0);
  CHECK(has(r.out, "\"court\":\"Northtown Crown Court\""));

  r = f.run("status --json");
  CHECK(has(r.out, "\"pending\":6"));
  r = f.run("sync --json");
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK(has(r.out, "\"pushed\":6,\"applied\":6"));
  r = f.run("status");
  CHECK(has(r.out, "changes waiting to go up: 0"));
  CHECK(has(r.out, "rejected changes: 0"));

  // Locked: nothing shown until the password is given.
  CHECK(f.run("lock").status == 0);
  r = f.run("status --json");
  CHECK(has(r.out, "\"locked\":true"));
  CHECK(has(r.out, "\"rejected\":[]"));
  r = f.run("status");
  CHECK(r.out ==
        "pc.a on " + f.url() +
            " (locked)\nunlock the tablet to see what is waiting, rejected or in conflict\n");
  r = f.run("show NOM-1 --reason 'visit preparation'");
  CHECK(r.status == 1);
  CHECK(has(r.err, "locked"));
  CHECK(f.run("unlock", "wrong\n").status == 1);
  CHECK(f.run("unlock", std::string(kTestPassword) + "\n").status == 0);
  CHECK(f.run("show NOM-1 --reason 'visit preparation'").status == 0);
  // No record is shown without why it is opened.
  r = f.run("show NOM-1");
  CHECK(r.status == 2);
  CHECK(has(r.err, "--reason"));
}

TEST_CASE("vigil-field: bad usage and bad input are one sentence and exit status 2",
          "[mobile][cli]") {
  Field f;
  REQUIRE(
      f.run("enrol --server " + f.url() + " --username pc.a", std::string(kTestPassword)).status ==
      0);
  struct Case {
    std::string arguments, error;
  };
  const Case cases[] = {
      {"fly", "vigil-field: unknown command 'fly'; see vigil-field --help\n"},
      {"visit NOM-1 --announced maybe --outcome seen --attendee pc.a",
       "vigil-field: --announced must be yes or no, not 'maybe'\n"},
      {"visit NOM-1 --announced no --outcome lost --attendee pc.a",
       "vigil-field: --outcome 'lost' is not one of seen|no_answer|refused|not_at_address\n"},
      {"visit NOM-1 --announced no --outcome seen",
       "vigil-field: name who attended with --attendee\n"},
      {"visit NOM-9 --announced no --outcome seen --attendee pc.a",
       "vigil-field: No nominal in this tablet's scope has the reference 'NOM-9'.\n"},
      {"visit NOM-1 --announced no --outcome seen --attendee pc.a --occurred-at "
       "2026-13-01T00:00:00Z",
       "vigil-field: --occurred-at '2026-13-01T00:00:00Z' is not an instant in the form "
       "YYYY-MM-DDTHH:MM:SSZ\n"},
      {"visit NOM-1 --announced no --outcome seen --attendee pc.a --occurred-at "
       "2099-01-01T00:00:00Z",
       "vigil-field: The visit cannot have happened at 2099-01-01T00:00:00Z, which is later "
       "than now.\n"},
      {"nominal NOM-1 --set risk_level=low",
       "vigil-field: Only a supervisor may change risk_level.\n"},
      {"nominal NOM-1 --set shoe_size=9",
       "vigil-field: 'shoe_size' is not a field of a nominal.\n"},
      {"breach NOM-1 --order dvpo --condition x --action y",
       "vigil-field: NOM-1 has no order 'dvpo' on this tablet.\n"},
      {"caseload --as-of 2026-02-30",
       "vigil-field: --as-of '2026-02-30' is not a real date (YYYY-MM-DD)\n"},
  };
  for (const auto& c : cases) {
    const auto r = f.run(c.arguments);
    INFO(c.arguments);
    CHECK(r.status == 2);
    CHECK(r.err == c.error);
    CHECK(r.out.empty());
  }
  CHECK(f.run("status --json").out.find("\"pending\":0") != std::string::npos);
}
