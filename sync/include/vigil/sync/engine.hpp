// The merge engine: takes in pushed changes exactly once, checks each against the entity table,
// the caller's role and scope, detects per-field conflicts from the device's base values, settles
// them the same way whatever the order they arrive in, and serves scoped pulls.
//
// Ownership and threads: a SyncEngine owns nothing but its clock; it works on the Database it
// is given, which one thread uses at a time. Pushes move the clock, so one thread at a time may
// push (the server's writer serialises them); pull(), scope_digest() and conflicts() leave it
// alone and may run on several threads at once, each with its own connection. Throws
// vigil::Error when the database fails; bad changes are outcomes, not exceptions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::sync {

// Who is asking, as established by the server from the bearer token.
struct Caller {
  std::string officer_id;
  std::string username;
  Role role = Role::officer;
  std::string device_id;
  std::vector<std::string> team_ids;  // the scope: the officer's team, or the teams supervised
  bool browser = false;  // a dashboard sign-in, not a tablet: it neither pushes nor pulls
};

// A record whose content a pull carried, named by the record at the top of its chain of parents
// (a nominal, a suspect, a bail case): what the server audits as disclosed to the caller.
struct Disclosure {
  std::string entity, id;
  auto operator<=>(const Disclosure&) const = default;
};

// The teams whose records the officer may hold: their own team for an officer; the teams they
// supervise (their own included) for a supervisor; every team for an administrator.
std::vector<std::string> scope_teams(store::Database& db, const std::string& officer_id, Role role);

// A device clock further than this from the server's is flagged on each change it sends.
inline constexpr std::int64_t kClockSkewLimitMs = std::int64_t{5} * 60 * 1000;

// The officers (by id) whose own work the record is, which they may not review (docs/domain.md,
// "Review"): the rule the server's check of a review decision applies.
std::vector<std::string> authors_of_work(store::Database& db, ReviewSubject subject,
                                         const std::string& id);

class SyncEngine {
 public:
  using Now = std::function<Instant()>;
  // `now` is the server's wall clock (injected so tests control it).
  explicit SyncEngine(Now now = nullptr);

  // Applies a batch in one transaction and commits it (synchronous=FULL on the server's
  // connection) before returning, so every outcome returned is durable.
  PushResponse push(store::Database& db, const Caller& caller, const PushRequest& request);
  // Several pushes, from any callers, in one transaction and one commit, answered in order as
  // if each had been pushed alone after the one before: a server under load writes each page
  // and waits for the disk once for many pushes instead of once for each.
  struct Submission {
    const Caller& caller;
    const PushRequest& request;
  };
  std::vector<PushResponse> push_together(store::Database& db, std::span<const Submission> pushes);

  // Changes after `since` in the caller's scope, at most `limit` items. since = 0 sends every
  // record in scope instead (a first sync or a resync), in pages: while `more`, send the
  // response's `resume` back with since = 0. Whatever the cursor, only records in the caller's
  // teams as they are now are sent; one that left them since the cursor is a purge. Throws
  // WireError for a resume token it did not give. `disclosed`, when given, receives the records
  // whose content the page carried (each named by its root: the nominal, suspect or bail case),
  // for the server to audit. The last page carries the scope digest, unless `digest_if_sent` and
  // it followed changes without sending any: a tablet that checks its copy only now and then
  // (sync-protocol.md, "The digest") is spared working it out, and so is the server.
  PullResponse pull(store::Database& db, const Caller& caller, std::int64_t since, int limit,
                    const std::string& resume = "", std::set<Disclosure>* disclosed = nullptr,
                    bool digest_if_sent = false);

  // SHA-256 over (entity, id, sync_seq) of every record in the teams, sorted; the tablet works
  // out the same over its store to detect drift.
  static std::string scope_digest(store::Database& db, const std::vector<std::string>& team_ids);

  // Open (or all) conflicts on records in the caller's scope, oldest first.
  std::vector<ConflictRecord> conflicts(store::Database& db, const Caller& caller, bool open_only);

 private:
  std::vector<PushResponse> push_batches(store::Database& db, std::span<const Submission> pushes,
                                         bool savepoints);
  PushResponse push_batch(store::Database& db, const Caller& caller, const PushRequest& request,
                          bool savepoints, struct Recall& recall);
  // How one change went: taken in (with the change log's sequence number it was given) or
  // rejected with why.
  struct Taken {
    Outcome outcome = Outcome::applied;
    std::string reason;
    std::int64_t seq = 0;
    ChangeOutcome::Refusal refusal = ChangeOutcome::Refusal::none;
  };
  [[nodiscard]] Taken apply(store::Database& db, struct PushBatch& batch, const Change& change);
  Now now_;
  HybridClock clock_;
};

}  // namespace vigil::sync
