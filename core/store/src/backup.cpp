#include "vigil/store/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>  // renameat2
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "vigil/base/error.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/store/store.hpp"

namespace vigil::store {
namespace {

Error io_error(const std::string& sentence) {
  return Error(ErrorCode::io, sentence);
}

// Every table of the database and its rows, by name, read in the connection's transaction.
std::vector<TableRows> count_tables(Database& db) {
  std::vector<TableRows> tables;
  auto names = db.prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name");
  while (names.step()) tables.push_back({names.column_text(0), 0});
  for (auto& table : tables) {
    // The name comes from the schema itself; quoted as an identifier all the same.
    std::string quoted = "\"";
    for (char c : table.table) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    table.rows = single_int(db, "SELECT count(*) FROM " + quoted + "\"");
  }
  return tables;
}

std::int64_t last_change(Database& db) {
  return single_int(db,
                    "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'changes') "
                    "THEN (SELECT coalesce(max(seq), 0) FROM changes) ELSE 0 END");
}

// SQLite's own check of every page and index; throws naming the first problem found.
void require_intact(Database& db, const std::filesystem::path& path) {
  auto check = db.prepare("PRAGMA integrity_check(1)");
  check.step();
  const std::string result = check.column_text(0);
  if (result != "ok") {
    throw Error(ErrorCode::database,
                "the database " + path.string() + " fails SQLite's integrity check: " + result);
  }
}

// The two countings must agree table by table; names the first that does not.
void require_same_rows(const std::vector<TableRows>& expected, const std::vector<TableRows>& found,
                       const std::filesystem::path& copy) {
  const auto where = [](const std::vector<TableRows>& tables, const std::string& name) {
    for (const auto& t : tables) {
      if (t.table == name) return std::optional<std::int64_t>(t.rows);
    }
    return std::optional<std::int64_t>();
  };
  for (const auto& table : expected) {
    const auto rows = where(found, table.table);
    if (!rows || *rows != table.rows) {
      throw Error(ErrorCode::database, "the copy " + copy.string() + " holds " +
                                           (rows ? std::to_string(*rows) : std::string("no")) +
                                           " rows of " + table.table + " where its source held " +
                                           std::to_string(table.rows));
    }
  }
  if (found.size() != expected.size()) {
    throw Error(ErrorCode::database,
                "the copy " + copy.string() + " holds " + std::to_string(found.size()) +
                    " tables where its source held " + std::to_string(expected.size()));
  }
}

// Copies every page of `from`'s main database into `to`'s in one step: one read transaction of
// the source (the caller's, when it has one open) and one write transaction of the destination.
void copy_pages(sqlite3* from, sqlite3* to, const std::filesystem::path& destination) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) {
    throw Error(ErrorCode::database,
                "copying into " + destination.string() + " could not begin: " + sqlite3_errmsg(to));
  }
  const int stepped = sqlite3_backup_step(backup, -1);
  const int finished = sqlite3_backup_finish(backup);
  if (stepped == SQLITE_BUSY || stepped == SQLITE_LOCKED) {
    throw io_error("something else is writing to " + destination.string() +
                   "; stop it and try again");
  }
  if (stepped != SQLITE_DONE || finished != SQLITE_OK) {
    throw Error(ErrorCode::database,
                "copying into " + destination.string() +
                    " failed: " + sqlite3_errstr(stepped == SQLITE_DONE ? finished : stepped));
  }
}

// Writes the file's data, and the folder's entry for it, to disk.
void sync_to_disk(const std::filesystem::path& path) {
  for (const auto& p : {path, path.has_parent_path() ? path.parent_path() : "."}) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      const std::string why = std::strerror(errno);
      if (fd >= 0) ::close(fd);
      throw io_error("could not write " + p.string() + " to disk: " + why);
    }
    ::close(fd);
  }
}

OpenOptions unmapped() {
  OpenOptions options;
  options.create = false;
  options.mmap_bytes = 0;  // read through once: mapping a force's gigabyte would buy nothing
  return options;
}

// What the checked copy holds, read from the copy itself.
CopyReport check_copy(const std::filesystem::path& copy, const std::vector<TableRows>& expected) {
  CopyReport report;
  Database db(copy, unmapped());
  require_intact(db, copy);
  report.tables = count_tables(db);
  require_same_rows(expected, report.tables, copy);
  report.schema_version = schema_version(db);
  report.last_change = last_change(db);
  return report;
}

}  // namespace

CopyReport backup_database(const std::filesystem::path& database,
                           const std::filesystem::path& given_out) {
  // Absolute, so that SQLite never reads a name beginning "file:" as a URI.
  const std::filesystem::path out = std::filesystem::absolute(given_out);
  if (!std::filesystem::exists(database)) {
    throw io_error("there is no database at " + database.string());
  }
  if (std::filesystem::exists(std::filesystem::symlink_status(out))) {
    throw io_error("the backup " + out.string() +
                   " already exists; a backup is never written over, so give a new name");
  }
  const std::filesystem::path partial = out.string() + ".partial";
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(partial.string() + suffix, ignored);  // an earlier run cut off
  }
  std::vector<TableRows> counted;
  {
    // Made for the owner alone before a page is in it: a backup holds every record.
    const int made = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (made < 0) {
      throw io_error("could not make " + partial.string() + ": " + std::strerror(errno));
    }
    ::close(made);
    Database source(database, unmapped());
    // One read transaction: the counts and every page copied are of the same moment, whatever
    // commits meanwhile.
    source.execute("BEGIN");
    counted = count_tables(source);
    sqlite3* destination = nullptr;
    const int opened = sqlite3_open_v2(partial.c_str(), &destination,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    try {
      if (opened != SQLITE_OK) {
        throw io_error("could not make " + partial.string() + ": " + sqlite3_errstr(opened));
      }
      copy_pages(source.handle(), destination, partial);
    } catch (...) {
      sqlite3_close_v2(destination);
      std::filesystem::remove(partial, ignored);
      throw;
    }
    sqlite3_close_v2(destination);
    source.execute("COMMIT");
  }
  CopyReport report;
  try {
    report = check_copy(partial, counted);
    sync_to_disk(partial);
  } catch (...) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(partial.string() + suffix, ignored);
    }
    throw;
  }
  // Never over a file that came into being meanwhile (the check above was a while ago).
  if (::renameat2(AT_FDCWD, partial.c_str(), AT_FDCWD, out.c_str(), RENAME_NOREPLACE) != 0) {
    const std::string why = std::strerror(errno);
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(partial.string() + suffix, ignored);
    }
    throw io_error("could not put the backup at " + out.string() + ": " + why +
                   (errno == EEXIST ? " (a backup is never written over)" : ""));
  }
  sync_to_disk(out);
  report.from = database;
  report.to = out;
  report.bytes = std::filesystem::file_size(out);
  return report;
}

CopyReport restore_database(const std::filesystem::path& from,
                            const std::filesystem::path& given_database) {
  const std::filesystem::path database = std::filesystem::absolute(given_database);
  if (!std::filesystem::exists(from)) throw io_error("there is no backup at " + from.string());
  // The backup is checked before anything is made or taken at the database's path.
  Database copy(std::filesystem::absolute(from), unmapped());
  require_intact(copy, from);
  const int version = schema_version(copy);
  if (version == 0 || version > latest_schema_version()) {
    throw io_error("the backup " + from.string() + " is at schema version " +
                   std::to_string(version) + ", which this build (version " +
                   std::to_string(latest_schema_version()) + ") cannot serve");
  }
  // Held for the whole restore: a server that starts meanwhile finds the file in use and stops.
  const bool existed = std::filesystem::exists(database);
  const base::FileLock lock(database, base::FileLock::Mode::exclusive, {.create = true});
  if (!lock.held()) {
    if (lock.error() == EWOULDBLOCK) {
      throw io_error("a server has " + database.string() +
                     " open; stop it (systemctl stop vigil-server) before restoring over it");
    }
    throw io_error("could not tell whether a server has " + database.string() +
                   " open (locking it failed: " + std::strerror(lock.error()) +
                   "), so it is left as it is");
  }
  try {
    copy.execute("BEGIN");
    const auto counted = count_tables(copy);
    {
      OpenOptions options;
      options.mmap_bytes = 0;
      Database target(database, options);
      copy_pages(copy.handle(), target.handle(), database);
    }
    copy.execute("COMMIT");
    CopyReport report = check_copy(database, counted);
    sync_to_disk(database);
    report.from = from;
    report.to = database;
    report.bytes = std::filesystem::file_size(database);
    return report;
  } catch (...) {
    // A database this restore made, and could not fill, is not left behind empty.
    if (!existed) {
      std::error_code ignored;
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(database.string() + suffix, ignored);
      }
    }
    throw;
  }
}

ServingHold::ServingHold(const std::filesystem::path& database)
    : lock_(database, base::FileLock::Mode::shared, {}) {
  // A file system without locks serves all the same: restore then cannot tell, and says so.
  if (lock_.error() == EWOULDBLOCK) {
    throw io_error("the database " + database.string() +
                   " is being restored (vigil restore holds it); start once the restore is done");
  }
}

}  // namespace vigil::store
