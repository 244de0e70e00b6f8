// A blocking HTTP/1.1 client: the tablet's link to its server, the benchmarks' tablets and
// supervisors, and the integration tests' client. Beast and OpenSSL stay inside src/client.cpp.
//
// One client is one keep-alive connection, opened on first use and opened again when the server
// has closed it. Every exchange is bounded by the timeout, so a server that stops answering
// fails the request instead of hanging it. HTTPS always verifies the server: its certificate
// must chain to the system's authorities or to those in `ca_file`, and name the host asked for.
// Not thread-safe; one client per thread. Throws ClientFailure when it cannot connect or the
// exchange fails; an HTTP error status is an answer, not a failure.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "vigil/base/error.hpp"

namespace vigil::http {

struct ClientOptions {
  bool tls = false;
  std::string ca_file;  // PEM certificates to trust besides the system's (a force's own CA)
  std::chrono::milliseconds timeout{10000};  // for each exchange, connection included
  std::optional<std::uint64_t> body_limit;   // a larger answer fails (none: no limit)
  // Ask for answers gzipped (Accept-Encoding: gzip) and unpack them; the body_limit then holds
  // for the unpacked body too (1 GiB when none is set). A caller's own Accept-Encoding header
  // is sent as given, and what comes back is left packed.
  bool accept_gzip = true;
};

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  std::size_t wire_bytes = 0;                  // the body as it came over the wire (gzipped or not)
};

// What came back from a probe (Client::send_raw).
struct RawReply {
  std::string received;           // every byte the server sent back
  bool closed_by_server = false;  // the server closed or reset the connection before the timeout
};

// No answer: the server could not be found, reached or verified, or the exchange broke off.
class ClientFailure : public Error {
 public:
  explicit ClientFailure(const std::string& why) : Error(ErrorCode::io, why) {}
};

class Client {
 public:
  // Throws vigil::Error (invalid_input) when `ca_file` cannot be read.
  Client(std::string host, unsigned short port, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // `headers` are sent as given; Host, Content-Length, (for a body) a JSON Content-Type and
  // (with accept_gzip) Accept-Encoding are added unless given. A gzipped answer to the client's
  // own Accept-Encoding is unpacked (its Content-Encoding header dropped); one that does not
  // unpack fails with ClientFailure.
  Reply request(const std::string& method, const std::string& target, const std::string& body = {},
                const std::map<std::string, std::string>& headers = {});
  Reply get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return request("GET", target, {}, headers);
  }
  Reply post(const std::string& target, const std::string& body,
             const std::map<std::string, std::string>& headers = {}) {
    return request("POST", target, body, headers);
  }

  // A probe of the server's HTTP parser, on a fresh connection of its own (after the TLS
  // handshake, for HTTPS): sends `bytes` as they are (possibly none) and reads whatever comes
  // back until the server closes or `timeout` passes.
  RawReply send_raw(const std::string& bytes,
                    std::chrono::seconds timeout = std::chrono::seconds(10));

  void close();                    // closes the keep-alive connection, if open
  int connections_opened() const;  // by request(), since construction
  void set_timeout(std::chrono::milliseconds timeout);
  // "host:port", as the client's messages name the server.
  std::string where() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::http
