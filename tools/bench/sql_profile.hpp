// Where a server's SQL time goes: times every statement run on every SQLite connection this
// process opens after install() (SQLite's auto-extension hook puts a profile callback on each,
// so the server needs no change), grouped by the statement's SQL text. Each run adds a little to
// the statement's cost, so figures taken with it on are for finding hot statements, not for
// comparing runs. Every member is thread-safe; recording happens on whichever thread runs SQL.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::bench {

class SqlProfile {
 public:
  // Hooks connections opened from now on; call before the server opens its connections.
  static void install();
  // Recording starts from nothing and stops; statements outside are not counted.
  static void start();
  static void stop();

  struct Statement {
    std::string sql;
    std::int64_t runs = 0;
    double total_ms = 0;  // from the first step of each run to its reset, as SQLite reports it
  };
  // Costliest first.
  static std::vector<Statement> statements();
  struct Totals {
    std::int64_t runs = 0;
    double total_ms = 0;
  };
  static Totals totals(const std::vector<Statement>& statements);
  // A line each for the `shown` costliest on standard output (share, time, runs, time a run, the
  // SQL cut short), then one for the rest.
  static void print_costliest(const std::vector<Statement>& statements, std::size_t shown);
  // Stops recording and prints what it found: "SQL WHAT (slowed by the profile): N statements
  // run; T s inside SQLite of WALL s", then the 15 costliest statements.
  static void stop_and_print(std::string_view what, double wall_seconds);
};

}  // namespace vigil::bench
