// Makes today's reports and review queues before anyone asks (ApiOptions::warm_reports): for
// each team alone, each supervisor's teams together and the force, on a thread of low priority,
// and again once a change lands in them (a team's at most once a minute, the force's every ten).
// What it makes lands in the API's report cache, so the morning meeting's first look is served from
// memory. Owns its thread: started by the constructor, stopped (its pass abandoned) by the
// destructor. Private to server/.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pool.hpp"
#include "request_log.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/server/metrics.hpp"

namespace vigil::server {

class ReportWarmer {
 public:
  // Makes, or finds kept, the reports of one scope (team names; empty: the force) as of a date,
  // and says whether every one of them was found kept (nothing had changed).
  using Warm = std::function<bool(store::Database&, Date, const std::vector<std::string>&)>;

  // A pass that fails is told to the log, and the next is tried five seconds on.
  ReportWarmer(Pool& pool, std::function<Instant()> now, Warm warm, Metrics& metrics,
               const OperatorLog& log);
  ~ReportWarmer();
  ReportWarmer(const ReportWarmer&) = delete;
  ReportWarmer& operator=(const ReportWarmer&) = delete;

 private:
  static constexpr std::chrono::minutes kRewarmTeam{1}, kRewarmForce{10};
  using Made = std::map<std::string, std::chrono::steady_clock::time_point>;

  std::set<std::vector<std::string>> report_scopes(store::Database& db);
  void pass(Made& last_made);
  void loop();
  bool stopping();

  Pool& pool_;
  std::function<Instant()> now_;
  Warm warm_;
  Metrics& metrics_;
  const OperatorLog& log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything it uses is ready
};

}  // namespace vigil::server
