// Vigil's HTTP API (docs/http-api.md): sign-in, sync, scoped reads with their audit,
// conflicts, devices, health, metrics and the OpenAPI description. Turns each Request into a
// Response; the transport (vigil/http/server.hpp) knows nothing of this.
//
// Threading: handle() is called from every I/O thread at once. Each call borrows a database
// connection from a pool; pushes and decisions are serialised by SQLite's write lock (and the
// engine's clock by a mutex). Nothing escapes handle() as an exception.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "vigil/http/server.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/server/metrics.hpp"

namespace vigil::server {

// The API speaks in the HTTP server's requests and responses (vigil/http/server.hpp).
using http::Request;
using http::Response;

// The least a line of the operator's log must be to be written: every request (info), security
// events and failures (warn), failures alone (error).
enum class LogLevel { info, warn, error };

struct ApiOptions {
  std::filesystem::path database;
  // The server's wall clock, injected so tests can move time (throttling windows, clock skew).
  std::function<Instant()> now;
  // Sign-in failures allowed per window before 429: for one username from one address, and
  // from one address (after which only wrong passwords from it are refused).
  int failures_per_username = 5;
  int failures_per_address = 20;
  std::chrono::minutes failure_window{15};
  // Make today's reports for every team, every supervisor's teams and the force before anyone
  // asks, on a thread of low priority, and again once a change lands in them (a team's at most
  // once a minute, the force's every ten). vigil-server turns it on; tests that count what the
  // cache serves leave it off.
  bool warm_reports = false;
  // Keep today's reports until a change lands in their teams (report_cache.hpp). Off
  // (vigil-server --no-report-cache, vigil-bench reports --no-cache): every ask makes its report,
  // as an ask for any other date does, and nothing is made ahead.
  bool cache_reports = true;
  // Reports made at once; more wait their turn, in the order they came. Making a report only
  // competes for the processors, so more at once than there are cores makes each slower.
  // 0: one per processor.
  int report_makers = 0;
  // Database connections opened at start-up, ready for the first requests, which come at once
  // (the morning meeting): as many as requests are handled at once (ServerOptions's
  // handler_threads). More are opened when needed.
  int connections_ahead = 16;
  // Told the operator's log, one JSON line at a time (request_log.hpp): a line per request and
  // per failure. vigil-server writes them to standard error. Empty: only failures are written,
  // to standard error.
  std::function<void(const std::string&)> log;
  LogLevel log_level = LogLevel::info;
  // /readyz answers 503 when the file system holding the database has less free than this
  // (vigil-server --min-free-disk): a full disk fails every push and every audited read.
  std::uint64_t min_free_disk_bytes = std::uint64_t{1} << 30;
};

// Who may call a route.
enum class Access {
  open,        // anyone: sign-in, health, metrics, the dashboard's files, the OpenAPI document
  signed_in,   // any signed-in device, tablet or dashboard session (401 otherwise)
  tablet,      // a signed-in tablet: a dashboard session is refused (403)
  supervisor,  // a supervisor or an administrator (an officer is refused, 403)
};

// One route of the API, as its table in api.cpp holds it: dispatch, the metrics' route names
// and the test against the OpenAPI document's paths all come from that table.
struct ApiRoute {
  std::string_view method;
  std::string_view pattern;  // the OpenAPI path: "/api/v1/devices/{id}/revoke"
  Access access;
  // False for what must answer with the database gone: the dashboard's files (which say so),
  // the metrics and the OpenAPI document. Every other route is refused with 503 database_gone.
  bool needs_database;
  std::string_view action;  // supervisor routes: what an officer is refused ("revoke a device")
};

class Api {
 public:
  // Every route, in the order a request's path is matched against them.
  static std::vector<ApiRoute> routes();

  // Opens the database (it must have been created with `vigil init`) and checks its schema.
  explicit Api(ApiOptions options);
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  Response handle(const Request& request);
  // Writes the operator's log line (a warning) of a request the HTTP layer refused before it
  // reached handle() (http::ServerOptions::log_refusal).
  void refused(const http::ServerOptions::Refusal& refusal) const;
  Metrics& metrics();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::server
