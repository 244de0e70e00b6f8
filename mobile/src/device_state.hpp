// What the tablet keeps about itself in its store, beside the records of its scope: its
// enrolment and sync state (sync_state), the changes not yet answered for (outbox), and the
// conflicts on its scope as the server last listed them. Private to mobile/.
//
// Borrows the store's Database; one thread. Throws vigil::Error when the database fails.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigil/core/store.hpp"
#include "vigil/mobile/tablet.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::mobile {

// Keys of sync_state.
inline constexpr const char* kServer = "server";   // the server's URL
inline constexpr const char* kCaFile = "ca_file";  // certificates trusted besides the system's
inline constexpr const char* kToken = "token";     // the device's bearer token
inline constexpr const char* kDeviceId = "device_id";
inline constexpr const char* kUsername = "username";
inline constexpr const char* kOfficerId = "officer_id";
inline constexpr const char* kRole = "role";
inline constexpr const char* kUnlockVerifier = "unlock_verifier";  // Argon2id of the password
inline constexpr const char* kLocked = "locked";                   // "1" while locked
inline constexpr const char* kClock = "clock";                     // the last stamp issued or seen
inline constexpr const char* kCursor = "cursor";                   // the pull cursor
inline constexpr const char* kScopeTaken = "scope_taken";          // "1" once a first sync finished
inline constexpr const char* kResume = "resume";  // where an interrupted first sync goes on
inline constexpr const char* kNeedsResync = "needs_resync";    // "1": take the scope afresh
inline constexpr const char* kServerDigest = "server_digest";  // the scope digest last pulled
inline constexpr const char* kLastSync = "last_sync_at";
inline constexpr const char* kReadChainIndex = "read_chain_index";  // the next read event's index
inline constexpr const char* kReadChainHash = "read_chain_hash";    // the last read event's hash

class DeviceState {
 public:
  explicit DeviceState(store::Database& db) : db_(&db) {}

  std::optional<std::string> get(const char* key);
  void set(const char* key, const std::string& value);
  void erase(const char* key);
  std::int64_t cursor();
  void set_cursor(std::int64_t cursor);

  // The outbox, in the order the changes were made.
  void add_to_outbox(const sync::Change& change);
  std::vector<sync::Change> pending_changes(int limit);
  int outbox_count(const char* state);  // "pending" or "rejected"
  void acknowledge(const std::string& change_id);
  void reject(const std::string& change_id, const std::string& reason);
  std::vector<RejectedChange> rejected_changes();

  // What a pull brought that the store could not take (set_aside); replaced by entity and id.
  void set_aside(const std::string& entity, const std::string& entity_id, std::int64_t seq,
                 const std::string& reason, const std::string& now);
  void clear_set_aside();
  std::vector<SetAsideRecord> set_aside_records();

  void keep_conflicts(const std::vector<sync::ConflictRecord>& conflicts);
  std::vector<sync::ConflictRecord> kept_conflicts();

 private:
  store::Database* db_;
};

}  // namespace vigil::mobile
