// The `vigil` command as a user runs it: output contracts, exit statuses, one-sentence errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "run_command.hpp"
#include "temp_dir.hpp"

namespace {

const std::string kVigil = std::string(VIGIL_BIN_DIR) + "/vigil";

CommandResult vigil(const std::string& arguments, const TempDir& dir,
                    const std::string& input = "") {
  return run_command(kVigil + " " + arguments, input, dir.path());
}

bool one_sentence(const std::string& err) {
  // One line, starting with the program's name.
  return err.rfind("vigil: ", 0) == 0 && err.find('\n') == err.size() - 1;
}

}  // namespace

TEST_CASE("vigil calc bail prints the timetable of the law in force at arrest", "[cli][bail]") {
  TempDir dir;
  auto r = vigil("calc bail --arrested 2017-04-03 --json", dir);
  CHECK(r.status == 0);
  CHECK(r.out ==
        "{\"bail_start\":\"2017-04-04\",\"regime\":\"2017\",\"stages\":["
        "{\"authority\":\"inspector\",\"ends\":\"2017-05-01\"},"
        "{\"authority\":\"superintendent\",\"ends\":\"2017-07-03\"},"
        "{\"authority\":\"magistrates_court\",\"ends\":\"2017-10-03\"}]}\n");
  r = vigil("calc bail --arrested 2017-04-02 --json", dir);
  CHECK(r.out == "{\"bail_start\":\"2017-04-03\",\"regime\":\"none\",\"stages\":[]}\n");
  r = vigil("calc bail --arrested 2022-10-28 --case-type serious_fraud --json", dir);
  CHECK(r.out.rfind("{\"bail_start\":\"2022-10-29\",\"regime\":\"2022\",\"stages\":["
                    "{\"authority\":\"custody_officer\",\"ends\":\"2023-04-28\"}",
                    0) == 0);
}

TEST_CASE("vigil calc visit and notification answer in the contract's JSON", "[cli]") {
  TempDir dir;
  // 31 January + 3 months = 30 April (no 31 April); 1 May is one day late.
  auto r = vigil("calc visit --risk high --last-seen 2024-01-31 --as-of 2024-05-01 --json", dir);
  CHECK(r.status == 0);
  CHECK(r.out == "{\"due\":\"2024-04-30\",\"days_overdue\":1}\n");
  r = vigil("calc notification --relevant-date 2020-01-10 --disposal caution --json", dir);
  CHECK(r.out == "{\"indefinite\":false,\"ends\":\"2022-01-09\"}\n");
  r = vigil("calc notification --relevant-date 2020-01-10 --disposal prison --months 30 --json",
            dir);
  CHECK(r.out == "{\"indefinite\":true,\"ends\":null}\n");
}

TEST_CASE("bad usage exits 2 with one sentence naming the problem", "[cli]") {
  TempDir dir;
  auto r = vigil("calc visit --risk extreme --last-seen 2024-01-31 --as-of 2024-05-01", dir);
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --risk 'extreme' is not one of low|medium|high|very_high\n");
  r = vigil("calc bail --arrested 2023-02-29", dir);
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --arrested '2023-02-29' is not a real date in the form YYYY-MM-DD\n");
  r = vigil("report overdue --db x.db --as-of 2024-01-01 --colour", dir);
  CHECK(r.status == 2);
  CHECK(one_sentence(r.err));
  r = vigil("frobnicate", dir);
  CHECK(r.status == 2);
  CHECK(one_sentence(r.err));
  r = vigil("calc notification --relevant-date 2020-01-10 --disposal prison", dir);
  CHECK(r.status == 2);
  CHECK(one_sentence(r.err));
  CHECK(vigil("report overdue --help", dir).status == 0);
  CHECK(vigil("--help", dir).status == 0);
}

TEST_CASE("init, officers and an empty overdue report from a new database", "[cli][officer]") {
  TempDir dir;
  const std::string db = "--db '" + (dir.path() / "force.db").string() + "'";
  auto r = vigil("report overdue " + db + " --as-of 2024-06-30", dir);
  CHECK(r.status == 1);
  CHECK(r.err.find("does not exist; create it with 'vigil init") != std::string::npos);

  CHECK(vigil("init " + db, dir).status == 0);
  r = vigil("officer add " + db +
                " --username sgt.north --name 'Ann North' --role supervisor "
                "--team 'North 1'",
            dir, "a long enough password\n");
  CHECK(r.status == 0);
  r = vigil("officer add " + db +
                " --username pc.short --name 'Pat Short' --role officer "
                "--team 'North 1'",
            dir, "short\n");
  CHECK(r.status == 1);
  CHECK(r.err == "vigil: the password must be at least 10 characters long\n");
  r = vigil("officer add " + db +
                " --username sgt.north --name 'Again' --role officer "
                "--team 'North 1'",
            dir, "a long enough password\n");
  CHECK(r.status == 1);
  CHECK(r.err == "vigil: officer 'sgt.north' already exists\n");
  r = vigil("officer list " + db + " --json", dir);
  CHECK(r.status == 0);
  CHECK(r.out ==
        "{\"items\":[{\"username\":\"sgt.north\",\"name\":\"Ann North\",\"role\":"
        "\"supervisor\",\"team\":\"North 1\"}]}\n");
  CHECK(
      vigil("officer password " + db + " --username sgt.north", dir, "another long one\n").status ==
      0);
  CHECK(vigil("officer password " + db + " --username nobody", dir, "another long one\n").status ==
        1);

  r = vigil("report overdue " + db + " --as-of 2024-06-30 --team 'No Such Team'", dir);
  CHECK(r.status == 1);
  CHECK(r.err == "vigil: team 'No Such Team' is not a known team\n");
  r = vigil("report overdue " + db + " --as-of 2024-06-30 --json", dir);
  CHECK(r.status == 0);
  CHECK(r.out.rfind("{\"as_of\":\"2024-06-30\",\"generated_at\":", 0) == 0);
  // Stamped as the server's reports are: whose records (the force, every team of it named), and
  // how fresh (no tablet yet).
  CHECK(
      r.out.find("\"scope\":{\"teams\":[\"North 1\"],\"force\":true},\"freshness\":{\"devices\":0,"
                 "\"never_synced\":0,\"oldest_sync\":null,\"items\":[]}") != std::string::npos);
  CHECK(r.out.find("\"items\":[],\"summary\":{\"total\":0") != std::string::npos);
  r = vigil("report devices " + db + " --json", dir);
  CHECK(r.status == 0);
  CHECK(r.out.find("\"summary\":{\"devices\":0,\"silent_over_24h\":0}") != std::string::npos);
  r = vigil("report devices " + db + " --format csv", dir);
  CHECK(r.out ==
        "device_id,name,officer,team,enrolled_at,last_contact_at,pending_changes,"
        "clock_skew_ms,silent_over_24h\r\n");
}

TEST_CASE("a database from a newer Vigil is refused and left alone", "[cli][migrate]") {
  TempDir dir;
  const auto path = dir.path() / "newer.db";
  const std::string db = "--db '" + path.string() + "'";
  REQUIRE(vigil("init " + db, dir).status == 0);
  REQUIRE(std::system(("sqlite3 '" + path.string() + "' 'PRAGMA user_version = 999'").c_str()) ==
          0);
  auto r = vigil("init " + db, dir);
  CHECK(r.status == 1);
  CHECK(r.err.find("use a newer Vigil") != std::string::npos);
  r = vigil("report overdue " + db + " --as-of 2024-06-30", dir);
  CHECK(r.status == 1);
  CHECK(one_sentence(r.err));
}

TEST_CASE("vigil import names every bad row and imports nothing, then imports good files once",
          "[cli][import]") {
  TempDir dir;
  const std::string db = "--db '" + (dir.path() / "force.db").string() + "'";
  REQUIRE(vigil("init " + db, dir).status == 0);
  const auto csv = dir.path() / "csv";
  std::filesystem::create_directories(csv);
  std::ofstream(csv / "officers.csv") << "username,name,role,team\n"
                                         "sgt.north,Ann North,supervisor,North 1\n"
                                         "pc.ahmed,Sam Ahmed,officer,North 1\n";
  std::ofstream(csv / "nominals.csv")
      << "ref,surname,forenames,date_of_birth,kind,mappa_category,mappa_level,risk_level,officer,"
         "team,no_fixed_abode,area\n"
         "N1,Smith,John,1980-02-30,violent,2,1,high,pc.ahmed,North 1,no,\n"
         "N2,Jones,Ann,1975-05-01,violent,2,1,extreme,pc.ahmed,North 1,no,\n";
  auto r = vigil("import " + db + " '" + csv.string() + "'", dir);
  CHECK(r.status == 1);
  CHECK(r.err.find("nominals.csv:2: date_of_birth '1980-02-30'") != std::string::npos);
  CHECK(r.err.find("nominals.csv:3: risk_level 'extreme'") != std::string::npos);
  CHECK(r.err.find("vigil: nothing was imported: 2 problems found.") != std::string::npos);
  CHECK(vigil("officer list " + db + " --json", dir).out == "{\"items\":[]}\n");

  std::ofstream(csv / "nominals.csv")
      << "ref,surname,forenames,date_of_birth,kind,mappa_category,mappa_level,risk_level,officer,"
         "team,no_fixed_abode,area\n"
         "N1,Smith,John,1980-02-28,violent,2,1,high,pc.ahmed,North 1,no,\n";
  r = vigil("import " + db + " '" + csv.string() + "' --json", dir);
  CHECK(r.status == 0);
  CHECK(r.out.find("\"nominals.csv\":{\"rows\":1,\"inserted\":1,\"updated\":0,\"unchanged\":0}") !=
        std::string::npos);
  r = vigil("import " + db + " '" + csv.string() + "' --json", dir);
  CHECK(r.out.find("\"nominals.csv\":{\"rows\":1,\"inserted\":0,\"updated\":0,\"unchanged\":1}") !=
        std::string::npos);
}

namespace {

// The range an error states ("from A to B"), to find the same words in --help.
std::string stated_range(const std::string& err) {
  const auto from = err.find("from ");
  return from == std::string::npos ? "" : err.substr(from, err.size() - 1 - from);
}

}  // namespace

TEST_CASE("vigil calc refuses dates out of its range, so no answer leaves the range",
          "[cli][calc]") {
  TempDir dir;
  // The latest arrest it accepts: the last stage ends inside the range, a date calc accepts.
  auto r = vigil("calc bail --arrested 2197-12-31 --json", dir);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("{\"authority\":\"magistrates_court\",\"ends\":\"2199-06-30\"}") !=
        std::string::npos);
  CHECK(vigil("calc visit --risk low --last-seen 2024-01-01 --as-of 2199-06-30", dir).status == 0);
  r = vigil("calc bail --arrested 2197-12-31 --case-type serious_fraud --json", dir);
  CHECK(r.out.find("\"ends\":\"2199-06-30\"}]}") != std::string::npos);
  CHECK(vigil("calc bail --arrested 1900-01-01", dir).status == 0);

  // One past either end, and the year that printed year 10000.
  for (const char* arrested : {"2198-01-01", "1899-12-31", "9999-12-31", "0000-01-01"}) {
    r = vigil(std::string("calc bail --arrested ") + arrested, dir);
    CHECK(r.status == 2);
    CHECK(r.err == std::string("vigil: --arrested '") + arrested +
                       "' must be a date from 1900-01-01 to 2197-12-31\n");
  }
  CHECK(vigil("calc bail --help", dir).out.find(stated_range(r.err)) != std::string::npos);

  // A conditional discharge of the longest length, from the latest relevant date.
  r = vigil(
      "calc notification --relevant-date 2099-12-31 --disposal conditional_discharge --months "
      "1200 --json",
      dir);
  REQUIRE(r.status == 0);
  CHECK(r.out == "{\"indefinite\":false,\"ends\":\"2199-12-30\"}\n");
  r = vigil("calc notification --relevant-date 2100-01-01 --disposal caution", dir);
  CHECK(r.status == 2);
  CHECK(r.err ==
        "vigil: --relevant-date '2100-01-01' must be a date from 1900-01-01 to 2099-12-31\n");
  CHECK(vigil("calc notification --help", dir).out.find(stated_range(r.err)) != std::string::npos);

  // Visits: at most every 120 months under any policy a force may record.
  const std::string db = "--db '" + (dir.path() / "force.db").string() + "'";
  REQUIRE(vigil("init " + db, dir).status == 0);
  std::string policy = vigil("policy show " + db, dir).out;
  // The first "low" is visit_every_months's.
  const auto low = policy.find("12", policy.find("\"low\""));
  REQUIRE(low != std::string::npos);
  policy.replace(low, 2, "120");
  std::ofstream(dir.path() / "policy.json") << policy;
  REQUIRE(vigil("policy add " + db + " --file '" + (dir.path() / "policy.json").string() +
                    "' --effective 2100-01-01 --approved-by 'ACC Jones' --rationale 'Test'",
                dir)
              .status == 0);
  r = vigil("calc visit " + db + " --risk low --last-seen 2189-12-31 --as-of 2199-12-31 --json",
            dir);
  REQUIRE(r.status == 0);
  CHECK(r.out == "{\"due\":\"2199-12-31\",\"days_overdue\":0}\n");
  r = vigil("calc visit --risk low --last-seen 2190-01-01 --as-of 2199-12-31", dir);
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --last-seen '2190-01-01' must be a date from 1900-01-01 to 2189-12-31\n");
  CHECK(vigil("calc visit --help", dir).out.find(stated_range(r.err)) != std::string::npos);
  r = vigil("calc visit --risk low --last-seen 2024-01-01 --as-of 2200-01-01", dir);
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --as-of '2200-01-01' must be a date from 1900-01-01 to 2199-12-31\n");
  CHECK(vigil("calc visit --help", dir).out.find(stated_range(r.err)) != std::string::npos);
}

TEST_CASE("vigil calc states one range for --months and --age, in --help, error and check",
          "[cli][calc]") {
  TempDir dir;
  const std::string discharge =
      "calc notification --relevant-date 2020-01-10 --disposal conditional_discharge ";
  // Each end accepted, one past each refused with the same words.
  CHECK(vigil(discharge + "--months 1", dir).status == 0);
  CHECK(vigil(discharge + "--months 1200", dir).status == 0);
  std::string err;
  for (const char* months : {"0", "1201", "100000"}) {
    auto r = vigil(discharge + "--months " + months, dir);
    CHECK(r.status == 2);
    CHECK(r.err ==
          std::string("vigil: --months '") + months + "' must be a whole number from 1 to 1200\n");
    err = r.err;
  }
  const std::string help = vigil("calc notification --help", dir).out;
  CHECK(help.find(stated_range(err)) != std::string::npos);

  CHECK(vigil(discharge + "--months 12 --age 0", dir).status == 0);
  CHECK(vigil(discharge + "--months 12 --age 130", dir).status == 0);
  for (const char* age : {"-1", "131", "200"}) {
    auto r = vigil(discharge + "--months 12 --age " + age, dir);
    CHECK(r.status == 2);
    CHECK(r.err ==
          std::string("vigil: --age '") + age + "' must be a whole number from 0 to 130\n");
    err = r.err;
  }
  CHECK(help.find(stated_range(err)) != std::string::npos);
}

TEST_CASE("back-office commands refuse text that is not valid UTF-8 or too long, storing nothing",
          "[cli][text]") {
  TempDir dir;
  const std::string db = "--db '" + (dir.path() / "force.db").string() + "'";
  REQUIRE(vigil("init " + db, dir).status == 0);
  const std::string long_word(201, 'a');
  const std::string add = "officer add " + db + " --role officer ";
  auto r = vigil(add + "--username " + long_word + " --name 'Ann' --team North", dir,
                 "a long enough password\n");
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --username is longer than 200 characters\n");
  r = vigil(add + "--username pc.ann --name \"$(printf 'Ann\\377')\" --team North", dir,
            "a long enough password\n");
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --name is not valid UTF-8 text (byte 4)\n");
  r = vigil(add + "--username pc.ann --name Ann --team " + long_word, dir,
            "a long enough password\n");
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --team is longer than 200 characters\n");
  // 200 characters of two bytes each are 200 characters.
  std::string longest_name;
  for (int i = 0; i < 200; ++i) longest_name += "\xC3\xA9";
  r = vigil(add + "--username pc.ann --name '" + longest_name + "' --team North", dir,
            "a long enough password\n");
  CHECK(r.status == 0);
  CHECK(vigil("officer list " + db + " --json", dir).out.find("\"pc.ann\"") != std::string::npos);
  // A bad username is quoted, at most 40 characters of it.
  r = vigil(add + "--username 'has space " + std::string(100, 'x') + "' --name Ann --team North",
            dir, "a long enough password\n");
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --username 'has space " + std::string(30, 'x') +
                     "...' must be one word without ';' or ','\n");

  r = vigil("device revoke " + db + " --id nope --reason " + std::string(20001, 'r'), dir);
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --reason is longer than 20,000 characters\n");

  std::ofstream(dir.path() / "policy.json") << vigil("policy show " + db, dir).out;
  const std::string policy_add = "policy add " + db + " --file '" +
                                 (dir.path() / "policy.json").string() +
                                 "' --effective 2030-01-01 ";
  r = vigil(policy_add + "--approved-by " + long_word + " --rationale Why", dir);
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --approved-by is longer than 200 characters\n");
  r = vigil(policy_add + "--approved-by ACC --rationale \"$(printf 'Why\\300')\"", dir);
  CHECK(r.status == 2);
  CHECK(r.err == "vigil: --rationale is not valid UTF-8 text (byte 4)\n");
  CHECK(vigil("policy add --help", dir).status == 0);
}

TEST_CASE("vigil import opens no symbolic link and quotes at most 40 characters of a value",
          "[cli][import]") {
  TempDir dir;
  const std::string db = "--db '" + (dir.path() / "force.db").string() + "'";
  REQUIRE(vigil("init " + db, dir).status == 0);
  const auto csv = dir.path() / "csv";
  std::filesystem::create_directories(csv);
  // Another file the person running the import can read; its first line must not be printed.
  std::ofstream(dir.path() / "elsewhere.txt") << "secret-first-line:x:0:0\nmore\n";
  std::filesystem::create_symlink(dir.path() / "elsewhere.txt", csv / "officers.csv");
  auto r = vigil("import " + db + " '" + csv.string() + "'", dir);
  CHECK(r.status == 1);
  CHECK(r.err.rfind("officers.csv: ", 0) == 0);
  CHECK(r.err.find("symbolic link") != std::string::npos);
  CHECK(r.err.find("secret") == std::string::npos);

  std::filesystem::remove(csv / "officers.csv");
  std::ofstream(csv / "officers.csv") << "username,name,role,team\n"
                                         "pc.ann,Ann,"
                                      << std::string(10000, 'z') << ",North\n";
  r = vigil("import " + db + " '" + csv.string() + "'", dir);
  CHECK(r.status == 1);
  CHECK(r.err == "officers.csv:2: role '" + std::string(40, 'z') +
                     "...' is not one of officer|supervisor|admin\n"
                     "vigil: nothing was imported: 1 problem found.\n");
}
