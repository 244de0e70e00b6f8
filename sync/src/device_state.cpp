#include "vigil/sync/device_state.hpp"

#include "values.hpp"
#include "vigil/sync/entities.hpp"

namespace vigil::sync {

std::optional<std::string> DeviceState::get(const char* key) {
  auto& s = db_->cached("SELECT value FROM sync_state WHERE key = ?");
  s.bind_all(key);
  std::optional<std::string> value;
  if (s.step()) value = s.column_text(0);
  s.reset();
  return value;
}

void DeviceState::set(const char* key, const std::string& value) {
  auto& s = db_->cached(
      "INSERT INTO sync_state (key, value) VALUES (?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  s.bind_all(key, value);
  s.run();
}

void DeviceState::erase(const char* key) {
  auto& s = db_->cached("DELETE FROM sync_state WHERE key = ?");
  s.bind_all(key);
  s.run();
}

std::int64_t DeviceState::cursor() {
  const auto text = get(kCursor);
  return text ? std::stoll(*text) : 0;
}

void DeviceState::set_cursor(std::int64_t cursor) {
  set(kCursor, std::to_string(cursor));
}

void DeviceState::keep_enrolment(const Enrolment& enrolment, const std::string& username) {
  set(kToken, enrolment.token);
  set(kDeviceId, enrolment.device_id);
  set(kUsername, username);
  set(kRole, enrolment.role);
  if (!enrolment.audit_key.empty()) set(kReadChainKey, enrolment.audit_key);
}

void DeviceState::restore_clock(HybridClock& clock) {
  if (auto last = get(kClock)) {
    if (auto stamp = parse_stamp(*last)) clock.observe(*stamp);
  }
}

void DeviceState::keep_clock(const HybridClock& clock) {
  set(kClock, format_stamp(clock.last()));
}

std::optional<std::string> DeviceState::record(std::vector<Change> changes, const Author& author,
                                               HybridClock& clock, const std::string& corrects) {
  Replica replica(*db_);
  store::Transaction transaction(*db_);
  restore_clock(clock);
  for (auto& change : changes) change.clock = format_stamp(clock.now());
  for (const auto& change : changes) {
    if (auto reason = replica.record(change, author)) return reason;
    add_to_outbox(change);
  }
  if (!corrects.empty()) forget_rejected(corrects);
  keep_clock(clock);
  transaction.commit();
  return std::nullopt;
}

void DeviceState::add_to_outbox(const Change& change) {
  auto& s = db_->cached(
      "INSERT INTO outbox (change_id, entity, entity_id, operation, fields, base, clock, "
      "device_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind_all(change.change_id, change.entity, change.entity_id,
             std::string(to_string(change.operation)), encode_fields(change.fields),
             change.operation == Operation::update ? std::optional(encode_fields(change.base))
                                                   : std::nullopt,
             change.clock, change.device_time);
  s.run();
}

std::vector<Change> DeviceState::pending_changes(int limit) {
  const std::string device_id = get(kDeviceId).value_or("");
  std::vector<Change> changes;
  auto s = db_->prepare(
      "SELECT change_id, entity, entity_id, operation, fields, base, clock, device_time "
      "FROM outbox WHERE state = 'pending' ORDER BY position LIMIT ?");
  s.bind_all(limit);
  while (s.step()) {
    Change c;
    c.change_id = s.column_text(0);
    c.device_id = device_id;
    c.entity = s.column_text(1);
    c.entity_id = s.column_text(2);
    c.operation = parse_enum<Operation>(s.column_view(3)).value_or(Operation::append);
    c.fields = decode_fields(s.column_view(4));
    if (!s.is_null(5)) c.base = decode_fields(s.column_view(5));
    c.clock = s.column_text(6);
    c.device_time = s.column_text(7);
    changes.push_back(std::move(c));
  }
  return changes;
}

int DeviceState::outbox_count(const char* state) {
  return static_cast<int>(
      store::single_int(*db_, "SELECT count(*) FROM outbox WHERE state = ?", state));
}

DeviceState::OutboxReport DeviceState::outbox_report(int sent) {
  // The outbox is in the order the changes were made.
  auto& s = db_->cached(
      "SELECT (SELECT count(*) FROM outbox WHERE state = 'pending') - ?1, (SELECT device_time "
      "FROM outbox WHERE state = 'pending' ORDER BY position LIMIT 1 OFFSET ?1)");
  s.bind_all(sent);
  s.step();
  OutboxReport report{static_cast<int>(s.column_int(0)), s.column_optional_text(1)};
  s.reset();
  if (report.pending <= 0) report = {};
  return report;
}

void DeviceState::acknowledge(const std::string& change_id) {
  auto& s = db_->cached("DELETE FROM outbox WHERE change_id = ?");
  s.bind_all(change_id);
  s.run();
}

void DeviceState::reject(const std::string& change_id, const std::string& reason) {
  auto& s = db_->cached("UPDATE outbox SET state = 'rejected', reason = ? WHERE change_id = ?");
  s.bind_all(reason, change_id);
  s.run();
}

namespace {

constexpr const char* kRejectedColumns =
    "SELECT change_id, entity, entity_id, reason, operation, fields FROM outbox "
    "WHERE state = 'rejected' ";

// The reference of the nominal or suspect a record of `entity` with these fields hangs from,
// following its parents as the store holds them; "" when it holds none of them.
std::string subject_of(store::Database& db, const std::string& entity, const std::string& id,
                       const FieldValues& fields, int depth = 0) {
  if (entity == "nominal" || entity == "suspect") {
    auto s = db.prepare("SELECT ref FROM " + entity + "s WHERE id = ?");
    s.bind_all(id);
    return s.step() ? s.column_text(0) : std::string();
  }
  const EntitySpec* spec = find_entity(entity);
  if (spec == nullptr || spec->parent_field.empty() || depth > 4) return {};
  const auto parent = fields.find(std::string(spec->parent_field));
  if (parent == fields.end() || !parent->second) return {};
  const std::string parent_entity(spec->field(spec->parent_field)->references);
  const auto parent_fields = Replica(db).fields_of(parent_entity, *parent->second);
  return subject_of(db, parent_entity, *parent->second, parent_fields.value_or(FieldValues{}),
                    depth + 1);
}

RejectedChange rejected_from_row(store::Database& db, store::Statement& s) {
  RejectedChange rejected{s.column_text(0),
                          s.column_text(1),
                          s.column_text(2),
                          s.column_text(3),
                          parse_enum<Operation>(s.column_view(4)).value_or(Operation::append),
                          decode_fields(s.column_view(5)),
                          {}};
  rejected.subject = subject_of(db, rejected.entity, rejected.entity_id, rejected.fields);
  return rejected;
}

}  // namespace

std::vector<RejectedChange> DeviceState::rejected_changes() {
  std::vector<RejectedChange> out;
  auto s = db_->prepare(std::string(kRejectedColumns) + "ORDER BY position");
  while (s.step()) out.push_back(rejected_from_row(*db_, s));
  return out;
}

std::optional<RejectedChange> DeviceState::rejected_change(const std::string& change_id) {
  auto s = db_->prepare(std::string(kRejectedColumns) + "AND change_id = ?");
  s.bind_all(change_id);
  if (!s.step()) return std::nullopt;
  return rejected_from_row(*db_, s);
}

void DeviceState::forget_rejected(const std::string& change_id) {
  auto& s = db_->cached("DELETE FROM outbox WHERE change_id = ? AND state = 'rejected'");
  s.bind_all(change_id);
  s.run();
}

void DeviceState::set_aside(const std::string& entity, const std::string& entity_id,
                            std::int64_t seq, const std::string& reason, const std::string& now) {
  auto& s = db_->cached(
      "INSERT INTO set_aside (entity, entity_id, seq, reason, set_aside_at) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq, reason = "
      "excluded.reason, set_aside_at = excluded.set_aside_at");
  s.bind_all(entity, entity_id, seq, reason, now);
  s.run();
}

void DeviceState::forget_set_aside(const std::string& entity, const std::string& entity_id) {
  auto& s = db_->cached("DELETE FROM set_aside WHERE entity = ? AND entity_id = ?");
  s.bind_all(entity, entity_id);
  s.run();
}

void DeviceState::clear_set_aside() {
  db_->execute("DELETE FROM set_aside");
}

std::vector<SetAsideRecord> DeviceState::set_aside_records() {
  std::vector<SetAsideRecord> out;
  auto s = db_->prepare(
      "SELECT entity, entity_id, reason, set_aside_at FROM set_aside ORDER BY set_aside_at, "
      "entity, "
      "entity_id");
  while (s.step()) {
    out.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_text(3)});
  }
  return out;
}

void DeviceState::keep_conflicts(const std::vector<ConflictRecord>& conflicts) {
  db_->execute("DELETE FROM conflicts");
  auto s = db_->prepare(
      "INSERT INTO conflicts (id, entity, entity_id, field, winning_value, losing_value, "
      "winning_change, losing_change, winning_device, losing_device, winning_clock, "
      "losing_clock, detected_at, status, decided_by, decision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, (SELECT id FROM officers WHERE username = ?), ?)");
  for (const auto& c : conflicts) {
    s.bind_all(c.id, c.entity, c.entity_id, c.field, c.winning_value, c.losing_value,
               c.winning_change, c.losing_change, c.winning_device, c.losing_device,
               c.winning_clock, c.losing_clock, c.detected_at, c.status, c.decided_by, c.decision);
    s.run();
  }
}

std::vector<ConflictRecord> DeviceState::kept_conflicts() {
  std::vector<ConflictRecord> out;
  auto s = db_->prepare(std::string("SELECT ") + kConflictColumns + "ORDER BY c.detected_at, c.id");
  while (s.step()) out.push_back(conflict_from_row(s));
  return out;
}

}  // namespace vigil::sync
