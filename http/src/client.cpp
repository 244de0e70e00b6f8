// Blocking on top of Beast's asynchronous operations: each step starts one operation and runs the
// client's own io_context until it completes or the step's deadline passes (Asio's synchronous
// socket calls have no timeout). The deadline is kept by running the loop for a bounded time, not
// by a timer armed for each read: a force-wide report's body arrives in hundreds of reads, and
// timers armed for each cost the benchmarks more than the reading itself.
#include "vigil/http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include "beast.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "vigil/base/gzip.hpp"
#include "vigil/base/url.hpp"

namespace vigil::http {

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

// What an answer may unpack to when the client sets no body_limit.
constexpr std::size_t kGzipLimit = std::size_t{1} << 30;

}  // namespace

struct Client::Impl {
  std::string host;
  unsigned short port;
  ClientOptions options;
  net::io_context ioc;
  // Made only for TLS: the system's trusted authorities take milliseconds to load, which a
  // plain connection (a tablet on this machine, a test, a benchmark) need not spend.
  std::optional<ssl::context> tls_context;
  std::optional<Connection> connection;
  beast::flat_buffer buffer;
  int opened = 0;

  Impl(std::string h, unsigned short p, ClientOptions o)
      : host(std::move(h)), port(p), options(std::move(o)) {
    if (!options.tls) return;
    // The server must prove who it is: its certificate chains to a trusted authority and names
    // the host asked for.
    tls_context.emplace(ssl::context::tls_client);
    tls_context->set_verify_mode(ssl::verify_peer);
    tls_context->set_default_verify_paths();
    if (!options.ca_file.empty()) {
      beast::error_code ec;
      tls_context->load_verify_file(options.ca_file, ec);
      if (ec) {
        throw Error(ErrorCode::invalid_input, "Cannot read the certificates in '" +
                                                  options.ca_file + "': " + ec.message() + ".");
      }
    }
    tls_context->set_verify_callback(ssl::host_name_verification(host));
  }

  std::string where() const { return host + ":" + std::to_string(port); }

  using Deadline = std::chrono::steady_clock::time_point;
  Deadline deadline() const { return std::chrono::steady_clock::now() + options.timeout; }

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
    if (ec) throw ClientFailure("cannot find " + host + ": " + ec.message());
    ec = wait(*c.plain, deadline(),
              [&](auto handler) { c.plain->async_connect(endpoints, handler); });
    if (ec) throw ClientFailure("cannot connect to " + where() + ": " + ec.message());
    if (options.tls) {
      c.secure.emplace(std::move(*c.plain), *tls_context);
      c.plain.reset();
      SSL_set_tlsext_host_name(c.secure->native_handle(), host.c_str());
      ec = wait(c.lowest(), deadline(), [&](auto handler) {
        c.secure->async_handshake(ssl::stream_base::client, handler);
      });
      if (ec) {
        throw ClientFailure("the secure connection to " + where() + " failed: " + ec.message());
      }
    }
    return c;
  }

  // One exchange on the open connection; an error code instead of a result when it fails.
  beast::error_code exchange(bhttp::request<bhttp::string_body>& request, Reply& result) {
    auto& c = *connection;
    const auto by = deadline();  // for the whole exchange
    auto ec = c.with([&](auto& stream) {
      return wait(c.lowest(), by,
                  [&](auto handler) { bhttp::async_write(stream, request, handler); });
    });
    if (ec) return ec;
    bhttp::response_parser<bhttp::string_body> parser;
    if (options.body_limit) {
      parser.body_limit(*options.body_limit);
    } else {
      parser.body_limit(boost::none);
    }
    ec = c.with([&](auto& stream) {
      return wait(c.lowest(), by,
                  [&](auto handler) { bhttp::async_read(stream, buffer, parser, handler); });
    });
    if (ec) return ec;
    auto response = parser.release();
    result.status = static_cast<int>(response.result_int());
    for (const auto& field : response) {
      result.headers[base::ascii_lower(field.name_string())] = std::string(field.value());
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

Client::Client(std::string host, unsigned short port, ClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(host), port, std::move(options))) {}

Client::~Client() {
  impl_->close();
}

Reply Client::request(const std::string& method, const std::string& target, const std::string& body,
                      const std::map<std::string, std::string>& headers) {
  bhttp::request<bhttp::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(bhttp::field::host, impl_->where());
  if (!body.empty()) request.set(bhttp::field::content_type, "application/json");
  bool asked_gzip = false;
  if (impl_->options.accept_gzip && std::none_of(headers.begin(), headers.end(), [](const auto& h) {
        return base::ascii_lower(h.first) == "accept-encoding";
      })) {
    request.set(bhttp::field::accept_encoding, "gzip");
    asked_gzip = true;
  }
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
    Reply result;
    const auto ec = impl_->exchange(request, result);
    if (!ec) {
      result.wire_bytes = result.body.size();
      const auto encoding = result.headers.find("content-encoding");
      if (asked_gzip && encoding != result.headers.end() &&
          base::ascii_lower(encoding->second) == "gzip") {
        try {
          result.body = base::gunzip(result.body, impl_->options.body_limit.value_or(kGzipLimit));
        } catch (const Error& e) {
          std::string what = method;
          what.append(" ").append(target).append(" to ").append(impl_->where());
          throw ClientFailure(what.append(": ").append(e.what()));
        }
        result.headers.erase(encoding);
      }
      return result;
    }
    impl_->close();
    if (!reused || attempt > 0 || ec == beast::error::timeout) {
      std::string what = method;
      what.append(" ").append(target).append(" to ").append(impl_->where());
      throw ClientFailure(what.append(" failed: ").append(ec.message()));
    }
  }
}
RawReply Client::send_raw(const std::string& bytes, std::chrono::seconds timeout) {
  Connection c = impl_->connect();
  RawReply result;
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

void Client::close() {
  impl_->close();
}

int Client::connections_opened() const {
  return impl_->opened;
}

void Client::set_timeout(std::chrono::milliseconds timeout) {
  impl_->options.timeout = timeout;
}

std::string Client::where() const {
  return impl_->where();
}

}  // namespace vigil::http
