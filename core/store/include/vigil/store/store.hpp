// The SQLite store: RAII connection, prepared statement and transaction.
//
// Ownership and threads: a Database owns one sqlite3 connection and may be used by one thread at
// a time (SQLite's "multi-thread" mode); give each thread its own Database. A Statement borrows
// its Database and must not outlive it. Everything here throws vigil::Error (code database) with
// the SQL and SQLite's code as context; destructors never throw.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "vigil/base/seal.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::store {

// How hard a commit waits for the disk. The server acknowledges nothing before `full`.
enum class Durability { full, normal, off };

struct OpenOptions {
  bool create = true;  // create the file when missing
  bool read_only = false;
  Durability durability = Durability::full;
  // Bytes of the file SQLite may memory-map for reads: reports over a national database read
  // hundreds of megabytes, and read() system calls would otherwise cost more than the queries.
  std::int64_t mmap_bytes = std::int64_t{1} << 32;
  // When set, every page of the file and of its log is encrypted and authenticated with this key
  // (the tablet's store: sealed_vfs.hpp); memory maps and on-disk temporary files are then off.
  const base::SecretKey* seal = nullptr;
};

class Statement;
class SealedVfs;

class Database {
 public:
  // Opens (or creates) the database in WAL mode with foreign keys enforced. A path beginning
  // "file:" is read as an SQLite URI, unless the database is sealed.
  explicit Database(const std::filesystem::path& path, OpenOptions options = {});
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that take no parameters (pragmas, migrations).
  void execute(std::string_view sql);
  Statement prepare(std::string_view sql);
  // The statement for `sql`, prepared once per connection and kept, reset and ready to bind:
  // for statements a hot path runs for every row or change. The reference stays valid as long as
  // the Database; a caller must finish with it before anything it calls uses the same SQL.
  Statement& cached(std::string_view sql);
  // Resets every statement of this connection still part-way through its rows, so that none
  // holds a read (and with it an old snapshot) open: for a pooled connection given back, whose
  // last user may have left a cached statement stepped when an error cut its use short.
  void reset_statements();
  void set_durability(Durability durability);

  std::int64_t last_insert_rowid() const;
  int changes() const;  // rows changed by the last statement
  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Cache;
  void close() noexcept;
  void require_sealed_layout();
  std::unique_ptr<SealedVfs> vfs_;  // outlives the connection that uses it
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  std::unique_ptr<Cache> cache_;  // finalised before the connection closes
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1, as in SQLite. Every value is bound, never concatenated.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, std::nullopt_t);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }
  // Binds every argument in order from parameter 1.
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row: true when a row is ready, false when the statement is done.
  bool step();
  // Runs a statement that returns no rows, then resets it for reuse.
  void run();
  // Clears the result so the statement can run again; bindings are kept until rebound.
  void reset();

  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;  // "" for NULL
  // The text without a copy, valid until the next step() or reset(): for hot loops.
  std::string_view column_view(int column) const;
  std::optional<std::string> column_optional_text(int column) const;
  std::optional<std::int64_t> column_optional_int(int column) const;
  // Reads the row's columns from `first` on into each argument in turn, as its type asks: text
  // ("" for NULL), optional text, a whole number (64 bits or an int), an optional one, or a flag
  // (non-zero).
  template <class... Out>
  void columns(int first, Out&... out) const {
    int column = first;
    (read_column(column++, out), ...);
  }

  const char* sql() const;

 private:
  void read_column(int column, std::string& out) const { out = column_text(column); }
  void read_column(int column, std::optional<std::string>& out) const {
    out = column_optional_text(column);
  }
  void read_column(int column, std::int64_t& out) const { out = column_int(column); }
  void read_column(int column, std::optional<std::int64_t>& out) const {
    out = column_optional_int(column);
  }
  void read_column(int column, int& out) const { out = static_cast<int>(column_int(column)); }
  void read_column(int column, bool& out) const { out = column_int(column) != 0; }

  [[noreturn]] void fail(int rc, const char* what) const;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// One value a query answers with: the first column of its first row, `args` bound in order from
// parameter 1, through the connection's kept statement (Database::cached): a count, a maximum, a
// flag, one field of one record. single_int is 0, and single_text nullopt, when there is no row
// (or, for the text, the value is NULL).
template <class... Args>
std::int64_t single_int(Database& db, std::string_view sql, const Args&... args) {
  auto& s = db.cached(sql);
  if constexpr (sizeof...(Args) > 0) s.bind_all(args...);
  const std::int64_t value = s.step() ? s.column_int(0) : 0;
  s.reset();
  return value;
}
template <class... Args>
std::optional<std::string> single_text(Database& db, std::string_view sql, const Args&... args) {
  auto& s = db.cached(sql);
  if constexpr (sizeof...(Args) > 0) s.bind_all(args...);
  std::optional<std::string> value = s.step() ? s.column_optional_text(0) : std::nullopt;
  s.reset();
  return value;
}

// Copies the plain database `plain` into a new sealed file at `target` (made readable by its owner
// only), sealed with `key`: the upgrade of a store made before stores were sealed.
void copy_sealed(Database& plain, const std::filesystem::path& target, const base::SecretKey& key);

// BEGIN IMMEDIATE on construction (so a writer fails early rather than mid-way), ROLLBACK on
// destruction unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// A read transaction: one consistent snapshot for everything read until it ends. Inside a
// transaction already open (a report made within the nightly run's snapshot) it adds nothing: the
// outer one's snapshot holds.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Database& db);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  Database& db_;
  bool owned_ = false;        // this one began the transaction, and ends it
  int unwinding_before_ = 0;  // std::uncaught_exceptions() when it began
};

}  // namespace vigil::store
