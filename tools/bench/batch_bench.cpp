// vigil-bench batch: the nightly run on the national profile, timed whole (reads, checks, files,
// the backlog snapshot) with its peak memory, and run again to show a rerun costs the same.
#include <iostream>

#include "bench_support.hpp"
#include "vigil/base/error.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/tools/batch.hpp"

namespace vigil::bench {
namespace {

constexpr const char* kBatchHelp =
    "usage: vigil-bench batch [--db PATH] [--profile national|force|demo] [--seed N]\n"
    "                         [--as-of YYYY-MM-DD] [--runs N] [--out FILE]\n"
    "\n"
    "Seeds a profile (national by default) into a fresh temporary database, then runs the\n"
    "nightly batch (vigil batch) on it --runs times (default 2), each into a scratch folder,\n"
    "printing each run's seconds and peak memory.\n"
    "\n"
    "  --db PATH          use this database: seeded first when it does not exist or holds no\n"
    "                     nominals, and kept afterwards\n"
    "  --profile P        what to seed: national (default), force or demo\n"
    "  --seed N           the seed's random seed (default 1)\n"
    "  --as-of DATE       the date the history runs up to and the batch runs for (default: today\n"
    "                     in Europe/London)\n"
    "  --runs N           batch runs (default 2)\n"
    "  --out FILE         where to write the figures as JSON (default build/bench/batch.json)\n";

// What the issue asks of the nightly run on the national profile.
constexpr double kAimSeconds = 60;
constexpr double kAimPeakMib = 1024;

}  // namespace

int run_batch_bench(std::span<const std::string> words) {
  static constexpr base::Option kOptions[] = {{"runs"}};
  const auto options = bench_options(words, kOptions, "batch", kBatchHelp, "national");
  if (!options) return base::kExitOk;
  const auto& [args, choice] = *options;
  const int runs = positive_number(args, "runs", 2, 100);
  const SeededBench bench(args, "batch", choice);
  const auto& [database, out, seeding] = bench;
  const TemporaryDatabase scratch;  // its folder holds the batch's output

  base::JsonWriter json(true);
  begin_figures(json, "batch", choice, bench);
  json.key("runs").begin_array();
  bool met = true;
  for (int run = 1; run <= runs; ++run) {
    const bool own_peak = PeakMemory::reset();
    const auto start = Clock::now();
    store::Database db(database.path());
    store::require_current_schema(db);
    base::Progress quiet(false);
    const auto result = backoffice::run_batch(
        db, choice.options.as_of, scratch.file("out"),
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()),
        quiet);
    const double seconds = seconds_since(start);
    const double peak = PeakMemory::mib();
    met &= seconds < kAimSeconds && peak < kAimPeakMib;
    std::int64_t breaches = 0;
    for (const auto& check : result.reconciliation.invariants) {
      breaches += static_cast<std::int64_t>(check.findings.size());
    }
    std::cout << "run " << run << ": " << fixed(seconds, 1) << " s, peak memory " << fixed(peak, 0)
              << " MiB" << (own_peak ? "" : " (the process's peak so far)") << "; "
              << result.files.size() << " files, " << grouped(breaches)
              << " invariant breaches listed\n";
    json.begin_object()
        .field("seconds", seconds)
        .field("peak_memory_mib", peak)
        .field("breaches", breaches)
        .end_object();
  }
  json.end_array().end_object();
  std::cout << "aim: under " << kAimSeconds << " s and " << kAimPeakMib
            << " MiB peak: " << (met ? "met" : "missed") << "\n";
  write_figures(out, json);
  return base::kExitOk;
}

}  // namespace vigil::bench
