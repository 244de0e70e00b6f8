// The read audit (DESIGN.md "Read audit"): each time an officer opens a nominal's record on a
// tablet, a read event is written there, hash-chained to the device's previous one, and synced.
// The tablet makes each event's hash with read_event_hash and the server checks it with the same,
// so an event altered, removed or inserted on the way shows as a break in the device's chain.
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>

namespace vigil::sync {

struct ReadEvent {
  std::string device_id;
  std::int64_t chain_index = 0;  // 0 for the device's first event
  std::string prev_hash;         // the previous event's hash ("" for the first)
  std::string nominal_id;
  std::string occurred_at;  // instant
  std::string reason;
};

// SHA-256 (hex) over every field, each length-prefixed so no two events share an encoding.
std::string read_event_hash(const ReadEvent& event);

}  // namespace vigil::sync
