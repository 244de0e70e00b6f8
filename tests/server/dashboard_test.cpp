// The dashboard's files come from the server binary itself, with a policy that lets the page load
// nothing from anywhere else (issue: supervisors see the backlog). What the page does is tested
// in a real browser by tests/dashboard.
#include <catch2/catch.hpp>

#include "live_server.hpp"
#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/http/client.hpp"

TEST_CASE("dashboard: the page, its style sheet and script are served from the binary",
          "[server][dashboard]") {
  TempDir dir;
  TestForce::create(dir.path() / "server.db");
  LiveServer server{dir.path() / "server.db"};
  auto http = server.client();

  const auto page = http->get("/");
  REQUIRE(page.status == 200);
  CHECK(page.headers.at("content-type") == "text/html; charset=utf-8");
  CHECK(page.body.find("<script src=\"/dashboard.js\" defer></script>") != std::string::npos);
  // Nothing from elsewhere, no inline script, no framing by another site.
  const auto& policy = page.headers.at("content-security-policy");
  CHECK(policy.find("default-src 'none'") != std::string::npos);
  CHECK(policy.find("script-src 'self';") != std::string::npos);
  CHECK(policy.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(page.headers.at("x-content-type-options") == "nosniff");
  CHECK(page.body.find("http://") == std::string::npos);
  CHECK(page.body.find("https://") == std::string::npos);

  const auto script = http->get("/dashboard.js");
  REQUIRE(script.status == 200);
  CHECK(script.headers.at("content-type") == "text/javascript; charset=utf-8");
  CHECK(script.body.find("/api/v1/reports/overdue") != std::string::npos);
  const auto style = http->get("/dashboard.css");
  REQUIRE(style.status == 200);
  CHECK(style.headers.at("content-type") == "text/css; charset=utf-8");
  CHECK(style.body.find("@media print") != std::string::npos);

  CHECK(http->post("/", "{}").status == 405);
  CHECK(http->get("/dashboard.html").status == 404);
}
