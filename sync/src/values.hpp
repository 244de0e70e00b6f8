// Field values between their wire form (text, as in the import files) and their stored form.
// Private to sync/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "vigil/store/store.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::sync {

// Looks up officers and teams by name and id, caching what it has seen for one batch or pull.
class Names {
 public:
  explicit Names(store::Database& db) : db_(db) {}
  std::optional<std::string> officer_id(const std::string& username);
  std::optional<std::string> team_id(const std::string& name);
  std::string username(const std::string& officer_id);
  std::string team_name(const std::string& team_id);

 private:
  std::optional<std::string> lookup(const char* sql, const std::string& key,
                                    std::unordered_map<std::string, std::optional<std::string>>&);
  store::Database& db_;
  std::unordered_map<std::string, std::optional<std::string>> officer_ids_, team_ids_, usernames_,
      team_names_;
};

// Reads a wire value by its field's grammar (read_value) and gives its stored form, officers and
// teams looked up by name, or a sentence saying what is wrong. References are checked for form
// here and for existence by the engine.
struct Converted {
  StoredValue stored;
  std::optional<std::string> error;       // what is wrong with the value, if anything
  std::vector<std::string> attendee_ids;  // attendees: each officer's id, in the order given
};
Converted to_stored(const FieldSpec& field, const std::optional<std::string>& value, Names& names);

// One field of a change, read once: what was sent (kept as sent by the change log, the field's
// history and its conflicts, and compared with the base) beside what will be stored (the
// column's value: canonical dates and instants, ids for names, 0/1).
struct ParsedField {
  const FieldSpec* spec = nullptr;
  std::optional<std::string> text;        // as sent
  std::optional<std::string> base;        // an update's base, as sent
  StoredValue stored;                     // as the column holds it
  std::vector<std::string> attendee_ids;  // attendees: the officers' ids, in the order sent

  // The stored text of a field that holds text (a reference, a name's id, a date, a choice).
  const std::string& stored_text() const { return std::get<std::string>(stored); }
};

// The wire form of a stored column value (the statement's current row).
std::optional<std::string> to_wire(const FieldSpec& field, const store::Statement& row, int column,
                                   Names& names);

// The wire form of a stored value.
std::optional<std::string> to_wire(const FieldSpec& field, const StoredValue& value, Names& names);

// The default of each column of `table` that has one, as stored ('' and 0 in this schema).
std::map<std::string, StoredValue> column_defaults(store::Database& db, std::string_view table);

// Every field of a record about to be inserted with the `stored` values, as record_fields will
// read it back: each value in the wire form of what is stored (attendees sorted, once each), the
// columns' defaults for the fields not given. Saves reading back each record a push creates.
FieldValues created_fields(const EntitySpec& spec, const std::vector<ParsedField>& given,
                           const std::map<std::string, StoredValue>& defaults, Names& names);

// The SELECT list of every field of the entity, over its table aliased x (attendees through a
// subquery), in the order of spec.fields.
std::string record_columns(const EntitySpec& spec);
// The columns of a conflict as conflict_from_row reads them, from `conflicts c` joined to
// `officers o` on the deciding officer, so decided_by comes as a username on server and tablet.
inline constexpr const char* kConflictColumns =
    "c.id, c.entity, c.entity_id, c.field, c.winning_value, c.losing_value, c.winning_change, "
    "c.losing_change, c.winning_device, c.losing_device, c.winning_clock, c.losing_clock, "
    "c.detected_at, c.status, o.username, c.decision FROM conflicts c LEFT JOIN officers o ON "
    "o.id = c.decided_by ";
ConflictRecord conflict_from_row(const store::Statement& row);

// Every field of one record as the tablet holds it, from the current row of `row` starting at
// `first_column` (laid out by record_columns).
FieldValues record_fields(const EntitySpec& spec, const store::Statement& row, int first_column,
                          Names& names);

}  // namespace vigil::sync
