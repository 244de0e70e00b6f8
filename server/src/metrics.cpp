#include "vigil/server/metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <mutex>
#include <system_error>

#include "vigil/base/error.hpp"

namespace vigil::server {

namespace {

enum class Type { counter, gauge, histogram };

const char* type_name(Type type) {
  static constexpr std::array<const char*, static_cast<std::size_t>(Type::histogram) + 1> kNames{
      "counter", "gauge", "histogram"};
  static_assert(std::ranges::none_of(kNames, [](const char* name) { return name == nullptr; }),
                "every type has its name");
  return kNames.at(static_cast<std::size_t>(type));
}

bool valid_name(std::string_view name, bool colons) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colons && c == ':');
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

// Prometheus reads Go's float syntax: the shortest round-trip form, and +Inf, -Inf, NaN.
std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[64];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  if (ec != std::errc{}) return "NaN";
  return std::string(text, end);
}

// In HELP lines only backslash and line feed are escaped; label values also escape '"'.
std::string escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="1",b="2"}`, with `le` appended for a histogram bucket; empty when there are no labels.
std::string label_text(const Labels& labels, const std::string* le = nullptr) {
  if (labels.empty() && le == nullptr) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name + "=\"" + escape(value, true) + '"';
  }
  if (le != nullptr) {
    if (!first) out += ',';
    out += "le=\"" + *le + '"';
  }
  return out + '}';
}

}  // namespace

struct Metrics::Impl {
  struct Series {
    std::uint64_t count = 0;  // counter value, or the histogram's number of observations
    double value = 0;         // gauge value, or the histogram's sum
    std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};  // per bucket, not cumulative
  };
  struct Family {
    Type type;
    std::string help;
    std::map<Labels, Series> series;
  };

  std::mutex mutex;
  std::map<std::string, Family, std::less<>> families;

  // The series to update; the caller holds the mutex.
  Series& series(std::string_view name, std::string_view help, Type type, const Labels& labels) {
    auto found = families.find(name);
    if (found == families.end()) {
      if (!valid_name(name, true)) {
        throw Error(ErrorCode::internal,
                    "'" + std::string(name) + "' is not a valid Prometheus metric name.");
      }
      found = families.emplace(std::string(name), Family{type, std::string(help), {}}).first;
    } else if (found->second.type != type) {
      throw Error(ErrorCode::internal, "The metric '" + std::string(name) + "' is a " +
                                           type_name(found->second.type) + ", not a " +
                                           type_name(type) + ".");
    }
    auto& all = found->second.series;
    auto existing = all.find(labels);
    if (existing != all.end()) return existing->second;
    for (const auto& [label, value] : labels) {
      const bool reserved = label.rfind("__", 0) == 0 || (type == Type::histogram && label == "le");
      if (!valid_name(label, false) || reserved) {
        throw Error(ErrorCode::internal, "'" + label +
                                             "' is not a valid label name for the metric '" +
                                             std::string(name) + "'.");
      }
    }
    return all[labels];
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::counter(std::string_view name, std::string_view help, const Labels& labels,
                      std::uint64_t by) {
  std::lock_guard lock(impl_->mutex);
  impl_->series(name, help, Type::counter, labels).count += by;
}

void Metrics::gauge(std::string_view name, std::string_view help, const Labels& labels,
                    double value) {
  std::lock_guard lock(impl_->mutex);
  impl_->series(name, help, Type::gauge, labels).value = value;
}

void Metrics::observe(std::string_view name, std::string_view help, const Labels& labels,
                      double seconds) {
  std::lock_guard lock(impl_->mutex);
  auto& series = impl_->series(name, help, Type::histogram, labels);
  if (std::isnan(seconds)) return;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++series.buckets[i];
      break;
    }
  }
  ++series.count;
  series.value += seconds;
}

std::string Metrics::render() const {
  std::lock_guard lock(impl_->mutex);
  std::string out;
  for (const auto& [name, family] : impl_->families) {
    out += "# HELP " + name + ' ' + escape(family.help, false) + '\n';
    out += "# TYPE " + name + ' ' + type_name(family.type) + '\n';
    for (const auto& [labels, series] : family.series) {
      switch (family.type) {
        case Type::counter:
          out += name + label_text(labels) + ' ' + std::to_string(series.count) + '\n';
          break;
        case Type::gauge:
          out += name + label_text(labels) + ' ' + format_number(series.value) + '\n';
          break;
        case Type::histogram: {
          std::uint64_t cumulative = 0;
          for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
            cumulative += series.buckets[i];
            const std::string le = format_number(kLatencyBuckets[i]);
            out += name + "_bucket" + label_text(labels, &le) + ' ' + std::to_string(cumulative) +
                   '\n';
          }
          const std::string infinity = "+Inf";
          out += name + "_bucket" + label_text(labels, &infinity) + ' ' +
                 std::to_string(series.count) + '\n';
          out += name + "_sum" + label_text(labels) + ' ' + format_number(series.value) + '\n';
          out += name + "_count" + label_text(labels) + ' ' + std::to_string(series.count) + '\n';
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace vigil::server
