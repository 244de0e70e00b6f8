// `vigil import`: the way in from a force's spreadsheets (docs/import-format.md).
// Reads whichever known CSV files exist in a directory, validates every row first, then imports
// everything in one transaction or nothing at all. Re-importing the same files changes nothing.
// No symbolic link inside the directory is opened (such a file is a problem); the directory
// itself may be one.
// The caller owns the Database; one thread. Throws vigil::Error only for broken infrastructure.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "vigil/base/progress.hpp"
#include "vigil/store/store.hpp"

namespace vigil::backoffice {

struct ImportProblem {
  std::string file;  // file name within the directory, e.g. "visits.csv"
  int line = 0;      // 1-based line in the file (the header is line 1); 0 for the whole file
  std::string reason;
};

struct ImportCounts {
  int rows = 0;
  int inserted = 0;
  int updated = 0;
  int unchanged = 0;
};

struct ImportResult {
  std::vector<ImportProblem> problems;         // non-empty: nothing was imported
  std::map<std::string, ImportCounts> counts;  // by file name, for the files read
  bool ok() const { return problems.empty(); }
};

ImportResult import_directory(store::Database& db, const std::filesystem::path& dir,
                              base::Progress& progress);

}  // namespace vigil::backoffice
