// Sign-in, sign-out and tokens: who is calling, from which device, and whether they may.
#include <string>

#include "api_impl.hpp"
#include "vigil/base/digest.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"
#include "vigil/base/password.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/store/devices.hpp"
#include "vigil/sync/back_office.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::server {
namespace {

// A hash of no one's password, verified when the username is unknown or the account disabled, so
// the answer takes as long as for a real account and its timing does not tell which exist.
const std::string& decoy_password_hash() {
  static const std::string hash = base::hash_password(base::random_hex(16));
  return hash;
}

}  // namespace

Caller Api::Impl::authenticate(store::Database& db, const Call& call) {
  const Request& request = call.request;
  const std::string prefix = "Bearer ";
  if (request.authorization.rfind(prefix, 0) != 0 ||
      request.authorization.size() == prefix.size()) {
    fail(401, "unauthorized", "sign in first: send Authorization: Bearer <token>");
  }
  // Every request runs this: the statement is kept on the connection (and reset once read).
  auto& s = db.cached(
      "SELECT d.id, d.revoked_at, o.id, o.username, o.role, o.active, d.kind FROM devices d "
      "JOIN officers o ON o.id = d.officer_id WHERE d.token_hash = ?");
  s.bind_all(base::sha256_hex(request.authorization.substr(prefix.size())));
  const bool found = s.step();
  const bool revoked = found && !s.is_null(1);
  const bool active = found && s.column_int(5) != 0;
  Caller caller;
  if (found) {
    caller.device_id = s.column_text(0);
    caller.officer_id = s.column_text(2);
    caller.username = s.column_text(3);
    caller.role = parse_enum<Role>(s.column_view(4)).value_or(Role::officer);
    caller.browser = s.column_view(6) == "browser";
  }
  s.reset();
  if (!found) fail(401, "unauthorized", "the token is not valid; sign in again");
  if (revoked) {
    throw HttpError{401,
                    "device_revoked",
                    "this device has been revoked; its store must be wiped",
                    true,
                    {},
                    audit_row(&caller, "denied", "device", caller.device_id,
                              "revoked device used for " + request.method + " " +
                                  std::string(call.route.pattern))};
  }
  if (!active) {
    refuse(caller, call, 401, "unauthorized", "the officer's account is disabled",
           "account disabled");
  }
  caller.team_ids = sync::scope_teams(db, caller.officer_id, caller.role);
  return caller;
}

Response Api::Impl::login(const Call& call) {
  const Request& request = call.request;
  const auto body = sync::decode_string_object(
      request.body, {"username", "password", "device_name", "kind", "read_audit"});
  auto member = [&](const char* name) {
    auto it = body.find(name);
    if (it == body.end() || it->second.empty()) {
      fail(400, "bad_request", std::string(name) + " is required");
    }
    return it->second;
  };
  const std::string username = member("username");
  const std::string password = member("password");
  const std::string device_name = member("device_name");
  if (username.size() > 200) fail(400, "bad_request", "username is longer than 200 characters");
  if (device_name.size() > 200)
    fail(400, "bad_request", "device_name is longer than 200 characters");
  // A tablet unless it says it is the dashboard in a browser.
  const auto kind_member = body.find("kind");
  const std::string kind = kind_member == body.end() ? "tablet" : kind_member->second;
  if (kind != "tablet" && kind != "browser") {
    fail(400, "bad_request", "kind must be \"tablet\" or \"browser\"");
  }
  // The dashboard's sign-in is the page's own, shipped with the server: only a tablet's speaks
  // the sync protocol.
  if (kind == "tablet") require_same_protocol(request);
  // A tablet that asks is given the key of its read audit's chain (sync/read_audit.hpp).
  const auto read_audit = body.find("read_audit");
  if (read_audit != body.end() && (read_audit->second != "keyed" || kind != "tablet")) {
    fail(400, "bad_request", "read_audit must be \"keyed\", and only from a tablet");
  }
  const std::optional<std::string> audit_key =
      read_audit != body.end() ? std::optional(base::random_hex(32)) : std::nullopt;
  const Instant now = options.now();
  // Failures are counted per username from one address, and per address. A guesser of one
  // username is refused (429) from their address for the window, while the officer signs in
  // from anywhere else and keeps every device they already hold. An address with many
  // failures (a police station behind one address) is refused only wrong passwords: another
  // officer's right password from it always signs in.
  const std::string pair_key = "user:" + username + '\n' + request.remote_address;
  const std::string address_key = "address:" + request.remote_address;
  const auto throttled = [&] {
    return HttpError{429,
                     "too_many_attempts",
                     "too many failed sign-ins; wait " +
                         std::to_string(options.failure_window.count()) +
                         " minutes before trying again",
                     false,
                     {},
                     audit_row(nullptr, "denied", "officer", std::nullopt,
                               "sign-in throttled for '" + quoted_excerpt(username, 100) +
                                   "' from " + request.remote_address)};
  };
  if (throttle.blocked(pair_key, options.failures_per_username, now, options.failure_window)) {
    throw throttled();
  }
  auto db = pool.take();
  auto s = (*db).prepare("SELECT id, password_hash, role, active FROM officers WHERE username = ?");
  s.bind_all(username);
  const bool usable = s.step() && !s.is_null(1) && s.column_int(3) != 0;
  const bool good =
      base::verify_password(usable ? s.column_view(1) : decoy_password_hash(), password) && usable;
  if (!good) {
    const bool address_blocked =
        throttle.blocked(address_key, options.failures_per_address, now, options.failure_window);
    throttle.record(pair_key, now, options.failure_window);
    throttle.record(address_key, now, options.failure_window);
    if (address_blocked) throw throttled();
    store::Transaction transaction(*db);
    audit(*db, nullptr, "login_failed", "officer", std::nullopt,
          "sign-in refused for '" + quoted_excerpt(username, 100) + "' from " +
              request.remote_address);
    transaction.commit();
    fail(401, "unauthorized", "the username or password is wrong");
  }
  throttle.clear(pair_key);
  const std::string officer_id = s.column_text(0);
  const std::string role = s.column_text(2);
  s.reset();
  const std::string token = base::random_hex(32);
  const std::string device_id = base::make_time_ordered_uuid();
  store::Transaction transaction(*db);
  store::enrol_device(*db, {device_id, officer_id, device_name, base::sha256_hex(token), kind,
                            now_text(), audit_key});
  if (kind == "tablet") sync::open_change_log(*db, officer_id, now);
  Caller caller{
      officer_id, username, parse_enum<Role>(role).value_or(Role::officer), device_id, {}};
  audit(*db, &caller, "login", "device", device_id, "signed in on " + device_name);
  transaction.commit();
  if (call.log != nullptr) {
    call.log->officer_id = officer_id;
    call.log->device_id = device_id;
  }
  base::JsonWriter w;
  w.begin_object();
  w.fields({base::member("token", token), base::member("device_id", device_id),
            base::member("officer", username), base::member("role", role)});
  if (audit_key) w.field("audit_key", *audit_key);
  w.end_object();
  return json_response(200, w.str());
}

// Signing out ends the token for good: the device is revoked, by its own officer.
Response Api::Impl::logout(const Call& call) {
  const Caller& caller = *call.caller;
  store::revoke_device(*call.db, caller.device_id, {caller.officer_id, caller.device_id},
                       "signed out", now_text());
  Response response;
  response.status = 204;
  return response;
}

}  // namespace vigil::server
