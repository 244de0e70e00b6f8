// The active nominals in a report's scope by their (team, nominal) keys, and where a row of a
// copy kept by team (migrations 0021, 0022) finds its nominal among them. Private to reports/.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/store/store.hpp"

namespace vigil::reports {

// The active nominals in scope (team_ids as scope_team_ids gives them), in key order (bytewise,
// as the keys are compared below), from the index of nominals by team, which holds the columns a
// report reads: n.team_id and n.id first, then `columns` (of `nominals n`), the scope bound.
store::Statement& active_nominals(store::Database& db, const std::optional<std::string>& team_ids,
                                  std::string_view columns);

// A row belongs to a nominal only while the nominal is still in the row's team. Most copies come
// in key order: a cursor steps along with a copy's rows and finds each in a comparison or two,
// and a row that falls between two nominals' keys is of none in scope. A row behind the cursor
// (the visits' copy comes in the order visits were made) is looked up in a hash of the
// nominals. (Hashing every row was a fifth of a force-wide overdue report; a binary search per
// row, a third.)
class NominalKeys {
 public:
  // The next nominal, whose key follows the last's. Every nominal is added before the first find.
  void add(std::string team_id, std::string nominal_id);
  [[nodiscard]] std::size_t size() const { return teams_.size(); }

  // The nominal of a row whose first two columns are its team and nominal ids: its index in the
  // order added, or nullopt when it is none in scope. `at` is the cursor of the statement being
  // read, from 0.
  [[nodiscard]] std::optional<std::size_t> find(const store::Statement& row, std::size_t& at);

 private:
  [[nodiscard]] bool before(std::size_t i, std::string_view team, std::string_view nominal) const;

  std::vector<std::string> teams_, nominals_;
  // Views into nominals_, made at the first row behind a cursor, once nothing more is added.
  std::unordered_map<std::string_view, std::size_t> by_nominal_;
};

}  // namespace vigil::reports
