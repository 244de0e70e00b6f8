// `vigil`: the back-office command (docs/commands.md). Each subcommand parses its options,
// opens the database it names and calls core/ or the back-office library; nothing here holds a
// rule. Exit status: 0 success, 1 failure, 2 bad usage; errors are one sentence on stderr.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "vigil/base/cli.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/json.hpp"
#include "vigil/base/password.hpp"
#include "vigil/reports/compliance_report.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/reports/report_stamp.hpp"
#include "vigil/reports/safeguarding_report.hpp"
#include "vigil/reports/suspects_report.hpp"
#include "vigil/rules/bail.hpp"
#include "vigil/rules/notification.hpp"
#include "vigil/rules/overdue.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/store/backup.hpp"
#include "vigil/store/devices.hpp"
#include "vigil/store/officers.hpp"
#include "vigil/store/policy_versions.hpp"
#include "vigil/sync/back_office.hpp"
#include "vigil/sync/effective_visit.hpp"
#include "vigil/sync/read_audit.hpp"
#include "vigil/tools/batch.hpp"
#include "vigil/tools/import.hpp"
#include "vigil/tools/seed.hpp"

namespace {

namespace base = vigil::base;
namespace store = vigil::store;
namespace sync = vigil::sync;
namespace reports = vigil::reports;

struct Command {
  const char* name;  // "officer add"
  const char* usage;
  const char* summary;
  std::function<int(const base::Args&)> run;
  std::vector<base::Option> options;
};

// A failure of the command (not of its usage): printed as one sentence, exit status 1.
class Failure : public vigil::Error {
 public:
  explicit Failure(const std::string& sentence)
      : vigil::Error(vigil::ErrorCode::invalid_input, sentence) {}
};

vigil::Instant now() {
  return date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string now_instant() {
  return vigil::format_instant(now());
}

vigil::Date date_option(const base::Args& args, std::string_view name) {
  const std::string text = args.required(name);
  auto parsed = vigil::parse_date(text);
  if (!parsed) {
    throw base::UsageError("--" + std::string(name) + " '" + vigil::quoted_excerpt(text) +
                           "' is not a real date in the form YYYY-MM-DD");
  }
  return *parsed;
}

// The dates `vigil calc` works with: every date it prints is one it accepts (as calc visit's
// --as-of), so no answer is ever past what it, or anything reading its output, takes as a date.
// Each date option's range is this one narrowed by the longest period calc adds to it.
struct DateRange {
  vigil::Date first, last;
};
constexpr vigil::Date kCalcFirst{date::year{1900}, date::January, date::day{1}};
constexpr DateRange kCalcDates{kCalcFirst, {date::year{2199}, date::December, date::day{31}}};
// The longest bail timetable ends 18 months from the day after arrest (2199-06-30).
constexpr DateRange kArrestedDates{kCalcFirst, {date::year{2197}, date::December, date::day{31}}};
// A notification period is at most kMaxNotificationMonths (100 years) beginning with the
// relevant date (2199-12-30).
constexpr DateRange kRelevantDates{kCalcFirst, {date::year{2099}, date::December, date::day{31}}};
// A policy visits at least every 120 months (parse_policy's limit), so a visit is due by
// 2199-12-31.
constexpr DateRange kLastSeenDates{kCalcFirst, {date::year{2189}, date::December, date::day{31}}};

// "from A to B": how --help, the error and the check all state a range.
std::string range_text(const DateRange& range) {
  return "from " + vigil::format_date(range.first) + " to " + vigil::format_date(range.last);
}
std::string range_text(int low, int high) {
  return "from " + std::to_string(low) + " to " + std::to_string(high);
}

vigil::Date date_option(const base::Args& args, std::string_view name, const DateRange& range) {
  const vigil::Date value = date_option(args, name);
  if (value < range.first || value > range.last) {
    throw base::UsageError("--" + std::string(name) + " '" + vigil::format_date(value) +
                           "' must be a date " + range_text(range));
  }
  return value;
}

template <class E>
E enum_option(const base::Args& args, std::string_view name,
              std::optional<E> fallback = std::nullopt) {
  auto text = args.value(name);
  if (!text) {
    if (fallback) return *fallback;
    throw base::UsageError("missing --" + std::string(name));
  }
  auto parsed = vigil::parse_enum<E>(*text);
  if (!parsed) {
    throw base::UsageError("--" + std::string(name) + " '" + *text + "' is not one of " +
                           vigil::allowed_values<E>());
  }
  return *parsed;
}

int int_option(const base::Args& args, std::string_view name, int low, int high) {
  const std::string text = args.required(name);
  try {
    std::size_t used = 0;
    int value = std::stoi(text, &used);
    if (used == text.size() && value >= low && value <= high) return value;
  } catch (const std::exception&) {
  }
  throw base::UsageError("--" + std::string(name) + " '" + vigil::quoted_excerpt(text) +
                         "' must be a whole number " + range_text(low, high));
}

// The ranged options of a command, as --help lists them: the same words the checks use.
std::vector<std::pair<std::string, std::string>> option_ranges(std::string_view command) {
  if (command == "calc bail") return {{"--arrested DATE", range_text(kArrestedDates)}};
  if (command == "calc notification") {
    return {{"--relevant-date DATE", range_text(kRelevantDates)},
            {"--months N", range_text(1, vigil::kMaxNotificationMonths)},
            {"--age A", range_text(0, vigil::kMaxNotificationAge)}};
  }
  if (command == "calc visit") {
    return {{"--last-seen DATE", range_text(kLastSeenDates)},
            {"--as-of DATE", range_text(kCalcDates)}};
  }
  return {};
}

// A text option's value obeys the grammar of every text Vigil stores (valid UTF-8, no U+0000,
// at most `max` characters), else bad usage naming the option.
std::string text_option(const base::Args& args, std::string_view name, std::size_t max) {
  std::string value = args.required(name);
  if (auto problem = vigil::text_problem(value, "--" + std::string(name), max)) {
    throw base::UsageError(*problem);
  }
  return value;
}

// Opens an existing Vigil database at this build's schema version.
store::Database open_existing(const base::Args& args) {
  const std::filesystem::path path = args.required("db");
  if (!std::filesystem::exists(path)) {
    throw Failure("database " + path.string() +
                  " does not exist; create it with 'vigil init --db " + path.string() + "'");
  }
  store::Database db(path, {.create = false});
  store::require_current_schema(db);
  return db;
}

// Creates the database when missing and brings it to the current schema.
store::Database open_or_create(const std::filesystem::path& path) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  // A new database is its owner's alone, whatever the umask: it will hold every record, and
  // SQLite gives its -wal and -shm files the database's own mode.
  if (!std::filesystem::exists(path)) {
    const int made = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (made < 0) {
      throw Failure("could not make the database " + path.string() + ": " + std::strerror(errno));
    }
    ::close(made);
  }
  store::Database db(path);
  sync::migrate(db);
  return db;
}

void record_default_policy(store::Database& db, vigil::Date effective_from) {
  vigil::store::add_policy_version(
      db, vigil::default_policy(), effective_from, "National guidance",
      "Default policy shipped with Vigil: the historic national minimum "
      "visit frequencies, double crewing and review intervals.");
}

// The id of an existing team, or a Failure naming the team.
std::string existing_team_id(store::Database& db, const std::string& name) {
  auto id = vigil::store::find_team_id(db, name);
  if (!id) throw Failure("team '" + vigil::quoted_excerpt(name) + "' is not a known team");
  return *id;
}

std::string read_new_password() {
  std::string password = vigil::base::read_secret("Password: ");
  if (auto problem = vigil::base::password_problem(password)) throw Failure(*problem);
  return password;
}

// --- init --------------------------------------------------------------------------------------

int cmd_init(const base::Args& args) {
  const std::filesystem::path path = args.required("db");
  int from = 0;
  {
    if (std::filesystem::exists(path)) {
      store::Database probe(path, {.create = false});
      from = store::schema_version(probe);
    }
  }
  auto db = open_or_create(path);
  const bool needs_policy = vigil::store::latest_policy_version(db) == 0;
  if (needs_policy) record_default_policy(db, vigil::london_today());
  const int to = store::schema_version(db);
  if (args.flag("json")) {
    vigil::base::JsonWriter w;
    w.begin_object().field("db", path.string()).field("from_version", from);
    w.field("schema_version", to).field("policy_recorded", needs_policy).end_object();
    std::cout << w.str() << '\n';
  } else if (from == to) {
    std::cout << "Database " << path.string() << " is already at schema version " << to << ".\n";
  } else {
    std::cout << "Database " << path.string() << " is at schema version " << to
              << (from == 0 ? " (created)" : " (upgraded from " + std::to_string(from) + ")")
              << (needs_policy ? "; default policy recorded as version 1" : "") << ".\n";
  }
  return 0;
}

// --- officer -----------------------------------------------------------------------------------

int cmd_officer_add(const base::Args& args) {
  const std::string username = text_option(args, "username", vigil::kMaxShortText);
  const std::string name = text_option(args, "name", vigil::kMaxShortText);
  const auto role = enum_option<vigil::Role>(args, "role");
  const std::string team = text_option(args, "team", vigil::kMaxShortText);
  if (username.empty() || username.find_first_of(" ;,\t\r\n") != std::string::npos) {
    throw base::UsageError("--username '" + vigil::quoted_excerpt(username) +
                           "' must be one word without ';' or ','");
  }
  auto db = open_existing(args);
  if (vigil::store::find_officer(db, username))
    throw Failure("officer '" + username + "' already exists");
  const std::string hash = vigil::base::hash_password(read_new_password());
  store::Transaction transaction(db);
  const bool new_team = !vigil::store::find_team_id(db, team);
  const std::string team_id = vigil::store::ensure_team(db, team);
  const std::string id =
      vigil::store::add_officer(db, {{}, username, name, role, team}, team_id, hash, now_instant());
  // Tablets learn of the new officer (and team) at their next pull.
  std::vector<vigil::sync::BackOfficeWrite> written{{"officer", id, true, std::nullopt}};
  if (new_team) written.insert(written.begin(), {"team", team_id, true, std::nullopt});
  vigil::sync::log_back_office_writes(db, written, now());
  transaction.commit();
  std::cout << "Officer " << username << " (" << vigil::to_string(role) << ", " << team
            << ") added.\n";
  return 0;
}

// The officer with that username, or a Failure naming it.
vigil::store::Officer existing_officer(store::Database& db, const std::string& username) {
  auto officer = vigil::store::find_officer(db, username);
  if (!officer) {
    throw Failure("officer '" + vigil::quoted_excerpt(username) + "' is not a known officer");
  }
  return *officer;
}

int cmd_officer_password(const base::Args& args) {
  auto db = open_existing(args);
  const std::string username = args.required("username");
  existing_officer(db, username);
  vigil::store::set_password_hash(db, username, vigil::base::hash_password(read_new_password()));
  std::cout << "Password for " << username << " changed.\n";
  return 0;
}

// `officer disable` and `officer enable`: whether the officer may sign in (sync's
// set_officer_access, which the dashboard's door uses too).
std::function<int(const base::Args&)> officer_access_command(bool active) {
  return [active](const base::Args& args) {
    auto db = open_existing(args);
    const auto officer = existing_officer(db, args.required("username"));
    const int revoked =
        vigil::sync::set_officer_access(db, officer.id, active, {}, "officer disabled", now());
    if (args.flag("json")) {
      vigil::base::JsonWriter w;
      w.begin_object().field("username", officer.username).field("active", active);
      w.field("devices_revoked", revoked).end_object();
      std::cout << w.str() << '\n';
    } else if (active) {
      std::cout << "Officer " << officer.username << " enabled: they may sign in again.\n";
    } else {
      std::cout << "Officer " << officer.username << " disabled: sign-in refused and "
                << vigil::counted(revoked, "device") << " revoked.\n";
    }
    return 0;
  };
}

int cmd_officer_list(const base::Args& args) {
  auto db = open_existing(args);
  const auto officers = vigil::store::list_officers(db);
  if (args.flag("json")) {
    vigil::base::JsonWriter w;
    w.begin_object().key("items").begin_array();
    for (const auto& o : officers) {
      w.begin_object().field("username", o.username).field("name", o.name);
      w.field("role", vigil::to_string(o.role)).field("team", o.team).end_object();
    }
    w.end_array().end_object();
    std::cout << w.str() << '\n';
    return 0;
  }
  std::printf("%-20s %-28s %-11s %s\n", "USERNAME", "NAME", "ROLE", "TEAM");
  for (const auto& o : officers) {
    std::printf("%-20s %-28s %-11s %s\n", o.username.c_str(), o.name.c_str(),
                std::string(vigil::to_string(o.role)).c_str(), o.team.c_str());
  }
  return 0;
}

// --- import and seed ---------------------------------------------------------------------------

int cmd_import(const base::Args& args) {
  if (args.positionals().size() != 1) throw base::UsageError("import needs exactly one directory");
  auto db = open_existing(args);
  auto progress = vigil::base::Progress::on_terminal();
  auto result = vigil::backoffice::import_directory(db, args.positionals().front(), progress);
  progress.finish();
  if (!result.ok()) {
    for (const auto& problem : result.problems) {
      std::cerr << problem.file;
      if (problem.line > 0) std::cerr << ':' << problem.line;
      std::cerr << ": " << problem.reason << '\n';
    }
    std::cerr << "vigil: nothing was imported: " << result.problems.size()
              << (result.problems.size() == 1 ? " problem" : " problems") << " found.\n";
    return 1;
  }
  if (args.flag("json")) {
    vigil::base::JsonWriter w;
    w.begin_object().key("files").begin_object();
    for (const auto& [file, c] : result.counts) {
      w.key(file).begin_object().field("rows", c.rows).field("inserted", c.inserted);
      w.field("updated", c.updated).field("unchanged", c.unchanged).end_object();
    }
    w.end_object().end_object();
    std::cout << w.str() << '\n';
    return 0;
  }
  for (const auto& [file, c] : result.counts) {
    std::cout << file << ": " << c.rows << " rows, " << c.inserted << " new, " << c.updated
              << " updated, " << c.unchanged << " unchanged\n";
  }
  return 0;
}

int cmd_seed(const base::Args& args) {
  vigil::backoffice::SeedOptions options;
  const std::string profile = args.required("profile");
  if (profile == "demo") {
    options.profile = vigil::backoffice::SeedProfile::demo;
  } else if (profile == "force") {
    options.profile = vigil::backoffice::SeedProfile::force;
  } else if (profile == "national") {
    options.profile = vigil::backoffice::SeedProfile::national;
  } else {
    throw base::UsageError("--profile '" + profile + "' is not one of demo|force|national");
  }
  if (args.value("seed"))
    options.seed = static_cast<std::uint64_t>(int_option(args, "seed", 0, 2147483647));
  options.as_of = args.value("as-of") ? date_option(args, "as-of") : vigil::london_today();
  auto db = open_or_create(args.required("db"));
  auto progress = vigil::base::Progress::on_terminal();
  const auto counts = vigil::backoffice::seed_database(db, options, progress);
  progress.finish();
  if (args.flag("json")) {
    vigil::base::JsonWriter w;
    w.begin_object().field("profile", profile).field("as_of", vigil::format_date(options.as_of));
    w.key("rows").begin_object();
    for (const auto& [table, n] : counts) w.field(table, static_cast<std::int64_t>(n));
    w.end_object().end_object();
    std::cout << w.str() << '\n';
    return 0;
  }
  std::cout << "Seeded the " << profile << " profile as of " << vigil::format_date(options.as_of)
            << " into " << args.required("db") << ":\n";
  for (const auto& [table, n] : counts) std::cout << "  " << table << ": " << n << '\n';
  return 0;
}

// --- calc --------------------------------------------------------------------------------------

int cmd_calc_bail(const base::Args& args) {
  const auto arrested = date_option(args, "arrested", kArrestedDates);
  const auto case_type = enum_option<vigil::CaseType>(args, "case-type", vigil::CaseType::standard);
  const auto timetable = vigil::bail_timetable(arrested, case_type);
  if (args.flag("json")) {
    vigil::base::JsonWriter w;
    w.begin_object().field("bail_start", vigil::format_date(timetable.bail_start));
    w.field("regime", vigil::to_string(timetable.regime)).key("stages").begin_array();
    for (const auto& stage : timetable.stages) {
      w.begin_object().field("authority", vigil::to_string(stage.authority));
      w.field("ends", vigil::format_date(stage.ends)).end_object();
    }
    w.end_array().end_object();
    std::cout << w.str() << '\n';
    return 0;
  }
  std::cout << "Bail starts " << vigil::format_date(timetable.bail_start) << " (regime "
            << vigil::to_string(timetable.regime) << ").\n";
  if (timetable.stages.empty()) std::cout << "No statutory limit applies.\n";
  for (const auto& stage : timetable.stages) {
    std::cout << "  " << vigil::to_string(stage.authority) << " may authorise to "
              << vigil::format_date(stage.ends) << '\n';
  }
  return 0;
}

int cmd_calc_notification(const base::Args& args) {
  vigil::NotificationPeriodInput input{date_option(args, "relevant-date", kRelevantDates),
                                       enum_option<vigil::Disposal>(args, "disposal"),
                                       std::nullopt,
                                       std::nullopt,
                                       std::nullopt,
                                       false};
  if (args.value("months")) {
    input.months = int_option(args, "months", 1, vigil::kMaxNotificationMonths);
  }
  if (args.value("age")) input.age = int_option(args, "age", 0, vigil::kMaxNotificationAge);
  const auto period = vigil::notification_period(input);
  if (!period.error.empty()) throw base::UsageError(period.error);
  if (args.flag("json")) {
    vigil::base::JsonWriter w;
    w.begin_object().field("indefinite", period.indefinite);
    w.key("ends");
    if (period.ends) {
      w.value(vigil::format_date(*period.ends));
    } else {
      w.null();
    }
    w.end_object();
    std::cout << w.str() << '\n';
    return 0;
  }
  if (period.indefinite) {
    std::cout << "Notification is indefinite";
    if (period.review_after_years) {
      std::cout << " (review possible after " << *period.review_after_years << " years)";
    }
    std::cout << ".\n";
  } else {
    std::cout << "Notification period ends " << vigil::format_date(*period.ends) << ".\n";
  }
  return 0;
}

int cmd_calc_visit(const base::Args& args) {
  const auto risk = enum_option<vigil::RiskLevel>(args, "risk");
  const auto last_seen = date_option(args, "last-seen", kLastSeenDates);
  const auto as_of = date_option(args, "as-of", kCalcDates);
  vigil::Policy policy = vigil::default_policy();
  if (args.value("db")) {
    auto db = open_existing(args);
    policy = vigil::store::policy_in_force(db, as_of);
  }
  vigil::NominalFacts facts;
  facts.recorded_risk = risk;
  // Midday in London is on the given civil date whatever the season.
  facts.last_seen_at = vigil::london_midnight(last_seen) + std::chrono::hours(12);
  const auto due = vigil::next_visit_due(facts, policy).value();
  const int late = vigil::days_overdue(due, as_of);
  if (args.flag("json")) {
    vigil::base::JsonWriter w;
    w.begin_object().field("due", vigil::format_date(due)).field("days_overdue", late).end_object();
    std::cout << w.str() << '\n';
    return 0;
  }
  std::cout << "Next visit due " << vigil::format_date(due);
  if (late > 0) std::cout << ": " << vigil::counted(late, "day") << " overdue";
  std::cout << ".\n";
  return 0;
}

// --- report ------------------------------------------------------------------------------------

// What every dated report command takes: its database, --as-of, --format and --team (one team,
// or the force).
struct ReportRequest {
  store::Database db;
  vigil::Date as_of;
  std::string format;
  vigil::reports::ReportScope scope;
};

// A report's --format: table, json or csv (--json: json; neither: table).
std::string report_format(const base::Args& args) {
  std::string format = args.value("format").value_or(args.flag("json") ? "json" : "table");
  if (format != "table" && format != "json" && format != "csv") {
    throw base::UsageError("--format '" + format + "' is not one of table|json|csv");
  }
  return format;
}

// A report's --team, the one team it covers (none: the force).
std::vector<std::string> report_teams(store::Database& db, const base::Args& args) {
  std::vector<std::string> teams;
  if (auto team = args.value("team")) {
    existing_team_id(db, *team);  // an unknown team is an error, not an empty report
    teams.push_back(*team);
  }
  return teams;
}

ReportRequest report_request(const base::Args& args) {
  ReportRequest r{open_existing(args), date_option(args, "as-of"), report_format(args), {}};
  r.scope.teams = report_teams(r.db, args);
  return r;
}

// `vigil report KIND`: the dated report `kind`, in the format asked for: JSON stamped with its
// scope's freshness, CSV, or the table.
template <class Report>
std::function<int(const base::Args&)> report_command(const reports::DatedReport<Report>& kind) {
  return [&kind](const base::Args& args) {
    auto [db, as_of, format, scope] = report_request(args);
    const Report report = kind.make(db, as_of, scope);
    if (format == "json") {
      const auto stamp = reports::stamp_report(db, as_of, scope.teams, now());
      std::cout << kind.json(report, &stamp) << '\n';
    } else {
      std::cout << (format == "csv" ? kind.csv(report) : kind.table(report));
    }
    return 0;
  };
}

int cmd_report_devices(const base::Args& args) {
  auto db = open_existing(args);
  const std::string format = report_format(args);
  const auto teams = report_teams(db, args);
  const auto at = now();
  const auto stamp = vigil::reports::stamp_report(db, vigil::london_date(at), teams, at);
  if (format == "json") {
    std::cout << vigil::reports::devices_report_json(stamp, at) << '\n';
  } else if (format == "csv") {
    std::cout << vigil::reports::devices_report_csv(stamp, at);
  } else {
    std::printf("%-36s  %-14s  %-10s  %-20s  %7s  %10s  %s\n", "DEVICE", "OFFICER", "TEAM",
                "LAST CONTACT", "PENDING", "SKEW (MS)", "");
    for (const auto& d : stamp.devices) {
      std::printf("%-36s  %-14s  %-10s  %-20s  %7s  %10s  %s\n", d.id.c_str(), d.officer.c_str(),
                  d.team.c_str(), d.last_contact_at.value_or("never").c_str(),
                  d.pending_changes ? std::to_string(*d.pending_changes).c_str() : "",
                  d.clock_skew_ms ? std::to_string(*d.clock_skew_ms).c_str() : "",
                  vigil::reports::silent_with_changes(d, at)
                      ? ("silent over 24 hours with changes waiting since " +
                         d.oldest_pending_at.value_or("before its last contact"))
                            .c_str()
                  : vigil::reports::silent_over_24h(d, at) ? "silent over 24 hours"
                                                           : "");
    }
  }
  return 0;
}

// --- policy ------------------------------------------------------------------------------------

int cmd_policy_show(const base::Args& args) {
  auto db = open_existing(args);
  const auto as_of = args.value("as-of") ? date_option(args, "as-of") : vigil::london_today();
  const auto policy = vigil::store::policy_in_force(db, as_of);
  std::cout << vigil::policy_to_json(policy) << '\n';
  return 0;
}

int cmd_policy_add(const base::Args& args) {
  auto db = open_existing(args);
  const std::filesystem::path file = args.required("file");
  std::ifstream in(file);
  if (!in) throw Failure("cannot read policy file " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = vigil::parse_policy(text.str());
  if (!parsed.policy) throw Failure(file.string() + ": " + parsed.error);
  const auto approved_by = text_option(args, "approved-by", vigil::kMaxShortText);
  const auto rationale = text_option(args, "rationale", vigil::kMaxLongText);
  if (approved_by.empty() || rationale.empty()) {
    throw base::UsageError("a policy change needs who approved it and why");
  }
  store::Transaction transaction(db);
  const int version = vigil::store::add_policy_version(
      db, *parsed.policy, date_option(args, "effective"), approved_by, rationale);
  auto id = db.prepare("SELECT id FROM policy_versions WHERE version = ?");
  id.bind_all(version);
  id.step();
  // Tablets work out what is due with the new version from its effective date.
  vigil::sync::log_back_office_writes(
      db, {{"policy_version", id.column_text(0), true, std::nullopt}}, now());
  transaction.commit();
  std::cout << "Policy version " << version << " recorded.\n";
  return 0;
}

// --- backup and restore ------------------------------------------------------------------------

// What a copy holds and how it was checked, as `vigil backup` and `vigil restore` say it.
void print_copy(const vigil::store::CopyReport& copy, std::string_view done, bool json) {
  const auto rows = [&](std::string_view table) {
    for (const auto& t : copy.tables) {
      if (t.table == table) return t.rows;
    }
    return std::int64_t{0};
  };
  if (json) {
    vigil::base::JsonWriter w;
    w.begin_object().fields(
        {base::member("from", copy.from.string()), base::member("to", copy.to.string()),
         base::member("bytes", static_cast<std::int64_t>(copy.bytes)),
         base::member("schema_version", copy.schema_version),
         base::member("last_change", copy.last_change), base::member("integrity", "ok")});
    w.key("tables").begin_object();
    for (const auto& t : copy.tables) w.field(t.table, t.rows);
    w.end_object().end_object();
    std::cout << w.str() << '\n';
    return;
  }
  std::cout << done << " " << copy.from.string() << " to " << copy.to.string() << ": "
            << (copy.bytes >> 20) << " MiB, schema version " << copy.schema_version
            << ", changes up to " << copy.last_change << ".\n"
            << "Checked: SQLite's integrity check passed, and each of its " << copy.tables.size()
            << " tables holds the rows its source held at that moment ("
            << vigil::counted(rows("nominals"), "nominal") << ", "
            << vigil::counted(rows("visits"), "visit") << ", "
            << vigil::counted(rows("changes"), "change") << ", "
            << vigil::counted(rows("audit_log"), "audit row") << ").\n";
}

int cmd_backup(const base::Args& args) {
  const auto copy = vigil::store::backup_database(args.required("db"), args.required("out"));
  print_copy(copy, "Backed up", args.flag("json"));
  return 0;
}

int cmd_restore(const base::Args& args) {
  const auto copy = vigil::store::restore_database(args.required("from"), args.required("db"));
  print_copy(copy, "Restored", args.flag("json"));
  if (!args.flag("json") && copy.schema_version < store::latest_schema_version()) {
    std::cout << "The backup is at schema version " << copy.schema_version
              << ": run vigil init --db " << copy.to.string() << " to upgrade it to "
              << store::latest_schema_version() << " before serving it.\n";
  }
  return 0;
}

// --- device ------------------------------------------------------------------------------------

int cmd_device_list(const base::Args& args) {
  auto db = open_existing(args);
  const auto devices = vigil::store::list_devices(db);
  if (args.flag("json")) {
    std::cout << vigil::store::devices_json(devices) << '\n';
    return 0;
  }
  std::printf("%-36s  %-20s  %-14s  %-10s  %-20s  %s\n", "DEVICE", "NAME", "OFFICER", "TEAM",
              "LAST CONTACT", "STATE");
  for (const auto& d : devices) {
    std::printf("%-36s  %-20s  %-14s  %-10s  %-20s  %s\n", d.id.c_str(), d.name.c_str(),
                d.officer.c_str(), d.team.c_str(), d.last_contact_at.value_or("never").c_str(),
                d.revoked_at ? ("revoked " + *d.revoked_at).c_str() : "active");
  }
  return 0;
}

int cmd_device_revoke(const base::Args& args) {
  const std::string id = text_option(args, "id", vigil::kMaxShortText);
  const std::string reason =
      args.value("reason") ? text_option(args, "reason", vigil::kMaxLongText) : "";
  auto db = open_existing(args);
  if (!vigil::store::device_team(db, id)) {
    throw Failure("there is no device with id " + vigil::quoted_excerpt(id));
  }
  const bool revoked = vigil::store::revoke_device(db, id, {}, reason, now_instant());
  std::cout << (revoked ? "Device " + id +
                              " revoked; it will be told to wipe its store at its "
                              "next contact.\n"
                        : "Device " + id + " was already revoked.\n");
  return 0;
}

// Exit status when a device's read audit is broken, as for any broken invariant: a scheduler
// running this can alert on it.
constexpr int kExitBroken = 3;

int cmd_audit_verify(const base::Args& args) {
  auto db = open_existing(args);
  const auto breaks = vigil::sync::verify_read_chains(db);
  if (args.flag("json")) {
    vigil::base::JsonWriter w;
    w.begin_object().field("whole", breaks.empty()).key("breaks").begin_array();
    for (const auto& b : breaks) {
      w.object({base::member("device_id", b.device_id), base::member("chain_index", b.chain_index),
                base::member("problem", b.problem)});
    }
    w.end_array().end_object();
    std::cout << w.str() << '\n';
  } else if (breaks.empty()) {
    std::cout << "Every device's read audit is whole.\n";
  } else {
    for (const auto& b : breaks) {
      std::cout << "device " << b.device_id << ": " << b.problem << '\n';
    }
  }
  return breaks.empty() ? 0 : kExitBroken;
}

// What a row of the audit trail says, on a terminal: control characters shown as '?', so a
// reason a hostile tablet wrote cannot drive the terminal that shows it.
std::string printable(const std::optional<std::string>& text) {
  return text ? vigil::quoted_excerpt(*text, std::string::npos) : "-";
}

int cmd_audit_show(const base::Args& args) {
  auto db = open_existing(args);
  std::optional<std::string> officer_id;
  if (auto username = args.value("officer")) officer_id = existing_officer(db, *username).id;
  std::optional<std::string> since;
  if (args.value("since")) {
    since = vigil::format_instant(vigil::london_midnight(date_option(args, "since")));
  }
  // Oldest first; rows stamped alike in the order they were written. Instants are stored as
  // 'YYYY-MM-DDTHH:MM:SSZ', which sorts as text.
  auto rows = db.prepare(
      "SELECT a.occurred_at, o.username, a.device_id, a.action, a.entity, a.entity_id, a.reason "
      "FROM audit_log a LEFT JOIN officers o ON o.id = a.officer_id "
      "WHERE (?1 IS NULL OR a.officer_id = ?1) AND (?2 IS NULL OR a.occurred_at >= ?2) "
      "ORDER BY a.occurred_at, a.rowid");
  rows.bind(1, officer_id).bind(2, since);
  const bool json = args.flag("json");
  // Written a row at a time: a force's trail runs to millions of rows.
  if (json) {
    std::cout << '[';
  } else {
    std::printf("%-20s  %-14s  %-36s  %-11s  %-14s  %-36s  %s\n", "OCCURRED AT", "OFFICER",
                "DEVICE", "ACTION", "ENTITY", "ENTITY ID", "REASON");
  }
  bool first = true;
  while (rows.step()) {
    const auto username = rows.column_optional_text(1);
    const auto device = rows.column_optional_text(2);
    const auto entity_id = rows.column_optional_text(5);
    if (json) {
      vigil::base::JsonWriter w;
      w.object({base::member("occurred_at", rows.column_text(0)), base::member("officer", username),
                base::member("device_id", device), base::member("action", rows.column_text(3)),
                base::member("entity", rows.column_text(4)), base::member("entity_id", entity_id),
                base::member("reason", rows.column_text(6))});
      std::cout << (first ? "" : ",") << w.str();
    } else {
      std::printf("%-20s  %-14s  %-36s  %-11s  %-14s  %-36s  %s\n",
                  printable(rows.column_text(0)).c_str(), printable(username).c_str(),
                  printable(device).c_str(), printable(rows.column_text(3)).c_str(),
                  printable(rows.column_text(4)).c_str(), printable(entity_id).c_str(),
                  printable(rows.column_text(6)).c_str());
    }
    first = false;
  }
  if (json) std::cout << "]\n";
  return 0;
}

// --- batch -------------------------------------------------------------------------------------

int cmd_batch(const base::Args& args) {
  const auto as_of = date_option(args, "as-of");
  const std::filesystem::path out = args.required("out");
  std::optional<std::string> signing_key;
  if (const auto file = args.value("sign-key")) {
    signing_key = vigil::backoffice::read_signing_key(*file);
  }
  auto db = open_existing(args);
  auto progress = vigil::base::Progress::on_terminal();
  const auto result = vigil::backoffice::run_batch(db, as_of, out, now(), progress, signing_key);
  const auto& r = result.reconciliation;
  if (args.flag("json")) {
    std::cout << vigil::backoffice::reconciliation_json(r);
  } else {
    std::cout << "Wrote " << result.files.size() << " files for " << vigil::format_date(as_of)
              << " to " << out.string() << ".\n";
    for (const auto& check : r.invariants) {
      std::cout << (check.findings.empty() ? "  ok      " : "  BROKEN  ") << check.description;
      if (!check.findings.empty()) std::cout << " (" << check.findings.size() << ")";
      std::cout << '\n';
    }
    for (const auto& flag : r.flags) {
      std::cout << "  flag    " << flag.description << " (" << flag.findings.size() << ")\n";
    }
  }
  if (!r.clean()) {
    std::cerr << "vigil: the data breaks "
              << std::count_if(r.invariants.begin(), r.invariants.end(),
                               [](const auto& c) { return !c.findings.empty(); })
              << " of its invariants; the breaches are listed in "
              << (out / "reconcile.json").string() << '\n';
    return kExitBroken;
  }
  return 0;
}

int cmd_batch_keygen(const base::Args& args) {
  const auto files = vigil::backoffice::make_batch_key(args.required("out"));
  std::cout << "Wrote the private key " << files.private_key.string()
            << " (keep it to the nightly run's user) and the public key "
            << files.public_key.string() << " (give it to whoever checks the output).\n"
            << "Fingerprint: " << files.fingerprint << '\n';
  return 0;
}

int cmd_batch_verify(const base::Args& args) {
  if (args.positionals().size() != 1) {
    throw base::UsageError("name the one folder a nightly run wrote");
  }
  const std::filesystem::path folder = args.positionals().front();
  std::optional<std::string> as_of;
  if (args.value("as-of")) as_of = vigil::format_date(date_option(args, "as-of"));
  const auto check = vigil::backoffice::verify_output(folder, args.required("public-key"), as_of);
  if (args.flag("json")) {
    vigil::base::JsonWriter w;
    w.begin_object()
        .fields({base::member("verified", check.problems.empty()),
                 base::member("files", static_cast<std::int64_t>(check.files)),
                 base::member("fingerprint", check.fingerprint), base::member("as_of", check.as_of),
                 base::member("run_at", check.run_at), base::member("clean", check.clean)})
        .key("problems")
        .begin_array();
    for (const auto& problem : check.problems) w.value(problem);
    w.end_array().end_object();
    std::cout << w.str() << '\n';
  } else if (check.problems.empty()) {
    std::cout << folder.string() << ": the run for " << check.as_of << ", made at " << check.run_at
              << (check.clean ? " (data whole)" : " (data broken)") << ": the " << check.files
              << " files its manifest lists are as the nightly run wrote them, and the manifest "
                 "is signed by the key "
              << check.fingerprint << ".\n";
  } else {
    for (const auto& problem : check.problems)
      std::cout << folder.string() << ": " << problem << '\n';
  }
  return check.problems.empty() ? 0 : kExitBroken;
}

// --- dispatch ----------------------------------------------------------------------------------

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"init",
       "vigil init --db DB [--json]",
       "Create a Vigil database, or upgrade one to this version's schema.",
       cmd_init,
       {{"db"}, {"json", false}}},
      {"backup",
       "vigil backup --db DB --out FILE [--json]",
       "Copy the database to FILE as of one moment, safely while a server writes to it (SQLite's "
       "online backup), then check the copy (integrity check; every table's rows counted against "
       "the database at that moment) and say so. FILE must not exist: a backup is never written "
       "over.",
       cmd_backup,
       {{"db"}, {"out"}, {"json", false}}},
      {"restore",
       "vigil restore --from FILE --db DB [--json]",
       "Replace DB with the backup FILE, after checking the backup; refused while a server has DB "
       "open (stop it first). One transaction: cut off part-way, DB is as it was.",
       cmd_restore,
       {{"from"}, {"db"}, {"json", false}}},
      {"officer add",
       "vigil officer add --db DB --username U --name N --role officer|supervisor|admin --team T",
       "Add an officer; the password is read from standard input (not echoed on a terminal).",
       cmd_officer_add,
       {{"db"}, {"username"}, {"name"}, {"role"}, {"team"}}},
      {"officer password",
       "vigil officer password --db DB --username U",
       "Set an officer's password, read from standard input.",
       cmd_officer_password,
       {{"db"}, {"username"}}},
      {"officer list",
       "vigil officer list --db DB [--json]",
       "List officers by team.",
       cmd_officer_list,
       {{"db"}, {"json", false}}},
      {"officer disable",
       "vigil officer disable --db DB --username U [--json]",
       "Refuse the officer's sign-in and revoke every device of theirs (audited, reason "
       "\"officer disabled\"); tablets learn of it at their next sync.",
       officer_access_command(false),
       {{"db"}, {"username"}, {"json", false}}},
      {"officer enable",
       "vigil officer enable --db DB --username U [--json]",
       "Let a disabled officer sign in again; their revoked devices stay revoked, so they enrol "
       "afresh.",
       officer_access_command(true),
       {{"db"}, {"username"}, {"json", false}}},
      {"audit verify",
       "vigil audit verify --db DB [--json]",
       "Check every device's hash-chained read audit: exit status 3 when one is broken.",
       cmd_audit_verify,
       {{"db"}, {"json", false}}},
      {"audit show",
       "vigil audit show --db DB [--officer U] [--since DATE] [--json]",
       "List the audit trail oldest first: when, officer, device, action, record and reason; "
       "--since from the start of that date in London.",
       cmd_audit_show,
       {{"db"}, {"officer"}, {"since"}, {"json", false}}},
      {"batch",
       "vigil batch --db DB --as-of DATE --out DIR [--sign-key FILE] [--json]",
       "The nightly run: check the data's invariants, flag what the morning meeting should see, "
       "write the reports, a printable summary and a manifest into DIR, and store the night's "
       "backlog for the trend. Exit status 3 only when the data is broken (an integrity "
       "invariant); what practice missed (visits below their crew, nominals without a plan) is "
       "flagged and never fails the run. With --sign-key (from vigil batch keygen), manifest.sig "
       "signs the manifest.",
       cmd_batch,
       {{"db"}, {"as-of"}, {"out"}, {"sign-key"}, {"json", false}}},
      {"batch keygen",
       "vigil batch keygen --out DIR",
       "Make the nightly run's Ed25519 signing key pair in DIR: batch-signing.key (private, "
       "owner-only) and batch-signing.pub; refuses to replace either.",
       cmd_batch_keygen,
       {{"out"}}},
      {"batch verify",
       "vigil batch verify DIR --public-key FILE [--as-of DATE] [--json]",
       "Check a nightly run's output folder: every file as the manifest lists it, none added or "
       "removed, the manifest signed under the public key and, with --as-of, the run of that "
       "date. Exit status 3 when anything differs.",
       cmd_batch_verify,
       {{"public-key"}, {"as-of"}, {"json", false}}},
      {"device list",
       "vigil device list --db DB [--json]",
       "List the devices officers have signed in on, with last contact and state.",
       cmd_device_list,
       {{"db"}, {"json", false}}},
      {"device revoke",
       "vigil device revoke --db DB --id DEVICE [--reason TEXT]",
       "Revoke a device: its next request is refused and it is told to wipe its store.",
       cmd_device_revoke,
       {{"db"}, {"id"}, {"reason"}}},
      {"import",
       "vigil import --db DB DIR [--json]",
       "Import a force's CSV files from DIR: all or nothing, every bad row named.",
       cmd_import,
       {{"db"}, {"json", false}}},
      {"seed",
       "vigil seed --db DB --profile demo|force|national [--seed N] [--as-of DATE] [--json]",
       "Fill a new database with synthetic but realistic data.",
       cmd_seed,
       {{"db"}, {"profile"}, {"seed"}, {"as-of"}, {"json", false}}},
      {"calc bail",
       "vigil calc bail --arrested DATE [--case-type standard|serious_fraud] [--json]",
       "Pre-charge bail periods and who may authorise each stage.",
       cmd_calc_bail,
       {{"arrested"}, {"case-type"}, {"json", false}}},
      {"calc notification",
       "vigil calc notification --relevant-date DATE --disposal prison|hospital|"
       "hospital_restricted|caution|conditional_discharge|other [--months N] [--age A] [--json]",
       "A registered sex offender's notification period.",
       cmd_calc_notification,
       {{"relevant-date"}, {"disposal"}, {"months"}, {"age"}, {"json", false}}},
      {"calc visit",
       "vigil calc visit --risk low|medium|high|very_high --last-seen DATE --as-of DATE [--db DB] "
       "[--json]",
       "When the next visit is due and how late it is (policy from --db, else the defaults).",
       cmd_calc_visit,
       {{"risk"}, {"last-seen"}, {"as-of"}, {"db"}, {"json", false}}},
      {"report overdue",
       "vigil report overdue --db DB --as-of DATE [--team T] [--format table|json|csv]",
       "Every overdue visit, assessment, plan review, action and notification, by priority.",
       report_command(reports::kOverdueReport),
       {{"db"}, {"as-of"}, {"team"}, {"format"}, {"json", false}}},
      {"report suspects",
       "vigil report suspects --db DB --as-of DATE [--team T] [--format table|json|csv]",
       "Bail ending within 7 days or ended, with who must extend it; RUI reviews due; "
       "outstanding suspects by priority; bail and RUI per 1,000 arrests.",
       report_command(reports::kSuspectsReport),
       {{"db"}, {"as-of"}, {"team"}, {"format"}, {"json", false}}},
      {"report safeguarding",
       "vigil report safeguarding --db DB --as-of DATE [--team T] [--format table|json|csv]",
       "Safeguarding referrals without feedback, with their timers and those to chase; young "
       "people with three or more encounters (the policy's number), by anonymised number.",
       report_command(reports::kSafeguardingReport),
       {{"db"}, {"as-of"}, {"team"}, {"format"}, {"json", false}}},
      {"report compliance",
       "vigil report compliance --db DB --as-of DATE [--team T] [--format table|json|csv]",
       "Under-crewed visits, pre-arranged share by officer and month, plan defects, caseloads "
       "against 1:50, repeated solo visits.",
       report_command(reports::kComplianceReport),
       {{"db"}, {"as-of"}, {"team"}, {"format"}, {"json", false}}},
      {"report devices",
       "vigil report devices --db DB [--team T] [--format table|json|csv]",
       "Tablets not revoked: last contact, changes pending then, clock skew, silent over 24 hours.",
       cmd_report_devices,
       {{"db"}, {"team"}, {"format"}, {"json", false}}},
      {"policy show",
       "vigil policy show --db DB [--as-of DATE]",
       "Print the policy in force on a date.",
       cmd_policy_show,
       {{"db"}, {"as-of"}}},
      {"policy add",
       "vigil policy add --db DB --file POLICY.json --effective DATE --approved-by NAME "
       "--rationale TEXT",
       "Record a new policy version, with who approved it, from when and why.",
       cmd_policy_add,
       {{"db"}, {"file"}, {"effective"}, {"approved-by"}, {"rationale"}}},
  };
  return all;
}

void print_overview(std::ostream& out) {
  out << "vigil: the back office of Vigil (offender and suspect management).\n\nCommands:\n";
  for (const auto& command : commands()) {
    out << "  " << command.usage << "\n      " << command.summary << "\n";
  }
  out << "\nEvery command takes --help. Exit status: 0 done, 1 failed, 2 bad usage, 3 broken "
         "data (audit verify, batch).\n";
}

int run(const std::vector<std::string>& words) {
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    print_overview(words.empty() ? std::cerr : std::cout);
    return words.empty() ? vigil::base::kExitUsage : vigil::base::kExitOk;
  }
  // Longest match first: "officer add" before "officer".
  const Command* chosen = nullptr;
  std::size_t used = 0;
  for (const auto& command : commands()) {
    std::istringstream name(command.name);
    std::vector<std::string> parts{std::istream_iterator<std::string>(name), {}};
    if (parts.size() <= words.size() && std::equal(parts.begin(), parts.end(), words.begin()) &&
        parts.size() > used) {
      chosen = &command;
      used = parts.size();
    }
  }
  if (chosen == nullptr) {
    std::string known;
    for (const auto& command : commands()) {
      if (std::string(command.name).rfind(words[0] + " ", 0) == 0) {
        known += known.empty() ? "" : ", ";
        known += command.name;
      }
    }
    throw base::UsageError(known.empty() ? "unknown command '" + words[0] + "'; see vigil --help"
                                         : "'" + words[0] + "' needs a subcommand: " + known);
  }
  std::vector<std::string> rest(words.begin() + static_cast<std::ptrdiff_t>(used), words.end());
  base::Args args(rest, chosen->options);
  if (args.help()) {
    std::cout << "usage: " << chosen->usage << "\n\n" << chosen->summary << '\n';
    if (const auto ranges = option_ranges(chosen->name); !ranges.empty()) {
      std::size_t width = 0;
      for (const auto& ranged : ranges) width = std::max(width, ranged.first.size());
      std::cout << "\nRanges:\n";
      for (const auto& [option, range] : ranges) {
        std::cout << "  " << option << std::string(width - option.size() + 2, ' ') << range << '\n';
      }
    }
    return vigil::base::kExitOk;
  }
  // Only import and batch verify take a folder without an option's name.
  if (!args.positionals().empty() && std::string(chosen->name) != "import" &&
      std::string(chosen->name) != "batch verify") {
    throw base::UsageError("unexpected argument '" + args.positionals().front() + "'");
  }
  return chosen->run(args);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  return base::run_program("vigil", [&] { return run(words); });
}
