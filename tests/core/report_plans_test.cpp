// How a team's reports reach their rows. Made when asked, a report's cost is mostly the pages it
// reads (every read that follows another connection's commit starts with an empty page cache),
// so a team's report must reach its rows through its team and its nominals: an index that
// leads with a status reaches every team's rows of that status, and a scan reads them all.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "temp_dir.hpp"
#include "test_force.hpp"
#include "vigil/reports/compliance_report.hpp"
#include "vigil/reports/overdue_report.hpp"
#include "vigil/reports/suspects_report.hpp"

using namespace vigil;

namespace {

// Every statement the connection runs, as written (its parameters unbound).
struct StatementLog {
  explicit StatementLog(store::Database& db) : db_(db) {
    sqlite3_trace_v2(db.handle(), SQLITE_TRACE_STMT, &StatementLog::on_statement, this);
  }
  ~StatementLog() { sqlite3_trace_v2(db_.handle(), 0, nullptr, nullptr); }
  StatementLog(const StatementLog&) = delete;
  StatementLog& operator=(const StatementLog&) = delete;

  static int on_statement(unsigned, void* self, void* statement, void*) {
    const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
    if (sql != nullptr) static_cast<StatementLog*>(self)->sql.insert(sql);
    return 0;
  }

  store::Database& db_;
  std::set<std::string> sql;
};

// What the planner does with a statement: one line per step.
std::string query_plan(store::Database& db, const std::string& sql) {
  auto plan = db.prepare("EXPLAIN QUERY PLAN " + sql);
  std::string steps;
  while (plan.step()) steps += plan.column_text(3) + "\n";
  return steps;
}

// Tables a report may read whole: a force has a few hundred teams and a few thousand officers,
// whose names every report shows.
bool read_whole(const std::string& table) {
  return table == "officers" || table == "teams" || table == "sqlite_schema" ||
         table == "json_each" || table == "policy_versions";
}

}  // namespace

TEST_CASE("a team's reports reach their rows through the team, never through the whole force",
          "[report][store]") {
  ForceDatabase f;
  const Date as_of = *parse_date("2026-11-22");
  const reports::ReportScope north{{"North"}};
  std::set<std::string> statements;
  {
    StatementLog log(f.db);
    reports::overdue_report(f.db, as_of, north);
    reports::suspects_report(f.db, as_of, north);
    reports::compliance_report(f.db, as_of, north);
    statements = log.sql;
  }
  REQUIRE(statements.size() > 10);
  // "SCAN t", "SCAN t USING ..." and "SEARCH t USING INDEX i (status=? ...)".
  const std::regex scan(R"(^\s*SCAN (\w+)(?: |$))");
  const std::regex by_status(R"(^\s*SEARCH \w+ USING (?:COVERING )?INDEX \w+ \(status)");
  for (const auto& sql : statements) {
    if (sql.rfind("SELECT", 0) != 0 && sql.rfind("WITH", 0) != 0) continue;
    const std::string plan = query_plan(f.db, sql);
    INFO(sql << "\n" << plan);
    std::istringstream lines(plan);
    for (std::string line; std::getline(lines, line);) {
      std::smatch found;
      if (std::regex_search(line, found, scan)) {
        const std::string table = found[1];
        // A name the statement gives a table of its own making (a CTE, a subquery) is not one
        // of the database's tables.
        const bool stored = f.db.prepare(
                                    "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND "
                                    "name = ?")
                                .bind_all(table)
                                .step();
        CHECK((!stored || read_whole(table)));
      }
      CHECK_FALSE(std::regex_search(line, by_status));
    }
  }
}
