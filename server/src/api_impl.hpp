// The inside of Api (api.hpp), shared by the files that hold its routes, one file per concern:
//   api.cpp             start-up, the route table, dispatch and the answer to every failure
//   sign_in.cpp         sign-in, sign-out, tokens and throttling
//   sync_routes.cpp     push and pull, the tablets' routes
//   record_routes.cpp   nominals, conflicts and their decisions, devices and revocation
//   report_routes.cpp   the reports, their cache and what the warmer makes ahead
//   desk_routes.cpp     the supervisors' desk: the review queue and its decisions, officers' access
//   service_routes.cpp  the dashboard's files, health, metrics and the OpenAPI document
// Private to server/.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audit_queue.hpp"
#include "database_file.hpp"
#include "gate.hpp"
#include "pool.hpp"
#include "report_cache.hpp"
#include "report_warmer.hpp"
#include "request_log.hpp"
#include "throttle.hpp"
#include "vigil/reports/report_stamp.hpp"
#include "vigil/server/api.hpp"
#include "vigil/sync/engine.hpp"
#include "writer.hpp"

namespace vigil::reports {
struct ReviewQueue;
template <class Report>
struct DatedReport;
}  // namespace vigil::reports

namespace vigil::server {

using sync::Caller;

Response json_response(int status, std::string body);
Response error_response(int status, std::string_view code, std::string_view message);

// A failure a handler reports as an HTTP error.
struct HttpError {
  int status;
  std::string code, message;
  bool wipe = false;
  std::string allow = {};  // 405: the methods the path accepts, for the Allow header
  // A refusal the audit log must show (DPA 2018 s62): a known device or officer refused (401),
  // outside scope or role (403), throttled (429). Written by Api::handle before the answer goes.
  std::optional<AuditRow> audit = std::nullopt;
};

[[noreturn]] void fail(int status, std::string code, std::string message);

// A query's rows as an array of objects under `key`, each column under the name given for it, in
// order: NULL as null, any other value as its text (a page selects coalesce(x, '') where it
// answers "" for none).
void write_rows(base::JsonWriter& w, std::string_view key, store::Statement& rows,
                std::initializer_list<std::string_view> names);

// The scope of a read as the audit log says it: "the force", or "teams A, B".
std::string scope_words(const std::vector<std::string>& teams);

// The last change that can alter what is worked out over these teams (empty: the whole force):
// the generation a kept answer must have been made at (report_cache.hpp).
std::int64_t scope_generation(store::Database& db, const std::vector<std::string>& teams);

// What a route's handler is given. On a route open to all, `db` and `caller` are null; on the
// others the caller was authenticated on `db`, a connection the handler may use for the rest.
struct Call {
  const Request& request;
  const ApiRoute& route;
  store::Database* db = nullptr;
  const Caller* caller = nullptr;
  std::string id;  // the path's {id}, when the route's pattern has one
  // The request's line in the operator's log: dispatch names the caller in it; sign-in, whose
  // caller is known only once it succeeds, names the officer and the new device itself.
  RequestLine* log = nullptr;
};

// Why the reader opened a record (?reason=, audited with the read): empty when they gave none.
std::string read_reason(const Call& call);

struct Api::Impl {
  explicit Impl(ApiOptions o);

  ApiOptions options;
  OperatorLog log;
  DatabaseFile database_file;
  // Pushes and decisions are written through the writer; force-wide reports are made on the
  // makers' connections, which map the file (FileMap); everything else, a team's reports too,
  // reads through the pool. Another connection's commit empties a connection's page cache and
  // drops its map: a force-wide report reads most of the file, which is cheaper mapped again; a
  // team's reads a few thousand scattered pages, cheaper read again than faulted into a new map
  // (report_pool).
  Pool pool;
  Pool makers;
  Pool& report_pool(const std::vector<std::string>& teams) { return teams.empty() ? makers : pool; }
  // Every report is made inside it (ApiOptions::report_makers), whoever asks: a request, the
  // warmer.
  Gate report_gate;
  sync::SyncEngine engine;
  std::unique_ptr<Writer> writer;
  // Report reads' audit rows, committed together when many arrive at once.
  std::unique_ptr<AuditQueue> audits;
  Throttle throttle;
  Metrics metrics;
  // Today's reports: the three of every team, every supervisor's teams and the force, for a
  // national force of some 200 teams (about 600), with room for more.
  ReportCache reports{1024};
  std::unique_ptr<ReportWarmer> warmer;  // last: stopped before anything it uses goes

  // --- api.cpp: the route table, dispatch and what every route shares
  using Handler = Response (Impl::*)(const Call&);
  struct Route {
    ApiRoute route;
    Handler handler;
  };
  static const std::vector<Route>& route_table();
  // The route a request's path and method name (none: `allow` lists the methods the path takes,
  // empty when no route has the path).
  struct Match {
    const Route* route = nullptr;
    std::string id, allow;
    std::string_view pattern;  // the path's pattern, whatever the method ("": no route has it)
  };
  static Match match(const Request& request);
  // Checks the database, authenticates and checks the caller's access, then runs the handler;
  // names the caller in the request's log line.
  Response dispatch(const Request& request, const Match& match, RequestLine& line);
  std::string now_text();
  AuditRow audit_row(const Caller* caller, std::string_view action, std::string_view entity,
                     const std::optional<std::string>& entity_id, std::string_view reason);
  // The answer of a page that discloses records: each read in `read` audited first (through the
  // durable queue, committed before the answer goes), then the page.
  Response disclosing(std::vector<AuditRow> read, std::string page);
  // An audit row written in the caller's transaction, beside what it audits.
  void audit(store::Database& db, const Caller* caller, std::string_view action,
             std::string_view entity, const std::optional<std::string>& entity_id,
             std::string_view reason);
  // Refuses the request with `status`, audited as a denial by this caller: `why` says what was
  // refused, in the log's words; the route, the record (when there is one) and the caller's
  // device go with it.
  [[noreturn]] void refuse(const Caller& caller, const Call& call, int status, std::string code,
                           std::string message, std::string_view why,
                           std::string_view entity = "route",
                           std::optional<std::string> entity_id = std::nullopt);
  // Every request but the dashboard's files, the metrics and the OpenAPI document finds the
  // database file the server opened still at its path (DatabaseFile), or is refused with 503.
  void require_database_intact();
  // A tablet's request names the sync protocol's version this server speaks, or none (version
  // 1), else 426 protocol_unsupported. Checked on push and pull once the caller is known, so a
  // revoked tablet of any version is still told to wipe, and on a tablet's sign-in.
  void require_same_protocol(const Request& request);

  // --- sign_in.cpp
  // The caller the request's bearer token names: 401 (audited when the device or officer is
  // known) for no token, an unknown one, a revoked device or a disabled officer.
  Caller authenticate(store::Database& db, const Call& call);
  Response login(const Call& call);
  Response logout(const Call& call);

  // --- sync_routes.cpp
  Response push(const Call& call);
  Response pull(const Call& call);

  // --- record_routes.cpp
  Response nominals(const Call& call);
  Response nominal(const Call& call);
  Response conflicts(const Call& call);
  Response decide(const Call& call);
  Response devices(const Call& call);
  Response revoke(const Call& call);
  bool may_see_conflict(store::Database& db, const Caller& caller, const std::string& id);

  // --- case_routes.cpp
  Response suspect(const Call& call);
  Response bail_case(const Call& call);
  struct CaseRecord {
    std::string id;
    sync::FieldValues fields;  // as a tablet holds them, with the id
    // The records below it, by entity, in the order their tablet holds them.
    std::map<std::string, std::vector<sync::FieldValues>, std::less<>> children;
  };
  CaseRecord case_in_scope(const Call& call, std::string_view entity, std::string_view noun,
                           std::initializer_list<std::string_view> child_entities);

  // --- report_routes.cpp
  // A dated report's route (reports::DatedReport, e.g. reports::kOverdueReport): instantiated in
  // report_routes.cpp for each route of the table. `kept`: today's answers are kept (the cache).
  template <const auto& kind, bool kept = true>
  Response report_page(const Call& call);
  Response devices_report_page(const Call& call);
  // The teams a report or list covers, by name: the one asked for (team=NAME), which must be in
  // the caller's scope (else 403, audited as a denied read of `entity`, e.g. "overdue report");
  // else the caller's scope, which for an administrator is the whole force (empty).
  std::vector<std::string> requested_teams(const Call& call, std::string_view what,
                                           std::string_view entity);
  // Today's three reports and the review queue over these teams, made and kept unless kept
  // already (the warmer's work): true when all were found kept.
  bool warm_reports(store::Database& db, Date today, const std::vector<std::string>& teams);
  template <class Report>
  auto kept_report(store::Database& db, const reports::DatedReport<Report>& kind, Date as_of,
                   const std::vector<std::string>& teams, bool* hit = nullptr);
  template <class Report>
  Response scoped_report(const Call& call, const reports::DatedReport<Report>& kind, bool kept);

  // --- desk_routes.cpp
  Response review_queue_page(const Call& call);
  std::shared_ptr<const reports::ReviewQueue> kept_review_queue(
      store::Database& db, Date today, const std::vector<std::string>& teams, bool* hit = nullptr);
  Response review(const Call& call);
  Response officers(const Call& call);
  Response disable_officer(const Call& call);
  Response enable_officer(const Call& call);
  Response officer_access(const Call& call, bool active);
  // Takes in one new record (a fact) as a change from the caller's own session, through the
  // writer and the merge engine as a tablet's push is: checked, scoped, logged and synced alike.
  struct Written {
    std::string entity_id;
    sync::ChangeOutcome outcome;
  };
  Written write_as_caller(const Call& call, sync::Change change);
  // A new fact of `entity` with these fields.
  Written write_as_caller(const Call& call, std::string entity, sync::FieldValues fields);
  // POST /api/v1/records: any record the caller may write, as a tablet would write it.
  Response record(const Call& call);

  // --- service_routes.cpp
  Response dashboard_page(const Call& call);
  Response dashboard_style(const Call& call);
  Response dashboard_script(const Call& call);
  Response health(const Call& call);
  Response ready(const Call& call);
  Response metrics_page(const Call& call);
  Response openapi(const Call& call);
};

}  // namespace vigil::server
