// The tablet: an officer's store of their scope, what they record at the door, and the sync that
// carries it to the server (docs/sync-protocol.md). vigil-field and the C API are thin
// layers over this class.
//
// Every change the officer makes is written to the store and to the outbox in one transaction,
// so it is shown at once and reaches the server exactly once, whatever happens to the connection
// or the tablet: a change leaves the outbox only when the server has answered for it, and a
// change sent twice is answered `duplicate` with its first outcome. A rejected change stays in the
// outbox, with the server's reason, until the officer has seen it.
//
// Ownership and threads: a Tablet owns its store's connection; one thread at a time. Throws
// TabletError (a vigil::Error) with one sentence for the officer; another vigil::Error only when
// the store itself fails.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "vigil/base/error.hpp"
#include "vigil/base/seal.hpp"
#include "vigil/reports/caseload.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/domain.hpp"
#include "vigil/rules/visit_rules.hpp"
#include "vigil/sync/client.hpp"
#include "vigil/sync/engine.hpp"
#include "vigil/sync/nominal_record.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::mobile {

// What kind of problem a TabletError reports, so each front end answers in its own way (an exit
// status, a C error code).
enum class Problem {
  bad_input,     // the officer asked for something impossible: an unknown reference, a bad value
  not_enrolled,  // the store has not been enrolled with a server
  locked,        // the tablet is locked: unlock it first
  wrong_password,
  refused,      // the server refused the request (wrong password at enrolment, revoked device)
  unreachable,  // the server could not be reached or did not answer
  wiped,  // the store has been wiped: the server revoked the device, or too many wrong passwords
};

class TabletError : public Error {
 public:
  TabletError(Problem problem, const std::string& message)
      : Error(problem == Problem::unreachable ? ErrorCode::io : ErrorCode::invalid_input, message),
        problem_(problem) {}
  [[nodiscard]] Problem problem() const { return problem_; }

 private:
  Problem problem_;
};

// How the tablet talks to its server.
struct LinkOptions {
  std::string ca_file;  // PEM certificates to trust besides the system's (a force's own CA)
  std::chrono::milliseconds timeout{30000};      // for each connection, request and answer
  int attempts = 4;                              // tries of each exchange before giving up
  std::chrono::milliseconds first_backoff{500};  // doubled after each failed try
  // Records asked for in each page of a pull. Each page is a round trip: on a poor signal a
  // first sync of a caseload of 50 (some 1,400 records) takes one page, of 260 two; a page of
  // 5,000 is some 300 KB gzipped, a few seconds at 1 Mbit/s should the signal drop during it.
  int page_size = 5000;
  // How often a sync that brings nothing checks the store against the server's (the scope
  // digest); a sync that brings anything always does. Zero: every sync.
  std::chrono::seconds check_every{900};
};

// What a sync did (the sync client's report).
using SyncReport = sync::SyncReport;

// One nominal of the caseload, worked out on the tablet by the server's rules (core's caseload).
using CaseloadEntry = vigil::reports::CaseloadEntry;

struct VisitInput {
  std::string nominal_ref;
  bool announced = false;
  VisitOutcome outcome = VisitOutcome::seen;
  std::vector<std::string> attendees;  // usernames
  std::string risk_change;
  std::string note;
  std::optional<Instant> occurred_at;  // now when absent
  // Why the visit was not as its plan asks, required when its warning is given
  // (vigil::reason_field): fewer officers than the plan's crew, pre-arranged where the plan asks
  // for unannounced visits.
  std::string crew_reason;
  std::string announced_reason;
  std::optional<NotAsPlanned> not_as_planned;  // the reason code when it did not go as planned
  std::string devices_checked;
};

// A record made on the tablet.
struct Recorded {
  std::string id;
  std::vector<VisitWarning> warnings;  // said before it was saved
};

struct EncounterInput {
  std::string young_person;  // the anonymised number
  std::string place;
  bool criminal_exploitation = false, sexual_exploitation = false;
  std::string markers;
  std::string home_area;  // for a young person new to the tablet
};

// A nominal's whole record on the tablet, every record in wire form (each with its "id"), and
// what is due for the nominal, as in the caseload.
struct NominalRecord : sync::NominalRecord {
  std::vector<reports::CaseloadEntry> due;
};

// An officer of the force, as the tablet names them when attendees are picked.
struct OfficerEntry {
  std::string username, name, team;
  bool active = true;
};

// A suspect in scope, with their trace enquiries (oldest first).
struct SuspectRecord {
  sync::FieldValues suspect;
  std::vector<sync::FieldValues> traces;
  std::vector<sync::FieldValues> actions;  // what is to be done to find them, open or not
};

// What a supervisor returned to the team with a comment, and not since signed off: the latest
// decision on its subject, received at a sync. `mine` when it is the officer's own work (a visit
// they attended, an action they own, a record of a nominal they manage, a change they sent).
struct ReturnedItem {
  std::string decision_id, subject, subject_id, comment, decided_at;
  std::string nominal_ref;  // "" when the subject is not held here, or not a nominal's
  bool mine = false;
};

using RejectedChange = sync::RejectedChange;
using SetAsideRecord = sync::SetAsideRecord;

struct TabletStatus {
  bool enrolled = false;
  bool locked = false;
  bool scope_complete = false;  // false while a first sync or a resync is unfinished
  std::string server, officer, device_id;
  Role role = Role::officer;
  int pending = 0;
  std::optional<std::string> last_sync_at;
  std::vector<RejectedChange> rejected;  // left empty while locked, as are the conflicts
  std::vector<sync::ConflictRecord> open_conflicts;
  std::vector<SetAsideRecord> set_aside;  // what the tablet could not store from its pulls
};

// The sealed store at `path` opened with the officer's password, as unlock opens it, for a support
// tool (or a test) reading what a store holds. Wrong passwords are not counted here: whoever holds
// the files can try passwords without any program's counter, which is why the key is derived
// with Argon2id. TabletError not_enrolled or wrong_password.
store::Database open_store(const std::filesystem::path& path, const std::string& password);

class Tablet {
 public:
  using Clock = std::function<Instant()>;
  // The store at `path`, locked (created at enrolment). `clock` is the tablet's wall clock
  // (injected so tests control it); the idle limit is counted on it.
  explicit Tablet(const std::filesystem::path& path, Clock clock = nullptr);
  ~Tablet();
  Tablet(const Tablet&) = delete;
  Tablet& operator=(const Tablet&) = delete;

  // Signs in to the server as this officer, makes a sealed store (docs/tablet-at-rest.md) whose
  // random key the password wraps (so the officer unlocks offline, and a store without the
  // password is unreadable), keeps the device's token inside it, then takes the scope. Leaves
  // the tablet unlocked. A store already enrolled is refused: wipe it first.
  SyncReport enrol(const std::string& server_url, const std::string& username,
                   const std::string& password, const std::string& device_name,
                   const LinkOptions& link = {});
  // Drops the key and closes the store: nothing of it can be read until unlock. A Tablet starts
  // locked, and locks itself when the policy's idle limit passes without use.
  void lock();
  // Unwraps the key with the password and opens the store. A wrong password counts; the policy's
  // number of them in a row wipes the store (TabletError wiped). A store made before stores
  // were sealed is sealed here, its outbox whole.
  void unlock(const std::string& password);
  // Opens the store with a key another process of this officer's unlocked it with (vigil-field's
  // key agent); TabletError locked when it is not this store's key.
  void resume(const base::SecretKey& key);
  // The key of the unlocked store, for the key agent; TabletError locked when locked.
  [[nodiscard]] const base::SecretKey& store_key();
  [[nodiscard]] std::chrono::seconds idle_limit() const;
  // Wraps the key by a new password; the store itself is not rewritten.
  void change_password(const std::string& current, const std::string& next);

  // Pushes the outbox, then pulls what changed; takes the scope afresh when the digests differ.
  // Locked, the tablet does nothing with the server. A sync an app starts by itself
  // (Asked::in_background) does not count as use, so it never keeps an idle tablet unlocked.
  enum class Asked { by_officer, in_background };
  SyncReport sync(const LinkOptions& link = {}, Asked asked = Asked::by_officer);

  // Every nominal in scope, highest priority first.
  std::vector<reports::CaseloadEntry> caseload(Date as_of);
  // The nominal's record, only with why it is opened (s.62: each consultation has its
  // justification); writes a read-audit event (who, what, when, why), hash-chained, first.
  NominalRecord show(const std::string& nominal_ref, const std::string& reason);
  // The force's officers, the tablet's own first, then their team's, then the rest by name.
  std::vector<OfficerEntry> officers();
  // The suspects in scope, most harmful first (harm 1), then the longest outstanding.
  std::vector<SuspectRecord> suspects();
  // What a supervisor returned, the officer's own first, the oldest first within each.
  std::vector<ReturnedItem> returned();

  // What the officer should hear before the visit is saved: crewing short of the plan, a
  // pre-arranged visit where the plan asks for unannounced ones, a second failed entry.
  std::vector<VisitWarning> visit_warnings(const VisitInput& visit);
  // Saves the visit (and a failed entry when nobody answered or entry was refused). A warning
  // that asks why (reason_field) must have its reason in the input, or nothing is saved.
  Recorded record_visit(const VisitInput& visit);
  // A further record amending a visit: the changed fields (wire names) and why.
  Recorded amend_visit(const std::string& visit_id, const std::string& reason,
                       const sync::FieldValues& changes);
  // Changes fields of a nominal the officer may change (address area, no fixed abode, ...).
  Recorded update_nominal(const std::string& nominal_ref, const sync::FieldValues& values);
  // `order` is the order's kind (shpo, ...) when the nominal has one of that kind, or its id;
  // `condition` is the id of one of its conditions, or the condition's words.
  Recorded record_breach(const std::string& nominal_ref, const std::string& order,
                         const std::string& condition, const std::string& action);
  // What was done about a breach since (`status` "open" while it goes on, "closed" when done).
  Recorded follow_up_breach(const std::string& breach_id, const std::string& action,
                            const std::string& status);
  Recorded record_trace(const std::string& suspect_ref, const std::string& note);
  // An encounter, now, with a young person at risk of exploitation, known by their anonymised
  // number (never a name): one this tablet does not hold yet is recorded with it, kept by the
  // officer's team, in the same change set.
  Recorded record_encounter(const EncounterInput& encounter);
  // A chase, today, of a safeguarding referral whose acknowledgement or feedback is overdue.
  Recorded chase_referral(const std::string& referral_id, const std::string& note);
  // An assessment made today; the rules then make the plan's review due.
  Recorded record_assessment(const std::string& nominal_ref, RiskLevel risk_level,
                             const std::string& risk_factors,
                             const std::string& protective_factors);
  // An action of a plan moves on: "open", "done" (completed today) or "cancelled".
  Recorded update_action(const std::string& action_id, const std::string& status);

  // A change the server rejected, made again with `corrections` (wire names) over what it carried:
  // a new change, checked as any other (a visit as one recorded at the door), which takes the
  // rejected one's place in the outbox; an update carries only the corrected fields. What the
  // record hangs from, what the tablet stamped, and a read of a record are not corrected. Only
  // once the scope has been taken afresh after the refusal (the next sync does it).
  Recorded correct(const std::string& change_id, const sync::FieldValues& corrections);
  // The officer has read why a change was rejected and lets it go (the server keeps it as refused,
  // for the supervisor).
  void let_go(const std::string& change_id);

  TabletStatus status();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::mobile
