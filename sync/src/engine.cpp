#include "vigil/sync/engine.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <span>
#include <unordered_map>

#include "checks.hpp"
#include "field_history.hpp"
#include "record_steps.hpp"
#include "server_steps.hpp"
#include "values.hpp"
#include "vigil/base/digest.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"
#include "vigil/sync/read_audit.hpp"

// Table and column names in the SQL below come only from the entity table (entities.cpp), never
// from a message; every value is bound.
namespace vigil::sync {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

std::vector<std::string> scope_teams(store::Database& db, const std::string& officer_id,
                                     Role role) {
  std::vector<std::string> teams;
  std::string sql;
  switch (role) {
    case Role::admin:
      sql = "SELECT id FROM teams WHERE ?1 IS NOT NULL ORDER BY id";
      break;
    case Role::supervisor:
      sql =
          "SELECT team_id FROM officers WHERE id = ?1 UNION "
          "SELECT team_id FROM team_supervisors WHERE officer_id = ?1 ORDER BY 1";
      break;
    case Role::officer:
      sql = "SELECT team_id FROM officers WHERE id = ?1";
      break;
  }
  auto& s = db.cached(sql);  // every request the server answers asks
  s.bind(1, officer_id);
  while (s.step()) teams.push_back(s.column_text(0));
  return teams;
}

// What the pushes of one transaction look up again and again.
struct Recall {
  explicit Recall(store::Database& db) : names(db) {}
  // Officers and teams by name and id: nothing a push writes changes them.
  Names names;
  // Column defaults by table, for the records the pushes create; read once.
  const std::map<std::string, StoredValue>& defaults_of(store::Database& db,
                                                        std::string_view table) {
    auto found = defaults.find(table);
    if (found == defaults.end()) found = defaults.emplace(table, column_defaults(db, table)).first;
    return found->second;
  }
  std::map<std::string_view, std::map<std::string, StoredValue>> defaults;
  // The team of each record looked up ("entity:id"), found ones only: forgotten whenever a change
  // moves a record, since a move changes the team of everything below it too.
  std::unordered_map<std::string, std::string> teams;
};

struct PushBatch {
  explicit PushBatch(Recall& r) : names(r.names), recall(r) {}
  const Caller* caller = nullptr;
  Names& names;
  Recall& recall;
  std::string received_at;
  std::int64_t received_ms = 0;  // the server's clock when the push arrived
  bool clock_skewed = false;
};

namespace {

std::optional<std::string> recalled_team_of(store::Database& db, Recall& recall,
                                            std::string_view entity, const std::string& id) {
  std::string key = std::string(entity) + ':' + id;
  if (auto found = recall.teams.find(key); found != recall.teams.end()) return found->second;
  auto team = team_of(db, entity, id);
  if (team) recall.teams.emplace(std::move(key), *team);
  return team;
}

}  // namespace

namespace {

// A new record's row, from the change's stored values and what the server fills in.
void insert_record(store::Database& db, PushBatch& batch, const ParsedChange& parsed,
                   std::int64_t seq) {
  const Caller& caller = *batch.caller;
  const EntitySpec& spec = *parsed.spec;
  const Change& change = *parsed.change;
  std::string columns = "id, sync_seq, sync_clock, sync_device_id";
  std::string marks = "?, ?, ?, ?";
  for (const auto& field : parsed.fields) {
    if (field.spec->type == FieldType::attendees) continue;
    columns += ", " + std::string(field.spec->column);
    marks += ", ?";
  }
  for (auto column : {spec.author_column, spec.device_column, spec.received_column}) {
    if (column.empty()) continue;
    columns += ", " + std::string(column);
    marks += ", ?";
  }
  for (const auto& [column, value] : spec.fixed_columns) {
    columns += ", " + std::string(column);
    marks += ", ?";
  }
  if (!spec.clock_skew_column.empty()) {
    columns += ", " + std::string(spec.clock_skew_column);
    marks += ", ?";
  }
  auto& insert = db.cached("INSERT INTO " + std::string(spec.table) + " (" + columns +
                           ") VALUES (" + marks + ")");
  insert.bind_all(change.entity_id, seq, change.clock, caller.device_id);
  int index = 4;
  for (const auto& field : parsed.fields) {
    if (field.spec->type == FieldType::attendees) continue;
    bind_stored(insert, ++index, field.stored);
  }
  if (!spec.author_column.empty()) insert.bind(++index, caller.officer_id);
  if (!spec.device_column.empty()) insert.bind(++index, caller.device_id);
  if (!spec.received_column.empty()) insert.bind(++index, batch.received_at);
  for (const auto& [column, value] : spec.fixed_columns) insert.bind(++index, value);
  if (!spec.clock_skew_column.empty()) insert.bind(++index, batch.clock_skewed);
  insert.run();
  for (const auto& field : parsed.fields) {
    if (field.spec->type != FieldType::attendees) continue;
    auto& attendee =
        db.cached("INSERT OR IGNORE INTO visit_attendees (visit_id, officer_id) VALUES (?, ?)");
    for (const auto& officer_id : field.attendee_ids) {
      attendee.bind_all(change.entity_id, officer_id);
      attendee.run();
    }
  }
}

// Settles the conflict a decision names; keeping the losing value writes it as the server's own.
void decide(store::Database& db, PushBatch& batch, HybridClock& clock, const ParsedChange& parsed,
            const std::string& team) {
  batch.recall.teams.clear();  // keeping a losing value may move a record
  const Caller& caller = *batch.caller;
  const std::string& conflict_id = parsed.find("conflict_id")->stored_text();
  const bool keep_losing = parsed.find("keep")->stored_text() == "losing";
  auto read = db.prepare(
      "SELECT entity, entity_id, field, losing_value, winning_value, status FROM conflicts "
      "WHERE id = ?");
  read.bind_all(conflict_id);
  read.step();
  const std::string entity = read.column_text(0), entity_id = read.column_text(1),
                    field_name = read.column_text(2);
  const auto losing_value = read.column_optional_text(3);
  const auto winning_value = read.column_optional_text(4);
  auto mark = db.prepare(
      "UPDATE conflicts SET status = 'decided', decided_by = ?, decided_at = ?, decision = ? "
      "WHERE id = ?");
  const ParsedField* note = parsed.find("note");
  std::string decision = keep_losing ? "losing" : "winning";
  if (note != nullptr && note->text && !note->text->empty()) decision += ": " + *note->text;
  mark.bind_all(caller.officer_id, batch.received_at, decision, conflict_id);
  mark.run();
  if (!keep_losing) return;
  // The kept value is written as the server's own update, later than every stamp seen and based
  // on the value standing, so it stands and reaches every tablet through the pull.
  const EntitySpec* target = find_entity(entity);
  const FieldSpec* field = target ? target->field(field_name) : nullptr;
  if (field == nullptr) throw Error(ErrorCode::internal, "a conflict names an unknown field");
  auto converted = to_stored(*field, losing_value, batch.names);
  if (converted.error) throw Error(ErrorCode::internal, *converted.error);
  // Later than every write of the field, whatever clock made it, so the kept value stands on
  // every copy.
  {
    auto& newest = db.cached(
        "SELECT max(clock) FROM field_writes WHERE entity = ? AND entity_id = ? AND field = ?");
    newest.bind_all(entity, entity_id, field_name);
    if (newest.step() && !newest.is_null(0)) {
      if (auto seen = parse_stamp(newest.column_view(0))) clock.observe(*seen);
    }
    newest.reset();
  }
  const std::string stamp = format_stamp(clock.now());
  const std::string write_id = base::make_time_ordered_uuid();
  FieldValues kept{{field_name, losing_value}};
  FieldValues base{{field_name, winning_value}};
  // Keeping a losing team moves the record, as any transfer does: the old team's tablets are
  // told to purge it and the new team's receive it whole.
  std::string new_team = team;
  std::optional<std::string> left_team;
  const auto* kept_team = std::get_if<std::string>(&converted.stored);
  if (field->type == FieldType::team && kept_team != nullptr && *kept_team != team) {
    new_team = *kept_team;
    left_team = team;
  }
  auto log = db.prepare(
      "INSERT INTO changes (change_id, device_id, officer_id, entity, entity_id, operation, "
      "fields, base, clock, device_time, received_at, outcome, applied, team_id, left_team_id) "
      "VALUES (?, ?, ?, ?, ?, 'update', ?, ?, ?, ?, ?, 'applied', ?, ?, ?)");
  log.bind_all(write_id, caller.device_id, caller.officer_id, entity, entity_id,
               encode_fields(kept), encode_fields(base), stamp, batch.received_at,
               batch.received_at, encode_fields(kept), new_team, left_team);
  log.run();
  const auto write_seq = db.last_insert_rowid();
  FieldHistory(db).write(entity, entity_id, field_name,
                         {write_id, stamp, caller.device_id, losing_value, winning_value, true},
                         batch.received_at, write_seq);
  auto update =
      db.prepare("UPDATE " + std::string(target->table) + " SET " + std::string(field->column) +
                 " = ?, sync_seq = ?, sync_clock = ?, sync_device_id = ? WHERE id = ?");
  bind_stored(update, 1, converted.stored);
  update.bind(2, write_seq).bind(3, stamp).bind(4, caller.device_id).bind(5, entity_id);
  update.run();
}

// The text a read event carries in a field, as stored ("" when not sent).
std::string read_event_text(const ParsedChange& parsed, std::string_view name) {
  const ParsedField* field = parsed.find(name);
  if (field == nullptr || !std::holds_alternative<std::string>(field->stored)) return {};
  return field->stored_text();
}

std::optional<std::string> refuse_read_event(store::Database& db, const PushBatch& batch,
                                             const ParsedChange& parsed) {
  ReadEvent event;
  event.device_id = batch.caller->device_id;
  event.chain_index = std::get<long long>(parsed.find("chain_index")->stored);
  event.prev_hash = read_event_text(parsed, "prev_hash");
  event.nominal_id = read_event_text(parsed, "nominal_id");
  // As the server stores it, so the chain checks the same text now and later.
  event.occurred_at = read_event_text(parsed, "occurred_at");
  event.reason = read_event_text(parsed, "reason");
  return check_read_event(db, event, read_event_text(parsed, "hash"));
}

std::optional<std::string> refuse_decided_conflict(store::Database& db, const PushBatch&,
                                                   const ParsedChange& parsed) {
  auto& status = db.cached("SELECT status FROM conflicts WHERE id = ?");
  status.bind_all(parsed.find("conflict_id")->stored_text());
  const bool open = status.step() && status.column_view(0) == "open";
  status.reset();
  if (!open) return "the conflict has already been decided";
  return std::nullopt;
}

}  // namespace

const ServerSteps kReadEventSteps{.refuse = refuse_read_event};
const ServerSteps kConflictDecisionSteps{.refuse = refuse_decided_conflict, .take = decide};

SyncEngine::SyncEngine(Now now)
    : now_(now ? std::move(now) : Now([] {
        return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
      })),
      clock_([this] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(now_().time_since_epoch())
            .count();
      }) {}

PushResponse SyncEngine::push(store::Database& db, const Caller& caller,
                              const PushRequest& request) {
  const Submission one{caller, request};
  return std::move(push_together(db, std::span(&one, 1)).front());
}

std::vector<PushResponse> SyncEngine::push_together(store::Database& db,
                                                    std::span<const Submission> pushes) {
  // Pushes go in whole, without a savepoint per change: the checks in apply() leave only a
  // rule of the schema that could refuse a change, and a savepoint for each of hundreds of
  // changes costs more than the change. Should the schema refuse one, the transaction is rolled
  // back and taken again with a savepoint around each change, so only that change is rejected.
  try {
    return push_batches(db, pushes, false);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::constraint) throw;
  }
  return push_batches(db, pushes, true);
}

std::vector<PushResponse> SyncEngine::push_batches(store::Database& db,
                                                   std::span<const Submission> pushes,
                                                   bool savepoints) {
  std::vector<PushResponse> responses;
  responses.reserve(pushes.size());
  store::Transaction transaction(db);
  Recall recall(db);
  for (const auto& push : pushes) {
    responses.push_back(push_batch(db, push.caller, push.request, savepoints, recall));
  }
  transaction.commit();
  return responses;
}

// One push inside the caller's transaction.
PushResponse SyncEngine::push_batch(store::Database& db, const Caller& caller,
                                    const PushRequest& request, bool savepoints, Recall& recall) {
  PushResponse response;
  PushBatch batch(recall);
  batch.caller = &caller;
  const Instant server_now = now_();
  batch.received_at = format_instant(server_now);
  batch.received_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(server_now.time_since_epoch()).count();
  response.server_time = batch.received_at;

  std::optional<std::int64_t> skew_ms;
  if (auto device_now = parse_instant(request.device_time)) {
    skew_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(*device_now - server_now).count();
    batch.clock_skewed = std::llabs(*skew_ms) > kClockSkewLimitMs;
  }
  auto contact = db.prepare(
      "UPDATE devices SET last_contact_at = ?, last_pending = ?, oldest_pending_at = ?, "
      "clock_skew_ms = ? WHERE id = ?");
  // The push route has checked it and put it in UTC (empty: nothing waits, or a time that
  // cannot be).
  const auto oldest = request.oldest_pending.empty()
                          ? std::nullopt
                          : std::optional<std::string>(request.oldest_pending);
  contact.bind_all(batch.received_at, request.pending, oldest, skew_ms, caller.device_id);
  contact.run();

  auto seen = db.prepare("SELECT seq, outcome, reason FROM changes WHERE change_id = ?");
  for (const auto& change : request.changes) {
    ChangeOutcome outcome;
    outcome.change_id = change.change_id;
    seen.bind_all(change.change_id);
    if (seen.step()) {
      // Idempotency: the first outcome stands, whoever sends the change again.
      outcome.outcome = Outcome::duplicate;
      outcome.first_outcome = parse_enum<Outcome>(seen.column_view(1));
      outcome.seq = seen.column_int(0);
      outcome.reason = seen.column_text(2);
      seen.reset();
      response.outcomes.push_back(std::move(outcome));
      continue;
    }
    seen.reset();
    Taken taken;
    if (savepoints) {
      db.cached("SAVEPOINT change").run();
      try {
        taken = apply(db, batch, change);
        db.cached("RELEASE change").run();
      } catch (const Error& error) {
        db.execute("ROLLBACK TO change");
        db.execute("RELEASE change");
        if (error.code() != ErrorCode::constraint) throw;
        taken = {Outcome::rejected,
                 "the database refused the change: " + schema_refusal(change.entity, error.what())};
      }
    } else {
      taken = apply(db, batch, change);
    }
    outcome.outcome = taken.outcome;
    outcome.reason = std::move(taken.reason);
    outcome.seq = taken.seq;
    outcome.refusal = taken.refusal;
    if (outcome.outcome == Outcome::rejected) {
      // Kept, so a retry gets the same answer and the supervisor can see what was refused.
      auto& keep = db.cached(
          "INSERT INTO changes (change_id, device_id, officer_id, entity, entity_id, operation, "
          "fields, base, clock, device_time, received_at, outcome, reason, clock_skew_flag) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'rejected', ?, ?)");
      keep.bind_all(
          change.change_id, caller.device_id, caller.officer_id, change.entity.substr(0, 100),
          change.entity_id.substr(0, 100), std::string(to_string(change.operation)),
          encode_fields(change.fields), encode_fields(change.base), change.clock.substr(0, 100),
          change.device_time.substr(0, 100), batch.received_at, outcome.reason, batch.clock_skewed);
      keep.run();
      outcome.seq = db.last_insert_rowid();
    }
    response.outcomes.push_back(std::move(outcome));
  }
  return response;
}

namespace {

// The team a change's record belongs to: the record's own (an update), the one it names (a new
// record with a team column), or its parent's; or why there is none.
struct TeamOf {
  std::optional<std::string> team;
  std::optional<std::string> refusal;
};

TeamOf team_of_change(store::Database& db, Recall& recall, const ParsedChange& parsed) {
  const EntitySpec& spec = *parsed.spec;
  const std::string& id = parsed.change->entity_id;
  if (!parsed.creating) {
    auto team = recalled_team_of(db, recall, spec.name, id);
    if (!team) return {{}, "there is no " + noun(spec.name) + " with id " + id};
    return {team, {}};
  }
  if (const FieldSpec* team_field = spec.team_field()) {
    return {parsed.find(team_field)->stored_text(), {}};
  }
  const FieldSpec* parent = spec.field(spec.parent_field);
  const std::string& parent_id = parsed.find(parent)->stored_text();
  auto team = recalled_team_of(db, recall, parent->references, parent_id);
  if (!team) {
    return {{},
            std::string(parent->name) + ": there is no " + std::string(parent->references) +
                " with id " + parent_id};
  }
  return {team, {}};
}

// What an update did: the fields as they stand after it (so a losing change replayed from the
// pull puts the standing value back on the tablet that made it), whether it lost a race to an
// edit its tablet had not seen, and the team it moved the record from.
struct Updated {
  FieldValues applied;
  Outcome outcome = Outcome::applied;
  std::optional<std::string> left_team;
};

Updated update_record(store::Database& db, PushBatch& batch, const ParsedChange& parsed,
                      std::int64_t seq, std::optional<std::string>& team) {
  const Caller& caller = *batch.caller;
  const EntitySpec& spec = *parsed.spec;
  const Change& change = *parsed.change;
  Updated updated;
  std::string columns;
  for (const auto& field : parsed.fields) {
    columns += (columns.empty() ? "" : ", ") + std::string(field.spec->column);
  }
  std::vector<std::optional<std::string>> now_values;
  {
    auto& current =
        db.cached("SELECT " + columns + " FROM " + std::string(spec.table) + " WHERE id = ?");
    current.bind_all(change.entity_id);
    current.step();
    int column = 0;
    for (const auto& field : parsed.fields) {
      now_values.push_back(to_wire(*field.spec, current, column++, batch.names));
    }
    current.reset();
  }
  FieldHistory history(db);
  std::vector<const ParsedField*> to_write;
  auto now_value_of = now_values.begin();
  for (const auto& field : parsed.fields) {
    const std::string name(field.spec->name);
    const auto& now_value = *now_value_of++;
    // A field sent with its base unchanged is not a write.
    if (field.text == field.base) {
      updated.applied[name] = now_value;
      continue;
    }
    const Settled settled = history.write(
        std::string(spec.name), change.entity_id, name,
        {change.change_id, change.clock, caller.device_id, field.text, field.base, true},
        batch.received_at, seq);
    updated.applied[name] = settled.standing.value;
    if (settled.in_conflict) updated.outcome = Outcome::conflict;
    if (settled.standing.change_id != change.change_id) continue;
    to_write.push_back(&field);
    if (field.spec->type == FieldType::team && now_value != field.text) {
      updated.left_team = team;
      team = field.stored_text();
    }
  }
  // The row's clock is its latest writer's, which a losing change is not.
  std::string assignments =
      "sync_seq = ?, sync_clock = max(coalesce(sync_clock, ''), ?), sync_device_id = ?";
  for (const auto* field : to_write)
    assignments += ", " + std::string(field->spec->column) + " = ?";
  auto& update =
      db.cached("UPDATE " + std::string(spec.table) + " SET " + assignments + " WHERE id = ?");
  update.bind_all(seq, change.clock, caller.device_id);
  int index = 3;
  for (const auto* field : to_write) bind_stored(update, ++index, field->stored);
  update.bind(++index, change.entity_id);
  update.run();
  return updated;
}

}  // namespace

SyncEngine::Taken SyncEngine::apply(store::Database& db, PushBatch& batch, const Change& change) {
  const Caller& caller = *batch.caller;
  auto reject = [](std::string why) { return Taken{Outcome::rejected, std::move(why), 0}; };
  // The change is read once, here; the parent of a new record is looked up once, with its team,
  // below.
  ParsedChange parsed = parse_change(db, batch.names, change, caller.role, caller.officer_id, true);
  if (parsed.reason) {
    Taken refused = reject(*parsed.reason);
    if (parsed.role_refused) refused.refusal = ChangeOutcome::Refusal::role;
    return refused;
  }
  // A stamp from the future would win every later edit of the field on every copy, and the
  // server's clock, having seen it, would carry it on: refused beyond the skew the server flags.
  if (parsed.stamp.wall_ms > batch.received_ms + kClockSkewLimitMs) {
    return reject("clock " + change.clock +
                  " is more than 5 minutes ahead of the server's clock: set the tablet's clock "
                  "right and record the change again");
  }
  if (!change.device_id.empty() && change.device_id != caller.device_id) {
    return reject("the change names another device than the one sending it");
  }
  const EntitySpec& spec = *parsed.spec;
  const ServerSteps* steps = spec.server_steps;

  // Scope: the record's team (or its parent's) must be one of the caller's teams.
  TeamOf team_of = team_of_change(db, batch.recall, parsed);
  if (team_of.refusal) return reject(std::move(*team_of.refusal));
  std::optional<std::string> team = std::move(team_of.team);
  if (!contains(caller.team_ids, *team) && !spec.outside_scope_allowed) {
    auto audit = db.prepare(
        "INSERT INTO audit_log (id, occurred_at, officer_id, device_id, action, entity, "
        "entity_id, reason) VALUES (?, ?, ?, ?, 'denied', ?, ?, 'push outside scope')");
    audit.bind_all(base::make_time_ordered_uuid(), batch.received_at, caller.officer_id,
                   caller.device_id, spec.name, change.entity_id);
    audit.run();
    Taken refused = reject("the " + noun(spec.name) + " belongs to a team outside yours");
    refused.refusal = ChangeOutcome::Refusal::scope;
    return refused;
  }
  // The record's own checks, once the record is known to be the caller's to touch.
  if (auto why = record_checks(db, batch.names, parsed)) return reject(std::move(*why));
  // When something happened (a visit, a breach, a trace enquiry, a visit as amended) is never
  // later than now: a visit dated ahead would count as seen once its day came, and hide that it
  // is overdue.
  for (const auto* fields : {&parsed.fields, &parsed.inner}) {
    const std::string where = fields == &parsed.inner ? "changes: " : "";
    for (const auto& field : *fields) {
      if (field.spec->type != FieldType::instant || !field.text) continue;
      const auto at = parse_instant(field.stored_text());
      if (at &&
          std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count() >
              batch.received_ms + kClockSkewLimitMs) {
        return reject(where + std::string(field.spec->name) + " " + *field.text +
                      " is more than 5 minutes after the server's clock: what happened cannot be "
                      "dated in the future");
      }
    }
  }
  clock_.observe(parsed.stamp);

  if (steps != nullptr && steps->refuse != nullptr) {
    if (auto why = steps->refuse(db, batch, parsed)) return reject(std::move(*why));
  }
  if (parsed.creating && !spec.table.empty() && record_exists(db, spec, change.entity_id)) {
    return reject(article(spec.name) + " with id " + change.entity_id + " already exists");
  }
  const bool taken_by_steps = steps != nullptr && steps->take != nullptr;

  // What a created record holds once stored, so the changes row is written once, complete.
  FieldValues applied;
  if (parsed.creating && !taken_by_steps) {
    if (spec.outside_scope_allowed) {
      applied = change.fields;
    } else {
      applied = created_fields(spec, parsed.fields, batch.recall.defaults_of(db, spec.table),
                               batch.names);
    }
  }

  // The change is recorded first: its sequence number stamps the rows and conflicts it writes.
  // What an update applied is filled in once its fields are settled.
  auto& record = db.cached(
      "INSERT INTO changes (change_id, device_id, officer_id, entity, entity_id, operation, "
      "fields, base, clock, device_time, received_at, outcome, reason, clock_skew_flag, team_id, "
      "applied) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'applied', '', ?, ?, ?)");
  record.bind_all(change.change_id, caller.device_id, caller.officer_id, spec.name,
                  change.entity_id, std::string(to_string(change.operation)),
                  encode_fields(change.fields),
                  parsed.creating ? std::nullopt : std::optional(encode_fields(change.base)),
                  change.clock, change.device_time, batch.received_at, batch.clock_skewed,
                  spec.outside_scope_allowed ? std::nullopt : team,
                  parsed.creating ? std::optional(encode_fields(applied)) : std::nullopt);
  record.run();
  const std::int64_t seq = db.last_insert_rowid();

  if (taken_by_steps) {
    steps->take(db, batch, clock_, parsed, *team);
    return {Outcome::applied, {}, seq};
  }
  if (parsed.creating) {
    insert_record(db, batch, parsed, seq);
    settle_created(db, parsed, team.value_or(""), caller.officer_id);
    if (spec.mutable_record) {
      FieldHistory history(db);
      for (const auto& field : parsed.fields) {
        history.record_creation(
            std::string(spec.name), change.entity_id, std::string(field.spec->name),
            {change.change_id, change.clock, caller.device_id, field.text, {}, false});
      }
    }
    return {Outcome::applied, {}, seq};
  }

  Updated updated = update_record(db, batch, parsed, seq, team);
  auto& settle = db.cached("UPDATE changes SET outcome = ?, applied = ? WHERE seq = ?");
  settle.bind_all(std::string(to_string(updated.outcome)), encode_fields(updated.applied), seq);
  settle.run();
  if (updated.left_team) {
    // The team columns are indexed: they are written again only when the change moved the
    // record.
    batch.recall.teams.clear();
    auto& moved = db.cached("UPDATE changes SET team_id = ?, left_team_id = ? WHERE seq = ?");
    moved.bind_all(team, updated.left_team, seq);
    moved.run();
  }
  return {updated.outcome, {}, seq};
}

}  // namespace vigil::sync
