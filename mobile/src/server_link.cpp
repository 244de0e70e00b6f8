#include "server_link.hpp"

#include "vigil/sync/wire.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <map>

namespace vigil::mobile {
namespace {

// "localhost", an IPv4 address in 127.0.0.0/8 or ::1, written as an address, not a name.
bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

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
  // The password, the token and every record cross the line: in clear only to this machine, named
  // exactly (a name that only begins like "127." is somebody else's).
  if (!address.tls && !is_loopback(address.host)) {
    throw bad(
        "must start with https://: only a server on this machine may be reached over "
        "plain http://");
  }
  return address;
}

ServerLink::ServerLink(const ServerAddress& address, const LinkOptions& options) {
  http::ClientOptions client;
  client.tls = address.tls;
  client.ca_file = options.ca_file;
  client.timeout = options.timeout;
  // A page of a first sync is at most a few megabytes; far more is not a Vigil server.
  client.body_limit = std::uint64_t{256} << 20;
  try {
    client_ = std::make_unique<http::Client>(address.host, address.port, std::move(client));
  } catch (const Error& error) {
    if (error.code() != ErrorCode::invalid_input) throw;
    throw TabletError(Problem::bad_input, error.what());  // the CA file cannot be read
  }
}

ServerLink::~ServerLink() = default;

sync::Answer ServerLink::exchange(std::string_view method, const std::string& target,
                                  const std::string& body, const std::string& token) {
  std::map<std::string, std::string> headers{
      {"User-Agent", "vigil-field"},
      {sync::kProtocolHeader, std::to_string(sync::kProtocolVersion)}};
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  try {
    auto reply = client_->request(std::string(method), target, body, headers);
    const auto protocol = reply.headers.find("vigil-protocol");
    return {reply.status, std::move(reply.body),
            protocol == reply.headers.end() ? std::string() : protocol->second};
  } catch (const http::ClientFailure& failure) {
    throw sync::TransportFailure(failure.what());
  }
}

}  // namespace vigil::mobile
