// What a lost tablet gives away (issue: a tablet's store safe when the tablet is lost): nothing.
// Real stores, a real server on a loopback port, and vigil-field itself where a process must die
// or a command must find the tablet locked. The store's key is only ever the password's.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <thread>

#include "field_force.hpp"
#include "run_command.hpp"
#include "spawn.hpp"
#include "vigil/base/password.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/sync/device_state.hpp"
#include "vigil/sync/read_audit.hpp"

using namespace vigil;
using vigil::mobile::Problem;
using vigil::mobile::Tablet;
using vigil::mobile::TabletError;

namespace {

const std::string kAddress = "Flat 3, 12 Acacia Avenue";

std::string bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Every file of the store `name` in the force's folder: the store, its log, its shared-memory
// index, its key file, and anything else that begins with its name.
std::vector<std::filesystem::path> files_of(const Force& f, const std::string& name) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(f.dir.path())) {
    if (entry.path().filename().string().starts_with(name)) files.push_back(entry.path());
  }
  return files;
}

// What must not be found in any byte of the store's files: the scope's surnames, what the
// officer wrote of addresses, and the device's token.
std::vector<std::string> secrets_of(const Force& f, const std::string& name) {
  auto db = f.open(name);
  std::vector<std::string> secrets{kAddress};
  auto surnames = db.prepare("SELECT surname FROM nominals");
  while (surnames.step()) secrets.push_back(surnames.column_text(0));
  secrets.push_back(text_of(db, "SELECT value FROM sync_state WHERE key = 'token'"));
  REQUIRE(secrets.size() >= 6);
  REQUIRE(secrets.back().size() >= 32);
  return secrets;
}

void require_nothing_in_clear(const Force& f, const std::string& name,
                              const std::vector<std::string>& secrets) {
  const auto files = files_of(f, name);
  REQUIRE_FALSE(files.empty());
  for (const auto& file : files) {
    const std::string bytes = bytes_of(file);
    for (const auto& secret : secrets) {
      INFO(file.filename().string() << " holds '" << secret << "'");
      CHECK(bytes.find(secret) == std::string::npos);
    }
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    INFO(file.filename().string());
    CHECK((info.st_mode & 0777) == 0600);
  }
}

std::string vigil_field(const Force& f, const std::string& store) {
  return std::string(VIGIL_BIN_DIR) + "/vigil-field --store '" + f.store(store).string() + "' ";
}

}  // namespace

TEST_CASE(
    "no byte of a tablet's files holds a surname, an address or the token: in use, locked "
    "and killed mid-write",
    "[mobile][at_rest]") {
  Force f;
  auto tablet = f.enrolled("pc.a", "pc-a.db");
  tablet->update_nominal("NOM-2", {{"area", kAddress}});
  for (int i = 0; i < 50; ++i) {
    auto visit = visit_to("NOM-" + std::to_string(1 + i % 4), {"pc.a", "pc.b"});
    visit.note = "Seen at " + kAddress;
    tablet->record_visit(visit);
  }
  const auto secrets = secrets_of(f, "pc-a.db");
  // In use: the store open, its log holding the latest writes.
  REQUIRE(std::filesystem::exists(f.store("pc-a.db").string() + "-wal"));
  require_nothing_in_clear(f, "pc-a.db", secrets);
  tablet->lock();
  require_nothing_in_clear(f, "pc-a.db", secrets);
  tablet.reset();

  // vigil-field recording visits, killed at random moments of its writes.
  REQUIRE(run_command(vigil_field(f, "pc-a.db") + "unlock", kTestPassword, f.dir.path()).status ==
          0);
  std::mt19937 random(5);
  for (int round = 0; round < 6; ++round) {
    const pid_t pid = spawn_program({std::string(VIGIL_BIN_DIR) + "/vigil-field", "--store",
                                     f.store("pc-a.db").string(), "visit", "NOM-1", "--announced",
                                     "no", "--outcome", "seen", "--attendee", "pc.a", "--attendee",
                                     "pc.b", "--note", "At " + kAddress});
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 200000));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    require_nothing_in_clear(f, "pc-a.db", secrets);
  }
  // Opened again, the store has every visit that was saved, and takes more.
  Tablet again(f.store("pc-a.db"));
  again.unlock(kTestPassword);
  const int pending = again.status().pending;
  CHECK(pending >= 51);  // the area, the 50 visits, and those the killed commands saved
  CHECK(f.store_count("pc-a.db", "SELECT count(*) FROM visits") == pending - 1);
  again.record_visit(visit_to("NOM-1", {"pc.a", "pc.b"}));
  CHECK(again.sync(Force::quick()).applied == pending + 1);
  run_command(vigil_field(f, "pc-a.db") + "lock", "", f.dir.path());
}

TEST_CASE("a copied store, its lock flag edited or not, yields nothing without the password",
          "[mobile][at_rest]") {
  Force f;
  auto tablet = f.enrolled("pc.a", "pc-a.db");
  tablet->record_visit(visit_to("NOM-1", {"pc.a", "pc.b"}));
  const auto secrets = secrets_of(f, "pc-a.db");
  // The thief copies every file of the store while it is unlocked and in use.
  const auto stolen = f.dir.path() / "stolen";
  std::filesystem::create_directories(stolen);
  for (const auto& file : files_of(f, "pc-a.db")) {
    std::filesystem::copy_file(file, stolen / file.filename());
  }
  tablet.reset();
  const auto copy = stolen / "pc-a.db";
  // Read as a database, it is not one; the key file holds no flag to edit, and nothing in clear.
  CHECK_THROWS_WITH(count_of(copy, "SELECT count(*) FROM sync_state"),
                    Catch::Contains("file is not a database"));
  const std::string key_file = bytes_of(copy.string() + ".key");
  CHECK(key_file.find("lock") == std::string::npos);
  for (const auto& secret : secrets) CHECK(key_file.find(secret) == std::string::npos);
  // Its wipe put off as far as it goes, the copy still wants the password, and a guess is wrong.
  {
    std::string edited = key_file;
    edited.replace(edited.find("wipe_after 10"), 13, "wipe_after 999");
    std::ofstream(copy.string() + ".key") << edited;
  }
  Tablet thief(copy);
  CHECK(thief.status().locked);
  CHECK_THROWS_WITH(thief.show("NOM-1", "curious"),
                    "The tablet is locked: unlock it first with your password.");
  CHECK_THROWS_WITH(thief.caseload(today()), Catch::Contains("unlock it first"));
  CHECK_THROWS_AS(thief.sync(Force::quick()), TabletError);
  CHECK_THROWS_WITH(thief.unlock("password1234"), Catch::Contains("not the password"));
  const auto shown = run_command(std::string(VIGIL_BIN_DIR) + "/vigil-field --store '" +
                                     copy.string() + "' show NOM-1 --reason 'a look'",
                                 "", f.dir.path());
  CHECK(shown.status == 1);
  CHECK(shown.err == "vigil-field: The tablet is locked: unlock it first with your password.\n");
  CHECK(shown.out.empty());
}

TEST_CASE("a byte altered in the store on disk is refused with a sentence, never read",
          "[mobile][at_rest]") {
  Force f;
  f.enrolled("pc.a", "pc-a.db")->lock();
  const auto path = f.store("pc-a.db");
  std::string bytes = bytes_of(path);
  REQUIRE(bytes.size() > 3 * 4096);
  // One byte in every page but the first: whatever is read first is refused.
  for (std::size_t page = 1; page < bytes.size() / 4096; ++page) {
    bytes[page * 4096 + 2000] = static_cast<char>(bytes[page * 4096 + 2000] ^ 0x20);
  }
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  const auto unlocked =
      run_command(vigil_field(f, "pc-a.db") + "unlock", kTestPassword, f.dir.path());
  const auto shown = run_command(vigil_field(f, "pc-a.db") + "caseload", "", f.dir.path());
  const auto& refused = unlocked.status != 0 ? unlocked : shown;
  CHECK(refused.status == 1);
  CHECK(refused.err.starts_with("vigil-field: The store has been altered on disk: page "));
  CHECK(refused.err.ends_with(" of " + path.string() +
                              " fails its authentication, so it is not read.\n"));
  CHECK(refused.out.find("NOM-") == std::string::npos);
  run_command(vigil_field(f, "pc-a.db") + "lock", "", f.dir.path());
}

TEST_CASE("a tablet left alone for the policy's idle time locks itself", "[mobile][at_rest]") {
  Force f;
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto clock = [&now] { return now; };
  {
    Tablet tablet(f.store("pc-a.db"), clock);
    tablet.enrol(f.url(), "pc.a", kTestPassword, "pc.a", Force::quick());
    CHECK(tablet.idle_limit() == std::chrono::seconds(300));  // the policy's default
    now += std::chrono::seconds(299);
    CHECK(tablet.caseload(today()).size() == 4);  // used: the count starts again
    now += std::chrono::seconds(299);
    CHECK_FALSE(tablet.status().locked);
    now += std::chrono::seconds(302);
    CHECK_THROWS_WITH(tablet.caseload(today()),
                      "The tablet locked itself after 300 seconds without use: unlock it first "
                      "with your password.");
    CHECK(tablet.status().locked);
    tablet.unlock(kTestPassword);
    CHECK(tablet.caseload(today()).size() == 4);

    // An app's syncs in the background are not use: a tablet left with its app open still locks.
    for (int i = 0; i < 5; ++i) {
      now += std::chrono::seconds(60);
      if (i < 4) tablet.sync(Force::quick(), Tablet::Asked::in_background);
    }
    now += std::chrono::seconds(1);  // 301 seconds since the officer last did anything
    CHECK_THROWS_WITH(tablet.sync(Force::quick(), Tablet::Asked::in_background),
                      Catch::Contains("locked itself after 300 seconds"));
    tablet.unlock(kTestPassword);
  }

  // vigil-field counts from the last command: a policy of 5 seconds, taken by a sync.
  Policy quick = default_policy();
  quick.tablet_idle_lock_seconds = 5;
  std::ofstream(f.dir.path() / "policy.json") << policy_to_json(quick);
  const auto added = run_command(std::string(VIGIL_BIN_DIR) + "/vigil policy add --db '" +
                                     (f.dir.path() / "server.db").string() + "' --file '" +
                                     (f.dir.path() / "policy.json").string() + "' --effective " +
                                     format_date(today()) +
                                     " --approved-by 'ACC Jones' --rationale 'Tablets lock sooner'",
                                 "", f.dir.path());
  INFO(added.err);
  REQUIRE(added.status == 0);
  const std::string field = vigil_field(f, "pc-a.db");
  REQUIRE(run_command(field + "unlock", kTestPassword, f.dir.path()).status == 0);
  REQUIRE(run_command(field + "sync", "", f.dir.path()).status == 0);
  REQUIRE(run_command(field + "unlock", kTestPassword, f.dir.path()).status == 0);
  for (int i = 0; i < 3; ++i) {  // 9 seconds in all, but never 5 without a command
    std::this_thread::sleep_for(std::chrono::seconds(3));
    CHECK(run_command(field + "caseload", "", f.dir.path()).status == 0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(6500));
  const auto late = run_command(field + "caseload", "", f.dir.path());
  CHECK(late.status == 1);
  CHECK(late.err == "vigil-field: The tablet is locked: unlock it first with your password.\n");
}

TEST_CASE("ten wrong passwords in a row wipe the tablet, and it says so", "[mobile][at_rest]") {
  Force f;
  const auto path = f.store("pc-a.db");
  f.enrolled("pc.a", "pc-a.db")->record_visit(visit_to("NOM-1", {"pc.a", "pc.b"}));
  Tablet tablet(path);
  // A right password in between starts the count again.
  for (int i = 0; i < 4; ++i) CHECK_THROWS_AS(tablet.unlock("not it at all"), TabletError);
  tablet.unlock(kTestPassword);
  tablet.lock();
  for (int i = 1; i <= 9; ++i) {
    try {
      tablet.unlock("not it at all");
      FAIL("a wrong password unlocked the tablet");
    } catch (const TabletError& error) {
      CHECK(error.problem() == Problem::wrong_password);
      CHECK(std::string(error.what())
                .find(counted(10 - i, "more wrong password") + " in a row and it wipes itself") !=
            std::string::npos);
    }
  }
  // A copy of the key file a rewrite cut off goes with the rest.
  std::ofstream(path.string() + ".key.writing") << "vigil store key 1\nserver ";
  const auto wiped =
      run_command(vigil_field(f, "pc-a.db") + "unlock", "still not it\n", f.dir.path());
  CHECK(wiped.status == 1);
  CHECK(wiped.err ==
        "vigil-field: After 10 wrong passwords in a row the tablet has wiped its store: nothing of "
        "the force's is left on it. Enrol it again to use it.\n");
  for (const char* suffix : {"", ".key", "-wal", "-shm", "-journal", ".key.upgrade"}) {
    CHECK_FALSE(std::filesystem::exists(path.string() + suffix));
  }
  CHECK(files_of(f, "pc-a.db").empty());
  CHECK_FALSE(Tablet(path).status().enrolled);
}

TEST_CASE("a password change wraps the key again and leaves the store as it was",
          "[mobile][at_rest]") {
  Force f;
  const auto path = f.store("pc-a.db");
  auto tablet = f.enrolled("pc.a", "pc-a.db");
  tablet->lock();
  const std::string before = bytes_of(path);
  tablet->unlock(kTestPassword);
  CHECK_THROWS_WITH(tablet->change_password("a wrong one", "a new passphrase"),
                    "That is not the tablet's current password; it is unchanged (9 more wrong "
                    "passwords in a row and it wipes itself).");
  CHECK_THROWS_AS(tablet->change_password(kTestPassword, "short"), TabletError);
  tablet->change_password(kTestPassword, "a new passphrase");
  tablet->lock();
  CHECK(bytes_of(path) == before);  // not a page rewritten
  CHECK_THROWS_AS(tablet->unlock(kTestPassword), TabletError);
  tablet->unlock("a new passphrase");
  CHECK(tablet->caseload(today()).size() == 4);
}

TEST_CASE("a store made before stores were sealed is sealed at its first unlock, outbox whole",
          "[mobile][at_rest]") {
  Force f;
  const auto path = f.store("pc-a.db");
  {
    auto tablet = f.enrolled("pc.a", "pc-a.db");
    for (int i = 0; i < 3; ++i) {
      auto visit = visit_to("NOM-1", {"pc.a", "pc.b"});
      visit.note = "Seen at " + kAddress;
      tablet->record_visit(visit);
    }
  }
  // The same store as the last release kept it: plain SQLite, an unlock verifier and a lock flag
  // in its state, no key file.
  {
    auto sealed = f.open("pc-a.db");
    const auto plain_path = f.dir.path() / "plain.db";
    store::Database plain(plain_path);
    store::migrate(plain);
    plain.execute("PRAGMA foreign_keys = OFF");
    std::vector<std::string> tables;
    auto names = sealed.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND "
        "name <> 'schema_migrations'");
    while (names.step()) tables.push_back(names.column_text(0));
    for (const auto& table : tables) {
      const auto columns =
          static_cast<int>(count_of(sealed, "SELECT count(*) FROM pragma_table_info(?)", table));
      auto rows = sealed.prepare("SELECT * FROM \"" + table + "\"");
      while (rows.step()) {
        std::string marks;
        for (int c = 0; c < columns; ++c) marks += c == 0 ? "?" : ", ?";
        auto insert =
            plain.prepare("INSERT OR REPLACE INTO \"" + table + "\" VALUES (" + marks + ")");
        for (int c = 0; c < columns; ++c) {
          if (rows.is_null(c)) {
            insert.bind(c + 1, std::nullopt);
          } else {
            insert.bind(c + 1, rows.column_view(c));
          }
        }
        insert.run();
      }
    }
    sync::DeviceState state(plain);
    state.set(sync::kUnlockVerifier, base::hash_password(kTestPassword));
    state.set(sync::kLocked, "0");
  }
  for (const char* suffix : {"", ".key", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix);
  }
  std::filesystem::rename(f.dir.path() / "plain.db", path);
  REQUIRE(bytes_of(path).find(kAddress) != std::string::npos);  // in clear, as it was

  Tablet tablet(path);
  CHECK(tablet.status().enrolled);
  CHECK(tablet.status().locked);
  CHECK(tablet.status().officer == "pc.a");
  CHECK_THROWS_AS(tablet.caseload(today()), TabletError);
  CHECK_THROWS_AS(tablet.unlock("not the password"), TabletError);
  tablet.unlock(kTestPassword);
  CHECK(tablet.status().pending == 3);
  CHECK(std::filesystem::exists(path.string() + ".key"));
  for (const char* suffix : {".plain", ".sealing", ".key.upgrade"}) {
    CHECK_FALSE(std::filesystem::exists(path.string() + suffix));
  }
  tablet.lock();
  const std::string sealed = bytes_of(path);
  CHECK(sealed.find(kAddress) == std::string::npos);
  CHECK(sealed.find("Surname1") == std::string::npos);
  CHECK(f.store_count("pc-a.db",
                      "SELECT count(*) FROM sync_state WHERE key IN "
                      "('unlock_verifier', 'locked')") == 0);
  tablet.unlock(kTestPassword);
  CHECK(tablet.sync(Force::quick()).applied == 3);
  CHECK(f.server_count("SELECT count(*) FROM visits WHERE observations LIKE '%Acacia%'") == 3);
}

TEST_CASE("a read audit tail rewritten on the tablet, links and all, is refused by the server",
          "[mobile][at_rest][audit]") {
  Force f;
  auto tablet = f.enrolled("pc.a", "pc-a.db");
  const std::string device = tablet->status().device_id;
  // The server gave the tablet its chain's key at sign-in, and keeps it.
  const auto given = [&] {
    store::Database server_db(f.dir.path() / "server.db");
    return text_of(server_db, "SELECT audit_key FROM devices WHERE id = ?", device);
  }();
  REQUIRE(given.size() == 64);
  tablet->show("NOM-1", "visit preparation");
  tablet->sync(Force::quick());

  // Two reads not yet synced; then whoever holds the password hides the first one's reason,
  // making every link again with all the tablet holds: its chain's key as it now stands, or
  // plain SHA-256 as an unkeyed chain would have it.
  tablet->show("NOM-2", "looking up an address");
  tablet->show("NOM-3", "visit preparation");
  tablet->lock();
  {
    auto db = f.open("pc-a.db");
    const std::string key_now =
        text_of(db, "SELECT value FROM sync_state WHERE key = 'read_chain_key'");
    CHECK(key_now != given);  // the key the first events were made with is gone
    CHECK(key_now == sync::next_chain_key(sync::next_chain_key(sync::next_chain_key(given))));
    for (const std::optional<std::string>& forging_key :
         {std::optional<std::string>(key_now), std::optional<std::string>()}) {
      // Event 0 has gone up; event 1 names its link.
      std::string prev = text_of(
          db,
          "SELECT json_extract(fields, '$.prev_hash') FROM outbox WHERE entity = 'read_event' "
          "AND json_extract(fields, '$.chain_index') = '1'");
      for (const char* index : {"1", "2"}) {
        auto event_row = first_row(
            db,
            "SELECT json_extract(fields, '$.nominal_id'), json_extract(fields, '$.occurred_at'), "
            "json_extract(fields, '$.reason'), change_id FROM outbox WHERE entity = 'read_event' "
            "AND json_extract(fields, '$.chain_index') = ?",
            std::string(index));
        sync::ReadEvent event{device,
                              std::stoll(index),
                              prev,
                              event_row.column_text(0),
                              event_row.column_text(1),
                              std::string(index) == "1" ? "routine" : event_row.column_text(2)};
        const std::string change_id = event_row.column_text(3);
        const std::string link = sync::read_event_link(event, forging_key);
        db.prepare(
              "UPDATE outbox SET fields = json_set(fields, '$.reason', ?, '$.prev_hash', ?, "
              "'$.hash', ?) WHERE change_id = ?")
            .bind_all(event.reason, prev, link, change_id)
            .run();
        prev = link;
      }
      // Made with the key the server derives for event 1, the rewrite would have passed.
      CHECK(sync::read_event_link(sync::ReadEvent{device, 1, "", "", "", ""},
                                  sync::next_chain_key(given)) !=
            sync::read_event_link(sync::ReadEvent{device, 1, "", "", "", ""}, forging_key));
    }
  }
  tablet->unlock(kTestPassword);
  const auto report = tablet->sync(Force::quick());
  CHECK(report.rejected == 2);
  REQUIRE_FALSE(report.rejections.empty());
  CHECK(report.rejections[0].find("read event 1 of this device does not match its hash") !=
        std::string::npos);
  store::Database server_db(f.dir.path() / "server.db");
  CHECK(f.server_count("SELECT count(*) FROM audit_log WHERE action = 'read' AND reason = "
                       "'routine'") == 0);
  // What did arrive, untouched, verifies under the keys the server derives.
  CHECK(sync::verify_read_chains(server_db).empty());
}

TEST_CASE(
    "read events made under the key verify on the server, and a device without one keeps "
    "plain links",
    "[mobile][at_rest][audit]") {
  Force f;
  auto tablet = f.enrolled("pc.a", "pc-a.db");
  for (int i = 0; i < 5; ++i) tablet->show("NOM-" + std::to_string(1 + i % 4), "supervision");
  CHECK(tablet->sync(Force::quick()).applied == 5);
  store::Database server_db(f.dir.path() / "server.db");
  CHECK(sync::verify_read_chains(server_db).empty());
  // The same events checked as a plain chain do not hold: the links are keyed.
  server_db.execute("UPDATE devices SET audit_key = NULL");
  const auto breaks = sync::verify_read_chains(server_db);
  CHECK(breaks.size() == 5);
}

TEST_CASE("an upgrade cut off on either side of its switch is finished when the store is opened",
          "[mobile][at_rest]") {
  Force f;
  const auto path = f.store("pc-a.db");
  f.enrolled("pc.a", "pc-a.db")->record_visit(visit_to("NOM-1", {"pc.a", "pc.b"}));
  const std::string store = path.string();

  // A key file's rewrite cut off (a wrong password counted, a password changed) leaves its new
  // copy half-written under a name of its own: never taken for the key.
  std::ofstream(store + ".key.writing") << "vigil store key 1\nserver ";
  {
    Tablet tablet(path);
    tablet.unlock(kTestPassword);
    CHECK(tablet.status().pending == 1);
  }

  // Cut off after the switch: the sealed store in place, its key file still under its new name,
  // the plain store's last name beside it.
  std::filesystem::rename(store + ".key", store + ".key.upgrade");
  std::ofstream(store + ".plain") << "SQLite format 3" << kAddress;
  {
    Tablet tablet(path);
    CHECK(std::filesystem::exists(store + ".key"));
    CHECK_FALSE(std::filesystem::exists(store + ".key.upgrade"));
    CHECK_FALSE(std::filesystem::exists(store + ".plain"));  // overwritten, then deleted
    tablet.unlock(kTestPassword);
    CHECK(tablet.status().pending == 1);
  }

  // Cut off before the switch: a plain store still in use, and a half-made sealed copy with its
  // key file beside it. They go; the plain store stays as it was, to be sealed at its unlock.
  const auto plain = f.dir.path() / "plain.db";
  {
    store::Database db(plain);
    store::migrate(db);
  }
  TempDir elsewhere;
  for (const char* suffix : {"", ".key"}) {
    std::filesystem::rename(store + suffix, elsewhere.path() / ("pc-a.db" + std::string(suffix)));
  }
  std::filesystem::rename(plain, path);
  std::filesystem::copy_file(elsewhere.path() / "pc-a.db", store + ".sealing");
  std::filesystem::copy_file(elsewhere.path() / "pc-a.db.key", store + ".key.upgrade");
  std::filesystem::create_hard_link(path, store + ".plain");
  {
    Tablet tablet(path);
    for (const char* suffix : {".sealing", ".key.upgrade", ".plain", ".key"}) {
      INFO(suffix);
      CHECK_FALSE(std::filesystem::exists(store + suffix));
    }
    CHECK(bytes_of(path).starts_with("SQLite format 3"));  // the plain store, untouched
  }
}

TEST_CASE("a key file whose store has gone opens nothing, and the tablet can be enrolled again",
          "[mobile][at_rest]") {
  Force f;
  const auto path = f.store("pc-a.db");
  f.enrolled("pc.a", "pc-a.db")->lock();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix);
  }
  Tablet tablet(path);
  CHECK_FALSE(tablet.status().enrolled);
  CHECK_THROWS_WITH(tablet.unlock(kTestPassword),
                    "This tablet is not enrolled with a server yet: enrol it first.");
  CHECK_FALSE(std::filesystem::exists(path));  // unlocking made no empty store
  tablet.enrol(f.url(), "pc.a", kTestPassword, "pc.a again", Force::quick());
  CHECK(tablet.caseload(today()).size() == 4);
}
