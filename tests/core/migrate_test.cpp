#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "queries.hpp"
#include "record_tables.hpp"
#include "temp_dir.hpp"
#include "vigil/base/error.hpp"
#include "vigil/store/migrate.hpp"

using namespace vigil;

TEST_CASE("migrations build every table on an empty database", "[store][migrate]") {
  TempDir dir;
  store::Database db(dir.path() / "empty.db");
  auto report = store::migrate(db);
  CHECK(report.from_version == 0);
  CHECK(report.to_version == store::latest_schema_version());
  CHECK(store::schema_version(db) == store::latest_schema_version());
  // A force's records, and what the server and the tablets keep of devices, audit and syncing.
  std::vector<std::string> tables(kRecordTables.begin(), kRecordTables.end());
  for (const char* own : {"devices", "audit_log", "changes", "conflicts", "outbox", "sync_state"}) {
    tables.push_back(own);
  }
  for (const auto& table : tables) {
    INFO(table);
    CHECK(count_of(db, "SELECT count(*) FROM sqlite_schema WHERE type='table' AND name=?", table) ==
          1);
  }
  // Running again is a no-op.
  auto again = store::migrate(db);
  CHECK(again.from_version == again.to_version);
}

TEST_CASE("the migrator refuses a database newer than the build and leaves it alone",
          "[store][migrate]") {
  TempDir dir;
  auto path = dir.path() / "newer.db";
  {
    store::Database db(path);
    store::migrate(db);
    db.execute("PRAGMA user_version = " + std::to_string(store::latest_schema_version() + 1));
  }
  store::Database db(path);
  try {
    store::migrate(db);
    FAIL("a newer database was accepted");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::migration);
    CHECK(std::string(error.what()).find("newer Vigil") != std::string::npos);
  }
  CHECK(store::schema_version(db) == store::latest_schema_version() + 1);
  CHECK_THROWS_AS(store::require_current_schema(db), Error);
}

TEST_CASE("a transaction rolls back unless committed", "[store]") {
  TempDir dir;
  store::Database db(dir.path() / "tx.db");
  db.execute("CREATE TABLE t(x INTEGER)");
  {
    store::Transaction transaction(db);
    db.prepare("INSERT INTO t VALUES (1)").run();
  }
  {
    store::Transaction transaction(db);
    db.prepare("INSERT INTO t VALUES (2)").run();
    transaction.commit();
  }
  auto count = db.prepare("SELECT group_concat(x) FROM t");
  REQUIRE(count.step());
  CHECK(count.column_text(0) == "2");
}

TEST_CASE("SQL errors carry the statement and SQLite's code", "[store]") {
  TempDir dir;
  store::Database db(dir.path() / "err.db");
  try {
    db.prepare("SELECT * FROM no_such_table");
    FAIL("prepared a statement on a missing table");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::database);
    CHECK(error.context().find("no_such_table") != std::string::npos);
  }
}

TEST_CASE("empty text binds as empty text, never as NULL", "[store]") {
  TempDir dir;
  store::Database db(dir.path() / "bind.db");
  auto s = db.prepare("SELECT ? IS NULL, ? = ''");
  s.bind(1, std::string_view{}).bind(2, std::string_view{});
  REQUIRE(s.step());
  CHECK(s.column_int(0) == 0);
  CHECK(s.column_int(1) == 1);
}

TEST_CASE("reset_statements ends the read a kept statement left open, so newer data shows",
          "[store]") {
  // A pooled connection goes back with reset_statements(): a request cut short part-way through
  // a kept statement's rows must not leave the connection reading the old snapshot for the next.
  TempDir dir;
  const auto path = dir.path() / "snap.db";
  store::Database reader(path);
  store::Database writer(path);
  writer.execute("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1), (2)");
  auto& rows = reader.cached("SELECT x FROM t ORDER BY x");
  REQUIRE(rows.step());  // one row of two read: the statement still holds its read open
  writer.execute("INSERT INTO t VALUES (3)");
  const auto count = [&] {
    auto s = reader.prepare("SELECT count(*) FROM t");
    REQUIRE(s.step());
    return s.column_int(0);
  };
  CHECK(count() == 2);  // still the snapshot the open read began
  reader.reset_statements();
  CHECK(count() == 3);
}

TEST_CASE("a bearer token finds its device through an index, not a scan of every device",
          "[store][migrate]") {
  // Every request the server answers looks its caller up by the token's hash.
  TempDir dir;
  store::Database db(dir.path() / "plan.db");
  store::migrate(db);
  auto plan = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM devices WHERE token_hash = ?");
  std::string steps;
  while (plan.step()) steps += plan.column_text(3) + "\n";
  INFO(steps);
  CHECK(steps.find("USING INDEX devices_token") != std::string::npos);
  CHECK(steps.find("SCAN") == std::string::npos);
}

TEST_CASE("a read snapshot sees the database as it was when it began, whatever commits after",
          "[store][snapshot]") {
  // Every report is made inside one: its parts must agree with each other even while pushes land.
  TempDir dir;
  store::Database reader(dir.path() / "snapshot.db");
  store::migrate(reader);
  store::Database writer(dir.path() / "snapshot.db");
  const auto teams = [&] { return count_of(reader, "SELECT count(*) FROM teams"); };
  const auto before = teams();
  {
    store::ReadSnapshot snapshot(reader);
    writer.execute("INSERT INTO teams (id, name) VALUES ('t-late', 'Late')");
    CHECK(teams() == before);
  }
  CHECK(teams() == before + 1);
}
