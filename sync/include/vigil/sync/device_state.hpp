// What a device keeps about itself in its store, beside the records of its scope: its enrolment
// and sync state (sync_state), the changes not yet answered for (outbox), what a pull brought
// that it could not store (set_aside), and the conflicts on its scope as the server last listed
// them. The sync client (client.hpp) and the tablet (mobile/) both keep their state here.
//
// Borrows the store's Database; one thread. Throws vigil::Error when the database fails.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigil/store/store.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/replica.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::sync {

// Keys of sync_state.
inline constexpr const char* kServer = "server";   // the server's URL
inline constexpr const char* kCaFile = "ca_file";  // certificates trusted besides the system's
inline constexpr const char* kToken = "token";     // the device's bearer token
inline constexpr const char* kDeviceId = "device_id";
inline constexpr const char* kUsername = "username";
inline constexpr const char* kOfficerId = "officer_id";
inline constexpr const char* kRole = "role";
// Kept by stores made before stores were sealed, read and dropped when one is sealed: an Argon2id
// verifier of the password, and the lock flag.
inline constexpr const char* kUnlockVerifier = "unlock_verifier";
inline constexpr const char* kLocked = "locked";
inline constexpr const char* kClock = "clock";             // the last stamp issued or seen
inline constexpr const char* kCursor = "cursor";           // the pull cursor
inline constexpr const char* kScopeTaken = "scope_taken";  // "1" once a first sync finished
inline constexpr const char* kResume = "resume";  // where an interrupted first sync goes on
inline constexpr const char* kNeedsResync = "needs_resync";    // "1": take the scope afresh
inline constexpr const char* kServerDigest = "server_digest";  // the scope digest last pulled
inline constexpr const char* kLastSync = "last_sync_at";
inline constexpr const char* kDigestChecked = "digest_checked_at";  // copy last found the server's
// "1": something came (or a push was told of a conflict) since the conflicts list was last kept.
inline constexpr const char* kConflictsDue = "conflicts_due";
inline constexpr const char* kReadChainIndex = "read_chain_index";  // the next read event's index
inline constexpr const char* kReadChainHash = "read_chain_hash";    // the last read event's link
inline constexpr const char* kReadChainKey = "read_chain_key";  // the next read event's key (keyed)

// A change the server refused, kept in the outbox with its reason and what it carried until the
// officer has corrected it (made again, corrected, as a new change) or let it go.
struct RejectedChange {
  std::string change_id, entity, entity_id, reason;
  Operation operation = Operation::append;
  FieldValues fields;
  // The reference of the nominal or suspect it concerns, when the store holds them ("" if not).
  std::string subject;
};

// A record a pull brought that the device could not store, kept aside with why, so one record
// never stops a device's syncs.
struct SetAsideRecord {
  std::string entity, entity_id, reason, set_aside_at;
};

// What the server answered to a sign-in: the device's bearer token and id, who signed in, and the
// key of its read audit's chain ("" from a server that gives none: read_audit.hpp).
struct Enrolment {
  std::string token, device_id, officer, role, audit_key;
};

class DeviceState {
 public:
  explicit DeviceState(store::Database& db) : db_(&db) {}

  [[nodiscard]] std::optional<std::string> get(const char* key);
  void set(const char* key, const std::string& value);
  void erase(const char* key);
  [[nodiscard]] std::int64_t cursor();
  void set_cursor(std::int64_t cursor);

  // Keeps what a sign-in gave (the caller holds the transaction).
  void keep_enrolment(const Enrolment& enrolment, const std::string& username);

  // The clock: another process may have used the store since this one opened it (vigil-field
  // runs each command as a process of its own), so its last stamp is taken in before stamping,
  // and the last stamp issued or seen is kept after, so stamps never go back.
  void restore_clock(HybridClock& clock);
  void keep_clock(const HybridClock& clock);

  // Stores the changes in the replica and puts them in the outbox, all in one transaction: all or
  // none. Each is stamped inside the write transaction, after the last stamp any process gave on
  // this store. Returns why the first refused change would be refused by the server; nothing is
  // then stored. `corrects` names a rejected change these changes correct: it leaves the outbox
  // in the same transaction.
  [[nodiscard]] std::optional<std::string> record(std::vector<Change> changes, const Author& author,
                                                  HybridClock& clock,
                                                  const std::string& corrects = {});

  // The outbox, in the order the changes were made.
  void add_to_outbox(const Change& change);
  [[nodiscard]] std::vector<Change> pending_changes(int limit);
  [[nodiscard]] int outbox_count(const char* state);  // "pending" or "rejected"
  // What waits to go up once the first `sent` changes have gone (the batch a push carries): how
  // many, and when the oldest of them was made. Read in one statement, so the two agree however
  // another process records meanwhile. What the tablet tells the server at each contact.
  struct OutboxReport {
    int pending = 0;
    std::optional<std::string> oldest;
  };
  [[nodiscard]] OutboxReport outbox_report(int sent = 0);
  void acknowledge(const std::string& change_id);
  void reject(const std::string& change_id, const std::string& reason);
  [[nodiscard]] std::vector<RejectedChange> rejected_changes();
  [[nodiscard]] std::optional<RejectedChange> rejected_change(const std::string& change_id);
  // The officer has seen the refusal and lets the change go (the server keeps it, refused).
  void forget_rejected(const std::string& change_id);

  // What a pull brought that the store could not take (set_aside); replaced by entity and id.
  void set_aside(const std::string& entity, const std::string& entity_id, std::int64_t seq,
                 const std::string& reason, const std::string& now);
  void forget_set_aside(const std::string& entity, const std::string& entity_id);
  void clear_set_aside();
  [[nodiscard]] std::vector<SetAsideRecord> set_aside_records();

  void keep_conflicts(const std::vector<ConflictRecord>& conflicts);
  [[nodiscard]] std::vector<ConflictRecord> kept_conflicts();

 private:
  store::Database* db_;
};

}  // namespace vigil::sync
