// The sealed store (core/store/src/sealed_vfs.hpp) on real files: what reaches the disk is
// encrypted, every page read back is authenticated, a page altered on disk is refused with one
// sentence, a process killed mid-write loses no commit, and nothing goes to disk unsealed.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "queries.hpp"
#include "temp_dir.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/seal.hpp"
#include "vigil/store/store.hpp"

using vigil::base::SecretKey;
using vigil::store::Database;
using vigil::store::OpenOptions;

namespace {

constexpr int kPage = 4096;
const std::string kSecret = "Flat 3, 12 Acacia Avenue";  // what must never be on disk in clear

OpenOptions sealed_with(const SecretKey& key) {
  OpenOptions options;
  options.seal = &key;
  return options;
}

std::string bytes_of(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// A sealed database holding `rows` rows of the secret text, closed (its log checkpointed away).
void fill(const std::filesystem::path& path, const SecretKey& key, int rows) {
  Database db(path, sealed_with(key));
  db.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
  vigil::store::Transaction transaction(db);
  auto insert = db.prepare("INSERT INTO notes (text) VALUES (?)");
  for (int i = 0; i < rows; ++i) insert.bind_all(kSecret + " #" + std::to_string(i)).run();
  transaction.commit();
}

// A scratch folder with a sealed store, tablet.db, of `rows` rows under a fresh key.
struct FilledStore {
  explicit FilledStore(int rows) { fill(path, key, rows); }
  TempDir dir;
  std::filesystem::path path = dir.path() / "tablet.db";
  SecretKey key = SecretKey::random();
};

// A connection that keeps its writes in the store's log (no checkpoint) while it is open.
Database keeping_its_log(const std::filesystem::path& path, const SecretKey& key) {
  Database db(path, sealed_with(key));
  db.execute("PRAGMA wal_autocheckpoint = 0");
  return db;
}

// Every page: the schema and every row of the table (a failure throws, so no REQUIRE here), then
// SQLite's own check of the file's structure.
void read_everything(Database& db) {
  auto rows =
      db.prepare("SELECT (SELECT count(*) FROM sqlite_schema), sum(length(text)) FROM notes");
  rows.step();
  auto check = db.prepare("PRAGMA integrity_check");
  check.step();
  CHECK(check.column_text(0) == "ok");
}

}  // namespace

TEST_CASE("a sealed store holds nothing in clear on disk and reads back what was written",
          "[store][sealed]") {
  const FilledStore store(500);
  const auto& [dir, path, key] = store;
  {
    // While the connection is open, its log holds the last writes: sealed too.
    Database db = keeping_its_log(path, key);
    db.prepare("INSERT INTO notes (text) VALUES (?)").bind_all(kSecret + " in the log").run();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const auto file = path.string() + suffix;
      REQUIRE(std::filesystem::exists(file));
      CHECK(bytes_of(file).find("Acacia") == std::string::npos);
      struct stat info {};
      REQUIRE(::stat(file.c_str(), &info) == 0);
      CHECK((info.st_mode & 0777) == 0600);  // readable by its owner only
    }
    CHECK(bytes_of(path).substr(0, 15) != "SQLite format 3");
  }
  Database db(path, sealed_with(key));
  read_everything(db);
  CHECK(count_of(db, "SELECT count(*) FROM notes WHERE text LIKE '%Acacia%'") == 501);
  // Another key reads nothing, and neither does SQLite without the seal.
  const SecretKey other = SecretKey::random();
  CHECK_THROWS_AS(Database(path, sealed_with(other)), vigil::Error);
  CHECK_THROWS_AS(count_of(path, "SELECT count(*) FROM notes"), vigil::Error);
}

TEST_CASE("a byte altered in any page of a sealed store is refused with a sentence naming it",
          "[store][sealed]") {
  TempDir dir;
  const auto pristine = dir.path() / "pristine.db";
  const SecretKey key = SecretKey::random();
  fill(pristine, key, 2000);
  const std::string original = bytes_of(pristine);
  REQUIRE(original.size() % kPage == 0);
  const auto pages = static_cast<int>(original.size() / kPage);
  REQUIRE(pages > 10);
  std::mt19937 random(7);
  const auto path = dir.path() / "altered.db";
  for (int page = 0; page < pages; ++page) {
    // One byte anywhere in the page: its data, its nonce or its tag.
    std::string altered = original;
    const auto at = static_cast<std::size_t>(page) * kPage + random() % kPage;
    altered[at] = static_cast<char>(altered[at] ^ (1 << (random() % 8)));
    write_bytes(path, altered);
    const std::string expected = "The store has been altered on disk: page " +
                                 std::to_string(page + 1) + " of " + path.string() +
                                 " fails its authentication, so it is not read.";
    INFO("page " << page + 1);
    try {
      Database db(path, sealed_with(key));
      read_everything(db);
      FAIL("an altered page was read");
    } catch (const vigil::Error& error) {
      CHECK(std::string(error.what()) == expected);
    }
  }
}

// A store whose writer keeps its last change in the log, the byte at `offset` of the log flipped,
// then read by a second connection through that log: what the reader was told.
std::string read_through_altered_log(std::size_t offset) {
  const FilledStore store(10);
  const auto& [dir, path, key] = store;
  Database writer = keeping_its_log(path, key);
  writer.prepare("UPDATE notes SET text = ?").bind_all(kSecret + " changed").run();
  const auto log = path.string() + "-wal";
  std::string frames = bytes_of(log);
  REQUIRE(frames.size() >= 32 + 24 + kPage);
  frames[offset] = static_cast<char>(frames[offset] ^ 0x01);
  write_bytes(log, frames);
  Database reader(path, sealed_with(key));
  try {
    reader.prepare("SELECT count(*) FROM notes WHERE text LIKE '%changed'").step();
    return "read";
  } catch (const vigil::Error& error) {
    std::string said = error.what();
    const std::string named = "frame 1 of " + log;
    if (const auto at = said.find(named); at != std::string::npos) {
      said.replace(at, named.size(), "frame 1 of the log");
    }
    return said;
  }
}

TEST_CASE("a frame altered in a sealed store's log is refused when it is read", "[store][sealed]") {
  const std::string refused =
      "The store has been altered on disk: frame 1 of the log fails its authentication, so it is "
      "not read.";
  // A byte of the first frame's page, past its 32-byte log header and 24-byte frame header.
  CHECK(read_through_altered_log(32 + 24 + 100) == refused);
  // The frame header's page number (its first four bytes, big-endian) naming another page, the
  // page itself untouched: authenticated with the page, so refused too.
  CHECK(read_through_altered_log(32 + 3) == refused);
}

TEST_CASE("a sealed store killed mid-write opens again with every commit it made",
          "[store][sealed]") {
  const FilledStore store(1);
  const auto& [dir, path, key] = store;
  std::mt19937 random(11);
  for (int round = 0; round < 12; ++round) {
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // Commits rows of a page or more each, saying after each commit how many rows there are.
      ::close(pipe_fds[0]);
      Database db(path, sealed_with(key));
      auto insert = db.prepare("INSERT INTO notes (text) VALUES (?)");
      for (;;) {
        vigil::store::Transaction transaction(db);
        for (int i = 0; i < 3; ++i) insert.bind_all(std::string(2000, 'x') + kSecret).run();
        transaction.commit();
        const auto rows = count_of(db, "SELECT count(*) FROM notes");
        if (::write(pipe_fds[1], &rows, sizeof(rows)) != sizeof(rows)) ::_exit(1);
      }
    }
    ::close(pipe_fds[1]);
    std::int64_t committed = 0;
    const int wanted = 1 + static_cast<int>(random() % 20);
    for (int i = 0; i < wanted; ++i) {
      REQUIRE(::read(pipe_fds[0], &committed, sizeof(committed)) == sizeof(committed));
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(pipe_fds[0]);
    Database db(path, sealed_with(key));
    read_everything(db);
    CHECK(count_of(db, "SELECT count(*) FROM notes") >= committed);
    CHECK(bytes_of(path.string() + "-wal").find("Acacia") == std::string::npos);
  }
}

TEST_CASE("a sealed store's temporary work and journals never reach the disk", "[store][sealed]") {
  const FilledStore store(2000);
  const auto& [dir, path, key] = store;
  Database db(path, sealed_with(key));
  // A sort too large for memory's default cache, a temporary table, a statement journal.
  db.execute("PRAGMA cache_size = 10");
  CHECK(count_of(db, "SELECT count(*) FROM (SELECT text FROM notes ORDER BY text DESC, id)") ==
        2000);
  db.execute("CREATE TEMP TABLE copy AS SELECT * FROM notes");
  db.execute("CREATE INDEX notes_text ON notes (text)");
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const auto name = entry.path().filename().string();
    CHECK((name == "tablet.db" || name == "tablet.db-wal" || name == "tablet.db-shm"));
  }
  // The journal of a store's first transaction, before it is in WAL mode, stays in memory too.
  Database fresh(dir.path() / "fresh.db", sealed_with(key));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "fresh.db-journal"));
}

TEST_CASE("a plain database copied into a sealed one keeps every row", "[store][sealed]") {
  TempDir dir;
  const auto plain_path = dir.path() / "plain's copy?.db";
  {
    Database plain(plain_path);
    plain.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
    for (int i = 0; i < 100; ++i) {
      plain.prepare("INSERT INTO notes (text) VALUES (?)").bind_all(kSecret).run();
    }
  }
  const SecretKey key = SecretKey::random();
  const auto sealed_path = dir.path() / "sealed #1.db";
  {
    Database plain(plain_path);
    vigil::store::copy_sealed(plain, sealed_path, key);
  }
  CHECK(bytes_of(sealed_path).find("Acacia") == std::string::npos);
  Database sealed(sealed_path, sealed_with(key));
  read_everything(sealed);
  CHECK(count_of(sealed, "SELECT count(*) FROM notes") == 100);
}

TEST_CASE("a transaction larger than the page cache commits and reads back in one connection",
          "[store][sealed]") {
  // A transaction whose pages spill from SQLite's cache into the log, and are changed again,
  // rewrites those frames in place; until it commits, SQLite writes its further frames with the
  // salts and checksums of their headers zero and fills them in at the commit. Every page must
  // read back in the same connection afterwards (the tablet's app keeps one open for hours).
  TempDir dir;
  const auto path = dir.path() / "long.db";
  const SecretKey key = SecretKey::random();
  Database db(path, sealed_with(key));
  db.execute("PRAGMA cache_size = 8");
  db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
  for (int round = 0; round < 3; ++round) {
    vigil::store::Transaction transaction(db);
    auto insert = db.prepare("INSERT INTO notes (text) VALUES (?)");
    for (int i = 0; i < 400; ++i) insert.bind_all(kSecret + std::string(300, 'x')).run();
    db.execute("UPDATE notes SET text = text || 'y'");
    transaction.commit();
  }
  read_everything(db);
  CHECK(count_of(db, "SELECT count(*) FROM notes WHERE text LIKE '%y'") == 1200);
}
