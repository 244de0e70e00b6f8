// A real vigil-server in the test process: the API on a database, served over HTTP on an
// ephemeral 127.0.0.1 port, stoppable and restartable on the same port (as a force's server comes
// back at its address, where its tablets look for it).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "vigil/http/client.hpp"
#include "vigil/http/server.hpp"
#include "vigil/server/api.hpp"
#include "vigil/sync/wire.hpp"

class LiveServer {
 public:
  // HTTPS when given a certificate chain and its key (PEM files).
  struct Tls {
    std::string certificate, key;
  };

  explicit LiveServer(std::filesystem::path database, vigil::server::ApiOptions options = {},
                      std::optional<Tls> tls = std::nullopt)
      : options_(std::move(options)), tls_(std::move(tls)) {
    options_.database = std::move(database);
    start();
  }
  ~LiveServer() { stop(); }

  void start() {
    api_ = std::make_unique<vigil::server::Api>(options_);
    vigil::http::ServerOptions server;
    server.address = "127.0.0.1";
    server.port = port_;
    server.threads = 2;
    server.body_limit = body_limit;
    server.log_refusal = [api = api_.get()](const vigil::http::ServerOptions::Refusal& refusal) {
      api->refused(refusal);
    };
    if (tls_) {
      server.tls_certificate_file = tls_->certificate;
      server.tls_private_key_file = tls_->key;
    }
    http_ = std::make_unique<vigil::http::HttpServer>(
        server, [api = api_.get()](const vigil::http::Request& r) { return api->handle(r); });
    http_->start();
    port_ = http_->port();
  }
  void stop() {
    if (http_) http_->stop();
    http_.reset();
    api_.reset();
  }
  void restart() {
    stop();
    start();
  }
  unsigned short port() const { return http_->port(); }
  std::unique_ptr<vigil::http::Client> client() const {
    return std::make_unique<vigil::http::Client>("127.0.0.1", port());
  }
  vigil::server::Api& api() { return *api_; }

  std::size_t body_limit = std::size_t{8} << 20;

 private:
  vigil::server::ApiOptions options_;
  std::optional<Tls> tls_;
  unsigned short port_ = 0;  // 0 until the first start picks one
  std::unique_ptr<vigil::server::Api> api_;
  std::unique_ptr<vigil::http::HttpServer> http_;
};

struct Session {
  std::string token, device_id;
  std::map<std::string, std::string> auth() const { return {{"Authorization", "Bearer " + token}}; }
};

// Signs in through the API; throws when the server refuses.
inline Session sign_in(vigil::http::Client& client, const std::string& username,
                       const std::string& password, const std::string& device_name = "test tablet",
                       const std::string& kind = "tablet") {
  const auto result =
      client.post("/api/v1/auth/login", "{\"username\":\"" + username + "\",\"password\":\"" +
                                            password + "\",\"device_name\":\"" + device_name +
                                            "\",\"kind\":\"" + kind + "\"}");
  if (result.status != 200) {
    throw std::runtime_error("sign-in as " + username + " failed: " + result.body);
  }
  const auto body =
      vigil::sync::decode_string_object(result.body, {"token", "device_id", "officer", "role"});
  return {body.at("token"), body.at("device_id")};
}
