// The HTTP API as the server tests speak it: a TestForce database served by a real vigil-server
// on a loopback port (World), signed-in tablets that push and pull over HTTP (Device), and the
// checks every answer gets (an error's status, code and one sentence).
#pragma once

// cereal's JSON archive first: it makes rapidjson's assertions throw, as every other user of
// rapidjson in the program expects.
#include <rapidjson/document.h>
#include <cereal/archives/json.hpp>

#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "changes.hpp"
#include "live_server.hpp"
#include "queries.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/base/ids.hpp"
#include "vigil/base/json.hpp"
#include "vigil/base/url.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/store/store.hpp"
#include "vigil/sync/hlc.hpp"
#include "vigil/sync/wire.hpp"

namespace api_world {

using namespace vigil;
using namespace vigil::sync;

inline std::string header(const vigil::http::Reply& result, const std::string& name) {
  const auto it = result.headers.find(name);
  return it == result.headers.end() ? "<absent>" : it->second;
}

inline rapidjson::Document parse(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  INFO("body: " << body);
  REQUIRE_FALSE(document.HasParseError());
  return document;
}

// A member as text, whatever its JSON type, so a check says what was there.
inline std::string member(const rapidjson::Value& value, const char* name) {
  if (!value.IsObject()) return "<not an object>";
  const auto it = value.FindMember(name);
  if (it == value.MemberEnd()) return "<absent>";
  const auto& v = it->value;
  if (v.IsNull()) return "<null>";
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  return "<other>";
}

inline const rapidjson::Value& items_of(const rapidjson::Document& document) {
  REQUIRE(document.IsObject());
  REQUIRE(document.HasMember("items"));
  REQUIRE(document["items"].IsArray());
  return document["items"];
}

// An error as docs/http-api.md fixes it: the status, and {"error": code, "message": one sentence}.
inline void check_error(const vigil::http::Reply& result, int status, const std::string& code) {
  INFO("answer: " << result.status << " " << result.body);
  CHECK(result.status == status);
  CHECK(header(result, "content-type") == "application/json");
  const auto document = parse(result.body);
  CHECK(member(document, "error") == code);
  const std::string message = member(document, "message");
  CHECK(message.size() > 10);
  CHECK(message.find('\n') == std::string::npos);
}

inline std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One signed-in tablet: its own connection, session and pull cursor.
struct Device {
  std::string username;
  Session session;
  std::unique_ptr<vigil::http::Client> http;
  std::int64_t cursor = 0;

  vigil::http::Reply get(const std::string& target) { return http->get(target, session.auth()); }
  vigil::http::Reply post(const std::string& target, const std::string& body) {
    return http->post(target, body, session.auth());
  }

  PushResponse push(const std::vector<Change>& changes) {
    PushRequest request;
    request.changes = changes;
    request.device_time = format_instant(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    const auto result = post("/api/v1/sync/push", encode(request));
    INFO(result.body);
    REQUIRE(result.status == 200);
    return decode_push_response(result.body);
  }
  ChangeOutcome push_one(const Change& change) {
    const auto response = push({change});
    REQUIRE(response.outcomes.size() == 1);
    return response.outcomes.front();
  }

  // Every page after the cursor, the cursor moved past them (a first sync's pages follow its
  // resume token, the cursor staying 0 until the last).
  std::vector<PullItem> pull() {
    std::vector<PullItem> items;
    std::string resume;
    for (;;) {
      const auto result = get("/api/v1/sync/pull?since=" + std::to_string(cursor) +
                              (resume.empty() ? "" : "&resume=" + base::query_escaped(resume)));
      INFO(result.body);
      REQUIRE(result.status == 200);
      auto page = decode_pull_response(result.body);
      items.insert(items.end(), page.items.begin(), page.items.end());
      cursor = page.next;
      resume = page.resume;
      if (!page.more) return items;
    }
  }

  Change change(const std::string& entity, const std::string& entity_id, Operation operation,
                FieldValues fields, FieldValues base = {}, std::int64_t clock_ms = 0) {
    static std::atomic<std::int64_t> last{wall_ms()};
    Change c = make_change(base::make_uuid(), entity, entity_id, operation, std::move(fields),
                           std::move(base), clock_ms != 0 ? clock_ms : ++last,
                           format_instant(std::chrono::time_point_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now())));
    c.device_id = session.device_id;
    return c;
  }

  // A visit to the nominal by this tablet's officer; `extra` adds fields or replaces them.
  Change visit(const std::string& nominal_id, const FieldValues& extra = {}) {
    FieldValues fields = visit_fields(nominal_id, username);
    for (const auto& [name, value] : extra) fields[name] = value;
    return change("visit", base::make_uuid(), Operation::append, std::move(fields));
  }

  // A push of `change` alone, as sent, for a test that looks at the answer itself.
  vigil::http::Reply post_push(const Change& c) {
    PushRequest request;
    request.changes.push_back(c);
    return post("/api/v1/sync/push", encode(request));
  }
};

// A TestForce database served by a LiveServer.
class World {
 public:
  explicit World(vigil::server::ApiOptions options = {})
      : force_(TestForce::create(database())), server_(database(), std::move(options)) {}

  std::filesystem::path database() const { return dir_.path() / "server.db"; }
  const TestForce& force() const { return force_; }
  LiveServer& server() { return server_; }
  std::unique_ptr<vigil::http::Client> client() { return server_.client(); }

  Device device(const std::string& username) {
    Device d;
    d.username = username;
    d.http = server_.client();
    d.session = sign_in(*d.http, username, kTestPassword, username + "'s tablet");
    return d;
  }
  // A signed-in tablet for each username, signed in in the order given: for
  // `auto [admin, pc] = world.devices("admin", "pc.a");`.
  template <class... Usernames>
  std::array<Device, sizeof...(Usernames)> devices(const Usernames&... usernames) {
    return {device(usernames)...};
  }

  template <class... Args>
  std::int64_t count(const std::string& sql, const Args&... args) {
    return count_of(database(), sql, args...);
  }
  template <class... Args>
  std::string text(const std::string& sql, const Args&... args) {
    store::Database db(database());
    auto s = db.prepare(sql);
    if constexpr (sizeof...(Args) > 0) s.bind_all(args...);
    return s.step() ? s.column_text(0) : "<no row>";
  }

 private:
  TempDir dir_;
  TestForce force_;
  LiveServer server_;
};

inline std::string login_body(const std::string& username, const std::string& password) {
  base::JsonWriter w;
  w.begin_object()
      .field("username", username)
      .field("password", password)
      .field("device_name", "tablet")
      .end_object();
  return w.str();
}

// The field's value in the last change or record item about the entity, as a pull delivered it.
inline std::optional<std::string> pulled_value(const std::vector<PullItem>& items,
                                               const std::string& entity_id,
                                               const std::string& field) {
  std::optional<std::string> value;
  for (const auto& item : items) {
    if (item.entity_id != entity_id || item.kind == PullItem::Kind::purge) continue;
    if (auto it = item.fields.find(field); it != item.fields.end() && it->second) {
      value = *it->second;
    }
  }
  return value;
}

}  // namespace api_world
