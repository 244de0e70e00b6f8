// What a change must be before anyone stores it. The server checks every change pushed to it with
// these, and the tablet checks what its officer records with the same, so the officer hears at
// the door what the server would refuse. Private to sync/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "values.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::sync {

// The table holding an entity's records ("" for none); conflicts are named by decisions.
std::string table_of(std::string_view entity);
bool record_exists(store::Database& db, std::string_view entity, const std::string& id);
bool record_exists(store::Database& db, const EntitySpec& spec, const std::string& id);

// The record at the top of a record's chain of parents (a nominal, a suspect, a bail case), with
// its team as it is now; nullopt when the record (or one above it) does not exist, or the entity
// has no team (teams, officers, policy versions).
struct RootRecord {
  std::string entity, id, team;
};
std::optional<RootRecord> root_of(store::Database& db, std::string_view entity,
                                  const std::string& id, int depth = 0);

// The team a record belongs to (root_of's team).
std::optional<std::string> team_of(store::Database& db, std::string_view entity,
                                   const std::string& id);

// A change read once, at the door: its entity, its stamp, and each field sent, checked and
// converted to what will be stored. Everything after this works from these typed values; only
// the change log, field history and conflicts keep the text as it was sent.
struct ParsedChange {
  std::optional<std::string> reason;  // why the change cannot be taken, if it cannot
  bool role_refused = false;          // the reason is that the caller's role may not make it
  std::string author_id;              // the officer making the change
  bool on_server = false;             // read by the server (with its changes log), not a tablet
  const Change* change = nullptr;
  const EntitySpec* spec = nullptr;
  HlcStamp stamp;
  bool creating = false;            // a create or an append, not an update
  std::vector<ParsedField> fields;  // each field sent, in the change's (name) order
  // A visit amendment: the visit's fields it changes, each read as a visit's
  // (RecordSteps::check).
  std::vector<ParsedField> inner;

  // The field as sent, or nullptr when the change does not carry it.
  const ParsedField* find(const FieldSpec* field) const;
  const ParsedField* find(std::string_view name) const { return find(spec->field(name)); }
};

// Reads and checks the change's form, its entity and operation, that `role` may make it, and
// each field's value; every record a reference names must exist in `db`, except the parent of a
// new record when `on_server` (the server looks the parent up once, with its team). Says nothing
// of scope: the server checks it against the caller's teams, and a tablet holds only its own
// scope. The entity's own checks (RecordSteps::check) run here on a tablet; on the server they
// run once the scope is known to be the caller's (record_checks), so a change about another
// team's record learns nothing of it from their answers.
ParsedChange parse_change(store::Database& db, Names& names, const Change& change, Role role,
                          std::string_view author_id, bool on_server);
// The entity's own checks of a change parse_change has read: why it cannot be taken, if it
// cannot (they may fill the change's `inner` fields).
std::optional<std::string> record_checks(store::Database& db, Names& names, ParsedChange& parsed);
// The schema's refusal of a change to `entity` as a person reads it, from SQLite's message: the
// field by its name on the wire and what is wrong with it, never the table's or SQLite's words.
std::string schema_refusal(std::string_view entity, std::string_view sqlite_message);

}  // namespace vigil::sync
