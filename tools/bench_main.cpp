// vigil-bench: Vigil's benchmarks. Each benchmark is a subcommand that prints its figures and
// writes them as JSON, so runs on different days or builds can be compared (docs/house-style.md,
// "Benchmarks": benchmarks are programs, not timed tests). Run the release build: tools/dev bench.
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bench_support.hpp"
#include "vigil/base/cli.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/store/migrate.hpp"

namespace {

using namespace vigil;
using namespace vigil::bench;

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

ReportScopeFigures time_report(store::Database& db, Date as_of, const reports::ReportScope& scope,
                               std::string label, int runs) {
  ReportScopeFigures figures;
  figures.label = std::move(label);
  PeakMemory::reset();
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(runs));
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    const reports::OverdueReport report = reports::overdue_report(db, as_of, scope);
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

void write_report_figures(base::JsonWriter& json, const ReportScopeFigures& f) {
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

int run_report(std::span<const std::string> words) {
  static constexpr base::Option kOptions[] = {{"runs"}};
  const auto options = bench_options(words, kOptions, "report", kReportHelp, "national");
  if (!options) return base::kExitOk;
  const auto& [args, choice] = *options;
  const backoffice::SeedOptions& seed_options = choice.options;
  const std::optional<std::string> runs_text = args.value("runs");
  const int force_runs = positive_number(args, "runs", 20);
  const int team_runs = runs_text ? force_runs : 200;

  const SeededBench bench(args, "report", choice);
  const auto& [database, out, seeding] = bench;

  // The reports run on a fresh connection, as the server's would.
  store::Database db(database.path());
  store::require_current_schema(db);
  std::string team;
  {
    auto first = db.prepare("SELECT name FROM teams ORDER BY name LIMIT 1");
    if (first.step()) team = first.column_text(0);
  }
  const Date as_of = seed_options.as_of;
  const ReportScopeFigures force =
      time_report(db, as_of, reports::ReportScope{}, "force-wide", force_runs);
  print_report_figures(force);
  std::optional<ReportScopeFigures> one_team;
  if (!team.empty()) {
    one_team = time_report(db, as_of, reports::ReportScope{{team}}, "team " + team, team_runs);
    print_report_figures(*one_team);
  }

  base::JsonWriter json(true);
  begin_figures(json, "report", choice, bench);
  json.key("force");
  write_report_figures(json, force);
  if (one_team) {
    json.key("team");
    write_report_figures(json, *one_team);
  }
  json.end_object();

  write_figures(out, json);
  return base::kExitOk;
}

// ---------------------------------------------------------------------------------------------
// The benchmarks.

struct Benchmark {
  std::string_view name;
  std::string_view summary;
  int (*run)(std::span<const std::string> words);
};

constexpr Benchmark kBenchmarks[] = {
    {"report", "seed the national profile, then time the overdue report", run_report},
    {"sync", "serve the force profile to tablets over HTTP: pushes, a full pull, the ceiling",
     run_sync},
    {"field", "a tablet with a caseload of 50: enrol, 1,000 visits offline, their sync, its store",
     run_field},
    {"reports", "20 supervisors asking for their team's reports at once over HTTP, and the force's",
     run_reports},
    {"batch", "the nightly run on the national profile: seconds and peak memory", run_batch_bench},
    {"desk", "20 supervisors opening their review queue and a nominal's page at once over HTTP",
     run_desk},
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
    return base::kExitUsage;
  }
  const std::string& name = words.front();
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return base::kExitOk;
  }
  const Benchmark* chosen = nullptr;
  for (const auto& benchmark : kBenchmarks) {
    if (benchmark.name == name) chosen = &benchmark;
  }
  if (chosen == nullptr) {
    std::cerr << "vigil-bench: there is no benchmark '" << name
              << "'; run vigil-bench --help to list them.\n";
    return base::kExitUsage;
  }
  try {
    return chosen->run(std::span<const std::string>(words).subspan(1));
  } catch (const base::UsageError& error) {
    std::cerr << "vigil-bench " << name << ": " << error.what() << ".\n";
    return base::kExitUsage;
  } catch (const Error& error) {
    std::cerr << "vigil-bench " << name << ": " << error.what() << ".\n";
    return base::kExitFailure;
  } catch (const std::exception& error) {
    std::cerr << "vigil-bench " << name << ": " << error.what() << ".\n";
    return base::kExitFailure;
  }
}
