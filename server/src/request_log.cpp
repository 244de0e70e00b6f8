#include "request_log.hpp"

#include <date/date.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "vigil/base/ids.hpp"

namespace vigil::server {
namespace {

constexpr std::size_t kLongestRequestId = 128;

// UTC to the millisecond: lines from several threads sort into the order they were written.
std::string log_time(std::chrono::system_clock::time_point at) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::milliseconds>(at));
}

void write_head(base::JsonWriter& w, std::chrono::system_clock::time_point at, LogLevel level) {
  w.fields({base::member("time", log_time(at)), base::member("level", level_name(level))});
}

constexpr std::array<std::pair<LogLevel, std::string_view>, 3> kLevelNames{
    {{LogLevel::info, "info"}, {LogLevel::warn, "warn"}, {LogLevel::error, "error"}}};

}  // namespace

std::string_view level_name(LogLevel level) {
  for (const auto& [value, name] : kLevelNames) {
    if (value == level) return name;
  }
  return "info";
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
  for (const auto& [value, name] : kLevelNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

LogLevel log_level(const RequestLine& line) {
  if (line.event == "failure" || !line.cause.empty()) return LogLevel::error;
  if (line.status >= 500 && line.event != "not_ready") return LogLevel::error;
  if (!line.event.empty()) return LogLevel::warn;
  return LogLevel::info;
}

std::string request_log_line(const RequestLine& line, std::chrono::system_clock::time_point at) {
  base::JsonWriter w;
  w.begin_object();
  write_head(w, at, log_level(line));
  // Whole microseconds are as fine as a request's time is worth reading.
  const double duration_ms = std::round(line.duration_ms * 1000) / 1000;
  w.fields({base::member("request_id", line.request_id), base::member("method", line.method),
            base::member("route", line.route), base::member("status", line.status),
            base::member("duration_ms", duration_ms), base::member("officer_id", line.officer_id),
            base::member("device_id", line.device_id)});
  if (!line.event.empty()) w.field("event", line.event);
  if (!line.address.empty()) w.field("address", line.address);
  if (!line.cause.empty()) w.field("cause", line.cause);
  w.end_object();
  return w.str();
}

std::string event_log_line(LogLevel level, std::string_view event,
                           std::initializer_list<base::JsonMember> more,
                           std::chrono::system_clock::time_point at) {
  base::JsonWriter w;
  w.begin_object();
  write_head(w, at, level);
  w.field("event", event);
  w.fields(more);
  w.end_object();
  return w.str();
}

void OperatorLog::request(const RequestLine& line) const {
  write(log_level(line), request_log_line(line, std::chrono::system_clock::now()));
}

void OperatorLog::event(LogLevel level, std::string_view event,
                        std::initializer_list<base::JsonMember> more) const {
  write(level, event_log_line(level, event, more));
}

void OperatorLog::failure(std::string_view cause) const {
  event(LogLevel::error, "failure", {base::member("cause", cause)});
}

void OperatorLog::write(LogLevel level, const std::string& line) const {
  if (level < least_) return;
  if (sink_) {
    sink_(line);
  } else if (level == LogLevel::error) {
    const std::string whole = line + "\n";
    std::fwrite(whole.data(), 1, whole.size(), stderr);
  }
}

std::string request_id_for(std::string_view sent) {
  const bool usable = !sent.empty() && sent.size() <= kLongestRequestId &&
                      std::all_of(sent.begin(), sent.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                               (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                               c == ':';
                      });
  return usable ? std::string(sent) : base::make_time_ordered_uuid();
}

}  // namespace vigil::server
