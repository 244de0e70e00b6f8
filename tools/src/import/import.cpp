// `vigil import` (docs/import-format.md). Three phases:
//   1. read every known file and parse it as CSV (no database access);
//   2. inside one write transaction, load what the database already holds into hash maps and
//      check every row of every file against it and against the other files, collecting every
//      problem;
//   3. only when there is none, write everything with reused prepared statements and commit.
// The transaction is taken before phase 2 so nothing can change between checking and writing.
#include "vigil/tools/import.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <utility>

#include "bulk/bulk_load.hpp"
#include "import/importer.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/sync/back_office.hpp"

namespace vigil::backoffice {
namespace import_detail {
namespace {

// A larger page cache for the length of an import: one big transaction dirties many index pages
// (ids are random), and with SQLite's default 2 MB they are spilled to the WAL and read back.
// The caller's setting is restored afterwards. 256 MiB at most, taken only as used.
constexpr bulk_detail::BulkOptions kLargerPageCache{
    .cache_kib = 262144, .durability_off = false, .foreign_keys_off = false};

}  // namespace

Importer::Importer(store::Database& db, std::filesystem::path dir, base::Progress& progress)
    : db_(db), dir_(std::move(dir)), progress_(progress) {
  clock_.now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  clock_.now_text = format_instant(clock_.now);
  clock_.today = london_today();
}

ImportResult Importer::run() {
  const bool any_file = read_files();
  if (any_file && unreadable_) {
    // Every other file's rows would be checked without the records this one holds, and each
    // of its names reported as unknown: only the file is reported.
    collect_problems();
  } else if (any_file) {
    bulk_detail::BulkSettings cache(db_, kLargerPageCache);
    store::Transaction transaction(db_);
    load_database();
    check_all();
    collect_problems();
    if (result_.problems.empty()) {
      write_all();
      if (written_) write_audit();
      sync::log_back_office_writes(db_, written_records_, clock_.now);
      transaction.commit();
    }
    // Otherwise the transaction rolls back; nothing was written anyway.
  }
  progress_.finish();
  return std::move(result_);
}

void Importer::collect_problems() {
  for (auto& t : tables_) {
    std::stable_sort(
        t.problems.begin(), t.problems.end(),
        [](const ImportProblem& a, const ImportProblem& b) { return a.line < b.line; });
    for (auto& problem : t.problems) result_.problems.push_back(std::move(problem));
  }
}

}  // namespace import_detail

using import_detail::Importer;

ImportResult import_directory(store::Database& db, const std::filesystem::path& dir,
                              base::Progress& progress) {
  return Importer(db, dir, progress).run();
}

}  // namespace vigil::backoffice
