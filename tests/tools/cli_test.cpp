// The `vigil` command as a user runs it: output contracts, exit statuses, one-sentence errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "run_command.hpp"
#include "temp_dir.hpp"

namespace {

const std::string kVigil = std::string(VIGIL_BIN_DIR) + "/vigil";

CommandResult run_vigil(const std::string& arguments, const TempDir& dir,
                        const std::string& input = "") {
  return run_command(kVigil + " " + arguments, input, dir.path());
}

bool one_sentence(const std::string& err) {
  // One line, starting with the program's name.
  return err.rfind("vigil: ", 0) == 0 && err.find('\n') == err.size() - 1;
}

// Runs `arguments`, which must succeed, and checks the whole of what it printed.
void check_prints(const std::string& arguments, const TempDir& dir, const std::string& out) {
  INFO("vigil " << arguments);
  const auto r = run_vigil(arguments, dir);
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out == out);
}

// Runs `arguments` and checks its exit status and the whole of what it said on standard error;
// the result is returned for any further checks.
CommandResult check_refused(const std::string& arguments, const TempDir& dir, int status,
                            const std::string& err, const std::string& input = "") {
  INFO("vigil " << arguments);
  auto r = run_vigil(arguments, dir, input);
  CHECK(r.status == status);
  CHECK(r.err == err);
  return r;
}

// A new database in `dir`, made by `vigil init`: the --db option that names it.
std::string init_database(const TempDir& dir) {
  const std::string db = "--db '" + (dir.path() / "force.db").string() + "'";
  REQUIRE(run_vigil("init " + db, dir).status == 0);
  return db;
}

// An empty folder in `dir` to import CSV files from.
std::filesystem::path csv_folder(const TempDir& dir) {
  const auto csv = dir.path() / "csv";
  std::filesystem::create_directories(csv);
  return csv;
}

}  // namespace

TEST_CASE("vigil calc bail prints the timetable of the law in force at arrest", "[cli][bail]") {
  TempDir dir;
  check_prints("calc bail --arrested 2017-04-03 --json", dir,
               "{\"bail_start\":\"2017-04-04\",\"regime\":\"2017\",\"stages\":["
               "{\"authority\":\"inspector\",\"ends\":\"2017-05-01\"},"
               "{\"authority\":\"superintendent\",\"ends\":\"2017-07-03\"},"
               "{\"authority\":\"magistrates_court\",\"ends\":\"2017-10-03\"}]}\n");
  CHECK(run_vigil("calc bail --arrested 2017-04-02 --json", dir).out ==
        "{\"bail_start\":\"2017-04-03\",\"regime\":\"none\",\"stages\":[]}\n");
  CHECK(run_vigil("calc bail --arrested 2022-10-28 --case-type serious_fraud --json", dir)
            .out.rfind("{\"bail_start\":\"2022-10-29\",\"regime\":\"2022\",\"stages\":["
                       "{\"authority\":\"custody_officer\",\"ends\":\"2023-04-28\"}",
                       0) == 0);
}

TEST_CASE("vigil calc visit and notification answer in the contract's JSON", "[cli]") {
  TempDir dir;
  // 31 January + 3 months = 30 April (no 31 April); 1 May is one day late.
  check_prints("calc visit --risk high --last-seen 2024-01-31 --as-of 2024-05-01 --json", dir,
               "{\"due\":\"2024-04-30\",\"days_overdue\":1}\n");
  CHECK(run_vigil("calc notification --relevant-date 2020-01-10 --disposal caution --json", dir)
            .out == "{\"indefinite\":false,\"ends\":\"2022-01-09\"}\n");
  CHECK(
      run_vigil("calc notification --relevant-date 2020-01-10 --disposal prison --months 30 --json",
                dir)
          .out == "{\"indefinite\":true,\"ends\":null}\n");
}

TEST_CASE("bad usage exits 2 with one sentence naming the problem", "[cli]") {
  TempDir dir;
  check_refused("calc visit --risk extreme --last-seen 2024-01-31 --as-of 2024-05-01", dir, 2,
                "vigil: --risk 'extreme' is not one of low|medium|high|very_high\n");
  check_refused("calc bail --arrested 2023-02-29", dir, 2,
                "vigil: --arrested '2023-02-29' is not a real date in the form YYYY-MM-DD\n");
  for (const char* arguments :
       {"report overdue --db x.db --as-of 2024-01-01 --colour", "frobnicate",
        "calc notification --relevant-date 2020-01-10 --disposal prison"}) {
    INFO(arguments);
    const auto r = run_vigil(arguments, dir);
    CHECK(r.status == 2);
    CHECK(one_sentence(r.err));
  }
  CHECK(run_vigil("report overdue --help", dir).status == 0);
  CHECK(run_vigil("--help", dir).status == 0);
}

TEST_CASE("init, officers and an empty overdue report from a new database", "[cli][officer]") {
  TempDir dir;
  const std::string db = "--db '" + (dir.path() / "force.db").string() + "'";
  auto r = run_vigil("report overdue " + db + " --as-of 2024-06-30", dir);
  CHECK(r.status == 1);
  CHECK(r.err.find("does not exist; create it with 'vigil init") != std::string::npos);

  CHECK(run_vigil("init " + db, dir).status == 0);
  // The database will hold every record: its owner's alone, whatever the umask.
  const auto mode = std::filesystem::status(dir.path() / "force.db").permissions();
  CHECK((mode & (std::filesystem::perms::group_all | std::filesystem::perms::others_all)) ==
        std::filesystem::perms::none);
  CHECK(run_vigil("officer add " + db +
                      " --username sgt.north --name 'Ann North' --role supervisor "
                      "--team 'North 1'",
                  dir, "a long enough password\n")
            .status == 0);
  check_refused("officer add " + db +
                    " --username pc.short --name 'Pat Short' --role officer "
                    "--team 'North 1'",
                dir, 1, "vigil: the password must be at least 10 characters long\n", "short\n");
  check_refused("officer add " + db +
                    " --username sgt.north --name 'Again' --role officer "
                    "--team 'North 1'",
                dir, 1, "vigil: officer 'sgt.north' already exists\n", "a long enough password\n");
  check_prints("officer list " + db + " --json", dir,
               "{\"items\":[{\"username\":\"sgt.north\",\"name\":\"Ann North\",\"role\":"
               "\"supervisor\",\"team\":\"North 1\"}]}\n");
  CHECK(run_vigil("officer password " + db + " --username sgt.north", dir, "another long one\n")
            .status == 0);
  CHECK(run_vigil("officer password " + db + " --username nobody", dir, "another long one\n")
            .status == 1);

  check_refused("report overdue " + db + " --as-of 2024-06-30 --team 'No Such Team'", dir, 1,
                "vigil: team 'No Such Team' is not a known team\n");
  r = run_vigil("report overdue " + db + " --as-of 2024-06-30 --json", dir);
  CHECK(r.status == 0);
  CHECK(r.out.rfind("{\"as_of\":\"2024-06-30\",\"generated_at\":", 0) == 0);
  // Stamped as the server's reports are: whose records (the force, every team of it named), and
  // how fresh (no tablet yet).
  CHECK(
      r.out.find("\"scope\":{\"teams\":[\"North 1\"],\"force\":true},\"freshness\":{\"devices\":0,"
                 "\"never_synced\":0,\"oldest_sync\":null,\"items\":[]}") != std::string::npos);
  CHECK(r.out.find("\"items\":[],\"summary\":{\"total\":0") != std::string::npos);
  r = run_vigil("report devices " + db + " --json", dir);
  CHECK(r.status == 0);
  CHECK(r.out.find("\"summary\":{\"devices\":0,\"silent_over_24h\":0,\"silent_with_changes\":0}") !=
        std::string::npos);
  r = run_vigil("report devices " + db + " --format csv", dir);
  CHECK(r.out ==
        "device_id,name,officer,team,enrolled_at,last_contact_at,pending_changes,"
        "clock_skew_ms,silent_over_24h,oldest_pending_at,silent_with_changes\r\n");
}

TEST_CASE("a database from a newer Vigil is refused and left alone", "[cli][migrate]") {
  TempDir dir;
  const auto path = dir.path() / "newer.db";
  const std::string db = "--db '" + path.string() + "'";
  REQUIRE(run_vigil("init " + db, dir).status == 0);
  REQUIRE(std::system(("sqlite3 '" + path.string() + "' 'PRAGMA user_version = 999'").c_str()) ==
          0);
  auto r = run_vigil("init " + db, dir);
  CHECK(r.status == 1);
  CHECK(r.err.find("use a newer Vigil") != std::string::npos);
  r = run_vigil("report overdue " + db + " --as-of 2024-06-30", dir);
  CHECK(r.status == 1);
  CHECK(one_sentence(r.err));
}

TEST_CASE("vigil import names every bad row and imports nothing, then imports good files once",
          "[cli][import]") {
  TempDir dir;
  const std::string db = init_database(dir);
  const auto csv = csv_folder(dir);
  std::ofstream(csv / "officers.csv") << "username,name,role,team\n"
                                         "sgt.north,Ann North,supervisor,North 1\n"
                                         "pc.ahmed,Sam Ahmed,officer,North 1\n";
  std::ofstream(csv / "nominals.csv")
      << "ref,surname,forenames,date_of_birth,kind,mappa_category,mappa_level,risk_level,officer,"
         "team,no_fixed_abode,area\n"
         "N1,Smith,John,1980-02-30,violent,2,1,high,pc.ahmed,North 1,no,\n"
         "N2,Jones,Ann,1975-05-01,violent,2,1,extreme,pc.ahmed,North 1,no,\n";
  auto r = run_vigil("import " + db + " '" + csv.string() + "'", dir);
  CHECK(r.status == 1);
  CHECK(r.err.find("nominals.csv:2: date_of_birth '1980-02-30'") != std::string::npos);
  CHECK(r.err.find("nominals.csv:3: risk_level 'extreme'") != std::string::npos);
  CHECK(r.err.find("vigil: nothing was imported: 2 problems found.") != std::string::npos);
  CHECK(run_vigil("officer list " + db + " --json", dir).out == "{\"items\":[]}\n");

  std::ofstream(csv / "nominals.csv")
      << "ref,surname,forenames,date_of_birth,kind,mappa_category,mappa_level,risk_level,officer,"
         "team,no_fixed_abode,area\n"
         "N1,Smith,John,1980-02-28,violent,2,1,high,pc.ahmed,North 1,no,\n";
  r = run_vigil("import " + db + " '" + csv.string() + "' --json", dir);
  CHECK(r.status == 0);
  CHECK(r.out.find("\"nominals.csv\":{\"rows\":1,\"inserted\":1,\"updated\":0,\"unchanged\":0}") !=
        std::string::npos);
  r = run_vigil("import " + db + " '" + csv.string() + "' --json", dir);
  CHECK(r.out.find("\"nominals.csv\":{\"rows\":1,\"inserted\":0,\"updated\":0,\"unchanged\":1}") !=
        std::string::npos);
}

namespace {

// The range an error states ("from A to B"), to find the same words in --help.
std::string stated_range(const std::string& err) {
  const auto from = err.find("from ");
  return from == std::string::npos ? "" : err.substr(from, err.size() - 1 - from);
}

// Runs `command` with `arguments`, which it must refuse as bad usage saying `err`, and checks that
// its --help states the same range as the error does.
void check_range_refusal(const std::string& command, const std::string& arguments,
                         const TempDir& dir, const std::string& err) {
  const auto r = check_refused(command + " " + arguments, dir, 2, err);
  CHECK(run_vigil(command + " --help", dir).out.find(stated_range(r.err)) != std::string::npos);
}

}  // namespace

TEST_CASE("vigil calc refuses dates out of its range, so no answer leaves the range",
          "[cli][calc]") {
  TempDir dir;
  // The latest arrest it accepts: the last stage ends inside the range, a date calc accepts.
  auto r = run_vigil("calc bail --arrested 2197-12-31 --json", dir);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("{\"authority\":\"magistrates_court\",\"ends\":\"2199-06-30\"}") !=
        std::string::npos);
  CHECK(run_vigil("calc visit --risk low --last-seen 2024-01-01 --as-of 2199-06-30", dir).status ==
        0);
  r = run_vigil("calc bail --arrested 2197-12-31 --case-type serious_fraud --json", dir);
  CHECK(r.out.find("\"ends\":\"2199-06-30\"}]}") != std::string::npos);
  CHECK(run_vigil("calc bail --arrested 1900-01-01", dir).status == 0);

  // One past either end, and the year that printed year 10000.
  for (const char* arrested : {"2198-01-01", "1899-12-31", "9999-12-31", "0000-01-01"}) {
    r = check_refused(std::string("calc bail --arrested ") + arrested, dir, 2,
                      std::string("vigil: --arrested '") + arrested +
                          "' must be a date from 1900-01-01 to 2197-12-31\n");
  }
  CHECK(run_vigil("calc bail --help", dir).out.find(stated_range(r.err)) != std::string::npos);

  // A conditional discharge of the longest length, from the latest relevant date.
  check_prints(
      "calc notification --relevant-date 2099-12-31 --disposal conditional_discharge --months "
      "1200 --json",
      dir, "{\"indefinite\":false,\"ends\":\"2199-12-30\"}\n");
  check_range_refusal(
      "calc notification", "--relevant-date 2100-01-01 --disposal caution", dir,
      "vigil: --relevant-date '2100-01-01' must be a date from 1900-01-01 to 2099-12-31\n");

  // Visits: at most every 120 months under any policy a force may record.
  const std::string db = init_database(dir);
  std::string policy = run_vigil("policy show " + db, dir).out;
  // The first "low" is visit_every_months's.
  const auto low = policy.find("12", policy.find("\"low\""));
  REQUIRE(low != std::string::npos);
  policy.replace(low, 2, "120");
  std::ofstream(dir.path() / "policy.json") << policy;
  REQUIRE(run_vigil("policy add " + db + " --file '" + (dir.path() / "policy.json").string() +
                        "' --effective 2100-01-01 --approved-by 'ACC Jones' --rationale 'Test'",
                    dir)
              .status == 0);
  check_prints("calc visit " + db + " --risk low --last-seen 2189-12-31 --as-of 2199-12-31 --json",
               dir, "{\"due\":\"2199-12-31\",\"days_overdue\":0}\n");
  check_range_refusal(
      "calc visit", "--risk low --last-seen 2190-01-01 --as-of 2199-12-31", dir,
      "vigil: --last-seen '2190-01-01' must be a date from 1900-01-01 to 2189-12-31\n");
  check_range_refusal("calc visit", "--risk low --last-seen 2024-01-01 --as-of 2200-01-01", dir,
                      "vigil: --as-of '2200-01-01' must be a date from 1900-01-01 to 2199-12-31\n");
}

TEST_CASE("vigil calc states one range for --months and --age, in --help, error and check",
          "[cli][calc]") {
  TempDir dir;
  const std::string discharge =
      "calc notification --relevant-date 2020-01-10 --disposal conditional_discharge ";
  // Each end accepted, one past each refused with the same words.
  CHECK(run_vigil(discharge + "--months 1", dir).status == 0);
  CHECK(run_vigil(discharge + "--months 1200", dir).status == 0);
  std::string err;
  for (const char* months : {"0", "1201", "100000"}) {
    err = check_refused(discharge + "--months " + months, dir, 2,
                        std::string("vigil: --months '") + months +
                            "' must be a whole number from 1 to 1200\n")
              .err;
  }
  const std::string help = run_vigil("calc notification --help", dir).out;
  CHECK(help.find(stated_range(err)) != std::string::npos);

  CHECK(run_vigil(discharge + "--months 12 --age 0", dir).status == 0);
  CHECK(run_vigil(discharge + "--months 12 --age 130", dir).status == 0);
  for (const char* age : {"-1", "131", "200"}) {
    err = check_refused(
              discharge + "--months 12 --age " + age, dir, 2,
              std::string("vigil: --age '") + age + "' must be a whole number from 0 to 130\n")
              .err;
  }
  CHECK(help.find(stated_range(err)) != std::string::npos);
}

TEST_CASE("back-office commands refuse text that is not valid UTF-8 or too long, storing nothing",
          "[cli][text]") {
  TempDir dir;
  const std::string db = init_database(dir);
  const std::string long_word(201, 'a');
  const std::string add = "officer add " + db + " --role officer ";
  const std::string password = "a long enough password\n";
  check_refused(add + "--username " + long_word + " --name 'Ann' --team North", dir, 2,
                "vigil: --username is longer than 200 characters\n", password);
  check_refused(add + "--username pc.ann --name \"$(printf 'Ann\\377')\" --team North", dir, 2,
                "vigil: --name is not valid UTF-8 text (byte 4)\n", password);
  check_refused(add + "--username pc.ann --name Ann --team " + long_word, dir, 2,
                "vigil: --team is longer than 200 characters\n", password);
  // 200 characters of two bytes each are 200 characters.
  std::string longest_name;
  for (int i = 0; i < 200; ++i) longest_name += "\xC3\xA9";
  CHECK(
      run_vigil(add + "--username pc.ann --name '" + longest_name + "' --team North", dir, password)
          .status == 0);
  CHECK(run_vigil("officer list " + db + " --json", dir).out.find("\"pc.ann\"") !=
        std::string::npos);
  // A bad username is quoted, at most 40 characters of it.
  check_refused(
      add + "--username 'has space " + std::string(100, 'x') + "' --name Ann --team North", dir, 2,
      "vigil: --username 'has space " + std::string(30, 'x') +
          "...' must be one word without ';' or ','\n",
      password);

  check_refused("device revoke " + db + " --id nope --reason " + std::string(20001, 'r'), dir, 2,
                "vigil: --reason is longer than 20,000 characters\n");

  std::ofstream(dir.path() / "policy.json") << run_vigil("policy show " + db, dir).out;
  const std::string policy_add = "policy add " + db + " --file '" +
                                 (dir.path() / "policy.json").string() +
                                 "' --effective 2030-01-01 ";
  check_refused(policy_add + "--approved-by " + long_word + " --rationale Why", dir, 2,
                "vigil: --approved-by is longer than 200 characters\n");
  check_refused(policy_add + "--approved-by ACC --rationale \"$(printf 'Why\\300')\"", dir, 2,
                "vigil: --rationale is not valid UTF-8 text (byte 4)\n");
  CHECK(run_vigil("policy add --help", dir).status == 0);
}

TEST_CASE("vigil import opens no symbolic link and quotes at most 40 characters of a value",
          "[cli][import]") {
  TempDir dir;
  const std::string db = init_database(dir);
  const auto csv = csv_folder(dir);
  // Another file the person running the import can read; its first line must not be printed.
  std::ofstream(dir.path() / "elsewhere.txt") << "secret-first-line:x:0:0\nmore\n";
  std::filesystem::create_symlink(dir.path() / "elsewhere.txt", csv / "officers.csv");
  auto r = run_vigil("import " + db + " '" + csv.string() + "'", dir);
  CHECK(r.status == 1);
  CHECK(r.err.rfind("officers.csv: ", 0) == 0);
  CHECK(r.err.find("symbolic link") != std::string::npos);
  CHECK(r.err.find("secret") == std::string::npos);

  std::filesystem::remove(csv / "officers.csv");
  std::ofstream(csv / "officers.csv") << "username,name,role,team\n"
                                         "pc.ann,Ann,"
                                      << std::string(10000, 'z') << ",North\n";
  check_refused("import " + db + " '" + csv.string() + "'", dir, 1,
                "officers.csv:2: role '" + std::string(40, 'z') +
                    "...' is not one of officer|supervisor|admin\n"
                    "vigil: nothing was imported: 1 problem found.\n");
}
