// vigil-server's configuration file and --check-config, run as an operator runs them: the file's
// settings used and the command line over them, every mistake said in one sentence that names
// the file and line (or the flag), and the log level the file sets obeyed by the running server.
#include <catch2/catch.hpp>
#include <fstream>

#include "run_command.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/http/client.hpp"

namespace {

struct Configured {
  TempDir dir;
  std::filesystem::path db = dir.path() / "force.db";
  TestForce force = TestForce::create(db);

  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = dir.path() / name;
    std::ofstream(path) << text;
    return path;
  }
  CommandResult check(const std::string& arguments) {
    return run_command(
        std::string(VIGIL_BIN_DIR) + "/vigil-server " + arguments + " --check-config", "",
        dir.path());
  }
};

// The sentence a refused check gave: its first line.
std::string sentence(const CommandResult& result) {
  return result.err.substr(0, result.err.find('\n'));
}

}  // namespace

TEST_CASE("vigil-server --check-config: the file's settings, with the command line over them",
          "[server][config]") {
  Configured c;
  const auto conf = c.write("vigil-server.conf", "# the force's server\n\ndb = " + c.db.string() +
                                                     "\nlisten = 127.0.0.1:8123\n"
                                                     "threads = 4\nlog-level = warn\n");
  const auto good = c.check("--config '" + conf.string() + "'");
  INFO(good.err);
  REQUIRE(good.status == 0);
  CHECK(good.out.find("the configuration is good") != std::string::npos);
  CHECK(good.out.find(c.db.string()) != std::string::npos);
  CHECK(good.out.find("http://127.0.0.1:8123") != std::string::npos);
  const auto over = c.check("--config '" + conf.string() + "' --listen 127.0.0.1:9123");
  REQUIRE(over.status == 0);
  CHECK(over.out.find("http://127.0.0.1:9123") != std::string::npos);
}

TEST_CASE("vigil-server --check-config says what is wrong in one sentence, naming where",
          "[server][config]") {
  Configured c;
  const std::string db = "db = " + c.db.string() + "\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {db + "threads = lots\n", "line 2 (threads) must be a whole number from 1 to 64"},
      {db + "port = 80\n", "line 2 sets 'port', which vigil-server does not know"},
      {db + "listen 127.0.0.1:80\n", "line 2 is not 'name = value'"},
      {db + "threads = 2\nthreads = 3\n", "line 3 sets threads again (line 2 set it first)"},
      {db + "no-report-cache = sometimes\n", "it takes yes or no"},
      {db + "log-level = chatty\n", "line 2 (log-level) must be info, warn or error"},
      {db + "tls-cert = /nowhere/cert.pem\n", "give tls-cert and tls-key together"},
      {db + "tls-cert = " + c.db.string() + "\ntls-key = " + c.db.string() + "\n",
       "Cannot load the TLS certificate chain"},
      {db + std::string("threads = 2\0junk\n", 16), "line 2 holds a NUL character"},
      {db + "listen = " + std::string(5000, 'x') + "\n", "line 2 is longer than 4096 characters"},
      {"db = " + (c.dir.path() / "missing.db").string() + "\n",
       "where there is no database (vigil init makes one)"},
  };
  for (const auto& [text, expected] : cases) {
    const auto conf = c.write("bad.conf", text);
    const auto refused = c.check("--config '" + conf.string() + "'");
    INFO(text << "\n" << refused.err);
    CHECK(refused.status == 2);
    CHECK(sentence(refused).find(expected) != std::string::npos);
    CHECK(refused.out.empty());
  }
  const auto folder = c.check("--config '" + c.dir.path().string() + "'");
  CHECK(folder.status == 2);
  CHECK(sentence(folder).find("is not a file") != std::string::npos);
  const auto missing = c.check("--config '" + (c.dir.path() / "none.conf").string() + "'");
  CHECK(missing.status == 2);
  CHECK(sentence(missing).find("which does not exist") != std::string::npos);
  const auto flag = c.check("--db '" + c.db.string() + "' --threads 0");
  CHECK(flag.status == 2);
  CHECK(sentence(flag).find("--threads must be a whole number") != std::string::npos);
  // A database behind this build's schema: named, with the command that brings it there.
  {
    vigil::store::Database old(c.db);
    old.execute("PRAGMA user_version = 1");
  }
  const auto behind = c.check("--db '" + c.db.string() + "'");
  CHECK(behind.status == 2);
  CHECK(sentence(behind).find("is at schema version 1; this server needs") != std::string::npos);
}

TEST_CASE("vigil-server logs at the level its configuration file sets", "[server][config][log]") {
  Configured c;
  const auto conf = c.write("quiet.conf", "log-level = warn\n");
  ServerProcess server(c.db, c.dir.path() / "server.log", {"--config", conf.string()});
  vigil::http::Client client("127.0.0.1", server.port());
  REQUIRE(client.get("/healthz").status == 200);
  REQUIRE(client.get("/api/v1/nominals").status == 401);
  // Bytes that are not HTTP never reach a route; vigil-server still says so, as a warning.
  REQUIRE(client.send_raw("HELLO THERE\r\n\r\n").received.find("HTTP/1.1 400") == 0);
  server.stop();
  const std::string log = server.log();
  INFO(log);
  CHECK(log.find("\"route\":\"/healthz\"") == std::string::npos);  // info: not written
  CHECK(log.find("\"event\":\"unauthenticated\"") != std::string::npos);
  CHECK(log.find("\"event\":\"refused\",\"status\":400") != std::string::npos);
  CHECK(log.find("\"event\":\"stop\"") != std::string::npos);
}
