// What may travel through sync: every entity, its table, its fields with their types and who may
// change them, and how a record finds its team (its scope). The merge engine, the pull and the
// tablet store all work from this one table, so a field is added in one place.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "vigil/rules/domain.hpp"

namespace vigil::store {
class Statement;
}

namespace vigil::sync {

// What only one kind of record does when the server takes it (a read event's chain, a
// decision's conflict): kept with the server's merge engine, named by the entity's description.
struct ServerSteps;
// What only one kind of record must be and does on the server and the tablet alike (a visit
// amendment's changes, and the effective visit it settles): sync/src/record_steps.hpp.
struct RecordSteps;

enum class FieldType {
  text,       // free text
  date,       // YYYY-MM-DD
  instant,    // YYYY-MM-DDTHH:MM:SSZ
  yes_no,     // "yes" / "no", stored 0 / 1
  integer,    // decimal, within [min, max]
  choice,     // one of `choices`
  officer,    // a username, stored as the officer's id
  team,       // a team name, stored as the team's id
  reference,  // the id of a record of entity `references`
  attendees,  // usernames joined by ';', stored in visit_attendees
};

// Who may change a field after the record exists.
enum class Editor { nobody, officer, supervisor };

struct FieldSpec {
  std::string_view name;    // on the wire
  std::string_view column;  // in the table ("" for attendees)
  FieldType type = FieldType::text;
  bool required = false;  // on create and append
  Editor editor = Editor::nobody;
  std::span<const std::string_view> choices = {};
  long long min = 0, max = 0;        // integers; text: max is the longest, in characters
  std::string_view references = {};  // references: the entity named
  // Text that must be sent but may be empty: a person known by one name has no forenames.
  bool may_be_empty = false;
};

struct EntitySpec {
  std::string_view name;  // on the wire: "nominal", "visit", ...
  std::string_view table;
  bool mutable_record = false;  // mutable records are created and updated; facts only appended
  bool supervisor_creates = false;
  // Kept by the back office (`vigil import`, `vigil officer`, `vigil policy`): tablets receive
  // these records, which they need to read their scope and to check what they record, but never
  // create or change them.
  bool back_office = false;
  // How the record reaches its team: either a team column of its own, or a reference field whose
  // record has the team (followed up to the root).
  std::string_view team_column = {};
  std::string_view parent_field = {};
  // Columns the server fills: the caller's officer id, the device, when the server received it,
  // and constants (a read event is an audit_log row with action 'read').
  std::string_view author_column = {};
  std::string_view device_column = {};
  std::string_view received_column = {};
  // Set when the pushing tablet's clock was off by more than the limit, so a supervisor knows
  // the record's time may be wrong.
  std::string_view clock_skew_column = {};
  std::vector<std::pair<std::string_view, std::string_view>> fixed_columns = {};
  // Read events record what the officer did on their own device: accepted for any record that
  // exists, since the record may have left the officer's scope before the tablet synced.
  bool outside_scope_allowed = false;
  // The entity's own steps on the server, if it has any (sync/src/server_steps.hpp).
  const ServerSteps* server_steps = nullptr;
  // The entity's own checks and steps wherever it is stored, if it has any.
  const RecordSteps* record_steps = nullptr;
  std::vector<FieldSpec> fields;

  const FieldSpec* field(std::string_view field_name) const;
  // The field whose column is team_column (nullptr when the entity has none).
  const FieldSpec* team_field() const;
  // Neither a team of its own nor a parent: every tablet of the force holds every record (teams,
  // officers, policy versions).
  bool force_wide() const { return team_column.empty() && parent_field.empty(); }
  // Whether tablets hold the records (read events and decisions live only as changes).
  bool held_on_tablet() const { return !table.empty() && !outside_scope_allowed; }
};

const std::vector<EntitySpec>& entities();
const EntitySpec* find_entity(std::string_view name);
// The field of an entity the caller knows is there (a door that maps its own names onto the
// table, as `vigil import` maps its columns); throws vigil::Error (internal) when it is not.
const FieldSpec& field_of(std::string_view entity, std::string_view field);

// A value as its column holds it: NULL, an integer (yes/no as 0/1) or text (dates and instants
// in their canonical form).
using StoredValue = std::variant<std::monostate, long long, std::string>;

// A value read by the field's grammar: its stored form, or one sentence saying what is wrong,
// naming the value by `label` ("risk_level 'extreme' is not one of low|medium|high|very_high").
struct ReadValue {
  StoredValue stored;
  std::optional<std::string> problem;
};

// The one grammar of a field's value, whatever the door it comes in by (a push, the tablet, an
// import file): nullopt is null, which only a field without a required value and without a
// column default takes. Form only: officers and teams are checked as names and references as
// UUIDs; whether they exist is the caller's to look up. `label` defaults to the field's name.
ReadValue read_value(const FieldSpec& field, const std::optional<std::string_view>& text,
                     std::string_view label = {});
// Whether the field takes null for "nothing" (a date, a number, an officer not required); the
// others hold their column's default ('' for text, 0 for no).
bool takes_null(const FieldSpec& field);

// Binds a stored value to a statement's parameter (numbered from 1), as its column holds it.
void bind_stored(store::Statement& statement, int index, const StoredValue& value);

// "plan_action" as a person reads it: "plan action"; with its article: "a plan action".
std::string noun(std::string_view entity);
std::string article(std::string_view entity);

}  // namespace vigil::sync
