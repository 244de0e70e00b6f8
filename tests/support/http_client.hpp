// A small blocking HTTP/1.1 client for the server's integration tests. Beast stays inside
// http_client.cpp so tests that use it compile quickly.
//
// One client is one keep-alive connection, opened on first use and opened again when the server
// has closed it. Every wait is bounded (10 s unless set_timeout says otherwise), so a broken
// server fails a test instead of hanging it. TLS does not verify the server's certificate: the
// tests use self-signed ones. Not thread-safe; one client per thread. Throws std::runtime_error
// when it cannot connect or the exchange fails.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "vigil/core/url.hpp"

using vigil::query_escaped;

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
};

struct RawResult {
  std::string received;           // every byte the server sent back
  bool closed_by_server = false;  // the server closed or reset the connection before the timeout
};

class HttpClient {
 public:
  HttpClient(std::string host, unsigned short port, bool tls = false);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `headers` are sent as given; Host, Content-Length and (for a body) a JSON Content-Type are
  // added unless given.
  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});
  HttpResult get(const std::string& target,
                 const std::map<std::string, std::string>& headers = {}) {
    return request("GET", target, {}, headers);
  }
  HttpResult post(const std::string& target, const std::string& body,
                  const std::map<std::string, std::string>& headers = {}) {
    return request("POST", target, body, headers);
  }

  // On a fresh connection of its own (after the TLS handshake, for a TLS client): sends `bytes`
  // (possibly none) and reads whatever comes back until the server closes or `timeout` passes.
  RawResult send_raw(const std::string& bytes,
                     std::chrono::seconds timeout = std::chrono::seconds(10));

  void close();                    // closes the keep-alive connection, if open
  int connections_opened() const;  // by request(), since construction
  void set_timeout(std::chrono::seconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};
