// What every vigil-bench benchmark shares: measuring (times, percentiles, peak memory), printing
// figures for people, the seed options every benchmark takes, seeding a database once, and
// writing the figures as JSON. Single-threaded helpers except where a comment says otherwise;
// failures throw vigil::Error, bad options base::UsageError.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/cli.hpp"
#include "vigil/base/json.hpp"
#include "vigil/base/temporary_directory.hpp"
#include "vigil/http/client.hpp"
#include "vigil/tools/seed.hpp"

namespace vigil::bench {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start);

// Peak resident memory. Linux lets a process reset its high-water mark (clear_refs 5), so each
// phase's peak is its own; where that fails, the figure is the whole process's peak so far.
class PeakMemory {
 public:
  // Starts a new phase; false when the mark could not be reset.
  static bool reset();
  static double mib();
};

struct Timings {
  int runs = 0;
  double min_ms = 0, p50_ms = 0, p99_ms = 0, max_ms = 0;
};

// Nearest-rank percentiles: every figure is a time that was actually measured.
Timings summarise_times(std::vector<double> ms);

// One measure's times in its own object: "runs", then "min_ms" when `with_min`, "p50_ms",
// "p99_ms" and "max_ms".
void write_timings(base::JsonWriter& json, const Timings& t, bool with_min = false);
// "PREFIXp50_ms" and "PREFIXp99_ms": the percentiles the aims are set on, of one measure among
// several in an object.
void write_percentiles(base::JsonWriter& json, std::string_view prefix, const Timings& t);

std::string fixed(double value, int decimals);
// 1234567 -> "1,234,567": the figures are read by people.
std::string grouped(std::int64_t value);

// A directory of scratch database files that lasts as long as the benchmark.
class TemporaryDatabase {
 public:
  std::filesystem::path path() const { return file("bench.db"); }
  std::filesystem::path file(std::string_view name) const { return dir_.path() / name; }

 private:
  base::TemporaryDirectory dir_{"vigil-bench-"};
};

// --name N: a whole number from 1 to `most`, or `fallback` when the option is absent.
int positive_number(const base::Args& args, std::string_view name, int fallback,
                    int most = 1'000'000);

// --profile, --seed and --as-of, as every seeding benchmark takes them.
struct SeedChoice {
  backoffice::SeedOptions options;
  std::string profile_name;
};
SeedChoice seed_choice(const base::Args& args, std::string_view default_profile);

// The options of `vigil-bench NAME`, which takes no arguments, and the seeding they choose
// (`default_profile` unless --profile names one); nullopt once `help` is printed for --help.
// `options` are the benchmark's own: --db, --profile, --seed, --as-of and --out, which every
// seeding benchmark takes, are added to them. Throws base::UsageError for an unknown option or an
// argument.
struct BenchOptions {
  base::Args args;
  SeedChoice choice;
};
// `shared`: options a family of benchmarks reads (DeskBench's), beside `options`.
std::optional<BenchOptions> bench_options(std::span<const std::string> words,
                                          std::span<const base::Option> options,
                                          std::string_view name, std::string_view help,
                                          std::string_view default_profile,
                                          std::span<const base::Option> shared = {});

// The database a benchmark runs on: --db PATH (kept) or a temporary one (removed at the end).
class BenchDatabase {
 public:
  explicit BenchDatabase(const base::Args& args);
  const std::filesystem::path& path() const { return path_; }
  bool temporary() const { return temporary_.has_value(); }
  // "temporary" or the path, for the JSON.
  std::string label() const { return temporary() ? std::string("temporary") : path_.string(); }
  const TemporaryDatabase* scratch() const { return temporary_ ? &*temporary_ : nullptr; }

 private:
  std::optional<TemporaryDatabase> temporary_;
  std::filesystem::path path_;
};

struct Seeding {
  bool seeded = false;  // false: the database already held nominals
  std::int64_t existing_nominals = 0;
  double seconds = 0;
  double peak_mib = 0;
  backoffice::SeedCounts counts;
};

// Migrates the database and seeds it unless it already holds nominals, printing a line either
// way; the connection is closed (and the WAL checkpointed) before it returns.
Seeding seed_if_empty(const std::filesystem::path& path, const backoffice::SeedOptions& options);

// What every seeding benchmark starts from, once its options are read: its database (--db or a
// temporary one) seeded with the data chosen unless it held nominals already, after
// `vigil-bench NAME` has said which data it runs on; and where its figures go (--out, else
// build/bench/NAME.json).
struct SeededBench {
  SeededBench(const base::Args& args, std::string_view name, const SeedChoice& choice);
  BenchDatabase database;
  std::filesystem::path out;
  Seeding seeding;
};

// The real server (Api and HttpServer, durable: every commit synchronous=FULL), as vigil-server
// runs it, in this process on an ephemeral 127.0.0.1 port; stopped when it goes.
class LoopbackServer {
 public:
  using LogError = std::function<void(const std::string&)>;
  // warm_reports, cache_reports: ApiOptions's, as vigil-server runs (with --no-report-cache).
  LoopbackServer(const std::filesystem::path& database, int threads = 2,
                 LogError log_error = nullptr, bool warm_reports = false,
                 bool cache_reports = true);
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;
  unsigned short port() const;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Signs `username` in at the dashboard (kind "browser") with the seed's password over `client` and
// returns the session's token; throws when the server refuses. Not as a tablet: the first
// tablet's sign-in opens the change log, which would make every report made ahead again.
std::string sign_in_token(vigil::http::Client& client, const std::string& username,
                          std::string_view device_name);

// Who sits at the desk in a seeded force: up to `wanted` supervisors who can sign in, one of each
// team, the teams with the most nominals first, and an administrator. Throws when there is no
// supervisor or no administrator.
struct DeskPeople {
  std::vector<std::string> supervisors;
  std::string admin;
};
DeskPeople desk_people(const std::filesystem::path& database, int wanted);

// What `vigil-bench desk` and `vigil-bench reports` start from, once their options are read:
// --supervisors (default 20, at most 500) and --rounds (default `default_rounds`, at most 10,000)
// checked before the seeding, so a bad one fails at once; the database seeded (SeededBench); and
// who sits at its desk.
struct DeskBench {
  // A desk benchmark's command: reads the benchmark `name`'s options (`options` its own;
  // --supervisors, --rounds and --cold are read here), seeds its database and runs `body` on it;
  // only the help when --help is asked.
  static int run(std::span<const std::string> words, std::span<const base::Option> options,
                 std::string_view name, std::string_view help, int default_rounds,
                 void (*body)(const DeskBench&));
  DeskBench(BenchOptions options, std::string_view name, int default_rounds);
  // Opens the benchmark's figures (begin_figures) with what every desk benchmark says: how many
  // asked at once, the rounds, and whether and how soon the server had made its reports ahead.
  void begin_figures(base::JsonWriter& json, std::string_view benchmark, std::size_t askers,
                     double warm_seconds) const;
  BenchOptions options;
  int supervisors_wanted;
  int rounds;
  // Unless --cold: the server makes today's reports and review queues ahead, and the rounds
  // start once it has (wait_until_warm), as the morning meeting comes after the server started.
  bool warm;
  SeededBench seeded;
  DeskPeople people;
};

// Someone signed in at the dashboard (sign_in_token) on a keep-alive connection of their own.
struct SignedIn {
  std::string username;
  std::unique_ptr<vigil::http::Client> client;
  std::string token;

  // GET `target` with the session's token.
  vigil::http::Reply get(const std::string& target) const;
  // The same, with how long the answer took as the client saw it.
  struct Timed {
    vigil::http::Reply reply;
    double ms = 0;
  };
  Timed timed_get(const std::string& target) const;
};
// Signs `username` in as `device_name` on a new connection to `server`, which waits up to
// `timeout` for each answer.
SignedIn sign_in_at(const LoopbackServer& server, const std::string& username,
                    std::string_view device_name, std::chrono::seconds timeout);

// Waits until a server started at `started` with warm_reports has made every scope's reports and
// review queue ahead (its metric vigil_reports_warm, read by `admin`), says so and returns the
// seconds from its start; throws after ten minutes. The morning meeting comes after that.
double wait_until_warm(const SignedIn& admin, Clock::time_point started);

// Opens the object of a benchmark's figures with what every one starts with: "benchmark",
// "profile", "seed", "as_of", "database", "build", "cpus" and "seeding": {...}.
void begin_figures(base::JsonWriter& json, std::string_view benchmark, const SeedChoice& choice,
                   const SeededBench& bench);
// Writes the document to `out` (making its directory) and says so.
void write_figures(const std::filesystem::path& out, const base::JsonWriter& json);

// `vigil-bench sync` (sync_bench.cpp).
int run_sync(std::span<const std::string> words);
// `vigil-bench field` (field_bench.cpp).
int run_field(std::span<const std::string> words);
// `vigil-bench reports` (reports_bench.cpp).
int run_reports(std::span<const std::string> words);
// `vigil-bench batch` (batch_bench.cpp).
int run_batch_bench(std::span<const std::string> words);
// `vigil-bench desk` (desk_bench.cpp).
int run_desk(std::span<const std::string> words);

}  // namespace vigil::bench
