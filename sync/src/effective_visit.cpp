// The effective visit (vigil/sync/effective_visit.hpp), and the steps of a visit and of a visit
// amendment that keep it (record_steps.hpp).
#include "vigil/sync/effective_visit.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "record_steps.hpp"
#include "values.hpp"
#include "vigil/base/error.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/store/team_facts.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::sync {
namespace {

// The fields of a visit whose amended value counts, each with the column that keeps it; the
// attendees count too (visit_attendees.present). The others (observations, the reasons given,
// the devices checked) are shown with their amendments and count for nothing.
struct CountedField {
  std::string_view field;
  std::string_view amended_column;
};
constexpr std::array<CountedField, 4> kCounted{{
    {"occurred_at", "amended_occurred_at"},
    {"announced", "amended_announced"},
    {"outcome", "amended_outcome"},
    {"risk_change", "amended_risk_change"},
}};

// What the visit's amendments, applied in order, make of its counted fields: the last value each
// was given (nullopt: never amended).
struct Amended {
  std::map<std::string_view, StoredValue> values;  // by field
  std::optional<std::vector<std::string>> attendee_ids;
  bool any = false;  // the visit has amendments
};

Amended fold_amendments(store::Database& db, const std::string& visit_id) {
  const EntitySpec& visit = *find_entity("visit");
  Names names(db);
  Amended amended;
  // Amendments made in the same second go by their clocks, then their ids: one order on every
  // store.
  auto& amendments = db.cached(
      "SELECT changes FROM visit_amendments WHERE visit_id = ? ORDER BY amended_at, "
      "coalesce(sync_clock, ''), id");
  amendments.bind_all(visit_id);
  std::vector<std::string> texts;
  while (amendments.step()) texts.push_back(amendments.column_text(0));
  for (const auto& text : texts) {
    amended.any = true;
    // Each amendment was checked when it was recorded and again when the server took it in
    // (check_amendment); one that no longer reads (an officer since removed from the force)
    // leaves the value as the amendments before it made it.
    FieldValues changes;
    try {
      changes = decode_fields(text);
    } catch (const Error&) {
      continue;
    }
    for (const auto& change : changes) {
      const std::string& name = change.first;
      const FieldSpec* field = visit.field(name);
      if (field == nullptr) continue;
      const bool attendees = field->type == FieldType::attendees;
      const auto counted = std::find_if(kCounted.begin(), kCounted.end(),
                                        [&](const CountedField& c) { return c.field == name; });
      if (!attendees && counted == kCounted.end()) continue;
      Converted converted = to_stored(*field, change.second, names);
      if (converted.error) continue;
      if (attendees) {
        amended.attendee_ids = std::move(converted.attendee_ids);
      } else {
        amended.values[counted->field] = std::move(converted.stored);
      }
    }
  }
  return amended;
}

// An amendment: a JSON object of the visit's fields it changes, each a value a visit could hold;
// never the nominal the visit is of, nor when it was recorded (the tablet's stamp).
std::optional<std::string> check_amendment(store::Database&, Names& names, ParsedChange& change) {
  const ParsedField* given = change.find("changes");
  if (given == nullptr || !given->text) return std::nullopt;  // required: refused already
  FieldValues fields;
  try {
    fields = decode_fields(*given->text);
  } catch (const WireError& error) {
    // A member at fault is named (given twice, not text); anything else is no object at all.
    const std::string what = error.what();
    if (what.rfind("the field values", 0) != 0) return "changes: " + what;
    return "changes must be a JSON object of the visit's fields and their new values";
  } catch (const Error&) {
    return "changes must be a JSON object of the visit's fields and their new values";
  }
  if (fields.empty()) return "the amendment changes nothing: name a field of the visit to amend";
  const EntitySpec& visit = *find_entity("visit");
  for (const auto& [name, value] : fields) {
    const FieldSpec* field = visit.field(name);
    if (field == nullptr || name == visit.parent_field || name == "recorded_at") {
      return "'" + quoted_excerpt(name) + "' is not a field of a visit that can be amended";
    }
    Converted converted = to_stored(*field, value, names);
    if (converted.error) return "changes: " + *converted.error;
    change.inner.push_back({field, value, std::nullopt, std::move(converted.stored),
                            std::move(converted.attendee_ids)});
  }
  return std::nullopt;
}

void settle_amended_visit(store::Database& db, const std::string& amendment_id) {
  auto& visit = db.cached("SELECT visit_id FROM visit_amendments WHERE id = ?");
  visit.bind_all(amendment_id);
  if (!visit.step()) return;
  const std::string visit_id = visit.column_text(0);
  visit.reset();
  settle_visit(db, visit_id);
}

// Writes what the visit's amendments make of it beside the visit as recorded.
void settle_amendments(store::Database& db, const std::string& visit_id, const Amended& amended) {
  std::string sets;
  for (const auto& counted : kCounted) {
    sets += std::string(sets.empty() ? "" : ", ") + std::string(counted.amended_column) + " = ?";
  }
  auto& visit = db.cached("UPDATE visits SET " + sets + " WHERE id = ?");
  int index = 0;
  for (const auto& counted : kCounted) {
    const auto found = amended.values.find(counted.field);
    bind_stored(visit, ++index, found == amended.values.end() ? StoredValue{} : found->second);
  }
  visit.bind(++index, visit_id);
  visit.run();

  auto& added = db.cached("DELETE FROM visit_attendees WHERE visit_id = ? AND recorded = 0");
  added.bind_all(visit_id);
  added.run();
  auto& present = db.cached("UPDATE visit_attendees SET present = ? WHERE visit_id = ?");
  present.bind_all(amended.attendee_ids ? 0 : 1, visit_id);
  present.run();
  if (!amended.attendee_ids) return;
  auto& attendee = db.cached(
      "INSERT INTO visit_attendees (visit_id, officer_id, recorded, present) VALUES (?, ?, 0, 1) "
      "ON CONFLICT (visit_id, officer_id) DO UPDATE SET present = 1");
  for (const auto& officer_id : *amended.attendee_ids) {
    attendee.bind_all(visit_id, officer_id);
    attendee.run();
  }
}

// A new visit with no amendment waiting for it is as recorded: its copy is written from the
// change as read, without reading back the visit, its nominal and its attendees just written.
// Most of what tablets send is visits, and this is a third of what storing one costs.
void copy_created_visit(store::Database& db, const ParsedChange& change, const std::string& team_id,
                        const std::string& recorded_by) {
  const std::string& visit_id = change.change->entity_id;
  auto& waiting = db.cached("SELECT 1 FROM visit_amendments WHERE visit_id = ? LIMIT 1");
  waiting.bind_all(visit_id);
  const bool amended = waiting.step();
  waiting.reset();
  if (amended || team_id.empty()) {  // no team known here: the view finds it
    settle_visit(db, visit_id);
    return;
  }
  auto text = [&change](std::string_view name) {
    const ParsedField* field = change.find(name);
    const auto* stored = field == nullptr ? nullptr : std::get_if<std::string>(&field->stored);
    return stored == nullptr ? std::string() : *stored;
  };
  const ParsedField* announced = change.find("announced");
  const ParsedField* attendees = change.find("attendees");
  std::set<std::string_view> crew;
  if (attendees != nullptr)
    crew.insert(attendees->attendee_ids.begin(), attendees->attendee_ids.end());
  store::copy_recorded_visit(
      db,
      {.team_id = team_id,
       .visit_id = visit_id,
       .occurred_at = text("occurred_at"),
       .nominal_id = text("nominal_id"),
       .outcome = text("outcome"),
       .risk_changed = !text("risk_change").empty(),
       .announced = announced != nullptr && std::holds_alternative<long long>(announced->stored) &&
                    std::get<long long>(announced->stored) != 0,
       .recorded_by = recorded_by,
       .crew = static_cast<int>(crew.size())});
}

}  // namespace

const RecordSteps kVisitSteps{.stored = settle_visit, .created = copy_created_visit};
const RecordSteps kVisitAmendmentSteps{.check = check_amendment, .stored = settle_amended_visit};

void settle_stored(store::Database& db, const EntitySpec& spec, const std::string& id) {
  if (spec.record_steps != nullptr && spec.record_steps->stored != nullptr) {
    spec.record_steps->stored(db, id);
  }
}

void settle_created(store::Database& db, const ParsedChange& change, const std::string& team_id,
                    const std::string& author_id) {
  const RecordSteps* steps = change.spec->record_steps;
  if (steps != nullptr && steps->created != nullptr) {
    steps->created(db, change, team_id, author_id);
  } else {
    settle_stored(db, *change.spec, change.change->entity_id);
  }
}

void settle_visit(store::Database& db, const std::string& visit_id) {
  // A visit never amended is as recorded: its amended columns are null and every attendee row is
  // recorded and present, as they were written. Either way its copy for the reports is taken
  // last, from the visit as settled.
  const Amended amended = fold_amendments(db, visit_id);
  if (amended.any) settle_amendments(db, visit_id, amended);
  store::copy_visit(db, visit_id);
}

store::MigrationReport migrate(store::Database& db) {
  const store::MigrationReport report = store::migrate(db);
  // What an upgrade listed (migration 0013) is settled and struck off in one transaction; a store
  // with nothing listed is not written to.
  std::vector<std::string> listed;
  {
    auto visits = db.prepare("SELECT visit_id FROM visits_to_settle ORDER BY visit_id");
    while (visits.step()) listed.push_back(visits.column_text(0));
  }
  if (listed.empty()) return report;
  store::Transaction transaction(db);
  for (const auto& visit_id : listed) settle_visit(db, visit_id);
  db.execute("DELETE FROM visits_to_settle");
  transaction.commit();
  return report;
}

}  // namespace vigil::sync
