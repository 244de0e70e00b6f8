// vigil-bench field: the tablet as an officer meets it. A force is seeded and fifty of one team's
// nominals, with their three years of history, are given a team of their own with one officer:
// a caseload of fifty, as docs/domain.md sizes it. The real server serves it in this process on a
// loopback port (durable, as vigil-server runs); the real tablet engine (vigil::mobile) enrols
// into a fresh store, serves the officer's app (opened, and visits saved through it, over HTTP),
// records visits offline one by one, and syncs them.
#include <filesystem>
#include <iostream>

#include "bench_support.hpp"
#include "slow_link.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/password.hpp"
#include "vigil/http/client.hpp"
#include "vigil/mobile/field_app.hpp"
#include "vigil/mobile/tablet.hpp"
#include "vigil/store/officers.hpp"

namespace vigil::bench {
namespace {

constexpr const char* kFieldHelp =
    "usage: vigil-bench field [--db PATH] [--profile national|force|demo] [--seed N]\n"
    "                         [--as-of YYYY-MM-DD] [--nominals N] [--visits N]\n"
    "                         [--link loopback|slow] [--out FILE]\n"
    "\n"
    "Seeds a profile (force by default) into a fresh temporary database, gives --nominals of the\n"
    "smallest team's nominals (with all their history) a team of their own with one officer, and\n"
    "serves it with the real server in this process over HTTP on a loopback port. Then the real\n"
    "tablet engine enrols as that officer into a fresh store and takes the scope (timed), serves\n"
    "the officer's app and times its Today screen's fetches and 100 visits saved through it,\n"
    "records --visits visits offline one at a time (each timed), syncs them (timed), times 50\n"
    "syncs with nothing to send or receive, and measures the store on disk.\n"
    "\n"
    "  --db PATH       use this database: seeded first when it does not exist or holds no\n"
    "                  nominals, and kept afterwards with the benchmark's changes in it\n"
    "  --profile P     what to seed: force (default), national or demo\n"
    "  --seed N        the seed's random seed (default 1)\n"
    "  --as-of DATE    the date the history runs up to (default: today in Europe/London)\n"
    "  --nominals N    the caseload carved out for the officer (default 50)\n"
    "  --visits N      visits recorded offline before the sync (default 1000)\n"
    "  --link slow     a poor signal instead: the tablet reaches the server through a relay of\n"
    "                  1 Mbit/s each way with 150 ms of delay each way, and the benchmark times\n"
    "                  enrolment with the first sync of a 50-nominal and of a 260-nominal\n"
    "                  caseload, the next sync, and a sync of 20 visits (--nominals and\n"
    "                  --visits are not used)\n"
    "  --out FILE      where to write the figures as JSON (default build/bench/field.json)\n";

// What the issue asks of a sync on a poor signal (--link slow).
constexpr double kAimEnrol50Seconds = 3;
constexpr double kAimEnrol260Seconds = 10;
constexpr double kAimVisitsSeconds = 1;
constexpr int kSlowLinkVisits = 20;
// A sync with nothing to send or receive, on loopback.
constexpr double kAimIdleSyncMs = 5;
constexpr int kIdleSyncs = 50;

// The officer of a caseload of `nominals`.
std::string caseload_officer(int nominals) {
  return "pc.caseload" + std::to_string(nominals);
}

// A team of `nominals` nominals, taken with their history from the smallest team that has
// enough, and an officer to manage them (caseload_officer), unless an earlier run against the
// same database made it already. Returns the team's name.
std::string carve_caseload(const std::filesystem::path& path, int nominals) {
  std::string name = "Caseload of " + std::to_string(nominals);
  store::Database db(path);
  auto made = db.prepare("SELECT 1 FROM officers WHERE username = ?");
  made.bind_all(caseload_officer(nominals));
  if (made.step()) return name;
  store::Transaction transaction(db);
  auto donor = db.prepare(
      "SELECT team_id FROM nominals WHERE status = 'active' GROUP BY team_id "
      "HAVING count(*) >= ? ORDER BY count(*), team_id LIMIT 1");
  donor.bind_all(nominals);
  if (!donor.step()) {
    throw Error(ErrorCode::not_found,
                "no team has " + std::to_string(nominals) + " active nominals to carve out");
  }
  const std::string from = donor.column_text(0);
  const std::string team = store::ensure_team(db, name);
  const std::string officer = store::add_officer(
      db,
      store::Officer{base::make_uuid(), caseload_officer(nominals), "Bench Officer", Role::officer,
                     name},
      team, base::hash_password(backoffice::kSeedPassword), "2020-01-01T00:00:00Z");
  auto move = db.prepare(
      "UPDATE nominals SET team_id = ?1, officer_id = ?2 WHERE id IN (SELECT id FROM nominals "
      "WHERE team_id = ?3 AND status = 'active' ORDER BY ref LIMIT ?4)");
  move.bind_all(team, officer, from, nominals);
  move.run();
  transaction.commit();
  return name;
}

std::int64_t file_bytes(const std::filesystem::path& path) {
  std::int64_t bytes = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path.string() + suffix, ec);
    if (!ec) bytes += static_cast<std::int64_t>(size);
  }
  return bytes;
}

std::int64_t count(store::Database db, const char* sql) {
  auto s = db.prepare(sql);
  s.step();
  return s.column_int(0);
}

// The benchmark's officer visits alone, and some visits are pre-arranged: where the plan asks
// for two officers or unannounced visits, the tablet saves a visit only with why.
void with_reasons(mobile::VisitInput& visit) {
  visit.crew_reason = "Second officer sent to an emergency";
  visit.announced_reason = "Appointment made at the offender's request";
}

// The officer's app (docs/field-app.md) as its page uses it, over HTTP on a loopback port: what
// the page fetches before the Today screen can be drawn, and a visit saved through it.
struct AppFigures {
  double open_first_ms = 0;  // the first opening, the tablet's caches cold
  Timings open;              // each later opening
  Timings visit;             // warnings asked, then the visit saved
  int visits = 0;
};

AppFigures time_the_app(mobile::Tablet& tablet, const std::string& officer) {
  constexpr int kOpenings = 20;
  constexpr int kVisits = 100;
  mobile::FieldApp app(tablet);
  app.start();
  http::Client client("127.0.0.1", app.port());
  const std::string launch = app.launch_url();
  const auto opened = client.get(launch.substr(launch.find("/?launch=")));
  if (opened.status != 303) {
    throw Error(ErrorCode::internal, "the app refused its own launch address");
  }
  const std::string cookie = opened.headers.at("set-cookie");
  const std::map<std::string, std::string> headers{
      {"Cookie", cookie.substr(0, cookie.find(';'))},
      {"Origin", "http://127.0.0.1:" + std::to_string(app.port())}};
  const auto fetch = [&](const char* method, const std::string& target, const std::string& body) {
    auto reply = client.request(method, target, body, headers);
    if (reply.status != 200) {
      throw Error(ErrorCode::internal, std::string("the app answered ") +
                                           std::to_string(reply.status) + " to " + method + " " +
                                           target + ": " + reply.body);
    }
    return reply;
  };

  // Until Today is usable: the page, its script and style, the banner's status, the caseload.
  AppFigures figures;
  std::vector<double> open_ms;
  std::string first_ref;
  for (int i = 0; i <= kOpenings; ++i) {
    const auto start = Clock::now();
    for (const char* file : {"/", "/app.js", "/app.css", "/api/status"}) fetch("GET", file, "");
    const auto caseload = fetch("GET", "/api/caseload", "");
    const double ms = seconds_since(start) * 1000;
    if (i == 0) {
      figures.open_first_ms = ms;
      const auto at = caseload.body.find("\"nominal_ref\":\"");
      if (at == std::string::npos) throw Error(ErrorCode::internal, "the caseload is empty");
      const auto from = at + 15;
      first_ref = caseload.body.substr(from, caseload.body.find('"', from) - from);
    } else {
      open_ms.push_back(ms);
    }
  }
  figures.open = summarise_times(open_ms);

  // A visit as the app records it: "Check and save" asks for the warnings, then it is saved.
  const std::string visit = "{\"nominal_ref\":\"" + first_ref +
                            "\",\"announced\":\"no\",\"outcome\":\"seen\",\"attendees\":\"" +
                            officer +
                            "\",\"crew_reason\":\"Second officer sent to an emergency\","
                            "\"observations\":\"Recorded through the app by the benchmark\"}";
  std::vector<double> visit_ms;
  for (int i = 0; i < kVisits; ++i) {
    const auto start = Clock::now();
    fetch("POST", "/api/visit/warnings", visit);
    fetch("POST", "/api/visit", visit);
    visit_ms.push_back(seconds_since(start) * 1000);
  }
  figures.visit = summarise_times(visit_ms);
  figures.visits = kVisits;
  app.stop();
  return figures;
}

std::string met(bool yes) {
  return yes ? "met" : "missed";
}

// The officer's day on loopback: enrolment, the app, visits offline, their sync.
int field_on_loopback(const base::Args& args, const SeedChoice& choice, const SeededBench& bench) {
  const auto& [database, out, seeding] = bench;
  const int nominals = positive_number(args, "nominals", 50, 100000);
  const int visits = positive_number(args, "visits", 1000, 1'000'000);
  const std::string team = carve_caseload(database.path(), nominals);
  const std::string officer = caseload_officer(nominals);

  LoopbackServer http(database.path());
  const std::string url = http.url();
  std::cout << "server: " << url << ", WAL with synchronous=FULL\n";

  TemporaryDatabase scratch;
  const auto store = scratch.file("tablet.db");
  mobile::Tablet tablet(store);

  // Enrolment: sign-in (an Argon2id check on the server, another on the tablet to derive the key
  // that wraps its store's key) and the first sync of the whole scope into the sealed store.
  PeakMemory::reset();
  auto start = Clock::now();
  const auto enrolled = tablet.enrol(url, officer, backoffice::kSeedPassword, "bench tablet");
  const double enrol_s = seconds_since(start);
  const double enrol_peak = PeakMemory::mib();
  // The tablet's store is sealed: read with the officer's password, as unlock opens it.
  const std::int64_t scope_visits =
      count(mobile::open_store(store, backoffice::kSeedPassword), "SELECT count(*) FROM visits");
  const std::int64_t store_after_enrol = file_bytes(store);
  std::cout << "enrol and first sync of " << team << ": " << grouped(enrolled.received)
            << " records (" << grouped(scope_visits) << " visits) in " << fixed(enrol_s * 1000, 1)
            << " ms; store " << fixed(static_cast<double>(store_after_enrol) / 1048576.0, 2)
            << " MiB; peak memory " << fixed(enrol_peak, 0) << " MiB\n";

  start = Clock::now();
  const auto caseload = tablet.caseload(choice.options.as_of);
  const double caseload_ms = seconds_since(start) * 1000;
  std::cout << "caseload on the tablet: " << caseload.size() << " nominals in "
            << fixed(caseload_ms, 1) << " ms\n";

  // The tablet's first day: one visit, synced before the visits that are timed. It follows from
  // the cursor its enrolment reached, though a seeded database had logged no change before.
  {
    mobile::VisitInput visit;
    visit.nominal_ref = caseload.front().nominal_ref;
    visit.attendees = {officer};
    with_reasons(visit);
    tablet.record_visit(visit);
  }
  start = Clock::now();
  const auto first_day = tablet.sync();
  const double first_day_ms = seconds_since(start) * 1000;
  std::cout << "first sync after enrolment, one visit sent: " << grouped(first_day.received)
            << " records received" << (first_day.took_scope ? " (the scope again)" : "") << " in "
            << fixed(first_day_ms, 1) << " ms\n";

  const AppFigures app = time_the_app(tablet, officer);

  // Visits at the door, offline: each one a transaction of its own with its outbox entry.
  std::vector<double> record_ms;
  record_ms.reserve(static_cast<std::size_t>(visits));
  start = Clock::now();
  for (int i = 0; i < visits; ++i) {
    mobile::VisitInput visit;
    visit.nominal_ref = caseload[static_cast<std::size_t>(i) % caseload.size()].nominal_ref;
    visit.announced = i % 3 == 0;
    visit.outcome = i % 5 == 0 ? VisitOutcome::no_answer : VisitOutcome::seen;
    visit.attendees = {officer};
    visit.note = "Recorded by the benchmark";
    with_reasons(visit);
    const auto one = Clock::now();
    tablet.record_visit(visit);
    record_ms.push_back(seconds_since(one) * 1000);
  }
  const double record_s = seconds_since(start);
  std::cout << "the app's Today screen (page, script, style, status, caseload of "
            << caseload.size() << "): first " << fixed(app.open_first_ms, 1) << " ms, then p50 "
            << fixed(app.open.p50_ms, 1) << " ms, p99 " << fixed(app.open.p99_ms, 1) << " ms\n"
            << "a visit through the app (warnings, then saved): p50 " << fixed(app.visit.p50_ms, 2)
            << " ms, p99 " << fixed(app.visit.p99_ms, 2) << " ms over " << app.visits << "\n";
  const Timings recording = summarise_times(record_ms);
  const int pending = tablet.status().pending;
  std::cout << "recorded offline: " << grouped(visits) << " visits (" << grouped(pending)
            << " changes with their failed entries) in " << fixed(record_s, 2) << " s; each p50 "
            << fixed(recording.p50_ms, 2) << " ms, p99 " << fixed(recording.p99_ms, 2) << " ms\n";

  PeakMemory::reset();
  start = Clock::now();
  const auto synced = tablet.sync();
  const double sync_s = seconds_since(start);
  const double sync_peak = PeakMemory::mib();
  std::cout << "sync: " << grouped(synced.pushed) << " sent, " << grouped(synced.applied)
            << " applied, " << synced.rejected << " rejected, " << grouped(synced.received)
            << " received back in " << fixed(sync_s * 1000, 1) << " ms ("
            << fixed(synced.pushed / sync_s, 0) << " changes/s); peak memory "
            << fixed(sync_peak, 0) << " MiB\n";
  if (synced.applied != pending || synced.rejected != 0) {
    throw Error(ErrorCode::internal, "the server did not apply every change the tablet sent");
  }

  // A sync with nothing to do, as the app's timer makes one a minute after the last.
  std::vector<double> idle_ms;
  for (int i = 0; i < kIdleSyncs; ++i) {
    start = Clock::now();
    const auto idle = tablet.sync();
    idle_ms.push_back(seconds_since(start) * 1000);
    if (idle.received != 0 || idle.pushed != 0 || idle.took_scope) {
      throw Error(ErrorCode::internal, "a sync with nothing to do sent or received something");
    }
  }
  const Timings idle = summarise_times(idle_ms);
  std::cout << "a sync with nothing to send or receive (" << kIdleSyncs << " of them): p50 "
            << fixed(idle.p50_ms, 1) << " ms, p99 " << fixed(idle.p99_ms, 1) << " ms; aim under "
            << kAimIdleSyncMs << " ms " << met(idle.p50_ms < kAimIdleSyncMs) << "\n";
  http.stop();

  const std::int64_t store_bytes = file_bytes(store);
  std::int64_t checkpointed = 0;
  {
    auto db = mobile::open_store(store, backoffice::kSeedPassword);
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  checkpointed = file_bytes(store);
  std::cout << "store on disk: " << fixed(static_cast<double>(store_bytes) / 1048576.0, 2)
            << " MiB with its write-ahead log, "
            << fixed(static_cast<double>(checkpointed) / 1048576.0, 2)
            << " MiB once checkpointed\n";

  base::JsonWriter json;
  begin_figures(json, "field", choice, bench);
  json.field("nominals", nominals)
      .field("enrol_ms", enrol_s * 1000)
      .field("enrol_records", enrolled.received)
      .field("enrol_peak_memory_mib", enrol_peak)
      .field("scope_visits", scope_visits)
      .field("caseload_ms", caseload_ms)
      .field("app_open_first_ms", app.open_first_ms);
  write_percentiles(json, "app_open_", app.open);
  write_percentiles(json, "app_visit_", app.visit);
  json.field("first_day_sync_ms", first_day_ms)
      .field("first_day_took_scope", first_day.took_scope)
      .field("visits", visits)
      .field("record_s", record_s);
  write_percentiles(json, "record_", recording);
  json.field("sync_changes", synced.pushed)
      .field("sync_ms", sync_s * 1000)
      .field("sync_peak_memory_mib", sync_peak);
  write_percentiles(json, "idle_sync_", idle);
  json.field("store_bytes_after_enrol", store_after_enrol)
      .field("store_bytes", store_bytes)
      .field("store_bytes_checkpointed", checkpointed)
      .end_object();
  write_figures(out, json);
  return base::kExitOk;
}

// A tablet of the officer of a caseload (carve_caseload), enrolled through the link, with what
// it took timed.
struct Enrolled {
  std::unique_ptr<mobile::Tablet> tablet;
  int nominals = 0;  // the caseload's
  int records = 0;
  double seconds = 0;
  std::int64_t bytes_down = 0;  // over the link
};

// Enrols the officer of the caseload of `nominals`, named `team`, with its store at `store`, and
// prints what it took.
Enrolled enrol_through(const SlowLink& link, const std::filesystem::path& store, int nominals,
                       const std::string& team) {
  Enrolled e;
  e.tablet = std::make_unique<mobile::Tablet>(store);
  e.nominals = nominals;
  const std::int64_t before = link.bytes_down();
  const auto start = Clock::now();
  e.records =
      e.tablet
          ->enrol(link.url(), caseload_officer(nominals), backoffice::kSeedPassword, "bench tablet")
          .received;
  e.seconds = seconds_since(start);
  e.bytes_down = link.bytes_down() - before;
  std::cout << "enrol and first sync of " << team << ": " << grouped(e.records) << " records, "
            << grouped(e.bytes_down) << " bytes down, in " << fixed(e.seconds, 2) << " s\n";
  return e;
}

// "enrol_N_seconds", "enrol_N_records" and "enrol_N_bytes_down", N the caseload's nominals.
void write_enrolment(base::JsonWriter& json, const Enrolled& e) {
  const std::string prefix = "enrol_" + std::to_string(e.nominals) + "_";
  json.field(prefix + "seconds", e.seconds)
      .field(prefix + "records", e.records)
      .field(prefix + "bytes_down", e.bytes_down);
}

// A poor signal: what an officer waits for in a car park with one bar.
int field_on_slow_link(const SeedChoice& choice, const SeededBench& bench) {
  const auto& [database, out, seeding] = bench;
  const std::string small_team = carve_caseload(database.path(), 50);
  const std::string large_team = carve_caseload(database.path(), 260);
  LoopbackServer http(database.path());
  const LinkShape shape;
  SlowLink link(http.port(), shape);
  std::cout << "server: " << http.url() << ", reached through a relay at " << link.url() << " of "
            << fixed(shape.bits_per_second / 1e6, 1) << " Mbit/s and " << shape.delay.count()
            << " ms each way\n";
  TemporaryDatabase scratch;

  const auto small = enrol_through(link, scratch.file("small.db"), 50, small_team);
  const auto large = enrol_through(link, scratch.file("large.db"), 260, large_team);

  auto& tablet = *small.tablet;
  auto start = Clock::now();
  const auto next = tablet.sync();
  const double next_s = seconds_since(start);
  std::cout << "the next sync, nothing to send: " << grouped(next.received) << " records received"
            << (next.took_scope ? " (the scope again)" : "") << " in " << fixed(next_s, 2)
            << " s\n";

  const auto caseload = tablet.caseload(choice.options.as_of);
  for (int i = 0; i < kSlowLinkVisits; ++i) {
    mobile::VisitInput visit;
    visit.nominal_ref = caseload[static_cast<std::size_t>(i) % caseload.size()].nominal_ref;
    visit.attendees = {caseload_officer(50)};
    visit.note = "Recorded by the benchmark";
    with_reasons(visit);
    tablet.record_visit(visit);
  }
  const int pending = tablet.status().pending;
  const std::int64_t up_before = link.bytes_up();
  start = Clock::now();
  const auto synced = tablet.sync();
  const double visits_s = seconds_since(start);
  if (synced.applied != pending || synced.rejected != 0) {
    throw Error(ErrorCode::internal, "the server did not apply every change the tablet sent");
  }
  std::cout << "a sync of " << kSlowLinkVisits << " visits (" << pending << " changes), "
            << grouped(link.bytes_up() - up_before) << " bytes up, in " << fixed(visits_s, 2)
            << " s\n";
  std::cout << "aims: enrolment with 50 nominals under " << kAimEnrol50Seconds << " s "
            << met(small.seconds < kAimEnrol50Seconds) << "; with 260 under " << kAimEnrol260Seconds
            << " s " << met(large.seconds < kAimEnrol260Seconds) << "; " << kSlowLinkVisits
            << " visits under " << kAimVisitsSeconds << " s " << met(visits_s < kAimVisitsSeconds)
            << "\n";

  base::JsonWriter json;
  begin_figures(json, "field", choice, bench);
  json.field("link", "slow")
      .field("link_bits_per_second", shape.bits_per_second)
      .field("link_delay_ms", static_cast<std::int64_t>(shape.delay.count()));
  write_enrolment(json, small);
  write_enrolment(json, large);
  json.field("next_sync_seconds", next_s)
      .field("next_sync_took_scope", next.took_scope)
      .field("visits_sync_seconds", visits_s)
      .field("visits_sync_changes", pending)
      .end_object();
  write_figures(out, json);
  return base::kExitOk;
}

}  // namespace

int run_field(std::span<const std::string> words) {
  static constexpr base::Option kOptions[] = {{"nominals"}, {"visits"}, {"link"}};
  const auto options = bench_options(words, kOptions, "field", kFieldHelp, "force");
  if (!options) return base::kExitOk;
  const auto& [args, choice] = *options;
  const std::string link = args.value("link").value_or("loopback");
  if (link != "loopback" && link != "slow") {
    throw Error(ErrorCode::invalid_input,
                "--link must be loopback or slow, not '" + link.substr(0, 20) + "'");
  }
  const SeededBench bench(args, "field", choice);
  return link == "slow" ? field_on_slow_link(choice, bench)
                        : field_on_loopback(args, choice, bench);
}

}  // namespace vigil::bench
