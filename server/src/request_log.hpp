// The operator's log: one JSON line per request, and one per event of the server itself (start,
// stop, a failure outside any request). vigil-server writes them to standard error, where the
// journal keeps them. A line says when, which request, which route, what came of it, how long it
// took and who asked (officer and device ids), and names a security event (a sign-in refused or
// throttled, a revoked device, access refused) or a failure with its cause. Never a record's
// content: not the path (the route's pattern stands for it), the query, the body or a name.
// Private to server/.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "vigil/base/json.hpp"
#include "vigil/server/api.hpp"

namespace vigil::server {

struct RequestLine {
  std::string request_id;
  std::string method;
  std::string route;  // the route's pattern; "other" for a path no route has
  int status = 0;
  double duration_ms = 0;
  std::optional<std::string> officer_id, device_id;
  std::string event;    // a security event, "not_ready" or "failure"; empty for none
  std::string address;  // the client's address, on a security event's line
  std::string cause;    // a failure's cause, for the operator
};

// A level as the log and the settings write it ("info", "warn", "error"), and back.
std::string_view level_name(LogLevel level);
std::optional<LogLevel> parse_log_level(std::string_view text);

// Error for a failure (a 5xx, a cause), warn for a security event or not ready, info otherwise.
LogLevel log_level(const RequestLine& line);

std::string request_log_line(const RequestLine& line, std::chrono::system_clock::time_point at);

// A line for the server itself: {"time", "level", "event", ...more}.
std::string event_log_line(
    LogLevel level, std::string_view event, std::initializer_list<base::JsonMember> more = {},
    std::chrono::system_clock::time_point at = std::chrono::system_clock::now());

// Where the lines go (ApiOptions::log): told each line whole. Without a sink, only lines of
// level "error" are written, to standard error. Thread-safe when the sink is.
class OperatorLog {
 public:
  // Lines below `least` are dropped.
  OperatorLog(std::function<void(const std::string&)> sink, LogLevel least)
      : sink_(std::move(sink)), least_(least) {}
  void request(const RequestLine& line) const;
  void event(LogLevel level, std::string_view event,
             std::initializer_list<base::JsonMember> more = {}) const;
  // A failure of the server's own, outside any request: {"event": "failure", "cause": ...}.
  void failure(std::string_view cause) const;

 private:
  void write(LogLevel level, const std::string& line) const;
  std::function<void(const std::string&)> sink_;
  LogLevel least_;
};

// The request's id: the client's (or its proxy's) X-Request-Id when a log can hold it as it is
// (1 to 128 letters, digits and . _ : -), so a request can be followed from the proxy's log into
// this one; otherwise a new one.
std::string request_id_for(std::string_view sent);

}  // namespace vigil::server
