// The tablet's connection to its server: HTTP/1.1 over TCP, or HTTPS with the server's
// certificate and name verified. Beast and OpenSSL stay inside server_link.cpp.
//
// One link is one keep-alive connection, opened on first use and again when the server has
// closed it. Every wait is bounded by LinkOptions::timeout. One thread at a time. Throws
// LinkFailure when it cannot connect or the exchange fails; an HTTP error status is an answer,
// not a failure.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "vigil/mobile/tablet.hpp"

namespace vigil::mobile {

struct ServerAddress {
  std::string host;
  unsigned short port = 0;
  bool tls = false;
};

// "https://vigil.force.example:8443" or "http://127.0.0.1:8080"; throws TabletError (bad_input)
// naming what is wrong.
ServerAddress parse_server_url(std::string_view url);

class LinkFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Reply {
  int status = 0;
  std::string body;
  std::string protocol;  // the server's Vigil-Protocol header ("" when it sent none)
};

class ServerLink {
 public:
  ServerLink(ServerAddress address, LinkOptions options);
  ~ServerLink();
  ServerLink(const ServerLink&) = delete;
  ServerLink& operator=(const ServerLink&) = delete;

  // One request; `token` ("" for none) goes as a bearer token, `body` as JSON.
  Reply exchange(std::string_view method, const std::string& target, const std::string& body,
                 const std::string& token);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::mobile
