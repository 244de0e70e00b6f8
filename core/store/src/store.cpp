#include "vigil/store/store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <exception>
#include <thread>
#include <unordered_map>
#include <utility>

#include "sealed_vfs.hpp"
#include "vigil/base/error.hpp"

namespace vigil::store {
namespace {

// The error for a failure of SQLite on `db`: a page of a sealed store that failed its
// authentication is said in one sentence; anything else names what failed, with SQLite's code.
Error failure(sqlite3* db, int rc, const std::string& what, const std::string& context) {
  // The extended code: sqlite3_open_v2 answers with the primary one (SQLITE_IOERR).
  if (rc == SQLITE_IOERR_DATA ||
      (db != nullptr && sqlite3_extended_errcode(db) == SQLITE_IOERR_DATA)) {
    if (auto refused = refusal_of(db)) return Error(ErrorCode::database, *refused, context);
  }
  return Error((rc & 0xff) == SQLITE_CONSTRAINT ? ErrorCode::constraint : ErrorCode::database, what,
               context);
}

std::string describe(sqlite3* db, int rc, std::string_view sql) {
  std::string context = "sqlite code " + std::to_string(rc);
  if (db != nullptr) context += " (" + std::string(sqlite3_errmsg(db)) + ")";
  if (!sql.empty()) context += " in: " + std::string(sql);
  return context;
}

}  // namespace

Database::Database(const std::filesystem::path& path, OpenOptions options) : path_(path) {
  // Before SQLite's first use in the process: no global count of memory in use, which costs a
  // process-wide lock on every allocation SQLite makes, for figures nothing here reads.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  // URIs for plain databases only: a plain store's upgrade names the sealed VFS of its copy in one
  // (copy_sealed), while a sealed store's name must never choose another VFS ("?vfs=unix").
  int flags = SQLITE_OPEN_NOMUTEX | (options.seal == nullptr ? SQLITE_OPEN_URI : 0);
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE;
    if (options.create) flags |= SQLITE_OPEN_CREATE;
  }
  if (options.seal != nullptr) vfs_ = std::make_unique<SealedVfs>(*options.seal);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs_ ? vfs_->name() : nullptr);
  if (rc != SQLITE_OK) {
    // Opening reads the header of page 1: an altered one is refused there.
    const auto refused = vfs_ ? vfs_->refusal() : std::nullopt;
    Error error(ErrorCode::database, refused.value_or("cannot open database " + path.string()),
                describe(db_, rc, {}));
    close();
    throw error;
  }
  sqlite3_extended_result_codes(db_, 1);
  // A writer waits for another rather than failing at once (server threads, batch beside server),
  // for up to 10 s. Not sqlite3_busy_timeout: its sleeps grow to 100 ms, so under a burst of
  // short writes (twenty supervisors' report reads each writing an audit row) a waiter sleeps on
  // long after the lock is free. Retrying each millisecond hands the lock on as soon as it is.
  sqlite3_busy_handler(
      db_,
      [](void*, int tries) -> int {
        if (tries >= 10000) return 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return 1;
      },
      nullptr);
  // The first statements are the first to read the file: one that is not a database, or is
  // damaged, fails here, and the constructor that throws has no destructor to close the handle.
  try {
    if (vfs_) {
      // Pages of the size the VFS seals, with room at the end of each for its nonce and tag (in
      // that order: setting the page size forgets the reserved bytes asked for); both take
      // effect when the file is made and are fixed in it from then on.
      execute("PRAGMA page_size = " + std::to_string(kSealedPageSize));
      int reserve = static_cast<int>(base::kSealBytes);
      sqlite3_file_control(db_, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
      execute("PRAGMA temp_store = MEMORY");
      options.mmap_bytes = 0;
    }
    execute("PRAGMA foreign_keys = ON");
    execute("PRAGMA mmap_size = " + std::to_string(options.mmap_bytes));
    if (!options.read_only) execute("PRAGMA journal_mode = WAL");
    set_durability(options.durability);
    if (vfs_) require_sealed_layout();
  } catch (...) {
    close();
    throw;
  }
}

// A sealed store runs in WAL mode on pages of the sealed size with room for the seal: anything
// else would put pages on disk the VFS cannot seal (a rollback journal) or cannot read.
void Database::require_sealed_layout() {
  auto mode = prepare("PRAGMA journal_mode");
  auto size = prepare("PRAGMA page_size");
  int reserve = -1;
  sqlite3_file_control(db_, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
  if (!mode.step() || mode.column_text(0) != "wal" || !size.step() ||
      size.column_int(0) != kSealedPageSize || reserve != static_cast<int>(base::kSealBytes)) {
    throw Error(ErrorCode::database,
                "the store " + path_.string() + " is not laid out as a sealed store",
                "journal mode, page size or reserved bytes differ");
  }
}

void Database::close() noexcept {
  cache_.reset();
  if (db_ != nullptr && vfs_ && sqlite3_close(db_) != SQLITE_OK) {
    // A statement outlived its Database: the connection lives on until it is finalised, and the
    // VFS its files go through must too.
    sqlite3_close_v2(db_);
    static_cast<void>(vfs_.release());
  } else if (db_ != nullptr && !vfs_) {
    sqlite3_close_v2(db_);
  }
  db_ = nullptr;
  vfs_.reset();
}

struct Database::Cache {
  std::unordered_map<std::string, Statement> statements;
};

Database::~Database() {
  close();
}

Database::Database(Database&& other) noexcept
    : vfs_(std::move(other.vfs_)),
      db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      cache_(std::move(other.cache_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    vfs_ = std::move(other.vfs_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Statement& Database::cached(std::string_view sql) {
  if (!cache_) cache_ = std::make_unique<Cache>();
  auto it = cache_->statements.find(std::string(sql));
  if (it == cache_->statements.end()) {
    it = cache_->statements.emplace(std::string(sql), Statement(*this, sql)).first;
  } else {
    it->second.reset();
  }
  return it->second;
}

void Database::reset_statements() {
  for (sqlite3_stmt* stmt = sqlite3_next_stmt(db_, nullptr); stmt != nullptr;
       stmt = sqlite3_next_stmt(db_, stmt)) {
    if (sqlite3_stmt_busy(stmt) != 0) sqlite3_reset(stmt);
  }
}

void Database::execute(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string what = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    throw failure(db_, rc, "database statement failed: " + what, describe(db_, rc, sql));
  }
}

Statement Database::prepare(std::string_view sql) {
  return Statement(*this, sql);
}

void Database::set_durability(Durability durability) {
  switch (durability) {
    case Durability::full:
      execute("PRAGMA synchronous = FULL");
      break;
    case Durability::normal:
      execute("PRAGMA synchronous = NORMAL");
      break;
    case Durability::off:
      execute("PRAGMA synchronous = OFF");
      break;
  }
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}
int Database::changes() const {
  return sqlite3_changes(db_);
}

Statement::Statement(Database& db, std::string_view sql) : db_(db.handle()) {
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    throw failure(db_, rc, "cannot prepare statement: " + std::string(sqlite3_errmsg(db_)),
                  describe(db_, rc, sql));
  }
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void Statement::fail(int rc, const char* what) const {
  throw failure(db_, rc, std::string(what) + ": " + sqlite3_errmsg(db_), describe(db_, rc, sql()));
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(rc, "cannot bind parameter");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) fail(rc, "cannot bind parameter");
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  // An empty view may have no data pointer, which SQLite binds as NULL: text is never NULL.
  const char* text = value.data() != nullptr ? value.data() : "";
  int rc = sqlite3_bind_text64(stmt_, index, text, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) fail(rc, "cannot bind parameter");
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(rc, "cannot bind parameter");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  fail(rc, "statement failed");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::column_double(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Statement::column_view(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

std::optional<std::int64_t> Statement::column_optional_int(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_int(column);
}

const char* Statement::sql() const {
  return stmt_ != nullptr ? sqlite3_sql(stmt_) : "";
}

void copy_sealed(Database& plain, const std::filesystem::path& target, const base::SecretKey& key) {
  const SealedVfs vfs(key);
  // The copy takes its page size and reserved bytes from what the source asks for (the page size
  // first: setting it forgets the reserved bytes asked for).
  plain.execute("PRAGMA page_size = " + std::to_string(kSealedPageSize));
  int reserve = static_cast<int>(base::kSealBytes);
  sqlite3_file_control(plain.handle(), "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
  std::string uri = "file:";
  for (const char c : std::filesystem::absolute(target).string()) {
    if (c == '%' || c == '?' || c == '#' || c == '\'') {
      static constexpr char kHex[] = "0123456789ABCDEF";
      const auto byte = static_cast<unsigned char>(c);
      uri += {'%', kHex[byte >> 4], kHex[byte & 0xf]};
    } else {
      uri += c;
    }
  }
  uri += "?vfs=";
  uri += vfs.name();
  auto vacuum = plain.prepare("VACUUM INTO ?");
  vacuum.bind(1, uri);
  vacuum.run();
}

Transaction::Transaction(Database& db) : db_(db) {
  db_.execute("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    db_.execute("ROLLBACK");
  } catch (...) {
    // A failed rollback leaves SQLite to roll back when the connection closes; never throw here.
  }
}

void Transaction::commit() {
  db_.execute("COMMIT");
  done_ = true;
}

ReadSnapshot::ReadSnapshot(Database& db)
    : db_(db),
      owned_(sqlite3_get_autocommit(db.handle()) != 0),
      unwinding_before_(std::uncaught_exceptions()) {
  if (!owned_) return;
  db_.execute("BEGIN DEFERRED");
  // A deferred transaction takes its snapshot at the first read; read now so it is fixed here.
  // The schema cookie is on the first page: counting the schema's rows read its every page
  // again after each commit (19 pages on a national store) for every report.
  db_.execute("PRAGMA schema_version");
}

ReadSnapshot::~ReadSnapshot() {
  if (!owned_) return;
  // Cut short by an error, the reads may have left a kept statement part-way through its rows,
  // which would hold this snapshot open past the commit, and later reads on the connection would
  // see the database as it was.
  if (std::uncaught_exceptions() > unwinding_before_) db_.reset_statements();
  try {
    db_.execute("COMMIT");
  } catch (...) {
  }
}

}  // namespace vigil::store
