// The read audit (docs/sync-protocol.md, read audit): each time an officer opens a nominal's record
// on a tablet, a read event is written there, hash-chained to the device's previous one, and
// synced. The tablet makes each event's hash with read_event_hash and the server checks it with the
// same, so an event altered, removed or inserted on the way shows as a break in the device's chain.
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/store/store.hpp"
#include "vigil/sync/wire.hpp"

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

// Why the server must refuse a read event pushed by its device (nothing when it follows on): the
// hash it came with does not match its fields, or it does not follow the event before it that
// the server holds. An event whose predecessor has not arrived is taken: the gap shows in
// verify_read_chains.
[[nodiscard]] std::optional<std::string> check_read_event(store::Database& db,
                                                          const ReadEvent& event,
                                                          std::string_view hash);

// A place where a device's read audit is broken.
struct ChainBreak {
  std::string device_id;
  std::int64_t chain_index = 0;
  std::string problem;  // one sentence
};

// Walks every device's chain of read events in the server's audit log: each index once, none
// missing from 0 to the last, each hash matching its event and each event naming the hash of the
// one before. Empty when every chain is whole.
std::vector<ChainBreak> verify_read_chains(store::Database& db);

}  // namespace vigil::sync
