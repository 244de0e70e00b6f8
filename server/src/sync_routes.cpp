// The tablets' routes: push (changes in, exactly once, through the writer) and pull (what changed
// in the caller's scope since a cursor, each record it carries audited as read).
#include <charconv>
#include <set>
#include <vector>

#include "api_impl.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::server {
namespace {

std::optional<std::int64_t> integer_param(const Request& request, const std::string& name) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (ec != std::errc() || end != it->second.data() + it->second.size() || value < 0) {
    fail(400, "bad_request", name + " must be a whole number of zero or more");
  }
  return value;
}

// What a tablet says waits in its outbox (`pending`, and `oldest_pending` in the query of a push
// or a pull): what cannot be — a count no tablet holds, a time with nothing waiting — is refused
// (400), and nothing is noted. Returns the oldest waiting change's time to keep: none when not
// given, or when ahead of the server's clock (a tablet whose clock runs fast: its contact is
// still noted, the time it gave is not).
constexpr std::int64_t kMostPending = 10'000'000;

std::optional<std::string> outbox_oldest(const Request& request,
                                         const std::optional<std::int64_t>& pending, Instant now) {
  if (pending && *pending > kMostPending) {
    fail(400, "bad_request", "pending must be at most 10,000,000: no tablet holds more");
  }
  const auto given = request.query.find("oldest_pending");
  if (given == request.query.end()) return std::nullopt;
  const auto at = parse_instant(given->second);
  if (!at) fail(400, "bad_request", "oldest_pending must be an ISO-8601 instant with a time zone");
  if (pending.value_or(0) == 0) {
    fail(400, "bad_request", "oldest_pending names a change waiting, but pending says none waits");
  }
  if (*at - now > std::chrono::milliseconds(sync::kClockSkewLimitMs)) return std::nullopt;
  return format_instant(*at);
}

}  // namespace

Response Api::Impl::push(const Call& call) {
  const Request& request = call.request;
  const Caller& caller = *call.caller;
  sync::PushRequest push;
  try {
    push = sync::decode_push_request(request.body);
  } catch (const sync::WireError& error) {
    fail(400, "bad_request", error.what());
  }
  if (push.changes.size() > 5000)
    fail(413, "too_many_changes", "push at most 5,000 changes at once");
  push.oldest_pending = outbox_oldest(request, push.pending, options.now()).value_or("");
  const sync::PushResponse result = writer->push(caller, push);
  require_database_intact();  // committed into a file no longer the database: not acknowledged
  std::uint64_t counts[4] = {};
  for (const auto& o : result.outcomes) ++counts[static_cast<int>(o.outcome)];
  static const char* names[] = {"applied", "duplicate", "conflict", "rejected"};
  for (int i = 0; i < 4; ++i) {
    if (counts[i] == 0) continue;
    metrics.counter("vigil_sync_changes_total", "Changes pushed, by outcome.",
                    {{"outcome", names[i]}}, counts[i]);
  }
  return json_response(200, sync::encode(result));
}

Response Api::Impl::pull(const Call& call) {
  const Request& request = call.request;
  store::Database& db = *call.db;
  const Caller& caller = *call.caller;
  const auto since = integer_param(request, "since").value_or(0);
  const auto limit = integer_param(request, "limit").value_or(1000);
  if (limit < 1 || limit > 10000) fail(400, "bad_request", "limit must be from 1 to 10000");
  // What waits in the tablet's outbox, said at every contact (a tablet of an older version says
  // nothing, and what it last said stands).
  const auto pending = integer_param(request, "pending");
  const auto oldest_pending = outbox_oldest(request, pending, options.now());
  // A tablet that checks its copy now and then asks for the digest only when the page sends
  // something (an older tablet asks nothing, and is sent it every time).
  const auto digest = request.query.find("digest");
  if (digest != request.query.end() && digest->second != "if_sent") {
    fail(400, "bad_request", "digest must be if_sent");
  }
  std::set<sync::Disclosure> disclosed;
  const auto page = engine.pull(db, caller, since, static_cast<int>(limit),
                                request.query.count("resume") ? request.query.at("resume") : "",
                                &disclosed, digest != request.query.end());
  // Noted once the pull is answerable: a refused request changes nothing.
  {
    auto contact = db.prepare(
        "UPDATE devices SET last_contact_at = ?1, last_pending = coalesce(?2, last_pending), "
        "oldest_pending_at = CASE WHEN ?2 IS NULL THEN oldest_pending_at ELSE ?3 END "
        "WHERE id = ?4");
    contact.bind_all(now_text(), pending, oldest_pending, caller.device_id);
    contact.run();
  }
  // Each record the page carried is disclosed to the device: audited before the answer goes.
  std::vector<AuditRow> rows;
  rows.reserve(disclosed.size());
  const std::string why = "sync pull since " + std::to_string(since);
  for (const auto& record : disclosed) {
    rows.push_back(audit_row(&caller, "read", record.entity, record.id, why));
  }
  audits->write(std::move(rows));
  return json_response(200, sync::encode(page));
}

}  // namespace vigil::server
