#include "vigil/sync/client.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>
#include <tuple>

#include "vigil/base/json.hpp"
#include "vigil/base/url.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/sync/effective_visit.hpp"
#include "vigil/sync/engine.hpp"
#include "vigil/sync/entities.hpp"
#include "vigil/sync/replica.hpp"

namespace vigil::sync {
namespace {

// Pages of one pull before the tablet stops taking them: far more than any scope needs.
constexpr int kMostPages = 100000;

// The "error" member of a JSON error answer, found in the text (the server's codes are plain
// words, so the member cannot be confused with anything inside a string).
bool error_code_is(const std::string& body, std::string_view code) {
  return body.find("\"error\":\"" + std::string(code) + "\"") != std::string::npos;
}

// An answer in another version of the sync protocol may mean something else: nothing of it is
// used, and the officer is told which program to update. A server that names no version speaks
// the first.
void require_same_protocol(const Answer& answer) {
  const std::string ours = std::to_string(kProtocolVersion);
  if (answer.status == 426 && (answer.protocol.empty() || answer.protocol == ours)) {
    throw SyncError(SyncProblem::refused, "The server refused this tablet's sync protocol " + ours +
                                              ": update vigil-field (or the server) so the two "
                                              "agree; everything recorded stays on the tablet.");
  }
  if (answer.status == 426 || (!answer.protocol.empty() && answer.protocol != ours)) {
    throw SyncError(
        SyncProblem::refused,
        "The server speaks sync protocol " +
            (answer.protocol.empty() ? std::string("1") : answer.protocol.substr(0, 20)) +
            " and this tablet " + ours +
            ": update vigil-field (or the server) so the two agree; everything "
            "recorded stays on the tablet.");
  }
}

template <typename Decoded, typename Decode>
Decoded understood(const std::string& what, Decode decode) {
  try {
    return decode();
  } catch (const WireError& error) {
    throw SyncError(SyncProblem::refused,
                    "The server's " + what + " was not understood: " + error.what() + ".");
  }
}

store::Database open_store(const std::filesystem::path& path) {
  store::Database db(path);
  sync::migrate(db);
  return db;
}

// The push's target: when changes wait beyond the batch, when the oldest was made, in the query
// (a server of an earlier version ignores it; the body's members it would refuse).
std::string push_target(const DeviceState::OutboxReport& waiting) {
  std::string target = "/api/v1/sync/push";
  if (waiting.oldest) target += "?oldest_pending=" + base::query_escaped(*waiting.oldest);
  return target;
}

}  // namespace

SyncClient::SyncClient(store::Database& db, HybridClock& clock, Clock now, Transport& transport,
                       SyncOptions options)
    : db_(db),
      clock_(clock),
      now_(std::move(now)),
      transport_(transport),
      options_(std::move(options)),
      state_(db) {}

// One exchange, tried again with a growing pause while the server cannot be reached or says it
// is unavailable. A device the server has revoked is wiped here, whatever was asked.
Answer SyncClient::call(std::string_view method, const std::string& target,
                        const std::string& body) {
  auto backoff = options_.first_backoff;
  const std::string token = state_.get(kToken).value_or("");
  for (int attempt = 1;; ++attempt) {
    std::string failure;
    try {
      Answer answer = transport_.exchange(method, target, body, token);
      // Revocation is the one answer every version of the protocol keeps: a lost tablet is
      // wiped whatever the server it reaches speaks.
      if (answer.status == 401 && error_code_is(answer.body, "device_revoked")) wipe();
      require_same_protocol(answer);
      if (answer.status < 500 || attempt >= options_.attempts) return answer;
      failure = "it answered " + std::to_string(answer.status);
    } catch (const TransportFailure& error) {
      failure = error.what();
    }
    if (attempt >= options_.attempts) {
      throw SyncError(SyncProblem::unreachable,
                      "Cannot reach the server at " + state_.get(kServer).value_or("") + " (" +
                          failure + "); everything recorded stays on the tablet.");
    }
    std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
}

void SyncClient::stalled(const std::string& what) {
  throw SyncError(SyncProblem::refused,
                  "The server's pages of " + what +
                      " do not move on; ask the force's IT team to check the server (what the "
                      "tablet has stored so far stays).");
}

void SyncClient::refused(const Answer& answer, const std::string& what) {
  if (answer.status == 401) {
    throw SyncError(SyncProblem::refused,
                    "The server no longer accepts this tablet's sign-in: enrol it again "
                    "with a new store (what is waiting to go up is still in this one).");
  }
  throw SyncError(SyncProblem::refused, "The server refused " + what + " (HTTP " +
                                            std::to_string(answer.status) +
                                            "): " + answer.body.substr(0, 300));
}

// The server revoked this device: nothing of the force's may stay on it.
void SyncClient::wipe() {
  const int pending = state_.outbox_count("pending");
  const std::string server = state_.get(kServer).value_or("the server");
  const std::filesystem::path path = db_.path();
  const auto said = [&] {
    return SyncError(
        SyncProblem::wiped,
        server + " has revoked this tablet, so its store has been wiped" +
            (pending > 0 ? ", with " + counted(pending, "change") + " not yet synced" : "") +
            ". Enrol it again to use it.");
  };
  if (options_.erase_store) {
    options_.erase_store();
    throw said();
  }
  db_ = store::Database(path.string() + ".wiping");  // let go of the store's files
  std::error_code failed;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    std::filesystem::remove(path.string() + suffix, ec);
    if (ec) failed = ec;
  }
  db_ = open_store(path);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ignored;
    std::filesystem::remove(path.string() + ".wiping" + suffix, ignored);
  }
  if (failed) {
    // The files could not be deleted: empty every table instead, so nothing of the force's
    // stays in them, and say so.
    {
      store::Transaction transaction(db_);
      db_.execute("PRAGMA defer_foreign_keys = ON");
      std::vector<std::string> tables;
      auto names = db_.prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
      while (names.step()) tables.push_back(names.column_text(0));
      for (const auto& table : tables) db_.execute("DELETE FROM \"" + table + "\"");
      transaction.commit();
    }
    db_.execute("VACUUM");
    throw SyncError(SyncProblem::wiped, server + " has revoked this tablet, but its store '" +
                                            path.string() + "' could not be deleted (" +
                                            failed.message() + "); it has been emptied instead.");
  }
  throw said();
}

Enrolment SyncClient::sign_in(const std::string& username, const std::string& password,
                              const std::string& device_name) {
  base::JsonWriter body;
  body.object({base::member("username", username), base::member("password", password),
               base::member("device_name", device_name), base::member("read_audit", "keyed")});
  const Answer answer = call("POST", "/api/v1/auth/login", body.str());
  if (answer.status == 401) {
    throw SyncError(SyncProblem::refused, "The server did not accept that username and password.");
  }
  if (answer.status == 429) {
    throw SyncError(SyncProblem::refused,
                    "Too many failed sign-ins for " + username + ": wait a while and try again.");
  }
  if (answer.status != 200) refused(answer, "the sign-in");
  auto fields = understood<std::map<std::string, std::string>>("answer to the sign-in", [&] {
    return decode_string_object(answer.body,
                                {"token", "device_id", "officer", "role", "audit_key"});
  });
  return {fields["token"], fields["device_id"], fields["officer"], fields["role"],
          fields["audit_key"]};
}

SyncReport SyncClient::sync() {
  SyncReport report;
  push(report);
  pull(report);
  // A conflict on the scope comes from a change the pull brings (or the push was told of), and
  // leaves the list when a supervisor decides it: when nothing but this tablet's own changes
  // came back since the list was last kept, and it holds no open conflict, the list cannot have
  // changed, and a round trip (a third of a small sync on a poor signal) is saved. What came is
  // noted with it (kConflictsDue), so a sync cut off before the list is asked asks next time.
  if (state_.get(kConflictsDue) == "1" || !state_.kept_conflicts().empty()) {
    refresh_conflicts(report);
  }
  state_.set(kLastSync, format_instant(now_()));
  return report;
}

SyncReport SyncClient::send() {
  SyncReport report;
  push(report);
  return report;
}

void SyncClient::push(SyncReport& report) {
  int size = options_.push_batch;
  for (;;) {
    const auto batch = state_.pending_changes(size);
    if (batch.empty()) return;
    PushRequest request;
    request.changes = batch;
    const auto waiting = state_.outbox_report(static_cast<int>(batch.size()));
    request.pending = waiting.pending;
    request.device_time = format_instant(now_());
    const Answer answer = call("POST", push_target(waiting), encode(request));
    if (answer.status == 413 && size > 1) {
      size /= 2;  // long notes: send fewer at a time
      continue;
    }
    if (answer.status != 200) refused(answer, "the changes sent");
    const auto response = understood<PushResponse>(
        "answer to a push", [&] { return decode_push_response(answer.body); });
    report.pushed += static_cast<int>(batch.size());
    int answered = 0;
    store::Transaction transaction(db_);
    for (const auto& outcome : response.outcomes) {
      const auto made = std::find_if(batch.begin(), batch.end(), [&](const Change& c) {
        return c.change_id == outcome.change_id;
      });
      if (made == batch.end()) continue;
      // A repeat must say how the change first went; without that it stays to be sent again.
      if (outcome.outcome == Outcome::duplicate && !outcome.first_outcome) continue;
      ++answered;
      const auto first =
          outcome.outcome == Outcome::duplicate ? *outcome.first_outcome : outcome.outcome;
      if (outcome.outcome == Outcome::duplicate) ++report.duplicates;
      if (first == Outcome::rejected) {
        ++report.rejected;
        report.rejections.push_back(made->entity + " " + made->entity_id + ": " + outcome.reason);
        state_.reject(outcome.change_id, outcome.reason);
        // The tablet shows what the server refused: take the scope afresh so it holds what
        // the server holds, while the outbox keeps the change and its reason for the officer.
        state_.set(kNeedsResync, "1");
      } else {
        if (outcome.outcome == Outcome::applied) ++report.applied;
        if (first == Outcome::conflict) {
          ++report.conflicts;
          state_.set(kConflictsDue, "1");
        }
        state_.acknowledge(outcome.change_id);
      }
    }
    transaction.commit();
    if (answered == 0) {
      throw SyncError(SyncProblem::refused,
                      "The server answered a push without an outcome for any of its changes.");
    }
  }
}

// Pulls what changed after the cursor, or the whole scope when the device has none yet, has
// drifted, or was interrupted while taking it.
void SyncClient::pull(SyncReport& report) {
  // A cursor of 0 after a first sync means the server had no changes then (this server opens its
  // log when a tablet enrols; an earlier one did not); since=0 asks for the whole scope, which is
  // what following from 0 amounts to.
  bool whole = state_.get(kScopeTaken) != "1" || state_.get(kNeedsResync) == "1" ||
               state_.get(kResume).has_value() || state_.cursor() == 0;
  if (state_.get(kNeedsResync) == "1") {
    report.drift = "the server refused a change the tablet had shown";
  }
  for (int round = 0; round < 2; ++round) {
    std::optional<std::string> failure;
    if (whole) failure = take_scope(report);
    // The pages of a whole scope are read one after another while other tablets write: what
    // they wrote meanwhile follows from the cursor the first page saw.
    if (!failure && state_.cursor() > 0) failure = follow_changes(report);
    if (!failure) {
      const std::string theirs = state_.get(kServerDigest).value_or("");
      if (theirs.empty()) return;  // nothing came, and no check was due
      if (theirs == Replica(db_).digest()) {
        state_.set(kDigestChecked, format_instant(now_()));
        return;
      }
      if (whole) {
        // What was set aside is what differs: shown by status, and tried again next time.
        if (!state_.set_aside_records().empty()) return;
        // A scope taken before the server had logged any change reaches cursor 0, from which
        // nothing can be followed (since=0 asks for the whole scope): what landed while it was
        // being taken comes with the scope taken again.
        if (state_.cursor() == 0 && round == 0) continue;
        throw SyncError(SyncProblem::refused,
                        "The tablet's copy still differs from the server's after taking the "
                        "whole scope; ask the force's IT team to check the server.");
      }
      report.drift = "the tablet's copy differed from the server's (scope digest)";
    } else {
      if (whole) throw SyncError(SyncProblem::refused, *failure);
      report.drift = *failure;
    }
    whole = true;
  }
}

PullResponse SyncClient::fetch(std::int64_t since, const std::string& resume, bool digest_if_sent) {
  // Every contact says what waits in the outbox, so a tablet whose pushes stopped getting through
  // is still seen to hold work.
  const auto waiting = state_.outbox_report();
  std::string target = "/api/v1/sync/pull?since=" + std::to_string(since) +
                       "&limit=" + std::to_string(options_.page_size) +
                       "&pending=" + std::to_string(waiting.pending);
  if (waiting.oldest) target += "&oldest_pending=" + base::query_escaped(*waiting.oldest);
  if (!resume.empty()) target += "&resume=" + base::query_escaped(resume);
  if (digest_if_sent) target += "&digest=if_sent";
  const Answer answer = call("GET", target);
  if (answer.status != 200) refused(answer, "the pull");
  return understood<PullResponse>("answer to a pull",
                                  [&] { return decode_pull_response(answer.body); });
}

// Applies one page in one transaction with the cursor it reaches. An item the store cannot take
// (a value it cannot read, a record naming one it does not hold) is set aside with why, and the
// rest of the page goes in: one record never stops a device's syncs. Returns why the page as a
// whole could not be stored (it is then rolled back), or nothing.
std::optional<std::string> SyncClient::apply_page(const PullResponse& page, bool clear_first,
                                                  const std::function<void()>& advance,
                                                  SyncReport& report) {
  Replica replica(db_);
  const std::string now_text = format_instant(now_());
  const std::string own_device = state_.get(kDeviceId).value_or("");
  bool others = false;  // something another device (or the back office) wrote, or a purge
  try {
    store::Transaction transaction(db_);
    if (clear_first) {
      replica.clear();
      state_.clear_set_aside();
    }
    for (const auto& item : page.items) {
      others = others || item.kind != PullItem::Kind::change || item.device_id != own_device;
      db_.cached("SAVEPOINT item").run();
      std::string why;
      try {
        if (!replica.apply(item)) why = "the tablet does not hold what it names";
      } catch (const Error& error) {
        if (error.code() != ErrorCode::constraint) throw;
        why = std::string("the store refused it: ") + error.what();
      }
      if (!why.empty()) {
        db_.execute("ROLLBACK TO item");
        db_.execute("RELEASE item");
        state_.set_aside(item.entity, item.entity_id, item.seq, why, now_text);
        ++report.set_aside;
        continue;
      }
      db_.cached("RELEASE item").run();
      // Set aside by an earlier page (a record whose parent had not come yet) and stored now.
      state_.forget_set_aside(item.entity, item.entity_id);
      // A stamp from a device whose clock ran ahead would carry every later stamp of this
      // device with it: only stamps no further ahead than the server tolerates are taken in.
      if (auto stamp = parse_stamp(item.clock)) {
        const auto local_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(now_().time_since_epoch())
                .count();
        if (stamp->wall_ms <= local_ms + kClockSkewLimitMs) clock_.observe(*stamp);
      }
      if (item.kind == PullItem::Kind::purge) ++report.purged;
    }
    report.set_aside += set_aside_orphans(now_text);
    if (others) state_.set(kConflictsDue, "1");  // what others wrote may be in conflict
    advance();
    state_.keep_clock(clock_);
    if (!page.more) state_.set(kServerDigest, page.digest);
    transaction.commit();
  } catch (const Error& error) {
    if (error.code() != ErrorCode::constraint) throw;
    return std::string("the tablet could not store a page the server sent: ") + error.what();
  }
  report.received += static_cast<int>(page.items.size());
  return std::nullopt;
}

// While a scope is taken, records go in before their parents may have (foreign keys are checked
// at commit): those whose parent never came are set aside, and then those below them.
int SyncClient::set_aside_orphans(const std::string& now_text) {
  int count = 0;
  for (int round = 0; round < 8; ++round) {
    // entity, id, the table it names
    std::vector<std::tuple<std::string, std::string, std::string>> orphans;
    auto check = db_.prepare("PRAGMA foreign_key_check");
    while (check.step()) {
      const std::string table = check.column_text(0);
      const EntitySpec* spec = nullptr;
      for (const auto& e : entities()) {
        if (e.table == table) spec = &e;
      }
      // A visit's attendees are checked as it is stored (Replica::apply), and go with it.
      if (spec == nullptr || check.is_null(1)) continue;
      auto id = db_.prepare("SELECT id FROM " + std::string(spec->table) + " WHERE rowid = ?");
      id.bind_all(check.column_int(1));
      if (id.step())
        orphans.emplace_back(std::string(spec->name), id.column_text(0), check.column_text(2));
    }
    if (orphans.empty()) break;
    for (const auto& [entity, id, parent] : orphans) {
      Replica(db_).purge(entity, id);
      state_.set_aside(entity, id, 0,
                       "it names a record (in " + parent + ") the tablet does not hold", now_text);
      ++count;
    }
  }
  return count;
}

std::optional<std::string> SyncClient::take_scope(SyncReport& report) {
  report.took_scope = true;
  // An interrupted first sync goes on from the page it reached.
  std::string resume = state_.get(kResume).value_or("");
  bool first_page = resume.empty();
  for (int pages = 1;; ++pages) {
    const auto page = fetch(0, resume);
    // A server that says more follows must say where from, somewhere new each time.
    if (page.more && (page.resume.empty() || page.resume == resume)) stalled("the whole scope");
    if (pages > kMostPages) stalled("the whole scope");
    auto failure = apply_page(
        page, first_page,
        [&] {
          // Until the last page is in, the store holds part of the scope: the next sync takes it
          // on from where this one stopped, whatever happens meanwhile.
          if (first_page) state_.erase(kScopeTaken);
          if (page.more) {
            state_.set(kResume, page.resume);
          } else {
            state_.erase(kResume);
            state_.set_cursor(page.next);
            state_.set(kScopeTaken, "1");
            state_.erase(kNeedsResync);
          }
        },
        report);
    if (failure) return failure;
    first_page = false;
    if (!page.more) return std::nullopt;
    resume = page.resume;
  }
}

std::optional<std::string> SyncClient::follow_changes(SyncReport& report) {
  // The copy is checked when anything comes, and otherwise when the last check is old enough.
  // A scope just taken is always checked (sync-protocol.md: at most one take a sync, then the
  // copies must agree).
  const auto checked = parse_instant(state_.get(kDigestChecked).value_or(""));
  bool check = report.took_scope || !checked || now_() < *checked ||
               now_() - *checked >= options_.check_every;
  for (int pages = 1;; ++pages) {
    const std::int64_t since = state_.cursor();
    const auto page = fetch(since, "", !check);
    check = check || !page.items.empty();
    if ((page.more && page.next <= since) || pages > kMostPages) stalled("the changes");
    auto failure = apply_page(
        page, false, [&] { state_.set_cursor(page.next); }, report);
    if (failure) return failure;
    if (!page.more) return std::nullopt;
  }
}

// The open conflicts on the scope's records, kept for the officer to see offline; a decided one
// leaves the list, and its decision reaches the record through the pull.
void SyncClient::refresh_conflicts(SyncReport& report) {
  const Answer answer = call("GET", "/api/v1/conflicts?status=open");
  if (answer.status != 200) refused(answer, "the list of conflicts");
  const auto conflicts = understood<std::vector<ConflictRecord>>(
      "list of conflicts", [&] { return decode_conflicts(answer.body); });
  store::Transaction transaction(db_);
  state_.keep_conflicts(conflicts);
  state_.erase(kConflictsDue);
  transaction.commit();
  report.open_conflicts = static_cast<int>(std::count_if(
      conflicts.begin(), conflicts.end(), [](const auto& c) { return c.status == "open"; }));
}

}  // namespace vigil::sync
