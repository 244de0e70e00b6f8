#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "vigil/base/error.hpp"
#include "vigil/server/metrics.hpp"

using namespace vigil;
using namespace vigil::server;

TEST_CASE("metrics: counters and gauges render in Prometheus text format", "[server][metrics]") {
  Metrics metrics;
  CHECK(metrics.render().empty());

  metrics.counter("vigil_http_requests_total", "HTTP requests answered.",
                  {{"status", "200"}, {"route", "/api/v1/sync/push"}});
  metrics.counter("vigil_http_requests_total", "ignored: the first help text stays",
                  {{"route", "/api/v1/sync/push"}, {"status", "200"}}, 4);
  metrics.counter("vigil_http_requests_total", "", {{"route", "/healthz"}, {"status", "200"}});
  metrics.gauge("vigil_devices", "Devices known.\nOne line.", 12);
  metrics.gauge("vigil_devices", "", 3.5);
  metrics.gauge("vigil_clock_skew_seconds", "Skew with \\ backslash.",
                {{"device", "tab \"7\"\\\nx"}}, -0.25);

  CHECK(metrics.render() ==
        "# HELP vigil_clock_skew_seconds Skew with \\\\ backslash.\n"
        "# TYPE vigil_clock_skew_seconds gauge\n"
        "vigil_clock_skew_seconds{device=\"tab \\\"7\\\"\\\\\\nx\"} -0.25\n"
        "# HELP vigil_devices Devices known.\\nOne line.\n"
        "# TYPE vigil_devices gauge\n"
        "vigil_devices 3.5\n"
        "# HELP vigil_http_requests_total HTTP requests answered.\n"
        "# TYPE vigil_http_requests_total counter\n"
        "vigil_http_requests_total{route=\"/api/v1/sync/push\",status=\"200\"} 5\n"
        "vigil_http_requests_total{route=\"/healthz\",status=\"200\"} 1\n");
}

TEST_CASE("metrics: histograms have cumulative buckets, +Inf, sum and count", "[server][metrics]") {
  Metrics metrics;
  metrics.observe("vigil_http_request_seconds", "Time to answer.", {{"route", "/x"}}, 0.003);
  metrics.observe("vigil_http_request_seconds", "", {{"route", "/x"}}, 0.005);  // on a bound
  metrics.observe("vigil_http_request_seconds", "", {{"route", "/x"}}, 0.2);
  metrics.observe("vigil_http_request_seconds", "", {{"route", "/x"}}, 60);  // above every bound

  CHECK(metrics.render() ==
        "# HELP vigil_http_request_seconds Time to answer.\n"
        "# TYPE vigil_http_request_seconds histogram\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"0.001\"} 0\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"0.0025\"} 0\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"0.005\"} 2\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"0.01\"} 2\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"0.025\"} 2\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"0.05\"} 2\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"0.25\"} 3\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"0.5\"} 3\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"2.5\"} 3\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"10\"} 3\n"
        "vigil_http_request_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
        "vigil_http_request_seconds_sum{route=\"/x\"} 60.208\n"
        "vigil_http_request_seconds_count{route=\"/x\"} 4\n");
}

TEST_CASE("metrics: bad names and mixed types are the caller's bug", "[server][metrics]") {
  Metrics metrics;
  CHECK_THROWS_AS(metrics.counter("1st", "x"), Error);
  CHECK_THROWS_AS(metrics.counter("has-dash", "x"), Error);
  CHECK_THROWS_AS(metrics.counter("ok_total", "x", {{"bad-label", "v"}}), Error);
  CHECK_THROWS_AS(metrics.counter("ok_total", "x", {{"__reserved", "v"}}), Error);
  CHECK_THROWS_AS(metrics.observe("latency_seconds", "x", {{"le", "1"}}, 1.0), Error);
  metrics.counter("ok_total", "x");
  CHECK_THROWS_AS(metrics.gauge("ok_total", "x", 1), Error);
  metrics.counter("colons:are_fine_total", "x", {{"le", "1"}});  // le is reserved in histograms
  CHECK(metrics.render().find("ok_total 1\n") != std::string::npos);
}

TEST_CASE("metrics: counting from many threads loses nothing", "[server][metrics]") {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 1000; ++i) {
        metrics.counter("hits_total", "Hits.", {{"thread", std::to_string(t % 2)}});
        metrics.observe("work_seconds", "Work.", 0.01);
        if (i % 100 == 0) (void)metrics.render();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto text = metrics.render();
  CHECK(text.find("hits_total{thread=\"0\"} 2000\n") != std::string::npos);
  CHECK(text.find("hits_total{thread=\"1\"} 2000\n") != std::string::npos);
  CHECK(text.find("work_seconds_count 4000\n") != std::string::npos);
}
