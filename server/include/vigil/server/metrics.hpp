// Counters, gauges and latency histograms for GET /metrics, in the Prometheus text exposition
// format 0.0.4. Knows nothing of HTTP: the routes decide what to count and serve render().
//
// A family (one metric name) is created on first use with its help text and type; each distinct
// set of labels is one series in it. Owned by whoever builds the server (one per process);
// every member is thread-safe. Throws vigil::Error (code internal) on a name that Prometheus
// would reject (and "le" on a histogram, or a label starting "__"), or a name used with two
// types: those are bugs in the caller.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace vigil::server {

using Labels = std::map<std::string, std::string>;  // name -> value; rendered in name order

class Metrics {
 public:
  // Upper bounds, in seconds, of every histogram's buckets (+Inf is implied).
  static constexpr std::array<double, 12> kLatencyBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Adds `by` to a counter.
  void counter(std::string_view name, std::string_view help, const Labels& labels = {},
               std::uint64_t by = 1);
  // Sets a gauge.
  void gauge(std::string_view name, std::string_view help, const Labels& labels, double value);
  void gauge(std::string_view name, std::string_view help, double value) {
    gauge(name, help, {}, value);
  }
  // Records one duration in a latency histogram.
  void observe(std::string_view name, std::string_view help, const Labels& labels, double seconds);
  void observe(std::string_view name, std::string_view help, double seconds) {
    observe(name, help, {}, seconds);
  }

  // Every family in name order, each series in label order.
  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::server
