// vigil-bench: Vigil's benchmarks. Each benchmark is a subcommand that prints its figures and
// writes them as JSON, so runs on different days or builds can be compared (DESIGN.md "House
// style": benchmarks are programs, not timed tests). Run the release build: tools/dev bench.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "vigil/core/cli.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/json.hpp"
#include "vigil/core/migrate.hpp"
#include "vigil/core/overdue_report.hpp"
#include "vigil/core/progress.hpp"
#include "vigil/tools/seed.hpp"

namespace {

using namespace vigil;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Measuring

// Peak resident memory. Linux lets a process reset its high-water mark (clear_refs 5), so each
// phase's peak is its own; where that fails, the figure is the whole process's peak so far.
class PeakMemory {
 public:
  // Starts a new phase; false when the mark could not be reset.
  static bool reset() {
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.flush();
    return static_cast<bool>(clear);
  }

  static double mib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // kB on Linux
  }
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Timings {
  int runs = 0;
  double min_ms = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
};

// Nearest-rank percentiles: every figure is a time that was actually measured.
Timings summarise_times(std::vector<double> ms) {
  Timings t;
  t.runs = static_cast<int>(ms.size());
  if (ms.empty()) return t;
  std::sort(ms.begin(), ms.end());
  auto rank = [&](double percent) {
    const auto n = static_cast<double>(ms.size());
    const auto at = static_cast<std::size_t>(std::max(1.0, std::ceil(percent / 100.0 * n)));
    return ms[std::min(at, ms.size()) - 1];
  };
  t.min_ms = ms.front();
  t.p50_ms = rank(50);
  t.p99_ms = rank(99);
  t.max_ms = ms.back();
  return t;
}

std::string fixed(double value, int decimals) {
  std::string text(32, '\0');
  const int length = std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
  text.resize(static_cast<std::size_t>(std::max(length, 0)));
  return text;
}

// 1234567 -> "1,234,567": the figures are read by people.
std::string grouped(std::int64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// A database file that lasts as long as the benchmark, with its WAL and shared-memory files.
class TemporaryDatabase {
 public:
  TemporaryDatabase() {
    dir_ = std::filesystem::temp_directory_path() /
           ("vigil-bench-" + std::to_string(static_cast<long>(getpid())));
    std::filesystem::create_directories(dir_);
  }
  ~TemporaryDatabase() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TemporaryDatabase(const TemporaryDatabase&) = delete;
  TemporaryDatabase& operator=(const TemporaryDatabase&) = delete;
  std::filesystem::path path() const { return dir_ / "bench.db"; }

 private:
  std::filesystem::path dir_;
};

// ---------------------------------------------------------------------------------------------
// vigil-bench report

constexpr const char* kReportHelp =
    "usage: vigil-bench report [--db PATH] [--profile national|force|demo] [--seed N]\n"
    "                          [--as-of YYYY-MM-DD] [--runs N] [--out FILE]\n"
    "\n"
    "Seeds a profile (national by default) into a fresh temporary database, timing the seed and\n"
    "its peak memory, then times the overdue report force-wide and for one team (the first by\n"
    "name), printing min, p50, p99 and max in milliseconds, peak memory and the number of items.\n"
    "\n"
    "  --db PATH       use this database: seeded first when it does not exist or holds no\n"
    "                  nominals, and kept afterwards\n"
    "  --profile P     what to seed: national (default), force or demo\n"
    "  --seed N        the seed's random seed (default 1)\n"
    "  --as-of DATE    the date the history runs up to and the report is run for (default: today\n"
    "                  in Europe/London); pass it to compare runs made on different days\n"
    "  --runs N        runs of each report (default 20 force-wide and 200 for the team)\n"
    "  --out FILE      where to write the figures as JSON (default build/bench/report.json)\n";

struct ReportScopeFigures {
  std::string label;
  Timings timings;
  std::int64_t items = 0;
  double peak_mib = 0;
};

ReportScopeFigures time_report(store::Database& db, Date as_of, const ReportScope& scope,
                               std::string label, int runs) {
  ReportScopeFigures figures;
  figures.label = std::move(label);
  PeakMemory::reset();
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(runs));
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    const OverdueReport report = overdue_report(db, as_of, scope);
    ms.push_back(seconds_since(start) * 1000.0);
    figures.items = static_cast<std::int64_t>(report.items.size());
  }
  figures.timings = summarise_times(std::move(ms));
  figures.peak_mib = PeakMemory::mib();
  return figures;
}

void print_report_figures(const ReportScopeFigures& f) {
  const Timings& t = f.timings;
  std::cout << "overdue report, " << f.label << " (" << t.runs << " runs): " << grouped(f.items)
            << " items; min " << fixed(t.min_ms, 1) << " ms, p50 " << fixed(t.p50_ms, 1)
            << " ms, p99 " << fixed(t.p99_ms, 1) << " ms, max " << fixed(t.max_ms, 1)
            << " ms; peak memory " << fixed(f.peak_mib, 0) << " MiB\n";
}

void write_report_figures(JsonWriter& json, const ReportScopeFigures& f) {
  json.begin_object()
      .field("scope", f.label)
      .field("runs", f.timings.runs)
      .field("items", f.items)
      .field("min_ms", f.timings.min_ms)
      .field("p50_ms", f.timings.p50_ms)
      .field("p99_ms", f.timings.p99_ms)
      .field("max_ms", f.timings.max_ms)
      .field("peak_memory_mib", f.peak_mib)
      .end_object();
}

int positive_number(const cli::Args& args, std::string_view name, int fallback) {
  const auto text = args.value(name);
  if (!text) return fallback;
  try {
    std::size_t used = 0;
    const long value = std::stol(*text, &used);
    if (used == text->size() && value > 0 && value <= 1'000'000) return static_cast<int>(value);
  } catch (const std::exception&) {
  }
  throw cli::UsageError("--" + std::string(name) + " must be a whole number from 1 to 1000000");
}

int run_report(std::span<const std::string> words) {
  static constexpr cli::Option kOptions[] = {{"db"},    {"profile"}, {"seed"},
                                             {"as-of"}, {"runs"},    {"out"}};
  const cli::Args args(words, kOptions);
  if (args.help()) {
    std::cout << kReportHelp;
    return cli::kExitOk;
  }
  if (!args.positionals().empty()) {
    throw cli::UsageError("vigil-bench report takes no arguments, only options; got '" +
                          args.positionals().front() + "'");
  }
  backoffice::SeedOptions seed_options;
  seed_options.profile = backoffice::SeedProfile::national;
  std::string profile_name = args.value("profile").value_or("national");
  if (profile_name == "demo") {
    seed_options.profile = backoffice::SeedProfile::demo;
  } else if (profile_name == "force") {
    seed_options.profile = backoffice::SeedProfile::force;
  } else if (profile_name != "national") {
    throw cli::UsageError("--profile must be national, force or demo, not '" + profile_name + "'");
  }
  if (auto text = args.value("seed")) {
    try {
      std::size_t used = 0;
      seed_options.seed = std::stoull(*text, &used);
      if (used != text->size() || text->front() == '-') throw std::invalid_argument(*text);
    } catch (const std::exception&) {
      throw cli::UsageError("--seed must be a whole number, not '" + *text + "'");
    }
  }
  seed_options.as_of = london_today();
  if (auto text = args.value("as-of")) {
    auto parsed = parse_date(*text);
    if (!parsed) throw cli::UsageError("--as-of must be a date as YYYY-MM-DD, not '" + *text + "'");
    seed_options.as_of = *parsed;
  }
  const std::optional<std::string> runs_text = args.value("runs");
  const int force_runs = positive_number(args, "runs", 20);
  const int team_runs = runs_text ? force_runs : 200;
  const std::filesystem::path out = args.value("out").value_or("build/bench/report.json");

  std::optional<TemporaryDatabase> temporary;
  std::filesystem::path db_path;
  if (auto given = args.value("db")) {
    db_path = *given;
  } else {
    temporary.emplace();
    db_path = temporary->path();
  }

  std::cout << "vigil-bench report: " << profile_name << " profile, seed " << seed_options.seed
            << ", as of " << format_date(seed_options.as_of) << "\n";

  // Seed (unless the database given already holds nominals).
  bool seeded = false;
  double seed_seconds = 0;
  double seed_peak_mib = 0;
  backoffice::SeedCounts counts;
  {
    store::Database db(db_path);
    store::migrate(db);
    std::int64_t existing = 0;
    {
      auto nominals = db.prepare("SELECT count(*) FROM nominals");
      if (nominals.step()) existing = nominals.column_int(0);
    }
    if (existing > 0) {
      std::cout << "using " << db_path.string() << ", already seeded with " << grouped(existing)
                << " nominals\n";
    } else {
      Progress progress = Progress::on_terminal();
      PeakMemory::reset();
      const auto start = Clock::now();
      counts = backoffice::seed_database(db, seed_options, progress);
      seed_seconds = seconds_since(start);
      seed_peak_mib = PeakMemory::mib();
      seeded = true;
      std::int64_t rows = 0;
      for (const auto& [table, n] : counts) rows += n;
      std::cout << "seed: " << grouped(counts["nominals"]) << " nominals, " << grouped(rows)
                << " rows in " << fixed(seed_seconds, 1) << " s; peak memory "
                << fixed(seed_peak_mib, 0) << " MiB\n";
    }
  }

  // The reports run on a fresh connection, as the server's would.
  store::Database db(db_path);
  store::require_current_schema(db);
  std::string team;
  {
    auto first = db.prepare("SELECT name FROM teams ORDER BY name LIMIT 1");
    if (first.step()) team = first.column_text(0);
  }
  const Date as_of = seed_options.as_of;
  const ReportScopeFigures force = time_report(db, as_of, ReportScope{}, "force-wide", force_runs);
  print_report_figures(force);
  std::optional<ReportScopeFigures> one_team;
  if (!team.empty()) {
    one_team = time_report(db, as_of, ReportScope{{team}}, "team " + team, team_runs);
    print_report_figures(*one_team);
  }

  JsonWriter json(true);
  json.begin_object()
      .field("benchmark", "report")
      .field("profile", profile_name)
      .field("seed", static_cast<std::int64_t>(seed_options.seed))
      .field("as_of", format_date(as_of))
      .field("database", temporary ? std::string("temporary") : db_path.string())
#ifdef NDEBUG
      .field("build", "release")
#else
      .field("build", "debug")
#endif
      .field("cpus", static_cast<std::int64_t>(std::thread::hardware_concurrency()));
  json.key("seeding").begin_object().field("seeded", seeded);
  if (seeded) {
    json.field("seconds", seed_seconds).field("peak_memory_mib", seed_peak_mib);
    json.key("rows").begin_object();
    for (const auto& [table, n] : counts) json.field(table, n);
    json.end_object();
  }
  json.end_object();
  json.key("force");
  write_report_figures(json, force);
  if (one_team) {
    json.key("team");
    write_report_figures(json, *one_team);
  }
  json.end_object();

  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  std::ofstream file(out);
  file << json.str() << "\n";
  file.close();
  if (!file) throw Error(ErrorCode::io, "cannot write " + out.string());
  std::cout << "wrote " << out.string() << "\n";
  return cli::kExitOk;
}

// ---------------------------------------------------------------------------------------------
// The benchmarks; later ones (sync, field, reports, batch) join this table.

struct Benchmark {
  std::string_view name;
  std::string_view summary;
  int (*run)(std::span<const std::string> words);
};

constexpr Benchmark kBenchmarks[] = {
    {"report", "seed the national profile, then time the overdue report", run_report},
};

void print_usage(std::ostream& out) {
  out << "usage: vigil-bench BENCHMARK [OPTIONS]\n\nBenchmarks (vigil-bench BENCHMARK --help for "
         "options):\n";
  for (const auto& benchmark : kBenchmarks) {
    out << "  " << benchmark.name << std::string(10 - benchmark.name.size(), ' ')
        << benchmark.summary << "\n";
  }
  out << "\nFigures are printed and written as JSON so runs can be compared. Use the release "
         "build (tools/dev bench).\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty()) {
    print_usage(std::cerr);
    return cli::kExitUsage;
  }
  const std::string& name = words.front();
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return cli::kExitOk;
  }
  const Benchmark* chosen = nullptr;
  for (const auto& benchmark : kBenchmarks) {
    if (benchmark.name == name) chosen = &benchmark;
  }
  if (chosen == nullptr) {
    std::cerr << "vigil-bench: there is no benchmark '" << name
              << "'; run vigil-bench --help to list them.\n";
    return cli::kExitUsage;
  }
  try {
    return chosen->run(std::span<const std::string>(words).subspan(1));
  } catch (const cli::UsageError& error) {
    std::cerr << "vigil-bench " << name << ": " << error.what() << ".\n";
    return cli::kExitUsage;
  } catch (const Error& error) {
    std::cerr << "vigil-bench " << name << ": " << error.what() << ".\n";
    return cli::kExitFailure;
  } catch (const std::exception& error) {
    std::cerr << "vigil-bench " << name << ": " << error.what() << ".\n";
    return cli::kExitFailure;
  }
}
