// The randomized convergence test (docs/house-style.md, "Tests"): six tablets, each a real store
// driven by the real sync client (sync/client.hpp), edit offline, some of them the same fields at
// once, and sync with the server's request handler in a random order through a transport that
// drops requests, sends them twice, holds them back past later ones, loses and cuts off answers
// and restarts the server. Then every copy must equal the server, every change made must be
// there exactly once, and the same changes delivered in another order must leave the same
// records and conflicts.
//
// Each seed is printed; VIGIL_SEED=N runs that seed alone, VIGIL_CONVERGENCE_SEEDS=N runs seeds
// 1..N and =A-B seeds A..B. CTest's long mode (`tools/dev long`, label `long`, on the release
// build) runs seeds 1 to 1,000 in two halves at once.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "in_process_server.hpp"
#include "queries.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/sync/client.hpp"
#include "vigil/sync/device_state.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/replica.hpp"

using namespace vigil;
using namespace vigil::sync;

namespace {

using Key = std::pair<std::string, std::string>;  // entity, id
using View = std::map<Key, FieldValues>;

const std::vector<std::string> kUsers{"pc.a", "pc.b", "pc.c", "sgt.north", "pc.south", "sgt.south"};
const std::vector<std::string> kAreas{"", "Docks", "Harbour", "Old Town", "Park"};
const std::string kAdmin = "admin";  // makes the template's one change

// The faults of every world: a sync in three meets one of them.
constexpr Faults kFaults{0.02, 0.04, 0.03, 0.04, 0.02, 0.01};

std::string text(const std::optional<std::string>& value) {
  return value ? *value : "null";
}

// What differs between two views, one line per difference; empty when they are equal.
std::string difference(const View& have, const View& want) {
  std::string out;
  for (const auto& [key, fields] : want) {
    auto it = have.find(key);
    if (it == have.end()) {
      out += "missing " + key.first + " " + key.second + "\n";
      continue;
    }
    for (const auto& [field, value] : fields) {
      auto f = it->second.find(field);
      if (f == it->second.end() || f->second != value) {
        out += key.first + " " + key.second + " " + field + " = " +
               (f == it->second.end() ? "<absent>" : text(f->second)) + " want " + text(value) +
               "\n";
      }
    }
  }
  for (const auto& [key, fields] : have) {
    if (!want.count(key)) out += "extra " + key.first + " " + key.second + "\n";
  }
  return out;
}

std::vector<std::string> ids_in(store::Database& db, std::string_view table) {
  std::vector<std::string> ids;
  auto s = db.prepare("SELECT id FROM " + std::string(table) + " ORDER BY id");
  while (s.step()) ids.push_back(s.column_text(0));
  return ids;
}

// Every record a tablet could hold in a store (a tablet's, or the server's: one schema), in wire
// form.
View view_of(store::Database& db) {
  View out;
  Replica replica(db);
  for (const auto& spec : entities()) {
    if (!spec.held_on_tablet()) continue;
    for (const auto& id : ids_in(db, spec.table)) {
      out[{std::string(spec.name), id}] = replica.fields_of(std::string(spec.name), id).value();
    }
  }
  return out;
}

// Where every world's time starts: the tablets' and the server's clocks (2026-11-18).
constexpr std::int64_t kStartMs = 1796000000000;  // 2026-11-30T00:53:20Z, after the fixtures' dates

Instant instant_of(std::int64_t ms) {
  return Instant(std::chrono::seconds(ms / 1000));
}

// An edit of one field of a nominal a store holds, from the value it holds there, made on
// `device_id` at `made_at`; the clock is stamped when it is recorded.
Change nominal_update(store::Database& db, std::mt19937_64& random, const std::string& device_id,
                      Instant made_at, const std::string& nominal, const std::string& field,
                      std::string value) {
  Change c;
  c.change_id = base::make_uuid(random);
  c.device_id = device_id;
  c.device_time = format_instant(made_at);
  c.entity = "nominal";
  c.entity_id = nominal;
  c.operation = Operation::update;
  c.fields = {{field, std::move(value)}};
  c.base = {{field, Replica(db).fields_of("nominal", nominal)->at(field)}};
  return c;
}

// Enrols a new store at `path` as `user` with the server and takes its scope, at `ms`.
void enrol_store(InProcessServer& server, const std::filesystem::path& path,
                 const std::string& user, std::int64_t ms) {
  store::Database db(path);
  store::migrate(db);
  HybridClock clock([ms] { return ms; });
  std::mt19937_64 random(1);
  FaultyTransport transport(server, random);
  SyncClient client(
      db, clock, [ms] { return instant_of(ms); }, transport);
  const auto enrolment = client.sign_in(user, kTestPassword, user + "'s tablet");
  DeviceState state(db);
  store::Transaction transaction(db);
  state.set(kServer, "the test's server");
  state.keep_enrolment(enrolment, user);
  transaction.commit();
  (void)client.sync();
}

// The server, every tablet enrolled and holding its scope, made once per process: each world
// starts from copies of these files, so a seed costs its syncs, not its enrolments.
class Template {
 public:
  static const Template& get() {
    static const Template made;
    return made;
  }
  const std::filesystem::path& dir() const { return dir_.path(); }

 private:
  Template() {
    constexpr std::int64_t kThen = kStartMs - 60000;
    TestForce::create(dir() / "server.db", 11, 3);
    InProcessServer server(dir() / "server.db", [] { return instant_of(kThen); });
    std::vector<std::string> users{kAdmin};
    users.insert(users.end(), kUsers.begin(), kUsers.end());
    for (const auto& user : users) enrol_store(server, dir() / (user + ".db"), user, kThen);
    // The log holds a change before the tablets start, as a force's does: a cursor of 0 would
    // have every tablet take its whole scope at its next sync (docs/sync-protocol.md).
    store::Database db(dir() / "admin.db");
    const std::string nominal = ids_in(db, "nominals").front();
    std::mt19937_64 random(1);
    const Change first = nominal_update(db, random, DeviceState(db).get(kDeviceId).value(),
                                        instant_of(kThen), nominal, "area", "Harbour");
    HybridClock clock([] { return kThen; });
    auto officer = db.prepare("SELECT id FROM officers WHERE username = ?");
    officer.bind_all(kAdmin);
    REQUIRE(officer.step());
    const Author admin{officer.column_text(0), Role::admin, first.device_id};
    REQUIRE_FALSE(DeviceState(db).record({first}, admin, clock));
    for (const auto& user : users) {
      store::Database tablet(dir() / (user + ".db"));
      HybridClock tablet_clock([] { return kThen; });
      FaultyTransport transport(server, random);
      SyncClient client(
          tablet, tablet_clock, [] { return instant_of(kThen); }, transport);
      (void)client.sync();
      REQUIRE(DeviceState(tablet).cursor() > 0);
    }
  }
  TempDir dir_;
};

// One tablet: its own store, its clock (skewed from the world's), and what it made.
struct Device {
  Device(const std::filesystem::path& path, std::string name, const std::int64_t& world_ms,
         std::int64_t offset)
      : username(std::move(name)), db(path), now_ms(world_ms), offset_ms(offset) {
    DeviceState state(db);
    author.device_id = state.get(kDeviceId).value_or("");
    author.role = parse_enum<Role>(state.get(kRole).value_or("")).value_or(Role::officer);
    auto officer = db.prepare("SELECT id FROM officers WHERE username = ?");
    officer.bind_all(username);
    if (officer.step()) author.officer_id = officer.column_text(0);
  }

  std::int64_t wall_ms() const { return now_ms + offset_ms; }
  Instant now() const { return instant_of(wall_ms()); }
  int pending() { return DeviceState(db).outbox_count("pending"); }
  bool supervisor() const { return author.role != Role::officer; }

  // Everything the tablet holds, as its replica shows it.
  View view() { return view_of(db); }

  std::string username;
  store::Database db;
  const std::int64_t& now_ms;
  std::int64_t offset_ms;
  HybridClock clock{[this] { return wall_ms(); }};
  Author author;
  std::vector<Change> made;  // every change recorded, as stamped, in the order made
  int syncs = 0, failed_syncs = 0;
};

View view_of(const PullResponse& scope) {
  View out;
  for (const auto& item : scope.items) out[{item.entity, item.entity_id}] = item.fields;
  return out;
}

class World {
 public:
  World(std::uint64_t fault_seed, const std::vector<std::int64_t>& offsets)
      : dir_(std::filesystem::is_directory("/dev/shm") ? TempDir("/dev/shm") : TempDir()),
        faults_random_(fault_seed) {
    const auto& from = Template::get().dir();
    for (const auto& entry : std::filesystem::directory_iterator(from)) {
      std::filesystem::copy_file(entry.path(), dir_.path() / entry.path().filename());
    }
    server_ = std::make_unique<InProcessServer>(dir_.path() / "server.db",
                                                [this] { return instant_of(now_ms); });
    // Small enough that a push of a few visits is sometimes too large and goes again halved.
    server_->body_limit = 1500;
    transport_ = std::make_unique<FaultyTransport>(*server_, faults_random_, kFaults);
    for (std::size_t i = 0; i < kUsers.size(); ++i) {
      tablets_.push_back(std::make_unique<Device>(dir_.path() / (kUsers[i] + ".db"), kUsers[i],
                                                  now_ms, offsets[i]));
    }
  }

  // One sync of the tablet, as the officer starts it; false when it did not finish (the
  // transport's faults), in which case the next one goes on from where the store is.
  bool sync(Device& d, std::mt19937_64& random) { return exchange(d, random, false); }
  // Only sends what is waiting.
  bool send(Device& d, std::mt19937_64& random) { return exchange(d, random, true); }

  bool exchange(Device& d, std::mt19937_64& random, bool send_only) {
    SyncOptions options;
    options.attempts = 3;
    options.first_backoff = std::chrono::milliseconds(0);
    // Small pages half the time, so a pull often comes in several; the tablet's own otherwise.
    if (random() % 2 == 0) options.page_size = 1 + static_cast<int>(random() % 20);
    options.push_batch = 1 + static_cast<int>(random() % 4);
    SyncClient client(
        d.db, d.clock, [&d] { return d.now(); }, *transport_, options);
    ++d.syncs;
    const int faults_before = transport_->faults();
    try {
      const auto report = send_only ? client.send() : client.sync();
      // The scope is taken afresh only when the server refused a change the tablet had shown;
      // any other drift means the tablet and the server disagreed.
      if (!report.drift.empty()) {
        INFO(d.username << ": " << report.drift);
        CHECK(report.drift == "the server refused a change the tablet had shown");
      }
      // A record can be set aside while a scope is taken (its nominal came into the scope after
      // the nominals' pages were read); it comes whole with the move that follows from the
      // cursor, and leaves the list. Nothing stays set aside.
      std::string set_aside;
      for (const auto& r : DeviceState(d.db).set_aside_records()) {
        set_aside += r.entity + " " + r.entity_id + ": " + r.reason + "\n";
      }
      if (!set_aside.empty()) {
        FAIL_CHECK(d.username << " set aside:\n"
                              << set_aside << "the server's log:\n"
                              << history(set_aside));
      }
      return true;
    } catch (const SyncError& error) {
      // Only a fault the transport put in may stop a sync (no answer, or an answer cut short),
      // never an error of the server's.
      const std::string why = error.what();
      INFO(d.username << ": " << why);
      const bool excused = transport_->faults() > faults_before &&
                           why.find("it answered 5") == std::string::npos &&
                           (why.find("Cannot reach the server") != std::string::npos ||
                            why.find("was not understood") != std::string::npos);
      if (!excused) {
        const std::string differs = difference(d.view(), server_view(d));
        FAIL_CHECK(d.username << ": " << why << "\nthe tablet against the server:\n"
                              << differs << "the server's log:\n"
                              << history(differs));
      }
      ++d.failed_syncs;
      return false;
    }
  }

  // Syncs until the outbox is empty and a sync has finished.
  void sync_until_done(Device& d, std::mt19937_64& random) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (sync(d, random) && d.pending() == 0) return;
    }
    FAIL(d.username << "'s tablet did not finish a sync in 100 tries");
  }

  // The whole scope as the server has it for the tablet, in small pages, without faults.
  PullResponse whole_scope(Device& d) {
    const std::string token = DeviceState(d.db).get(kToken).value_or("");
    PullResponse all;
    std::string resume;
    for (;;) {
      const auto answer = server_->handle(
          "GET",
          "/api/v1/sync/pull?since=0&limit=1000" + (resume.empty() ? "" : "&resume=" + resume), {},
          token);
      REQUIRE(answer.status == 200);
      auto page = decode_pull_response(answer.body);
      for (auto& item : page.items) all.items.push_back(std::move(item));
      resume = page.resume;
      if (!page.more) {
        all.digest = page.digest;
        return all;
      }
    }
  }

  View server_view(Device& d) { return view_of(whole_scope(d)); }
  // The whole force as the server holds it.
  View force() {
    store::Database db(db_path());
    return view_of(db);
  }

  // The conflicts, as content (their ids differ between worlds).
  std::set<std::vector<std::string>> conflicts() {
    store::Database db(dir_.path() / "server.db");
    auto s = db.prepare(
        "SELECT entity, entity_id, field, coalesce(winning_value, '<null>'), "
        "coalesce(losing_value, '<null>'), winning_change, losing_change FROM conflicts");
    std::set<std::vector<std::string>> out;
    while (s.step()) {
      std::vector<std::string> row;
      for (int i = 0; i < 7; ++i) row.push_back(s.column_text(i));
      out.insert(row);
    }
    return out;
  }

  std::set<std::string> rejected() {
    std::set<std::string> out;
    for (auto& t : tablets_) {
      for (const auto& r : DeviceState(t->db).rejected_changes()) out.insert(r.change_id);
    }
    return out;
  }

  // The server's log of changes to the records a difference names, for a failure's message.
  std::string history(const std::string& difference) {
    store::Database db(db_path());
    auto s = db.prepare(
        "SELECT seq, entity_id, device_id, clock, outcome, reason, fields, coalesce(base, '') "
        "FROM changes WHERE instr(?, entity_id) > 0 ORDER BY seq");
    s.bind_all(difference);
    std::string out;
    while (s.step()) {
      for (int i = 0; i < 8; ++i) out += std::string(i ? " " : "") + s.column_text(i);
      out += "\n";
    }
    return out;
  }

  std::filesystem::path db_path() const { return dir_.path() / "server.db"; }
  InProcessServer& server() { return *server_; }
  FaultyTransport& transport() { return *transport_; }
  std::vector<std::unique_ptr<Device>>& tablets() { return tablets_; }

  std::int64_t now_ms = kStartMs;

 private:
  TempDir dir_;
  std::mt19937_64 faults_random_;
  std::unique_ptr<InProcessServer> server_;
  std::unique_ptr<FaultyTransport> transport_;
  std::vector<std::unique_ptr<Device>> tablets_;
};

// One offline edit chosen at random from what the tablet shows, recorded as the tablet records
// it; an edit its own checks refuse is not made, as at the door.
void edit(Device& d, std::mt19937_64& random) {
  const std::vector<std::string> nominals = ids_in(d.db, "nominals");
  const std::vector<std::string> plans = ids_in(d.db, "plans");
  const std::vector<std::string> actions = ids_in(d.db, "plan_actions");
  if (nominals.empty()) return;
  auto pick = [&](const std::vector<std::string>& ids) {
    return ids[std::uniform_int_distribution<std::size_t>(0, ids.size() - 1)(random)];
  };
  Replica replica(d.db);
  Change c;
  c.change_id = base::make_uuid(random);
  c.device_id = d.author.device_id;
  c.device_time = format_instant(d.now());
  auto update = [&](const std::string& entity, const std::string& id, const std::string& field,
                    std::optional<std::string> value) {
    const auto current = replica.fields_of(entity, id).value();
    const auto found = current.find(field);
    const auto before = found == current.end() ? std::nullopt : found->second;
    // A tablet sends only what the officer changed.
    if (value == before) return false;
    c.entity = entity;
    c.entity_id = id;
    c.operation = Operation::update;
    c.fields = {{field, std::move(value)}};
    c.base = {{field, before}};
    return true;
  };
  switch (std::uniform_int_distribution<int>(0, 6)(random)) {
    case 0:
    case 1:  // the field everyone edits: concurrent edits of one field
      if (!update("nominal", pick(nominals), "area", kAreas[random() % kAreas.size()])) return;
      break;
    case 2:
      if (!update("nominal", pick(nominals), "no_fixed_abode", random() % 2 ? "yes" : "no")) {
        return;
      }
      break;
    case 3:
      if (d.supervisor()) {
        if (!update("nominal", pick(nominals), "risk_level", random() % 2 ? "high" : "very_high"))
          return;
      } else if (plans.empty() || !update("plan", pick(plans), "last_reviewed_on",
                                          "2026-11-" + std::to_string(10 + random() % 10))) {
        return;
      }
      break;
    case 4:
      if (plans.empty()) return;
      c.entity = "plan_action";
      c.entity_id = base::make_uuid(random);
      c.operation = Operation::create;
      c.fields = {{"plan_id", pick(plans)},
                  {"description", "Check the address <" + std::to_string(random() % 100) + ">"},
                  {"owner", d.username},
                  {"due_on", "2026-12-01"},
                  {"status", "open"}};
      break;
    case 5:
      if (actions.empty()) return;
      if (!update("plan_action", pick(actions), "status", random() % 2 ? "done" : "open")) return;
      break;
    case 6:
      c.entity = "visit";
      c.entity_id = base::make_uuid(random);
      c.operation = Operation::append;
      c.fields = {{"nominal_id", pick(nominals)},
                  {"occurred_at", "2026-11-22T09:00:00Z"},
                  {"recorded_at", "2026-11-22T09:05:00Z"},
                  {"announced", "no"},
                  {"outcome", "seen"},
                  {"attendees", d.username}};
      break;
  }
  DeviceState state(d.db);
  if (state.record({c}, d.author, d.clock)) return;
  d.made.push_back(state.pending_changes(100000).back());
}

struct Round {
  std::vector<std::vector<Change>> made;               // per tablet, in the order made
  std::optional<std::pair<std::size_t, Change>> move;  // a sergeant's transfer, after the round
  View after;                                          // the whole force once the round is over
};

// Syncs tablets with something to send (or only sends), in a random order, until none has
// anything left.
void deliver(World& world, std::mt19937_64& random, bool send_only = false) {
  auto& tablets = world.tablets();
  for (int step = 0;; ++step) {
    std::vector<std::size_t> waiting;
    for (std::size_t i = 0; i < tablets.size(); ++i) {
      if (tablets[i]->pending() > 0) waiting.push_back(i);
    }
    if (waiting.empty()) return;
    REQUIRE(step < 2000);
    Device& d = *tablets[waiting[random() % waiting.size()]];
    (void)(send_only ? world.send(d, random) : world.sync(d, random));
  }
}

}  // namespace

TEST_CASE("tablets converge on the server whatever the order, losses and repeats",
          "[sync][convergence]") {
  std::vector<std::uint64_t> seeds{1, 2, 3};
  if (const char* one = std::getenv("VIGIL_SEED")) {
    seeds = {std::strtoull(one, nullptr, 10)};
  } else if (const char* many = std::getenv("VIGIL_CONVERGENCE_SEEDS")) {
    // "N" for seeds 1..N, "A-B" for seeds A..B (CTest's long mode runs two halves at once).
    char* end = nullptr;
    std::uint64_t first = 1, last = std::strtoull(many, &end, 10);
    if (*end == '-') {
      first = last;
      last = std::strtoull(end + 1, &end, 10);
    }
    REQUIRE(*end == '\0');
    seeds.clear();
    for (std::uint64_t s = first; s <= last; ++s) seeds.push_back(s);
  }
  for (const std::uint64_t seed : seeds) {
    INFO("seed " << seed << " (rerun with VIGIL_SEED=" << seed << ")");
    std::mt19937_64 random(seed);
    constexpr int kRounds = 6;
    std::vector<Round> rounds;

    // World one: the tablets make their edits and everything is delivered at random.
    std::vector<std::int64_t> offsets;
    for (std::size_t i = 0; i < kUsers.size(); ++i) {
      // Tablet clocks up to two minutes either side of the true time.
      offsets.push_back(static_cast<std::int64_t>(random() % 240000) - 120000);
    }
    World one(seed * 31 + 7, offsets);
    for (int round = 0; round < kRounds; ++round) {
      Round record;
      // Some tablets sync before going out, and see what the others did.
      for (auto& t : one.tablets()) {
        if (random() % 2 == 0) (void)one.sync(*t, random);
      }
      for (auto& t : one.tablets()) {
        const std::size_t before = t->made.size();
        const int edits = static_cast<int>(random() % 4);
        for (int e = 0; e < edits; ++e) {
          one.now_ms += 1000;
          edit(*t, random);
        }
        record.made.emplace_back(t->made.begin() + static_cast<long>(before), t->made.end());
      }
      deliver(one, random);
      if (round == kRounds / 2) one.server().restart();
      // Between rounds a sergeant now and then transfers a nominal to the other team.
      if (random() % 2 == 0) {
        const bool from_north = random() % 2 == 0;
        const std::size_t index = from_north ? 3 : 5;  // sgt.north or sgt.south
        Device& sergeant = *one.tablets()[index];
        one.sync_until_done(sergeant, random);
        const auto nominals = ids_in(sergeant.db, "nominals");
        if (!nominals.empty()) {
          const std::string id = nominals[random() % nominals.size()];
          const Change move =
              nominal_update(sergeant.db, random, sergeant.author.device_id, sergeant.now(), id,
                             "team", from_north ? "South" : "North");
          one.now_ms += 1000;
          DeviceState state(sergeant.db);
          REQUIRE_FALSE(state.record({move}, sergeant.author, sergeant.clock));
          sergeant.made.push_back(state.pending_changes(100000).back());
          record.move = {{index, sergeant.made.back()}};
          one.sync_until_done(sergeant, random);
        }
      }
      one.transport().deliver_held();
      record.after = one.force();
      rounds.push_back(std::move(record));
    }
    // Everyone syncs to the end.
    for (auto& t : one.tablets()) one.sync_until_done(*t, random);
    for (auto& t : one.tablets()) one.sync_until_done(*t, random);

    // Every copy equals the server's view of its scope, and the digests agree.
    int syncs = 0, failed = 0;
    for (auto& t : one.tablets()) {
      INFO("tablet of " << t->username);
      const auto scope = one.whole_scope(*t);
      CHECK(difference(t->view(), view_of(scope)) == "");
      CHECK(Replica(t->db).digest() == scope.digest);
      syncs += t->syncs;
      failed += t->failed_syncs;
    }
    // Every change made is in the server's log exactly once; visits appear once each.
    std::size_t made = 0;
    {
      store::Database db(one.db_path());
      auto once = db.prepare("SELECT count(*) FROM changes WHERE change_id = ?");
      auto visit = db.prepare("SELECT count(*) FROM visits WHERE id = ?");
      const auto rejected = one.rejected();
      for (auto& t : one.tablets()) {
        for (const auto& c : t->made) {
          ++made;
          once.bind_all(c.change_id);
          once.step();
          CHECK(once.column_int(0) == 1);
          once.reset();
          if (c.entity == "visit" && !rejected.count(c.change_id)) {
            visit.bind_all(c.entity_id);
            visit.step();
            CHECK(visit.column_int(0) == 1);
            visit.reset();
          }
        }
      }
      // The seed did something: changes were taken in, not all refused.
      auto applied = db.prepare("SELECT count(*) FROM changes WHERE outcome <> 'rejected'");
      applied.step();
      CHECK(applied.column_int(0) > 1);
      auto total = db.prepare("SELECT count(*) FROM changes WHERE device_id <> 'back-office'");
      total.step();
      // Besides them, the one change the template made.
      CHECK(static_cast<std::size_t>(total.column_int(0)) == made + 1);
    }
    std::printf(
        "convergence seed %llu: %zu changes, %zu in conflict, %zu refused; %d syncs, %d "
        "cut short; %d restarts\n",
        static_cast<unsigned long long>(seed), made, one.conflicts().size(), one.rejected().size(),
        syncs, failed, one.server().restarts());

    // World two: the same changes, delivered in another random order with other faults.
    World two(seed * 7919 + 1, offsets);
    std::mt19937_64 other(seed * 7919 + 1);
    int round_number = 0;
    for (const auto& round : rounds) {
      ++round_number;
      for (std::size_t i = 0; i < round.made.size(); ++i) {
        Device& t = *two.tablets()[i];
        DeviceState state(t.db);
        for (const auto& c : round.made[i]) state.add_to_outbox(c);
      }
      // The tablets only send: what is compared is the server's.
      deliver(two, other, true);
      // A transfer lands after the round's edits, as in world one: whether an edit of the
      // nominal was in the sender's scope depends on it.
      if (round.move) {
        Device& sergeant = *two.tablets()[round.move->first];
        DeviceState(sergeant.db).add_to_outbox(round.move->second);
        for (int tries = 0; sergeant.pending() > 0; ++tries) {
          REQUIRE(tries < 100);
          (void)two.send(sergeant, other);
        }
      }
      two.transport().deliver_held();
      const std::string differs = difference(two.force(), round.after);
      if (!differs.empty()) {
        FAIL("round " << round_number << " differs:\n"
                      << differs << "world one's log:\n"
                      << one.history(differs) << "world two's log:\n"
                      << two.history(differs));
      }
    }
    CHECK(one.rejected() == two.rejected());
    CHECK(one.conflicts() == two.conflicts());
  }
}

// A transport that lets something land on the server once, right after the first page of a
// whole-scope pull that carried nominals has been answered.
class LandingMidway : public Transport {
 public:
  LandingMidway(InProcessServer& server, std::function<void()> land)
      : server_(server), land_(std::move(land)) {}
  Answer exchange(std::string_view method, const std::string& target, const std::string& body,
                  const std::string& token) override {
    auto answer = server_.handle(method, target, body, token);
    if (!landed_ && target.starts_with("/api/v1/sync/pull?since=0") &&
        answer.body.find(R"("nominal")") != std::string::npos) {
      landed_ = true;
      land_();
    }
    return answer;
  }

 private:
  InProcessServer& server_;
  std::function<void()> land_;
  bool landed_ = false;
};

TEST_CASE("a scope taken while the server's log is empty takes what landed meanwhile too",
          "[sync][client]") {
  TempDir dir;
  TestForce::create(dir.path() / "server.db", 11, 3);  // no change logged yet
  InProcessServer server(dir.path() / "server.db", [] { return instant_of(kStartMs); });
  // The sergeant's tablet holds its scope and makes the change that lands.
  enrol_store(server, dir.path() / "sergeant.db", "sgt.north", kStartMs);
  std::int64_t now = kStartMs;
  Device sergeant(dir.path() / "sergeant.db", "sgt.north", now, 0);
  std::mt19937_64 random(1);
  const auto land = [&] {
    const std::string nominal = ids_in(sergeant.db, "nominals").front();
    const Change change = nominal_update(sergeant.db, random, sergeant.author.device_id,
                                         sergeant.now(), nominal, "area", "Docks");
    REQUIRE_FALSE(DeviceState(sergeant.db).record({change}, sergeant.author, sergeant.clock));
    FaultyTransport plain(server, random);
    SyncClient client(
        sergeant.db, sergeant.clock, [&] { return sergeant.now(); }, plain);
    REQUIRE(client.send().applied == 1);
  };
  // An officer's new tablet takes its scope in pages of 5; the change to a nominal it has already
  // stored lands before the last page.
  store::Database db(dir.path() / "officer.db");
  store::migrate(db);
  HybridClock clock([] { return kStartMs; });
  LandingMidway transport(server, land);
  SyncClient client(
      db, clock, [] { return instant_of(kStartMs); }, transport,
      SyncOptions{1, std::chrono::milliseconds(0), 5, 200, {}, std::chrono::seconds(0)});
  const auto enrolment = client.sign_in("pc.a", kTestPassword, "pc.a's tablet");
  {
    DeviceState state(db);
    store::Transaction transaction(db);
    state.keep_enrolment(enrolment, "pc.a");
    transaction.commit();
  }
  const auto report = client.sync();
  CHECK(report.took_scope);
  Device officer(dir.path() / "officer.db", "pc.a", now, 0);
  const std::string token = DeviceState(db).get(kToken).value();
  const auto answer = server.handle("GET", "/api/v1/sync/pull?since=0&limit=10000", {}, token);
  REQUIRE(answer.status == 200);
  const PullResponse scope = decode_pull_response(answer.body);
  CHECK(difference(officer.view(), view_of(scope)) == "");
  CHECK(Replica(db).digest() == scope.digest);
  CHECK(DeviceState(db).cursor() > 0);
}

// A link on which pushes get through until `pushes` of them have, and then never again; pulls
// still do, as on a signal too poor for a push's body.
class PushesStop : public Transport {
 public:
  PushesStop(InProcessServer& server, int pushes) : server_(server), left_(pushes) {}
  Answer exchange(std::string_view method, const std::string& target, const std::string& body,
                  const std::string& token) override {
    if (method == "POST" && target.starts_with("/api/v1/sync/push") && left_-- <= 0) {
      throw TransportFailure("the connection dropped");
    }
    return server_.handle(method, target, body, token);
  }

 private:
  InProcessServer& server_;
  int left_;
};

TEST_CASE("a tablet says what waits in its outbox at every contact, and the server keeps it",
          "[sync][client]") {
  TempDir dir;
  TestForce::create(dir.path() / "server.db", 11, 3);
  InProcessServer server(dir.path() / "server.db", [] { return instant_of(kStartMs); });
  enrol_store(server, dir.path() / "pc.db", "pc.a", kStartMs);
  std::int64_t now = kStartMs;
  Device pc(dir.path() / "pc.db", "pc.a", now, 0);
  std::mt19937_64 random(1);
  // Three edits made a minute apart while offline.
  const std::string nominal = ids_in(pc.db, "nominals").front();
  for (const char* area : {"Docks", "Harbour", "Quay"}) {
    now += 60000;
    const Change change =
        nominal_update(pc.db, random, pc.author.device_id, pc.now(), nominal, "area", area);
    REQUIRE_FALSE(DeviceState(pc.db).record({change}, pc.author, pc.clock));
  }
  const auto device = [&] {
    store::Database db(dir.path() / "server.db");
    return text_of(db,
                   "SELECT last_pending || ' ' || coalesce(oldest_pending_at, 'none') FROM devices "
                   "WHERE id = ?",
                   pc.author.device_id);
  };
  // Pushed one at a time, the first gets through and says two wait, the oldest made at 00:55.
  PushesStop link(server, 1);
  SyncClient client(
      pc.db, pc.clock, [&] { return pc.now(); }, link,
      SyncOptions{1, std::chrono::milliseconds(0), 1000, 1, {}, std::chrono::seconds(0)});
  CHECK_THROWS_AS(client.sync(), SyncError);
  CHECK(device() == "2 2026-11-30T00:55:20Z");
  CHECK(pc.pending() == 2);

  // A pull alone says so too: an officer's work recorded while a long pull ran is seen.
  const std::string token = DeviceState(pc.db).get(kToken).value();
  REQUIRE(server.handle("GET", "/api/v1/sync/pull?since=0&limit=1&pending=5", {}, token).status ==
          200);
  CHECK(device() == "5 none");

  // Once everything has gone, nothing waits.
  FaultyTransport plain(server, random);
  SyncClient again(
      pc.db, pc.clock, [&] { return pc.now(); }, plain);
  CHECK(again.sync().pushed == 2);
  CHECK(device() == "0 none");
}

// A server that always says more follows, from the same place.
class NeverEnding : public Transport {
 public:
  explicit NeverEnding(InProcessServer& server, bool whole) : server_(server), whole_(whole) {}
  Answer exchange(std::string_view method, const std::string& target, const std::string& body,
                  const std::string& token) override {
    if (!target.starts_with("/api/v1/sync/pull"))
      return server_.handle(method, target, body, token);
    ++pulls;
    PullResponse page;
    page.more = true;
    page.resume = whole_ ? "0:0:x" : "";
    page.next = 0;
    return {200, encode(page), "1"};
  }
  int pulls = 0;

 private:
  InProcessServer& server_;
  bool whole_;
};

TEST_CASE("a tablet stops taking pages from a server whose pages never move on", "[sync][client]") {
  TempDir dir;
  TestForce::create(dir.path() / "server.db", 11, 3);
  InProcessServer server(dir.path() / "server.db", [] { return instant_of(kStartMs); });
  for (const bool whole : {true, false}) {
    INFO((whole ? "taking the whole scope" : "following changes"));
    const auto path = dir.path() / (whole ? "whole.db" : "follow.db");
    enrol_store(server, path, "pc.a", kStartMs);
    store::Database db(path);
    // The next sync takes the whole scope, or follows changes from a cursor.
    if (whole) {
      DeviceState(db).erase(kScopeTaken);
    } else {
      DeviceState(db).set_cursor(5);
    }
    HybridClock clock([] { return kStartMs; });
    NeverEnding transport(server, whole);
    SyncClient client(
        db, clock, [] { return instant_of(kStartMs); }, transport);
    try {
      (void)client.sync();
      FAIL("the sync went on");
    } catch (const SyncError& error) {
      CHECK(error.problem() == SyncProblem::refused);
      CHECK_THAT(error.what(), Catch::Contains("do not move on"));
    }
    CHECK(transport.pulls <= 2);
  }
}
