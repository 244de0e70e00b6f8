// Backing up a Vigil database while a server writes to it, and restoring one (vigil backup,
// vigil restore; the README's restore drill). A copy is taken with SQLite's online backup in one
// read transaction, so it is the database as of one moment: every change committed before the
// copy began is in it, and nothing committed after. Every copy is checked before it is trusted
// (integrity_check, and each table's rows counted in the copy and in the source at the same
// moment).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "vigil/base/file_lock.hpp"

namespace vigil::store {

struct TableRows {
  std::string table;
  std::int64_t rows = 0;
};

// What was copied, as the copy holds it.
struct CopyReport {
  std::filesystem::path from, to;
  int schema_version = 0;
  std::int64_t last_change = 0;  // the newest change's sequence number (0: none)
  std::uintmax_t bytes = 0;
  std::vector<TableRows> tables;  // every table, by name, counted in the copy
};

// Copies `database` to `out`, which must not exist: written beside it, checked, synced to disk,
// then renamed into place, so `out` is never a copy half made or unchecked. Safe while a server
// (or anything else) writes to `database`. Throws vigil::Error (io) when `out` exists or cannot
// be written, (database) when the copy fails its check, naming what differs.
CopyReport backup_database(const std::filesystem::path& database, const std::filesystem::path& out);

// Replaces `database` (made when missing) with the copy `from`, after checking the copy and that
// its schema is not newer than this build's. Refuses (vigil::Error, io) while a server serves
// `database` (ServingHold), and while anything else writes to it. The replacement is one
// transaction: cut off part-way, `database` is as it was.
CopyReport restore_database(const std::filesystem::path& from,
                            const std::filesystem::path& database);

// Held by a server for as long as it serves a database: an advisory lock on the file (flock,
// shared), which restore_database asks for exclusively and so finds in use. The lock goes with
// the process, however it ends.
class ServingHold {
 public:
  // Throws vigil::Error (io) when the file cannot be opened, or is being restored.
  explicit ServingHold(const std::filesystem::path& database);

 private:
  base::FileLock lock_;
};

}  // namespace vigil::store
