#include "report_warmer.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "vigil/base/json.hpp"

namespace vigil::server {

ReportWarmer::ReportWarmer(Pool& pool, std::function<Instant()> now, Warm warm, Metrics& metrics,
                           const OperatorLog& log)
    : pool_(pool),
      now_(std::move(now)),
      warm_(std::move(warm)),
      metrics_(metrics),
      log_(log),
      thread_([this] { loop(); }) {}

ReportWarmer::~ReportWarmer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ReportWarmer::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

// Every scope a report is asked for in: each team alone (an officer's, or one picked), each
// supervisor's teams together, and the force; by name, as the report routes name them.
std::set<std::vector<std::string>> ReportWarmer::report_scopes(store::Database& db) {
  std::set<std::vector<std::string>> scopes{{}};
  auto teams = db.prepare("SELECT name FROM teams");
  while (teams.step()) scopes.insert({teams.column_text(0)});
  auto supervisors = db.prepare(
      "SELECT (SELECT json_group_array(name) FROM (SELECT t.name FROM teams t WHERE t.id = "
      "o.team_id OR t.id IN (SELECT team_id FROM team_supervisors s WHERE s.officer_id = o.id) "
      "ORDER BY t.name)) FROM officers o WHERE o.role = 'supervisor' AND o.active = 1");
  while (supervisors.step()) {
    std::vector<std::string> names;
    auto each = db.prepare("SELECT value FROM json_each(?)");
    each.bind_all(supervisors.column_text(0));
    while (each.step()) names.push_back(each.column_text(0));
    scopes.insert(std::move(names));
  }
  return scopes;
}

// One pass: today's reports for every scope, those of teams before the force's, each re-made
// only when a change has landed and it is not too soon.
void ReportWarmer::pass(Made& last_made) {
  auto db = pool_.take();
  const Date today = london_date(now_());
  auto scopes = report_scopes(*db);
  std::vector<std::vector<std::string>> ordered(scopes.begin(), scopes.end());
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const auto& teams) { return !teams.empty(); });
  for (const auto& teams : ordered) {
    if (stopping()) return;
    const std::string scope = format_date(today) + base::json_string_array(teams);
    const auto now = std::chrono::steady_clock::now();
    const auto made = last_made.find(scope);
    if (made != last_made.end() &&
        now - made->second < (teams.empty() ? std::chrono::minutes(kRewarmForce)
                                            : std::chrono::minutes(kRewarmTeam))) {
      continue;
    }
    if (!warm_(*db, today, teams)) last_made[scope] = now;
  }
}

void ReportWarmer::loop() {
  // Below the requests: a report asked for now goes before one made ahead.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
  Made last_made;
  std::unique_lock lock(mutex_);
  bool first = true;
  while (!stopping_) {
    lock.unlock();
    try {
      pass(last_made);
      if (first) {
        metrics_.gauge("vigil_reports_warm",
                       "1 once every scope's reports for today have been made ahead.", {}, 1);
        first = false;
      }
    } catch (const std::exception& error) {
      log_.failure(std::string("making reports ahead failed: ") + error.what());
    }
    lock.lock();
    wake_.wait_for(lock, std::chrono::seconds(5), [this] { return stopping_; });
  }
}

}  // namespace vigil::server
