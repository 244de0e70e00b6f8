// vigil-bench reports: the morning meeting across a force. The national profile is seeded (or a
// database given), the real server serves it in this process on a loopback port, and 20
// supervisors (one of each of 20 teams) ask for their team's reports at once, over and over,
// while an administrator asks for the force-wide ones. Every report is timed as the client sees
// it, over real HTTP.
#include <atomic>
#include <barrier>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "bench_support.hpp"
#include "sql_profile.hpp"
#include "vigil/base/error.hpp"
#include "vigil/http/client.hpp"

namespace vigil::bench {
namespace {

constexpr const char* kReportsHelp =
    "usage: vigil-bench reports [--db PATH] [--profile national|force|demo] [--seed N]\n"
    "                           [--as-of YYYY-MM-DD] [--supervisors N] [--rounds N]\n"
    "                           [--cold | --no-cache [--sql-profile]] [--out FILE]\n"
    "\n"
    "Seeds a profile (national by default) into a fresh temporary database and serves it with\n"
    "the real server in this process over HTTP on a loopback port. --supervisors supervisors,\n"
    "each of a different team, ask at once for their team's overdue, suspects, compliance and\n"
    "devices reports, --rounds times each, while an administrator asks for the force-wide\n"
    "overdue, suspects and compliance reports. Prints p50 and p99 of each report, team and\n"
    "force-wide, in milliseconds as the client sees them: apart for the first ask of each\n"
    "and the later ones. As vigil-server runs, the server makes today's reports ahead, and the\n"
    "supervisors ask once it has (the time it took is printed); with --cold, each first ask\n"
    "makes its report.\n"
    "\n"
    "  --db PATH          use this database: seeded first when it does not exist or holds no\n"
    "                     nominals, and kept afterwards\n"
    "  --profile P        what to seed: national (default), force or demo\n"
    "  --seed N           the seed's random seed (default 1)\n"
    "  --as-of DATE       the date the history runs up to and the reports are run for (default:\n"
    "                     today in Europe/London)\n"
    "  --supervisors N    supervisors asking at once (default 20)\n"
    "  --rounds N         times each supervisor asks for each report (default 10)\n"
    "  --cold             the server does not make reports ahead (ApiOptions::warm_reports):\n"
    "                     every first ask makes its report\n"
    "  --no-cache         the server keeps no report (vigil-server --no-report-cache), so every\n"
    "                     ask makes its report, as for any date: each supervisor asks for their\n"
    "                     team's overdue, suspects and compliance reports alone, one after\n"
    "                     another, then all at once; then the administrator alone asks for the\n"
    "                     force-wide ones, with the peak memory of each\n"
    "  --sql-profile      with --no-cache: also time every SQL statement the server runs for the\n"
    "                     team reports asked alone, and print the costliest\n"
    "  --out FILE         where to write the figures as JSON (default build/bench/reports.json)\n";

// What the issue asks of the reports on this machine.
constexpr double kAimTeamP99Ms = 50;
constexpr double kAimForceP99Ms = 1000;

constexpr const char* kTeamReports[] = {"overdue", "suspects", "compliance", "devices"};
constexpr const char* kForceReports[] = {"overdue", "suspects", "compliance"};
// The server keeps each report until a change in its scope lands: the first ask of a run makes
// it, the later ones (nothing changing meanwhile) are served from the cache. Timed apart.
constexpr const char* kFirst = ", first ask";
constexpr const char* kAgain = ", asked again";

// What the issue asks of the reports made when asked (--no-cache), on this machine.
constexpr double kAimAloneTeamP99Ms = 10;
constexpr double kAimTogetherTeamP99Ms = 50;
constexpr double kAimForceMs[] = {250, 250, 500};  // overdue, suspects, compliance (p99)
constexpr double kAimForcePeakMib = 256;
constexpr int kForceRuns = 3;

// Who asks for reports: a supervisor or the administrator, at the morning meeting.
SignedIn signed_in(const std::string& username, const LoopbackServer& server) {
  return sign_in_at(server, username, "morning meeting", std::chrono::seconds(300));
}

// The process's anonymous memory now (RssAnon): its heap and stacks, not the files it maps.
double anonymous_mib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssAnon:", 0) == 0) return std::stod(line.substr(8)) / 1024.0;  // kB
  }
  return 0;
}

// Asks for a report and times it as the client sees it; a refusal stops the benchmark.
double timed_ask(const SignedIn& who, const std::string& target) {
  const auto [reply, ms] = who.timed_get(target);
  if (reply.status != 200) {
    throw Error(ErrorCode::internal,
                who.username + " " + target + ": HTTP " + std::to_string(reply.status));
  }
  return ms;
}

// The reports as they are made when asked, with no cache to serve them.
void reports_without_cache(const DeskBench& desk) {
  const auto& choice = desk.options.choice;
  const bool sql_profile = desk.options.args.flag("sql-profile");
  const auto& people = desk.people;
  const int rounds = desk.rounds;
  if (sql_profile) SqlProfile::install();
  LoopbackServer server(desk.seeded.database.path(), 2, nullptr, false, false);
  const std::string as_of = format_date(choice.options.as_of);
  std::vector<SignedIn> askers;
  askers.reserve(people.supervisors.size());
  for (const auto& username : people.supervisors) askers.push_back(signed_in(username, server));
  const SignedIn chief = signed_in(people.admin, server);
  std::cout << "server: " << server.url() << ", keeping no report; " << askers.size()
            << " supervisors of different teams and " << people.admin << " signed in\n";
  const auto target = [&](const char* report) {
    return std::string("/api/v1/reports/") + report + "?as_of=" + as_of;
  };
  constexpr const char* kReports[] = {"overdue", "suspects", "compliance"};

  // Each supervisor alone, one after another.
  std::map<std::string, std::vector<double>> alone, together;
  if (sql_profile) SqlProfile::start();
  const auto started = Clock::now();
  for (auto& a : askers) {
    for (int round = 0; round < rounds; ++round) {
      for (const char* report : kReports) alone[report].push_back(timed_ask(a, target(report)));
    }
  }
  if (sql_profile) {
    SqlProfile::stop_and_print("of the team reports asked alone", seconds_since(started));
  }
  // All at once, in rounds in step.
  std::mutex mutex;
  std::barrier round_done(static_cast<std::ptrdiff_t>(askers.size()));
  std::vector<std::thread> threads;
  threads.reserve(askers.size());
  for (auto& a : askers) {
    threads.emplace_back([&] {
      for (int round = 0; round < rounds; ++round) {
        round_done.arrive_and_wait();
        for (const char* report : kReports) {
          const double ms = timed_ask(a, target(report));
          std::lock_guard lock(mutex);
          together[report].push_back(ms);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  // The force-wide ones, the administrator alone, each with the memory it took: the process's
  // own (anonymous) memory, sampled while the report is made, above what it held before. The
  // server maps its database file into memory, and those pages are the file's, not the
  // report's: the high-water mark of the process counts them.
  std::map<std::string, std::vector<double>> force;
  std::map<std::string, double> peak;
  for (const char* report : kReports) {
    for (int run = 0; run < kForceRuns; ++run) {
      const double before = anonymous_mib();
      std::atomic<bool> asking{true};
      double highest = before;
      std::thread sampler([&] {
        while (asking) {
          highest = std::max(highest, anonymous_mib());
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
      });
      force[report].push_back(timed_ask(chief, target(report)));
      asking = false;
      sampler.join();
      peak[report] = std::max(peak[report], highest - before);
    }
  }
  server.stop();

  base::JsonWriter json;
  begin_figures(json, "reports", choice, desk.seeded);
  json.field("cache", false)
      .field("supervisors", static_cast<std::int64_t>(askers.size()))
      .field("rounds", rounds)
      .key("reports")
      .begin_array();
  bool alone_met = true, together_met = true, force_met = true;
  for (std::size_t r = 0; r < std::size(kReports); ++r) {
    const char* report = kReports[r];
    const Timings a = summarise_times(alone[report]);
    const Timings t = summarise_times(together[report]);
    const Timings f = summarise_times(force[report]);
    alone_met &= a.p99_ms < kAimAloneTeamP99Ms;
    together_met &= t.p99_ms < kAimTogetherTeamP99Ms;
    force_met &= f.p99_ms < kAimForceMs[r] && peak[report] < kAimForcePeakMib;
    std::cout << "team " << report << ", alone (" << a.runs << " asked): p50 " << fixed(a.p50_ms, 1)
              << " ms, p99 " << fixed(a.p99_ms, 1) << " ms; with " << askers.size() << " at once ("
              << t.runs << "): p50 " << fixed(t.p50_ms, 1) << " ms, p99 " << fixed(t.p99_ms, 1)
              << " ms\n"
              << "force-wide " << report << " (" << f.runs << " asked): p50 " << fixed(f.p50_ms, 1)
              << " ms, p99 " << fixed(f.p99_ms, 1) << " ms (aim " << kAimForceMs[r]
              << " ms); memory it took at its peak " << fixed(peak[report], 0) << " MiB\n";
    json.begin_object().field("report", report);
    write_percentiles(json, "team_alone_", a);
    write_percentiles(json, "team_together_", t);
    write_percentiles(json, "force_", f);
    json.field("force_peak_mib", peak[report]).end_object();
  }
  json.end_array().end_object();
  std::cout << "aims: a team's reports alone under " << kAimAloneTeamP99Ms << " ms p99 "
            << (alone_met ? "met" : "missed") << "; with " << askers.size() << " at once under "
            << kAimTogetherTeamP99Ms << " ms p99 " << (together_met ? "met" : "missed")
            << "; force-wide within their aims and under " << kAimForcePeakMib << " MiB "
            << (force_met ? "met" : "missed") << "\n";
  write_figures(desk.seeded.out, json);
}

// The reports as the dashboard asks for them, from the cache unless --no-cache.
void reports_rounds(const DeskBench& desk) {
  if (desk.options.args.flag("no-cache")) {
    reports_without_cache(desk);
    return;
  }
  const auto& choice = desk.options.choice;
  const auto& database = desk.seeded.database;
  const int rounds = desk.rounds;
  const auto& supervisors = desk.people.supervisors;
  const auto& admin = desk.people.admin;

  const auto start_of_server = Clock::now();
  LoopbackServer server(database.path(), 2, nullptr, desk.warm);
  const std::string as_of = format_date(choice.options.as_of);
  std::vector<SignedIn> askers;
  askers.reserve(supervisors.size());
  for (const auto& username : supervisors) askers.push_back(signed_in(username, server));
  const SignedIn chief = signed_in(admin, server);
  std::cout << "server: " << server.url() << "; " << askers.size()
            << " supervisors of different teams and " << admin << " signed in\n";
  const double warm_seconds = desk.warm ? wait_until_warm(chief, start_of_server) : 0;

  std::mutex mutex;
  std::map<std::string, std::vector<double>> times;  // "team overdue" -> ms
  std::vector<std::string> failures;
  auto ask = [&](const SignedIn& who, const std::string& label, const std::string& target) {
    const auto [reply, ms] = who.timed_get(target);
    std::lock_guard lock(mutex);
    if (reply.status != 200) {
      failures.push_back(who.username + " " + target + ": " + std::to_string(reply.status));
    }
    times[label].push_back(ms);
  };
  // Rounds in step: everyone asks at once, and the next round starts once all have their
  // answers, so an ask again is timed against other asks again, not against first asks still
  // being made. The administrator asks in the first rounds alongside.
  std::barrier round_done(static_cast<std::ptrdiff_t>(askers.size()) + 1);
  std::vector<std::thread> threads;
  threads.reserve(askers.size());
  const auto start = Clock::now();
  const int chief_rounds = std::max(1, rounds / 5);
  for (auto& a : askers) {
    threads.emplace_back([&] {
      for (int round = 0; round < rounds; ++round) {
        round_done.arrive_and_wait();
        for (const char* report : kTeamReports) {
          ask(a, std::string("team ") + report + (round == 0 ? kFirst : kAgain),
              std::string("/api/v1/reports/") + report + "?as_of=" + as_of);
        }
      }
    });
  }
  threads.emplace_back([&] {
    for (int round = 0; round < rounds; ++round) {
      round_done.arrive_and_wait();
      if (round >= chief_rounds) continue;
      for (const char* report : kForceReports) {
        ask(chief, std::string("force ") + report + (round == 0 ? kFirst : kAgain),
            std::string("/api/v1/reports/") + report + "?as_of=" + as_of);
      }
    }
  });
  for (auto& t : threads) t.join();
  const double wall = seconds_since(start);
  {
    // What the cache served: a first ask made ahead is a hit.
    const auto metrics = chief.client->get("/metrics").body;
    for (const char* result : {"hit", "miss"}) {
      const std::string series =
          std::string("vigil_report_cache_total{result=\"") + result + "\"} ";
      const auto at = metrics.find(series);
      std::cout << "reports from the cache, " << result << ": "
                << (at == std::string::npos
                        ? std::string("0")
                        : metrics.substr(at + series.size(),
                                         metrics.find('\n', at) - at - series.size()))
                << "\n";
    }
  }
  server.stop();
  if (!failures.empty()) {
    throw Error(ErrorCode::internal,
                std::to_string(failures.size()) + " reports failed, the first: " + failures[0]);
  }

  base::JsonWriter json;
  desk.begin_figures(json, "reports", askers.size(), warm_seconds);
  json.field("seconds", wall).key("reports").begin_array();
  bool team_met = true, force_met = true, team_again_met = true, force_again_met = true;
  std::int64_t requests = 0;
  for (const auto& [label, ms] : times) {
    const Timings t = summarise_times(ms);
    requests += t.runs;
    const bool force = label.rfind("force", 0) == 0;
    const bool again = label.find(kAgain) != std::string::npos;
    const bool met = t.p99_ms < (force ? kAimForceP99Ms : kAimTeamP99Ms);
    (force ? (again ? force_again_met : force_met) : (again ? team_again_met : team_met)) &= met;
    std::cout << label << " (" << t.runs << " asked): p50 " << fixed(t.p50_ms, 1) << " ms, p99 "
              << fixed(t.p99_ms, 1) << " ms, max " << fixed(t.max_ms, 1) << " ms\n";
    json.begin_object().field("report", label);
    write_timings(json, t);
    json.end_object();
  }
  json.end_array().end_object();
  std::cout << grouped(requests) << " reports in " << fixed(wall, 1) << " s\n"
            << "aims, first ask: team reports under " << kAimTeamP99Ms << " ms p99 "
            << (team_met ? "met" : "missed") << "; force-wide under " << kAimForceP99Ms
            << " ms p99 " << (force_met ? "met" : "missed") << "\n"
            << "aims, asked again: team reports " << (team_again_met ? "met" : "missed")
            << "; force-wide " << (force_again_met ? "met" : "missed") << "\n";
  write_figures(desk.seeded.out, json);
}

}  // namespace

int run_reports(std::span<const std::string> words) {
  static constexpr base::Option kOptions[] = {{"no-cache", false}, {"sql-profile", false}};
  return DeskBench::run(words, kOptions, "reports", kReportsHelp, 10, reports_rounds);
}

}  // namespace vigil::bench
