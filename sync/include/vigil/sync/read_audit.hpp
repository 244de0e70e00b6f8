// The read audit (docs/sync-protocol.md, read audit): each time an officer opens a nominal's record
// on a tablet, a read event is written there, chained to the device's previous one, and synced.
// The tablet makes each event's link with read_event_link and the server checks it with the same,
// so an event altered, removed or inserted on the way shows as a break in the device's chain.
//
// Keyed chains. A tablet signs in asking for an audit key; each link is then an HMAC-SHA256 under
// the chain's key for that event, and the key moves on (next_chain_key) as each event is written,
// the old one overwritten. Whoever reads or rewrites the tablet's store later finds only the key
// of the next event: the events already written cannot be made again, so a rewritten unsynced
// tail shows as a break when it reaches the server, which derives every event's key from the one
// it gave. A device that signed in before keys were given keeps plain SHA-256 links.
// Pure functions, and queries on the caller's Database; safe from any thread.
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

// The event's link (hex): over every field, each length-prefixed so no two events share an
// encoding; an HMAC-SHA256 under `chain_key` (hex) when the device's chain is keyed, SHA-256 when
// it is not (no key).
std::string read_event_link(const ReadEvent& event, const std::optional<std::string>& chain_key);
// The key of the chain's next event, from this event's key (both hex).
std::string next_chain_key(const std::string& chain_key);

// Why the server must refuse a read event pushed by its device (nothing when it follows on): the
// link it came with does not match its fields (under the device's key, when it has one), or it
// does not follow the event before it that the server holds. An event whose predecessor has not
// arrived is taken: the gap shows in verify_read_chains. For a keyed chain it keeps the next
// event's key in the device's row (a short cut, in the caller's write transaction), so each event
// is checked one step from the last.
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
