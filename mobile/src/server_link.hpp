// The tablet's connection to its server: HTTP/1.1 over TCP, or HTTPS with the server's
// certificate and name verified, through the one HTTP client (vigil/http/client.hpp).
//
// The sync client's transport (sync/client.hpp). One link is one keep-alive connection, opened on
// first use and again when the server has closed it. Every wait is bounded by
// LinkOptions::timeout. One thread at a time. Throws sync::TransportFailure when it cannot connect
// or the exchange fails; an HTTP error status is an answer, not a failure.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vigil/http/client.hpp"
#include "vigil/mobile/tablet.hpp"
#include "vigil/sync/client.hpp"

namespace vigil::mobile {

struct ServerAddress {
  std::string host;
  unsigned short port = 0;
  bool tls = false;
};

// "https://vigil.force.example:8443" or "http://127.0.0.1:8080"; throws TabletError (bad_input)
// naming what is wrong.
ServerAddress parse_server_url(std::string_view url);

class ServerLink : public sync::Transport {
 public:
  // Throws TabletError (bad_input) when the certificates in options.ca_file cannot be read (for
  // an https:// server: a plain one, on this machine only, uses none).
  ServerLink(const ServerAddress& address, const LinkOptions& options);
  ~ServerLink() override;
  ServerLink(const ServerLink&) = delete;
  ServerLink& operator=(const ServerLink&) = delete;

  sync::Answer exchange(std::string_view method, const std::string& target, const std::string& body,
                        const std::string& token) override;

 private:
  std::unique_ptr<http::Client> client_;
};

}  // namespace vigil::mobile
