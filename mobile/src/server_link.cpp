// Blocking on top of Beast's asynchronous operations: each step starts one operation and runs the
// link's own io_context until it completes, so tcp_stream's deadlines bound every wait (Asio's
// synchronous socket calls have no timeout).
#include "server_link.hpp"

#include "vigil/sync/wire.hpp"

#include <openssl/ssl.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <optional>

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace vigil::mobile {

ServerAddress parse_server_url(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return TabletError(Problem::bad_input,
                       "The server address '" + std::string(url.substr(0, 200)) + "' " + why + ".");
  };
  ServerAddress address;
  std::string_view rest;
  if (url.starts_with("https://")) {
    address.tls = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    throw bad("must start with https:// or http://");
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) throw bad("must not have a path after the port");
  // An IPv6 address comes in brackets: [::1]:8443.
  const auto closing = rest.starts_with("[") ? rest.find(']') : std::string_view::npos;
  if (rest.starts_with("[") && closing == std::string_view::npos) throw bad("has an unclosed [");
  const auto colon = rest.find(':', closing == std::string_view::npos ? 0 : closing);
  address.host = closing == std::string_view::npos ? std::string(rest.substr(0, colon))
                                                   : std::string(rest.substr(1, closing - 1));
  address.port = address.tls ? 443 : 80;
  if (colon != std::string_view::npos) {
    const auto digits = rest.substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      throw bad("has a port that is not a number from 1 to 65535");
    }
    address.port = static_cast<unsigned short>(port);
  }
  if (address.host.empty()) throw bad("has no host name");
  // The password, the token and every record cross the line: in clear only to this machine.
  const bool this_machine =
      address.host == "localhost" || address.host == "::1" || address.host.starts_with("127.");
  if (!address.tls && !this_machine) {
    throw bad(
        "must start with https://: only a server on this machine may be reached over "
        "plain http://");
  }
  return address;
}

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

}  // namespace

struct ServerLink::Impl {
  ServerAddress address;
  LinkOptions options;
  net::io_context ioc;
  ssl::context tls_context{ssl::context::tls_client};
  std::optional<Connection> connection;
  beast::flat_buffer buffer;

  Impl(ServerAddress a, LinkOptions o) : address(std::move(a)), options(std::move(o)) {
    // The server must prove it is the force's: its certificate chains to a trusted authority and
    // names the host the tablet was enrolled with.
    tls_context.set_verify_mode(ssl::verify_peer);
    tls_context.set_default_verify_paths();
    if (!options.ca_file.empty()) {
      beast::error_code ec;
      tls_context.load_verify_file(options.ca_file, ec);
      if (ec) {
        throw TabletError(Problem::bad_input, "Cannot read the certificates in '" +
                                                  options.ca_file + "': " + ec.message() + ".");
      }
    }
    tls_context.set_verify_callback(ssl::host_name_verification(address.host));
  }

  // Starts one operation through `start(handler)` and runs until it completes.
  template <class Start>
  beast::error_code wait(Start start) {
    beast::error_code result = net::error::timed_out;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  std::string where() const { return address.host + ":" + std::to_string(address.port); }

  Connection connect() {
    Connection c;
    c.plain.emplace(ioc);
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(address.host, std::to_string(address.port), ec);
    if (ec) throw sync::TransportFailure("cannot find " + address.host + ": " + ec.message());
    c.plain->expires_after(options.timeout);
    ec = wait([&](auto handler) { c.plain->async_connect(endpoints, handler); });
    if (ec) throw sync::TransportFailure("cannot connect to " + where() + ": " + ec.message());
    if (address.tls) {
      c.secure.emplace(std::move(*c.plain), tls_context);
      c.plain.reset();
      SSL_set_tlsext_host_name(c.secure->native_handle(), address.host.c_str());
      c.lowest().expires_after(options.timeout);
      ec =
          wait([&](auto handler) { c.secure->async_handshake(ssl::stream_base::client, handler); });
      if (ec)
        throw sync::TransportFailure("the secure connection to " + where() +
                                     " failed: " + ec.message());
    }
    return c;
  }

  beast::error_code exchange(http::request<http::string_body>& request, sync::Answer& reply) {
    auto& c = *connection;
    c.lowest().expires_after(options.timeout);
    auto ec = c.with([&](auto& stream) {
      return wait([&](auto handler) { http::async_write(stream, request, handler); });
    });
    if (ec) return ec;
    http::response_parser<http::string_body> parser;
    // A page of a first sync is at most a few megabytes; far more is not a Vigil server.
    parser.body_limit(std::uint64_t{256} << 20);
    ec = c.with([&](auto& stream) {
      return wait([&](auto handler) { http::async_read(stream, buffer, parser, handler); });
    });
    if (ec) return ec;
    const auto& response = parser.get();
    reply.status = static_cast<int>(response.result_int());
    reply.body = response.body();
    reply.protocol = std::string(response[sync::kProtocolHeader]);
    if (!response.keep_alive()) close();
    return {};
  }

  void close() {
    if (connection) connection->close();
    connection.reset();
    buffer.clear();
  }
};

ServerLink::ServerLink(ServerAddress address, LinkOptions options)
    : impl_(std::make_unique<Impl>(std::move(address), std::move(options))) {}

ServerLink::~ServerLink() {
  impl_->close();
}

sync::Answer ServerLink::exchange(std::string_view method, const std::string& target,
                                  const std::string& body, const std::string& token) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, impl_->where());
  request.set(http::field::user_agent, "vigil-field");
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  request.set(sync::kProtocolHeader, std::to_string(sync::kProtocolVersion));
  request.body() = body;
  request.prepare_payload();

  // A reused connection may have been closed by the server while idle: then try once afresh.
  for (int attempt = 0;; ++attempt) {
    const bool reused = impl_->connection.has_value();
    if (!reused) impl_->connection.emplace(impl_->connect());
    sync::Answer reply;
    const auto ec = impl_->exchange(request, reply);
    if (!ec) return reply;
    impl_->close();
    if (!reused || attempt > 0 || ec == beast::error::timeout) {
      throw sync::TransportFailure(std::string(method) + " " + target + " to " + impl_->where() +
                                   " failed: " + ec.message());
    }
  }
}

}  // namespace vigil::mobile
