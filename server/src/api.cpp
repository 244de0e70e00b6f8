#include "vigil/server/api.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "audit_queue.hpp"
#include "database_file.hpp"
#include "embedded.hpp"
#include "report_cache.hpp"
#include "vigil/core/backlog_trend.hpp"
#include "vigil/core/compliance_report.hpp"
#include "vigil/core/devices.hpp"
#include "vigil/core/digest.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/json.hpp"
#include "vigil/core/migrate.hpp"
#include "vigil/core/overdue_report.hpp"
#include "vigil/core/password.hpp"
#include "vigil/core/report_stamp.hpp"
#include "vigil/core/suspects_report.hpp"
#include "vigil/core/text.hpp"
#include "vigil/sync/back_office.hpp"
#include "vigil/sync/engine.hpp"
#include "vigil/sync/entities.hpp"
#include "writer.hpp"

namespace vigil::server {
namespace {

using sync::Caller;

Response json_response(int status, std::string body) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response error_response(int status, std::string_view code, std::string_view message) {
  JsonWriter w;
  w.begin_object().field("error", code).field("message", message).end_object();
  return json_response(status, w.str());
}

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

[[noreturn]] void fail(int status, std::string code, std::string message) {
  throw HttpError{status, std::move(code), std::move(message)};
}

// Database connections, one per request in flight, reused.
class Pool {
 public:
  Pool(std::filesystem::path path, FileMap map) : path_(std::move(path)), map_(map) {}
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<store::Database> db) : pool_(pool), db_(std::move(db)) {}
    ~Lease() { pool_.give_back(std::move(db_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    store::Database& operator*() { return *db_; }

   private:
    Pool& pool_;
    std::unique_ptr<store::Database> db_;
  };
  // Opens `count` connections now, each with the schema read, and keeps them: the first
  // requests after start-up (the morning meeting's, all at once) then find them ready.
  void open_ahead(int count) {
    std::vector<std::unique_ptr<store::Database>> opened;
    for (int i = 0; i < count; ++i) {
      opened.push_back(std::make_unique<store::Database>(open_durable(path_, map_)));
      opened.back()->execute("SELECT count(*) FROM sqlite_schema");
    }
    std::lock_guard lock(mutex_);
    for (auto& db : opened) idle_.push_back(std::move(db));
  }
  Lease take() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto db = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(db));
      }
    }
    return Lease(*this, std::make_unique<store::Database>(open_durable(path_, map_)));
  }

 private:
  void give_back(std::unique_ptr<store::Database> db) {
    db->reset_statements();  // the next request reads the newest data, not this one's snapshot
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(db));
  }
  std::filesystem::path path_;
  FileMap map_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::Database>> idle_;
};

// Sign-in failures in a sliding window, per username and per address. The keys are the
// clients' choice, so a key whose failures have all aged out is dropped: a stream of made-up
// usernames cannot grow the table without bound.
class Throttle {
 public:
  bool blocked(const std::string& key, int allowed, Instant now, std::chrono::minutes window) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(key);
    if (it == failures_.end()) return false;
    auto& times = it->second;
    while (!times.empty() && times.front() <= now - window) times.pop_front();
    if (times.empty()) {
      failures_.erase(it);
      return false;
    }
    return static_cast<int>(times.size()) >= allowed;
  }
  void record(const std::string& key, Instant now, std::chrono::minutes window) {
    std::lock_guard lock(mutex_);
    if (failures_.size() >= sweep_at_) {
      std::erase_if(failures_,
                    [&](const auto& entry) { return entry.second.back() <= now - window; });
      sweep_at_ = std::max<std::size_t>(kFirstSweep, 2 * failures_.size());
    }
    failures_[key].push_back(now);
  }
  void clear(const std::string& key) {
    std::lock_guard lock(mutex_);
    failures_.erase(key);
  }

 private:
  static constexpr std::size_t kFirstSweep = 1024;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<Instant>> failures_;  // never an empty deque
  std::size_t sweep_at_ = kFirstSweep;
};

// A hash of no one's password, verified when the username is unknown or the account disabled, so
// the answer takes as long as for a real account and its timing does not tell which exist.
const std::string& decoy_password_hash() {
  static const std::string hash = hash_password(random_hex(16));
  return hash;
}

std::string route_of(const std::string& path) {
  // Ids in paths become {id}, so metrics have one series per route, not per record.
  static const char* kPrefixes[] = {"/api/v1/nominals/", "/api/v1/conflicts/", "/api/v1/devices/"};
  for (const char* prefix : kPrefixes) {
    const std::string_view p(prefix);
    if (path.rfind(p, 0) == 0 && path.size() > p.size()) {
      const auto rest = path.substr(p.size());
      const auto slash = rest.find('/');
      return std::string(p) + "{id}" + (slash == std::string::npos ? "" : rest.substr(slash));
    }
  }
  return path;
}

std::optional<std::int64_t> integer_param(const Request& request, const std::string& name) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (ec != std::errc() || end != it->second.data() + it->second.size() || value < 0) {
    fail(400, "bad_request", name + " must be a whole number of zero or more");
  }
  return value;
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

struct Api::Impl {
  explicit Impl(ApiOptions o)
      : options(std::move(o)),
        database_file(existing_database(options.database)),
        pool(options.database, FileMap::off),
        makers(options.database, FileMap::on),
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
    if (options.warm_reports) warmer = std::thread([this] { warm_loop(); });
  }

  // The warmer stops (and its pass is abandoned) before anything it uses goes.
  ~Impl() {
    {
      std::lock_guard lock(warm_mutex);
      warm_stopping = true;
    }
    warm_wake.notify_all();
    if (warmer.joinable()) warmer.join();
  }

  ApiOptions options;
  DatabaseFile database_file;
  // Pushes and decisions are written through the writer; reports are made on the makers'
  // connections, which map the file (FileMap); everything else reads through the pool.
  Pool pool;
  Pool makers;
  sync::SyncEngine engine;
  std::unique_ptr<Writer> writer;
  // Report reads' audit rows, committed together when many arrive at once.
  std::unique_ptr<AuditQueue> audits;
  Throttle throttle;
  Metrics metrics;
  // Today's reports: the three of every team, every supervisor's teams and the force, for a
  // national force of some 200 teams (about 600), with room for more.
  ReportCache reports{1024};
  std::mutex warm_mutex;
  std::condition_variable warm_wake;
  bool warm_stopping = false;
  std::thread warmer;

  std::string now_text() { return format_instant(options.now()); }

  AuditRow audit_row(const Caller* caller, std::string_view action, std::string_view entity,
                     const std::optional<std::string>& entity_id, std::string_view reason) {
    return {make_time_ordered_uuid(),
            now_text(),
            caller ? std::optional(caller->officer_id) : std::nullopt,
            caller ? std::optional(caller->device_id) : std::nullopt,
            std::string(action),
            std::string(entity),
            entity_id,
            std::string(reason)};
  }

  // An audit row written in the caller's transaction, beside what it audits.
  void audit(store::Database& db, const Caller* caller, std::string_view action,
             std::string_view entity, const std::optional<std::string>& entity_id,
             std::string_view reason) {
    insert_audit_row(db, audit_row(caller, action, entity, entity_id, reason));
  }

  Caller authenticate(store::Database& db, const Request& request) {
    const std::string prefix = "Bearer ";
    if (request.authorization.rfind(prefix, 0) != 0 ||
        request.authorization.size() == prefix.size()) {
      fail(401, "unauthorized", "sign in first: send Authorization: Bearer <token>");
    }
    // Every request runs this: the statement is kept on the connection (and reset once read).
    auto& s = db.cached(
        "SELECT d.id, d.revoked_at, o.id, o.username, o.role, o.active, d.kind FROM devices d "
        "JOIN officers o ON o.id = d.officer_id WHERE d.token_hash = ?");
    s.bind_all(sha256_hex(request.authorization.substr(prefix.size())));
    const bool found = s.step();
    const bool revoked = found && !s.is_null(1);
    const bool active = found && s.column_int(5) != 0;
    Caller caller;
    if (found) {
      caller.device_id = s.column_text(0);
      caller.officer_id = s.column_text(2);
      caller.username = s.column_text(3);
      caller.role = parse_enum<Role>(s.column_view(4)).value_or(Role::officer);
      caller.browser = s.column_view(6) == "browser";
    }
    s.reset();
    if (!found) fail(401, "unauthorized", "the token is not valid; sign in again");
    if (revoked) {
      throw HttpError{
          401,
          "device_revoked",
          "this device has been revoked; its store must be wiped",
          true,
          {},
          audit_row(&caller, "denied", "device", caller.device_id,
                    "revoked device used for " + request.method + " " + route_of(request.path))};
    }
    if (!active) {
      refuse(caller, request, 401, "unauthorized", "the officer's account is disabled",
             "account disabled");
    }
    caller.team_ids = sync::scope_teams(db, caller.officer_id, caller.role);
    return caller;
  }

  // A supervisor decides exactly the conflicts the list shows them: those on records of their
  // teams, by the engine's own scope rule.
  bool may_see_conflict(store::Database& db, const Caller& caller, const std::string& id) {
    const auto visible = engine.conflicts(db, caller, false);
    return std::any_of(visible.begin(), visible.end(),
                       [&](const sync::ConflictRecord& c) { return c.id == id; });
  }

  // Refuses the request with `status`, audited as a denial by this caller: `why` says what was
  // refused, in the log's words; the route, the record (when there is one) and the caller's
  // device go with it.
  [[noreturn]] void refuse(const Caller& caller, const Request& request, int status,
                           std::string code, std::string message, std::string_view why,
                           std::string_view entity = "route",
                           std::optional<std::string> entity_id = std::nullopt) {
    if (entity == "route" && !entity_id) entity_id = request.method + " " + route_of(request.path);
    throw HttpError{status,
                    std::move(code),
                    std::move(message),
                    false,
                    {},
                    audit_row(&caller, "denied", entity, entity_id, why)};
  }

  void require_supervisor(const Caller& caller, const Request& request, std::string_view what) {
    if (caller.role == Role::officer) {
      refuse(caller, request, 403, "forbidden",
             "only a supervisor or administrator may " + std::string(what),
             "role: only a supervisor or administrator may " + std::string(what));
    }
  }

  // Pushes and pulls are a tablet's: a dashboard session in a browser holds no store, so it
  // neither sends changes nor takes a scope.
  void require_tablet(const Caller& caller, const Request& request) {
    if (caller.browser) {
      refuse(caller, request, 403, "forbidden",
             "a dashboard sign-in cannot sync; sign in from a tablet",
             "sync from a dashboard (browser) sign-in");
    }
  }

  Response login(const Request& request) {
    const auto body =
        sync::decode_string_object(request.body, {"username", "password", "device_name", "kind"});
    auto member = [&](const char* name) {
      auto it = body.find(name);
      if (it == body.end() || it->second.empty()) {
        fail(400, "bad_request", std::string(name) + " is required");
      }
      return it->second;
    };
    const std::string username = member("username");
    const std::string password = member("password");
    const std::string device_name = member("device_name");
    if (username.size() > 200) fail(400, "bad_request", "username is longer than 200 characters");
    if (device_name.size() > 200)
      fail(400, "bad_request", "device_name is longer than 200 characters");
    // A tablet unless it says it is the dashboard in a browser.
    const auto kind_member = body.find("kind");
    const std::string kind = kind_member == body.end() ? "tablet" : kind_member->second;
    if (kind != "tablet" && kind != "browser") {
      fail(400, "bad_request", "kind must be \"tablet\" or \"browser\"");
    }
    const Instant now = options.now();
    // Failures are counted per username from one address, and per address. A guesser of one
    // username is refused (429) from their address for the window, while the officer signs in
    // from anywhere else and keeps every device they already hold. An address with many
    // failures (a police station behind one address) is refused only wrong passwords: another
    // officer's right password from it always signs in.
    const std::string pair_key = "user:" + username + '\n' + request.remote_address;
    const std::string address_key = "address:" + request.remote_address;
    const auto throttled = [&] {
      return HttpError{429,
                       "too_many_attempts",
                       "too many failed sign-ins; wait " +
                           std::to_string(options.failure_window.count()) +
                           " minutes before trying again",
                       false,
                       {},
                       audit_row(nullptr, "denied", "officer", std::nullopt,
                                 "sign-in throttled for '" + quoted_excerpt(username, 100) +
                                     "' from " + request.remote_address)};
    };
    if (throttle.blocked(pair_key, options.failures_per_username, now, options.failure_window)) {
      throw throttled();
    }
    auto db = pool.take();
    auto s =
        (*db).prepare("SELECT id, password_hash, role, active FROM officers WHERE username = ?");
    s.bind_all(username);
    const bool usable = s.step() && !s.is_null(1) && s.column_int(3) != 0;
    const bool good =
        verify_password(usable ? s.column_view(1) : decoy_password_hash(), password) && usable;
    if (!good) {
      const bool address_blocked =
          throttle.blocked(address_key, options.failures_per_address, now, options.failure_window);
      throttle.record(pair_key, now, options.failure_window);
      throttle.record(address_key, now, options.failure_window);
      if (address_blocked) throw throttled();
      store::Transaction transaction(*db);
      audit(*db, nullptr, "login_failed", "officer", std::nullopt,
            "sign-in refused for '" + quoted_excerpt(username, 100) + "' from " +
                request.remote_address);
      transaction.commit();
      fail(401, "unauthorized", "the username or password is wrong");
    }
    throttle.clear(pair_key);
    const std::string officer_id = s.column_text(0);
    const std::string role = s.column_text(2);
    s.reset();
    const std::string token = random_hex(32);
    const std::string device_id = make_time_ordered_uuid();
    store::Transaction transaction(*db);
    auto enrol = (*db).prepare(
        "INSERT INTO devices (id, officer_id, name, token_hash, enrolled_at, last_contact_at, "
        "kind) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    enrol.bind_all(device_id, officer_id, device_name, sha256_hex(token), now_text(), now_text(),
                   kind);
    enrol.run();
    Caller caller{
        officer_id, username, parse_enum<Role>(role).value_or(Role::officer), device_id, {}};
    audit(*db, &caller, "login", "device", device_id, "signed in on " + device_name);
    transaction.commit();
    JsonWriter w;
    w.begin_object()
        .field("token", token)
        .field("device_id", device_id)
        .field("officer", username)
        .field("role", role)
        .end_object();
    return json_response(200, w.str());
  }

  // Signing out ends the token for good: the device is revoked, by its own officer.
  Response logout(const Request& request) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    revoke_device(*db, caller.device_id, {caller.officer_id, caller.device_id}, "signed out",
                  now_text());
    Response response;
    response.status = 204;
    return response;
  }

  Response push(const Request& request) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    require_tablet(caller, request);
    sync::PushRequest push;
    try {
      push = sync::decode_push_request(request.body);
    } catch (const sync::WireError& error) {
      fail(400, "bad_request", error.what());
    }
    if (push.changes.size() > 5000)
      fail(413, "too_many_changes", "push at most 5,000 changes at once");
    const sync::PushResponse result = writer->push(caller, push);
    require_database_intact();  // committed into a file no longer the database: not acknowledged
    std::uint64_t counts[4] = {};
    for (const auto& o : result.outcomes) ++counts[static_cast<int>(o.outcome)];
    static const char* kNames[] = {"applied", "duplicate", "conflict", "rejected"};
    for (int i = 0; i < 4; ++i) {
      if (counts[i] == 0) continue;
      metrics.counter("vigil_sync_changes_total", "Changes pushed, by outcome.",
                      {{"outcome", kNames[i]}}, counts[i]);
    }
    return json_response(200, sync::encode(result));
  }

  Response pull(const Request& request) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    require_tablet(caller, request);
    const auto since = integer_param(request, "since").value_or(0);
    const auto limit = integer_param(request, "limit").value_or(1000);
    if (limit < 1 || limit > 10000) fail(400, "bad_request", "limit must be from 1 to 10000");
    {
      auto contact = (*db).prepare("UPDATE devices SET last_contact_at = ? WHERE id = ?");
      contact.bind_all(now_text(), caller.device_id);
      contact.run();
    }
    std::set<sync::Disclosure> disclosed;
    const auto page =
        engine.pull(*db, caller, since, static_cast<int>(limit),
                    request.query.count("resume") ? request.query.at("resume") : "", &disclosed);
    // Each record the page carried is disclosed to the device: audited before the answer goes.
    std::vector<AuditRow> rows;
    rows.reserve(disclosed.size());
    const std::string why = "sync pull since " + std::to_string(since);
    for (const auto& record : disclosed) {
      rows.push_back(audit_row(&caller, "read", record.entity, record.id, why));
    }
    audits->write(std::move(rows));
    return json_response(200, sync::encode(page));
  }

  void write_nominal_summary(JsonWriter& w, const store::Statement& s) {
    w.field("id", s.column_text(0))
        .field("ref", s.column_text(1))
        .field("surname", s.column_text(2))
        .field("forenames", s.column_text(3))
        .field("kind", s.column_text(4))
        .field("risk_level", s.column_text(5))
        .field("officer", s.column_optional_text(6))
        .field("team", s.column_text(7))
        .field("area", s.column_text(8))
        .field("no_fixed_abode", s.column_int(9) != 0)
        .field("status", s.column_text(10))
        .field("current_risk_level", s.column_text(12));
  }

// The risk level in force: the latest assessment's, else the level recorded at import, as core's
// current_risk works it out.
#define CURRENT_RISK_SQL                                                                 \
  "COALESCE((SELECT a.risk_level FROM assessments a WHERE a.nominal_id = n.id ORDER BY " \
  "a.assessed_on DESC LIMIT 1), n.risk_level)"
  static constexpr const char* kNominalColumns =
      "SELECT n.id, n.ref, n.surname, n.forenames, n.kind, n.risk_level, o.username, t.name, "
      "n.area, n.no_fixed_abode, n.status, n.team_id, " CURRENT_RISK_SQL
      " FROM nominals n JOIN teams t ON "
      "t.id = n.team_id LEFT JOIN officers o ON o.id = n.officer_id ";

  Response nominals(const Request& request) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    // team=NAME: one team of the caller's. briefing=true: only what a neighbourhood briefing
    // lists, the active nominals of no fixed abode or of high or very high risk now.
    const auto teams = requested_teams(*db, caller, request, "list of nominals", "nominal");
    const auto briefing = request.query.find("briefing");
    if (briefing != request.query.end() && briefing->second != "true" &&
        briefing->second != "false") {
      fail(400, "bad_request", "briefing must be true or false");
    }
    const bool briefing_only = briefing != request.query.end() && briefing->second == "true";
    const auto team_ids = scope_team_ids(*db, ReportScope{teams});
    store::Transaction transaction(*db);  // the reads and their audit rows together
    auto s = (*db).prepare(
        std::string(kNominalColumns) + "WHERE n.team_id IN (SELECT value FROM json_each(?)) " +
        (briefing_only ? "AND n.status = 'active' AND (n.no_fixed_abode = 1 OR " CURRENT_RISK_SQL
                         " IN ('high', 'very_high')) "
                       : "") +
        "ORDER BY n.ref");
    s.bind_all(team_ids ? *team_ids : json_string_array(caller.team_ids));
    JsonWriter w;
    w.begin_object().key("items").begin_array();
    while (s.step()) {
      w.begin_object();
      write_nominal_summary(w, s);
      w.end_object();
      audit(*db, &caller, "read", "nominal", s.column_text(0), "list of nominals");
    }
    w.end_array().end_object();
    transaction.commit();
    return json_response(200, w.str());
  }

  Response nominal(const Request& request, const std::string& id) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    store::Transaction transaction(*db);
    auto s = (*db).prepare(std::string(kNominalColumns) + "WHERE n.id = ?");
    s.bind_all(id);
    if (!s.step()) fail(404, "not_found", "there is no nominal with id " + id);
    const std::string team_id = s.column_text(11);
    if (std::find(caller.team_ids.begin(), caller.team_ids.end(), team_id) ==
        caller.team_ids.end()) {
      s.reset();
      transaction.commit();
      refuse(caller, request, 403, "forbidden", "the nominal belongs to a team outside yours",
             "read outside scope", "nominal", id);
    }
    JsonWriter w;
    w.begin_object();
    write_nominal_summary(w, s);
    s.reset();
    auto plans = (*db).prepare(
        "SELECT id, started_on, last_reviewed_on, visit_every_months, double_crewed, "
        "unannounced_required FROM plans WHERE nominal_id = ? ORDER BY started_on DESC");
    plans.bind_all(id);
    w.key("plans").begin_array();
    while (plans.step()) {
      w.begin_object()
          .field("id", plans.column_text(0))
          .field("started_on", plans.column_text(1))
          .field("last_reviewed_on", plans.column_optional_text(2))
          .field("visit_every_months", plans.column_optional_int(3))
          .field("double_crewed", plans.column_int(4) != 0)
          .field("unannounced_required", plans.column_int(5) != 0)
          .end_object();
    }
    w.end_array();
    auto visits = (*db).prepare(
        "SELECT v.id, v.occurred_at, v.announced, v.outcome, (SELECT group_concat(o.username, ';') "
        "FROM visit_attendees a JOIN officers o ON o.id = a.officer_id WHERE a.visit_id = v.id) "
        "FROM visits v WHERE v.nominal_id = ? ORDER BY v.occurred_at DESC LIMIT 20");
    visits.bind_all(id);
    w.key("recent_visits").begin_array();
    while (visits.step()) {
      w.begin_object()
          .field("id", visits.column_text(0))
          .field("occurred_at", visits.column_text(1))
          .field("announced", visits.column_int(2) != 0)
          .field("outcome", visits.column_text(3))
          .field("attendees", visits.column_text(4))
          .end_object();
    }
    w.end_array().end_object();
    audit(*db, &caller, "read", "nominal", id,
          request.query.count("reason") ? request.query.at("reason") : "");
    transaction.commit();
    return json_response(200, w.str());
  }

  Response conflicts(const Request& request) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    const auto status = request.query.find("status");
    if (status != request.query.end() && status->second != "open" && status->second != "all") {
      fail(400, "bad_request", "status must be open or all");
    }
    const bool all = status != request.query.end() && status->second == "all";
    const auto listed = engine.conflicts(*db, caller, !all);
    std::vector<AuditRow> rows;
    for (const auto& c : listed) {
      rows.push_back(audit_row(&caller, "read", "conflict", c.id, "list of conflicts"));
    }
    audits->write(std::move(rows));
    return json_response(200, sync::encode(listed));
  }

  Response decide(const Request& request, const std::string& conflict_id) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    require_supervisor(caller, request, "decide a conflict");
    const auto body = sync::decode_string_object(request.body, {"keep", "note"});
    auto keep = body.find("keep");
    if (keep == body.end() || (keep->second != "winning" && keep->second != "losing")) {
      fail(400, "bad_request", "keep must be \"winning\" or \"losing\"");
    }
    const auto is_open = [&]() -> std::optional<bool> {
      auto s = (*db).prepare("SELECT status FROM conflicts WHERE id = ?");
      s.bind_all(conflict_id);
      if (!s.step()) return std::nullopt;
      return s.column_view(0) == "open";
    };
    const auto was_open = is_open();
    if (!was_open) fail(404, "not_found", "there is no conflict with id " + conflict_id);
    if (!may_see_conflict(*db, caller, conflict_id)) {
      refuse(caller, request, 403, "forbidden",
             "the conflict is on a record of a team outside yours", "decision outside scope",
             "conflict", conflict_id);
    }
    if (!*was_open) fail(409, "conflict_decided", "the conflict has already been decided");
    // The decision is a fact like any other, so it goes through the engine and syncs.
    sync::PushRequest push;
    sync::Change change;
    change.change_id = make_time_ordered_uuid();
    change.device_id = caller.device_id;
    change.entity = "conflict_decision";
    change.entity_id = make_time_ordered_uuid();
    change.operation = sync::Operation::append;
    change.fields["conflict_id"] = conflict_id;
    change.fields["keep"] = keep->second;
    if (auto note = body.find("note"); note != body.end()) change.fields["note"] = note->second;
    change.device_time = now_text();
    change.clock = sync::format_stamp(sync::HlcStamp{
        std::chrono::duration_cast<std::chrono::milliseconds>(options.now().time_since_epoch())
            .count(),
        0});
    push.changes.push_back(change);
    const sync::PushResponse result = writer->push(caller, push);
    require_database_intact();
    const auto& outcome = result.outcomes.front();
    if (outcome.outcome == sync::Outcome::rejected) {
      // Between the checks above and the push, another decision may have got in first, a later
      // write may have settled the conflict away, or the record may have left the caller's
      // teams: the answer is the one the checks would give now.
      const auto still_open = is_open();
      if (!still_open) fail(404, "not_found", "there is no conflict with id " + conflict_id);
      if (!*still_open) fail(409, "conflict_decided", "the conflict has already been decided");
      if (!may_see_conflict(*db, caller, conflict_id)) {
        refuse(caller, request, 403, "forbidden",
               "the conflict is on a record of a team outside yours", "decision outside scope",
               "conflict", conflict_id);
      }
      fail(400, "rejected", outcome.reason);
    }
    JsonWriter w;
    w.begin_object()
        .field("conflict_id", conflict_id)
        .field("keep", keep->second)
        .field("seq", outcome.seq)
        .end_object();
    return json_response(200, w.str());
  }

  // --- reports (DESIGN.md "HTTP API"): JSON, or CSV with format=csv; each stamped with its
  // as-of date and the freshness of the data behind it.

  Date as_of_param(const Request& request) {
    const auto found = request.query.find("as_of");
    if (found == request.query.end()) return london_date(options.now());
    const auto date = parse_date(found->second);
    if (!date) fail(400, "bad_request", "as_of must be a real date (YYYY-MM-DD)");
    return *date;
  }

  bool csv_format(const Request& request) {
    const auto found = request.query.find("format");
    if (found == request.query.end() || found->second == "json") return false;
    if (found->second != "csv") fail(400, "bad_request", "format must be json or csv");
    return true;
  }

  // The teams a report or list covers, by name: the one asked for (team=NAME), which must be in
  // the caller's scope (else 403, audited as a denied read of `entity`, e.g. "overdue report");
  // else the caller's scope, which for an administrator is the whole force (empty).
  std::vector<std::string> requested_teams(store::Database& db, const Caller& caller,
                                           const Request& request, std::string_view what,
                                           std::string_view entity) {
    std::vector<std::string> scope;
    auto& names = db.cached(
        "SELECT name FROM teams WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name");
    names.bind_all(json_string_array(caller.team_ids));
    while (names.step()) scope.push_back(names.column_text(0));
    const auto team = request.query.find("team");
    if (team != request.query.end()) {
      if (std::find(scope.begin(), scope.end(), team->second) == scope.end()) {
        refuse(caller, request, 403, "forbidden",
               "the team '" + quoted_excerpt(team->second, 100) +
                   "' is not one whose records you may see",
               std::string(what) + " for team '" + quoted_excerpt(team->second, 100) +
                   "' outside the caller's scope",
               entity);
      }
      return {team->second};
    }
    if (caller.role == Role::admin) return {};
    return scope;
  }

  Response report_response(bool csv, std::string body, const ReportStamp& stamp,
                           std::string_view name) {
    Response response = json_response(200, std::move(body));
    if (csv) {
      response.content_type = "text/csv; charset=utf-8";
      response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" +
                                                               std::string(name) + "-" +
                                                               format_date(stamp.as_of) + ".csv\"");
    }
    // The stamp travels with a CSV too, where the body has no room for it.
    response.headers.emplace_back("X-Vigil-As-Of", format_date(stamp.as_of));
    response.headers.emplace_back("X-Vigil-Generated-At", stamp.generated_at);
    const auto oldest =
        never_synced(stamp) > 0 ? std::optional<std::string>("never") : oldest_sync(stamp);
    if (oldest) response.headers.emplace_back("X-Vigil-Oldest-Sync", *oldest);
    return response;
  }

  // The last change that can alter a report over these teams (empty: the whole force): the
  // generation its cached copy must have been made at (report_cache.hpp). Each read is one
  // index probe: a team's changes, those for every tablet, and those that moved a record out.
  static std::int64_t scope_generation(store::Database& db, const std::vector<std::string>& teams) {
    std::int64_t generation = 0;
    const auto newest = [&](const char* sql, const std::string& team) {
      auto& s = db.cached(sql);
      s.bind(1, team);
      s.step();
      generation = std::max(generation, s.column_optional_int(0).value_or(0));
      s.reset();
    };
    // The force is every team: counted team by team, so that changes touching no team (a
    // tablet's read events, rejected changes) do not make its reports again.
    std::vector<std::string> ids{sync::kEveryTablet};
    auto& names = db.cached(
        teams.empty() ? "SELECT id FROM teams"
                      : "SELECT id FROM teams WHERE name IN (SELECT value FROM json_each(?1))");
    if (!teams.empty()) names.bind(1, json_string_array(teams));
    while (names.step()) ids.push_back(names.column_text(0));
    for (const auto& id : ids) {
      newest("SELECT max(seq) FROM changes WHERE team_id = ?", id);
      newest("SELECT max(seq) FROM changes WHERE left_team_id = ?", id);
    }
    return generation;
  }

  // A report and, when it is kept, its JSON written once unstamped: each reader gets it stamped
  // afresh.
  template <class Report>
  struct Made {
    Report report;
    std::string json;
  };

  // Today's report over these teams from the cache, made (and kept) when a change in them has
  // landed since it was made: what scoped_report serves and the warmer makes ahead.
  template <class Make, class Json>
  auto kept_report(store::Database& db, std::string_view name, Make make, Json json, Date as_of,
                   const std::vector<std::string>& teams, bool* hit = nullptr) {
    using Report = std::decay_t<decltype(make(db, as_of, ReportScope{teams}))>;
    const std::string key =
        std::string(name) + ' ' + format_date(as_of) + ' ' + json_string_array(teams);
    return reports.get<Made<Report>>(
        key, scope_generation(db, teams),
        [&] {
          auto maker = makers.take();
          Made<Report> made{make(*maker, as_of, ReportScope{teams}), {}};
          made.json = json(made.report, nullptr);
          return made;
        },
        hit);
  }

  // A report over the caller's scope as of a date: made by `make(db, as_of, scope)` (or, when
  // `cached`, taken from the cache when nothing in its scope has changed since), written by
  // `json(report, stamp)` or `csv(report)`; the stamp is made afresh for every request, and
  // reading the report is audited as a read of what it lists.
  template <class Make, class Json, class Csv>
  Response scoped_report(const Request& request, std::string_view name, Make make, Json json,
                         Csv csv, bool cached = true) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    const Date as_of = as_of_param(request);
    const bool as_csv = csv_format(request);
    const auto teams =
        requested_teams(*db, caller, request, std::string(name) + " report", "report");
    using Report = std::decay_t<decltype(make(*db, as_of, ReportScope{teams}))>;
    // Only today's reports are kept: they are what the dashboard asks for again and again, and
    // a date of the caller's choosing must not fill the server's memory with force-wide reports.
    cached = cached && as_of == london_date(options.now());
    bool hit = false;
    const auto report = cached ? kept_report(*db, name, make, json, as_of, teams, &hit)
                               : std::make_shared<const Made<Report>>(Made<Report>{
                                     make(*makers.take(), as_of, ReportScope{teams}), {}});
    if (cached) {
      metrics.counter("vigil_report_cache_total",
                      "Reports asked for, by whether the cached copy served (hit) or it was made.",
                      {{"result", hit ? "hit" : "miss"}});
    }
    const ReportStamp stamp = stamp_report(*db, as_of, teams, options.now());
    audits->write(
        audit_row(&caller, "read", "report", std::nullopt,
                  std::string(name) + " report as of " + format_date(as_of) + " for " +
                      (teams.empty() ? std::string("the force") : "teams " + join_names(teams))));
    std::string body = as_csv   ? csv(report->report)
                       : cached ? stamped_json(report->json, stamp)
                                : json(report->report, &stamp);
    return report_response(as_csv, std::move(body), stamp, name);
  }

  Response devices_report_page(const Request& request) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    require_supervisor(caller, request, "see the devices report");
    const bool csv = csv_format(request);
    const auto teams = requested_teams(*db, caller, request, "devices report", "report");
    const Instant now = options.now();
    const ReportStamp stamp = stamp_report(*db, london_date(now), teams, now);
    audits->write(
        audit_row(&caller, "read", "report", std::nullopt,
                  "devices report for " +
                      (teams.empty() ? std::string("the force") : "teams " + join_names(teams))));
    return report_response(csv,
                           csv ? devices_report_csv(stamp, now) : devices_report_json(stamp, now),
                           stamp, "devices");
  }

  static std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
  }

  Response devices(const Request& request) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    require_supervisor(caller, request, "list devices");
    const auto listed = list_devices(*db, caller.team_ids);
    std::vector<AuditRow> rows;
    for (const auto& d : listed)
      rows.push_back(audit_row(&caller, "read", "device", d.id, "list of devices"));
    audits->write(std::move(rows));
    return json_response(200, devices_json(listed));
  }

  Response revoke(const Request& request, const std::string& device_id) {
    auto db = pool.take();
    const Caller caller = authenticate(*db, request);
    require_supervisor(caller, request, "revoke a device");
    std::string reason;
    if (!request.body.empty()) {
      const auto body = sync::decode_string_object(request.body, {"reason"});
      if (auto it = body.find("reason"); it != body.end()) reason = it->second;
    }
    const auto owner = device_owner(*db, device_id);
    if (!owner) fail(404, "not_found", "there is no device with id " + device_id);
    // An administrator revokes any device; a supervisor those of the officers of the teams they
    // supervise, never an administrator's (who may well be a member of one of those teams).
    if (caller.role != Role::admin) {
      if (owner->role == "admin") {
        refuse(caller, request, 403, "forbidden",
               "only an administrator may revoke an administrator's device",
               "revocation of an administrator's device", "device", device_id);
      }
      if (std::find(caller.team_ids.begin(), caller.team_ids.end(), owner->team_id) ==
          caller.team_ids.end()) {
        refuse(caller, request, 403, "forbidden",
               "the device belongs to an officer outside your teams", "revocation outside scope",
               "device", device_id);
      }
    }
    revoke_device(*db, device_id, {caller.officer_id, caller.device_id}, reason, now_text());
    JsonWriter w;
    w.begin_object().field("id", device_id).field("revoked", true).end_object();
    return json_response(200, w.str());
  }

  // The dashboard is its page, style sheet and script, and reads everything else from the API
  // with the signed-in officer's token: the policy lets it load nothing from anywhere else, run
  // no inline script, and be framed by no other page.
  static Response dashboard_file(std::string_view type, std::string_view body) {
    Response response;
    response.content_type = std::string(type) + "; charset=utf-8";
    response.body = std::string(body);
    response.headers.emplace_back(
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    return response;
  }

  // --- the warmer (ApiOptions::warm_reports)

  static constexpr std::chrono::minutes kRewarmTeam{1}, kRewarmForce{10};

  // Every scope a report is asked for in: each team alone (an officer's, or one picked), each
  // supervisor's teams together, and the force; by name, as requested_teams gives them.
  std::set<std::vector<std::string>> report_scopes(store::Database& db) {
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

  // One pass: today's overdue, suspects and compliance reports for every scope, those of teams
  // before the force's, each re-made only when a change has landed and it is not too soon.
  void warm_pass(std::map<std::string, std::chrono::steady_clock::time_point>& last_made) {
    auto db = pool.take();
    const Date today = london_date(options.now());
    auto scopes = report_scopes(*db);
    std::vector<std::vector<std::string>> ordered(scopes.begin(), scopes.end());
    std::stable_partition(ordered.begin(), ordered.end(),
                          [](const auto& teams) { return !teams.empty(); });
    for (const auto& teams : ordered) {
      {
        std::lock_guard lock(warm_mutex);
        if (warm_stopping) return;
      }
      const std::string scope = format_date(today) + json_string_array(teams);
      const auto now = std::chrono::steady_clock::now();
      const auto made = last_made.find(scope);
      if (made != last_made.end() &&
          now - made->second < (teams.empty() ? std::chrono::minutes(kRewarmForce)
                                              : std::chrono::minutes(kRewarmTeam))) {
        continue;
      }
      bool all_hit = true;
      const auto warm = [&](std::string_view name, auto make, auto json) {
        bool hit = false;
        kept_report(*db, name, make, json, today, teams, &hit);
        all_hit = all_hit && hit;
      };
      warm("overdue", overdue_report, overdue_report_json);
      warm("suspects", suspects_report, suspects_report_json);
      warm("compliance", compliance_report, compliance_report_json);
      if (!all_hit) last_made[scope] = now;
    }
  }

  void warm_loop() {
    // Below the requests: a report asked for now goes before one made ahead.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
    std::map<std::string, std::chrono::steady_clock::time_point> last_made;
    std::unique_lock lock(warm_mutex);
    bool first = true;
    while (!warm_stopping) {
      lock.unlock();
      try {
        warm_pass(last_made);
        if (first) {
          metrics.gauge("vigil_reports_warm",
                        "1 once every scope's reports for today have been made ahead.", {}, 1);
          first = false;
        }
      } catch (const std::exception& error) {
        std::fprintf(stderr, "vigil-server: making reports ahead failed: %s\n", error.what());
      }
      lock.lock();
      warm_wake.wait_for(lock, std::chrono::seconds(5), [this] { return warm_stopping; });
    }
  }

  Response health() {
    require_database_intact();
    auto db = pool.take();
    auto s = (*db).prepare("SELECT count(*) FROM changes");
    s.step();
    return json_response(200, "{\"status\":\"ok\"}");
  }

  // Every request but the dashboard's files and the metrics finds the database file the server
  // opened still at its path (DatabaseFile), or is refused with 503 and the reason.
  void require_database_intact() {
    if (!database_file.intact()) fail(503, "database_gone", database_file.gone_message());
  }

  Response metrics_page() {
    {
      auto db = pool.take();
      auto s = (*db).prepare(
          "SELECT count(*) FROM devices WHERE revoked_at IS NULL AND last_contact_at >= ?");
      s.bind_all(format_instant(options.now() - std::chrono::minutes(10)));
      s.step();
      metrics.gauge("vigil_connected_devices",
                    "Devices not revoked that made contact in the last 10 minutes.",
                    static_cast<double>(s.column_int(0)));
    }
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = metrics.render();
    return response;
  }

  Response route(const Request& request) {
    const std::string& path = request.path;
    const std::string& method = request.method;
    auto only = [&](const char* allowed) {
      if (method != allowed) {
        throw HttpError{405, "method_not_allowed", path + " accepts " + allowed + " only", false,
                        allowed};
      }
    };
    auto tail = [&](std::string_view prefix,
                    std::string_view suffix) -> std::optional<std::string> {
      if (path.size() <= prefix.size() + suffix.size() || path.rfind(prefix, 0) != 0 ||
          path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
        return std::nullopt;
      }
      std::string id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
      if (id.find('/') != std::string::npos) return std::nullopt;
      return id;
    };
    if (path == "/") return only("GET"), dashboard_file("text/html", dashboard_html());
    if (path == "/dashboard.css") return only("GET"), dashboard_file("text/css", dashboard_css());
    if (path == "/dashboard.js") {
      return only("GET"), dashboard_file("text/javascript", dashboard_js());
    }
    if (path == "/healthz") return only("GET"), health();
    if (path == "/metrics") return only("GET"), metrics_page();
    if (path != "/api/v1/openapi.json") require_database_intact();
    if (path == "/api/v1/openapi.json") {
      only("GET");
      return json_response(200, std::string(openapi_document()));
    }
    if (path == "/api/v1/auth/login") return only("POST"), login(request);
    if (path == "/api/v1/auth/logout") return only("POST"), logout(request);
    if (path == "/api/v1/sync/push") return only("POST"), push(request);
    if (path == "/api/v1/sync/pull") return only("GET"), pull(request);
    if (path == "/api/v1/nominals") return only("GET"), nominals(request);
    if (path == "/api/v1/conflicts") return only("GET"), conflicts(request);
    if (path == "/api/v1/devices") return only("GET"), devices(request);
    if (path == "/api/v1/reports/overdue") {
      only("GET");
      return scoped_report(request, "overdue", overdue_report, overdue_report_json,
                           overdue_report_csv);
    }
    if (path == "/api/v1/reports/suspects") {
      only("GET");
      return scoped_report(request, "suspects", suspects_report, suspects_report_json,
                           suspects_report_csv);
    }
    if (path == "/api/v1/reports/compliance") {
      only("GET");
      return scoped_report(request, "compliance", compliance_report, compliance_report_json,
                           compliance_report_csv);
    }
    if (path == "/api/v1/reports/trend") {
      only("GET");
      // Not cached: the nightly run's snapshots are not in the change log, and a trend is 90
      // rows at most.
      return scoped_report(request, "trend", backlog_trend, backlog_trend_json, backlog_trend_csv,
                           false);
    }
    if (path == "/api/v1/reports/devices") return only("GET"), devices_report_page(request);
    if (auto id = tail("/api/v1/conflicts/", "/decision"))
      return only("POST"), decide(request, *id);
    if (auto id = tail("/api/v1/devices/", "/revoke")) return only("POST"), revoke(request, *id);
    if (auto id = tail("/api/v1/nominals/", "")) return only("GET"), nominal(request, *id);
    fail(404, "not_found", "there is no " + path);
  }
};

Api::Api(ApiOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Api::~Api() = default;
Metrics& Api::metrics() {
  return impl_->metrics;
}

Response Api::handle(const Request& request) {
  const auto started = std::chrono::steady_clock::now();
  Response response;
  try {
    response = impl_->route(request);
  } catch (const HttpError& error) {
    if (error.wipe) {
      JsonWriter w;
      w.begin_object()
          .field("error", error.code)
          .field("message", error.message)
          .field("wipe", true)
          .end_object();
      response = json_response(error.status, w.str());
    } else {
      response = error_response(error.status, error.code, error.message);
    }
    if (!error.allow.empty()) response.headers.emplace_back("Allow", error.allow);
    if (error.audit) {
      try {
        impl_->audits->write(*error.audit);
      } catch (const std::exception& failure) {
        // The refusal stands whether or not its row could be written; the operator is told.
        std::fprintf(stderr, "vigil-server: auditing a refusal of %s %s failed: %s\n",
                     request.method.c_str(), request.path.c_str(), failure.what());
      }
    }
  } catch (const sync::WireError& error) {
    response = error_response(400, "bad_request", error.what());
  } catch (const Error& error) {
    // The database failed (busy past its timeout, disk full): the client may retry; the
    // operator reads the cause in the log. Nothing of it reaches the client.
    std::fprintf(stderr, "vigil-server: %s %s failed: %s (%s)\n", request.method.c_str(),
                 request.path.c_str(), error.what(), error.context().c_str());
    response =
        error_response(503, "unavailable", "the server could not complete the request; try again");
  } catch (const std::exception& error) {
    std::fprintf(stderr, "vigil-server: %s %s failed: %s\n", request.method.c_str(),
                 request.path.c_str(), error.what());
    response = error_response(500, "internal", "the server failed to handle the request");
  }
  if (response.status == 401) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  const std::string route = response.status == 404 ? "other" : route_of(request.path);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  impl_->metrics.counter("vigil_http_requests_total", "HTTP requests, by route and status.",
                         {{"route", route}, {"status", std::to_string(response.status)}});
  impl_->metrics.observe("vigil_http_request_duration_seconds", "HTTP request latency, by route.",
                         {{"route", route}}, seconds);
  return response;
}

}  // namespace vigil::server
