// vigil-bench sync: the sync server as a force's tablets meet it. The real server (Api and
// HttpServer, durable: every commit synchronous=FULL) runs in this process on a loopback port;
// tablets sign in as officers of different teams, take their scope with a first pull, then push
// at once, each from its own thread on its own keep-alive connection. A whole-scope pull is timed
// after, and plain SQLite inserting as many rows gives the ceilings the server is measured against.
//
// The tablets' request bodies are made before the clock starts: on a 2-core machine the time a
// tablet spends encoding would otherwise be taken from the server, which in the field it is not.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bench_support.hpp"
#include "sql_profile.hpp"
#include "vigil/base/cli.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"
#include "vigil/base/url.hpp"
#include "vigil/http/client.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::bench {
namespace {

constexpr const char* kSyncHelp =
    "usage: vigil-bench sync [--db PATH] [--profile national|force|demo] [--seed N]\n"
    "                        [--as-of YYYY-MM-DD] [--devices N] [--batch N] [--changes N]\n"
    "                        [--pull-runs N] [--pull-limit N] [--threads N] [--sql-profile]\n"
    "                        [--out FILE]\n"
    "\n"
    "Seeds a profile (force by default) into a fresh temporary database and serves it with the\n"
    "real server in this process, over HTTP on a loopback port, committing with synchronous=FULL.\n"
    "Tablets sign in as officers of different teams, take their scope with a first pull, then all\n"
    "push at once, each on its own keep-alive connection: mostly visits (attended by the team),\n"
    "some trace enquiries and nominal area updates on the right base. Prints changes per second,\n"
    "push latency per batch (p50, p99, max in milliseconds) and the outcomes; a rejected change\n"
    "fails the benchmark. Then times a whole-scope pull (since=0, every page) for an officer of\n"
    "the team with the fewest nominals, and plain SQLite inserting as many visit-like rows beside\n"
    "the database (WAL, synchronous=FULL), in one transaction and committed once per batch, and\n"
    "writing the rows the server writes for as many visits (the visit, an attendee, the changes-\n"
    "log row) into a copy of the database, committed once per batch: the ceilings the server is\n"
    "compared with.\n"
    "\n"
    "  --db PATH       use this database: seeded first when it does not exist or holds no\n"
    "                  nominals, and kept afterwards with the benchmark's changes in it\n"
    "  --profile P     what to seed: force (default), national or demo\n"
    "  --seed N        the seed's random seed, also the tablets' choices (default 1)\n"
    "  --as-of DATE    the date the history runs up to; the tablets record visits in the week\n"
    "                  before it (default: today in Europe/London)\n"
    "  --devices N     tablets pushing at once, each an officer of its own team while teams last\n"
    "                  (default 8)\n"
    "  --batch N       changes per push, at most 5000 (default 200)\n"
    "  --changes N     changes in all, rounded up to whole batches per tablet (default 100000)\n"
    "  --pull-runs N   runs of the whole-scope pull (default 10)\n"
    "  --pull-limit N  records a page of a first sync, at most 10000 (default 1000, as the\n"
    "                  server's default)\n"
    "  --threads N     the server's I/O threads (default 2, as vigil-server)\n"
    "  --sql-profile   also time every SQL statement the server runs while the tablets push and\n"
    "                  print the costliest; this slows the server, so compare runs without it\n"
    "  --out FILE      where to write the figures as JSON (default build/bench/sync.json)\n";

// What the issue asks of the server on this 2-core machine.
constexpr double kAimChangesPerSecond = 20000;
constexpr double kAimPullMs = 250;

// A tablet's day: mostly visits; the rest trace enquiries and an area corrected now and then.
constexpr int kTracePercent = 10;
constexpr int kAreaUpdatePercent = 5;

constexpr int kMaxBatch = 5000;  // the server answers a larger push with 413

// ---------------------------------------------------------------------------------------------
// Who signs in

struct Team {
  std::string name;
  std::int64_t nominals = 0;
  std::vector<std::string> officers;  // offender managers' usernames, biggest caseload first
};

// Teams with at least one officer who can sign in, fewest nominals first.
std::vector<Team> teams_by_size(const std::filesystem::path& path) {
  store::Database db(path);
  std::vector<Team> teams;
  auto s = db.prepare(
      "SELECT t.id, t.name, (SELECT count(*) FROM nominals n WHERE n.team_id = t.id) AS nominals "
      "FROM teams t ORDER BY nominals, t.name");
  auto officers = db.prepare(
      "SELECT o.username FROM officers o WHERE o.team_id = ? AND o.role = 'officer' AND "
      "o.active = 1 AND o.password_hash IS NOT NULL "
      "ORDER BY (SELECT count(*) FROM nominals n WHERE n.officer_id = o.id) DESC, o.username");
  while (s.step()) {
    Team team{s.column_text(1), s.column_int(2), {}};
    officers.bind_all(s.column_text(0));
    while (officers.step()) team.officers.push_back(officers.column_text(0));
    officers.reset();
    if (!team.officers.empty()) teams.push_back(std::move(team));
  }
  return teams;
}

struct Officer {
  std::string username, team;
};

// One officer per team while teams last (the biggest teams first, the pulled team last), then a
// second officer of each, and so on.
std::vector<Officer> device_officers(const std::vector<Team>& teams, std::size_t pulled,
                                     int devices) {
  std::vector<const Team*> order;
  for (std::size_t i = teams.size(); i-- > 0;) {
    if (i != pulled) order.push_back(&teams[i]);
  }
  order.push_back(&teams[pulled]);
  std::vector<Officer> chosen;
  for (std::size_t round = 0; static_cast<int>(chosen.size()) < devices; ++round) {
    bool any = false;
    for (const Team* team : order) {
      if (round >= team->officers.size() || static_cast<int>(chosen.size()) == devices) continue;
      chosen.push_back({team->officers[round], team->name});
      any = true;
    }
    if (!any) {
      throw base::UsageError("the database has only " + std::to_string(chosen.size()) +
                             " officers to sign in; ask for at most that many --devices");
    }
  }
  return chosen;
}

// ---------------------------------------------------------------------------------------------
// A tablet

struct Session {
  std::string token, device_id;
  std::map<std::string, std::string> auth() const { return {{"Authorization", "Bearer " + token}}; }
};

Session sign_in(vigil::http::Client& client, const std::string& username,
                const std::string& device_name) {
  base::JsonWriter body;
  body.begin_object()
      .field("username", username)
      .field("password", backoffice::kSeedPassword)
      .field("device_name", device_name)
      .end_object();
  const vigil::http::Reply result = client.post("/api/v1/auth/login", body.str());
  if (result.status != 200) {
    throw Error(ErrorCode::internal, "signing in as " + username + " was answered " +
                                         std::to_string(result.status) + ": " + result.body);
  }
  const auto answer =
      sync::decode_string_object(result.body, {"token", "device_id", "officer", "role"});
  return {answer.at("token"), answer.at("device_id")};
}

// What a tablet holds after its first pull that its officer makes changes about.
struct Scope {
  std::vector<std::string> nominals;  // active nominals of the team: visits go to these
  std::vector<std::pair<std::string, std::string>> caseload;  // the officer's own: id, area
  std::vector<std::string> suspects;                          // outstanding or wanted
  std::vector<std::string> colleagues;  // the team's other offender managers, to attend visits
  std::int64_t records = 0;
};

std::string field_of(const sync::PullItem& item, const std::string& name) {
  auto it = item.fields.find(name);
  return it != item.fields.end() && it->second ? *it->second : std::string();
}

Scope scope_of(const std::vector<sync::PullItem>& items, const std::string& username) {
  Scope scope;
  std::set<std::string> colleagues;
  std::vector<std::string> all_nominals, all_suspects;
  for (const auto& item : items) {
    if (item.kind != sync::PullItem::Kind::record) continue;
    ++scope.records;
    if (item.entity == "nominal") {
      const std::string officer = field_of(item, "officer");
      all_nominals.push_back(item.entity_id);
      if (field_of(item, "status") != "inactive") scope.nominals.push_back(item.entity_id);
      if (officer == username) {
        scope.caseload.emplace_back(item.entity_id, field_of(item, "area"));
      } else if (!officer.empty()) {
        colleagues.insert(officer);
      }
    } else if (item.entity == "suspect") {
      all_suspects.push_back(item.entity_id);
      const std::string status = field_of(item, "status");
      if (status == "outstanding" || status == "warrant") scope.suspects.push_back(item.entity_id);
    }
  }
  if (scope.nominals.empty()) scope.nominals = std::move(all_nominals);
  if (scope.suspects.empty()) scope.suspects = std::move(all_suspects);
  scope.colleagues.assign(colleagues.begin(), colleagues.end());
  return scope;
}

// The pages of a first sync as they came over the wire.
struct WholeScope {
  std::vector<std::string> pages;
  std::int64_t bytes = 0;       // unpacked
  std::int64_t wire_bytes = 0;  // as sent (gzipped: the client asks)
};

// The page's resume token ("" on the last page). Read from the text rather than by decoding the
// page, so the time taken is the server's: a quote inside a JSON string is escaped, so the
// member's quoted name cannot occur anywhere but as the member.
std::string resume_of(const std::string& page) {
  constexpr std::string_view kName = "\"resume\"";
  auto at = page.find(kName);
  if (at == std::string::npos) return {};
  at = page.find_first_not_of(" \t\r\n:", at + kName.size());
  if (at == std::string::npos || page[at] != '"') return {};  // null or not a string
  const auto end = page.find('"', at + 1);
  return end == std::string::npos ? std::string() : page.substr(at + 1, end - at - 1);
}

// A first sync as a tablet makes it: pages of at most `limit` records, each asked for with the
// resume token of the page before, until the last.
WholeScope pull_whole_scope(vigil::http::Client& client, const Session& session, int limit) {
  WholeScope scope;
  const auto auth = session.auth();
  std::string resume;
  do {
    std::string target = "/api/v1/sync/pull?since=0&limit=" + std::to_string(limit);
    if (!resume.empty()) target += "&resume=" + base::query_escaped(resume);
    vigil::http::Reply result = client.get(target, auth);
    if (result.status != 200) {
      throw Error(ErrorCode::internal, "a whole-scope pull was answered " +
                                           std::to_string(result.status) + ": " +
                                           result.body.substr(0, 300));
    }
    resume = resume_of(result.body);
    scope.bytes += static_cast<std::int64_t>(result.body.size());
    scope.wire_bytes += static_cast<std::int64_t>(result.wire_bytes);
    scope.pages.push_back(std::move(result.body));
  } while (!resume.empty());
  return scope;
}

// Every item of every page.
std::vector<sync::PullItem> items_of(const WholeScope& scope) {
  std::vector<sync::PullItem> items;
  for (const auto& page : scope.pages) {
    sync::PullResponse response = sync::decode_pull_response(page);
    for (auto& item : response.items) items.push_back(std::move(item));
  }
  return items;
}

struct Mix {
  std::int64_t visits = 0, traces = 0, area_updates = 0;
};

constexpr std::string_view kObservations[] = {
    "Home checked; nothing of concern.",
    "Spoke with the nominal at the door; home not entered at their request.",
    "Devices examined; no concerns.",
    "New partner present; details taken.",
    "Checked compliance with order conditions; compliant.",
    "Nominal reports no changes since the last visit."};
constexpr std::string_view kTraceNotes[] = {
    "Home address visited; not present", "PNC and local systems checked",
    "Enquiries with known associates", "Checked with housing provider",
    "Family address visited; not present"};
constexpr std::string_view kAreas[] = {"North",     "South",   "East",  "West", "Central",
                                       "Riverside", "Harbour", "Coast", "Vale", "Heath"};

// Makes one tablet's changes as its officer would: ids on the tablet, a hybrid clock stamp each,
// and for an update the value the tablet last saw as its base.
class ChangeMaker {
 public:
  ChangeMaker(const Scope& scope, std::string username, std::string device_id, Date as_of,
              std::uint64_t seed)
      : scope_(scope),
        username_(std::move(username)),
        device_id_(std::move(device_id)),
        as_of_(as_of),
        random_(seed),
        clock_(&sync::HybridClock::system_wall_ms) {
    for (const auto& [id, area] : scope.caseload) areas_[id] = area;
  }

  sync::Change next(Mix& mix) {
    const int roll = between(0, 99);
    sync::Change change;
    if (roll < kAreaUpdatePercent && !scope_.caseload.empty()) {
      area_update(change);
      ++mix.area_updates;
    } else if (roll < kAreaUpdatePercent + kTracePercent && !scope_.suspects.empty()) {
      trace(change);
      ++mix.traces;
    } else {
      visit(change);
      ++mix.visits;
    }
    // Tablets make time-ordered ids (core/ids.hpp), as the sync client does.
    change.change_id = base::make_time_ordered_uuid();
    change.device_id = device_id_;
    change.clock = sync::format_stamp(clock_.now());
    change.device_time = format_instant(now());
    return change;
  }

 private:
  int between(int low, int high) {
    return low + static_cast<int>(random_() % static_cast<std::uint64_t>(high - low + 1));
  }
  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[random_() % items.size()];
  }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[random_() % N];
  }
  static Instant now() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
  // Some time in the working day, in the week before as_of.
  Instant working_hours() {
    return london_midnight(add_days(as_of_, -between(1, 7))) +
           std::chrono::seconds(between(8 * 3600, 19 * 3600));
  }

  void visit(sync::Change& c) {
    const Instant occurred = working_hours();
    std::string attendees = username_;
    if (!scope_.colleagues.empty() && between(0, 99) < 60) {
      attendees += ";" + pick(scope_.colleagues);
    }
    const int outcome = between(0, 99);
    c.entity = "visit";
    c.entity_id = base::make_time_ordered_uuid();
    c.operation = sync::Operation::append;
    c.fields = {{"nominal_id", pick(scope_.nominals)},
                {"occurred_at", format_instant(occurred)},
                {"recorded_at", format_instant(occurred + std::chrono::minutes(between(5, 90)))},
                {"announced", between(0, 99) < 30 ? "yes" : "no"},
                {"outcome", outcome < 80   ? "seen"
                            : outcome < 92 ? "no_answer"
                            : outcome < 95 ? "refused"
                                           : "not_at_address"},
                {"observations", std::string(pick(kObservations))},
                {"attendees", attendees}};
    if (between(0, 99) < 3) c.fields["risk_change"] = "new partner with children";
  }

  void trace(sync::Change& c) {
    c.entity = "trace_enquiry";
    c.entity_id = base::make_time_ordered_uuid();
    c.operation = sync::Operation::append;
    c.fields = {{"suspect_id", pick(scope_.suspects)},
                {"occurred_at", format_instant(working_hours())},
                {"note", std::string(pick(kTraceNotes))}};
  }

  // The officer's own caseload only: no other tablet edits these, so no update conflicts.
  void area_update(sync::Change& c) {
    const std::string& id = pick(scope_.caseload).first;
    std::string& area = areas_[id];
    std::string next(pick(kAreas));
    while (next == area) next = pick(kAreas);
    c.entity = "nominal";
    c.entity_id = id;
    c.operation = sync::Operation::update;
    c.fields = {{"area", next}};
    c.base = {{"area", area}};
    area = next;
  }

  const Scope& scope_;
  std::string username_, device_id_;
  Date as_of_;
  std::mt19937_64 random_;
  sync::HybridClock clock_;
  std::map<std::string, std::string> areas_;  // the area as the tablet now shows it
};

struct Tablet {
  Officer officer;
  Session session;
  std::unique_ptr<vigil::http::Client> client;
  Scope scope;
  double first_pull_ms = 0;
  std::vector<std::string> bodies;  // one push each
  std::vector<int> batch_sizes;
  Mix mix;
  // Filled by the tablet's thread.
  std::vector<double> latency_ms;
  std::vector<std::string> answers;
  std::string failure;
};

// A push carries the tablet's wall time when it is sent, and the server flags the changes of a
// tablet whose clock is more than 5 minutes out. Bodies are made before the clock starts, with
// this in its place, and stamped as each is sent, so a long run does not look like a bad clock.
constexpr std::string_view kSendTimePlaceholder = "1970-01-01T00:00:00Z";

void stamp_send_time(std::string& body) {
  const auto at = body.rfind(kSendTimePlaceholder);
  if (at == std::string::npos) return;
  const std::string now = format_instant(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  body.replace(at, kSendTimePlaceholder.size(), now);
}

void push_all(Tablet& tablet, std::latch& ready, std::latch& go) {
  ready.count_down();
  go.wait();
  try {
    const auto auth = tablet.session.auth();
    for (auto& body : tablet.bodies) {
      stamp_send_time(body);
      const auto start = Clock::now();
      vigil::http::Reply result = tablet.client->post("/api/v1/sync/push", body, auth);
      tablet.latency_ms.push_back(seconds_since(start) * 1000.0);
      if (result.status != 200) {
        tablet.failure = "a push was answered " + std::to_string(result.status) + ": " +
                         result.body.substr(0, 300);
        return;
      }
      tablet.answers.push_back(std::move(result.body));
    }
  } catch (const std::exception& error) {
    tablet.failure = error.what();
  }
}

// ---------------------------------------------------------------------------------------------
// The ceiling: plain SQLite, no server

struct Ceiling {
  std::int64_t rows = 0;
  std::int64_t per_commit = 0;
  double seconds = 0;
  double rows_per_second = 0;
  std::string journal_mode;
  std::int64_t synchronous = -1;
};

// Removes a database file with its WAL and shared-memory files, before and after.
class ScratchFile {
 public:
  explicit ScratchFile(std::filesystem::path path) : path_(std::move(path)) { remove(); }
  ~ScratchFile() { remove(); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  void remove() {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::filesystem::remove(path_.string() + suffix, ignored);
    }
  }
  std::filesystem::path path_;
};

// Times `write(i)` for each of `ceiling.rows` rows, committing every `ceiling.per_commit`, and
// fills in the time, the rate and the journal settings: what every ceiling shares.
template <class Write>
void time_committed_rows(store::Database& db, Ceiling& ceiling, Write write) {
  {
    auto mode = db.prepare("PRAGMA journal_mode");
    if (mode.step()) ceiling.journal_mode = mode.column_text(0);
    auto sync = db.prepare("PRAGMA synchronous");
    if (sync.step()) ceiling.synchronous = sync.column_int(0);
  }
  const auto start = Clock::now();
  std::optional<store::Transaction> transaction;
  transaction.emplace(db);
  for (std::int64_t i = 0; i < ceiling.rows; ++i) {
    write(i);
    if ((i + 1) % ceiling.per_commit == 0 && i + 1 < ceiling.rows) {
      transaction->commit();
      transaction.emplace(db);
    }
  }
  transaction->commit();
  ceiling.seconds = seconds_since(start);
  ceiling.rows_per_second = static_cast<double>(ceiling.rows) / ceiling.seconds;
}

// Inserts `rows` visit-like rows into a scratch table of a fresh database, committing every
// `per_commit` rows.
Ceiling time_ceiling(const std::filesystem::path& file, std::int64_t rows, std::int64_t per_commit,
                     std::uint64_t seed) {
  ScratchFile scratch(file);
  store::Database db(scratch.path());  // WAL and synchronous=FULL, as the server's connections
  Ceiling ceiling;
  ceiling.rows = rows;
  ceiling.per_commit = per_commit;
  db.execute(
      "CREATE TABLE visit_rows (id TEXT PRIMARY KEY, nominal_id TEXT NOT NULL, "
      "occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, received_at TEXT, "
      "announced INTEGER NOT NULL, outcome TEXT NOT NULL, observations TEXT NOT NULL, "
      "risk_change TEXT NOT NULL, recorded_by TEXT, device_id TEXT, "
      "clock_skew_flag INTEGER NOT NULL, sync_seq INTEGER NOT NULL, sync_clock TEXT, "
      "sync_device_id TEXT)");
  // Values are made first: the ceiling is SQLite's, not the generator's.
  std::mt19937_64 random(seed);
  std::vector<std::string> ids(static_cast<std::size_t>(rows));
  for (auto& id : ids) id = base::make_uuid(random);
  std::vector<std::string> nominals(300);
  for (auto& id : nominals) id = base::make_uuid(random);
  const std::string officer = base::make_uuid(random), device = base::make_uuid(random);
  const std::string occurred = "2025-01-14T10:30:00Z", recorded = "2025-01-14T11:02:00Z";
  const std::string clock = sync::format_stamp({1736850600000, 0});

  auto insert = db.prepare(
      "INSERT INTO visit_rows (id, nominal_id, occurred_at, recorded_at, received_at, announced, "
      "outcome, observations, risk_change, recorded_by, device_id, clock_skew_flag, sync_seq, "
      "sync_clock, sync_device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)");
  time_committed_rows(db, ceiling, [&](std::int64_t seq) {
    const auto at = static_cast<std::size_t>(seq);
    insert.bind_all(ids[at], nominals[at % nominals.size()], occurred, recorded, recorded,
                    seq % 3 == 0, "seen", kObservations[at % std::size(kObservations)], "", officer,
                    device, seq + 1, clock, device);
    insert.run();
  });
  return ceiling;
}

// What SQLite alone takes for the writes the server makes for a visit, without the engine: the
// visit's row, one attendee and its changes-log row, into the server's own tables and indexes
// (foreign keys checked) of a copy of the benchmark's database, committing every `per_commit`
// visits. The server's remaining cost over this is its own: parsing, checking, looking up.
Ceiling time_same_writes(const std::filesystem::path& source, const std::filesystem::path& file,
                         std::int64_t rows, std::int64_t per_commit) {
  ScratchFile scratch(file);
  {
    store::Database from(source);
    auto copy = from.prepare("VACUUM INTO ?");
    copy.bind_all(scratch.path().string());
    copy.run();
  }
  store::Database db(scratch.path());
  Ceiling ceiling;
  ceiling.rows = rows;
  ceiling.per_commit = per_commit;
  struct Target {
    std::string nominal, team, officer;
  };
  std::vector<Target> targets;
  {
    auto s = db.prepare(
        "SELECT n.id, n.team_id, (SELECT o.id FROM officers o WHERE o.team_id = n.team_id "
        "ORDER BY o.id LIMIT 1) FROM nominals n WHERE n.status = 'active' ORDER BY n.id");
    while (s.step()) {
      if (!s.is_null(2)) targets.push_back({s.column_text(0), s.column_text(1), s.column_text(2)});
    }
  }
  if (targets.empty()) throw Error(ErrorCode::internal, "no nominal with a team officer to visit");
  // Values are made first, as the server's come decoded: the ceiling is SQLite's alone.
  struct Row {
    std::string visit_id, change_id, fields;
  };
  std::vector<Row> made(static_cast<std::size_t>(rows));
  const std::string occurred = "2025-01-14T10:30:00Z", recorded = "2025-01-14T11:02:00Z";
  for (std::size_t i = 0; i < made.size(); ++i) {
    const Target& target = targets[i % targets.size()];
    base::JsonWriter fields;
    fields.begin_object()
        .field("announced", "no")
        .field("attendees", "pc.bench")
        .field("nominal_id", target.nominal)
        .field("observations", kObservations[i % std::size(kObservations)])
        .field("occurred_at", occurred)
        .field("outcome", "seen")
        .field("recorded_at", recorded)
        .field("risk_change", "")
        .end_object();
    made[i] = {base::make_time_ordered_uuid(), base::make_time_ordered_uuid(), fields.str()};
  }
  const std::string device = base::make_time_ordered_uuid();
  const std::string clock = sync::format_stamp({1736850600000, 0});

  auto change = db.prepare(
      "INSERT INTO changes (change_id, device_id, officer_id, entity, entity_id, operation, "
      "fields, clock, device_time, received_at, outcome, team_id, applied) "
      "VALUES (?, ?, ?, 'visit', ?, 'append', ?, ?, ?, ?, 'applied', ?, ?)");
  auto visit = db.prepare(
      "INSERT INTO visits (id, nominal_id, occurred_at, recorded_at, received_at, announced, "
      "outcome, observations, risk_change, recorded_by, device_id, sync_seq, sync_clock, "
      "sync_device_id) VALUES (?, ?, ?, ?, ?, 0, 'seen', ?, '', ?, ?, ?, ?, ?)");
  auto attendee = db.prepare("INSERT INTO visit_attendees (visit_id, officer_id) VALUES (?, ?)");
  time_committed_rows(db, ceiling, [&](std::int64_t n) {
    const auto i = static_cast<std::size_t>(n);
    const Row& row = made[i];
    const Target& target = targets[i % targets.size()];
    change.bind_all(row.change_id, device, target.officer, row.visit_id, row.fields, clock,
                    recorded, recorded, target.team, row.fields);
    change.run();
    const auto seq = db.last_insert_rowid();
    visit.bind_all(row.visit_id, target.nominal, occurred, recorded, recorded,
                   kObservations[i % std::size(kObservations)], target.officer, device, seq, clock,
                   device);
    visit.run();
    attendee.bind_all(row.visit_id, target.officer);
    attendee.run();
  });
  return ceiling;
}

// ---------------------------------------------------------------------------------------------
// The benchmark

struct PushFigures {
  int devices = 0, batch = 0, batches_per_device = 0;
  std::int64_t changes = 0;
  Mix mix;
  double seconds = 0, changes_per_second = 0;
  Timings latency;
  std::int64_t counts[4] = {};                   // by sync::Outcome
  std::map<std::string, std::int64_t> rejected;  // reason -> how many
  std::int64_t stored = 0;                       // changes the database holds from the tablets
  double request_mib = 0;
  double peak_mib = 0;
};

struct PullFigures {
  std::string officer, team;
  std::int64_t team_nominals = 0;
  std::map<std::string, std::int64_t> records;  // by entity
  std::int64_t items = 0, bytes = 0, wire_bytes = 0;
  std::string oldest_visit;
  std::int64_t pages = 0;
  Timings timings;
  double peak_mib = 0;
};

void print_push(const PushFigures& f) {
  std::cout << "push: " << f.devices << " tablets x " << f.batches_per_device << " batches x "
            << f.batch << " changes = " << grouped(f.changes) << " changes ("
            << grouped(f.mix.visits) << " visits, " << grouped(f.mix.traces) << " trace enquiries, "
            << grouped(f.mix.area_updates) << " area updates) in " << fixed(f.seconds, 2)
            << " s: " << grouped(static_cast<std::int64_t>(f.changes_per_second)) << " changes/s\n";
  std::cout << "push latency per batch (" << f.latency.runs << " batches): min "
            << fixed(f.latency.min_ms, 1) << " ms, p50 " << fixed(f.latency.p50_ms, 1)
            << " ms, p99 " << fixed(f.latency.p99_ms, 1) << " ms, max "
            << fixed(f.latency.max_ms, 1) << " ms; peak memory " << fixed(f.peak_mib, 0)
            << " MiB (of which request bodies made beforehand " << fixed(f.request_mib, 0)
            << " MiB)\n";
  std::cout << "outcomes: " << grouped(f.counts[0]) << " applied, " << grouped(f.counts[1])
            << " duplicate, " << grouped(f.counts[2]) << " conflict, " << grouped(f.counts[3])
            << " rejected; " << grouped(f.stored) << " stored\n";
  for (const auto& [reason, n] : f.rejected) {
    std::cout << "  rejected " << grouped(n) << "x: " << reason << "\n";
  }
}

// The costliest statements of the push phase; the rest are summed on one line.
void print_sql_profile(const std::vector<SqlProfile::Statement>& statements,
                       const PushFigures& push) {
  const auto [runs, total_ms] = SqlProfile::totals(statements);
  std::cout << "SQL while pushing (slowed by the profile): " << grouped(runs) << " statements run, "
            << fixed(static_cast<double>(runs) / static_cast<double>(push.changes), 1)
            << " a change; " << fixed(total_ms / 1000.0, 2) << " s inside SQLite of "
            << fixed(push.seconds, 2) << " s\n";
  SqlProfile::print_costliest(statements, 15);
}

}  // namespace

int run_sync(std::span<const std::string> words) {
  static constexpr base::Option kOptions[] = {{"devices"},           {"batch"},      {"changes"},
                                              {"pull-runs"},         {"pull-limit"}, {"threads"},
                                              {"sql-profile", false}};
  const auto options = bench_options(words, kOptions, "sync", kSyncHelp, "force");
  if (!options) return base::kExitOk;
  const auto& [args, choice] = *options;
  const int devices = positive_number(args, "devices", 8, 200);
  const int batch = positive_number(args, "batch", 200, kMaxBatch);
  const int wanted = positive_number(args, "changes", 100000, 100'000'000);
  const int pull_runs = positive_number(args, "pull-runs", 10, 10000);
  const int pull_limit = positive_number(args, "pull-limit", 1000, 10000);
  const int threads = positive_number(args, "threads", 2, 64);
  const bool sql_profile = args.flag("sql-profile");
  const int batches_per_device = (wanted + devices * batch - 1) / (devices * batch);

  const SeededBench bench(args, "sync", choice);
  const auto& [database, out, seeding] = bench;

  // Who signs in: the pulled officer from the team with the fewest nominals (the nearest the
  // profile has to a caseload of 50), the tablets from the other teams, biggest first.
  const std::vector<Team> teams = teams_by_size(database.path());
  if (teams.empty()) throw Error(ErrorCode::not_found, "the database has no officer to sign in");
  const std::size_t pulled_team = 0;
  const std::vector<Officer> officers = device_officers(teams, pulled_team, devices);

  // The server, as vigil-server runs it.
  if (sql_profile) SqlProfile::install();
  std::mutex server_errors_mutex;
  std::vector<std::string> server_errors;
  LoopbackServer http(database.path(), threads, [&](const std::string& sentence) {
    std::lock_guard lock(server_errors_mutex);
    server_errors.push_back(sentence);
  });
  const unsigned short port = http.port();
  std::cout << "server: http://127.0.0.1:" << port << ", " << threads
            << " I/O threads, WAL with synchronous=FULL\n";

  // Sign in and take each tablet's scope, as a tablet starts its day.
  std::vector<Tablet> tablets(static_cast<std::size_t>(devices));
  std::vector<double> first_pulls;
  std::int64_t records_in_scopes = 0;
  for (std::size_t i = 0; i < tablets.size(); ++i) {
    Tablet& t = tablets[i];
    t.officer = officers[i];
    t.client = std::make_unique<vigil::http::Client>("127.0.0.1", port);
    t.client->set_timeout(std::chrono::seconds(300));
    t.session = sign_in(*t.client, t.officer.username, "bench tablet " + std::to_string(i + 1));
    const auto start = Clock::now();
    const WholeScope first = pull_whole_scope(*t.client, t.session, pull_limit);
    t.first_pull_ms = seconds_since(start) * 1000.0;
    first_pulls.push_back(t.first_pull_ms);
    t.scope = scope_of(items_of(first), t.officer.username);
    records_in_scopes += t.scope.records;
    if (t.scope.nominals.empty()) {
      throw Error(ErrorCode::not_found,
                  t.officer.username + "'s scope holds no nominal to record a visit for");
    }
  }
  {
    std::set<std::string> distinct;
    for (const auto& t : tablets) distinct.insert(t.officer.team);
    const Timings pulls = summarise_times(first_pulls);
    std::cout << "tablets: " << devices << " signed in, officers of " << distinct.size()
              << " teams; first pulls p50 " << fixed(pulls.p50_ms, 1) << " ms, "
              << grouped(records_in_scopes / devices) << " records a scope on average\n";
  }

  // Every push body, made before the clock starts.
  PushFigures push;
  push.devices = devices;
  push.batch = batch;
  push.batches_per_device = batches_per_device;
  std::size_t request_bytes = 0;
  for (std::size_t i = 0; i < tablets.size(); ++i) {
    Tablet& t = tablets[i];
    ChangeMaker maker(t.scope, t.officer.username, t.session.device_id, choice.options.as_of,
                      choice.options.seed * 1000 + i);
    const std::int64_t total = std::int64_t{batches_per_device} * batch;
    std::int64_t made = 0;
    for (int b = 0; b < batches_per_device; ++b) {
      sync::PushRequest request;
      for (int c = 0; c < batch; ++c) request.changes.push_back(maker.next(t.mix));
      made += batch;
      request.pending = total - made;
      request.device_time = std::string(kSendTimePlaceholder);
      t.bodies.push_back(sync::encode(request));
      request_bytes += t.bodies.back().size();
      t.batch_sizes.push_back(batch);
    }
    push.mix.visits += t.mix.visits;
    push.mix.traces += t.mix.traces;
    push.mix.area_updates += t.mix.area_updates;
    push.changes += total;
  }
  push.request_mib = static_cast<double>(request_bytes) / (1024.0 * 1024.0);

  // Concurrent pushes.
  PeakMemory::reset();
  {
    std::latch ready(devices), go(1);
    std::vector<std::thread> running;
    running.reserve(tablets.size());
    for (auto& t : tablets) {
      running.emplace_back(push_all, std::ref(t), std::ref(ready), std::ref(go));
    }
    ready.wait();
    if (sql_profile) SqlProfile::start();
    const auto start = Clock::now();
    go.count_down();
    for (auto& thread : running) thread.join();
    push.seconds = seconds_since(start);
    SqlProfile::stop();
  }
  push.peak_mib = PeakMemory::mib();
  push.changes_per_second = static_cast<double>(push.changes) / push.seconds;
  std::vector<double> latencies;
  for (const auto& t : tablets) {
    if (!t.failure.empty()) {
      throw Error(ErrorCode::internal, t.officer.username + "'s tablet failed: " + t.failure);
    }
    latencies.insert(latencies.end(), t.latency_ms.begin(), t.latency_ms.end());
  }
  push.latency = summarise_times(std::move(latencies));

  // Outcomes, read once the clock has stopped.
  for (auto& t : tablets) {
    for (std::size_t b = 0; b < t.answers.size(); ++b) {
      const sync::PushResponse answer = sync::decode_push_response(t.answers[b]);
      if (static_cast<int>(answer.outcomes.size()) != t.batch_sizes[b]) {
        throw Error(ErrorCode::internal, "a push of " + std::to_string(t.batch_sizes[b]) +
                                             " changes was answered with " +
                                             std::to_string(answer.outcomes.size()) + " outcomes");
      }
      for (const auto& o : answer.outcomes) {
        ++push.counts[static_cast<int>(o.outcome)];
        if (o.outcome == sync::Outcome::rejected) ++push.rejected[o.reason];
      }
    }
    std::vector<std::string>().swap(t.bodies);
  }
  {
    store::Database db(database.path());
    auto stored = db.prepare(
        "SELECT count(*) FROM changes WHERE device_id = ? AND outcome IN ('applied', 'conflict')");
    for (const auto& t : tablets) {
      stored.bind_all(t.session.device_id);
      if (stored.step()) push.stored += stored.column_int(0);
      stored.reset();
    }
  }
  print_push(push);
  std::vector<SqlProfile::Statement> statements;
  if (sql_profile) {
    statements = SqlProfile::statements();
    print_sql_profile(statements, push);
  }

  // A whole-scope pull, as a tablet's first sync or a resync.
  PullFigures pull;
  {
    const Team& team = teams[pulled_team];
    pull.officer = team.officers.front();
    pull.team = team.name;
    pull.team_nominals = team.nominals;
    vigil::http::Client client("127.0.0.1", port);
    client.set_timeout(std::chrono::seconds(300));
    const Session session = sign_in(client, pull.officer, "bench pull tablet");
    std::vector<double> ms;
    WholeScope scope;
    PeakMemory::reset();
    for (int run = 0; run < pull_runs; ++run) {
      const auto start = Clock::now();
      scope = pull_whole_scope(client, session, pull_limit);
      ms.push_back(seconds_since(start) * 1000.0);
    }
    pull.peak_mib = PeakMemory::mib();
    pull.timings = summarise_times(std::move(ms));
    pull.bytes = scope.bytes;
    pull.wire_bytes = scope.wire_bytes;
    pull.pages = static_cast<std::int64_t>(scope.pages.size());
    const std::vector<sync::PullItem> items = items_of(scope);
    pull.items = static_cast<std::int64_t>(items.size());
    for (const auto& item : items) {
      ++pull.records[item.entity];
      if (item.entity == "visit") {
        const std::string occurred = field_of(item, "occurred_at");
        if (pull.oldest_visit.empty() || occurred < pull.oldest_visit) pull.oldest_visit = occurred;
      }
    }
  }
  const Timings& pt = pull.timings;
  std::cout << "whole-scope pull for " << pull.officer << " of " << pull.team << " (" << pt.runs
            << " runs, " << pull.pages << (pull.pages == 1 ? " page" : " pages") << " of up to "
            << grouped(pull_limit) << "): " << grouped(pull.records["nominal"]) << " nominals, "
            << grouped(pull.records["visit"]) << " visits since " << pull.oldest_visit.substr(0, 10)
            << ", " << grouped(pull.items) << " records, " << grouped(pull.bytes) << " bytes ("
            << grouped(pull.wire_bytes) << " over the wire); min " << fixed(pt.min_ms, 1)
            << " ms, p50 " << fixed(pt.p50_ms, 1) << " ms, max " << fixed(pt.max_ms, 1)
            << " ms; peak memory " << fixed(pull.peak_mib, 0) << " MiB\n";
  if (pull.team_nominals > 60) {
    std::cout << "  (no team of this profile holds about 50 nominals: the smallest holds "
              << grouped(pull.team_nominals) << ", and an officer's scope is the whole team)\n";
  }

  http.stop();

  // The ceiling, on the same disk as the server's database.
  const std::filesystem::path ceiling_file =
      database.scratch() != nullptr
          ? database.scratch()->file("ceiling.db")
          : std::filesystem::absolute(database.path()).parent_path() /
                ("vigil-bench-ceiling-" + std::to_string(static_cast<long>(getpid())) + ".db");
  // Also committed once per batch, as the server must commit each push before answering it.
  const Ceiling ceiling =
      time_ceiling(ceiling_file, push.changes, push.changes, choice.options.seed);
  const Ceiling batched = time_ceiling(ceiling_file, push.changes, batch, choice.options.seed);
  const double ratio = push.changes_per_second / ceiling.rows_per_second;
  const double batched_ratio = push.changes_per_second / batched.rows_per_second;
  std::cout << "ceiling: plain SQLite, " << grouped(ceiling.rows)
            << " visit-like rows in one transaction (journal " << ceiling.journal_mode
            << ", synchronous "
            << (ceiling.synchronous == 2 ? "FULL" : std::to_string(ceiling.synchronous)) << ") in "
            << fixed(ceiling.seconds, 2)
            << " s: " << grouped(static_cast<std::int64_t>(ceiling.rows_per_second))
            << " rows/s; the server reaches " << fixed(ratio * 100.0, 1) << "% of it\n";
  std::cout << "ceiling committed every " << grouped(batch) << " rows, as the server commits each "
            << "push: " << fixed(batched.seconds, 2) << " s, "
            << grouped(static_cast<std::int64_t>(batched.rows_per_second))
            << " rows/s; the server reaches " << fixed(batched_ratio * 100.0, 1) << "% of it\n";

  const Ceiling same = time_same_writes(database.path(), ceiling_file, push.changes, batch);
  const double same_ratio = push.changes_per_second / same.rows_per_second;
  std::cout << "ceiling with the server's own writes: plain SQLite writing each visit's row, an "
            << "attendee and its changes-log row into a copy of this database, committed every "
            << grouped(batch) << " visits: " << fixed(same.seconds, 2) << " s, "
            << grouped(static_cast<std::int64_t>(same.rows_per_second))
            << " visits/s; the server reaches " << fixed(same_ratio * 100.0, 1) << "% of it\n";

  const bool push_aim = push.changes_per_second >= kAimChangesPerSecond;
  const bool pull_aim = pt.p50_ms < kAimPullMs;
  std::cout << "aims: " << grouped(static_cast<std::int64_t>(kAimChangesPerSecond)) << " changes/s "
            << (push_aim ? "met" : "missed") << " ("
            << grouped(static_cast<std::int64_t>(push.changes_per_second))
            << "); whole-scope pull under " << fixed(kAimPullMs, 0) << " ms "
            << (pull_aim ? "met" : "missed") << " (p50 " << fixed(pt.p50_ms, 1) << " ms)\n";
  {
    std::lock_guard lock(server_errors_mutex);
    for (const auto& sentence : server_errors) std::cout << "server error: " << sentence << "\n";
  }

  base::JsonWriter json(true);
  begin_figures(json, "sync", choice, bench);
  json.key("server")
      .begin_object()
      .field("io_threads", threads)
      .field("journal_mode", "wal")
      .field("synchronous", "full")
      .end_object();
  json.key("push").begin_object();
  json.field("devices", push.devices)
      .field("batch_size", push.batch)
      .field("batches_per_device", push.batches_per_device)
      .field("changes", push.changes)
      .key("mix")
      .begin_object()
      .field("visits", push.mix.visits)
      .field("trace_enquiries", push.mix.traces)
      .field("nominal_area_updates", push.mix.area_updates)
      .end_object()
      .field("seconds", push.seconds)
      .field("changes_per_second", push.changes_per_second);
  json.key("latency_per_batch").begin_object();
  write_timings(json, push.latency, /*with_min=*/true);
  json.end_object();
  json.key("outcomes")
      .begin_object()
      .field("applied", push.counts[0])
      .field("duplicate", push.counts[1])
      .field("conflict", push.counts[2])
      .field("rejected", push.counts[3])
      .end_object();
  json.key("rejected_reasons").begin_object();
  for (const auto& [reason, n] : push.rejected) json.field(reason, n);
  json.end_object();
  json.field("stored", push.stored)
      .field("request_bodies_mib", push.request_mib)
      .field("peak_memory_mib", push.peak_mib)
      .field("first_pull_p50_ms", summarise_times(first_pulls).p50_ms)
      .end_object();
  json.key("pull").begin_object();
  json.field("officer", pull.officer)
      .field("team", pull.team)
      .field("team_nominals", pull.team_nominals)
      .field("items", pull.items)
      .field("bytes", pull.bytes)
      .field("wire_bytes", pull.wire_bytes)
      .field("oldest_visit", pull.oldest_visit)
      .field("page_limit", pull_limit)
      .field("pages", pull.pages);
  json.key("records").begin_object();
  for (const auto& [entity, n] : pull.records) json.field(entity, n);
  json.end_object();
  write_timings(json, pt, /*with_min=*/true);
  json.field("peak_memory_mib", pull.peak_mib).end_object();
  if (sql_profile) {
    json.key("sql_profile").begin_array();
    for (const auto& s : statements) {
      json.begin_object()
          .field("sql", s.sql)
          .field("runs", s.runs)
          .field("total_ms", s.total_ms)
          .end_object();
    }
    json.end_array();
  }
  // Each ceiling's figures and the server's share of it.
  const auto write_ceiling = [&json](const char* name, const Ceiling& c, double server_ratio) {
    json.key(name)
        .begin_object()
        .field("rows", c.rows)
        .field("rows_per_commit", c.per_commit)
        .field("seconds", c.seconds)
        .field("rows_per_second", c.rows_per_second)
        .field("journal_mode", c.journal_mode)
        .field("synchronous", c.synchronous)
        .field("server_ratio", server_ratio)
        .end_object();
  };
  write_ceiling("ceiling", ceiling, ratio);
  write_ceiling("ceiling_same_writes", same, same_ratio);
  write_ceiling("ceiling_per_batch", batched, batched_ratio);
  json.key("aims")
      .begin_object()
      .field("changes_per_second", kAimChangesPerSecond)
      .field("changes_per_second_met", push_aim)
      .field("pull_p50_ms", kAimPullMs)
      .field("pull_met", pull_aim)
      .end_object();
  json.end_object();
  write_figures(out, json);

  if (push.counts[3] > 0) {
    throw Error(ErrorCode::internal, "the server rejected " + grouped(push.counts[3]) +
                                         " of the tablets' changes; every one should apply");
  }
  if (push.stored != push.counts[0] + push.counts[2]) {
    throw Error(ErrorCode::internal, "the server acknowledged " +
                                         grouped(push.counts[0] + push.counts[2]) +
                                         " changes but the database holds " + grouped(push.stored));
  }
  return base::kExitOk;
}

}  // namespace vigil::bench
