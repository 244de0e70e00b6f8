// A force on a real server on a loopback port, and the tablets its officers enrol: the fixture
// of the tablet's end-to-end tests.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "live_server.hpp"
#include "queries.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/mobile/tablet.hpp"

struct Force {
  TempDir dir;
  TestForce force = TestForce::create(dir.path() / "server.db");
  LiveServer server{dir.path() / "server.db"};

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
  std::filesystem::path store(const std::string& name) const { return dir.path() / name; }

  // A tablet enrolled as `username`, its scope taken.
  std::unique_ptr<vigil::mobile::Tablet> enrolled(const std::string& username,
                                                  const std::string& name,
                                                  const std::string& at = "") {
    auto tablet = std::make_unique<vigil::mobile::Tablet>(store(name));
    tablet->enrol(at.empty() ? url() : at, username, kTestPassword, name, quick());
    return tablet;
  }

  // Gives up on an absent server quickly: the tests wait for nothing.
  static vigil::mobile::LinkOptions quick() {
    vigil::mobile::LinkOptions link;
    link.timeout = std::chrono::milliseconds(5000);
    link.attempts = 2;
    link.first_backoff = std::chrono::milliseconds(10);
    return link;
  }

  // As quick(), and the tablet checks its store against the server's at every sync, so a change
  // made behind the sync engine's back (server_execute) is found at the next one, not only when
  // the check is due.
  static vigil::mobile::LinkOptions checking() {
    auto link = quick();
    link.check_every = std::chrono::seconds(0);
    return link;
  }

  std::int64_t server_count(const std::string& sql) const {
    return count_of(dir.path() / "server.db", sql);
  }

  // A change made behind the sync engine's back: tablets see it as drift and take their scope
  // afresh at their next sync.
  void server_execute(const std::string& sql) const {
    vigil::store::Database db(dir.path() / "server.db");
    db.execute(sql);
  }

  // A tablet's store is sealed: read with the officer's password, as unlock opens it.
  vigil::store::Database open(const std::string& name) const {
    return vigil::mobile::open_store(store(name), kTestPassword);
  }
  std::int64_t store_count(const std::string& name, const std::string& sql) const {
    auto db = open(name);
    return count_of(db, sql);
  }
};

inline vigil::mobile::VisitInput visit_to(const std::string& ref,
                                          std::vector<std::string> attendees) {
  vigil::mobile::VisitInput visit;
  visit.nominal_ref = ref;
  visit.announced = false;
  visit.outcome = vigil::VisitOutcome::seen;
  visit.attendees = std::move(attendees);
  return visit;
}

inline vigil::Date today() {
  return vigil::london_date(
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
}
