// vigil-server: the sync API, the supervisors' API and (later) the dashboard, over HTTP or HTTPS.
// Runs until SIGINT or SIGTERM, then finishes the requests in flight and closes the database.
#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "request_log.hpp"
#include "vigil/base/cli.hpp"
#include "vigil/base/error.hpp"
#include "vigil/http/server.hpp"
#include "vigil/server/api.hpp"

namespace {

constexpr const char* kUsage =
    R"(usage: vigil-server --db DB [--listen ADDRESS:PORT] [--tls-cert FILE --tls-key FILE]
                    [--threads N] [--min-free-disk MIB]

Serves Vigil's HTTP API (sync, conflicts, devices, metrics) from the database DB, which
`vigil init` created. Runs until interrupted (SIGINT or SIGTERM), then finishes the requests
in flight and closes the database cleanly.

  --db DB            the database
  --listen A:P       where to listen (default 127.0.0.1:8080; port 0 picks a free port)
  --tls-cert FILE    serve HTTPS with this certificate chain (PEM) ...
  --tls-key FILE     ... and this private key (PEM); both or neither
  --threads N        I/O threads (default 2)
  --no-report-cache  make every report when it is asked for: today's are not kept until a
                     change lands in their teams, nor made ahead (for measuring the reports)
  --min-free-disk MIB  /readyz answers 503 when the database's file system has less free
                     (default 1024)
)";

namespace base = vigil::base;

// One line of the operator's log to standard error, whole: one write, so lines from several
// threads never interleave.
void log_line(const std::string& line) {
  const std::string whole = line + "\n";
  std::fwrite(whole.data(), 1, whole.size(), stderr);
}

vigil::http::ServerOptions server_options(const vigil::base::Args& args) {
  vigil::http::ServerOptions options;
  const std::string listen = args.value("listen").value_or("127.0.0.1:8080");
  const auto colon = listen.rfind(':');
  unsigned port = 0;
  if (colon == std::string::npos || colon == 0 ||
      std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port).ptr !=
          listen.data() + listen.size() ||
      port > 65535) {
    throw base::UsageError("--listen '" + listen +
                           "' is not ADDRESS:PORT (for example 127.0.0.1:8080)");
  }
  options.address = listen.substr(0, colon);
  options.port = static_cast<unsigned short>(port);
  if (auto threads = args.value("threads")) {
    int n = 0;
    if (std::from_chars(threads->data(), threads->data() + threads->size(), n).ptr !=
            threads->data() + threads->size() ||
        n < 1 || n > 64) {
      throw base::UsageError("--threads must be a whole number from 1 to 64");
    }
    options.threads = n;
  }
  const auto cert = args.value("tls-cert");
  const auto key = args.value("tls-key");
  if (cert.has_value() != key.has_value()) {
    throw base::UsageError("give --tls-cert and --tls-key together, or neither");
  }
  options.tls_certificate_file = cert;
  options.tls_private_key_file = key;
  return options;
}

int serve(const std::vector<std::string>& words) {
  static const vigil::base::Option kOptions[] = {{"db"},           {"listen"},
                                                 {"tls-cert"},     {"tls-key"},
                                                 {"threads"},      {"no-report-cache", false},
                                                 {"min-free-disk"}};
  const vigil::base::Args args(words, kOptions);
  if (args.help()) {
    std::cout << kUsage;
    return vigil::base::kExitOk;
  }
  if (!args.positionals().empty()) {
    throw base::UsageError("unexpected argument '" + args.positionals().front() + "'");
  }
  vigil::server::ApiOptions api_options;
  api_options.database = args.required("db");
  api_options.warm_reports = true;  // the morning's reports ready before the morning asks
  api_options.cache_reports = !args.flag("no-report-cache");
  if (auto mib = args.value("min-free-disk")) {
    std::uint64_t n = 0;
    if (std::from_chars(mib->data(), mib->data() + mib->size(), n).ptr !=
            mib->data() + mib->size() ||
        n > (std::uint64_t{1} << 40)) {
      throw base::UsageError("--min-free-disk must be a whole number of MiB, not '" + *mib + "'");
    }
    api_options.min_free_disk_bytes = n << 20;
  }
  api_options.log = log_line;
  auto options = server_options(args);
  options.log_error = [](const std::string& cause) {
    log_line(vigil::server::event_log_line("error", "failure", {base::member("cause", cause)}));
  };
  api_options.connections_ahead = options.handler_threads;
  vigil::server::Api api(api_options);
  vigil::http::HttpServer server(
      options, [&api](const vigil::http::Request& request) { return api.handle(request); });
  const std::string database = api_options.database.string();
  const std::string url = std::string(options.tls_certificate_file ? "https" : "http") + "://" +
                          options.address + ":" + std::to_string(server.port());
  log_line(vigil::server::event_log_line(
      "info", "start", {base::member("database", database), base::member("url", url)}));
  server.run(true);
  log_line(vigil::server::event_log_line("info", "stop"));
  return vigil::base::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  return base::run_program(
      "vigil-server", [&] { return serve(words); }, "run vigil-server --help for usage");
}
