// What answers without signing in: the dashboard's files, health (with the database gone, 503),
// the Prometheus metrics and the OpenAPI document.
#include "api_impl.hpp"
#include "embedded.hpp"

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

// The route table checks the database file before this runs (needs_database): a file gone
// answers 503. This reads it, so a database that cannot be read is not called healthy.
Response Api::Impl::health(const Call&) {
  auto db = pool.take();
  auto s = (*db).prepare("SELECT count(*) FROM changes");
  s.step();
  return json_response(200, "{\"status\":\"ok\"}");
}

Response Api::Impl::metrics_page(const Call&) {
  {
    auto db = pool.take();
    auto s = (*db).prepare(
        "SELECT count(*) FROM devices WHERE revoked_at IS NULL AND last_contact_at >= ?");
    s.bind_all(format_instant(options.now() - std::chrono::minutes(10)));
    s.step();
    metrics.gauge("vigil_connected_devices",
                  "Devices not revoked that made contact in the last 10 minutes.",
                  static_cast<double>(s.column_int(0)));
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
