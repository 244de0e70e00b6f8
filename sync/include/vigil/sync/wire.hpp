// Change records and the sync API's messages (docs/sync-protocol.md), and their JSON form.
// Field values travel as text in the same form as the import files (dates YYYY-MM-DD, instants
// with Z, yes/no, officers by username, teams by name) or null, so one set of validators serves
// the importer, the server and the tablet.
//
// Decoding throws WireError with one sentence naming what is wrong and where; nothing else.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/base/error.hpp"
#include "vigil/rules/domain.hpp"

namespace vigil::sync {

class WireError : public Error {
 public:
  explicit WireError(const std::string& sentence) : Error(ErrorCode::invalid_input, sentence) {}
};

// The sync protocol's version (docs/sync-protocol.md, "Protocol version"). Tablet and server ship
// apart, so each names its version in this header on every request and answer: the server
// refuses a version it does not speak (426 protocol_unsupported), the tablet stops at an answer
// of another version. A request without the header is taken as version 1, the protocol as it
// stood before the header existed. Raised when a message changes meaning, never for an addition
// the other side may ignore.
inline constexpr int kProtocolVersion = 1;
inline constexpr const char* kProtocolHeader = "Vigil-Protocol";

enum class Operation { create, update, append };
enum class Outcome { applied, duplicate, conflict, rejected };

}  // namespace vigil::sync

namespace vigil {
template <>
struct EnumNames<sync::Operation> {
  static constexpr std::array<std::string_view, 3> names{"create", "update", "append"};
};
template <>
struct EnumNames<sync::Outcome> {
  static constexpr std::array<std::string_view, 4> names{"applied", "duplicate", "conflict",
                                                         "rejected"};
};
}  // namespace vigil

namespace vigil::sync {

// Field name -> value in text form; std::nullopt is null (the field is cleared).
using FieldValues = std::map<std::string, std::optional<std::string>>;

struct Change {
  std::string change_id;  // UUID made on the device: the idempotency key
  std::string device_id;
  std::string entity;     // "nominal", "visit", ... (see entities.hpp)
  std::string entity_id;  // UUID of the record
  Operation operation = Operation::append;
  FieldValues fields;
  FieldValues base;         // updates: the values the device last saw for each field it changes
  std::string clock;        // hybrid logical clock stamp (format_stamp)
  std::string device_time;  // the device's wall time when it made the change (instant)
};

struct ChangeOutcome {
  std::string change_id;
  Outcome outcome = Outcome::applied;
  std::optional<Outcome> first_outcome;  // duplicates: the outcome the change had the first time
  std::string reason;                    // rejected: why, for a person to read
  std::int64_t seq = 0;                  // the server's sequence number (0 when not applied)
  // Why a rejected change was refused, for the server's own doors (never on the wire): the
  // caller's role may not make it, or its record is outside the caller's teams (each a 403 at
  // the dashboard's door, where a tablet's push answers every refusal as a rejected outcome).
  enum class Refusal { none, role, scope };
  Refusal refusal = Refusal::none;
};

struct PushRequest {
  std::vector<Change> changes;
  std::int64_t pending = 0;  // changes the device still holds after this batch
  // When the oldest of those was made (empty: none). Travels in the push's query, not its body,
  // so a server of an earlier version, which refuses a member it does not know, takes the push.
  std::string oldest_pending;
  std::string device_time;  // the device's wall time when it sent the batch
};

struct PushResponse {
  std::vector<ChangeOutcome> outcomes;
  std::string server_time;
};

// One step of a pull, applied by the tablet in order.
struct PullItem {
  enum class Kind { change, record, purge };
  Kind kind = Kind::change;
  std::int64_t seq = 0;   // change: its sequence number; record: the row's last change (0: none)
  std::string change_id;  // change only
  std::string entity;
  std::string entity_id;
  Operation operation = Operation::update;  // change only
  FieldValues fields;     // change: each field's value after it (the winner's, if it lost);
                          // record: every field
  std::string clock;      // the change's, or the record's last writer's ("" for imported)
  std::string device_id;  // change only
};

struct PullResponse {
  std::vector<PullItem> items;
  std::int64_t next = 0;  // the cursor to send as `since` next time
  bool more = false;      // another page is waiting
  std::string resume;     // a first sync's place, to send back with since=0 ("" once done)
  std::string digest;     // SHA-256 over the scope (scope_digest), for drift detection
  std::string server_time;
};

// A conflict between two writes of one field, as supervisors and tablets see it.
struct ConflictRecord {
  std::string id, entity, entity_id, field;
  std::optional<std::string> winning_value, losing_value;
  std::string winning_change, losing_change, winning_device, losing_device;
  std::string winning_clock, losing_clock, detected_at, status;
  std::optional<std::string> decided_by, decision;
};

std::string encode(const PushRequest& request);
std::string encode(const PushResponse& response);
std::string encode(const PullResponse& response);
PushRequest decode_push_request(std::string_view json);
PushResponse decode_push_response(std::string_view json);
PullResponse decode_pull_response(std::string_view json);
// GET /api/v1/conflicts: {"items": [...]}.
std::string encode(const std::vector<ConflictRecord>& conflicts);
std::vector<ConflictRecord> decode_conflicts(std::string_view json);

// The usernames of an attendees field ("pc.a;pc.b"), in the order given (an empty name between
// two ';' is kept, for the checks to refuse).
std::vector<std::string> attendee_usernames(std::string_view list);

// A record written at the dashboard (POST /api/v1/records): {"entity", "operation", "entity_id"
// (an update's), "fields", "base" (an update's)}. The server fills the rest of the change (its
// id, the caller's session as its device, a clock stamp): the caller states what, never when or
// as whom.
Change decode_desk_change(std::string_view json);

// One object of field values (strings and nulls), as the changes log and the tablet's outbox keep
// them.
std::string encode_fields(const FieldValues& fields);
FieldValues decode_fields(std::string_view json);

// The small request bodies of the API (login, decisions, revocations): one JSON object whose
// members are all strings; a member not in `allowed` is refused, a missing one is simply absent.
std::map<std::string, std::string> decode_string_object(
    std::string_view json, std::initializer_list<std::string_view> allowed);

}  // namespace vigil::sync
