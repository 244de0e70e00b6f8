#include "vigil/mobile/tablet.hpp"

#include <algorithm>
#include <thread>
#include <tuple>

#include "device_state.hpp"
#include "server_link.hpp"
#include "vigil/core/error.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/json.hpp"
#include "vigil/core/migrate.hpp"
#include "vigil/core/overdue_report.hpp"
#include "vigil/core/password.hpp"
#include "vigil/core/policy.hpp"
#include "vigil/core/text.hpp"
#include "vigil/core/url.hpp"
#include "vigil/core/visit_rules.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/read_audit.hpp"
#include "vigil/sync/replica.hpp"

namespace vigil::mobile {
namespace {

using sync::Change;
using sync::FieldValues;
using sync::Operation;

// Changes sent in one push: small enough that a push over a poor connection finishes.
constexpr int kPushBatch = 200;
// A visit recorded later than this after the tablet's clock is refused: it has not happened.
constexpr auto kFutureSlack = std::chrono::minutes(5);

std::string sentence(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  if (!text.empty() && text.back() != '.') text += '.';
  return text;
}

TabletError bad_input(const std::string& message) {
  return TabletError(Problem::bad_input, sentence(message));
}

// The "error" member of a JSON error answer, found in the text (the server's codes are plain
// words, so the member cannot be confused with anything inside a string).
bool error_code_is(const std::string& body, std::string_view code) {
  return body.find("\"error\":\"" + std::string(code) + "\"") != std::string::npos;
}

}  // namespace

struct Tablet::Impl {
  std::filesystem::path path;
  Clock clock;
  store::Database db;
  DeviceState state{db};
  sync::HybridClock hlc{[this] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock().time_since_epoch())
        .count();
  }};

  Impl(const std::filesystem::path& p, Clock c)
      : path(p),
        clock(c ? std::move(c) : Clock([] {
          return std::chrono::time_point_cast<std::chrono::seconds>(
              std::chrono::system_clock::now());
        })),
        db(open(p)) {
    restore_clock();
  }

  static store::Database open(const std::filesystem::path& p) {
    // A tablet commits each record the officer makes as soon as it is made: full durability.
    store::Database db(p);
    store::migrate(db);
    return db;
  }

  Instant now() const { return clock(); }

  // Another process may have used the store since this one opened it (vigil-field runs each
  // command as a process of its own): its last stamp is taken in, so stamps never go back.
  void restore_clock() {
    if (auto last = state.get(kClock)) {
      if (auto stamp = sync::parse_stamp(*last)) hlc.observe(*stamp);
    }
  }

  bool enrolled() { return state.get(kToken).has_value(); }
  void require_enrolled() {
    if (!enrolled()) {
      throw TabletError(Problem::not_enrolled,
                        "This tablet is not enrolled with a server yet: enrol it first.");
    }
  }
  void require_unlocked() {
    require_enrolled();
    if (state.get(kLocked) == "1") {
      throw TabletError(Problem::locked, "The tablet is locked: unlock it with your password.");
    }
  }

  sync::Author author() {
    return {officer_id(),
            parse_enum<Role>(state.get(kRole).value_or("officer")).value_or(Role::officer),
            state.get(kDeviceId).value_or("")};
  }

  // The officer's own id, which arrives with the scope's officers: kept once known.
  std::string officer_id() {
    if (auto known = state.get(kOfficerId)) return *known;
    auto s = db.prepare("SELECT id FROM officers WHERE username = ?");
    s.bind_all(state.get(kUsername).value_or(""));
    if (!s.step()) {
      throw TabletError(Problem::not_enrolled,
                        "This tablet has not yet received its scope: sync it before recording.");
    }
    const std::string id = s.column_text(0);
    state.set(kOfficerId, id);
    return id;
  }

  // ---- changes the officer makes

  Change make_change(std::string entity, std::string entity_id, Operation operation,
                     FieldValues fields, FieldValues base = {}) {
    Change c;
    c.change_id = make_time_ordered_uuid();
    c.device_id = state.get(kDeviceId).value_or("");
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
  void record(std::vector<Change> changes) {
    sync::Replica replica(db);
    store::Transaction transaction(db);
    // Stamped inside the write transaction, after the last stamp any process gave on this store.
    restore_clock();
    for (auto& change : changes) change.clock = sync::format_stamp(hlc.now());
    const auto who = author();
    for (const auto& change : changes) {
      const std::string reason = replica.record(change, who);
      if (!reason.empty()) throw bad_input(reason);
      state.add_to_outbox(change);
    }
    state.set(kClock, sync::format_stamp(hlc.last()));
    transaction.commit();
  }

  // ---- finding what the officer names

  std::string nominal_id(const std::string& ref) {
    auto s = db.prepare("SELECT id FROM nominals WHERE ref = ?");
    s.bind_all(ref);
    if (!s.step())
      throw bad_input("no nominal in this tablet's scope has the reference '" + ref + "'");
    return s.column_text(0);
  }

  std::string suspect_id(const std::string& ref) {
    auto s = db.prepare("SELECT id FROM suspects WHERE ref = ?");
    s.bind_all(ref);
    if (!s.step())
      throw bad_input("no suspect in this tablet's scope has the reference '" + ref + "'");
    return s.column_text(0);
  }

  // ---- talking to the server

  ServerLink link(const LinkOptions& options) {
    return ServerLink(parse_server_url(state.get(kServer).value_or("")), options);
  }

  // One exchange, tried again with a growing pause while the server cannot be reached or says it
  // is unavailable. A device the server has revoked is wiped here, whatever was asked.
  Reply call(ServerLink& server, const LinkOptions& options, std::string_view method,
             const std::string& target, const std::string& body = {}) {
    auto backoff = options.first_backoff;
    const std::string token = state.get(kToken).value_or("");
    for (int attempt = 1;; ++attempt) {
      std::string failure;
      try {
        Reply reply = server.exchange(method, target, body, token);
        // Revocation is the one answer every version of the protocol keeps: a lost tablet is
        // wiped whatever the server it reaches speaks.
        if (reply.status == 401 && error_code_is(reply.body, "device_revoked")) wipe();
        require_same_protocol(reply);
        if (reply.status < 500 || attempt >= options.attempts) return reply;
        failure = "it answered " + std::to_string(reply.status);
      } catch (const LinkFailure& error) {
        failure = error.what();
      }
      if (attempt >= options.attempts) {
        throw TabletError(Problem::unreachable,
                          "Cannot reach the server at " + state.get(kServer).value_or("") + " (" +
                              failure + "); everything recorded stays on the tablet.");
      }
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
  }

  // An answer in another version of the sync protocol may mean something else: nothing of it is
  // used, and the officer is told which program to update. A server that names no version
  // speaks the first.
  static void require_same_protocol(const Reply& reply) {
    const std::string ours = std::to_string(sync::kProtocolVersion);
    if (reply.status == 426 && (reply.protocol.empty() || reply.protocol == ours)) {
      throw TabletError(Problem::refused, "The server refused this tablet's sync protocol " + ours +
                                              ": update vigil-field (or the server) so the two "
                                              "agree; everything recorded stays on the tablet.");
    }
    if (reply.status == 426 || (!reply.protocol.empty() && reply.protocol != ours)) {
      throw TabletError(
          Problem::refused,
          "The server speaks sync protocol " +
              (reply.protocol.empty() ? std::string("1") : reply.protocol.substr(0, 20)) +
              " and this tablet " + ours +
              ": update vigil-field (or the server) so the two agree; everything "
              "recorded stays on the tablet.");
    }
  }

  [[noreturn]] void refused(const Reply& reply, const std::string& what) {
    if (reply.status == 401) {
      throw TabletError(Problem::refused,
                        "The server no longer accepts this tablet's sign-in: enrol it again "
                        "with a new store (what is waiting to go up is still in this one).");
    }
    throw TabletError(Problem::refused, "The server refused " + what + " (HTTP " +
                                            std::to_string(reply.status) +
                                            "): " + reply.body.substr(0, 300));
  }

  // The server revoked this device: nothing of the force's may stay on it.
  [[noreturn]] void wipe() {
    const int pending = state.outbox_count("pending");
    const std::string server = state.get(kServer).value_or("the server");
    db = store::Database(path.string() + ".wiping");  // let go of the store's files
    std::error_code failed;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(path.string() + suffix, ec);
      if (ec) failed = ec;
    }
    db = open(path);
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ignored;
      std::filesystem::remove(path.string() + ".wiping" + suffix, ignored);
    }
    if (failed) {
      // The files could not be deleted: empty every table instead, so nothing of the force's
      // stays in them, and say so.
      {
        store::Transaction transaction(db);
        db.execute("PRAGMA defer_foreign_keys = ON");
        std::vector<std::string> tables;
        auto names = db.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        while (names.step()) tables.push_back(names.column_text(0));
        for (const auto& table : tables) db.execute("DELETE FROM \"" + table + "\"");
        transaction.commit();
      }
      db.execute("VACUUM");
      throw TabletError(Problem::wiped, server + " has revoked this tablet, but its store '" +
                                            path.string() + "' could not be deleted (" +
                                            failed.message() + "); it has been emptied instead.");
    }
    throw TabletError(
        Problem::wiped,
        server + " has revoked this tablet, so its store has been wiped" +
            (pending > 0 ? ", with " + counted(pending, "change") + " not yet synced" : "") +
            ". Enrol it again to use it.");
  }

  void push(ServerLink& server, const LinkOptions& options, SyncReport& report) {
    int size = kPushBatch;
    for (;;) {
      const auto batch = state.pending_changes(size);
      if (batch.empty()) return;
      sync::PushRequest request;
      request.changes = batch;
      request.pending = state.outbox_count("pending") - static_cast<int>(batch.size());
      request.device_time = format_instant(now());
      const Reply reply = call(server, options, "POST", "/api/v1/sync/push", encode(request));
      if (reply.status == 413 && size > 1) {
        size /= 2;  // long notes: send fewer at a time
        continue;
      }
      if (reply.status != 200) refused(reply, "the changes sent");
      sync::PushResponse response;
      try {
        response = sync::decode_push_response(reply.body);
      } catch (const sync::WireError& error) {
        throw TabletError(
            Problem::refused,
            std::string("The server's answer to a push was not understood: ") + error.what() + ".");
      }
      report.pushed += static_cast<int>(batch.size());
      int answered = 0;
      store::Transaction transaction(db);
      for (const auto& outcome : response.outcomes) {
        const auto made = std::find_if(batch.begin(), batch.end(), [&](const Change& c) {
          return c.change_id == outcome.change_id;
        });
        if (made == batch.end()) continue;
        // A repeat must say how the change first went; without that it stays to be sent again.
        if (outcome.outcome == sync::Outcome::duplicate && !outcome.first_outcome) continue;
        ++answered;
        const auto first =
            outcome.outcome == sync::Outcome::duplicate ? *outcome.first_outcome : outcome.outcome;
        if (outcome.outcome == sync::Outcome::duplicate) ++report.duplicates;
        if (first == sync::Outcome::rejected) {
          ++report.rejected;
          report.rejections.push_back(made->entity + " " + made->entity_id + ": " + outcome.reason);
          state.reject(outcome.change_id, outcome.reason);
          // The tablet shows what the server refused: take the scope afresh so it holds what
          // the server holds, while the outbox keeps the change and its reason for the officer.
          state.set(kNeedsResync, "1");
        } else {
          if (outcome.outcome == sync::Outcome::applied) ++report.applied;
          if (first == sync::Outcome::conflict) ++report.conflicts;
          state.acknowledge(outcome.change_id);
        }
      }
      transaction.commit();
      if (answered == 0) {
        throw TabletError(Problem::refused,
                          "The server answered a push without an outcome for any of its changes.");
      }
    }
  }

  // Pulls what changed after the cursor, or the whole scope when the tablet has none yet, has
  // drifted, or was interrupted while taking it.
  void pull(ServerLink& server, const LinkOptions& options, SyncReport& report) {
    // A cursor of 0 after a first sync means the server had no changes then; since=0 asks for
    // the whole scope, which is what following from 0 amounts to.
    bool whole = state.get(kScopeTaken) != "1" || state.get(kNeedsResync) == "1" ||
                 state.get(kResume).has_value() || state.cursor() == 0;
    if (state.get(kNeedsResync) == "1") {
      report.drift = "the server refused a change the tablet had shown";
    }
    for (int round = 0; round < 2; ++round) {
      std::string failure = whole ? take_scope(server, options, report) : "";
      // The pages of a whole scope are read one after another while other tablets write: what
      // they wrote meanwhile follows from the cursor the first page saw.
      if (failure.empty() && state.cursor() > 0) {
        failure = follow_changes(server, options, report);
      }
      if (failure.empty()) {
        const std::string theirs = state.get(kServerDigest).value_or("");
        if (theirs.empty() || theirs == sync::Replica(db).digest()) return;
        if (whole) {
          // What was set aside is what differs: shown by status, and tried again next time.
          if (!state.set_aside_records().empty()) return;
          throw TabletError(Problem::refused,
                            "The tablet's copy still differs from the server's after taking the "
                            "whole scope; ask the force's IT team to check the server.");
        }
        report.drift = "the tablet's copy differed from the server's (scope digest)";
      } else {
        if (whole) throw TabletError(Problem::refused, failure);
        report.drift = failure;
      }
      whole = true;
    }
  }

  sync::PullResponse fetch(ServerLink& server, const LinkOptions& options, std::int64_t since,
                           const std::string& resume) {
    std::string target = "/api/v1/sync/pull?since=" + std::to_string(since) +
                         "&limit=" + std::to_string(options.page_size);
    if (!resume.empty()) target += "&resume=" + query_escaped(resume);
    const Reply reply = call(server, options, "GET", target);
    if (reply.status != 200) refused(reply, "the pull");
    try {
      return sync::decode_pull_response(reply.body);
    } catch (const sync::WireError& error) {
      throw TabletError(Problem::refused, std::string("The server's answer to a pull was not "
                                                      "understood: ") +
                                              error.what() + ".");
    }
  }

  // Applies one page in one transaction with the cursor it reaches. An item the store cannot
  // take (a value it cannot read, a record naming one it does not hold) is set aside with why,
  // and the rest of the page goes in: one record never stops a tablet's syncs. Returns "" or why
  // the page as a whole could not be stored (it is then rolled back).
  std::string apply_page(const sync::PullResponse& page, bool clear_first,
                         const std::function<void()>& advance, SyncReport& report) {
    sync::Replica replica(db);
    const std::string now_text = format_instant(now());
    try {
      store::Transaction transaction(db);
      if (clear_first) {
        replica.clear();
        state.clear_set_aside();
      }
      for (const auto& item : page.items) {
        db.cached("SAVEPOINT item").run();
        std::string why;
        try {
          if (!replica.apply(item)) why = "the tablet does not hold what it names";
        } catch (const Error& error) {
          if (error.code() != ErrorCode::constraint) throw;
          why = std::string("the store refused it: ") + error.what();
        }
        if (!why.empty()) {
          db.execute("ROLLBACK TO item");
          db.execute("RELEASE item");
          state.set_aside(item.entity, item.entity_id, item.seq, why, now_text);
          ++report.set_aside;
          continue;
        }
        db.cached("RELEASE item").run();
        // A stamp from a device whose clock ran ahead would carry every later stamp of this
        // tablet with it: only stamps no further ahead than the server tolerates are taken in.
        if (auto stamp = sync::parse_stamp(item.clock)) {
          const auto local_ms =
              std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch())
                  .count();
          if (stamp->wall_ms <= local_ms + sync::kClockSkewLimitMs) hlc.observe(*stamp);
        }
        if (item.kind == sync::PullItem::Kind::purge) ++report.purged;
      }
      report.set_aside += set_aside_orphans(now_text);
      advance();
      state.set(kClock, sync::format_stamp(hlc.last()));
      if (!page.more) state.set(kServerDigest, page.digest);
      transaction.commit();
    } catch (const Error& error) {
      if (error.code() != ErrorCode::constraint) throw;
      return std::string("the tablet could not store a page the server sent: ") + error.what();
    }
    report.received += static_cast<int>(page.items.size());
    return "";
  }

  // While a scope is taken, records go in before their parents may have (foreign keys are
  // checked at commit): those whose parent never came are set aside, and then those below them.
  int set_aside_orphans(const std::string& now_text) {
    int count = 0;
    for (int round = 0; round < 8; ++round) {
      // entity, id, the table it names
      std::vector<std::tuple<std::string, std::string, std::string>> orphans;
      auto check = db.prepare("PRAGMA foreign_key_check");
      while (check.step()) {
        const std::string table = check.column_text(0);
        const sync::EntitySpec* spec = nullptr;
        for (const auto& e : sync::entities()) {
          if (e.table == table) spec = &e;
        }
        // A visit's attendees are checked as it is stored (Replica::apply), and go with it.
        if (spec == nullptr || check.is_null(1)) continue;
        auto id = db.prepare("SELECT id FROM " + std::string(spec->table) + " WHERE rowid = ?");
        id.bind_all(check.column_int(1));
        if (id.step())
          orphans.emplace_back(std::string(spec->name), id.column_text(0), check.column_text(2));
      }
      if (orphans.empty()) break;
      for (const auto& [entity, id, parent] : orphans) {
        sync::Replica(db).purge(entity, id);
        state.set_aside(entity, id, 0,
                        "it names a record (in " + parent + ") the tablet does not hold", now_text);
        ++count;
      }
    }
    return count;
  }

  std::string take_scope(ServerLink& server, const LinkOptions& options, SyncReport& report) {
    report.took_scope = true;
    // An interrupted first sync goes on from the page it reached.
    std::string resume = state.get(kResume).value_or("");
    bool first_page = resume.empty();
    for (;;) {
      const auto page = fetch(server, options, 0, resume);
      const std::string failure = apply_page(
          page, first_page,
          [&] {
            // Until the last page is in, the store holds part of the scope: the next sync takes it
            // on from where this one stopped, whatever happens meanwhile.
            if (first_page) state.erase(kScopeTaken);
            if (page.more) {
              state.set(kResume, page.resume);
            } else {
              state.erase(kResume);
              state.set_cursor(page.next);
              state.set(kScopeTaken, "1");
              state.erase(kNeedsResync);
            }
          },
          report);
      if (!failure.empty()) return failure;
      first_page = false;
      if (!page.more) return "";
      resume = page.resume;
    }
  }

  std::string follow_changes(ServerLink& server, const LinkOptions& options, SyncReport& report) {
    for (;;) {
      const auto page = fetch(server, options, state.cursor(), "");
      const std::string failure = apply_page(
          page, false, [&] { state.set_cursor(page.next); }, report);
      if (!failure.empty()) return failure;
      if (!page.more) return "";
    }
  }

  // The open conflicts on the scope's records, kept for the officer to see offline; a decided
  // one leaves the list, and its decision reaches the record through the pull.
  void refresh_conflicts(ServerLink& server, const LinkOptions& options, SyncReport& report) {
    const Reply reply = call(server, options, "GET", "/api/v1/conflicts?status=open");
    if (reply.status != 200) refused(reply, "the list of conflicts");
    std::vector<sync::ConflictRecord> conflicts;
    try {
      conflicts = sync::decode_conflicts(reply.body);
    } catch (const sync::WireError& error) {
      throw TabletError(Problem::refused, std::string("The server's list of conflicts was not "
                                                      "understood: ") +
                                              error.what() + ".");
    }
    store::Transaction transaction(db);
    state.keep_conflicts(conflicts);
    transaction.commit();
    report.open_conflicts = static_cast<int>(std::count_if(
        conflicts.begin(), conflicts.end(), [](const auto& c) { return c.status == "open"; }));
  }

  SyncReport sync_all(LinkOptions options) {
    // The authority the tablet was enrolled to trust, unless told otherwise.
    if (options.ca_file.empty()) options.ca_file = state.get(kCaFile).value_or("");
    SyncReport report;
    ServerLink server = link(options);
    push(server, options, report);
    pull(server, options, report);
    refresh_conflicts(server, options, report);
    state.set(kLastSync, format_instant(now()));
    return report;
  }

  // ---- the caseload

  std::vector<CaseloadEntry> caseload(Date as_of) { return vigil::caseload(db, as_of); }

  // ---- visits at the door

  // The visit's changes: the visit, and a failed entry when nobody answered or entry was refused.
  std::vector<Change> visit_changes(const VisitInput& visit) {
    if (visit.attendees.empty()) throw bad_input("name at least one officer who attended");
    const Instant at = visit.occurred_at.value_or(now());
    if (at > now() + kFutureSlack) {
      throw bad_input("the visit cannot have happened at " + format_instant(at) +
                      ", which is later than now");
    }
    const std::string nominal = nominal_id(visit.nominal_ref);
    std::string attendees;
    for (const auto& username : visit.attendees) {
      attendees += (attendees.empty() ? "" : ";") + username;
    }
    const std::string visit_id = make_time_ordered_uuid();
    std::vector<Change> changes{make_change("visit", visit_id, Operation::append,
                                            {{"nominal_id", nominal},
                                             {"occurred_at", format_instant(at)},
                                             {"recorded_at", format_instant(now())},
                                             {"announced", std::string(yes_no(visit.announced))},
                                             {"outcome", std::string(to_string(visit.outcome))},
                                             {"observations", visit.note},
                                             {"risk_change", visit.risk_change},
                                             {"attendees", attendees}})};
    if (failed_entry(visit.outcome)) {
      changes.push_back(make_change("failed_entry", make_time_ordered_uuid(), Operation::append,
                                    {{"nominal_id", nominal},
                                     {"visit_id", visit_id},
                                     {"attempted_at", format_instant(at)},
                                     {"reason", std::string(to_string(visit.outcome))}}));
    }
    return changes;
  }

  std::vector<std::string> visit_warnings(const VisitInput& visit) {
    return visit_warnings(visit, visit_changes(visit));
  }

  // The warnings about a visit whose changes are made already.
  std::vector<std::string> visit_warnings(const VisitInput& visit,
                                          const std::vector<Change>& changes) {
    // What the server would refuse is said first: a warning about a visit that cannot be saved
    // helps nobody.
    if (auto why = sync::Replica(db).check(changes.front(), author().role); !why.empty()) {
      throw bad_input(why);
    }
    const std::string id = nominal_id(visit.nominal_ref);
    std::vector<std::string> warnings;
    const Date today = london_date(now());
    const Policy policy = policy_in_force(db, today);
    auto plan = db.prepare(
        "SELECT double_crewed, unannounced_required FROM plans WHERE nominal_id = ? AND "
        "started_on <= ? ORDER BY started_on DESC, id DESC LIMIT 1");
    plan.bind_all(id, format_date(today));
    const bool has_plan = plan.step();
    // As the overdue rules judge crewing (core's visit_rules).
    const bool double_crewed = has_plan && plan.column_int(0) != 0;
    const int crew = required_crew(double_crewed, policy);
    std::vector<std::string> attendees = visit.attendees;
    std::sort(attendees.begin(), attendees.end());
    attendees.erase(std::unique(attendees.begin(), attendees.end()), attendees.end());
    const int present = static_cast<int>(attendees.size());
    if (under_crewed(present, double_crewed, policy)) {
      warnings.push_back("The plan for " + visit.nominal_ref + " requires " + std::to_string(crew) +
                         " officers at each visit; " + std::to_string(present) +
                         (present == 1 ? " is" : " are") + " recorded.");
    }
    if (visit.announced && has_plan && plan.column_int(1) != 0) {
      warnings.push_back("The plan for " + visit.nominal_ref +
                         " asks for unannounced visits; this one was pre-arranged.");
    }
    if (failed_entry(visit.outcome)) {
      // Failed entries since the nominal was last seen at a visit.
      auto failed = db.prepare(
          "SELECT count(*) FROM failed_entries WHERE nominal_id = ?1 AND attempted_at > "
          "coalesce((SELECT max(occurred_at) FROM visits WHERE nominal_id = ?1 AND "
          "outcome = 'seen'), '')");
      failed.bind(1, id);
      failed.step();
      const auto count = failed.column_int(0) + 1;
      if (warrant_may_be_sought(static_cast<int>(count))) {
        warnings.push_back("This is failed entry " + std::to_string(count) + " at " +
                           visit.nominal_ref +
                           " since the nominal was last seen: two or more allow a magistrate's "
                           "warrant to be sought.");
        static_assert(kFailedEntriesForWarrant == 2, "the warning says \"two or more\"");
      }
    }
    return warnings;
  }

  static bool failed_entry(VisitOutcome outcome) {
    return outcome == VisitOutcome::no_answer || outcome == VisitOutcome::refused;
  }
};

// ---------------------------------------------------------------------------------------------

Tablet::Tablet(const std::filesystem::path& path, Clock clock)
    : impl_(std::make_unique<Impl>(path, std::move(clock))) {}

Tablet::~Tablet() = default;

SyncReport Tablet::enrol(const std::string& server_url, const std::string& username,
                         const std::string& password, const std::string& device_name,
                         const LinkOptions& link) {
  auto& m = *impl_;
  if (m.enrolled()) {
    throw TabletError(Problem::bad_input, "This tablet is already enrolled for " +
                                              m.state.get(kUsername).value_or("") + " with " +
                                              m.state.get(kServer).value_or("") +
                                              "; use a new store to enrol again.");
  }
  if (username.empty()) throw bad_input("the username is empty");
  const ServerAddress address = parse_server_url(server_url);
  ServerLink server(address, link);
  JsonWriter body;
  body.begin_object()
      .field("username", username)
      .field("password", password)
      .field("device_name", device_name)
      .end_object();
  m.state.set(kServer, server_url);
  const Reply reply = m.call(server, link, "POST", "/api/v1/auth/login", body.str());
  if (reply.status == 401) {
    m.state.erase(kServer);
    throw TabletError(Problem::refused, "The server did not accept that username and password.");
  }
  if (reply.status == 429) {
    m.state.erase(kServer);
    throw TabletError(Problem::refused,
                      "Too many failed sign-ins for " + username + ": wait a while and try again.");
  }
  if (reply.status != 200) m.refused(reply, "the sign-in");
  std::map<std::string, std::string> answer;
  try {
    answer = sync::decode_string_object(reply.body, {"token", "device_id", "officer", "role"});
  } catch (const sync::WireError& error) {
    throw TabletError(Problem::refused,
                      std::string("The server's answer to the sign-in was not understood: ") +
                          error.what() + ".");
  }
  {
    store::Transaction transaction(m.db);
    m.state.set(kToken, answer["token"]);
    m.state.set(kDeviceId, answer["device_id"]);
    m.state.set(kUsername, username);
    m.state.set(kRole, answer["role"]);
    // Argon2id: the officer unlocks the tablet offline, and a stolen store does not give up the
    // password.
    m.state.set(kUnlockVerifier, hash_password(password));
    m.state.set(kLocked, "0");
    if (!link.ca_file.empty()) {
      m.state.set(kCaFile, std::filesystem::absolute(link.ca_file).string());
    }
    transaction.commit();
  }
  SyncReport report = m.sync_all(link);
  m.officer_id();
  return report;
}

void Tablet::lock() {
  impl_->require_enrolled();
  impl_->state.set(kLocked, "1");
}

void Tablet::unlock(const std::string& password) {
  auto& m = *impl_;
  m.require_enrolled();
  if (!verify_password(m.state.get(kUnlockVerifier).value_or(""), password)) {
    throw TabletError(Problem::wrong_password,
                      "That is not the password this tablet was "
                      "enrolled with; the tablet stays locked.");
  }
  m.state.set(kLocked, "0");
}

SyncReport Tablet::sync(const LinkOptions& link) {
  impl_->require_enrolled();
  return impl_->sync_all(link);
}

std::vector<CaseloadEntry> Tablet::caseload(Date as_of) {
  impl_->require_unlocked();
  return impl_->caseload(as_of);
}

NominalRecord Tablet::show(const std::string& nominal_ref, const std::string& reason) {
  auto& m = *impl_;
  m.require_unlocked();
  const std::string id = m.nominal_id(nominal_ref);
  // The read is recorded before anything is shown. The chain's head is read inside the write
  // transaction, so two reads at once cannot both take the same place in it.
  {
    sync::Replica replica(m.db);
    store::Transaction transaction(m.db);
    m.restore_clock();
    sync::ReadEvent event;
    event.device_id = m.state.get(kDeviceId).value_or("");
    event.chain_index = std::stoll(m.state.get(kReadChainIndex).value_or("0"));
    event.prev_hash = m.state.get(kReadChainHash).value_or("");
    event.nominal_id = id;
    event.occurred_at = format_instant(m.now());
    event.reason = reason;
    const std::string hash = sync::read_event_hash(event);
    const Change read = m.make_change("read_event", make_time_ordered_uuid(), Operation::append,
                                      {{"nominal_id", id},
                                       {"occurred_at", event.occurred_at},
                                       {"reason", reason},
                                       {"chain_index", std::to_string(event.chain_index)},
                                       {"prev_hash", event.prev_hash},
                                       {"hash", hash}});
    const std::string refused = replica.record(read, m.author());
    if (!refused.empty()) throw bad_input(refused);
    m.state.add_to_outbox(read);
    m.state.set(kReadChainIndex, std::to_string(event.chain_index + 1));
    m.state.set(kReadChainHash, hash);
    m.state.set(kClock, sync::format_stamp(m.hlc.last()));
    transaction.commit();
  }
  sync::Replica replica(m.db);
  NominalRecord record;
  record.nominal = replica.fields_of("nominal", id).value_or(FieldValues{});
  record.addresses = replica.children_of("address", id);
  record.visits = replica.children_of("visit", id);
  record.assessments = replica.children_of("assessment", id);
  record.plans = replica.children_of("plan", id);
  record.orders = replica.children_of("order", id);
  for (auto& entry : m.caseload(london_date(m.now()))) {
    if (entry.nominal_id == id) record.due.push_back(std::move(entry));
  }
  return record;
}

std::vector<std::string> Tablet::visit_warnings(const VisitInput& visit) {
  impl_->require_unlocked();
  return impl_->visit_warnings(visit);
}

Recorded Tablet::record_visit(const VisitInput& visit) {
  auto& m = *impl_;
  m.require_unlocked();
  const auto changes = m.visit_changes(visit);
  Recorded recorded;
  recorded.warnings = m.visit_warnings(visit, changes);
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
  sync::Replica replica(m.db);
  auto visit = replica.fields_of("visit", visit_id);
  if (!visit) throw bad_input("this tablet holds no visit with id " + visit_id);
  // Each amended value must be one a visit could have held: checked as a visit would be.
  Change as_amended = m.make_change("visit", make_uuid(), Operation::append, *visit);
  for (const auto& [field, value] : changes) {
    if (field == "nominal_id" || field == "recorded_at" || !visit->count(field)) {
      throw bad_input("'" + field + "' is not a field of a visit that can be amended");
    }
    as_amended.fields[field] = value;
  }
  if (const auto why = replica.check(as_amended, Role::admin); !why.empty()) throw bad_input(why);
  Recorded recorded;
  recorded.id = make_time_ordered_uuid();
  m.record({m.make_change("visit_amendment", recorded.id, Operation::append,
                          {{"visit_id", visit_id},
                           {"reason", reason},
                           {"changes", sync::encode_fields(changes)},
                           {"amended_at", format_instant(m.now())}})});
  return recorded;
}

Recorded Tablet::update_nominal(const std::string& nominal_ref, const FieldValues& values) {
  auto& m = *impl_;
  m.require_unlocked();
  if (values.empty()) throw bad_input("name a field to change (--set FIELD=VALUE)");
  const std::string id = m.nominal_id(nominal_ref);
  const auto current = sync::Replica(m.db).fields_of("nominal", id).value_or(FieldValues{});
  FieldValues base;
  for (const auto& [field, value] : values) {
    const auto found = current.find(field);
    if (found == current.end()) throw bad_input("'" + field + "' is not a field of a nominal");
    base[field] = found->second;
  }
  Recorded recorded;
  recorded.id = id;
  m.record({m.make_change("nominal", id, Operation::update, values, base)});
  return recorded;
}

Recorded Tablet::record_breach(const std::string& nominal_ref, const std::string& order,
                               const std::string& condition, const std::string& action) {
  auto& m = *impl_;
  m.require_unlocked();
  const std::string nominal = m.nominal_id(nominal_ref);
  auto orders = m.db.prepare("SELECT id FROM orders WHERE nominal_id = ? AND (id = ? OR kind = ?)");
  orders.bind_all(nominal, order, order);
  std::vector<std::string> found;
  while (orders.step()) found.push_back(orders.column_text(0));
  if (found.empty()) {
    throw bad_input(nominal_ref + " has no order '" + order + "' on this tablet");
  }
  if (found.size() > 1) {
    throw bad_input(nominal_ref + " has " + std::to_string(found.size()) + " orders of kind '" +
                    order + "': name the order by its id");
  }
  Recorded recorded;
  recorded.id = make_time_ordered_uuid();
  m.record({m.make_change("breach", recorded.id, Operation::append,
                          {{"nominal_id", nominal},
                           {"order_id", found.front()},
                           {"condition_text", condition},
                           {"occurred_at", format_instant(m.now())},
                           {"action_taken", action}})});
  return recorded;
}

Recorded Tablet::record_trace(const std::string& suspect_ref, const std::string& note) {
  auto& m = *impl_;
  m.require_unlocked();
  Recorded recorded;
  recorded.id = make_time_ordered_uuid();
  m.record({m.make_change("trace_enquiry", recorded.id, Operation::append,
                          {{"suspect_id", m.suspect_id(suspect_ref)},
                           {"occurred_at", format_instant(m.now())},
                           {"note", note}})});
  return recorded;
}

TabletStatus Tablet::status() {
  auto& m = *impl_;
  TabletStatus status;
  status.enrolled = m.enrolled();
  if (!status.enrolled) return status;
  status.locked = m.state.get(kLocked) == "1";
  status.scope_complete = m.state.get(kScopeTaken) == "1";
  status.server = m.state.get(kServer).value_or("");
  status.officer = m.state.get(kUsername).value_or("");
  status.device_id = m.state.get(kDeviceId).value_or("");
  status.role = m.author().role;
  status.pending = m.state.outbox_count("pending");
  status.last_sync_at = m.state.get(kLastSync);
  // Locked, the tablet says how much is waiting but nothing of what the records hold.
  if (status.locked) return status;
  status.rejected = m.state.rejected_changes();
  status.set_aside = m.state.set_aside_records();
  for (auto& c : m.state.kept_conflicts()) {
    if (c.status == "open") status.open_conflicts.push_back(std::move(c));
  }
  return status;
}

}  // namespace vigil::mobile
