// vigil-bench desk: the supervisors' desk across a force. The national profile is seeded (or a
// database given), the real server serves it in this process on a loopback port, and 20
// supervisors (one of each of 20 teams) open their review queue and then a nominal's page of
// their team, at once, over and over: the two API calls those views make, timed as the client
// sees them over real HTTP. With --paint, Chromium opens both views as a supervisor would
// (tools/bench/desk_paint.mjs) and the time to first paint and to the view drawn are printed.
#include <atomic>
#include <barrier>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "bench_support.hpp"
#include "sql_profile.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/url.hpp"
#include "vigil/http/client.hpp"
#include "vigil/store/store.hpp"

namespace vigil::bench {
namespace {

constexpr const char* kDeskHelp =
    "usage: vigil-bench desk [--db PATH] [--profile national|force|demo] [--seed N]\n"
    "                        [--as-of YYYY-MM-DD] [--supervisors N] [--rounds N] [--cold]\n"
    "                        [--paint] [--sql-profile] [--out FILE]\n"
    "\n"
    "Seeds a profile (national by default) into a fresh temporary database and serves it with\n"
    "the real server in this process over HTTP on a loopback port. --supervisors supervisors,\n"
    "each of a different team, open at once their review queue (GET /api/v1/review-queue) and a\n"
    "nominal's page of their team (GET /api/v1/nominals/{ref}, a different nominal each round),\n"
    "--rounds times each. Prints p50, p99 and max of each call in milliseconds as the client sees\n"
    "them, and the median size of each answer.\n"
    "\n"
    "  --db PATH          use this database: seeded first when it does not exist or holds no\n"
    "                     nominals, and kept afterwards\n"
    "  --profile P        what to seed: national (default), force or demo\n"
    "  --seed N           the seed's random seed (default 1)\n"
    "  --as-of DATE       the date the history runs up to (default: today in Europe/London)\n"
    "  --supervisors N    supervisors asking at once (default 20)\n"
    "  --rounds N         times each supervisor opens each view (default 20)\n"
    "  --cold             the server does not make reports and review queues ahead\n"
    "                     (ApiOptions::warm_reports): the first round makes each team's queue\n"
    "                     while the others wait; otherwise the rounds start once it has, as the\n"
    "                     morning meeting comes after the server has started\n"
    "  --paint            then open both views in Chromium (node and the dashboard test's\n"
    "                     playwright-core, which tools/dev test installs) as the largest team's\n"
    "                     supervisor while the others keep asking, and print the time to first\n"
    "                     paint and to the view drawn\n"
    "  --sql-profile      also time every SQL statement the server runs in the rounds and print\n"
    "                     the costliest (the profile slows them: for finding, not comparing)\n"
    "  --out FILE         where to write the figures as JSON (default build/bench/desk.json)\n";

// What the issue asks of the desk's API calls on this machine.
constexpr double kAimP99Ms = 50;

constexpr const char* kQueue = "review queue";
constexpr const char* kNominal = "nominal's page";

struct Supervisor : SignedIn {
  std::vector<std::string> nominal_refs;  // one per round, of the supervisor's team
};

// The nominal's page as a supervisor opens it from the review queue.
std::string nominal_page(const std::string& ref) {
  return "/api/v1/nominals/" + base::query_escaped(ref) +
         "?reason=" + base::query_escaped("reviewing the team's work");
}

// `rounds` references of the team's nominals, spread over the team (ids are random).
std::vector<std::string> nominals_of(store::Database& db, const std::string& username, int rounds) {
  auto s = db.prepare(
      "SELECT n.ref FROM nominals n WHERE n.team_id = (SELECT team_id FROM officers WHERE "
      "username = ?) ORDER BY n.id LIMIT ?");
  s.bind_all(username, rounds);
  std::vector<std::string> refs;
  while (s.step()) refs.push_back(s.column_text(0));
  if (refs.empty()) throw Error(ErrorCode::not_found, username + "'s team has no nominals");
  while (static_cast<int>(refs.size()) < rounds) refs.push_back(refs[refs.size() % refs.size()]);
  return refs;
}

// What desk_paint.mjs prints: a line for people per view, then its figures as one line of JSON.
std::string run_paint(const std::string& url, const std::string& username,
                      const std::string& nominal_ref, int runs) {
  if (!std::filesystem::exists("tools/bench/desk_paint.mjs")) {
    throw Error(ErrorCode::not_found,
                "--paint runs tools/bench/desk_paint.mjs: run vigil-bench from the repository's "
                "root (tools/dev bench does)");
  }
  const std::string command = "node tools/bench/desk_paint.mjs --base-url '" + url +
                              "' --username '" + username + "' --nominal '" + nominal_ref +
                              "' --runs " + std::to_string(runs);
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw Error(ErrorCode::internal, "could not run " + command);
  std::string output;
  char buffer[4096];
  while (const std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) {
    output.append(buffer, got);
  }
  const int status = ::pclose(pipe);
  if (status != 0) {
    throw Error(ErrorCode::internal, "the paint measure (" + command + ") failed: " + output);
  }
  return output;
}

// The rounds at the desk, and the paint when asked.
void desk_rounds(const DeskBench& desk) {
  const auto& [args, choice] = desk.options;
  const int rounds = desk.rounds;
  const auto& database = desk.seeded.database;

  const bool sql_profile = args.flag("sql-profile");
  if (sql_profile) SqlProfile::install();
  const auto start_of_server = Clock::now();
  LoopbackServer server(database.path(), 2, nullptr, desk.warm);
  std::vector<Supervisor> supervisors;
  {
    store::Database db(database.path());
    for (const auto& username : desk.people.supervisors) {
      supervisors.push_back({sign_in_at(server, username, "desk", std::chrono::seconds(120)),
                             nominals_of(db, username, rounds)});
    }
  }
  std::cout << "server: " << server.url() << "; " << supervisors.size()
            << " supervisors of different teams signed in\n";
  const double warm_seconds =
      desk.warm ? wait_until_warm(
                      sign_in_at(server, desk.people.admin, "desk", std::chrono::seconds(120)),
                      start_of_server)
                : 0;

  std::mutex mutex;
  std::map<std::string, std::vector<double>> times;  // label -> ms
  std::map<std::string, std::vector<double>> bytes;  // label -> answer sizes
  std::vector<std::string> failures;
  auto ask = [&](const Supervisor& who, const char* label, const std::string& target) {
    const auto [reply, ms] = who.timed_get(target);
    std::lock_guard lock(mutex);
    if (reply.status != 200) {
      failures.push_back(who.username + " " + target + ": " + std::to_string(reply.status) + " " +
                         reply.body.substr(0, 200));
    }
    times[label].push_back(ms);
    bytes[label].push_back(static_cast<double>(reply.body.size()));
  };
  // Rounds in step: everyone opens the queue, then a nominal, at once; the next round starts
  // once all have their answers.
  std::barrier round_done(static_cast<std::ptrdiff_t>(supervisors.size()));
  std::vector<std::thread> threads;
  threads.reserve(supervisors.size());
  const auto start = Clock::now();
  if (sql_profile) SqlProfile::start();
  for (auto& s : supervisors) {
    threads.emplace_back([&] {
      for (int round = 0; round < rounds; ++round) {
        round_done.arrive_and_wait();
        ask(s, kQueue, "/api/v1/review-queue");
        ask(s, kNominal, nominal_page(s.nominal_refs[static_cast<std::size_t>(round)]));
      }
    });
  }
  for (auto& t : threads) t.join();
  const double wall = seconds_since(start);
  if (sql_profile) SqlProfile::stop_and_print("of the rounds", wall);
  if (!failures.empty()) {
    throw Error(ErrorCode::internal,
                std::to_string(failures.size()) + " calls failed, the first: " + failures[0]);
  }

  std::string paint;
  if (args.flag("paint")) {
    // Chromium opens the views as the largest team's supervisor while the others keep asking,
    // so the paint is timed on a busy server, as at the morning meeting.
    std::atomic<bool> painting{true};
    std::vector<std::thread> load;
    for (std::size_t i = 1; i < supervisors.size(); ++i) {
      load.emplace_back([&, i] {
        const auto& s = supervisors[i];
        for (std::size_t round = 0; painting; ++round) {
          s.get("/api/v1/review-queue");
          s.get(nominal_page(s.nominal_refs[round % s.nominal_refs.size()]));
        }
      });
    }
    try {
      paint = run_paint(server.url(), supervisors[0].username, supervisors[0].nominal_refs[0], 10);
    } catch (...) {
      painting = false;
      for (auto& t : load) t.join();
      throw;
    }
    painting = false;
    for (auto& t : load) t.join();
  }
  server.stop();

  base::JsonWriter json;
  desk.begin_figures(json, "desk", supervisors.size(), warm_seconds);
  json.field("seconds", wall).key("calls").begin_array();
  bool met = true;
  for (const auto& [label, ms] : times) {
    const Timings t = summarise_times(ms);
    const Timings size = summarise_times(bytes[label]);
    met &= t.p99_ms < kAimP99Ms;
    std::cout << label << " (" << t.runs << " asked): p50 " << fixed(t.p50_ms, 1) << " ms, p99 "
              << fixed(t.p99_ms, 1) << " ms, max " << fixed(t.max_ms, 1) << " ms; answer "
              << grouped(static_cast<std::int64_t>(size.p50_ms)) << " bytes (median)\n";
    json.begin_object().field("call", label);
    write_timings(json, t);
    json.field("median_bytes", size.p50_ms).end_object();
  }
  json.end_array();
  std::cout << "aim: each call under " << kAimP99Ms << " ms p99 with " << supervisors.size()
            << " supervisors at once: " << (met ? "met" : "missed") << "\n";
  if (!paint.empty()) {
    // The script's lines for people, then its JSON (the last line).
    const auto end = paint.find_last_not_of('\n');
    const auto newline = end == std::string::npos ? std::string::npos : paint.rfind('\n', end);
    const std::size_t from = newline == std::string::npos ? 0 : newline + 1;
    const std::string figures = end == std::string::npos ? "" : paint.substr(from, end + 1 - from);
    if (figures.empty() || figures.front() != '{') {
      throw Error(ErrorCode::internal, "the paint measure printed no figures: " + paint);
    }
    std::cout << "in Chromium, as " << supervisors[0].username << " while "
              << supervisors.size() - 1 << " others ask:\n"
              << paint.substr(0, from);
    json.key("paint").raw(figures);
  }
  json.end_object();
  write_figures(desk.seeded.out, json);
}

}  // namespace

int run_desk(std::span<const std::string> words) {
  static constexpr base::Option kOptions[] = {{"paint", false}, {"sql-profile", false}};
  return DeskBench::run(words, kOptions, "desk", kDeskHelp, 20, desk_rounds);
}

}  // namespace vigil::bench
