#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "certificate.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"
#include "vigil/base/error.hpp"
#include "vigil/http/client.hpp"
#include "vigil/http/server.hpp"

using namespace vigil;
using namespace vigil::http;
using namespace std::chrono_literals;

namespace {

// Timeouts short enough that a test never waits long, long enough for a loaded machine.
ServerOptions test_options() {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.read_timeout = 10s;
  options.write_timeout = 10s;
  options.idle_timeout = 10s;
  return options;
}

// Says back everything the server made of the request, one fact a line.
Response echo(const Request& request) {
  std::string text = "method=" + request.method + "\npath=" + request.path + "\n";
  for (const auto& [name, value] : request.query) text += "query " + name + "=" + value + "\n";
  text += "authorization=" + request.authorization + "\ncontent_type=" + request.content_type +
          "\nremote=" + request.remote_address + "\nbody=" + request.body;
  Response response;
  response.content_type = "text/plain";
  response.body = text;
  response.headers.emplace_back("X-Echo", "yes");
  return response;
}

// What the echo server, started afresh with the test options, sends back to `bytes`.
RawReply echo_raw(const std::string& bytes) {
  HttpServer server(test_options(), echo);
  server.start();
  vigil::http::Client client("127.0.0.1", server.port());
  return client.send_raw(bytes);
}

// The echo server, started, counting the requests that reached its handler, and a client of it.
struct CountingEcho {
  CountingEcho() { server.start(); }

  std::atomic<int> calls{0};
  HttpServer server{test_options(), [this](const Request& request) {
                      ++calls;
                      return echo(request);
                    }};
  vigil::http::Client client{"127.0.0.1", server.port()};
};

// Why the echo server could not start with `options`: a vigil::Error of code io. A server that
// starts fails the test, `accepted` saying what should have been refused.
std::string start_failure(const ServerOptions& options, const std::string& accepted) {
  try {
    HttpServer server(options, echo);
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::io);
    return e.what();
  }
  FAIL(accepted);
  return "";
}

std::string count_of(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return std::to_string(count);
}

}  // namespace

TEST_CASE("http: request targets are split and percent-decoded", "[server][http]") {
  auto target = parse_request_target("/api/v1/a%20b?x=1&name=two+words%21&empty=&flag&&x=2");
  REQUIRE(target);
  CHECK(target->path == "/api/v1/a b");
  CHECK(target->query.at("x") == "2");  // a repeated name keeps the last
  CHECK(target->query.at("name") == "two words!");
  CHECK(target->query.at("empty").empty());
  CHECK(target->query.at("flag").empty());
  CHECK(target->query.size() == 4);

  CHECK(parse_request_target("/a+b")->path == "/a+b");  // '+' is a space only in the query
  CHECK(parse_request_target("/x?a%3Db=c%26d")->query.at("a=b") == "c&d");
  CHECK(parse_request_target("/")->query.empty());

  // Not an origin-form path, or an escape that is broken or decodes to NUL.
  for (const char* refused :
       {"", "*", "http://example.com/", "/a%00b", "/a%zz", "/a%2", "/a%", "/a?x=%00", "/a?x=%g1"}) {
    INFO('"' << refused << '"');
    CHECK_FALSE(parse_request_target(refused));
  }
}

TEST_CASE("http: a round trip, two requests on one kept-alive connection", "[server][http]") {
  HttpServer server(test_options(), echo);
  CHECK(server.port() != 0);
  server.start();

  vigil::http::Client client("127.0.0.1", server.port());
  auto first = client.request("POST", "/api/v1/things?since=5&who=J+Smith%2C%20PC", "{\"a\":1}",
                              {{"Authorization", "Bearer abc"}});
  CHECK(first.status == 200);
  CHECK(first.body ==
        "method=POST\npath=/api/v1/things\nquery since=5\nquery who=J Smith, PC\n"
        "authorization=Bearer abc\ncontent_type=application/json\nremote=127.0.0.1\n"
        "body={\"a\":1}");
  CHECK(first.headers["content-type"] == "text/plain");
  CHECK(first.headers["server"] == "vigil");
  CHECK(first.headers["cache-control"] == "no-store");
  CHECK(first.headers["x-echo"] == "yes");

  auto second = client.get("/second");
  CHECK(second.status == 200);
  CHECK(second.body.find("method=GET\npath=/second\n") == 0);
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("http: pipelined requests are answered in order on one connection", "[server][http]") {
  const auto raw = echo_raw(
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n");
  CHECK(raw.closed_by_server);
  CHECK(count_of(raw.received, "HTTP/1.1 200 OK") == "2");
  const auto one = raw.received.find("path=/one");
  const auto two = raw.received.find("path=/two");
  REQUIRE(one != std::string::npos);
  REQUIRE(two != std::string::npos);
  CHECK(one < two);
}

TEST_CASE("http: the handler's status, headers and content type reach the client",
          "[server][http]") {
  HttpServer server(test_options(), [](const Request&) {
    Response response;
    response.status = 404;
    response.body = R"({"error":"not_found","message":"No such thing."})";
    response.headers.emplace_back("Cache-Control", "max-age=60");  // the handler may say so
    response.headers.emplace_back("Content-Length", "999");        // framing stays ours
    response.headers.emplace_back("X-Bad", "a\r\nInjected: yes");  // never split a header
    return response;
  });
  server.start();
  vigil::http::Client client("127.0.0.1", server.port());
  auto result = client.get("/missing");
  CHECK(result.status == 404);
  CHECK(result.headers["content-type"] == "application/json");
  CHECK(result.headers["content-length"] == std::to_string(result.body.size()));
  CHECK(result.headers["cache-control"] == "max-age=60");
  CHECK(result.headers.count("x-bad") == 0);
  CHECK(result.headers.count("injected") == 0);
  CHECK(client.get("/again").status == 404);  // the connection is still usable
}

TEST_CASE("http: 204 goes without a body, an impossible status becomes 500", "[server][http]") {
  auto options = test_options();
  options.log_error = [](const std::string&) {};
  HttpServer server(options, [](const Request& request) {
    Response response;
    response.status = request.path == "/empty" ? 204 : 100;
    response.body = "ignored";
    return response;
  });
  server.start();
  vigil::http::Client client("127.0.0.1", server.port());
  auto empty = client.get("/empty");
  CHECK(empty.status == 204);
  CHECK(empty.body.empty());
  auto impossible = client.get("/informational");
  CHECK(impossible.status == 500);
  CHECK(impossible.body.find(R"({"error":"internal")") == 0);
  CHECK(client.get("/empty").status == 204);
  CHECK(client.connections_opened() == 1);
}

TEST_CASE("http: a body over the limit gets 413 with a JSON error", "[server][http]") {
  auto options = test_options();
  options.body_limit = 1024;
  std::atomic<int> calls{0};
  HttpServer server(options, [&](const Request& request) {
    ++calls;
    return echo(request);
  });
  server.start();

  vigil::http::Client client("127.0.0.1", server.port());
  CHECK(client.post("/fits", std::string(1024, 'a')).status == 200);

  auto result = client.post("/too-big", std::string(64 * 1024, 'a'));
  CHECK(result.status == 413);
  CHECK(result.headers["content-type"] == "application/json");
  CHECK(result.body.find(R"({"error":"body_too_large","message":")") == 0);
  CHECK(result.headers["connection"] == "close");

  // Chunked, so the size shows only while reading the body.
  const auto raw = client.send_raw(
      "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "800\r\n" +
      std::string(0x800, 'b') + "\r\n0\r\n\r\n");
  CHECK(raw.received.find("HTTP/1.1 413") == 0);
  CHECK(raw.received.find("body_too_large") != std::string::npos);
  CHECK(calls == 1);
}

TEST_CASE("http: headers over the limit get 431", "[server][http]") {
  auto options = test_options();
  options.header_limit = 2048;
  HttpServer server(options, echo);
  server.start();
  vigil::http::Client client("127.0.0.1", server.port());
  auto result = client.get("/", {{"X-Padding", std::string(4096, 'p')}});
  CHECK(result.status == 431);
  CHECK(result.body.find(R"({"error":"headers_too_large")") == 0);
}

TEST_CASE_METHOD(CountingEcho,
                 "http: garbage gets 400 or a closed connection, and the server carries on",
                 "[server][http]") {
  for (const std::string& garbage :
       {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
        std::string("HELLO THERE\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"),
        std::string("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"),
        std::string("GET /\x01 HTTP/1.1\r\n\r\n")}) {
    INFO(garbage);
    const auto raw = client.send_raw(garbage);
    CHECK(raw.closed_by_server);
    if (!raw.received.empty()) {
      CHECK(raw.received.find("HTTP/1.1 400 Bad Request") == 0);
      CHECK(raw.received.find(R"({"error":"bad_request","message":")") != std::string::npos);
    }
  }
  CHECK(calls == 0);

  vigil::http::Client next("127.0.0.1", server.port());
  CHECK(next.get("/still-here").status == 200);
}

TEST_CASE_METHOD(CountingEcho, "http: a path with an encoded NUL or a bad escape gets 400",
                 "[server][http]") {
  for (const char* target : {"/a%00b", "/a%zz", "/a?x=%0"}) {
    auto result = client.get(target);
    CHECK(result.status == 400);
    CHECK(result.body.find(R"({"error":"bad_request")") == 0);
  }
  CHECK(calls == 0);
}

TEST_CASE("http: a handler that throws gives 500 with a JSON error", "[server][http]") {
  std::mutex mutex;
  std::vector<std::string> logged;
  auto options = test_options();
  options.log_error = [&](const std::string& line) {
    std::lock_guard lock(mutex);
    logged.push_back(line);
  };
  HttpServer server(options, [](const Request& request) -> Response {
    if (request.path == "/odd") throw 42;
    throw std::runtime_error("the database is on fire");
  });
  server.start();

  vigil::http::Client client("127.0.0.1", server.port());
  auto result = client.get("/boom");
  CHECK(result.status == 500);
  CHECK(result.headers["content-type"] == "application/json");
  CHECK(result.body.find(R"({"error":"internal","message":")") == 0);
  CHECK(result.body.find("fire") == std::string::npos);  // details go to the log, not the client
  CHECK(client.get("/odd").status == 500);
  CHECK(client.connections_opened() == 1);

  server.stop();
  std::lock_guard lock(mutex);
  REQUIRE(logged.size() == 2);
  CHECK(logged[0].find("GET /boom") != std::string::npos);
  CHECK(logged[0].find("the database is on fire") != std::string::npos);
}

TEST_CASE("http: a silent or stalled client is cut off by the timeouts", "[server][http]") {
  auto options = test_options();
  options.read_timeout = 1s;
  options.idle_timeout = 1s;
  options.write_timeout = 1s;
  HttpServer server(options, echo);
  server.start();
  vigil::http::Client client("127.0.0.1", server.port());

  // Connects and says nothing.
  CHECK(client.send_raw("", 30s).closed_by_server);
  // Starts a request and never finishes it.
  CHECK(client.send_raw("GET / HTTP/1.1\r\nHost: x\r\n", 30s).closed_by_server);
  CHECK(client.send_raw("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", 30s).closed_by_server);

  // A kept-alive connection left idle is closed too; the client notices and reconnects.
  CHECK(client.get("/").status == 200);
  std::this_thread::sleep_for(4s);  // well past the 1 s idle timeout
  CHECK(client.get("/").status == 200);
  CHECK(client.connections_opened() == 2);
}

TEST_CASE("http: Expect 100-continue is answered before the body", "[server][http]") {
  const auto raw = echo_raw(
      "POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n"
      "Connection: close\r\n\r\nhello");
  CHECK(raw.received.find("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK") == 0);
  CHECK(raw.received.find("body=hello") != std::string::npos);
}

TEST_CASE("http: HEAD gets the headers without the body", "[server][http]") {
  const auto raw = echo_raw("HEAD /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(raw.received.find("HTTP/1.1 200 OK") == 0);
  CHECK(raw.received.find("Content-Length: ") != std::string::npos);
  CHECK(raw.received.find("\r\n\r\n") == raw.received.size() - 4);
}

TEST_CASE("http: HTTPS round trip with a self-signed certificate", "[server][http][tls]") {
  Certificate certificate;
  auto options = test_options();
  options.tls_certificate_file = certificate.certificate;
  options.tls_private_key_file = certificate.key;
  HttpServer server(options, echo);
  server.start();

  // The client verifies the server: it trusts the certificate, which names localhost.
  vigil::http::ClientOptions trusting;
  trusting.tls = true;
  trusting.ca_file = certificate.certificate;
  vigil::http::Client client("localhost", server.port(), trusting);
  auto first = client.post("/secure?x=1", "{}");
  CHECK(first.status == 200);
  CHECK(first.body.find("method=POST\npath=/secure\nquery x=1\n") == 0);
  CHECK(first.headers["server"] == "vigil");
  CHECK(client.get("/again").status == 200);
  CHECK(client.connections_opened() == 1);

  // Plain HTTP to the HTTPS port is not answered as HTTP.
  vigil::http::Client plain("127.0.0.1", server.port());
  const auto raw = plain.send_raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(raw.received.find("HTTP/1.1 200") == std::string::npos);
  CHECK(client.get("/after").status == 200);
}

TEST_CASE("http: certificate and key problems are reported clearly", "[server][http][tls]") {
  Certificate certificate;
  auto options = test_options();
  options.tls_certificate_file = (certificate.dir.path() / "missing.pem").string();
  options.tls_private_key_file = certificate.key;
  CHECK(start_failure(options, "a missing certificate was accepted").find("missing.pem") !=
        std::string::npos);

  options.tls_certificate_file = certificate.certificate;
  options.tls_private_key_file = certificate.certificate;  // a certificate is not a key
  CHECK(start_failure(options, "a certificate was accepted as a key").find("cert.pem") !=
        std::string::npos);

  options.tls_private_key_file.reset();
  CHECK_THROWS_AS(HttpServer(options, echo), Error);
}

TEST_CASE("http: a port in use is reported, port 0 picks a free one", "[server][http]") {
  HttpServer first(test_options(), echo);
  REQUIRE(first.port() != 0);
  auto options = test_options();
  options.port = first.port();
  CHECK(start_failure(options, "two servers listened on one port")
            .find(std::to_string(first.port())) != std::string::npos);
  options.port = 0;
  options.address = "not-an-address";
  CHECK_THROWS_AS(HttpServer(options, echo), Error);
}

TEST_CASE("http: stop() lets a request in flight finish", "[server][http]") {
  std::promise<void> entered;
  auto options = test_options();
  options.idle_timeout = 60s;  // an idle connection must not hold stop() this long
  HttpServer server(options, [&](const Request& request) {
    if (request.path == "/slow") {
      entered.set_value();
      std::this_thread::sleep_for(300ms);
    }
    return echo(request);
  });
  server.start();

  vigil::http::Client idle("127.0.0.1", server.port());
  REQUIRE(idle.get("/fast").status == 200);  // leaves a kept-alive connection open

  vigil::http::Reply slow;
  std::thread client([&] {
    vigil::http::Client c("127.0.0.1", server.port());
    slow = c.get("/slow");
  });
  entered.get_future().wait();
  const auto started = std::chrono::steady_clock::now();
  server.stop();
  const auto took = std::chrono::steady_clock::now() - started;
  client.join();

  CHECK(slow.status == 200);
  CHECK(slow.body.find("path=/slow") != std::string::npos);
  CHECK(slow.headers["connection"] == "close");
  CHECK(took < 30s);  // far below the idle timeout: the idle connection was closed, not waited on

  // Nobody listens any more; stopping again is harmless.
  vigil::http::Client late("127.0.0.1", server.port());
  CHECK_THROWS(late.get("/late"));
  server.stop();
}

TEST_CASE("http: handlers that wait do not hold up other connections", "[server][http]") {
  // One I/O thread and more waiting handlers than that: with handlers on the I/O thread, the
  // health check would wait behind them (as every tablet once waited behind one slow push).
  auto options = test_options();
  options.threads = 1;
  options.handler_threads = 4;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> waiting{0};
  HttpServer server(options, [&](const Request& request) {
    if (request.path == "/wait") {
      ++waiting;
      released.wait();
    }
    return echo(request);
  });
  server.start();

  std::vector<std::thread> clients;
  std::vector<int> statuses(3, 0);
  for (int i = 0; i < 3; ++i) {
    clients.emplace_back([&, i] {
      vigil::http::Client c("127.0.0.1", server.port());
      statuses[static_cast<std::size_t>(i)] = c.get("/wait").status;
    });
  }
  for (int i = 0; i < 500 && waiting.load() < 3; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(waiting.load() == 3);

  vigil::http::Client health("127.0.0.1", server.port());
  const auto answer = health.get("/healthz");
  CHECK(answer.status == 200);
  CHECK(answer.body.find("path=/healthz") != std::string::npos);

  release.set_value();
  for (auto& client : clients) client.join();
  CHECK(statuses == std::vector<int>{200, 200, 200});
  server.stop();
}

TEST_CASE("http: stop() from a handler ends run()", "[server][http]") {
  HttpServer* self = nullptr;
  HttpServer server(test_options(), [&](const Request& request) {
    if (request.path == "/stop") self->stop();
    return echo(request);
  });
  self = &server;
  std::thread runner([&] { server.run(); });
  vigil::http::Client client("127.0.0.1", server.port());
  auto result = client.get("/stop");
  CHECK(result.status == 200);
  runner.join();  // returns: nothing keeps the threads busy
}

TEST_CASE("http: run(true) stops on SIGTERM", "[server][http]") {
  HttpServer server(test_options(), echo);
  std::thread runner([&] { server.run(true); });
  vigil::http::Client client("127.0.0.1", server.port());
  // Answers only once run() is serving, and the signals are watched before that.
  REQUIRE(client.get("/").status == 200);
  std::raise(SIGTERM);
  runner.join();
}

TEST_CASE("http: a server destroyed without start() or stop() is fine", "[server][http]") {
  { HttpServer never_started(test_options(), echo); }
  {
    HttpServer started(test_options(), echo);
    started.start();
    vigil::http::Client client("127.0.0.1", started.port());
    CHECK(client.get("/").status == 200);
  }
  HttpServer stopped_early(test_options(), echo);
  stopped_early.stop();
  stopped_early.start();  // a stopped server stays stopped
  vigil::http::Client client("127.0.0.1", stopped_early.port());
  CHECK_THROWS(client.get("/"));
}
