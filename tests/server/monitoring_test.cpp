// The alert rules and the Grafana dashboard shipped in packaging/monitoring/ watch what the
// server exports: every vigil_ metric they name is in a real server's /metrics once it has
// served a push, a report and a nightly run. An alert on a metric of another name would never
// fire, and nobody would know.
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "api_world.hpp"

using namespace api_world;

namespace {

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The metrics an expression names: vigil_..., a histogram's series named by the histogram.
std::set<std::string> vigil_metrics(const std::string& text) {
  std::set<std::string> names;
  const std::regex name(R"(\bvigil_[a-z_]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name); it != std::sregex_iterator();
       ++it) {
    std::string found = it->str();
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s(suffix);
      if (found.size() > s.size() && found.compare(found.size() - s.size(), s.size(), s) == 0) {
        found.resize(found.size() - s.size());
      }
    }
    names.insert(found);
  }
  return names;
}

}  // namespace

TEST_CASE("every metric the alert rules and the dashboard name is one the server exports",
          "[server][metrics][monitoring]") {
  World world;
  // A night's run has finished, a tablet has pushed and a supervisor has read a report.
  {
    store::Database db(world.database());
    db.execute(
        "INSERT INTO backlog_snapshots (as_of, taken_at, policy_version) VALUES ('2026-12-06', "
        "'2026-12-07T02:00:05Z', 1)");
  }
  Device pc = world.device("pc.a");
  REQUIRE(pc.push_one(pc.visit(world.force().north_nominals[0])).outcome == Outcome::applied);
  Device sergeant = world.device("sgt.north");
  REQUIRE(sergeant.get("/api/v1/reports/overdue").status == 200);
  const auto metrics = world.client()->get("/metrics");
  REQUIRE(metrics.status == 200);
  INFO(metrics.body);

  const std::filesystem::path monitoring =
      std::filesystem::path(VIGIL_SOURCE_DIR) / "packaging" / "monitoring";
  const auto rules = vigil_metrics(file_text(monitoring / "vigil-alerts.yml"));
  const auto dashboard = vigil_metrics(file_text(monitoring / "vigil-dashboard.json"));
  CHECK(rules.size() >= 5);
  CHECK(dashboard.size() >= 7);
  std::set<std::string> named = rules;
  named.insert(dashboard.begin(), dashboard.end());
  for (const auto& name : named) {
    INFO(name);
    CHECK(std::regex_search(metrics.body, std::regex("\\n" + name + "(_bucket)?(\\{| )")));
  }
  // The nightly run's gauge is the instant its snapshot was taken.
  CHECK(metrics.body.find("vigil_nightly_run_last_timestamp_seconds 1796608805") !=
        std::string::npos);
}
