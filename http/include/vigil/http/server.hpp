// An HTTP(S) server: Boost.Beast, asynchronous, HTTP/1.1 with keep-alive; vigil-server's
// transport, and the one a local app on the tablet can serve with. It knows nothing of Vigil's
// routes: every parsed request goes to one Handler, which returns the response. Beast and Asio
// stay inside src/server.cpp so its users compile without them.
//
// Threading: the handler is called on the server's handler threads, several at once; it must be
// thread-safe; it may block (the I/O threads go on reading and writing other connections). An
// exception escaping it becomes a 500 with a JSON error body, never a crash.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigil/base/gzip.hpp"

namespace vigil::http {

struct Request {
  std::string method;                        // "GET", "POST", ...
  std::string path;                          // percent-decoded, without the query string
  std::map<std::string, std::string> query;  // percent-decoded; a repeated name keeps the last
  std::string authorization;                 // the Authorization header, as sent
  std::string protocol;  // the Vigil-Protocol header (the sync protocol's version), as sent
  std::string content_type;
  // Host, Origin and Cookie, as sent: what a local app checks to know a request is its own page's.
  std::string host, origin, cookie;
  std::string accept_encoding;  // as sent
  std::string request_id;       // the X-Request-Id header, as sent (a proxy's, to follow it by)
  std::string body;
  std::string remote_address;  // the peer's IP address, for throttling and the audit
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers. Every response also gets "Server: vigil" and "Cache-Control: no-store" unless
  // named here; Content-Length, Transfer-Encoding and Connection are the server's and ignored
  // here, as is a header holding a line break. A 204 or 304 is sent without its body.
  std::vector<std::pair<std::string, std::string>> headers;
  // The body may be sent gzipped to a client whose Accept-Encoding accepts it (and is, from
  // kGzipFrom bytes on; the answer then says Vary: Accept-Encoding). Not for an answer that
  // holds a secret of the session, such as a token: compressed beside text an attacker chose,
  // its length could tell the secret (BREACH).
  bool compressible = false;
  // How hard to pack it (base/gzip.hpp): the fastest level for a large answer read on the force's
  // network, such as a report.
  base::Packing packing = base::Packing::smallest;
};

// The smallest compressible body that is gzipped: below it the gain is too small to count.
inline constexpr std::size_t kGzipFrom = 1024;

using Handler = std::function<Response(const Request&)>;

// A request target ("/a%20b?x=1&y=two+words") split and percent-decoded: the path, and the query
// split on '&' and '=' with '+' read as a space. Empty when the target is not a path starting with
// '/', holds an invalid %-escape, or decodes to a NUL byte (the server answers those with 400).
// Pure and thread-safe; exposed for tests and fuzzing.
struct RequestTarget {
  std::string path;
  std::map<std::string, std::string> query;
};
std::optional<RequestTarget> parse_request_target(std::string_view target);

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;  // 0: an ephemeral port, reported by HttpServer::port()
  int threads = 2;             // I/O threads: reading and writing connections
  int handler_threads = 16;    // requests handled at once; more wait for a free thread
  std::size_t body_limit = std::size_t{8} << 20;  // larger bodies get 413
  std::chrono::seconds read_timeout{30};          // a whole request, headers and body
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds idle_timeout{60};             // keep-alive connections with no request
  std::size_t header_limit = std::size_t{16} << 10;  // larger request headers get 431
  // Both or neither: HTTPS with this certificate chain and private key (PEM files).
  std::optional<std::string> tls_certificate_file;
  std::optional<std::string> tls_private_key_file;
  // Told, on an I/O thread, one sentence about a failure no client should see in detail (an
  // exception escaping the handler, a failed accept). Empty: the sentence goes to stderr.
  std::function<void(const std::string&)> log_error;
  // Told, on an I/O thread, of each request refused before it reached the handler: a body or
  // headers over their limit, bytes that are not HTTP/1.1, a target that is not a path. What
  // probes a server leaves a trace in its log, as a request the handler refuses does.
  struct Refusal {
    int status = 0;
    std::string reason;          // the sentence the client was answered with
    std::string remote_address;  // the peer's IP address
  };
  std::function<void(const Refusal&)> log_refusal;
};

// Loads the certificate chain and private key of `options` as HttpServer would, binding nothing,
// and throws what it would throw (vigil::Error, io): for a check of the settings before a start.
void check_tls_files(const ServerOptions& options);

class HttpServer {
 public:
  // Binds and listens at once; throws vigil::Error (code io) when the address cannot be bound
  // or the certificate or key cannot be loaded.
  HttpServer(ServerOptions options, Handler handler);
  ~HttpServer();  // stops and joins if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  unsigned short port() const;  // the bound port

  // Runs the I/O threads until stop() or, when stop_on_signals, SIGINT or SIGTERM; returns once
  // every request in flight has been answered and every thread has finished.
  void run(bool stop_on_signals = false);
  // Starts the I/O threads in the background and returns at once (tests).
  void start();
  // Graceful stop from any thread: stop accepting, let requests in flight finish (up to the
  // write timeout), close idle keep-alive connections, join the threads. Safe to call twice.
  // Called from a handler (an I/O thread) it only begins the stop, and run() or the destructor
  // does the joining.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::http
