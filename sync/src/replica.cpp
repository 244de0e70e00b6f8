#include "vigil/sync/replica.hpp"

#include <charconv>
#include <utility>
#include <vector>

#include "checks.hpp"
#include "record_steps.hpp"
#include "values.hpp"
#include "vigil/base/error.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/sync/engine.hpp"
#include "vigil/sync/entities.hpp"

// Table and column names in the SQL below come only from the entity table (entities.cpp), never
// from a message; every value is bound.
namespace vigil::sync {
namespace {

// A record's columns in stored form, and its attendees (kept in visit_attendees) when it has them.
struct Row {
  std::vector<std::pair<std::string, StoredValue>> columns;
  std::optional<std::string> attendees;
};

// The stored form of a value the server sent. The server checked it when it took it in, so only
// the conversions are made here: a name the store does not hold gives nullopt (drift), whereas a
// rule the server applied when the value arrived (a note's length, say) is not applied again.
std::optional<StoredValue> server_value(const FieldSpec& field,
                                        const std::optional<std::string>& value, Names& names) {
  if (!value) return StoredValue{};
  switch (field.type) {
    case FieldType::officer:
      if (auto id = names.officer_id(*value)) return StoredValue{*id};
      return std::nullopt;
    case FieldType::team:
      if (auto id = names.team_id(*value)) return StoredValue{*id};
      return std::nullopt;
    case FieldType::yes_no:
      if (const auto yes = parse_yes_no(*value)) return StoredValue{*yes ? 1LL : 0LL};
      return std::nullopt;
    case FieldType::integer: {
      long long number = 0;
      const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), number);
      if (ec != std::errc() || end != value->data() + value->size()) return std::nullopt;
      return StoredValue{number};
    }
    default:
      return StoredValue{*value};
  }
}

// The row a pulled record or change stores, converted as the server converts; nothing when a
// field is unknown or a value cannot be stored.
std::optional<Row> server_row(const EntitySpec& spec, const FieldValues& fields, Names& names) {
  Row row;
  for (const auto& [name, value] : fields) {
    const FieldSpec* field = spec.field(name);
    if (field == nullptr) return std::nullopt;
    if (field->type == FieldType::attendees) {
      row.attendees = value;
      continue;
    }
    auto stored = server_value(*field, value, names);
    if (!stored) return std::nullopt;
    row.columns.emplace_back(field->column, std::move(*stored));
  }
  return row;
}

// The sync metadata a row carries: the server's sequence, the writer's clock and device.
struct Writer {
  std::int64_t seq = 0;
  std::string clock;
  std::string device_id;
};

// Inserts the record, or replaces the columns given when the tablet holds it already (its own
// record, now as the server stored it).
void upsert(store::Database& db, const EntitySpec& spec, const std::string& id, const Row& row,
            const Writer& writer) {
  std::string columns = "id, sync_seq, sync_clock, sync_device_id";
  std::string marks = "?, ?, ?, ?";
  std::string updates =
      "sync_seq = excluded.sync_seq, sync_clock = excluded.sync_clock, "
      "sync_device_id = excluded.sync_device_id";
  for (const auto& [column, value] : row.columns) {
    columns.append(", ").append(column);
    marks += ", ?";
    updates.append(", ").append(column).append(" = excluded.").append(column);
  }
  auto& insert = db.cached("INSERT INTO " + std::string(spec.table) + " (" + columns +
                           ") VALUES (" + marks + ") ON CONFLICT (id) DO UPDATE SET " + updates);
  insert.bind_all(id, writer.seq, writer.clock.empty() ? std::nullopt : std::optional(writer.clock),
                  writer.device_id.empty() ? std::nullopt : std::optional(writer.device_id));
  int index = 4;
  for (const auto& [column, value] : row.columns) bind_stored(insert, ++index, value);
  insert.run();
}

// Replaces a visit's attendees; false when one is not an officer the store holds.
bool store_attendees(store::Database& db, Names& names, const std::string& visit_id,
                     const std::optional<std::string>& attendees) {
  auto& clear = db.cached("DELETE FROM visit_attendees WHERE visit_id = ?");
  clear.bind_all(visit_id);
  clear.run();
  if (!attendees) return true;
  auto& insert =
      db.cached("INSERT OR IGNORE INTO visit_attendees (visit_id, officer_id) VALUES (?, ?)");
  for (const auto& username : attendee_usernames(*attendees)) {
    const auto officer_id = names.officer_id(username);
    if (!officer_id) return false;
    insert.bind_all(visit_id, *officer_id);
    insert.run();
  }
  return true;
}

// Writes the columns given of a record the tablet holds; false when it holds none with that id.
bool update(store::Database& db, const EntitySpec& spec, const std::string& id, const Row& row,
            const Writer* writer) {
  std::string assignments;
  for (const auto& [column, value] : row.columns) {
    assignments += (assignments.empty() ? "" : ", ") + column + " = ?";
  }
  if (writer != nullptr) {
    // The row's clock is its latest writer's, as on the server, which a losing change is not.
    assignments += std::string(assignments.empty() ? "" : ", ") +
                   "sync_seq = ?, sync_clock = max(coalesce(sync_clock, ''), ?), "
                   "sync_device_id = ?";
  }
  if (assignments.empty()) return true;
  auto& s =
      db.cached("UPDATE " + std::string(spec.table) + " SET " + assignments + " WHERE id = ?");
  int index = 0;
  for (const auto& [column, value] : row.columns) bind_stored(s, ++index, value);
  if (writer != nullptr) {
    s.bind(index + 1, writer->seq)
        .bind(index + 2, writer->clock)
        .bind(index + 3, writer->device_id);
    index += 3;
  }
  s.bind(++index, id);
  s.run();
  return db.changes() == 1;
}

// Foreign keys are checked when the transaction commits, so records can go in any order.
void defer_foreign_keys(store::Database& db) {
  db.execute("PRAGMA defer_foreign_keys = ON");
}

}  // namespace

bool Replica::apply(const PullItem& item) {
  if (item.kind == PullItem::Kind::purge) {
    purge(item.entity, item.entity_id);
    return true;
  }
  const EntitySpec* spec = find_entity(item.entity);
  if (spec == nullptr) return false;
  // Read events and decisions travel as changes only; the tablet holds no records of them.
  if (!spec->held_on_tablet()) return true;
  Names names(db_);
  const auto row = server_row(*spec, item.fields, names);
  if (!row) return false;
  const Writer writer{item.seq, item.clock, item.device_id};
  try {
    if (item.kind == PullItem::Kind::change && item.operation == Operation::update) {
      if (!update(db_, *spec, item.entity_id, *row, &writer)) return false;
    } else {
      upsert(db_, *spec, item.entity_id, *row, writer);
    }
    if (spec->field("attendees") != nullptr && item.fields.count("attendees") != 0 &&
        !store_attendees(db_, names, item.entity_id, row->attendees)) {
      return false;
    }
    settle_stored(db_, *spec, item.entity_id);
  } catch (const Error& error) {
    // A record whose parent the store does not hold, or a value its schema refuses.
    if (error.code() == ErrorCode::constraint) return false;
    throw;
  }
  return true;
}

std::optional<std::string> Replica::check(const Change& change, const Author& author) {
  Names names(db_);
  return parse_change(db_, names, change, author.role, author.officer_id, false).reason;
}

std::optional<FieldValues> Replica::fields_of(const std::string& entity, const std::string& id) {
  const EntitySpec* spec = find_entity(entity);
  if (spec == nullptr || !spec->held_on_tablet()) return std::nullopt;
  Names names(db_);
  // Kept prepared: a nominal's page reads a dozen records' fields and children on each request.
  auto& s = db_.cached("SELECT " + record_columns(*spec) + " FROM " + std::string(spec->table) +
                       " x WHERE x.id = ?");
  s.bind_all(id);
  if (!s.step()) return std::nullopt;
  auto fields = record_fields(*spec, s, 0, names);
  s.reset();  // a kept statement part-way through its rows would hold the read open
  return fields;
}

std::vector<FieldValues> Replica::children_of(const std::string& entity,
                                              const std::string& parent_id) {
  std::vector<FieldValues> out;
  const EntitySpec* spec = find_entity(entity);
  if (spec == nullptr || !spec->held_on_tablet() || spec->parent_field.empty()) return out;
  Names names(db_);
  auto& s =
      db_.cached("SELECT x.id, " + record_columns(*spec) + " FROM " + std::string(spec->table) +
                 " x WHERE x." + std::string(spec->field(spec->parent_field)->column) +
                 " = ? ORDER BY x.rowid");
  s.bind_all(parent_id);
  while (s.step()) {
    FieldValues fields = record_fields(*spec, s, 1, names);
    fields["id"] = s.column_text(0);
    out.push_back(std::move(fields));
  }
  return out;
}

std::optional<std::string> Replica::record(const Change& change, const Author& author) {
  Names names(db_);
  ParsedChange parsed = parse_change(db_, names, change, author.role, author.officer_id, false);
  if (parsed.reason) return parsed.reason;
  const EntitySpec& spec = *parsed.spec;
  if (spec.table.empty()) return std::nullopt;  // a decision: applied by the server alone
  Row row;
  for (auto& field : parsed.fields) {
    if (field.spec->type == FieldType::attendees) {
      row.attendees = field.stored_text();
    } else {
      row.columns.emplace_back(field.spec->column, std::move(field.stored));
    }
  }
  if (change.operation == Operation::update) {
    if (!update(db_, spec, change.entity_id, row, nullptr)) {
      return "there is no " + noun(spec.name) + " with id " + change.entity_id;
    }
    return std::nullopt;
  }
  // A new record: who recorded it and on which device, as the server will store it.
  if (!spec.author_column.empty()) row.columns.emplace_back(spec.author_column, author.officer_id);
  if (!spec.device_column.empty()) row.columns.emplace_back(spec.device_column, author.device_id);
  for (const auto& [column, value] : spec.fixed_columns) {
    row.columns.emplace_back(column, std::string(value));
  }
  if (record_exists(db_, spec, change.entity_id)) {
    return article(spec.name) + " with id " + change.entity_id + " already exists";
  }
  upsert(db_, spec, change.entity_id, row, {0, change.clock, author.device_id});
  if (row.attendees) store_attendees(db_, names, change.entity_id, row.attendees);
  settle_stored(db_, spec, change.entity_id);
  return std::nullopt;
}

void Replica::purge(const std::string& entity, const std::string& id) {
  const EntitySpec* root = find_entity(entity);
  if (root == nullptr || !root->held_on_tablet()) return;
  defer_foreign_keys(db_);
  // The record, then everything whose parent is among those found, level by level.
  std::vector<std::pair<const EntitySpec*, std::string>> doomed{{root, id}};
  for (std::size_t at = 0; at < doomed.size(); ++at) {
    const auto [parent_spec, parent_id] = doomed[at];
    for (const auto& spec : entities()) {
      if (!spec.held_on_tablet() || spec.parent_field.empty()) continue;
      const FieldSpec* parent = spec.field(spec.parent_field);
      if (parent->references != parent_spec->name) continue;
      auto& children = db_.cached("SELECT id FROM " + std::string(spec.table) + " WHERE " +
                                  std::string(parent->column) + " = ?");
      children.bind_all(parent_id);
      while (children.step()) doomed.emplace_back(&spec, children.column_text(0));
      children.reset();
    }
  }
  for (const auto& [spec, record_id] : doomed) {
    if (spec->field("attendees") != nullptr) {
      auto& attendees = db_.cached("DELETE FROM visit_attendees WHERE visit_id = ?");
      attendees.bind_all(record_id);
      attendees.run();
    }
    auto& remove = db_.cached("DELETE FROM " + std::string(spec->table) + " WHERE id = ?");
    remove.bind_all(record_id);
    remove.run();
  }
}

void Replica::clear() {
  defer_foreign_keys(db_);
  db_.execute("DELETE FROM visit_attendees");
  // Teams, officers and policy versions stay: the tablet's own read audit names its officer, and
  // the first sync that follows brings each of them again, as it stands.
  for (const auto& spec : entities()) {
    if (spec.held_on_tablet() && !spec.force_wide()) {
      db_.execute("DELETE FROM " + std::string(spec.table));
    }
  }
}

std::string Replica::digest() {
  std::vector<std::string> teams;
  auto s = db_.prepare("SELECT id FROM teams ORDER BY id");
  while (s.step()) teams.push_back(s.column_text(0));
  return SyncEngine::scope_digest(db_, teams);
}

}  // namespace vigil::sync
