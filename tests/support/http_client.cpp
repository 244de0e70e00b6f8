// Blocking on top of Beast's asynchronous operations: each step starts one operation and runs the
// client's own io_context until it completes or the step's deadline passes (Asio's synchronous
// socket calls have no timeout). The deadline is kept by running the loop for a bounded time, not
// by a timer armed for each read: a force-wide report's body arrives in hundreds of reads, and
// timers armed for each cost the benchmarks more than the reading itself.
#include "http_client.hpp"

#include <openssl/ssl.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// One connection, plain or TLS.
struct Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  template <class F>
  auto with(F&& f) {
    return secure ? f(*secure) : f(*plain);
  }
  void close() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

struct HttpClient::Impl {
  std::string host;
  unsigned short port;
  bool tls;
  std::chrono::seconds timeout{10};
  net::io_context ioc;
  ssl::context tls_context{ssl::context::tls_client};
  std::optional<Connection> connection;
  beast::flat_buffer buffer;
  int opened = 0;

  Impl(std::string h, unsigned short p, bool t) : host(std::move(h)), port(p), tls(t) {
    tls_context.set_verify_mode(ssl::verify_none);
  }

  using Deadline = std::chrono::steady_clock::time_point;
  Deadline deadline() const { return std::chrono::steady_clock::now() + timeout; }

  // Starts one operation on `stream` through `start(handler)` and runs until it completes, or
  // until `by`: then the socket is closed (as tcp_stream's own expiry does: a cancelled connect
  // would go on to the next address) and an operation that had not finished answers
  // beast::error::timeout.
  template <class Start>
  beast::error_code wait(beast::tcp_stream& stream, Deadline by, Start start) {
    beast::error_code result;
    bool done = false;
    start([&](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    ioc.restart();
    ioc.run_until(by);
    if (done) return result;
    // Out of time: close, and run until the operation has given up its references to this frame.
    // One that finished just as time ran out keeps its own result.
    beast::error_code ignored;
    stream.socket().close(ignored);
    ioc.restart();
    ioc.run();
    return !done || result == net::error::operation_aborted ? beast::error::timeout : result;
  }

  Connection connect() {
    Connection c;
    c.plain.emplace(ioc);
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) throw std::runtime_error("cannot resolve " + host + ": " + ec.message());
    ec = wait(*c.plain, deadline(),
              [&](auto handler) { c.plain->async_connect(endpoints, handler); });
    if (ec) {
      throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " +
                               ec.message());
    }
    if (tls) {
      c.secure.emplace(std::move(*c.plain), tls_context);
      c.plain.reset();
      SSL_set_tlsext_host_name(c.secure->native_handle(), host.c_str());
      ec = wait(c.lowest(), deadline(), [&](auto handler) {
        c.secure->async_handshake(ssl::stream_base::client, handler);
      });
      if (ec) throw std::runtime_error("TLS handshake failed: " + ec.message());
    }
    return c;
  }

  // One exchange on the open connection; an error code instead of a result when it fails.
  beast::error_code exchange(http::request<http::string_body>& request, HttpResult& result) {
    auto& c = *connection;
    const auto by = deadline();  // for the whole exchange
    auto ec = c.with([&](auto& stream) {
      return wait(c.lowest(), by,
                  [&](auto handler) { http::async_write(stream, request, handler); });
    });
    if (ec) return ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    ec = c.with([&](auto& stream) {
      return wait(c.lowest(), by,
                  [&](auto handler) { http::async_read(stream, buffer, parser, handler); });
    });
    if (ec) return ec;
    auto response = parser.release();
    result.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      result.headers[lower(field.name_string())] = std::string(field.value());
    }
    result.body = std::move(response.body());
    if (!response.keep_alive()) close();
    return {};
  }

  void close() {
    if (connection) connection->close();
    connection.reset();
    buffer.clear();
  }
};

HttpClient::HttpClient(std::string host, unsigned short port, bool tls)
    : impl_(std::make_unique<Impl>(std::move(host), port, tls)) {}

HttpClient::~HttpClient() {
  impl_->close();
}

HttpResult HttpClient::request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, impl_->host + ":" + std::to_string(impl_->port));
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();

  // A reused connection may have been closed by the server while idle: then try once afresh.
  for (int attempt = 0;; ++attempt) {
    const bool reused = impl_->connection.has_value();
    if (!reused) {
      impl_->connection.emplace(impl_->connect());
      ++impl_->opened;
    }
    HttpResult result;
    const auto ec = impl_->exchange(request, result);
    if (!ec) return result;
    impl_->close();
    if (!reused || attempt > 0 || ec == beast::error::timeout) {
      throw std::runtime_error(method + " " + target + " failed: " + ec.message());
    }
  }
}

RawResult HttpClient::send_raw(const std::string& bytes, std::chrono::seconds timeout) {
  Connection c = impl_->connect();
  RawResult result;
  const auto by = std::chrono::steady_clock::now() + timeout;
  if (!bytes.empty()) {
    const auto ec = c.with([&](auto& stream) {
      return impl_->wait(c.lowest(), by, [&](auto handler) {
        net::async_write(stream, net::buffer(bytes), handler);
      });
    });
    // The server may answer and close before taking everything; read what it said anyway.
    (void)ec;
  }
  std::array<char, 4096> chunk{};
  for (;;) {
    std::size_t got = 0;
    const auto ec = c.with([&](auto& stream) {
      return impl_->wait(c.lowest(), by, [&](auto handler) {
        stream.async_read_some(net::buffer(chunk),
                               [&got, handler](beast::error_code e, std::size_t n) mutable {
                                 got = n;
                                 handler(e);
                               });
      });
    });
    result.received.append(chunk.data(), got);
    if (ec) {
      result.closed_by_server = ec != beast::error::timeout;
      break;
    }
  }
  c.close();
  return result;
}

void HttpClient::close() {
  impl_->close();
}

int HttpClient::connections_opened() const {
  return impl_->opened;
}

void HttpClient::set_timeout(std::chrono::seconds timeout) {
  impl_->timeout = timeout;
}
