// Phase 1 of `vigil import`: the files, read whole and parsed as CSV (Importer, importer.hpp).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>
#include <variant>

#include "import/files.hpp"
#include "import/importer.hpp"
#include "vigil/base/csv.hpp"

namespace vigil::backoffice::import_detail {

template <class Spec>
void Importer::add_table() {
  // Opened without following a link, and read through that descriptor: a link planted in the
  // folder (to a file only the person importing may read) is refused, and nothing can swap the
  // file between a check and the open. The folder itself was opened once, by read_files.
  std::size_t required = Spec::kColumns.size();
  if constexpr (requires { Spec::kRequired; }) required = Spec::kRequired;
  add_table(Spec::kFile, Spec::kColumns, required, Spec::kFields);
}

void Importer::add_table(std::string_view name, std::span<const std::string_view> columns,
                         std::size_t required_columns, std::span<const ColumnField> fields) {
  FileDescriptor file(::openat(dir_fd_.get(), std::string(name).c_str(),
                               O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  const int open_error = errno;
  if (!file && open_error == ENOENT) return;  // this import has no such file
  Table& table = tables_.emplace_back();
  table.file = std::string(name);
  table.columns = columns;
  table.required_columns = required_columns;
  table.positions.assign(columns.size(), kMissing);
  for (const auto& column : fields) {
    table.fields.push_back(&sync::field_of(column.entity, column.field));
  }
  result_.counts[table.file] = {};

  auto whole = read_whole(file, open_error);
  if (auto* problem = std::get_if<Unreadable>(&whole)) {
    table.problems.push_back({table.file, 0, std::move(problem->reason)});
    unreadable_ = true;
    return;
  }
  base::CsvFile csv = base::read_csv(std::get<std::string>(whole));
  whole = {};
  for (auto& problem : csv.problems) {
    table.problems.push_back({table.file, problem.line, std::move(problem.reason)});
  }
  if (csv.records.empty()) {
    if (csv.problems.empty()) {
      table.problems.push_back(
          {table.file, 1,
           "the file is empty; its first line must be the header " + join(table.columns)});
    }
    return;
  }
  // A malformed first record was the header: its problem is reported, and the rows cannot be
  // matched to columns.
  bool header_malformed =
      !csv.problems.empty() && csv.problems.front().line < csv.records.front().line;
  if (header_malformed) {
    table.rows = std::move(csv.records);
    return;
  }
  match_header(table, csv.records.front());
  table.rows.assign(std::make_move_iterator(csv.records.begin() + 1),
                    std::make_move_iterator(csv.records.end()));
}

bool Importer::read_files() {
  std::error_code error;
  if (!std::filesystem::is_directory(dir_, error)) {
    result_.problems.push_back({dir_.string(), 0,
                                std::filesystem::exists(dir_, error)
                                    ? "'" + dir_.string() + "' is not a directory"
                                    : "directory '" + dir_.string() + "' does not exist"});
    return false;
  }
  // The folder named may be a link (the person importing chose it); the files in it may not.
  dir_fd_ = FileDescriptor(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd_) {
    result_.problems.push_back({dir_.string(), 0,
                                "directory '" + dir_.string() + "' cannot be opened: " +
                                    std::generic_category().message(errno)});
    return false;
  }
  // A file named in the wrong case would otherwise be silently skipped on this file system.
  const auto files = import_files();
  for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) {
    std::string name = entry.path().filename().string();
    for (auto known : files) {
      if (name != known && equals_ignoring_case(name, known)) {
        result_.problems.push_back({name, 0,
                                    "file names are lower case: rename '" + name + "' to '" +
                                        std::string(known) + "' or it will not be read"});
      }
    }
  }
  add_table<OfficersCsv>();
  add_table<NominalsCsv>();
  add_table<AssessmentsCsv>();
  add_table<PlansCsv>();
  add_table<VisitsCsv>();
  add_table<SuspectsCsv>();
  add_table<BailCsv>();
  for (const auto& spec : linked_files()) {
    add_table(spec.file, spec.columns, spec.columns.size(), column_fields(spec));
  }
  if (tables_.empty() && result_.problems.empty()) {
    result_.problems.push_back({dir_.string(), 0,
                                "directory '" + dir_.string() +
                                    "' holds none of the files vigil import reads (" + join(files) +
                                    ")"});
  }
  return !tables_.empty();
}

// The open file's text, whole, or why it cannot be read. `open_error` is the errno of the open
// when `file` is not open.
std::variant<std::string, Importer::Unreadable> Importer::read_whole(const FileDescriptor& file,
                                                                     int open_error) {
  const auto unreadable = [](std::string reason) { return Unreadable{std::move(reason)}; };
  if (!file) {
    // O_NOFOLLOW fails with ELOOP on a link (EMLINK on FreeBSD).
    if (open_error == ELOOP || open_error == EMLINK) {
      return unreadable(
          "the file is a symbolic link, which vigil import does not follow; copy the file "
          "itself into the folder");
    }
    return unreadable("the file cannot be opened: " + std::generic_category().message(open_error));
  }
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return unreadable("the file cannot be read");
  if (!S_ISREG(info.st_mode)) return unreadable("the file is not a regular file");
  std::string text;
  text.resize(static_cast<std::size_t>(info.st_size));
  std::size_t done = 0;
  while (true) {
    if (done == text.size()) text.resize(text.size() + 65536);  // it grew while being read
    const ssize_t got = ::read(file.get(), text.data() + done, text.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return unreadable("the file cannot be read");
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  text.resize(done);
  return text;
}

void Importer::match_header(Table& table, const base::CsvRecord& header) {
  bool ok = true;
  auto report = [&](std::string reason) {
    table.problems.push_back({table.file, header.line, std::move(reason)});
    ok = false;
  };
  std::string expected = "; the columns of " + table.file + " are " + join(table.columns);
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    auto name = trim(header.fields[i]);
    auto known = std::find(table.columns.begin(), table.columns.end(), name);
    if (known == table.columns.end()) {
      report(name.empty() ? "column " + std::to_string(i + 1) + " has no name" + expected
                          : "unexpected column " + in_quotes(name) + expected);
      continue;
    }
    auto column = static_cast<std::size_t>(known - table.columns.begin());
    if (table.positions[column] != kMissing) {
      report("column " + in_quotes(name) + " appears twice in the header");
      continue;
    }
    table.positions[column] = i;
  }
  for (std::size_t column = 0; column < table.required_columns; ++column) {
    if (table.positions[column] == kMissing) {
      report("missing column " + in_quotes(table.columns[column]) + expected);
    }
  }
  table.header_ok = ok;
  table.header_width = header.fields.size();
}

Table* Importer::table(std::string_view file) {
  for (auto& t : tables_) {
    if (t.file == file) return &t;
  }
  return nullptr;
}

}  // namespace vigil::backoffice::import_detail
