// `vigil import` (docs/import-format.md). Three phases:
//   1. read every known file and parse it as CSV (no database access);
//   2. inside one write transaction, load what the database already holds into hash maps and
//      check every row of every file against it and against the other files, collecting every
//      problem;
//   3. only when there is none, write everything with reused prepared statements and commit.
// The transaction is taken before phase 2 so nothing can change between checking and writing.
#include "vigil/tools/import.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "vigil/base/csv.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/sync/back_office.hpp"

namespace vigil::backoffice {
namespace {

// The files and their columns, in the order they are checked and written: a file refers only
// to the files before it (nominals name officers and teams, visits name nominals and officers).
struct OfficersCsv {
  static constexpr std::string_view kFile = "officers.csv";
  enum Column : std::size_t { username, name, role, team };
  static constexpr std::array<std::string_view, 4> kColumns{"username", "name", "role", "team"};
};

struct NominalsCsv {
  static constexpr std::string_view kFile = "nominals.csv";
  enum Column : std::size_t {
    ref,
    surname,
    forenames,
    date_of_birth,
    kind,
    mappa_category,
    mappa_level,
    risk_level,
    officer,
    team,
    no_fixed_abode,
    area
  };
  static constexpr std::array<std::string_view, 12> kColumns{
      "ref",         "surname",    "forenames", "date_of_birth", "kind",           "mappa_category",
      "mappa_level", "risk_level", "officer",   "team",          "no_fixed_abode", "area"};
};

struct AssessmentsCsv {
  static constexpr std::string_view kFile = "assessments.csv";
  enum Column : std::size_t { nominal_ref, assessed_on, risk_level, assessor };
  static constexpr std::array<std::string_view, 4> kColumns{"nominal_ref", "assessed_on",
                                                            "risk_level", "assessor"};
};

struct PlansCsv {
  static constexpr std::string_view kFile = "plans.csv";
  enum Column : std::size_t { nominal_ref, started_on, visit_every_months, double_crewed };
  static constexpr std::array<std::string_view, 4> kColumns{"nominal_ref", "started_on",
                                                            "visit_every_months", "double_crewed"};
};

struct VisitsCsv {
  static constexpr std::string_view kFile = "visits.csv";
  enum Column : std::size_t { nominal_ref, occurred_at, announced, outcome, attendees };
  static constexpr std::array<std::string_view, 5> kColumns{"nominal_ref", "occurred_at",
                                                            "announced", "outcome", "attendees"};
};

struct SuspectsCsv {
  static constexpr std::string_view kFile = "suspects.csv";
  enum Column : std::size_t {
    ref,
    surname,
    forenames,
    offence,
    harm,
    outstanding_since,
    circulated_on,
    last_trace_on,
    officer,
    team
  };
  static constexpr std::array<std::string_view, 10> kColumns{
      "ref",           "surname",       "forenames", "offence", "harm", "outstanding_since",
      "circulated_on", "last_trace_on", "officer",   "team"};
};

struct BailCsv {
  static constexpr std::string_view kFile = "bail.csv";
  enum Column : std::size_t {
    ref,
    surname,
    forenames,
    offence,
    arrested_on,
    case_type,
    status,
    officer,
    team
  };
  static constexpr std::array<std::string_view, 9> kColumns{"ref",     "surname",     "forenames",
                                                            "offence", "arrested_on", "case_type",
                                                            "status",  "officer",     "team"};
};

constexpr std::array<std::string_view, 7> kFileOrder{
    OfficersCsv::kFile, NominalsCsv::kFile, AssessmentsCsv::kFile, PlansCsv::kFile,
    VisitsCsv::kFile,   SuspectsCsv::kFile, BailCsv::kFile};

constexpr std::size_t kMissing = static_cast<std::size_t>(-1);

// A value quoted in a problem: at most its first 40 characters, control characters shown as '?',
// so a hostile or mistaken value (a whole line of another file, megabytes of one cell) never
// floods the terminal or the log that shows the problem.
std::string in_quotes(std::string_view value) {
  return "'" + quoted_excerpt(value, 40) + "'";
}

std::string_view trim(std::string_view text) {
  // Spreadsheets pad cells; a space around a value is never meant as part of it.
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (auto name : names) {
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

// A fact's key within one nominal, e.g. "<nominal id>|2024-01-05".
std::string fact_key(std::string_view nominal, std::string_view when) {
  std::string key(nominal);
  key += '|';
  key += when;
  return key;
}

// The stored form of an instant: 'YYYY-MM-DDTHH:MM:SSZ'. Formatting is slow, and nearly every
// instant is already written that way, so that text is kept as it is.
std::string canonical_instant(std::string_view text, Instant parsed) {
  if (text.size() == 20 && text.back() == 'Z') return std::string(text);
  return format_instant(parsed);
}

struct Clock {
  Instant now;
  std::string now_text;
  Date today;
};

// One CSV file as read, with its header matched to the columns the importer knows.
struct Table {
  std::string file;
  std::span<const std::string_view> columns;
  bool header_ok = false;
  std::size_t header_width = 0;
  std::vector<std::size_t> positions;  // column -> field index in a row, kMissing when absent
  std::vector<base::CsvRecord> rows;   // the data rows, header removed
  std::vector<ImportProblem> problems;
};

// One data row being checked: reads fields by column and records the row's problems. The
// readers return nullopt (or an empty value) after recording a problem; ok() says whether any.
class Row {
 public:
  Row(Table& table, const base::CsvRecord& record, const Clock& clock)
      : table_(table), record_(record), clock_(clock) {}

  int line() const { return record_.line; }
  bool ok() const { return ok_; }
  // False when the header or the number of fields is wrong: the fields cannot be trusted.
  bool checkable() const {
    return table_.header_ok && record_.fields.size() == table_.header_width;
  }

  std::string_view operator[](std::size_t column) const {
    std::size_t position = table_.positions[column];
    if (position == kMissing || position >= record_.fields.size()) return {};
    return trim(record_.fields[position]);
  }
  std::string label(std::size_t column) const { return std::string(table_.columns[column]); }

  void problem(std::string reason) {
    table_.problems.push_back({table_.file, record_.line, std::move(reason)});
    ok_ = false;
  }

  // Text that must be present. Every column read as text is a short word (a name, a reference,
  // a place, an offence): at most kMaxShortText characters, as at every other door.
  std::optional<std::string> text(std::size_t column) {
    auto value = (*this)[column];
    if (value.empty()) {
      problem(label(column) + " is empty; it must have a value");
      return std::nullopt;
    }
    if (!allowed_text(column, value)) return std::nullopt;
    return std::string(value);
  }

  // Text that may be empty (returned as ""); nullopt, with the problem recorded, when the value
  // is not allowed.
  std::optional<std::string> optional_text(std::size_t column) {
    auto value = (*this)[column];
    if (!allowed_text(column, value)) return std::nullopt;
    return std::string(value);
  }

  // The one grammar of text (valid UTF-8, no U+0000, a length limit): false after recording
  // the problem.
  bool allowed_text(std::size_t column, std::string_view value) {
    auto reason = text_problem(value, table_.columns[column], kMaxShortText);
    if (!reason) return true;
    problem(std::move(*reason));
    return false;
  }

  template <class E>
  std::optional<E> choice(std::size_t column) {
    auto value = (*this)[column];
    if (auto parsed = parse_enum<E>(value)) return parsed;
    if (value.empty()) {
      problem(label(column) + " is empty; it must be one of " + allowed_values<E>());
    } else {
      problem(label(column) + " " + in_quotes(value) + " is not one of " + allowed_values<E>());
    }
    return std::nullopt;
  }

  std::optional<bool> yes_no(std::size_t column) {
    auto value = (*this)[column];
    if (auto parsed = parse_yes_no(value)) return parsed;
    problem(value.empty() ? label(column) + " is empty; it must be yes or no"
                          : label(column) + " " + in_quotes(value) + " must be yes or no");
    return std::nullopt;
  }

  std::optional<std::int64_t> whole_number(std::size_t column, std::int64_t low,
                                           std::int64_t high) {
    auto value = (*this)[column];
    auto range = [&] {
      return "a whole number from " + std::to_string(low) + " to " + std::to_string(high);
    };
    if (value.empty()) {
      problem(label(column) + " is empty; it must be " + range());
      return std::nullopt;
    }
    auto number = parse_number(value, low, high);
    if (!number) problem(label(column) + " " + in_quotes(value) + " must be " + range());
    return number;
  }

  // Empty is allowed and means "none".
  std::optional<std::int64_t> optional_whole_number(std::size_t column, std::int64_t low,
                                                    std::int64_t high) {
    auto value = (*this)[column];
    if (value.empty()) return std::nullopt;
    auto number = parse_number(value, low, high);
    if (!number) {
      problem(label(column) + " " + in_quotes(value) + " must be empty or a whole number from " +
              std::to_string(low) + " to " + std::to_string(high));
    }
    return number;
  }

  // A civil date that has happened: today or earlier. Returned as stored, 'YYYY-MM-DD'.
  std::optional<std::string> past_date(std::size_t column) {
    auto value = (*this)[column];
    if (value.empty()) {
      problem(label(column) + " is empty; it must be a date (YYYY-MM-DD)");
      return std::nullopt;
    }
    return checked_date(column, value);
  }

  // As past_date, but empty is allowed (and returned as nullopt with no problem).
  std::optional<std::string> optional_past_date(std::size_t column) {
    auto value = (*this)[column];
    if (value.empty()) return std::nullopt;
    return checked_date(column, value);
  }

  // An instant with a time zone that has happened, returned as stored (UTC, 'Z').
  std::optional<std::string> past_instant(std::size_t column) {
    auto value = (*this)[column];
    auto parsed = parse_instant(value);
    if (!parsed) {
      problem(label(column) + " " + in_quotes(value) +
              " is not an ISO-8601 instant with a time zone (e.g. 2024-01-05T10:00:00Z)");
      return std::nullopt;
    }
    if (*parsed > clock_.now) {
      problem(label(column) + " " + in_quotes(value) + " is in the future");
      return std::nullopt;
    }
    return canonical_instant(value, *parsed);
  }

  // Records a problem when `key` was already seen in this file; what() names it in the reason.
  template <class Describe>
  void unique(std::unordered_map<std::string, int>& seen, std::string key, Describe what) {
    auto [found, inserted] = seen.emplace(std::move(key), record_.line);
    if (!inserted) {
      problem(what() + " appears twice in this file (also line " + std::to_string(found->second) +
              ")");
    }
  }

 private:
  static std::optional<std::int64_t> parse_number(std::string_view value, std::int64_t low,
                                                  std::int64_t high) {
    std::int64_t number = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
    if (number < low || number > high) return std::nullopt;
    return number;
  }

  std::optional<std::string> checked_date(std::size_t column, std::string_view value) {
    auto parsed = parse_date(value);
    if (!parsed) {
      problem(label(column) + " " + in_quotes(value) + " is not a real date (YYYY-MM-DD)");
      return std::nullopt;
    }
    if (*parsed > clock_.today) {
      problem(label(column) + " " + in_quotes(value) + " is in the future");
      return std::nullopt;
    }
    return std::string(value);  // parse_date accepts only the stored form
  }

  Table& table_;
  const base::CsvRecord& record_;
  const Clock& clock_;
  bool ok_ = true;
};

// What the database holds, and what a row would make it hold. Compared with == to tell an
// update from an unchanged row, so every stored column the CSV sets is here.
struct StoredOfficer {
  std::string id;
  std::string name;
  std::string role;
  std::string team_id;
};

struct NominalFields {
  std::string surname;
  std::string forenames;
  std::string date_of_birth;
  std::string kind;
  std::optional<std::int64_t> mappa_category;
  std::int64_t mappa_level = 0;
  std::string risk_level;
  std::optional<std::string> officer_id;
  std::string team_id;
  bool no_fixed_abode = false;
  std::string area;
  bool operator==(const NominalFields&) const = default;
};

struct SuspectFields {
  std::string surname;
  std::string forenames;
  std::string offence;
  std::int64_t harm = 0;
  std::string outstanding_since;
  std::optional<std::string> circulated_on;
  std::optional<std::string> last_trace_on;
  std::optional<std::string> officer_id;
  std::string team_id;
  bool operator==(const SuspectFields&) const = default;
};

struct BailFields {
  std::string surname;
  std::string forenames;
  std::string offence;
  std::string arrested_on;
  std::string case_type;
  std::string status;
  std::optional<std::string> officer_id;
  std::string team_id;
  bool operator==(const BailFields&) const = default;
};

template <class Fields>
struct Stored {
  std::string id;
  Fields fields;
};

template <class Fields>
using StoredByRef = std::unordered_map<std::string, Stored<Fields>>;

struct AssessmentFacts {
  std::string risk_level;
  std::optional<std::string> assessor_id;
  bool operator==(const AssessmentFacts&) const = default;
};

struct PlanFacts {
  std::optional<std::int64_t> visit_every_months;
  bool double_crewed = false;
  bool operator==(const PlanFacts&) const = default;
};

struct VisitFacts {
  bool announced = false;
  std::string outcome;
  std::vector<std::string> attendee_ids;  // sorted: who attended matters, not the order listed
  bool operator==(const VisitFacts&) const = default;
};

// Facts by fact_key(nominal id, when). Devices may record two facts with the same key, so a key
// holds a list; a row is "already recorded" when it equals any of them.
template <class Facts>
using FactsByKey = std::unordered_map<std::string, std::vector<Facts>>;

// Rows that passed every check, with names (not ids) for what they refer to: officers, teams
// and nominals made by this import have no id until they are written.
struct OfficerRow {
  std::string username;
  std::string name;
  Role role = Role::officer;
  std::string team;
};

template <class Fields>
struct RecordRow {
  std::string ref;
  Fields fields;  // officer_id and team_id are filled in when written
  std::string officer;
  std::string team;
};

struct AssessmentRow {
  std::string nominal_ref;
  std::string assessed_on;
  std::string risk_level;
  std::string assessor;
};

struct PlanRow {
  std::string nominal_ref;
  std::string started_on;
  PlanFacts facts;
};

struct VisitRow {
  std::string nominal_ref;
  std::string occurred_at;
  bool announced = false;
  std::string outcome;
  std::vector<std::string> attendees;  // usernames, as listed: the first recorded the visit
};

std::optional<std::int64_t> mappa_category_of(NominalKind kind) {
  switch (kind) {
    case NominalKind::rso:
      return 1;
    case NominalKind::violent:
      return 2;
    case NominalKind::other:
      return 3;
    case NominalKind::pdp:
      return std::nullopt;
  }
  return std::nullopt;
}

// A larger page cache for the length of an import: one big transaction dirties many index pages
// (ids are random), and with SQLite's default 2 MB they are spilled to the WAL and read back.
// The caller's setting is restored afterwards.
class LargerPageCache {
 public:
  explicit LargerPageCache(store::Database& db) : db_(db) {
    auto current = db_.prepare("PRAGMA cache_size");
    if (current.step()) previous_ = current.column_int(0);
    db_.execute("PRAGMA cache_size = -262144");  // KiB: 256 MiB at most, taken only as used
  }
  ~LargerPageCache() {
    try {
      // A pragma's value cannot be bound; this one is SQLite's own number, not input.
      db_.execute("PRAGMA cache_size = " + std::to_string(previous_));
    } catch (...) {
      // Only performance would suffer; never throw from a destructor.
    }
  }
  LargerPageCache(const LargerPageCache&) = delete;
  LargerPageCache& operator=(const LargerPageCache&) = delete;

 private:
  store::Database& db_;
  std::int64_t previous_ = -2000;
};

// An open file descriptor, closed when it goes.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
};

class Importer {
 public:
  Importer(store::Database& db, std::filesystem::path dir, base::Progress& progress)
      : db_(db), dir_(std::move(dir)), progress_(progress) {
    clock_.now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    clock_.now_text = format_instant(clock_.now);
    clock_.today = london_today();
  }

  ImportResult run() {
    const bool any_file = read_files();
    if (any_file && unreadable_) {
      // Every other file's rows would be checked without the records this one holds, and each
      // of its names reported as unknown: only the file is reported.
      collect_problems();
    } else if (any_file) {
      LargerPageCache cache(db_);
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

 private:
  // Phase 1: the files ----------------------------------------------------------------------

  bool read_files() {
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
    for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) {
      std::string name = entry.path().filename().string();
      for (auto known : kFileOrder) {
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
    if (tables_.empty() && result_.problems.empty()) {
      result_.problems.push_back({dir_.string(), 0,
                                  "directory '" + dir_.string() +
                                      "' holds none of the files vigil import reads (" +
                                      join(kFileOrder) + ")"});
    }
    return !tables_.empty();
  }

  template <class Spec>
  void add_table() {
    // Opened without following a link, and read through that descriptor: a link planted in the
    // folder (to a file only the person importing may read) is refused, and nothing can swap the
    // file between a check and the open. The folder itself was opened once, by read_files.
    FileDescriptor file(::openat(dir_fd_.get(), std::string(Spec::kFile).c_str(),
                                 O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    const int open_error = errno;
    if (!file && open_error == ENOENT) return;  // this import has no such file
    Table& table = tables_.emplace_back();
    table.file = std::string(Spec::kFile);
    table.columns = Spec::kColumns;
    table.positions.assign(Spec::kColumns.size(), kMissing);
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

  // Why a file could not be read.
  struct Unreadable {
    std::string reason;
  };

  // The open file's text, whole, or why it cannot be read. `open_error` is the errno of the open
  // when `file` is not open.
  static std::variant<std::string, Unreadable> read_whole(const FileDescriptor& file,
                                                          int open_error) {
    const auto unreadable = [](std::string reason) { return Unreadable{std::move(reason)}; };
    if (!file) {
      // O_NOFOLLOW fails with ELOOP on a link (EMLINK on FreeBSD).
      if (open_error == ELOOP || open_error == EMLINK) {
        return unreadable(
            "the file is a symbolic link, which vigil import does not follow; copy the file "
            "itself into the folder");
      }
      return unreadable("the file cannot be opened: " +
                        std::generic_category().message(open_error));
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

  static void match_header(Table& table, const base::CsvRecord& header) {
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
    for (std::size_t column = 0; column < table.columns.size(); ++column) {
      if (table.positions[column] == kMissing) {
        report("missing column " + in_quotes(table.columns[column]) + expected);
      }
    }
    table.header_ok = ok;
    table.header_width = header.fields.size();
  }

  Table* table(std::string_view file) {
    for (auto& t : tables_) {
      if (t.file == file) return &t;
    }
    return nullptr;
  }

  // Phase 2a: what the database holds --------------------------------------------------------

  void load_database() {
    progress_.stage("reading the database");
    auto teams = db_.prepare("SELECT id, name FROM teams");
    while (teams.step()) team_ids_.emplace(teams.column_text(1), teams.column_text(0));

    auto officers = db_.prepare("SELECT id, username, name, role, team_id FROM officers");
    while (officers.step()) {
      officers_.emplace(officers.column_text(1),
                        StoredOfficer{officers.column_text(0), officers.column_text(2),
                                      officers.column_text(3), officers.column_text(4)});
    }
    auto supervisors = db_.prepare("SELECT team_id, officer_id FROM team_supervisors");
    while (supervisors.step()) {
      supervisions_.emplace(supervisors.column_text(0), supervisors.column_text(1));
    }

    bool needs_nominals = table(NominalsCsv::kFile) || table(AssessmentsCsv::kFile) ||
                          table(PlansCsv::kFile) || table(VisitsCsv::kFile);
    if (needs_nominals) load_nominals();
    if (table(AssessmentsCsv::kFile)) load_assessments();
    if (table(PlansCsv::kFile)) load_plans();
    if (table(VisitsCsv::kFile)) load_visits();
    if (table(SuspectsCsv::kFile)) load_suspects();
    if (table(BailCsv::kFile)) load_bail();
  }

  void load_nominals() {
    auto select = db_.prepare(
        "SELECT id, ref, surname, forenames, date_of_birth, kind, mappa_category, mappa_level, "
        "risk_level, officer_id, team_id, no_fixed_abode, area FROM nominals");
    while (select.step()) {
      NominalFields fields{
          select.column_text(2),      select.column_text(3),          select.column_text(4),
          select.column_text(5),      select.column_optional_int(6),  select.column_int(7),
          select.column_text(8),      select.column_optional_text(9), select.column_text(10),
          select.column_int(11) != 0, select.column_text(12)};
      nominals_.emplace(select.column_text(1),
                        Stored<NominalFields>{select.column_text(0), std::move(fields)});
    }
  }

  void load_assessments() {
    auto select =
        db_.prepare("SELECT nominal_id, assessed_on, risk_level, assessor_id FROM assessments");
    while (select.step()) {
      assessments_[fact_key(select.column_text(0), select.column_text(1))].push_back(
          AssessmentFacts{select.column_text(2), select.column_optional_text(3)});
    }
  }

  void load_plans() {
    auto select =
        db_.prepare("SELECT nominal_id, started_on, visit_every_months, double_crewed FROM plans");
    while (select.step()) {
      plans_[fact_key(select.column_text(0), select.column_text(1))].push_back(
          PlanFacts{select.column_optional_int(2), select.column_int(3) != 0});
    }
  }

  void load_visits() {
    // Two plain scans joined here: cheaper than asking SQLite to group attendees by visit.
    struct Loaded {
      std::string key;
      VisitFacts facts;
    };
    std::unordered_map<std::string, Loaded> by_id;
    auto select = db_.prepare("SELECT id, nominal_id, occurred_at, announced, outcome FROM visits");
    while (select.step()) {
      // Stored instants are UTC 'Z' already; normalise anyway so a key never misses.
      std::string occurred_at = select.column_text(2);
      if (auto parsed = parse_instant(occurred_at)) {
        occurred_at = canonical_instant(occurred_at, *parsed);
      }
      by_id.emplace(select.column_text(0),
                    Loaded{fact_key(select.column_text(1), occurred_at),
                           VisitFacts{select.column_int(3) != 0, select.column_text(4), {}}});
    }
    auto attendees = db_.prepare("SELECT visit_id, officer_id FROM visit_attendees");
    while (attendees.step()) {
      auto found = by_id.find(attendees.column_text(0));
      if (found != by_id.end())
        found->second.facts.attendee_ids.push_back(attendees.column_text(1));
    }
    for (auto& [id, loaded] : by_id) {
      std::sort(loaded.facts.attendee_ids.begin(), loaded.facts.attendee_ids.end());
      visits_[loaded.key].push_back(std::move(loaded.facts));
    }
  }

  void load_suspects() {
    auto select = db_.prepare(
        "SELECT id, ref, surname, forenames, offence, harm, outstanding_since, circulated_on, "
        "last_trace_on, officer_id, team_id FROM suspects");
    while (select.step()) {
      SuspectFields fields{select.column_text(2),          select.column_text(3),
                           select.column_text(4),          select.column_int(5),
                           select.column_text(6),          select.column_optional_text(7),
                           select.column_optional_text(8), select.column_optional_text(9),
                           select.column_text(10)};
      suspects_.emplace(select.column_text(1),
                        Stored<SuspectFields>{select.column_text(0), std::move(fields)});
    }
  }

  void load_bail() {
    auto select = db_.prepare(
        "SELECT id, ref, surname, forenames, offence, arrested_on, case_type, status, "
        "officer_id, team_id FROM bail_cases");
    while (select.step()) {
      BailFields fields{select.column_text(2),          select.column_text(3),
                        select.column_text(4),          select.column_text(5),
                        select.column_text(6),          select.column_text(7),
                        select.column_optional_text(8), select.column_text(9)};
      bail_cases_.emplace(select.column_text(1),
                          Stored<BailFields>{select.column_text(0), std::move(fields)});
    }
  }

  // Phase 2b: checking every row ---------------------------------------------------------------

  // Calls check(row) for each data row that is not entirely empty (spreadsheets export trailing
  // ",,,," lines). A row with the wrong number of fields is reported here; check() must still
  // note the keys such a row defines (so rows that refer to it are not reported too) and then
  // skip it: see Row::checkable.
  template <class Check>
  void for_each_row(Table& t, Check check) {
    auto& counts = result_.counts[t.file];
    progress_.stage("checking " + t.file, static_cast<std::int64_t>(t.rows.size()));
    std::int64_t done = 0;
    for (const auto& record : t.rows) {
      progress_.update(++done);
      bool blank = std::all_of(record.fields.begin(), record.fields.end(),
                               [](const std::string& field) { return trim(field).empty(); });
      if (blank) continue;
      ++counts.rows;
      Row row(t, record, clock_);
      if (t.header_ok && record.fields.size() != t.header_width) {
        row.problem("this row has " + std::to_string(record.fields.size()) +
                    " fields but the header has " + std::to_string(t.header_width));
      }
      check(row);
    }
  }

  void check_all() {
    if (auto* t = table(OfficersCsv::kFile)) check_officers(*t);
    if (auto* t = table(NominalsCsv::kFile)) check_nominals(*t);
    if (auto* t = table(AssessmentsCsv::kFile)) check_assessments(*t);
    if (auto* t = table(PlansCsv::kFile)) check_plans(*t);
    if (auto* t = table(VisitsCsv::kFile)) check_visits(*t);
    if (auto* t = table(SuspectsCsv::kFile)) check_suspects(*t);
    if (auto* t = table(BailCsv::kFile)) check_bail(*t);
  }

  bool known_officer(const std::string& username) const {
    return officers_.count(username) != 0 || new_usernames_.count(username) != 0;
  }
  bool known_team(const std::string& name) const {
    return team_ids_.count(name) != 0 || new_teams_.count(name) != 0;
  }
  bool known_nominal(const std::string& ref) const {
    return nominals_.count(ref) != 0 || new_nominal_refs_.count(ref) != 0;
  }

  // For comparing facts before anything is written: an officer new in this import has no id
  // yet, and so can match no recorded fact.
  std::string officer_id_for_comparison(const std::string& username) const {
    auto found = officers_.find(username);
    return found != officers_.end() ? found->second.id : "new officer " + username;
  }
  const std::string* stored_nominal_id(const std::string& ref) const {
    auto found = nominals_.find(ref);
    return found != nominals_.end() ? &found->second.id : nullptr;
  }

  void check_officer_reference(Row& row, std::size_t column, const std::string& username) {
    if (!username.empty() && !known_officer(username)) {
      row.problem(row.label(column) + " " + in_quotes(username) + " is not a known officer");
    }
  }
  void check_team_reference(Row& row, std::size_t column, const std::optional<std::string>& name) {
    if (name && !known_team(*name)) {
      row.problem(row.label(column) + " " + in_quotes(*name) + " is not a known team");
    }
  }
  void check_nominal_reference(Row& row, std::size_t column,
                               const std::optional<std::string>& ref) {
    if (ref && !known_nominal(*ref)) {
      row.problem(row.label(column) + " " + in_quotes(*ref) + " is not a known nominal");
    }
  }

  void check_officers(Table& t) {
    using C = OfficersCsv;
    std::unordered_map<std::string, int> seen;
    for_each_row(t, [&](Row& row) {
      std::string username(row[C::username]);
      std::string team(row[C::team]);
      if (!username.empty()) new_usernames_.insert(username);
      if (!team.empty()) new_teams_.insert(team);
      if (!row.checkable()) return;

      auto checked_username = row.text(C::username);
      if (checked_username) {
        // Attendee lists are joined with ';', and a username is typed at sign-in.
        if (checked_username->find_first_of(" \t;,") != std::string::npos) {
          row.problem("username " + in_quotes(*checked_username) +
                      " must not contain spaces, commas or semicolons");
        }
        row.unique(seen, *checked_username,
                   [&] { return "username " + in_quotes(*checked_username); });
      }
      auto name = row.text(C::name);
      auto role = row.choice<Role>(C::role);
      auto checked_team = row.text(C::team);
      if (!row.ok()) return;
      officer_rows_.push_back(OfficerRow{*checked_username, *name, *role, *checked_team});
    });
  }

  void check_nominals(Table& t) {
    using C = NominalsCsv;
    std::unordered_map<std::string, int> seen;
    for_each_row(t, [&](Row& row) {
      std::string key(row[C::ref]);
      if (!key.empty()) new_nominal_refs_.insert(key);
      if (!row.checkable()) return;

      auto ref = row.text(C::ref);
      if (ref) row.unique(seen, *ref, [&] { return "ref " + in_quotes(*ref); });
      auto surname = row.text(C::surname);
      auto forenames = row.optional_text(C::forenames);
      auto date_of_birth = row.past_date(C::date_of_birth);
      auto kind = row.choice<NominalKind>(C::kind);
      auto mappa_category = row.optional_whole_number(C::mappa_category, 1, 3);
      if (kind && mappa_category && mappa_category != mappa_category_of(*kind)) {
        // docs/domain.md: the kind is the MAPPA category (a potentially dangerous person has none);
        // a row that says otherwise is contradictory and a person must decide which is right.
        auto expected = mappa_category_of(*kind);
        row.problem("mappa_category " + in_quotes(row[C::mappa_category]) +
                    " does not match kind " + in_quotes(to_string(*kind)) +
                    (expected ? " (MAPPA category " + std::to_string(*expected) + ")"
                              : " (no MAPPA category: leave it empty)"));
      }
      auto mappa_level = row.whole_number(C::mappa_level, 1, 3);
      auto risk_level = row.choice<RiskLevel>(C::risk_level);
      auto officer = row.optional_text(C::officer);
      if (officer) check_officer_reference(row, C::officer, *officer);
      auto team = row.text(C::team);
      check_team_reference(row, C::team, team);
      auto no_fixed_abode = row.yes_no(C::no_fixed_abode);
      auto area = row.optional_text(C::area);
      if (!row.ok()) return;

      NominalFields fields;
      fields.surname = *surname;
      fields.forenames = *forenames;
      fields.date_of_birth = *date_of_birth;
      fields.kind = std::string(to_string(*kind));
      fields.mappa_category = mappa_category;
      fields.mappa_level = *mappa_level;
      fields.risk_level = std::string(to_string(*risk_level));
      fields.no_fixed_abode = *no_fixed_abode;
      fields.area = *area;
      nominal_rows_.push_back({*ref, std::move(fields), *officer, *team});
    });
  }

  void check_assessments(Table& t) {
    using C = AssessmentsCsv;
    std::unordered_map<std::string, int> seen;
    for_each_row(t, [&](Row& row) {
      if (!row.checkable()) return;
      auto nominal_ref = row.text(C::nominal_ref);
      check_nominal_reference(row, C::nominal_ref, nominal_ref);
      auto assessed_on = row.past_date(C::assessed_on);
      auto risk_level = row.choice<RiskLevel>(C::risk_level);
      auto assessor = row.text(C::assessor);
      if (assessor) check_officer_reference(row, C::assessor, *assessor);
      if (!row.ok()) return;

      auto what = [&] {
        return "an assessment of " + quoted_excerpt(*nominal_ref) + " on " + *assessed_on;
      };
      row.unique(seen, fact_key(*nominal_ref, *assessed_on), what);
      AssessmentRow out{*nominal_ref, *assessed_on, std::string(to_string(*risk_level)), *assessor};
      if (const auto* nominal_id = stored_nominal_id(out.nominal_ref)) {
        AssessmentFacts facts{out.risk_level, officer_id_for_comparison(out.assessor)};
        check_fact(row, assessments_, fact_key(*nominal_id, out.assessed_on), facts, what,
                   "assessments are facts and are never replaced");
      }
      if (row.ok()) assessment_rows_.push_back(std::move(out));
    });
  }

  void check_plans(Table& t) {
    using C = PlansCsv;
    std::unordered_map<std::string, int> seen;
    for_each_row(t, [&](Row& row) {
      if (!row.checkable()) return;
      auto nominal_ref = row.text(C::nominal_ref);
      check_nominal_reference(row, C::nominal_ref, nominal_ref);
      auto started_on = row.past_date(C::started_on);
      auto every = row.optional_whole_number(C::visit_every_months, 1, 120);
      auto double_crewed = row.yes_no(C::double_crewed);
      if (!row.ok()) return;

      auto what = [&] {
        return "a plan for " + quoted_excerpt(*nominal_ref) + " started on " + *started_on;
      };
      row.unique(seen, fact_key(*nominal_ref, *started_on), what);
      PlanRow out{*nominal_ref, *started_on, PlanFacts{every, *double_crewed}};
      if (const auto* nominal_id = stored_nominal_id(out.nominal_ref)) {
        check_fact(row, plans_, fact_key(*nominal_id, out.started_on), out.facts, what,
                   "the import only adds plans and never replaces one");
      }
      if (row.ok()) plan_rows_.push_back(std::move(out));
    });
  }

  void check_visits(Table& t) {
    using C = VisitsCsv;
    std::unordered_map<std::string, int> seen;
    for_each_row(t, [&](Row& row) {
      if (!row.checkable()) return;
      auto nominal_ref = row.text(C::nominal_ref);
      check_nominal_reference(row, C::nominal_ref, nominal_ref);
      auto occurred_at = row.past_instant(C::occurred_at);
      auto announced = row.yes_no(C::announced);
      auto outcome = row.choice<VisitOutcome>(C::outcome);
      auto attendees = check_attendees(row, C::attendees);
      if (!row.ok()) return;

      auto what = [&] {
        return "a visit to " + quoted_excerpt(*nominal_ref) + " at " + *occurred_at;
      };
      row.unique(seen, fact_key(*nominal_ref, *occurred_at), what);
      VisitRow out{*nominal_ref, *occurred_at, *announced, std::string(to_string(*outcome)),
                   std::move(attendees)};
      if (const auto* nominal_id = stored_nominal_id(out.nominal_ref)) {
        VisitFacts facts{out.announced, out.outcome, {}};
        for (const auto& username : out.attendees) {
          facts.attendee_ids.push_back(officer_id_for_comparison(username));
        }
        std::sort(facts.attendee_ids.begin(), facts.attendee_ids.end());
        check_fact(row, visits_, fact_key(*nominal_id, out.occurred_at), facts, what,
                   "visits are evidence and are only amended, never replaced");
      }
      if (row.ok()) visit_rows_.push_back(std::move(out));
    });
  }

  // Usernames joined by ';', each known and listed once; at least one.
  std::vector<std::string> check_attendees(Row& row, std::size_t column) {
    std::vector<std::string> usernames;
    auto list = row[column];
    if (list.empty()) {
      row.problem(row.label(column) + " is empty; it must list who attended, joined by ';'");
      return usernames;
    }
    // Each name must then be a known officer's, and those are short words already.
    if (auto reason = text_problem(list, row.label(column), kMaxLongText)) {
      row.problem(std::move(*reason));
      return usernames;
    }
    std::size_t start = 0;
    while (start <= list.size()) {
      std::size_t end = std::min(list.find(';', start), list.size());
      std::string username(trim(list.substr(start, end - start)));
      start = end + 1;
      if (username.empty()) {
        row.problem(row.label(column) + " " + in_quotes(list) +
                    " has an empty name; list usernames joined by ';'");
        continue;
      }
      if (!known_officer(username)) {
        row.problem("attendee " + in_quotes(username) + " is not a known officer");
      } else if (std::find(usernames.begin(), usernames.end(), username) != usernames.end()) {
        row.problem("attendee " + in_quotes(username) + " is listed twice");
      }
      usernames.push_back(std::move(username));
    }
    return usernames;
  }

  // A fact already recorded under the same key must be identical: facts are never replaced.
  template <class Facts, class Describe>
  static void check_fact(Row& row, const FactsByKey<Facts>& stored, const std::string& key,
                         const Facts& facts, Describe what, std::string_view why) {
    auto found = stored.find(key);
    if (found == stored.end()) return;
    if (std::find(found->second.begin(), found->second.end(), facts) != found->second.end()) {
      return;
    }
    row.problem(what() + " is already recorded with different details; " + std::string(why));
  }

  void check_suspects(Table& t) {
    using C = SuspectsCsv;
    std::unordered_map<std::string, int> seen;
    for_each_row(t, [&](Row& row) {
      if (!row.checkable()) return;
      auto ref = row.text(C::ref);
      if (ref) row.unique(seen, *ref, [&] { return "ref " + in_quotes(*ref); });
      auto surname = row.text(C::surname);
      auto forenames = row.optional_text(C::forenames);
      auto offence = row.text(C::offence);
      auto harm = row.whole_number(C::harm, 1, 5);
      auto outstanding_since = row.past_date(C::outstanding_since);
      auto circulated_on = row.optional_past_date(C::circulated_on);
      auto last_trace_on = row.optional_past_date(C::last_trace_on);
      auto officer = row.optional_text(C::officer);
      if (officer) check_officer_reference(row, C::officer, *officer);
      auto team = row.text(C::team);
      check_team_reference(row, C::team, team);
      if (!row.ok()) return;

      SuspectFields fields{*surname,      *forenames,         *offence,
                           *harm,         *outstanding_since, circulated_on,
                           last_trace_on, std::nullopt,       std::string()};
      suspect_rows_.push_back({*ref, std::move(fields), *officer, *team});
    });
  }

  void check_bail(Table& t) {
    using C = BailCsv;
    std::unordered_map<std::string, int> seen;
    for_each_row(t, [&](Row& row) {
      if (!row.checkable()) return;
      auto ref = row.text(C::ref);
      if (ref) row.unique(seen, *ref, [&] { return "ref " + in_quotes(*ref); });
      auto surname = row.text(C::surname);
      auto forenames = row.optional_text(C::forenames);
      auto offence = row.text(C::offence);
      auto arrested_on = row.past_date(C::arrested_on);
      auto case_type = row.choice<CaseType>(C::case_type);
      auto status = row.choice<BailStatus>(C::status);
      auto officer = row.optional_text(C::officer);
      if (officer) check_officer_reference(row, C::officer, *officer);
      auto team = row.text(C::team);
      check_team_reference(row, C::team, team);
      if (!row.ok()) return;

      BailFields fields{*surname,
                        *forenames,
                        *offence,
                        *arrested_on,
                        std::string(to_string(*case_type)),
                        std::string(to_string(*status)),
                        std::nullopt,
                        std::string()};
      bail_rows_.push_back({*ref, std::move(fields), *officer, *team});
    });
  }

  void collect_problems() {
    for (auto& t : tables_) {
      std::stable_sort(
          t.problems.begin(), t.problems.end(),
          [](const ImportProblem& a, const ImportProblem& b) { return a.line < b.line; });
      for (auto& problem : t.problems) result_.problems.push_back(std::move(problem));
    }
  }

  // Phase 3: writing ---------------------------------------------------------------------------

  void write_all() {
    write_officers();
    write_nominals();
    write_assessments();
    write_plans();
    write_visits();
    write_suspects();
    write_bail();
  }

  void stage(std::string_view file, std::size_t rows) {
    progress_.stage("importing " + std::string(file), static_cast<std::int64_t>(rows));
  }

  ImportCounts& counts(std::string_view file) { return result_.counts[std::string(file)]; }

  std::string team_id(const std::string& name) {
    auto found = team_ids_.find(name);
    if (found != team_ids_.end()) return found->second;
    if (!insert_team_)
      insert_team_.emplace(db_.prepare("INSERT INTO teams (id, name) VALUES (?, ?)"));
    std::string id = base::make_uuid();
    insert_team_->bind_all(id, name).run();
    written_records_.push_back({"team", id, true, std::nullopt});
    team_ids_.emplace(name, id);
    ++teams_created_;
    written_ = true;
    return id;
  }

  std::optional<std::string> officer_id(const std::string& username) const {
    if (username.empty()) return std::nullopt;
    auto found = officers_.find(username);
    if (found == officers_.end()) {
      throw Error(ErrorCode::internal,
                  "import: officer '" + username + "' was checked but not written");
    }
    return found->second.id;
  }

  const std::string& nominal_id(const std::string& ref) const {
    auto found = nominals_.find(ref);
    if (found == nominals_.end()) {
      throw Error(ErrorCode::internal, "import: nominal '" + ref + "' was checked but not written");
    }
    return found->second.id;
  }

  void write_officers() {
    if (officer_rows_.empty()) return;
    auto insert = db_.prepare(
        "INSERT INTO officers (id, username, name, role, team_id, password_hash, created_at) "
        "VALUES (?, ?, ?, ?, ?, NULL, ?)");
    auto update = db_.prepare("UPDATE officers SET name = ?, role = ?, team_id = ? WHERE id = ?");
    auto supervise =
        db_.prepare("INSERT INTO team_supervisors (team_id, officer_id) VALUES (?, ?)");
    // A supervisor made an officer or admin must lose the scope supervising gave them.
    auto stop_supervising = db_.prepare("DELETE FROM team_supervisors WHERE officer_id = ?");
    auto& count = counts(OfficersCsv::kFile);
    stage(OfficersCsv::kFile, officer_rows_.size());
    std::int64_t done = 0;
    for (const auto& row : officer_rows_) {
      progress_.update(++done);
      std::string team = team_id(row.team);
      std::string role(to_string(row.role));
      bool inserted = false;
      bool changed = false;
      auto found = officers_.find(row.username);
      if (found == officers_.end()) {
        std::string id = base::make_uuid();
        insert.bind_all(id, row.username, row.name, role, team, clock_.now_text).run();
        written_records_.push_back({"officer", id, true, std::nullopt});
        found = officers_.emplace(row.username, StoredOfficer{id, row.name, role, team}).first;
        inserted = true;
      } else {
        StoredOfficer& stored = found->second;
        if (stored.name != row.name || stored.role != role || stored.team_id != team) {
          if (stored.role == to_string(Role::supervisor) && row.role != Role::supervisor) {
            stop_supervising.bind_all(stored.id).run();
            std::erase_if(supervisions_, [&](const auto& s) { return s.second == stored.id; });
          }
          update.bind_all(row.name, role, team, stored.id).run();
          written_records_.push_back({"officer", stored.id, false, std::nullopt});
          stored.name = row.name;
          stored.role = role;
          stored.team_id = team;
          changed = true;
        }
      }
      const std::string& id = found->second.id;
      if (row.role == Role::supervisor && supervisions_.emplace(team, id).second) {
        supervise.bind_all(team, id).run();
        changed = true;
      }
      // An officer is counted once, even when both the row and the supervision changed.
      if (inserted) {
        ++count.inserted;
      } else if (changed) {
        ++count.updated;
      } else {
        ++count.unchanged;
      }
      if (inserted || changed) written_ = true;
    }
  }

  void write_nominals() {
    if (nominal_rows_.empty()) return;
    // Columns the CSV does not carry (status, reactive management, sync metadata) are left
    // alone on update.
    auto insert = db_.prepare(
        "INSERT INTO nominals (id, ref, surname, forenames, date_of_birth, kind, mappa_category, "
        "mappa_level, risk_level, officer_id, team_id, no_fixed_abode, area) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    auto update = db_.prepare(
        "UPDATE nominals SET ref = ?2, surname = ?3, forenames = ?4, date_of_birth = ?5, "
        "kind = ?6, mappa_category = ?7, mappa_level = ?8, risk_level = ?9, officer_id = ?10, "
        "team_id = ?11, no_fixed_abode = ?12, area = ?13 WHERE id = ?1");
    auto bind = [](store::Statement& statement, const std::string& id, const std::string& ref,
                   const NominalFields& f) {
      statement.bind_all(id, ref, f.surname, f.forenames, f.date_of_birth, f.kind, f.mappa_category,
                         f.mappa_level, f.risk_level, f.officer_id, f.team_id, f.no_fixed_abode,
                         f.area);
    };
    write_records("nominal", NominalsCsv::kFile, nominal_rows_, nominals_, insert, update, bind);
  }

  void write_suspects() {
    if (suspect_rows_.empty()) return;
    auto insert = db_.prepare(
        "INSERT INTO suspects (id, ref, surname, forenames, offence, harm, outstanding_since, "
        "circulated_on, last_trace_on, officer_id, team_id) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    auto update = db_.prepare(
        "UPDATE suspects SET ref = ?2, surname = ?3, forenames = ?4, offence = ?5, harm = ?6, "
        "outstanding_since = ?7, circulated_on = ?8, last_trace_on = ?9, officer_id = ?10, "
        "team_id = ?11 WHERE id = ?1");
    auto bind = [](store::Statement& statement, const std::string& id, const std::string& ref,
                   const SuspectFields& f) {
      statement.bind_all(id, ref, f.surname, f.forenames, f.offence, f.harm, f.outstanding_since,
                         f.circulated_on, f.last_trace_on, f.officer_id, f.team_id);
    };
    write_records("suspect", SuspectsCsv::kFile, suspect_rows_, suspects_, insert, update, bind);
  }

  void write_bail() {
    if (bail_rows_.empty()) return;
    auto insert = db_.prepare(
        "INSERT INTO bail_cases (id, ref, surname, forenames, offence, arrested_on, case_type, "
        "status, officer_id, team_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    auto update = db_.prepare(
        "UPDATE bail_cases SET ref = ?2, surname = ?3, forenames = ?4, offence = ?5, "
        "arrested_on = ?6, case_type = ?7, status = ?8, officer_id = ?9, team_id = ?10 "
        "WHERE id = ?1");
    auto bind = [](store::Statement& statement, const std::string& id, const std::string& ref,
                   const BailFields& f) {
      statement.bind_all(id, ref, f.surname, f.forenames, f.offence, f.arrested_on, f.case_type,
                         f.status, f.officer_id, f.team_id);
    };
    write_records("bail_case", BailCsv::kFile, bail_rows_, bail_cases_, insert, update, bind);
  }

  // Upserts records keyed by ref: insert when new, update when any field differs.
  template <class Fields, class Bind>
  void write_records(const char* entity, std::string_view file,
                     std::vector<RecordRow<Fields>>& rows, StoredByRef<Fields>& stored,
                     store::Statement& insert, store::Statement& update, Bind bind) {
    auto& count = counts(file);
    stage(file, rows.size());
    std::int64_t done = 0;
    for (auto& row : rows) {
      progress_.update(++done);
      row.fields.officer_id = officer_id(row.officer);
      row.fields.team_id = team_id(row.team);
      auto found = stored.find(row.ref);
      if (found == stored.end()) {
        std::string id = base::make_uuid();
        bind(insert, id, row.ref, row.fields);
        insert.run();
        written_records_.push_back({entity, id, true, std::nullopt});
        stored.emplace(row.ref, Stored<Fields>{std::move(id), std::move(row.fields)});
        ++count.inserted;
        written_ = true;
      } else if (found->second.fields != row.fields) {
        bind(update, found->second.id, row.ref, row.fields);
        update.run();
        written_records_.push_back({entity, found->second.id, false, found->second.fields.team_id});
        found->second.fields = std::move(row.fields);
        ++count.updated;
        written_ = true;
      } else {
        ++count.unchanged;
      }
    }
  }

  // Inserts a fact unless an identical one is recorded (checked earlier: a different one would
  // have been a problem). True when inserted.
  template <class Facts>
  static bool add_fact(FactsByKey<Facts>& stored, const std::string& key, const Facts& facts) {
    auto& recorded = stored[key];
    if (std::find(recorded.begin(), recorded.end(), facts) != recorded.end()) return false;
    if (!recorded.empty()) {
      throw Error(ErrorCode::internal, "import: a conflicting fact passed the checks", key);
    }
    recorded.push_back(facts);
    return true;
  }

  void write_assessments() {
    if (assessment_rows_.empty()) return;
    auto insert = db_.prepare(
        "INSERT INTO assessments (id, nominal_id, assessed_on, risk_level, assessor_id) "
        "VALUES (?, ?, ?, ?, ?)");
    auto& count = counts(AssessmentsCsv::kFile);
    stage(AssessmentsCsv::kFile, assessment_rows_.size());
    std::int64_t done = 0;
    for (const auto& row : assessment_rows_) {
      progress_.update(++done);
      const std::string& nominal = nominal_id(row.nominal_ref);
      AssessmentFacts facts{row.risk_level, officer_id(row.assessor)};
      if (!add_fact(assessments_, fact_key(nominal, row.assessed_on), facts)) {
        ++count.unchanged;
        continue;
      }
      const std::string id = base::make_uuid();
      insert.bind_all(id, nominal, row.assessed_on, facts.risk_level, facts.assessor_id).run();
      written_records_.push_back({"assessment", id, true, std::nullopt});
      ++count.inserted;
      written_ = true;
    }
  }

  void write_plans() {
    if (plan_rows_.empty()) return;
    auto insert = db_.prepare(
        "INSERT INTO plans (id, nominal_id, started_on, visit_every_months, double_crewed) "
        "VALUES (?, ?, ?, ?, ?)");
    auto& count = counts(PlansCsv::kFile);
    stage(PlansCsv::kFile, plan_rows_.size());
    std::int64_t done = 0;
    for (const auto& row : plan_rows_) {
      progress_.update(++done);
      const std::string& nominal = nominal_id(row.nominal_ref);
      if (!add_fact(plans_, fact_key(nominal, row.started_on), row.facts)) {
        ++count.unchanged;
        continue;
      }
      const std::string id = base::make_uuid();
      insert
          .bind_all(id, nominal, row.started_on, row.facts.visit_every_months,
                    row.facts.double_crewed)
          .run();
      written_records_.push_back({"plan", id, true, std::nullopt});
      ++count.inserted;
      written_ = true;
    }
  }

  void write_visits() {
    if (visit_rows_.empty()) return;
    // The officer's statement of when it happened is all a spreadsheet has, so it is also when
    // it was recorded; received_at says when Vigil got it.
    auto insert = db_.prepare(
        "INSERT INTO visits (id, nominal_id, occurred_at, recorded_at, received_at, announced, "
        "outcome, recorded_by) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7)");
    auto attend = db_.prepare("INSERT INTO visit_attendees (visit_id, officer_id) VALUES (?, ?)");
    auto& count = counts(VisitsCsv::kFile);
    stage(VisitsCsv::kFile, visit_rows_.size());
    struct NewVisit {
      std::string id;
      const VisitRow* row;
      std::string nominal_id;
      std::string recorded_by;
      std::vector<std::string> attendee_ids;
    };
    std::vector<NewVisit> inserts;
    for (const auto& row : visit_rows_) {
      const std::string& nominal = nominal_id(row.nominal_ref);
      VisitFacts facts{row.announced, row.outcome, {}};
      for (const auto& username : row.attendees) {
        facts.attendee_ids.push_back(*officer_id(username));
      }
      std::string recorded_by = facts.attendee_ids.front();
      std::sort(facts.attendee_ids.begin(), facts.attendee_ids.end());
      if (!add_fact(visits_, fact_key(nominal, row.occurred_at), facts)) {
        ++count.unchanged;
        continue;
      }
      inserts.push_back({base::make_uuid(), &row, nominal, std::move(recorded_by),
                         std::move(facts.attendee_ids)});
    }
    // In id order, consecutive inserts touch neighbouring pages of the id indexes, not random ones.
    std::sort(inserts.begin(), inserts.end(),
              [](const NewVisit& a, const NewVisit& b) { return a.id < b.id; });
    std::int64_t done = count.unchanged;
    for (const auto& visit : inserts) {
      progress_.update(++done);
      insert
          .bind_all(visit.id, visit.nominal_id, visit.row->occurred_at, clock_.now_text,
                    visit.row->announced, visit.row->outcome, visit.recorded_by)
          .run();
      for (const auto& attendee : visit.attendee_ids) attend.bind_all(visit.id, attendee).run();
      written_records_.push_back({"visit", visit.id, true, std::nullopt});
      ++count.inserted;
      written_ = true;
    }
  }

  void write_audit() {
    std::string reason = "imported from " + dir_.string() + ":";
    bool first = true;
    for (auto file : kFileOrder) {
      auto found = result_.counts.find(std::string(file));
      if (found == result_.counts.end()) continue;
      const auto& c = found->second;
      reason += first ? " " : "; ";
      first = false;
      reason += std::string(file) + " " + std::to_string(c.rows) + " rows (" +
                std::to_string(c.inserted) + " inserted, " + std::to_string(c.updated) +
                " updated, " + std::to_string(c.unchanged) + " unchanged)";
    }
    if (teams_created_ > 0) reason += "; " + std::to_string(teams_created_) + " new teams";
    auto insert = db_.prepare(
        "INSERT INTO audit_log (id, occurred_at, action, entity, reason) VALUES (?, ?, ?, ?, ?)");
    insert.bind_all(base::make_uuid(), clock_.now_text, "import", "import", reason).run();
  }

  store::Database& db_;
  std::filesystem::path dir_;
  FileDescriptor dir_fd_;    // the folder, opened once: every file is opened relative to it
  bool unreadable_ = false;  // a file in it could not be read
  std::vector<sync::BackOfficeWrite> written_records_;  // logged for the tablets
  base::Progress& progress_;
  Clock clock_;
  ImportResult result_;
  std::vector<Table> tables_;

  // What the database holds, kept current as rows are written.
  std::unordered_map<std::string, std::string> team_ids_;       // by name
  std::unordered_map<std::string, StoredOfficer> officers_;     // by username
  std::set<std::pair<std::string, std::string>> supervisions_;  // (team id, officer id)
  StoredByRef<NominalFields> nominals_;
  StoredByRef<SuspectFields> suspects_;
  StoredByRef<BailFields> bail_cases_;
  FactsByKey<AssessmentFacts> assessments_;
  FactsByKey<PlanFacts> plans_;
  FactsByKey<VisitFacts> visits_;

  // Names the files define, so rows of later files may refer to them.
  std::unordered_set<std::string> new_usernames_;
  std::unordered_set<std::string> new_teams_;
  std::unordered_set<std::string> new_nominal_refs_;

  // Rows that passed every check, in file order.
  std::vector<OfficerRow> officer_rows_;
  std::vector<RecordRow<NominalFields>> nominal_rows_;
  std::vector<AssessmentRow> assessment_rows_;
  std::vector<PlanRow> plan_rows_;
  std::vector<VisitRow> visit_rows_;
  std::vector<RecordRow<SuspectFields>> suspect_rows_;
  std::vector<RecordRow<BailFields>> bail_rows_;

  std::optional<store::Statement> insert_team_;
  int teams_created_ = 0;
  bool written_ = false;
};

}  // namespace

ImportResult import_directory(store::Database& db, const std::filesystem::path& dir,
                              base::Progress& progress) {
  return Importer(db, dir, progress).run();
}

}  // namespace vigil::backoffice
