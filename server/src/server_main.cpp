// vigil-server: the sync API, the supervisors' API and the dashboard, over HTTP or HTTPS.
// Runs until SIGINT or SIGTERM, then finishes the requests in flight and closes the database.
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "request_log.hpp"
#include "server_settings.hpp"
#include "vigil/base/cli.hpp"
#include "vigil/base/error.hpp"
#include "vigil/http/server.hpp"
#include "vigil/rules/text.hpp"
#include "vigil/server/api.hpp"
#include "vigil/store/migrate.hpp"
#include "vigil/store/store.hpp"

namespace {

constexpr const char* kUsage =
    R"(usage: vigil-server [--config FILE] [--db DB] [--listen ADDRESS:PORT]
                    [--tls-cert FILE --tls-key FILE] [--threads N] [--min-free-disk MIB]
                    [--log-level info|warn|error] [--check-config]

Serves Vigil's HTTP API (sync, conflicts, devices, metrics) from the database DB, which
`vigil init` created. Runs until interrupted (SIGINT or SIGTERM), then finishes the requests
in flight and closes the database cleanly. Its log is one JSON line per request and event, on
standard error.

  --config FILE      settings, one `name = value` a line with the names below (default
                     /etc/vigil/vigil-server.conf, when it exists); the command line wins
  --check-config     check the settings, the database and the TLS files, say what is wrong
                     (or that nothing is) in one sentence, and exit: 0 good, 2 not
  --db DB            the database
  --listen A:P       where to listen (default 127.0.0.1:8080; port 0 picks a free port)
  --tls-cert FILE    serve HTTPS with this certificate chain (PEM) ...
  --tls-key FILE     ... and this private key (PEM); both or neither
  --threads N        I/O threads (default 2)
  --min-free-disk MIB  /readyz answers 503 when the database's file system has less free
                     (default 1024)
  --log-level L      the least a log line must be to be written: info (every request, the
                     default), warn (security events and failures) or error (failures)
  --no-report-cache  make every report when it is asked for: today's are not kept until a
                     change lands in their teams, nor made ahead (for measuring the reports)
)";

constexpr vigil::base::Option kOptions[] = {{"config"},    {"check-config", false},
                                            {"db"},        {"listen"},
                                            {"tls-cert"},  {"tls-key"},
                                            {"threads"},   {"min-free-disk"},
                                            {"log-level"}, {"no-report-cache", false}};

namespace base = vigil::base;
using vigil::server::ServerSettings;

// One line of the operator's log to standard error, whole: one write, so lines from several
// threads never interleave.
void log_line(const std::string& line) {
  const std::string whole = line + "\n";
  std::fwrite(whole.data(), 1, whole.size(), stderr);
}

template <class Number>
Number number_setting(const ServerSettings& settings, std::string_view name, Number low,
                      Number high, Number otherwise) {
  const auto text = settings.value(name);
  if (!text) return otherwise;
  Number n{};
  if (std::from_chars(text->data(), text->data() + text->size(), n).ptr !=
          text->data() + text->size() ||
      n < low || n > high) {
    throw base::UsageError(settings.where(name) + " must be a whole number from " +
                           std::to_string(low) + " to " + std::to_string(high) + ", not '" +
                           vigil::quoted_excerpt(*text) + "'");
  }
  return n;
}

void require_readable(const ServerSettings& settings, std::string_view name) {
  const auto path = settings.value(name);
  if (path && !std::ifstream(*path)) {
    throw base::UsageError(settings.where(name) + " names " + vigil::quoted_excerpt(*path) +
                           ", which cannot be read");
  }
}

vigil::http::ServerOptions server_options(const ServerSettings& settings) {
  vigil::http::ServerOptions options;
  const std::string listen = settings.value("listen").value_or("127.0.0.1:8080");
  const auto colon = listen.rfind(':');
  unsigned port = 0;
  if (colon == std::string::npos || colon == 0 ||
      std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port).ptr !=
          listen.data() + listen.size() ||
      port > 65535) {
    throw base::UsageError(settings.where("listen") + " '" + vigil::quoted_excerpt(listen) +
                           "' is not ADDRESS:PORT (for example 127.0.0.1:8080)");
  }
  options.address = listen.substr(0, colon);
  options.port = static_cast<unsigned short>(port);
  options.threads = number_setting(settings, "threads", 1, 64, 2);
  const auto cert = settings.value("tls-cert");
  const auto key = settings.value("tls-key");
  if (cert.has_value() != key.has_value()) {
    throw base::UsageError("give tls-cert and tls-key together, or neither");
  }
  require_readable(settings, "tls-cert");
  require_readable(settings, "tls-key");
  options.tls_certificate_file = cert;
  options.tls_private_key_file = key;
  return options;
}

vigil::server::ApiOptions api_options(const ServerSettings& settings) {
  vigil::server::ApiOptions options;
  const auto database = settings.value("db");
  if (!database) throw base::UsageError("missing --db (or db in the configuration file)");
  options.database = *database;
  options.warm_reports = true;  // the morning's reports ready before the morning asks
  options.cache_reports = !settings.on("no-report-cache");
  options.min_free_disk_bytes =
      number_setting<std::uint64_t>(settings, "min-free-disk", 0, std::uint64_t{1} << 30, 1024)
      << 20;
  const std::string level = settings.value("log-level").value_or("info");
  const auto parsed = vigil::server::parse_log_level(level);
  if (!parsed) {
    throw base::UsageError(settings.where("log-level") + " must be info, warn or error, not '" +
                           vigil::quoted_excerpt(level) + "'");
  }
  options.log_level = *parsed;
  options.log = log_line;
  return options;
}

// What --check-config checks beyond the settings themselves: that the database is there and at
// this build's schema (the page-by-page check of a damaged file is start-up's, which reads it
// all). A server that would refuse to start is named here in its own words.
int check_config(const ServerSettings& settings, const vigil::server::ApiOptions& api,
                 const vigil::http::ServerOptions& http) {
  if (!std::filesystem::exists(api.database)) {
    throw base::UsageError(settings.where("db") + " names " +
                           vigil::quoted_excerpt(api.database.string()) +
                           ", where there is no database (vigil init makes one)");
  }
  int version = 0;
  try {
    vigil::store::Database db(api.database, {.create = false, .read_only = true});
    version = vigil::store::schema_version(db);
  } catch (const vigil::Error& error) {
    throw base::UsageError(settings.where("db") + " names " + api.database.string() +
                           ", which cannot be read as a database: " + error.what());
  }
  try {
    vigil::http::check_tls_files(http);
  } catch (const vigil::Error& error) {
    throw base::UsageError(error.what());
  }
  if (version != vigil::store::latest_schema_version()) {
    throw base::UsageError("the database " + api.database.string() + " is at schema version " +
                           std::to_string(version) + "; this server needs " +
                           std::to_string(vigil::store::latest_schema_version()) +
                           " (vigil init --db " + api.database.string() + " brings it there)");
  }
  std::cout << "vigil-server: the configuration is good"
            << (settings.file() ? " (" + settings.file()->string() + " and the command line)"
                                : std::string(" (the command line)"))
            << ": it would serve " << api.database.string() << " (schema version " << version
            << ") on " << (http.tls_certificate_file ? "https" : "http") << "://" << http.address
            << ":" << http.port << "\n";
  return vigil::base::kExitOk;
}

int serve(const std::vector<std::string>& words) {
  const ServerSettings settings(words, kOptions);
  const base::Args& args = settings.args();
  if (args.help()) {
    std::cout << kUsage;
    return vigil::base::kExitOk;
  }
  if (!args.positionals().empty()) {
    throw base::UsageError("unexpected argument '" + args.positionals().front() + "'");
  }
  auto api = api_options(settings);
  auto options = server_options(settings);
  if (args.flag("check-config")) return check_config(settings, api, options);
  options.log_error = [](const std::string& cause) {
    log_line(vigil::server::event_log_line(vigil::server::LogLevel::error, "failure",
                                           {base::member("cause", cause)}));
  };
  api.connections_ahead = options.handler_threads;
  vigil::server::Api served(api);
  options.log_refusal = [&served](const vigil::http::ServerOptions::Refusal& refusal) {
    served.refused(refusal);
  };
  vigil::http::HttpServer server(
      options, [&served](const vigil::http::Request& request) { return served.handle(request); });
  const std::string database = api.database.string();
  const std::string url = std::string(options.tls_certificate_file ? "https" : "http") + "://" +
                          options.address + ":" + std::to_string(server.port());
  log_line(vigil::server::event_log_line(
      vigil::server::LogLevel::info, "start",
      {base::member("database", database), base::member("url", url)}));
  server.run(true);
  log_line(vigil::server::event_log_line(vigil::server::LogLevel::info, "stop"));
  return vigil::base::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  return base::run_program(
      "vigil-server", [&] { return serve(words); }, "run vigil-server --help for usage");
}
