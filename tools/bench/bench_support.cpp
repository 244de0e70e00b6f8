#include "bench_support.hpp"

#include <sys/resource.h>
#include <charconv>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>
#include <utility>

#include "vigil/base/error.hpp"
#include "vigil/base/progress.hpp"
#include "vigil/http/client.hpp"
#include "vigil/http/server.hpp"
#include "vigil/server/api.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/effective_visit.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::bench {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

bool PeakMemory::reset() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

double PeakMemory::mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // kB on Linux
}

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

void write_timings(base::JsonWriter& json, const Timings& t, bool with_min) {
  json.field("runs", t.runs);
  if (with_min) json.field("min_ms", t.min_ms);
  json.field("p50_ms", t.p50_ms).field("p99_ms", t.p99_ms).field("max_ms", t.max_ms);
}

void write_percentiles(base::JsonWriter& json, std::string_view prefix, const Timings& t) {
  const std::string name(prefix);
  json.field(name + "p50_ms", t.p50_ms).field(name + "p99_ms", t.p99_ms);
}

std::string fixed(double value, int decimals) {
  std::string text(32, '\0');
  const int length = std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
  text.resize(static_cast<std::size_t>(std::max(length, 0)));
  return text;
}

std::string grouped(std::int64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

std::optional<BenchOptions> bench_options(std::span<const std::string> words,
                                          std::span<const base::Option> options,
                                          std::string_view name, std::string_view help,
                                          std::string_view default_profile,
                                          std::span<const base::Option> shared) {
  // Read by seed_choice, BenchDatabase and SeededBench.
  static constexpr base::Option kSeedingOptions[] = {
      {"db"}, {"profile"}, {"seed"}, {"as-of"}, {"out"}};
  std::vector<base::Option> all(std::begin(kSeedingOptions), std::end(kSeedingOptions));
  all.insert(all.end(), shared.begin(), shared.end());
  all.insert(all.end(), options.begin(), options.end());
  base::Args args(words, all);
  if (args.help()) {
    std::cout << help;
    return std::nullopt;
  }
  if (!args.positionals().empty()) {
    throw base::UsageError("vigil-bench " + std::string(name) +
                           " takes no arguments, only options; got '" + args.positionals().front() +
                           "'");
  }
  SeedChoice choice = seed_choice(args, default_profile);
  return BenchOptions{std::move(args), std::move(choice)};
}

int positive_number(const base::Args& args, std::string_view name, int fallback, int most) {
  const auto text = args.value(name);
  if (!text) return fallback;
  try {
    std::size_t used = 0;
    const long value = std::stol(*text, &used);
    if (used == text->size() && value > 0 && value <= most) return static_cast<int>(value);
  } catch (const std::exception&) {
  }
  throw base::UsageError("--" + std::string(name) + " must be a whole number from 1 to " +
                         grouped(most));
}

SeededBench::SeededBench(const base::Args& args, std::string_view name, const SeedChoice& choice)
    : database(args),
      out(args.value("out").value_or("build/bench/" + std::string(name) + ".json")) {
  std::cout << "vigil-bench " << name << ": " << choice.profile_name << " profile, seed "
            << choice.options.seed << ", as of " << format_date(choice.options.as_of) << "\n";
  seeding = seed_if_empty(database.path(), choice.options);
}

SeedChoice seed_choice(const base::Args& args, std::string_view default_profile) {
  SeedChoice choice;
  choice.profile_name = args.value("profile").value_or(std::string(default_profile));
  if (choice.profile_name == "demo") {
    choice.options.profile = backoffice::SeedProfile::demo;
  } else if (choice.profile_name == "force") {
    choice.options.profile = backoffice::SeedProfile::force;
  } else if (choice.profile_name == "national") {
    choice.options.profile = backoffice::SeedProfile::national;
  } else {
    throw base::UsageError("--profile must be national, force or demo, not '" +
                           choice.profile_name + "'");
  }
  if (auto text = args.value("seed")) {
    const auto* last = text->data() + text->size();
    const auto [end, ec] = std::from_chars(text->data(), last, choice.options.seed);
    if (ec != std::errc() || end != last) {
      throw base::UsageError("--seed must be a whole number, not '" + *text + "'");
    }
  }
  choice.options.as_of = london_today();
  if (auto text = args.value("as-of")) {
    auto parsed = parse_date(*text);
    if (!parsed)
      throw base::UsageError("--as-of must be a date as YYYY-MM-DD, not '" + *text + "'");
    choice.options.as_of = *parsed;
  }
  return choice;
}

BenchDatabase::BenchDatabase(const base::Args& args) {
  if (auto given = args.value("db")) {
    path_ = *given;
  } else {
    temporary_.emplace();
    path_ = temporary_->path();
  }
}

Seeding seed_if_empty(const std::filesystem::path& path, const backoffice::SeedOptions& options) {
  Seeding seeding;
  store::Database db(path);
  sync::migrate(db);
  {
    auto nominals = db.prepare("SELECT count(*) FROM nominals");
    if (nominals.step()) seeding.existing_nominals = nominals.column_int(0);
  }
  if (seeding.existing_nominals > 0) {
    std::cout << "using " << path.string() << ", already seeded with "
              << grouped(seeding.existing_nominals) << " nominals\n";
  } else {
    base::Progress progress = base::Progress::on_terminal();
    PeakMemory::reset();
    const auto start = Clock::now();
    seeding.counts = backoffice::seed_database(db, options, progress);
    seeding.seconds = seconds_since(start);
    seeding.peak_mib = PeakMemory::mib();
    seeding.seeded = true;
    std::int64_t rows = 0;
    for (const auto& [table, n] : seeding.counts) rows += n;
    std::cout << "seed: " << grouped(seeding.counts["nominals"]) << " nominals, " << grouped(rows)
              << " rows in " << fixed(seeding.seconds, 1) << " s; peak memory "
              << fixed(seeding.peak_mib, 0) << " MiB\n";
  }
  // The seed's one transaction leaves a large WAL; fold it in now, so the first timed commit
  // does not pay for it.
  db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  return seeding;
}

std::string sign_in_token(vigil::http::Client& client, const std::string& username,
                          std::string_view device_name) {
  base::JsonWriter body;
  body.begin_object()
      .field("username", username)
      .field("password", backoffice::kSeedPassword)
      .field("device_name", std::string(device_name))
      .field("kind", "browser")
      .end_object();
  const auto result = client.post("/api/v1/auth/login", body.str());
  if (result.status != 200) {
    throw Error(ErrorCode::internal, "signing in as " + username + " was answered " +
                                         std::to_string(result.status) + ": " + result.body);
  }
  return sync::decode_string_object(result.body, {"token", "device_id", "officer", "role"})
      .at("token");
}

DeskPeople desk_people(const std::filesystem::path& database, int wanted) {
  DeskPeople people;
  store::Database db(database);
  auto s = db.prepare(
      "SELECT o.username FROM officers o WHERE o.role = 'supervisor' AND o.active = 1 AND "
      "o.password_hash IS NOT NULL AND o.id = (SELECT min(p.id) FROM officers p WHERE "
      "p.team_id = o.team_id AND p.role = 'supervisor' AND p.password_hash IS NOT NULL) "
      "ORDER BY (SELECT count(*) FROM nominals n WHERE n.team_id = o.team_id) DESC, o.username "
      "LIMIT ?");
  s.bind_all(wanted);
  while (s.step()) people.supervisors.push_back(s.column_text(0));
  auto a = db.prepare(
      "SELECT username FROM officers WHERE role = 'admin' AND password_hash IS NOT NULL "
      "ORDER BY username LIMIT 1");
  if (a.step()) people.admin = a.column_text(0);
  if (people.supervisors.empty() || people.admin.empty()) {
    throw Error(ErrorCode::not_found, "the database has no supervisor or administrator to sign in");
  }
  return people;
}

int DeskBench::run(std::span<const std::string> words, std::span<const base::Option> options,
                   std::string_view name, std::string_view help, int default_rounds,
                   void (*body)(const DeskBench&)) {
  static constexpr base::Option kShared[] = {{"supervisors"}, {"rounds"}, {"cold", false}};
  auto read = bench_options(words, options, name, help, "national", kShared);
  if (!read) return base::kExitOk;
  const DeskBench desk(std::move(*read), name, default_rounds);
  body(desk);
  return base::kExitOk;
}

DeskBench::DeskBench(BenchOptions read, std::string_view name, int default_rounds)
    : options(std::move(read)),
      supervisors_wanted(positive_number(options.args, "supervisors", 20, 500)),
      rounds(positive_number(options.args, "rounds", default_rounds, 10000)),
      warm(!options.args.flag("cold")),
      seeded(options.args, name, options.choice),
      people(desk_people(seeded.database.path(), supervisors_wanted)) {}

void DeskBench::begin_figures(base::JsonWriter& json, std::string_view benchmark,
                              std::size_t askers, double warm_seconds) const {
  bench::begin_figures(json, benchmark, options.choice, seeded);
  json.field("supervisors", static_cast<std::int64_t>(askers))
      .field("rounds", rounds)
      .field("warm", warm)
      .field("warmed_after_seconds", warm_seconds);
}

vigil::http::Reply SignedIn::get(const std::string& target) const {
  return client->get(target, {{"Authorization", "Bearer " + token}});
}

SignedIn::Timed SignedIn::timed_get(const std::string& target) const {
  const auto start = Clock::now();
  vigil::http::Reply reply = get(target);
  const double ms = seconds_since(start) * 1000;
  return {std::move(reply), ms};
}

SignedIn sign_in_at(const LoopbackServer& server, const std::string& username,
                    std::string_view device_name, std::chrono::seconds timeout) {
  SignedIn who{username, std::make_unique<vigil::http::Client>("127.0.0.1", server.port()), {}};
  who.client->set_timeout(timeout);
  who.token = sign_in_token(*who.client, username, device_name);
  return who;
}

double wait_until_warm(const SignedIn& admin, Clock::time_point started) {
  const auto waiting = Clock::now();
  while (admin.get("/metrics").body.find("\nvigil_reports_warm 1") == std::string::npos) {
    if (seconds_since(waiting) > 600) {
      throw Error(ErrorCode::internal, "the server had not made its reports ahead in 10 minutes");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const double seconds = seconds_since(started);
  std::cout << "the server made every scope's reports and review queue ahead " << fixed(seconds, 1)
            << " s after it started\n";
  return seconds;
}

namespace {

void write_run_fields(base::JsonWriter& json, std::string_view benchmark, const SeedChoice& choice,
                      const BenchDatabase& database) {
  json.field("benchmark", benchmark)
      .field("profile", choice.profile_name)
      .field("seed", static_cast<std::int64_t>(choice.options.seed))
      .field("as_of", format_date(choice.options.as_of))
      .field("database", database.label())
#ifdef NDEBUG
      .field("build", "release")
#else
      .field("build", "debug")
#endif
      .field("cpus", static_cast<std::int64_t>(std::thread::hardware_concurrency()));
}

void write_seeding(base::JsonWriter& json, const Seeding& seeding) {
  json.key("seeding").begin_object().field("seeded", seeding.seeded);
  if (seeding.seeded) {
    json.field("seconds", seeding.seconds).field("peak_memory_mib", seeding.peak_mib);
    json.key("rows").begin_object();
    for (const auto& [table, n] : seeding.counts) json.field(table, n);
    json.end_object();
  }
  json.end_object();
}

}  // namespace

void begin_figures(base::JsonWriter& json, std::string_view benchmark, const SeedChoice& choice,
                   const SeededBench& bench) {
  json.begin_object();
  write_run_fields(json, benchmark, choice, bench.database);
  write_seeding(json, bench.seeding);
}

void write_figures(const std::filesystem::path& out, const base::JsonWriter& json) {
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  std::ofstream file(out);
  file << json.str() << "\n";
  file.close();
  if (!file) throw Error(ErrorCode::io, "cannot write " + out.string());
  std::cout << "wrote " << out.string() << "\n";
}

struct LoopbackServer::Impl {
  server::Api api;
  vigil::http::HttpServer http;
  Impl(server::ApiOptions api_options, vigil::http::ServerOptions server_options)
      : api(std::move(api_options)),
        http(std::move(server_options),
             [this](const vigil::http::Request& request) { return api.handle(request); }) {}
};

LoopbackServer::LoopbackServer(const std::filesystem::path& database, int threads,
                               LogError log_error, bool warm_reports, bool cache_reports) {
  server::ApiOptions api_options;
  api_options.database = database;
  api_options.warm_reports = warm_reports;
  api_options.cache_reports = cache_reports;
  vigil::http::ServerOptions server_options;
  server_options.address = "127.0.0.1";
  server_options.port = 0;
  server_options.threads = threads;
  api_options.connections_ahead = server_options.handler_threads;
  if (log_error) server_options.log_error = std::move(log_error);
  impl_ = std::make_unique<Impl>(std::move(api_options), std::move(server_options));
  impl_->http.start();
}

LoopbackServer::~LoopbackServer() {
  stop();
}

unsigned short LoopbackServer::port() const {
  return impl_->http.port();
}

void LoopbackServer::stop() {
  impl_->http.stop();
}

}  // namespace vigil::bench
