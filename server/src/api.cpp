#include "vigil/server/api.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "api_impl.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"
#include "vigil/reports/backlog_trend.hpp"
#include "vigil/reports/compliance_report.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/reports/safeguarding_report.hpp"
#include "vigil/reports/suspects_report.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::server {

Response json_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

void write_rows(base::JsonWriter& w, std::string_view key, store::Statement& rows,
                std::initializer_list<std::string_view> names) {
  w.key(key).begin_array();
  while (rows.step()) {
    w.begin_object();
    int column = 0;
    for (const auto name : names) w.field(name, rows.column_optional_text(column++));
    w.end_object();
  }
  w.end_array();
}

std::string read_reason(const Call& call) {
  const auto reason = call.request.query.find("reason");
  return reason == call.request.query.end() ? std::string() : reason->second;
}

Response error_response(int status, std::string_view code, std::string_view message) {
  base::JsonWriter w;
  w.begin_object().field("error", code).field("message", message).end_object();
  return json_response(status, w.str());
}

[[noreturn]] void fail(int status, std::string code, std::string message) {
  throw HttpError{status, std::move(code), std::move(message)};
}

namespace {

constexpr Access kOpen = Access::open, kSignedIn = Access::signed_in, kTablet = Access::tablet,
                 kSupervisor = Access::supervisor;

// The path matched against a route's pattern: each {id} stands for one segment, not empty.
// Returns the segment {id} stood for ("" when the pattern has none), or nullopt.
std::optional<std::string> match_pattern(std::string_view pattern, std::string_view path) {
  std::string id;
  while (!pattern.empty()) {
    const auto hole = pattern.find("{id}");
    const auto literal = pattern.substr(0, hole);
    if (path.substr(0, literal.size()) != literal) return std::nullopt;
    path.remove_prefix(literal.size());
    if (hole == std::string_view::npos) break;
    pattern.remove_prefix(hole + 4);
    const auto end = path.find('/');
    id = std::string(path.substr(0, end));
    if (id.empty()) return std::nullopt;
    path.remove_prefix(id.size());
  }
  if (!path.empty()) return std::nullopt;
  return id;
}

// The database path, once it is known to name a file: the server never creates one.
const std::filesystem::path& existing_database(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    throw Error(ErrorCode::io, "there is no database at " + path.string() +
                                   "; create it with `vigil init --db " + path.string() + "`");
  }
  return path;
}

// A database with damaged pages is refused at start-up rather than served: every page is read
// once (SQLite's quick_check, which leaves out the slower comparison of indexes with tables).
void require_undamaged(store::Database& db) {
  std::string result;
  try {
    auto check = db.prepare("PRAGMA quick_check(1)");
    result = check.step() ? check.column_text(0) : "no answer";
  } catch (const Error& error) {
    result = error.what();
  }
  if (result != "ok") {
    throw Error(ErrorCode::database, "the database " + db.path().string() + " is damaged (" +
                                         quoted_excerpt(result, 120) +
                                         "); restore it from a backup before serving it");
  }
}

}  // namespace

Api::Impl::Impl(ApiOptions o)
    : options(std::move(o)),
      log(options.log, options.log_level),
      database_file(existing_database(options.database), log),
      pool(options.database, FileMap::off),
      makers(options.database, FileMap::on),
      report_gate(options.report_makers > 0
                      ? options.report_makers
                      : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()))),
      engine(options.now) {
  if (!options.now) {
    options.now = [] {
      return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    };
  }
  require_current_schema(*pool.take());
  require_undamaged(*pool.take());
  pool.open_ahead(options.connections_ahead);
  writer = std::make_unique<Writer>(options.database, engine);
  audits = std::make_unique<AuditQueue>(options.database);
  if (options.warm_reports && options.cache_reports) {
    warmer = std::make_unique<ReportWarmer>(
        pool, options.now,
        [this](store::Database& db, Date today, const std::vector<std::string>& teams) {
          return warm_reports(db, today, teams);
        },
        metrics, log);
  }
}

// The API's routes, written once: what dispatch matches, what the metrics name each request by,
// and what a test compares with the OpenAPI document's paths.
const std::vector<Api::Impl::Route>& Api::Impl::route_table() {
  static const std::vector<Route> table = {
      {{"GET", "/", kOpen, false, ""}, &Impl::dashboard_page},
      {{"GET", "/dashboard.css", kOpen, false, ""}, &Impl::dashboard_style},
      {{"GET", "/dashboard.js", kOpen, false, ""}, &Impl::dashboard_script},
      {{"GET", "/healthz", kOpen, false, ""}, &Impl::health},
      {{"GET", "/readyz", kOpen, false, ""}, &Impl::ready},
      {{"GET", "/metrics", kOpen, false, ""}, &Impl::metrics_page},
      {{"GET", "/api/v1/openapi.json", kOpen, false, ""}, &Impl::openapi},
      {{"POST", "/api/v1/auth/login", kOpen, true, ""}, &Impl::login},
      {{"POST", "/api/v1/auth/logout", kSignedIn, true, ""}, &Impl::logout},
      {{"POST", "/api/v1/sync/push", kTablet, true, ""}, &Impl::push},
      {{"GET", "/api/v1/sync/pull", kTablet, true, ""}, &Impl::pull},
      {{"GET", "/api/v1/nominals", kSignedIn, true, ""}, &Impl::nominals},
      {{"GET", "/api/v1/nominals/{id}", kSignedIn, true, ""}, &Impl::nominal},
      {{"GET", "/api/v1/suspects/{id}", kSignedIn, true, ""}, &Impl::suspect},
      {{"GET", "/api/v1/bail-cases/{id}", kSignedIn, true, ""}, &Impl::bail_case},
      {{"GET", "/api/v1/conflicts", kSignedIn, true, ""}, &Impl::conflicts},
      {{"POST", "/api/v1/conflicts/{id}/decision", kSupervisor, true, "decide a conflict"},
       &Impl::decide},
      {{"GET", "/api/v1/devices", kSupervisor, true, "list devices"}, &Impl::devices},
      {{"POST", "/api/v1/devices/{id}/revoke", kSupervisor, true, "revoke a device"},
       &Impl::revoke},
      {{"GET", "/api/v1/review-queue", kSupervisor, true, "see the review queue"},
       &Impl::review_queue_page},
      {{"POST", "/api/v1/reviews", kSupervisor, true, "decide a review"}, &Impl::review},
      {{"POST", "/api/v1/records", kSignedIn, true, ""}, &Impl::record},
      {{"GET", "/api/v1/officers", kSupervisor, true, "list officers"}, &Impl::officers},
      {{"POST", "/api/v1/officers/{id}/disable", kSupervisor, true, "disable an officer"},
       &Impl::disable_officer},
      {{"POST", "/api/v1/officers/{id}/enable", kSupervisor, true, "enable an officer"},
       &Impl::enable_officer},
      {{"GET", "/api/v1/reports/overdue", kSignedIn, true, ""},
       &Impl::report_page<reports::kOverdueReport>},
      {{"GET", "/api/v1/reports/suspects", kSignedIn, true, ""},
       &Impl::report_page<reports::kSuspectsReport>},
      {{"GET", "/api/v1/reports/compliance", kSignedIn, true, ""},
       &Impl::report_page<reports::kComplianceReport>},
      {{"GET", "/api/v1/reports/safeguarding", kSignedIn, true, ""},
       &Impl::report_page<reports::kSafeguardingReport>},
      {{"GET", "/api/v1/reports/trend", kSignedIn, true, ""},
       &Impl::report_page<reports::kTrendReport, false>},
      {{"GET", "/api/v1/reports/devices", kSupervisor, true, "see the devices report"},
       &Impl::devices_report_page},
  };
  return table;
}

Api::Impl::Match Api::Impl::match(const Request& request) {
  Match found;
  for (const auto& entry : route_table()) {
    auto id = match_pattern(entry.route.pattern, request.path);
    if (!id) continue;
    found.pattern = entry.route.pattern;
    if (entry.route.method == request.method) {
      found.route = &entry;
      found.id = std::move(*id);
      found.allow.clear();
      return found;
    }
    found.allow += (found.allow.empty() ? "" : ", ") + std::string(entry.route.method);
  }
  return found;
}

Response Api::Impl::dispatch(const Request& request, const Match& found, RequestLine& line) {
  if (!found.route && !found.allow.empty()) {
    throw HttpError{405, "method_not_allowed", request.path + " accepts " + found.allow + " only",
                    false, found.allow};
  }
  if (!found.route) fail(404, "not_found", "there is no " + request.path);
  const ApiRoute& route = found.route->route;
  if (route.needs_database) require_database_intact();
  Call call{request, route, nullptr, nullptr, found.id, &line};
  if (route.access == Access::open) return (this->*found.route->handler)(call);

  auto db = pool.take();
  const Caller caller = authenticate(*db, call);
  call.db = &*db;
  call.caller = &caller;
  line.officer_id = caller.officer_id;
  line.device_id = caller.device_id;
  // Pushes and pulls are a tablet's: a dashboard session in a browser holds no store, so it
  // neither sends changes nor takes a scope.
  if (route.access == Access::tablet && caller.browser) {
    refuse(caller, call, 403, "forbidden", "a dashboard sign-in cannot sync; sign in from a tablet",
           "sync from a dashboard (browser) sign-in");
  }
  if (route.access == Access::tablet) require_same_protocol(request);
  if (route.access == Access::supervisor && caller.role == Role::officer) {
    const std::string what(route.action);
    refuse(caller, call, 403, "forbidden", "only a supervisor or administrator may " + what,
           "role: only a supervisor or administrator may " + what);
  }
  return (this->*found.route->handler)(call);
}

std::string Api::Impl::now_text() {
  return format_instant(options.now());
}

Response Api::Impl::disclosing(std::vector<AuditRow> read, std::string page) {
  audits->write(std::move(read));
  return json_response(200, std::move(page));
}

AuditRow Api::Impl::audit_row(const Caller* caller, std::string_view action,
                              std::string_view entity, const std::optional<std::string>& entity_id,
                              std::string_view reason) {
  return {base::make_time_ordered_uuid(),
          now_text(),
          caller ? std::optional(caller->officer_id) : std::nullopt,
          caller ? std::optional(caller->device_id) : std::nullopt,
          std::string(action),
          std::string(entity),
          entity_id,
          std::string(reason)};
}

void Api::Impl::audit(store::Database& db, const Caller* caller, std::string_view action,
                      std::string_view entity, const std::optional<std::string>& entity_id,
                      std::string_view reason) {
  insert_audit_row(db, audit_row(caller, action, entity, entity_id, reason));
}

void Api::Impl::refuse(const Caller& caller, const Call& call, int status, std::string code,
                       std::string message, std::string_view why, std::string_view entity,
                       std::optional<std::string> entity_id) {
  if (entity == "route" && !entity_id) {
    entity_id = call.request.method + " " + std::string(call.route.pattern);
  }
  throw HttpError{status,
                  std::move(code),
                  std::move(message),
                  false,
                  {},
                  audit_row(&caller, "denied", entity, entity_id, why)};
}

void Api::Impl::require_same_protocol(const Request& request) {
  const std::string ours = std::to_string(sync::kProtocolVersion);
  if (!request.protocol.empty() && request.protocol != ours) {
    fail(426, "protocol_unsupported",
         "this server speaks sync protocol " + ours + ", not '" +
             quoted_excerpt(request.protocol, 20) +
             "': update the tablet's vigil-field (or the server) so the two agree");
  }
}

void Api::Impl::require_database_intact() {
  if (!database_file.intact()) fail(503, "database_gone", database_file.gone_message());
}

std::vector<ApiRoute> Api::routes() {
  std::vector<ApiRoute> routes;
  for (const auto& entry : Impl::route_table()) routes.push_back(entry.route);
  return routes;
}

Api::Api(ApiOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Api::~Api() = default;
Metrics& Api::metrics() {
  return impl_->metrics;
}

void Api::refused(const http::ServerOptions::Refusal& refusal) const {
  impl_->log.event(
      LogLevel::warn, "refused",
      {base::member("status", static_cast<std::int64_t>(refusal.status)),
       base::member("address", refusal.remote_address), base::member("cause", refusal.reason)});
}

namespace {

// What a refusal is to the operator: the security events they watch for.
std::string security_event(const HttpError& error, std::string_view pattern) {
  if (pattern == "/api/v1/auth/login") {
    if (error.status == 429) return "sign_in_throttled";
    if (error.status == 401) return "sign_in_refused";
  }
  if (error.wipe) return "device_revoked";
  if (error.status == 403 || (error.audit && error.audit->action == "denied")) {
    return "access_refused";
  }
  if (error.status == 401) return "unauthenticated";
  return {};
}

// The method as the log names it: one of HTTP's own, or "other" (a client may send any token,
// and the log is no place for text a client chose).
std::string logged_method(const std::string& method) {
  for (const char* known : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    if (method == known) return method;
  }
  return "other";
}

}  // namespace

Response Api::handle(const Request& request) {
  const auto started = std::chrono::steady_clock::now();
  const auto found = Impl::match(request);
  // One series per route, never per record or per made-up path.
  const std::string route = found.pattern.empty() ? "other" : std::string(found.pattern);
  RequestLine line;
  line.request_id = request_id_for(request.request_id);
  line.method = logged_method(request.method);
  line.route = route;
  Response response;
  try {
    response = impl_->dispatch(request, found, line);
  } catch (const HttpError& error) {
    if (error.wipe) {
      base::JsonWriter w;
      w.object({base::member("error", error.code), base::member("message", error.message),
                base::member("wipe", true)});
      response = json_response(error.status, w.str());
    } else {
      response = error_response(error.status, error.code, error.message);
    }
    if (!error.allow.empty()) response.headers.emplace_back("Allow", error.allow);
    line.event = security_event(error, found.pattern);
    if (error.audit) {
      if (!line.officer_id) line.officer_id = error.audit->officer_id;
      if (!line.device_id) line.device_id = error.audit->device_id;
      try {
        impl_->audits->write(*error.audit);
      } catch (const std::exception& failure) {
        // The refusal stands whether or not its row could be written; the operator is told,
        // with the event it was.
        line.cause = std::string("auditing the refusal failed: ") + failure.what();
      }
    }
  } catch (const sync::WireError& error) {
    response = error_response(400, "bad_request", error.what());
  } catch (const Error& error) {
    // The database failed (busy past its timeout, disk full): the client may retry; the
    // operator reads the cause in the log. Nothing of it reaches the client.
    line.event = "failure";
    line.cause = std::string(error.what()) + " (" + error.context() + ")";
    response =
        error_response(503, "unavailable", "the server could not complete the request; try again");
  } catch (const std::exception& error) {
    line.event = "failure";
    line.cause = error.what();
    response = error_response(500, "internal", "the server failed to handle the request");
  }
  if (response.status == 401) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  response.headers.emplace_back(sync::kProtocolHeader, std::to_string(sync::kProtocolVersion));
  response.headers.emplace_back("X-Request-Id", line.request_id);
  // Pull pages, reports and the dashboard's files go gzipped to a client that asks. No answer to
  // a GET holds a token (signing in is a POST), so none can give one away by its length.
  response.compressible = request.method == "GET";
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  impl_->metrics.counter("vigil_http_requests_total", "HTTP requests, by route and status.",
                         {{"route", route}, {"status", std::to_string(response.status)}});
  impl_->metrics.observe("vigil_http_request_duration_seconds", "HTTP request latency, by route.",
                         {{"route", route}}, seconds);
  line.status = response.status;
  // Not ready is what /readyz is for: said, and not counted a failure of the server.
  if (route == "/readyz" && response.status == 503) line.event = "not_ready";
  // Who is knocking, for the operator who must block them: on security events only.
  if (!line.event.empty() && line.event != "not_ready" && line.event != "failure") {
    line.address = request.remote_address;
  }
  line.duration_ms = seconds * 1000;
  impl_->log.request(line);
  return response;
}

}  // namespace vigil::server
