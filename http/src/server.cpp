// Boost.Beast and Asio live here and in client.cpp (they are slow to compile); the server's users
// see only vigil/http/server.hpp.
//
// Each connection is a Session on its own strand. Its life is a loop of phases:
//   handshake (TLS only) -> idle (waiting for the first byte of a request, idle timeout)
//   -> reading (the whole request, read timeout) -> handling (the handler, on a handler thread)
//   -> writing (write timeout) -> idle ... and finally closing.
// Handlers run on a pool of their own, not on the I/O threads: a handler may wait (for the
// database's one writer, say) without holding up every other connection's reading and writing.
// stop() closes the sessions that hold no request (handshake, idle, closing) at once; the others
// finish their request, answer with "Connection: close" and go.
#include "vigil/http/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include "beast.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "vigil/base/error.hpp"
#include "vigil/base/gzip.hpp"
#include "vigil/base/json.hpp"

namespace vigil::http {

// ---------------------------------------------------------------------------------------------
// Request targets

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `text` percent-decoded; nothing on an invalid escape or a decoded NUL.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::optional<RequestTarget> parse_request_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  RequestTarget result;
  const auto question = target.find('?');
  auto path = percent_decode(target.substr(0, question), false);
  if (!path) return std::nullopt;
  result.path = std::move(*path);
  if (question == std::string_view::npos) return result;

  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    auto name = percent_decode(pair.substr(0, equals), true);
    auto value = equals == std::string_view::npos ? std::optional<std::string>(std::string())
                                                  : percent_decode(pair.substr(equals + 1), true);
    if (!name || !value) return std::nullopt;
    result.query[std::move(*name)] = std::move(*value);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The server

namespace {

// How long a connection being closed may take to say goodbye (TLS close_notify, or the client
// reading our answer while we discard what it is still sending), and how much we discard.
constexpr std::chrono::seconds kCloseTimeout{2};
constexpr std::size_t kMaxDiscard = std::size_t{1} << 20;

// Set on the server's I/O and handler threads, so stop() knows when it must not join.
thread_local const void* current_server = nullptr;

std::string to_std(beast::string_view text) {
  return std::string(text.data(), text.size());
}

std::string error_body(const std::string& code, const std::string& message) {
  base::JsonWriter json;
  json.begin_object().field("error", code).field("message", message).end_object();
  return json.str();
}

Response error_response(int status, const std::string& code, const std::string& message) {
  Response response;
  response.status = status;
  response.body = error_body(code, message);
  return response;
}

// Packs a compressible answer for a client that accepts gzip, on the handler's thread (the
// I/O threads only write).
void gzip_if_accepted(const Request& request, Response& response) {
  if (!response.compressible) return;
  response.headers.emplace_back("Vary", "Accept-Encoding");
  if (response.body.size() < kGzipFrom || !base::accepts_gzip(request.accept_encoding)) return;
  response.body = base::gzip(response.body, response.packing);
  response.headers.emplace_back("Content-Encoding", "gzip");
}

bool is_framing_header(std::string_view name) {
  auto equals = [name](std::string_view other) {
    return std::equal(name.begin(), name.end(), other.begin(), other.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) ==
             std::tolower(static_cast<unsigned char>(b));
    });
  };
  return equals("Content-Length") || equals("Transfer-Encoding") || equals("Connection");
}

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

}  // namespace

// Named, not anonymous, because HttpServer::Impl derives from ServerCore; a namespace of its own
// keeps the names clear of the rest of vigil::server.
namespace transport {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Called from any thread when the server stops.
  virtual void server_stopping() = 0;
};

// Everything the sessions share; HttpServer::Impl is this, named so the sessions may see it.
struct ServerCore {
  ServerOptions options;
  Handler handler;
  std::optional<ssl::context> tls;  // outlives the io_context, and so every session

  std::mutex sessions_mutex;
  std::unordered_map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;
  std::uint64_t next_session = 0;
  std::atomic<bool> stopping{false};

  enum class Phase { ready, running, stopped };
  std::mutex lifecycle_mutex;
  Phase phase = Phase::ready;
  std::vector<std::thread> threads;
  std::mutex join_mutex;  // held while joining, so a second stop() waits for the first

  net::io_context ioc;
  net::thread_pool handlers;
  // The acceptor, the retry timer and the signals are touched only on this strand.
  net::strand<net::io_context::executor_type> control;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  std::optional<net::signal_set> signals;
  unsigned short bound_port = 0;

  ServerCore(ServerOptions o, Handler h)
      : options(std::move(o)),
        handler(std::move(h)),
        ioc(std::max(1, options.threads)),
        handlers(static_cast<std::size_t>(std::max(1, options.handler_threads))),
        control(net::make_strand(ioc)),
        acceptor(control),
        accept_retry(control) {}

  void log(const std::string& sentence) const {
    if (options.log_error) {
      try {
        options.log_error(sentence);
        return;
      } catch (...) {
        // A failing logger must not take the connection down; fall back to stderr.
      }
    }
    std::fprintf(stderr, "vigil-server: %s\n", sentence.c_str());
  }

  std::uint64_t add_session(const std::shared_ptr<SessionBase>& session) {
    std::lock_guard lock(sessions_mutex);
    const auto id = next_session++;
    sessions.emplace(id, session);
    return id;
  }
  void remove_session(std::uint64_t id) {
    std::lock_guard lock(sessions_mutex);
    sessions.erase(id);
  }

  void load_tls();
  void listen();
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void begin_stop();
  void join_threads();
};

// ---------------------------------------------------------------------------------------------
// One connection.

template <bool kTls>
class Session : public SessionBase, public std::enable_shared_from_this<Session<kTls>> {
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;
  enum class State { starting, handshake, idle, reading, handling, writing, closing, closed };

 public:
  Session(ServerCore& server, tcp::socket socket)
      : server_(server), stream_(make_stream(server, std::move(socket))) {
    beast::error_code ec;
    auto endpoint = lowest().socket().remote_endpoint(ec);
    if (!ec) {
      auto address = endpoint.address();
      if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
      }
      remote_address_ = address.to_string();
    }
  }
  ~Session() override {
    if (registered_) server_.remove_session(id_);
  }

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::on_start, this->shared_from_this()));
  }

  void server_stopping() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->state_ == State::handshake || self->state_ == State::idle ||
          self->state_ == State::closing || self->state_ == State::starting) {
        self->close_now();
      }
    });
  }

 private:
  static Stream make_stream(ServerCore& server, tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *server.tls);
    } else {
      (void)server;
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const ServerOptions& options() const { return server_.options; }

  void on_start() {
    id_ = server_.add_session(this->shared_from_this());
    registered_ = true;
    // Registered first, then checked: a stop that began meanwhile either sees this session or
    // is seen here.
    if (server_.stopping.load()) return close_now();
    if constexpr (kTls) {
      state_ = State::handshake;
      lowest().expires_after(options().read_timeout);
      stream_.async_handshake(
          ssl::stream_base::server,
          beast::bind_front_handler(&Session::on_handshake, this->shared_from_this()));
    } else {
      wait_for_request(true);
    }
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return close_now();
    wait_for_request(true);
  }

  // Waits for the first byte of the next request under the idle timeout, so a keep-alive
  // connection costs nothing while silent and can be closed by stop() without losing a request.
  void wait_for_request(bool first) {
    if (server_.stopping.load()) return close_now();
    if (buffer_.size() > 0) return read_request();  // pipelined
    state_ = State::idle;
    // A new connection that says nothing is held no longer than a slow request would be.
    lowest().expires_after(first ? std::min(options().idle_timeout, options().read_timeout)
                                 : options().idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&Session::on_first_bytes, this->shared_from_this()));
  }

  void on_first_bytes(beast::error_code ec, std::size_t bytes) {
    if (state_ != State::idle) return;  // closed meanwhile
    if (ec) return close_now();
    buffer_.commit(bytes);
    read_request();
  }

  void read_request() {
    state_ = State::reading;
    parser_.emplace();
    parser_->body_limit(static_cast<std::uint64_t>(options().body_limit));
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(options().header_limit, UINT32_MAX)));
    // One deadline for the whole request, headers and body.
    lowest().expires_after(options().read_timeout);
    bhttp::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::on_header, this->shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    if (parser_->is_done()) return handle();
    const auto expect = parser_->get()[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      continue_.emplace(bhttp::status::continue_, parser_->get().version());
      bhttp::async_write(
          stream_, *continue_,
          beast::bind_front_handler(&Session::on_continue_written, this->shared_from_this()));
      return;
    }
    read_body();
  }

  void on_continue_written(beast::error_code ec, std::size_t) {
    if (ec) return close_now();
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_body, this->shared_from_this()));
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    handle();
  }

  // A request refused before the handler saw it, told to the log (ServerOptions::log_refusal).
  Response refused(int status, const std::string& code, const std::string& reason) {
    if (options().log_refusal) {
      try {
        options().log_refusal({status, reason, remote_address_});
      } catch (...) {
        // A failing logger must not take the connection down.
      }
    }
    return error_response(status, code, reason);
  }

  void on_read_error(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return answer_and_close(refused(413, "body_too_large",
                                      "the request body is larger than the limit of " +
                                          std::to_string(options().body_limit) + " bytes"));
    }
    if (ec == bhttp::error::header_limit) {
      return answer_and_close(refused(431, "headers_too_large",
                                      "the request headers are larger than the limit of " +
                                          std::to_string(options().header_limit) + " bytes"));
    }
    // Any other parse error is a malformed request; the end of the stream, a timeout or a reset
    // leaves nobody to answer.
    const bool parse_error =
        ec.category() == make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
    if (parse_error) {
      return answer_and_close(
          refused(400, "bad_request", "the request is not well-formed HTTP/1.1"));
    }
    close_now();
  }

  void handle() {
    state_ = State::handling;
    auto message = parser_->release();
    parser_.reset();
    const bool head = message.method() == bhttp::verb::head;
    const unsigned version = message.version();
    const auto target =
        parse_request_target(std::string_view(message.target().data(), message.target().size()));
    if (!target) {
      return write(refused(400, "bad_request",
                           "the request target is not a path with valid percent-escapes"),
                   version, false, head, false);
    }
    Request request;
    request.method = to_std(message.method_string());
    request.path = target->path;
    request.query = target->query;
    request.authorization = to_std(message[bhttp::field::authorization]);
    request.content_type = to_std(message[bhttp::field::content_type]);
    request.protocol = to_std(message["Vigil-Protocol"]);
    request.host = to_std(message[bhttp::field::host]);
    request.origin = to_std(message[bhttp::field::origin]);
    request.cookie = to_std(message[bhttp::field::cookie]);
    request.accept_encoding = to_std(message[bhttp::field::accept_encoding]);
    request.request_id = to_std(message["X-Request-Id"]);
    request.body = std::move(message.body());
    request.remote_address = remote_address_;
    const bool keep_alive = message.keep_alive();
    // The guard keeps the I/O threads running until the answer is back on this session's strand.
    net::post(server_.handlers, [self = this->shared_from_this(), request = std::move(request),
                                 version, keep_alive, head,
                                 work = net::make_work_guard(server_.ioc)]() mutable {
      current_server = &self->server_;
      Response response = self->call_handler(request);
      gzip_if_accepted(request, response);
      net::post(self->stream_.get_executor(), [self, response = std::move(response), version,
                                               keep_alive, head, work = std::move(work)]() mutable {
        self->write(std::move(response), version, keep_alive && !self->server_.stopping.load(),
                    head, false);
      });
    });
  }

  Response call_handler(const Request& request) {
    try {
      Response response = server_.handler(request);
      // A 1xx would leave the client waiting for the real answer: only final statuses count.
      if (response.status >= 200 && response.status <= 599) return response;
      server_.log("The handler answered " + request.method + " " + request.path +
                  " with the impossible status " + std::to_string(response.status) + ".");
    } catch (const std::exception& e) {
      server_.log("The handler failed on " + request.method + " " + request.path + ": " + e.what());
    } catch (...) {
      server_.log("The handler failed on " + request.method + " " + request.path +
                  " with an unknown exception.");
    }
    return error_response(500, "internal", "the server failed to handle the request");
  }

  // Answers a request that could not be read, then closes without reading another.
  void answer_and_close(const Response& response) {
    parser_.reset();
    write(response, 11, false, false, true);
  }

  // Takes the response to send its body without a copy: a force-wide report's runs to 20 MB.
  void write(Response response, unsigned version, bool keep_alive, bool head, bool discard_input) {
    state_ = State::writing;
    discard_after_write_ = discard_input;
    response_.emplace();
    auto& res = *response_;
    res.version(version);
    res.result(static_cast<unsigned>(response.status));
    res.set(bhttp::field::server, "vigil");
    res.set(bhttp::field::cache_control, "no-store");
    if (!response.content_type.empty() && !has_line_break(response.content_type)) {
      res.set(bhttp::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) {
      // The framing is ours to decide, and a line break would split the header.
      if (name.empty() || is_framing_header(name) || has_line_break(name) ||
          has_line_break(value)) {
        continue;
      }
      res.set(name, value);
    }
    res.keep_alive(keep_alive);
    if (res.result() == bhttp::status::no_content || res.result() == bhttp::status::not_modified) {
      res.content_length(boost::none);  // these never carry a body
    } else if (head) {
      res.content_length(response.body.size());
    } else {
      res.body() = std::move(response.body);
      res.prepare_payload();
    }
    lowest().expires_after(options().write_timeout);
    bhttp::async_write(stream_, res,
                       beast::bind_front_handler(&Session::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return close_now();
    const bool keep_alive = response_->keep_alive();
    response_.reset();
    if (keep_alive) return wait_for_request(false);
    close_gracefully();
  }

  // After the last answer: TLS says close_notify; plain TCP sends FIN and reads (discarding)
  // until the client closes, so unread input does not turn our close into a reset that could
  // destroy the answer before the client reads it.
  void close_gracefully() {
    state_ = State::closing;
    lowest().expires_after(std::min<std::chrono::seconds>(kCloseTimeout, options().write_timeout));
    if constexpr (kTls) {
      if (!discard_after_write_) {
        stream_.async_shutdown(
            beast::bind_front_handler(&Session::on_shutdown, this->shared_from_this()));
        return;
      }
    }
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    discard_input();
  }

  void on_shutdown(beast::error_code) { close_now(); }

  void discard_input() {
    lowest().async_read_some(
        net::buffer(discard_),
        beast::bind_front_handler(&Session::on_discarded, this->shared_from_this()));
  }

  void on_discarded(beast::error_code ec, std::size_t bytes) {
    discarded_ += bytes;
    if (ec || discarded_ > kMaxDiscard || state_ != State::closing) return close_now();
    discard_input();
  }

  void close_now() {
    if (state_ == State::closed) return;
    state_ = State::closed;
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  ServerCore& server_;
  Stream stream_;
  std::string remote_address_;
  std::uint64_t id_ = 0;
  bool registered_ = false;
  State state_ = State::starting;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  bool discard_after_write_ = false;
  std::array<char, 16384> discard_{};
  std::size_t discarded_ = 0;
};

// ---------------------------------------------------------------------------------------------

namespace {

// The HTTPS context of these options (none for HTTP), loaded as the server serves with it.
std::optional<ssl::context> tls_context(const ServerOptions& options) {
  const bool has_certificate = options.tls_certificate_file.has_value();
  if (has_certificate != options.tls_private_key_file.has_value()) {
    throw Error(ErrorCode::invalid_input,
                "HTTPS needs both a certificate file and a private key file, not only one.");
  }
  if (!has_certificate) return std::nullopt;
  std::optional<ssl::context> tls(std::in_place, ssl::context::tls_server);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  beast::error_code ec;
  tls->use_certificate_chain_file(*options.tls_certificate_file, ec);
  if (ec) {
    throw Error(ErrorCode::io, "Cannot load the TLS certificate chain from '" +
                                   *options.tls_certificate_file + "': " + ec.message() + ".");
  }
  tls->use_private_key_file(*options.tls_private_key_file, ssl::context::pem, ec);
  if (ec) {
    throw Error(ErrorCode::io, "Cannot load the TLS private key from '" +
                                   *options.tls_private_key_file + "': " + ec.message() + ".");
  }
  if (SSL_CTX_check_private_key(tls->native_handle()) != 1) {
    throw Error(ErrorCode::io, "The TLS private key in '" + *options.tls_private_key_file +
                                   "' does not match the certificate in '" +
                                   *options.tls_certificate_file + "'.");
  }
  return tls;
}

}  // namespace

void ServerCore::load_tls() {
  tls = tls_context(options);
}

void ServerCore::listen() {
  const std::string where = options.address + ":" + std::to_string(options.port);
  beast::error_code ec;
  const auto address = net::ip::make_address(options.address, ec);
  if (ec) {
    throw Error(ErrorCode::io,
                "Cannot listen on " + where + ": '" + options.address + "' is not an IP address.");
  }
  const tcp::endpoint endpoint(address, options.port);
  auto fail = [&](const char* step) {
    throw Error(ErrorCode::io,
                "Cannot listen on " + where + " (" + step + "): " + ec.message() + ".");
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) fail("reuse address");
  acceptor.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  bound_port = acceptor.local_endpoint().port();
}

void ServerCore::do_accept() {
  // Each connection gets its own strand: its handlers never run at once, on any thread.
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void ServerCore::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopping.load() || !acceptor.is_open()) return;
  if (ec) {
    // Out of descriptors, most likely: try again shortly rather than spin.
    log("Accepting a connection failed: " + ec.message() + ".");
    accept_retry.expires_after(std::chrono::milliseconds(100));
    accept_retry.async_wait([this](beast::error_code wait_error) {
      if (!wait_error && !stopping.load()) do_accept();
    });
    return;
  }
  if (tls) {
    std::make_shared<Session<true>>(*this, std::move(socket))->start();
  } else {
    std::make_shared<Session<false>>(*this, std::move(socket))->start();
  }
  do_accept();
}

void ServerCore::begin_stop() {
  if (stopping.exchange(true)) return;
  {
    std::lock_guard lock(lifecycle_mutex);
    if (phase == Phase::ready) {
      // No thread ever ran: nothing else touches the acceptor.
      phase = Phase::stopped;
      beast::error_code ignored;
      acceptor.close(ignored);
      return;
    }
  }
  net::post(control, [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
    if (signals) signals->cancel(ignored);
  });
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(sessions_mutex);
    for (auto& [id, weak] : sessions) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
  }
  for (auto& session : open) session->server_stopping();
}

void ServerCore::join_threads() {
  std::lock_guard join_lock(join_mutex);
  std::vector<std::thread> joining;
  {
    std::lock_guard lock(lifecycle_mutex);
    joining.swap(threads);
  }
  for (auto& thread : joining) thread.join();
  // Every handler has answered by now (each holds the I/O threads until its answer is written).
  handlers.join();
  std::lock_guard lock(lifecycle_mutex);
  phase = Phase::stopped;
}

}  // namespace transport

void check_tls_files(const ServerOptions& options) {
  transport::tls_context(options);
}

using transport::ServerCore;

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
};

// ---------------------------------------------------------------------------------------------

HttpServer::HttpServer(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {
  if (!impl_->handler) throw Error(ErrorCode::internal, "The HTTP server was given no handler.");
  impl_->load_tls();
  impl_->listen();
}

HttpServer::~HttpServer() {
  try {
    stop();
  } catch (...) {
    // Stopping failed (a thread could not be joined): the process is going down with it, and a
    // destructor must not throw.
  }
}

unsigned short HttpServer::port() const {
  return impl_->bound_port;
}

void HttpServer::start() {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (impl_->phase != Impl::Phase::ready) return;
  impl_->phase = Impl::Phase::running;
  Impl* impl = impl_.get();
  net::post(impl->control, [impl] { impl->do_accept(); });
  const int count = std::max(1, impl->options.threads);
  for (int i = 0; i < count; ++i) {
    impl->threads.emplace_back([impl] {
      current_server = impl;
      for (;;) {
        try {
          impl->ioc.run();
          return;
        } catch (const std::exception& e) {
          impl->log(std::string("An I/O thread caught an exception: ") + e.what());
        } catch (...) {
          impl->log("An I/O thread caught an unknown exception.");
        }
      }
    });
  }
}

void HttpServer::run(bool stop_on_signals) {
  if (stop_on_signals) {
    std::lock_guard lock(impl_->lifecycle_mutex);
    if (impl_->phase == Impl::Phase::ready && !impl_->signals) {
      impl_->signals.emplace(impl_->control, SIGINT, SIGTERM);
      Impl* impl = impl_.get();
      impl_->signals->async_wait([impl](beast::error_code ec, int) {
        if (!ec) impl->begin_stop();
      });
    }
  }
  start();
  impl_->join_threads();
}

void HttpServer::stop() {
  impl_->begin_stop();
  if (current_server == impl_.get()) return;  // a handler: the threads cannot join themselves
  impl_->join_threads();
}

}  // namespace vigil::http
