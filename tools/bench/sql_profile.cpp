#include "sql_profile.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <unordered_map>

namespace vigil::bench {
namespace {

struct Totals {
  std::int64_t runs = 0;
  std::int64_t nanoseconds = 0;
};

std::atomic<bool> recording{false};
std::mutex totals_mutex;
std::unordered_map<std::string, Totals> totals;

int on_trace(unsigned type, void*, void* statement, void* elapsed) {
  if (type != SQLITE_TRACE_PROFILE || !recording.load(std::memory_order_relaxed)) return 0;
  const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
  const auto nanoseconds = *static_cast<const sqlite3_int64*>(elapsed);
  std::lock_guard lock(totals_mutex);
  Totals& t = totals[sql != nullptr ? sql : "?"];
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
    totals.clear();
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
    for (const auto& [sql, t] : totals) {
      out.push_back({sql, t.runs, static_cast<double>(t.nanoseconds) / 1e6});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Statement& a, const Statement& b) { return a.total_ms > b.total_ms; });
  return out;
}

}  // namespace vigil::bench
