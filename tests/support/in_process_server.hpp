// The server's request handler in the test's own process, and a sync transport (sync/client.hpp)
// that calls it directly, with faults put in where a network puts them: a request dropped, sent
// twice, held back and delivered after later ones, an answer lost or cut off, and the server
// restarted between two requests. Tablets then run against the real engine without sockets, fast
// enough for a thousand seeds of the convergence test.
#pragma once

#include <algorithm>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "vigil/http/server.hpp"
#include "vigil/server/api.hpp"
#include "vigil/sync/client.hpp"
#include "vigil/sync/wire.hpp"

// One vigil-server's API on a database, restartable as a server comes back on the same file.
class InProcessServer {
 public:
  // `now` is the server's clock (the system's when empty).
  explicit InProcessServer(std::filesystem::path database,
                           std::function<vigil::Instant()> now = {}) {
    options_.database = std::move(database);
    options_.now = std::move(now);
    options_.connections_ahead = 1;
    start();
  }

  void restart() {
    api_.reset();
    start();
    ++restarts_;
  }

  // The request as vigil-server's HTTP transport would hand it to the API, bodies over the limit
  // refused with 413 as that transport refuses them.
  vigil::sync::Answer handle(std::string_view method, const std::string& target,
                             const std::string& body, const std::string& token) {
    if (body.size() > body_limit) return {413, "{\"error\":\"body_too_large\"}", "1"};
    vigil::http::Request request;
    request.method = std::string(method);
    auto parsed = vigil::http::parse_request_target(target);
    if (!parsed) return {400, "{\"error\":\"bad_target\"}", "1"};
    request.path = parsed->path;
    request.query = parsed->query;
    if (!token.empty()) request.authorization = "Bearer " + token;
    request.protocol = std::to_string(vigil::sync::kProtocolVersion);
    request.content_type = body.empty() ? "" : "application/json";
    request.body = body;
    request.remote_address = "127.0.0.1";
    const auto response = api_->handle(request);
    vigil::sync::Answer answer{response.status, response.body, ""};
    for (const auto& [name, value] : response.headers) {
      if (name == vigil::sync::kProtocolHeader) answer.protocol = value;
    }
    return answer;
  }

  int restarts() const { return restarts_; }
  std::size_t body_limit = std::size_t{8} << 20;

 private:
  void start() { api_ = std::make_unique<vigil::server::Api>(options_); }

  vigil::server::ApiOptions options_;
  std::unique_ptr<vigil::server::Api> api_;
  int restarts_ = 0;
};

// How often each fault happens, as a share of exchanges (0 for none).
struct Faults {
  double dropped = 0;   // the request never arrives
  double repeated = 0;  // the request arrives twice (a retransmission)
  double held = 0;      // the request arrives later, after requests sent after it
  double lost = 0;      // the request arrives, its answer does not
  double cut_off = 0;   // the answer arrives cut short
  double restart = 0;   // the server restarts before the request arrives

  static Faults none() { return {}; }
};

class FaultyTransport : public vigil::sync::Transport {
 public:
  FaultyTransport(InProcessServer& server, std::mt19937_64& random, Faults rates = {})
      : server_(server), random_(random), rates_(rates) {}

  vigil::sync::Answer exchange(std::string_view method, const std::string& target,
                               const std::string& body, const std::string& token) override {
    ++exchanges_;
    // What was held back arrives now, before or after this request, or later still.
    const auto when = random_() % 3;
    if (when == 0) deliver_held();
    if (fault(rates_.restart)) server_.restart();
    if (fault(rates_.dropped)) throw vigil::sync::TransportFailure("the request was dropped");
    if (fault(rates_.held)) {
      held_.push_back({std::string(method), target, body, token});
      throw vigil::sync::TransportFailure("no answer came (the request was held back)");
    }
    auto answer = server_.handle(method, target, body, token);
    if (fault(rates_.repeated)) answer = server_.handle(method, target, body, token);
    if (when == 1) deliver_held();
    if (fault(rates_.lost)) throw vigil::sync::TransportFailure("the answer was lost");
    if (!answer.body.empty() && fault(rates_.cut_off)) {
      answer.body.resize(static_cast<std::size_t>(random_() % answer.body.size()));
    }
    return answer;
  }

  // Delivers whatever is still held back, as a network finally does.
  void deliver_held() {
    while (!held_.empty()) {
      const auto request = std::move(held_.front());
      held_.pop_front();
      (void)server_.handle(request.method, request.target, request.body, request.token);
    }
  }

  int exchanges() const { return exchanges_; }
  // Faults put in so far: a failure with none put in since it began is the server's.
  int faults() const { return faults_; }

 private:
  struct Held {
    std::string method, target, body, token;
  };

  bool fault(double share) {
    const bool happens = share > 0 && std::uniform_real_distribution<double>(0, 1)(random_) < share;
    if (happens) ++faults_;
    return happens;
  }

  InProcessServer& server_;
  std::mt19937_64& random_;
  Faults rates_;
  std::deque<Held> held_;
  int exchanges_ = 0;
  int faults_ = 0;
};
