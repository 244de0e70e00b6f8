// What answers without signing in: the dashboard's files, liveness (/healthz) and readiness
// (/readyz), the Prometheus metrics and the OpenAPI document.
#include <sys/statvfs.h>

#include "api_impl.hpp"
#include "embedded.hpp"
#include "vigil/base/json.hpp"
#include "vigil/store/migrate.hpp"

namespace vigil::server {
namespace {

// The dashboard is its page, style sheet and script, and reads everything else from the API
// with the signed-in officer's token: the policy lets it load nothing from anywhere else, run
// no inline script, and be framed by no other page.
Response dashboard_file(std::string_view type, std::string_view body) {
  Response response;
  response.content_type = std::string(type) + "; charset=utf-8";
  response.body = std::string(body);
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      "img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  return response;
}

// Bytes free to the server on the file system that holds the database (and its WAL, which
// grows between checkpoints); nullopt when it cannot be told.
std::optional<std::uint64_t> free_disk_bytes(const std::filesystem::path& database) {
  struct statvfs info {};
  const auto folder = database.has_parent_path() ? database.parent_path() : ".";
  if (::statvfs(folder.c_str(), &info) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

}  // namespace

Response Api::Impl::dashboard_page(const Call&) {
  return dashboard_file("text/html", dashboard_html());
}

Response Api::Impl::dashboard_style(const Call&) {
  return dashboard_file("text/css", dashboard_css());
}

Response Api::Impl::dashboard_script(const Call&) {
  return dashboard_file("text/javascript", dashboard_js());
}

// Liveness: the process answers. It reads nothing, so it stays 200 with the database gone or
// the disk full: restarting the process would bring neither back. /readyz says whether the
// server may be sent work.
Response Api::Impl::health(const Call&) {
  return json_response(200, "{\"status\":\"ok\"}");
}

// Readiness: the database is the file the server opened and can be read, its schema is the one
// this server was built for (a newer `vigil init` run under a running server moves it on), and
// the disk that holds it has room above the floor. 503 names what is not.
Response Api::Impl::ready(const Call&) {
  struct Check {
    const char* name;
    bool ok = true;
    std::string detail;
  };
  Check database{"database", true, {}}, schema{"schema", true, {}}, disk{"disk", true, {}};
  if (!database_file.intact()) {
    // Anyone may ask /readyz: the sentence with the file's path is the log's.
    database.ok = false;
    database.detail =
        "the database file was replaced, renamed or deleted while the server ran; put it back "
        "and restart the server";
    schema.ok = false;
    schema.detail = "not known: the database file has gone";
  } else {
    try {
      auto db = pool.take();
      const int version = store::schema_version(*db);
      const int latest = store::latest_schema_version();
      database.detail = "readable";
      schema.ok = version == latest;
      schema.detail = "at version " + std::to_string(version) +
                      (schema.ok ? "" : "; this server needs version " + std::to_string(latest));
    } catch (const std::exception& error) {
      database.ok = false;
      database.detail = std::string("cannot be read: ") + error.what();
      schema.ok = false;
      schema.detail = "not known: the database cannot be read";
    }
  }
  const auto free = free_disk_bytes(options.database);
  const std::uint64_t floor = options.min_free_disk_bytes;
  disk.ok = free && *free >= floor;
  disk.detail =
      !free ? "the free space of the database's file system cannot be told"
            : std::to_string(*free >> 20) + " MiB free" +
                  (disk.ok ? "" : ", below the floor of " + std::to_string(floor >> 20) + " MiB");
  const bool ready = database.ok && schema.ok && disk.ok;
  base::JsonWriter w;
  w.begin_object().field("status", ready ? "ready" : "not_ready").key("checks").begin_object();
  for (const Check* check : {&database, &schema, &disk}) {
    w.key(check->name)
        .object({base::member("ok", check->ok), base::member("detail", check->detail)});
  }
  w.end_object().end_object();
  return json_response(ready ? 200 : 503, w.str());
}

Response Api::Impl::metrics_page(const Call&) {
  {
    auto db = pool.take();
    metrics.gauge(
        "vigil_connected_devices", "Devices not revoked that made contact in the last 10 minutes.",
        static_cast<double>(store::single_int(
            *db, "SELECT count(*) FROM devices WHERE revoked_at IS NULL AND last_contact_at >= ?",
            format_instant(options.now() - std::chrono::minutes(10)))));
    // Tablets an officer has not synced for a day: their work is not in the reports.
    metrics.gauge("vigil_tablets_silent",
                  "Tablets not revoked that have not synced in the last 24 hours.",
                  static_cast<double>(store::single_int(
                      *db,
                      "SELECT count(*) FROM devices WHERE kind = 'tablet' AND revoked_at IS NULL "
                      "AND (last_contact_at IS NULL OR last_contact_at < ?)",
                      format_instant(options.now() - std::chrono::hours(24)))));
    // The nightly run is another process (vigil batch); what it leaves in the database says
    // when it last ran to the end.
    const auto taken = store::single_text(*db, "SELECT max(taken_at) FROM backlog_snapshots");
    if (const auto at = taken ? parse_instant(*taken) : std::nullopt) {
      metrics.gauge("vigil_nightly_run_last_timestamp_seconds",
                    "When the nightly run (vigil batch) last ran to the end, in Unix seconds.",
                    static_cast<double>(at->time_since_epoch().count()));
    }
  }
  if (const auto free = free_disk_bytes(options.database)) {
    metrics.gauge("vigil_disk_free_bytes", "Bytes free on the file system that holds the database.",
                  static_cast<double>(*free));
  }
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics.render();
  return response;
}

Response Api::Impl::openapi(const Call&) {
  return json_response(200, std::string(openapi_document()));
}

}  // namespace vigil::server
