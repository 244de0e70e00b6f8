#include "vigil/sync/read_audit.hpp"

#include "vigil/base/digest.hpp"

namespace vigil::sync {

std::string read_event_hash(const ReadEvent& event) {
  base::Sha256 digest;
  digest.add("vigil read event 1\n");
  for (const std::string& field :
       {event.device_id, std::to_string(event.chain_index), event.prev_hash, event.nominal_id,
        event.occurred_at, event.reason}) {
    digest.add(std::to_string(field.size())).add(":").add(field).add("\n");
  }
  return digest.hex();
}

std::optional<std::string> check_read_event(store::Database& db, const ReadEvent& event,
                                            std::string_view hash) {
  const std::string& device_id = event.device_id;
  const std::string index = std::to_string(event.chain_index);
  if (read_event_hash(event) != hash) {
    return "read event " + index +
           " of this device does not match its hash: the tablet's read audit has been altered";
  }
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
  return problem;
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
  while (s.step()) {
    ReadEvent e{s.column_text(0), s.column_int(1),  s.column_text(2),
                s.column_text(3), s.column_text(4), s.column_text(5)};
    const std::string hash = s.column_text(6);
    if (e.device_id != device) {
      device = e.device_id;
      expected = 0;
      last_hash.clear();
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
    if (read_event_hash(e) != hash) {
      broken(e.chain_index,
             "read event " + std::to_string(e.chain_index) + " does not match its hash");
    }
    expected = e.chain_index + 1;
    last_hash = hash;
  }
  return breaks;
}

}  // namespace vigil::sync
