#include "vigil/mobile/field_app.hpp"

#include <array>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <utility>

#include "embedded_app.hpp"
#include "vigil/base/digest.hpp"
#include "vigil/base/error.hpp"
#include "vigil/base/json.hpp"
#include "vigil/http/server.hpp"
#include "vigil/mobile/json.hpp"
#include "vigil/rules/dates.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/sync/wire.hpp"

namespace vigil::mobile {
namespace {

using http::Request;
using http::Response;

constexpr const char* kCookie = "vigil_app";

// The app's pages run their own script and style sheet and nothing else: no inline script, no
// other origin, no frame around them, no form posted elsewhere.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

Response answer(int status, std::string body, std::string content_type = "application/json") {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response error_answer(int status, const std::string& problem, const std::string& sentence) {
  base::JsonWriter w;
  w.object({base::member("problem", problem), base::member("error", sentence)});
  return answer(status, w.str());
}

// The HTTP status and the word the app's script reads for each kind of problem, in the order of
// Problem.
struct ProblemAnswer {
  int status;
  std::string_view word;
};
constexpr std::array<ProblemAnswer, static_cast<std::size_t>(Problem::wiped) + 1> kProblemAnswers{{
    {400, "bad_input"},
    {409, "not_enrolled"},
    {423, "locked"},
    {401, "wrong_password"},
    {502, "refused"},
    {503, "unreachable"},
    {410, "wiped"},
}};

// A value from the cookie header "a=1; b=2".
std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

// Secrets compared through their digests: the time taken says nothing of how much matched.
bool same_secret(const std::string& given, const std::string& expected) {
  return !expected.empty() && base::sha256_hex(given) == base::sha256_hex(expected);
}

TabletError bad(const std::string& sentence) {
  return TabletError(Problem::bad_input, sentence);
}

std::string member(const std::map<std::string, std::string>& body, const std::string& name) {
  const auto found = body.find(name);
  return found == body.end() ? std::string() : found->second;
}

// A visit as the app's form sends it: every member a string, attendees joined by ';'.
VisitInput visit_from(const std::map<std::string, std::string>& body) {
  VisitInput visit;
  visit.nominal_ref = member(body, "nominal_ref");
  const auto announced = parse_yes_no(member(body, "announced"));
  if (!announced) throw bad("Say whether the visit was pre-arranged (announced: yes or no).");
  visit.announced = *announced;
  const auto outcome = parse_enum<VisitOutcome>(member(body, "outcome"));
  if (!outcome) {
    throw bad("Pick the visit's outcome: one of " + allowed_values<VisitOutcome>() + ".");
  }
  visit.outcome = *outcome;
  if (const auto attendees = member(body, "attendees"); !attendees.empty()) {
    visit.attendees = sync::attendee_usernames(attendees);
  }
  visit.risk_change = member(body, "risk_change");
  visit.note = member(body, "observations");
  visit.crew_reason = member(body, "crew_reason");
  visit.announced_reason = member(body, "announced_reason");
  visit.devices_checked = member(body, "devices_checked");
  if (const auto code = member(body, "not_as_planned"); !code.empty()) {
    visit.not_as_planned = parse_enum<NotAsPlanned>(code);
    if (!visit.not_as_planned) {
      throw bad("The reason code '" + quoted_excerpt(code) + "' is not one of " +
                allowed_values<NotAsPlanned>() + ".");
    }
  }
  if (const auto at = member(body, "occurred_at"); !at.empty()) {
    visit.occurred_at = parse_instant(at);
    if (!visit.occurred_at) {
      throw bad("The time of the visit '" + quoted_excerpt(at) +
                "' is not an instant (YYYY-MM-DDTHH:MM:SSZ).");
    }
  }
  return visit;
}

const std::initializer_list<std::string_view> kVisitMembers{
    "nominal_ref",    "announced",       "outcome",     "attendees",
    "risk_change",    "observations",    "crew_reason", "announced_reason",
    "not_as_planned", "devices_checked", "occurred_at"};

// The fields of a visit an amendment may change, as the app names them.
const std::initializer_list<std::string_view> kAmendable{
    "occurred_at",  "announced",   "outcome",          "attendees",      "risk_change",
    "observations", "crew_reason", "announced_reason", "not_as_planned", "devices_checked"};

}  // namespace

struct FieldApp::Impl {
  Tablet& tablet;
  AppOptions options;
  std::mutex own_turn;
  std::mutex& turn;  // the tablet serves one request at a time (AppOptions::turn)
  std::string launch_token = base::random_hex(32);
  bool launched = false;
  std::string session;  // the session cookie's value, once launched
  // What the last sync found: whether the server answered, and when.
  std::optional<bool> online;
  std::string last_attempt_at, last_sync_error;
  std::unique_ptr<http::HttpServer> server;
  std::string own_host;  // "127.0.0.1:PORT"

  using Route = std::function<Response(const Request&)>;
  std::map<std::pair<std::string, std::string>, Route> routes;

  Impl(Tablet& t, AppOptions o)
      : tablet(t), options(std::move(o)), turn(options.turn ? *options.turn : own_turn) {
    add_routes();
    http::ServerOptions server_options;
    server_options.address = "127.0.0.1";
    server_options.port = options.port;
    server_options.threads = 1;
    server_options.handler_threads = 2;
    server_options.body_limit = std::size_t{1} << 20;
    server = std::make_unique<http::HttpServer>(server_options,
                                                [this](const Request& r) { return handle(r); });
    own_host = "127.0.0.1:" + std::to_string(server->port());
  }

  std::string own_origin() const { return "http://" + own_host; }

  Response handle(const Request& request) {
    Response response;
    try {
      response = route(request);
    } catch (const std::exception& error) {
      // Answered here, so even a failure carries the headers below; the cause goes to the log.
      std::fprintf(stderr, "vigil-field: the app failed on %s %s: %s\n", request.method.c_str(),
                   quoted_excerpt(request.path).c_str(), error.what());
      response = error_answer(500, "failed", "The tablet failed to do that; nothing was changed.");
    }
    // Each refusal is said in the app's log (the journal, or the shell's stderr): a page or a
    // program knocking at the app is seen. The request's values are not repeated, only where.
    if (response.status == 401 || response.status == 403) {
      std::fprintf(stderr, "vigil-field: refused %s %s (%d, Host %s, Origin %s)\n",
                   quoted_excerpt(request.method).c_str(), quoted_excerpt(request.path).c_str(),
                   response.status, quoted_excerpt(request.host).c_str(),
                   request.origin.empty() ? "none" : quoted_excerpt(request.origin).c_str());
    }
    response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
    response.headers.emplace_back("X-Frame-Options", "DENY");
    return response;
  }

  Response route(const Request& request) {
    // A page of another site, or a name that resolves here by a trick of DNS, gets nothing.
    if (request.host != own_host) {
      return error_answer(403, "refused", "This app answers only at " + own_origin() + ".");
    }
    if (!request.origin.empty() && request.origin != own_origin()) {
      return error_answer(403, "refused", "A page of another origin may not use this app.");
    }
    if (request.method == "GET" && request.path == "/" && request.query.count("launch")) {
      return launch(request.query.at("launch"));
    }
    std::unique_lock lock(turn);
    const auto cookie = cookie_value(request.cookie, kCookie);
    if (!cookie || !same_secret(*cookie, session)) {
      Response refused = error_answer(401, "no_session",
                                      "Open the app from the address vigil-field serve printed.");
      if (request.path == "/") {
        refused.content_type = "text/plain; charset=utf-8";
        refused.body = "Open the app from the address vigil-field serve printed.\n";
      }
      return refused;
    }
    // What changes something comes from the app's own script, which always says where from.
    if (request.method != "GET" && request.origin.empty()) {
      return error_answer(403, "refused", "A request that changes something must say its origin.");
    }
    const auto found = routes.find({request.method, request.path});
    if (found == routes.end()) {
      return error_answer(
          404, "not_found",
          "The app has no " + request.method + " " + quoted_excerpt(request.path) + ".");
    }
    try {
      return found->second(request);
    } catch (const TabletError& error) {
      const ProblemAnswer& answer = kProblemAnswers.at(static_cast<std::size_t>(error.problem()));
      return error_answer(answer.status, std::string(answer.word), error.what());
    } catch (const Error& error) {
      if (error.code() == ErrorCode::invalid_input) {
        return error_answer(400, "bad_input", error.what());
      }
      throw;
    }
  }

  Response launch(const std::string& token) {
    std::unique_lock lock(turn);
    if (launched || !same_secret(token, launch_token)) {
      return error_answer(403, "refused",
                          "This launch address has been used or is wrong: start the app again "
                          "with vigil-field serve.");
    }
    launched = true;
    launch_token.clear();
    session = base::random_hex(32);
    Response r = answer(303, "");
    r.headers.emplace_back("Location", "/");
    r.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=" + session +
                                             "; Path=/; HttpOnly; "
                                             "SameSite=Strict");
    return r;
  }

  static std::map<std::string, std::string> body_of(
      const Request& request, std::initializer_list<std::string_view> allowed) {
    return sync::decode_string_object(request.body, allowed);
  }

  Date today() const {
    return london_date(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  }

  void add_routes() {
    routes[{"GET", "/"}] = [](const Request&) {
      return answer(200, std::string(app_html()), "text/html; charset=utf-8");
    };
    // Browsers ask for an icon unbidden; the app has none.
    routes[{"GET", "/favicon.ico"}] = [](const Request&) { return answer(204, ""); };
    routes[{"GET", "/app.css"}] = [](const Request&) {
      return answer(200, std::string(app_css()), "text/css; charset=utf-8");
    };
    routes[{"GET", "/app.js"}] = [](const Request&) {
      return answer(200, std::string(app_js()), "text/javascript; charset=utf-8");
    };
    routes[{"GET", "/api/status"}] = [this](const Request&) {
      const TabletStatus status = tablet.status();
      base::JsonWriter w;
      w.begin_object()
          .field("online", online)
          .fields({base::member("last_attempt_at", last_attempt_at),
                   base::member("sync_error", last_sync_error)})
          .key("tablet")
          .raw(to_json(status))
          .end_object();
      return answer(200, w.str());
    };
    routes[{"POST", "/api/unlock"}] = [this](const Request& r) {
      tablet.unlock(member(body_of(r, {"password"}), "password"));
      return answer(200, "{}");
    };
    routes[{"POST", "/api/lock"}] = [this](const Request&) {
      tablet.lock();
      return answer(200, "{}");
    };
    routes[{"POST", "/api/sync"}] = [this](const Request& r) {
      // The page's own timer syncs in the background; that keeps no idle tablet unlocked.
      const bool background = member(body_of(r, {"background"}), "background") == "yes";
      last_attempt_at = format_instant(
          std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
      try {
        const auto report = tablet.sync(
            options.link, background ? Tablet::Asked::in_background : Tablet::Asked::by_officer);
        online = true;
        last_sync_error.clear();
        return answer(200, to_json(report));
      } catch (const TabletError& error) {
        if (error.problem() == Problem::unreachable) {
          online = false;
          last_sync_error = error.what();
        }
        throw;
      }
    };
    routes[{"GET", "/api/caseload"}] = [this](const Request& r) {
      Date as_of = today();
      if (const auto it = r.query.find("as_of"); it != r.query.end() && !it->second.empty()) {
        const auto parsed = parse_date(it->second);
        if (!parsed) {
          throw bad("The date '" + quoted_excerpt(it->second) + "' is not a real date.");
        }
        as_of = *parsed;
      }
      return answer(200, caseload_json(tablet.caseload(as_of), as_of));
    };
    routes[{"POST", "/api/show"}] = [this](const Request& r) {
      const auto body = body_of(r, {"ref", "reason"});
      return answer(200, to_json(tablet.show(member(body, "ref"), member(body, "reason"))));
    };
    routes[{"GET", "/api/officers"}] = [this](const Request&) {
      return answer(200, officers_json(tablet.officers()));
    };
    routes[{"GET", "/api/suspects"}] = [this](const Request&) {
      return answer(200, suspects_json(tablet.suspects()));
    };
    routes[{"GET", "/api/returned"}] = [this](const Request&) {
      return answer(200, returned_json(tablet.returned()));
    };
    routes[{"POST", "/api/visit/warnings"}] = [this](const Request& r) {
      return answer(200,
                    warnings_json(tablet.visit_warnings(visit_from(body_of(r, kVisitMembers)))));
    };
    routes[{"POST", "/api/visit"}] = [this](const Request& r) {
      return answer(200, to_json(tablet.record_visit(visit_from(body_of(r, kVisitMembers)))));
    };
    routes[{"POST", "/api/amend"}] = [this](const Request& r) {
      auto body = sync::decode_string_object(
          r.body,
          {"visit_id", "reason", "occurred_at", "announced", "outcome", "attendees", "risk_change",
           "observations", "crew_reason", "announced_reason", "not_as_planned", "devices_checked"});
      sync::FieldValues changes;
      for (const auto field : kAmendable) {
        if (const auto value = member(body, std::string(field)); !value.empty()) {
          changes[std::string(field)] = value;
        }
      }
      return answer(200, to_json(tablet.amend_visit(member(body, "visit_id"),
                                                    member(body, "reason"), changes)));
    };
    routes[{"POST", "/api/breach"}] = [this](const Request& r) {
      const auto body = body_of(r, {"ref", "order", "condition", "action"});
      return answer(
          200, to_json(tablet.record_breach(member(body, "ref"), member(body, "order"),
                                            member(body, "condition"), member(body, "action"))));
    };
    routes[{"POST", "/api/breach-follow-up"}] = [this](const Request& r) {
      const auto body = body_of(r, {"breach_id", "action", "status"});
      return answer(
          200, to_json(tablet.follow_up_breach(member(body, "breach_id"), member(body, "action"),
                                               member(body, "status"))));
    };
    routes[{"POST", "/api/encounter"}] = [this](const Request& r) {
      const auto body =
          body_of(r, {"young_person", "place", "criminal", "sexual", "markers", "home_area"});
      EncounterInput encounter;
      encounter.young_person = member(body, "young_person");
      encounter.place = member(body, "place");
      encounter.criminal_exploitation = member(body, "criminal") == "yes";
      encounter.sexual_exploitation = member(body, "sexual") == "yes";
      encounter.markers = member(body, "markers");
      encounter.home_area = member(body, "home_area");
      return answer(200, to_json(tablet.record_encounter(encounter)));
    };
    routes[{"POST", "/api/trace"}] = [this](const Request& r) {
      const auto body = body_of(r, {"ref", "note"});
      return answer(200, to_json(tablet.record_trace(member(body, "ref"), member(body, "note"))));
    };
    routes[{"POST", "/api/assessment"}] = [this](const Request& r) {
      const auto body = body_of(r, {"ref", "risk_level", "risk_factors", "protective_factors"});
      const auto level = parse_enum<RiskLevel>(member(body, "risk_level"));
      if (!level) throw bad("Pick the risk level: one of " + allowed_values<RiskLevel>() + ".");
      return answer(200, to_json(tablet.record_assessment(member(body, "ref"), *level,
                                                          member(body, "risk_factors"),
                                                          member(body, "protective_factors"))));
    };
    routes[{"POST", "/api/action"}] = [this](const Request& r) {
      const auto body = body_of(r, {"id", "status"});
      return answer(200, to_json(tablet.update_action(member(body, "id"), member(body, "status"))));
    };
    // A rejected change made again: its change_id and, beside it, the corrected fields (wire
    // names; the tablet refuses any its kind of record has not).
    routes[{"POST", "/api/correct"}] = [this](const Request& r) {
      auto fields = sync::decode_fields(r.body);
      const auto change_id = fields.find("change_id");
      if (change_id == fields.end() || !change_id->second) {
        throw bad("Name the rejected change to correct (change_id).");
      }
      const std::string id = *change_id->second;
      fields.erase(change_id);
      return answer(200, to_json(tablet.correct(id, fields)));
    };
    routes[{"POST", "/api/let-go"}] = [this](const Request& r) {
      tablet.let_go(member(body_of(r, {"change_id"}), "change_id"));
      return answer(200, "{}");
    };
  }
};

FieldApp::FieldApp(Tablet& tablet, AppOptions options)
    : impl_(std::make_unique<Impl>(tablet, std::move(options))) {}

FieldApp::~FieldApp() {
  impl_->server->stop();
}

std::string FieldApp::launch_url() const {
  std::unique_lock lock(impl_->turn);
  return impl_->own_origin() + "/?launch=" + impl_->launch_token;
}

unsigned short FieldApp::port() const {
  return impl_->server->port();
}

std::vector<std::pair<std::string, std::string>> FieldApp::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, handler] : impl_->routes) out.push_back(key);
  return out;
}

void FieldApp::run(bool stop_on_signals) {
  impl_->server->run(stop_on_signals);
}

void FieldApp::start() {
  impl_->server->start();
}

void FieldApp::stop() {
  impl_->server->stop();
}

}  // namespace vigil::mobile
