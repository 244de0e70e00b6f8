#include "vigil/mobile/tablet.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <type_traits>
#include <utility>

#include "server_link.hpp"
#include "store_key.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"
#include "vigil/base/password.hpp"
#include "vigil/base/seal.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/policy.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/rules/visit_rules.hpp"
#include "vigil/store/policy_versions.hpp"
#include "vigil/sync/device_state.hpp"
#include "vigil/sync/effective_visit.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/nominal_record.hpp"
#include "vigil/sync/read_audit.hpp"
#include "vigil/sync/replica.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::mobile {
namespace {

using namespace sync;  // the keys of the device's state (kToken, ...)
using sync::Change;
using sync::FieldValues;
using sync::Operation;

// A visit recorded later than this after the tablet's clock is refused: it has not happened.
constexpr auto kFutureSlack = std::chrono::minutes(5);

// Fields the tablet fills in itself when a record is made (times, the changes an amendment
// carries): a correction of a rejected change may not alter them. A visit's time is the
// officer's to give (vigil-field visit --occurred-at), so it may be corrected.
bool is_stamped(std::string_view entity, std::string_view field) {
  static constexpr std::string_view kStamped[] = {"recorded_at", "amended_at", "assessed_on",
                                                  "attempted_at", "changes"};
  if (field == "occurred_at") return entity != "visit";
  return std::find(std::begin(kStamped), std::end(kStamped), field) != std::end(kStamped);
}

std::string sentence(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  if (!text.empty() && text.back() != '.') text += '.';
  return text;
}

TabletError bad_input(const std::string& message) {
  return TabletError(Problem::bad_input, sentence(message));
}

// The files SQLite keeps for a store at `path`.
constexpr std::array<const char*, 4> kStoreFiles{"", "-wal", "-shm", "-journal"};

void remove_store_files(const std::filesystem::path& path) {
  for (const char* suffix : kStoreFiles) {
    std::error_code ignored;
    std::filesystem::remove(path.string() + suffix, ignored);
  }
}

// A store made before stores were sealed begins as every SQLite file does; a sealed one does not.
bool is_plain_store(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 16> head{};
  return in.read(head.data(), head.size()) &&
         std::string_view(head.data(), head.size()) == std::string_view("SQLite format 3\0", 16);
}

// The sealed store at `path`; made there only at enrolment (`create`): a key file whose store has
// gone opens nothing.
store::Database open_sealed(const std::filesystem::path& path, const base::SecretKey& key,
                            bool create = false) {
  // A tablet commits each record the officer makes as soon as it is made: full durability.
  store::OpenOptions options;
  options.seal = &key;
  options.create = create;
  store::Database db(path, options);
  // What is deleted or overwritten is zeroed in its page, not left there: the read audit's spent
  // chain keys above all.
  db.execute("PRAGMA secure_delete = ON");
  sync::migrate(db);
  return db;
}

// Every row the query `s` answers, each made into a value by `read`: the lists the tablet shows.
template <class Read>
auto rows_of(store::Statement& s, Read read) {
  std::vector<std::invoke_result_t<Read, const store::Statement&>> all;
  while (s.step()) all.push_back(read(std::as_const(s)));
  return all;
}

}  // namespace

struct Tablet::Impl {
  std::filesystem::path path;
  Clock clock;
  // What exists only while the tablet is unlocked: the store's key and the connection that reads
  // the store with it. Locking drops both.
  struct Unlocked {
    base::SecretKey key;
    store::Database db;
    sync::DeviceState state{db};
    Unlocked(const std::filesystem::path& path, const base::SecretKey& k, bool create = false)
        : key(k), db(open_sealed(path, key, create)) {}
  };
  std::unique_ptr<Unlocked> unlocked;
  Instant last_used{};
  std::chrono::seconds idle_limit{300};
  sync::HybridClock hlc{[this] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock().time_since_epoch())
        .count();
  }};

  Impl(const std::filesystem::path& p, Clock c)
      : path(p), clock(c ? std::move(c) : Clock([] {
          return std::chrono::time_point_cast<std::chrono::seconds>(
              std::chrono::system_clock::now());
        })) {
    const auto folder = std::filesystem::absolute(path).parent_path();
    if (!std::filesystem::is_directory(folder)) {
      throw Error(ErrorCode::io,
                  "The folder " + folder.string() + " of the tablet's store does not exist.");
    }
    finish_upgrade();
  }

  // Callers have checked the tablet is unlocked.
  store::Database& db() { return unlocked->db; }
  sync::DeviceState& state() { return unlocked->state; }

  Instant now() const { return clock(); }

  std::filesystem::path key_path() const { return StoreKey::path_for(path); }
  std::filesystem::path sealing_path() const { return path.string() + ".sealing"; }
  std::filesystem::path replaced_path() const { return path.string() + ".plain"; }
  // The key file an upgrade has made, until the sealed store is in place.
  std::filesystem::path new_key_path() const { return key_path().string() + ".upgrade"; }

  // Another process may have used the store since this one opened it (vigil-field runs each
  // command as a process of its own): its last stamp is taken in, so stamps never go back.
  void restore_clock() { state().restore_clock(hlc); }

  // ---- locked and unlocked

  // A store made before stores were sealed, enrolled: its state, read without a key.
  std::optional<std::pair<std::string, std::string>> plain_enrolment() {
    if (!std::filesystem::exists(path) || !is_plain_store(path)) return std::nullopt;
    store::Database plain(path);
    sync::DeviceState legacy(plain);
    if (!legacy.get(kToken)) return std::nullopt;
    return std::pair{legacy.get(kServer).value_or(""), legacy.get(kUsername).value_or("")};
  }

  // A sealed store is its file and its key file: either alone is nothing anyone can use.
  bool enrolled() {
    return unlocked || (std::filesystem::exists(key_path()) && std::filesystem::exists(path)) ||
           plain_enrolment();
  }

  void require_enrolled() {
    if (!enrolled()) {
      throw TabletError(Problem::not_enrolled,
                        "This tablet is not enrolled with a server yet: enrol it first.");
    }
  }

  // Every use of the store's records passes here: a tablet left alone longer than the policy's
  // idle limit locks itself before it shows or does anything. What the officer did not ask for
  // (an app's sync in the background) is not use: it keeps no tablet unlocked.
  void require_unlocked(bool officer_asked = true) {
    if (!unlocked) {
      require_enrolled();
      throw TabletError(Problem::locked,
                        "The tablet is locked: unlock it first with your password.");
    }
    if (now() - last_used > idle_limit) {
      unlocked.reset();
      throw TabletError(Problem::locked,
                        "The tablet locked itself after " +
                            counted(static_cast<int>(idle_limit.count()), "second") +
                            " without use: unlock it first with your password.");
    }
    if (officer_asked) last_used = now();
  }

  // Opens the store with its key and takes the policy's limits from it.
  void open_with(const base::SecretKey& key) {
    unlocked = std::make_unique<Unlocked>(path, key);
    restore_clock();
    last_used = now();
    follow_policy();
  }

  // The idle limit and the wrong passwords that wipe: from the policy in force, which a sync may
  // have changed. The count the locked tablet needs is kept in the key file.
  void follow_policy() {
    const Policy policy = store::policy_in_force(db(), london_date(now()));
    idle_limit = std::chrono::seconds(policy.tablet_idle_lock_seconds);
    if (auto stored = StoreKey::read(path);
        stored && stored->wipe_after != policy.tablet_wrong_passwords_before_wipe) {
      stored->wipe_after = policy.tablet_wrong_passwords_before_wipe;
      stored->write(key_path());
    }
  }

  // Nothing of the force's may stay: the key goes first, since without it no page of the store
  // can be read whatever else survives; then the store's files.
  void erase_store() {
    // Called while a sync is using the link, which uses it no more once the store is wiped.
    kept_link.reset();
    StoreKey::destroy(key_path());
    // Wrapped keys anywhere else too: a rewrite or an upgrade a crash cut short.
    shred_file(key_path().string() + ".writing");
    shred_file(new_key_path());
    unlocked.reset();
    remove_store_files(path);
    remove_store_files(sealing_path());
  }

  // The store's key from the password. The try is counted in the key file before the password is
  // tried, so a count that cannot be written makes no guess free, and cleared when it is right.
  // The policy's number of wrong ones in a row wipes the store; `wrong` says what a wrong one
  // means.
  base::SecretKey unwrap_counted(StoreKey& stored, const std::string& password,
                                 const std::string& wrong) {
    ++stored.wrong_passwords;
    stored.write(key_path());
    if (auto key = stored.unwrap(password)) {
      stored.wrong_passwords = 0;
      stored.write(key_path());
      return *key;
    }
    if (stored.wrong_passwords >= stored.wipe_after) {
      erase_store();
      throw TabletError(Problem::wiped,
                        "After " + counted(stored.wrong_passwords, "wrong password") +
                            " in a row the tablet has wiped its store: nothing of the force's is "
                            "left on it. Enrol it again to use it.");
    }
    const int left = stored.wipe_after - stored.wrong_passwords;
    throw TabletError(Problem::wrong_password, wrong + " (" + counted(left, "more wrong password") +
                                                   " in a row and it wipes itself).");
  }

  // ---- the upgrade of a plain store (made before stores were sealed)

  // Sealed at the first unlock after the upgrade: copied into a sealed store beside it, checked,
  // then put in its place, its key file last. Each step leaves either the plain store in use or
  // the sealed one: finish_upgrade takes an interrupted upgrade on from where it stopped.
  void upgrade(const std::string& password) {
    base::SecretKey key = base::SecretKey::random();
    std::string server, username;
    {
      store::Database plain(path);
      sync::DeviceState legacy(plain);
      if (!base::verify_password(legacy.get(kUnlockVerifier).value_or(""), password)) {
        throw TabletError(Problem::wrong_password,
                          "That is not the password this tablet was enrolled with; the tablet "
                          "stays locked.");
      }
      server = legacy.get(kServer).value_or("");
      username = legacy.get(kUsername).value_or("");
      const int pending = legacy.outbox_count("pending");
      remove_store_files(sealing_path());
      store::copy_sealed(plain, sealing_path(), key);
      store::Database sealed = open_sealed(sealing_path(), key);
      sync::DeviceState copied(sealed);
      copied.erase(kUnlockVerifier);  // the key file's wrapping proves the password now
      copied.erase(kLocked);
      if (copied.outbox_count("pending") != pending) {
        throw Error(ErrorCode::internal,
                    "the sealed copy of the store lost changes waiting to go up");
      }
      StoreKey(
          key, password, server, username,
          store::policy_in_force(sealed, london_date(now())).tablet_wrong_passwords_before_wipe)
          .write(new_key_path());
    }
    // The plain store's log went with its connection; one still there means another process has
    // the store open, and it would be read as the sealed store's.
    if (std::filesystem::exists(path.string() + "-wal")) {
      throw TabletError(Problem::bad_input,
                        "Another program has this tablet's store open: close it and unlock again.");
    }
    std::filesystem::create_hard_link(path, replaced_path());
    std::filesystem::rename(sealing_path(), path);
    sync_directory(path);  // the switch is on the disk before anything of the plain store goes
    finish_upgrade();
    open_with(key);
  }

  void finish_upgrade() {
    std::error_code ignored;
    const bool switched = std::filesystem::exists(path) && !is_plain_store(path);
    if (std::filesystem::exists(new_key_path())) {
      if (switched) {
        std::filesystem::rename(new_key_path(), key_path());
        sync_directory(key_path());
      } else {
        std::filesystem::remove(new_key_path(), ignored);
      }
    }
    if (std::filesystem::exists(replaced_path())) {
      // Before the switch it is a second name of the store in use; after, the plain store's last.
      if (switched) {
        shred_file(replaced_path());
        for (const char* suffix : {"-wal", "-shm"}) {
          std::filesystem::remove(replaced_path().string() + suffix, ignored);
        }
      } else {
        std::filesystem::remove(replaced_path(), ignored);
      }
    }
    if (!switched) remove_store_files(sealing_path());
  }

  sync::Author author() {
    return {officer_id(),
            parse_enum<Role>(state().get(kRole).value_or("officer")).value_or(Role::officer),
            state().get(kDeviceId).value_or("")};
  }

  // The officer's own id, which arrives with the scope's officers: kept once known.
  std::string officer_id() {
    if (auto known = state().get(kOfficerId)) return *known;
    auto s = db().prepare("SELECT id FROM officers WHERE username = ?");
    s.bind_all(state().get(kUsername).value_or(""));
    if (!s.step()) {
      throw TabletError(Problem::not_enrolled,
                        "This tablet has not yet received its scope: sync it before recording.");
    }
    std::string id = s.column_text(0);
    state().set(kOfficerId, id);
    return id;
  }

  // ---- changes the officer makes

  Change make_change(std::string entity, std::string entity_id, Operation operation,
                     FieldValues fields, FieldValues base = {}) {
    Change c;
    c.change_id = base::make_time_ordered_uuid();
    c.device_id = state().get(kDeviceId).value_or("");
    c.entity = std::move(entity);
    c.entity_id = std::move(entity_id);
    c.operation = operation;
    c.fields = std::move(fields);
    c.base = std::move(base);
    c.clock = sync::format_stamp(hlc.now());
    c.device_time = format_instant(now());
    return c;
  }

  // Stores the changes and puts them in the outbox, all in one transaction: all or none.
  // `corrects`: the rejected change these correct (DeviceState::record).
  void record(std::vector<Change> changes, const std::string& corrects = {}) {
    if (auto why = state().record(std::move(changes), author(), hlc, corrects)) {
      throw bad_input(*why);
    }
  }

  // A new fact of `entity`, stored and in the outbox: what the officer is told was recorded.
  Recorded record_fact(std::string entity, FieldValues fields) {
    Recorded recorded;
    recorded.id = base::make_time_ordered_uuid();
    record({make_change(std::move(entity), recorded.id, Operation::append, std::move(fields))});
    return recorded;
  }

  // An edit of record `id` of `entity`: the changed values, each with the value the officer saw
  // (its base) for the server's merge.
  Recorded record_update(std::string entity, const std::string& id, FieldValues values,
                         FieldValues base) {
    Recorded recorded;
    recorded.id = id;
    record({make_change(std::move(entity), id, Operation::update, std::move(values),
                        std::move(base))});
    return recorded;
  }

  // ---- finding what the officer names

  std::string nominal_id(const std::string& ref) { return id_by_ref("nominals", "nominal", ref); }
  std::string suspect_id(const std::string& ref) { return id_by_ref("suspects", "suspect", ref); }

  // The id of the record of `table` the officer names by its reference (`what` names the kind).
  std::string id_by_ref(std::string_view table, std::string_view what, const std::string& ref) {
    auto s = db().prepare("SELECT id FROM " + std::string(table) + " WHERE ref = ?");
    s.bind_all(ref);
    if (!s.step()) {
      throw bad_input("no " + std::string(what) + " in this tablet's scope has the reference '" +
                      ref + "'");
    }
    return s.column_text(0);
  }

  // ---- talking to the server

  // The link to the server is kept from one sync to the next while it is fresh, so its
  // connection (and TLS session) stays open between syncs close together: on a poor signal each
  // is a round trip or two shorter. It is made afresh when the server or the link's options
  // change, and after kLinkFresh without use: the server closes a connection idle for a minute,
  // and a mobile network may drop one without a word, which the tablet would learn only when its
  // request timed out. It goes when the tablet is locked or wiped.
  static constexpr std::chrono::seconds kLinkFresh{45};
  std::unique_ptr<ServerLink> kept_link;
  std::string kept_link_for;
  std::chrono::steady_clock::time_point kept_link_used{};

  ServerLink& link(const LinkOptions& options) {
    const std::string server = state().get(kServer).value_or("");
    const std::string made_for =
        server + '\n' + options.ca_file + '\n' + std::to_string(options.timeout.count());
    const auto now = std::chrono::steady_clock::now();
    if (!kept_link || kept_link_for != made_for || now - kept_link_used > kLinkFresh) {
      kept_link.reset();
      kept_link = std::make_unique<ServerLink>(parse_server_url(server), options);
      kept_link_for = made_for;
    }
    kept_link_used = now;
    return *kept_link;
  }

  static sync::SyncOptions sync_options(const LinkOptions& link) {
    sync::SyncOptions options;
    options.attempts = link.attempts;
    options.first_backoff = link.first_backoff;
    options.page_size = link.page_size;
    options.check_every = link.check_every;
    return options;
  }

  // Runs `work` with a sync client over the server's link; what the client reports as a
  // SyncError reaches the officer as a TabletError of the same kind.
  template <typename Work>
  auto with_client(LinkOptions options, Work work) {
    // The authority the tablet was enrolled to trust, unless told otherwise.
    if (options.ca_file.empty()) options.ca_file = state().get(kCaFile).value_or("");
    ServerLink& server = link(options);
    sync::SyncOptions sync = sync_options(options);
    sync.erase_store = [this] { erase_store(); };
    sync::SyncClient client(db(), hlc, clock, server, sync);
    try {
      return work(client);
    } catch (const sync::SyncError& error) {
      throw TabletError(problem_of(error.problem()), error.what());
    }
  }

  static Problem problem_of(sync::SyncProblem problem) {
    switch (problem) {
      case sync::SyncProblem::unreachable:
        return Problem::unreachable;
      case sync::SyncProblem::wiped:
        return Problem::wiped;
      case sync::SyncProblem::refused:
        break;
    }
    return Problem::refused;
  }

  SyncReport sync_all(const LinkOptions& options) {
    return with_client(options, [](sync::SyncClient& client) { return client.sync(); });
  }

  // ---- the caseload

  std::vector<reports::CaseloadEntry> caseload(Date as_of) {
    return vigil::reports::caseload(db(), as_of);
  }

  // ---- visits at the door

  // A visit dated later than the tablet's clock (beyond its slack) has not happened.
  void require_happened(Instant at) {
    if (at > now() + kFutureSlack) {
      throw bad_input("the visit cannot have happened at " + format_instant(at) +
                      ", which is later than now");
    }
  }

  // The visit's changes: the visit, and a failed entry when nobody answered or entry was refused.
  std::vector<Change> visit_changes(const VisitInput& visit) {
    if (visit.attendees.empty()) throw bad_input("name at least one officer who attended");
    const Instant at = visit.occurred_at.value_or(now());
    require_happened(at);
    const std::string nominal = nominal_id(visit.nominal_ref);
    std::string attendees;
    for (const auto& username : visit.attendees) {
      attendees += (attendees.empty() ? "" : ";") + username;
    }
    const std::string visit_id = base::make_time_ordered_uuid();
    std::vector<Change> changes{make_change("visit", visit_id, Operation::append,
                                            {{"nominal_id", nominal},
                                             {"occurred_at", format_instant(at)},
                                             {"recorded_at", format_instant(now())},
                                             {"announced", std::string(yes_no(visit.announced))},
                                             {"outcome", std::string(to_string(visit.outcome))},
                                             {"observations", visit.note},
                                             {"risk_change", visit.risk_change},
                                             {"attendees", attendees},
                                             {"crew_reason", visit.crew_reason},
                                             {"announced_reason", visit.announced_reason},
                                             {"devices_checked", visit.devices_checked}})};
    if (visit.not_as_planned) {
      changes.front().fields["not_as_planned"] = std::string(to_string(*visit.not_as_planned));
    }
    if (is_failed_entry(visit.outcome)) {
      changes.push_back(make_change("failed_entry", base::make_time_ordered_uuid(),
                                    Operation::append,
                                    {{"nominal_id", nominal},
                                     {"visit_id", visit_id},
                                     {"attempted_at", format_instant(at)},
                                     {"reason", std::string(to_string(visit.outcome))}}));
    }
    return changes;
  }

  std::vector<VisitWarning> visit_warnings(const VisitInput& visit) {
    return visit_warnings(visit, visit_changes(visit));
  }

  // A warning that asks why is answered before the visit is saved: a supervisor reviews it.
  void require_reasons(const std::vector<VisitWarning>& warnings, const FieldValues& visit) {
    for (const auto& warning : warnings) {
      const std::string field(reason_field(warning.kind));
      const auto given = visit.find(field);
      if (!field.empty() && (given == visit.end() || is_blank(given->second.value_or("")))) {
        throw bad_input(warning.text + " Say why (" + field + ") to save the visit");
      }
    }
  }

  // A visit's fields (wire names) made again by a correction, checked as record_visit checks a
  // visit: the server's checks, no time later than now, and each warning's reason.
  void check_visit_again(const FieldValues& fields) {
    const auto text = [&](const char* name) {
      const auto found = fields.find(name);
      return found == fields.end() ? std::string() : found->second.value_or("");
    };
    auto ref = db().prepare("SELECT ref FROM nominals WHERE id = ?");
    ref.bind_all(text("nominal_id"));
    if (!ref.step()) {
      throw bad_input("the visit's nominal is no longer on this tablet: let the visit go");
    }
    VisitInput visit;
    visit.nominal_ref = ref.column_text(0);
    visit.announced = text("announced") == "yes";
    const auto outcome = parse_enum<VisitOutcome>(text("outcome"));
    if (!outcome) throw bad_input("outcome '" + text("outcome") + "' is not a visit's outcome");
    visit.outcome = *outcome;
    visit.attendees = sync::attendee_usernames(text("attendees"));
    const auto at = parse_instant(text("occurred_at"));
    if (!at) throw bad_input("occurred_at '" + text("occurred_at") + "' is not an instant");
    require_happened(*at);
    const Change as_corrected = make_change("visit", base::make_uuid(), Operation::append, fields);
    require_reasons(visit_warnings(visit, {as_corrected}), fields);
  }

  // The warnings about a visit whose changes are made already.
  std::vector<VisitWarning> visit_warnings(const VisitInput& visit,
                                           const std::vector<Change>& changes) {
    // What the server would refuse is said first: a warning about a visit that cannot be saved
    // helps nobody.
    if (auto why = sync::Replica(db()).check(changes.front(), author())) throw bad_input(*why);
    const std::string id = nominal_id(visit.nominal_ref);
    const Date today = london_date(now());
    auto plan = db().prepare(
        "SELECT double_crewed, unannounced_required FROM plans WHERE nominal_id = ? AND "
        "started_on <= ? ORDER BY started_on DESC, id DESC LIMIT 1");
    plan.bind_all(id, format_date(today));
    VisitAtTheDoor door;
    door.nominal_ref = visit.nominal_ref;
    std::vector<std::string> attendees = visit.attendees;
    std::sort(attendees.begin(), attendees.end());
    attendees.erase(std::unique(attendees.begin(), attendees.end()), attendees.end());
    door.attendees = static_cast<int>(attendees.size());
    door.announced = visit.announced;
    door.outcome = visit.outcome;
    if (plan.step()) {
      door.plan_double_crewed = plan.column_int(0) != 0;
      door.plan_unannounced = plan.column_int(1) != 0;
    }
    if (is_failed_entry(visit.outcome)) {
      // Failed entries since the nominal was last seen at a visit.
      auto failed = db().prepare(
          "SELECT count(*) FROM failed_entries WHERE nominal_id = ?1 AND attempted_at > "
          "coalesce((SELECT max(occurred_at) FROM effective_visits WHERE nominal_id = ?1 AND "
          "outcome = 'seen'), '')");
      failed.bind(1, id);
      failed.step();
      door.failed_entries_before = static_cast<int>(failed.column_int(0));
    }
    return vigil::visit_warnings(door, store::policy_in_force(db(), today));
  }
};

// ---------------------------------------------------------------------------------------------

store::Database open_store(const std::filesystem::path& path, const std::string& password) {
  const auto stored = StoreKey::read(path);
  if (!stored) {
    throw TabletError(Problem::not_enrolled, "No sealed store's key file is at " +
                                                 StoreKey::path_for(path).string() + ".");
  }
  const auto key = stored->unwrap(password);
  if (!key) {
    throw TabletError(Problem::wrong_password,
                      "That is not the password of the store at " + path.string() + ".");
  }
  return open_sealed(path, *key);
}

Tablet::Tablet(const std::filesystem::path& path, Clock clock)
    : impl_(std::make_unique<Impl>(path, std::move(clock))) {}

Tablet::~Tablet() = default;

SyncReport Tablet::enrol(const std::string& server_url, const std::string& username,
                         const std::string& password, const std::string& device_name,
                         const LinkOptions& link) {
  auto& m = *impl_;
  if (m.enrolled()) {
    const auto stored = StoreKey::read(m.path);
    const auto plain = stored ? std::nullopt : m.plain_enrolment();
    const std::string who = stored ? stored->username() : plain ? plain->second : "";
    const std::string where = stored ? stored->server() : plain ? plain->first : "";
    throw TabletError(Problem::bad_input, "This tablet is already enrolled for " + who + " with " +
                                              where + "; use a new store to enrol again.");
  }
  if (username.empty()) throw bad_input("the username is empty");
  parse_server_url(server_url);  // refused here, before anything is kept, when malformed
  // What an interrupted enrolment left has no key and holds nothing anyone can read; a key file
  // whose store has gone has nothing to open.
  remove_store_files(m.path);
  StoreKey::destroy(m.key_path());
  m.unlocked = std::make_unique<Impl::Unlocked>(m.path, base::SecretKey::random(), true);
  m.last_used = m.now();
  m.restore_clock();
  m.state().set(kServer, server_url);
  sync::Enrolment enrolment;
  try {
    enrolment = m.with_client(link, [&](sync::SyncClient& client) {
      return client.sign_in(username, password, device_name);
    });
    store::Transaction transaction(m.db());
    m.state().keep_enrolment(enrolment, username);
    if (!link.ca_file.empty()) {
      m.state().set(kCaFile, std::filesystem::absolute(link.ca_file).string());
    }
    transaction.commit();
    // The key file last: a store is enrolled once it has one. The password the server has just
    // accepted is the one that unlocks the tablet offline.
    StoreKey(m.unlocked->key, password, server_url, username,
             Policy{}.tablet_wrong_passwords_before_wipe)
        .write(m.key_path());
  } catch (...) {
    m.unlocked.reset();
    remove_store_files(m.path);
    throw;
  }
  SyncReport report = m.sync_all(link);
  m.follow_policy();
  m.officer_id();
  return report;
}

void Tablet::lock() {
  impl_->require_enrolled();
  impl_->unlocked.reset();
  impl_->kept_link.reset();
}

void Tablet::unlock(const std::string& password) {
  auto& m = *impl_;
  m.require_enrolled();
  m.unlocked.reset();
  auto stored = StoreKey::read(m.path);
  if (!stored) {
    m.upgrade(password);
    return;
  }
  m.open_with(m.unwrap_counted(*stored, password,
                               "That is not the password this tablet was enrolled with; the "
                               "tablet stays locked"));
}

void Tablet::resume(const base::SecretKey& key) {
  auto& m = *impl_;
  m.require_enrolled();
  try {
    m.open_with(key);
  } catch (const Error&) {
    m.unlocked.reset();
    throw TabletError(Problem::locked, "The tablet is locked: unlock it first with your password.");
  }
}

const base::SecretKey& Tablet::store_key() {
  impl_->require_unlocked();
  return impl_->unlocked->key;
}

std::chrono::seconds Tablet::idle_limit() const {
  return impl_->idle_limit;
}

void Tablet::change_password(const std::string& current, const std::string& next) {
  auto& m = *impl_;
  m.require_unlocked();
  if (auto problem = base::password_problem(next)) throw bad_input(*problem);
  auto stored = StoreKey::read(m.path);
  if (!stored) {
    throw TabletError(Problem::not_enrolled,
                      "The tablet's key file " + m.key_path().string() + " is missing.");
  }
  // A guess here counts as at the unlock: an unlocked tablet in a thief's hands is no oracle.
  m.unwrap_counted(*stored, current, "That is not the tablet's current password; it is unchanged");
  stored = StoreKey::read(m.path);
  // The same key, wrapped again: not a page of the store is rewritten.
  stored->rewrap(m.unlocked->key, next);
  stored->write(m.key_path());
}

SyncReport Tablet::sync(const LinkOptions& link, Asked asked) {
  auto& m = *impl_;
  m.require_unlocked(asked == Asked::by_officer);
  SyncReport report = m.sync_all(link);
  m.follow_policy();
  return report;
}

std::vector<reports::CaseloadEntry> Tablet::caseload(Date as_of) {
  impl_->require_unlocked();
  return impl_->caseload(as_of);
}

NominalRecord Tablet::show(const std::string& nominal_ref, const std::string& reason) {
  auto& m = *impl_;
  m.require_unlocked();
  const std::string id = m.nominal_id(nominal_ref);
  if (is_blank(reason)) {
    throw bad_input("say why you are opening " + nominal_ref +
                    "'s record: each look at it is recorded with its reason");
  }
  // The read is recorded before anything is shown. The chain's head is read inside the write
  // transaction, so two reads at once cannot both take the same place in it.
  {
    sync::Replica replica(m.db());
    store::Transaction transaction(m.db());
    m.restore_clock();
    sync::ReadEvent event;
    event.device_id = m.state().get(kDeviceId).value_or("");
    event.chain_index = std::stoll(m.state().get(kReadChainIndex).value_or("0"));
    event.prev_hash = m.state().get(kReadChainHash).value_or("");
    event.nominal_id = id;
    event.occurred_at = format_instant(m.now());
    event.reason = reason;
    const auto key = m.state().get(kReadChainKey);
    const std::string hash = sync::read_event_link(event, key);
    const Change read =
        m.make_change("read_event", base::make_time_ordered_uuid(), Operation::append,
                      {{"nominal_id", id},
                       {"occurred_at", event.occurred_at},
                       {"reason", reason},
                       {"chain_index", std::to_string(event.chain_index)},
                       {"prev_hash", event.prev_hash},
                       {"hash", hash}});
    if (auto refused = replica.record(read, m.author())) throw bad_input(*refused);
    m.state().add_to_outbox(read);
    m.state().set(kReadChainIndex, std::to_string(event.chain_index + 1));
    m.state().set(kReadChainHash, hash);
    // The key that made this link is overwritten (secure_delete): it cannot make it again.
    if (key) m.state().set(kReadChainKey, sync::next_chain_key(*key));
    m.state().keep_clock(m.hlc);
    transaction.commit();
  }
  // The page that held the spent key has an earlier version in the log: the log is emptied into
  // the store (where secure_delete zeroed the key) and cut back, so cutting the log short on disk
  // cannot bring the spent key back.
  m.db().execute("PRAGMA wal_checkpoint(TRUNCATE)");
  NominalRecord record;
  static_cast<sync::NominalRecord&>(record) = sync::read_nominal_record(m.db(), id);
  for (auto& entry : m.caseload(london_date(m.now()))) {
    if (entry.nominal_id == id) record.due.push_back(std::move(entry));
  }
  return record;
}

std::vector<VisitWarning> Tablet::visit_warnings(const VisitInput& visit) {
  impl_->require_unlocked();
  return impl_->visit_warnings(visit);
}

Recorded Tablet::record_visit(const VisitInput& visit) {
  auto& m = *impl_;
  m.require_unlocked();
  const auto changes = m.visit_changes(visit);
  Recorded recorded;
  recorded.warnings = m.visit_warnings(visit, changes);
  m.require_reasons(recorded.warnings, changes.front().fields);
  recorded.id = changes.front().entity_id;
  m.record(changes);
  return recorded;
}

Recorded Tablet::amend_visit(const std::string& visit_id, const std::string& reason,
                             const FieldValues& changes) {
  auto& m = *impl_;
  m.require_unlocked();
  if (reason.empty()) throw bad_input("an amendment needs its reason (--reason)");
  if (changes.empty()) throw bad_input("the amendment changes nothing: name a field to amend");
  if (!sync::Replica(m.db()).fields_of("visit", visit_id)) {
    throw bad_input("this tablet holds no visit with id " + visit_id);
  }
  // Each amended value is checked as the server checks it (a visit's field, a visit's value)
  // when the amendment is recorded; a visit cannot be amended to a time that has not come.
  if (const auto at = changes.find("occurred_at"); at != changes.end() && at->second) {
    if (const auto instant = parse_instant(*at->second)) m.require_happened(*instant);
  }
  return m.record_fact("visit_amendment", {{"visit_id", visit_id},
                                           {"reason", reason},
                                           {"changes", sync::encode_fields(changes)},
                                           {"amended_at", format_instant(m.now())}});
}

Recorded Tablet::update_nominal(const std::string& nominal_ref, const FieldValues& values) {
  auto& m = *impl_;
  m.require_unlocked();
  if (values.empty()) throw bad_input("name a field to change (--set FIELD=VALUE)");
  const std::string id = m.nominal_id(nominal_ref);
  const auto current = sync::Replica(m.db()).fields_of("nominal", id).value_or(FieldValues{});
  FieldValues base;
  for (const auto& [field, value] : values) {
    const auto found = current.find(field);
    if (found == current.end()) throw bad_input("'" + field + "' is not a field of a nominal");
    base[field] = found->second;
  }
  return m.record_update("nominal", id, values, std::move(base));
}

Recorded Tablet::record_breach(const std::string& nominal_ref, const std::string& order,
                               const std::string& condition, const std::string& action) {
  auto& m = *impl_;
  m.require_unlocked();
  const std::string nominal = m.nominal_id(nominal_ref);
  auto orders =
      m.db().prepare("SELECT id FROM orders WHERE nominal_id = ? AND (id = ? OR kind = ?)");
  orders.bind_all(nominal, order, order);
  const auto found =
      rows_of(orders, [](const store::Statement& row) { return row.column_text(0); });
  if (found.empty()) {
    throw bad_input(nominal_ref + " has no order '" + order + "' on this tablet");
  }
  if (found.size() > 1) {
    throw bad_input(nominal_ref + " has " + std::to_string(found.size()) + " orders of kind '" +
                    order + "': name the order by its id");
  }
  // A condition named by its id, or by its words as the order has them, is linked to the order's
  // own condition; other words are kept as the officer wrote them.
  FieldValues fields{{"nominal_id", nominal},
                     {"order_id", found.front()},
                     {"condition_text", condition},
                     {"occurred_at", format_instant(m.now())},
                     {"action_taken", action}};
  auto named = m.db().prepare(
      "SELECT id, text FROM order_conditions WHERE order_id = ?1 AND (id = ?2 OR lower(text) = "
      "lower(?2)) ORDER BY id = ?2 DESC LIMIT 1");
  named.bind_all(found.front(), condition);
  if (named.step()) {
    fields["condition_id"] = named.column_text(0);
    fields["condition_text"] = named.column_text(1);
  }
  return m.record_fact("breach", std::move(fields));
}

Recorded Tablet::follow_up_breach(const std::string& breach_id, const std::string& action,
                                  const std::string& status) {
  auto& m = *impl_;
  m.require_unlocked();
  return m.record_fact("breach_follow_up", {{"breach_id", breach_id},
                                            {"followed_up_at", format_instant(m.now())},
                                            {"action_taken", action},
                                            {"status", status}});
}

Recorded Tablet::correct(const std::string& change_id, const FieldValues& corrections) {
  auto& m = *impl_;
  m.require_unlocked();
  // Until the scope is taken afresh the store still shows the refused change as made.
  if (m.state().get(kNeedsResync) == "1") {
    throw bad_input(
        "the tablet has not yet taken its scope again since the server refused a "
        "change: sync, then correct it");
  }
  auto rejected = m.state().rejected_change(change_id);
  if (!rejected) throw bad_input("no change the server rejected has the id '" + change_id + "'");
  // A read of a record is a link of the read audit's chain: it is never made again.
  if (rejected->entity == "read_event") {
    throw bad_input("a read of a record is kept as it was read, never corrected: let it go");
  }
  const auto* spec = sync::find_entity(rejected->entity);
  FieldValues fields = rejected->fields;
  for (const auto& [name, value] : corrections) {
    if (spec == nullptr || spec->field(name) == nullptr) {
      throw bad_input("'" + name + "' is not a field of " + rejected->entity);
    }
    // What the record hangs from is not the officer's to move by a correction.
    if (name == spec->parent_field && fields[name] != value) {
      throw bad_input(name + " cannot be corrected: record it again against the other record");
    }
    // What the tablet stamped (when it was recorded, what an amendment changed) is not the
    // officer's words; only a visit's time is theirs to give.
    if (is_stamped(rejected->entity, name) && fields[name] != value) {
      throw bad_input(name + " is stamped by the tablet and cannot be corrected");
    }
    fields[name] = value;
  }
  // A visit corrected is checked as a visit recorded at the door: its time, and the reason each
  // warning asks for.
  if (rejected->entity == "visit") m.check_visit_again(fields);
  FieldValues base;
  if (rejected->operation == Operation::update) {
    // An update carries only what is corrected, against what the tablet holds now, taken afresh
    // from the server: a field the officer did not touch never overwrites a newer edit.
    if (corrections.empty()) throw bad_input("name what to correct");
    fields = corrections;
    const auto current = sync::Replica(m.db())
                             .fields_of(rejected->entity, rejected->entity_id)
                             .value_or(FieldValues{});
    for (const auto& [name, value] : fields) {
      const auto found = current.find(name);
      base[name] = found == current.end() ? std::nullopt : found->second;
    }
  }
  Recorded recorded;
  recorded.id = rejected->entity_id;
  m.record({m.make_change(rejected->entity, rejected->entity_id, rejected->operation,
                          std::move(fields), std::move(base))},
           change_id);
  return recorded;
}

void Tablet::let_go(const std::string& change_id) {
  auto& m = *impl_;
  m.require_unlocked();
  if (!m.state().rejected_change(change_id)) {
    throw bad_input("no change the server rejected has the id '" + change_id + "'");
  }
  m.state().forget_rejected(change_id);
}

Recorded Tablet::record_trace(const std::string& suspect_ref, const std::string& note) {
  auto& m = *impl_;
  m.require_unlocked();
  return m.record_fact("trace_enquiry", {{"suspect_id", m.suspect_id(suspect_ref)},
                                         {"occurred_at", format_instant(m.now())},
                                         {"note", note}});
}

Recorded Tablet::record_encounter(const EncounterInput& encounter) {
  auto& m = *impl_;
  m.require_unlocked();
  std::vector<Change> changes;
  auto known = m.db().prepare("SELECT id FROM young_people WHERE number = ?");
  known.bind_all(encounter.young_person);
  std::string young_person_id;
  if (known.step()) {
    young_person_id = known.column_text(0);
  } else {
    auto team = m.db().prepare(
        "SELECT t.name FROM officers o JOIN teams t ON t.id = o.team_id WHERE o.id = ?");
    team.bind_all(m.officer_id());
    if (!team.step()) throw bad_input("this tablet does not know its officer's team");
    young_person_id = base::make_time_ordered_uuid();
    changes.push_back(m.make_change("young_person", young_person_id, Operation::create,
                                    {{"number", encounter.young_person},
                                     {"home_area", encounter.home_area},
                                     {"team", team.column_text(0)}}));
  }
  known.reset();
  Recorded recorded;
  recorded.id = base::make_time_ordered_uuid();
  // The encounter's own reference, readable over the radio: ENC- and the start of its id.
  std::string ref = "ENC-" + recorded.id.substr(0, 8);
  for (auto& c : ref) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  changes.push_back(
      m.make_change("encounter", recorded.id, Operation::append,
                    {{"young_person_id", young_person_id},
                     {"ref", ref},
                     {"occurred_at", format_instant(m.now())},
                     {"place", encounter.place},
                     {"criminal_exploitation", encounter.criminal_exploitation ? "yes" : "no"},
                     {"sexual_exploitation", encounter.sexual_exploitation ? "yes" : "no"},
                     {"markers", encounter.markers}}));
  m.record(std::move(changes));
  return recorded;
}

Recorded Tablet::chase_referral(const std::string& referral_id, const std::string& note) {
  auto& m = *impl_;
  m.require_unlocked();
  return m.record_fact("referral_chase", {{"referral_id", referral_id},
                                          {"chased_on", format_date(london_date(m.now()))},
                                          {"note", note}});
}

std::vector<OfficerEntry> Tablet::officers() {
  auto& m = *impl_;
  m.require_unlocked();
  const std::string me = m.state().get(kUsername).value_or("");
  auto s = m.db().prepare(
      "SELECT o.username, o.name, coalesce(t.name, ''), o.active FROM officers o "
      "LEFT JOIN teams t ON t.id = o.team_id "
      "ORDER BY o.username <> ?1, o.team_id IS NOT (SELECT team_id FROM officers WHERE "
      "username = ?1), o.name, o.username");
  s.bind_all(me);
  return rows_of(s, [](const store::Statement& row) {
    return OfficerEntry{row.column_text(0), row.column_text(1), row.column_text(2),
                        row.column_int(3) != 0};
  });
}

std::vector<SuspectRecord> Tablet::suspects() {
  auto& m = *impl_;
  m.require_unlocked();
  sync::Replica replica(m.db());
  auto s = m.db().prepare("SELECT id FROM suspects ORDER BY harm, outstanding_since, ref");
  return rows_of(s, [&](const store::Statement& row) {
    const std::string id = row.column_text(0);
    SuspectRecord record{replica.fields_of("suspect", id).value_or(FieldValues{}),
                         replica.children_of("trace_enquiry", id),
                         replica.children_of("suspect_action", id)};
    record.suspect["id"] = id;
    return record;
  });
}

std::vector<ReturnedItem> Tablet::returned() {
  auto& m = *impl_;
  m.require_unlocked();
  const std::string me = m.officer_id();
  // The latest decision on each subject, by the supervisor's time and then its id; returned ones
  // only. The subject's nominal, and whether the work is the officer's, by the subject's kind.
  auto s = m.db().prepare(
      "SELECT d.id, d.subject, d.subject_id, d.comment, d.decided_at, coalesce(nv.ref, na.ref, "
      "np.ref, nx.ref, nb.ref, ''), CASE d.subject WHEN 'visit' THEN EXISTS (SELECT 1 FROM "
      "visit_attendees a WHERE a.visit_id = d.subject_id AND a.officer_id = ?1) WHEN "
      "'plan_action' THEN coalesce(x.owner_id = ?1 OR nx.officer_id = ?1, 0) ELSE "
      "coalesce(na.officer_id = ?1 OR np.officer_id = ?1 OR nb.officer_id = ?1, 0) END FROM "
      "review_decisions d LEFT JOIN visits v ON d.subject = 'visit' AND v.id = d.subject_id LEFT "
      "JOIN nominals nv ON nv.id = v.nominal_id LEFT JOIN assessments a ON d.subject = "
      "'assessment' AND a.id = d.subject_id LEFT JOIN nominals na ON na.id = a.nominal_id LEFT "
      "JOIN plans p ON d.subject = 'plan' AND p.id = d.subject_id LEFT JOIN nominals np ON np.id "
      "= p.nominal_id LEFT JOIN plan_actions x ON d.subject = 'plan_action' AND x.id = "
      "d.subject_id LEFT JOIN plans xp ON xp.id = x.plan_id LEFT JOIN nominals nx ON nx.id = "
      "xp.nominal_id LEFT JOIN breaches b ON d.subject = 'breach' AND b.id = d.subject_id LEFT "
      "JOIN nominals nb ON nb.id = b.nominal_id WHERE d.decision = 'returned' AND NOT EXISTS "
      "(SELECT 1 FROM review_decisions e WHERE e.subject_id = d.subject_id AND e.subject = "
      "d.subject AND (e.decided_at > "
      "d.decided_at OR (e.decided_at = d.decided_at AND e.id > d.id))) ORDER BY d.decided_at, "
      "d.id");
  s.bind_all(me);
  auto all = rows_of(s, [&](const store::Statement& row) {
    ReturnedItem item{row.column_text(0),    row.column_text(1), row.column_text(2),
                      row.column_text(3),    row.column_text(4), row.column_text(5),
                      row.column_int(6) != 0};
    // A rejected change is the officer's when this tablet sent it.
    if (item.subject == "change") {
      item.mine = m.state().rejected_change(item.subject_id).has_value();
    }
    return item;
  });
  std::stable_partition(all.begin(), all.end(), [](const ReturnedItem& r) { return r.mine; });
  return all;
}

Recorded Tablet::record_assessment(const std::string& nominal_ref, RiskLevel risk_level,
                                   const std::string& risk_factors,
                                   const std::string& protective_factors) {
  auto& m = *impl_;
  m.require_unlocked();
  return m.record_fact("assessment", {{"nominal_id", m.nominal_id(nominal_ref)},
                                      {"assessed_on", format_date(london_date(m.now()))},
                                      {"risk_level", std::string(to_string(risk_level))},
                                      {"risk_factors", risk_factors},
                                      {"protective_factors", protective_factors}});
}

Recorded Tablet::update_action(const std::string& action_id, const std::string& status) {
  auto& m = *impl_;
  m.require_unlocked();
  const auto current = sync::Replica(m.db()).fields_of("plan_action", action_id);
  if (!current) throw bad_input("this tablet holds no plan action with id " + action_id);
  // Only what changes travels, each with the value the officer saw (the base) for the merge.
  FieldValues values, base;
  const auto set = [&](const std::string& field, std::optional<std::string> value) {
    if (current->at(field) == value) return;
    base[field] = current->at(field);
    values[field] = std::move(value);
  };
  set("status", status);
  set("completed_on",
      status == "done" ? std::optional(format_date(london_date(m.now()))) : std::nullopt);
  if (values.empty()) throw bad_input("the action is " + status + " already");
  return m.record_update("plan_action", action_id, std::move(values), std::move(base));
}

TabletStatus Tablet::status() {
  auto& m = *impl_;
  TabletStatus status;
  status.enrolled = m.enrolled();
  if (!status.enrolled) return status;
  status.locked = !m.unlocked;
  if (status.locked) {
    // Locked, the tablet says whose it is and nothing that is inside the store.
    if (const auto stored = StoreKey::read(m.path)) {
      status.server = stored->server();
      status.officer = stored->username();
    } else if (const auto plain = m.plain_enrolment()) {
      std::tie(status.server, status.officer) = *plain;
    }
    return status;
  }
  if (m.now() - m.last_used > m.idle_limit) {
    m.unlocked.reset();  // the idle time ran out: locked, as require_unlocked would find it
    status.locked = true;
    return status;
  }
  status.scope_complete = m.state().get(kScopeTaken) == "1";
  status.server = m.state().get(kServer).value_or("");
  status.officer = m.state().get(kUsername).value_or("");
  status.device_id = m.state().get(kDeviceId).value_or("");
  status.role = m.author().role;
  status.pending = m.state().outbox_count("pending");
  status.last_sync_at = m.state().get(kLastSync);
  status.rejected = m.state().rejected_changes();
  status.set_aside = m.state().set_aside_records();
  for (auto& c : m.state().kept_conflicts()) {
    if (c.status == "open") status.open_conflicts.push_back(std::move(c));
  }
  return status;
}

}  // namespace vigil::mobile
