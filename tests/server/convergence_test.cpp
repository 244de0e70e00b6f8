// The randomized convergence test (docs/house-style.md, "Tests"): six tablets edit offline, some of
// them the same fields at once, and sync through a real server over HTTP in a random order, with
// answers lost and pushes retried, pushes sent twice and the server restarted in the middle.
// Then every copy must equal the server, every acknowledged change must be there exactly once,
// and the same changes delivered in another order must leave the same records and conflicts.
//
// Each seed is printed; VIGIL_SEED=N runs that seed alone, VIGIL_CONVERGENCE_SEEDS=N runs seeds
// 1..N (the long mode: `VIGIL_CONVERGENCE_SEEDS=2000 build/bin/server_tests "[convergence]"`).
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "live_server.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/core/digest.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/wire.hpp"

using namespace vigil;
using namespace vigil::sync;

namespace {

using Key = std::pair<std::string, std::string>;  // entity, id
struct Record {
  FieldValues fields;
  std::int64_t seq = 0;
  bool operator==(const Record&) const = default;
};
using View = std::map<Key, Record>;

// What a tablet holds: the server's records as last pulled, plus its own changes not yet
// acknowledged, shown on top.
struct Tablet {
  std::string username;
  Session session;
  std::unique_ptr<HttpClient> client;
  View pulled;
  std::int64_t cursor = 0;
  std::vector<Change> outbox;
  std::vector<Change> made;  // every change, in the order made
  std::map<std::string, Outcome> acknowledged;
  std::int64_t wall_offset_ms = 0;
  HybridClock clock{[] { return std::int64_t{0}; }};

  View shown() const {
    View view = pulled;
    for (const auto& c : outbox) {
      auto& record = view[{c.entity, c.entity_id}];
      for (const auto& [field, value] : c.fields) record.fields[field] = value;
    }
    return view;
  }
};

bool held(const std::string& entity) {
  const auto* spec = find_entity(entity);
  return spec != nullptr && spec->held_on_tablet();
}

// Removes a record and, repeatedly, every record whose parent reference points at a removed one.
void purge(View& view, const Key& root) {
  std::set<std::string> removed{root.second};
  view.erase(root);
  for (bool again = true; again;) {
    again = false;
    for (auto it = view.begin(); it != view.end();) {
      const auto* spec = find_entity(it->first.first);
      const auto parent = spec && !spec->parent_field.empty()
                              ? it->second.fields.find(std::string(spec->parent_field))
                              : it->second.fields.end();
      if (parent != it->second.fields.end() && parent->second && removed.count(*parent->second)) {
        removed.insert(it->first.second);
        it = view.erase(it);
        again = true;
      } else {
        ++it;
      }
    }
  }
}

void apply_pull(View& view, const PullResponse& page, bool whole_scope) {
  if (whole_scope) view.clear();
  for (const auto& item : page.items) {
    const Key key{item.entity, item.entity_id};
    switch (item.kind) {
      case PullItem::Kind::record:
        view[key] = {item.fields, item.seq};
        break;
      case PullItem::Kind::purge:
        purge(view, key);
        break;
      case PullItem::Kind::change:
        if (!held(item.entity)) break;
        {
          auto& record = view[key];
          for (const auto& [field, value] : item.fields) record.fields[field] = value;
          record.seq = item.seq;
        }
        break;
    }
  }
}

// The tablet's scope digest, worked out as the server does: entity order, then id; the back
// office's records with every field.
std::string digest_of(const View& view) {
  Sha256 digest;
  for (const auto& spec : entities()) {
    if (!held(std::string(spec.name))) continue;
    for (const auto& [key, record] : view) {
      if (key.first != spec.name) continue;
      digest.add(key.first).add("\t").add(key.second).add("\t");
      digest.add(std::to_string(record.seq));
      if (spec.back_office) {
        for (const auto& field : spec.fields) {
          const auto& value = record.fields.at(std::string(field.name));
          digest.add("\t").add(value ? *value : std::string("\\N"));
        }
      }
      digest.add("\n");
    }
  }
  return digest.hex();
}

std::string text(const std::optional<std::string>& value) {
  return value ? *value : "null";
}

// What differs between two views, one line per difference; empty when they are equal.
std::string difference(const View& have, const View& want) {
  std::string out;
  for (const auto& [key, record] : want) {
    auto it = have.find(key);
    if (it == have.end()) {
      out += "missing " + key.first + " " + key.second + "\n";
      continue;
    }
    if (it->second.seq != record.seq) {
      out += key.first + " " + key.second + " seq " + std::to_string(it->second.seq) + " want " +
             std::to_string(record.seq) + "\n";
    }
    for (const auto& [field, value] : record.fields) {
      auto f = it->second.fields.find(field);
      if (f == it->second.fields.end() || f->second != value) {
        out += key.first + " " + key.second + " " + field + " = " +
               (f == it->second.fields.end() ? "<absent>" : text(f->second)) + " want " +
               text(value) + "\n";
      }
    }
  }
  for (const auto& [key, record] : have) {
    if (!want.count(key)) out += "extra " + key.first + " " + key.second + "\n";
  }
  return out;
}

class World {
 public:
  World() : force_(TestForce::create(dir_.path() / "server.db", 11, 3)) {
    server_ = std::make_unique<LiveServer>(dir_.path() / "server.db");
  }

  Tablet& enrol(const std::string& username, std::int64_t wall_offset_ms) {
    auto tablet = std::make_unique<Tablet>();
    tablet->username = username;
    tablet->client = server_->client();
    tablet->session = sign_in(*tablet->client, username, kTestPassword, username + "'s tablet");
    tablet->wall_offset_ms = wall_offset_ms;
    tablets_.push_back(std::move(tablet));
    return *tablets_.back();
  }

  // The second world must hold the same tablets: equal clocks are settled by device id. A
  // sign-in makes a new id, so the tablet's id from the first world is put back in its place.
  void take_device_id(Tablet& t, const std::string& device_id) {
    store::Database db(db_path());
    db.prepare("UPDATE devices SET id = ? WHERE id = ?")
        .bind_all(device_id, t.session.device_id)
        .run();
    t.session.device_id = device_id;
  }

  void restart() {
    server_->restart();
    for (auto& t : tablets_) t->client = server_->client();
  }

  // Sends the tablet's outbox. When the answer is lost the tablet keeps everything and sends
  // it again later; the server has taken it in regardless.
  void push(Tablet& t, bool lose_answer, bool send_twice) {
    if (t.outbox.empty()) return;
    PushRequest request;
    request.changes = t.outbox;
    request.pending = 0;
    request.device_time = "2026-11-22T10:00:00Z";
    const std::string body = encode(request);
    auto result = t.client->post("/api/v1/sync/push", body, t.session.auth());
    REQUIRE(result.status == 200);
    if (send_twice) {
      result = t.client->post("/api/v1/sync/push", body, t.session.auth());
      REQUIRE(result.status == 200);
    }
    if (lose_answer) return;
    const auto response = decode_push_response(result.body);
    REQUIRE(response.outcomes.size() == t.outbox.size());
    for (const auto& o : response.outcomes) {
      const Outcome final_outcome = o.outcome == Outcome::duplicate ? *o.first_outcome : o.outcome;
      t.acknowledged[o.change_id] = final_outcome;
      if (final_outcome == Outcome::rejected) rejected_.insert(o.change_id);
    }
    t.outbox.clear();
  }

  void pull(Tablet& t, int limit) {
    // A first sync comes in pages too: the cursor stays 0 and `resume` says where to go on.
    const bool whole = t.cursor == 0;
    bool first_page = true;
    std::string resume;
    for (;;) {
      auto result = t.client->get("/api/v1/sync/pull?since=" + std::to_string(t.cursor) +
                                      "&limit=" + std::to_string(limit) +
                                      (resume.empty() ? "" : "&resume=" + resume),
                                  t.session.auth());
      REQUIRE(result.status == 200);
      const auto page = decode_pull_response(result.body);
      apply_pull(t.pulled, page, whole && first_page);
      first_page = false;
      // The tablet's clock moves past every stamp it has seen, so its next edit follows them.
      for (const auto& item : page.items) {
        if (auto stamp = parse_stamp(item.clock)) t.clock.observe(*stamp);
      }
      resume = page.resume;
      t.cursor = page.next;
      if (!page.more) {
        last_digest_[t.username] = page.digest;
        break;
      }
    }
  }

  // Everything in the tablet's scope as the server has it now, fetched in small pages.
  PullResponse whole_scope(Tablet& t) {
    PullResponse all;
    std::string resume;
    for (;;) {
      auto result = t.client->get(
          "/api/v1/sync/pull?since=0&limit=7" + (resume.empty() ? "" : "&resume=" + resume),
          t.session.auth());
      REQUIRE(result.status == 200);
      auto page = decode_pull_response(result.body);
      for (auto& item : page.items) all.items.push_back(std::move(item));
      resume = page.resume;
      if (!page.more) {
        all.digest = page.digest;
        all.next = page.next;
        return all;
      }
    }
  }

  std::vector<std::unique_ptr<Tablet>>& tablets() { return tablets_; }
  const TestForce& force() const { return force_; }
  const std::filesystem::path db_path() const { return dir_.path() / "server.db"; }
  const std::set<std::string>& rejected() const { return rejected_; }
  const std::string& digest(const std::string& username) { return last_digest_[username]; }

  // The conflicts, as content (ids differ between worlds).
  std::set<std::vector<std::string>> conflicts() {
    store::Database db(db_path());
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

 private:
  TempDir dir_;
  TestForce force_;
  std::unique_ptr<LiveServer> server_;
  std::vector<std::unique_ptr<Tablet>> tablets_;
  std::set<std::string> rejected_;
  std::map<std::string, std::string> last_digest_;
};

const std::vector<std::string> kAreas{"", "Docks", "Harbour", "Old Town", "Park"};

// One offline edit chosen at random from what the tablet shows.
void edit(Tablet& t, std::mt19937_64& random, std::int64_t now_ms, bool supervisor) {
  const View view = t.shown();
  std::vector<Key> nominals, plans, actions;
  for (const auto& [key, record] : view) {
    if (key.first == "nominal") nominals.push_back(key);
    if (key.first == "plan") plans.push_back(key);
    if (key.first == "plan_action") actions.push_back(key);
  }
  if (nominals.empty()) return;
  auto pick = [&](const std::vector<Key>& keys) {
    return keys[std::uniform_int_distribution<std::size_t>(0, keys.size() - 1)(random)];
  };
  Change c;
  c.change_id = make_uuid(random);
  c.device_id = t.session.device_id;
  c.device_time = "2026-11-22T10:00:00Z";
  const auto value_of = [&](const Key& key, const std::string& field) {
    const auto& fields = view.at(key).fields;
    auto it = fields.find(field);
    return it == fields.end() ? std::optional<std::string>() : it->second;
  };
  auto update = [&](const Key& key, const std::string& field, std::optional<std::string> value) {
    // A tablet sends only what the officer changed.
    if (value == value_of(key, field)) return false;
    c.entity = key.first;
    c.entity_id = key.second;
    c.operation = Operation::update;
    c.fields = {{field, std::move(value)}};
    c.base = {{field, value_of(key, field)}};
    return true;
  };
  switch (std::uniform_int_distribution<int>(0, 6)(random)) {
    case 0:
    case 1:  // the field everyone edits: concurrent edits of one field
      if (!update(pick(nominals), "area", kAreas[random() % kAreas.size()])) return;
      break;
    case 2:
      if (!update(pick(nominals), "no_fixed_abode", random() % 2 ? "yes" : "no")) return;
      break;
    case 3:
      if (supervisor) {
        if (!update(pick(nominals), "risk_level", random() % 2 ? "high" : "very_high")) return;
      } else if (plans.empty() || !update(pick(plans), "last_reviewed_on",
                                          "2026-11-" + std::to_string(10 + random() % 10))) {
        return;
      }
      break;
    case 4:
      if (plans.empty()) return;
      c.entity = "plan_action";
      c.entity_id = make_uuid(random);
      c.operation = Operation::create;
      c.fields = {{"plan_id", pick(plans).second},
                  {"description", "Check the address <" + std::to_string(random() % 100) + ">"},
                  {"owner", t.username},
                  {"due_on", "2026-12-01"},
                  {"status", "open"}};
      break;
    case 5:
      if (actions.empty()) return;
      if (!update(pick(actions), "status", random() % 2 ? "done" : "open")) return;
      break;
    case 6:
      c.entity = "visit";
      c.entity_id = make_uuid(random);
      c.operation = Operation::append;
      c.fields = {{"nominal_id", pick(nominals).second},
                  {"occurred_at", "2026-11-22T09:00:00Z"},
                  {"recorded_at", "2026-11-22T09:05:00Z"},
                  {"announced", "no"},
                  {"outcome", "seen"},
                  {"attendees", t.username}};
      break;
  }
  // The tablet's hybrid clock: its own wall time (skewed) or later than anything it has seen.
  HybridClock clock([&] { return now_ms + t.wall_offset_ms; });
  clock.restore(t.clock.last());
  c.clock = format_stamp(clock.now());
  t.clock.restore(parse_stamp(c.clock).value());
  t.outbox.push_back(c);
  t.made.push_back(c);
}

// The records of a whole-scope pull without their sequence numbers, which depend on the order.
View fields_only(const PullResponse& response) {
  View out;
  for (const auto& item : response.items) out[{item.entity, item.entity_id}] = {item.fields, 0};
  return out;
}

const std::vector<std::string> kUsers{"pc.a", "pc.b", "pc.c", "sgt.north", "pc.south", "sgt.south"};

struct Round {
  std::vector<std::vector<Change>> edits;      // per tablet, in the order made
  View after;                                  // the whole force once the round is over
  std::optional<std::pair<int, Change>> move;  // a supervisor's transfer, after the round
};

// Delivers one round's edits in a random interleaving, losing answers and repeating pushes.
void deliver(World& world, std::mt19937_64& random, bool restart_midway) {
  auto& tablets = world.tablets();
  int steps = 0;
  for (;;) {
    std::vector<std::size_t> waiting;
    for (std::size_t i = 0; i < tablets.size(); ++i) {
      if (!tablets[i]->outbox.empty()) waiting.push_back(i);
    }
    if (waiting.empty()) break;
    Tablet& t = *tablets[waiting[random() % waiting.size()]];
    const int roll = static_cast<int>(random() % 10);
    if (roll < 2) {
      world.pull(t, 1 + static_cast<int>(random() % 5));
    } else {
      world.push(t, roll == 2, roll == 3);
    }
    if (restart_midway && ++steps == 3) world.restart();
  }
}

}  // namespace

TEST_CASE("tablets converge on the server whatever the order, losses and repeats",
          "[sync][convergence]") {
  std::vector<std::uint64_t> seeds{1, 2, 3};
  if (const char* one = std::getenv("VIGIL_SEED")) {
    seeds = {std::strtoull(one, nullptr, 10)};
  } else if (const char* many = std::getenv("VIGIL_CONVERGENCE_SEEDS")) {
    seeds.clear();
    for (std::uint64_t s = 1; s <= std::strtoull(many, nullptr, 10); ++s) seeds.push_back(s);
  }
  for (const std::uint64_t seed : seeds) {
    std::printf("convergence seed %llu (rerun with VIGIL_SEED=%llu)\n",
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
    INFO("seed " << seed);
    std::mt19937_64 random(seed);
    constexpr int kRounds = 6;
    std::vector<Round> rounds;
    std::int64_t now_ms = 1795000000000;

    // World one: the tablets make their edits and everything is delivered at random.
    World one;
    Tablet& observer_one = one.enrol("admin", 0);  // sees the whole force; makes no edits
    for (const auto& user : kUsers) {
      // Tablet clocks up to two minutes either side of the true time.
      one.enrol(user, static_cast<std::int64_t>(random() % 240000) - 120000);
    }
    for (int round = 0; round < kRounds; ++round) {
      Round record;
      for (auto& t : one.tablets()) one.pull(*t, 1 + static_cast<int>(random() % 20));
      for (std::size_t i = 1; i < one.tablets().size(); ++i) {
        Tablet& t = *one.tablets()[i];
        const std::size_t before = t.made.size();
        const int edits = static_cast<int>(random() % 4);
        for (int e = 0; e < edits; ++e) {
          now_ms += 1000;
          edit(t, random, now_ms, t.username.rfind("sgt.", 0) == 0);
        }
        record.edits.emplace_back(t.made.begin() + static_cast<long>(before), t.made.end());
      }
      deliver(one, random, round == kRounds / 2);
      // Between rounds a sergeant now and then transfers a nominal to the other team.
      if (random() % 2 == 0) {
        const bool from_north = random() % 2 == 0;
        const int index = from_north ? 3 : 5;  // sgt.north or sgt.south
        Tablet& sergeant = *one.tablets()[static_cast<std::size_t>(index) + 1];
        one.pull(sergeant, 50);
        std::vector<Key> nominals;
        for (const auto& [key, r] : sergeant.pulled) {
          if (key.first == "nominal") nominals.push_back(key);
        }
        if (!nominals.empty()) {
          const Key key = nominals[random() % nominals.size()];
          Change move;
          move.change_id = make_uuid(random);
          move.device_id = sergeant.session.device_id;
          move.entity = "nominal";
          move.entity_id = key.second;
          move.operation = Operation::update;
          move.fields = {{"team", from_north ? "South" : "North"}};
          move.base = {{"team", sergeant.pulled.at(key).fields.at("team")}};
          now_ms += 1000;
          move.clock = format_stamp({now_ms, 0});
          move.device_time = "2026-11-22T10:00:00Z";
          sergeant.outbox.push_back(move);
          one.push(sergeant, false, false);
          record.move = {{index, move}};
        }
      }
      record.after = fields_only(one.whole_scope(observer_one));
      rounds.push_back(std::move(record));
    }
    // Everyone syncs to the end.
    for (auto& t : one.tablets()) one.push(*t, false, false);
    for (auto& t : one.tablets()) one.pull(*t, 1000);

    // Every copy equals the server's view of its scope, and the digests agree.
    for (auto& t : one.tablets()) {
      INFO("tablet of " << t->username);
      const auto server = one.whole_scope(*t);
      View expected;
      apply_pull(expected, server, true);
      CHECK(difference(t->pulled, expected).empty());
      CHECK(difference(t->pulled, expected) == "");
      CHECK(digest_of(t->pulled) == server.digest);
      CHECK(one.digest(t->username) == server.digest);
    }
    // Every acknowledged change is there exactly once; visits appear once each.
    {
      store::Database db(one.db_path());
      auto once = db.prepare("SELECT count(*) FROM changes WHERE change_id = ?");
      auto visit = db.prepare("SELECT count(*) FROM visits WHERE id = ?");
      std::size_t acknowledged = 0;
      for (auto& t : one.tablets()) {
        for (const auto& c : t->made) {
          REQUIRE(t->acknowledged.count(c.change_id) == 1);
          ++acknowledged;
          once.bind_all(c.change_id);
          once.step();
          CHECK(once.column_int(0) == 1);
          once.reset();
          if (c.entity == "visit" && t->acknowledged[c.change_id] != Outcome::rejected) {
            visit.bind_all(c.entity_id);
            visit.step();
            CHECK(visit.column_int(0) == 1);
            visit.reset();
          }
        }
      }
      auto total = db.prepare("SELECT count(*) FROM changes");
      total.step();
      std::size_t moves = 0;
      for (const auto& r : rounds) moves += r.move ? 1 : 0;
      CHECK(static_cast<std::size_t>(total.column_int(0)) == acknowledged + moves);
    }

    // World two: the same changes, delivered in another random order.
    World two;
    std::mt19937_64 other(seed * 7919 + 1);
    Tablet& observer_two = two.enrol("admin", 0);
    for (std::size_t i = 0; i < kUsers.size(); ++i) {
      two.take_device_id(two.enrol(kUsers[i], 0), one.tablets()[i + 1]->session.device_id);
    }
    int round_number = 0;
    for (const auto& round : rounds) {
      ++round_number;
      for (std::size_t i = 0; i < round.edits.size(); ++i) {
        Tablet& t = *two.tablets()[i + 1];
        for (Change c : round.edits[i]) {
          c.device_id = t.session.device_id;
          t.outbox.push_back(c);
        }
      }
      deliver(two, other, false);
      if (round.move) {
        Tablet& sergeant = *two.tablets()[static_cast<std::size_t>(round.move->first) + 1];
        Change move = round.move->second;
        move.device_id = sergeant.session.device_id;
        sergeant.outbox.push_back(move);
        two.push(sergeant, false, false);
      }
      INFO("round " << round_number);
      if (const char* debug = std::getenv("VIGIL_DEBUG_ENTITY")) {
        for (std::size_t i = 0; i < round.edits.size(); ++i) {
          for (const auto& c : round.edits[i]) {
            if (c.entity_id != debug) continue;
            for (const auto& [f, v] : c.fields) {
              std::printf("round %d tablet %zu %s: %s -> %s at %s (%s)\n", round_number, i,
                          f.c_str(), c.base.count(f) ? text(c.base.at(f)).c_str() : "-",
                          text(v).c_str(), c.clock.c_str(), c.change_id.c_str());
            }
          }
        }
      }
      REQUIRE(difference(fields_only(two.whole_scope(observer_two)), round.after) == "");
    }
    CHECK(one.rejected() == two.rejected());
    // Conflicts compared by content: their ids and the devices' ids differ between the worlds.
    CHECK(one.conflicts() == two.conflicts());
  }
}
