#include "sql_profile.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <unordered_map>

#include "bench_support.hpp"

namespace vigil::bench {
namespace {

struct Measured {
  std::int64_t runs = 0;
  std::int64_t nanoseconds = 0;
};

std::atomic<bool> recording{false};
std::mutex totals_mutex;
std::unordered_map<std::string, Measured> by_sql;

int on_trace(unsigned type, void*, void* statement, void* elapsed) {
  if (type != SQLITE_TRACE_PROFILE || !recording.load(std::memory_order_relaxed)) return 0;
  const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
  const auto nanoseconds = *static_cast<const sqlite3_int64*>(elapsed);
  std::lock_guard lock(totals_mutex);
  Measured& t = by_sql[sql != nullptr ? sql : "?"];
  ++t.runs;
  t.nanoseconds += nanoseconds;
  return 0;
}

// SQLite calls this for every connection opened after it is registered.
int on_open(sqlite3* db, const char**, const sqlite3_api_routines*) {
  sqlite3_trace_v2(db, SQLITE_TRACE_PROFILE, on_trace, nullptr);
  return SQLITE_OK;
}

}  // namespace

void SqlProfile::install() {
  // SQLite declares the entry point as void(void) and calls it with the real signature.
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(&on_open));
}

void SqlProfile::start() {
  {
    std::lock_guard lock(totals_mutex);
    by_sql.clear();
  }
  recording = true;
}

void SqlProfile::stop() {
  recording = false;
}

std::vector<SqlProfile::Statement> SqlProfile::statements() {
  std::vector<Statement> out;
  {
    std::lock_guard lock(totals_mutex);
    for (const auto& [sql, t] : by_sql) {
      out.push_back({sql, t.runs, static_cast<double>(t.nanoseconds) / 1e6});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Statement& a, const Statement& b) { return a.total_ms > b.total_ms; });
  return out;
}

SqlProfile::Totals SqlProfile::totals(const std::vector<Statement>& statements) {
  Totals sum;
  for (const auto& s : statements) {
    sum.total_ms += s.total_ms;
    sum.runs += s.runs;
  }
  return sum;
}

void SqlProfile::print_costliest(const std::vector<Statement>& statements, std::size_t shown) {
  const double total_ms = totals(statements).total_ms;
  double rest_ms = 0;
  std::int64_t rest_runs = 0;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const auto& s = statements[i];
    if (i >= shown) {
      rest_ms += s.total_ms;
      rest_runs += s.runs;
      continue;
    }
    std::string sql = s.sql.size() > 110 ? s.sql.substr(0, 107) + "..." : s.sql;
    std::cout << "  " << fixed(100.0 * s.total_ms / total_ms, 1) << "%  " << fixed(s.total_ms, 0)
              << " ms  " << grouped(s.runs) << " runs  "
              << fixed(1000.0 * s.total_ms / static_cast<double>(s.runs), 1) << " us each  " << sql
              << "\n";
  }
  if (rest_runs > 0) {
    std::cout << "  " << fixed(100.0 * rest_ms / total_ms, 1) << "%  " << fixed(rest_ms, 0)
              << " ms  " << grouped(rest_runs) << " runs of " << statements.size() - shown
              << " other statements\n";
  }
}

void SqlProfile::stop_and_print(std::string_view what, double wall_seconds) {
  stop();
  const auto found = statements();
  const auto [runs, total_ms] = totals(found);
  std::cout << "SQL " << what << " (slowed by the profile): " << grouped(runs)
            << " statements run; " << fixed(total_ms / 1000.0, 2) << " s inside SQLite of "
            << fixed(wall_seconds, 2) << " s\n";
  print_costliest(found, 15);
}

}  // namespace vigil::bench
