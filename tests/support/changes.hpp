// Changes and callers as the sync and server tests make them: the merge engine's inputs.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "queries.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/engine.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/wire.hpp"

// A change as a tablet makes it, stamped at `clock_ms`. The device is left to the caller: the
// engine takes it from the session, and a test that speaks HTTP names its own.
inline vigil::sync::Change make_change(std::string change_id, std::string entity,
                                       std::string entity_id, vigil::sync::Operation operation,
                                       vigil::sync::FieldValues fields,
                                       vigil::sync::FieldValues base, std::int64_t clock_ms,
                                       std::string device_time = "2026-11-22T10:00:00Z") {
  vigil::sync::Change c;
  c.change_id = std::move(change_id);
  c.entity = std::move(entity);
  c.entity_id = std::move(entity_id);
  c.operation = operation;
  c.fields = std::move(fields);
  c.base = std::move(base);
  c.clock = vigil::sync::format_stamp({clock_ms, 0});
  c.device_time = std::move(device_time);
  return c;
}

// A visit's fields: the nominal seen, unannounced, on the morning of 22 November 2026 by
// `attendees` (usernames, ';' between them).
inline vigil::sync::FieldValues visit_fields(const std::string& nominal_id,
                                             const std::string& attendees) {
  return {{"nominal_id", nominal_id},
          {"occurred_at", "2026-11-22T09:30:00Z"},
          {"recorded_at", "2026-11-22T09:45:00Z"},
          {"announced", "no"},
          {"outcome", "seen"},
          {"attendees", attendees}};
}

// The caller an officer's tablet is to the engine: their id and role, and the teams of their
// scope. An unknown username fails the test.
inline vigil::sync::Caller caller_of(vigil::store::Database& db, const std::string& username,
                                     const std::string& device) {
  const auto officer = first_row(db, "SELECT id, role FROM officers WHERE username = ?", username);
  vigil::sync::Caller c;
  c.officer_id = officer.column_text(0);
  c.username = username;
  c.role = vigil::parse_enum<vigil::Role>(officer.column_view(1)).value();
  c.device_id = device;
  c.team_ids = vigil::sync::scope_teams(db, c.officer_id, c.role);
  return c;
}

// A change the engine refuses, and the reason it gives, word for word.
struct RefusedChange {
  vigil::sync::Change change;
  std::string reason;
};

// Changes no officer may make, whether their tablet reaches the engine directly or through the
// API: a kind of record Vigil does not sync, a field only a supervisor may change (on `nominal`, of
// the officer's own team), and a new nominal. `maker` makes them as the officer's tablet would:
// an EngineWorld, or a server test's Device.
template <class Maker>
std::vector<RefusedChange> refused_to_an_officer(Maker& maker, const std::string& nominal) {
  using vigil::sync::FieldValues;
  using vigil::sync::Operation;
  return {
      {maker.change("spaceship", vigil::base::make_uuid(), Operation::create,
                    FieldValues{{"x", "y"}}),
       "'spaceship' is not a kind of record Vigil syncs"},
      {maker.change("nominal", nominal, Operation::update, FieldValues{{"risk_level", "low"}},
                    FieldValues{{"risk_level", "high"}}),
       "only a supervisor may change risk_level"},
      {maker.change("nominal", vigil::base::make_uuid(), Operation::create,
                    FieldValues{{"ref", "N-9"}}),
       "only a supervisor may create a nominal"},
  };
}
