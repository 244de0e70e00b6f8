#include "vigil/sync/read_audit.hpp"

#include <array>

#include "vigil/base/digest.hpp"
#include "vigil/base/seal.hpp"

namespace vigil::sync {
namespace {

std::array<std::uint8_t, 32> key_bytes(const std::string& hex) {
  std::array<std::uint8_t, 32> key{};
  if (!base::from_hex(hex, key)) {
    throw Error(ErrorCode::internal, "a read audit chain key is not 64 hex digits");
  }
  return key;
}

// The device's audit key (the one it was given at sign-in), or nothing: a plain chain.
std::optional<std::string> audit_key_of(store::Database& db, const std::string& device_id) {
  auto& key = db.cached("SELECT audit_key FROM devices WHERE id = ?");
  key.bind_all(device_id);
  std::optional<std::string> found;
  if (key.step()) found = key.column_optional_text(0);
  key.reset();
  return found;
}

// `key` (the key of event `from`) moved on to event `to`.
std::string chain_key_at(std::string key, std::int64_t from, std::int64_t to) {
  for (std::int64_t i = from; i < to; ++i) key = next_chain_key(key);
  return key;
}

// Steps of the chain's key the server takes to check one event: a tablet's events arrive in order,
// each one step from the last, so only a hostile client asks for more, and each step costs
// microseconds of the one thread that writes.
constexpr std::int64_t kMostKeySteps = 1000;

struct EventKey {
  std::optional<std::string> key;  // nothing: a plain chain
  bool too_far = false;            // more than kMostKeySteps from any key the server holds
};

// The key of event `index` of the device's keyed chain: from the key kept for the last event
// checked when it lies at or before `index`, else from the one given. The key after it is kept
// in turn. Each key follows from the one given alone, so what is kept is only a short cut, right
// whatever becomes of the event.
EventKey event_key(store::Database& db, const std::string& device_id, std::int64_t index) {
  auto& kept = db.cached(
      "SELECT audit_key, audit_key_index, audit_key_at FROM devices WHERE id = ? AND audit_key "
      "IS NOT NULL");
  kept.bind_all(device_id);
  if (!kept.step()) {
    kept.reset();
    return {};
  }
  std::string key = kept.column_text(0);
  std::int64_t from = 0;
  if (!kept.is_null(1) && kept.column_int(1) <= index) {
    from = kept.column_int(1);
    key = kept.column_text(2);
  }
  kept.reset();
  if (index - from > kMostKeySteps) return {std::nullopt, true};
  key = chain_key_at(key, from, index);
  auto& keep = db.cached("UPDATE devices SET audit_key_index = ?, audit_key_at = ? WHERE id = ?");
  keep.bind_all(index + 1, next_chain_key(key), device_id);
  keep.run();
  return {key, false};
}

}  // namespace

std::string read_event_link(const ReadEvent& event, const std::optional<std::string>& chain_key) {
  std::string text = chain_key ? "vigil read event 2\n" : "vigil read event 1\n";
  for (const std::string& field :
       {event.device_id, std::to_string(event.chain_index), event.prev_hash, event.nominal_id,
        event.occurred_at, event.reason}) {
    text += std::to_string(field.size()) + ":" + field + "\n";
  }
  if (!chain_key) return base::sha256_hex(text);
  return base::hmac_sha256_hex(key_bytes(*chain_key), text);
}

std::string next_chain_key(const std::string& chain_key) {
  return base::hmac_sha256_hex(key_bytes(chain_key), "vigil read audit: the next key");
}

std::optional<std::string> check_read_event(store::Database& db, const ReadEvent& event,
                                            std::string_view hash) {
  const std::string& device_id = event.device_id;
  const std::string index = std::to_string(event.chain_index);
  // The checks that cost a lookup come first; the link, which may cost steps of the key, last.
  if (event.chain_index == 0 && !event.prev_hash.empty()) {
    return "read event 0 of this device names an event before it";
  }
  auto& held = db.cached(
      "SELECT 1 FROM audit_log WHERE device_id = ? AND chain_index = ? AND action = 'read'");
  held.bind_all(device_id, event.chain_index);
  const bool forked = held.step();
  held.reset();
  if (forked) {
    return "read event " + index +
           " of this device has already been received: the tablet's read audit has forked";
  }
  std::optional<std::string> problem;
  if (event.chain_index > 0) {
    auto& before = db.cached(
        "SELECT hash FROM audit_log WHERE device_id = ? AND chain_index = ? AND action = 'read'");
    before.bind_all(device_id, event.chain_index - 1);
    if (before.step() && before.column_view(0) != event.prev_hash) {
      problem = "read event " + index + " of this device does not follow event " +
                std::to_string(event.chain_index - 1) +
                ": the tablet's read audit has been altered";
    }
    before.reset();
    if (problem) return problem;
  }
  // A tablet opens only what it was sent, and everything sent to a device is audited as read by
  // it (a pull's records, an API read): an event naming any other record is not the device's.
  auto& sent = db.cached(
      "SELECT 1 FROM audit_log WHERE entity = 'nominal' AND entity_id = ? AND device_id = ? AND "
      "action = 'read' AND chain_index IS NULL LIMIT 1");
  sent.bind_all(event.nominal_id, device_id);
  if (!sent.step()) {
    problem = "read event " + index + " names a nominal this device was never sent";
  }
  sent.reset();
  if (problem) return problem;
  const EventKey key = event_key(db, device_id, event.chain_index);
  if (key.too_far) {
    return "read event " + index + " of this device is more than " + std::to_string(kMostKeySteps) +
           " events away from the last the server checked: its link cannot be checked";
  }
  if (read_event_link(event, key.key) != hash) {
    return "read event " + index +
           " of this device does not match its hash: the tablet's read audit has been altered";
  }
  return std::nullopt;
}

std::vector<ChainBreak> verify_read_chains(store::Database& db) {
  std::vector<ChainBreak> breaks;
  store::ReadSnapshot snapshot(db);
  auto s = db.prepare(
      "SELECT device_id, chain_index, coalesce(prev_hash, ''), entity_id, occurred_at, reason, "
      "coalesce(hash, '') FROM audit_log WHERE action = 'read' AND device_id IS NOT NULL AND "
      "chain_index IS NOT NULL ORDER BY device_id, chain_index");
  std::string device;
  std::int64_t expected = 0;
  std::string last_hash;
  // A keyed device's key for event `key_index`, moved on as its chain is walked.
  std::optional<std::string> key;
  std::int64_t key_index = 0;
  while (s.step()) {
    ReadEvent e{s.column_text(0), s.column_int(1),  s.column_text(2),
                s.column_text(3), s.column_text(4), s.column_text(5)};
    const std::string hash = s.column_text(6);
    if (e.device_id != device) {
      device = e.device_id;
      expected = 0;
      last_hash.clear();
      key = audit_key_of(db, device);
      key_index = 0;
    }
    if (key && e.chain_index > key_index) {
      key = chain_key_at(*key, key_index, e.chain_index);
      key_index = e.chain_index;
    }
    auto broken = [&](std::int64_t at, std::string problem) {
      breaks.push_back({device, at, std::move(problem)});
    };
    if (e.chain_index < expected) {
      broken(e.chain_index, "read event " + std::to_string(e.chain_index) + " appears twice");
      continue;
    }
    if (e.chain_index > expected) {
      broken(expected, expected + 1 == e.chain_index
                           ? "read event " + std::to_string(expected) + " is missing"
                           : "read events " + std::to_string(expected) + " to " +
                                 std::to_string(e.chain_index - 1) + " are missing");
    } else if (e.prev_hash != last_hash) {
      broken(e.chain_index, "read event " + std::to_string(e.chain_index) +
                                " does not follow the event before it");
    }
    if (read_event_link(e, key) != hash) {
      broken(e.chain_index,
             "read event " + std::to_string(e.chain_index) + " does not match its hash");
    }
    expected = e.chain_index + 1;
    last_hash = hash;
  }
  return breaks;
}

}  // namespace vigil::sync
