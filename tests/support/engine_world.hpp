// The server's database and its merge engine, with changes made as tablets make them: the world of
// the sync tests that drive the engine directly.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <utility>

#include "changes.hpp"
#include "test_force.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/sync/engine.hpp"

struct EngineWorld : ForceDatabase {
  vigil::sync::SyncEngine engine{[] {
    return vigil::Instant{std::chrono::seconds(1796000000)};
  }};  // 2026-11-30T00:53:20Z, after every fixture's date
  std::mt19937_64 random{7};
  std::int64_t wall = 1795000000000;

  vigil::sync::Caller caller(const std::string& username, const std::string& device) {
    return caller_of(db, username, device);
  }

  // Stamped at `at`, or else a millisecond after the change before.
  vigil::sync::Change change(const std::string& entity, const std::string& id,
                             vigil::sync::Operation op, vigil::sync::FieldValues fields,
                             vigil::sync::FieldValues base = {}, std::int64_t at = 0) {
    return make_change(vigil::base::make_uuid(random), entity, id, op, std::move(fields),
                       std::move(base), at != 0 ? at : ++wall);
  }

  vigil::sync::ChangeOutcome push_one(const vigil::sync::Caller& who,
                                      const vigil::sync::Change& c) {
    vigil::sync::PushRequest request;
    request.changes.push_back(c);
    return engine.push(db, who, request).outcomes.front();
  }

  vigil::sync::Change visit(const std::string& nominal_id, const std::string& attendees) {
    return change("visit", vigil::base::make_uuid(random), vigil::sync::Operation::append,
                  visit_fields(nominal_id, attendees));
  }

  // A visit by the caller alone, taken in.
  vigil::sync::Change applied_visit(const vigil::sync::Caller& who, const std::string& nominal_id) {
    vigil::sync::Change v = visit(nominal_id, who.username);
    REQUIRE(push_one(who, v).outcome == vigil::sync::Outcome::applied);
    return v;
  }

  // An amendment of the visit: `changes` as sent, the JSON object of the fields it changes.
  vigil::sync::Change amendment(const std::string& visit_id, const std::string& changes,
                                const std::string& amended_at) {
    return change("visit_amendment", vigil::base::make_uuid(random), vigil::sync::Operation::append,
                  {{"visit_id", visit_id},
                   {"reason", "corrected after the visit"},
                   {"changes", changes},
                   {"amended_at", amended_at}});
  }
};

// North's pc.a and their sergeant, each at a tablet: whom most engine tests push as. Naming a
// caller writes nothing, so a test may leave the sergeant idle.
struct NorthTeam {
  EngineWorld w;
  const vigil::sync::Caller pc = w.caller("pc.a", "device-a");
  const vigil::sync::Caller sergeant = w.caller("sgt.north", "device-g");
};
